/* test_odf.c - lg_odf_extract on LibreOffice-made ods/odt/odp fixtures and on small documents
 * built here (repeated cells and rows, values without text, annotations, notes, ruby, nested
 * tables, headers and footers), plus encryption, limits and damaged input. */
#include <archive.h>
#include <archive_entry.h>
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
static int got_text(void *arg, const char *s, size_t len)
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
static int got_row(void *arg, const char *const *cells, const size_t *lens, size_t n)
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
static int got_table(void *arg, const char *name)
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
static void got_free(struct got *g)
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

/* cell - rows[row][col] (0-based) or NULL */
static const char *cell(const struct got *g, size_t row, size_t col)
{
	if (row >= g->nrows || col >= g->ncells[row])
		return NULL;
	return g->rows[row][col];
}

/* has_cell - some row has a cell equal to s */
static int has_cell(const struct got *g, const char *s)
{
	for (size_t i = 0; i < g->nrows; i++)
		for (size_t j = 0; j < g->ncells[i]; j++)
			if (strcmp(g->rows[i][j], s) == 0)
				return 1;
	return 0;
}

/* default_limits - the built-in configuration's limits, no deadline */
static struct lg_ex_limits default_limits(void)
{
	struct lg_ex_limits lim = { 25u << 20, 1000, 100, 20u << 20, 0 };
	return lim;
}

/* run - extract data into g with lim; returns the result */
static struct lg_ex_result run(const char *data, size_t len, const struct lg_ex_limits *lim,
			       struct got *g)
{
	struct lg_ex_result r;
	struct lg_ex_out out = { got_text, got_row, got_table, g };
	memset(&r, 0, sizeof r);
	lg_odf_extract(data, len, lim, &out, &r);
	return r;
}

/* slurp - a fixture file (tests/fixtures/office/name) into memory, or NULL */
static char *slurp(const char *name, size_t *len)
{
	const char *top = getenv("top_srcdir");
	char path[1024];
	snprintf(path, sizeof path, "%s/tests/fixtures/office/%s", top && *top ? top : ".", name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		tap_diag("cannot open %s", path);
		return NULL;
	}
	struct lg_buf b = LG_BUF_INIT;
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		lg_buf_append(&b, buf, n);
	fclose(f);
	return lg_buf_steal(&b, len);
}

/* ---- building small packages in memory ----------------------------------------------------- */

struct part {
	const char *name;
	const char *body;
};

/* build_zip - a zip of parts (deflated; ZipCrypto-encrypted with a passphrase when crypt) */
static char *build_zip(const struct part *parts, size_t n, bool crypt, size_t *len)
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

#define NS "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" " \
	"xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" " \
	"xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" " \
	"xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" " \
	"xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\" " \
	"xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\" " \
	"xmlns:dc=\"http://purl.org/dc/elements/1.1/\""
#define CONTENT(body) "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content " NS \
	" office:version=\"1.3\"><office:body>" body "</office:body></office:document-content>"
#define MANIFEST(extra) "<manifest:manifest " \
	"xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\">" \
	"<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/" \
	"vnd.oasis.opendocument.spreadsheet\"/><manifest:file-entry manifest:full-path=\"" \
	"content.xml\" manifest:media-type=\"text/xml\">" extra "</manifest:file-entry>" \
	"</manifest:manifest>"
#define MT_ODS "application/vnd.oasis.opendocument.spreadsheet"
#define MT_ODT "application/vnd.oasis.opendocument.text"

/* A spreadsheet the way LibreOffice writes sparse sheets: empty cells repeated to the last
 * column, empty rows repeated to the last row, values without text, covered cells. */
