/* prefilter.c - keeping the patterns off text that cannot match: one pass finds the clusters of
 * digits (most detectors need ten or more digits close together), and literal triggers ("@")
 * give windows for the others. Patterns then run only inside those windows. */
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "lg_alloc.h"
#include "rules/rules_int.h"

/* digit_mask - one bit per byte of text, set for ASCII digits (64 bytes a word, little end
 * first), with one zero word before and after (for close_gaps); *nwords is the text's words.
 * With SSE2, 16 bytes a step: b + 0x50 is below -118 as a signed byte exactly for '0'..'9'. */
static uint64_t *digit_mask(const unsigned char *s, size_t len, size_t *nwords)
{
	size_t nw = (len + 63) / 64;
	uint64_t *pad = lg_calloc(nw + 2, sizeof *pad), *m = pad + 1;
	size_t i = 0;
#ifdef __SSE2__
	const __m128i bias = _mm_set1_epi8(0x50), lim = _mm_set1_epi8(-118);
	for (; i + 64 <= len; i += 64) {
		uint64_t w = 0;
		for (int k = 0; k < 4; k++) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 16 * k));
			__m128i d = _mm_cmplt_epi8(_mm_add_epi8(v, bias), lim);
			w |= (uint64_t)(uint16_t)_mm_movemask_epi8(d) << (16 * k);
		}
		m[i / 64] = w;
	}
#endif
	for (; i < len; i++)
		if ((unsigned)(s[i] - '0') < 10)
			m[i / 64] |= 1ull << (i % 64);
	*nwords = nw;
	return pad;
}

/* next_bit - first offset >= i (and < len) whose bit is set (want) or clear (!want); len when
 * there is none */
static size_t next_bit(const uint64_t *m, size_t len, size_t i, bool want)
{
	while (i < len) {
		uint64_t w = m[i / 64];
		if (!want)
			w = ~w;
		w &= ~0ull << (i % 64);
		if (w) {
			size_t r = (i & ~(size_t)63) + (size_t)__builtin_ctzll(w);
			return r < len ? r : len;
		}
		i = (i & ~(size_t)63) + 64;
	}
	return len;
}

/* shifted - the mask moved by k bytes (k > 0: bit p tells about byte p + k; k < 0: p - |k|),
 * for word w of nw, bits from the neighbouring words carried in (none beyond the array) */
static uint64_t shifted(const uint64_t *m, size_t nw, size_t w, int k)
{
	uint64_t cur = m[w];
	if (k > 0) {
		uint64_t nxt = w + 1 < nw ? m[w + 1] : 0;
		return (cur >> k) | (nxt << (64 - k));
	}
	uint64_t prv = w > 0 ? m[w - 1] : 0;
	return (cur << -k) | (prv >> (64 + k));
}

#define HALF_GAP (LG_CLUSTER_GAP / 2)

/* close_gaps - morphological closing of the digit mask (padded with a zero word at each end):
 * dilate by HALF_GAP bytes each way, then erode by as much. Gaps of at most LG_CLUSTER_GAP
 * bytes between digits fill; each cluster still starts at its first digit and ends after its
 * last (the padding gives the dilation room beyond the text's ends, so the erosion takes back
 * exactly what it added). Returns the text's nw words, unpadded. */
static uint64_t *close_gaps(const uint64_t *pad, size_t nw)
{
	size_t np = nw + 2;
	uint64_t *x = lg_malloc(np * sizeof *x);
	uint64_t *y = lg_malloc((nw ? nw : 1) * sizeof *y);
	for (size_t w = 0; w < np; w++) {
		uint64_t v = pad[w];
		for (int k = 1; k <= HALF_GAP; k++)
			v |= shifted(pad, np, w, k) | shifted(pad, np, w, -k);
		x[w] = v;
	}
	for (size_t w = 1; w <= nw; w++) {
		uint64_t v = x[w];
		for (int k = 1; k <= HALF_GAP; k++)
			v &= shifted(x, np, w, k) & shifted(x, np, w, -k);
		y[w - 1] = v;
	}
	free(x);
	return y;
}

/* popcount - set bits of a word (SWAR: no libgcc call where the CPU baseline has no POPCNT) */
static unsigned popcount(uint64_t v)
{
	v = v - ((v >> 1) & 0x5555555555555555ull);
	v = (v & 0x3333333333333333ull) + ((v >> 2) & 0x3333333333333333ull);
	v = (v + (v >> 4)) & 0x0F0F0F0F0F0F0F0Full;
	return (unsigned)((v * 0x0101010101010101ull) >> 56);
}

/* count_bits - set bits of m in [a, b) */
static unsigned count_bits(const uint64_t *m, size_t a, size_t b)
{
	unsigned n = 0;
	while (a < b) {
		size_t w = a / 64, lo = a % 64, hi = b - w * 64 < 64 ? b - w * 64 : 64;
		uint64_t word = m[w] >> lo;
		if (hi - lo < 64)
			word &= (1ull << (hi - lo)) - 1;
		n += popcount(word);
		a = w * 64 + hi;
	}
	return n;
}

