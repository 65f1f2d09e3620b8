/* test_rules.c - the rule-file language and the detector engine around the validators: bad rule
 * files are refused at file:line:column, detectors.files/disable in the configuration, an
 * administrator's own detector, context keywords and confidence, column rules and headers, and
 * the prefilter (windows must never lose a match the whole-text scan finds). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "rules/detect.h"
#include "rules/rules_int.h"
#include "tap.h"

/* ---- rule files that are refused --------------------------------------------------------- */

struct bad_rule {
	const char *label;
	const char *yaml;
	const char *where;	/* "rules.yaml:L:C: error:" */
	const char *msg;	/* part of the message */
};

static const struct bad_rule bad_rules[] = {
	{ "no id", "pattern: 'x'\n", "rules.yaml:1:1: error:", "has no 'id'" },
	{ "directive after a lone CR (found by fuzz_rules: libfyaml looped on it)", "\r%\x89",
	  "rules.yaml:2:1: error:", "YAML directives" },
	{ "bad id", "id: Phone-1\npattern: 'x'\n", "rules.yaml:1:5: error:", "lower-case word" },
	{ "reserved id", "id: total\npattern: 'x'\n", "rules.yaml:1:5: error:", "findings.total" },
	{ "bad pattern", "id: emp\npattern: 'EMP-(\\d{6}'\n", "rules.yaml:2:", "missing closing parenthesis" },
	{ "bad pattern in a block", "id: emp\npattern: |\n  (?x) EMP-\n  [0-9{6}\n", "rules.yaml:4:9:",
	  "missing terminating ]" },
	{ "unknown validator", "id: emp\npattern: 'x'\nvalidator: luhnn\n", "rules.yaml:3:12: error:",
	  "unknown validator 'luhnn' (known:" },
	{ "neither pattern nor columns", "id: emp\ndescription: nothing\n", "rules.yaml:1:1: error:",
	  "neither a pattern nor columns" },
	{ "both pattern and columns", "id: emp\npattern: x\ncolumns: [a]\n", "rules.yaml:1:1: error:",
	  "both a pattern and columns" },
	{ "bad confidence", "id: emp\npattern: x\nconfidence: certain\n", "rules.yaml:3:13: error:",
	  "low, medium or high" },
	{ "bad redact", "id: emp\npattern: x\nredact: stars\n", "rules.yaml:3:9: error:",
	  "text, phone, email, digits, postal" },
	{ "unknown key", "id: emp\npatern: x\n", "rules.yaml:2:1: error:", "did you mean 'pattern'?" },
	{ "unknown prefilter key", "id: emp\npattern: x\nprefilter:\n  digit: 3\n",
	  "rules.yaml:4:3: error:", "did you mean 'digits'?" },
	{ "keywords not a list", "id: emp\npattern: x\ncontext:\n  keywords: 社員番号\n",
	  "rules.yaml:4:13: error:", "keywords must be a sequence" },
	{ "empty keyword", "id: emp\npattern: x\ncontext:\n  keywords: ['']\n", "rules.yaml:4:",
	  "one-line string" },
	{ "digits and literals", "id: emp\npattern: x\nprefilter: {digits: 3, literals: ['@']}\n",
	  "rules.yaml:1:1: error:", "not both" },
	{ "empty file", "# nothing\n", "rules.yaml:1:1: error:", "rule file is empty" },
	{ "validator without pattern", "id: emp\ncolumns: [a]\nvalidator: email\n",
	  "rules.yaml:1:1: error:", "needs a pattern" },
	{ "reach_chars not ASCII", "id: emp\npattern: x\nprefilter: {literals: [x], reach_chars: 'aÃ©'}\n",
	  "rules.yaml:3:", "ASCII characters only (byte 2" },
	{ "reach_chars bad range", "id: emp\npattern: x\nprefilter: {literals: [x], reach_chars: '.- '}\n",
	  "rules.yaml:3:", "bad range '.- '" },
};

/* test_bad_rules - each bad rule file is refused with the place and the reason */
static void test_bad_rules(void)
{
	for (size_t i = 0; i < sizeof bad_rules / sizeof bad_rules[0]; i++) {
		const struct bad_rule *b = &bad_rules[i];
		struct lg_detdef *defs = NULL;
		size_t n = 0;
		struct lg_buf errors = LG_BUF_INIT;
		size_t problems = lg_rules_load_string("rules.yaml", b->yaml, strlen(b->yaml), &defs,
						       &n, &errors);
		const char *e = lg_buf_cstr(&errors);
		tap_ok(problems > 0 && n == 0, "bad rule file (%s): refused", b->label);
		if (!tap_ok(strncmp(e, b->where, strlen(b->where)) == 0 && strstr(e, b->msg),
			    "  %s ... %s", b->where, b->msg))
			tap_diag("got: %s", e);
		for (size_t k = 0; k < n; k++)
			lg_detdef_free(&defs[k]);
		free(defs);
		lg_buf_free(&errors);
	}
}

/* ---- an administrator's own detector ----------------------------------------------------- */

/* Found values, "id=value/confidence/column" joined by '|'. */
struct found {
	const struct lg_detectors *d;
	struct lg_buf s;
};

