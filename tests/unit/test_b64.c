/* test_b64.c - content/b64.c's fast path for whole quanta against the plain byte-by-byte
 * decoder it replaced (kept here as the reference): the same bytes and the same status on
 * clean base64 (76-column and other line widths, CRLF and LF, every padding) and on dirty base64
 * (junk, blanks, '=' inside, missing padding, odd lines, truncation), generated from a fixed
 * seed, one table row per kind of damage. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/b64.h"
#include "lg_buf.h"
#include "tap.h"

/* ---- the reference: lg_b64_decode as it was, one byte at a time ---- */

/* ref_rank - 0-63 for the alphabet, 64 for '=', 65 for CR and LF, 66 for anything else */
static unsigned ref_rank(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : c == '=' ? 64 : c == '\r' || c == '\n' ? 65 : 66;
}

/* ref_put - the whole bytes of a quantum of n sextets */
static unsigned char *ref_put(unsigned char *o, uint32_t q, unsigned n)
{
	if (n == 2) {
		*o++ = (unsigned char)(q >> 4);
	} else if (n == 3) {
		*o++ = (unsigned char)(q >> 10);
		*o++ = (unsigned char)(q >> 2);
	}
	return o;
}

/* ref_decode - the reference decoder: decoded bytes into out (room for len / 4 * 3 + 3) */
static size_t ref_decode(const char *in, size_t len, unsigned char *out, struct lg_b64_status *st)
{
	struct lg_b64_status s = {0};
	uint32_t q = 0;
	unsigned n = 0, pads = 0, n_at_first_pad = 0;
	size_t line_chars = 0;
	bool line_ended_odd = false;
	unsigned char *o = out;
	for (size_t i = 0; i < len; i++) {
		unsigned v = ref_rank((unsigned char)in[i]);
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
			o = ref_put(o, q, n);
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
		o = ref_put(o, q, n);
	}
	bool pad_ok = pads == 0 || (n_at_first_pad == 2 && pads == 2) ||
		      (n_at_first_pad == 3 && pads == 1);
	s.clean = !s.junk && !s.mid_pad && !s.partial && !s.odd_lines && pad_ok;
	*st = s;
	return (size_t)(o - out);
}

/* ---- inputs ---- */

static uint32_t seed = 20261127;

/* rnd - a small LCG, so the inputs are the same on every run */
static uint32_t rnd(uint32_t n)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8) % n;
}

/* encode - standard base64 of len bytes with lines of width characters (0: one line), ending
 * lines with eol; pad false drops the '=' */
static void encode(const unsigned char *p, size_t len, unsigned width, const char *eol, bool pad,
		   struct lg_buf *b)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned col = 0;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t q = (uint32_t)p[i] << 16 | (i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0) |
			     (i + 2 < len ? p[i + 2] : 0);
		char g[4] = { abc[q >> 18], abc[(q >> 12) & 63], abc[(q >> 6) & 63], abc[q & 63] };
		size_t keep = i + 2 < len ? 4 : i + 1 < len ? 3 : 2;
		for (size_t k = 0; k < 4; k++) {
			if (k >= keep && !pad)
				break;
			lg_buf_append(b, k < keep ? &g[k] : "=", 1);
			if (width && ++col == width) {
				lg_buf_append(b, eol, strlen(eol));
				col = 0;
			}
		}
	}
	if (col || !width)
		lg_buf_append(b, eol, strlen(eol));
}

/* What is done to clean base64 before decoding. */
enum damage {
	D_NONE, D_JUNK, D_BLANKS, D_MID_PAD, D_TRUNCATE, D_ODD_LINE, D_NO_EOL, D_BINARY_JUNK,
	D_EXTRA_PAD, D_MIXED,
};

/* insert - put bytes at pos */
static void insert(struct lg_buf *b, size_t pos, const char *s, size_t n)
{
	struct lg_buf t = LG_BUF_INIT;
	lg_buf_append(&t, b->data, pos);
	lg_buf_append(&t, s, n);
	lg_buf_append(&t, b->data + pos, b->len - pos);
	lg_buf_reset(b);
	lg_buf_append(b, t.data, t.len);
	lg_buf_free(&t);
}

