/* fuzz_validators.c - libFuzzer harness: one validator of rules/validate.h, picked by the first
 * input byte, on every [start,end) sub-range (any byte offsets, not only character boundaries)
 * of the rest of the input repaired to valid UTF-8 and NFKC-normalised. One validator an input
 * (not all eight) keeps an execution at an eighth of the work and lets coverage guide the
 * mutations of each validator on its own. The text is an exact-size heap copy, so a read past
 * it shows; an accepted value must be NUL-terminated inside LG_VALUE_MAX, and valid UTF-8 when
 * the candidate starts and ends on character boundaries (as the engine's candidates do);
 * lg_v_email, which copies its candidate as it is, only for memory safety. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/normalize.h"
#include "content/utf8.h"
#include "lg_buf.h"
#include "rules/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input is cut to this many bytes (and the normalised text skipped beyond TEXT_MAX): every
 * sub-range is tried, so the work grows with the square of the length. */
#define INPUT_MAX 160
#define TEXT_MAX 512

static const char *const names[] = { "phone_jp", "email", "phone_intl", "my_number",
				     "corporate_number", "payment_card", "postal_jp",
				     "bank_account_jp" };
/* lg_v_email relies on its pattern for the shape of the candidate ("\0@\0" gives an empty
 * local part): on arbitrary ranges only its memory safety is checked. */
#define TRUSTS_PATTERN(name) (strcmp((name), "email") == 0)

/* fail - a broken promise: say which, then abort() so libFuzzer keeps the input */
static void fail(const char *name, const char *what, size_t start, size_t end)
{
	fprintf(stderr, "fuzz_validators: %s [%zu,%zu): %s\n", name, start, end, what);
	abort();
}

/* is_boundary - does a character start at pos (or the text end there)? */
static int is_boundary(const char *text, size_t len, size_t pos)
{
	return pos >= len || ((unsigned char)text[pos] & 0xC0) != 0x80;
}

/* LLVMFuzzerTestOneInput - first byte: the validator (modulo their number); then one text, every
 * sub-range */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lg_buf in = LG_BUF_INIT;
	size_t len = 0;
	if (size < 1)
		return 0;
	size_t v = data[0] % (sizeof names / sizeof names[0]);
	data++, size--;
	if (size > INPUT_MAX)
		size = INPUT_MAX;
	lg_buf_reserve(&in, size);
	lg_utf8_repair_append(&in, (const char *)data, size);
	char *norm = lg_nfkc(in.data ? in.data : "", in.len, &len);
	lg_buf_free(&in);
	if (len > TEXT_MAX) {
		free(norm);
		return 0;
	}
	char *text = malloc(len ? len : 1);	/* no NUL after it */
	memcpy(text, norm, len);
	free(norm);
	char *value = malloc(LG_VALUE_MAX);
	lg_validator_fn fn = lg_validator_lookup(names[v]);
	if (!fn)
		fail(names[v], "no such validator", 0, 0);
	for (size_t start = 0; start <= len; start++)
		for (size_t end = start; end <= len; end++) {
			memset(value, 0x55, LG_VALUE_MAX);
			if (!fn(text, len, start, end, value) || TRUSTS_PATTERN(names[v]))
				continue;
			size_t n = strnlen(value, LG_VALUE_MAX);
			if (n == LG_VALUE_MAX)
				fail(names[v], "value not NUL-terminated", start, end);
			if (n == 0)
				fail(names[v], "empty value", start, end);
			if (is_boundary(text, len, start) && is_boundary(text, len, end) &&
			    !lg_utf8_is_valid(value, n))
				fail(names[v], "value is not valid UTF-8", start, end);
			if (start == end)
				fail(names[v], "accepted an empty candidate", start, end);
		}
	free(value);
	free(text);
	return 0;
}