/* on_found - lg_match_fn collecting every finding */
static void on_found(void *arg, const struct lg_match *m)
{
	struct found *f = arg;
	if (f->s.len)
		lg_buf_putc(&f->s, '|');
	lg_buf_printf(&f->s, "%s=%s/%s", lg_detector_id(f->d, m->det), m->value,
		      lg_conf_name(m->conf));
	if (m->column)
		lg_buf_printf(&f->s, "/%u", m->column);
}

/* scan_text - every finding in a text, as a string */
static char *scan_text(const struct lg_detectors *d, const char *text)
{
	struct found f = { d, LG_BUF_INIT };
	char err[256];
	if (lg_detect(d, text, strlen(text), NULL, on_found, &f, err, sizeof err) < 0)
		lg_buf_printf(&f.s, "ERROR %s", err);
	return lg_buf_steal(&f.s, NULL);
}

/* write_tmp - a file with this text in a fresh temporary directory; the path is returned */
static char *write_tmp(const char *dir, const char *name, const char *text)
{
	char *path = lg_asprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		tap_diag("cannot write %s", path);
	return path;
}

static const char employee_rule[] =
	"# an employee number: EMP- and six digits, high with 社員番号 near\n"
	"id: employee_id\n"
	"description: 社員番号\n"
	"group: staff\n"
	"pattern: '(?<![A-Z0-9])EMP-[0-9]{6}(?![0-9])'\n"
	"prefilter:\n"
	"  digits: 6\n"
	"  reach: 4\n"
	"confidence: medium\n"
	"context:\n"
	"  keywords: [社員番号, employee]\n"
	"  window: 10\n"
	"redact: digits\n";

/* test_own_detector - a rule file named in detectors.files adds a detector; its facts exist in
 * conditions; disable takes built-ins out; an unknown disable or missing file is an error */
static void test_own_detector(void)
{
	char dir[] = "/tmp/lg-test-rules-XXXXXX";
	if (!mkdtemp(dir)) {
		tap_ok(0, "mkdtemp");
		return;
	}
	char *rule = write_tmp(dir, "employee.yaml", employee_rule);
	char *yaml = lg_asprintf("detectors:\n  files: ['%s/*.yaml']\n  disable: [name]\n"
				 "policy:\n  rules:\n    - name: staff\n"
				 "      when: \"findings.employee_id.high >= 1\"\n      action: tag\n",
				 dir);
	struct lg_buf errors = LG_BUF_INIT;
	struct lg_config *cfg = lg_config_load_string("c.yaml", yaml, strlen(yaml), &errors);
	if (tap_ok(cfg != NULL, "a config with detectors.files loads")) {
		const struct lg_detectors *d = cfg->detectors;
		tap_ok(lg_detector_find(d, "employee_id") >= 0, "the administrator's detector is in");
		tap_ok(lg_detector_find(d, "name") < 0 && lg_detector_find(d, "phone_jp") >= 0,
		       "disable takes out only the named built-in");
		char *got = scan_text(d, "社員番号 EMP-123456, EMP-654321 and XEMP-111111, EMP-1234567");
		tap_is_str(got, "employee_id=EMP-123456/high|employee_id=EMP-654321/medium",
			   "own detector: boundaries, context within its window");
		free(got);
		char *r = lg_redact(lg_detector_def(d, (unsigned)lg_detector_find(d, "employee_id"))->redact,
				    "EMP-123456");
		tap_is_str(r, "EMP-**3456", "own detector: its redaction style");
		free(r);
		lg_config_free(cfg);
	} else {
		tap_diag("%s", lg_buf_cstr(&errors));
	}
	free(yaml);

	/* the same id as a built-in replaces it */
	char *repl = write_tmp(dir, "phone.yaml",
			       "id: phone_jp\npattern: 'TEL[0-9]{4}'\nprefilter: {literals: [tel]}\n");
	yaml = lg_asprintf("detectors:\n  files: ['%s']\n", repl);
	lg_buf_reset(&errors);
	cfg = lg_config_load_string("c.yaml", yaml, strlen(yaml), &errors);
	if (tap_ok(cfg != NULL, "a rule file may replace a built-in detector")) {
		char *got = scan_text(cfg->detectors, "TEL1234 090-1234-5678");
		tap_is_str(got, "phone_jp=TEL1234/medium", "  the replacement is what runs");
		free(got);
		tap_ok(lg_detector_find(cfg->detectors, "email") >= 0,
		       "  the other built-ins stay");
		lg_config_free(cfg);
	} else {
		tap_diag("%s", lg_buf_cstr(&errors));
	}
	free(yaml);

	/* problems: a bad rule file is reported at its own file:line; the config is refused */
	char *bad = write_tmp(dir, "bad.yaml", "id: x\npattern: '(('\n");
	yaml = lg_asprintf("detectors:\n  files: ['%s', '%s/none.yaml']\n  disable: [nope]\n", bad,
			   dir);
	lg_buf_reset(&errors);
	cfg = lg_config_load_string("c.yaml", yaml, strlen(yaml), &errors);
	const char *e = lg_buf_cstr(&errors);
	char *want_bad = lg_asprintf("%s:2:", bad);
	tap_ok(cfg == NULL, "a config naming a broken rule file is refused");
	if (!tap_ok(strstr(e, want_bad) && strstr(e, "bad pattern"), "  the rule file's line"))
		tap_diag("%s", e);
	if (!tap_ok(strstr(e, "none.yaml: no such file") && strstr(e, "no built-in detector 'nope'"),
		    "  a missing file and an unknown disable are named"))
		tap_diag("%s", e);
	lg_config_free(cfg);
	free(want_bad);
	free(yaml);

	/* a condition naming a disabled detector's fact is an unknown fact */
	yaml = lg_strdup("detectors:\n  disable: [email]\npolicy:\n  rules:\n    - name: r\n"
			 "      when: \"findings.email >= 1\"\n      action: tag\n");
	lg_buf_reset(&errors);
	cfg = lg_config_load_string("c.yaml", yaml, strlen(yaml), &errors);
	tap_ok(cfg == NULL && strstr(lg_buf_cstr(&errors), "c.yaml:6:14: error: unknown fact 'findings.email'"),
	       "a disabled detector's facts are unknown in conditions");
	lg_config_free(cfg);
	free(yaml);

	unlink(rule);
	unlink(repl);
	unlink(bad);
	rmdir(dir);
	free(rule);
	free(repl);
	free(bad);
	lg_buf_free(&errors);
}

