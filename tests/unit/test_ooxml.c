/* test_ooxml.c - lg_ooxml_extract on LibreOffice-made xlsx/docx/pptx fixtures and on small
 * packages built here (furigana, inline strings, numbers, sparse cells, text boxes, tracked
 * changes, field codes), plus limits, damaged input and the UTF-8 repair of emitted text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/extract.h"
#include "content/zipparts.h"
#include "lg_buf.h"
#include "tests/unit/ex_collect.h"
#include "tests/unit/tap.h"

/* run - lg_ooxml_extract on data into g with lim; returns the result */
static struct lg_ex_result run(const char *data, size_t len, const struct lg_ex_limits *lim,
			       struct got *g)
{
	return got_run(lg_ooxml_extract, data, len, lim, g);
}

#define CT_XML "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" \
	"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"
#define RELS_NS "http://schemas.openxmlformats.org/package/2006/relationships"
#define R_NS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define SS_NS "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define ROOT_RELS(target) \
	"<Relationships xmlns=\"" RELS_NS "\"><Relationship Id=\"rId1\" Type=\"" R_NS \
	"/officeDocument\" Target=\"" target "\"/></Relationships>"

/* A workbook whose sheet order differs from its file numbering, one sheet reached by an absolute
 * target, one sheet part the workbook does not list, furigana, rich runs, every cell type. */
static const struct ex_part xlsx_parts[] = {
	{ "[Content_Types].xml", CT_XML },
	{ "_rels/.rels", ROOT_RELS("xl/workbook.xml") },
	{ "xl/workbook.xml",
	  "<workbook xmlns=\"" SS_NS "\" xmlns:r=\"" R_NS "\"><sheets>"
	  "<sheet name=\"第一\" sheetId=\"1\" r:id=\"rId7\"/>"
	  "<sheet name=\"第二\" sheetId=\"2\" r:id=\"rId8\" state=\"hidden\"/>"
	  "<sheet name=\"グラフ\" sheetId=\"3\" r:id=\"rId9\"/>"
	  "</sheets></workbook>" },
	{ "xl/_rels/workbook.xml.rels",
	  "<Relationships xmlns=\"" RELS_NS "\">"
	  "<Relationship Id=\"rId7\" Type=\"" R_NS "/worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/>"
	  "<Relationship Id=\"rId8\" Type=\"" R_NS "/worksheet\" Target=\"worksheets/../worksheets/sheet1.xml\"/>"
	  "<Relationship Id=\"rId9\" Type=\"" R_NS "/chartsheet\" Target=\"chartsheets/sheet1.xml\"/>"
	  "<Relationship Id=\"rId3\" Type=\"" R_NS "/sharedStrings\" Target=\"sharedStrings.xml\"/>"
	  "</Relationships>" },
	{ "xl/sharedStrings.xml",
	  "<sst xmlns=\"" SS_NS "\" count=\"4\" uniqueCount=\"4\">"
	  "<si><r><t>山田</t></r><r><rPr><b/></rPr><t>太郎</t></r>"
	  "<rPh sb=\"0\" eb=\"2\"><t>ヤマダタロウ</t></rPh><phoneticPr fontId=\"1\"/></si>"
	  "<si><t>090-1234-5678</t></si>"
	  "<si><t xml:space=\"preserve\"> 東京 &amp; 大阪 </t></si>"
	  "<si/>"
	  "</sst>" },
	{ "xl/worksheets/sheet2.xml",
	  "<worksheet xmlns=\"" SS_NS "\"><sheetData>"
	  "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"s\"><v>1</v></c></row>"
	  "<row r=\"2\"/>"
	  "<row r=\"3\"><c r=\"A3\" s=\"1\"/><c r=\"B3\" t=\"s\"><v>3</v></c></row>"
	  "<row r=\"4\"><c r=\"A4\"><v>9012345678</v></c>"
	  "<c r=\"B4\" t=\"inlineStr\"><is><t>インライン</t></is></c>"
	  "<c r=\"C4\" t=\"b\"><v>1</v></c><c r=\"D4\" t=\"e\"><v>#N/A</v></c>"
	  "<c r=\"E4\" t=\"str\"><f>CONCATENATE(\"a\",\"b\")</f><v>ab</v></c>"
	  "<c r=\"F4\" s=\"2\"/></row>"
	  "<row r=\"5\"><c r=\"B5\" t=\"inlineStr\"><is><r><t>佐藤</t></r><r><t>花子</t></r>"
	  "<rPh sb=\"0\" eb=\"2\"><t>サトウハナコ</t></rPh></is></c></row>"
	  "<row><c t=\"s\"><v>2</v></c><c><v>1.5E-3</v></c></row>"
	  "<row r=\"7\"><c r=\"A7\" t=\"s\"><v>99</v></c><c r=\"B7\" t=\"b\"><v>0</v></c></row>"
	  "</sheetData></worksheet>" },
	{ "xl/worksheets/sheet1.xml",
	  "<worksheet xmlns=\"" SS_NS "\"><sheetData>"
	  "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>二枚目</t></is></c></row>"
	  "</sheetData></worksheet>" },
	{ "xl/worksheets/sheet3.xml",
	  "<worksheet xmlns=\"" SS_NS "\"><sheetData>"
	  "<row r=\"9\"><c r=\"AA9\" t=\"inlineStr\"><is><t>孤立</t></is></c></row>"
	  "</sheetData></worksheet>" },
	{ "xl/worksheets/_rels/sheet3.xml.rels", "<Relationships xmlns=\"" RELS_NS "\"/>" },
	{ "xl/comments1.xml",
	  "<comments xmlns=\"" SS_NS "\"><authors><author>作成者</author></authors><commentList>"
	  "<comment ref=\"A1\" authorId=\"0\"><text><r><t>メモ：</t></r><r><t>090-0000-1111</t></r>"
	  "</text></comment></commentList></comments>" },
};

