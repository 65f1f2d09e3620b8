/* phone_intl.c - validator for international phone numbers written in E.164 form with '+' and a
 * country code ("+44 20 7946 0958", "+1 (415) 555-0100"): a known country code and a national
 * number length that code uses. +81 is left to phone_jp. */
#include <string.h>

#include "rules/rules_int.h"
#include "rules/validate.h"
#include "rules/validate_int.h"

/* E.164: at most 15 digits, country code included. */
#define E164_MAX 15

/*
 * Country codes with the length of the national significant number (NSN, without the trunk 0).
 * E = exact for the ordinary (geographic and mobile) numbers of that plan as far as the author
 * knows it; B = a bound: wide enough for every ordinary number, not a statement of the plan.
 * Codes are prefix-free (ITU-T E.164 assigns them that way), so the first 1, 2 or 3 digits
 * that name an entry are the country code.
 */
static const struct cc_len {
	unsigned short cc;
	unsigned char min, max;
} cc_lens[] = {
	{ 1, 10, 10 },	/* E NANP */
	{ 7, 10, 10 },	/* E Russia, Kazakhstan */
	{ 20, 8, 10 },	/* B Egypt */
	{ 27, 9, 9 },	/* E South Africa */
	{ 30, 10, 10 },	/* E Greece */
	{ 31, 9, 9 },	/* E Netherlands */
	{ 32, 8, 9 },	/* E Belgium */
	{ 33, 9, 9 },	/* E France */
	{ 34, 9, 9 },	/* E Spain */
	{ 36, 8, 9 },	/* E Hungary */
	{ 39, 6, 11 },	/* B Italy (the leading 0 of landlines is part of the number) */
	{ 40, 9, 9 },	/* E Romania */
	{ 41, 9, 9 },	/* E Switzerland */
	{ 43, 7, 13 },	/* B Austria */
	{ 44, 9, 10 },	/* E United Kingdom */
	{ 45, 8, 8 },	/* E Denmark */
	{ 46, 7, 13 },	/* B Sweden */
	{ 47, 8, 8 },	/* E Norway */
	{ 48, 9, 9 },	/* E Poland */
	{ 49, 6, 13 },	/* B Germany */
	{ 51, 8, 9 },	/* B Peru */
	{ 52, 10, 10 },	/* E Mexico */
	{ 53, 7, 8 },	/* B Cuba */
	{ 54, 10, 11 },	/* E Argentina (mobiles with the 9) */
	{ 55, 10, 11 },	/* E Brazil */
	{ 56, 9, 9 },	/* E Chile */
	{ 57, 8, 10 },	/* B Colombia */
	{ 58, 10, 10 },	/* E Venezuela */
	{ 60, 8, 10 },	/* B Malaysia */
	{ 61, 9, 9 },	/* E Australia */
	{ 62, 8, 12 },	/* B Indonesia */
	{ 63, 8, 10 },	/* B Philippines */
	{ 64, 8, 10 },	/* B New Zealand */
	{ 65, 8, 8 },	/* E Singapore */
	{ 66, 8, 9 },	/* E Thailand */
	{ 82, 8, 10 },	/* B South Korea */
	{ 84, 9, 10 },	/* B Viet Nam */
	{ 86, 10, 11 },	/* B China */
	{ 90, 10, 10 },	/* E Turkey */
	{ 91, 10, 10 },	/* E India */
	{ 92, 9, 10 },	/* B Pakistan */
	{ 93, 9, 9 },	/* E Afghanistan */
	{ 94, 9, 9 },	/* E Sri Lanka */
	{ 95, 7, 10 },	/* B Myanmar */
	{ 98, 10, 10 },	/* E Iran */
	/* three-digit codes known more closely than the default bound below */
	{ 212, 9, 9 },	/* E Morocco */
	{ 213, 8, 9 },	/* B Algeria */
	{ 216, 8, 8 },	/* E Tunisia */
	{ 225, 10, 10 },	/* E Cote d'Ivoire (leading 0 part of the number) */
	{ 233, 9, 9 },	/* E Ghana */
	{ 234, 8, 10 },	/* B Nigeria */
	{ 251, 9, 9 },	/* E Ethiopia */
	{ 254, 9, 9 },	/* E Kenya */
	{ 351, 9, 9 },	/* E Portugal */
	{ 353, 7, 9 },	/* B Ireland */
	{ 354, 7, 7 },	/* E Iceland */
	{ 356, 8, 8 },	/* E Malta */
	{ 357, 8, 8 },	/* E Cyprus */
	{ 359, 8, 9 },	/* B Bulgaria */
	{ 370, 8, 8 },	/* E Lithuania */
	{ 371, 8, 8 },	/* E Latvia */
	{ 372, 7, 8 },	/* B Estonia */
	{ 375, 9, 9 },	/* E Belarus */
	{ 380, 9, 9 },	/* E Ukraine */
	{ 385, 8, 9 },	/* B Croatia */
	{ 386, 8, 8 },	/* E Slovenia */
	{ 420, 9, 9 },	/* E Czechia */
	{ 421, 9, 9 },	/* E Slovakia */
	{ 852, 8, 8 },	/* E Hong Kong */
	{ 853, 8, 8 },	/* E Macao */
	{ 855, 8, 9 },	/* B Cambodia */
	{ 856, 8, 10 },	/* B Laos */
	{ 880, 7, 10 },	/* B Bangladesh */
	{ 886, 8, 9 },	/* B Taiwan */
	{ 961, 7, 8 },	/* B Lebanon */
	{ 962, 8, 9 },	/* B Jordan */
	{ 965, 8, 8 },	/* E Kuwait */
	{ 966, 8, 9 },	/* B Saudi Arabia */
	{ 968, 8, 8 },	/* E Oman */
	{ 971, 8, 9 },	/* B United Arab Emirates */
	{ 972, 8, 9 },	/* B Israel */
	{ 973, 8, 8 },	/* E Bahrain */
	{ 974, 8, 8 },	/* E Qatar */
	{ 994, 9, 9 },	/* E Azerbaijan */
	{ 995, 9, 9 },	/* E Georgia */
	{ 998, 9, 9 },	/* E Uzbekistan */
};