/* ---- context, columns, headers ----------------------------------------------------------- */

/* row_scan - one table row (cells joined by tabs) under a header row, as a string */
static char *row_scan(const struct lg_detectors *d, const char *const *hdr, size_t nh,
		      const char *const *cells, size_t n)
{
	size_t hl[16], starts[16], lens[16];
	for (size_t i = 0; i < nh; i++)
		hl[i] = strlen(hdr[i]);
	struct lg_header *h = nh ? lg_header_new(d, hdr, hl, nh) : NULL;
	struct lg_buf text = LG_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i)
			lg_buf_putc(&text, '\t');
		starts[i] = text.len;
		lens[i] = strlen(cells[i]);
		lg_buf_puts(&text, cells[i]);
	}
	struct lg_row_ctx row = { starts, lens, n, h };
	struct found f = { d, LG_BUF_INIT };
	char err[256];
	if (lg_detect(d, lg_buf_cstr(&text), text.len, &row, on_found, &f, err, sizeof err) < 0)
		lg_buf_printf(&f.s, "ERROR %s", err);
	lg_header_free(h);
	lg_buf_free(&text);
	return lg_buf_steal(&f.s, NULL);
}

/* test_context_and_columns - keywords near a value or in its column header raise the
 * confidence; a column rule makes the cells under 氏名 findings, not under 会社名 */
static void test_context_and_columns(const struct lg_detectors *d)
{
	static const struct {
		const char *text, *want;
	} near[] = {
		{ "連絡先 090-1234-5678", "phone_jp=09012345678/high" },
		{ "TEL:03-1234-5678", "phone_jp=0312345678/high" },
		{ "ご注文 090-1234-5678 の件", "phone_jp=09012345678/medium" },
		{ "電話はこちらまで。ずっと先の方に書いてあります 090-1234-5678",
		  "phone_jp=09012345678/medium" },
		{ "hotel 090-1234-5678", "phone_jp=09012345678/medium" },	/* "tel" is not a word here */
		{ "メール: taro@example.jp", "email=taro@example.jp/high" },
		{ "taro@example.jp", "email=taro@example.jp/medium" },
		/* exclude keywords: identifiers written like addresses */
		{ "UID:0000551-5@corp.example.com", "" },
		{ "Message-ID: <CA+abc123@mail.example.jp>", "" },
		{ "Message-ID: <x@example.jp> は taro@example.jp から", "email=taro@example.jp/medium" },
		{ "FLUID:taro@example.jp", "email=taro@example.jp/medium" },	/* a word, not "uid:" */
		/* a corporate number is low without 法人番号 near, high with */
		{ "JAN 4901234501096", "corporate_number=4901234501096/low" },	/* a JAN code passing both checks */
		{ "法人番号 7000012050002", "corporate_number=7000012050002/high" },
	};
	for (size_t i = 0; i < sizeof near / sizeof near[0]; i++) {
		char *got = scan_text(d, near[i].text);
		char name[256];
		snprintf(name, sizeof name, "context: %s", near[i].text);
		tap_is_str(got, near[i].want, name);
		free(got);
	}

	const char *hdr[] = { "No.", "氏名", "会社名", "電話番号", "メール" };
	const char *row[] = { "1", "山田 太郎", "例示商事", "090-1234-5678", "t@example.jp" };
	char *got = row_scan(d, hdr, 5, row, 5);
	tap_is_str(got,
		   "phone_jp=09012345678/high/4|email=t@example.jp/high/5|name=山田 太郎/medium/2",
		   "row under a header: context from the column headers, names under 氏名 only");
	free(got);
	got = row_scan(d, NULL, 0, row, 5);
	tap_is_str(got, "phone_jp=09012345678/medium/4|email=t@example.jp/medium/5",
		   "the same row without a header: no names, no header context");
	free(got);
	const char *hdr2[] = { "Company Name", "Name", "File name" };
	const char *row2[] = { "Example Ltd", "Taro Yamada", "list.xlsx" };
	got = row_scan(d, hdr2, 3, row2, 3);
	tap_is_str(got, "name=Taro Yamada/medium/2", "Name is a name column, Company/File name are not");
	free(got);
	const char *blank[] = { "", "  ", "x" };
	got = row_scan(d, hdr2, 3, blank, 3);
	tap_is_str(got, "", "blank cells under a name column are not names");
	free(got);
	size_t l[2] = { 3, 3 };
	const char *plain[] = { "abc", "def" };
	tap_ok(lg_header_new(d, plain, l, 2) == NULL, "a row naming nothing is not a header");
}

