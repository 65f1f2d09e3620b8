/* bench_extract.c - `make bench`: wall time, throughput and peak memory of base64 decoding, OOXML,
 * PDF and archive extraction and of lg_analyze() end to end. Every input is generated in memory at
 * start (random bytes, a zip written with libarchive, a PDF written by hand): nothing large lives in
 * the repository, nothing comes from the network. Each case runs in a child process of its own so
 * that its peak RSS (ru_maxrss from wait4) is its own. Not part of `make check`; see
 * tests/bench/README.md for what each case measures and the figures on the reference machine.
 *
 * Usage: bench_extract [substring...]   run only the cases whose name contains one of them */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <gmime/gmime.h>

#include "analyze/analyze.h"
#include "config/config.h"
#include "content/b64.h"
#include "content/extract.h"
#include "lg_buf.h"

#ifndef LG_BENCH_CFLAGS
#define LG_BENCH_CFLAGS "?"
#endif
#ifndef LG_BENCH_SAN_CFLAGS
#define LG_BENCH_SAN_CFLAGS ""
#endif

#define MB 1000000.0			/* figures are in MB of 10^6 bytes */
#define BENCH_MIN_RUNS 3		/* timed runs per case, at least ... */
#define BENCH_MIN_SECONDS 1.0		/* ... and until this much time was spent timing */
#define BENCH_MAX_RUNS 200
#define TARGET_MS 50.0			/* "a typical 2 MB office attachment in under 50 ms" */

/* Limits large enough to read everything: the benchmark measures work, not refusals. */
static const struct lg_ex_limits bench_limits = {
	.member_size = 512u << 20,
	.members = 100000,
	.ratio = 1000,
	.text_size = 512u << 20,
	.deadline_ms = 0,
};

/* What a child reports to the parent through a pipe. */
struct bench_result {
	bool ok;			/* the input was read as expected and timed */
	char note[200];			/* why not, or a remark */
	uint64_t in_bytes;		/* size of the input */
	uint64_t out_bytes;		/* decoded bytes, extracted text or member bytes */
	unsigned runs;			/* timed runs */
	double best_s, median_s;
	long base_kb;			/* RSS before the first run (input included) */
	bool hwm_reset;			/* the RSS high-water mark was reset before the first run */
	uint64_t rows;			/* table rows in the input (xlsx, docx), for the summary */
};

/* One operation to time: returns false (with a note) when the result is not the expected one. */
typedef bool (*bench_op)(void *ctx, uint64_t *out_bytes, char *note, size_t notelen);

/* ---- small helpers ------------------------------------------------------------------------ */

/* A sink the callbacks write into so that no byte handed over goes unread. */
static volatile uint64_t bench_sink;

/* rng_next - xorshift64*: a fixed, fast pseudo-random sequence (the same inputs every run) */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

/* rng_below - a pseudo-random number in [0, n) */
static unsigned rng_below(uint64_t *s, unsigned n)
{
	return (unsigned)((rng_next(s) >> 32) % n);
}

/* fill_random - n pseudo-random bytes at p */
static void fill_random(unsigned char *p, size_t n, uint64_t *s)
{
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t v = rng_next(s);
		memcpy(p + i, &v, 8);
	}
	for (; i < n; i++)
		p[i] = (unsigned char)rng_next(s);
}

