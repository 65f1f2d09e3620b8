/* test_utf8.c - the UTF-8 helpers: the inline fast decoder against lg_utf8_decode for every
 * sequence of up to three bytes, and lg_utf8_valid_prefix against a plain decoding loop. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "content/utf8.h"
#include "tests/unit/tap.h"

#define B(s) s, sizeof(s) - 1	/* a byte-string literal and its length (NULs allowed) */

/* ref_valid_prefix - the longest valid prefix found with lg_utf8_decode alone (the slow path) */
static size_t ref_valid_prefix(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		int n = lg_utf8_decode(p + i, len - i, &cp);
		if (n < 0)
			return i;
		i += (size_t)n;
	}
	return len;
}

/* test_decode_fast_all - lg_utf8_decode_fast and lg_utf8_decode agree on every byte sequence
 * of one, two and three bytes (length and code point) */
static void test_decode_fast_all(void)
{
	unsigned long checked = 0, differ = 0;
	unsigned char s[3];

	for (unsigned b0 = 0; b0 < 256; b0++)
		for (unsigned b1 = 0; b1 < 256; b1++)
			for (unsigned b2 = 0; b2 < 256; b2++) {
				s[0] = (unsigned char)b0, s[1] = (unsigned char)b1;
				s[2] = (unsigned char)b2;
				/* lengths 1 and 2 once per prefix, 3 for every sequence */
				size_t from = b2 == 0 ? (b1 == 0 ? 1 : 2) : 3;
				for (size_t len = from; len <= 3; len++) {
					uint32_t cf = 0xFFFFFFFF, cs = 0xFFFFFFFF;
					int nf = lg_utf8_decode_fast(s, len, &cf);
					int ns = lg_utf8_decode(s, len, &cs);
					checked++;
					if (nf != ns || (ns > 0 && cf != cs)) {
						if (differ++ == 0)
							tap_diag("%02X %02X %02X len %zu: fast %d U+%04X, "
								 "slow %d U+%04X", b0, b1, b2, len, nf,
								 cf, ns, cs);
					}
				}
			}
	tap_ok(differ == 0, "fast decoder = lg_utf8_decode on %lu sequences (%lu differ)", checked,
	       differ);
}

struct prefix_case {
	const char *name;
	const char *in;
	size_t len;
	size_t want;	/* length of the valid prefix */
};

/* Where the two- and three-byte fast forms end and lg_utf8_decode's rules take over. */
static const struct prefix_case prefix_cases[] = {
	{ "ASCII", B("abc"), 3 },
	{ "C2 80 (U+0080)", B("a\xc2\x80z"), 4 },
	{ "C1 BF overlong", B("a\xc1\xbfz"), 1 },
	{ "DF BF (U+07FF)", B("\xdf\xbf"), 2 },
	{ "C2 then ASCII", B("a\xc2z"), 1 },
	{ "E0 A0 80 (U+0800)", B("\xe0\xa0\x80"), 3 },
	{ "E0 9F BF overlong", B("x\xe0\x9f\xbf"), 1 },
	{ "E3 81 82 (あ)", B("\xe3\x81\x82"), 3 },
	{ "ED 9F BF (U+D7FF)", B("\xed\x9f\xbf"), 3 },
	{ "ED A0 80 surrogate", B("ab\xed\xa0\x80"), 2 },
	{ "EE 80 80 (U+E000)", B("\xee\x80\x80"), 3 },
	{ "EF BF BF (U+FFFF)", B("\xef\xbf\xbf"), 3 },
	{ "E3 81 truncated", B("\xe3\x81\x82\xe3\x81"), 3 },
	{ "E3 41 81 bad second byte", B("\xe3\x41\x81"), 0 },
	{ "E3 81 C0 bad third byte", B("\xe3\x81\xc0"), 0 },
	{ "F0 90 80 80 (U+10000)", B("\xf0\x90\x80\x80"), 4 },
	{ "F4 90 80 80 above U+10FFFF", B("\xf4\x90\x80\x80"), 0 },
	{ "lone continuation", B("\xe6\xb0\x8f\x8f"), 3 },
	{ "NUL is valid", B("a\0\xe6\xb0\x8f"), 5 },
	{ "long ASCII then kanji then FF", B("0123456789abcdef\xe6\xb0\x8f\xe5\x90\x8d\xff"), 22 },
};

/* test_valid_prefix - lg_utf8_valid_prefix on the table, and against the plain loop on
 * random mixes of valid, overlong, surrogate, truncated and stray bytes */
static void test_valid_prefix(void)
{
	for (size_t i = 0; i < sizeof prefix_cases / sizeof prefix_cases[0]; i++) {
		const struct prefix_case *c = &prefix_cases[i];
		size_t got = lg_utf8_valid_prefix(c->in, c->len);
		size_t ref = ref_valid_prefix(c->in, c->len);
		tap_ok(got == c->want && ref == c->want, "valid prefix: %s (%zu, slow path %zu)",
		       c->name, got, ref);
	}
	static const char *const pieces[] = {
		"a", "0123456789", "\xc2\x80", "\xdf\xbf", "\xc1\xbf", "\xe0\xa0\x80", "\xe0\x9f\xbf",
		"\xe3\x81\x82", "\xed\x9f\xbf", "\xed\xa0\x80", "\xef\xbf\xbf", "\xf0\x90\x80\x80",
		"\xf4\x90\x80\x80", "\xe3\x81", "\xe3", "\x81", "\xff", "\x00",
	};
	uint32_t seed = 7;
	unsigned differ = 0, n = 20000;
	char buf[256];
	for (unsigned t = 0; t < n; t++) {
		size_t len = 0;
		for (int k = 0; k < 24; k++) {
			seed = seed * 1103515245u + 12345u;
			const char *p = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
			size_t l = p[0] ? strlen(p) : 1;
			/* mostly valid pieces, so that the prefix often reaches far */
			if ((seed >> 8) % 4 && (p == pieces[9] || p == pieces[12] || l == 1))
				continue;
			if (len + l > sizeof buf)
				break;
			memcpy(buf + len, p, l);
			len += l;
		}
		differ += lg_utf8_valid_prefix(buf, len) != ref_valid_prefix(buf, len);
		differ += lg_utf8_is_valid(buf, len) != (ref_valid_prefix(buf, len) == len);
	}
	tap_ok(differ == 0, "valid prefix = plain lg_utf8_decode loop on %u random texts (%u differ)",
	       n, differ);
}

int main(void)
{
	test_decode_fast_all();
	test_valid_prefix();
	return tap_done();
}
