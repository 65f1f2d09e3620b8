/* fuzz_bcc.c - libFuzzer harness: the bcc action's rewrite of the visible recipients
 * (milter/bcc.c: lg_vis_hdrs_add, lg_bcc_plan), whose input is the sender's To, Cc and Bcc
 * header values and whose output goes back into the message as new header values. The input is
 * NUL-separated: the first piece is a flag byte (bit 0: bcc.keep_internal) and the envelope
 * sender, every further piece a header whose first byte picks the name (To, Cc, Bcc or another
 * name, which must be ignored) and whose rest is the value. Checks: only To, Cc and Bcc are
 * edited; CHANGE and DELETE name an occurrence that exists, from the last to the first; a new
 * value is valid UTF-8 with no CR and no line break other than a fold ("\n" then a tab or a
 * space), so that no header can be smuggled into the message; every Bcc header is deleted. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "config/config.h"
#include "content/utf8.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "milter/bcc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fail - a broken promise: say which, then abort() so libFuzzer keeps the input */
static void fail(const char *what)
{
	fprintf(stderr, "fuzz_bcc: %s\n", what);
	abort();
}

/* Headers taken from one input at most (the MTA passes any number; the plan is linear in them). */
#define FUZZ_MAX_HEADERS 64

static struct lg_config *hide, *keep;

/* load - a configuration from YAML (aborts if refused: the harness is broken then) */
static struct lg_config *load(const char *yaml)
{
	struct lg_buf err = LG_BUF_INIT;
	struct lg_config *c = lg_config_load_string("fuzz.yaml", yaml, strlen(yaml), &err);
	if (!c) {
		fprintf(stderr, "fuzz_bcc: %s\n", lg_buf_cstr(&err));
		abort();
	}
	lg_buf_free(&err);
	return c;
}

/* LLVMFuzzerInitialize - libraries and two configurations (internal addresses hidden or kept) */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	lg_library_init();
	hide = load("internal_domains: [example.jp, .corp.example]\n");
	keep = load("internal_domains: [example.jp, .corp.example]\nbcc:\n  keep_internal: true\n");
	return 0;
}

/* check_value - a header value leakguard writes: UTF-8, no CR, every LF starts a fold */
static void check_value(const char *v)
{
	if (!v)
		fail("CHANGE or ADD without a value");
	size_t n = strlen(v);
	if (!lg_utf8_is_valid(v, n))
		fail("new header value is not valid UTF-8");
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '\r')
			fail("CR in a new header value");
		if (v[i] == '\n' && v[i + 1] != '\t' && v[i + 1] != ' ')
			fail("line break in a new header value that is not a fold: a header injection");
	}
}

/* LLVMFuzzerTestOneInput - flag byte and sender, then headers, NUL-separated */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "To", "Cc", "Bcc", "Reply-To" };
	if (size < 1)
		return 0;
	char *copy = lg_malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	const struct lg_config *cfg = (copy[0] & 1) ? keep : hide;
	const char *sender = copy + 1;
	size_t count[3] = { 0, 0, 0 }, nh = 0;
	struct lg_vis_hdrs h = { 0 };
	for (size_t at = 1 + strlen(sender) + 1; at < size && nh < FUZZ_MAX_HEADERS; nh++) {
		const char *piece = copy + at;
		size_t len = strlen(piece);
		at += len + 1;
		if (len == 0)
			continue;
		unsigned which = (unsigned char)piece[0] % 4;
		lg_vis_hdrs_add(&h, names[which], piece + 1);
		if (which < 3)
			count[which]++;
	}
	if (h.nto != count[0] || h.ncc != count[1] || h.nbcc != count[2])
		fail("lg_vis_hdrs_add kept other headers than To, Cc and Bcc, or lost some");

	struct lg_bcc_plan plan;
	lg_bcc_plan(cfg, sender, &h, &plan);
	size_t bcc_deleted = 0;
	int last[3] = { 0, 0, 0 };
	for (size_t i = 0; i < plan.nedits; i++) {
		const struct lg_hdr_edit *e = &plan.edits[i];
		int k = !e->name ? -1 : !strcmp(e->name, "To") ? 0 : !strcmp(e->name, "Cc") ? 1
			: !strcmp(e->name, "Bcc") ? 2 : -1;
		if (k < 0)
			fail("an edit of another header than To, Cc or Bcc");
		if (e->op == LG_HDR_ADD) {
			check_value(e->value);
			continue;
		}
		if (e->op != LG_HDR_CHANGE && e->op != LG_HDR_DELETE)
			fail("unknown edit");
		if (e->index < 1 || (size_t)e->index > count[k])
			fail("an edit of an occurrence that does not exist");
		if (last[k] && e->index >= last[k])
			fail("edits of one name not from the last occurrence to the first");
		last[k] = e->index;
		if (e->op == LG_HDR_CHANGE)
			check_value(e->value);
		if (k == 2 && e->op == LG_HDR_DELETE)
			bcc_deleted++;
	}
	if (bcc_deleted != count[2])
		fail("a Bcc header left in the message");
	lg_bcc_plan_free(&plan);
	lg_vis_hdrs_free(&h);
	free(copy);
	return 0;
}
