/* test_pdf.c - lg_pdf_extract on tests/fixtures/pdf: text per page with the Japanese names and
 * phone numbers, an encrypted PDF, one with only an owner password (read), a damaged one,
 * limits, and documents read in parallel threads. Built without poppler-glib: "unsupported". */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/extract.h"
#include "content/utf8.h"
#include "lg_buf.h"
#include "tests/unit/ex_collect.h"
#include "tests/unit/tap.h"

#define MAX_BLOCKS 8
#define THREADS 4
#define THREAD_RUNS 10

/* The text blocks handed over. */
struct blocks {
	size_t n;
	struct lg_buf b[MAX_BLOCKS];
	bool bad;		/* a block that is not valid UTF-8 */
	size_t stop_after;	/* return non-zero after this many blocks (0: never) */
};

/* on_text - callback: keep one block */
static int on_text(void *arg, const char *s, size_t len)
{
	struct blocks *k = arg;
	if (!lg_utf8_is_valid(s, len))
		k->bad = true;
	if (k->n < MAX_BLOCKS)
		lg_buf_append(&k->b[k->n], s, len);
	k->n++;
	return k->stop_after && k->n >= k->stop_after;
}

/* blocks_free - release the blocks */
static void blocks_free(struct blocks *k)
{
	for (size_t i = 0; i < MAX_BLOCKS; i++)
		lg_buf_free(&k->b[i]);
	memset(k, 0, sizeof *k);
}

/* extract_file - run the extractor on a fixture; false when it cannot be read */
static bool extract_file(const char *file, const struct lg_ex_limits *lim, struct blocks *k,
			 struct lg_ex_result *r)
{
	struct lg_buf b = LG_BUF_INIT;
	struct lg_ex_out out = { on_text, NULL, NULL, k };

	memset(r, 0, sizeof *r);
	if (ex_slurp("pdf", file, &b) < 0) {
		tap_ok(0, "%s readable", file);
		lg_buf_free(&b);
		return false;
	}
	lg_pdf_extract(b.data, b.len, lim, &out, r);
	lg_buf_free(&b);
	return true;
}

#ifdef HAVE_POPPLER

/* What each page of contacts.pdf holds, as poppler lays the text out (table cells of one row
 * on one line, separated by spaces). */
static const char *const page1[] = {
	"防災研修会 連絡先一覧",
	"見本県 総務課からのお知らせです。",
	"山田 太郎 090-1234-5678 taro.yamada@example.com",
	"佐藤 花子 080-2345-6789 hanako.sato@example.net",
	"鈴木 一郎 03-5555-0123 ichiro.suzuki@example.org",
	"以上、よろしくお願いいたします。",
};
static const char *const page2[] = { "緊急連絡先：高橋 次郎 070-3456-7890" };

/* check_contacts - contacts.pdf's two pages in k (file names the fixture) */
static void check_contacts(const char *file, const struct blocks *k,
			   const struct lg_ex_result *r)
{
	tap_is_long(r->status, LG_EX_OK, file);
	tap_is_long((long)k->n, 2, "one block per page");
	tap_ok(!k->bad, "%s: valid UTF-8", file);
	for (size_t i = 0; i < sizeof page1 / sizeof page1[0]; i++)
		tap_ok(k->n >= 1 && k->b[0].data && strstr(k->b[0].data, page1[i]),
		       "%s page 1: %s", file, page1[i]);
	for (size_t i = 0; i < sizeof page2 / sizeof page2[0]; i++)
		tap_ok(k->n >= 2 && k->b[1].data && strstr(k->b[1].data, page2[i]),
		       "%s page 2: %s", file, page2[i]);
	tap_ok(k->n >= 1 && k->b[0].data && !strstr(k->b[0].data, "高橋"),
	       "%s: page 2's text is not on page 1", file);
	tap_ok(k->n == 2 && r->text_bytes == k->b[0].len + k->b[1].len,
	       "%s: text_bytes counts the blocks", file);
}

/* test_files - the fixtures */
static void test_files(void)
{
	struct lg_ex_limits lim = ex_default_limits();
	struct blocks k = { 0 };
	struct lg_ex_result r;

	if (extract_file("contacts.pdf", &lim, &k, &r))
		check_contacts("contacts.pdf", &k, &r);
	blocks_free(&k);

	/* encrypted with an empty user password and copying forbidden: every reader opens it */
	if (extract_file("owner-only.pdf", &lim, &k, &r))
		check_contacts("owner-only.pdf", &k, &r);
	blocks_free(&k);

	if (extract_file("encrypted.pdf", &lim, &k, &r)) {
		tap_is_long(r.status, LG_EX_ENCRYPTED, "encrypted.pdf: ENCRYPTED");
		tap_is_str(r.reason, "encrypted", "encrypted.pdf: reason");
		tap_is_long((long)k.n, 0, "encrypted.pdf: no text");
		tap_diag("encrypted.pdf: %s", r.detail);
	}
	blocks_free(&k);

	if (extract_file("broken.pdf", &lim, &k, &r)) {
		tap_is_long(r.status, LG_EX_CORRUPT, "broken.pdf: CORRUPT");
		tap_is_str(r.reason, "corrupt", "broken.pdf: reason");
		tap_is_str(r.detail, "PDF document is damaged", "broken.pdf: poppler's message");
	}
	blocks_free(&k);
}

