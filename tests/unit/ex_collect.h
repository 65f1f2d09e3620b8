/* ex_collect.h - what the unit tests of the content extractors share (one header, no library): a
 * collector of the text blocks, rows and tables an extractor hands out, with helpers to find a
 * cell, the shipped limits, fixture files read into memory, and zips built in memory. */
#ifndef LG_EX_COLLECT_H
#define LG_EX_COLLECT_H

#include <archive.h>
#include <archive_entry.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/extract.h"
#include "content/utf8.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "tests/unit/tap.h"

/* ---- collecting what the extractor hands out ----------------------------------------------- */

/* Everything an extractor handed out, copied out of the callbacks. */
struct got {
	struct lg_buf log;	/* "S:name", "T:text", "R:[a][b]" lines, in order */
	struct lg_buf text;	/* all text blocks, one per line */
	char ***rows;		/* rows[i][j]: cell j of row i (NUL-terminated copies) */
	size_t *ncells;
	size_t nrows;
	char *first_table;
	int tables;
	int bad_utf8;
	long stop_after_rows;	/* ask to stop after this many rows (0: never) */
};

/* got_text - callback: a text block */
__attribute__((unused)) static int got_text(void *arg, const char *s, size_t len)
{
	struct got *g = arg;
	if (!lg_utf8_is_valid(s, len))
		g->bad_utf8++;
	lg_buf_puts(&g->log, "T:");
	lg_buf_append(&g->log, s, len);
	lg_buf_putc(&g->log, '\n');
	lg_buf_append(&g->text, s, len);
	lg_buf_putc(&g->text, '\n');
	return 0;
}

/* got_row - callback: a row, kept cell by cell */
__attribute__((unused)) static int got_row(void *arg, const char *const *cells,
					   const size_t *lens, size_t n)
{
	struct got *g = arg;
	g->rows = lg_realloc(g->rows, (g->nrows + 1) * sizeof *g->rows);
	g->ncells = lg_realloc(g->ncells, (g->nrows + 1) * sizeof *g->ncells);
	g->rows[g->nrows] = lg_calloc(n ? n : 1, sizeof **g->rows);
	g->ncells[g->nrows] = n;
	lg_buf_puts(&g->log, "R:");
	for (size_t i = 0; i < n; i++) {
		if (!lg_utf8_is_valid(cells[i], lens[i]) || cells[i][lens[i]] != '\0')
			g->bad_utf8++;
		g->rows[g->nrows][i] = lg_strndup(cells[i], lens[i]);
		lg_buf_putc(&g->log, '[');
		lg_buf_append(&g->log, cells[i], lens[i]);
		lg_buf_putc(&g->log, ']');
	}
	lg_buf_putc(&g->log, '\n');
	g->nrows++;
	return g->stop_after_rows && (long)g->nrows >= g->stop_after_rows;
}

/* got_table - callback: a sheet or table begins */
__attribute__((unused)) static int got_table(void *arg, const char *name)
{
	struct got *g = arg;
	if (g->tables++ == 0 && name)
		g->first_table = lg_strdup(name);
	lg_buf_puts(&g->log, "S:");
	lg_buf_puts(&g->log, name ? name : "(null)");
	lg_buf_putc(&g->log, '\n');
	return 0;
}

/* got_free - release everything collected */
__attribute__((unused)) static void got_free(struct got *g)
{
	for (size_t i = 0; i < g->nrows; i++) {
		for (size_t j = 0; j < g->ncells[i]; j++)
			free(g->rows[i][j]);
		free(g->rows[i]);
	}
	free(g->rows);
	free(g->ncells);
	free(g->first_table);
	lg_buf_free(&g->log);
	lg_buf_free(&g->text);
	memset(g, 0, sizeof *g);
}

/* got_cell - rows[row][col] (0-based) or NULL */
__attribute__((unused)) static const char *got_cell(const struct got *g, size_t row, size_t col)
{
	if (row >= g->nrows || col >= g->ncells[row])
		return NULL;
	return g->rows[row][col];
}

/* got_has_cell - some row has a cell equal to s */
__attribute__((unused)) static int got_has_cell(const struct got *g, const char *s)
{
	for (size_t i = 0; i < g->nrows; i++)
		for (size_t j = 0; j < g->ncells[i]; j++)
			if (strcmp(g->rows[i][j], s) == 0)
				return 1;
	return 0;
}

/* got_has_text - some text block holds s */
__attribute__((unused)) static int got_has_text(const struct got *g, const char *s)
{
	return strstr(g->text.data ? g->text.data : "", s) != NULL;
}

/* An extractor's entry point: lg_ooxml_extract, lg_odf_extract, lg_rtf_extract ... */
typedef void ex_extract_fn(const char *data, size_t len, const struct lg_ex_limits *lim,
			   const struct lg_ex_out *out, struct lg_ex_result *r);