static const struct part ods_parts[] = {
	{ "mimetype", MT_ODS },
	{ "META-INF/manifest.xml", MANIFEST("") },
	{ "content.xml", CONTENT(
	  "<office:spreadsheet><table:table table:name=\"名簿\">"
	  "<table:table-column table:number-columns-repeated=\"16384\"/>"
	  "<table:table-row><table:table-cell office:value-type=\"string\"><text:p>山田<text:s text:c=\"3\"/>太郎</text:p></table:table-cell>"
	  "<table:table-cell table:number-columns-repeated=\"2\"/>"
	  "<table:table-cell office:value-type=\"float\" office:value=\"9012345678\"/>"
	  "<table:table-cell table:number-columns-repeated=\"16380\"/></table:table-row>"
	  "<table:table-row table:number-rows-repeated=\"1048570\"><table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row>"
	  "<table:table-row table:number-rows-repeated=\"2\"><table:table-cell><text:p>同じ</text:p></table:table-cell></table:table-row>"
	  "<table:table-row><table:table-cell table:number-columns-repeated=\"3\"><text:p>x</text:p></table:table-cell></table:table-row>"
	  "<table:table-row><table:table-cell><text:p>一</text:p><text:p>二<text:tab/>タブ<text:line-break/>改行</text:p></table:table-cell>"
	  "<table:covered-table-cell/><table:table-cell office:value-type=\"date\" office:date-value=\"2024-04-01\"/>"
	  "<table:table-cell office:value-type=\"boolean\" office:boolean-value=\"true\"/>"
	  "<table:table-cell office:value-type=\"float\" office:value=\"3\"><text:p>3.00</text:p></table:table-cell></table:table-row>"
	  "<table:table-row><table:table-cell><office:annotation><dc:creator>作者</dc:creator><dc:date>2024-04-01</dc:date>"
	  "<text:p>注釈 090-3333-4444</text:p></office:annotation><text:p>本文</text:p></table:table-cell></table:table-row>"
	  "<table:table-row><table:table-cell><text:p><text:ruby><text:ruby-base>山田</text:ruby-base>"
	  "<text:ruby-text>やまだ</text:ruby-text></text:ruby>様</text:p></table:table-cell></table:table-row>"
	  "<table:shapes><draw:frame><draw:text-box><text:p>図形の文字</text:p></draw:text-box></draw:frame></table:shapes>"
	  "</table:table>"
	  "<table:table table:name=\"Sheet2\"><table:table-row><table:table-cell office:value-type=\"string\">"
	  "<text:p>二枚目</text:p></table:table-cell></table:table-row></table:table>"
	  "</office:spreadsheet>") },
};

static const char ods_want[] =
	"S:名簿\n"
	"R:[山田   太郎][][][9012345678]\n"
	"R:[同じ]\n"
	"R:[同じ]\n"
	"R:[x][x][x]\n"
	"R:[一\n二\tタブ\n改行][][2024-04-01][true][3.00]\n"
	"T:注釈 090-3333-4444\n"
	"R:[本文]\n"
	"R:[山田様]\n"
	"T:図形の文字\n"
	"S:Sheet2\n"
	"R:[二枚目]\n";

/* A text document: headings, a footnote right after a phone number, an annotation, a tracked
 * deletion, a frame, a list, a nested table, and headers and footers in styles.xml. */
static const struct part odt_parts[] = {
	{ "mimetype", MT_ODT },
	{ "META-INF/manifest.xml", MANIFEST("") },
	{ "content.xml", CONTENT(
	  "<office:text>"
	  "<text:tracked-changes><text:changed-region text:id=\"c1\"><text:deletion>"
	  "<office:change-info><dc:creator>佐藤</dc:creator><dc:date>2024-04-01T00:00:00</dc:date></office:change-info>"
	  "<text:p>消した 03-1234-5678</text:p></text:deletion></text:changed-region></text:tracked-changes>"
	  "<text:h text:outline-level=\"1\">見出し</text:h>"
	  "<text:p>電話 090-1111-2222<text:note text:note-class=\"footnote\"><text:note-citation>1</text:note-citation>"
	  "<text:note-body><text:p>脚注</text:p></text:note-body></text:note>です</text:p>"
	  "<text:p>前<office:annotation><dc:creator>鈴木</dc:creator><text:p>注釈</text:p></office:annotation>後"
	  "<text:soft-page-break/><text:span>span</text:span><text:s/>空白</text:p>"
	  "<text:p>枠<draw:frame><svg:title>代替</svg:title><draw:text-box><text:p>枠内</text:p></draw:text-box></draw:frame></text:p>"
	  "<text:list><text:list-item><text:p>項目\n一</text:p></text:list-item></text:list>"
	  "<table:table table:name=\"表1\"><table:table-row>"
	  "<table:table-cell><text:p>外</text:p><table:table><table:table-row><table:table-cell><text:p>内1</text:p></table:table-cell>"
	  "<table:table-cell><text:p>内2</text:p></table:table-cell></table:table-row></table:table></table:table-cell>"
	  "<table:table-cell><text:p>B</text:p></table:table-cell></table:table-row></table:table>"
	  "<text:p/>"
	  "</office:text>") },
	{ "styles.xml",
	  "<office:document-styles " NS "><office:styles><style:style style:name=\"x\"><text:p>スタイル</text:p></style:style></office:styles>"
	  "<office:master-styles><style:master-page style:name=\"Standard\">"
	  "<style:header><text:p>ヘッダー <text:page-number>1</text:page-number></text:p></style:header>"
	  "<style:footer-left style:display=\"false\"><text:p>左フッター</text:p></style:footer-left>"
	  "</style:master-page></office:master-styles></office:document-styles>" },
	{ "meta.xml", "<office:document-meta " NS "><office:meta><dc:creator>作成者</dc:creator></office:meta></office:document-meta>" },
};

