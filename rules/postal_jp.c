/* postal_jp.c - validator for Japanese postal addresses: a postal code (〒NNN-NNNN) is only an
 * address when a prefecture and a municipality, or a municipality, follow it. The candidate is
 * the postal code; the validator reads the address after it. */
#include <string.h>

#include "rules/validate.h"
#include "rules/validate_int.h"

/*
 * Accepted:
 *   postal code: "NNN-NNNN" with '-', U+2010..U+2015, U+2212 or U+30FC as the dash, after an
 *     optional "〒" (U+3012) and one optional space, all inside the candidate; "〒NNNNNNN" (7
 *     digits without a dash) only with the 〒 (a bare 7-digit number is more often an account
 *     or a code); a 〒 just before the candidate counts like one inside it.
 *   then up to ADDR_GAP white-space characters (space, tab, CR, LF: the address is often on the
 *     next line of a letterhead), then
 *   either a prefecture (one of the 47, written in full: 北海道, 東京都, 京都府, 大阪府, ...県),
 *     at most one space, and a municipality whose name may hold kana ("さいたま市"),
 *   or directly a municipality (addresses written without the prefecture: "横浜市中区...",
 *     "千代田区..."), whose name must then be kanji (with 々, ヶ, ケ): a kana word followed by
 *     町 is too often ordinary text.
 *   municipality: 2 to MUNI_MAX characters ending in 市, 区, 町 or 村, the suffix at the second
 *     character or later (so "町田市", "市川市", "村上市" are read whole), with
 *     - a 郡 (county) before it read through as part of the name: "虻田郡倶知安町", and so
 *       "大和郡山市" and "小郡市" need nothing special;
 *     - a second suffix straight after taken too: "十日町市", "野々市市", "四日市市", "上市町";
 *     - a 町 or 村 followed by one character and 市 read on: "東村山市", "武蔵村山市";
 *     - after a 市, a ward of up to WARD_MAX characters ending in 区 taken too: "横浜市中区",
 *       "札幌市中央区" (ordinance-designated cities).
 * Rejected: a postal code alone or followed by anything else; a code that is part of a longer
 *   number (digit, or '-', '.', ',', '_' and a digit, next to it: "03-1234-5678" holds no postal
 *   code) or glued to ASCII letters.
 * Value: "NNN-NNNN <prefecture><municipality>", e.g. "100-8914 東京都千代田区".
 */
#define ADDR_GAP 4
#define MUNI_MAX 10	/* with a county: "西多摩郡日の出町" is 8 */
#define WARD_MAX 5
#define STREET_MAX 24	/* characters of the town and block number kept after the municipality */

#define POSTAL_MARK 0x3012	/* 〒 */

static const char *const prefectures[] = {
	"北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
	"群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県",
	"山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府",
	"兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
	"香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
	"鹿児島県", "沖縄県",
};

/* is_kanji - CJK ideographs and the marks written inside place names (々, ヶ, ケ) */
static bool is_kanji(uint32_t c)
{
	return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
	       (c >= 0xF900 && c <= 0xFAFF) || c == 0x3005 || c == 0x30F6 || c == 0x30B1;
}

/* is_kana - hiragana and katakana (with the long mark) */
static bool is_kana(uint32_t c)
{
	return (c >= 0x3041 && c <= 0x309F) || (c >= 0x30A0 && c <= 0x30FF);
}

/* is_suffix - the characters that end a municipality name: 市, 区, 町, 村 */
static bool is_suffix(uint32_t c)
{
	return c == 0x5E02 || c == 0x533A || c == 0x753A || c == 0x6751;
}

#define CP_SHI 0x5E02	/* 市 */
#define CP_KU 0x533A	/* 区 */

/* postal_parse - the postal code in the candidate s[0..n): *d0 gets the offset of its first
 * digit, code the "NNN-NNNN" form; false when it is not one of the written forms */
static bool postal_parse(const char *s, size_t n, bool mark_before, size_t *d0, char code[9])
{
	size_t i = 0, at;
	uint32_t c = lg_v_cp_after(s, n, 0, &at);
	bool mark = mark_before;
	if (c == POSTAL_MARK) {
		mark = true;
		i = at;
		if (i < n && s[i] == ' ')
			i++;
	}
	*d0 = i;
	for (int k = 0; k < 3; k++, i++)
		if (i >= n || !lg_v_is_digit((unsigned char)s[i]))
			return false;
	memcpy(code, s + *d0, 3);
	code[3] = '-';
	if (i < n && lg_v_is_digit((unsigned char)s[i])) {
		if (!mark)
			return false;	/* "NNNNNNN" only after 〒 */
	} else {
		c = lg_v_cp_after(s, n, i, &at);
		if (!lg_v_is_dash(c))
			return false;
		i = at;
	}
	for (int k = 0; k < 4; k++, i++)
		if (i >= n || !lg_v_is_digit((unsigned char)s[i]))
			return false;
	memcpy(code + 4, s + i - 4, 4);
	code[8] = '\0';
	return i == n;
}

