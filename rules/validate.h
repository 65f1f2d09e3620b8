/* validate.h - validators that rule files name ("validator: my_number"): given one candidate match
 * of a rule's pattern in normalised text, decide whether it really is the thing the rule is about
 * and give its canonical value. The pattern proposes, the validator decides. */
#ifndef LG_VALIDATE_H
#define LG_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

/* Longest canonical value a validator may write, NUL included. */
#define LG_VALUE_MAX 512

/*
 * A validator. text[0..len) is the whole normalised (NFKC, valid UTF-8) text being scanned, the
 * candidate is text[start..end). The validator may look outside the candidate (boundaries: a
 * digit run must not continue past it; context it needs such as a prefecture after a postal code)
 * but never writes to text. On acceptance it writes the canonical value (NUL-terminated, at most
 * LG_VALUE_MAX bytes with the NUL) into value and returns true; otherwise it returns false and the
 * matcher tries the next candidate. Validators are pure functions: thread-safe, no allocation
 * that outlives the call, no global state.
 */
typedef bool (*lg_validator_fn)(const char *text, size_t len, size_t start, size_t end,
				char value[LG_VALUE_MAX]);

/* lg_validator_lookup - the validator with this name, or NULL (unknown name) */
lg_validator_fn lg_validator_lookup(const char *name);
/* lg_validator_names - the names of all validators, for error messages ("a, b, c") */
const char *lg_validator_names(void);

/* ---- the validators (one file each under rules/) --------------------------------------------- */

/* Japanese phone numbers: numbering plan, grouping, boundaries. Value: national digits with the
 * leading 0 ("09012345678"). (phone_jp.c) */
bool lg_v_phone_jp(const char *text, size_t len, size_t start, size_t end, char value[LG_VALUE_MAX]);
/* E-mail addresses, also "taro (at) example.jp". Value: local@domain, domain lower-cased.
 * (email.c) */
bool lg_v_email(const char *text, size_t len, size_t start, size_t end, char value[LG_VALUE_MAX]);
/* International numbers in E.164 form ("+44 20 7946 0958"): known country code, national number
 * length for that code; +81 is left to phone_jp. Value: "+" and the digits. (phone_intl.c) */
bool lg_v_phone_intl(const char *text, size_t len, size_t start, size_t end,
		     char value[LG_VALUE_MAX]);
/* My Number (individual number, 12 digits, check digit per the ministry ordinance), written
 * "123456789012" or "1234 5678 9012" / "1234-5678-9012". Value: the 12 digits. (mynumber.c) */
bool lg_v_my_number(const char *text, size_t len, size_t start, size_t end,
		    char value[LG_VALUE_MAX]);
/* Corporate number (法人番号, 13 digits, leading check digit). Value: the 13 digits.
 * (mynumber.c) */
bool lg_v_corporate_number(const char *text, size_t len, size_t start, size_t end,
			   char value[LG_VALUE_MAX]);
/* Payment card numbers: issuer prefix and length, Luhn. Value: the digits. (card.c) */
bool lg_v_payment_card(const char *text, size_t len, size_t start, size_t end,
		       char value[LG_VALUE_MAX]);
/* Japanese postal addresses: a postal code NNN-NNNN (after 〒 or not) followed by a prefecture and
 * a municipality. Value: "NNN-NNNN <prefecture><municipality> <town and block>" (the last part up
 * to the first blank, at most 24 characters; absent when there is none). (postal_jp.c) */
bool lg_v_postal_jp(const char *text, size_t len, size_t start, size_t end,
		    char value[LG_VALUE_MAX]);
/* Japanese bank accounts: a 7-digit account number near 口座/普通/当座 with a bank or branch
 * name or code. Value: "<branch code or name>-<7 digits>" or the 7 digits. (bank_jp.c) */
bool lg_v_bank_account_jp(const char *text, size_t len, size_t start, size_t end,
			  char value[LG_VALUE_MAX]);

/* ---- helpers shared by the validators (validate.c) ------------------------------------------- */

/* lg_digits_only - copy the ASCII digits of s[0..n) into out (at most max digits, NUL-terminated);
 * returns the number of digits, or (size_t)-1 when there are more than max */
size_t lg_digits_only(const char *s, size_t n, char *out, size_t max);
/* lg_digit_run_bounded - true when the candidate [start,end) is not part of a longer number:
 * no digit directly before start or after end, and no joiner ('-', '.', ',', '_', dashes) between
 * the candidate and a further digit */
bool lg_digit_run_bounded(const char *text, size_t len, size_t start, size_t end);

#endif
