/* test_rtf.c - lg_rtf_extract: paragraphs, code pages (\ansicpg, \fcharset, CP932 \'hh), \uN with
 * \ucN, surrogates, skipped destinations, tables, escapes, \bin, limits (depth, time, text
 * budget), non-RTF input, garbage, and the golden file tests/fixtures/rtf/memo.rtf. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/extract.h"
#include "content/utf8.h"
#include "lg_buf.h"
#include "tests/unit/ex_collect.h"
#include "tests/unit/tap.h"

#define B(s) s, sizeof(s) - 1	/* a byte-string literal and its length */

/* What came out, in a printable form: "T:<text>\n" per block, "#\n" per table, "R:[a][b]\n"
 * per row. */
struct dump {
	struct lg_buf out;
	size_t stop_after;	/* return non-zero after this many callbacks (0: never) */
	size_t calls;
	bool bad;		/* text not valid UTF-8, or a cell without its NUL */
};

/* on_text - callback: one text block */
static int on_text(void *arg, const char *s, size_t len)
{
	struct dump *d = arg;
	if (!lg_utf8_is_valid(s, len))
		d->bad = true;
	lg_buf_puts(&d->out, "T:");
	lg_buf_append(&d->out, s, len);
	lg_buf_putc(&d->out, '\n');
	return d->stop_after && ++d->calls >= d->stop_after;
}

/* on_row - callback: one table row */
static int on_row(void *arg, const char *const *cells, const size_t *lens, size_t n)
{
	struct dump *d = arg;
	lg_buf_puts(&d->out, "R:");
	for (size_t i = 0; i < n; i++) {
		if (!lg_utf8_is_valid(cells[i], lens[i]) || cells[i][lens[i]] != '\0')
			d->bad = true;
		lg_buf_putc(&d->out, '[');
		lg_buf_append(&d->out, cells[i], lens[i]);
		lg_buf_putc(&d->out, ']');
	}
	lg_buf_putc(&d->out, '\n');
	return d->stop_after && ++d->calls >= d->stop_after;
}

/* on_table - callback: a table begins */
static int on_table(void *arg, const char *name)
{
	struct dump *d = arg;
	lg_buf_puts(&d->out, name ? name : "#");
	lg_buf_putc(&d->out, '\n');
	return 0;
}

/* extract - run the extractor on len bytes into d (cleared first) */
static void extract(const char *data, size_t len, const struct lg_ex_limits *lim, struct dump *d,
		    struct lg_ex_result *r)
{
	struct lg_ex_out out = { on_text, on_row, on_table, d };
	lg_buf_reset(&d->out);
	lg_buf_reserve(&d->out, 0);
	d->bad = false;
	d->calls = 0;
	memset(r, 0, sizeof *r);
	lg_rtf_extract(data, len, lim, &out, r);
}

struct rtf_case {
	const char *name;
	const char *rtf;
	size_t len;
	const char *want;	/* the dump */
};