/*
 * The other assigned three-digit codes of countries and satellite networks, with the default
 * bound B: NSN 7 to 12 digits (E.164's 15 digits less the code; 7 as a floor, so the 4-6 digit
 * numbers of the smallest plans, Niue or the Falklands, are missed rather than guessed). Not
 * listed: the global services (+800, +808, +878, +888, +979), which are not anyone's phone.
 */
static const struct { unsigned short lo, hi; } cc_default[] = {
	{ 211, 211 }, { 218, 218 }, { 220, 258 }, { 260, 269 }, { 290, 291 }, { 297, 299 },
	{ 350, 359 }, { 370, 383 }, { 385, 387 }, { 389, 389 }, { 423, 423 },
	{ 500, 509 }, { 590, 599 }, { 670, 670 }, { 672, 683 }, { 685, 692 },
	{ 850, 850 }, { 870, 870 }, { 881, 883 }, { 960, 968 }, { 970, 977 }, { 992, 996 },
};
#define CC_DEFAULT_MIN 7

/* Codes whose national numbers start with 0 (no trunk prefix to drop). */
static bool zero_is_digit(unsigned cc)
{
	return cc == 39 || cc == 225 || cc == 378 || cc == 379;
}

/* cc_find - the country code at the start of d (digits) and its NSN bounds; 0 when unknown */
static unsigned cc_find(const char *d, size_t n, unsigned *min, unsigned *max)
{
	unsigned v = 0;
	for (size_t k = 0; k < 3 && k < n; k++) {
		v = v * 10 + (unsigned)(d[k] - '0');
		for (size_t i = 0; i < sizeof cc_lens / sizeof cc_lens[0]; i++)
			if (cc_lens[i].cc == v) {
				*min = cc_lens[i].min, *max = cc_lens[i].max;
				return v;
			}
		if (k < 2)
			continue;
		for (size_t i = 0; i < sizeof cc_default / sizeof cc_default[0]; i++)
			if (v >= cc_default[i].lo && v <= cc_default[i].hi) {
				*min = CC_DEFAULT_MIN, *max = (unsigned)(E164_MAX - 3);
				return v;
			}
	}
	return 0;
}

/* is_sep - a separator between digit groups: space, '-', '.', the dashes */
static bool is_sep(uint32_t c)
{
	return c == ' ' || c == '.' || lg_v_is_dash(c);
}

/* A parsed candidate: the digits (country code first), digit groups and how it was written. */
struct intl {
	char d[E164_MAX + 2];
	size_t nd;
	size_t ng, glen[8];
	bool paren;		/* "(...)" after the first group */
	bool trunk;		/* "(0)" dropped */
	uint32_t last_sep;	/* the separator before the last group, 0 if none */
};

/* read_digits - append the digit run at s[*i..n) to p as one group (no group when paren_trunk);
 * false when it is empty or too long */
