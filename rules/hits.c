/* hits.c - every literal trigger and keyword of a detector set found in one pass over a text
 * (Vectorscan, a multi-literal engine, when leakguard is built with it): the literal windows,
 * the required-keyword check, context keywords and exclude keywords are then answered from
 * sorted lists of hits instead of one search per detector and question. The answers are exactly
 * those of prefilter.c and context.c (same case folding, same word edges at window bounds);
 * tests/unit/test_detect_engines checks that. Without Vectorscan, or when a text has too many
 * hits, lg_detect uses those searches directly. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lg_alloc.h"
#include "lg_log.h"
#include "rules/rules_int.h"

#ifdef HAVE_VECTORSCAN
#include <hs.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

/* One literal of the database: which list (detector * LG_LIT__N + kind) it belongs to. */
struct lg_lit {
	unsigned list;
	unsigned len;
	bool edge_first;	/* its first byte is an ASCII letter or digit: a word edge is checked */
	bool edge_last;		/* ... its last byte */
	bool anywhere;		/* lg_any_keyword takes it without word edges (see context.c) */
};

struct lg_litdb {
	hs_database_t *db;
	uint64_t serial;	/* unique per database built in this process (see thread_scratch) */
	struct lg_lit *lit;	/* by Vectorscan id */
	size_t nlit;
	size_t nlists;
};

/* Most hits one text may have before the scan gives up and lg_detect uses the direct
 * searches: a quarter of its bytes plus a floor (a text made of '@' would otherwise keep a
 * hit for every byte, for every list that holds '@'). */
#define LG_HITS_FLOOR 4096
#define LG_HITS_PER_BYTES 4

/* is_alnum - ASCII letter or digit */
static bool is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* has_ascii_letter - as context.c decides which keywords need case folding */
static bool has_ascii_letter(const char *k)
{
	for (; *k; k++)
		if ((*k | 0x20) >= 'a' && (*k | 0x20) <= 'z')
			return true;
	return false;
}

/* Expressions being collected for hs_compile_multi: literals as \xHH escapes. */
struct litlist {
	char **expr;
	unsigned *flags, *ids;
	struct lg_lit *lit;
	size_t n, cap;
};

/* add_expr - append one expression (taking expr) */
static void add_expr(struct litlist *l, char *expr, unsigned flags, struct lg_lit lit)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->expr = lg_realloc(l->expr, l->cap * sizeof *l->expr);
		l->flags = lg_realloc(l->flags, l->cap * sizeof *l->flags);
		l->ids = lg_realloc(l->ids, l->cap * sizeof *l->ids);
		l->lit = lg_realloc(l->lit, l->cap * sizeof *l->lit);
	}
	l->expr[l->n] = expr;
	l->flags[l->n] = flags;
	l->ids[l->n] = (unsigned)l->n;
	l->lit[l->n] = lit;
	l->n++;
}

/* escaped - a literal as a pattern matching exactly its bytes */
static char *escaped(const char *v, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char *e = lg_malloc(len * 4 + 1), *o = e;
	for (size_t k = 0; k < len; k++) {
		unsigned char c = (unsigned char)v[k];
		*o++ = '\\', *o++ = 'x', *o++ = hex[c >> 4], *o++ = hex[c & 15];
	}
	*o = '\0';
	return e;
}

/* add_list - the non-empty strings of a NULL-terminated list as literals of one list;
 * anywhere_rule marks the keywords lg_any_keyword finds without word edges */
static void add_list(struct litlist *l, char **v, unsigned list, bool anywhere_rule)
{
	size_t nfast = 0;
	for (size_t k = 0; v && v[k]; k++) {
		size_t len = strlen(v[k]);
		bool fast = anywhere_rule && !has_ascii_letter(v[k]) && len >= 3 && nfast < 16;
		if (anywhere_rule && !has_ascii_letter(v[k]) && len >= 3)
			nfast++;
		if (len == 0 || len > UINT_MAX)
			continue;	/* never found by the direct searches either */
		/* ASCII-only case folding without HS_FLAG_UTF8: the lists are ASCII lower case */
		add_expr(l, escaped(v[k], len), HS_FLAG_CASELESS,
			 (struct lg_lit){ list, (unsigned)len, is_alnum((unsigned char)v[k][0]),
					  is_alnum((unsigned char)v[k][len - 1]), fast });
	}
}

