/* test_mime.c - the transfer decoders (tolerant base64, uuencode, yEnc, BinHex) table by table, and
 * lg_mime_walk on small synthetic messages: conflicting encodings, blocks in text, quoted-printable
 * soft breaks, encoded file names, paths and attachment flags, the second (raw) reading, limits. */
#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/b64.h"
#include "content/mime.h"
#include "content/uu.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "tests/unit/tap.h"

#define B(s) s, sizeof(s) - 1	/* a byte-string literal and its length (NULs allowed) */

/* tap_is_bytes - compare byte strings, showing both on failure */
static int tap_is_bytes(const char *got, size_t gotlen, const char *want, size_t wantlen,
			const char *name)
{
	int ok = gotlen == wantlen && (!wantlen || memcmp(got, want, wantlen) == 0);
	tap_ok(ok, "%s", name);
	if (!ok)
		tap_diag("got %zu bytes [%.*s], want %zu bytes [%.*s]", gotlen, (int)gotlen, got,
			 wantlen, (int)wantlen, want);
	return ok;
}

/* ---- base64 -------------------------------------------------------------------------------- */

static const struct b64_case {
	const char *name;
	const char *in;
	size_t len;
	const char *want;
	size_t want_len;
	int clean, junk, mid_pad, partial, odd_lines;
} b64_cases[] = {
	{ "clean, one line", B("SGVsbG8gd29ybGQ="), B("Hello world"), 1, 0, 0, 0, 0 },
	{ "clean, CRLF lines", B("SGVs\r\nbG8g\r\nd29y\r\nbGQ=\r\n"), B("Hello world"), 1, 0, 0, 0, 0 },
	{ "clean, two pads", B("SGVsbG8gd29ybA=="), B("Hello worl"), 1, 0, 0, 0, 0 },
	{ "empty", B(""), B(""), 1, 0, 0, 0, 0 },
	{ "junk skipped", B("SGV#sbG8=\r\n"), B("Hello"), 0, 1, 0, 0, 0 },
	{ "blanks are junk too", B("SGVs bG8=\t"), B("Hello"), 0, 2, 0, 0, 0 },
	{ "'=' in the middle: decoding goes on", B("SGVsbG8=SGVsbG8="), B("HelloHello"), 0, 0, 1, 0, 0 },
	{ "'=' mid-quantum keeps its whole bytes", B("SGVsbA=d29y"), B("Hellwor"), 0, 0, 1, 0, 0 },
	{ "partial quantum keeps its whole bytes", B("SGVsbG8"), B("Hello"), 0, 0, 0, 1, 0 },
	{ "single-character quantum is no byte", B("SGVsbG8gQ"), B("Hello "), 0, 0, 0, 1, 0 },
	{ "odd line lengths", B("SGVsbG\r\n8gd29y\r\nbGQ="), B("Hello world"), 0, 0, 0, 0, 1 },
	{ "too much padding", B("SGVsbG8==="), B("Hello"), 0, 0, 0, 0, 0 },
	{ "padding only", B("===="), B(""), 0, 0, 0, 0, 0 },
	{ "binary bytes", B("AP8QgA=="), B("\x00\xff\x10\x80"), 1, 0, 0, 0, 0 },
};

/* test_b64 - the tolerant decoder and its status */
static void test_b64(void)
{
	for (size_t i = 0; i < sizeof b64_cases / sizeof b64_cases[0]; i++) {
		const struct b64_case *c = &b64_cases[i];
		struct lg_buf out = LG_BUF_INIT;
		struct lg_b64_status st;
		char name[160];
		size_t n = lg_b64_decode(c->in, c->len, &out, &st);
		snprintf(name, sizeof name, "b64 %s: bytes", c->name);
		tap_is_bytes(out.data, out.len, c->want, c->want_len, name);
		tap_ok(n == out.len && n <= lg_b64_decoded_max(c->len),
		       "b64 %s: returned length within the bound", c->name);
		tap_ok(st.clean == (c->clean != 0) && st.junk == (size_t)c->junk &&
			       st.mid_pad == (c->mid_pad != 0) && st.partial == (c->partial != 0) &&
			       st.odd_lines == (c->odd_lines != 0),
		       "b64 %s: status", c->name);
		lg_buf_free(&out);
	}
	/* appending keeps what was there */
	struct lg_buf out = LG_BUF_INIT;
	lg_buf_puts(&out, "x:");
	lg_b64_decode(B("SGk="), &out, NULL);
	tap_is_str(out.data, "x:Hi", "b64 appends to the buffer");
	lg_buf_free(&out);
	/* the line-by-line reading stops a line at junk */
	struct lg_buf lines = LG_BUF_INIT;
	lg_b64_decode_lines(B("SGVs#junk\r\nbG8=\r\n"), &lines);
	tap_is_bytes(lines.data, lines.len, B("Hello"), "b64 lines: junk ends a line's data");
	lg_buf_reset(&lines);
	lg_b64_decode_lines(B("A\r\n\r\nSGk="), &lines);
	tap_is_bytes(lines.data, lines.len, B("Hi"), "b64 lines: a stray character stays on its line");
	lg_buf_free(&lines);
}