static const struct rtf_case cases[] = {
	/* paragraphs */
	{ "paragraphs", B("{\\rtf1\\ansi Hello\\par World\\par}"), "T:Hello\nT:World\n" },
	{ "last paragraph without \\par", B("{\\rtf1 a\\par b}"), "T:a\nT:b\n" },
	{ "unterminated document", B("{\\rtf1 abc"), "T:abc\n" },
	{ "leading white space", B("\r\n {\\rtf1 x}"), "T:x\n" },
	{ "\\line and \\tab", B("{\\rtf1 a\\line b\\tab c\\par}"), "T:a\nb\tc\n" },
	{ "\\sect and \\page end paragraphs", B("{\\rtf1 a\\sect b\\page c}"), "T:a\nT:b\nT:c\n" },
	{ "backslash + newline is \\par", B("{\\rtf1 a\\\nb}"), "T:a\nT:b\n" },
	{ "line ends in the file are no text", B("{\\rtf1 a\r\nb\nc\\par}"), "T:abc\n" },
	{ "delimiter space and parameters", B("{\\rtf1\\b1 bold\\b0  normal\\fs-24 x\\par}"),
	  "T:bold normalx\n" },
	{ "empty paragraphs are not handed over", B("{\\rtf1\\par\\par x\\par\\par}"), "T:x\n" },
	/* code pages */
	{ "cp1252 by default", B("{\\rtf1\\ansi caf\\'e9 \\'93q\\'94\\par}"), "T:café “q”\n" },
	{ "\\ansicpg932 \\'hh", B("{\\rtf1\\ansi\\ansicpg932 \\'93\\'fa\\'96\\'7b\\'8c\\'ea\\par}"),
	  "T:日本語\n" },
	{ "CP932 vendor characters", B("{\\rtf1\\ansicpg932 \\'87\\'40\\'81\\'60\\'87\\'8a\\par}"),
	  "T:①～㈱\n" },
	{ "CP932 trail byte 0x5C as \\'5c and as \\\\",
	  B("{\\rtf1\\ansicpg932 \\'95\\'5c/\\'95\\\\\\par}"), "T:表/表\n" },
	{ "8-bit CP932 bytes unescaped", B("{\\rtf1\\ansicpg932 \x93\xfa\x8c\xea\\par}"), "T:日語\n" },
	{ "font charset 128 under \\ansicpg1252",
	  B("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\froman\\fcharset0 Times;}"
	    "{\\f1\\fnil\\fcharset128 \\'82\\'6c\\'82\\'72 \\'96\\'be\\'92\\'a9;}}"
	    "\\f1 \\'8e\\'52\\'93\\'63\\f0  caf\\'e9\\par}"),
	  "T:山田 café\n" },
	{ "font table without subgroups",
	  B("{\\rtf1\\ansi{\\fonttbl\\f0\\fswiss Helvetica;\\f1\\fcharset128 Mincho;}"
	    "\\f1\\'82\\'a0\\par}"),
	  "T:あ\n" },
	{ "font code page ends with its group",
	  B("{\\rtf1\\ansi{\\fonttbl{\\f1\\fcharset128 M;}}{\\f1 \\'82\\'a0}\\'e9\\par}"),
	  "T:あé\n" },
	{ "\\plain returns to the default font",
	  B("{\\rtf1\\ansi\\deff1{\\fonttbl{\\f0\\fcharset0 A;}{\\f1\\fcharset128 M;}}"
	    "\\f0 \\'e9\\plain \\'82\\'a0\\par}"),
	  "T:éあ\n" },
	{ "Mac Roman", B("{\\rtf1\\mac caf\\'8e\\par}"), "T:café\n" },
	/* Unicode */
	{ "\\uN with one fallback", B("{\\rtf1\\ansi\\u23665?\\u30000?\\par}"), "T:山田\n" },
	{ "\\uc2 with \\'hh fallbacks",
	  B("{\\rtf1\\ansi\\ansicpg932\\uc2\\u23665\\'8e\\'52\\u30000\\'93\\'63\\par}"), "T:山田\n" },
	{ "\\uc0", B("{\\rtf1\\uc0\\u26085\\u26412\\par}"), "T:日本\n" },
	{ "negative \\uN", B("{\\rtf1\\u-25896?\\par}"), "T:高\n" },
	{ "surrogate pair", B("{\\rtf1\\u-10174?\\u-8265?\\par}"), "T:𠮷\n" },
	{ "lone high surrogate", B("{\\rtf1\\u-10174?x\\par}"), "T:\xEF\xBF\xBDx\n" },
	{ "lone low surrogate", B("{\\rtf1 a\\u-8265?b\\par}"), "T:a\xEF\xBF\xBD" "b\n" },
	{ "\\uc is per group", B("{\\rtf1{\\uc2\\u23665??}\\u30000?\\par}"), "T:山田\n" },
	{ "fallback skip ends at a group", B("{\\rtf1\\uc3\\u23665{x}y\\par}"), "T:山xy\n" },
	{ "control word counts as one fallback", B("{\\rtf1\\uc2\\u23665\\b ab\\par}"), "T:山b\n" },
	{ "named characters", B("{\\rtf1 a\\emdash b\\endash c\\bullet d\\lquote e\\rquote\\par}"),
	  "T:a—b–c•d‘e’\n" },
	{ "escapes", B("{\\rtf1 a\\{b\\}c\\\\d\\~e\\-f\\_g\\par}"),
	  "T:a{b}c\\d\xC2\xA0" "ef\xE2\x80\x91g\n" },
	/* destinations */
	{ "tables and info skipped",
	  B("{\\rtf1{\\fonttbl{\\f0 Arial;}}{\\colortbl;\\red0\\green0\\blue0;}"
	    "{\\stylesheet{\\s0 Normal;}}{\\info{\\title Secret}{\\author Taro}}"
	    "{\\*\\generator Foo;}{\\pict\\pngblip 89504e47}{\\*\\datastore 0105}Body\\par}"),
	  "T:Body\n" },
	{ "unknown \\* destination skipped", B("{\\rtf1 a{\\*\\unknownthing hid {nested} den}b\\par}"),
	  "T:ab\n" },
	{ "known destination without \\*", B("{\\rtf1 a{\\pict{\\*\\blipuid 12}ff00}b\\par}"),
	  "T:ab\n" },
	{ "comments kept", B("{\\rtf1 x{\\*\\atnid AB}{\\*\\annotation note}\\par}"),
	  "T:xnote\n" },
	{ "headers, footers, footnotes kept",
	  B("{\\rtf1{\\header Head\\par}{\\footer Foot\\par}Body{\\footnote Note}\\par}"),
	  "T:Head\nT:Foot\nT:BodyNote\n" },
	{ "field result kept, instruction skipped",
	  B("{\\rtf1{\\field{\\*\\fldinst HYPERLINK \"mailto:x@example.com\"}"
	    "{\\fldrslt a@example.com}}\\par}"),
	  "T:a@example.com\n" },
	{ "\\bin data skipped", B("{\\rtf1 a{\\pict\\bin4 }{}x}b\\bin2 {}c\\par}"), "T:abc\n" },
	{ "\\bin longer than the file", B("{\\rtf1 a\\bin99 xyz"), "T:a\n" },
	/* tables */
	{ "table rows",
	  B("{\\rtf1 Intro\\par\\trowd\\cellx1\\cellx2\\cellx3"
	    "\\pard\\intbl Name\\cell\\pard\\intbl Phone\\cell\\pard\\intbl\\cell\\row"
	    "\\trowd\\cellx1\\cellx2\\cellx3\\pard\\intbl a\\par b\\cell\\pard\\intbl 090\\cell"
	    "\\pard\\intbl x\\cell\\row\\pard After\\par}"),
	  "T:Intro\n#\nR:[Name][Phone][]\nR:[a\nb][090][x]\nT:After\n" },
	{ "two tables", B("{\\rtf1\\intbl a\\cell\\row\\pard x\\par\\intbl b\\cell\\row}"),
	  "#\nR:[a]\nT:x\n#\nR:[b]\n" },
	{ "Word style: \\row in its own group",
	  B("{\\rtf1\\pard\\intbl{A\\cell}{B\\cell}{\\trowd\\cellx1\\cellx2\\row}\\pard z\\par}"),
	  "#\nR:[A][B]\nT:z\n" },
	{ "row without \\row at the end", B("{\\rtf1\\pard\\intbl a\\cell b\\cell}"),
	  "#\nR:[a][b]\n" },
	{ "nested table cells", B("{\\rtf1\\intbl a\\nestcell b\\nestcell{\\nestrow}\\cell\\row}"),
	  "#\nR:[a\tb\t]\n" },
};

