/* test_archive.c - lg_archive_walk over the fixtures in tests/fixtures/archive (zip, tar, gzip,
 * bzip2, xz, 7z, encrypted, CP932 names, a bomb, a truncated zip), its limits, garbage input,
 * and lg_ex_is_encrypted_office. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "content/extract.h"
#include "content/utf8.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "tests/unit/ex_collect.h"
#include "tests/unit/tap.h"

#define MAX_SEEN 16
#define B(s) s, sizeof(s) - 1	/* a byte-string literal and its length */

/* What the walk handed over, copied out of the callback. */
struct seen {
	size_t n;		/* members seen (all of them, even past MAX_SEEN) */
	char *name[MAX_SEEN];
	char *data[MAX_SEEN];	/* NULL when the member came without data */
	size_t len[MAX_SEEN];
	bool encrypted[MAX_SEEN];
	const char *reason[MAX_SEEN];	/* static strings from the walker */
	bool bad;		/* the contract was broken: name not UTF-8, data without length... */
	size_t stop_after;	/* return non-zero after this many members (0: never) */
};

/* on_member - callback: record one member */
static int on_member(void *arg, const struct lg_ex_member *m)
{
	struct seen *s = arg;
	size_t i = s->n++;

	if (!m->name || !lg_utf8_is_valid(m->name, strlen(m->name)))
		s->bad = true;
	if (!m->data && !m->reason)
		s->bad = true;
	if (m->encrypted && m->data)
		s->bad = true;
	if (i < MAX_SEEN) {
		s->name[i] = lg_strdup(m->name ? m->name : "(null)");
		s->data[i] = NULL;
		if (m->data) {	/* binary: NULs inside */
			s->data[i] = lg_malloc(m->len + 1);
			memcpy(s->data[i], m->data, m->len);
			s->data[i][m->len] = '\0';
		}
		s->len[i] = m->len;
		s->encrypted[i] = m->encrypted;
		s->reason[i] = m->reason;
	}
	return s->stop_after && s->n >= s->stop_after;
}

/* seen_free - release the copies */
static void seen_free(struct seen *s)
{
	for (size_t i = 0; i < s->n && i < MAX_SEEN; i++) {
		free(s->name[i]);
		free(s->data[i]);
	}
	memset(s, 0, sizeof *s);
}

/* walk_file - walk a fixture; false (one failed test point) when it cannot be read */
static bool walk_file(const char *file, const struct lg_ex_limits *lim, struct seen *s,
		      struct lg_ex_result *r)
{
	struct lg_buf b = LG_BUF_INIT;
	if (ex_slurp("archive", file, &b) < 0) {
		tap_ok(0, "%s: fixture readable", file);
		lg_buf_free(&b);
		return false;
	}
	memset(r, 0, sizeof *r);
	lg_archive_walk(b.data, b.len, lim, on_member, s, r);
	lg_buf_free(&b);
	return true;
}

static const char *const status_names[] = { "OK", "UNSUPPORTED", "ENCRYPTED", "CORRUPT",
					     "LIMIT", "STOPPED" };

/* The CSV and the note every contacts.* archive holds (see contrib/gen-archive-fixtures.sh). */
static const char contacts_csv[] =
	"氏名,電話番号,メールアドレス\n"
	"山田 太郎,090-1234-5678,taro.yamada@example.com\n"
	"佐藤 花子,080-2345-6789,hanako.sato@example.net\n"
	"鈴木 一郎,03-5555-0123,ichiro.suzuki@example.org\n";
static const char note_txt[] = "防災研修会の参加者名簿です。取り扱いに注意してください。\n";

struct want_member {
	const char *name;
	const char *data;	/* exact contents, or NULL when no data is expected */
	const char *reason;	/* NULL when data is expected */
	bool encrypted;
};

struct archive_case {
	const char *file;
	enum lg_ex_status status;
	const char *reason;	/* r.reason */
	size_t n;		/* members handed over */
	struct want_member m[3];
};

