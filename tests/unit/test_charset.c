/* test_charset.c - lg_to_utf8: Japanese labels and guesses, BOMs, U+FFFD repair, fallbacks. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/charset.h"
#include "content/utf8.h"
#include "tests/unit/tap.h"

#define B(s) s, sizeof(s) - 1	/* a byte-string literal and its length (NULs allowed) */

/* CP932 bytes, computed with Python's str.encode('cp932') */
#define CP_SHIMEI "\x8e\x81\x96\xbc,\x93" "d\x98" "b\x94\xd4\x8d\x86"	/* 氏名,電話番号 */
#define CP_MARU_KABU "\x87@\x87\x8a"					/* ①㈱ */
#define CP_WAVE_MINUS "\x81`\x81|"					/* ～－ (0x8160 0x817C) */
#define CP_LINE "\x8e\x81\x96\xbc,\x93" "d\x98" "b\x94\xd4\x8d\x86\r\n\x8eR\x93" "c\x91\xbe\x98Y," \
	"090\x81|1234\x81|5678,\x87@\x87\x8a,C:\\dir\\,\x81`\r\n"
#define U_LINE "氏名,電話番号\r\n山田太郎,090－1234－5678,①㈱,C:\\dir\\,～\r\n"

struct charset_case {
	const char *name;
	const char *label;
	const char *in;
	size_t len;
	const char *want;	/* UTF-8 */
	size_t want_len;
	const char *used;
};