/* check_cases - every case: status OK and the exact dump */
static void check_cases(void)
{
	struct lg_ex_limits lim = ex_default_limits();
	struct dump d = { LG_BUF_INIT, 0, 0, false };
	struct lg_ex_result r;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct rtf_case *c = &cases[i];
		extract(c->rtf, c->len, &lim, &d, &r);
		if (!tap_is_str(d.out.data, c->want, c->name) || r.status != LG_EX_OK)
			tap_diag("status %d %s [%s]", r.status, r.reason, r.detail);
	}
	lg_buf_free(&d.out);
}

/* test_golden - memo.rtf (LibreOffice's RTF of a page with a table) against memo.expected */
static void test_golden(void)
{
	struct lg_ex_limits lim = ex_default_limits();
	struct lg_buf rtf = LG_BUF_INIT, want = LG_BUF_INIT;
	struct dump d = { LG_BUF_INIT, 0, 0, false };
	struct lg_ex_result r;

	if (ex_slurp("rtf", "memo.rtf", &rtf) < 0 || ex_slurp("rtf", "memo.expected", &want) < 0) {
		tap_ok(0, "memo.rtf and memo.expected readable");
	} else {
		extract(rtf.data, rtf.len, &lim, &d, &r);
		tap_is_long(r.status, LG_EX_OK, "memo.rtf: OK");
		tap_is_str(d.out.data, want.data, "memo.rtf: text and rows as in memo.expected");
		tap_is_long((long)r.rows, 4, "memo.rtf: 4 rows counted");
		tap_ok(!d.bad, "memo.rtf: valid UTF-8, cells NUL-terminated");
	}
	lg_buf_free(&rtf);
	lg_buf_free(&want);
	lg_buf_free(&d.out);
}

