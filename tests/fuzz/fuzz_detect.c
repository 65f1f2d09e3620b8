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
#include "lg_buf.h"
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
	long count;
};

/* on_match - check one match and redact it */
static void on_match(void *arg, enum lg_detector type, const char *value, size_t start,
		     size_t end)
{
	struct matches *m = arg;
	if ((unsigned)type >= LG_DET__COUNT || !value || start > end || end > m->len)
		fail("match with a bad type, no value or outside the text");
	if (!lg_utf8_is_valid(value, strlen(value)))
		fail("match value is not valid UTF-8");
	free(lg_redact(type, value));
	m->count++;
}

/* LLVMFuzzerInitialize - compile the detectors once */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];
	(void)argc, (void)argv;
	detectors = lg_detectors_new(err, sizeof err);
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
	struct matches m = { len, 0 };
	char err[256];
	int n = lg_detect(detectors, text, len, on_match, &m, err, sizeof err);
	if (n < 0) {
		fprintf(stderr, "fuzz_detect: lg_detect failed: %s\n", err);
		abort();
	}
	if (n != m.count)
		fail("return value is not the number of matches reported");
	free(text);
	lg_buf_free(&in);
	return 0;
}
