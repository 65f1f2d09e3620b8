/* context.c - what surrounds a finding: context keywords near it ("マイナンバー", "TEL") and the
 * header of the table column it sits in ("個人番号", "氏名"), which raise its confidence or, for
 * column rules, make the cells themselves findings. */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "lg_alloc.h"
#include "rules/rules_int.h"

/* is_alnum - ASCII letter or digit */
static bool is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* lower - ASCII lower case */
static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* match_at - needle (length m) at hay[i], ASCII case-insensitive, with whole ASCII words */
static bool match_at(const unsigned char *h, size_t n, size_t i, const unsigned char *nd, size_t m)
{
	if (m == 0 || m > n - i)
		return false;
	for (size_t k = 0; k < m; k++)
		if (lower(h[i + k]) != nd[k])
			return false;
	if (is_alnum(nd[0]) && i > 0 && is_alnum(h[i - 1]))
		return false;
	if (is_alnum(nd[m - 1]) && i + m < n && is_alnum(h[i + m]))
		return false;
	return true;
}

/* lg_ci_find - needle in hay, ASCII case-insensitive, ASCII words whole */
bool lg_ci_find(const char *hay, size_t n, const char *needle)
{
	const unsigned char *h = (const unsigned char *)hay, *nd = (const unsigned char *)needle;
	size_t m = strlen(needle);
	if (m == 0 || m > n)
		return false;
	for (size_t i = 0; i + m <= n; i++)
		if (lower(h[i]) == nd[0] && match_at(h, n, i, nd, m))
			return true;
	return false;
}

/* lg_kwset_init - the first-byte table of a keyword list */
void lg_kwset_init(struct lg_kwset *ks, char **kw)
{
	memset(ks, 0, sizeof *ks);
	ks->kw = kw;
	for (size_t k = 0; kw && kw[k]; k++)
		ks->n++;
	ks->len = lg_calloc(ks->n ? ks->n : 1, sizeof *ks->len);
	for (size_t k = 0; k < ks->n; k++) {
		unsigned char c = (unsigned char)kw[k][0];
		ks->len[k] = strlen(kw[k]);
		ks->first[c] = 1;
		if (c >= 'a' && c <= 'z')
			ks->first[c - 32] = 1;
	}
}

/* lg_kwset_free - release a set's table of lengths */
void lg_kwset_free(struct lg_kwset *ks)
{
	free(ks->len);
	ks->len = NULL;
	ks->n = 0;
}

/* lg_kwset_find - one pass over hay for all the set's keywords */
bool lg_kwset_find(const struct lg_kwset *ks, const char *hay, size_t n)
{
	const unsigned char *h = (const unsigned char *)hay;
	if (!ks->n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!ks->first[h[i]])
			continue;
		for (size_t k = 0; k < ks->n; k++)
			if (lower(h[i]) == (unsigned char)ks->kw[k][0] &&
			    match_at(h, n, i, (const unsigned char *)ks->kw[k], ks->len[k]))
				return true;
	}
	return false;
}

/* has_ascii_letter - a keyword with ASCII letters needs case folding (lg_ci_find) */
static bool has_ascii_letter(const char *k)
{
	for (; *k; k++)
		if ((*k | 0x20) >= 'a' && (*k | 0x20) <= 'z')
			return true;
	return false;
}

/* lg_any_keyword - one of the keywords anywhere in hay[0..n). Keywords without ASCII letters
 * (the Japanese ones) are found together in one pass: with SSE2, 16 positions at a time, each
 * keyword's first three bytes (one kana or kanji) are compared at once and only positions where
 * they agree are compared in full; the others go through lg_ci_find. */
