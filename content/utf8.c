/* utf8.c - strict UTF-8 validation, decoding and U+FFFD repair for the content modules. */
#include "content/utf8.h"

#include <string.h>

#include "lg_buf.h"

/* lg_utf8_decode - decode one code point, or measure the invalid sequence at s (Table 3-7) */
int lg_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xBF;	/* allowed range of the second byte */
	int need;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xC2 || c > 0xF4)
		return -1;
	if (c < 0xE0) {
		need = 1;
		v = c & 0x1F;
	} else if (c < 0xF0) {
		need = 2;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;	/* no surrogates */
	} else {
		need = 3;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;	/* nothing above U+10FFFF */
	}
	for (int i = 1; i <= need; i++) {
		if ((size_t)i >= len)
			return -i;
		unsigned char b = s[i];
		if (i == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80)
			return -i;
		v = (v << 6) | (b & 0x3F);
	}
	*cp = v;
	return need + 1;
}

/* lg_ascii_span - see utf8.h */
size_t lg_ascii_span(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		if (w & UINT64_C(0x8080808080808080))
			break;
	}
	while (i < len && p[i] < 0x80)
		i++;
	return i;
}

/* lg_utf8_valid_prefix - length of the longest valid prefix, ASCII eight bytes at a time */
size_t lg_utf8_valid_prefix(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned char c = p[i];
		if (c < 0x80) {
			i += lg_ascii_span(s + i, len - i);
			continue;
		}
		/* the forms whose second byte may be any continuation byte (lead C2-DF, E1-EC, EE-EF:
		 * most of Japanese text) checked in place; the others, and any failure, by decoding */
		if (c >= 0xC2 && c <= 0xDF && len - i >= 2 && (p[i + 1] & 0xC0) == 0x80) {
			i += 2;
			continue;
		}
		if (c >= 0xE1 && c <= 0xEF && c != 0xED && len - i >= 3 &&
		    (p[i + 1] & 0xC0) == 0x80 && (p[i + 2] & 0xC0) == 0x80) {
			i += 3;
			continue;
		}
		uint32_t cp;
		int n = lg_utf8_decode_fast(p + i, len - i, &cp);
		if (n < 0)
			return i;
		i += (size_t)n;
	}
	return len;
}

/* lg_utf8_is_valid - whether all len bytes are valid UTF-8 */
int lg_utf8_is_valid(const char *s, size_t len)
{
	return lg_utf8_valid_prefix(s, len) == len;
}

/* lg_utf8_repair_append - append s, one U+FFFD per maximal invalid subpart; returns how many */
size_t lg_utf8_repair_append(struct lg_buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t bad = 0;

	lg_buf_reserve(out, len);
	while (len > 0) {
		size_t ok = lg_utf8_valid_prefix((const char *)p, len);
		lg_buf_append(out, p, ok);
		p += ok;
		len -= ok;
		if (len == 0)
			break;
		uint32_t cp;
		int n = lg_utf8_decode(p, len, &cp);	/* negative here: invalid */
		size_t skip = n < 0 ? (size_t)-n : 1;
		lg_buf_append(out, LG_UTF8_REPLACEMENT, LG_UTF8_REPLACEMENT_LEN);
		bad++;
		p += skip;
		len -= skip;
	}
	lg_buf_append(out, "", 0);	/* NUL-terminated even when nothing was added */
	return bad;
}

/* lg_utf8_put - append one code point as UTF-8 */
void lg_utf8_put(struct lg_buf *out, uint32_t cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	lg_buf_append(out, b, n);
}