static const struct archive_case cases[] = {
	{ "contacts.zip", LG_EX_OK, "", 2,
	  { { "contacts.csv", contacts_csv, NULL, false },
	    { "docs/note.txt", note_txt, NULL, false } } },
	/* libarchive answers ARCHIVE_WARN "ZIP bad CRC" before handing the bytes out */
	{ "badcrc.zip", LG_EX_OK, "", 2,
	  { { "contacts.csv", contacts_csv, NULL, false },
	    { "docs/note.txt", note_txt, NULL, false } } },
	{ "contacts.tar", LG_EX_OK, "", 2,	/* the docs/ directory entry is skipped */
	  { { "contacts.csv", contacts_csv, NULL, false },
	    { "docs/note.txt", note_txt, NULL, false } } },
	{ "contacts.tar.gz", LG_EX_OK, "", 2,
	  { { "contacts.csv", contacts_csv, NULL, false },
	    { "docs/note.txt", note_txt, NULL, false } } },
	{ "contacts.tar.xz", LG_EX_OK, "", 2,
	  { { "contacts.csv", contacts_csv, NULL, false },
	    { "docs/note.txt", note_txt, NULL, false } } },
	{ "contacts.7z", LG_EX_OK, "", 2,
	  { { "contacts.csv", contacts_csv, NULL, false },
	    { "docs/note.txt", note_txt, NULL, false } } },
	/* one compressed file: gzip's header keeps the original name, bzip2 and xz have none */
	{ "contacts.csv.gz", LG_EX_OK, "", 1, { { "contacts.csv", contacts_csv, NULL, false } } },
	{ "contacts.csv.bz2", LG_EX_OK, "", 1, { { "data", contacts_csv, NULL, false } } },
	{ "contacts.csv.xz", LG_EX_OK, "", 1, { { "data", contacts_csv, NULL, false } } },
	{ "cp932-names.zip", LG_EX_OK, "", 2,
	  { { "名簿.csv", "氏名,電話番号\n山田 太郎,090-1234-5678\n", NULL, false },
	    { "資料/①説明.txt", "機種依存文字①を含む名前\n", NULL, false } } },
	{ "utf8-names.zip", LG_EX_OK, "", 1,
	  { { "会員名簿/会員名簿.csv", "氏名,電話番号\n山田 太郎,090-1234-5678\n", NULL, false } } },
	/* encrypted: every member listed without data */
	{ "zipcrypto.zip", LG_EX_ENCRYPTED, "encrypted", 2,
	  { { "contacts.csv", NULL, "encrypted", true },
	    { "docs/note.txt", NULL, "encrypted", true } } },
	{ "aes.zip", LG_EX_ENCRYPTED, "encrypted", 2,
	  { { "contacts.csv", NULL, "encrypted", true },
	    { "docs/note.txt", NULL, "encrypted", true } } },
	{ "aes.7z", LG_EX_ENCRYPTED, "encrypted", 2,
	  { { "contacts.csv", NULL, "encrypted", true },
	    { "docs/note.txt", NULL, "encrypted", true } } },
	{ "aes-headers.7z", LG_EX_ENCRYPTED, "encrypted", 0, { { NULL, NULL, NULL, false } } },
	/* cut inside the third member: the first two are still delivered */
	{ "truncated.zip", LG_EX_CORRUPT, "corrupt", 3,
	  { { "contacts.csv", contacts_csv, NULL, false },
	    { "note.txt", note_txt, NULL, false },
	    { "random.bin", NULL, "corrupt", false } } },
	/* OLE2 files are no archives */
	{ "encrypted.xlsx", LG_EX_UNSUPPORTED, "unsupported", 0, { { NULL, NULL, NULL, false } } },
	{ "note.doc", LG_EX_UNSUPPORTED, "unsupported", 0, { { NULL, NULL, NULL, false } } },
};

/* check_case - one fixture against its expectations */
static void check_case(const struct archive_case *c)
{
	struct lg_ex_limits lim = ex_default_limits();
	struct seen s = { 0 };
	struct lg_ex_result r;
	char what[160];

	if (!walk_file(c->file, &lim, &s, &r))
		return;
	snprintf(what, sizeof what, "%s: status %s", c->file, status_names[c->status]);
	if (!tap_is_long(r.status, c->status, what))
		tap_diag("reason [%s] detail [%s]", r.reason, r.detail);
	snprintf(what, sizeof what, "%s: reason", c->file);
	tap_is_str(r.reason, c->reason, what);
	snprintf(what, sizeof what, "%s: %zu members", c->file, c->n);
	tap_is_long((long)s.n, (long)c->n, what);
	tap_ok(!s.bad, "%s: callback contract kept", c->file);
	for (size_t i = 0; i < c->n && i < s.n && i < MAX_SEEN; i++) {
		const struct want_member *w = &c->m[i];
		snprintf(what, sizeof what, "%s: member %zu name", c->file, i);
		tap_is_str(s.name[i], w->name, what);
		snprintf(what, sizeof what, "%s: %s contents", c->file, w->name);
		if (w->data)
			tap_ok(s.data[i] && s.len[i] == strlen(w->data) &&
				       memcmp(s.data[i], w->data, s.len[i]) == 0, "%s", what);
		else
			tap_ok(!s.data[i], "%s: %s has no data", c->file, w->name);
		snprintf(what, sizeof what, "%s: %s reason", c->file, w->name);
		tap_is_str(s.reason[i], w->reason, what);
		tap_ok(s.encrypted[i] == w->encrypted, "%s: %s encrypted=%d", c->file, w->name,
		       w->encrypted);
	}
	seen_free(&s);
}

