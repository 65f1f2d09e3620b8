/* fuzz_mime.c - libFuzzer harness: lg_mime_walk() over the input as a whole message, with small
 * limits. Checks the walk's promises: leaf strings are valid UTF-8 or NULL, a leaf with an error
 * carries no bytes, and every decoded byte can be read. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "content/mime.h"
#include "content/utf8.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fail - a broken promise: say which, then abort() so libFuzzer keeps the input */
static void fail(const char *what)
{
	fprintf(stderr, "fuzz_mime: %s\n", what);
	abort();
}

static const struct lg_mime_limits limits = { .depth = 8, .parts = 64, .part_size = 1 << 20 };

/* check_str - a leaf or address string must be NULL or valid UTF-8 */
static void check_str(const char *what, const char *s)
{
	if (s && !lg_utf8_is_valid(s, strlen(s))) {
		fprintf(stderr, "fuzz_mime: %s is not valid UTF-8\n", what);
		abort();
	}
}

/* on_leaf - check one leaf and read every decoded byte */
static int on_leaf(void *arg, const struct lg_mime_leaf *leaf)
{
	unsigned long *sum = arg;
	if (!leaf->path || !leaf->content_type)
		fail("leaf without path or content_type");
	check_str("leaf path", leaf->path);
	check_str("leaf content_type", leaf->content_type);
	check_str("leaf charset", leaf->charset);
	check_str("leaf filename", leaf->filename);
	check_str("leaf error", leaf->error);
	if (leaf->error && leaf->data)
		fail("leaf with an error also has data");
	if (leaf->data)
		for (size_t i = 0; i < leaf->len; i++)
			*sum += (unsigned char)leaf->data[i];
	return 0;
}

/* LLVMFuzzerInitialize - GMime once per process */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	lg_library_init();
	return 0;
}

/* LLVMFuzzerTestOneInput - one message */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned long sum = 0;
	struct lg_mime_addrs addrs;
	char err[128];
	long n = lg_mime_walk((const char *)data, size, &limits, on_leaf, &sum, &addrs, err,
			      sizeof err);
	if (n >= 0) {
		for (size_t i = 0; i < addrs.nfrom; i++)
			check_str("From address", addrs.from[i]);
		for (size_t i = 0; i < addrs.nto_cc; i++)
			check_str("To/Cc address", addrs.to_cc[i]);
		for (size_t i = 0; i < addrs.nbcc; i++)
			check_str("Bcc address", addrs.bcc[i]);
	}
	lg_mime_addrs_free(&addrs);
	return 0;
}