static const struct charset_case cases[] = {
	/* CP932 under every Shift_JIS label, and unlabelled */
	{ "Shift_JIS 氏名,電話番号", "Shift_JIS", B(CP_SHIMEI), B("氏名,電話番号"), "CP932" },
	{ "windows-31j 氏名,電話番号", "windows-31j", B(CP_SHIMEI), B("氏名,電話番号"), "CP932" },
	{ "x-sjis 氏名,電話番号", "x-sjis", B(CP_SHIMEI), B("氏名,電話番号"), "CP932" },
	{ "unlabelled 氏名,電話番号", NULL, B(CP_SHIMEI), B("氏名,電話番号"), "CP932" },
	{ "Shift_JIS ①㈱", "Shift_JIS", B(CP_MARU_KABU), B("①㈱"), "CP932" },
	{ "windows-31j ①㈱", "windows-31j", B(CP_MARU_KABU), B("①㈱"), "CP932" },
	{ "x-sjis ①㈱", "x-sjis", B(CP_MARU_KABU), B("①㈱"), "CP932" },
	{ "unlabelled ①㈱ (uchardet says WINDOWS-1252)", NULL, B(CP_MARU_KABU), B("①㈱"), "CP932" },
	{ "Shift_JIS 0x5C 0x7E", "Shift_JIS", B("C:\\~"), B("C:\\~"), "CP932" },
	{ "windows-31j 0x5C 0x7E", "windows-31j", B("C:\\~"), B("C:\\~"), "CP932" },
	{ "x-sjis 0x5C 0x7E", "x-sjis", B("C:\\~"), B("C:\\~"), "CP932" },
	{ "unlabelled 0x5C 0x7E", NULL, B("C:\\~"), B("C:\\~"), "us-ascii" },
	{ "Shift_JIS ～－ are U+FF5E U+FF0D", "Shift_JIS", B(CP_WAVE_MINUS), B("\xef\xbd\x9e\xef\xbc\x8d"), "CP932" },
	{ "windows-31j ～－", "windows-31j", B(CP_WAVE_MINUS), B("\xef\xbd\x9e\xef\xbc\x8d"), "CP932" },
	{ "x-sjis ～－", "x-sjis", B(CP_WAVE_MINUS), B("\xef\xbd\x9e\xef\xbc\x8d"), "CP932" },
	{ "unlabelled ～－", NULL, B(CP_WAVE_MINUS), B("\xef\xbd\x9e\xef\xbc\x8d"), "CP932" },
	{ "Shift_JIS CSV lines", "Shift_JIS", B(CP_LINE), B(U_LINE), "CP932" },
	{ "unlabelled CSV lines", NULL, B(CP_LINE), B(U_LINE), "CP932" },
	{ "label case and spaces", " SHIFT_jis ", B(CP_SHIMEI), B("氏名,電話番号"), "CP932" },
	{ "cp932 label", "cp932", B(CP_MARU_KABU), B("①㈱"), "CP932" },

	/* ISO-2022-JP: JIS X 0208, NEC row 13 (①), JIS X 0201 katakana, JIS X 0212, SO/SI */
	{ "ISO-2022-JP 氏名", "ISO-2022-JP", B("\x1b$B;aL>\x1b(B"), B("氏名"), "ISO-2022-JP" },
	{ "ISO-2022-JP ① (row 13)", "iso-2022-jp", B("No\x1b$B-!\x1b(B."), B("No①."), "ISO-2022-JP" },
	{ "ISO-2022-JP ㈱ (row 13)", "iso-2022-jp", B("\x1b$B-j\x1b(B"), B("㈱"), "ISO-2022-JP" },
	{ "ISO-2022-JP ESC ( I katakana", "ISO-2022-JP", B("\x1b(I123\x1b(B!"), B("ｱｲｳ!"), "ISO-2022-JP" },
	{ "ISO-2022-JP SO/SI katakana", "CP50221", B("a\x0e" "123\x0f" "b"), B("aｱｲｳb"), "ISO-2022-JP" },
	{ "ISO-2022-JP ESC $ @", "ISO-2022-JP", B("\x1b$@;aL>\x1b(J"), B("氏名"), "ISO-2022-JP" },
	{ "ISO-2022-JP JIS X 0212", "ISO-2022-JP-1", B("\x1b$(D0!\x1b(B"), B("丂"), "ISO-2022-JP" },
	{ "ISO-2022-JP newline in two-byte mode", "ISO-2022-JP", B("\x1b$B;a\r\nL>\x1b(B"), B("氏\r\n名"), "ISO-2022-JP" },
	{ "ISO-2022-JP 8-bit byte is U+FFFD", "ISO-2022-JP", B("\x1b$B;a\x1b(B\x8e" "x\x1b$BL>"), B("氏\xef\xbf\xbdx名"), "ISO-2022-JP" },
	{ "ISO-2022-JP half a pair at the end", "ISO-2022-JP", B("\x1b$B;aL"), B("氏\xef\xbf\xbd"), "ISO-2022-JP" },
	{ "ISO-2022-JP unmapped pair, rest survives", "ISO-2022-JP", B("\x1b$B)!;a\x1b(B"), B("\xef\xbf\xbd氏"), "ISO-2022-JP" },
	{ "unlabelled ISO-2022-JP", NULL, B("To: \x1b$B;aL>\x1b(B \x1b$B-!\x1b(B"), B("To: 氏名 ①"), "ISO-2022-JP" },
	{ "unlabelled ESC ( J", NULL, B("\x1b(Jabc"), B("abc"), "ISO-2022-JP" },
	{ "ISO-2022-JP escape in 8-bit text is not JIS", NULL, B("\x1b$B" CP_SHIMEI), B("\x1b$B氏名,電話番号"), "CP932" },

	/* EUC-JP */
	{ "EUC-JP 氏名,電話番号", "EUC-JP", B("\xbb\xe1\xcc\xbe,\xc5\xc5\xcf\xc3\xc8\xd6\xb9\xe6"), B("氏名,電話番号"), "EUC-JP-MS" },
	{ "EUC-JP ① and half-width ｱ", "x-euc-jp", B("\xad\xa1\x8e\xb1"), B("①ｱ"), "EUC-JP-MS" },
	{ "unlabelled EUC-JP", NULL, B("\xbb\xe1\xcc\xbe,\xc5\xc5\xcf\xc3\xc8\xd6\xb9\xe6"), B("氏名,電話番号"), "EUC-JP-MS" },

	/* UTF-8 and BOMs */
	{ "unlabelled UTF-8 with BOM", NULL, B("\xef\xbb\xbf氏名"), B("氏名"), "UTF-8" },
	{ "UTF-8 label strips BOM", "utf-8", B("\xef\xbb\xbf氏名"), B("氏名"), "UTF-8" },
	{ "unlabelled UTF-8", NULL, B("氏名 ①"), B("氏名 ①"), "UTF-8" },
	{ "unlabelled UTF-16LE with BOM", NULL, B("\xff\xfe\x0fl\rT,\x00" "0\x00" "9\x00" "0\x00 \x00" "B\xd8\xb7\xdf"), B("氏名,090 𠮷"), "UTF-16LE" },
	{ "UTF-16 label, LE BOM", "UTF-16", B("\xff\xfe\x0fl\rT,\x00" "0\x00" "9\x00" "0\x00 \x00" "B\xd8\xb7\xdf"), B("氏名,090 𠮷"), "UTF-16LE" },
	{ "UTF-16LE label strips BOM", "utf-16le", B("\xff\xfe\x0fl\rT"), B("氏名"), "UTF-16LE" },
	{ "UTF-16 label, no BOM: big-endian", "utf-16", B("l\x0fT\r\x00,\x00" "0\x00" "9\x00" "0\x00 \xd8" "B\xdf\xb7"), B("氏名,090 𠮷"), "UTF-16BE" },
	{ "UTF-16 label, no BOM, LE by NULs", "utf-16", B("0\x00" "9\x00" "0\x00"), B("090"), "UTF-16LE" },
	{ "unlabelled UTF-16LE without BOM", NULL, B("0\x00" "9\x00" "0\x00-\x00" "1\x00\x0fl"), B("090-1氏"), "UTF-16LE" },
	{ "unlabelled UTF-16BE without BOM", NULL, B("\x00" "0\x00" "9\x00" "0\x00-\x00" "1"), B("090-1"), "UTF-16BE" },
	{ "UTF-16LE labelled utf-8", "utf-8", B("0\x00" "9\x00" "0\x00-\x00" "1\x00"), B("090-1"), "UTF-16LE" },
	{ "a few NULs are not UTF-16", NULL, B("ab\0cdefgh"), B("ab\0cdefgh"), "us-ascii" },
	{ "UTF-16LE lone surrogate and odd byte", "UTF-16LE", B("a\x00\x00\xd8" "b\x00" "c"), B("a\xef\xbf\xbd" "b\xef\xbf\xbd"), "UTF-16LE" },

	/* invalid bytes in the middle, truncation at the end: U+FFFD, nothing after is lost */
	{ "Shift_JIS 0xFF in the middle", "Shift_JIS", B("\x8e\x81\x96\xbc\xff\x93" "d\x98" "b"), B("氏名\xef\xbf\xbd電話"), "CP932" },
	{ "Shift_JIS 0x80 then ASCII", "Shift_JIS", B("a\x80" "b\x8e\x81"), B("a\xef\xbf\xbd" "b氏"), "CP932" },
	{ "Shift_JIS bad trail byte is re-read", "Shift_JIS", B("\x85@x"), B("\xef\xbf\xbd@x"), "CP932" },
	{ "unlabelled CP932 0x80 in the middle", NULL, B("\x8e\x81\x96\xbc\x80\x93" "d\x98" "b\x94\xd4\x8d\x86"), B("氏名\xef\xbf\xbd電話番号"), "CP932" },
	{ "UTF-8 invalid byte in the middle", "utf-8", B("abc\xff" "def"), B("abc\xef\xbf\xbd" "def"), "UTF-8" },
	{ "UTF-8 surrogate and overlong: one U+FFFD per byte", "UTF-8", B("a\xed\xa0\x80" "b\xc0\xaf" "c"), B("a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd" "c"), "UTF-8" },
	{ "Shift_JIS truncated at the end", "Shift_JIS", B("\x8e\x81\x96\xbc\x93"), B("氏名\xef\xbf\xbd"), "CP932" },
	{ "unlabelled CP932 truncated at the end", NULL, B(CP_SHIMEI "\x93"), B("氏名,電話番号\xef\xbf\xbd"), "CP932" },
	{ "UTF-8 truncated at the end: one U+FFFD", "utf-8", B("氏\xe5\x90"), B("氏\xef\xbf\xbd"), "UTF-8" },
	{ "EUC-JP truncated at the end", "EUC-JP", B("\xbb\xe1\xcc"), B("氏\xef\xbf\xbd"), "EUC-JP-MS" },

	/* empty input */
	{ "empty, labelled", "Shift_JIS", B(""), B(""), "us-ascii" },
	{ "empty, unlabelled", NULL, B(""), B(""), "us-ascii" },
	{ "only a UTF-16LE BOM", NULL, B("\xff\xfe"), B(""), "UTF-16LE" },
	{ "only a UTF-8 BOM", NULL, B("\xef\xbb\xbf"), B(""), "UTF-8" },
	{ "only a BOM, utf-16 label", "utf-16", B("\xfe\xff"), B(""), "UTF-16BE" },
	{ "empty label string", "", B(CP_SHIMEI), B("氏名,電話番号"), "CP932" },

	/* us-ascii labels on 8-bit text, unknown labels, other charsets */
	{ "us-ascii label, UTF-8 bytes", "us-ascii", B("氏名 ①"), B("氏名 ①"), "UTF-8" },
	{ "us-ascii label, ASCII", "US-ASCII", B("hello"), B("hello"), "us-ascii" },
	{ "us-ascii label, CP932 bytes", "us-ascii", B(CP_SHIMEI), B("氏名,電話番号"), "CP932" },
	{ "unknown label, CP932 bytes", "x-unknown", B(CP_SHIMEI), B("氏名,電話番号"), "CP932" },
	{ "unknown label, UTF-8", "x-unknown", B("氏名"), B("氏名"), "UTF-8" },
	{ "label with //IGNORE is not passed to iconv", "utf-8//IGNORE", B("a\x8e\x81" "b"), B("a氏b"), "CP932" },
	{ "iso-8859-15", "iso-8859-15", B("\xa4"), B("€"), "ISO-8859-15" },
	{ "iso-8859-1 as windows-1252", "ISO-8859-1", B("\x80\xe9"), B("€é"), "CP1252" },
	{ "koi8-r", "koi8-r", B("\xf0\xd2\xc9\xd7\xc5\xd4"), B("Привет"), "KOI8-R" },
	{ "UTF-8 keeps NUL", "utf-8", B("a\0b"), B("a\0b"), "UTF-8" },

	/* a wrong label must not hide the text */
	{ "CP932 CSV labelled utf-8", "utf-8", B(CP_LINE), B(U_LINE), "CP932" },
	{ "CP932 CSV labelled iso-2022-jp", "ISO-2022-JP", B(CP_LINE), B(U_LINE), "CP932" },
	{ "CP932 CSV labelled EUC-JP", "euc-jp", B(CP_LINE), B(U_LINE), "CP932" },
	{ "one bad byte keeps the label", "utf-8", B("\xe6\xb0\x8f\xe5\x90\x8d\x8e\xe9\x9b\xbb\xe8\xa9\xb1"), B("氏名\xef\xbf\xbd電話"), "UTF-8" },
};

