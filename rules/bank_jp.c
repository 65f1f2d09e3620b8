/* bank_jp.c - validator for Japanese bank account numbers: seven digits are an account only next
 * to the words that say so (普通, 当座, 口座...) and a bank or branch (a name or a code). */
#include <string.h>

#include "rules/validate.h"
#include "rules/validate_int.h"

/*
 * Accepted: the candidate is exactly 7 ASCII digits, not part of a longer number (digit, or '-',
 * '.', ',', '_' and a digit, next to it) and not glued to ASCII letters, and
 *   - within KIND_WINDOW characters (UTF-8 characters, not bytes) before it: 普通, 当座, 貯蓄 or
 *     口座 (口座番号 included), and
 *   - within BANK_WINDOW characters before it, crossing lines (bank details are often written
 *     "みずほ銀行 渋谷支店" on one line and "普通 1234567" on the next), or after it up to
 *     AFTER_WINDOW characters on the same line ("普通 1234567 (みずほ銀行渋谷支店)"), one of
 *       a bank: a name ending in 銀行, 信用金庫, 信金, 信用組合, 労働金庫 or 農協 (the name is at
 *         least the character before the word, which must be kanji, kana or an ASCII letter or
 *         digit and not a particle such as の: "銀行口座" or "の銀行" name no bank);
 *       a branch: a name ending in 支店, 出張所 or 営業部 (same rule), 本店 on its own, or
 *         "支店名: 渋谷";
 *       a code: 銀行コード / 金融機関コード / 金融機関番号 and 4 digits, 支店コード / 支店番号 /
 *         店番 / 店番号 and 3 digits (a ':' and spaces may come between).
 * Value: "<branch>-<7 digits>", the branch being the branch code when there is one, else the
 *   branch name ("渋谷支店", at most BRANCH_MAX characters), the nearest one before the number
 *   first; the 7 digits alone when only a bank was found.
 */
#define KIND_WINDOW 30
#define BANK_WINDOW 60
#define AFTER_WINDOW 30
#define BRANCH_MAX 10

static const char *const kind_words[] = { "普通", "当座", "貯蓄", "口座" };
static const char *const bank_words[] = { "銀行", "信用金庫", "信金", "信用組合", "労働金庫",
					  "農協" };
static const char *const branch_words[] = { "支店", "出張所", "営業部" };
/* What ends a bank name, where a branch name walking backwards stops. */
static const char *const bank_ends[] = { "銀行", "金庫", "信金", "組合", "農協" };

static const struct code_word {
	const char *word;
	size_t digits;
	bool branch;
} code_words[] = {
	{ "銀行コード", 4, false }, { "金融機関コード", 4, false }, { "金融機関番号", 4, false },
	{ "支店コード", 3, true }, { "支店番号", 3, true }, { "店番号", 3, true },
	{ "店番", 3, true },
};

/* What was found around the number. */
struct around {
	bool bank;
	size_t code_at, code_len;	/* branch code: offset in text, 0 length if none */
	size_t name_at, name_len;	/* branch name */
	bool code_after, name_after;	/* the one kept lies after the number */
};

/* find - first occurrence of the NUL-terminated w in t[a..b), or (size_t)-1 */
static size_t find(const char *t, size_t a, size_t b, const char *w)
{
	size_t n = strlen(w);
	for (size_t i = a; i + n <= b; i++)
		if (memcmp(t + i, w, n) == 0)
			return i;
	return (size_t)-1;
}

/* ends_with - does t[..pos) end with w? */
static bool ends_with(const char *t, size_t pos, const char *w)
{
	size_t n = strlen(w);
	return pos >= n && memcmp(t + pos - n, w, n) == 0;
}

/* is_particle - the kana particles that end a phrase, not a name (の, を, は, が, に, で, と, も,
 * へ, や) */
static bool is_particle(uint32_t c)
{
	static const uint32_t p[] = { 0x306E, 0x3092, 0x306F, 0x304C, 0x306B, 0x3067, 0x3068,
				      0x3082, 0x3078, 0x3084 };
	for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
		if (c == p[i])
			return true;
	return false;
}

/* is_name_char - what bank and branch names are written with: kanji (々, ヶ), kana, ASCII
 * letters and digits ("三菱UFJ銀行", "PayPay銀行", "第四北越銀行"), not particles */
static bool is_name_char(uint32_t c)
{
	if (is_particle(c))
		return false;
	return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || c == 0x3005 ||
	       (c >= 0x3041 && c <= 0x309F) || (c >= 0x30A0 && c <= 0x30FF) || lg_v_is_alpha(c) ||
	       lg_v_is_digit(c);
}

/* back_chars - the offset n characters before pos (or 0) */
static size_t back_chars(const char *t, size_t pos, size_t n)
{
	while (n-- > 0 && pos > 0)
		lg_v_cp_before(t, pos, &pos);
	return pos;
}

/* forward_chars_line - the offset n characters after pos, or the end of the line or text */
static size_t forward_chars_line(const char *t, size_t len, size_t pos, size_t n)
{
	size_t at;
	while (n-- > 0 && pos < len && t[pos] != '\n' && t[pos] != '\r') {
		lg_v_cp_after(t, len, pos, &at);
		pos = at;
	}
	return pos;
}

/* named - does a name character (not a particle) come just before pos? */
static bool named(const char *t, size_t pos)
{
	size_t at;
	return pos > 0 && is_name_char(lg_v_cp_before(t, pos, &at));
}

/* branch_name - the branch name ending at pos (just before a branch word): its start, walking
 * back over name characters up to BRANCH_MAX and stopping after a bank name or another
 * branch; pos when none */