static const char xlsx_want[] =
	"S:第一\n"
	"R:[山田太郎][][090-1234-5678]\n"
	"R:[9012345678][インライン][TRUE][][ab]\n"
	"R:[][佐藤花子]\n"
	"R:[ 東京 & 大阪 ][1.5E-3]\n"
	"R:[][FALSE]\n"
	"S:第二\n"
	"R:[二枚目]\n"
	"S:(null)\n"
	"R:[][][][][][][][][][][][][][][][][][][][][][][][][][][孤立]\n"
	"T:メモ：090-0000-1111\n";

#define DOC_OPEN "<w:document xmlns:w=\"" W_NS "\" " \
	"xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" " \
	"xmlns:wps=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\"><w:body>"

/* A document with tab stops, breaks, field codes, tracked changes, a text box written twice
 * (mc:Choice and mc:Fallback), ruby, a nested table and an empty paragraph. */
static const struct ex_part docx_parts[] = {
	{ "[Content_Types].xml", CT_XML },
	{ "_rels/.rels", ROOT_RELS("/word/document.xml") },
	{ "word/document.xml",
	  DOC_OPEN
	  "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>"
	  "<w:r><w:t>氏名</w:t></w:r><w:r><w:tab/><w:t>電話</w:t><w:br/><w:t xml:space=\"preserve\">二行目 </w:t></w:r></w:p>"
	  "<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> HYPERLINK \"mailto:x@example.com\" </w:instrText></w:r>"
	  "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>リンク</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
	  "<w:del w:id=\"1\" w:author=\"a\"><w:r><w:delText>削除 03-1111-2222</w:delText></w:r></w:del>"
	  "<w:ins w:id=\"2\" w:author=\"a\"><w:r><w:t>挿入</w:t></w:r></w:ins></w:p>"
	  "<w:p><w:r><w:t>前</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:txbx><w:txbxContent>"
	  "<w:p><w:r><w:t>テキストボックス 080-1111-2222</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice>"
	  "<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>テキストボックス 080-1111-2222</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>"
	  "</mc:AlternateContent></w:r><w:r><w:t>後</w:t></w:r></w:p>"
	  "<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"w14\"><w:drawing/></mc:Choice>"
	  "<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>代替だけ</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>"
	  "</mc:AlternateContent></w:r></w:p>"
	  "<w:p><w:r><w:ruby><w:rubyPr/><w:rt><w:r><w:t>やまだ</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>山田</w:t></w:r></w:rubyBase></w:ruby></w:r>"
	  "<w:r><w:t>様</w:t></w:r><w:r><w:noBreakHyphen/><w:t>1</w:t></w:r></w:p>"
	  "<w:p/>"
	  "<w:tbl><w:tblPr/><w:tr><w:tc><w:p><w:r><w:t>A</w:t></w:r></w:p><w:p/><w:p><w:r><w:t>A2</w:t></w:r></w:p></w:tc>"
	  "<w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>内1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>内2</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
	  "<w:p/></w:tc><w:tc/><w:tc><w:p><w:r><w:t>D</w:t></w:r></w:p></w:tc></w:tr>"
	  "<w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>"
	  "<w:p><w:r><w:t>終</w:t></w:r></w:p>"
	  "</w:body></w:document>" },
	{ "word/header2.xml", "<w:hdr xmlns:w=\"" W_NS "\"><w:p><w:r><w:t>ヘッダー2</w:t></w:r></w:p></w:hdr>" },
	{ "word/header10.xml", "<w:hdr xmlns:w=\"" W_NS "\"><w:p><w:r><w:t>ヘッダー10</w:t></w:r></w:p></w:hdr>" },
	{ "word/footer1.xml", "<w:ftr xmlns:w=\"" W_NS "\"><w:p><w:r><w:t>フッター</w:t></w:r></w:p></w:ftr>" },
	{ "word/endnotes.xml", "<w:endnotes xmlns:w=\"" W_NS "\"><w:endnote w:id=\"1\"><w:p><w:r><w:t>文末脚注</w:t></w:r></w:p></w:endnote></w:endnotes>" },
	{ "word/comments.xml", "<w:comments xmlns:w=\"" W_NS "\"><w:comment w:id=\"0\" w:author=\"作者\"><w:p><w:r><w:t>コメント</w:t></w:r></w:p></w:comment></w:comments>" },
};