/* compile - hs_compile_multi of the collected expressions; NULL (message in *why) on failure */
static hs_database_t *compile(const struct litlist *l, char *why, size_t whylen)
{
	hs_database_t *hdb = NULL;
	hs_compile_error_t *cerr = NULL;
	if (hs_compile_multi((const char *const *)l->expr, l->flags, l->ids, (unsigned)l->n,
			     HS_MODE_BLOCK, NULL, &hdb, &cerr) == HS_SUCCESS)
		return hdb;
	snprintf(why, whylen, "%s", cerr && cerr->message ? cerr->message : "?");
	hs_free_compile_error(cerr);
	return NULL;
}

/* litlist_free - release collected expressions */
static void litlist_free(struct litlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->expr[i]);
	free(l->expr);
	free(l->flags);
	free(l->ids);
	free(l->lit);
	memset(l, 0, sizeof *l);
}

/* collect_all - every detector's lists */
static void collect_all(const struct lg_detectors *d, struct litlist *l)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct lg_det *det = &d->dets[i];
		if (!det->re)
			continue;	/* column rules search header cells only */
		unsigned base = (unsigned)i * LG_LIT__N;
		if (det->def.prefilter.digits == 0)
			add_list(l, det->def.prefilter.literals, base + LG_LIT_TRIGGER, false);
		add_list(l, det->def.context.keywords, base + LG_LIT_CONTEXT, true);
		add_list(l, det->def.exclude.keywords, base + LG_LIT_EXCLUDE, false);
	}
}

/* lg_litdb_build - the database of every detector's literals and keywords; NULL (with a
 * warning when Vectorscan refused) when there are none or the CPU cannot run Vectorscan */
struct lg_litdb *lg_litdb_build(const struct lg_detectors *d)
{
	if (hs_valid_platform() != HS_SUCCESS) {
		lg_warning("detectors: this CPU cannot run Vectorscan; keywords searched directly");
		return NULL;
	}
	struct litlist l = { 0 };
	char why[256] = "";
	hs_database_t *hdb = NULL;
	collect_all(d, &l);
	if (l.n > 0 && l.n <= UINT_MAX) {
		hdb = compile(&l, why, sizeof why);
		if (!hdb)
			lg_warning("detectors: Vectorscan refused the keyword set (%s); keywords "
				   "searched directly", why);
	}
	struct lg_litdb *db = NULL;
	if (hdb) {
		static atomic_uint_fast64_t serials;
		db = lg_calloc(1, sizeof *db);
		db->db = hdb;
		db->serial = atomic_fetch_add(&serials, 1) + 1;
		db->lit = l.lit;
		l.lit = NULL;
		db->nlit = l.n;
		db->nlists = d->n * LG_LIT__N;
	}
	litlist_free(&l);
	return db;
}

/* lg_litdb_free - release a database */
void lg_litdb_free(struct lg_litdb *db)
{
	if (!db)
		return;
	hs_free_database(db->db);
	free(db->lit);
	free(db);
}

/* Scratch space is per thread (Vectorscan's rule); one per thread serves every database, grown
 * by hs_alloc_scratch when a new one needs more, freed when the thread ends. A grown scratch
 * stays fit for every database it was fit for (hs_runtime.h), so the thread remembers the
 * serials of the databases it was fitted to and asks hs_alloc_scratch only for a new one: the
 * check cost about 15 % of analyze() on a 1,000-row CSV, where lg_detect runs once a row.
 * Serials, not addresses: a database freed on a reload and a new one at the same address must
 * be fitted again. */
#define SCRATCH_FITTED 8

struct thread_scratch {
	hs_scratch_t *s;
	uint64_t fitted[SCRATCH_FITTED];	/* serials s is fit for; 0: none */
	unsigned next;				/* the slot the next new serial takes */
};

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static bool scratch_key_ok;