bool lg_any_keyword(const char *hay, size_t n, char **kw)
{
	const char *fast[16];
	size_t flen[16], nfast = 0;
	for (size_t k = 0; kw && kw[k]; k++) {
		size_t l = strlen(kw[k]);
		if (has_ascii_letter(kw[k]) || l < 3 || nfast == 16) {
			if (lg_ci_find(hay, n, kw[k]))
				return true;
		} else {
			flen[nfast] = l;
			fast[nfast++] = kw[k];
		}
	}
	if (!nfast)
		return false;
	size_t i = 0;
#ifdef __SSE2__
	__m128i b0[16], b1[16], b2[16];
	for (size_t k = 0; k < nfast; k++) {
		b0[k] = _mm_set1_epi8(fast[k][0]);
		b1[k] = _mm_set1_epi8(fast[k][1]);
		b2[k] = _mm_set1_epi8(fast[k][2]);
	}
	for (; i + 18 <= n; i += 16) {
		const char *p = hay + i;
		__m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i v1 = _mm_loadu_si128((const __m128i *)(const void *)(p + 1));
		__m128i v2 = _mm_loadu_si128((const __m128i *)(const void *)(p + 2));
		for (size_t k = 0; k < nfast; k++) {
			__m128i eq = _mm_and_si128(_mm_cmpeq_epi8(v0, b0[k]),
						   _mm_and_si128(_mm_cmpeq_epi8(v1, b1[k]),
								 _mm_cmpeq_epi8(v2, b2[k])));
			for (unsigned m = (unsigned)_mm_movemask_epi8(eq); m; m &= m - 1) {
				size_t at = i + (size_t)__builtin_ctz(m);
				if (at + flen[k] <= n && memcmp(hay + at, fast[k], flen[k]) == 0)
					return true;
			}
		}
	}
#endif
	for (size_t k = 0; k < nfast; k++)
		if (i < n && memmem(hay + i, n - i, fast[k], flen[k]))
			return true;
	return false;
}

/* lg_context_near - one of the detector's keywords within window characters of the match */
bool lg_context_near(const struct lg_det *det, const char *text, size_t len, size_t start,
		     size_t end)
{
	if (!det->context.n)
		return false;
	size_t a = lg_back_chars(text, start, det->def.context.window);
	size_t b = lg_fwd_chars(text, len, end, det->def.context.window);
	return lg_kwset_find(&det->context, text + a, b - a);
}

/* any_in - one of the words occurs in the cell */
static bool any_in(char **words, const char *cell, size_t n)
{
	for (size_t k = 0; words && words[k]; k++)
		if (lg_ci_find(cell, n, words[k]))
			return true;
	return false;
}

/* The quick reject for header cells. Every keyword that can mark a header (columns and context
 * keywords; not_columns only ever unmark) puts a bit for its first g bytes into a table, g being
 * the shortest keyword's length, at most three (one kana or kanji). lg_ci_find matches a keyword
 * at i only where the cell's bytes, ASCII lower-cased, equal it, so a cell none of whose g-byte
 * windows has its bit set holds none of the keywords. Bits are hashed: a collision only lets a
 * cell through to the full search. A table of first bytes skips most positions at once. */
#define HDRF_BITS 16			/* the table has 1 << HDRF_BITS bits (8 KiB) */
struct lg_hdrfilter {
	size_t min_len;			/* the shortest keyword, bytes */
	unsigned g;			/* bytes per window: 1..3 */
	unsigned char first[256];	/* a keyword begins with this byte, ASCII lower-cased */
	unsigned char bits[(1u << HDRF_BITS) / 8];
};

/* hdrf_slot - the table bit of the g bytes at p, ASCII lower-cased */
static uint32_t hdrf_slot(const unsigned char *p, unsigned g)
{
	uint32_t v = lower(p[0]);
	for (unsigned k = 1; k < g; k++)
		v = (v << 8) | lower(p[k]);
	return g < 3 ? v : (uint32_t)(v * 2654435761u) >> (32 - HDRF_BITS);
}

/* kw_each - call fn on every non-empty column or context keyword of the set */
static void kw_each(const struct lg_detectors *d, void (*fn)(void *, const char *, size_t),
		    void *arg)
{
	for (size_t i = 0; i < d->n; i++) {
		char **lists[2] = { d->dets[i].def.columns, d->dets[i].def.context.keywords };
		for (size_t l = 0; l < 2; l++)
			for (size_t k = 0; lists[l] && lists[l][k]; k++) {
				size_t m = strlen(lists[l][k]);
				if (m)	/* lg_ci_find never finds an empty needle */
					fn(arg, lists[l][k], m);
			}
	}
}

