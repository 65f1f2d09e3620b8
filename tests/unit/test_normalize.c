/* test_normalize.c - lg_nfkc: what NFKC folds for the detectors, what it must leave alone. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <utf8proc.h>

#include "content/normalize.h"
#include "content/utf8.h"
#include "tests/unit/tap.h"

#define B(s) s, sizeof(s) - 1	/* a byte-string literal and its length (NULs allowed) */
#define LG_TEST_DECOMP_MAX 32	/* code points one character decomposes to (18 today) */

struct nfkc_case {
	const char *name;
	const char *in;
	size_t len;
	const char *want;
	size_t want_len;
};

static const struct nfkc_case cases[] = {
	{ "full-width digits", B("０９０１２３４５６７８"), B("09012345678") },
	{ "full-width ＠ and letters", B("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ"), B("taro@example.jp") },
	{ "full-width hyphen-minus U+FF0D", B("０９０－１２３４－５６７８"), B("090-1234-5678") },
	{ "full-width tilde U+FF5E", B("～"), B("~") },
	{ "circled one", B("①②⑩"), B("1210") },
	{ "parenthesised kabu", B("㈱山田"), B("(株)山田") },
	{ "half-width katakana", B("ﾀﾅｶ ｶﾞｷﾞ"), B("タナカ ガギ") },
	{ "half-width prolonged sound mark U+FF70", B("ｺｰﾋｰ"), B("コーヒー") },
	{ "U+2212 minus sign left alone", B("090−1234"), B("090−1234") },
	{ "U+30FC katakana long mark left alone", B("コーヒー"), B("コーヒー") },
	{ "U+301C wave dash left alone", B("〜"), B("〜") },
	/* default-ignorable characters are dropped: they split a number without showing */
	{ "zero-width space inside a number", B("090\u200B-1234\u200B-5678"), B("090-1234-5678") },
	{ "soft hyphen, word joiner, ZWNJ, BOM", B("09\u00AD0-12\u206034-56\u200C78\uFEFF"),
	  B("090-1234-5678") },
	{ "zero-width joiner inside an address", B("taro\u200D@example.jp"), B("taro@example.jp") },
	{ "ideographic space to space", B("山田　太郎"), B("山田 太郎") },
	{ "composition: e + U+0301", B("e\xcc\x81"), B("\xc3\xa9") },
	{ "ASCII unchanged", B("Hello, world 123"), B("Hello, world 123") },
	{ "invalid byte repaired, rest normalised", B("０\xff１"), B("0\xef\xbf\xbd" "1") },
	{ "truncated sequence at the end", B("①\xe2\x91"), B("1\xef\xbf\xbd") },
	{ "lone surrogate repaired", B("a\xed\xa0\x80" "b"), B("a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "b") },
	{ "NUL is text, not the end", B("０\0１"), B("0\0" "1") },
	{ "empty", B(""), B("") },
};

/* check_case - run one table row */
static void check_case(const struct nfkc_case *c)
{
	size_t out_len = 999;
	char *out = lg_nfkc(c->in, c->len, &out_len);
	int ok = out && out_len == c->want_len && memcmp(out, c->want, c->want_len) == 0 &&
		 out[out_len] == '\0';

	tap_ok(ok, "%s", c->name);
	if (!ok)
		tap_diag("got [%.*s] (%zu bytes), want [%s] (%zu bytes)", out ? (int)out_len : 6,
			 out ? out : "(null)", out_len, c->want, c->want_len);
	free(out);
}

/* seconds_since - elapsed wall time */
static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* test_combining_flood - 160 KB of alternating combining marks stay linear (a CGJ every 30) */
static void test_combining_flood(void)
{
	static const char *const marks[] = { "\xcc\x81\xcc\x96", "\xcc\x81\xef\xbe\x9e" };
	for (size_t m = 0; m < 2; m++) {
		size_t n = 40000, len = 1, out_len;
		char *in = malloc(n * 5 + 1);
		in[0] = 'a';
		for (size_t i = 0; i < n; i++) {
			size_t l = strlen(marks[m]);
			memcpy(in + len, marks[m], l);
			len += l;
		}
		struct timespec t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		char *out = lg_nfkc(in, len, &out_len);
		double s = seconds_since(&t0);
		tap_ok(s < 2.0 && out_len > len / 2 && lg_utf8_is_valid(out, out_len),
		       "combining-mark flood %zu: %.2f s, %zu bytes out", m, s, out_len);
		tap_ok(strstr(out, "\xcd\x8f") != NULL, "combining-mark flood %zu: CGJ inserted", m);
		free(out);
		free(in);
	}
}

/* test_chunks - text longer than a chunk normalises the same as in one piece */
static void test_chunks(void)
{
	size_t reps = 40000, len = 0, out_len;
	const char *unit = "０９０－①ﾀﾞ㈱ e\xcc\x81 漢\n";	/* crosses every chunk boundary kind */
	const char *want = "090-1ダ(株) \xc3\xa9 漢\n";
	size_t ul = strlen(unit), wl = strlen(want);
	char *in = malloc(reps * ul);
	for (size_t i = 0; i < reps; i++, len += ul)
		memcpy(in + len, unit, ul);
	char *out = lg_nfkc(in, len, &out_len);
	int ok = out_len == reps * wl;
	for (size_t i = 0; ok && i < reps; i++)
		ok = memcmp(out + i * wl, want, wl) == 0;
	tap_ok(ok, "%zu bytes in chunks: every unit normalised", len);
	tap_is_long((long)out_len, (long)(reps * wl), "chunked output length");
	free(out);
	free(in);
}

/* test_no_spurious_cgj - ordinary combining text (40 x alpha + U+0301) gets no CGJ */
static void test_no_spurious_cgj(void)
{
	char in[40 * 4 + 1], want[40 * 2 + 1];
	for (int i = 0; i < 40; i++) {
		memcpy(in + i * 4, "\xce\xb1\xcc\x81", 4);	/* α + U+0301 */
		memcpy(want + i * 2, "\xce\xac", 2);		/* ά */
	}
	in[160] = want[80] = '\0';
	char *out = lg_nfkc(in, 160, NULL);
	tap_is_str(out, want, "40 x alpha+U+0301: composed, no CGJ");
	free(out);
}

/* Pieces of the differential test's random texts: long and short ASCII runs, and what NFKC
 * changes or joins with the character before it (combining marks after ASCII letters, half-width
 * voiced marks, full-width digits, compatibility characters). */
static const char *const pieces[] = {
	"The quick brown fox jumps over the lazy dog while the log rotates at midnight (items=42) ",
	"0123456789012345678901234567890123456789012345678901234567890123",	/* 64: one run */
	"012345678901234567890123456789012345678901234567890123456789012",	/* 63: too short */
	"e", "a", "\n", " ", "\xcc\x81", "\xcc\x88", "\xef\xbe\x9e", "\xef\xbd\xb6",
	"\xef\xbc\x90\xef\xbc\x99", "\xe2\x91\xa0", "\xe3\x88\xb1", "\xe6\xbc\xa2",
	"\xe3\x81\x8b\xe3\x82\x99", "\xe1\x84\x80\xe1\x85\xa1",
};

/* test_ascii_runs - long ASCII runs are copied, not mapped: the result is still utf8proc's NFKC
 * of the whole text (random texts of the pieces above, and the edge cases by name) */
static void test_ascii_runs(void)
{
	static const struct { const char *name, *in; } edges[] = {
		{ "64 ASCII then U+0301 joins the last letter",
		  "0123456789012345678901234567890123456789012345678901234567890abe\xcc\x81" },
		{ "200 ASCII then a half-width voiced mark",
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxx\xef\xbd\xb6\xef\xbe\x9e" },
		{ "U+0301 first, then 70 ASCII, then full-width digits",
		  "\xcc\x81" "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij"
		  "\xef\xbc\x90\xef\xbc\x99" },
	};
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
		size_t len = strlen(edges[i].in), out_len;
		utf8proc_uint8_t *ref = NULL;
		utf8proc_ssize_t rl = utf8proc_map((const utf8proc_uint8_t *)edges[i].in,
						   (utf8proc_ssize_t)len, &ref,
						   UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
		char *out = lg_nfkc(edges[i].in, len, &out_len);
		tap_ok(rl >= 0 && out_len == (size_t)rl && !memcmp(out, ref, out_len), "%s",
		       edges[i].name);
		free(out);
		free(ref);
	}
	unsigned seed = 8, bad = 0, n = 3000;
	for (unsigned t = 0; t < n; t++) {
		char in[4096];
		size_t len = 0, np = sizeof pieces / sizeof pieces[0];
		for (int k = 0; k < 40; k++) {
			seed = seed * 1103515245u + 12345u;
			const char *p = pieces[(seed >> 16) % np];
			size_t l = strlen(p);
			if (len + l >= sizeof in)
				break;
			memcpy(in + len, p, l);
			len += l;
		}
		utf8proc_uint8_t *ref = NULL;
		utf8proc_ssize_t rl = utf8proc_map((const utf8proc_uint8_t *)in, (utf8proc_ssize_t)len,
						   &ref,
						   UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
		size_t out_len;
		char *out = lg_nfkc(in, len, &out_len);
		if (rl < 0 || out_len != (size_t)rl || memcmp(out, ref, out_len)) {
			if (!bad)
				tap_diag("first difference: input [%.*s]", (int)len, in);
			bad++;
		}
		free(out);
		free(ref);
	}
	tap_ok(bad == 0, "%u random texts with long ASCII runs: same as utf8proc_map whole (%u differ)",
	       n, bad);
}

/* test_kept_table - every character lg_nfkc copies in runs is one NFKC keeps and never joins
 * with what precedes it: combining class 0, never the second character of a canonical
 * decomposition (so of no composition), NFKC of it alone is itself, and its decomposition starts
 * with a starter that is no second either. Checked for all of Unicode against utf8proc. */
static void test_kept_table(void)
{
	static unsigned char second[0x110000];
	utf8proc_int32_t d[LG_TEST_DECOMP_MAX];
	size_t kept = 0, bad = 0;

	for (utf8proc_int32_t c = 0; c < 0x110000; c++) {
		utf8proc_ssize_t n = utf8proc_decompose_char(c, d, LG_TEST_DECOMP_MAX,
							     UTF8PROC_DECOMPOSE, NULL);
		for (utf8proc_ssize_t i = 1; i < n && i < LG_TEST_DECOMP_MAX; i++)
			second[d[i]] = 1;
	}
	for (uint32_t c = 0; c < 0x110000; c++) {
		if (!lg_nfkc_is_kept(c))
			continue;
		kept++;
		utf8proc_uint8_t b[4], *m = NULL;
		utf8proc_ssize_t l = c >= 0xD800 && c <= 0xDFFF ? 0
				     : utf8proc_encode_char((utf8proc_int32_t)c, b);
		utf8proc_ssize_t n = utf8proc_decompose_char((utf8proc_int32_t)c, d, LG_TEST_DECOMP_MAX,
							     UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT,
							     NULL);
		utf8proc_ssize_t ml = l > 0 ? utf8proc_map(b, l, &m, UTF8PROC_STABLE |
							   UTF8PROC_COMPOSE | UTF8PROC_COMPAT)
					    : -1;
		int ok = l > 0 && utf8proc_get_property((utf8proc_int32_t)c)->combining_class == 0 &&
			 !second[c] && n >= 1 && n <= LG_TEST_DECOMP_MAX &&
			 utf8proc_get_property(d[0])->combining_class == 0 && !second[d[0]] &&
			 ml == l && memcmp(m, b, (size_t)l) == 0;
		free(m);
		if (!ok && bad++ == 0)
			tap_diag("U+%04X is copied in runs but NFKC may change or join it", c);
	}
	tap_ok(kept > 20000 && bad == 0, "%zu characters copied in runs, all kept by NFKC (%zu not)",
	       kept, bad);
}

/* Pieces of Japanese texts: runs of kana and ideographs, voiced kana (が is か U+3099), and what
 * joins with the character before it or changes (U+3099, half-width voiced mark, half-width and
 * full-width forms, U+0301, ㈱, ①) */
static const char *const ja_pieces[] = {
	"山田太郎様、いつもお世話になっております。明日の会議は第三会議室で行います",
	"さくらインターネット株式会社の東京都千代田区の事務所へご連絡ください",
	"が", "ガ", "ぱ", "か", "カ", "は", "\xe3\x82\x99", "\xe3\x82\x9a", "\xef\xbe\x9e",
	"\xef\xbd\xb6", "\xef\xbc\x90\xef\xbc\x99", "\xe2\x91\xa0", "\xe3\x88\xb1", "\xcc\x81",
	"e", "\n", "、", "。", "ー", "・", "「", "」", "　", "090-1234-5678", "漢",
};

/* test_kept_runs - runs of kana and ideographs are copied, not mapped: the result is still
 * exactly utf8proc's NFKC of the whole text, and lg_nfkc_flags with LG_NFKC_MAP_ALL's */
static void test_kept_runs(void)
{
	unsigned seed = 27, bad = 0, bad_all = 0, n = 3000;
	for (unsigned t = 0; t < n; t++) {
		char in[4096];
		size_t len = 0, np = sizeof ja_pieces / sizeof ja_pieces[0];
		for (int k = 0; k < 30; k++) {
			seed = seed * 1103515245u + 12345u;
			const char *p = ja_pieces[(seed >> 16) % np];
			size_t l = strlen(p);
			if (len + l >= sizeof in)
				break;
			memcpy(in + len, p, l);
			len += l;
		}
		utf8proc_uint8_t *ref = NULL;
		utf8proc_ssize_t rl = utf8proc_map((const utf8proc_uint8_t *)in, (utf8proc_ssize_t)len,
						   &ref,
						   UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
		size_t out_len, all_len;
		char *out = lg_nfkc(in, len, &out_len);
		char *all = lg_nfkc_flags(in, len, &all_len, LG_NFKC_MAP_ALL);
		if (rl < 0 || out_len != (size_t)rl || memcmp(out, ref, out_len)) {
			if (!bad)
				tap_diag("first difference: input [%.*s]", (int)len, in);
			bad++;
		}
		bad_all += all_len != out_len || memcmp(all, out, out_len) != 0;
		free(out);
		free(all);
		free(ref);
	}
	tap_ok(bad == 0, "%u random Japanese texts: same as utf8proc_map whole (%u differ)", n, bad);
	tap_ok(bad_all == 0, "and the same as LG_NFKC_MAP_ALL (%u differ)", bad_all);
}

int main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_case(&cases[i]);
	size_t out_len = 5;
	char *out = lg_nfkc(NULL, 0, &out_len);
	tap_is_str(out, "", "NULL input gives an empty string");
	tap_is_long((long)out_len, 0, "NULL input: out_len 0");
	free(out);
	test_no_spurious_cgj();
	test_ascii_runs();
	test_kept_table();
	test_kept_runs();
	test_combining_flood();
	test_chunks();
	return tap_done();
}