static const char odt_want[] =
	"T:消した 03-1234-5678\n"
	"T:見出し\n"
	"T:脚注\n"
	"T:電話 090-1111-2222です\n"
	"T:注釈\n"
	"T:前後span 空白\n"
	"T:枠内\n"
	"T:枠\n"
	"T:項目 一\n"
	"S:表1\n"
	"R:[外\n内1\n内2][B]\n"
	"T:ヘッダー \n"
	"T:左フッター\n";

/* ---- tests ------------------------------------------------------------------------------- */

struct fixture_case {
	const char *file;
	long rows;
	const char *row3col2;		/* cell (3, 2), 1-based, header row included */
	const char *last_name;		/* column 1 of the last row */
	const char *table;		/* first table's name (NULL: unnamed) */
	const char *texts[7];		/* must appear in the text blocks */
	const char *cells[3];		/* must be a cell of some row */
};

static const struct fixture_case fixtures[] = {
	{ "contacts.ods", 21, "080-2345-6789", "池田 芽依", "contacts", { NULL },
	  { "氏名", "taro.yamada@example.com", "070-2482-9573" } },
	{ "memo.odt", 6, "080-2345-6789", "田中 健太", "連絡先",
	  { "至急の場合は田中（090-5555-0101）まで電話してください。", "ヘッダー：社外秘 営業部",
	    "フッター：見本株式会社 代表 03-5555-0100", "コメント：会議室は第二会議室です",
	    "脚注：内線は 1234 です。", "旧番号 03-5555-0199 は使えません。", "営業部 連絡メモ" },
	  { "kenta.tanaka@example.com\n（携帯）", "山田 太郎", "メールアドレス" } },
	{ "slides.odp", 4, "080-2345-6789", "鈴木 一郎", NULL,
	  { "第2四半期 営業報告", "問い合わせ先：営業部 03-5555-0100", "担当者一覧",
	    "発表者メモ：高橋さんの携帯 090-4567-8901 にも連絡する" },
	  { "ichiro.suzuki@example.net", "氏名" } },
};

/* test_fixtures - the LibreOffice-made files */
static void test_fixtures(void)
{
	struct lg_ex_limits lim = default_limits();

	for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++) {
		const struct fixture_case *c = &fixtures[i];
		size_t len;
		char *data = slurp(c->file, &len);
		struct got g = { 0 };
		if (!tap_ok(data != NULL, "%s: fixture readable", c->file))
			continue;
		struct lg_ex_result r = run(data, len, &lim, &g);
		tap_ok(r.status == LG_EX_OK, "%s: status OK (%s %s)", c->file, r.reason, r.detail);
		tap_is_long((long)g.nrows, c->rows, c->file);
		tap_is_long((long)r.rows, c->rows, "result counts the rows");
		tap_is_str(cell(&g, 2, 1), c->row3col2, "row 3 column 2 is the phone, as text");
		tap_is_str(cell(&g, g.nrows ? g.nrows - 1 : 0, 0), c->last_name,
			   "last row's name (Japanese) intact");
		tap_is_str(g.first_table, c->table, "first table's name");
		for (size_t j = 0; j < 7 && c->texts[j]; j++)
			tap_ok(strstr(g.text.data ? g.text.data : "", c->texts[j]) != NULL,
			       "%s: text has %s", c->file, c->texts[j]);
		for (size_t j = 0; j < 3 && c->cells[j]; j++)
			tap_ok(has_cell(&g, c->cells[j]), "%s: a cell is %.*s", c->file,
			       (int)strcspn(c->cells[j], "\n"), c->cells[j]);
		tap_is_long(g.bad_utf8, 0, "all output valid UTF-8, cells NUL-terminated");
		got_free(&g);
		free(data);
	}
}