static const char docx_want[] =
	"T:氏名\t電話\n二行目 \n"
	"T:リンク削除 03-1111-2222挿入\n"
	"T:テキストボックス 080-1111-2222\n"
	"T:前後\n"
	"T:代替だけ\n"
	"T:山田様-1\n"
	"S:(null)\n"
	"R:[A\nA2][内1\n内2][][D]\n"
	"T:終\n"
	"T:ヘッダー2\n"
	"T:ヘッダー10\n"
	"T:フッター\n"
	"T:文末脚注\n"
	"T:コメント\n";

#define P_NS "http://schemas.openxmlformats.org/presentationml/2006/main"
#define A_NS "http://schemas.openxmlformats.org/drawingml/2006/main"
#define SLIDE(body) "<p:sld xmlns:p=\"" P_NS "\" xmlns:a=\"" A_NS "\"><p:cSld><p:spTree>" body \
	"</p:spTree></p:cSld></p:sld>"

/* Slides numbered 2 and 10 (number order, not name order), tab stops, a legacy comment. */
static const struct ex_part pptx_parts[] = {
	{ "[Content_Types].xml", CT_XML },
	{ "_rels/.rels", ROOT_RELS("ppt/presentation.xml") },
	{ "ppt/presentation.xml", "<p:presentation xmlns:p=\"" P_NS "\"/>" },
	{ "ppt/slides/slide10.xml",
	  SLIDE("<p:sp><p:txBody><a:bodyPr/><a:p><a:pPr><a:tabLst><a:tab pos=\"1\"/></a:tabLst></a:pPr>"
		"<a:r><a:rPr lang=\"ja-JP\"/><a:t>十枚目</a:t></a:r><a:br/><a:r><a:t>二行</a:t></a:r></a:p></p:txBody></p:sp>") },
	{ "ppt/slides/slide2.xml",
	  SLIDE("<p:sp><p:txBody><a:p><a:r><a:t>二枚目</a:t></a:r></a:p></p:txBody></p:sp>") },
	{ "ppt/comments/comment1.xml",
	  "<p:cmLst xmlns:p=\"" P_NS "\"><p:cm authorId=\"0\" idx=\"1\"><p:pos x=\"1\" y=\"1\"/>"
	  "<p:text>確認 090-2222-3333</p:text></p:cm></p:cmLst>" },
};

static const char pptx_want[] =
	"T:二枚目\n"
	"T:十枚目\n二行\n"
	"T:確認 090-2222-3333\n";

/* ---- tests ------------------------------------------------------------------------------- */

static const struct ex_fixture_case fixtures[] = {
	{ "contacts.xlsx", 21, "080-2345-6789", "池田 芽依", "contacts", EX_CONTACTS_TEXTS,
	  EX_CONTACTS_CELLS },
	{ "memo.docx", 6, "080-2345-6789", "田中 健太", NULL, EX_MEMO_TEXTS,
	  EX_MEMO_CELLS },
	{ "slides.pptx", 4, "080-2345-6789", "鈴木 一郎", NULL, EX_SLIDES_TEXTS,
	  EX_SLIDES_CELLS },
};

/* test_fixtures - the LibreOffice-made files */
static void test_fixtures(void)
{
	struct lg_ex_limits lim = ex_default_limits();

	for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++) {
		struct got g = { 0 };
		struct lg_ex_result r;
		if (got_check_fixture(lg_ooxml_extract, &fixtures[i], &lim, &g, &r))
			tap_ok(r.text_bytes > 0, "%s: text bytes counted (%llu)", fixtures[i].file,
			       (unsigned long long)r.text_bytes);
		got_free(&g);
	}
}

static const struct ex_built_case built[] = {
	{ "xlsx", xlsx_parts, sizeof xlsx_parts / sizeof xlsx_parts[0], xlsx_want,
	  { "ヤマダ", "サトウ", "作成者", "CONCATENATE", "#N/A", "グラフ" } },
	{ "docx", docx_parts, sizeof docx_parts / sizeof docx_parts[0], docx_want,
	  { "HYPERLINK", "やまだ", "作者", "T:\t" } },
	{ "pptx", pptx_parts, sizeof pptx_parts / sizeof pptx_parts[0], pptx_want, { "\t" } },
};

/* test_built - packages made here: exact transcript of what comes out */
static void test_built(void)
{
	struct lg_ex_limits lim = ex_default_limits();

	for (size_t i = 0; i < sizeof built / sizeof built[0]; i++) {
		const struct ex_built_case *c = &built[i];
		struct got g = { 0 };
		got_check_built(lg_ooxml_extract, c, &lim, &g);
		for (size_t j = 0; j < 6 && c->absent[j]; j++)
			tap_ok(!strstr(lg_buf_cstr(&g.log), c->absent[j]), "built %s: no \"%s\"",
			       c->name, c->absent[j][strcspn(c->absent[j], "\t\n")] ? "(a tab)"
										     : c->absent[j]);
		got_free(&g);
	}
}