/* check_case - run one table row */
static void check_case(const struct charset_case *c)
{
	char used[32] = "unset";
	size_t out_len = 12345;
	char *out = lg_to_utf8(c->in, c->len, c->label, &out_len, used, sizeof used);
	int ok = out && out_len == c->want_len && memcmp(out, c->want, c->want_len) == 0 &&
		 out[out_len] == '\0' && strcmp(used, c->used) == 0;

	tap_ok(ok, "%s", c->name);
	if (!ok)
		tap_diag("got [%.*s] (%zu bytes, used %s), want [%s] (%zu bytes, used %s)",
			 out ? (int)out_len : 6, out ? out : "(null)", out_len, used, c->want, c->want_len,
			 c->used);
	free(out);
}

/* test_rest_survives - many bad bytes in a long text: each is one U+FFFD, all text stays */
static void test_rest_survives(void)
{
	size_t n = 20000, in_len = 0, out_len;
	char *in = malloc(n * 5);
	for (size_t i = 0; i < n; i++) {
		memcpy(in + in_len, "\x8e\x81\x96\xbc", 4);	/* 氏名 */
		in_len += 4;
		if (i % 10 == 9)
			in[in_len++] = (char)0xFF;
	}
	char *out = lg_to_utf8(in, in_len, "Shift_JIS", &out_len, NULL, 0);
	size_t names = 0, bad = 0;
	for (const char *p = out; (p = strstr(p, "氏名")) != NULL; p += 6)
		names++;
	for (const char *p = out; (p = strstr(p, "\xef\xbf\xbd")) != NULL; p += 3)
		bad++;
	tap_ok(names == n && bad == n / 10 && out_len == n * 6 + bad * 3,
	       "20000 names with 2000 bad bytes: %zu names, %zu U+FFFD", names, bad);
	free(out);
	free(in);
}

