/* detect.h - personal data detectors: find validated values in normalised UTF-8 text. */
#ifndef LG_DETECT_H
#define LG_DETECT_H

#include <stdbool.h>
#include <stddef.h>

/* Detector identifiers; the names are part of the public JSON report ("findings"). */
enum lg_detector {
	LG_DET_PHONE_JP = 0,	/* "phone_jp": Japanese phone numbers, national numbering plan */
	LG_DET_EMAIL,		/* "email": e-mail addresses */
	LG_DET__COUNT
};

/* Compiled patterns: built once at config load, shared read-only by all threads. */
struct lg_detectors;

/* Called once per validated match. value is the normalised form (NUL-terminated):
 * phone_jp: national digits with the leading 0 ("09012345678", "+81 90..." gives the same);
 * email: local@domain with the domain lower-cased.
 * start/end are byte offsets of the match in the scanned text. */
typedef void (*lg_match_fn)(void *arg, enum lg_detector type, const char *value, size_t start,
			    size_t end);

const char *lg_detector_name(enum lg_detector d);
struct lg_detectors *lg_detectors_new(char *err, size_t errlen);
void lg_detectors_free(struct lg_detectors *d);

/* lg_detect - scan text (valid UTF-8, already NFKC-normalised); returns the number of
 * matches reported, or -1 on an internal error (message in err). Thread-safe. */
int lg_detect(const struct lg_detectors *d, const char *text, size_t len, lg_match_fn fn, void *arg,
	      char *err, size_t errlen);

/* lg_phone_jp_valid - is this digit string (leading 0, no separators) a plausible Japanese
 * number under the national numbering plan? */
bool lg_phone_jp_valid(const char *digits, size_t n);

/* lg_redact - a redacted sample for logs and notices ("090-****-5678", "t****@example.jp"),
 * newly allocated. */
char *lg_redact(enum lg_detector type, const char *value);

#endif
