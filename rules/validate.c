/* validate.c - the validator table rule files name ("validator: my_number") and the helpers the
 * validators share: digit copying, number boundaries, neighbouring code points, digit groups. The
 * validators themselves live one to a file (phone_jp.c, email.c, phone_intl.c, mynumber.c,
 * card.c, postal_jp.c, bank_jp.c). */
#include <string.h>

#include "rules/rules_int.h"
#include "rules/validate.h"
#include "rules/validate_int.h"

/* The validators by name, in the order lg_validator_names lists them. */
static const struct {
	const char *name;
	lg_validator_fn fn;
} validators[] = {
	{ "phone_jp", lg_v_phone_jp },
	{ "email", lg_v_email },
	{ "phone_intl", lg_v_phone_intl },
	{ "my_number", lg_v_my_number },
	{ "corporate_number", lg_v_corporate_number },
	{ "payment_card", lg_v_payment_card },
	{ "postal_jp", lg_v_postal_jp },
	{ "bank_account_jp", lg_v_bank_account_jp },
};

/* lg_validator_lookup - the validator with this name, or NULL (unknown name) */
lg_validator_fn lg_validator_lookup(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof validators / sizeof validators[0]; i++)
		if (strcmp(validators[i].name, name) == 0)
			return validators[i].fn;
	return NULL;
}

/* lg_validator_names - the names of all validators, for error messages ("a, b, c") */
const char *lg_validator_names(void)
{
	/* Kept in step with the table by test_validators (every name listed is looked up). */
	return "phone_jp, email, phone_intl, my_number, corporate_number, payment_card, postal_jp, "
	       "bank_account_jp";
}

/* lg_digits_only - copy the ASCII digits of s[0..n) into out (at most max digits, NUL-terminated);
 * returns the number of digits, or (size_t)-1 when there are more than max */
size_t lg_digits_only(const char *s, size_t n, char *out, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			continue;
		if (k == max) {
			out[k] = '\0';
			return (size_t)-1;
		}
		out[k++] = s[i];
	}
	out[k] = '\0';
	return k;
}

/* is_joiner - what glues a number to a further digit: '-', '.', ',', '_' and the dashes */
static bool is_joiner(uint32_t c)
{
	return c == '.' || c == ',' || c == '_' || lg_v_is_dash(c);
}

/* lg_digit_run_bounded - true when the candidate [start,end) is not part of a longer number:
 * no digit directly before start or after end, and no joiner ('-', '.', ',', '_', dashes) between
 * the candidate and a further digit */
bool lg_digit_run_bounded(const char *text, size_t len, size_t start, size_t end)
{
	size_t at;
	uint32_t c;
	if (!text || start >= end || end > len)
		return false;
	c = lg_v_cp_before(text, start, &at);
	if (lg_v_is_digit(c) || (is_joiner(c) && lg_v_is_digit(lg_v_cp_before(text, at, &at))))
		return false;
	c = lg_v_cp_after(text, len, end, &at);
	if (lg_v_is_digit(c) || (is_joiner(c) && lg_v_is_digit(lg_v_cp_after(text, len, at, &at))))
		return false;
	return true;
}

/* lg_v_cp_before - the code point ending at pos (0 when pos is 0); *at gets its start */
uint32_t lg_v_cp_before(const char *text, size_t pos, size_t *at)
{
	uint32_t c = 0;
	*at = pos ? lg_rules_utf8_prev(text, pos, &c) : 0;
	return c;
}

/* lg_v_cp_after - the code point starting at pos (0 when pos >= len); *at gets the offset after it */
uint32_t lg_v_cp_after(const char *text, size_t len, size_t pos, size_t *at)
{
	uint32_t c = 0;
	*at = pos < len ? lg_rules_utf8_next(text, len, pos, &c) : len;
	return c;
}

/* lg_v_glued_letter - an ASCII letter directly before start or after end, or a letter and a '-'
 * or '_' before start / after end ("INV123...", "AB-123...", "...012-X") */
bool lg_v_glued_letter(const char *text, size_t len, size_t start, size_t end)
{
	size_t at;
	uint32_t c = lg_v_cp_before(text, start, &at);
	if (lg_v_is_alpha(c) ||
	    ((c == '_' || lg_v_is_dash(c)) && lg_v_is_alpha(lg_v_cp_before(text, at, &at))))
		return true;
	c = lg_v_cp_after(text, len, end, &at);
	return lg_v_is_alpha(c) ||
	       ((c == '_' || lg_v_is_dash(c)) && lg_v_is_alpha(lg_v_cp_after(text, len, at, &at)));
}

/* lg_v_sep_continues - the number's own group separator sep goes on to a further digit after end
 * ("1234 5678 9012 3456" seen from its first 12 digits) or comes after a digit before start */
bool lg_v_sep_continues(const char *text, size_t len, size_t start, size_t end, uint32_t sep)
{
	size_t at;
	if (sep == 0)
		return false;
	if (lg_v_cp_after(text, len, end, &at) == sep && lg_v_is_digit(lg_v_cp_after(text, len, at, &at)))
		return true;
	return lg_v_cp_before(text, start, &at) == sep && lg_v_is_digit(lg_v_cp_before(text, at, &at));
}

/* lg_v_groups_parse - read s[0..n) as digit groups with exactly one separator (sep_ok) between
 * them, the same one throughout; false on anything else or more than LG_V_MAX_DIGITS digits or
 * LG_V_MAX_GROUPS groups */
bool lg_v_groups_parse(const char *s, size_t n, bool (*sep_ok)(uint32_t), struct lg_v_groups *g)
{
	bool in_group = false;
	memset(g, 0, sizeof *g);
	for (size_t i = 0; i < n;) {
		uint32_t c;
		i = lg_rules_utf8_next(s, n, i, &c);
		if (lg_v_is_digit(c)) {
			if (g->ndigits == LG_V_MAX_DIGITS)
				return false;
			if (!in_group) {
				if (g->n == LG_V_MAX_GROUPS)
					return false;
				g->n++;
				in_group = true;
			}
			g->digits[g->ndigits++] = (char)c;
			g->len[g->n - 1]++;
		} else if (in_group && sep_ok(c) && (g->sep == 0 || g->sep == c)) {
			g->sep = c;
			in_group = false;
		} else {
			return false;
		}
	}
	g->digits[g->ndigits] = '\0';
	return in_group;	/* ends with a digit, never with a separator; and not empty */
}

/* lg_v_sep_space_dash - group separator for My Number and cards: one space or a dash */
bool lg_v_sep_space_dash(uint32_t c)
{
	return c == ' ' || lg_v_is_dash(c);
}

/* lg_v_one_digit_repeated - d[0..n) is one digit over and over ("000000000000") */
bool lg_v_one_digit_repeated(const char *d, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (d[i] != d[0])
			return false;
	return true;
}
