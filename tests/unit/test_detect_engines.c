/* test_detect_engines.c - the two ways lg_detect finds literal triggers and keywords give the
 * same findings: the one Vectorscan pass (rules/hits.c) against the direct searches
 * (prefilter.c, context.c), on random texts for the built-in detectors and for a set made to
 * reach the corner cases (ASCII keywords at word edges and window bounds, keywords starting with
 * a digit, more than 16 Japanese keywords, required keywords without a prefilter, literals with
 * many first bytes, exclude keywords), and on the texts analyze() hands the detectors for every
 * message of tests/eval and tests/fixtures (with the whole reports compared too). Without
 * Vectorscan in the build there is only one way, and the test says so. */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/analyze.h"
#include "config/config.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "rules/detect.h"
#include "tap.h"

/* Findings of one scan, one per line. */
struct found {
	const struct lg_detectors *d;
	struct lg_buf s;
};

/* on_found - lg_match_fn: append "id value start-end conf column" */
static void on_found(void *arg, const struct lg_match *m)
{
	struct found *f = arg;
	lg_buf_printf(&f->s, "%s %s %zu-%zu %s %u\n", lg_detector_id(f->d, m->det), m->value,
		      m->start, m->end, lg_conf_name(m->conf), m->column);
}

/* scan_with - every finding in text[0..len) with Vectorscan on or off, as a string */
static char *scan_with(struct lg_detectors *d, bool vs, const char *text, size_t len)
{
	struct found f = { d, LG_BUF_INIT };
	char err[256] = "";
	lg_detectors_set_vectorscan(d, vs);
	int rc = lg_detect(d, text, len, NULL, on_found, &f, err, sizeof err);
	lg_buf_printf(&f.s, "rc %d %s\n", rc, rc < 0 ? err : "");
	return lg_buf_steal(&f.s, NULL);
}

/* Texts compared and how many differed, with the first difference kept for the diagnostic. */
struct tally {
	int total, same, with_findings;
	char *first_diff;
};

/* compare - scan one text both ways and count */
static void compare(struct lg_detectors *d, const char *text, size_t len, struct tally *t)
{
	char *a = scan_with(d, true, text, len), *b = scan_with(d, false, text, len);
	t->total++;
	if (!strcmp(a, b))
		t->same++;
	else if (!t->first_diff)
		t->first_diff = lg_asprintf("text [%.*s]\n# vectorscan:\n%s# direct:\n%s",
					    (int)(len < 2000 ? len : 2000), text, a, b);
	t->with_findings += strchr(a, '\n') != strrchr(a, '\n');	/* more than the rc line */
	free(a);
	free(b);
}

/* report - one test point for a tally */
static void report(struct tally *t, const char *what)
{
	if (!tap_ok(t->total > 0 && t->same == t->total, "%s: same findings both ways (%d/%d texts, "
		    "%d with findings)", what, t->same, t->total, t->with_findings))
		tap_diag("%s", t->first_diff ? t->first_diff : "no texts");
	free(t->first_diff);
	t->first_diff = NULL;
}

static unsigned long long rng = 0x2545F4914F6CDD1Dull;

/* rnd - xorshift64 */
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* random_text - pieces drawn from a list, joined */
static char *random_text(const char *const *bits, size_t nbits, size_t pieces)
{
	struct lg_buf b = LG_BUF_INIT;
	for (size_t i = 0; i < pieces; i++)
		lg_buf_puts(&b, bits[rnd((unsigned)nbits)]);
	return lg_buf_steal(&b, NULL);
}

/* Pieces for the built-in detectors: numbers in every form, addresses, and their keywords in
 * both cases, glued to letters and digits and not. */