/* test_limits - each named limit on the xlsx fixture, and the ratio on a compressed blank part */
static void test_limits(void)
{
	size_t len;
	char *data = ex_slurp_copy("office", "contacts.xlsx", &len);
	if (!tap_ok(data != NULL, "limits: fixture readable"))
		return;
	const struct ex_limit_case cases[] = {
		{ "member_size 100", 100, 1000, 20u << 20, 0, "limit:member_size" },
		{ "members 1", 25u << 20, 1, 20u << 20, 0, "limit:archive_members" },
		{ "members 3 (main part listed, sheet not)", 25u << 20, 3, 20u << 20, 0,
		  "limit:archive_members" },
		{ "text_size 50", 25u << 20, 1000, 50, 0, "limit:text_size" },
		{ "deadline passed", 25u << 20, 1000, 20u << 20, 1, "limit:time" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct got g = { 0 };
		struct lg_ex_result r = got_check_limit(lg_ooxml_extract, data, len, &cases[i], &g);
		if (strcmp(cases[i].reason, "limit:text_size") == 0)
			tap_ok(r.text_bytes <= 50 && g.nrows > 0,
			       "text_size: rows before the limit stay emitted (%zu rows, %llu bytes)",
			       g.nrows, (unsigned long long)r.text_bytes);
		got_free(&g);
	}
	free(data);

	/* a sheet of 3 MB of blanks deflates about 1000:1 */
	size_t blank = 3u << 20;
	struct lg_buf big = LG_BUF_INIT;
	lg_buf_puts(&big, "<worksheet xmlns=\"" SS_NS "\"><sheetData><row r=\"1\"><c r=\"A1\" "
			  "t=\"inlineStr\"><is><t>先頭</t></is></c></row>");
	lg_buf_reserve(&big, blank);
	memset(big.data + big.len, ' ', blank);
	big.len += blank;
	lg_buf_puts(&big, "</sheetData></worksheet>");
	struct ex_part bomb[] = {
		{ "[Content_Types].xml", CT_XML },
		{ "_rels/.rels", ROOT_RELS("xl/workbook.xml") },
		{ "xl/workbook.xml", "<workbook xmlns=\"" SS_NS "\"/>" },
		{ "xl/worksheets/sheet1.xml", big.data },
	};
	size_t zlen;
	char *zip = ex_build_zip(bomb, 4, false, &zlen);
	struct lg_ex_limits lim = ex_default_limits();
	struct got g = { 0 };
	struct lg_ex_result r = run(zip, zlen, &lim, &g);
	tap_is_str(r.reason, "limit:archive_ratio", "3 MB of blanks in a few KB: archive_ratio");
	tap_is_long((long)g.nrows, 1, "the row before the limit was emitted");
	got_free(&g);
	lim.ratio = 100000;
	r = run(zip, zlen, &lim, &g);
	tap_ok(r.status == LG_EX_OK, "same part with ratio 100000: OK (%s %s)", r.reason, r.detail);
	got_free(&g);
	lim.member_size = 1u << 20;
	r = run(zip, zlen, &lim, &g);
	tap_is_str(r.reason, "limit:member_size", "same part over a 1 MB member_size");
	got_free(&g);
	free(zip);
	lg_buf_free(&big);
}

/* test_amplification - one long shared string in every cell of wide rows: stopped at the text
 * budget while the row is built, not after */
static void test_amplification(void)
{
	struct lg_ex_limits lim = ex_default_limits();
	struct lg_buf sst = LG_BUF_INIT, sheet = LG_BUF_INIT;

	lg_buf_puts(&sst, "<sst xmlns=\"" SS_NS "\"><si><t>");
	for (int i = 0; i < 10000; i++)
		lg_buf_putc(&sst, (char)('a' + i % 26));
	lg_buf_puts(&sst, "</t></si></sst>");
	lg_buf_puts(&sheet, "<worksheet xmlns=\"" SS_NS "\"><sheetData>");
	for (int row = 1; row <= 4; row++) {	/* 4 x 16384 x 10 KB: 640 MB from ~1 MB */
		lg_buf_printf(&sheet, "<row r=\"%d\">", row);
		for (int col = 0; col < 16384; col++)
			lg_buf_puts(&sheet, "<c t=\"s\"><v>0</v></c>");
		lg_buf_puts(&sheet, "</row>");
	}
	lg_buf_puts(&sheet, "</sheetData></worksheet>");
	struct ex_part parts[] = {
		{ "[Content_Types].xml", CT_XML },
		{ "_rels/.rels", ROOT_RELS("xl/workbook.xml") },
		{ "xl/workbook.xml", "<workbook xmlns=\"" SS_NS "\"/>" },
		{ "xl/sharedStrings.xml", sst.data },
		{ "xl/worksheets/sheet1.xml", sheet.data },
	};
	size_t zlen;
	char *zip = ex_build_zip(parts, 5, false, &zlen);
	struct got g = { 0 };
	struct lg_ex_result r = run(zip, zlen, &lim, &g);
	tap_is_str(r.reason, "limit:text_size", "640 MB of cells from one shared string: limit:text_size");
	tap_is_long((long)g.nrows, 0, "no row built past the budget");
	got_free(&g);
	free(zip);
	lg_buf_free(&sst);
	lg_buf_free(&sheet);
}

/* test_shared_strings_budget - the shared strings table is held while the sheets are read, so
 * it is held to the text budget at what it costs (bytes, NUL and offset a string) above a 1 MB
 * floor: many empty strings, or one long string in many runs, stop with limit:text_size and the
 * table's words; the same packages pass with the budget a little larger */
static void test_shared_strings_budget(void)
{
	static const struct {
		const char *name;
		unsigned strings;	/* <si/> elements */
		unsigned runs;		/* then one <si> of this many 1000-byte <t> runs */
		size_t text_size;
		bool refused;
	} cases[] = {
		{ "300,000 empty strings (2.7 MB of table), text_size 2M", 300000, 0, 2u << 20, true },
		{ "300,000 empty strings, text_size 3M", 300000, 0, 3u << 20, false },
		{ "one string of 3,000 runs (3 MB), text_size 2M", 0, 3000, 2u << 20, true },
		{ "one string of 3,000 runs, text_size 4M", 0, 3000, 4u << 20, false },
		{ "100,000 empty strings (0.9 MB: under the floor), text_size 100K", 100000, 0,
		  100u << 10, false },
	};
	struct lg_buf sst = LG_BUF_INIT;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		lg_buf_reset(&sst);
		lg_buf_puts(&sst, "<sst xmlns=\"" SS_NS "\"><si><t>first</t></si>");
		for (unsigned k = 0; k < cases[i].strings; k++)
			lg_buf_puts(&sst, "<si/>");
		if (cases[i].runs) {
			lg_buf_puts(&sst, "<si>");
			for (unsigned k = 0; k < cases[i].runs; k++) {
				lg_buf_puts(&sst, "<r><t>");
				for (int c = 0; c < 1000; c++)
					lg_buf_putc(&sst, (char)('a' + (k + (unsigned)c) % 26));
				lg_buf_puts(&sst, "</t></r>");
			}
			lg_buf_puts(&sst, "</si>");
		}
		lg_buf_puts(&sst, "</sst>");
		struct ex_part parts[] = {
			{ "[Content_Types].xml", CT_XML },
			{ "_rels/.rels", ROOT_RELS("xl/workbook.xml") },
			{ "xl/workbook.xml", "<workbook xmlns=\"" SS_NS "\"/>" },
			{ "xl/sharedStrings.xml", sst.data },
			{ "xl/worksheets/sheet1.xml", "<worksheet xmlns=\"" SS_NS "\"><sheetData>"
				"<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row></sheetData>"
				"</worksheet>" },
		};
		size_t zlen;
		char *zip = ex_build_zip(parts, 5, false, &zlen);
		struct lg_ex_limits lim = ex_default_limits();
		struct got g = { 0 };
		lim.text_size = cases[i].text_size;
		lim.ratio = 100000;	/* the table, not the compression, is under test */
		struct lg_ex_result r = run(zip, zlen, &lim, &g);
		if (cases[i].refused)
			tap_ok(r.status == LG_EX_LIMIT && !strcmp(r.reason, "limit:text_size") &&
				       strstr(r.detail, "xl/sharedStrings.xml: shared strings table") &&
				       g.nrows == 0,
			       "%s: limit:text_size (%s)", cases[i].name, r.detail);
		else
			tap_ok(r.status == LG_EX_OK && g.nrows == 1, "%s: read (%s %s)",
			       cases[i].name, r.reason, r.detail);
		got_free(&g);
		free(zip);
	}
	lg_buf_free(&sst);
}

