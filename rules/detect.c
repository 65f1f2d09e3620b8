/* detect.c - the detector set: compiles each rule's pattern once (UTF, JIT, a callout at its end
 * that runs the validator) and runs every detector over a normalised text, only inside the
 * windows the prefilter found, raising the confidence where context keywords are near. With
 * Vectorscan, the literal triggers and keywords of all detectors come from one pass (hits.c). */
#include "rules/detect.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/normalize.h"
#include "lg_alloc.h"
#include "lg_log.h"
#include "lg_search.h"
#include "rules/rules_int.h"

/* ---- definitions ------------------------------------------------------------------------- */

/* strv_free - free a NULL-terminated string list */
static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* strv_norm - copy a list as NFKC with ASCII lower-cased (the form text is searched in) */
static char **strv_norm(char *const *v)
{
	if (!v)
		return NULL;
	size_t n = 0;
	while (v[n])
		n++;
	char **out = lg_calloc(n + 1, sizeof *out);
	for (size_t i = 0; i < n; i++) {
		size_t l;
		out[i] = lg_nfkc(v[i], strlen(v[i]), &l);
		for (size_t k = 0; k < l; k++)
			if (out[i][k] >= 'A' && out[i][k] <= 'Z')
				out[i][k] = (char)(out[i][k] + 32);
	}
	return out;
}

/* lg_detdef_free - release what a definition owns */
void lg_detdef_free(struct lg_detdef *d)
{
	if (!d)
		return;
	free(d->id);
	free(d->description);
	free(d->group);
	free(d->pattern);
	free(d->validator);
	strv_free(d->prefilter.literals);
	free(d->prefilter.reach_chars);
	strv_free(d->context.keywords);
	strv_free(d->exclude.keywords);
	strv_free(d->columns);
	strv_free(d->not_columns);
	free(d->file);
	memset(d, 0, sizeof *d);
}

/* detdef_copy - a deep copy with the searched lists normalised */
static void detdef_copy(struct lg_detdef *to, const struct lg_detdef *from)
{
	*to = *from;
	to->id = lg_strdup(from->id);
	to->description = from->description ? lg_strdup(from->description) : NULL;
	to->group = from->group ? lg_strdup(from->group) : NULL;
	to->pattern = from->pattern ? lg_strdup(from->pattern) : NULL;
	to->validator = from->validator ? lg_strdup(from->validator) : NULL;
	to->prefilter.literals = strv_norm(from->prefilter.literals);
	to->prefilter.reach_chars =
		from->prefilter.reach_chars ? lg_strdup(from->prefilter.reach_chars) : NULL;
	to->context.keywords = strv_norm(from->context.keywords);
	to->exclude.keywords = strv_norm(from->exclude.keywords);
	to->columns = strv_norm(from->columns);
	to->not_columns = strv_norm(from->not_columns);
	to->file = from->file ? lg_strdup(from->file) : NULL;
}

/* lg_conf_name - the word for a confidence */
const char *lg_conf_name(enum lg_conf c)
{
	switch (c) {
	case LG_CONF_LOW:
		return "low";
	case LG_CONF_MEDIUM:
		return "medium";
	case LG_CONF_HIGH:
		return "high";
	default:
		return "none";
	}
}

/* ---- compiling --------------------------------------------------------------------------- */

/* pcre2_alloc - pcre2 allocator hook: lg_malloc, which never returns NULL */
static void *pcre2_alloc(size_t n, void *data)
{
	(void)data;
	return lg_malloc(n ? n : 1);
}

/* pcre2_free - pcre2 allocator hook */
static void pcre2_free(void *p, void *data)
{
	(void)data;
	free(p);
}

/* pcre2_message - the text for a pcre2 error code */
static void pcre2_message(int rc, char *buf, size_t n)
{
	if (pcre2_get_error_message(rc, (PCRE2_UCHAR *)buf, n) < 0)
		snprintf(buf, n, "pcre2 error %d", rc);
}

