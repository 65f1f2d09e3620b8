/* analyze.c - analyze(): message bytes + envelope + config in, report (facts and verdict) out.
 * The one call chain: MIME walk -> each part scanned (scan.c: sniff, extract, detect) ->
 * de-duplication, the sender's own values, records -> policy. No MTA and no I/O here. */
#include "analyze/analyze.h"

#include <gmime/gmime.h>
#include <libxml/parser.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/recipients.h"
#include "analyze/run.h"
#include "content/extract.h"
#include "lg_alloc.h"

/* lg_library_init - process-wide library set-up, before any thread starts */
void lg_library_init(void)
{
	g_mime_init();
	xmlInitParser();
}

/* Analyzers given back by lg_analyzer_free, for the next thread that needs one: libmilter
 * starts a thread per connection, and a new analyzer loads libmagic's database (about 0.56M
 * instructions, an open and a map of the file, and their page faults). Each slot holds one
 * analyzer or NULL and is taken or filled with one atomic operation: no lock (nothing to go
 * wrong across fork), and an analyzer is used by one thread at a time. */
#define LG_ANALYZER_POOL 64
static _Atomic(struct lg_analyzer *) analyzer_pool[LG_ANALYZER_POOL];

/* lg_analyzer_new - per-thread state: a pooled one, else a new one */
struct lg_analyzer *lg_analyzer_new(char *err, size_t errlen)
{
	for (size_t i = 0; i < LG_ANALYZER_POOL; i++) {
		struct lg_analyzer *p = atomic_exchange(&analyzer_pool[i], NULL);
		if (p)
			return p;
	}
	struct lg_sniffer *s = lg_sniffer_new(err, errlen);
	if (!s)
		return NULL;
	struct lg_analyzer *a = lg_calloc(1, sizeof *a);
	a->sniffer = s;
	return a;
}

/* lg_analyzer_free - give per-thread state back to the pool (without its dump hook), or
 * release it when the pool is full */
void lg_analyzer_free(struct lg_analyzer *a)
{
	if (!a)
		return;
	a->dump = NULL;
	a->dump_arg = NULL;
	for (size_t i = 0; i < LG_ANALYZER_POOL; i++) {
		struct lg_analyzer *empty = NULL;
		if (atomic_compare_exchange_strong(&analyzer_pool[i], &empty, a))
			return;
	}
	lg_sniffer_free(a->sniffer);
	free(a);
}

/* lg_analyzer_set_dump - see analyze.h */
void lg_analyzer_set_dump(struct lg_analyzer *a, lg_dump_fn fn, void *arg)
{
	a->dump = fn;
	a->dump_arg = arg;
}

/* hit_cmp - order hits by detector and value, then by where they were found */
static int hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	if (x->det != y->det)
		return x->det < y->det ? -1 : 1;
	int c = strcmp(x->value, y->value);
	if (c)
		return c;
	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	return 0;
}

/* unit_cmp - order hits by record unit, then detector and value */
static int unit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	if (x->det != y->det)
		return x->det < y->det ? -1 : 1;
	return strcmp(x->value, y->value);
}

/* counts - does a hit count as personal data (personal detector, medium or high)? */
static bool counts(const struct run *r, const struct hit *h)
{
	return h->conf >= LG_CONF_MEDIUM && r->rep->dets[h->det].personal;
}

/* tally_items - de-duplicate the hits into items and per-detector counts; the sender's and
 * recipients' own values are dropped (and counted as excluded) */
