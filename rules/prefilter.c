/* prefilter.c - keeping the patterns off text that cannot match: one pass finds the clusters of
 * digits (runs of digits and the separators written inside numbers; most detectors need seven to
 * fourteen digits in one), and literal triggers ("@") give windows for the others. Patterns then
 * run only inside those windows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define LG_HAVE_AVX2_TARGET 1	/* an AVX2 variant, chosen at run time */
#include <immintrin.h>
#endif

#include "lg_alloc.h"
#include "rules/rules_int.h"

/* is_ascii_sep - ASCII characters written between the digits of a number: space, '-', '.',
 * '(', ')', '+', '/' (not tab: it separates table cells; not ',' or ':') */
static bool is_ascii_sep(unsigned char c)
{
	return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '+' || c == '/';
}

/* The four masks of one 64-byte word (bit 0 = its first byte). */
struct word {
	uint64_t d;	/* ASCII digits */
	uint64_t j;	/* digits and ASCII separators */
	uint64_t l;	/* E2 bytes */
	uint64_t b;	/* BC bytes */
};

/* word_scalar - the masks of s[0..n), n <= 64, a byte at a time */
static struct word word_scalar(const unsigned char *s, size_t n)
{
	struct word m = { 0, 0, 0, 0 };
	for (size_t k = 0; k < n; k++) {
		uint64_t bit = 1ull << k;
		if ((unsigned)(s[k] - '0') < 10)
			m.d |= bit, m.j |= bit;
		else if (is_ascii_sep(s[k]))
			m.j |= bit;
		else if (s[k] == 0xE2)
			m.l |= bit;
		else if (s[k] == 0xBC)
			m.b |= bit;
	}
	return m;
}

#ifdef __SSE2__
/* word_sse2 - the masks of 64 bytes, 16 at a time: b + 0x50 is below -118 as a signed byte
 * exactly for '0'..'9', and b - 0x28 is at most 7 (unsigned) for '(' .. '/', of which '*' and
 * ',' are not separators */
static inline __attribute__((always_inline)) struct word word_sse2(const unsigned char *s)
{
	const __m128i bias = _mm_set1_epi8(0x50), lim = _mm_set1_epi8(-118);
	const __m128i b28 = _mm_set1_epi8(0x28), seven = _mm_set1_epi8(7);
	const __m128i star = _mm_set1_epi8('*' - 0x28), comma = _mm_set1_epi8(',' - 0x28);
	const __m128i sp = _mm_set1_epi8(' '), e2 = _mm_set1_epi8((char)0xE2);
	const __m128i xbc = _mm_set1_epi8((char)0xBC);
	struct word m = { 0, 0, 0, 0 };
	for (int k = 0; k < 4; k++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + 16 * k));
		__m128i dig = _mm_cmplt_epi8(_mm_add_epi8(v, bias), lim);
		__m128i x = _mm_sub_epi8(v, b28);
		__m128i rng = _mm_cmpeq_epi8(_mm_min_epu8(x, seven), x);
		__m128i not_sep = _mm_or_si128(_mm_cmpeq_epi8(x, star), _mm_cmpeq_epi8(x, comma));
		__m128i sep = _mm_or_si128(_mm_andnot_si128(not_sep, rng), _mm_cmpeq_epi8(v, sp));
		unsigned sh = 16 * (unsigned)k;
		m.d |= (uint64_t)(uint16_t)_mm_movemask_epi8(dig) << sh;
		m.j |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_or_si128(dig, sep)) << sh;
		m.l |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, e2)) << sh;
		m.b |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, xbc)) << sh;
	}
	return m;
}
#endif

#ifdef LG_HAVE_AVX2_TARGET
/* word_avx2 - the same, 32 bytes at a time */
static inline __attribute__((always_inline, target("avx2"))) struct word
word_avx2(const unsigned char *s)
{
	const __m256i bias = _mm256_set1_epi8(0x50), lim = _mm256_set1_epi8(-118);
	const __m256i b28 = _mm256_set1_epi8(0x28), seven = _mm256_set1_epi8(7);
	const __m256i star = _mm256_set1_epi8('*' - 0x28), comma = _mm256_set1_epi8(',' - 0x28);
	const __m256i sp = _mm256_set1_epi8(' '), e2 = _mm256_set1_epi8((char)0xE2);
	const __m256i xbc = _mm256_set1_epi8((char)0xBC);
	struct word m = { 0, 0, 0, 0 };
	for (int k = 0; k < 2; k++) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(s + 32 * k));
		__m256i dig = _mm256_cmpgt_epi8(lim, _mm256_add_epi8(v, bias));
		__m256i x = _mm256_sub_epi8(v, b28);
		__m256i rng = _mm256_cmpeq_epi8(_mm256_min_epu8(x, seven), x);
		__m256i not_sep = _mm256_or_si256(_mm256_cmpeq_epi8(x, star),
						  _mm256_cmpeq_epi8(x, comma));
		__m256i sep = _mm256_or_si256(_mm256_andnot_si256(not_sep, rng),
					      _mm256_cmpeq_epi8(v, sp));
		unsigned sh = 32 * (unsigned)k;
		m.d |= (uint64_t)(uint32_t)_mm256_movemask_epi8(dig) << sh;
		m.j |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_or_si256(dig, sep)) << sh;
		m.l |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, e2)) << sh;
		m.b |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, xbc)) << sh;
	}
	return m;
}
#endif

