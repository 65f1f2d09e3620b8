/* detect.c - the detector set: compiles the patterns once (UTF, JIT) and runs every detector over
 * a normalised text. The detectors themselves live in phone_jp.c and email.c. */
#include "rules/detect.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lg_alloc.h"
#include "lg_log.h"
#include "rules/rules_int.h"

static const char *const detector_names[LG_DET__COUNT] = {
	[LG_DET_PHONE_JP] = "phone_jp",
	[LG_DET_EMAIL] = "email",
};

/* lg_detector_name - the public name of a detector ("phone_jp", "email") */
const char *lg_detector_name(enum lg_detector d)
{
	if ((unsigned)d >= LG_DET__COUNT)
		return "unknown";
	return detector_names[d];
}

/* pcre2_alloc - pcre2 allocator hook: lg_malloc, which never returns NULL */
static void *pcre2_alloc(size_t n, void *data)
{
	(void)data;
	return lg_malloc(n ? n : 1);
}

/* pcre2_free - pcre2 allocator hook */
static void pcre2_free(void *p, void *data)
{
	(void)data;
	free(p);
}

/* pcre2_message - the text for a pcre2 error code */
static void pcre2_message(int rc, char *buf, size_t n)
{
	if (pcre2_get_error_message(rc, (PCRE2_UCHAR *)buf, n) < 0)
		snprintf(buf, n, "pcre2 error %d", rc);
}

/* lg_rules_pcre2_error - format a pcre2 error code into err as "what: message" */
void lg_rules_pcre2_error(char *err, size_t errlen, const char *what, int rc)
{
	char msg[256];
	if (!err || !errlen)
		return;
	pcre2_message(rc, msg, sizeof msg);
	if (snprintf(err, errlen, "%s: %s", what, msg) < 0)
		err[0] = '\0';
}

/* compile_one - compile and JIT one pattern; NULL with err set on failure */
static pcre2_code *compile_one(pcre2_general_context *gctx, const char *name, const char *pattern,
			       char *err, size_t errlen)
{
	pcre2_compile_context *cctx = pcre2_compile_context_create(gctx);
	int ecode;
	PCRE2_SIZE eoff;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &ecode,
				       &eoff, cctx);
	pcre2_compile_context_free(cctx);
	if (!re) {
		char msg[256];
		pcre2_message(ecode, msg, sizeof msg);
		if (err && errlen &&
		    snprintf(err, errlen, "%s pattern, offset %zu: %s", name, (size_t)eoff, msg) < 0)
			err[0] = '\0';
		return NULL;
	}
	/* Without JIT the interpreter gives the same answers, only about 3-4 times slower. */
	int rc = pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	if (rc != 0) {
		char msg[256];
		pcre2_message(rc, msg, sizeof msg);
		lg_warning("%s pattern: no pcre2 JIT (%s), using the interpreter", name, msg);
	}
	return re;
}

/* lg_detectors_new - compile all detector patterns; NULL with err set on failure */
struct lg_detectors *lg_detectors_new(char *err, size_t errlen)
{
	struct lg_detectors *d = lg_calloc(1, sizeof *d);
	d->gctx = pcre2_general_context_create(pcre2_alloc, pcre2_free, NULL);
	d->phone_re = compile_one(d->gctx, "phone_jp", lg_phone_jp_pattern, err, errlen);
	if (d->phone_re)
		d->email_re = compile_one(d->gctx, "email", lg_email_pattern, err, errlen);
	if (!d->phone_re || !d->email_re) {
		lg_detectors_free(d);
		return NULL;
	}
	return d;
}

/* lg_detectors_free - release the compiled patterns */
void lg_detectors_free(struct lg_detectors *d)
{
	if (!d)
		return;
	pcre2_code_free(d->phone_re);
	pcre2_code_free(d->email_re);
	pcre2_general_context_free(d->gctx);
	free(d);
}

/* lg_detect - run every detector over text: phone numbers first, then e-mail addresses, each
 * in text order. Returns the number of matches reported or -1 with err set. */
int lg_detect(const struct lg_detectors *d, const char *text, size_t len, lg_match_fn fn, void *arg,
	      char *err, size_t errlen)
{
	if (!d || (!text && len)) {
		if (err && errlen)
			snprintf(err, errlen, "lg_detect: %s", d ? "no text" : "no detectors");
		return -1;
	}
	if (!text)
		text = "";
	int phones = lg_phone_jp_scan(d, text, len, fn, arg, err, errlen);
	if (phones < 0)
		return -1;
	int emails = lg_email_scan(d, text, len, fn, arg, err, errlen);
	if (emails < 0)
		return -1;
	return phones > INT_MAX - emails ? INT_MAX : phones + emails;
}

/* lg_rules_utf8_prev - code point ending just before pos (pos > 0) in valid UTF-8 */
size_t lg_rules_utf8_prev(const char *t, size_t pos, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)t;
	size_t i = pos - 1;
	while (i > 0 && pos - i < 4 && (s[i] & 0xC0) == 0x80)
		i--;
	lg_rules_utf8_next(t, pos, i, cp);
	return i;
}

/* lg_rules_utf8_next - code point starting at pos (pos < len) in valid UTF-8 */
size_t lg_rules_utf8_next(const char *t, size_t len, size_t pos, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)t + pos;
	size_t avail = len - pos, n;
	uint32_t c = s[0];
	if (c < 0x80)
		n = 1;
	else if (c >= 0xF0)
		n = 4, c &= 0x07;
	else if (c >= 0xE0)
		n = 3, c &= 0x0F;
	else if (c >= 0xC0)
		n = 2, c &= 0x1F;
	else
		n = 1;	/* stray continuation byte: not expected in valid UTF-8 */
	if (n > avail)
		n = avail;
	for (size_t k = 1; k < n; k++)
		c = (c << 6) | (s[k] & 0x3F);
	*cp = c;
	return pos + n;
}