static bool read_digits(const char *s, size_t n, size_t *i, struct intl *p, bool group)
{
	size_t from = *i;
	while (*i < n && s[*i] >= '0' && s[*i] <= '9') {
		if (p->nd == E164_MAX + 1)
			return false;
		p->d[p->nd++] = s[(*i)++];
	}
	if (*i == from)
		return false;
	if (group) {
		if (p->ng == sizeof p->glen / sizeof p->glen[0])
			return false;
		p->glen[p->ng++] = *i - from;
	}
	return true;
}

/*
 * intl_parse - read the written forms: '+', the first digit group (the country code, maybe with
 * more digits: "+442079460958"), then groups each after one separator (space, '-', '.', dash);
 * once, right after the first group, "(0)" (trunk prefix, dropped) or "(415)" (area code, 1-5
 * digits, not starting with 0), each optionally after a separator and followed by one.
 */
static bool intl_parse(const char *s, size_t n, struct intl *p)
{
	size_t i = 1;
	memset(p, 0, sizeof *p);
	if (n < 2 || s[0] != '+' || !read_digits(s, n, &i, p, true))
		return false;
	while (i < n) {
		uint32_t c, sep = 0;
		size_t j = lg_rules_utf8_next(s, n, i, &c);
		if (is_sep(c)) {
			sep = c;
			i = j;
			if (i >= n)
				return false;
		}
		if (s[i] == '(') {
			size_t nd0 = p->nd, a = ++i;
			if (p->paren || p->ng != 1 || !read_digits(s, n, &i, p, false) || i >= n ||
			    s[i] != ')' || i - a > 5)
				return false;
			i++;
			if (i - a == 2 && s[a] == '0') {
				p->trunk = true;
				p->nd = nd0;
			} else if (s[a] == '0') {
				return false;	/* "(030)": trunk and area code mixed, ambiguous */
			} else {
				p->glen[p->ng++] = i - 1 - a;
			}
			p->paren = true;
			if (i < n) {
				j = lg_rules_utf8_next(s, n, i, &c);
				if (c == ' ' || lg_v_is_dash(c))
					i = j, sep = c;
			}
			if (i >= n && p->trunk)
				return false;	/* "+44 (0)" and nothing after it */
			if (i >= n)
				break;
		} else if (!sep) {
			return false;
		}
		p->last_sep = sep;
		if (!read_digits(s, n, &i, p, true))
			return false;
	}
	p->d[p->nd] = '\0';
	return true;
}

/* lg_v_phone_intl - validator "phone_intl": written form, country code and NSN length,
 * boundaries. Value: "+" and the digits, without the trunk 0. */
bool lg_v_phone_intl(const char *text, size_t len, size_t start, size_t end,
		     char value[LG_VALUE_MAX])
{
	struct intl p;
	unsigned min, max, cc, cclen;
	size_t at;
	if (!text || start >= end || end > len || !intl_parse(text + start, end - start, &p))
		return false;
	uint32_t b = lg_v_cp_before(text, start, &at);
	if (lg_v_is_alpha(b) || lg_v_is_digit(b) || b == '+' ||
	    !lg_digit_run_bounded(text, len, start, end) || lg_v_glued_letter(text, len, start, end) ||
	    lg_v_sep_continues(text, len, start, end, p.last_sep))
		return false;
	cc = cc_find(p.d, p.nd, &min, &max);
	if (cc == 0 || cc == 81)
		return false;
	cclen = cc < 10 ? 1 : cc < 100 ? 2 : 3;
	if (p.glen[0] < cclen)
		return false;	/* the code split over groups: "+4 21 ..." */
	if (p.paren && p.glen[0] != cclen)
		return false;	/* "(...)" only right after the country code */
	/* A 0 kept after the code by mistake ("+44 020 ...") is the trunk prefix: drop it. */
	if (p.nd > cclen && p.d[cclen] == '0' && !zero_is_digit(cc)) {
		if (p.trunk)
			return false;	/* "(0)0..." */
		memmove(p.d + cclen, p.d + cclen + 1, p.nd - cclen);
		p.nd--;
	}
	size_t nsn = p.nd - cclen;
	if (p.nd > E164_MAX || nsn < min || nsn > max)
		return false;
	/* Grouping: a 1-digit group only first after the code ("+33 6 12 34 56 78"), the last group
	 * at least 2 digits. The first group may run on past the code. */
	if (p.ng > 1 && p.glen[p.ng - 1] < 2)
		return false;
	for (size_t k = 2; k < p.ng; k++)
		if (p.glen[k] < 2)
			return false;
	/* NANP: area code and exchange start with 2-9. */
	if (cc == 1 && (p.d[1] < '2' || p.d[4] < '2'))
		return false;
	value[0] = '+';
	memcpy(value + 1, p.d, p.nd);
	value[p.nd + 1] = '\0';
	return true;
}