/* damage_input - apply one kind of damage (a few times) at random places */
static void damage_input(struct lg_buf *b, enum damage d)
{
	static const char *const junk[] = { "!", "#", "-", "\x80", "\xff", "\t", " ", "\0", ".", ":" };
	unsigned times = 1 + rnd(3);
	if (d != D_NONE && !b->len)	/* nothing encoded: damage a line end */
		lg_buf_append(b, "\r\n", 2);
	for (unsigned t = 0; t < times && b->len; t++) {
		size_t pos = rnd((uint32_t)b->len + 1);
		switch (d) {
		case D_NONE:
			return;
		case D_JUNK:
			insert(b, pos, junk[rnd(10)], 1);
			break;
		case D_BLANKS:
			insert(b, pos, rnd(2) ? " " : "\t", 1);
			break;
		case D_MID_PAD:
			insert(b, pos, rnd(2) ? "=" : "==", rnd(2) ? 1 : 2);
			break;
		case D_TRUNCATE:
			b->len = pos;
			return;
		case D_ODD_LINE:
			insert(b, pos, "\r\n", 2);
			break;
		case D_NO_EOL:
			while (b->len && (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == '\r'))
				b->len--;
			return;
		case D_BINARY_JUNK: {
			char c = (char)rnd(256);
			insert(b, pos, &c, 1);
			break;
		}
		case D_EXTRA_PAD:
			lg_buf_append(b, "===", 1 + rnd(3));
			break;
		case D_MIXED:
			damage_input(b, (enum damage)(1 + rnd(D_MIXED - 1)));
			break;
		}
	}
}

/* same_status - every field equal */
static bool same_status(const struct lg_b64_status *a, const struct lg_b64_status *b)
{
	return a->clean == b->clean && a->junk == b->junk && a->mid_pad == b->mid_pad &&
	       a->partial == b->partial && a->lost_bits == b->lost_bits &&
	       a->odd_lines == b->odd_lines;
}

int main(void)
{
	static const struct {
		const char *name;
		enum damage damage;
		bool pad;
		bool any_width;	/* also line widths that are no multiple of four (odd lines) */
		int want_clean;	/* 1: every input clean, 0: none, -1: either */
	} kinds[] = {
		{ "clean", D_NONE, true, false, 1 },
		{ "clean, any line width", D_NONE, true, true, -1 },
		{ "clean, padding left out", D_NONE, false, false, -1 },
		{ "junk characters", D_JUNK, true, true, 0 },
		{ "blanks", D_BLANKS, true, true, 0 },
		{ "'=' inside", D_MID_PAD, true, true, -1 },
		{ "truncated", D_TRUNCATE, true, true, -1 },
		{ "a line broken inside a quantum", D_ODD_LINE, true, false, -1 },
		{ "no line end at the end", D_NO_EOL, true, false, 1 },
		{ "binary junk", D_BINARY_JUNK, true, true, -1 },
		{ "extra '=' at the end", D_EXTRA_PAD, true, true, -1 },
		{ "mixed damage", D_MIXED, false, true, -1 },
	};
	/* the first six are whole quanta per line (0: one line), the rest are not */
	static const unsigned widths[] = { 76, 76, 76, 64, 72, 0, 4, 60, 1, 77, 75, 2 };
	enum { ROUNDS = 400, MAXLEN = 3000 };
	unsigned char *raw = malloc(MAXLEN);
	unsigned char *want = malloc(MAXLEN * 2 + 64);
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		unsigned differ = 0, clean = 0;
		char first[160] = "";
		for (unsigned r = 0; r < ROUNDS; r++) {
			size_t len = r < 8 ? r : rnd(MAXLEN);
			for (size_t i = 0; i < len; i++)
				raw[i] = (unsigned char)rnd(256);
			struct lg_buf in = LG_BUF_INIT;
			encode(raw, len, widths[rnd(kinds[k].any_width ? sizeof widths / sizeof widths[0] : 6)],
			       rnd(4) ? "\r\n" : "\n", kinds[k].pad, &in);
			damage_input(&in, kinds[k].damage);
			struct lg_b64_status ws, gs;
			size_t wn = ref_decode(in.data ? in.data : "", in.len, want, &ws);
			struct lg_buf got = LG_BUF_INIT;
			lg_buf_append(&got, "prefix", 6);	/* it appends */
			size_t gn = lg_b64_decode(in.data ? in.data : "", in.len, &got, &gs);
			bool same = gn == wn && got.len == 6 + wn && !memcmp(got.data, "prefix", 6) &&
				    !memcmp(got.data + 6, want, wn) && same_status(&ws, &gs);
			if (!same && !differ++)
				snprintf(first, sizeof first, "round %u: %zu input bytes, %zu/%zu decoded",
					 r, in.len, gn, wn);
			clean += gs.clean;
			lg_buf_free(&in);
			lg_buf_free(&got);
		}
		tap_ok(differ == 0, "%s: %u inputs decode as the byte-by-byte reference does (%u differ%s%s)",
		       kinds[k].name, ROUNDS, differ, differ ? "; first " : "", first);
		if (kinds[k].want_clean >= 0)
			tap_ok(clean == (kinds[k].want_clean ? ROUNDS : 0u),
			       "%s: %u of %u reported clean", kinds[k].name, clean, ROUNDS);
	}
	free(raw);
	free(want);
	return tap_done();
}
