/* mynumber.c - validators for the two national numbers with check digits: the individual number
 * (My Number, 個人番号, 12 digits, the last a check digit) and the corporate number (法人番号,
 * 13 digits, the first a check digit). */
#include <string.h>

#include "rules/validate.h"
#include "rules/validate_int.h"

/*
 * Check digits.
 * My Number (総務省令第八十五号 第五条): with P_n the n-th of the eleven leading digits counted
 * from the right (n = 1..11) and Q_n = n + 1 for n <= 6, n - 5 for n >= 7, the check digit is
 * 11 - (sum P_n * Q_n mod 11), or 0 when the remainder is 0 or 1.
 * Corporate number (財務省令第七十号 第二条): with P_n the n-th of the twelve base digits
 * (digits 2..13 of the number) counted from the right and Q_n = 1 for odd n, 2 for even n, the
 * check digit (the first digit) is 9 - (sum P_n * Q_n mod 9), so 1..9, never 0.
 * Verified against published numbers: 983205673214, 123456789018 (My Number); 7000012050002
 * (the National Tax Agency), 7123456789012 (the NTA's worked example), 7010705000725,
 * 4011001098993, 2120901007402 (corporate). See tests/unit/test_validators.c.
 *
 * Written forms: My Number as 12 digits or 4-4-4 groups; the corporate number as 13 digits or
 * 1-4-4-4 groups (the boxes of the NTA's forms). Groups are separated by one space or one dash
 * ('-', U+2010..U+2015, U+2212, U+30FC), the same one throughout.
 * Rejected: part of a longer number (a digit, or '-', '.', ',', '_' and a digit, directly before
 * or after); glued to ASCII letters ("INV123456789012", "AB-123456789012", "123456789012X") -
 * a code, not a number; grouped forms whose separator goes on to more digits ("1234 5678 9012
 * 3456" is not a My Number); one digit repeated ("000000000000", "9999999999999", which passes
 * the corporate check). The one letter allowed is the 'T' of an invoice registration number
 * (適格請求書発行事業者登録番号, "T7000012050002"), which is T and the corporate number.
 */

/* my_number_check - the check digit of the eleven digits d[0..11) */
static int my_number_check(const char *d)
{
	int sum = 0;
	for (int n = 1; n <= 11; n++) {
		int p = d[11 - n] - '0';
		int q = n <= 6 ? n + 1 : n - 5;
		sum += p * q;
	}
	int r = sum % 11;
	return r <= 1 ? 0 : 11 - r;
}

/* corporate_check - the check digit of the twelve base digits b[0..12) */
static int corporate_check(const char *b)
{
	int sum = 0;
	for (int n = 1; n <= 12; n++)
		sum += (b[12 - n] - '0') * (n % 2 ? 1 : 2);
	return 9 - sum % 9;
}

/* number_bounded - the candidate stands alone: not inside a longer number, not glued to
 * letters (from letters_from on the left, which may be before start to skip a 'T' prefix), its
 * group separator not continuing */
static bool number_bounded(const char *text, size_t len, size_t start, size_t end,
			   size_t letters_from, uint32_t sep)
{
	return lg_digit_run_bounded(text, len, start, end) &&
	       !lg_v_glued_letter(text, len, letters_from, end) &&
	       !lg_v_sep_continues(text, len, start, end, sep);
}

/* lg_v_my_number - validator "my_number": 12 digits or 4-4-4, bounded, check digit */
bool lg_v_my_number(const char *text, size_t len, size_t start, size_t end,
		    char value[LG_VALUE_MAX])
{
	struct lg_v_groups g;
	if (!text || start >= end || end > len ||
	    !lg_v_groups_parse(text + start, end - start, lg_v_sep_space_dash, &g) ||
	    g.ndigits != 12)
		return false;
	if (!(g.n == 1 || (g.n == 3 && g.len[0] == 4 && g.len[1] == 4)))
		return false;
	if (!number_bounded(text, len, start, end, start, g.sep) ||
	    lg_v_one_digit_repeated(g.digits, 12) || my_number_check(g.digits) != g.digits[11] - '0')
		return false;
	memcpy(value, g.digits, 13);
	return true;
}

/* lg_v_corporate_number - validator "corporate_number": 13 digits or 1-4-4-4, bounded (a 'T'
 * prefix allowed), leading check digit */
bool lg_v_corporate_number(const char *text, size_t len, size_t start, size_t end,
			   char value[LG_VALUE_MAX])
{
	struct lg_v_groups g;
	size_t letters_from = start, t_at, at;
	if (!text || start >= end || end > len ||
	    !lg_v_groups_parse(text + start, end - start, lg_v_sep_space_dash, &g) ||
	    g.ndigits != 13)
		return false;
	if (!(g.n == 1 || (g.n == 4 && g.len[0] == 1 && g.len[1] == 4 && g.len[2] == 4)))
		return false;
	if (lg_v_cp_before(text, start, &t_at) == 'T') {
		uint32_t b = lg_v_cp_before(text, t_at, &at);
		if (!lg_v_is_alpha(b) && !lg_v_is_digit(b))
			letters_from = t_at;	/* "T7000012050002": invoice registration number */
	}
	if (!number_bounded(text, len, start, end, letters_from, g.sep) ||
	    lg_v_one_digit_repeated(g.digits, 13) ||
	    corporate_check(g.digits + 1) != g.digits[0] - '0')
		return false;
	memcpy(value, g.digits, 14);
	return true;
}
