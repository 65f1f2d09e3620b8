/* rules_int.h - internals shared by the detector modules: the compiled detector set, the
 * prefilter windows, the context search and small UTF-8 steps. Not for use outside rules/. */
#ifndef LG_RULES_INT_H
#define LG_RULES_INT_H

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/detect.h"
#include "rules/validate.h"

/* A set of keywords (NFKC, ASCII lower case) searched together: a table of the bytes they begin
 * with (both cases of a letter) sends each byte of the text to the few keywords that can start
 * there. */
struct lg_kwset {
	unsigned char first[256];
	char **kw;		/* the detector's list, not owned */
	size_t *len;
	size_t n;
};

/* One compiled detector. */
struct lg_det {
	struct lg_detdef def;		/* own copy; keywords and columns NFKC and ASCII lower case */
	pcre2_code *re;			/* NULL for a column rule */
	lg_validator_fn validate;	/* NULL: the pattern alone decides */
	struct lg_kwset context;	/* def.context.keywords */
	struct lg_kwset exclude;	/* def.exclude.keywords */
	bool jit;			/* the pattern is JIT-compiled */
	uint32_t ncaptures;
	bool reach_limited;		/* def.prefilter.reach_chars: ... */
	unsigned char reach_ok[256];	/* ... the bytes a reach may go back over */
};

struct lg_litdb;

/* The compiled set. Read-only after lg_detectors_build: every scan allocates its own match
 * data and match context, so one struct serves all threads. */
struct lg_detectors {
	struct lg_litdb *lits;		/* every literal and keyword for one Vectorscan pass, or NULL */
	bool use_lits;			/* lg_detect uses it (tests turn it off to compare) */
	pcre2_general_context *gctx;	/* allocator: lg_malloc/free (never NULL) */
	struct lg_det *dets;
	size_t n;
	uint32_t max_ovec;		/* largest capture count + 1 */
	bool any_digits;		/* some detector uses the digit prefilter */
	unsigned min_digits;		/* the fewest digits any of them needs */
	bool any_columns;		/* some detector has columns or context keywords */
	struct lg_hdrfilter *hdr;	/* quick reject of header cells (lg_hdrfilter_build) */
};

/* A table header: per column, a byte per detector: HDR_COLUMN when the header names a column
 * rule's column, HDR_CONTEXT when it holds one of the detector's context keywords. */
#define HDR_COLUMN 1
#define HDR_CONTEXT 2
struct lg_header {
	size_t ncols, ndets;
	unsigned char *marks;		/* ncols * ndets */
};

/* A run of digits and the separators written inside numbers (space - . ( ) + /, U+2000..U+2FFF
 * such as dashes and the minus sign, U+30FC): [start, end) from the first digit to the end of
 * the run (separators after the last digit included). */
struct lg_cluster {
	size_t start, end;
	unsigned digits;
};

/* lg_prefilter_simd - which classifier lg_digit_clusters uses: 0 the baseline (SSE2), 1 AVX2;
 * -1 until lg_prefilter_init (lg_detectors_build calls it) chose from the CPU, which means the
 * baseline. Tests set it to check both. */
extern int lg_prefilter_simd;
void lg_prefilter_init(void);
/* lg_digit_clusters - every digit cluster of text at least min_len bytes long (1: all), in order
 * (newly allocated, *n set) */
struct lg_cluster *lg_digit_clusters(const char *text, size_t len, unsigned min_len, size_t *n);

/* A place where a detector's pattern is run: matches must start in [start, limit]. */
struct lg_window {
	size_t start, limit;
};

/* lg_literal_windows - windows around every occurrence of the detector's literals (ASCII case
 * insensitive), merged; newly allocated, *n set */
struct lg_window *lg_literal_windows(const struct lg_det *det, const char *text, size_t len,
				     size_t *n);
/* lg_windows_at - the merged windows of a detector's literal triggers starting at pos[0..npos)
 * (ascending; repeats allowed); newly allocated, *n set */
struct lg_window *lg_windows_at(const struct lg_det *det, const char *text, const size_t *pos,
				size_t npos, size_t *n);

/* ---- hits.c: every literal and keyword of the set in one pass (Vectorscan) ---- */

/* The lists of a detector whose literals the pass finds. */
enum lg_lit_kind {
	LG_LIT_TRIGGER,		/* prefilter.literals (of a detector without a digit prefilter) */
	LG_LIT_CONTEXT,		/* context.keywords */
	LG_LIT_EXCLUDE,		/* exclude.keywords */
	LG_LIT__N
};

/* Where a literal was found: its start and which literal. */
struct lg_hit {
	size_t start;
	unsigned lit;
};