struct built_case {
	const char *name;
	const struct part *parts;
	size_t nparts;
	const char *want;
	const char *absent[6];
};

static const struct built_case built[] = {
	{ "ods", ods_parts, sizeof ods_parts / sizeof ods_parts[0], ods_want,
	  { "やまだ", "作者", "2024-04-01\n" } },
	{ "odt", odt_parts, sizeof odt_parts / sizeof odt_parts[0], odt_want,
	  { "佐藤", "鈴木", "代替", "スタイル", "作成者", "22221" } },
};

/* test_built - documents made here: exact transcript of what comes out */
static void test_built(void)
{
	struct lg_ex_limits lim = default_limits();

	for (size_t i = 0; i < sizeof built / sizeof built[0]; i++) {
		const struct built_case *c = &built[i];
		size_t len;
		char *zip = build_zip(c->parts, c->nparts, false, &len);
		struct got g = { 0 };
		struct lg_ex_result r = run(zip, len, &lim, &g);
		tap_ok(r.status == LG_EX_OK, "built %s: status OK (%s %s)", c->name, r.reason,
		       r.detail);
		tap_is_str(lg_buf_cstr(&g.log), c->want, c->name);
		for (size_t j = 0; j < 6 && c->absent[j]; j++)
			tap_ok(!strstr(lg_buf_cstr(&g.log), c->absent[j]), "built %s: no \"%.*s\"",
			       c->name, (int)strcspn(c->absent[j], "\n"), c->absent[j]);
		got_free(&g);
		free(zip);
	}
}

/* test_repeats - repeat counts far beyond what is shown are capped, not materialised */
static void test_repeats(void)
{
	struct lg_ex_limits lim = default_limits();
	struct part parts[] = {
		{ "mimetype", MT_ODS },
		{ "content.xml", CONTENT(
		  "<office:spreadsheet><table:table table:name=\"t\">"
		  "<table:table-row><table:table-cell table:number-columns-repeated=\"100000\"><text:p>r</text:p></table:table-cell></table:table-row>"
		  "<table:table-row table:number-rows-repeated=\"1000000\"><table:table-cell><text:p>行</text:p></table:table-cell></table:table-row>"
		  "<table:table-row><table:table-cell table:number-columns-repeated=\"1000000\"/><table:table-cell><text:p>端</text:p></table:table-cell></table:table-row>"
		  "<table:table-row><table:table-cell><text:p>a<text:s text:c=\"99999999\"/>b</text:p></table:table-cell></table:table-row>"
		  "</table:table></office:spreadsheet>") },
	};
	size_t len;
	char *zip = build_zip(parts, 2, false, &len);
	struct got g = { 0 };
	struct lg_ex_result r = run(zip, len, &lim, &g);
	tap_ok(r.status == LG_EX_OK, "repeats: status OK (%s %s)", r.reason, r.detail);
	tap_is_long((long)(g.nrows ? g.ncells[0] : 0), 1024, "a value repeated 100000 times: 1024 cells");
	tap_is_long((long)g.nrows, 1 + 1024 + 1 + 1, "a row repeated 1000000 times: 1024 rows");
	tap_is_long((long)(g.nrows > 1025 ? g.ncells[1025] : 0), 16384,
		    "a value after 1000000 empty cells: row capped at 16384 cells");
	tap_is_str(cell(&g, 1025, 16383), "端", "the value is the last cell");
	tap_is_long(cell(&g, 1026, 0) ? (long)strlen(cell(&g, 1026, 0)) : 0, 1026,
		    "text:s c=99999999: 1024 spaces");
	got_free(&g);
	free(zip);
}

