/* fuzz_precheck.c - libFuzzer harness: the archive pre-check (content/archive_precheck.c), the
 * hand-written reader of zip central directories and 7z headers (plain, or LZMA/LZMA2-encoded)
 * that runs before libarchive sees an archive. Each input is checked with three member limits
 * through lg_archive_precheck, lg_precheck_zip and lg_precheck_7z. A 7z start header's CRC is
 * set right on a copy first, so that mutations reach the header parser instead of stopping at
 * the checksum. Checks: an accepted archive leaves the result untouched; a refusal says why with
 * one of the two documented reasons. */
#include <lzma.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/archive_precheck.h"
#include "content/extract.h"
#include "lg_alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fail - a broken promise: say which, then abort() so libFuzzer keeps the input */
static void fail(const char *what)
{
	fprintf(stderr, "fuzz_precheck: %s\n", what);
	abort();
}

/* The 7z start header: signature (6), version (2), CRC (4) of the next 20 bytes. */
#define SZ_START_LEN 32

/* check - one pre-check's answer against its contract */
static void check(bool ok, const struct lg_ex_result *r)
{
	if (!memchr(r->reason, '\0', sizeof r->reason) || !memchr(r->detail, '\0', sizeof r->detail))
		fail("reason or detail not NUL-terminated");
	if (ok) {
		if (r->status != LG_EX_OK || r->reason[0] != '\0')
			fail("accepted, but the result was changed");
		return;
	}
	if (!(r->status == LG_EX_LIMIT && strcmp(r->reason, "limit:archive_members") == 0) &&
	    !(r->status == LG_EX_UNSUPPORTED && strcmp(r->reason, "unsupported") == 0))
		fail("refused without limit:archive_members or unsupported");
	if (r->detail[0] == '\0')
		fail("refused without a detail");
}

/* LLVMFuzzerTestOneInput - one archive, as an exact-size heap copy */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned members[] = { 1, 3, 64 };
	char *buf = lg_malloc(size ? size : 1);
	memcpy(buf, data, size);
	if (size >= SZ_START_LEN && memcmp(buf, "7z\xBC\xAF\x27\x1C", 6) == 0) {
		uint32_t crc = lzma_crc32((const uint8_t *)buf + 12, 20, 0);
		for (int i = 0; i < 4; i++)
			buf[8 + i] = (char)(crc >> (8 * i));
	}
	for (size_t i = 0; i < sizeof members / sizeof *members; i++) {
		struct lg_ex_limits lim = { .member_size = 1 << 20, .members = members[i],
					    .ratio = 100, .text_size = 1 << 20 };
		struct lg_ex_result r = { 0 };
		check(lg_archive_precheck(buf, size, &lim, &r), &r);
		r = (struct lg_ex_result){ 0 };
		check(lg_precheck_zip(buf, size, &lim, &r), &r);
		r = (struct lg_ex_result){ 0 };
		check(lg_precheck_7z(buf, size, &lim, &r), &r);
	}
	free(buf);
	return 0;
}