/* now_s - CLOCK_MONOTONIC in seconds */
static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* rss_kb - the current resident set size from /proc/self/status, or -1 */
static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "VmRSS:", 6) == 0) {
			kb = strtol(line + 6, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

/* reset_hwm - reset this process's RSS high-water mark (Linux >= 4.0), so that ru_maxrss at exit
 * covers what happens from here on and not the generation of the input */
static bool reset_hwm(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = write(fd, "5", 1) == 1;
	close(fd);
	return ok;
}

/* fmt_checked - snprintf into a buffer sized for the result: being cut short is a bug (exit 2) */
static void fmt_checked(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fmt_checked(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		fprintf(stderr, "bench_extract: internal error: \"%s\" cut short\n", fmt);
		exit(2);
	}
}

/* note_printf - a printf note into note (a note cut short is still a note) */
static void note_printf(char *note, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void note_printf(char *note, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	(void)vsnprintf(note, len, fmt, ap);
	va_end(ap);
}

/* cmp_double - qsort order for doubles */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* measure - reset the memory high-water mark, run op once to check it (not timed), then time it
 * BENCH_MIN_RUNS times or for BENCH_MIN_SECONDS, whichever is longer */
static void measure(struct bench_result *res, bench_op op, void *ctx)
{
	static double times[BENCH_MAX_RUNS];
	uint64_t out = 0;
	double spent = 0;

	malloc_trim(0);		/* what generating the input freed is not part of the baseline */
	res->hwm_reset = reset_hwm();
	res->base_kb = rss_kb();
	if (!op(ctx, &out, res->note, sizeof res->note))
		return;
	res->out_bytes = out;
	unsigned n = 0;
	while (n < BENCH_MAX_RUNS && (n < BENCH_MIN_RUNS || spent < BENCH_MIN_SECONDS)) {
		double t0 = now_s();
		bool ok = op(ctx, &out, res->note, sizeof res->note);
		times[n] = now_s() - t0;
		if (!ok)
			return;
		spent += times[n++];
	}
	qsort(times, n, sizeof times[0], cmp_double);
	res->runs = n;
	res->best_s = times[0];
	res->median_s = n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
	res->ok = true;
}

/* ---- generated content: names, phone numbers, addresses ---------------------------------- */

static const struct { const char *kanji, *romaji; } family_names[] = {
	{ "佐藤", "sato" }, { "鈴木", "suzuki" }, { "高橋", "takahashi" }, { "田中", "tanaka" },
	{ "伊藤", "ito" }, { "渡辺", "watanabe" }, { "山本", "yamamoto" }, { "中村", "nakamura" },
	{ "小林", "kobayashi" }, { "加藤", "kato" }, { "吉田", "yoshida" }, { "山田", "yamada" },
	{ "佐々木", "sasaki" }, { "山口", "yamaguchi" }, { "松本", "matsumoto" }, { "井上", "inoue" },
	{ "木村", "kimura" }, { "林", "hayashi" }, { "斎藤", "saito" }, { "清水", "shimizu" },
};
static const struct { const char *kanji, *romaji; } given_names[] = {
	{ "太郎", "taro" }, { "花子", "hanako" }, { "翔太", "shota" }, { "陽菜", "hina" },
	{ "健一", "kenichi" }, { "美咲", "misaki" }, { "大輔", "daisuke" }, { "結衣", "yui" },
	{ "直樹", "naoki" }, { "彩", "aya" }, { "拓也", "takuya" }, { "愛", "ai" },
	{ "蓮", "ren" }, { "葵", "aoi" }, { "誠", "makoto" }, { "真由美", "mayumi" },
};
static const char *const mail_domains[] = {
	"example.co.jp", "example.com", "example.ne.jp", "mail.example.jp", "example.org",
};
/* Japanese filler for running text (docx paragraphs). */
static const char *const phrases[] = {
	"本件につきましては、", "先日の打ち合わせの内容を踏まえ、", "下記のとおりご報告いたします。",
	"ご確認のほどよろしくお願いいたします。", "担当者の連絡先は以下のとおりです。",
	"来期の予算については", "引き続き検討を進めてまいります。", "お客様からのご要望として、",
	"納期は来月末を予定しております。", "詳細は添付資料をご参照ください。",
	"会議室の予約は総務部までご連絡ください。", "なお、", "また、", "したがって、",
	"新しい業務フローの導入に伴い、", "関係各位にご協力をお願いする次第です。",
	"前回の議事録に誤りがありましたので訂正いたします。", "売上は前年同期比で",
	"パーセント増加しました。", "システムの切り替えは週末に実施します。",
};

/* A made-up person: names, a mobile number and an address. */
struct person {
	const char *family_kanji, *given_kanji;
	char romaji[48];
	char phone[16];
	char email[80];
};

/* person_make - a random person */
static void person_make(struct person *p, uint64_t *s)
{
	unsigned f = rng_below(s, sizeof family_names / sizeof family_names[0]);
	unsigned g = rng_below(s, sizeof given_names / sizeof given_names[0]);
	unsigned d = rng_below(s, sizeof mail_domains / sizeof mail_domains[0]);
	unsigned a = rng_below(s, 10000), b = rng_below(s, 10000), k = rng_below(s, 1000);

	p->family_kanji = family_names[f].kanji;
	p->given_kanji = given_names[g].kanji;
	fmt_checked(p->romaji, sizeof p->romaji, "%s %s", given_names[g].romaji,
		    family_names[f].romaji);
	fmt_checked(p->phone, sizeof p->phone, "090-%04u-%04u", a, b);
	fmt_checked(p->email, sizeof p->email, "%s.%s%u@%s", given_names[g].romaji,
		    family_names[f].romaji, k, mail_domains[d]);
}

/* b64_encode - base64 of n bytes with lines of 76 characters ended by CRLF, appended to out */
static void b64_encode(const unsigned char *in, size_t n, struct lg_buf *out)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	lg_buf_reserve(out, (n + 2) / 3 * 4 + (n / 57 + 1) * 2 + 1);
	char *o = out->data + out->len;
	unsigned col = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		*o++ = abc[v >> 18 & 63];
		*o++ = abc[v >> 12 & 63];
		*o++ = i + 1 < n ? abc[v >> 6 & 63] : '=';
		*o++ = i + 2 < n ? abc[v & 63] : '=';
		if ((col += 4) == 76) {
			*o++ = '\r';
			*o++ = '\n';
			col = 0;
		}
	}
	if (col) {
		*o++ = '\r';
		*o++ = '\n';
	}
	out->len = (size_t)(o - out->data);
	out->data[out->len] = '\0';
}

/* ---- zip writing with libarchive ----------------------------------------------------------- */

/* zip_write_cb - libarchive's output callback: append to an lg_buf */
static la_ssize_t zip_write_cb(struct archive *a, void *arg, const void *p, size_t n)
{
	(void)a;
	lg_buf_append(arg, p, n);
	return (la_ssize_t)n;
}

/* zip_begin - a zip writer (deflate unless told otherwise) appending to out */
static struct archive *zip_begin(struct lg_buf *out)
{
	struct archive *a = archive_write_new();
	if (!a || archive_write_set_format_zip(a) != ARCHIVE_OK ||
	    archive_write_set_format_option(a, "zip", "compression", "deflate") != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open2(a, out, NULL, zip_write_cb, NULL, NULL) != ARCHIVE_OK) {
		fprintf(stderr, "bench_extract: libarchive zip writer: %s\n",
			a ? archive_error_string(a) : "out of memory");
		exit(2);
	}
	return a;
}

/* zip_add - one regular file, deflated or stored */
static void zip_add(struct archive *a, const char *name, const void *data, size_t len, bool store)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, 1700000000, 0);
	/* (the "compression" option may only be set before the zip is opened; these may be
	 * called between entries) */
	if ((store ? archive_write_zip_set_compression_store(a) :
		     archive_write_zip_set_compression_deflate(a)) != ARCHIVE_OK ||
	    archive_write_header(a, e) != ARCHIVE_OK ||
	    archive_write_data(a, data, len) != (la_ssize_t)len ||
	    archive_write_finish_entry(a) != ARCHIVE_OK) {
		fprintf(stderr, "bench_extract: writing %s: %s\n", name, archive_error_string(a));
		exit(2);
	}
	archive_entry_free(e);
}

/* zip_add_buf - zip_add for an lg_buf */
static void zip_add_buf(struct archive *a, const char *name, const struct lg_buf *b, bool store)
{
	zip_add(a, name, b->data, b->len, store);
}

/* zip_add_str - zip_add for a C string, deflated */
static void zip_add_str(struct archive *a, const char *name, const char *s)
{
	zip_add(a, name, s, strlen(s), false);
}

