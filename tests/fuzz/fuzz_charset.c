/* fuzz_charset.c - libFuzzer harness: lg_to_utf8() then lg_nfkc(). The first input byte picks a
 * charset label (NULL, empty, real, aliased, quoted, bogus); the rest is the text. Both outputs
 * must be NUL-terminated valid UTF-8, whatever came in: abort() otherwise. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/charset.h"
#include "content/normalize.h"
#include "content/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fail - a broken promise: say which, then abort() so libFuzzer keeps the input */
static void fail(const char *what)
{
	fprintf(stderr, "fuzz_charset: %s\n", what);
	abort();
}

static const char *const labels[] = {
	NULL, "", "utf-8", "UTF-8", "us-ascii", "iso-8859-1", "windows-1252", "iso-8859-15",
	"shift_jis", "Shift_JIS", "sjis", "x-sjis", "cp932", "windows-31j", "euc-jp", "EUC-JP",
	"iso-2022-jp", "ISO-2022-JP-2", "iso-2022-jp-3", "iso-2022-jp-ms", "utf-16", "utf-16le",
	"utf-16be", "utf-32", "ucs-2", "ucs-4", "utf-7", "gb2312", "gbk", "gb18030", "big5",
	"cn-big5", "big5-hkscs", "euc-kr", "ks_c_5601-1987", "iso-2022-kr", "iso-2022-cn",
	"hz-gb-2312", "koi8-r", "tis-620", "ibm1047", "\"utf-8\"", " Shift_JIS ", "'euc-jp'",
	"utf-8//TRANSLIT", "x-unknown", "unicode-1-1-utf-7", "utf8", "default", "8bit",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	"ucs-4le", "wchar_t", "utf-7-imap", "cp1255", "viscii", "iso-2022-cn-ext", "euc-tw",
	"johab", "ibm930", "macintosh",
};
#define NLABELS (sizeof labels / sizeof labels[0])

/* check_utf8 - NUL-terminated at len and valid UTF-8, or abort */
static void check_utf8(const char *what, const char *s, size_t len)
{
	if (!s || s[len] != '\0' || !lg_utf8_is_valid(s, len))
		fail(what);
}

/* LLVMFuzzerTestOneInput - one label and one text */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *label = labels[data[0] % NLABELS];
	const char *in = (const char *)data + 1;
	size_t in_len = size - 1;
	char used[64];
	size_t out_len = 0;
	char *out = lg_to_utf8(in, in_len, label, &out_len, used, sizeof used);
	check_utf8("lg_to_utf8 output not NUL-terminated valid UTF-8", out, out_len);
	if (memchr(used, '\0', sizeof used) == NULL)
		fail("lg_to_utf8 left used unterminated");
	size_t norm_len = 0;
	char *norm = lg_nfkc(out, out_len, &norm_len);
	check_utf8("lg_nfkc output not NUL-terminated valid UTF-8", norm, norm_len);
	free(norm);
	free(out);
	return 0;
}
