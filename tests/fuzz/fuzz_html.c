/* fuzz_html.c - libFuzzer harness: lg_html_to_text() and lg_html_to_text_rows() over the input
 * repaired to valid UTF-8 (the caller's contract). The text must be NUL-terminated valid UTF-8,
 * the same from both; table rows lie inside it, in order, on character boundaries. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "content/html.h"
#include "content/utf8.h"
#include "lg_buf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fail - a broken promise: say which, then abort() so libFuzzer keeps the input */
static void fail(const char *what)
{
	fprintf(stderr, "fuzz_html: %s\n", what);
	abort();
}

/* LLVMFuzzerInitialize - libxml2 once per process */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	lg_library_init();
	return 0;
}

/* LLVMFuzzerTestOneInput - one HTML document */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lg_buf in = LG_BUF_INIT;
	lg_buf_reserve(&in, size + 1);
	lg_utf8_repair_append(&in, (const char *)data, size);
	size_t out_len = 0;
	char *out = lg_html_to_text(in.data, in.len, &out_len);
	if (out && (out[out_len] != '\0' || !lg_utf8_is_valid(out, out_len)))
		fail("text not NUL-terminated valid UTF-8");
	if (!out && out_len != 0)
		fail("NULL text with a length");

	size_t rows_len = 0, nrows = 0;
	struct lg_html_row *rows = NULL;
	char *text = lg_html_to_text_rows(in.data, in.len, &rows_len, &rows, &nrows);
	if ((out == NULL) != (text == NULL) || rows_len != out_len ||
	    (out && memcmp(out, text, out_len) != 0))
		fail("lg_html_to_text_rows text differs from lg_html_to_text");
	if (nrows > 0 && !rows)
		fail("rows counted but none given");
	for (size_t i = 0; i < nrows; i++) {
		if (rows[i].start > rows[i].end || rows[i].end > rows_len)
			fail("row outside the text");
		if (i > 0 && (rows[i].start < rows[i - 1].end))
			fail("rows out of order");
		if (!lg_utf8_is_valid(text + rows[i].start, rows[i].end - rows[i].start))
			fail("row not on character boundaries");
	}
	free(rows);
	free(text);
	free(out);
	lg_buf_free(&in);
	return 0;
}