/* ---- uuencode, yEnc, BinHex ------------------------------------------------------------------ */

static const struct uu_case {
	const char *name;
	const char *in;
	size_t len;
	size_t max_out;
	const char *want;
	size_t want_len;
	unsigned flags;
	const char *fname;
} uu_cases[] = {
	{ "valid block", B("begin 644 a.txt\n#86)C\n`\nend\n"), 100, B("abc"), LG_UU_OK, "a.txt" },
	{ "CRLF lines", B("begin 600 a.txt\r\n#86)C\r\n`\r\nend\r\n"), 100, B("abc"), LG_UU_OK, "a.txt" },
	{ "no begin line (a part declared x-uuencode)", B("#86)C\n`\nend\n"), 100, B("abc"), LG_UU_OK, "" },
	{ "truncated: no end", B("begin 644 a.txt\n#86)C\n"), 100, B("abc"), LG_UU_TRUNCATED, "a.txt" },
	{ "trailing spaces stripped", B("begin 644 z\n#`\nend\n"), 100, B("\0\0\0"), LG_UU_OK, "z" },
	{ "more characters than the length says", B("begin 644 a\n#86)C86)C86)C\nend\n"), 100, B("abc"),
	  LG_UU_BAD_LINE, "a" },
	{ "a line outside the alphabet ends the data", B("begin 644 a\n#86)C\nabc\nend\n"), 100,
	  B("abc"), LG_UU_BAD_LINE | LG_UU_TRUNCATED, "a" },
	{ "limit: max_out", B("begin 644 a\n.,#DP+3$R,S0M-38W. H \nend\n"), 4, B("090-"),
	  LG_UU_TOO_BIG, "a" },
	{ "nothing at all", B("\n\n"), 100, B(""), LG_UU_TRUNCATED | LG_UU_NO_DATA, "" },
};

/* test_uu - uuencode decoding: valid, truncated, bad lengths, limits */
static void test_uu(void)
{
	for (size_t i = 0; i < sizeof uu_cases / sizeof uu_cases[0]; i++) {
		const struct uu_case *c = &uu_cases[i];
		struct lg_buf out = LG_BUF_INIT;
		char fname[LG_UU_MAX_NAME + 1];
		char name[160];
		unsigned flags = lg_uu_decode(c->in, c->len, c->max_out, &out, fname, sizeof fname);
		snprintf(name, sizeof name, "uu %s: bytes", c->name);
		tap_is_bytes(out.data ? out.data : "", out.len, c->want, c->want_len, name);
		snprintf(name, sizeof name, "uu %s: flags", c->name);
		tap_is_long((long)flags, (long)c->flags, name);
		snprintf(name, sizeof name, "uu %s: file name", c->name);
		tap_is_str(fname, c->fname, name);
		lg_buf_free(&out);
	}
	/* a file name longer than LG_UU_MAX_NAME is cut there */
	struct lg_buf in = LG_BUF_INIT, out = LG_BUF_INIT;
	lg_buf_puts(&in, "begin 644 ");
	for (int i = 0; i < 300; i++)
		lg_buf_putc(&in, 'n');
	lg_buf_puts(&in, "\n#86)C\n`\nend\n");
	char fname[LG_UU_MAX_NAME + 1];
	lg_uu_decode(in.data, in.len, 100, &out, fname, sizeof fname);
	tap_is_long((long)strlen(fname), LG_UU_MAX_NAME, "uu: file name limited to LG_UU_MAX_NAME");
	lg_buf_free(&in);
	lg_buf_free(&out);
}