/* ---- the prefilter ----------------------------------------------------------------------- */

/* digit_clusters_str - the clusters of a text as "start-end:digits" */
static char *digit_clusters_str(const char *text, unsigned min_len)
{
	size_t n;
	struct lg_cluster *c = lg_digit_clusters(text, strlen(text), min_len, &n);
	struct lg_buf b = LG_BUF_INIT;
	for (size_t i = 0; i < n; i++)
		lg_buf_printf(&b, "%s%zu-%zu:%u", i ? " " : "", c[i].start, c[i].end, c[i].digits);
	free(c);
	return lg_buf_steal(&b, NULL);
}

/* test_clusters - runs of digits and number separators (space - . ( ) + / dashes), from the
 * first digit; at the text's edges and across 64-byte words */
static void test_clusters(void)
{
	static const struct {
		const char *text, *want;
	} rows[] = {
		{ "", "" },
		{ "abc", "" },
		{ "1", "0-1:1" },
		{ "090-1234-5678", "0-13:11" },
		{ "090−1234ー5678", "0-17:11" },	/* U+2212 and U+30FC join */
		{ "(03) 1234 5678", "1-14:10" },
		{ "+81 90.1234/5678", "1-16:12" },
		{ "12       34", "0-11:4" },
		{ "2026年11月27日", "0-4:4 7-9:2 12-14:2" },	/* other characters part numbers */
		{ "1,234,567", "0-1:1 2-5:3 6-9:3" },
		{ "12:30\t090", "0-2:2 3-5:2 6-9:3" },	/* tabs part table cells */
		{ "1x", "0-1:1" },
		{ "x1x", "1-2:1" },
		{ "x12", "1-3:2" },
		{ "12x", "0-2:2" },
		{ "12 - ", "0-5:2" },	/* separators after the last digit stay in the run */
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa123-4567 b",
		  "61-70:7" },	/* across the first 64-byte word */
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1 2",
		  "63-66:2" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1",
		  "64-65:1" },	/* a digit alone in the second word */
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1b",
		  "63-64:1" },	/* the last byte of the first word */
		{ "1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-----------------"
		  "---------------------------------------------------------------2",
		  "0-1:1 143-144:1" },	/* a run of separators with no digit before it is nothing */
		{ "1-------------------------------------------------------------------------------"
		  "-------------------------------------------------2",
		  "0-130:2" },	/* a run carried across words */
		{ "１２３", "" },	/* full-width digits are made ASCII by NFKC before */
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char *got = digit_clusters_str(rows[i].text, 1);
		char name[160];
		snprintf(name, sizeof name, "clusters: \"%.60s\"", rows[i].text);
		tap_is_str(got, rows[i].want, name);
		free(got);
	}
	/* only runs at least min_len bytes long (what the detectors need), also across words */
	static const struct {
		const char *text;
		unsigned min;
		const char *want;
	} longer[] = {
		{ "12x3456x090-1234-5678x1234567x123456", 7, "8-21:11 22-29:7" },
		{ "123456", 7, "" },
		{ "1234567", 7, "0-7:7" },
		{ "12-34-5", 7, "0-7:5" },	/* long enough in bytes; the digits decide later */
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1234567 12",
		  7, "61-71:9" },	/* a long run across the 64-byte word */
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa12345 b", 7, "" },
	};
	for (size_t i = 0; i < sizeof longer / sizeof longer[0]; i++) {
		char *got = digit_clusters_str(longer[i].text, longer[i].min);
		char name[160];
		snprintf(name, sizeof name, "clusters of %u bytes or more: \"%.50s\"", longer[i].min,
			 longer[i].text);
		tap_is_str(got, longer[i].want, name);
		free(got);
	}
}

