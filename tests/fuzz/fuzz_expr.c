/* fuzz_expr.c - libFuzzer harness: lg_expr_compile() on the input as a C string; a condition
 * that compiles is evaluated against a zeroed report and a busy one. A refusal must point
 * inside the source and say something. */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/report.h"
#include "config/config.h"
#include "lg_alloc.h"
#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fail - a broken promise: say which, then abort() so libFuzzer keeps the input */
static void fail(const char *what)
{
	fprintf(stderr, "fuzz_expr: %s\n", what);
	abort();
}

static struct lg_detectors *dets;	/* the built-in set: findings.<id> facts */

int LLVMFuzzerInitialize(int *argc, char ***argv);

/* LLVMFuzzerInitialize - the detector set conditions may name */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];
	(void)argc, (void)argv;
	dets = lg_detectors_builtin(err, sizeof err);
	if (!dets)
		fail(err);
	return 0;
}

/* LLVMFuzzerTestOneInput - one condition */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *src = lg_strndup((const char *)data, size);
	size_t err_off = SIZE_MAX;
	char err[256] = "";
	struct lg_expr *e = lg_expr_compile(src, dets, &err_off, err, sizeof err);
	if (!e) {
		if (err_off > strlen(src) || err[0] == '\0')
			fail("refusal without a message or with err_off past the end");
	} else {
		struct lg_report zero = {0};
		(void)lg_expr_eval(e, &zero);
		struct lg_part parts[2] = { { .attachment = true }, { .attachment = false } };
		struct lg_det_tally tallies[2] = { { .counted = 49, .high = 3, .any = UINT_MAX },
						   { .counted = UINT_MAX, .personal = true } };
		struct lg_report busy = {
			.message_size = (size_t)LONG_MAX,
			.recipients = { UINT_MAX, UINT_MAX, 7, 3 },
			.dets = tallies,
			.ndets = 2,	/* fewer than the detector set: facts past it read 0 */
			.records = 49,
			.parts = parts,
			.nparts = 2,
			.unscannable = 1,
		};
		(void)lg_expr_eval(e, &busy);
		lg_expr_free(e);
	}
	free(src);
	return 0;
}
