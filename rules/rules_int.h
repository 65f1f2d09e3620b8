/* rules_int.h - internals shared by the detector modules: the compiled patterns, the per-detector
 * scanners and small UTF-8 steps. Not for use outside rules/. */
#ifndef LG_RULES_INT_H
#define LG_RULES_INT_H

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/detect.h"

/* The compiled patterns. Read-only after lg_detectors_new: every scan allocates its own match
 * data and match context, so one struct serves all threads. */
struct lg_detectors {
	pcre2_general_context *gctx;	/* allocator: lg_malloc/free (never NULL) */
	pcre2_code *phone_re;
	pcre2_code *email_re;
};

/* Pattern sources, compiled with PCRE2_UTF by lg_detectors_new. */
extern const char lg_phone_jp_pattern[];
extern const char lg_email_pattern[];

/* Longest normalised phone value: 11 national digits plus NUL. */
#define LG_PHONE_JP_MAX 11

/* lg_phone_jp_scan - report every phone number in text; count of matches or -1 (err set) */
int lg_phone_jp_scan(const struct lg_detectors *d, const char *text, size_t len, lg_match_fn fn,
		     void *arg, char *err, size_t errlen);

/* lg_email_scan - report every e-mail address in text; count of matches or -1 (err set) */
int lg_email_scan(const struct lg_detectors *d, const char *text, size_t len, lg_match_fn fn,
		  void *arg, char *err, size_t errlen);

/* lg_rules_pcre2_error - format a pcre2 error code into err as "what: message" */
void lg_rules_pcre2_error(char *err, size_t errlen, const char *what, int rc);

/* lg_rules_utf8_prev - code point ending just before pos (pos > 0) in valid UTF-8; returns its
 * start offset */
size_t lg_rules_utf8_prev(const char *t, size_t pos, uint32_t *cp);

/* lg_rules_utf8_next - code point starting at pos (pos < len) in valid UTF-8; returns the offset
 * just after it */
size_t lg_rules_utf8_next(const char *t, size_t len, size_t pos, uint32_t *cp);

#endif
