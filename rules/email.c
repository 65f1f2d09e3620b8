/* email.c - e-mail addresses: a practical RFC 5321 shape (dot-atom local part, dotted domain with a
 * letter or xn-- TLD), plus the "(at)" / "[at]" spellings people use to dodge harvesters. */
#include <limits.h>
#include <stdbool.h>

#include "lg_buf.h"
#include "rules/rules_int.h"

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