/* test_reach_chars - how far back a literal window begins, with and without reach_chars */
static void test_reach_chars(void)
{
	static const struct {
		const char *spec;	/* NULL: any character */
		unsigned reach;
		const char *text;	/* the trigger is the '@' */
		size_t want;
	} rows[] = {
		{ NULL, 5, "ab cd.ef@x", 3 },
		{ "a-z", 5, "ab cd.ef@x", 6 },	/* stops at the '.' */
		{ "-.a-z", 9, "ab cd.ef@x", 3 },	/* '-' first is itself; stops at the space */
		{ "-.a-z ", 9, "ab cd.ef@x", 0 },
		{ "a-z", 3, "abcdefg@", 4 },		/* never past reach */
		{ "a-z", 9, "日本ab@", 6 },		/* non-ASCII stops it */
		{ NULL, 3, "日本ab@", 3 },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct lg_det det = { 0 };
		char why[128] = "";
		det.def.prefilter.reach = rows[i].reach;
		if (rows[i].spec) {
			det.reach_limited = lg_reach_chars_parse(rows[i].spec, det.reach_ok, why,
								 sizeof why);
			if (!tap_ok(det.reach_limited, "reach_chars \"%s\" parses (%s)", rows[i].spec,
				    why))
				continue;
		}
		size_t at = (size_t)(strchr(rows[i].text, '@') - rows[i].text);
		size_t got = lg_reach_start(&det, rows[i].text, at);
		if (!tap_ok(got == rows[i].want, "reach %u over %s in \"%s\": starts at %zu",
			    rows[i].reach, rows[i].spec ? rows[i].spec : "anything", rows[i].text,
			    rows[i].want))
			tap_diag("got %zu", got);
	}
}

static unsigned long long rng = 88172645463325252ull;

/* rnd - xorshift64 */
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* random_text - text made of pieces that make and break phone numbers and addresses */
static char *random_text(size_t pieces)
{
	static const char *const bits[] = {
		"0", "1", "3", "9", "03", "090", "-", " ", "(", ")", "+81", "@", "taro", ".",
		"example.jp", "ー", "−", "電話", "TEL", "\n", "\t", "a", "(at)", "[AT]", "０",
		"1234", "5678", "0120", "mail", "連絡先", "x", "_", "〒", "100", "-0001",
	};
	struct lg_buf b = LG_BUF_INIT;
	for (size_t i = 0; i < pieces; i++)
		lg_buf_puts(&b, bits[rnd(sizeof bits / sizeof bits[0])]);
	return lg_buf_steal(&b, NULL);
}

/* test_prefilter_loses_nothing - every built-in detector with its prefilter finds exactly what
 * the same detector finds scanning the whole text, on many random texts */
static void test_prefilter_loses_nothing(const struct lg_detectors *d)
{
	size_t n = lg_detector_count(d);
	struct lg_detdef *defs = lg_calloc(n, sizeof *defs);
	for (size_t i = 0; i < n; i++) {
		defs[i] = *lg_detector_def(d, (unsigned)i);
		defs[i].prefilter.digits = 0;
		defs[i].prefilter.literals = NULL;
	}
	char err[256] = "";
	struct lg_detectors *whole = lg_detectors_build(defs, n, err, sizeof err);
	free(defs);
	if (!tap_ok(whole != NULL, "detectors without prefilters build (%s)", err))
		return;
	int same = 0, total = 2000, matches = 0;
	char *first_diff = NULL;
	for (int t = 0; t < total; t++) {
		char *text = random_text(5 + rnd(120));
		char *a = scan_text(d, text), *b = scan_text(whole, text);
		if (!strcmp(a, b))
			same++;
		else if (!first_diff)
			first_diff = lg_asprintf("text [%s]\n  prefiltered [%s]\n  whole [%s]", text, a, b);
		matches += *a != '\0';
		free(a);
		free(b);
		free(text);
	}
	if (!tap_ok(same == total, "prefilter windows find the same as whole-text scans (%d/%d texts, "
		    "%d with findings)", same, total, matches))
		tap_diag("%s", first_diff);
	tap_ok(matches > total / 10, "the random texts do hold findings (%d)", matches);
	free(first_diff);
	lg_detectors_free(whole);
}

/* test_no_built_in_backtracks - texts that once made a built-in pattern backtrack past the
 * limit (found by fuzz_detect) are scanned to the end */
static void test_no_built_in_backtracks(const struct lg_detectors *d)
{
	static const char *const texts[] = {
		"678(7/+813333333333333333333333333333333333333333r",	/* phone_intl, digit groups */
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		char err[256] = "";
		int rc = lg_detect(d, texts[i], strlen(texts[i]), NULL, NULL, NULL, err, sizeof err);
		tap_ok(rc >= 0, "built-in patterns finish on \"%.40s\" (%d %s)", texts[i], rc, err);
	}
	/* the same run of digits long and repeated */
	struct lg_buf b = LG_BUF_INIT;
	for (int k = 0; k < 50; k++) {
		lg_buf_puts(&b, "+81 ");
		for (int j = 0; j < 60; j++)
			lg_buf_putc(&b, (char)('0' + (k + j) % 10));
		lg_buf_puts(&b, k % 2 ? " -(0) " : ".");
	}
	char err[256] = "";
	int rc = lg_detect(d, lg_buf_cstr(&b), b.len, NULL, NULL, NULL, err, sizeof err);
	tap_ok(rc >= 0, "built-in patterns finish on long digit runs after '+' (%d %s)", rc, err);
	lg_buf_free(&b);
}

/* test_backtracking_limit - a pattern that backtracks without end on some text gives up there:
 * lg_detect answers -2 naming the detector, and still reports the other detectors' findings */
