/* prefilter.c - keeping the patterns off text that cannot match: one pass finds the clusters of
 * digits (runs of digits and the separators written inside numbers; most detectors need seven to
 * fourteen digits in one), and literal triggers ("@") give windows for the others. Patterns then
 * run only inside those windows. */
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "lg_alloc.h"
#include "rules/rules_int.h"

/* Byte masks of a text, one bit per byte, 64 bytes a word (bit 0 = the word's first byte). */
struct masks {
	uint64_t *digit;	/* ASCII digits */
	uint64_t *join;		/* digits and the separators written inside numbers */
	size_t nw;
};

/* is_ascii_sep - ASCII characters written between the digits of a number: space, '-', '.',
 * '(', ')', '+', '/' (not tab: it separates table cells; not ',' or ':') */
static bool is_ascii_sep(unsigned char c)
{
	return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '+' || c == '/';
}

/* build_masks - the digit and join masks. Besides the ASCII separators, join holds every byte
 * of U+2000..U+2FFF (lead byte E2: hyphens, dashes, the minus sign ...) and of U+30FC (E3 83 BC,
 * the long vowel mark typed for a dash); a superset of what numbers contain, which only costs
 * some pattern runs, never a match. With SSE2 the bytes are classified 16 at a time: b + 0x50
 * is below -118 as a signed byte exactly for '0'..'9'. */
static void build_masks(const unsigned char *s, size_t len, struct masks *m)
{
	size_t nw = (len + 63) / 64;
	m->nw = nw;
	m->digit = lg_calloc(nw ? nw : 1, sizeof *m->digit);
	m->join = lg_calloc(nw ? nw : 1, sizeof *m->join);
	uint64_t *lead = lg_calloc(nw ? nw : 1, sizeof *lead);	/* E2 bytes */
	uint64_t *bc = lg_calloc(nw ? nw : 1, sizeof *bc);	/* BC bytes */
	size_t i = 0;
#ifdef __SSE2__
	const __m128i bias = _mm_set1_epi8(0x50), lim = _mm_set1_epi8(-118);
	const __m128i sp = _mm_set1_epi8(' '), dash = _mm_set1_epi8('-'), dot = _mm_set1_epi8('.');
	const __m128i lp = _mm_set1_epi8('('), rp = _mm_set1_epi8(')'), plus = _mm_set1_epi8('+');
	const __m128i sl = _mm_set1_epi8('/'), e2 = _mm_set1_epi8((char)0xE2);
	const __m128i xbc = _mm_set1_epi8((char)0xBC);
	for (; i + 64 <= len; i += 64) {
		uint64_t d = 0, j = 0, l = 0, b = 0;
		for (int k = 0; k < 4; k++) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 16 * k));
			__m128i dg = _mm_cmplt_epi8(_mm_add_epi8(v, bias), lim);
			__m128i sep = _mm_or_si128(
				_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, dash)),
					     _mm_or_si128(_mm_cmpeq_epi8(v, dot), _mm_cmpeq_epi8(v, lp))),
				_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, rp), _mm_cmpeq_epi8(v, plus)),
					     _mm_cmpeq_epi8(v, sl)));
			unsigned sh = 16 * (unsigned)k;
			d |= (uint64_t)(uint16_t)_mm_movemask_epi8(dg) << sh;
			j |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_or_si128(dg, sep)) << sh;
			l |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, e2)) << sh;
			b |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, xbc)) << sh;
		}
		m->digit[i / 64] = d, m->join[i / 64] = j, lead[i / 64] = l, bc[i / 64] = b;
	}
#endif
	for (; i < len; i++) {
		uint64_t bit = 1ull << (i % 64);
		if ((unsigned)(s[i] - '0') < 10)
			m->digit[i / 64] |= bit, m->join[i / 64] |= bit;
		else if (is_ascii_sep(s[i]))
			m->join[i / 64] |= bit;
		else if (s[i] == 0xE2)
			lead[i / 64] |= bit;
		else if (s[i] == 0xBC)
			bc[i / 64] |= bit;
	}
	/* E2 xx xx: the lead and the two bytes after it; E3 83 BC: checked at each BC */
	for (size_t w = 0; w < nw; w++) {
		uint64_t l = lead[w], prev = w ? lead[w - 1] : 0;
		m->join[w] |= l | (l << 1) | (prev >> 63) | (l << 2) | (prev >> 62);
		for (uint64_t b = bc[w]; b; b &= b - 1) {
			size_t p = w * 64 + (size_t)__builtin_ctzll(b);
			if (p >= 2 && s[p - 1] == 0x83 && s[p - 2] == 0xE3)
				for (size_t q = p - 2; q <= p; q++)
					m->join[q / 64] |= 1ull << (q % 64);
		}
	}
	free(lead);
	free(bc);
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