/* test_random_always_valid - random bytes under many labels always give valid UTF-8 */
static void test_random_always_valid(void)
{
	static const char *const labels[] = { NULL, "Shift_JIS", "EUC-JP", "ISO-2022-JP", "utf-8",
		"us-ascii", "utf-16", "utf-16le", "utf-32", "iso-8859-1", "windows-1251", "gb2312",
		"big5", "euc-kr", "koi8-r", "utf-7", "x-unknown" };
	uint32_t seed = 12345;
	char buf[512];

	for (size_t l = 0; l < sizeof labels / sizeof labels[0]; l++) {
		int ok = 1;
		for (int round = 0; round < 200 && ok; round++) {
			size_t len = round % 64 == 0 ? 0 : (size_t)(round * 7 % (int)sizeof buf);
			for (size_t i = 0; i < len; i++) {
				seed = seed * 1103515245 + 12345;
				buf[i] = (char)(seed >> 16);
				if (round % 3 == 0 && (seed >> 8) % 4 == 0)
					buf[i] = 0x1B;	/* plenty of escapes for the ISO-2022 path */
			}
			size_t out_len;
			char *out = lg_to_utf8(buf, len, labels[l], &out_len, NULL, 0);
			ok = out && out[out_len] == '\0' && lg_utf8_is_valid(out, out_len);
			free(out);
		}
		tap_ok(ok, "random bytes under %s give valid UTF-8", labels[l] ? labels[l] : "no label");
	}
}