static void test_backtracking_limit(const struct lg_detectors *builtin)
{
	struct lg_detdef defs[2] = {
		*lg_detector_def(builtin, (unsigned)lg_detector_find(builtin, "phone_jp")),
		{ .id = "slow", .pattern = "(?:a|a)+(?=z)", .personal = true, .confidence = LG_CONF_MEDIUM,
		  .file = "slow.yaml", .line = 1 },
	};
	char err[256] = "";
	struct lg_detectors *d = lg_detectors_build(defs, 2, err, sizeof err);
	if (!tap_ok(d != NULL, "a detector with a catastrophic pattern builds (%s)", err))
		return;
	struct lg_buf text = LG_BUF_INIT;
	lg_buf_puts(&text, "TEL 090-1234-5678 ");
	for (int i = 0; i < 40; i++)
		lg_buf_putc(&text, 'a');
	struct found f = { d, LG_BUF_INIT };
	err[0] = '\0';
	int rc = lg_detect(d, lg_buf_cstr(&text), text.len, NULL, on_found, &f, err, sizeof err);
	tap_is_long(rc, -2, "backtracking limit: lg_detect answers -2");
	tap_ok(strstr(err, "slow") != NULL, "backtracking limit: the detector is named (%s)", err);
	tap_is_str(lg_buf_cstr(&f.s), "phone_jp=09012345678/high",
		   "backtracking limit: the other findings are still reported");
	lg_buf_free(&f.s);
	lg_buf_free(&text);
	lg_detectors_free(d);
}

/* ref_clusters - the clusters by their definition, a byte at a time, as "start-end:digits" */
static char *ref_clusters(const char *text, size_t len, unsigned min_len)
{
	const unsigned char *s = (const unsigned char *)text;
	unsigned char *join = lg_calloc(len + 1, 1);
	for (size_t i = 0; i < len; i++) {
		if ((s[i] >= '0' && s[i] <= '9') || (s[i] && strchr(" -.()+/", s[i])))
			join[i] = 1;
		if (s[i] == 0xE2)
			for (size_t k = i; k < i + 3 && k < len; k++)
				join[k] = 1;
		if (i + 2 < len && s[i] == 0xE3 && s[i + 1] == 0x83 && s[i + 2] == 0xBC)
			join[i] = join[i + 1] = join[i + 2] = 1;
	}
	unsigned min = min_len > 64 ? 64 : min_len;
	struct lg_buf b = LG_BUF_INIT;
	for (size_t i = 0; i < len;) {
		if (!join[i]) {
			i++;
			continue;
		}
		size_t e = i, first = len;
		unsigned digits = 0;
		for (; e < len && join[e]; e++)
			if (s[e] >= '0' && s[e] <= '9') {
				digits++;
				if (first == len)
					first = e;
			}
		if (digits && e - first >= min)
			lg_buf_printf(&b, "%s%zu-%zu:%u", b.len ? " " : "", first, e, digits);
		i = e;
	}
	free(join);
	return lg_buf_steal(&b, NULL);
}

/* test_clusters_both_ways - the SSE2 and AVX2 classifiers against the definition, on random
 * texts long enough to use them (the table above is mostly shorter than one 64-byte word) */
static void test_clusters_both_ways(void)
{
	static const char *const bits[] = { "0", "1", "9", "12", "-", " ", ".", "(", ")", "+", "/",
					    "*", ",", ":", "\t", "a", "Z", "ー", "−", "‐", "—", "日",
					    "本", "ア", "Ｘ", "\xE3\x83", "\xBC", "\xE2", "090-1234-5678" };
	static const unsigned mins[] = { 1, 7, 10, 14, 64, 70 };
	int levels[] = { 0, 1 }, same[2] = { 0, 0 }, total = 0;
	char *first_diff = NULL;
	for (int t = 0; t < 3000; t++) {
		struct lg_buf b = LG_BUF_INIT;
		size_t pieces = rnd(200);
		for (size_t i = 0; i < pieces; i++)
			lg_buf_puts(&b, bits[rnd(sizeof bits / sizeof bits[0])]);
		unsigned min = mins[rnd(sizeof mins / sizeof mins[0])];
		const char *text = lg_buf_cstr(&b);
		char *want = ref_clusters(text, b.len, min);
		total++;
		for (int l = 0; l < 2; l++) {
			lg_prefilter_simd = levels[l];
			size_t n;
			struct lg_cluster *c = lg_digit_clusters(text, b.len, min, &n);
			struct lg_buf got = LG_BUF_INIT;
			for (size_t k = 0; k < n; k++)
				lg_buf_printf(&got, "%s%zu-%zu:%u", k ? " " : "", c[k].start, c[k].end,
					      c[k].digits);
			if (!strcmp(lg_buf_cstr(&got), want))
				same[l]++;
			else if (!first_diff)
				first_diff = lg_asprintf("level %d, min %u, %zu bytes: got [%s] want [%s]",
							 l, min, b.len, lg_buf_cstr(&got), want);
			lg_buf_free(&got);
			free(c);
		}
		free(want);
		lg_buf_free(&b);
	}
	lg_prefilter_simd = -1;
	lg_prefilter_init();
	tap_ok(same[0] == total, "digit clusters, SSE2: as defined on %d random texts (%d)", total,
	       same[0]);
	if (!tap_ok(same[1] == total || !__builtin_cpu_supports("avx2"),
		    "digit clusters, AVX2: as defined on %d random texts (%d)", total, same[1]))
		tap_diag("%s", first_diff);
	else if (first_diff)
		tap_diag("%s", first_diff);
	free(first_diff);
}