/* sheet_with - a one-sheet package whose sheet is body (NUL-terminated); free the result */
static char *sheet_with(const char *body, size_t *zlen)
{
	struct ex_part parts[] = {
		{ "[Content_Types].xml", CT_XML },
		{ "_rels/.rels", ROOT_RELS("xl/workbook.xml") },
		{ "xl/workbook.xml", "<workbook xmlns=\"" SS_NS "\"/>" },
		{ "xl/worksheets/sheet1.xml", body },
	};
	return ex_build_zip(parts, 4, false, zlen);
}

/* test_sax_guards - what libxml2's tree builder refused and the SAX path refuses itself, with
 * the same words: more than 257 open elements, a run of character data over 10,000,000 bytes */
static void test_sax_guards(void)
{
	struct lg_ex_limits lim = ex_default_limits();
	struct lg_buf b = LG_BUF_INIT;
	struct got g = { 0 };
	struct lg_ex_result r;
	size_t zlen;
	char *zip;

	lim.ratio = 100000;	/* the parts below compress far better than 100:1 */
	/* worksheet, sheetData, row, c, is, t: 6 levels, then n more */
	for (int n = 251; n <= 252; n++) {
		lg_buf_reset(&b);
		lg_buf_puts(&b, "<worksheet xmlns=\"" SS_NS "\"><sheetData><row><c t=\"inlineStr\">"
				"<is><t>");
		for (int i = 0; i < n; i++)
			lg_buf_puts(&b, "<q>");
		lg_buf_puts(&b, "深い");
		for (int i = 0; i < n; i++)
			lg_buf_puts(&b, "</q>");
		lg_buf_puts(&b, "</t></is></c></row></sheetData></worksheet>");
		zip = sheet_with(b.data, &zlen);
		r = run(zip, zlen, &lim, &g);
		if (n == 251) {
			tap_ok(r.status == LG_EX_OK, "257 levels of elements: read (%s)", r.detail);
			tap_is_str(got_cell(&g, 0, 0), "深い", "the text 257 levels down");
		} else {
			tap_ok(r.status == LG_EX_CORRUPT && strstr(r.detail, "Excessive depth"),
			       "258 levels: corrupt, as libxml2 says it: %s", r.detail);
		}
		got_free(&g);
		free(zip);
	}

	/* 10,000,000 bytes of text are one text node still; one more byte is not */
	for (size_t n = 10000000; n <= 10000001; n++) {
		lg_buf_reset(&b);
		lg_buf_puts(&b, "<worksheet xmlns=\"" SS_NS "\"><sheetData><row><c t=\"inlineStr\">"
				"<is><t>");
		lg_buf_reserve(&b, n);
		memset(b.data + b.len, 'x', n);
		b.len += n;
		lg_buf_puts(&b, "</t></is></c></row></sheetData></worksheet>");
		zip = sheet_with(b.data, &zlen);
		r = run(zip, zlen, &lim, &g);
		if (n == 10000000)
			tap_ok(r.status == LG_EX_OK && r.text_bytes >= n,
			       "a 10,000,000-byte cell: read (%s, %llu bytes)", r.detail,
			       (unsigned long long)r.text_bytes);
		else
			tap_ok(r.status == LG_EX_CORRUPT && strstr(r.detail, "huge text node"),
			       "a 10,000,001-byte cell: corrupt, as libxml2 says it: %s", r.detail);
		got_free(&g);
		free(zip);
	}
	lg_buf_free(&b);
}