/* test_misc - NULL input, NULL out_len, a small used buffer */
static void test_misc(void)
{
	char used[4];
	size_t out_len = 99;
	char *out = lg_to_utf8(NULL, 0, NULL, &out_len, NULL, 0);
	tap_ok(out && out[0] == '\0', "NULL input gives an empty string");
	tap_is_long((long)out_len, 0, "NULL input: out_len 0");
	free(out);
	out = lg_to_utf8(B(CP_SHIMEI), "sjis", NULL, used, sizeof used);
	tap_is_str(out, "氏名,電話番号", "out_len may be NULL");
	tap_is_str(used, "CP9", "used is truncated to its buffer");
	free(out);
}

/* test_iconv_invalid_output - glibc's iconv turns out-of-range code points (UCS-4 above
 * U+10FFFF, lone surrogates) into invalid UTF-8 without an error; found by fuzz_charset */
static void test_iconv_invalid_output(void)
{
	static const struct {
		const char *label, *in;
		size_t len;
	} bad[] = {
		{ "ucs-4", "\x00\x00\xd8\x00\x7f\xff\xff\xff\x00\x00\x00\x41", 12 },
		{ "ucs-4le", "\x00\xd8\x00\x00\xff\xff\xff\x7f\x41\x00\x00\x00", 12 },
		{ "utf-7", "+2ADcAA-A", 9 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t n;
		char *out = lg_to_utf8(bad[i].in, bad[i].len, bad[i].label, &n, NULL, 0);
		tap_ok(out && lg_utf8_is_valid(out, n) && out[n] == '\0',
		       "%s with out-of-range code points still gives valid UTF-8", bad[i].label);
		tap_ok(out && n >= 1 && out[n - 1] == 'A', "%s: the text after them survives",
		       bad[i].label);
		free(out);
	}
}

/* UTF-8 hiragana whose bytes are also strict CP932 pairs (E3 81 | 81 E3 | 81 82 ...) */
#define U8_KANA "\xe3\x81\x81\xe3\x81\x82\xe3\x81\x83\xe3\x81\x84\xe3\x81\x85\xe3\x81\x86" \
	"\xe3\x81\x87\xe3\x81\x88"

struct guess_case {
	const char *name;
	const char *in;
	size_t len;
	const char *used;	/* what both paths must say */
};

/* Unlabelled bytes where the CP932 shortcut may or must not skip uchardet. The rows that start
 * with UTF-8 are strict CP932 too: uchardet says UTF-8 for them, so a shortcut that looked only
 * at CP932 validity would decode them differently. */
static const struct guess_case guess_cases[] = {
	{ "CP932 CSV (first byte 0x8E, trail < 0xA1)", B(CP_LINE), "CP932" },
	{ "CP932 ①㈱ (first byte 0x87)", B(CP_MARU_KABU), "CP932" },
	{ "CP932 ～－ (first byte 0x81)", B(CP_WAVE_MINUS), "CP932" },
	{ "ASCII, then CP932", B("id,name\r\n1," CP_SHIMEI), "CP932" },
	{ "ESC $ B before CP932", B("\x1b$B" CP_SHIMEI), "CP932" },
	{ "CP932 with 0x80 in the middle", B("\x8e\x81\x96\xbc\x80\x93" "d"), "CP932" },
	{ "CP932 with half-width katakana", B("\x8e\x81\xb1\xb2"), "CP932" },
	{ "CP932 truncated", B(CP_SHIMEI "\x93"), "CP932" },
	{ "UTF-8 kana, then CP932 after a gap", B(U8_KANA ",," "\x82\xa0\x82\xa2"), "UTF-8" },
	{ "UTF-8 kana, then CP932", B(U8_KANA "\x82\xa0\x82\xa2"), "UTF-8" },
	{ "CP932, then UTF-8 kana", B("\x82\xa0,," U8_KANA ",," U8_KANA), "CP932" },
	{ "SS2 then a pair (EUC-JP half-width form)", B("\x8e\xb1\x8e\xb2\x8e\xb3\x8e\xb4 \x8e\xb5"), "CP932" },
	{ "E0-EF leads, A1+ trails (EUC-JP form)", B("\xe4\xa1\xe5\xb2\xe6\xc3 \xe7\xd4\xe8\xe5"), "CP932" },
	{ "EUC-JP", B("\xbb\xe1\xcc\xbe,\xc5\xc5\xcf\xc3\xc8\xd6\xb9\xe6"), "EUC-JP-MS" },
	{ "Latin-1", B("caf\xe9 cr\xe8me br\xfbl\xe9" "e"), "CP1252" },
};

/* guess_both - the guess with and without the shortcut; 1 when both give the same bytes and
 * name. *used gets the name. */
static int guess_both(const char *in, size_t len, char *used, size_t usedlen)
{
	char fast_used[32], slow_used[32];
	size_t fast_len, slow_len;
	char *fast = lg_to_utf8_flags(in, len, NULL, &fast_len, fast_used, sizeof fast_used, 0);
	char *slow = lg_to_utf8_flags(in, len, NULL, &slow_len, slow_used, sizeof slow_used,
				      LG_CHARSET_ALWAYS_GUESS);
	int same = fast_len == slow_len && memcmp(fast, slow, fast_len) == 0 &&
		   strcmp(fast_used, slow_used) == 0;
	snprintf(used, usedlen, "%s", fast_used);
	if (!same)
		tap_diag("shortcut gives %s (%zu bytes), uchardet's way %s (%zu bytes)", fast_used,
			 fast_len, slow_used, slow_len);
	free(fast);
	free(slow);
	return same;
}

/* test_guess_shortcut - the CP932 shortcut gives exactly what asking uchardet gives */
static void test_guess_shortcut(void)
{
	for (size_t i = 0; i < sizeof guess_cases / sizeof guess_cases[0]; i++) {
		const struct guess_case *c = &guess_cases[i];
		char used[32];
		int same = guess_both(c->in, c->len, used, sizeof used);
		tap_ok(same && strcmp(used, c->used) == 0, "shortcut = uchardet: %s (%s)", c->name,
		       used);
	}
}

/* test_guess_shortcut_random - random mixes of CP932 pairs, EUC-JP and UTF-8 forms, ASCII and
 * escapes: the shortcut never changes the decoded text or the charset named */
static void test_guess_shortcut_random(void)
{
	static const char *const pieces[] = {
		"\x8e\x81", "\x96\xbc", "\x82\xa0", "\x83\x41", "\x81\x7c", "\x87\x40",
		"\x8e\xb1", "\x8f\xa1", "\xe4\xa1", "\xea\xfc", "\xfa\x40", "\xb1", "\xa4\xa2",
		"\xe3\x81\x82", "\xe6\xb0\x8f", "\xc3\xa9", "\x80", "\xff", "\x1b$B", "\x1b(B",
		",", "\r\n", "abc", "090-1234-5678", " ",
	};
	uint32_t seed = 20261127;
	char buf[600];
	size_t differ = 0, shortcut_kinds = 0, rounds = 4000;

	for (size_t round = 0; round < rounds; round++) {
		size_t len = 0, n = 1 + round % 60;
		for (size_t k = 0; k < n; k++) {
			seed = seed * 1103515245 + 12345;
			/* mostly CP932-shaped pieces, so that many inputs reach the shortcut */
			size_t np = sizeof pieces / sizeof pieces[0];
			size_t pi = (seed >> 16) % (round % 2 ? 6 : np);
			size_t pl = strlen(pieces[pi]);
			if (len + pl > sizeof buf)
				break;
			memcpy(buf + len, pieces[pi], pl);
			len += pl;
		}
		char used[32];
		if (!guess_both(buf, len, used, sizeof used))
			differ++;
		shortcut_kinds += strcmp(used, "CP932") == 0;
	}
	tap_ok(differ == 0, "shortcut = uchardet on %zu random inputs (%zu differ, %zu CP932)",
	       rounds, differ, shortcut_kinds);
}

int main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_case(&cases[i]);
	test_rest_survives();
	test_random_always_valid();
	test_misc();
	test_iconv_invalid_output();
	test_guess_shortcut();
	test_guess_shortcut_random();
	return tap_done();
}
