/* phone_jp.c - the phone_jp validator: Japanese phone numbers. The rule file's pattern
 * (rules/builtin/phone_jp.yaml) proposes written forms (groups, separators, parentheses, +81); this
 * checks the boundaries, the numbering plan and the grouping, so the matcher backtracks to the next
 * candidate when one is rejected. */
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "rules/rules_int.h"
#include "rules/validate.h"

/* ASCII words that may touch a number directly ("TEL03-1234-5678", "5678FAX"): labels, not
 * part numbers. Compared case-insensitively with the whole letter run. */
static const char *const context_words[] = {
	"tel", "telephone", "phone", "fax", "mobile", "cell", "mob", "ph", "ext",
	"mail", "email", "url", "web", "www", "http", "https", NULL
};

/* is_digit - ASCII digit */
static bool is_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

/* is_alpha - ASCII letter */
static bool is_alpha(uint32_t c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* is_joiner - characters that glue a number to a neighbouring digit or code: hyphens and dashes,
 * '.', '_'. Before or after a digit they make the number part of something longer. */
static bool is_joiner(uint32_t c)
{
	return c == '-' || c == '.' || c == '_' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 ||
	       c == 0x30FC;
}

/* context_word - is t[a..b) one of context_words, ignoring case? */
static bool context_word(const char *t, size_t a, size_t b)
{
	for (size_t w = 0; context_words[w]; w++) {
		const char *cw = context_words[w];
		size_t n = strlen(cw), k;
		if (n != b - a)
			continue;
		for (k = 0; k < n && (t[a + k] | 0x20) == cw[k]; k++)
			;
		if (k == n)
			return true;
	}
	return false;
}

/* context_word_before - is the ASCII letter run ending at pos a context word? */
static bool context_word_before(const char *t, size_t pos)
{
	size_t a = pos;
	while (a > 0 && is_alpha((unsigned char)t[a - 1]))
		a--;
	return context_word(t, a, pos);
}

/* context_word_after - is the ASCII letter run starting at pos a context word ("e-mail" too)? */
static bool context_word_after(const char *t, size_t len, size_t pos)
{
	size_t b = pos;
	while (b < len && is_alpha((unsigned char)t[b]))
		b++;
	if (b - pos == 1 && (t[pos] | 0x20) == 'e' && b < len && t[b] == '-') {
		size_t m = b + 1;	/* "e-mail" */
		while (m < len && is_alpha((unsigned char)t[m]))
			m++;
		return context_word(t, b + 1, m);
	}
	return context_word(t, pos, b);
}

/* phone_left_ok - may a number start at start? Not after a digit, a letter (other than a label
 * such as "TEL"), or a joiner that follows a digit or letter ("12-", "ABC-", "1.") */
static bool phone_left_ok(const char *t, size_t start)
{
	uint32_t c, b;
	if (start == 0)
		return true;
	size_t p = lg_rules_utf8_prev(t, start, &c);
	if (is_digit(c))
		return false;
	if (is_alpha(c))
		return context_word_before(t, start);
	if (!is_joiner(c) || p == 0)
		return true;
	lg_rules_utf8_prev(t, p, &b);
	if (is_digit(b))
		return false;
	if (is_alpha(b) && c != '.')	/* "Tel.03-..." is a label, "ABC-03..." a code */
		return context_word_before(t, p);
	return true;
}

/* phone_right_ok - may a number end at end? The mirror image of phone_left_ok, and not before
 * '@' */
static bool phone_right_ok(const char *t, size_t len, size_t end)
{
	uint32_t c, a;
	if (end >= len)
		return true;
	size_t n = lg_rules_utf8_next(t, len, end, &c);
	if (is_digit(c) || c == '@')	/* "0312345678@example.jp" is an address (email reports it) */
		return false;
	if (is_alpha(c))
		return context_word_after(t, len, end);
	if (!is_joiner(c) || n >= len)
		return true;
	lg_rules_utf8_next(t, len, n, &a);
	if (is_digit(a))
		return false;
	if (is_alpha(a) && c != '.')	/* "5678.Fax" and a sentence end are fine, "5678-AB" not */
		return context_word_after(t, len, n);
	return true;
}

/* has_prefix - does the digit string d start with p? */
static bool has_prefix(const char *d, const char *p)
{
	return strncmp(d, p, strlen(p)) == 0;
}

/* phone_parse - turn one written form into national digits (out, NUL-terminated) and check the
 * numbering plan and the grouping; false when it is not a phone number */
static bool phone_parse(const char *s, size_t n, char *out)
{
	size_t i = 0, nd = 0, ng = 0, glen[4] = { 0 };
	bool intl = false, in_group = false;

	if (n >= 3 && memcmp(s, "+81", 3) == 0)
		intl = true, i = 3;
	else if (n >= 4 && memcmp(s, "0081", 4) == 0)
		intl = true, i = 4;
	else if (n >= 5 && memcmp(s, "(+81)", 5) == 0)
		intl = true, i = 5;
	if (intl) {
		while (i < n && (s[i] == ' ' || s[i] == '-'))
			i++;
		if (n - i >= 3 && memcmp(s + i, "(0)", 3) == 0)
			i += 3;
	}
	if (intl)
		out[nd++] = '0';	/* dropped again below if the writer kept the 0 ("+81 03-...") */
	for (; i < n; i++) {
		if (is_digit((unsigned char)s[i])) {
			if (nd == LG_PHONE_JP_MAX + (intl ? 1 : 0))
				return false;
			if (!in_group) {
				if (ng == 3)
					return false;
				in_group = true;
				ng++;
			}
			out[nd++] = s[i];
			glen[ng - 1]++;
		} else {
			in_group = false;
		}
	}
	if (intl) {
		if (nd > 1 && out[1] == '0')
			memmove(out, out + 1, --nd);
		else
			glen[0]++;
	}
	if (nd > LG_PHONE_JP_MAX)
		return false;
	out[nd] = '\0';
	if (ng == 0 || !lg_phone_jp_valid(out, nd))
		return false;
	if (ng == 1)
		return true;

	/* Separated: the last group is the 4-digit subscriber number, except the 3-digit forms of the
	 * 10-digit service numbers (0120-123-456, 0570-123-456, 0990-123-456). */
	bool service = nd == 10 && (has_prefix(out, "0120") || has_prefix(out, "0570") ||
				    has_prefix(out, "0990"));
	size_t last = glen[ng - 1];
	if (last == 3)
		return service && ng == 3 && glen[0] == 4 && glen[1] == 3;
	if (last != 4)
		return false;
	if (ng == 3) {
		if (nd == 11)	/* 090-1234-5678, 0800-123-4567 */
			return (glen[0] == 3 || glen[0] == 4) && (glen[1] == 3 || glen[1] == 4);
		/* 10 digits: area code (2-5 digits with the 0) and local exchange fill 6 digits.
		 * Tokyo (03) and Osaka (06) have the only 1-digit area codes and every 03/06 number
		 * belongs to them, so they are written 03-1234-5678; "(061) 315-9657" is foreign. */
		if (out[1] == '3' || out[1] == '6')
			return glen[0] == 2 && glen[1] == 4;
		return glen[0] >= 2 && glen[0] <= 5 && glen[1] >= 1 && glen[1] <= 4;
	}
	return true;
}

/* lg_v_phone_jp - validator "phone_jp": boundaries, then numbering plan and grouping */
bool lg_v_phone_jp(const char *text, size_t len, size_t start, size_t end, char value[LG_VALUE_MAX])
{
	if (end <= start || !phone_left_ok(text, start) || !phone_right_ok(text, len, end))
		return false;
	return phone_parse(text + start, end - start, value);
}

/* lg_phone_jp_valid - plausible under the national numbering plan: 11 digits for 0A0 prefixes
 * (020 M2M, 050 IP, 060, 070/080/090 mobile and PHS, 0800 free dial), 10 digits for the rest
 * (0AB landlines, 0120, 0570, 0990); never 00 (international prefix) or 010 */
bool lg_phone_jp_valid(const char *digits, size_t n)
{
	if (!digits || (n != 10 && n != 11) || digits[0] != '0')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_digit((unsigned char)digits[i]))
			return false;
	if (digits[1] == '0')
		return false;
	if (n == 11)
		return digits[2] == '0' && strchr("256789", digits[1]) != NULL;
	return digits[2] != '0';
}