/* lg_rules_pcre2_error - format a pcre2 error code into err as "what: message" */
void lg_rules_pcre2_error(char *err, size_t errlen, const char *what, int rc)
{
	char msg[256];
	if (!err || !errlen)
		return;
	pcre2_message(rc, msg, sizeof msg);
	if (snprintf(err, errlen, "%s: %s", what, msg) < 0)
		err[0] = '\0';
}

/* compile_det - compile one detector's pattern, wrapped so that a callout at its end runs the
 * validator: "(?:PATTERN)(?C1)". false with err set on failure. */
static bool compile_det(struct lg_detectors *d, struct lg_det *det, char *err, size_t errlen)
{
	const struct lg_detdef *def = &det->def;
	if (def->validator) {
		det->validate = lg_validator_lookup(def->validator);
		if (!det->validate) {
			snprintf(err, errlen, "%s:%d: detector '%s': unknown validator '%s' (known: %s)",
				 def->file ? def->file : "<rules>", def->line, def->id,
				 def->validator, lg_validator_names());
			return false;
		}
	}
	if (!def->pattern)
		return true;
	char *src = lg_asprintf("(?:%s)(?C1)", def->pattern);
	pcre2_compile_context *cctx = pcre2_compile_context_create(d->gctx);
	int ecode;
	PCRE2_SIZE eoff;
	det->re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
				PCRE2_UTF | PCRE2_USE_OFFSET_LIMIT, &ecode, &eoff, cctx);
	pcre2_compile_context_free(cctx);
	free(src);
	if (!det->re) {
		char msg[256];
		pcre2_message(ecode, msg, sizeof msg);
		size_t off = eoff >= 3 ? (size_t)eoff - 3 : 0;
		snprintf(err, errlen, "%s:%d: detector '%s': pattern, offset %zu: %s",
			 def->file ? def->file : "<rules>", def->line, def->id, off, msg);
		return false;
	}
	/* Without JIT the interpreter gives the same answers, only about 3-4 times slower. */
	int rc = pcre2_jit_compile(det->re, PCRE2_JIT_COMPLETE);
	det->jit = rc == 0;
	if (rc != 0) {
		char msg[256];
		pcre2_message(rc, msg, sizeof msg);
		lg_warning("detector %s: no pcre2 JIT (%s), using the interpreter", def->id, msg);
	}
	pcre2_pattern_info(det->re, PCRE2_INFO_CAPTURECOUNT, &det->ncaptures);
	if (det->ncaptures + 1 > d->max_ovec)
		d->max_ovec = det->ncaptures + 1;
	return true;
}

/* lg_detectors_build - compile a detector set from definitions */
struct lg_detectors *lg_detectors_build(const struct lg_detdef *defs, size_t n, char *err,
					size_t errlen)
{
	struct lg_detectors *d = lg_calloc(1, sizeof *d);
	lg_prefilter_init();	/* at config load, before any thread scans */
	d->gctx = pcre2_general_context_create(pcre2_alloc, pcre2_free, NULL);
	d->dets = lg_calloc(n ? n : 1, sizeof *d->dets);
	d->max_ovec = 1;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++)
			if (strcmp(defs[i].id, defs[j].id) == 0) {
				snprintf(err, errlen, "%s:%d: detector '%s' is defined twice",
					 defs[i].file ? defs[i].file : "<rules>", defs[i].line,
					 defs[i].id);
				lg_detectors_free(d);
				return NULL;
			}
		struct lg_det *det = &d->dets[d->n++];
		detdef_copy(&det->def, &defs[i]);
		lg_kwset_init(&det->context, det->def.context.keywords);
		lg_kwset_init(&det->exclude, det->def.exclude.keywords);
		if (!compile_det(d, det, err, errlen)) {
			lg_detectors_free(d);
			return NULL;
		}
		if (det->def.prefilter.reach_chars) {
			char why[128];
			if (!lg_reach_chars_parse(det->def.prefilter.reach_chars, det->reach_ok, why,
						  sizeof why)) {
				snprintf(err, errlen, "%s:%d: detector '%s': %s",
					 det->def.file ? det->def.file : "<rules>", det->def.line,
					 det->def.id, why);
				lg_detectors_free(d);
				return NULL;
			}
			det->reach_limited = true;
		}
		if (det->re && det->def.prefilter.digits) {
			if (!d->any_digits || det->def.prefilter.digits < d->min_digits)
				d->min_digits = det->def.prefilter.digits;
			d->any_digits = true;
		}
		if (det->def.columns || det->def.context.keywords)
			d->any_columns = true;
	}
	d->lits = lg_litdb_build(d);
	d->hdr = lg_hdrfilter_build(d);
	d->use_lits = d->lits != NULL;
	return d;
}