static void tally_items(struct run *r)
{
	struct lg_report *rep = r->rep;
	const struct lg_detectors *d = r->cfg->detectors;
	size_t cap = rep->nitems;	/* items grow by doubling: one realloc an item is quadratic
					 * where realloc copies (ASan's always does) */
	qsort(r->hits, r->nhits, sizeof *r->hits, hit_cmp);
	for (size_t i = 0; i < r->nhits;) {
		struct hit *h = &r->hits[i];
		size_t j = i;
		enum lg_conf best = h->conf;
		while (j < r->nhits && r->hits[j].det == h->det && !strcmp(r->hits[j].value, h->value)) {
			if (r->hits[j].conf > best)
				best = r->hits[j].conf;
			j++;
		}
		if (lg_strset_has(&r->own, h->value)) {
			rep->excluded += (unsigned)(j - i);
			for (size_t k = i; k < j; k++)
				r->hits[k].conf = LG_CONF_NONE;	/* not personal data being sent */
			i = j;
			continue;
		}
		for (size_t k = i; k < j; k++)
			r->hits[k].conf = best;	/* a value known to be one is one everywhere */
		if (rep->nitems == cap)
			rep->items = lg_realloc(rep->items, (cap = cap ? cap * 2 : 64) * sizeof *rep->items);
		const struct lg_detdef *def = lg_detector_def(d, h->det);
		rep->items[rep->nitems++] = (struct lg_item){
			.det = h->det,
			.value = lg_strdup(h->value),
			.sample = lg_redact(def ? def->redact : LG_REDACT_TEXT, h->value),
			.conf = best,
			.path = lg_strdup(rep->parts[h->part].path),
			.row = h->row,
			.line = h->line,
			.column = h->column,
			.occurrences = (unsigned)(j - i),
		};
		struct lg_det_tally *t = &rep->dets[h->det];
		t->any++;
		if (best >= LG_CONF_MEDIUM)
			t->counted++;
		if (best >= LG_CONF_HIGH)
			t->high++;
		i = j;
	}
	/* samples: counted values first, then low ones */
	for (size_t pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < rep->nitems; i++) {
			struct lg_item *it = &rep->items[i];
			struct lg_det_tally *t = &rep->dets[it->det];
			if ((it->conf >= LG_CONF_MEDIUM) != (pass == 0))
				continue;
			for (int k = 0; k < LG_REPORT_SAMPLES; k++)
				if (!t->samples[k]) {
					t->samples[k] = lg_strdup(it->sample);
					break;
				}
		}
}

/* tally - items and counts, then records. A record is a unit (row or line) with personal
 * findings; units carrying exactly the same values (the text and HTML alternatives of one row, a
 * quoted copy) are one record. */
static void tally(struct run *r)
{
	struct lg_report *rep = r->rep;
	const struct lg_detectors *d = r->cfg->detectors;
	lg_report_init_dets(rep, d);
	if (!r->nhits)
		return;
	tally_items(r);

	struct lg_strset records;
	struct lg_buf key = LG_BUF_INIT;
	lg_strset_init(&records);
	qsort(r->hits, r->nhits, sizeof *r->hits, unit_cmp);
	for (size_t i = 0; i < r->nhits; i++) {
		struct hit *h = &r->hits[i];
		if (counts(r, h)) {
			char det[16];	/* "DET:" without printf: this runs once per finding */
			size_t dl = sizeof det;
			det[--dl] = ':';
			for (unsigned v = h->det; dl == sizeof det - 1 || v; v /= 10)
				det[--dl] = (char)('0' + v % 10);
			if (key.len)
				lg_buf_putc(&key, '\n');
			lg_buf_append(&key, det + dl, sizeof det - dl);
			lg_buf_puts(&key, h->value);
		}
		bool unit_ends = i + 1 == r->nhits || r->hits[i + 1].unit != h->unit;
		if (unit_ends && key.len) {
			lg_strset_add(&records, lg_buf_cstr(&key));
			lg_buf_reset(&key);
		}
	}
	rep->records = (unsigned)records.count;
	lg_strset_free(&records);
	lg_buf_free(&key);
}

/* add_own_addr - the sender's and recipients' addresses are theirs, not data being sent */
static void add_own_addr(struct run *r, const char *addr)
{
	char *n = addr && *addr ? lg_addr_normalize(addr[0] == '<' ? addr + 1 : addr) : NULL;
	if (!n)
		return;
	size_t l = strlen(n);
	if (l && n[l - 1] == '>')
		n[l - 1] = '\0';
	lg_strset_add(&r->own, n);
	free(n);
}