/* got_run - run extract on data into g with lim; returns the result */
__attribute__((unused)) static struct lg_ex_result got_run(ex_extract_fn *extract,
							   const char *data, size_t len,
							   const struct lg_ex_limits *lim,
							   struct got *g)
{
	struct lg_ex_result r;
	struct lg_ex_out out = { got_text, got_row, got_table, g };
	memset(&r, 0, sizeof r);
	extract(data, len, lim, &out, &r);
	return r;
}

/* ---- limits and fixtures ------------------------------------------------------------------- */

/* ex_default_limits - the shipped defaults, no deadline */
__attribute__((unused)) static struct lg_ex_limits ex_default_limits(void)
{
	struct lg_ex_limits lim = {
		.member_size = 25u << 20,
		.members = 1000,
		.ratio = 100,
		.text_size = 20u << 20,
		.deadline_ms = 0,
	};
	return lim;
}

/* ex_slurp - read tests/fixtures/<dir>/<name> into b (top_srcdir from make check, else .);
 * 0, or -1 with a diagnostic */
__attribute__((unused)) static int ex_slurp(const char *dir, const char *name, struct lg_buf *b)
{
	const char *top = getenv("top_srcdir");
	char path[1024];
	int n = snprintf(path, sizeof path, "%s/tests/fixtures/%s/%s", top && *top ? top : ".",
			 dir, name);
	if (n < 0 || (size_t)n >= sizeof path)
		return -1;
	FILE *f = fopen(path, "rb");
	if (!f) {
		tap_diag("cannot open %s", path);
		return -1;
	}
	char chunk[8192];
	size_t got;
	lg_buf_reset(b);
	lg_buf_reserve(b, 0);	/* an empty file reads as "", not NULL */
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		lg_buf_append(b, chunk, got);
	fclose(f);
	return 0;
}

/* ex_slurp_copy - tests/fixtures/<dir>/<name> as a NUL-terminated copy (free it), or NULL */
__attribute__((unused)) static char *ex_slurp_copy(const char *dir, const char *name,
						   size_t *len)
{
	struct lg_buf b = LG_BUF_INIT;
	if (ex_slurp(dir, name, &b) < 0) {
		lg_buf_free(&b);
		return NULL;
	}
	return lg_buf_steal(&b, len);
}

/* ---- building small zips in memory --------------------------------------------------------- */

/* One zip entry: its name and its (text) content. */
struct ex_part {
	const char *name;
	const char *body;
};

/* ex_build_zip - a zip of parts (deflated; ZipCrypto-encrypted with a passphrase when crypt) */
__attribute__((unused)) static char *ex_build_zip(const struct ex_part *parts, size_t n,
						  bool crypt, size_t *len)
{
	size_t total = 4096;
	for (size_t i = 0; i < n; i++)
		total += strlen(parts[i].name) * 2 + strlen(parts[i].body) + 256;
	char *buf = lg_malloc(total);
	size_t used = 0;
	struct archive *a = archive_write_new();
	archive_write_set_format_zip(a);
	if (crypt) {
		archive_write_set_options(a, "zip:encryption=zipcrypt");
		archive_write_set_passphrase(a, "secret");
	}
	archive_write_open_memory(a, buf, total, &used);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, parts[i].name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)strlen(parts[i].body));
		archive_write_header(a, e);
		archive_write_data(a, parts[i].body, strlen(parts[i].body));
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	*len = used;
	return buf;
}

/* ---- checks shared by the office format tests ---------------------------------------------- */

/* What a LibreOffice-made fixture in tests/fixtures/office must give (the same contacts, memo
 * and slides in each format). */
struct ex_fixture_case {
	const char *file;
	long rows;
	const char *row3col2;		/* cell (3, 2), 1-based, header row included */
	const char *last_name;		/* column 1 of the last row */
	const char *table;		/* first table's name (NULL: none or unnamed) */
	const char *texts[7];		/* must appear in the text blocks */
	const char *cells[3];		/* must be a cell of some row */
};

/* What contrib/gen-office-fixtures.sh puts in contacts, memo and slides, whatever the format:
 * text that must appear in the text blocks, and values that must be cells of some row. */
#define EX_CONTACTS_TEXTS { NULL }
#define EX_CONTACTS_CELLS { "氏名", "taro.yamada@example.com", "070-2482-9573" }
#define EX_MEMO_TEXTS \
	{ "至急の場合は田中（090-5555-0101）まで電話してください。", "ヘッダー：社外秘 営業部", \
	  "フッター：見本株式会社 代表 03-5555-0100", "コメント：会議室は第二会議室です", \
	  "脚注：内線は 1234 です。", "旧番号 03-5555-0199 は使えません。", "営業部 連絡メモ" }
