/* fuzz_analyze.c - libFuzzer harness: lg_analyze() with the built-in configuration (its limits
 * made small) on the input as a whole message, then the JSON report, which must be valid UTF-8.
 * The libraries, the analyser and the configuration are set up once. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "analyze/analyze.h"
#include "content/utf8.h"
#include "lg_buf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fail - a broken promise: say which, then abort() so libFuzzer keeps the input */
static void fail(const char *what)
{
	fprintf(stderr, "fuzz_analyze: %s\n", what);
	abort();
}

static struct lg_analyzer *analyzer;
static struct lg_config *config;

/* LLVMFuzzerInitialize - libraries, one analyser, the built-in configuration */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];
	struct lg_buf errors = LG_BUF_INIT;
	(void)argc, (void)argv;
	lg_library_init();
	analyzer = lg_analyzer_new(err, sizeof err);
	config = lg_config_load(NULL, &errors);
	if (!analyzer || !config) {
		fprintf(stderr, "fuzz_analyze: %s%s\n", analyzer ? "" : err, lg_buf_cstr(&errors));
		abort();
	}
	lg_buf_free(&errors);
	/* keep each input's work small */
	config->limits.depth = 8;
	config->limits.parts = 64;
	config->limits.part_size = 1 << 20;
	config->limits.text_size = 1 << 20;
	config->limits.message_size = 4 << 20;
	return 0;
}

/* LLVMFuzzerTestOneInput - one message, envelope from its headers */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lg_report r;
	char err[256];
	if (lg_analyze(analyzer, config, NULL, (const char *)data, size, &r, err, sizeof err) < 0)
		return 0;	/* an internal failure: the milter tempfails, nothing to free */
	struct lg_buf json = LG_BUF_INIT;
	lg_report_json(&r, &json);
	lg_report_summary(&r, &json);
	if (!lg_utf8_is_valid(json.data, json.len))
		fail("report JSON or summary is not valid UTF-8");
	lg_buf_free(&json);
	lg_report_free(&r);
	return 0;
}
