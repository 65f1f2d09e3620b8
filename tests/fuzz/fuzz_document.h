/* fuzz_document.h - the body of the document extractor harnesses (OOXML, ODF, PDF, RTF): each
 * harness file defines FUZZ_NAME and FUZZ_EXTRACT and includes this. The extractor runs with
 * small limits, a two-second deadline and counting callbacks. The extraction contract is
 * checked: text, cells and table names are valid UTF-8, no more text than the budget, a known
 * outcome. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "content/extract.h"
#include "content/utf8.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fail - a broken promise: say which, then abort() so libFuzzer keeps the input */
static void fail(const char *what)
{
	fprintf(stderr, FUZZ_NAME ": %s\n", what);
	abort();
}

#define FUZZ_TEXT_SIZE (1 << 20)	/* text_size budget */
#define FUZZ_DEADLINE_MS 2000		/* well under libFuzzer's -timeout */

struct counts {
	unsigned long blocks, rows, tables;
	unsigned long sum;	/* every byte handed over, so ASan sees each read */
};

/* check_utf8 - read and validate len bytes of callback text */
static void check_utf8(struct counts *c, const char *what, const char *s, size_t len)
{
	if (len && !s) {
		fprintf(stderr, FUZZ_NAME ": %s is NULL with a length\n", what);
		abort();
	}
	for (size_t i = 0; i < len; i++)
		c->sum += (unsigned char)s[i];
	if (len && !lg_utf8_is_valid(s, len)) {
		fprintf(stderr, FUZZ_NAME ": %s is not valid UTF-8\n", what);
		abort();
	}
}

/* on_text - one text block */
static int on_text(void *arg, const char *utf8, size_t len)
{
	struct counts *c = arg;
	c->blocks++;
	check_utf8(c, "text block", utf8, len);
	return 0;
}

/* on_row - one table row */
static int on_row(void *arg, const char *const *cells, const size_t *lens, size_t ncells)
{
	struct counts *c = arg;
	c->rows++;
	if (ncells && (!cells || !lens))
		fail("row with NULL cells or lens");
	for (size_t i = 0; i < ncells; i++)
		check_utf8(c, "row cell", cells[i], lens[i]);
	return 0;
}

/* on_table - a table or sheet begins */
static int on_table(void *arg, const char *name)
{
	struct counts *c = arg;
	c->tables++;
	if (name)
		check_utf8(c, "table name", name, strlen(name));
	return 0;
}

/* LLVMFuzzerInitialize - libraries once per process */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	lg_library_init();
	return 0;
}

/* LLVMFuzzerTestOneInput - one document */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct counts c = {0};
	struct lg_ex_limits lim = {
		.member_size = 1 << 20,
		.members = 64,
		.ratio = 100,
		.text_size = FUZZ_TEXT_SIZE,
		.deadline_ms = lg_ex_now_ms() + FUZZ_DEADLINE_MS,
	};
	struct lg_ex_out out = { on_text, on_row, on_table, &c };
	struct lg_ex_result r = {0};
	FUZZ_EXTRACT((const char *)data, size, &lim, &out, &r);
	if ((unsigned)r.status > LG_EX_STOPPED)
		fail("unknown status");
	if (r.text_bytes > FUZZ_TEXT_SIZE)
		fail("more text than lim->text_size");
	if (r.rows != c.rows)
		fail("r->rows is not the number of rows handed over");
	if (!memchr(r.reason, '\0', sizeof r.reason) || !memchr(r.detail, '\0', sizeof r.detail))
		fail("unterminated reason or detail");
	if (r.status != LG_EX_OK && r.reason[0] == '\0')
		fail("not OK but no reason");
	return 0;
}