/* test_amplification - repeats that would build a row far beyond the text budget stop early */
static void test_amplification(void)
{
	struct lg_ex_limits lim = default_limits();
	struct lg_buf c = LG_BUF_INIT;
	char value[1001];

	memset(value, 'v', 1000);
	value[1000] = '\0';
	lg_buf_puts(&c, "<office:document-content " NS "><office:body><office:spreadsheet>"
			"<table:table table:name=\"t\"><table:table-row>");
	for (int i = 0; i < 100; i++)	/* 100 x 1024 x 1000 bytes: 100 MB from 100 KB */
		lg_buf_printf(&c, "<table:table-cell table:number-columns-repeated=\"1024\">"
			      "<text:p>%s</text:p></table:table-cell>", value);
	lg_buf_puts(&c, "</table:table-row></table:table></office:spreadsheet></office:body>"
			"</office:document-content>");
	struct part parts[] = { { "mimetype", MT_ODS }, { "content.xml", c.data } };
	size_t len;
	char *zip = build_zip(parts, 2, false, &len);
	struct got g = { 0 };
	struct lg_ex_result r = run(zip, len, &lim, &g);
	tap_is_str(r.reason, "limit:text_size", "a 100 MB row from repeats: limit:text_size");
	tap_is_long((long)g.nrows, 0, "the row was not built past the budget");
	got_free(&g);
	free(zip);
	lg_buf_free(&c);
}

/* test_encrypted - the manifest says content.xml is encrypted */
static void test_encrypted(void)
{
	struct lg_ex_limits lim = default_limits();
	struct part parts[] = {
		{ "mimetype", MT_ODS },
		{ "META-INF/manifest.xml", MANIFEST(
		  "<manifest:encryption-data manifest:checksum-type=\"SHA1/1K\" manifest:checksum=\"x\">"
		  "<manifest:algorithm manifest:algorithm-name=\"http://www.w3.org/2001/04/xmlenc#aes256-cbc\" "
		  "manifest:initialisation-vector=\"x\"/></manifest:encryption-data>") },
		{ "content.xml", "\x8f\x12 not XML: ciphertext" },
	};
	size_t len;
	char *zip = build_zip(parts, 3, false, &len);
	struct got g = { 0 };
	struct lg_ex_result r = run(zip, len, &lim, &g);
	tap_ok(r.status == LG_EX_ENCRYPTED, "encrypted ODF: LG_EX_ENCRYPTED (%d %s)", r.status,
	       r.detail);
	tap_is_str(r.reason, "encrypted", "encrypted ODF: reason");
	got_free(&g);
	free(zip);

	/* a ZipCrypto-encrypted zip of an ODF document */
	zip = build_zip(ods_parts, sizeof ods_parts / sizeof ods_parts[0], true, &len);
	r = run(zip, len, &lim, &g);
	tap_ok(r.status == LG_EX_ENCRYPTED, "ZipCrypto ODF: LG_EX_ENCRYPTED (%d %s)", r.status,
	       r.detail);
	got_free(&g);
	free(zip);
}

