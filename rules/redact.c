/* redact.c - redacted samples of detected values, safe to put in logs and notices. */
#include <string.h>

#include "lg_alloc.h"
#include "lg_buf.h"
#include "rules/rules_int.h"

/* redact_phone - "090-****-5678": the first 3 digits and the last 4. Tokyo (03) and Osaka (06)
 * are the only 1-digit area codes, so their 10-digit numbers keep 2 ("03-****-5678"); other
 * landlines keep 3 digits whatever their area code length ("011-****-4567", "046-****-3456"). */
static char *redact_phone(const char *v)
{
	size_t n = strlen(v);
	if (n < 8)
		return lg_strdup("****");
	size_t head = n == 10 && v[0] == '0' && (v[1] == '3' || v[1] == '6') ? 2 : 3;
	struct lg_buf b = LG_BUF_INIT;
	lg_buf_append(&b, v, head);
	lg_buf_puts(&b, "-****-");
	lg_buf_puts(&b, v + n - 4);
	return lg_buf_steal(&b, NULL);
}

/* redact_email - "t****@example.jp": the first character of the local part and the domain */
static char *redact_email(const char *v)
{
	const char *at = strrchr(v, '@');
	if (!at)
		return lg_strdup("****");
	struct lg_buf b = LG_BUF_INIT;
	if (at > v) {
		size_t k = 1;	/* one whole UTF-8 character */
		while (v + k < at && ((unsigned char)v[k] & 0xC0) == 0x80)
			k++;
		lg_buf_append(&b, v, k);
	}
	lg_buf_puts(&b, "****");
	lg_buf_puts(&b, at);
	return lg_buf_steal(&b, NULL);
}

/* redact_digits - "********9012": the digits masked but the last 4 */
static char *redact_digits(const char *v)
{
	size_t n = strlen(v);
	struct lg_buf b = LG_BUF_INIT;
	for (size_t i = 0; i < n; i++)
		lg_buf_putc(&b, i + 4 < n && v[i] >= '0' && v[i] <= '9' ? '*' : v[i]);
	return lg_buf_steal(&b, NULL);
}

/* redact_postal - "100-**** 東京都千代田区": the area (first 3 digits and the place names),
 * not the town or the block number (what follows the second blank) */
static char *redact_postal(const char *v)
{
	struct lg_buf b = LG_BUF_INIT;
	size_t n = strlen(v);
	if (n >= 8 && v[3] == '-') {
		const char *street = n > 9 ? strchr(v + 9, ' ') : NULL;
		lg_buf_append(&b, v, 4);
		lg_buf_puts(&b, "****");
		lg_buf_append(&b, v + 8, street ? (size_t)(street - (v + 8)) : n - 8);
	} else {
		lg_buf_puts(&b, "****");
	}
	return lg_buf_steal(&b, NULL);
}

/* redact_text - "山****": the first character only */
static char *redact_text(const char *v)
{
	struct lg_buf b = LG_BUF_INIT;
	if (*v) {
		size_t k = 1;
		while (v[k] && ((unsigned char)v[k] & 0xC0) == 0x80)
			k++;
		lg_buf_append(&b, v, k);
	}
	lg_buf_puts(&b, "****");
	return lg_buf_steal(&b, NULL);
}

/* lg_redact - a redacted sample of a detected value, newly allocated */
char *lg_redact(enum lg_redact_style style, const char *value)
{
	if (!value)
		return lg_strdup("****");
	switch (style) {
	case LG_REDACT_PHONE:
		return redact_phone(value);
	case LG_REDACT_EMAIL:
		return redact_email(value);
	case LG_REDACT_DIGITS:
		return redact_digits(value);
	case LG_REDACT_POSTAL:
		return redact_postal(value);
	case LG_REDACT_TEXT:
	default:
		return redact_text(value);
	}
}
