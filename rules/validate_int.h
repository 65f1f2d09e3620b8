/* validate_int.h - small helpers shared by the validators (implemented in validate.c): code points
 * next to a position, dashes, letters glued to a number, a digit-group parser. Not for use outside
 * rules/. */
#ifndef LG_VALIDATE_INT_H
#define LG_VALIDATE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most digit groups lg_v_groups_parse records. */
#define LG_V_MAX_GROUPS 8
/* Most digits lg_v_groups_parse keeps. */
#define LG_V_MAX_DIGITS 19

/* A number written as digit groups with one separator between groups. */
struct lg_v_groups {
	size_t n;			/* groups */
	size_t len[LG_V_MAX_GROUPS];	/* digits in each group */
	uint32_t sep;			/* the separator when n > 1 (all the same), else 0 */
	size_t ndigits;
	char digits[LG_V_MAX_DIGITS + 1];	/* NUL-terminated */
};

/* lg_v_is_digit - ASCII digit */
static inline bool lg_v_is_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

/* lg_v_is_alpha - ASCII letter */
static inline bool lg_v_is_alpha(uint32_t c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* lg_v_is_dash - '-' and what writers use for it: U+2010..U+2015, U+2212 minus, U+30FC long mark */
static inline bool lg_v_is_dash(uint32_t c)
{
	return c == '-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0x30FC;
}

/* lg_v_cp_before - the code point ending at pos (0 when pos is 0); *at gets its start */
uint32_t lg_v_cp_before(const char *text, size_t pos, size_t *at);
/* lg_v_cp_after - the code point starting at pos (0 when pos >= len); *at gets the offset after it */
uint32_t lg_v_cp_after(const char *text, size_t len, size_t pos, size_t *at);
/* lg_v_glued_letter - an ASCII letter directly before start or after end, or a letter and a '-'
 * or '_' before start / after end ("INV123...", "AB-123...", "...012-X") */
bool lg_v_glued_letter(const char *text, size_t len, size_t start, size_t end);
/* lg_v_sep_continues - the number's own group separator sep goes on to a further digit after end
 * ("1234 5678 9012 3456" seen from its first 12 digits) or comes after a digit before start */
bool lg_v_sep_continues(const char *text, size_t len, size_t start, size_t end, uint32_t sep);
/* lg_v_groups_parse - read s[0..n) as digit groups with exactly one separator (sep_ok) between
 * them, the same one throughout; false on anything else or more than LG_V_MAX_DIGITS digits or
 * LG_V_MAX_GROUPS groups */
bool lg_v_groups_parse(const char *s, size_t n, bool (*sep_ok)(uint32_t), struct lg_v_groups *g);
/* lg_v_sep_space_dash - group separator for My Number and cards: one space or a dash */
bool lg_v_sep_space_dash(uint32_t c);
/* lg_v_one_digit_repeated - d[0..n) is one digit over and over ("000000000000") */
bool lg_v_one_digit_repeated(const char *d, size_t n);

#endif