/* municipality - the municipality name starting at p (kana allowed or not); its end offset, or 0
 * when there is none */
static size_t municipality(const char *t, size_t len, size_t p, bool kana)
{
	size_t q = p, at, k = 0;
	uint32_t c;
	for (;;) {
		if (k == MUNI_MAX)
			return 0;
		c = lg_v_cp_after(t, len, q, &at);
		if (!is_kanji(c) && !(kana && is_kana(c)))
			return 0;
		q = at;
		k++;
		if (k >= 2 && is_suffix(c))
			break;
	}
	/* a second suffix straight after: 十日町市, 野々市市, 上市町 */
	uint32_t c1 = lg_v_cp_after(t, len, q, &at);
	if (is_suffix(c1) && c1 != CP_KU) {
		c = c1;
		q = at;
	} else if (c != CP_SHI && c != CP_KU && is_kanji(c1) && !is_suffix(c1)) {
		/* 町/村 + one character + 市: 東村山市, 武蔵村山市 */
		size_t at2;
		if (lg_v_cp_after(t, len, at, &at2) == CP_SHI) {
			c = CP_SHI;
			q = at2;
		}
	}
	if (c == CP_SHI) {	/* a ward of an ordinance-designated city: 横浜市中区 */
		size_t w = q;
		for (size_t j = 1; j <= WARD_MAX; j++) {
			c1 = lg_v_cp_after(t, len, w, &at);
			if (!is_kanji(c1))
				break;
			w = at;
			if (c1 == CP_KU && j >= 2) {	/* 町/村 inside are read through: 中村区 */
				q = w;
				break;
			}
		}
	}
	return q;
}

/* lg_v_postal_jp - validator "postal_jp": the postal code, bounded, followed by an address */
bool lg_v_postal_jp(const char *text, size_t len, size_t start, size_t end,
		    char value[LG_VALUE_MAX])
{
	char code[9];
	size_t d0, at, p, pref_len = 0, muni_end;
	const char *pref = "";
	if (!text || start >= end || end > len)
		return false;
	uint32_t b = lg_v_cp_before(text, start, &at);
	if (b == ' ')
		b = lg_v_cp_before(text, at, &at);
	if (!postal_parse(text + start, end - start, b == POSTAL_MARK, &d0, code))
		return false;
	d0 += start;
	if (!lg_digit_run_bounded(text, len, d0, end) || lg_v_glued_letter(text, len, d0, end))
		return false;

	p = end;
	for (int k = 0; k < ADDR_GAP && p < len; k++) {
		if (text[p] != ' ' && text[p] != '\t' && text[p] != '\r' && text[p] != '\n')
			break;
		p++;
	}
	for (size_t i = 0; i < sizeof prefectures / sizeof prefectures[0]; i++) {
		size_t n = strlen(prefectures[i]);
		if (len - p >= n && memcmp(text + p, prefectures[i], n) == 0) {
			pref = prefectures[i];
			pref_len = n;
			break;
		}
	}
	if (pref_len) {
		p += pref_len;
		if (p < len && text[p] == ' ')
			p++;
	}
	muni_end = municipality(text, len, p, pref_len > 0);
	if (muni_end == 0)
		return false;
	size_t muni_len = muni_end - p;
	/* the town and block number up to the first blank or the end of the line: two people in
	 * the same postal code area are two addresses (the sender's own office among them) */
	size_t street_end = muni_end;
	for (unsigned k = 0; k < STREET_MAX && street_end < len; k++) {
		uint32_t c = lg_v_cp_after(text, len, street_end, &at);
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0x3000 || c == ',')
			break;
		street_end = at;
	}
	size_t street_len = street_end - muni_end;
	size_t n = 8 + 1 + pref_len + muni_len + (street_len ? 1 + street_len : 0);
	if (n + 1 > LG_VALUE_MAX)
		return false;
	memcpy(value, code, 8);
	value[8] = ' ';
	memcpy(value + 9, pref, pref_len);
	memcpy(value + 9 + pref_len, text + p, muni_len);
	if (street_len) {
		value[9 + pref_len + muni_len] = ' ';
		memcpy(value + 10 + pref_len + muni_len, text + muni_end, street_len);
	}
	value[n] = '\0';
	return true;
}