static size_t branch_name(const char *t, size_t pos)
{
	size_t a = pos, at;
	for (size_t k = 0; k < BRANCH_MAX && a > 0; k++) {
		for (size_t i = 0; i < sizeof bank_ends / sizeof bank_ends[0]; i++)
			if (ends_with(t, a, bank_ends[i]))
				return a;
		for (size_t i = 0; i < sizeof branch_words / sizeof branch_words[0]; i++)
			if (ends_with(t, a, branch_words[i]) || ends_with(t, a, "本店"))
				return a;
		if (!is_name_char(lg_v_cp_before(t, a, &at)))
			return a;
		a = at;
	}
	return a;
}

/* keep - record a branch code or name found at [at, at+n): one before the number beats one after
 * it; before it the nearest (the latest) wins, after it the nearest (the earliest) */
static void keep(size_t *k_at, size_t *k_len, bool *k_after, size_t at, size_t n, bool after)
{
	bool better = *k_len == 0 || (!after && (*k_after || at > *k_at)) ||
		      (after && *k_after && at < *k_at);
	if (better)
		*k_at = at, *k_len = n, *k_after = after;
}

/* scan_codes - bank and branch codes in t[a..b) */
static void scan_codes(const char *t, size_t len, size_t a, size_t b, bool after,
		       struct around *ar)
{
	for (size_t w = 0; w < sizeof code_words / sizeof code_words[0]; w++) {
		const struct code_word *cw = &code_words[w];
		for (size_t i = find(t, a, b, cw->word); i != (size_t)-1;
		     i = find(t, i + 1, b, cw->word)) {
			size_t p = i + strlen(cw->word), d;
			for (int k = 0; k < 3 && p < len && (t[p] == ':' || t[p] == ' '); k++)
				p++;
			for (d = p; d < len && lg_v_is_digit((unsigned char)t[d]); d++)
				;
			if (d - p != cw->digits)
				continue;
			if (!cw->branch)
				ar->bank = true;
			else
				keep(&ar->code_at, &ar->code_len, &ar->code_after, p, cw->digits, after);
		}
	}
}

/* scan_names - bank names, branch names and 支店名 in t[a..b) */
static void scan_names(const char *t, size_t len, size_t a, size_t b, bool after,
		       struct around *ar)
{
	for (size_t w = 0; w < sizeof bank_words / sizeof bank_words[0]; w++)
		for (size_t i = find(t, a, b, bank_words[w]); i != (size_t)-1;
		     i = find(t, i + 1, b, bank_words[w]))
			if (named(t, i))
				ar->bank = true;
	for (size_t w = 0; w < sizeof branch_words / sizeof branch_words[0]; w++) {
		size_t n = strlen(branch_words[w]);
		for (size_t i = find(t, a, b, branch_words[w]); i != (size_t)-1;
		     i = find(t, i + 1, b, branch_words[w])) {
			size_t s = branch_name(t, i);
			if (s < i)
				keep(&ar->name_at, &ar->name_len, &ar->name_after, s, i + n - s, after);
		}
	}
	for (size_t i = find(t, a, b, "本店"); i != (size_t)-1; i = find(t, i + 1, b, "本店"))
		keep(&ar->name_at, &ar->name_len, &ar->name_after, i, strlen("本店"), after);
	for (size_t i = find(t, a, b, "支店名"); i != (size_t)-1; i = find(t, i + 1, b, "支店名")) {
		size_t p = i + strlen("支店名"), s, at;
		for (int k = 0; k < 3 && p < len && (t[p] == ':' || t[p] == ' '); k++)
			p++;
		s = p;
		for (size_t k = 0; k < BRANCH_MAX && p < len; k++) {
			uint32_t c = lg_v_cp_after(t, len, p, &at);
			if (!is_name_char(c))
				break;
			p = at;
		}
		if (p > s)
			keep(&ar->name_at, &ar->name_len, &ar->name_after, s, p - s, after);
	}
}

/* lg_v_bank_account_jp - validator "bank_account_jp": 7 digits, bounded, an account word near
 * before it and a bank or branch around it */
bool lg_v_bank_account_jp(const char *text, size_t len, size_t start, size_t end,
			  char value[LG_VALUE_MAX])
{
	struct around ar = { 0 };
	if (!text || start >= end || end > len || end - start != 7)
		return false;
	for (size_t i = start; i < end; i++)
		if (!lg_v_is_digit((unsigned char)text[i]))
			return false;
	if (!lg_digit_run_bounded(text, len, start, end) || lg_v_glued_letter(text, len, start, end))
		return false;

	size_t ka = back_chars(text, start, KIND_WINDOW);
	bool kind = false;
	for (size_t w = 0; w < sizeof kind_words / sizeof kind_words[0] && !kind; w++)
		kind = find(text, ka, start, kind_words[w]) != (size_t)-1;
	if (!kind)
		return false;

	size_t ba = back_chars(text, start, BANK_WINDOW);
	size_t ae = forward_chars_line(text, len, end, AFTER_WINDOW);
	scan_codes(text, len, ba, start, false, &ar);
	scan_names(text, len, ba, start, false, &ar);
	scan_codes(text, len, end, ae, true, &ar);
	scan_names(text, len, end, ae, true, &ar);
	if (!ar.bank && !ar.code_len && !ar.name_len)
		return false;

	size_t bat = ar.code_len ? ar.code_at : ar.name_at, blen = ar.code_len ? ar.code_len : ar.name_len;
	if (blen + 1 + 7 + 1 > LG_VALUE_MAX)
		return false;
	size_t k = 0;
	if (blen) {
		memcpy(value, text + bat, blen);
		k = blen;
		value[k++] = '-';
	}
	memcpy(value + k, text + start, 7);
	value[k + 7] = '\0';
	return true;
}