/* test_uu_find - blocks in text: found with their extent, prose is not a block */
static void test_uu_find(void)
{
	static const char text[] = "Hello\nbegin 644 f.bin\n#86)C\n`\nend\nBye\n";
	struct lg_uu_block b;
	tap_ok(lg_uu_find(B(text), 0, &b) && b.kind == LG_UU_UUENCODE, "find: a uuencoded block");
	tap_is_long((long)b.start, 6, "find: the block starts at its begin line");
	tap_is_long((long)b.end, (long)(sizeof text - 1 - 4), "find: and ends after its end line");
	tap_is_str(b.name, "f.bin", "find: with the begin line's file name");
	tap_ok(!lg_uu_find(B("begin 644 steps to success\nand more prose\n"), 0, &b),
	       "find: prose that happens to say begin is not a block");
	tap_ok(!lg_uu_find(B(text), b.end, &b), "find: nothing after the block");
	static const char ytext[] = "see\n=ybegin line=128 size=3 name=y.bin\n\x8b\x8c\x8d\n=yend size=3\n";
	tap_ok(lg_uu_find(B(ytext), 0, &b) && b.kind == LG_UU_YENC && !strcmp(b.name, "y.bin") &&
		       b.end == sizeof ytext - 1,
	       "find: a yEnc block");
	static const char htext[] = "x\n(This file must be converted with BinHex 4.0)\n:!!!:\ny\n";
	tap_ok(lg_uu_find(B(htext), 0, &b) && b.kind == LG_UU_BINHEX && b.end == sizeof htext - 3,
	       "find: a BinHex block");
}

/* test_yenc_binhex - the other two encodings */
static void test_yenc_binhex(void)
{
	struct lg_buf out = LG_BUF_INIT;
	char fname[LG_UU_MAX_NAME + 1];
	unsigned f = lg_yenc_decode(B("=ybegin line=128 size=3 name=y.bin\n\x8b\x8c\x8d\n=yend size=3\n"),
				    100, &out, fname, sizeof fname);
	tap_ok(f == LG_UU_OK && out.len == 3 && !memcmp(out.data, "abc", 3) && !strcmp(fname, "y.bin"),
	       "yEnc: decoded, name kept");
	lg_buf_reset(&out);
	/* an escaped byte: '=' then the byte plus 64 */
	f = lg_yenc_decode(B("=ybegin size=1 name=e\n=}\n=yend size=1\n"), 100, &out, fname,
			   sizeof fname);
	tap_ok(f == LG_UU_OK && out.len == 1 && out.data[0] == (char)('=' - 42),
	       "yEnc: escapes decoded");
	lg_buf_reset(&out);
	f = lg_yenc_decode(B("=ybegin size=5 name=y\n\x8b\x8c\x8d\n=yend size=5\n"), 100, &out, fname,
			   sizeof fname);
	tap_is_long((long)f, LG_UU_BAD_CHECK, "yEnc: a size that disagrees is flagged");
	lg_buf_reset(&out);
	f = lg_yenc_decode(B("=ybegin part=1 total=2 size=9 name=y\n=ypart begin=1 end=3\n\x8b\x8c\x8d\n=yend size=3\n"),
			   100, &out, fname, sizeof fname);
	tap_ok((f & LG_UU_PARTIAL) && !(f & LG_UU_BAD_CHECK), "yEnc: one part of several is flagged");
	lg_buf_reset(&out);
	static const char hqx[] = "(This file must be converted with BinHex 4.0)\n"
		":\"h4PE#jdH(3!9%9B9(4dH(3!!!!!!!i!!!!!mlF`16!Y-6)c0#de0MFi#L*2!!!:\n";
	f = lg_binhex_decode(B(hqx), 100, &out, fname, sizeof fname);
	tap_ok(f == LG_UU_OK && !strcmp(fname, "tel.txt"), "BinHex: valid, name kept");
	tap_is_bytes(out.data, out.len, B("090-1234-5678\n"), "BinHex: data fork decoded");
	lg_buf_reset(&out);
	char bad[sizeof hqx];
	memcpy(bad, hqx, sizeof hqx);
	bad[60] = bad[60] == 'A' ? 'B' : 'A';
	f = lg_binhex_decode(bad, sizeof bad - 1, 100, &out, fname, sizeof fname);
	tap_ok(f & LG_UU_BAD_CHECK, "BinHex: a damaged file fails its CRC");
	lg_buf_free(&out);
}

/* ---- lg_mime_walk -------------------------------------------------------------------------- */

/* One leaf as the walk handed it on (copied). */
struct got_leaf {
	char *path, *ctype, *filename, *data, *error, *ambiguous;
	size_t len;
	bool attachment, top_body;
};

struct got {
	struct got_leaf leaves[32];
	size_t n;
};