/* test_nested - nested.zip: the inner zip comes out whole, and the caller can walk it too */
static void test_nested(void)
{
	struct lg_ex_limits lim = ex_default_limits();
	struct seen s = { 0 }, inner = { 0 };
	struct lg_ex_result r, r2 = { 0 };

	if (!walk_file("nested.zip", &lim, &s, &r))
		return;
	tap_is_long(r.status, LG_EX_OK, "nested.zip: OK");
	tap_is_long((long)s.n, 2, "nested.zip: 2 members (no recursion by the walker)");
	if (s.n == 2) {
		tap_is_str(s.name[0], "contacts.zip", "nested.zip: the inner zip by name");
		tap_is_str(s.name[1], "message.eml", "nested.zip: the message file");
		tap_ok(s.data[1] && strstr(s.data[1], "名簿を添付します。"), "nested.zip: message text");
		tap_ok(s.data[0] && s.len[0] > 4 && memcmp(s.data[0], "PK\3\4", 4) == 0,
		       "nested.zip: inner zip bytes");
		if (s.data[0])
			lg_archive_walk(s.data[0], s.len[0], &lim, on_member, &inner, &r2);
		tap_is_long(r2.status, LG_EX_OK, "nested.zip: inner walk OK");
		tap_is_long((long)inner.n, 2, "nested.zip: inner walk 2 members");
		tap_ok(inner.n == 2 && strcmp(inner.data[0], contacts_csv) == 0,
		       "nested.zip: inner contacts.csv contents");
	}
	seen_free(&inner);
	seen_free(&s);
}

/* peak_rss_kb - the process's peak resident set so far */
static long peak_rss_kb(void)
{
	struct rusage ru;
	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

/* test_bomb - bomb.zip (50 MB of zeros in about 50 KB) stops early on either limit */
static void test_bomb(void)
{
	struct {
		const char *what;
		size_t member_size;
		unsigned ratio;
		const char *reason;	/* the walk's and the member's */
	} runs[] = {
		{ "ratio 100", 25u << 20, 100, "limit:archive_ratio" },
		{ "member_size 1M", 1u << 20, 10000, "limit:member_size" },
	};
	for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
		struct lg_ex_limits lim = ex_default_limits();
		struct seen s = { 0 };
		struct lg_ex_result r;
		char what[128];

		lim.member_size = runs[i].member_size;
		lim.ratio = runs[i].ratio;
		int64_t t0 = lg_ex_now_ms();
		if (!walk_file("bomb.zip", &lim, &s, &r))
			return;
		int64_t ms = lg_ex_now_ms() - t0;
		snprintf(what, sizeof what, "bomb.zip %s: LIMIT", runs[i].what);
		tap_is_long(r.status, LG_EX_LIMIT, what);
		snprintf(what, sizeof what, "bomb.zip %s: walk reason", runs[i].what);
		tap_is_str(r.reason, runs[i].reason, what);
		tap_ok(s.n == 1 && !s.data[0], "bomb.zip %s: zeros.bin listed without data",
		       runs[i].what);
		snprintf(what, sizeof what, "bomb.zip %s: member reason", runs[i].what);
		tap_is_str(s.n ? s.reason[0] : NULL, runs[i].reason, what);
		tap_ok(ms < 3000, "bomb.zip %s: stops quickly", runs[i].what);
		tap_diag("bomb.zip %s: %lld ms, %s, peak RSS %ld KB", runs[i].what, (long long)ms,
			 r.detail, peak_rss_kb());
		seen_free(&s);
	}
}