/* seeded_runs - the part of each run of join bits from its first digit on: adding the digit
 * bits to the join bits carries through the rest of the run (a multiword addition), and the
 * bits the addition changed are that part (the digits themselves added back) */
static void seeded_runs(const uint64_t *join, const uint64_t *seed, size_t nw, uint64_t *up)
{
	uint64_t carry = 0;
	for (size_t w = 0; w < nw; w++) {
		uint64_t j = join[w], d = seed[w];
		uint64_t sum = j + d;
		uint64_t c1 = sum < j;
		uint64_t sum2 = sum + carry;
		uint64_t c2 = sum2 < sum;
		carry = c1 | c2;
		up[w] = ((sum2 ^ j) & j) | d;
	}
}

/* run_starts_long - the positions p of the mask where p .. p+min-1 are all set (min <= 64):
 * in a run at least min long, its first bit is one of them */
static void run_starts_long(const uint64_t *m, size_t nw, unsigned min, uint64_t *out)
{
	for (size_t w = 0; w < nw; w++) {
		uint64_t v = m[w], next = w + 1 < nw ? m[w + 1] : 0;
		for (unsigned k = 1; k < min; k++)
			v &= (m[w] >> k) | (next << (64 - k));
		out[w] = v;
	}
}

/* lg_digit_clusters - the digit clusters of text at least min_len bytes long, in order: each run
 * of digits and separators (join mask) from its first digit to its end, with the digits it
 * holds. Shorter runs cannot hold min_len digits; they are dropped with bit operations, 64 bytes
 * at a time, before any run is walked. */
struct lg_cluster *lg_digit_clusters(const char *text, size_t len, unsigned min_len, size_t *n)
{
	struct masks m;
	build_masks((const unsigned char *)text, len, &m);
	size_t nw = m.nw ? m.nw : 1;
	uint64_t *c = lg_malloc(nw * sizeof *c);
	seeded_runs(m.join, m.digit, m.nw, c);
	if (min_len > 1) {
		uint64_t *starts = lg_malloc(nw * sizeof *starts);
		uint64_t *runs = lg_malloc(nw * sizeof *runs);
		run_starts_long(c, m.nw, min_len > 64 ? 64 : min_len, starts);
		seeded_runs(c, starts, m.nw, runs);
		free(c);
		free(starts);
		c = runs;
	}
	size_t cap = 16, k = 0;
	struct lg_cluster *out = lg_malloc(cap * sizeof *out);
	for (size_t i = next_bit(c, len, 0, true); i < len; i = next_bit(c, len, i, true)) {
		size_t e = next_bit(c, len, i, false);
		if (k == cap)
			out = lg_realloc(out, (cap *= 2) * sizeof *out);
		out[k++] = (struct lg_cluster){ i, e, count_bits(m.digit, i, e) };
		i = e;
	}
	free(c);
	free(m.digit);
	free(m.join);
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
	if (n == 0 || len - i < n)
		return false;	/* an empty literal is never found */
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

/* lg_windows_at - windows around trigger positions: a match may begin up to reach characters
 * before the trigger and no later than the trigger itself */
struct lg_window *lg_windows_at(const struct lg_det *det, const char *text, const size_t *pos,
				size_t npos, size_t *n)
{
	struct lg_window *w = NULL;
	size_t cap = 0;
	*n = 0;
	for (size_t i = 0; i < npos; i++)
		add_window(&w, n, &cap, lg_back_chars(text, pos[i], det->def.prefilter.reach), pos[i]);
	return w;
}

/* lg_literal_windows - windows around every occurrence of the detector's literals. Each
 * distinct first byte is found with memchr (vectorised in libc), then the literal is compared
 * there. */
struct lg_window *lg_literal_windows(const struct lg_det *det, const char *text, size_t len,
				     size_t *n)
{
	const unsigned char *s = (const unsigned char *)text;
	char **lits = det->def.prefilter.literals;
	unsigned char firsts[256], seen[256] = { 0 };
	size_t nfirst = 0, npos = 0, cappos = 0;
	size_t *pos = NULL;
	for (size_t k = 0; lits[k]; k++) {
		unsigned char f = (unsigned char)lits[k][0];
		for (int up = 0; up < 2; up++) {
			unsigned char c = up ? (f >= 'a' && f <= 'z' ? (unsigned char)(f - 32) : 0) : f;
			if (c && !seen[c])	/* an empty literal (first byte NUL) is never found */
				seen[c] = 1, firsts[nfirst++] = c;
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
	struct lg_window *w = lg_windows_at(det, text, pos, npos, n);
	free(pos);
	return w;
}
