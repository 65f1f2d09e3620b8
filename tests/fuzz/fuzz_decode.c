/* fuzz_decode.c - libFuzzer harness: the hand-written transfer decoders of content/b64.c and
 * content/uu.c (base64 tolerant and line by line; uuencode, yEnc and BinHex 4.0, and the search
 * for such blocks in a text). The first byte picks the decoder and an output cap, the rest is the
 * encoded text. Checks: no more output than the cap and than the decoded-size bound; names
 * NUL-terminated inside their buffer; only known flags; blocks found in order and inside the
 * text; a clean base64 input decoded alike by both base64 readers; every output byte read. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/b64.h"
#include "content/uu.h"
#include "lg_alloc.h"
#include "lg_buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fail - a broken promise: say which, then abort() so libFuzzer keeps the input */
static void fail(const char *what)
{
	fprintf(stderr, "fuzz_decode: %s\n", what);
	abort();
}

static volatile unsigned long sink;	/* every output byte is added here, so ASan sees each read */

/* Every flag lg_uu_decode_block may return. */
#define UU_FLAGS (LG_UU_TRUNCATED | LG_UU_BAD_LINE | LG_UU_TOO_BIG | LG_UU_BAD_CHECK | \
		  LG_UU_PARTIAL | LG_UU_NO_DATA)

/* check_uu - one uu/yEnc/BinHex decode's outcome */
static void check_uu(unsigned flags, const struct lg_buf *out, size_t max_out, const char *name,
		     size_t namelen)
{
	if (flags & ~UU_FLAGS)
		fail("unknown flag");
	if (out->len > max_out)
		fail("more output than max_out");
	if (!memchr(name, '\0', namelen))
		fail("name not NUL-terminated inside its buffer");
	for (size_t i = 0; i < out->len; i++)
		sink += (unsigned char)out->data[i];
}

/* decode_uu - one decoder of uu.h over the whole text */
static void decode_uu(enum lg_uu_kind kind, const char *in, size_t len, size_t max_out)
{
	struct lg_buf out = LG_BUF_INIT;
	char name[LG_UU_MAX_NAME + 1];
	memset(name, 'x', sizeof name);
	unsigned flags = lg_uu_decode_block(kind, in, len, max_out, &out, name, sizeof name);
	check_uu(flags, &out, max_out, name, sizeof name);
	lg_buf_free(&out);
}

/* find_blocks - every block lg_uu_find sees in the text, each decoded as it would be */
static void find_blocks(const char *in, size_t len, size_t max_out)
{
	struct lg_uu_block b;
	size_t from = 0;
	unsigned n = 0;
	while (from < len && lg_uu_find(in, len, from, &b)) {
		if (b.start < from || b.end <= b.start || b.end > len)
			fail("block outside the text, empty or before the search start");
		if (!memchr(b.name, '\0', sizeof b.name))
			fail("block name not NUL-terminated");
		if ((unsigned)b.kind > LG_UU_BINHEX)
			fail("unknown block kind");
		decode_uu(b.kind, in + b.start, b.end - b.start, max_out);
		from = b.end;
		if (++n > len)
			fail("more blocks than bytes");
	}
}

/* decode_b64 - both base64 decoders */
static void decode_b64(const char *in, size_t len)
{
	struct lg_buf out = LG_BUF_INIT, lines = LG_BUF_INIT;
	struct lg_b64_status st;
	size_t n = lg_b64_decode(in, len, &out, &st);
	if (n != out.len || n > lg_b64_decoded_max(len))
		fail("base64: appended bytes miscounted or over lg_b64_decoded_max");
	if (st.clean && (st.junk || st.mid_pad || st.lost_bits || st.odd_lines))
		fail("base64: clean, yet junk, mid-padding, lost bits or odd lines");
	n = lg_b64_decode_lines(in, len, &lines);
	if (n != lines.len || n > lg_b64_decoded_max(len))
		fail("base64 lines: appended bytes miscounted or over lg_b64_decoded_max");
	if (st.clean && (lines.len != out.len || memcmp(lines.data, out.data, out.len) != 0))
		fail("base64: clean input decoded differently line by line");
	lg_buf_free(&out);
	lg_buf_free(&lines);
}

/* LLVMFuzzerTestOneInput - first byte: decoder (low 3 bits) and cap (high bits), then the text
 * as an exact-size heap copy */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t caps[] = { 1 << 20, 0, 1, 3, 45, 64, 1000, 4096 };
	if (size < 1)
		return 0;
	unsigned mode = data[0] & 7;
	size_t max_out = caps[(data[0] >> 3) & 7], len = size - 1;
	char *in = lg_malloc(len ? len : 1);
	memcpy(in, data + 1, len);
	switch (mode) {
	case 0:
		decode_b64(in, len);
		break;
	case 1:
	case 5:
		find_blocks(in, len, max_out);
		break;
	case 2:
	case 6:
		decode_uu(LG_UU_UUENCODE, in, len, max_out);
		break;
	case 3:
	case 7:
		decode_uu(LG_UU_YENC, in, len, max_out);
		break;
	case 4:
		decode_uu(LG_UU_BINHEX, in, len, max_out);
		break;
	}
	free(in);
	return 0;
}