/* ---- the quick reject of header cells ------------------------------------------------------ */

/* ref_any_in - reference: one of the words in the cell, keyword by keyword */
static bool ref_any_in(char **w, const char *cell, size_t n)
{
	for (size_t k = 0; w && w[k]; k++)
		if (lg_ci_find(cell, n, w[k]))
			return true;
	return false;
}

/* ref_mark - reference: what a header cell means for one detector, by the full search of every
 * keyword (lg_header_new before the quick reject) */
static unsigned char ref_mark(const struct lg_det *det, const char *cell, size_t n)
{
	unsigned char m = 0;
	if (n == 0 || n > 200)
		return 0;
	if (det->def.columns && ref_any_in(det->def.columns, cell, n) &&
	    !ref_any_in(det->def.not_columns, cell, n))
		m |= HDR_COLUMN;
	if (ref_any_in(det->def.context.keywords, cell, n))
		m |= HDR_CONTEXT;
	return m;
}

/* A pool of cells: owned copies with lengths. */
struct cells {
	char **s;
	size_t *len, n, cap;
};

/* cells_add - a copy of s[0..n) into the pool */
static void cells_add(struct cells *c, const char *s, size_t n)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 256;
		c->s = lg_realloc(c->s, c->cap * sizeof *c->s);
		c->len = lg_realloc(c->len, c->cap * sizeof *c->len);
	}
	c->s[c->n] = lg_malloc(n + 1);
	memcpy(c->s[c->n], s, n);
	c->s[c->n][n] = '\0';
	c->len[c->n++] = n;
}

/* cells_from_keywords - each keyword of a list, upper-cased, inside other text, cut short */
static void cells_from_keywords(struct cells *c, char **kw)
{
	for (size_t k = 0; kw && kw[k]; k++) {
		size_t m = strlen(kw[k]);
		cells_add(c, kw[k], m);
		char *up = lg_strdup(kw[k]);
		for (char *p = up; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 32);
		cells_add(c, up, m);
		free(up);
		char *in = lg_asprintf("お客様%s欄", kw[k]);
		cells_add(c, in, strlen(in));
		free(in);
		in = lg_asprintf("x%s1", kw[k]);	/* ASCII words glued: not found */
		cells_add(c, in, strlen(in));
		free(in);
		in = lg_asprintf("(%s)", kw[k]);
		cells_add(c, in, strlen(in));
		free(in);
		if (m > 1) {
			cells_add(c, kw[k] + 1, m - 1);
			cells_add(c, kw[k], m - 1);
		}
	}
}

/* cells_from_file - the tab, comma and line separated fields of a file in the source tree */
static void cells_from_file(struct cells *c, const char *rel)
{
	const char *top = getenv("top_srcdir");
	char *path = lg_asprintf("%s/%s", top ? top : ".", rel);
	FILE *f = fopen(path, "r");
	if (!tap_ok(f != NULL, "header cells: read %s", rel)) {
		free(path);
		return;
	}
	char line[4096];
	while (fgets(line, sizeof line, f)) {
		size_t a = 0;
		for (size_t i = 0;; i++)
			if (line[i] == '\t' || line[i] == ',' || line[i] == '\n' || line[i] == '\0') {
				cells_add(c, line + a, i - a);
				if (line[i] == '\n' || line[i] == '\0')
					break;
				a = i + 1;
			}
	}
	fclose(f);
	free(path);
}

/* cells_random - cells glued from header words, data and raw bytes */
static void cells_random(struct cells *c, size_t count)
{
	static const char *const bits[] = {
		"氏名", "名前", "お名前", "フリガナ", "カナ", "電話", "電話番号", "携帯", "TEL", "Tel",
		"FAX", "E-Mail", "mail", "メール", "アドレス", "住所", "〒", "郵便番号", "No.", "番号",
		"個人番号", "マイナンバー", "会社名", "file name", "Name", "name", "口座", "カード",
		"山田", "太郎", "株式会社", "東京都", "090", "-", "1234", " ", "@", "example.jp", "x",
		"a", "1", "(", ")", ":", "・", "ー", "氏", "名", "電", "話", "ma", "il", "te", "l",
	};
	char buf[64];
	for (size_t i = 0; i < count; i++) {
		struct lg_buf b = LG_BUF_INIT;
		size_t pieces = rnd(6);
		for (size_t k = 0; k < pieces; k++)
			lg_buf_puts(&b, bits[rnd(sizeof bits / sizeof bits[0])]);
		cells_add(c, lg_buf_cstr(&b), b.len);
		lg_buf_free(&b);
		size_t n = rnd(sizeof buf);
		for (size_t k = 0; k < n; k++)
			buf[k] = (char)(rnd(4) ? 0x20 + rnd(95) : 0x80 + rnd(128));
		cells_add(c, buf, n);
	}
	char big[300];	/* longer than any header cell */
	memset(big, 'a', sizeof big);
	memcpy(big, "name", 4);
	cells_add(c, big, sizeof big);
}

/* check_header_cells - over the pool, the quick reject never turns away a cell the full search
 * takes, and lg_header_new marks rows of these cells exactly as the full search does */