/* test_outcomes - limits, the callback's stop, input that is no PDF */
static void test_outcomes(void)
{
	struct lg_ex_limits lim = ex_default_limits();
	struct blocks k = { 0 };
	struct lg_ex_result r;

	lim.deadline_ms = lg_ex_now_ms() - 1;
	if (extract_file("contacts.pdf", &lim, &k, &r)) {
		tap_is_long(r.status, LG_EX_LIMIT, "deadline passed: LIMIT");
		tap_is_str(r.reason, "limit:time", "deadline passed: limit:time");
		tap_is_long((long)k.n, 0, "deadline passed: no text");
	}
	blocks_free(&k);

	lim = ex_default_limits();
	lim.text_size = 350;	/* page 1 (329 bytes) fits, page 2 (45) does not */
	if (extract_file("contacts.pdf", &lim, &k, &r)) {
		tap_is_str(r.reason, "limit:text_size", "text budget: limit:text_size");
		tap_is_long((long)k.n, 1, "text budget: page 1 handed over");
	}
	blocks_free(&k);

	lim = ex_default_limits();
	k.stop_after = 1;
	if (extract_file("contacts.pdf", &lim, &k, &r)) {
		tap_is_long(r.status, LG_EX_STOPPED, "callback stop: STOPPED");
		tap_is_long((long)k.n, 1, "callback stop: one page");
	}
	blocks_free(&k);

	struct lg_ex_out out = { on_text, NULL, NULL, &k };
	static const struct {
		const char *what;
		const char *data;
		size_t len;
	} junk[] = {
		{ "plain text", "Hello, this is not a PDF\n", 25 },
		{ "a bare header", "%PDF-1.7\n", 9 },
		{ "empty", "", 0 },
	};
	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		memset(&r, 0, sizeof r);
		lg_pdf_extract(junk[i].data, junk[i].len, &lim, &out, &r);
		tap_ok(r.status == LG_EX_CORRUPT && k.n == 0, "%s: CORRUPT (%s)", junk[i].what,
		       r.detail);
	}
	blocks_free(&k);

	/* contacts.pdf cut at many points: poppler rebuilds what it can; an outcome, no crash */
	struct lg_buf b = LG_BUF_INIT;
	size_t runs = 0, bad = 0, read = 0;
	if (ex_slurp("pdf", "contacts.pdf", &b) == 0) {
		for (size_t cut = 1; cut < b.len; cut += 1 + cut / 8) {
			memset(&r, 0, sizeof r);
			lg_pdf_extract(b.data, cut, &lim, &out, &r);
			runs++;
			read += r.status == LG_EX_OK && k.n > 0;
			bad += k.bad || (unsigned)r.status > LG_EX_STOPPED ||
			       (r.status != LG_EX_OK && !r.reason[0]);
			blocks_free(&k);
		}
	}
	tap_ok(runs > 0 && bad == 0, "cut short: %zu cuts, known outcomes, valid UTF-8", runs);
	tap_diag("cut short: text still read from %zu of %zu cuts", read, runs);
	lg_buf_free(&b);
}

struct thread_arg {
	const struct lg_buf *pdf;
	int ok;		/* runs that gave both pages */
};

/* thread_main - extract the same bytes repeatedly, each run its own document */
static void *thread_main(void *p)
{
	struct thread_arg *t = p;
	struct lg_ex_limits lim = ex_default_limits();

	for (int i = 0; i < THREAD_RUNS; i++) {
		struct blocks k = { 0 };
		struct lg_ex_result r = { 0 };
		struct lg_ex_out out = { on_text, NULL, NULL, &k };
		lg_pdf_extract(t->pdf->data, t->pdf->len, &lim, &out, &r);
		if (r.status == LG_EX_OK && k.n == 2 && strstr(k.b[1].data, page2[0]))
			t->ok++;
		blocks_free(&k);
	}
	return NULL;
}

/* test_threads - separate documents in parallel threads */
static void test_threads(void)
{
	struct lg_buf pdf = LG_BUF_INIT;
	pthread_t th[THREADS];
	struct thread_arg args[THREADS];
	int ok = 0;

	if (ex_slurp("pdf", "contacts.pdf", &pdf) < 0) {
		tap_ok(0, "contacts.pdf readable");
		return;
	}
	for (int i = 0; i < THREADS; i++) {
		args[i].pdf = &pdf;
		args[i].ok = 0;
		if (pthread_create(&th[i], NULL, thread_main, &args[i]) != 0)
			args[i].pdf = NULL;
	}
	for (int i = 0; i < THREADS; i++)
		if (args[i].pdf) {
			pthread_join(th[i], NULL);
			ok += args[i].ok;
		}
	tap_is_long(ok, THREADS * THREAD_RUNS, "threads: every parallel run read both pages");
	lg_buf_free(&pdf);
}

/* main - run every group */
int main(void)
{
	test_files();
	test_outcomes();
	test_threads();
	return tap_done();
}

#else /* !HAVE_POPPLER */

/* main - without poppler-glib every PDF is unsupported */
int main(void)
{
	struct lg_ex_limits lim = ex_default_limits();
	struct blocks k = { 0 };
	struct lg_ex_result r;

	if (extract_file("contacts.pdf", &lim, &k, &r)) {
		tap_is_long(r.status, LG_EX_UNSUPPORTED, "no poppler: UNSUPPORTED");
		tap_is_str(r.reason, "unsupported", "no poppler: reason");
		tap_is_str(r.detail, "built without poppler-glib", "no poppler: detail");
		tap_is_long((long)k.n, 0, "no poppler: no text");
	}
	blocks_free(&k);
	return tap_done();
}

#endif