/* test_damaged - truncated, non-office, random and malformed input */
static void test_damaged(void)
{
	struct lg_ex_limits lim = ex_default_limits();
	struct got g = { 0 };
	struct lg_ex_result r;
	size_t len;
	char *data;

	data = ex_slurp_copy("office", "corrupt.xlsx", &len);
	if (data) {
		r = run(data, len, &lim, &g);
		tap_ok(r.status == LG_EX_CORRUPT, "corrupt.xlsx: LG_EX_CORRUPT (%s)", r.detail);
		tap_is_str(r.reason, "corrupt", "corrupt.xlsx: reason");
		got_free(&g);
		free(data);
	}
	got_check_unsupported(lg_ooxml_extract, "not-office.zip", "not-office.zip", &lim);

	/* random bytes, and random bytes behind a zip signature: rejected without a crash */
	char noise[4096];
	uint32_t seed = 12345;
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < sizeof noise; i++) {
			seed = seed * 1103515245u + 12345u;
			noise[i] = (char)(seed >> 16);
		}
		if (round == 1)
			memcpy(noise, "PK\003\004", 4);
		r = run(noise, sizeof noise, &lim, &g);
		tap_ok(r.status == LG_EX_CORRUPT, "random bytes%s: LG_EX_CORRUPT (%d %s)",
		       round ? " after PK\\3\\4" : "", r.status, r.detail);
		got_free(&g);
	}
	r = run("", 0, &lim, &g);
	tap_ok(r.status == LG_EX_CORRUPT, "empty input: LG_EX_CORRUPT");
	got_free(&g);

	/* a sheet that breaks off after 100 rows: the rows before the error stay emitted (the
	 * SAX parser calls back up to the error itself, so all of them) */
	struct lg_buf sheet = LG_BUF_INIT;
	lg_buf_puts(&sheet, "<worksheet xmlns=\"" SS_NS "\"><sheetData>\n");
	for (int i = 1; i <= 100; i++)
		lg_buf_printf(&sheet, "<row r=\"%d\"><c r=\"A%d\" t=\"inlineStr\"><is><t>行%d</t></is>"
			      "</c></row>\n", i, i, i);
	lg_buf_puts(&sheet, "<row r=\"101\"><c r=\"A101\"><v>1</v></c></oops>");
	struct ex_part broken[] = {
		{ "[Content_Types].xml", CT_XML },
		{ "_rels/.rels", ROOT_RELS("xl/workbook.xml") },
		{ "xl/workbook.xml", "<workbook xmlns=\"" SS_NS "\"/>" },
		{ "xl/worksheets/sheet1.xml", sheet.data },
	};
	size_t zlen;
	char *zip = ex_build_zip(broken, 4, false, &zlen);
	r = run(zip, zlen, &lim, &g);
	tap_ok(r.status == LG_EX_CORRUPT, "malformed sheet XML: LG_EX_CORRUPT");
	tap_ok(strstr(r.detail, "sheet1.xml") && strstr(r.detail, "line 102"),
	       "detail names the part and libxml2's message: %s", r.detail);
	tap_is_str(got_cell(&g, 0, 0), "行1", "rows before the error were emitted");
	tap_is_long((long)g.nrows, 100, "all 100 good rows came out");
	got_free(&g);
	free(zip);
	lg_buf_free(&sheet);

	/* a DTD (the way into entity expansion) is refused */
	broken[3].body = "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY a \"aaaaaaaaaa\">"
			 "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
			 "<worksheet xmlns=\"" SS_NS "\"><sheetData><row><c t=\"inlineStr\"><is>"
			 "<t>&b;</t></is></c></row></sheetData></worksheet>";
	zip = ex_build_zip(broken, 4, false, &zlen);
	r = run(zip, zlen, &lim, &g);
	tap_ok(r.status == LG_EX_CORRUPT && strstr(r.detail, "DTD"), "DTD refused: %s", r.detail);
	tap_is_long((long)g.nrows, 0, "nothing from the DTD part");
	got_free(&g);
	free(zip);

	/* an OPC package without a main part; a Visio-like main part */
	struct ex_part nomain[] = {
		{ "[Content_Types].xml", CT_XML },
		{ "docProps/core.xml", "<coreProperties/>" },
	};
	zip = ex_build_zip(nomain, 2, false, &zlen);
	r = run(zip, zlen, &lim, &g);
	tap_ok(r.status == LG_EX_CORRUPT, "package without a main part: LG_EX_CORRUPT (%s)",
	       r.detail);
	got_free(&g);
	free(zip);
	struct ex_part visio[] = {
		{ "[Content_Types].xml", CT_XML },
		{ "_rels/.rels", ROOT_RELS("visio/document.xml") },
		{ "visio/document.xml", "<VisioDocument/>" },
	};
	zip = ex_build_zip(visio, 3, false, &zlen);
	r = run(zip, zlen, &lim, &g);
	tap_ok(r.status == LG_EX_UNSUPPORTED, "Visio-like package: LG_EX_UNSUPPORTED (%s)",
	       r.detail);
	got_free(&g);
	free(zip);
}