/* lg_detectors_set_vectorscan - use the one-pass literal and keyword search or not */
bool lg_detectors_set_vectorscan(struct lg_detectors *d, bool on)
{
	if (!d)
		return false;
	d->use_lits = on && d->lits;
	return d->use_lits;
}

/* lg_detectors_free - release the compiled set */
void lg_detectors_free(struct lg_detectors *d)
{
	if (!d)
		return;
	lg_litdb_free(d->lits);
	lg_hdrfilter_free(d->hdr);
	for (size_t i = 0; i < d->n; i++) {
		pcre2_code_free(d->dets[i].re);
		lg_kwset_free(&d->dets[i].context);
		lg_kwset_free(&d->dets[i].exclude);
		lg_detdef_free(&d->dets[i].def);
	}
	free(d->dets);
	pcre2_general_context_free(d->gctx);
	free(d);
}

/* lg_detector_count - how many detectors */
size_t lg_detector_count(const struct lg_detectors *d)
{
	return d ? d->n : 0;
}

/* lg_detector_id - the public name of detector i */
const char *lg_detector_id(const struct lg_detectors *d, unsigned i)
{
	return d && i < d->n ? d->dets[i].def.id : "unknown";
}

/* lg_detector_def - the definition of detector i, or NULL */
const struct lg_detdef *lg_detector_def(const struct lg_detectors *d, unsigned i)
{
	return d && i < d->n ? &d->dets[i].def : NULL;
}

/* lg_detector_find - index of the detector with this id, or -1 */
int lg_detector_find(const struct lg_detectors *d, const char *id)
{
	for (size_t i = 0; d && id && i < d->n; i++)
		if (strcmp(d->dets[i].def.id, id) == 0)
			return (int)i;
	return -1;
}

/* ---- scanning ---------------------------------------------------------------------------- */

/* Most backtracking steps one matcher call may take (pcre2's default is 10,000,000): a window of
 * text on which a pattern needs more is hostile, and is reported rather than waited for. */
#define LG_DETECT_MATCH_LIMIT 200000

/* The state of one lg_detect call, handed to the callout. */
struct scan {
	const struct lg_detectors *d;
	const struct lg_det *det;
	unsigned index;
	const char *text;
	size_t len;
	const struct lg_row_ctx *row;
	lg_match_fn fn;
	void *arg;
	int count;
	char value[LG_VALUE_MAX];
	pcre2_match_data *md;
	pcre2_match_context *mc;
	char *err;
	size_t errlen;
	const char *limited;	/* a detector whose matcher hit a pcre2 limit, or NULL */
	const struct lg_hits *hits;	/* the text's literal and keyword hits, or NULL: search */
};

/* column_of - 1-based column of a text offset in a row, 0 when not in a row */
static unsigned column_of(const struct lg_row_ctx *row, size_t off)
{
	if (!row || !row->ncells)
		return 0;
	return (unsigned)lg_piece_of(row->cell_start, row->ncells, off) + 1;
}

/* header_mark - what the header says about the detector in a column (0 when nothing) */
static unsigned char header_mark(const struct scan *s, unsigned column)
{
	const struct lg_header *h = s->row ? s->row->header : NULL;
	if (!h || column == 0 || column > h->ncols || s->index >= h->ndets)
		return 0;
	return h->marks[(column - 1) * h->ndets + s->index];
}