/* finish_word - complete word w's join mask and store both: every byte of an E2 xx xx sequence
 * (the lead's bits from the previous word in *prevl) and of E3 83 BC (checked at each BC, the
 * bytes before it possibly in the previous word, whose stored mask is then updated); bits past
 * len cleared */
static inline __attribute__((always_inline)) void
finish_word(const unsigned char *s, size_t len, size_t w, struct word m, uint64_t *prevl,
	    uint64_t *dg, uint64_t *join)
{
	size_t i = w * 64;
	uint64_t j = m.j | m.l | (m.l << 1) | (*prevl >> 63) | (m.l << 2) | (*prevl >> 62);
	*prevl = m.l;
	for (uint64_t b = m.b; b; b &= b - 1) {
		unsigned t = (unsigned)__builtin_ctzll(b);
		size_t p = i + t;
		if (p >= 2 && s[p - 1] == 0x83 && s[p - 2] == 0xE3) {
			j |= (1ull << t) | (t >= 1 ? 1ull << (t - 1) : 0) | (t >= 2 ? 1ull << (t - 2) : 0);
			if (t < 2)
				join[w - 1] |= t == 0 ? 3ull << 62 : 1ull << 63;
		}
	}
	if (len - i < 64)
		j &= (1ull << (len - i)) - 1;
	dg[w] = m.d;
	join[w] = j;
}

/* classify_base - the masks of every word with the baseline instructions (SSE2 on x86-64) */
static void classify_base(const unsigned char *s, size_t len, uint64_t *dg, uint64_t *join)
{
	uint64_t prevl = 0;
	for (size_t w = 0, i = 0; i < len; w++, i += 64) {
#ifdef __SSE2__
		struct word m = i + 64 <= len ? word_sse2(s + i) : word_scalar(s + i, len - i);
#else
		struct word m = word_scalar(s + i, len - i < 64 ? len - i : 64);
#endif
		finish_word(s, len, w, m, &prevl, dg, join);
	}
}

#ifdef LG_HAVE_AVX2_TARGET
/* classify_avx2 - the same with AVX2, for CPUs that have it */
__attribute__((target("avx2"))) static void classify_avx2(const unsigned char *s, size_t len,
							   uint64_t *dg, uint64_t *join)
{
	uint64_t prevl = 0;
	for (size_t w = 0, i = 0; i < len; w++, i += 64) {
		struct word m = i + 64 <= len ? word_avx2(s + i) : word_scalar(s + i, len - i);
		finish_word(s, len, w, m, &prevl, dg, join);
	}
}
#endif

int lg_prefilter_simd = -1;

/* lg_prefilter_init - choose the classifier from the CPU, once, before threads scan */
void lg_prefilter_init(void)
{
	if (lg_prefilter_simd >= 0)
		return;
#ifdef LG_HAVE_AVX2_TARGET
	lg_prefilter_simd = __builtin_cpu_supports("avx2") ? 1 : 0;
#else
	lg_prefilter_simd = 0;
#endif
}

/* classify - one bit per byte, 64 bytes a word: dg the ASCII digits, join the digits and the
 * separators written inside numbers. Besides the ASCII separators (space - . ( ) + /), join
 * holds every byte of U+2000..U+2FFF (lead byte E2: hyphens, dashes, the minus sign ...) and of
 * U+30FC (E3 83 BC, the long vowel mark typed for a dash); a superset of what numbers contain,
 * which only costs some pattern runs, never a match. Each word is written once; bits past len
 * are clear. AVX2 where the CPU has it (lg_prefilter_simd, set by lg_prefilter_init), else
 * SSE2. */