static const char *const builtin_bits[] = {
	"0", "1", "3", "9", "03", "090", "-", " ", "(", ")", "+81", "+1 ", "+44 20 ", "@", "taro",
	".", "example.jp", "ー", "−", "\n", "\t", "a", "(at)", "[AT]", " (At) ", "1234", "5678",
	"0120", "〒", "100", "-0001", "4111 1111 1111 1111", "123456789018", "T1234567890123",
	"電話", "TEL", "tel", "Tel:", "hotel", "telx", "xtel", "phone", "FAX", "携帯", "連絡先",
	"自宅", "mobile", "mail", "E-Mail", "メール", "アドレス", "マイナンバー", "個人番号",
	"My Number", "mynumber", "番号確認", "法人番号", "登録番号", "適格請求書",
	"corporate number", "registration number", "カード番号", "クレジット", "card", "Card",
	"カード", "有効期限", "expiry", "住所", "現住所", "お届け先", "送付先", "郵便番号", "様",
	"address", "普通", "当座", "貯蓄", "口座", "1234567", "UID:", "Message-ID: <", "cid:",
	"x-uid:", "In-Reply-To:", "東京都千代田区霞が関1-2-3", "みずほ銀行", "支店", "、", "。",
	"_", "%", "x",
};

/* test_builtin_random - the built-in detectors on random texts */
static void test_builtin_random(struct lg_detectors *d)
{
	struct tally t = { 0 };
	for (int i = 0; i < 5000; i++) {
		char *text = random_text(builtin_bits, sizeof builtin_bits / sizeof builtin_bits[0],
					 5 + rnd(150));
		compare(d, text, strlen(text), &t);
		free(text);
	}
	report(&t, "built-in detectors, random texts");
	tap_ok(t.with_findings > t.total / 4, "the random texts do hold findings (%d)",
	       t.with_findings);
}

/* A set made for the corner cases of the keyword answers. */
static const char corner_rules[] =
	"detectors:\n"
	"  files: [RULES]\n"
	"  disable: [phone_jp, phone_intl, email, my_number, corporate_number, payment_card,\n"
	"            postal_jp, bank_account_jp, name]\n"
	"policy:\n"
	"  rules:\n"
	"    - {name: any, when: 'findings.total >= 1', action: tag}\n";

static const char *const corner_yaml[] = {
	/* ASCII keywords: word edges inside and at the window's bounds; one starting with a digit
	 * and no letter (found anywhere by the required check, with edges near a match) */
	"id: emp\n"
	"pattern: 'EMP-[0-9]{4}'\n"
	"prefilter: {literals: ['emp-'], reach: 0}\n"
	"context: {keywords: [staff, id, '3ヶ月', 'no.'], window: 6, confidence: high}\n"
	"confidence: low\n",
	/* required keywords and no prefilter: a keyword anywhere in the text; 18 Japanese ones, and
	 * after them one starting with a digit (past the 16 the SIMD search takes: whole words) */
	"id: member\n"
	"pattern: 'M[0-9]{3}'\n"
	"context:\n"
	"  keywords: [会員, 番号甲, 番号乙, 番号丙, 番号丁, 番号戊, 番号己, 番号庚, 番号辛,\n"
	"             番号壬, 番号癸, 番号子, 番号丑, 番号寅, 番号卯, 番号辰, 番号巳, 番号午, ok,\n"
	"             '1号']\n"
	"  window: 4\n"
	"  required: true\n"
	"  confidence: high\n"
	"confidence: medium\n",
	/* literals with many first bytes, exclude keywords that are ASCII words and Japanese */
	"id: code\n"
	"pattern: '[a-z][0-9]{2}'\n"
	"prefilter:\n"
	"  literals: [a0, b1, c2, d3, e4, f5, g6, h7, i8, j9, k0, l1, m2, n3, o4, p5, q6, r7, s8]\n"
	"  reach: 0\n"
	"exclude: {keywords: [not, 除外, 'x:'], window: 5}\n"
	"confidence: medium\n",
	/* required keywords with a digit prefilter: the check over the span of the clusters */
	"id: acct\n"
	"pattern: '(?<![0-9])[0-9]{6}(?![0-9])'\n"
	"prefilter: {digits: 6, reach: 0}\n"
	"context: {keywords: [口座, acct, '7番'], window: 8, required: true, confidence: high}\n"
	"confidence: high\n",
};