/* has_context - a context keyword near the match or in its column's header */
static bool has_context(const struct scan *s, size_t start, size_t end)
{
	if (!s->det->def.context.keywords)
		return false;
	if (header_mark(s, column_of(s->row, start)) & HDR_CONTEXT)
		return true;
	if (!s->hits)
		return lg_context_near(s->det, s->text, s->len, start, end);
	size_t a = lg_back_chars(s->text, start, s->det->def.context.window);
	size_t b = lg_fwd_chars(s->text, s->len, end, s->det->def.context.window);
	return lg_hits_any(s->hits, s->index, LG_LIT_CONTEXT, s->text, a, b, false);
}

/* excluded - one of the detector's exclude keywords within its window before start */
static bool excluded(const struct scan *s, size_t start)
{
	size_t a = lg_back_chars(s->text, start, s->det->def.exclude.window);
	if (s->hits)
		return lg_hits_any(s->hits, s->index, LG_LIT_EXCLUDE, s->text, a, start, false);
	return lg_kwset_find(&s->det->exclude, s->text + a, start - a);
}

/* callout - at the end of a pattern: 0 accepts the candidate, 1 makes the matcher backtrack
 * and try the next form or start */
static int callout(pcre2_callout_block *cb, void *data)
{
	struct scan *s = data;
	size_t start = cb->start_match, end = cb->current_position;
	if (end <= start)
		return 1;	/* an empty match finds nothing */
	if (s->det->validate) {
		if (!s->det->validate(s->text, s->len, start, end, s->value))
			return 1;
	} else {
		size_t n = end - start < LG_VALUE_MAX - 1 ? end - start : LG_VALUE_MAX - 1;
		while (n > 0 && n < end - start && ((unsigned char)s->text[start + n] & 0xC0) == 0x80)
			n--;	/* cut at a character boundary */
		memcpy(s->value, s->text + start, n);
		s->value[n] = '\0';
	}
	if (s->det->def.context.required && !has_context(s, start, end))
		return 1;
	if (s->det->exclude.n && excluded(s, start))
		return 1;
	return 0;
}

/* report - hand one finding to the caller */
static void report(struct scan *s, const char *value, size_t start, size_t end, enum lg_conf conf,
		   unsigned column)
{
	struct lg_match m = { s->index, value, start, end, conf, column };
	if (s->fn)
		s->fn(s->arg, &m);
	if (s->count < INT_MAX)
		s->count++;
}

/* run_window - every match of the current detector starting in [off, limit]; returns the end
 * of the last match (where the next window may begin), or (size_t)-1 on a matcher error */
static size_t run_window(struct scan *s, size_t off, size_t limit)
{
	pcre2_set_offset_limit(s->mc, limit);
	while (off <= limit && off <= s->len) {
		int rc = s->det->jit ? pcre2_jit_match(s->det->re, (PCRE2_SPTR)s->text, s->len, off,
						       PCRE2_NO_UTF_CHECK, s->md, s->mc)
				     : pcre2_match(s->det->re, (PCRE2_SPTR)s->text, s->len, off,
						   PCRE2_NO_UTF_CHECK, s->md, s->mc);
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
		    rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT) {
			/* hostile text for this pattern: give up on this window, say so */
			if (!s->limited) {
				s->limited = s->det->def.id;
				lg_rules_pcre2_error(s->err, s->errlen, s->det->def.id, rc);
			}
			return limit + 1;
		}
		if (rc < 0) {
			lg_rules_pcre2_error(s->err, s->errlen, s->det->def.id, rc);
			return (size_t)-1;
		}
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
		size_t start = ov[0], end = ov[1];
		unsigned col = column_of(s->row, start);
		enum lg_conf conf = s->det->def.confidence;
		if (s->det->def.context.confidence > conf && has_context(s, start, end))
			conf = s->det->def.context.confidence;
		report(s, s->value, start, end, conf, col);
		off = end > start ? end : end + 1;
		while (off < s->len && ((unsigned char)s->text[off] & 0xC0) == 0x80)
			off++;
	}
	return off;
}