/* count_unscannable - parts that were not read, except those that carry no text */
static unsigned count_unscannable(const struct lg_report *rep)
{
	unsigned n = 0;
	for (size_t i = 0; i < rep->nparts; i++) {
		const struct lg_part *p = &rep->parts[i];
		if (!p->scanned && !(p->reason && !strcmp(p->reason, "no-text")))
			n++;
	}
	return n;
}

/* lg_analyze - see analyze.h */
int lg_analyze(struct lg_analyzer *a, const struct lg_config *cfg, const struct lg_envelope *env,
	       const char *msg, size_t len, struct lg_report *out, char *err, size_t errlen)
{
	*out = (struct lg_report){ .message_size = len };
	struct run r = { .cfg = cfg, .an = a, .rep = out };
	r.deadline_ms = lg_ex_now_ms() + (int64_t)cfg->limits.time_budget * 1000;
	lg_strset_init(&r.own);
	struct lg_mime_addrs addrs = {0};
	struct lg_mime_limits lim = { cfg->limits.depth, cfg->limits.parts, cfg->limits.part_size,
				      .nested_headers = true };

	/* The envelope decides; a saved message without one uses its headers. */
	const char *esender = env && env->sender ? env->sender : NULL;
	char *snorm = esender && *esender ? lg_addr_normalize(esender[0] == '<' ? esender + 1 : esender)
					 : NULL;
	if (snorm && snorm[strlen(snorm) - 1] == '>')
		snorm[strlen(snorm) - 1] = '\0';
	r.sender = snorm;
	r.addrs = &addrs;
	if (len > cfg->limits.message_size) {
		out->error = lg_strdup("limit:message_size");
		out->unscannable++;
	} else {
		char werr[128];
		if (lg_mime_walk(msg, len, &lim, lg_scan_leaf, &r, &addrs, werr, sizeof werr) < 0) {
			out->error = lg_strdup("undecodable");
			out->unscannable++;
		}
	}
	const char *sender = esender ? esender : addrs.nfrom ? addrs.from[0] : "";
	const char *const *rcpts = env ? env->rcpts : NULL;
	size_t nrcpts = env ? env->nrcpts : 0;
	char **hdr_rcpts = NULL;
	if (!env || (!env->rcpts && env->nrcpts == 0)) {
		size_t n = addrs.nto_cc + addrs.nbcc;
		hdr_rcpts = lg_calloc(n ? n : 1, sizeof *hdr_rcpts);
		if (addrs.nto_cc)
			memcpy(hdr_rcpts, addrs.to_cc, addrs.nto_cc * sizeof *hdr_rcpts);
		if (addrs.nbcc)
			memcpy(hdr_rcpts + addrs.nto_cc, addrs.bcc, addrs.nbcc * sizeof *hdr_rcpts);
		rcpts = (const char *const *)hdr_rcpts;
		nrcpts = n;
	}
	lg_recipients_count(cfg, sender, rcpts, nrcpts, addrs.to_cc, addrs.nto_cc, &out->recipients);

	/* Own values: sender, From, every recipient (the signature's were added during the walk). */
	add_own_addr(&r, sender);
	for (size_t i = 0; i < addrs.nfrom; i++)
		add_own_addr(&r, addrs.from[i]);
	for (size_t i = 0; i < nrcpts; i++)
		add_own_addr(&r, rcpts[i]);
	for (size_t i = 0; i < addrs.nto_cc; i++)
		add_own_addr(&r, addrs.to_cc[i]);

	int rc = 0;
	lg_header_free(r.header);
	if (r.failed) {
		snprintf(err, errlen, "detector failure: %s", r.err);
		rc = -1;
	} else {
		tally(&r);
		out->unscannable += count_unscannable(out);
		lg_policy_eval(&cfg->policy, out, &out->verdict);
	}
	for (size_t i = 0; i < r.nhits; i++)
		free(r.hits[i].value);
	free(r.hits);
	free(hdr_rcpts);
	free(snorm);
	lg_buf_free(&r.dump_text);
	lg_strset_free(&r.own);
	lg_mime_addrs_free(&addrs);
	if (rc < 0)
		lg_report_free(out);
	return rc;
}
