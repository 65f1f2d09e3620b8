/* fuzz_config.c - libFuzzer harness: lg_config_load_string() on the input (not NUL-terminated,
 * so the loader must respect the length). Errors are expected; a failed load must say why. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "config/config.h"
#include "content/utf8.h"
#include "lg_buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fail - a broken promise: say which, then abort() so libFuzzer keeps the input */
static void fail(const char *what)
{
	fprintf(stderr, "fuzz_config: %s\n", what);
	abort();
}

/* LLVMFuzzerTestOneInput - one YAML document */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lg_buf errors = LG_BUF_INIT;
	struct lg_config *c = lg_config_load_string("fuzz.yaml", (const char *)data, size, &errors);
	if (!c && errors.len == 0)
		fail("load failed without an error message");
	lg_config_free(c);
	lg_buf_free(&errors);
	return 0;
}