/* zip_end - finish the zip */
static void zip_end(struct archive *a)
{
	if (archive_write_close(a) != ARCHIVE_OK) {
		fprintf(stderr, "bench_extract: closing zip: %s\n", archive_error_string(a));
		exit(2);
	}
	archive_write_free(a);
}

/* ---- OOXML: xlsx and docx ------------------------------------------------------------------ */

#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define NS_PKG_REL "http://schemas.openxmlformats.org/package/2006/relationships"
#define NS_DOC_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_SHEET "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_WORD "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define CT_OOXML "application/vnd.openxmlformats-officedocument."

/* xlsx_make - an xlsx with a header row and rows rows of (name, phone, e-mail); names and phones
 * are shared strings, e-mails inline strings */
static void xlsx_make(unsigned rows, struct lg_buf *out)
{
	struct lg_buf sst = LG_BUF_INIT, sheet = LG_BUF_INIT;
	uint64_t seed = 0x5eed0001;
	struct person p;
	unsigned nstr = 3;

	lg_buf_puts(&sheet, XML_DECL "<worksheet xmlns=\"" NS_SHEET "\"><sheetData>"
		    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
		    "<c r=\"C1\" t=\"s\"><v>2</v></c></row>");
	lg_buf_puts(&sst, "<si><t>氏名</t></si><si><t>電話番号</t></si><si><t>メールアドレス</t></si>");
	for (unsigned i = 0; i < rows; i++) {
		unsigned r = i + 2;
		person_make(&p, &seed);
		lg_buf_printf(&sst, "<si><t>%s %s</t></si><si><t>%s</t></si>", p.family_kanji,
			      p.given_kanji, p.phone);
		lg_buf_printf(&sheet,
			      "<row r=\"%u\"><c r=\"A%u\" t=\"s\"><v>%u</v></c>"
			      "<c r=\"B%u\" t=\"s\"><v>%u</v></c>"
			      "<c r=\"C%u\" t=\"inlineStr\"><is><t>%s</t></is></c></row>",
			      r, r, nstr, r, nstr + 1, r, p.email);
		nstr += 2;
	}
	lg_buf_puts(&sheet, "</sheetData></worksheet>");

	struct lg_buf head = LG_BUF_INIT;
	lg_buf_printf(&head, XML_DECL "<sst xmlns=\"" NS_SHEET "\" count=\"%u\" uniqueCount=\"%u\">",
		      nstr, nstr);
	lg_buf_append(&head, sst.data, sst.len);
	lg_buf_puts(&head, "</sst>");

	struct archive *a = zip_begin(out);
	zip_add_str(a, "[Content_Types].xml", XML_DECL
		    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
		    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package."
		    "relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>"
		    "<Override PartName=\"/xl/workbook.xml\" ContentType=\"" CT_OOXML
		    "spreadsheetml.sheet.main+xml\"/>"
		    "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"" CT_OOXML
		    "spreadsheetml.worksheet+xml\"/>"
		    "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"" CT_OOXML
		    "spreadsheetml.sharedStrings+xml\"/></Types>");
	zip_add_str(a, "_rels/.rels", XML_DECL "<Relationships xmlns=\"" NS_PKG_REL "\">"
		    "<Relationship Id=\"rId1\" Type=\"" NS_DOC_REL "/officeDocument\" "
		    "Target=\"xl/workbook.xml\"/></Relationships>");
	zip_add_str(a, "xl/workbook.xml", XML_DECL "<workbook xmlns=\"" NS_SHEET "\" xmlns:r=\""
		    NS_DOC_REL "\"><sheets><sheet name=\"名簿\" sheetId=\"1\" r:id=\"rId1\"/>"
		    "</sheets></workbook>");
	zip_add_str(a, "xl/_rels/workbook.xml.rels", XML_DECL "<Relationships xmlns=\""
		    NS_PKG_REL "\"><Relationship Id=\"rId1\" Type=\"" NS_DOC_REL "/worksheet\" "
		    "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\""
		    NS_DOC_REL "/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>");
	zip_add_buf(a, "xl/sharedStrings.xml", &head, false);
	zip_add_buf(a, "xl/worksheets/sheet1.xml", &sheet, false);
	zip_end(a);
	lg_buf_free(&sst);
	lg_buf_free(&sheet);
	lg_buf_free(&head);
}

/* xlsx_of_size - an xlsx of about target bytes (the row count is calibrated on a small one);
 * returns its rows, the header row included */
static unsigned xlsx_of_size(size_t target, struct lg_buf *out)
{
	const unsigned probe = 20000;
	lg_buf_reset(out);
	xlsx_make(probe, out);
	unsigned rows = (unsigned)((double)probe * (double)target / (double)out->len);
	for (int tries = 0; tries < 3; tries++) {
		lg_buf_reset(out);
		xlsx_make(rows, out);
		double off = (double)out->len / (double)target;
		if (off > 0.99 && off < 1.01)
			break;
		rows = (unsigned)((double)rows / off);
	}
	return rows + 1;
}

#define DOCX_TABLE_ROWS 200		/* contacts in the docx's table */

/* docx_make - a docx of about target bytes: ~40 pages of paragraphs (with a contact now and then)
 * and a table of DOCX_TABLE_ROWS contacts in word/document.xml, and a stored binary image
 * word/media/image1.png (random bytes behind a PNG signature) sized so that the whole file comes
 * to target */
