/* b64.c - tolerant base64 decoding (see b64.h): junk skipped, decoding goes on past '=' padding,
 * a trailing partial quantum keeps its whole bytes, and the input's cleanliness is reported. */
#include "content/b64.h"

#include <stdint.h>

/* The 6-bit value of each byte: 0-63 for the alphabet, 64 for '=', 65 for CR and LF, 66 for
 * anything else. */
static const unsigned char ranks[256] = {
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 65, 66, 66, 65, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 62, 66, 66, 66, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 66, 66, 66, 64, 66, 66,
	66,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 66, 66, 66, 66, 66,
	66, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
};

/* rank - the value of one byte (see ranks) */
static inline unsigned rank(unsigned char c)
{
	return ranks[c];
}

/* lg_b64_decoded_max - three bytes per four characters, rounded up */
size_t lg_b64_decoded_max(size_t len)
{
	return len / 4 * 3 + 3;
}

/* whole_quanta - the fast path of a clean line: decode groups of four alphabet characters from
 * the start of in (len bytes) until one holds anything else or fewer than four remain; advances
 * *o past the bytes written and returns the groups decoded. What it stops at is left to the
 * byte-by-byte reading, so the result is the same as that reading's. */
static size_t whole_quanta(const unsigned char *in, size_t len, unsigned char **o)
{
	unsigned char *w = *o;
	size_t k = 0;
	for (; k + 4 <= len; k += 4) {
		uint32_t a = ranks[in[k]], b = ranks[in[k + 1]], c = ranks[in[k + 2]],
			 d = ranks[in[k + 3]];
		if ((a | b | c | d) & 64)	/* a rank of 64 or more: not the alphabet */
			break;
		uint32_t q = a << 18 | b << 12 | c << 6 | d;
		w[0] = (unsigned char)(q >> 16);
		w[1] = (unsigned char)(q >> 8);
		w[2] = (unsigned char)q;
		w += 3;
	}
	*o = w;
	return k / 4;
}

/* put_quantum - write the whole bytes of a quantum of n (0-3) sextets held in q; returns the end */
static unsigned char *put_quantum(unsigned char *o, uint32_t q, unsigned n)
{
	if (n == 2) {		/* 12 bits: one byte */
		*o++ = (unsigned char)(q >> 4);
	} else if (n == 3) {	/* 18 bits: two bytes */
		*o++ = (unsigned char)(q >> 10);
		*o++ = (unsigned char)(q >> 2);
	}
	return o;		/* 0 or 6 bits: no byte */
}

/* finish - close the output buffer after writing up to o */
static size_t finish(struct lg_buf *out, const unsigned char *o, size_t before)
{
	out->len = (size_t)(o - (const unsigned char *)out->data);
	out->data[out->len] = '\0';
	return out->len - before;
}

/* lg_b64_decode - see b64.h */
size_t lg_b64_decode(const char *in, size_t len, struct lg_buf *out, struct lg_b64_status *st)
{
	struct lg_b64_status s = {0};
	uint32_t q = 0;
	unsigned n = 0;			/* sextets in q */
	unsigned pads = 0;		/* '=' seen so far */
	unsigned n_at_first_pad = 0;
	size_t before = out->len;
	size_t line_chars = 0;		/* alphabet on the current line */
	bool line_ended_odd = false;	/* an earlier line ended inside a quantum */

	lg_buf_reserve(out, lg_b64_decoded_max(len));
	unsigned char *o = (unsigned char *)out->data + out->len;
	for (size_t i = 0; i < len; i++) {
		if (n == 0 && !pads && i + 4 <= len) {
			size_t quanta = whole_quanta((const unsigned char *)in + i, len - i, &o);
			if (quanta) {
				if (line_ended_odd)
					s.odd_lines = true;
				line_chars += 4 * quanta;
				i += 4 * quanta;
				if (i == len)
					break;
			}
		}
		unsigned v = rank((unsigned char)in[i]);
		if (v < 64) {
			if (pads)
				s.mid_pad = true;
			if (line_ended_odd)
				s.odd_lines = true;
			line_chars++;
			q = (q << 6) | v;
			if (++n == 4) {
				*o++ = (unsigned char)(q >> 16);
				*o++ = (unsigned char)(q >> 8);
				*o++ = (unsigned char)q;
				n = 0;
				q = 0;
			}
		} else if (v == 64) {
			if (!pads++)
				n_at_first_pad = n;
			if (n == 1)
				s.lost_bits = true;
			o = put_quantum(o, q, n);
			n = 0;
			q = 0;
		} else if (v == 65) {
			if (line_chars % 4)
				line_ended_odd = true;
			line_chars = 0;
		} else {
			s.junk++;
		}
	}
	if (n) {
		s.partial = true;
		if (n == 1)
			s.lost_bits = true;
		o = put_quantum(o, q, n);
	}
	bool pad_ok = pads == 0 || (n_at_first_pad == 2 && pads == 2) ||
		      (n_at_first_pad == 3 && pads == 1);
	s.clean = !s.junk && !s.mid_pad && !s.partial && !s.odd_lines && pad_ok;
	if (st)
		*st = s;
	return finish(out, o, before);
}

/* lg_b64_decode_lines - see b64.h */
size_t lg_b64_decode_lines(const char *in, size_t len, struct lg_buf *out)
{
	size_t before = out->len;
	uint32_t q = 0;
	unsigned n = 0;
	bool stopped = false;
	lg_buf_reserve(out, lg_b64_decoded_max(len));
	unsigned char *o = (unsigned char *)out->data + out->len;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '\n' || c == '\r') {
			o = put_quantum(o, q, n);
			q = 0;
			n = 0;
			stopped = false;
			continue;
		}
		if (stopped || c == ' ' || c == '\t' || c == '\v' || c == '\f')
			continue;
		unsigned v = rank(c);
		if (v >= 64) {
			stopped = true;
			continue;
		}
		q = (q << 6) | v;
		if (++n == 4) {
			*o++ = (unsigned char)(q >> 16);
			*o++ = (unsigned char)(q >> 8);
			*o++ = (unsigned char)q;
			q = 0;
			n = 0;
		}
	}
	o = put_quantum(o, q, n);
	return finish(out, o, before);
}