static const char *const corner_bits[] = {
	"EMP-1234", "emp-5678", "Emp-0000", "EMP-12", "staff", "Staff", "xstaff", "staffx", "id",
	"ID", "kid", "ids", "3ヶ月", "13ヶ月", "a3ヶ月", "no.", "No.", "ano.", " ", "-", ":", "\n",
	"会員", "番号甲", "番号午", "番号", "1号", "21号", "ok", "OK", "okay", "book", "M123", "m123", "M12",
	"a01", "b19", "S88", "z00", "q67", "not", "NOT", "note", "knot", "除外", "x:", "X:", "ax:",
	"123456", "1234567", "12345", "口座", "acct", "ACCT", "acctx", "7番", "17番", "x", "あ",
	"漢字", ".", "_",
};

/* load_corner - the corner-case set through the configuration loader */
static struct lg_config *load_corner(char *dir)
{
	struct lg_buf files = LG_BUF_INIT;
	for (size_t i = 0; i < sizeof corner_yaml / sizeof corner_yaml[0]; i++) {
		char *path = lg_asprintf("%s/r%zu.yaml", dir, i);
		FILE *f = fopen(path, "w");
		if (!f || fputs(corner_yaml[i], f) < 0 || fclose(f) != 0)
			tap_diag("cannot write %s", path);
		lg_buf_printf(&files, "%s%s", i ? ", " : "", path);
		free(path);
	}
	struct lg_buf yaml = LG_BUF_INIT;
	const char *at = strstr(corner_rules, "RULES");
	lg_buf_append(&yaml, corner_rules, (size_t)(at - corner_rules));
	lg_buf_puts(&yaml, lg_buf_cstr(&files));
	lg_buf_puts(&yaml, at + 5);
	struct lg_buf errs = LG_BUF_INIT;
	struct lg_config *cfg = lg_config_load_string("c.yaml", lg_buf_cstr(&yaml), yaml.len, &errs);
	if (!cfg)
		tap_diag("corner-case set: %s", lg_buf_cstr(&errs));
	lg_buf_free(&errs);
	lg_buf_free(&yaml);
	lg_buf_free(&files);
	return cfg;
}

/* test_corner_random - the corner-case set on random texts */
static void test_corner_random(void)
{
	char dir[] = "/tmp/lg-engines-XXXXXX";
	if (!mkdtemp(dir)) {
		tap_ok(0, "temporary directory");
		return;
	}
	struct lg_config *cfg = load_corner(dir);
	if (!tap_ok(cfg && lg_detector_count(cfg->detectors) == 4, "the corner-case set loads")) {
		lg_config_free(cfg);
		return;
	}
	struct tally t = { 0 };
	for (int i = 0; i < 5000; i++) {
		char *text = random_text(corner_bits, sizeof corner_bits / sizeof corner_bits[0],
					 3 + rnd(60));
		compare(cfg->detectors, text, strlen(text), &t);
		free(text);
	}
	report(&t, "corner-case set, random texts");
	tap_ok(t.with_findings > t.total / 4, "the random texts do hold findings (%d)",
	       t.with_findings);
	lg_config_free(cfg);
	for (size_t i = 0; i < sizeof corner_yaml / sizeof corner_yaml[0]; i++) {
		char *path = lg_asprintf("%s/r%zu.yaml", dir, i);
		unlink(path);
		free(path);
	}
	rmdir(dir);
}

/* The texts analyze() handed the detectors for one message. */
static void on_dump(void *arg, const struct lg_part *part, const char *kind, const char *data,
		    size_t len)
{
	(void)part;
	if (strcmp(kind, "text") == 0)
		lg_buf_append(arg, data, len);
}

/* slurp - a whole file; false when it cannot be read */
static bool slurp(const char *path, struct lg_buf *b)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		lg_buf_append(b, chunk, n);
	fclose(f);
	return true;
}

/* analyze_with - the JSON report of one message with Vectorscan on or off; the detectors'
 * texts appended to texts when not NULL */