static void docx_make(size_t target, struct lg_buf *out)
{
	struct lg_buf doc = LG_BUF_INIT;
	uint64_t seed = 0x5eed0002;
	struct person p;

	lg_buf_puts(&doc, XML_DECL "<w:document xmlns:w=\"" NS_WORD "\" xmlns:r=\"" NS_DOC_REL
		    "\"><w:body>");
	for (unsigned page = 0; page < 40; page++) {
		lg_buf_printf(&doc, "<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t>"
			      "第%u章 業務報告</w:t></w:r></w:p>", page + 1);
		for (unsigned para = 0; para < 12; para++) {
			lg_buf_puts(&doc, "<w:p><w:r><w:t xml:space=\"preserve\">");
			for (unsigned k = 0; k < 6 + rng_below(&seed, 6); k++)
				lg_buf_puts(&doc, phrases[rng_below(&seed,
					    sizeof phrases / sizeof phrases[0])]);
			lg_buf_puts(&doc, "</w:t></w:r>");
			if (para % 4 == 3) {
				person_make(&p, &seed);
				lg_buf_printf(&doc, "<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\""
					      "preserve\">担当: %s %s (%s, %s)</w:t></w:r>",
					      p.family_kanji, p.given_kanji, p.phone, p.email);
			}
			lg_buf_puts(&doc, "</w:p>");
		}
	}
	lg_buf_puts(&doc, "<w:tbl>");
	for (unsigned i = 0; i < DOCX_TABLE_ROWS; i++) {
		person_make(&p, &seed);
		lg_buf_printf(&doc, "<w:tr><w:tc><w:p><w:r><w:t>%s %s</w:t></w:r></w:p></w:tc>"
			      "<w:tc><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:tc>"
			      "<w:tc><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:tc></w:tr>",
			      p.family_kanji, p.given_kanji, p.phone, p.email);
	}
	lg_buf_puts(&doc, "</w:tbl><w:p><w:r><w:drawing/></w:r></w:p><w:sectPr/></w:body>"
		    "</w:document>");

	/* the zip without the image first, to size the image */
	size_t image = 0;
	for (int pass = 0; pass < 2; pass++) {
		lg_buf_reset(out);
		struct archive *a = zip_begin(out);
		zip_add_str(a, "[Content_Types].xml", XML_DECL "<Types xmlns=\"http://schemas."
			    "openxmlformats.org/package/2006/content-types\"><Default Extension=\""
			    "rels\" ContentType=\"application/vnd.openxmlformats-package.relationships"
			    "+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>"
			    "<Default Extension=\"png\" ContentType=\"image/png\"/>"
			    "<Override PartName=\"/word/document.xml\" ContentType=\"" CT_OOXML
			    "wordprocessingml.document.main+xml\"/></Types>");
		zip_add_str(a, "_rels/.rels", XML_DECL "<Relationships xmlns=\"" NS_PKG_REL "\">"
			    "<Relationship Id=\"rId1\" Type=\"" NS_DOC_REL "/officeDocument\" "
			    "Target=\"word/document.xml\"/></Relationships>");
		zip_add_str(a, "word/_rels/document.xml.rels", XML_DECL "<Relationships xmlns=\""
			    NS_PKG_REL "\"><Relationship Id=\"rId5\" Type=\"" NS_DOC_REL "/image\" "
			    "Target=\"media/image1.png\"/></Relationships>");
		zip_add_buf(a, "word/document.xml", &doc, false);
		if (pass == 1) {
			unsigned char *png = malloc(image);
			if (!png)
				exit(2);
			fill_random(png, image, &seed);
			memcpy(png, "\x89PNG\r\n\x1a\n", 8);
			zip_add(a, "word/media/image1.png", png, image, true);
			free(png);
		}
		zip_end(a);
		/* a stored entry costs its bytes plus two headers (local and central) */
		if (pass == 0)
			image = target > out->len + 200 ? target - out->len - 200 : 1000;
	}
	lg_buf_free(&doc);
}

/* ---- PDF ----------------------------------------------------------------------------------- */

/* pdf_make - a PDF 1.4 of about target bytes: pages of uncompressed Helvetica text lines (name,
 * phone, e-mail, address), a pages tree and a correct xref table; returns the pages */