/* scratch_free - thread-exit destructor of the scratch key */
static void scratch_free(void *p)
{
	struct thread_scratch *t = p;
	hs_free_scratch(t->s);
	free(t);
}

/* scratch_key_make - create the scratch key once */
static void scratch_key_make(void)
{
	scratch_key_ok = pthread_key_create(&scratch_key, scratch_free) == 0;
}

/* thread_scratch - this thread's scratch, fit for db; NULL on failure */
static hs_scratch_t *thread_scratch(const struct lg_litdb *db)
{
	pthread_once(&scratch_once, scratch_key_make);
	if (!scratch_key_ok)
		return NULL;
	struct thread_scratch *t = pthread_getspecific(scratch_key);
	if (!t) {
		t = lg_calloc(1, sizeof *t);
		if (pthread_setspecific(scratch_key, t) != 0) {
			free(t);
			return NULL;
		}
	}
	for (unsigned i = 0; i < SCRATCH_FITTED; i++)
		if (t->fitted[i] == db->serial)
			return t->s;
	if (hs_alloc_scratch(db->db, &t->s) != HS_SUCCESS) {
		/* it may have freed the old scratch (and left NULL): fit for nothing now */
		memset(t->fitted, 0, sizeof t->fitted);
		return NULL;
	}
	t->fitted[t->next] = db->serial;
	t->next = (t->next + 1) % SCRATCH_FITTED;
	return t->s;
}

/* What the match callback collects. */
struct collect {
	const struct lg_litdb *db;
	struct lg_hit *h;
	size_t n, cap, max;
};

/* on_hit - Vectorscan's callback: keep the literal's start; stop when over the bound */
static int on_hit(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
		  void *ctx)
{
	(void)from;
	(void)flags;
	struct collect *c = ctx;
	const struct lg_lit *lit = &c->db->lit[id];
	if (c->n == c->max)
		return 1;
	if (c->n == c->cap)
		c->h = lg_realloc(c->h, (c->cap = c->cap ? c->cap * 2 : 256) * sizeof *c->h);
	c->h[c->n++] = (struct lg_hit){ (size_t)to - lit->len, id };
	return 0;
}

/* hit_cmp - order hits by start */
static int hit_cmp(const void *a, const void *b)
{
	size_t x = ((const struct lg_hit *)a)->start, y = ((const struct lg_hit *)b)->start;
	return x < y ? -1 : x > y;
}

/* lg_hits_scan - one pass over text for every literal of db; false (nothing kept) when it
 * could not be done: lg_detect then searches directly */
bool lg_hits_scan(const struct lg_litdb *db, const char *text, size_t len, struct lg_hits *out)
{
	memset(out, 0, sizeof *out);
	if (!db || len > UINT_MAX)
		return false;
	hs_scratch_t *scratch = thread_scratch(db);
	if (!scratch)
		return false;
	struct collect c = { db, NULL, 0, 0, len / LG_HITS_PER_BYTES + LG_HITS_FLOOR };
	hs_error_t rc = hs_scan(db->db, text ? text : "", (unsigned)len, 0, scratch, on_hit, &c);
	if (rc != HS_SUCCESS) {	/* HS_SCAN_TERMINATED: too many hits */
		free(c.h);
		return false;
	}
	/* group by list (counting sort, stable), then by start within a list: Vectorscan reports
	 * in order of end, so a list is out of order only where literals of different lengths
	 * end close together */
	out->first = lg_calloc(db->nlists + 1, sizeof *out->first);
	for (size_t i = 0; i < c.n; i++)
		out->first[db->lit[c.h[i].lit].list + 1]++;
	for (size_t l = 0; l < db->nlists; l++)
		out->first[l + 1] += out->first[l];
	out->h = lg_malloc((c.n ? c.n : 1) * sizeof *out->h);
	size_t *fill = lg_malloc((db->nlists ? db->nlists : 1) * sizeof *fill);
	memcpy(fill, out->first, db->nlists * sizeof *fill);
	for (size_t i = 0; i < c.n; i++)
		out->h[fill[db->lit[c.h[i].lit].list]++] = c.h[i];
	free(fill);
	free(c.h);
	for (size_t l = 0; l < db->nlists; l++) {
		struct lg_hit *a = out->h + out->first[l];
		size_t n = out->first[l + 1] - out->first[l];
		for (size_t i = 1; i < n; i++)
			if (a[i].start < a[i - 1].start) {
				qsort(a, n, sizeof *a, hit_cmp);
				break;
			}
	}
	out->db = db;
	return true;
}