/* test_limits - member_size at the edge, archive_members, the clock, the callback's stop */
static void test_limits(void)
{
	struct lg_ex_limits lim = ex_default_limits();
	struct seen s = { 0 };
	struct lg_ex_result r;
	size_t csv_len = strlen(contacts_csv);

	lim.member_size = csv_len;	/* exactly fits */
	if (walk_file("contacts.zip", &lim, &s, &r)) {
		tap_is_long(r.status, LG_EX_OK, "member_size == size: OK");
		tap_ok(s.n == 2 && s.data[0] && s.len[0] == csv_len, "member_size == size: data");
	}
	seen_free(&s);

	lim.member_size = csv_len - 1;
	if (walk_file("contacts.zip", &lim, &s, &r)) {
		tap_is_long(r.status, LG_EX_LIMIT, "member_size one short: LIMIT");
		tap_is_str(r.reason, "limit:member_size", "member_size one short: reason");
		tap_is_long((long)s.n, 2, "member_size one short: both members listed");
		tap_ok(s.n == 2 && !s.data[0] && s.reason[0] &&
			       strcmp(s.reason[0], "limit:member_size") == 0,
		       "member_size one short: csv without data, limit:member_size");
		tap_ok(s.n == 2 && s.data[1] && strcmp(s.data[1], note_txt) == 0,
		       "member_size one short: the walk goes on to the note");
	}
	seen_free(&s);

	lim = ex_default_limits();
	lim.members = 2;
	if (walk_file("contacts.tar.gz", &lim, &s, &r))
		tap_ok(r.status == LG_EX_OK && s.n == 2, "members == count: OK, 2 members");
	seen_free(&s);

	lim.members = 1;
	if (walk_file("contacts.tar.gz", &lim, &s, &r)) {
		tap_is_long(r.status, LG_EX_LIMIT, "members 1: LIMIT");
		tap_is_str(r.reason, "limit:archive_members", "members 1: reason");
		tap_is_long((long)s.n, 1, "members 1: one member handed over");
	}
	seen_free(&s);

	lim = ex_default_limits();
	lim.deadline_ms = lg_ex_now_ms() - 1;
	if (walk_file("contacts.zip", &lim, &s, &r)) {
		tap_is_str(r.reason, "limit:time", "deadline passed: limit:time");
		tap_is_long((long)s.n, 0, "deadline passed: no member");
	}
	seen_free(&s);

	lim = ex_default_limits();
	s.stop_after = 1;
	if (walk_file("contacts.7z", &lim, &s, &r)) {
		tap_is_long(r.status, LG_EX_STOPPED, "callback stop: STOPPED");
		tap_is_long((long)s.n, 1, "callback stop: no member after it");
	}
	seen_free(&s);
}