static void classify(const unsigned char *s, size_t len, uint64_t *dg, uint64_t *join)
{
#ifdef LG_HAVE_AVX2_TARGET
	if (lg_prefilter_simd == 1) {
		classify_avx2(s, len, dg, join);
		return;
	}
#endif
	classify_base(s, len, dg, join);
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
 * bits the addition changed are that part (the digits themselves added back); in place */
static void seeded_runs(uint64_t *join, const uint64_t *seed, size_t nw)
{
	uint64_t carry = 0;
	for (size_t w = 0; w < nw; w++) {
		uint64_t j = join[w], d = seed[w];
		uint64_t sum = j + d;
		uint64_t c1 = sum < j;
		uint64_t sum2 = sum + carry;
		uint64_t c2 = sum2 < sum;
		carry = c1 | c2;
		join[w] = ((sum2 ^ j) & j) | d;
	}
}

/* push - append one cluster */
static void push(struct lg_cluster **out, size_t *k, size_t *cap, size_t a, size_t b,
		 const uint64_t *dg)
{
	if (*k == *cap)
		*out = lg_realloc(*out, (*cap *= 2) * sizeof **out);
	(*out)[(*k)++] = (struct lg_cluster){ a, b, count_bits(dg, a, b) };
}

/* lg_digit_clusters - the digit clusters of text at least min_len bytes long, in order: each run
 * of digits and separators (join mask) from its first digit to its end, with the digits it
 * holds. Shorter runs cannot hold min_len digits; they are dropped with bit operations, 64 bytes
 * at a time: the positions p where p .. p+min-1 are all in a run are the seeds of a second
 * seeded pass, which keeps exactly the runs at least min_len long. The runs' edges are then read
 * off each word. */
struct lg_cluster *lg_digit_clusters(const char *text, size_t len, unsigned min_len, size_t *n)
{
	size_t nw = (len + 63) / 64;
	uint64_t *dg = lg_malloc((2 * nw + 2) * sizeof *dg), *c = dg + nw + 1;
	classify((const unsigned char *)text, len, dg, c);
	dg[nw] = c[nw] = 0;
	seeded_runs(c, dg, nw);
	unsigned min = min_len > 64 ? 64 : min_len;
	size_t cap = 16, k = 0, open = 0;
	struct lg_cluster *out = lg_malloc(cap * sizeof *out);
	uint64_t carry = 0, prev = 0;
	for (size_t w = 0; w < nw; w++) {
		uint64_t r = c[w];
		if (min > 1) {	/* the runs holding a position where min bits in a row start */
			/* over the two words [r, next] as one: after x &= x >> step, bit i says
			 * that have + step bits from i on are set; steps double up to min */
			uint64_t v = r, hi = c[w + 1];
			for (unsigned have = 1, step; have < min; have += step) {
				step = have < min - have ? have : min - have;
				v &= (v >> step) | (hi << (64 - step));
				hi &= hi >> step;
			}
			uint64_t sum = r + v, c1 = sum < r, sum2 = sum + carry, c2 = sum2 < sum;
			carry = c1 | c2;
			r = ((sum2 ^ r) & r) | v;
		}
		uint64_t before = (r << 1) | (prev >> 63);	/* bit i: byte i-1 is in a run */
		uint64_t up = r & ~before, down = ~r & before;
		prev = r;
		for (uint64_t e = up | down; e; e &= e - 1) {
			size_t pos = w * 64 + (size_t)__builtin_ctzll(e);
			if (up & e & -e)
				open = pos;
			else
				push(&out, &k, &cap, open, pos, dg);
		}
	}
	if (prev >> 63)	/* a run to the end of a text of whole words */
		push(&out, &k, &cap, open, len, dg);
	free(dg);
	*n = k;
	return out;
}

/* lg_reach_chars_parse - the set of a reach_chars text */
bool lg_reach_chars_parse(const char *spec, unsigned char ok[256], char *err, size_t errlen)
{
	const unsigned char *s = (const unsigned char *)spec;
	memset(ok, 0, 256);
	if (!*s) {
		snprintf(err, errlen, "reach_chars is empty");
		return false;
	}
	for (size_t i = 0; s[i]; i++) {
		if (s[i] < 0x20 || s[i] >= 0x7F) {
			snprintf(err, errlen, "reach_chars holds ASCII characters only (byte %zu is not "
				 "one)", i + 1);
			return false;
		}
		if (s[i + 1] == '-' && s[i + 2]) {	/* a range a-z */
			if (s[i + 2] < s[i] || s[i + 2] >= 0x7F) {
				snprintf(err, errlen, "reach_chars: bad range '%c-%c' (write '-' itself "
					 "first or last)", s[i], s[i + 2]);
				return false;
			}
			for (unsigned c = s[i]; c <= s[i + 2]; c++)
				ok[c] = 1;
			i += 2;
		} else {
			ok[s[i]] = 1;
		}
	}
	return true;
}

/* lg_reach_start - the earliest start of a match triggered at pos: reach characters back,
 * stopping before a character not in reach_chars (every non-ASCII one) when that is set */
size_t lg_reach_start(const struct lg_det *det, const char *text, size_t pos)
{
	if (!det->reach_limited)
		return lg_back_chars(text, pos, det->def.prefilter.reach);
	const unsigned char *s = (const unsigned char *)text;
	size_t start = pos, stop = pos > det->def.prefilter.reach ? pos - det->def.prefilter.reach : 0;
	while (start > stop && det->reach_ok[s[start - 1]])
		start--;
	return start;
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
		add_window(&w, n, &cap, lg_reach_start(det, text, pos[i]), pos[i]);
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
