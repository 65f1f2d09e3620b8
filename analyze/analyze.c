/* analyze.c - analyze(): message bytes + envelope + config in, report (facts and verdict) out.
 * The one call chain: MIME walk -> decode -> charset -> structure (HTML, CSV) -> NFKC ->
 * detectors -> de-duplication and records -> policy. No MTA and no I/O here. */
#include "analyze/analyze.h"

#include <gmime/gmime.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/recipients.h"
#include "analyze/signature.h"
#include "content/charset.h"
#include "content/csv.h"
#include "content/html.h"
#include "content/mime.h"
#include "content/normalize.h"
#include "content/sniff.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "lg_strset.h"

struct lg_analyzer {
	struct lg_sniffer *sniffer;
};

/* One validated match, kept until the sender's own values are known. */
struct hit {
	enum lg_detector det;
	char *value;
	size_t unit;		/* record unit: a table row or a text line, unique per message */
};

/* State of one analysis. */
struct run {
	const struct lg_config *cfg;
	struct lg_analyzer *an;
	struct lg_report *rep;
	struct hit *hits;
	size_t nhits, caphits;
	size_t next_unit;
	size_t text_total;	/* extracted text bytes so far (limit text_size) */
	struct lg_strset own;	/* values that are the sender's or recipients' own */
	unsigned sig_values;	/* values excused by the signature so far */
	const char *sender;	/* normalised sender address (envelope, else From) */
	const struct lg_mime_addrs *addrs;	/* filled by the walk before the first leaf */
	bool seen_top_body;
	/* per-part scratch for the detector callback */
	size_t part_index;
	size_t unit_base;
	const size_t *line_starts;
	size_t nlines;
	size_t sig_start, sig_end;
	bool has_sig;
	char err[256];
	bool failed;
};

/* lg_library_init - process-wide library set-up, before any thread starts */
void lg_library_init(void)
{
	g_mime_init();
	xmlInitParser();
}

/* lg_analyzer_new - per-thread state */
struct lg_analyzer *lg_analyzer_new(char *err, size_t errlen)
{
	struct lg_sniffer *s = lg_sniffer_new(err, errlen);
	if (!s)
		return NULL;
	struct lg_analyzer *a = lg_malloc(sizeof *a);
	a->sniffer = s;
	return a;
}

/* lg_analyzer_free - release per-thread state */
void lg_analyzer_free(struct lg_analyzer *a)
{
	if (!a)
		return;
	lg_sniffer_free(a->sniffer);
	free(a);
}

/* add_part - append a part record to the report */
static struct lg_part *add_part(struct run *r, const struct lg_mime_leaf *leaf)
{
	struct lg_report *rep = r->rep;
	rep->parts = lg_realloc(rep->parts, (rep->nparts + 1) * sizeof *rep->parts);
	struct lg_part *p = &rep->parts[rep->nparts++];
	*p = (struct lg_part){0};
	p->path = lg_strdup(leaf->path);
	p->filename = leaf->filename ? lg_strdup(leaf->filename) : NULL;
	p->declared_type = lg_strdup(leaf->content_type);
	p->attachment = leaf->attachment;
	p->size = leaf->data ? leaf->len : leaf->encoded_len;
	return p;
}