/* dupn - a copy of n bytes (NULs included, NUL-terminated) or NULL */
static char *dupn(const char *s, size_t n)
{
	if (!s)
		return NULL;
	char *d = lg_malloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* on_leaf - keep a copy of every leaf */
static int on_leaf(void *arg, const struct lg_mime_leaf *l)
{
	struct got *g = arg;
	if (g->n == sizeof g->leaves / sizeof g->leaves[0])
		return 1;
	struct got_leaf *c = &g->leaves[g->n++];
	c->path = dupn(l->path, strlen(l->path));
	c->ctype = dupn(l->content_type, l->content_type ? strlen(l->content_type) : 0);
	c->filename = l->filename ? dupn(l->filename, strlen(l->filename)) : NULL;
	c->data = l->data ? dupn(l->data, l->len) : NULL;
	c->len = l->len;
	c->error = l->error ? dupn(l->error, strlen(l->error)) : NULL;
	c->ambiguous = l->ambiguous ? dupn(l->ambiguous, strlen(l->ambiguous)) : NULL;
	c->attachment = l->attachment;
	c->top_body = l->top_body;
	return 0;
}

/* got_free - release the copies */
static void got_free(struct got *g)
{
	for (size_t i = 0; i < g->n; i++) {
		struct got_leaf *c = &g->leaves[i];
		free(c->path);
		free(c->ctype);
		free(c->filename);
		free(c->data);
		free(c->error);
		free(c->ambiguous);
	}
	g->n = 0;
}

static const struct lg_mime_limits lim = { .depth = 20, .parts = 1000, .part_size = 1u << 20 };

/* walk - run lg_mime_walk on a message; returns the leaf count */
static long walk(const char *msg, const struct lg_mime_limits *l, struct got *g)
{
	char err[128];
	*g = (struct got){ .n = 0 };
	return lg_mime_walk(msg, strlen(msg), l, on_leaf, g, NULL, err, sizeof err);
}

/* find - the leaf with this path, or NULL */
static const struct got_leaf *find(const struct got *g, const char *path)
{
	for (size_t i = 0; i < g->n; i++)
		if (!strcmp(g->leaves[i].path, path))
			return &g->leaves[i];
	return NULL;
}

/* any_flag - whether any leaf is ambiguous or in error */
static bool any_flag(const struct got *g)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->leaves[i].ambiguous || g->leaves[i].error)
			return true;
	return false;
}

#define HDR "From: a@example.jp\r\nTo: b@example.com\r\nMIME-Version: 1.0\r\n"
#define MIXED HDR "Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n"

/* test_walk_basic - paths, attachment flags, body flags, nested messages, clean readings */
static void test_walk_basic(void)
{
	struct got g;
	long n = walk(MIXED "preamble\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
			    "body 090-1234-5678\r\n"
			    "--XX\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename=\"a.csv\"\r\n"
			    "Content-Transfer-Encoding: base64\r\n\r\nYSxiCjEsMgo=\r\n"
			    "--XX\r\nContent-Type: message/rfc822\r\n\r\n"
			    "From: c@example.jp\r\nContent-Type: multipart/alternative; boundary=YY\r\n\r\n"
			    "--YY\r\nContent-Type: text/plain\r\n\r\ninner text\r\n"
			    "--YY\r\nContent-Type: text/html\r\n\r\n<p>inner</p>\r\n--YY--\r\n"
			    "--XX--\r\n",
		      &lim, &g);
	tap_is_long(n, 4, "walk: four leaves");
	const struct got_leaf *l1 = find(&g, "1"), *l2 = find(&g, "2"), *l31 = find(&g, "3.1"),
			      *l32 = find(&g, "3.2");
	tap_ok(l1 && !l1->attachment && l1->top_body && l1->data &&
		       !strcmp(l1->data, "body 090-1234-5678"),
	       "walk: path 1 is the top body");
	tap_ok(l2 && l2->attachment && !l2->top_body && l2->filename &&
		       !strcmp(l2->filename, "a.csv") && l2->data && !strcmp(l2->data, "a,b\n1,2\n"),
	       "walk: path 2 is the decoded attachment");
	tap_ok(l31 && !l31->top_body && l31->data && !strcmp(l31->data, "inner text") && l32 &&
		       !strcmp(l32->ctype, "text/html"),
	       "walk: a forwarded message's parts are 3.1 and 3.2, not top bodies");
	tap_ok(!any_flag(&g), "walk: a well-formed message has nothing ambiguous");
	got_free(&g);

	n = walk(HDR "Subject: plain\r\n\r\nno MIME at all\r\n", &lim, &g);
	tap_ok(n == 1 && g.leaves[0].top_body && !strcmp(g.leaves[0].ctype, "text/plain") &&
		       !any_flag(&g),
	       "walk: a message without MIME is one text body");
	got_free(&g);

	n = walk(MIXED "This is a multi-part message with no parts.\r\n--XX--\r\nepilogue\r\n", &lim, &g);
	tap_is_long(n, 0, "walk: a multipart with only a preamble, as declared, has no leaves");
	got_free(&g);
}