#define EX_MEMO_CELLS { "kenta.tanaka@example.com\n（携帯）", "山田 太郎", "メールアドレス" }
#define EX_SLIDES_TEXTS \
	{ "第2四半期 営業報告", "問い合わせ先：営業部 03-5555-0100", "担当者一覧", \
	  "発表者メモ：高橋さんの携帯 090-4567-8901 にも連絡する" }
#define EX_SLIDES_CELLS { "ichiro.suzuki@example.net", "氏名" }

/* got_check_fixture - extract the fixture c->file into g and check it against c; false (one
 * failed test point) when it cannot be read, else true with the result in *r */
__attribute__((unused)) static bool got_check_fixture(ex_extract_fn *extract,
						      const struct ex_fixture_case *c,
						      const struct lg_ex_limits *lim,
						      struct got *g, struct lg_ex_result *r)
{
	size_t len;
	char *data = ex_slurp_copy("office", c->file, &len);
	if (!tap_ok(data != NULL, "%s: fixture readable", c->file))
		return false;
	*r = got_run(extract, data, len, lim, g);
	tap_ok(r->status == LG_EX_OK, "%s: status OK (%s %s)", c->file, r->reason, r->detail);
	tap_is_long((long)g->nrows, c->rows, c->file);
	tap_is_long((long)r->rows, c->rows, "result counts the rows");
	tap_is_str(got_cell(g, 2, 1), c->row3col2, "row 3 column 2 is the phone, as text");
	tap_is_str(got_cell(g, g->nrows ? g->nrows - 1 : 0, 0), c->last_name,
		   "last row's name (Japanese) intact");
	tap_is_str(g->first_table, c->table, "first table's name");
	for (size_t j = 0; j < 7 && c->texts[j]; j++)
		tap_ok(got_has_text(g, c->texts[j]), "%s: text has %s", c->file, c->texts[j]);
	for (size_t j = 0; j < 3 && c->cells[j]; j++)
		tap_ok(got_has_cell(g, c->cells[j]), "%s: a cell is %.*s", c->file,
		       (int)strcspn(c->cells[j], "\n"), c->cells[j]);
	tap_is_long(g->bad_utf8, 0, "all output valid UTF-8, cells NUL-terminated");
	free(data);
	return true;
}

/* got_check_unsupported - the fixture file (shown as label) is not extract's format: a test
 * point for LG_EX_UNSUPPORTED; none when it cannot be read */
__attribute__((unused)) static void got_check_unsupported(ex_extract_fn *extract,
							  const char *file, const char *label,
							  const struct lg_ex_limits *lim)
{
	struct got g = { 0 };
	size_t len;
	char *data = ex_slurp_copy("office", file, &len);
	if (!data)
		return;
	struct lg_ex_result r = got_run(extract, data, len, lim, &g);
	tap_ok(r.status == LG_EX_UNSUPPORTED, "%s: LG_EX_UNSUPPORTED (%d %s)", label, r.status,
	       r.detail);
	got_free(&g);
	free(data);
}

/* A package built here and the exact transcript (got.log) it must give. */
struct ex_built_case {
	const char *name;
	const struct ex_part *parts;
	size_t nparts;
	const char *want;
	const char *absent[6];	/* must not be in the transcript (checked by the caller) */
};

/* got_check_built - extract c's package into g: status OK and exactly c->want */
__attribute__((unused)) static void got_check_built(ex_extract_fn *extract,
						    const struct ex_built_case *c,
						    const struct lg_ex_limits *lim, struct got *g)
{
	size_t len;
	char *zip = ex_build_zip(c->parts, c->nparts, false, &len);
	struct lg_ex_result r = got_run(extract, zip, len, lim, g);
	tap_ok(r.status == LG_EX_OK, "built %s: status OK (%s %s)", c->name, r.reason, r.detail);
	tap_is_str(lg_buf_cstr(&g->log), c->want, c->name);
	free(zip);
}

/* One named limit set low enough to be hit, and the reason that must be given. */
struct ex_limit_case {
	const char *name;
	size_t member_size;
	unsigned members;
	size_t text_size;
	int64_t deadline;
	const char *reason;
};

/* got_check_limit - extract data into g under the defaults with c's limits: LG_EX_LIMIT and
 * c->reason; returns the result */
__attribute__((unused)) static struct lg_ex_result got_check_limit(ex_extract_fn *extract,
								   const char *data, size_t len,
								   const struct ex_limit_case *c,
								   struct got *g)
{
	struct lg_ex_limits lim = ex_default_limits();
	lim.member_size = c->member_size;
	lim.members = c->members;
	lim.text_size = c->text_size;
	lim.deadline_ms = c->deadline;
	struct lg_ex_result r = got_run(extract, data, len, &lim, g);
	tap_ok(r.status == LG_EX_LIMIT, "%s: LG_EX_LIMIT (got %d)", c->name, r.status);
	tap_is_str(r.reason, c->reason, c->name);
	return r;
}

#endif