/* xorshift - a small deterministic PRNG for the garbage tests */
static uint32_t xorshift(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* test_not_archives - text, empty input, garbage, damaged fixtures: an outcome, no crash */
static void test_not_archives(void)
{
	struct lg_ex_limits lim = ex_default_limits();
	static const struct {
		const char *what;
		const char *data;
		size_t len;
	} texts[] = {
		{ "plain text", B("Hello,\nthis is a plain text message.\n") },
		{ "a CSV", B("name,phone\n山田,090-1234-5678\n") },
		{ "a PDF header", B("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n") },
		{ "text that starts like an mtree spec", B("#mtree\nyamada type=file\n") },
		{ "one byte", B("x") },
		{ "empty", B("") },
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		struct seen s = { 0 };
		struct lg_ex_result r = { 0 };
		char what[96];
		lg_archive_walk(texts[i].data, texts[i].len, &lim, on_member, &s, &r);
		snprintf(what, sizeof what, "%s: UNSUPPORTED", texts[i].what);
		tap_is_long(r.status, LG_EX_UNSUPPORTED, what);
		tap_ok(s.n == 0, "%s: no member", texts[i].what);
		seen_free(&s);
	}

	/* random bytes, and every fixture with bytes flipped and cut short */
	uint32_t seed = 2463534242u;
	size_t runs = 0, bad = 0, odd = 0;
	struct lg_buf b = LG_BUF_INIT;
	for (int i = 0; i < 200; i++) {
		size_t n = 1 + xorshift(&seed) % 4096;
		lg_buf_reset(&b);
		for (size_t k = 0; k < n; k++) {
			char c = (char)(xorshift(&seed) & 0xFF);
			lg_buf_append(&b, &c, 1);
		}
		if (i % 4 == 0)	/* give some a real signature */
			memcpy(b.data, i % 8 ? "PK\3\4" : "7z\xBC\xAF", n >= 4 ? 4 : n);
		struct seen s = { 0 };
		struct lg_ex_result r = { 0 };
		lg_archive_walk(b.data, b.len, &lim, on_member, &s, &r);
		runs++;
		bad += s.bad;
		odd += (unsigned)r.status > LG_EX_STOPPED || (r.status != LG_EX_OK && !r.reason[0]);
		seen_free(&s);
	}
	static const char *const mangle[] = { "contacts.zip", "contacts.7z", "contacts.tar.gz",
					      "cp932-names.zip", "aes.zip", "contacts.csv.xz" };
	for (size_t f = 0; f < sizeof mangle / sizeof mangle[0]; f++) {
		if (ex_slurp("archive", mangle[f], &b) < 0)
			continue;
		for (size_t cut = 1; cut < b.len; cut += 1 + cut / 16) {
			for (int flip = 0; flip < 2; flip++) {
				char *copy = lg_malloc(cut);
				memcpy(copy, b.data, cut);
				if (flip)
					copy[xorshift(&seed) % cut] ^= (char)(1 + xorshift(&seed) % 255);
				struct seen s = { 0 };
				struct lg_ex_result r = { 0 };
				lg_archive_walk(copy, cut, &lim, on_member, &s, &r);
				runs++;
				bad += s.bad;
				odd += (unsigned)r.status > LG_EX_STOPPED ||
				       (r.status != LG_EX_OK && !r.reason[0]);
				seen_free(&s);
				free(copy);
			}
		}
	}
	lg_buf_free(&b);
	tap_ok(bad == 0, "garbage: member contract kept in %zu walks", runs);
	tap_ok(odd == 0, "garbage: a known outcome with a reason in %zu walks", runs);
}

/* test_encrypted_office - the OLE2 "EncryptedPackage" check */
static void test_encrypted_office(void)
{
	static const struct {
		const char *file;
		bool want;
	} files[] = {
		{ "encrypted.xlsx", true },	/* LibreOffice, ECMA-376 Standard encryption */
		{ "plain.xlsx", false },	/* a zip */
		{ "contacts.zip", false },
		{ "note.doc", false },		/* OLE2 without the stream */
	};
	struct lg_buf b = LG_BUF_INIT;

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		if (ex_slurp("archive", files[i].file, &b) < 0) {
			tap_ok(0, "%s readable", files[i].file);
			continue;
		}
		tap_ok(lg_ex_is_encrypted_office(b.data, b.len) == files[i].want,
		       "encrypted office: %s -> %s", files[i].file, files[i].want ? "yes" : "no");
	}
	tap_ok(!lg_ex_is_encrypted_office(NULL, 0), "encrypted office: NULL -> no");
	if (ex_slurp("archive", "encrypted.xlsx", &b) == 0) {
		tap_ok(!lg_ex_is_encrypted_office(b.data, 511), "encrypted office: cut to 511 -> no");
		tap_ok(!lg_ex_is_encrypted_office(b.data, 2048),
		       "encrypted office: directory cut off -> no");
		/* the same name as a storage (type 1) instead of a stream is not it */
		static const char u16[] = "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0";
		char *d = memmem(b.data, b.len, u16, sizeof u16 - 1);
		tap_ok(d != NULL, "encrypted office: the UTF-16LE name is in the fixture");
		if (d) {
			d[0x42] = 1;
			tap_ok(!lg_ex_is_encrypted_office(b.data, b.len),
			       "encrypted office: as a storage -> no");
			d[0x42] = 2;
			d[0] = 'e';	/* names are compared exactly */
			tap_ok(!lg_ex_is_encrypted_office(b.data, b.len),
			       "encrypted office: other name -> no");
			d[0] = 'E';
			/* the directory reached only through a broken chain is not searched */
			b.data[0x30] = (char)0xFE, b.data[0x31] = b.data[0x32] = (char)0xFF;
			b.data[0x33] = (char)0xFF;
			tap_ok(!lg_ex_is_encrypted_office(b.data, b.len),
			       "encrypted office: no directory chain -> no");
		}
		/* the name in a file that is no OLE2 file */
		struct lg_buf t = LG_BUF_INIT;
		lg_buf_append(&t, "PK\3\4 not OLE ", 14);
		for (int k = 0; k < 32; k++)
			lg_buf_append(&t, u16, sizeof u16 - 1);
		tap_ok(!lg_ex_is_encrypted_office(t.data, t.len), "encrypted office: zip with the name -> no");
		lg_buf_free(&t);
	}
	lg_buf_free(&b);
}

/* main - run every group */
int main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_case(&cases[i]);
	test_nested();
	test_limits();
	test_bomb();
	test_not_archives();
	test_encrypted_office();
	return tap_done();
}
