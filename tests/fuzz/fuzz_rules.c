/* fuzz_rules.c - libFuzzer harness: an administrator's rule file (lg_rules_load_string, the YAML
 * loader of detector definitions), then, when it loads cleanly, lg_detectors_build on what it
 * defined and lg_detect with that set over a fixed text, as running text and as a table row
 * under a header. Checks: a refusal says why; a loaded definition has an id and either a
 * pattern or columns; matches lie inside the text and are counted; -1 (an internal error) never
 * comes back (-2, pcre2's backtracking limit, may: an administrator's pattern can backtrack). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "content/utf8.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "rules/detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fail - a broken promise: say which, then abort() so libFuzzer keeps the input */
static void fail(const char *what)
{
	fprintf(stderr, "fuzz_rules: %s\n", what);
	abort();
}

/* The text the loaded detectors scan: numbers, addresses and keywords of every built-in kind,
 * in the NFKC form the analyser hands over. */
static const char sample[] =
	"氏名\t電話\tメール\tマイナンバー\tカード\n"
	"山田 太郎\t090-1234-5678\ttaro@example.jp\t1234 5678 9018\t4111-1111-1111-1111\n"
	"〒100-8914 東京都千代田区永田町1-7-1 TEL (03)3581-5111 +81 3 3581 5111 "
	"法人番号 7000012050002 みずほ銀行 渋谷支店 普通 1234567 card no. 3782 822463 10005";

struct matches {
	const struct lg_detectors *d;
	size_t len, ncells;
	long count;
};

/* on_match - check one match and redact it */
static void on_match(void *arg, const struct lg_match *mt)
{
	struct matches *m = arg;
	if (mt->det >= lg_detector_count(m->d) || !mt->value || mt->start > mt->end ||
	    mt->end > m->len || mt->conf < LG_CONF_LOW || mt->conf > LG_CONF_HIGH)
		fail("match with a bad detector, no value, a bad confidence or outside the text");
	if (!lg_utf8_is_valid(mt->value, strlen(mt->value)))
		fail("match value is not valid UTF-8");
	if (m->ncells && (mt->column < 1 || mt->column > m->ncells))
		fail("match in a row without a valid column");
	free(lg_redact(lg_detector_def(m->d, mt->det)->redact, mt->value));
	m->count++;
}

/* scan - the sample text with the loaded detectors, as text and as rows of tab-separated cells */
static void scan(const struct lg_detectors *d)
{
	char err[256];
	size_t len = sizeof sample - 1;
	struct matches m = { d, len, 0, 0 };
	int n = lg_detect(d, sample, len, NULL, on_match, &m, err, sizeof err);
	if (n == -1) {
		fprintf(stderr, "fuzz_rules: lg_detect failed: %s\n", err);
		abort();
	}
	if (n >= 0 && n != m.count)
		fail("return value is not the number of matches reported");

	/* line 1 is a header, line 2 a row of it (scanned on its own, as the analyser scans rows) */
	const char *rt = strchr(sample, '\n') + 1;
	size_t hlen = (size_t)(rt - 1 - sample), rl = (size_t)(strchr(rt, '\n') - rt);
	const char *cells[8];
	size_t hl[8], starts[8], lens[8], nh = 0, nr = 0, from = 0;
	for (size_t i = 0; i <= hlen; i++)
		if (i == hlen || sample[i] == '\t') {
			cells[nh] = sample + from, hl[nh++] = i - from;
			from = i + 1;
		}
	from = 0;
	for (size_t i = 0; i <= rl; i++)
		if (i == rl || rt[i] == '\t') {
			starts[nr] = from, lens[nr++] = i - from;
			from = i + 1;
		}
	struct lg_header *h = lg_header_new(d, cells, hl, nh);
	struct lg_row_ctx row = { starts, lens, nr, h };
	m = (struct matches){ d, rl, nr, 0 };
	n = lg_detect(d, rt, rl, &row, on_match, &m, err, sizeof err);
	if (n == -1 || (n >= 0 && n != m.count))
		fail("row scan failed or miscounted");
	lg_header_free(h);
}

/* LLVMFuzzerTestOneInput - one rule file (not NUL-terminated) */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lg_buf errors = LG_BUF_INIT;
	struct lg_detdef *defs = NULL;
	size_t ndefs = 0;
	size_t problems = lg_rules_load_string("fuzz.yaml", (const char *)data, size, &defs, &ndefs,
					       &errors);
	if (problems > 0 && errors.len == 0)
		fail("problems without an error message");
	if (problems == 0 && errors.len != 0)
		fail("an error message without a problem");
	for (size_t i = 0; i < ndefs; i++)
		if (!defs[i].id || (!defs[i].pattern && !defs[i].columns))
			fail("a definition without an id, or without a pattern and columns");
	if (problems == 0 && ndefs > 0) {
		char err[256] = "";
		struct lg_detectors *d = lg_detectors_build(defs, ndefs, err, sizeof err);
		if (!d && err[0] == '\0')
			fail("lg_detectors_build failed without a message");
		if (d)
			scan(d);
		lg_detectors_free(d);
	}
	for (size_t i = 0; i < ndefs; i++)
		lg_detdef_free(&defs[i]);
	free(defs);
	lg_buf_free(&errors);
	return 0;
}