/* A text's hits, grouped by list (detector * LG_LIT__N + kind), by start within a list. */
struct lg_hits {
	const struct lg_litdb *db;
	struct lg_hit *h;
	size_t *first;		/* list l is h[first[l] .. first[l + 1]) */
};

/* lg_litdb_build - the Vectorscan database of the set's literals and keywords; NULL when there
 * are none, when built without Vectorscan or when it cannot be used (warning logged) */
struct lg_litdb *lg_litdb_build(const struct lg_detectors *d);
void lg_litdb_free(struct lg_litdb *db);
/* lg_hits_scan - one pass over text; false when it was not done (no database, too many hits):
 * the caller then searches directly */
bool lg_hits_scan(const struct lg_litdb *db, const char *text, size_t len, struct lg_hits *out);
void lg_hits_free(struct lg_hits *h);
/* lg_hits_triggers - a detector's trigger hits in order of start; *n set (points into h) */
const struct lg_hit *lg_hits_triggers(const struct lg_hits *h, unsigned det, size_t *n);
/* lg_hits_any - a keyword of the list within text[a, b): as lg_kwset_find over that slice, or
 * (anywhere) as lg_any_keyword */
bool lg_hits_any(const struct lg_hits *h, unsigned det, enum lg_lit_kind kind, const char *text,
		 size_t a, size_t b, bool anywhere);
/* lg_hits_available - built with Vectorscan */
bool lg_hits_available(void);
/* lg_reach_start - where a match may begin at the earliest, given a trigger (first digit or
 * literal) at pos: prefilter.reach characters back, over reach_chars only when it is set */
size_t lg_reach_start(const struct lg_det *det, const char *text, size_t pos);
/* lg_back_chars - the offset n characters before pos (not before 0) in valid UTF-8 */
size_t lg_back_chars(const char *t, size_t pos, unsigned n);
/* lg_fwd_chars - the offset n characters after pos (not past len) in valid UTF-8 */
size_t lg_fwd_chars(const char *t, size_t len, size_t pos, unsigned n);

/* lg_ci_find - does needle (ASCII lower case, any UTF-8) occur in hay[0..n)? ASCII is compared
 * case-insensitively; an ASCII-alphanumeric needle must not touch ASCII letters or digits on
 * either side ("tel" is not in "hotel") */
bool lg_ci_find(const char *hay, size_t n, const char *needle);
/* lg_kwset_init - the set of a NULL-terminated keyword list (may be NULL: an empty set) */
void lg_kwset_init(struct lg_kwset *ks, char **kw);
void lg_kwset_free(struct lg_kwset *ks);
/* lg_kwset_find - one of the set's keywords in hay[0..n), as lg_ci_find compares */
bool lg_kwset_find(const struct lg_kwset *ks, const char *hay, size_t n);
/* lg_any_keyword - one of the keywords (NULL-terminated, normalised) anywhere in hay[0..n):
 * for long texts (SIMD for the Japanese ones); lg_kwset_find is quicker over a few bytes */
bool lg_any_keyword(const char *hay, size_t n, char **kw);
/* lg_hdrfilter_build - the quick reject for header cells: every column and context keyword of
 * the set, by its first (up to three) bytes; NULL when no detector has any */
struct lg_hdrfilter *lg_hdrfilter_build(const struct lg_detectors *d);
void lg_hdrfilter_free(struct lg_hdrfilter *f);
/* lg_hdrfilter_may_match - false only when no column or context keyword of the set can occur in
 * cell[0..n) as lg_ci_find compares (true for every cell when f is NULL) */
bool lg_hdrfilter_may_match(const struct lg_hdrfilter *f, const char *cell, size_t n);
/* lg_context_near - one of the detector's keywords within its window around [start, end) */
bool lg_context_near(const struct lg_det *det, const char *text, size_t len, size_t start,
		     size_t end);

/* lg_rules_pcre2_error - format a pcre2 error code into err as "what: message" */
void lg_rules_pcre2_error(char *err, size_t errlen, const char *what, int rc);

/* lg_rules_utf8_prev - code point ending just before pos (pos > 0) in valid UTF-8; returns its
 * start offset */
size_t lg_rules_utf8_prev(const char *t, size_t pos, uint32_t *cp);

/* lg_rules_utf8_next - code point starting at pos (pos < len) in valid UTF-8; returns the offset
 * just after it */
size_t lg_rules_utf8_next(const char *t, size_t len, size_t pos, uint32_t *cp);

/* Longest normalised phone value: 11 national digits plus NUL. */
#define LG_PHONE_JP_MAX 11

#endif