/* keyword_anywhere - one of the detector's keywords in text[a, b) or its row's header */
static bool keyword_anywhere(const struct scan *s, size_t a, size_t b)
{
	const struct lg_header *h = s->row ? s->row->header : NULL;
	for (size_t c = 0; h && c < h->ncols; c++)
		if (h->marks[c * h->ndets + s->index] & HDR_CONTEXT)
			return true;
	if (s->hits)
		return lg_hits_any(s->hits, s->index, LG_LIT_CONTEXT, s->text, a, b, true);
	return lg_any_keyword(s->text + a, b - a, s->det->def.context.keywords);
}

/* literal_windows - the windows of the current detector's literal triggers */
static struct lg_window *literal_windows(const struct scan *s, size_t *nw)
{
	if (!s->hits)
		return lg_literal_windows(s->det, s->text, s->len, nw);
	size_t nh;
	const struct lg_hit *h = lg_hits_triggers(s->hits, s->index, &nh);
	size_t *pos = lg_malloc((nh ? nh : 1) * sizeof *pos);
	for (size_t i = 0; i < nh; i++)
		pos[i] = h[i].start;
	struct lg_window *w = lg_windows_at(s->det, s->text, pos, nh, nw);
	free(pos);
	return w;
}

/* run_detector - the current detector over its prefilter's windows; -1 on a matcher error */
static int run_detector(struct scan *s, const struct lg_cluster *cl, size_t ncl)
{
	const struct lg_detdef *def = &s->det->def;
	size_t done = 0;	/* text before this has been matched */
	if (def->context.required && !def->prefilter.digits && !def->prefilter.literals &&
	    !keyword_anywhere(s, 0, s->len))
		return 0;	/* no keyword anywhere: no candidate could pass */
	if (def->prefilter.digits) {
		if (def->context.required) {	/* a keyword within the window of some candidate? */
			size_t first = ncl, last = 0;
			for (size_t i = 0; i < ncl; i++)
				if (cl[i].digits >= def->prefilter.digits) {
					if (first == ncl)
						first = i;
					last = i;
				}
			if (first == ncl)
				return 0;
			size_t a = lg_back_chars(s->text, cl[first].start,
						 def->context.window + def->prefilter.reach);
			size_t b = lg_fwd_chars(s->text, s->len, cl[last].end, def->context.window);
			if (!keyword_anywhere(s, a, b))
				return 0;
		}
		for (size_t i = 0; i < ncl; i++) {
			if (cl[i].digits < def->prefilter.digits || cl[i].end <= done)
				continue;
			size_t start = lg_reach_start(s->det, s->text, cl[i].start);
			size_t r = run_window(s, start > done ? start : done, cl[i].end);
			if (r == (size_t)-1)
				return -1;
			done = r;
		}
		return 0;
	}
	if (def->prefilter.literals) {
		size_t nw;
		struct lg_window *w = literal_windows(s, &nw);
		for (size_t i = 0; i < nw; i++) {
			if (w[i].limit < done)
				continue;
			size_t r = run_window(s, w[i].start > done ? w[i].start : done, w[i].limit);
			if (r == (size_t)-1) {
				free(w);
				return -1;
			}
			done = r;
		}
		free(w);
		return 0;
	}
	return run_window(s, 0, s->len) == (size_t)-1 ? -1 : 0;
}

/* trimmed - a cell without surrounding blanks, as [*a, *b) */
static void trimmed(const char *text, size_t start, size_t n, size_t *a, size_t *b)
{
	*a = start, *b = start + n;
	while (*a < *b && (text[*a] == ' ' || text[*a] == '\t'))
		(*a)++;
	while (*b > *a && (text[*b - 1] == ' ' || text[*b - 1] == '\t'))
		(*b)--;
}