/* test_limits - each named limit on the ods fixture */
static void test_limits(void)
{
	size_t len;
	char *data = slurp("contacts.ods", &len);
	if (!tap_ok(data != NULL, "limits: fixture readable"))
		return;
	struct {
		const char *name;
		size_t member_size;
		unsigned members;
		size_t text_size;
		int64_t deadline;
		const char *reason;
	} cases[] = {
		{ "member_size 100", 100, 1000, 20u << 20, 0, "limit:member_size" },
		{ "members 1", 25u << 20, 1, 20u << 20, 0, "limit:archive_members" },
		{ "text_size 50", 25u << 20, 1000, 50, 0, "limit:text_size" },
		{ "deadline passed", 25u << 20, 1000, 20u << 20, 1, "limit:time" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct lg_ex_limits lim = default_limits();
		struct got g = { 0 };
		lim.member_size = cases[i].member_size;
		lim.members = cases[i].members;
		lim.text_size = cases[i].text_size;
		lim.deadline_ms = cases[i].deadline;
		struct lg_ex_result r = run(data, len, &lim, &g);
		tap_ok(r.status == LG_EX_LIMIT, "%s: LG_EX_LIMIT (got %d)", cases[i].name, r.status);
		tap_is_str(r.reason, cases[i].reason, cases[i].name);
		got_free(&g);
	}
	free(data);
}

/* test_damaged - truncated, non-ODF, random and malformed input */
static void test_damaged(void)
{
	struct lg_ex_limits lim = default_limits();
	struct got g = { 0 };
	struct lg_ex_result r;
	size_t len, zlen;
	char *data, *zip;

	data = slurp("contacts.ods", &len);
	if (data) {
		r = run(data, len / 2, &lim, &g);
		tap_ok(r.status == LG_EX_CORRUPT, "contacts.ods cut in half: LG_EX_CORRUPT (%s)",
		       r.detail);
		got_free(&g);
		free(data);
	}
	data = slurp("not-office.zip", &len);
	if (data) {
		r = run(data, len, &lim, &g);
		tap_ok(r.status == LG_EX_UNSUPPORTED, "not-office.zip: LG_EX_UNSUPPORTED (%d %s)",
		       r.status, r.detail);
		got_free(&g);
		free(data);
	}
	data = slurp("contacts.xlsx", &len);
	if (data) {
		r = run(data, len, &lim, &g);
		tap_ok(r.status == LG_EX_UNSUPPORTED, "an xlsx: LG_EX_UNSUPPORTED (%d %s)",
		       r.status, r.detail);
		got_free(&g);
		free(data);
	}

	char noise[4096];
	uint32_t seed = 777;
	for (size_t i = 0; i < sizeof noise; i++) {
		seed = seed * 1103515245u + 12345u;
		noise[i] = (char)(seed >> 16);
	}
	r = run(noise, sizeof noise, &lim, &g);
	tap_ok(r.status == LG_EX_CORRUPT, "random bytes: LG_EX_CORRUPT (%s)", r.detail);
	got_free(&g);

	struct part epub[] = {
		{ "mimetype", "application/epub+zip" },
		{ "META-INF/container.xml", "<container/>" },
		{ "content.xml", CONTENT("") },
	};
	zip = build_zip(epub, 3, false, &zlen);
	r = run(zip, zlen, &lim, &g);
	tap_ok(r.status == LG_EX_UNSUPPORTED, "EPUB (mimetype of another kind): LG_EX_UNSUPPORTED");
	got_free(&g);
	free(zip);

	struct part nocontent[] = {
		{ "mimetype", MT_ODT },
		{ "META-INF/manifest.xml", MANIFEST("") },
	};
	zip = build_zip(nocontent, 2, false, &zlen);
	r = run(zip, zlen, &lim, &g);
	tap_ok(r.status == LG_EX_CORRUPT, "ODF mimetype without content.xml: LG_EX_CORRUPT (%s)",
	       r.detail);
	got_free(&g);
	free(zip);

	/* no mimetype, but manifest and content: still read */
	struct part nomime[] = {
		{ "META-INF/manifest.xml", MANIFEST("") },
		{ "content.xml", CONTENT("<office:text><text:p>本文</text:p></office:text>") },
	};
	zip = build_zip(nomime, 2, false, &zlen);
	r = run(zip, zlen, &lim, &g);
	tap_ok(r.status == LG_EX_OK && strcmp(lg_buf_cstr(&g.log), "T:本文\n") == 0,
	       "no mimetype entry, manifest and content.xml: read (%s)", r.detail);
	got_free(&g);
	free(zip);

	struct lg_buf content = LG_BUF_INIT;
	lg_buf_puts(&content, "<office:document-content " NS "><office:body><office:text>\n");
	for (int i = 1; i <= 100; i++)
		lg_buf_printf(&content, "<text:p>段落%d</text:p>\n", i);
	lg_buf_puts(&content, "<text:p>壊れ</text:span></office:text>");
	struct part broken[] = {
		{ "mimetype", MT_ODT },
		{ "content.xml", content.data },
	};
	zip = build_zip(broken, 2, false, &zlen);
	r = run(zip, zlen, &lim, &g);
	tap_ok(r.status == LG_EX_CORRUPT, "malformed content.xml: LG_EX_CORRUPT");
	tap_ok(strstr(r.detail, "content.xml: line 102") != NULL,
	       "detail has the part, line and libxml2's message: %s", r.detail);
	tap_ok(strstr(lg_buf_cstr(&g.text), "段落1\n") != NULL,
	       "paragraphs before the error stay emitted");
	got_free(&g);
	free(zip);
	lg_buf_free(&content);
}

int main(void)
{
	test_fixtures();
	test_built();
	test_repeats();
	test_amplification();
	test_encrypted();
	test_limits();
	test_damaged();
	return tap_done();
}
