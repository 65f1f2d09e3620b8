/* fuzz_html.c - libFuzzer harness: lg_html_to_text() over the input repaired to valid UTF-8 (the
 * caller's contract). The text must be NUL-terminated valid UTF-8. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

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
	free(out);
	lg_buf_free(&in);
	return 0;
}
