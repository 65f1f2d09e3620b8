/* card.c - validator for payment card numbers (PANs): issuer prefix and length, Luhn check,
 * written forms and boundaries. */
#include <string.h>

#include "rules/validate.h"
#include "rules/validate_int.h"

/*
 * Issuer ranges: the first `digits` digits of the number lie in [lo, hi], and the length is in
 * [min, max] (with Visa's 13, 16, 19 spelled out). Networks whose ranges overlap are listed once
 * per range; the first matching entry whose lengths fit accepts.
 */
static const struct issuer {
	const char *name;
	unsigned digits, lo, hi, min, max;
} issuers[] = {
	{ "Visa", 1, 4, 4, 13, 13 },
	{ "Visa", 1, 4, 4, 16, 16 },
	{ "Visa", 1, 4, 4, 19, 19 },
	{ "Mastercard", 2, 51, 55, 16, 16 },
	{ "Mastercard", 4, 2221, 2720, 16, 16 },
	{ "American Express", 2, 34, 34, 15, 15 },
	{ "American Express", 2, 37, 37, 15, 15 },
	{ "JCB", 4, 3528, 3589, 16, 19 },
	{ "Diners Club", 3, 300, 305, 14, 19 },
	{ "Diners Club", 4, 3095, 3095, 14, 19 },
	{ "Diners Club", 2, 36, 36, 14, 19 },
	{ "Diners Club", 2, 38, 39, 14, 19 },
	{ "Discover", 4, 6011, 6011, 16, 19 },
	{ "Discover", 3, 644, 649, 16, 19 },
	{ "Discover", 2, 65, 65, 16, 19 },
	{ "UnionPay", 2, 62, 62, 16, 19 },
};

/*
 * Written forms: one run of digits; groups of four separated by one space or one dash, the same
 * one throughout, the last group 1..4 digits ("4111 1111 1111 1111", "6011-0000-0000-0000-004");
 * 15 digits as 4-6-5 (American Express) and 14 as 4-6-4 (Diners Club).
 * Rejected: inside a longer number (digit, or '-', '.', ',', '_' and a digit, next to it), glued
 * to ASCII letters ("REF4111111111111111", "4111111111111111X"), a grouped number whose
 * separator continues with a digit ("4111 1111 1111 1111 2222").
 */

/* issuer_ok - do the digits d[0..n) fall in an issuer's range with a length it uses? */
static bool issuer_ok(const char *d, size_t n)
{
	for (size_t i = 0; i < sizeof issuers / sizeof issuers[0]; i++) {
		const struct issuer *is = &issuers[i];
		unsigned v = 0;
		if (n < is->min || n > is->max)
			continue;
		for (unsigned k = 0; k < is->digits; k++)
			v = v * 10 + (unsigned)(d[k] - '0');
		if (v >= is->lo && v <= is->hi)
			return true;
	}
	return false;
}

/* luhn_ok - the Luhn (mod 10) check over d[0..n), the last digit being the check digit */
static bool luhn_ok(const char *d, size_t n)
{
	unsigned sum = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned v = (unsigned)(d[n - 1 - i] - '0');
		if (i % 2) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return sum % 10 == 0;
}

/* grouping_ok - is the grouping one of the written forms above? */
static bool grouping_ok(const struct lg_v_groups *g)
{
	if (g->n == 1)
		return true;
	if (g->n == 3 && g->len[0] == 4 && g->len[1] == 6)
		return g->len[2] == 5 || g->len[2] == 4;	/* 4-6-5: 15 digits, 4-6-4: 14 */
	for (size_t i = 0; i + 1 < g->n; i++)
		if (g->len[i] != 4)
			return false;
	return g->len[g->n - 1] >= 1 && g->len[g->n - 1] <= 4;
}

/* lg_v_payment_card - validator "payment_card": written form, bounded, issuer, Luhn */
bool lg_v_payment_card(const char *text, size_t len, size_t start, size_t end,
		       char value[LG_VALUE_MAX])
{
	struct lg_v_groups g;
	if (!text || start >= end || end > len ||
	    !lg_v_groups_parse(text + start, end - start, lg_v_sep_space_dash, &g) ||
	    g.ndigits < 13 || !grouping_ok(&g))
		return false;
	if (!lg_digit_run_bounded(text, len, start, end) ||
	    lg_v_glued_letter(text, len, start, end) ||
	    lg_v_sep_continues(text, len, start, end, g.sep))
		return false;
	if (!issuer_ok(g.digits, g.ndigits) || !luhn_ok(g.digits, g.ndigits))
		return false;
	memcpy(value, g.digits, g.ndigits + 1);
	return true;
}
