/* email.c - e-mail addresses: a practical RFC 5321 shape (dot-atom local part, dotted domain with a
 * letter or xn-- TLD), plus the "(at)" / "[at]" spellings people use to dodge harvesters. */
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "lg_buf.h"
#include "rules/rules_int.h"
#include "rules/validate.h"

/*
 * Group 1 is the local part, group 2 the domain. Every repeat is bounded or possessive, so no
 * input makes the matcher backtrack far or run out of JIT stack.
 * - The lookbehind lets a match start only where a local part can start: not inside a word and
 *   not after "x." (so "a.b.c@x.jp" is tried once, not once per atom). A dot after anything else
 *   is allowed before the start: ".taro@example.jp" (a sentence or a broken local part) gives
 *   "taro@example.jp", "first..last@example.jp" gives "last@example.jp".
 * - Local part: up to 32 atoms of 1-64 [A-Za-z0-9_%+-] joined by single dots (no leading,
 *   trailing or double dot inside the match).
 * - "@", or "(at)" / "[at]" in any case with an optional space on each side.
 * - Domain: 1-32 labels of letters, digits and inner hyphens (1-63 characters) each followed by
 *   a dot, then a TLD of 2-63 letters or an xn-- label. The lookahead keeps a trailing sentence
 *   dot out ("user@example.jp." gives "user@example.jp") and refuses a domain that goes on with
 *   characters the pattern cannot take ("foo@bar.c0m", "a@b.jp_x").
 */
const char lg_email_pattern[] =
	"(?<![A-Za-z0-9_%+\\-]|[A-Za-z0-9_%+\\-]\\.)"
	"([A-Za-z0-9_%+\\-]{1,64}+(?:\\.[A-Za-z0-9_%+\\-]{1,64}+){0,31}+)"
	"(?:@|\\x20?[\\(\\[](?i:at)[\\)\\]]\\x20?)"
	"((?:[A-Za-z0-9](?:[A-Za-z0-9\\-]{0,61}[A-Za-z0-9])?\\.){1,32}"
	"(?:xn--[A-Za-z0-9\\-]{1,59}|[A-Za-z]{2,63}))"
	"(?![A-Za-z0-9_\\-]|\\.[A-Za-z0-9])";

/* at_sign - where the separator of a candidate address is: '@', or "(at)" / "[at]" with an
 * optional space on each side; *sep_end is set after it. -1 when there is none. */
static long at_sign(const char *s, size_t n, size_t *sep_end)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '@') {
			*sep_end = i + 1;
			return (long)i;
		}
		if ((s[i] == '(' || s[i] == '[') && i + 3 < n && (s[i + 1] | 0x20) == 'a' &&
		    (s[i + 2] | 0x20) == 't' && (s[i + 3] == ')' || s[i + 3] == ']')) {
			size_t a = i, b = i + 4;
			if (a > 0 && s[a - 1] == ' ')
				a--;
			if (b < n && s[b] == ' ')
				b++;
			*sep_end = b;
			return (long)a;
		}
	}
	return -1;
}

/* lg_v_email - validator "email": the candidate (matched by the email pattern, which already
 * checks the shape and the boundaries) as local@domain with the domain lower-cased */
bool lg_v_email(const char *text, size_t len, size_t start, size_t end, char value[LG_VALUE_MAX])
{
	(void)len;
	const char *s = text + start;
	size_t n = end - start, sep_end;
	long at = end > start ? at_sign(s, n, &sep_end) : -1;
	if (at <= 0 || sep_end >= n || n >= LG_VALUE_MAX)
		return false;
	size_t k = 0;
	memcpy(value, s, (size_t)at);
	k = (size_t)at;
	value[k++] = '@';
	for (size_t i = sep_end; i < n; i++) {
		char c = s[i];
		value[k++] = c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
	}
	value[k] = '\0';
	return true;
}

/* lg_email_scan - report every e-mail address in text; count of matches or -1 (err set) */
int lg_email_scan(const struct lg_detectors *d, const char *text, size_t len, lg_match_fn fn,
		  void *arg, char *err, size_t errlen)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(d->email_re, d->gctx);
	struct lg_buf value = LG_BUF_INIT;
	int count = 0;
	size_t off = 0;
	for (;;) {
		int rc = pcre2_match(d->email_re, (PCRE2_SPTR)text, len, off, PCRE2_NO_UTF_CHECK, md,
				     NULL);
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0) {
			lg_rules_pcre2_error(err, errlen, "email", rc);
			count = -1;
			break;
		}
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		lg_buf_reset(&value);
		lg_buf_append(&value, text + ov[2], ov[3] - ov[2]);
		lg_buf_putc(&value, '@');
		for (size_t i = ov[4]; i < ov[5]; i++) {
			char c = text[i];
			lg_buf_putc(&value, c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c);
		}
		if (fn)
			fn(arg, LG_DET_EMAIL, lg_buf_cstr(&value), ov[0], ov[1]);
		if (count < INT_MAX)
			count++;
		off = ov[1];	/* never empty */
	}
	lg_buf_free(&value);
	pcre2_match_data_free(md);
	return count;
}