/* lg_hits_free - release a text's hits */
void lg_hits_free(struct lg_hits *h)
{
	free(h->h);
	free(h->first);
	memset(h, 0, sizeof *h);
}

/* list_of - the hits of one detector's list as [*a, *a + return) */
static size_t list_of(const struct lg_hits *h, unsigned det, enum lg_lit_kind kind,
		      const struct lg_hit **a)
{
	size_t l = (size_t)det * LG_LIT__N + kind;
	*a = h->h + h->first[l];
	return h->first[l + 1] - h->first[l];
}

/* lg_hits_positions - the starts of a detector's literal triggers, in order (a position may
 * repeat); *n set. Points into h. */
const struct lg_hit *lg_hits_triggers(const struct lg_hits *h, unsigned det, size_t *n)
{
	const struct lg_hit *a;
	*n = list_of(h, det, LG_LIT_TRIGGER, &a);
	return a;
}

/* lg_hits_any - one of a detector's keywords of this kind inside text[a, b), compared as
 * lg_kwset_find does over that slice (whole ASCII words, the slice's ends counting as word
 * edges), or, with anywhere, as lg_any_keyword does */
bool lg_hits_any(const struct lg_hits *h, unsigned det, enum lg_lit_kind kind, const char *text,
		 size_t a, size_t b, bool anywhere)
{
	const struct lg_hit *v;
	size_t n = list_of(h, det, kind, &v);
	size_t lo = 0, hi = n;	/* first hit starting at or after a */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].start < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	const unsigned char *s = (const unsigned char *)text;
	for (size_t i = lo; i < n && v[i].start < b; i++) {
		const struct lg_lit *lit = &h->db->lit[v[i].lit];
		size_t p = v[i].start, e = p + lit->len;
		if (e > b)
			continue;
		if (!(anywhere && lit->anywhere)) {
			if (lit->edge_first && p > a && is_alnum(s[p - 1]))
				continue;
			if (lit->edge_last && e < b && is_alnum(s[e]))
				continue;
		}
		return true;
	}
	return false;
}

/* lg_hits_available - this build has Vectorscan */
bool lg_hits_available(void)
{
	return true;
}

#else /* !HAVE_VECTORSCAN */

/* lg_litdb_build - no Vectorscan in this build: keywords are searched directly */
struct lg_litdb *lg_litdb_build(const struct lg_detectors *d)
{
	(void)d;
	return NULL;
}

/* lg_litdb_free - nothing to release */
void lg_litdb_free(struct lg_litdb *db)
{
	(void)db;
}

/* lg_hits_scan - never done without Vectorscan */
bool lg_hits_scan(const struct lg_litdb *db, const char *text, size_t len, struct lg_hits *out)
{
	(void)db;
	(void)text;
	(void)len;
	memset(out, 0, sizeof *out);
	return false;
}

/* lg_hits_free - nothing to release */
void lg_hits_free(struct lg_hits *h)
{
	memset(h, 0, sizeof *h);
}

/* lg_hits_triggers - no hits without Vectorscan */
const struct lg_hit *lg_hits_triggers(const struct lg_hits *h, unsigned det, size_t *n)
{
	(void)h;
	(void)det;
	*n = 0;
	return NULL;
}

/* lg_hits_any - no hits without Vectorscan */
bool lg_hits_any(const struct lg_hits *h, unsigned det, enum lg_lit_kind kind, const char *text,
		 size_t a, size_t b, bool anywhere)
{
	(void)h, (void)det, (void)kind, (void)text, (void)a, (void)b, (void)anywhere;
	return false;
}

/* lg_hits_available - this build has no Vectorscan */
bool lg_hits_available(void)
{
	return false;
}

#endif
