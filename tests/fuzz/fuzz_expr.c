/* fuzz_expr.c - libFuzzer harness: lg_expr_compile() on the input as a C string (with a list
 * "partners" and a group "staff" to name); a condition that compiles is evaluated and
 * explained against a zeroed report and a busy one. A refusal must point inside the source
 * and say something. */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/report.h"
#include "config/config.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fail - a broken promise: say which, then abort() so libFuzzer keeps the input */
static void fail(const char *what)
{
	fprintf(stderr, "fuzz_expr: %s\n", what);
	abort();
}

static struct lg_detectors *dets;	/* the built-in set: findings.<id> facts */
static struct lg_sets sets;		/* list:partners, group:staff */

int LLVMFuzzerInitialize(int *argc, char ***argv);

/* LLVMFuzzerInitialize - the detector set conditions may name */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];
	(void)argc, (void)argv;
	dets = lg_detectors_builtin(err, sizeof err);
	if (!dets)
		fail(err);
	struct lg_set *partners = lg_set_new("partners", false);
	struct lg_set *staff = lg_set_new("staff", true);
	if (lg_set_add(partners, "a.example", err, sizeof err) ||
	    lg_set_add(partners, "*.b.example", err, sizeof err) ||
	    lg_set_add(partners, "x@c.example", err, sizeof err) ||
	    lg_set_add(staff, "taro@corp.example", err, sizeof err))
		fail(err);
	lg_sets_add(&sets, partners);
	lg_sets_add(&sets, staff);
	return 0;
}

/* LLVMFuzzerTestOneInput - one condition */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *src = lg_strndup((const char *)data, size);
	size_t err_off = SIZE_MAX;
	char err[256] = "";
	struct lg_expr *e = lg_expr_compile(src, dets, &sets, &err_off, err, sizeof err);
	if (!e) {
		if (err_off > strlen(src) || err[0] == '\0')
			fail("refusal without a message or with err_off past the end");
	} else {
		struct lg_report zero = {0};
		(void)lg_expr_eval(e, &zero);
		struct lg_part parts[2] = { { .attachment = true, .filename = (char *)"a.csv",
					      .detected_type = (char *)"text/csv" },
					    { .attachment = false } };
		char *addrs[] = { (char *)"taro@corp.example", (char *)"y@sub.b.example" };
		char *domains[] = { (char *)"corp.example", (char *)"sub.b.example" };
		struct lg_det_tally tallies[2] = { { .counted = 49, .high = 3, .any = UINT_MAX },
						   { .counted = UINT_MAX, .personal = true } };
		struct lg_report busy = {
			.message_size = (size_t)LONG_MAX,
			.recipients = { UINT_MAX, UINT_MAX, 7, 3, 2, (char *)"taro@corp.example",
					addrs, 2, addrs + 1, 1, domains, 2, domains + 1, 1 },
			.dets = tallies,
			.ndets = 2,	/* fewer than the detector set: facts past it read 0 */
			.records = 49,
			.parts = parts,
			.nparts = 2,
			.unscannable = 1,
		};
		long v = lg_expr_eval(e, &busy);
		struct lg_buf trace = LG_BUF_INIT;
		if (lg_expr_explain(e, src, &busy, 0, &trace) != v)
			fail("explain and eval disagree");
		lg_buf_free(&trace);
		lg_expr_free(e);
	}
	free(src);
	return 0;
}