/* test_outcomes - limits, non-RTF input, the callback's stop */
static void test_outcomes(void)
{
	struct lg_ex_limits lim = ex_default_limits();
	struct dump d = { LG_BUF_INIT, 0, 0, false };
	struct lg_ex_result r;
	struct lg_buf b = LG_BUF_INIT;

	/* nesting: {\rtf1 is depth 1, so 255 more groups reach the limit of 256 and 256 pass it */
	for (int extra = 255; extra <= 256; extra++) {
		lg_buf_reset(&b);
		lg_buf_puts(&b, "{\\rtf1 a\\par ");
		for (int i = 0; i < extra; i++)
			lg_buf_putc(&b, '{');
		lg_buf_putc(&b, 'x');
		for (int i = 0; i < extra; i++)
			lg_buf_putc(&b, '}');
		lg_buf_putc(&b, '}');
		extract(b.data, b.len, &lim, &d, &r);
		if (extra == 255) {
			tap_is_long(r.status, LG_EX_OK, "depth 256: OK");
			tap_is_str(d.out.data, "T:a\nT:x\n", "depth 256: text");
		} else {
			tap_is_long(r.status, LG_EX_LIMIT, "depth 257: LIMIT");
			tap_is_str(r.reason, "limit:depth", "depth 257: limit:depth");
			tap_is_str(d.out.data, "T:a\n", "depth 257: text before it kept");
		}
	}
	lg_buf_reset(&b);
	lg_buf_puts(&b, "{\\rtf1 ");
	for (int i = 0; i < 10000; i++)
		lg_buf_putc(&b, '{');
	int64_t t0 = lg_ex_now_ms();
	extract(b.data, b.len, &lim, &d, &r);
	tap_is_str(r.reason, "limit:depth", "10000 open groups: limit:depth");
	tap_ok(lg_ex_now_ms() - t0 < 1000, "10000 open groups: at once");

	static const struct {
		const char *name;
		const char *data;
		size_t len;
	} not_rtf[] = {
		{ "plain text", B("Hello, world\n") },
		{ "empty", B("") },
		{ "cut header", B("{\\rt") },
		{ "group without \\rtf", B("{\\ansi hello}") },
		{ "PDF", B("%PDF-1.4\n") },
	};
	for (size_t i = 0; i < sizeof not_rtf / sizeof not_rtf[0]; i++) {
		extract(not_rtf[i].data, not_rtf[i].len, &lim, &d, &r);
		tap_ok(r.status == LG_EX_CORRUPT && strcmp(r.reason, "corrupt") == 0 &&
			       d.out.len == 0, "not RTF (%s): corrupt", not_rtf[i].name);
	}
	extract(NULL, 0, &lim, &d, &r);
	tap_is_long(r.status, LG_EX_CORRUPT, "NULL: corrupt");

	struct lg_ex_limits late = lim;
	late.deadline_ms = lg_ex_now_ms() - 1;
	extract(B("{\\rtf1 a\\par b\\par}"), &late, &d, &r);
	tap_is_str(r.reason, "limit:time", "deadline passed: limit:time");
	tap_is_str(d.out.data, "", "deadline passed: nothing handed over");

	struct lg_ex_limits small = lim;
	small.text_size = 4;
	extract(B("{\\rtf1 abc\\par defgh\\par}"), &small, &d, &r);
	tap_is_str(r.reason, "limit:text_size", "text budget: limit:text_size");
	tap_is_str(d.out.data, "T:abc\n", "text budget: what fits handed over");

	d.stop_after = 1;
	extract(B("{\\rtf1 a\\par b\\par}"), &lim, &d, &r);
	tap_is_long(r.status, LG_EX_STOPPED, "callback stop: STOPPED");
	tap_is_str(d.out.data, "T:a\n", "callback stop: nothing after it");
	d.stop_after = 0;

	lg_buf_free(&b);
	lg_buf_free(&d.out);
}

/* xorshift - a small deterministic PRNG */
static uint32_t xorshift(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* test_garbage - memo.rtf cut short and with bytes changed: an outcome, valid UTF-8, no crash */
static void test_garbage(void)
{
	struct lg_ex_limits lim = ex_default_limits();
	struct dump d = { LG_BUF_INIT, 0, 0, false };
	struct lg_ex_result r;
	struct lg_buf rtf = LG_BUF_INIT;
	static const char pool[] = "{}\\'*u-0123456789abcdefucbinpar \x82\xa0\xff";
	uint32_t seed = 88172645u;
	size_t runs = 0, bad = 0, odd = 0;

	if (ex_slurp("rtf", "memo.rtf", &rtf) < 0) {
		tap_ok(0, "memo.rtf readable");
		return;
	}
	for (int i = 0; i < 2000; i++) {
		size_t len = 1 + xorshift(&seed) % rtf.len;
		char *copy = malloc(len);
		memcpy(copy, rtf.data, len);
		for (int k = xorshift(&seed) % 8; k >= 0; k--)
			copy[xorshift(&seed) % len] = pool[xorshift(&seed) % (sizeof pool - 1)];
		extract(copy, len, &lim, &d, &r);
		runs++;
		bad += d.bad || !lg_utf8_is_valid(d.out.data, d.out.len);
		odd += (unsigned)r.status > LG_EX_STOPPED || (r.status != LG_EX_OK && !r.reason[0]);
		free(copy);
	}
	tap_ok(bad == 0, "garbage: valid UTF-8 out of %zu mangled files", runs);
	tap_ok(odd == 0, "garbage: a known outcome with a reason in %zu runs", runs);
	lg_buf_free(&rtf);
	lg_buf_free(&d.out);
}

/* main - run every group */
int main(void)
{
	check_cases();
	test_golden();
	test_outcomes();
	test_garbage();
	return tap_done();
}