static unsigned pdf_make(size_t target, struct lg_buf *out)
{
	struct lg_buf content = LG_BUF_INIT;
	size_t *offs = NULL, noffs = 0, cap = 0;
	unsigned pages = 0;
	uint64_t seed = 0x5eed0003;
	struct person p;

	/* objects: 1 catalog, 2 pages tree (written last), 3 font, then page i is 4+2i and its
	 * content stream 5+2i */
	lg_buf_reset(out);
	lg_buf_puts(out, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
	cap = 1024;
	offs = calloc(cap, sizeof *offs);
	if (!offs)
		exit(2);
	offs[1] = out->len;
	lg_buf_puts(out, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	offs[3] = out->len;
	lg_buf_puts(out, "3 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
		    "/Encoding /WinAnsiEncoding >>\nendobj\n");
	noffs = 4;
	while (out->len < target) {
		lg_buf_reset(&content);
		lg_buf_puts(&content, "BT\n/F1 8 Tf\n9 TL\n36 806 Td\n");
		for (unsigned line = 0; line < 86; line++) {
			person_make(&p, &seed);
			lg_buf_printf(&content, "(%-18s  %s  %-40s  %u-%u Minato-ku, Tokyo) Tj T*\n",
				      p.romaji, p.phone, p.email, 1 + rng_below(&seed, 9),
				      1 + rng_below(&seed, 30));
		}
		lg_buf_puts(&content, "ET\n");
		if (noffs + 2 >= cap) {
			cap *= 2;
			size_t *n = realloc(offs, cap * sizeof *offs);
			if (!n)
				exit(2);
			offs = n;
		}
		unsigned pobj = 4 + 2 * pages, cobj = pobj + 1;
		offs[noffs++] = out->len;
		lg_buf_printf(out, "%u 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
			      "/Resources << /Font << /F1 3 0 R >> >> /Contents %u 0 R >>\nendobj\n",
			      pobj, cobj);
		offs[noffs++] = out->len;
		lg_buf_printf(out, "%u 0 obj\n<< /Length %zu >>\nstream\n", cobj, content.len);
		lg_buf_append(out, content.data, content.len);
		lg_buf_puts(out, "endstream\nendobj\n");
		pages++;
	}
	offs[2] = out->len;
	lg_buf_printf(out, "2 0 obj\n<< /Type /Pages /Count %u /Kids [", pages);
	for (unsigned i = 0; i < pages; i++)
		lg_buf_printf(out, "%s%u 0 R", i % 16 ? " " : "\n", 4 + 2 * i);
	lg_buf_puts(out, " ] >>\nendobj\n");
	size_t xref = out->len;
	lg_buf_printf(out, "xref\n0 %zu\n0000000000 65535 f \n", noffs);
	for (size_t i = 1; i < noffs; i++)
		lg_buf_printf(out, "%010zu 00000 n \n", offs[i]);
	lg_buf_printf(out, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
		      noffs, xref);
	free(offs);
	lg_buf_free(&content);
	return pages;
}

/* ---- a zip of small CSV files --------------------------------------------------------------- */

/* csvzip_make - a zip of files CSV files of about 5 KB each */
static void csvzip_make(unsigned files, struct lg_buf *out)
{
	struct lg_buf csv = LG_BUF_INIT;
	uint64_t seed = 0x5eed0004;
	struct person p;
	char name[64];

	lg_buf_reset(out);
	struct archive *a = zip_begin(out);
	for (unsigned i = 0; i < files; i++) {
		lg_buf_reset(&csv);
		lg_buf_puts(&csv, "氏名,フリガナ,電話番号,メールアドレス\r\n");
		while (csv.len < 5000) {
			person_make(&p, &seed);
			lg_buf_printf(&csv, "%s %s,%s,%s,%s\r\n", p.family_kanji, p.given_kanji,
				      p.romaji, p.phone, p.email);
		}
		if (snprintf(name, sizeof name, "名簿/支店%03u.csv", i + 1) >= (int)sizeof name)
			exit(2);
		zip_add_buf(a, name, &csv, false);
	}
	zip_end(a);
	lg_buf_free(&csv);
}

/* ---- a whole message -------------------------------------------------------------------- */

/* mail_make - a multipart/mixed message: a short text body and the attachment as base64 */
static void mail_make(const struct lg_buf *att, const char *filename, const char *type,
		      struct lg_buf *out)
{
	lg_buf_reset(out);
	lg_buf_puts(out, "From: Sender <sender@example.co.jp>\r\n"
		    "To: Partner <partner@example.com>\r\n"
		    "Subject: =?UTF-8?B?6LOH5paZ?=\r\n"
		    "Date: Tue, 14 Nov 2023 10:00:00 +0900\r\n"
		    "Message-ID: <bench.1@example.co.jp>\r\n"
		    "MIME-Version: 1.0\r\n"
		    "Content-Type: multipart/mixed; boundary=\"=_bench_1\"\r\n\r\n"
		    "--=_bench_1\r\n"
		    "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Transfer-Encoding: 8bit\r\n\r\n"
		    "資料を添付します。よろしくお願いいたします。\r\n\r\n"
		    "--=_bench_1\r\n");
	lg_buf_printf(out, "Content-Type: %s; name=\"%s\"\r\n"
		      "Content-Disposition: attachment; filename=\"%s\"\r\n"
		      "Content-Transfer-Encoding: base64\r\n\r\n", type, filename, filename);
	b64_encode((const unsigned char *)att->data, att->len, out);
	lg_buf_puts(out, "\r\n--=_bench_1--\r\n");
}

/* ---- the operations timed ------------------------------------------------------------------- */

/* An input held in memory, and for base64 the bytes it must decode to. */
struct bench_input {
	struct lg_buf data;
	struct lg_buf expect;
	uint64_t rows;		/* table rows the extractor must give (0: not checked) */
	uint64_t blocks;	/* text blocks it must give, a PDF's pages (0: not checked) */
};

/* Where extracted text goes: every byte is read. */
struct text_sink {
	uint64_t bytes, sum;
	uint64_t blocks;	/* calls of the text callback */
};

/* sink_text - text callback: read every byte */
static int sink_text(void *arg, const char *utf8, size_t len)
{
	struct text_sink *s = arg;
	uint64_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum += (unsigned char)utf8[i];
	s->sum += sum;
	s->bytes += len;
	s->blocks++;
	return 0;
}

/* sink_row - row callback: read every cell */
static int sink_row(void *arg, const char *const *cells, const size_t *lens, size_t ncells)
{
	struct text_sink *s = arg;
	uint64_t blocks = s->blocks;

	for (size_t i = 0; i < ncells; i++)
		sink_text(arg, cells[i], lens[i]);
	s->blocks = blocks;	/* cells are not text blocks */
	return 0;
}

/* note_result - is the result OK, with text, and the rows and blocks expected? If not, say so */
static bool note_result(const struct lg_ex_result *r, const struct bench_input *in,
			const struct text_sink *s, char *note, size_t notelen)
{
	if (r->status == LG_EX_OK && r->text_bytes > 0) {
		if (in->rows && r->rows != in->rows) {
			note_printf(note, notelen, "%llu rows, expected %llu",
				    (unsigned long long)r->rows, (unsigned long long)in->rows);
			return false;
		}
		if (in->blocks && s->blocks != in->blocks) {
			note_printf(note, notelen, "%llu text blocks, expected %llu",
				    (unsigned long long)s->blocks, (unsigned long long)in->blocks);
			return false;
		}
		return true;
	}
	note_printf(note, notelen, "status %d \"%s\" %s, %llu text bytes", (int)r->status,
		    r->reason, r->detail, (unsigned long long)r->text_bytes);
	return false;
}

/* op_b64_ours - lg_b64_decode into a fresh buffer (as a MIME part gets one) */
static bool op_b64_ours(void *ctx, uint64_t *out_bytes, char *note, size_t notelen)
{
	struct bench_input *in = ctx;
	struct lg_buf out = LG_BUF_INIT;
	struct lg_b64_status st;

	lg_b64_decode(in->data.data, in->data.len, &out, &st);
	bool same = out.len == in->expect.len && memcmp(out.data, in->expect.data, out.len) == 0;
	if (!same || !st.clean)
		note_printf(note, notelen, "decoded %zu bytes, %s, %s", out.len,
			    same ? "as expected" : "NOT the input", st.clean ? "clean" : "unclean");
	*out_bytes = out.len;
	lg_buf_free(&out);
	return same && st.clean;
}

/* op_b64_gmime - GMime's g_mime_encoding_base64_decode_step into a fresh buffer */
static bool op_b64_gmime(void *ctx, uint64_t *out_bytes, char *note, size_t notelen)
{
	struct bench_input *in = ctx;
	unsigned char *out = malloc(in->data.len / 4 * 3 + 3);
	int state = 0;
	guint32 save = 0;

	if (!out)
		exit(2);
	size_t n = g_mime_encoding_base64_decode_step((const unsigned char *)in->data.data,
						      in->data.len, out, &state, &save);
	bool same = n == in->expect.len && memcmp(out, in->expect.data, n) == 0;
	if (!same)
		note_printf(note, notelen, "decoded %zu bytes, NOT the input", n);
	*out_bytes = n;
	free(out);
	return same;
}

/* op_ooxml - lg_ooxml_extract */
static bool op_ooxml(void *ctx, uint64_t *out_bytes, char *note, size_t notelen)
{
	struct bench_input *in = ctx;
	struct text_sink s = { 0 };
	struct lg_ex_out out = { .text = sink_text, .row = sink_row, .arg = &s };
	struct lg_ex_result r = { 0 };

	lg_ooxml_extract(in->data.data, in->data.len, &bench_limits, &out, &r);
	bench_sink += s.sum;
	*out_bytes = r.text_bytes;
	return note_result(&r, in, &s, note, notelen);
}

/* op_pdf - lg_pdf_extract */
static bool op_pdf(void *ctx, uint64_t *out_bytes, char *note, size_t notelen)
{
	struct bench_input *in = ctx;
	struct text_sink s = { 0 };
	struct lg_ex_out out = { .text = sink_text, .row = sink_row, .arg = &s };
	struct lg_ex_result r = { 0 };

	lg_pdf_extract(in->data.data, in->data.len, &bench_limits, &out, &r);
	bench_sink += s.sum;
	*out_bytes = r.text_bytes;
	return note_result(&r, in, &s, note, notelen);
}

/* A walk over an archive: members seen and bytes read. */
struct member_sink {
	unsigned members, missing;
	uint64_t bytes, sum;
};

/* sink_member - member callback: read every byte of the member */
static int sink_member(void *arg, const struct lg_ex_member *m)
{
	struct member_sink *s = arg;
	uint64_t sum = 0;

	s->members++;
	if (!m->data) {
		s->missing++;
		return 0;
	}
	for (size_t i = 0; i < m->len; i++)
		sum += (unsigned char)m->data[i];
	s->sum += sum;
	s->bytes += m->len;
	return 0;
}

/* op_archive - lg_archive_walk over the zip of CSV files */
static bool op_archive(void *ctx, uint64_t *out_bytes, char *note, size_t notelen)
{
	struct bench_input *in = ctx;
	struct member_sink s = { 0 };
	struct lg_ex_result r = { 0 };

	lg_archive_walk(in->data.data, in->data.len, &bench_limits, sink_member, &s, &r);
	bench_sink += s.sum;
	*out_bytes = s.bytes;
	if (r.status == LG_EX_OK && s.members == 100 && s.missing == 0)
		return true;
	note_printf(note, notelen, "status %d \"%s\" %s, %u members (%u unread)",
		    (int)r.status, r.reason, r.detail, s.members, s.missing);
	return false;
}

/* What lg_analyze needs. */
struct analyze_ctx {
	struct bench_input in;
	struct lg_analyzer *an;
	struct lg_config *cfg;
};

/* op_analyze - lg_analyze on the whole message; the attachment must have been scanned */
static bool op_analyze(void *ctx, uint64_t *out_bytes, char *note, size_t notelen)
{
	struct analyze_ctx *c = ctx;
	struct lg_report rep;
	char err[256];
	uint64_t text = 0;
	bool scanned = false;

	memset(&rep, 0, sizeof rep);
	if (lg_analyze(c->an, c->cfg, NULL, c->in.data.data, c->in.data.len, &rep, err,
		       sizeof err) < 0) {
		note_printf(note, notelen, "lg_analyze failed: %s", err);
		return false;
	}
	for (size_t i = 0; i < rep.nparts; i++) {
		text += rep.parts[i].text_bytes;
		if (rep.parts[i].attachment && rep.parts[i].scanned && rep.parts[i].text_bytes > 0)
			scanned = true;
	}
	if (!scanned)
		note_printf(note, notelen, "the docx was not scanned (%u unscannable, %s)",
			    rep.unscannable, rep.error ? rep.error : "no error");
	*out_bytes = text;
	lg_report_free(&rep);
	return scanned;
}

/* ---- the cases ------------------------------------------------------------------------------ */

/* keep_input - with LG_BENCH_KEEP=dir in the environment, write a case's input to dir/name (to
 * look at it with other tools); a failure is only reported */
static void keep_input(const char *name, const struct lg_buf *b)
{
	const char *dir = getenv("LG_BENCH_KEEP");
	char path[1024];

	if (!dir || !*dir)
		return;
	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
		fprintf(stderr, "bench_extract: LG_BENCH_KEEP: path too long\n");
		return;
	}
	FILE *f = fopen(path, "wb");
	bool ok = f && fwrite(b->data, 1, b->len, f) == b->len;
	if ((f && fclose(f) != 0) || !ok)
		fprintf(stderr, "bench_extract: cannot write %s\n", path);
}

/* case_b64 - 20 MB of random bytes as base64 with 76-column lines, decoded by ours or GMime's */
static void case_b64(struct bench_result *res, bool gmime)
{
	static struct bench_input in = { LG_BUF_INIT, LG_BUF_INIT, 0, 0 };
	uint64_t seed = 0x5eed0005;
	const size_t n = 20 * 1000 * 1000;

	lg_buf_reserve(&in.expect, n);
	fill_random((unsigned char *)in.expect.data, n, &seed);
	in.expect.len = n;
	b64_encode((const unsigned char *)in.expect.data, n, &in.data);
	keep_input("base64.txt", &in.data);
	res->in_bytes = in.data.len;
	measure(res, gmime ? op_b64_gmime : op_b64_ours, &in);
}

/* case_xlsx - an xlsx of about size bytes */
static void case_xlsx(struct bench_result *res, size_t size)
{
	static struct bench_input in = { LG_BUF_INIT, LG_BUF_INIT, 0, 0 };
	char name[32];

	in.rows = xlsx_of_size(size, &in.data);
	res->rows = in.rows;
	if (snprintf(name, sizeof name, "sheet-%zuMB.xlsx", size / 1000000) < (int)sizeof name)
		keep_input(name, &in.data);
	res->in_bytes = in.data.len;
	measure(res, op_ooxml, &in);
}

/* case_docx - the typical 2 MB docx */
static void case_docx(struct bench_result *res, size_t size)
{
	static struct bench_input in = { LG_BUF_INIT, LG_BUF_INIT, 0, 0 };
	docx_make(size, &in.data);
	in.rows = DOCX_TABLE_ROWS;
	res->rows = in.rows;
	keep_input("report.docx", &in.data);
	res->in_bytes = in.data.len;
	measure(res, op_ooxml, &in);
}

/* case_pdf - a PDF of about size bytes */
static void case_pdf(struct bench_result *res, size_t size)
{
	static struct bench_input in = { LG_BUF_INIT, LG_BUF_INIT, 0, 0 };
	in.blocks = pdf_make(size, &in.data);
	keep_input("list.pdf", &in.data);
	res->in_bytes = in.data.len;
	measure(res, op_pdf, &in);
}

/* case_zip - a zip of 100 CSV files of about 5 KB */
static void case_zip(struct bench_result *res, size_t size)
{
	static struct bench_input in = { LG_BUF_INIT, LG_BUF_INIT, 0, 0 };
	(void)size;
	csvzip_make(100, &in.data);
	keep_input("csv.zip", &in.data);
	res->in_bytes = in.data.len;
	measure(res, op_archive, &in);
}

/* case_analyze - lg_analyze with the built-in configuration on a message carrying the 2 MB docx */
static void case_analyze(struct bench_result *res, size_t size)
{
	static struct analyze_ctx c = { { LG_BUF_INIT, LG_BUF_INIT, 0, 0 }, NULL, NULL };
	struct lg_buf docx = LG_BUF_INIT, errs = LG_BUF_INIT;
	char err[256];

	lg_library_init();
	c.cfg = lg_config_load(NULL, &errs);
	c.an = lg_analyzer_new(err, sizeof err);
	if (!c.cfg || !c.an) {
		note_printf(res->note, sizeof res->note, "setup failed: %s%s",
			    c.cfg ? "" : lg_buf_cstr(&errs), c.an ? "" : err);
		return;
	}
	docx_make(size, &docx);
	mail_make(&docx, "報告書.docx", CT_OOXML "wordprocessingml.document", &c.in.data);
	lg_buf_free(&docx);
	lg_buf_free(&errs);
	keep_input("mail.eml", &c.in.data);
	res->in_bytes = c.in.data.len;
	measure(res, op_analyze, &c);
}

/* case_b64_ours - base64 decoded by lg_b64_decode */
static void case_b64_ours(struct bench_result *res, size_t size)
{
	(void)size;
	case_b64(res, false);
}

/* case_b64_gmime - base64 decoded by GMime */
static void case_b64_gmime(struct bench_result *res, size_t size)
{
	(void)size;
	case_b64(res, true);
}

static const struct bench_case {
	const char *name;
	void (*run)(struct bench_result *res, size_t size);
	size_t size;			/* input size asked for */
} cases[] = {
	{ "base64 20 MB (ours)", case_b64_ours, 0 },
	{ "base64 20 MB (GMime)", case_b64_gmime, 0 },
	{ "xlsx 5 MB", case_xlsx, 5 * 1000 * 1000 },
	{ "xlsx 2 MB", case_xlsx, 2 * 1000 * 1000 },
	{ "docx 2 MB", case_docx, 2 * 1000 * 1000 },
	{ "pdf 20 MB", case_pdf, 20 * 1000 * 1000 },
	{ "zip 100 x 5 KB csv", case_zip, 0 },
	{ "analyze: mail + 2 MB docx", case_analyze, 2 * 1000 * 1000 },
};

/* ---- the parent: one child per case, one table --------------------------------------------- */

/* read_all - read exactly n bytes (false at EOF or on an error) */
static bool read_all(int fd, void *p, size_t n)
{
	char *c = p;
	while (n > 0) {
		ssize_t got = read(fd, c, n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return false;
		c += got;
		n -= (size_t)got;
	}
	return true;
}

/* run_case - run one case in a child; its result, and its peak RSS in KB from wait4 */
static bool run_case(const struct bench_case *bc, struct bench_result *res, long *peak_kb)
{
	int fds[2];
	struct rusage ru;
	int status;

	memset(res, 0, sizeof *res);
	fflush(stdout);
	if (pipe(fds) < 0)
		return false;
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return false;
	}
	if (pid == 0) {
		close(fds[0]);
		bc->run(res, bc->size);
		_exit(write(fds[1], res, sizeof *res) == (ssize_t)sizeof *res ? 0 : 1);
	}
	close(fds[1]);
	bool got = read_all(fds[0], res, sizeof *res);
	close(fds[0]);
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			return false;
	*peak_kb = ru.ru_maxrss;
	if (!got) {
		memset(res, 0, sizeof *res);
		if (WIFSIGNALED(status))
			note_printf(res->note, sizeof res->note, "child died of signal %d",
				    WTERMSIG(status));
		else
			note_printf(res->note, sizeof res->note, "child exited %d",
				    WEXITSTATUS(status));
	}
	return got && res->ok;
}

/* fmt_size - bytes as "12.3 MB" (or "512 KB") into buf */
static const char *fmt_size(char *buf, size_t len, double bytes)
{
	if (bytes >= 0.1 * MB)
		fmt_checked(buf, len, "%.1f MB", bytes / MB);
	else
		fmt_checked(buf, len, "%.0f KB", bytes / 1000);
	return buf;
}

/* fmt_time - seconds as "12.3 ms" or "1.23 s" into buf */
static const char *fmt_time(char *buf, size_t len, double s)
{
	if (s >= 1)
		fmt_checked(buf, len, "%.2f s", s);
	else if (s >= 0.01)
		fmt_checked(buf, len, "%.1f ms", s * 1e3);
	else
		fmt_checked(buf, len, "%.2f ms", s * 1e3);
	return buf;
}

/* selected - is the case asked for on the command line (all when nothing is)? */
static bool selected(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (strstr(name, argv[i]))
			return true;
	return false;
}

/* print_header - the build, the machine and the column heads */
static void print_header(void)
{
	time_t t = time(NULL);
	char date[32];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	bool san = LG_BENCH_SAN_CFLAGS[0] != '\0';
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	san = true;
#endif

	if (!strftime(date, sizeof date, "%Y-%m-%d %H:%M", localtime(&t)))
		date[0] = '\0';
	printf("leakguard extraction benchmark, %s, %ld CPU(s), %s, CFLAGS \"%s\"\n", date, cpus,
	       ARCHIVE_VERSION_STRING, LG_BENCH_CFLAGS);
	if (san)
		printf("WARNING: built with sanitizers (%s): the figures below are not meaningful\n",
		       LG_BENCH_SAN_CFLAGS[0] ? LG_BENCH_SAN_CFLAGS : "-fsanitize");
	if (!strstr(LG_BENCH_CFLAGS, "-O") || strstr(LG_BENCH_CFLAGS, "-O0"))
		printf("WARNING: built without optimisation: the figures below are not meaningful\n");
	printf("MB = 10^6 bytes; at least %d timed runs and %.0f s per case after one untimed check "
	       "run; MB/s from the median\n\n", BENCH_MIN_RUNS, BENCH_MIN_SECONDS);
	printf("%-26s %9s %10s %9s %9s %4s %8s %8s %9s %9s %9s\n", "case", "input", "output",
	       "best", "median", "runs", "in MB/s", "out MB/s", "peak RSS", "(base)", "op");
}

/* print_target - the closing line: is a 2 MB document read in under TARGET_MS (median)? */
static void print_target(const struct bench_result *docx, const struct bench_result *xlsx)
{
	if (!docx->ok && !xlsx->ok)
		return;
	printf("target, a 2 MB office attachment in under %.0f ms (median):", TARGET_MS);
	if (docx->ok)
		printf(" docx %.2f MB (40 pages, %llu table rows, an image) %.1f ms: %s;",
		       (double)docx->in_bytes / MB, (unsigned long long)docx->rows,
		       docx->median_s * 1e3, docx->median_s * 1e3 < TARGET_MS ? "yes" : "NO");
	if (xlsx->ok)
		printf(" xlsx %.2f MB (%llu rows) %.1f ms: %s", (double)xlsx->in_bytes / MB,
		       (unsigned long long)xlsx->rows, xlsx->median_s * 1e3,
		       xlsx->median_s * 1e3 < TARGET_MS ? "yes" : "NO");
	printf("\n");
}

/* main - run the selected cases and print the table */
int main(int argc, char **argv)
{
	struct bench_result docx = { .ok = false }, xlsx = { .ok = false };
	int failed = 0;
	bool hwm_reset = true;

	setvbuf(stdout, NULL, _IOLBF, 0);
	print_header();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct bench_case *bc = &cases[i];
		struct bench_result res;
		long peak_kb = 0;
		char in[16], out[16], best[16], med[16], peak[16], base[16], op[16];

		if (!selected(bc->name, argc, argv))
			continue;
		if (!run_case(bc, &res, &peak_kb)) {
			printf("%-26s %9s FAILED: %s\n", bc->name,
			       res.in_bytes ? fmt_size(in, sizeof in, (double)res.in_bytes) : "-",
			       res.note);
			failed++;
			continue;
		}
		hwm_reset = hwm_reset && res.hwm_reset;
		double peak_b = (double)peak_kb * 1024, base_b = (double)res.base_kb * 1024;
		printf("%-26s %9s %10s %9s %9s %4u %8.1f %8.1f %9s %9s %9s%s\n", bc->name,
		       fmt_size(in, sizeof in, (double)res.in_bytes),
		       fmt_size(out, sizeof out, (double)res.out_bytes),
		       fmt_time(best, sizeof best, res.best_s),
		       fmt_time(med, sizeof med, res.median_s), res.runs,
		       (double)res.in_bytes / MB / res.median_s,
		       (double)res.out_bytes / MB / res.median_s,
		       fmt_size(peak, sizeof peak, peak_b), fmt_size(base, sizeof base, base_b),
		       fmt_size(op, sizeof op, peak_b > base_b ? peak_b - base_b : 0),
		       res.hwm_reset ? "" : " *");
		if (bc->run == case_docx)
			docx = res;
		else if (bc->run == case_xlsx && bc->size == 2 * 1000 * 1000)
			xlsx = res;
	}
	printf("\noutput: decoded bytes (base64), extracted UTF-8 text (documents, analyze), member "
	       "bytes read (zip)\npeak RSS: the case's child process (ru_maxrss); (base): its RSS "
	       "before the first run, input included; op: peak - base\n");
	if (!hwm_reset)
		printf("*: the RSS high-water mark could not be reset; peak includes generating "
		       "the input\n");
	print_target(&docx, &xlsx);
	if (failed)
		printf("%d case(s) FAILED\n", failed);
	return failed ? 1 : 0;
}
