/* utf8.h - internal UTF-8 helpers shared by the content modules: validation, decoding, repair. */
#ifndef LG_UTF8_H
#define LG_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "lg_buf.h"

#define LG_UTF8_REPLACEMENT "\xEF\xBF\xBD"	/* U+FFFD in UTF-8 */
#define LG_UTF8_REPLACEMENT_LEN 3

/* lg_utf8_decode - decode one code point at s (len > 0). Returns its length (1-4) and sets *cp,
 * or, for an invalid sequence, minus the length of its maximal valid prefix (at least 1): the
 * bytes one U+FFFD stands for (Unicode's "maximal subpart" practice). */
int lg_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* lg_utf8_decode_fast - lg_utf8_decode with the common two- and three-byte forms inline
 * (C2-DF 80-BF; E1-EC or EE-EF with 80-BF 80-BF; E0 and ED restrict their second byte and go
 * to lg_utf8_decode like everything else). Same results for every input. */
static inline int lg_utf8_decode_fast(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF && len >= 2 && (s[1] & 0xC0) == 0x80) {
		*cp = (uint32_t)(c & 0x1F) << 6 | (s[1] & 0x3F);
		return 2;
	}
	if (c >= 0xE1 && c <= 0xEF && c != 0xED && len >= 3 && (s[1] & 0xC0) == 0x80 &&
	    (s[2] & 0xC0) == 0x80) {
		*cp = (uint32_t)(c & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
		return 3;
	}
	return lg_utf8_decode(s, len, cp);
}

/* lg_ascii_span - how many bytes at the start of s are ASCII (eight at a time) */
size_t lg_ascii_span(const char *s, size_t len);

/* lg_utf8_valid_prefix - length of the longest prefix of s that is valid UTF-8 */
size_t lg_utf8_valid_prefix(const char *s, size_t len);

/* lg_utf8_is_valid - whether all len bytes are valid UTF-8 (NUL is valid) */
int lg_utf8_is_valid(const char *s, size_t len);

/* lg_utf8_repair_append - append s to out with each invalid sequence replaced by U+FFFD;
 * returns the number of replacements */
size_t lg_utf8_repair_append(struct lg_buf *out, const char *s, size_t len);

/* lg_utf8_put - append code point cp (must be a Unicode scalar value) to out */
void lg_utf8_put(struct lg_buf *out, uint32_t cp);

#endif