/* test_walk_encodings - CTE conflicts and oddities, QP soft breaks, gzip64, encoded messages */
static void test_walk_encodings(void)
{
	struct got g;
	walk(MIXED "--XX\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n"
		   "Content-Transfer-Encoding: base64\r\n\r\nMDkwLTEyMzQtNTY3OAo=\r\n--XX--\r\n",
	     &lim, &g);
	const struct got_leaf *l = find(&g, "1");
	tap_ok(l && l->ambiguous && !strcmp(l->ambiguous, "cte-conflict"),
	       "CTE: two different headers are cte-conflict");
	tap_ok(l && l->data && !strcmp(l->data, "090-1234-5678\n"),
	       "CTE: and the body decides (base64 here)");
	got_free(&g);

	walk(MIXED "--XX\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64 (a comment)\r\n\r\n"
		   "MDkwLTEyMzQtNTY3OAo=\r\n--XX--\r\n",
	     &lim, &g);
	l = find(&g, "1");
	tap_ok(l && !l->ambiguous && l->data && !strcmp(l->data, "090-1234-5678\n"),
	       "CTE: a comment after the name is allowed, not ambiguous");
	got_free(&g);

	walk(MIXED "--XX\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: x-base64\r\n\r\n"
		   "MDkwLTEyMzQtNTY3OAo=\r\n--XX--\r\n",
	     &lim, &g);
	l = find(&g, "1");
	tap_ok(l && l->ambiguous && !strcmp(l->ambiguous, "cte-unknown") && l->data &&
		       !strcmp(l->data, "090-1234-5678\n"),
	       "CTE: an unknown name is cte-unknown, a base64 body still decoded");
	got_free(&g);

	walk(HDR "Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
		 "tel 090-12=\r\n34-5678, fax 03-1234=  \r\n-5678 =E3=81=82\r\n",
	     &lim, &g);
	l = find(&g, "1");
	tap_ok(l && l->data && !strcmp(l->data, "tel 090-1234-5678, fax 03-1234-5678 \xE3\x81\x82\r\n"),
	       "QP: soft breaks inside numbers, also with blanks after '='");
	tap_ok(l && !l->ambiguous, "QP: valid quoted-printable is not ambiguous");
	got_free(&g);

	walk(HDR "Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
		 "090=XX-1234=e3\r\n",
	     &lim, &g);
	l = find(&g, "1");
	tap_ok(l && l->data && !strcmp(l->data, "090=XX-1234\xE3\r\n") && l->ambiguous &&
		       !strcmp(l->ambiguous, "qp-junk"),
	       "QP: invalid and lower-case escapes are kept/decoded and flagged qp-junk");
	got_free(&g);

	walk(HDR "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
		 "SGVsbG8=SGVsbG8=\r\n",
	     &lim, &g);
	l = find(&g, "1");
	tap_ok(l && l->data && !strcmp(l->data, "HelloHello") && l->ambiguous &&
		       !strcmp(l->ambiguous, "base64-junk"),
	       "base64: decoded past '=' (GMime stops there) and flagged base64-junk");
	got_free(&g);

	walk(HDR "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
		 "MDkwLTEyMzQtNTY3OAo\r\n",
	     &lim, &g);
	l = find(&g, "1");
	tap_ok(l && l->data && !strcmp(l->data, "090-1234-5678\n") && !l->ambiguous,
	       "base64: a missing final padding is read whole and not flagged");
	got_free(&g);

	walk(HDR "Content-Type: application/octet-stream; name=t.txt\r\nContent-Transfer-Encoding: gzip64\r\n\r\n"
		 "H4sIAAAAAAACAzOwNNA1NDI20TU1M7fgAgB+2uWiDgAAAA==\r\n",
	     &lim, &g);
	l = find(&g, "1");
	tap_ok(l && l->data && !strcmp(l->data, "090-1234-5678\n") && !l->ambiguous,
	       "gzip64: base64 then gunzip");
	got_free(&g);

	walk(MIXED "--XX\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
		   "Q29udGVudC1UeXBlOiB0ZXh0L3BsYWluDQoNCjA5MC0xMjM0LTU2NzgNCg==\r\n--XX--\r\n",
	     &lim, &g);
	l = find(&g, "1");
	tap_ok(l && l->data && !strcmp(l->data, "090-1234-5678\r\n") && !l->top_body,
	       "message/rfc822 sent as base64: decoded, then walked as a message");
	got_free(&g);
}