/* kw_min_len - kw_each step: the shortest length so far */
static void kw_min_len(void *arg, const char *kw, size_t m)
{
	(void)kw;
	size_t *min = arg;
	if (*min == 0 || m < *min)
		*min = m;
}

/* kw_set_bit - kw_each step: the keyword's first g bytes into the table */
static void kw_set_bit(void *arg, const char *kw, size_t m)
{
	(void)m;
	struct lg_hdrfilter *f = arg;
	unsigned char c = lower((unsigned char)kw[0]);
	uint32_t b = hdrf_slot((const unsigned char *)kw, f->g);
	f->first[c] = 1;
	if (c >= 'a' && c <= 'z')
		f->first[c - 32] = 1;
	f->bits[b >> 3] |= (unsigned char)(1u << (b & 7));
}

/* lg_hdrfilter_build - the table of every column and context keyword's first bytes */
struct lg_hdrfilter *lg_hdrfilter_build(const struct lg_detectors *d)
{
	size_t min = 0;
	kw_each(d, kw_min_len, &min);
	if (min == 0)
		return NULL;	/* no keywords: lg_header_new returns at once or finds nothing */
	struct lg_hdrfilter *f = lg_calloc(1, sizeof *f);
	f->min_len = min;
	f->g = min < 3 ? (unsigned)min : 3;
	kw_each(d, kw_set_bit, f);
	return f;
}

/* lg_hdrfilter_free - release the table */
void lg_hdrfilter_free(struct lg_hdrfilter *f)
{
	free(f);
}

/* lg_hdrfilter_may_match - a window of the cell has its bit set: a keyword may start there */
bool lg_hdrfilter_may_match(const struct lg_hdrfilter *f, const char *cell, size_t n)
{
	if (!f)
		return true;
	if (n < f->min_len)
		return false;
	const unsigned char *p = (const unsigned char *)cell;
	for (size_t i = 0; i + f->min_len <= n; i++) {
		if (!f->first[p[i]])
			continue;
		uint32_t b = hdrf_slot(p + i, f->g);
		if (f->bits[b >> 3] & (1u << (b & 7)))
			return true;
	}
	return false;
}

/* lg_header_new - a header row: per column, the detectors it names */
struct lg_header *lg_header_new(const struct lg_detectors *d, const char *const *cells,
				const size_t *lens, size_t ncells)
{
	if (!d || !d->any_columns || ncells == 0)
		return NULL;
	struct lg_header *h = NULL;	/* made at the first mark: most rows are not headers */
	for (size_t c = 0; c < ncells; c++) {
		if (lens[c] == 0 || lens[c] > 200)	/* a header cell is a short label */
			continue;
		if (!lg_hdrfilter_may_match(d->hdr, cells[c], lens[c]))
			continue;	/* names no detector: its marks stay 0 */
		for (size_t i = 0; i < d->n; i++) {
			const struct lg_det *det = &d->dets[i];
			unsigned char m = 0;
			if (det->def.columns && any_in(det->def.columns, cells[c], lens[c]) &&
			    !any_in(det->def.not_columns, cells[c], lens[c]))
				m |= HDR_COLUMN;
			if (any_in(det->def.context.keywords, cells[c], lens[c]))
				m |= HDR_CONTEXT;
			if (!m)
				continue;
			if (!h) {
				h = lg_calloc(1, sizeof *h);
				h->ncols = ncells;
				h->ndets = d->n;
				h->marks = lg_calloc(ncells * d->n, 1);
			}
			h->marks[c * d->n + i] = m;
		}
	}
	return h;
}

/* lg_header_free - release a header */
void lg_header_free(struct lg_header *h)
{
	if (!h)
		return;
	free(h->marks);
	free(h);
}