static void check_header_cells(const struct lg_detectors *d, const char *what, struct cells *c)
{
	size_t takes = 0, lost = 0, rejected = 0;
	for (size_t i = 0; i < c->n; i++) {
		bool full = false;
		for (size_t k = 0; k < d->n; k++) {
			char **lists[2] = { d->dets[k].def.columns, d->dets[k].def.context.keywords };
			full = full || ref_any_in(lists[0], c->s[i], c->len[i]) ||
			       ref_any_in(lists[1], c->s[i], c->len[i]);
		}
		bool quick = lg_hdrfilter_may_match(d->hdr, c->s[i], c->len[i]);
		takes += full;
		rejected += !quick;
		if (full && !quick && lost++ == 0)
			tap_diag("%s: the quick reject turns away [%s]", what, c->s[i]);
	}
	tap_ok(lost == 0, "%s: the quick reject loses no cell (%zu lost)", what, lost);
	tap_ok(takes > 0 && rejected > 0, "%s: %zu cells, %zu named a detector, %zu rejected quickly",
	       what, c->n, takes, rejected);
	size_t wrong = 0;
	for (size_t r = 0; r + 5 <= c->n; r += 5) {	/* rows of 5 cells */
		struct lg_header *h = lg_header_new(d, (const char *const *)c->s + r, c->len + r, 5);
		bool any = false;
		for (size_t col = 0; col < 5; col++)
			for (size_t k = 0; k < d->n; k++) {
				unsigned char want = ref_mark(&d->dets[k], c->s[r + col], c->len[r + col]);
				unsigned char got = h ? h->marks[col * d->n + k] : 0;
				any = any || want;
				if (got != want && wrong++ == 0)
					tap_diag("%s: [%s] for %s: mark %u, want %u", what, c->s[r + col],
						 d->dets[k].def.id, got, want);
			}
		if ((h != NULL) != any && wrong++ == 0)
			tap_diag("%s: row %zu: a header %s", what, r / 5, h ? "naming nothing" : "missed");
		lg_header_free(h);
	}
	tap_ok(wrong == 0, "%s: lg_header_new marks rows as the full search does (%zu wrong)", what,
	       wrong);
}

/* test_header_quick_reject - the built-in set and sets with one- and two-byte keywords */
static void test_header_quick_reject(const struct lg_detectors *builtin)
{
	static const struct {
		const char *what, *rule;
	} sets[] = {
		{ "built-in", NULL },
		{ "two-byte keywords", "id: short_col\ncolumns: ['No', 'ID']\nnot_columns: ['nope']\n" },
		{ "one-byte keyword", "id: tagged\npattern: 'Q[0-9]{3}'\nprefilter: {literals: [q]}\n"
				      "context:\n  keywords: ['#', '番号']\n" },
	};
	char dir[] = "/tmp/lg-test-hdr-XXXXXX";
	if (!tap_ok(mkdtemp(dir) != NULL, "mkdtemp"))
		return;
	for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++) {
		struct lg_config *cfg = NULL;
		const struct lg_detectors *d = builtin;
		char *path = NULL;
		if (sets[s].rule) {
			path = write_tmp(dir, "short.yaml", sets[s].rule);
			char *yaml = lg_asprintf("detectors:\n  files: ['%s']\n", path);
			struct lg_buf errors = LG_BUF_INIT;
			cfg = lg_config_load_string("c.yaml", yaml, strlen(yaml), &errors);
			free(yaml);
			if (!tap_ok(cfg != NULL, "%s: config loads", sets[s].what))
				tap_diag("%s", lg_buf_cstr(&errors));
			lg_buf_free(&errors);
			if (!cfg) {
				unlink(path);
				free(path);
				continue;
			}
			d = cfg->detectors;
		}
		struct cells c = { 0 };
		for (size_t k = 0; k < d->n; k++) {
			cells_from_keywords(&c, d->dets[k].def.columns);
			cells_from_keywords(&c, d->dets[k].def.not_columns);
			cells_from_keywords(&c, d->dets[k].def.context.keywords);
			cells_from_keywords(&c, d->dets[k].def.exclude.keywords);
		}
		cells_from_file(&c, "tests/eval/labels.tsv");
		cells_from_file(&c, "tests/fixtures/content/html_mail.txt");
		cells_random(&c, 20000);
		check_header_cells(d, sets[s].what, &c);
		for (size_t i = 0; i < c.n; i++)
			free(c.s[i]);
		free(c.s);
		free(c.len);
		lg_config_free(cfg);
		if (path) {
			unlink(path);
			free(path);
		}
	}
	rmdir(dir);
}

int main(void)
{
	test_bad_rules();
	test_own_detector();
	test_reach_chars();
	char err[512];
	struct lg_detectors *d = lg_detectors_builtin(err, sizeof err);
	if (!tap_ok(d != NULL, "built-in detectors (%s)", err))
		return tap_done();
	test_context_and_columns(d);
	test_clusters();
	test_clusters_both_ways();
	test_prefilter_loses_nothing(d);
	test_backtracking_limit(d);
	test_no_built_in_backtracks(d);
	test_header_quick_reject(d);
	lg_detectors_free(d);
	return tap_done();
}