/* test_walk_blocks - uuencode/yEnc/BinHex in bodies and as part encodings */
static void test_walk_blocks(void)
{
	struct got g;
	long n = walk(HDR "Subject: uu\r\n\r\nHere it is:\r\nbegin 644 tel.txt\r\n"
			  ".,#DP+3$R,S0M-38W. H \r\n`\r\nend\r\nBye\r\n",
		      &lim, &g);
	tap_is_long(n, 2, "uu in a body: two leaves");
	const struct got_leaf *t = find(&g, "1"), *u = find(&g, "1.uu1");
	tap_ok(t && t->data && !strcmp(t->data, "Here it is:\r\nBye\r\n") && t->top_body,
	       "uu in a body: the text leaf without the block");
	tap_ok(u && u->attachment && u->filename && !strcmp(u->filename, "tel.txt") &&
		       !strcmp(u->ctype, "application/octet-stream") && u->data &&
		       !strcmp(u->data, "090-1234-5678\n") && !u->ambiguous,
	       "uu in a body: leaf 1.uu1 with the file's bytes and name");
	got_free(&g);

	walk(HDR "Subject: uu\r\n\r\nbegin 644 tel.txt\r\n.,#DP+3$R,S0M-38W. H \r\n", &lim, &g);
	u = find(&g, "1.uu1");
	tap_ok(u && u->data && !strcmp(u->data, "090-1234-5678\n") && u->ambiguous &&
		       !strcmp(u->ambiguous, "uuencode"),
	       "uu in a body without end: decoded and flagged uuencode");
	got_free(&g);

	walk(MIXED "--XX\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\n"
		   "begin 600 tel.txt\r\n.,#DP+3$R,S0M-38W. H \r\n`\r\nend\r\n--XX--\r\n",
	     &lim, &g);
	u = find(&g, "1");
	tap_ok(u && u->data && !strcmp(u->data, "090-1234-5678\n") && u->filename &&
		       !strcmp(u->filename, "tel.txt") && u->attachment && !u->ambiguous,
	       "CTE x-uuencode: the part decoded, named by its begin line");
	got_free(&g);

	n = walk(HDR "Subject: y\r\n\r\nfile:\r\n=ybegin line=128 size=3 name=y.bin\r\n\x8b\x8c\x8d\r\n=yend size=3\r\n",
		 &lim, &g);
	u = find(&g, "1.yenc1");
	tap_ok(n == 2 && u && u->data && !strcmp(u->data, "abc") && !strcmp(u->filename, "y.bin"),
	       "yEnc in a body: leaf 1.yenc1");
	got_free(&g);

	walk(HDR "Subject: h\r\n\r\n(This file must be converted with BinHex 4.0)\r\n"
		 ":\"h4PE#jdH(3!9%9B9(4dH(3!!!!!!!i!!!!!mlF`16!Y-6)c0#de0MFi#L*2!!!:\r\n",
	     &lim, &g);
	u = find(&g, "1.hqx1");
	tap_ok(u && u->data && !strcmp(u->data, "090-1234-5678\n") && !strcmp(u->filename, "tel.txt"),
	       "BinHex in a body: leaf 1.hqx1");
	got_free(&g);
}

/* test_walk_names - RFC 2231 continuations and RFC 2047 Japanese file names */
static void test_walk_names(void)
{
	struct got g;
	walk(MIXED "--XX\r\nContent-Type: text/csv\r\nContent-Disposition: attachment;\r\n"
		   " filename*0*=UTF-8''%E5%8F%82%E5%8A%A0;\r\n filename*1*=%E8%80%85%E5%90%8D%E7%B0%BF.csv\r\n\r\n"
		   "a,b\r\n--XX\r\nContent-Type: text/csv; name=\"=?ISO-2022-JP?B?GyRCTD5KbRsoQi5jc3Y=?=\"\r\n\r\n"
		   "c,d\r\n--XX\r\nContent-Type: text/csv\r\n"
		   "Content-Disposition: attachment; filename=\"=?Shift_JIS?B?lryV6y5jc3Y=?=\"\r\n\r\n"
		   "e,f\r\n--XX--\r\n",
	     &lim, &g);
	const struct got_leaf *a = find(&g, "1"), *b = find(&g, "2"), *c = find(&g, "3");
	tap_ok(a && a->filename && !strcmp(a->filename, "参加者名簿.csv") && a->attachment,
	       "file name: RFC 2231 continuations decoded");
	tap_ok(b && b->filename && !strcmp(b->filename, "名簿.csv") && b->attachment,
	       "file name: RFC 2047 ISO-2022-JP decoded (a named part is an attachment)");
	tap_ok(c && c->filename && !strcmp(c->filename, "名簿.csv"),
	       "file name: RFC 2047 Shift_JIS decoded");
	got_free(&g);
}