/* line_of - index of the line holding byte offset off (binary search) */
static size_t line_of(const struct run *r, size_t off)
{
	size_t lo = 0, hi = r->nlines;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (r->line_starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* on_match - detector callback: remember the hit with its record unit */
static void on_match(void *arg, enum lg_detector det, const char *value, size_t start, size_t end)
{
	struct run *r = arg;
	if (r->has_sig && start >= r->sig_start && end <= r->sig_end &&
	    r->sig_values < LG_SIG_MAX_VALUES) {
		if (lg_strset_add(&r->own, value))
			r->sig_values++;
		r->rep->excluded++;
		return;
	}
	if (r->nhits == r->caphits) {
		r->caphits = r->caphits ? r->caphits * 2 : 64;
		r->hits = lg_realloc(r->hits, r->caphits * sizeof *r->hits);
	}
	size_t unit = r->unit_base + (r->line_starts ? line_of(r, start) : 0);
	r->hits[r->nhits++] = (struct hit){ det, lg_strdup(value), unit };
	r->rep->parts[r->part_index].findings++;
}

/* detect_text - run the detectors over NFKC text, one record unit per line */
static int detect_text(struct run *r, const char *text, size_t len)
{
	size_t cap = 256, n = 0;
	size_t *starts = lg_malloc(cap * sizeof *starts);
	starts[n++] = 0;
	for (const char *p = text, *e = text + len; (p = memchr(p, '\n', (size_t)(e - p))); p++) {
		if (n == cap)
			starts = lg_realloc(starts, (cap *= 2) * sizeof *starts);
		starts[n++] = (size_t)(p - text) + 1;
	}
	r->line_starts = starts;
	r->nlines = n;
	r->unit_base = r->next_unit;
	int rc = lg_detect(r->cfg->detectors, text, len, on_match, r, r->err, sizeof r->err);
	r->next_unit += n;
	r->line_starts = NULL;
	free(starts);
	return rc < 0 ? -1 : 0;
}

/* text_budget - charge extracted text against limits.text_size; false when over */
static bool text_budget(struct run *r, size_t n)
{
	if (r->text_total + n > r->cfg->limits.text_size)
		return false;
	r->text_total += n;
	return true;
}

struct csv_ctx {
	struct run *r;
	struct lg_buf row;
	bool over;
	bool failed;
};

/* on_csv_row - one table row: cells joined by tabs, NFKC, detected as one record unit */
static int on_csv_row(void *arg, size_t row, size_t ncells, const char *const *cells,
		      const size_t *lens)
{
	struct csv_ctx *c = arg;
	(void)row;
	lg_buf_reset(&c->row);
	for (size_t i = 0; i < ncells; i++) {
		if (i)
			lg_buf_putc(&c->row, '\t');
		lg_buf_append(&c->row, cells[i], lens[i]);
	}
	size_t nlen;
	char *norm = lg_nfkc(lg_buf_cstr(&c->row), c->row.len, &nlen);
	if (!text_budget(c->r, nlen)) {
		free(norm);
		c->over = true;
		return 1;
	}
	c->r->unit_base = c->r->next_unit++;
	int rc = lg_detect(c->r->cfg->detectors, norm, nlen, on_match, c->r, c->r->err,
			   sizeof c->r->err);
	free(norm);
	if (rc < 0) {
		c->failed = true;
		return 1;
	}
	return 0;
}

/* ends_with_ci - file name extension test */
static bool ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* no_text_type - formats that carry no text to scan */
static bool no_text_type(const char *t)
{
	return !strncmp(t, "image/", 6) || !strncmp(t, "audio/", 6) || !strncmp(t, "video/", 6) ||
	       !strncmp(t, "font/", 5);
}

/* scan_leaf - classify a leaf and send its text through the detectors */
static int on_leaf(void *arg, const struct lg_mime_leaf *leaf)
{
	struct run *r = arg;
	struct lg_part *p = add_part(r, leaf);
	r->part_index = r->rep->nparts - 1;
	if (leaf->error) {
		p->reason = lg_strdup(leaf->error);
		return 0;
	}
	p->detected_type = lg_sniff(r->an->sniffer, leaf->data, leaf->len);
	const char *decl = leaf->content_type, *det = p->detected_type;
	const char *fname = leaf->filename ? leaf->filename : "";
	bool det_text = !strncmp(det, "text/", 5) || !strcmp(det, "application/x-empty") ||
			!strcmp(det, "application/csv") || !strcmp(det, "application/json");
	bool decl_text = !strncmp(decl, "text/", 5);
	bool is_csv = !strcmp(decl, "text/csv") || !strcmp(decl, "text/comma-separated-values") ||
		      !strcmp(decl, "text/tab-separated-values") || !strcmp(decl, "application/csv") ||
		      ends_with_ci(fname, ".csv") || ends_with_ci(fname, ".tsv") ||
		      (!strcmp(det, "text/csv") && leaf->attachment);
	bool is_html = !strcmp(decl, "text/html") ||
		       (!strcmp(det, "text/html") && !decl_text);
	/* Read as text: what libmagic calls text, whatever the label (a CSV sent as image/png), and
	 * what is declared text unless libmagic recognises a real binary format (a PDF sent as
	 * text/plain); "octet-stream" is libmagic's "don't know" and does not veto a text label. */
	bool known_binary = no_text_type(det) ||
			    (!strncmp(det, "application/", 12) && strcmp(det, "application/octet-stream"));
	if (!det_text && !(decl_text && !known_binary)) {
		p->reason = lg_strdup(no_text_type(det) ? "no-text" : "unsupported");
		return 0;
	}
	/* A body's charset label is the mail client's; an attachment's is a guess made by the
	 * client about a file it did not write (Excel's CSVs are CP932 whatever the label), so
	 * attachments are decoded by their bytes. */
	char used[64] = "";
	size_t ulen;
	char *utf8 = lg_to_utf8(leaf->data, leaf->len, leaf->attachment ? NULL : leaf->charset,
				&ulen, used, sizeof used);
	p->charset = lg_strdup(used);
	int rc = 0;
	if (is_csv && !is_html) {
		struct csv_ctx c = { .r = r };
		lg_csv_parse(utf8, ulen, 0, on_csv_row, &c);
		lg_buf_free(&c.row);
		if (c.failed)
			rc = -1;
		else if (c.over)
			p->reason = lg_strdup("limit:text_size");
		else
			p->scanned = true;
		free(utf8);
		return rc < 0 ? (r->failed = true, 1) : 0;
	}
	char *text = utf8;
	size_t tlen = ulen;
	if (is_html) {
		size_t hl;
		char *h = lg_html_to_text(utf8, ulen, &hl);
		free(utf8);
		text = h ? h : lg_strdup("");
		tlen = h ? hl : 0;
	}
	size_t nlen;
	char *norm = lg_nfkc(text, tlen, &nlen);
	free(text);
	if (!text_budget(r, nlen)) {
		p->reason = lg_strdup("limit:text_size");
		free(norm);
		return 0;
	}
	r->has_sig = false;
	if (leaf->top_body && !r->seen_top_body) {
		r->seen_top_body = true;
		if (!r->sender && r->addrs->nfrom)
			r->sender = r->addrs->from[0];
		r->has_sig = lg_signature_find(norm, nlen, r->sender, &r->sig_start, &r->sig_end);
	}
	rc = detect_text(r, norm, nlen);
	r->has_sig = false;
	free(norm);
	if (rc < 0) {
		r->failed = true;
		return 1;
	}
	p->scanned = true;
	return 0;
}

/* hit_cmp - order hits by record unit, then by detector and value */
static int hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	if (x->det != y->det)
		return x->det < y->det ? -1 : 1;
	return strcmp(x->value, y->value);
}

/* tally - de-duplicate the hits, drop the sender's and recipients' own, count records. A record is
 * a unit (row or line) with findings; units carrying exactly the same values (the text and HTML
 * alternatives of one row, a quoted copy) are one record. */
static void tally(struct run *r)
{
	struct lg_strset seen[LG_DET__COUNT], records;
	struct lg_buf key = LG_BUF_INIT;
	lg_strset_init(&records);
	for (int d = 0; d < LG_DET__COUNT; d++)
		lg_strset_init(&seen[d]);
	if (r->nhits)
		qsort(r->hits, r->nhits, sizeof *r->hits, hit_cmp);
	for (size_t i = 0; i < r->nhits; i++) {
		struct hit *h = &r->hits[i];
		if (lg_strset_has(&r->own, h->value)) {
			r->rep->excluded++;
		} else {
			if (key.len)
				lg_buf_putc(&key, '\n');
			lg_buf_printf(&key, "%d:%s", (int)h->det, h->value);
			if (lg_strset_add(&seen[h->det], h->value)) {
				unsigned k = r->rep->findings[h->det]++;
				if (k < LG_REPORT_SAMPLES)
					r->rep->samples[h->det][k] = lg_redact(h->det, h->value);
			}
		}
		bool unit_ends = i + 1 == r->nhits || r->hits[i + 1].unit != h->unit;
		if (unit_ends && key.len) {
			lg_strset_add(&records, lg_buf_cstr(&key));
			lg_buf_reset(&key);
		}
	}
	r->rep->records = (unsigned)records.count;
	for (int d = 0; d < LG_DET__COUNT; d++)
		lg_strset_free(&seen[d]);
	lg_strset_free(&records);
	lg_buf_free(&key);
}

/* add_own - the sender's and recipients' addresses are theirs, not data being sent */
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

/* lg_analyze - see analyze.h */
int lg_analyze(struct lg_analyzer *a, const struct lg_config *cfg, const struct lg_envelope *env,
	       const char *msg, size_t len, struct lg_report *out, char *err, size_t errlen)
{
	*out = (struct lg_report){ .message_size = len };
	struct run r = { .cfg = cfg, .an = a, .rep = out };
	lg_strset_init(&r.own);
	struct lg_mime_addrs addrs = {0};
	struct lg_mime_limits lim = { cfg->limits.depth, cfg->limits.parts, cfg->limits.part_size };

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
		if (lg_mime_walk(msg, len, &lim, on_leaf, &r, &addrs, werr, sizeof werr) < 0) {
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

	/* Own values: sender, From, every recipient. (The signature's values were added during the
	 * walk; the walk's sender for signature purposes is the same one, see below.) */
	add_own_addr(&r, sender);
	for (size_t i = 0; i < addrs.nfrom; i++)
		add_own_addr(&r, addrs.from[i]);
	for (size_t i = 0; i < nrcpts; i++)
		add_own_addr(&r, rcpts[i]);
	for (size_t i = 0; i < addrs.nto_cc; i++)
		add_own_addr(&r, addrs.to_cc[i]);

	int rc = 0;
	if (r.failed) {
		snprintf(err, errlen, "detector failure: %s", r.err);
		rc = -1;
	} else {
		tally(&r);
		for (size_t i = 0; i < out->nparts; i++)
			if (!out->parts[i].scanned && strcmp(out->parts[i].reason, "no-text") != 0)
				out->unscannable++;
		lg_policy_eval(&cfg->policy, out, &out->verdict);
	}
	for (size_t i = 0; i < r.nhits; i++)
		free(r.hits[i].value);
	free(r.hits);
	free(hdr_rcpts);
	free(snorm);
	lg_strset_free(&r.own);
	lg_mime_addrs_free(&addrs);
	if (rc < 0)
		lg_report_free(out);
	return rc;
}