/* lg_digit_clusters - every digit cluster of text, in order: the runs of the closed digit mask,
 * each with the digits it holds */
struct lg_cluster *lg_digit_clusters(const char *text, size_t len, size_t *n)
{
	size_t nw, cap = 16, k = 0;
	uint64_t *pad = digit_mask((const unsigned char *)text, len, &nw), *d = pad + 1;
	uint64_t *c = close_gaps(pad, nw);
	struct lg_cluster *out = lg_malloc(cap * sizeof *out);
	for (size_t i = next_bit(c, len, 0, true); i < len; i = next_bit(c, len, i, true)) {
		size_t e = next_bit(c, len, i, false);
		if (k == cap)
			out = lg_realloc(out, (cap *= 2) * sizeof *out);
		out[k++] = (struct lg_cluster){ i, e, count_bits(d, i, e) };
		i = e;
	}
	free(c);
	free(pad);
	*n = k;
	return out;
}

/* lg_back_chars - the offset n characters before pos */
size_t lg_back_chars(const char *t, size_t pos, unsigned n)
{
	const unsigned char *s = (const unsigned char *)t;
	while (n-- && pos > 0) {
		pos--;
		while (pos > 0 && (s[pos] & 0xC0) == 0x80)
			pos--;
	}
	return pos;
}

/* lg_fwd_chars - the offset n characters after pos */
size_t lg_fwd_chars(const char *t, size_t len, size_t pos, unsigned n)
{
	const unsigned char *s = (const unsigned char *)t;
	while (n-- && pos < len) {
		pos++;
		while (pos < len && (s[pos] & 0xC0) == 0x80)
			pos++;
	}
	return pos;
}

/* lower - ASCII lower case */
static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* literal_at - does the literal (ASCII lower case) start at s[i]? */
static bool literal_at(const unsigned char *s, size_t len, size_t i, const char *lit, size_t n)
{
	if (len - i < n)
		return false;
	for (size_t k = 0; k < n; k++)
		if (lower(s[i + k]) != (unsigned char)lit[k])
			return false;
	return true;
}

/* add_window - append [start, limit], merging with the last window when they overlap */
static void add_window(struct lg_window **w, size_t *n, size_t *cap, size_t start, size_t limit)
{
	if (*n && start <= (*w)[*n - 1].limit) {
		if (limit > (*w)[*n - 1].limit)
			(*w)[*n - 1].limit = limit;
		return;
	}
	if (*n == *cap)
		*w = lg_realloc(*w, (*cap = *cap ? *cap * 2 : 16) * sizeof **w);
	(*w)[(*n)++] = (struct lg_window){ start, limit };
}

/* pos_cmp - order offsets */
static int pos_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* lg_literal_windows - windows around every occurrence of the detector's literals: a match
 * may begin up to reach characters before the literal and no later than the literal itself.
 * Each distinct first byte is found with memchr (vectorised in libc), then the literal is
 * compared there. */
struct lg_window *lg_literal_windows(const struct lg_det *det, const char *text, size_t len,
				     size_t *n)
{
	const unsigned char *s = (const unsigned char *)text;
	char **lits = det->def.prefilter.literals;
	unsigned char firsts[16];
	size_t nfirst = 0, npos = 0, cappos = 0;
	size_t *pos = NULL;
	for (size_t k = 0; lits[k]; k++) {
		unsigned char f = (unsigned char)lits[k][0];
		for (int up = 0; up < 2; up++) {
			unsigned char c = up ? (f >= 'a' && f <= 'z' ? (unsigned char)(f - 32) : 0) : f;
			bool seen = !c;
			for (size_t j = 0; j < nfirst && !seen; j++)
				seen = firsts[j] == c;
			if (!seen && nfirst < sizeof firsts)
				firsts[nfirst++] = c;
		}
	}
	for (size_t j = 0; j < nfirst; j++) {
		const unsigned char *p = s, *e = s + len;
		while (p < e && (p = memchr(p, firsts[j], (size_t)(e - p))) != NULL) {
			size_t i = (size_t)(p - s);
			for (size_t k = 0; lits[k]; k++)
				if (literal_at(s, len, i, lits[k], strlen(lits[k]))) {
					if (npos == cappos)
						pos = lg_realloc(pos, (cappos = cappos ? cappos * 2 : 16) *
									      sizeof *pos);
					pos[npos++] = i;
					break;
				}
			p++;
		}
	}
	if (nfirst > 1 && npos > 1)
		qsort(pos, npos, sizeof *pos, pos_cmp);
	struct lg_window *w = NULL;
	size_t cap = 0;
	*n = 0;
	for (size_t i = 0; i < npos; i++)
		add_window(&w, n, &cap, lg_back_chars(text, pos[i], det->def.prefilter.reach), pos[i]);
	free(pos);
	return w;
}