static char *analyze_with(struct lg_analyzer *an, struct lg_config *cfg, bool vs,
			  const struct lg_buf *msg, struct lg_buf *texts)
{
	static const char *const rcpts[] = { "someone@example.com" };
	struct lg_envelope env = { "sender@example.jp", rcpts, 1 };
	struct lg_report r;
	char err[256] = "";
	lg_detectors_set_vectorscan(cfg->detectors, vs);
	lg_analyzer_set_dump(an, texts ? on_dump : NULL, texts);
	struct lg_buf out = LG_BUF_INIT;
	if (lg_analyze(an, cfg, &env, msg->data, msg->len, &r, err, sizeof err) != 0) {
		lg_buf_printf(&out, "error %s", err);
		return lg_buf_steal(&out, NULL);
	}
	lg_report_json(&r, &out);
	lg_report_free(&r);
	return lg_buf_steal(&out, NULL);
}

/* test_corpus - every message of tests/eval/messages and tests/fixtures: the detectors' texts
 * scanned both ways, and the whole reports */
static void test_corpus(struct lg_config *cfg)
{
	const char *top = getenv("top_srcdir") ? getenv("top_srcdir") : ".";
	static const char *const dirs[] = { "tests/eval/messages", "tests/fixtures" };
	char err[256];
	struct lg_analyzer *an = lg_analyzer_new(err, sizeof err);
	if (!tap_ok(an != NULL, "analyzer (%s)", an ? "" : err))
		return;
	struct tally t = { 0 };
	int msgs = 0, same_reports = 0;
	char *first_diff = NULL;
	for (size_t k = 0; k < sizeof dirs / sizeof dirs[0]; k++) {
		char *path = lg_asprintf("%s/%s", top, dirs[k]);
		DIR *dir = opendir(path);
		struct dirent *e;
		while (dir && (e = readdir(dir)) != NULL) {
			size_t n = strlen(e->d_name);
			if (n < 5 || strcmp(e->d_name + n - 4, ".eml") != 0)
				continue;
			char *file = lg_asprintf("%s/%s", path, e->d_name);
			struct lg_buf msg = LG_BUF_INIT, texts = LG_BUF_INIT;
			if (slurp(file, &msg)) {
				char *a = analyze_with(an, cfg, true, &msg, &texts);
				char *b = analyze_with(an, cfg, false, &msg, NULL);
				msgs++;
				if (!strcmp(a, b))
					same_reports++;
				else if (!first_diff)
					first_diff = lg_asprintf("%s\n# vectorscan: %s\n# direct: %s",
								 file, a, b);
				free(a);
				free(b);
				compare(cfg->detectors, texts.data ? texts.data : "", texts.len, &t);
			}
			lg_buf_free(&msg);
			lg_buf_free(&texts);
			free(file);
		}
		if (dir)
			closedir(dir);
		free(path);
	}
	report(&t, "built-in detectors, the texts of tests/eval and tests/fixtures");
	if (!tap_ok(msgs >= 100 && same_reports == msgs, "the same reports both ways (%d/%d "
		    "messages)", same_reports, msgs))
		tap_diag("%s", first_diff ? first_diff : "too few messages found");
	free(first_diff);
	lg_analyzer_free(an);
}

int main(void)
{
	lg_library_init();
	struct lg_config *cfg = lg_config_load(NULL, NULL);
	if (!cfg) {
		printf("1..1\nnot ok 1 - the built-in configuration loads\n");
		return 1;
	}
	if (!lg_detectors_set_vectorscan(cfg->detectors, true)) {
		tap_diag("built without Vectorscan (or this CPU cannot run it): lg_detect has one "
			 "way only, nothing to compare");
		lg_config_free(cfg);
		return tap_done();	/* 1..0: skipped */
	}
	test_builtin_random(cfg->detectors);
	test_corner_random();
	test_corpus(cfg);
	lg_detectors_set_vectorscan(cfg->detectors, true);
	lg_config_free(cfg);
	return tap_done();
}
