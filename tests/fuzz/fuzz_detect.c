/* fuzz_detect.c - libFuzzer harness: lg_detect() over the input repaired to valid UTF-8 and
 * NFKC-normalised (what the analyser hands it). The detectors are compiled once. Every match
 * must lie inside the text, be counted in the return value and redact without trouble; an
 * internal error (-1) on such text is a finding too. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/normalize.h"
#include "content/utf8.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "config/config.h"
#include "rules/detect.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fail - a broken promise: say which, then abort() so libFuzzer keeps the input */
static void fail(const char *what)
{
	fprintf(stderr, "fuzz_detect: %s\n", what);
	abort();
}

static struct lg_detectors *detectors;

struct matches {
	size_t len;	/* of the scanned text */
	size_t ncells;	/* when scanned as a table row */
	long count;
};

/* on_match - check one match and redact it */
static void on_match(void *arg, const struct lg_match *mt)
{
	struct matches *m = arg;
	if (mt->det >= lg_detector_count(detectors) || !mt->value || mt->start > mt->end ||
	    mt->end > m->len || mt->conf < LG_CONF_LOW || mt->conf > LG_CONF_HIGH)
		fail("match with a bad detector, no value, a bad confidence or outside the text");
	if (!lg_utf8_is_valid(mt->value, strlen(mt->value)))
		fail("match value is not valid UTF-8");
	if (m->ncells && (mt->column < 1 || mt->column > m->ncells))
		fail("match in a row without a valid column");
	free(lg_redact(lg_detector_def(detectors, mt->det)->redact, mt->value));
	m->count++;
}

/* LLVMFuzzerInitialize - compile the detectors once */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];
	(void)argc, (void)argv;
	detectors = lg_detectors_builtin(err, sizeof err);
	if (!detectors) {
		fprintf(stderr, "fuzz_detect: %s\n", err);
		abort();
	}
	return 0;
}

/* LLVMFuzzerTestOneInput - one text */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lg_buf in = LG_BUF_INIT;
	lg_buf_reserve(&in, size);
	lg_utf8_repair_append(&in, (const char *)data, size);
	size_t len = 0;
	char *text = lg_nfkc(in.data ? in.data : "", in.len, &len);
	struct matches m = { len, 0, 0 };
	char err[256];
	int n = lg_detect(detectors, text, len, NULL, on_match, &m, err, sizeof err);
	if (n < 0) {
		fprintf(stderr, "fuzz_detect: lg_detect failed: %s\n", err);
		abort();
	}
	if (n != m.count)
		fail("return value is not the number of matches reported");

	/* the same text as a table row (cells split at tabs) under itself as a header */
	size_t ncells = 1;
	for (size_t i = 0; i < len; i++)
		ncells += text[i] == '\t';
	size_t *starts = lg_malloc(ncells * 2 * sizeof *starts), *lens = starts + ncells;
	const char **cells = lg_malloc(ncells * sizeof *cells);
	size_t c = 0, from = 0;
	for (size_t i = 0; i <= len; i++)
		if (i == len || text[i] == '\t') {
			starts[c] = from, lens[c] = i - from, cells[c] = text + from;
			c++, from = i + 1;
		}
	struct lg_header *h = lg_header_new(detectors, cells, lens, ncells);
	struct lg_row_ctx row = { starts, lens, ncells, h };
	m = (struct matches){ len, ncells, 0 };
	n = lg_detect(detectors, text, len, &row, on_match, &m, err, sizeof err);
	if (n < 0 || n != m.count)
		fail("row scan failed or miscounted");
	lg_header_free(h);
	free(cells);
	free(starts);
	free(text);
	lg_buf_free(&in);
	return 0;
}