/* test_walk_raw_reading - what GMime's reading misses and the raw reading finds */
static void test_walk_raw_reading(void)
{
	struct got g;
	/* the declared boundary is not the one used: GMime sees no part at all */
	walk(HDR "Content-Type: multipart/mixed; boundary=\"declared\"\r\n\r\n"
		 "--used\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
		 "--used\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
		 "MDkwLTEyMzQtNTY3OAo=\r\n--used--\r\n",
	     &lim, &g);
	const struct got_leaf *p = find(&g, "1");
	tap_ok(p && p->ambiguous && !strcmp(p->ambiguous, "boundary") && p->data &&
		       strstr(p->data, "--used"),
	       "boundary: the multipart's body, as a client shows it, flagged boundary");
	bool found = false;
	for (size_t i = 0; i < g.n; i++)
		if (!strncmp(g.leaves[i].path, "raw.", 4) && g.leaves[i].data &&
		    !strcmp(g.leaves[i].data, "090-1234-5678\n") && g.leaves[i].ambiguous &&
		    !strcmp(g.leaves[i].ambiguous, "boundary"))
			found = true;
	tap_ok(found, "boundary: the raw reading decodes the hidden part (raw.N, flagged boundary)");
	got_free(&g);

	/* a junk line after the headers: GMime drops the body into the header */
	walk(MIXED "--XX\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
		   " \r\nMDkwLTEy\r\nMzQtNTY3OAo=\r\n\r\n--XX--\r\n",
	     &lim, &g);
	found = false;
	for (size_t i = 0; i < g.n; i++)
		if (!strncmp(g.leaves[i].path, "raw.", 4) && g.leaves[i].data &&
		    !strcmp(g.leaves[i].data, "090-1234-5678\n") && g.leaves[i].ambiguous &&
		    !strcmp(g.leaves[i].ambiguous, "header"))
			found = true;
	tap_ok(found, "header: a body GMime takes for header lines is decoded, flagged header");
	got_free(&g);

	/* a bare CR hides the Content-Type from GMime */
	walk(HDR "X-Foo: bar\rContent-Type: multipart/mixed; boundary=XX\r\n\r\n"
		 "--XX\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
		 "MDkwLTEyMzQtNTY3OAo=\r\n--XX--\r\n",
	     &lim, &g);
	found = false;
	for (size_t i = 0; i < g.n; i++)
		if (g.leaves[i].data && !strcmp(g.leaves[i].data, "090-1234-5678\n") &&
		    g.leaves[i].ambiguous)
			found = true;
	tap_ok(found, "bare CR: the part GMime does not see is decoded and flagged");
	got_free(&g);
}

/* test_walk_limits - named limits, and GMime is not handed what would make it slow */
static void test_walk_limits(void)
{
	struct got g;
	struct lg_mime_limits small = { .depth = 3, .parts = 5, .part_size = 10 };
	walk(HDR "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
		 "MDkwLTEyMzQtNTY3OAo=\r\n",
	     &small, &g);
	tap_ok(g.n == 1 && g.leaves[0].error && !strcmp(g.leaves[0].error, "limit:part_size") &&
		       !g.leaves[0].data,
	       "limit: part_size");
	got_free(&g);

	struct lg_buf b = LG_BUF_INIT;
	lg_buf_puts(&b, MIXED);
	for (int i = 0; i < 10; i++)
		lg_buf_puts(&b, "--XX\r\nContent-Type: text/plain\r\n\r\nx\r\n");
	lg_buf_puts(&b, "--XX--\r\n");
	walk(b.data, &small, &g);
	tap_ok(g.n >= 1 && g.leaves[g.n - 1].error && !strcmp(g.leaves[g.n - 1].error, "limit:parts") &&
		       g.n <= 6,
	       "limit: parts (%zu leaves)", g.n);
	got_free(&g);

	lg_buf_reset(&b);
	for (int i = 0; i < 6; i++)
		lg_buf_puts(&b, "From: a@example.jp\r\nContent-Type: message/rfc822\r\n\r\n");
	lg_buf_puts(&b, "From: a@example.jp\r\n\r\n090-1234-5678\r\n");
	walk(b.data, &small, &g);
	tap_ok(g.n == 1 && g.leaves[0].error && !strcmp(g.leaves[0].error, "limit:depth"),
	       "limit: depth of message/rfc822");
	got_free(&g);

	/* 2,000 nested multiparts: refused before GMime parses them */
	lg_buf_reset(&b);
	lg_buf_puts(&b, HDR);
	for (int i = 0; i < 2000; i++)
		lg_buf_printf(&b, "Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n", i, i);
	lg_buf_puts(&b, "Content-Type: text/plain\r\n\r\nx\r\n");
	walk(b.data, &lim, &g);
	tap_ok(g.n == 1 && g.leaves[0].error && !strcmp(g.leaves[0].error, "limit:depth"),
	       "guard: 2,000 nested multiparts are limit:depth without a GMime parse");
	got_free(&g);

	/* 20,000 parts against limits.parts 1000: refused before GMime parses them */
	lg_buf_reset(&b);
	lg_buf_puts(&b, MIXED);
	for (int i = 0; i < 20000; i++)
		lg_buf_puts(&b, "--XX\r\nContent-Type: text/plain\r\n\r\nx\r\n");
	lg_buf_puts(&b, "--XX--\r\n");
	walk(b.data, &lim, &g);
	tap_ok(g.n == 1 && g.leaves[0].error && !strcmp(g.leaves[0].error, "limit:parts"),
	       "guard: 20,000 parts are limit:parts without a GMime parse");
	got_free(&g);
	lg_buf_free(&b);

	char err[64] = "";
	tap_is_long(lg_mime_walk("", 0, &lim, on_leaf, &g, NULL, err, sizeof err), -1,
		    "an empty input is not a message");
	tap_is_str(err, "not a MIME message", "and says so");
}