/* A .rels that breaks off after its relationships were read: libxml2's reader hands them over
 * before it meets the error (it parses 512 bytes at a time, and white space comes first), so
 * read_rels holds some when it fails, and must free them (the ASan build's leak check fails
 * this test when it does not, as before 0d5737c). */
#define SHEET_ONE "<worksheet xmlns=\"" SS_NS "\"><sheetData><row><c t=\"inlineStr\"><is>" \
	"<t>一</t></is></c></row></sheetData></worksheet>"

/* broken_rels - such a .rels, its officeDocument relationship pointing at target */
static void broken_rels(struct lg_buf *b, const char *target)
{
	lg_buf_reset(b);
	lg_buf_printf(b, "<Relationships xmlns=\"%s\"><Relationship Id=\"rId1\" Type=\"%s"
		      "/officeDocument\" Target=\"%s\"/><Relationship Id=\"rId2\" Type=\"%s"
		      "/worksheet\" Target=\"worksheets/sheet1.xml\"/>", RELS_NS, R_NS, target, R_NS);
	for (int i = 0; i < 4096; i++)
		lg_buf_putc(b, ' ');
	lg_buf_puts(b, "</oops>");
}

struct rels_case {
	const char *name;
	bool root_broken;	/* the package's .rels is broken, else the workbook's */
	const char *detail;	/* in r.detail */
};

/* test_broken_rels - a malformed .rels of the package (read for the main part) and of the
 * workbook (read for its sheets): corrupt, named, nothing leaked */
