/* test_odf.c - lg_odf_extract on LibreOffice-made ods/odt/odp fixtures and on small documents
 * built here (repeated cells and rows, values without text, annotations, notes, ruby, nested
 * tables, headers and footers), plus encryption, limits and damaged input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/extract.h"
#include "lg_buf.h"
#include "tests/unit/ex_collect.h"
#include "tests/unit/tap.h"

/* run - lg_odf_extract on data into g with lim; returns the result */
static struct lg_ex_result run(const char *data, size_t len, const struct lg_ex_limits *lim,
			       struct got *g)
{
	return got_run(lg_odf_extract, data, len, lim, g);
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
static const struct ex_part ods_parts[] = {
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
static const struct ex_part odt_parts[] = {
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

static const struct ex_fixture_case fixtures[] = {
	{ "contacts.ods", 21, "080-2345-6789", "池田 芽依", "contacts", EX_CONTACTS_TEXTS,
	  EX_CONTACTS_CELLS },
	{ "memo.odt", 6, "080-2345-6789", "田中 健太", "連絡先", EX_MEMO_TEXTS,
	  EX_MEMO_CELLS },
	{ "slides.odp", 4, "080-2345-6789", "鈴木 一郎", NULL, EX_SLIDES_TEXTS,
	  EX_SLIDES_CELLS },
};

/* test_fixtures - the LibreOffice-made files */
static void test_fixtures(void)
{
	struct lg_ex_limits lim = ex_default_limits();

	for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++) {
		struct got g = { 0 };
		struct lg_ex_result r;
		got_check_fixture(lg_odf_extract, &fixtures[i], &lim, &g, &r);
		got_free(&g);
	}
}

static const struct ex_built_case built[] = {
	{ "ods", ods_parts, sizeof ods_parts / sizeof ods_parts[0], ods_want,
	  { "やまだ", "作者", "2024-04-01\n" } },
	{ "odt", odt_parts, sizeof odt_parts / sizeof odt_parts[0], odt_want,
	  { "佐藤", "鈴木", "代替", "スタイル", "作成者", "22221" } },
};

/* test_built - documents made here: exact transcript of what comes out */
static void test_built(void)
{
	struct lg_ex_limits lim = ex_default_limits();

	for (size_t i = 0; i < sizeof built / sizeof built[0]; i++) {
		const struct ex_built_case *c = &built[i];
		struct got g = { 0 };
		got_check_built(lg_odf_extract, c, &lim, &g);
		for (size_t j = 0; j < 6 && c->absent[j]; j++)
			tap_ok(!strstr(lg_buf_cstr(&g.log), c->absent[j]), "built %s: no \"%.*s\"",
			       c->name, (int)strcspn(c->absent[j], "\n"), c->absent[j]);
		got_free(&g);
	}
}

/* test_repeats - repeat counts far beyond what is shown are capped, not materialised */
static void test_repeats(void)
{
	struct lg_ex_limits lim = ex_default_limits();
	struct ex_part parts[] = {
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
	char *zip = ex_build_zip(parts, 2, false, &len);
	struct got g = { 0 };
	struct lg_ex_result r = run(zip, len, &lim, &g);
	tap_ok(r.status == LG_EX_OK, "repeats: status OK (%s %s)", r.reason, r.detail);
	tap_is_long((long)(g.nrows ? g.ncells[0] : 0), 1024, "a value repeated 100000 times: 1024 cells");
	tap_is_long((long)g.nrows, 1 + 1024 + 1 + 1, "a row repeated 1000000 times: 1024 rows");
	tap_is_long((long)(g.nrows > 1025 ? g.ncells[1025] : 0), 16384,
		    "a value after 1000000 empty cells: row capped at 16384 cells");
	tap_is_str(got_cell(&g, 1025, 16383), "端", "the value is the last cell");
	tap_is_long(got_cell(&g, 1026, 0) ? (long)strlen(got_cell(&g, 1026, 0)) : 0, 1026,
		    "text:s c=99999999: 1024 spaces");
	got_free(&g);
	free(zip);
}

/* test_amplification - repeats that would build a row far beyond the text budget stop early */
static void test_amplification(void)
{
	struct lg_ex_limits lim = ex_default_limits();
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
	struct ex_part parts[] = { { "mimetype", MT_ODS }, { "content.xml", c.data } };
	size_t len;
	char *zip = ex_build_zip(parts, 2, false, &len);
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
	struct lg_ex_limits lim = ex_default_limits();
	struct ex_part parts[] = {
		{ "mimetype", MT_ODS },
		{ "META-INF/manifest.xml", MANIFEST(
		  "<manifest:encryption-data manifest:checksum-type=\"SHA1/1K\" manifest:checksum=\"x\">"
		  "<manifest:algorithm manifest:algorithm-name=\"http://www.w3.org/2001/04/xmlenc#aes256-cbc\" "
		  "manifest:initialisation-vector=\"x\"/></manifest:encryption-data>") },
		{ "content.xml", "\x8f\x12 not XML: ciphertext" },
	};
	size_t len;
	char *zip = ex_build_zip(parts, 3, false, &len);
	struct got g = { 0 };
	struct lg_ex_result r = run(zip, len, &lim, &g);
	tap_ok(r.status == LG_EX_ENCRYPTED, "encrypted ODF: LG_EX_ENCRYPTED (%d %s)", r.status,
	       r.detail);
	tap_is_str(r.reason, "encrypted", "encrypted ODF: reason");
	got_free(&g);
	free(zip);

	/* a ZipCrypto-encrypted zip of an ODF document */
	zip = ex_build_zip(ods_parts, sizeof ods_parts / sizeof ods_parts[0], true, &len);
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
	char *data = ex_slurp_copy("office", "contacts.ods", &len);
	if (!tap_ok(data != NULL, "limits: fixture readable"))
		return;
	const struct ex_limit_case cases[] = {
		{ "member_size 100", 100, 1000, 20u << 20, 0, "limit:member_size" },
		{ "members 1", 25u << 20, 1, 20u << 20, 0, "limit:archive_members" },
		{ "text_size 50", 25u << 20, 1000, 50, 0, "limit:text_size" },
		{ "deadline passed", 25u << 20, 1000, 20u << 20, 1, "limit:time" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct got g = { 0 };
		got_check_limit(lg_odf_extract, data, len, &cases[i], &g);
		got_free(&g);
	}
	free(data);
}

/* test_damaged - truncated, non-ODF, random and malformed input */
static void test_damaged(void)
{
	struct lg_ex_limits lim = ex_default_limits();
	struct got g = { 0 };
	struct lg_ex_result r;
	size_t len, zlen;
	char *data, *zip;

	data = ex_slurp_copy("office", "contacts.ods", &len);
	if (data) {
		r = run(data, len / 2, &lim, &g);
		tap_ok(r.status == LG_EX_CORRUPT, "contacts.ods cut in half: LG_EX_CORRUPT (%s)",
		       r.detail);
		got_free(&g);
		free(data);
	}
	got_check_unsupported(lg_odf_extract, "not-office.zip", "not-office.zip", &lim);
	got_check_unsupported(lg_odf_extract, "contacts.xlsx", "an xlsx", &lim);

	char noise[4096];
	uint32_t seed = 777;
	for (size_t i = 0; i < sizeof noise; i++) {
		seed = seed * 1103515245u + 12345u;
		noise[i] = (char)(seed >> 16);
	}
	r = run(noise, sizeof noise, &lim, &g);
	tap_ok(r.status == LG_EX_CORRUPT, "random bytes: LG_EX_CORRUPT (%s)", r.detail);
	got_free(&g);

	struct ex_part epub[] = {
		{ "mimetype", "application/epub+zip" },
		{ "META-INF/container.xml", "<container/>" },
		{ "content.xml", CONTENT("") },
	};
	zip = ex_build_zip(epub, 3, false, &zlen);
	r = run(zip, zlen, &lim, &g);
	tap_ok(r.status == LG_EX_UNSUPPORTED, "EPUB (mimetype of another kind): LG_EX_UNSUPPORTED");
	got_free(&g);
	free(zip);

	struct ex_part nocontent[] = {
		{ "mimetype", MT_ODT },
		{ "META-INF/manifest.xml", MANIFEST("") },
	};
	zip = ex_build_zip(nocontent, 2, false, &zlen);
	r = run(zip, zlen, &lim, &g);
	tap_ok(r.status == LG_EX_CORRUPT, "ODF mimetype without content.xml: LG_EX_CORRUPT (%s)",
	       r.detail);
	got_free(&g);
	free(zip);

	/* no mimetype, but manifest and content: still read */
	struct ex_part nomime[] = {
		{ "META-INF/manifest.xml", MANIFEST("") },
		{ "content.xml", CONTENT("<office:text><text:p>本文</text:p></office:text>") },
	};
	zip = ex_build_zip(nomime, 2, false, &zlen);
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
	struct ex_part broken[] = {
		{ "mimetype", MT_ODT },
		{ "content.xml", content.data },
	};
	zip = ex_build_zip(broken, 2, false, &zlen);
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