/* test_addrs - the outermost addresses */
static void test_addrs(void)
{
	struct lg_mime_addrs a;
	char err[64];
	struct got g = { .n = 0 };
	const char *msg = "From: A <A@Example.JP>\r\nTo: b@example.com, G: c@EXAMPLE.com;\r\n"
			  "Cc: d@example.org\r\nBcc: e@example.net\r\n\r\nx\r\n";
	lg_mime_walk(msg, strlen(msg), &lim, on_leaf, &g, &a, err, sizeof err);
	tap_ok(a.nfrom == 1 && !strcmp(a.from[0], "A@example.jp"), "addrs: From, domain lower-cased");
	tap_ok(a.nto_cc == 3 && !strcmp(a.to_cc[1], "c@example.com"), "addrs: To with a group, and Cc");
	tap_ok(a.nbcc == 1, "addrs: Bcc");
	lg_mime_addrs_free(&a);
	got_free(&g);
}

/* main - the decoders, then the walk */
/* test_forwarded_headers - with nested_headers, an attached message's address headers become a
 * text leaf "PATH.headers" (names decoded); the outermost message's only with own_headers */
static void test_forwarded_headers(void)
{
	static const char msg[] =
		MIXED "--XX\r\nContent-Type: text/plain\r\n\r\nsee below\r\n"
		"--XX\r\nContent-Type: message/rfc822\r\n\r\n"
		"From: =?UTF-8?B?5bGx55Sw?= <yamada@example.jp>\r\n"
		"To: a@example.com, b@example.com\r\nCc: c@example.net\r\n"
		"Subject: list\r\n\r\nbody\r\n--XX--\r\n";
	struct got g;
	struct lg_mime_limits l = lim;
	walk(msg, &l, &g);
	tap_ok(find(&g, "2.headers") == NULL, "forwarded headers: none unless asked for");
	got_free(&g);
	l.nested_headers = true;
	walk(msg, &l, &g);
	const struct got_leaf *h = find(&g, "2.headers");
	tap_is_str(h ? h->data : NULL,
		   "From: 山田 <yamada@example.jp>\nTo: a@example.com, b@example.com\n"
		   "Cc: c@example.net\n",
		   "forwarded headers: From, To and Cc of the attached message, names decoded");
	tap_ok(h && !strcmp(h->ctype, "text/plain") && !h->top_body,
	       "forwarded headers: a text/plain leaf, not a body of this message");
	tap_ok(find(&g, "headers") == NULL && find(&g, "1.headers") == NULL,
	       "forwarded headers: not the outermost message's own");
	got_free(&g);
	l.own_headers = true;
	walk(msg, &l, &g);
	bool own = false;
	for (size_t i = 0; i < g.n; i++)
		own = own || (strstr(g.leaves[i].path, "headers") && g.leaves[i].data &&
			      strstr(g.leaves[i].data, "From: a@example.jp\nTo: b@example.com\n"));
	tap_ok(own, "own_headers: the message's own From/To as a leaf too");
	got_free(&g);
}

int main(void)
{
	g_mime_init();
	test_b64();
	test_uu();
	test_uu_find();
	test_yenc_binhex();
	test_walk_basic();
	test_walk_encodings();
	test_walk_blocks();
	test_walk_names();
	test_walk_raw_reading();
	test_walk_limits();
	test_addrs();
	test_forwarded_headers();
	return tap_done();
}