static void test_broken_rels(void)
{
	static const struct rels_case cases[] = {
		{ "package .rels", true, "_rels/.rels: line 1: Opening and ending tag mismatch" },
		{ "workbook .rels", false,
		  "xl/_rels/workbook.xml.rels: line 1: Opening and ending tag mismatch" },
	};
	struct lg_ex_limits lim = ex_default_limits();
	struct lg_buf broken = LG_BUF_INIT;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct rels_case *c = &cases[i];
		broken_rels(&broken, c->root_broken ? "xl/workbook.xml" : "../x.xml");
		struct ex_part parts[] = {
			{ "[Content_Types].xml", CT_XML },
			{ "_rels/.rels", c->root_broken ? broken.data : ROOT_RELS("xl/workbook.xml") },
			{ "xl/workbook.xml", "<workbook xmlns=\"" SS_NS "\"/>" },
			{ "xl/_rels/workbook.xml.rels",
			  c->root_broken ? "<Relationships xmlns=\"" RELS_NS "\"/>" : broken.data },
			{ "xl/worksheets/sheet1.xml", SHEET_ONE },
		};
		size_t zlen;
		char *zip = ex_build_zip(parts, sizeof parts / sizeof parts[0], false, &zlen);
		struct got g = { 0 };
		struct lg_ex_result r = run(zip, zlen, &lim, &g);
		tap_ok(r.status == LG_EX_CORRUPT && strstr(r.detail, c->detail),
		       "broken %s: corrupt, naming it (%s)", c->name, r.detail);
		tap_ok(g.nrows == 0, "broken %s: no rows (%zu)", c->name, g.nrows);
		got_free(&g);
		free(zip);
	}
	lg_buf_free(&broken);
}

/* test_encrypted_and_stop - a ZipCrypto entry; a callback that asks to stop */
static void test_encrypted_and_stop(void)
{
	struct lg_ex_limits lim = ex_default_limits();
	struct got g = { 0 };
	size_t zlen;
	char *zip = ex_build_zip(xlsx_parts, sizeof xlsx_parts / sizeof xlsx_parts[0], true, &zlen);
	struct lg_ex_result r = run(zip, zlen, &lim, &g);
	tap_ok(r.status == LG_EX_ENCRYPTED, "ZipCrypto package: LG_EX_ENCRYPTED (%d %s)", r.status,
	       r.detail);
	tap_is_str(r.reason, "encrypted", "encrypted: reason");
	got_free(&g);
	free(zip);

	zip = ex_build_zip(xlsx_parts, sizeof xlsx_parts / sizeof xlsx_parts[0], false, &zlen);
	g.stop_after_rows = 2;
	r = run(zip, zlen, &lim, &g);
	tap_ok(r.status == LG_EX_STOPPED, "row callback asks to stop: LG_EX_STOPPED");
	tap_is_long((long)g.nrows, 2, "no row after the stop");
	got_free(&g);
	free(zip);
}

/* test_repair - emission repairs invalid UTF-8 (libxml2 never gives any; the guard is ours) */
static void test_repair(void)
{
	struct lg_ex_limits lim = ex_default_limits();
	struct got g = { 0 };
	struct lg_ex_out out = { got_text, got_row, got_table, &g };
	struct lg_ex_result r;
	struct lg_buf scratch = LG_BUF_INIT;
	memset(&r, 0, sizeof r);
	lg_zip_emit_text(&out, &lim, &r, &scratch, "a\xff" "b", 3);
	const char *cells[] = { "ok", "\xe3\x81" };
	size_t lens[] = { 2, 2 };
	lg_zip_emit_row(&out, &lim, &r, &scratch, cells, lens, 2);
	tap_is_str(lg_buf_cstr(&g.log), "T:a\xEF\xBF\xBD" "b\nR:[ok][\xEF\xBF\xBD]\n",
		   "invalid bytes become U+FFFD in text and cells");
	tap_is_long(g.bad_utf8, 0, "what reached the callbacks is valid");
	got_free(&g);

	/* a row built cell by cell is checked over the span its cells lie in: a sequence cut
	 * between two cells is invalid in both (the NUL between them is no continuation byte) */
	static const struct {
		const char *a, *b, *want;
	} rows[] = {
		{ "\xe3\x81", "\x82", "R:[\xEF\xBF\xBD][\xEF\xBF\xBD]\n" },
		{ "あ", "\xff", "R:[あ][\xEF\xBF\xBD]\n" },
		{ "\xe3\x81\x82", "い", "R:[あ][い]\n" },
	};
	struct lg_zip_row row = { 0 };
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		memset(&r, 0, sizeof r);
		lg_zip_row_reset(&row);
		lg_zip_row_add(&row, rows[i].a, strlen(rows[i].a));
		lg_zip_row_add(&row, rows[i].b, strlen(rows[i].b));
		lg_zip_row_emit(&row, &out, &lim, &r, &scratch);
		char name[64];
		snprintf(name, sizeof name, "row %zu: each cell repaired as it would be alone", i + 1);
		tap_is_str(lg_buf_cstr(&g.log), rows[i].want, name);
		tap_ok(g.bad_utf8 == 0, "row %zu: what reached the callback is valid", i + 1);
		got_free(&g);
	}
	lg_zip_row_free(&row);
	lg_buf_free(&scratch);
}

int main(void)
{
	test_fixtures();
	test_built();
	test_limits();
	test_amplification();
	test_shared_strings_budget();
	test_sax_guards();
	test_damaged();
	test_broken_rels();
	test_encrypted_and_stop();
	test_repair();
	return tap_done();
}