/* column_findings - a column rule: every non-empty cell under a header it names */
static void column_findings(struct scan *s)
{
	const struct lg_row_ctx *row = s->row;
	for (size_t c = 0; c < row->ncells; c++) {
		if (!(header_mark(s, (unsigned)c + 1) & HDR_COLUMN))
			continue;
		size_t a, b;
		trimmed(s->text, row->cell_start[c], row->cell_len[c], &a, &b);
		if (a == b)
			continue;
		size_t n = b - a < LG_VALUE_MAX - 1 ? b - a : LG_VALUE_MAX - 1;
		while (n > 0 && n < b - a && ((unsigned char)s->text[a + n] & 0xC0) == 0x80)
			n--;
		memcpy(s->value, s->text + a, n);
		s->value[n] = '\0';
		report(s, s->value, a, b, s->det->def.confidence, (unsigned)c + 1);
	}
}

/* lg_detect - every detector over text, each in text order */
int lg_detect(const struct lg_detectors *d, const char *text, size_t len,
	      const struct lg_row_ctx *row, lg_match_fn fn, void *arg, char *err, size_t errlen)
{
	if (!d || (!text && len)) {
		if (err && errlen)
			snprintf(err, errlen, "lg_detect: %s", d ? "no text" : "no detectors");
		return -1;
	}
	if (!text)
		text = "";
	struct scan s = { .d = d, .text = text, .len = len, .row = row, .fn = fn, .arg = arg,
			  .err = err, .errlen = errlen };
	size_t ncl = 0;
	struct lg_cluster *cl =
		d->any_digits ? lg_digit_clusters(text, len, d->min_digits, &ncl) : NULL;
	s.md = pcre2_match_data_create(d->max_ovec, d->gctx);
	s.mc = pcre2_match_context_create(d->gctx);
	pcre2_set_callout(s.mc, callout, &s);
	pcre2_set_match_limit(s.mc, LG_DETECT_MATCH_LIMIT);
	struct lg_hits hits;
	if (d->use_lits && lg_hits_scan(d->lits, text, len, &hits))
		s.hits = &hits;
	int rc = 0;
	for (size_t i = 0; i < d->n && rc == 0; i++) {
		s.det = &d->dets[i];
		s.index = (unsigned)i;
		if (s.det->re)
			rc = run_detector(&s, cl, ncl);
		else if (row && row->header)
			column_findings(&s);
	}
	pcre2_match_context_free(s.mc);
	pcre2_match_data_free(s.md);
	if (s.hits)
		lg_hits_free(&hits);
	free(cl);
	if (rc < 0)
		return -1;
	return s.limited ? -2 : s.count;
}

/* lg_rules_utf8_prev - code point ending just before pos (pos > 0) in valid UTF-8 */
size_t lg_rules_utf8_prev(const char *t, size_t pos, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)t;
	size_t i = pos - 1;
	while (i > 0 && pos - i < 4 && (s[i] & 0xC0) == 0x80)
		i--;
	lg_rules_utf8_next(t, pos, i, cp);
	return i;
}

/* lg_rules_utf8_next - code point starting at pos (pos < len) in valid UTF-8 */
size_t lg_rules_utf8_next(const char *t, size_t len, size_t pos, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)t + pos;
	size_t avail = len - pos, n;
	uint32_t c = s[0];
	if (c < 0x80)
		n = 1;
	else if (c >= 0xF0)
		n = 4, c &= 0x07;
	else if (c >= 0xE0)
		n = 3, c &= 0x0F;
	else if (c >= 0xC0)
		n = 2, c &= 0x1F;
	else
		n = 1;	/* stray continuation byte: not expected in valid UTF-8 */
	if (n > avail)
		n = avail;
	for (size_t k = 1; k < n; k++)
		c = (c << 6) | (s[k] & 0x3F);
	*cp = c;
	return pos + n;
}
