/* wire.c - encode and decode the front <-> worker messages (see wire.h). Layout: a 4-byte magic
 * ("LGRQ" request, "LGRP" report), the version as u32, then the fields in a fixed order; integers
 * little-endian u32/u64, booleans one byte (0 or 1), strings a u32 length (0xffffffff: NULL) and
 * their bytes (no NUL inside), lists a u32 count and their entries. The decoder checks every
 * length against what is left and the named limits, and the input must end exactly where the
 * last field does. */
#include "milter/wire.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lg_alloc.h"
#include "lg_buf.h"

#define NULL_STR 0xffffffffu
#define MAGIC_REQUEST "LGRQ"
#define MAGIC_REPORT "LGRP"

/* ---- encoding ------------------------------------------------------------------------------ */

/* put_u32 - a little-endian 32-bit number */
static void put_u32(struct lg_buf *b, uint32_t v)
{
	unsigned char c[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 24) };
	lg_buf_append(b, c, 4);
}

/* put_u64 - a little-endian 64-bit number */
static void put_u64(struct lg_buf *b, uint64_t v)
{
	put_u32(b, (uint32_t)v);
	put_u32(b, (uint32_t)(v >> 32));
}

/* put_bool - one byte, 0 or 1 */
static void put_bool(struct lg_buf *b, bool v)
{
	lg_buf_putc(b, v ? 1 : 0);
}

/* put_str - a length and the bytes, or the NULL marker (a string over the limit is cut) */
static void put_str(struct lg_buf *b, const char *s)
{
	if (!s) {
		put_u32(b, NULL_STR);
		return;
	}
	size_t n = strlen(s);
	if (n > LG_WIRE_MAX_STRING)
		n = LG_WIRE_MAX_STRING;
	put_u32(b, (uint32_t)n);
	lg_buf_append(b, s, n);
}

/* put_strlist - a count and the strings */
static void put_strlist(struct lg_buf *b, char *const *v, size_t n)
{
	put_u32(b, (uint32_t)n);
	for (size_t i = 0; i < n; i++)
		put_str(b, v[i]);
}

/* put_header - magic and version */
static void put_header(struct lg_buf *b, const char *magic)
{
	lg_buf_append(b, magic, 4);
	put_u32(b, LG_WIRE_VERSION);
}

/* lg_wire_put_request - see wire.h */
void lg_wire_put_request(struct lg_buf *out, uint64_t size, const char *queue_id,
			 const char *sender, const char *const *rcpts, size_t nrcpts)
{
	put_header(out, MAGIC_REQUEST);
	put_u64(out, size);
	put_str(out, queue_id ? queue_id : "");
	put_str(out, sender ? sender : "");
	put_strlist(out, (char *const *)rcpts, nrcpts);
}

/* put_part - one part, every field */
static void put_part(struct lg_buf *b, const struct lg_part *p)
{
	put_str(b, p->path);
	put_str(b, p->mime_path);
	put_str(b, p->filename);
	put_str(b, p->declared_type);
	put_str(b, p->detected_type);
	put_str(b, p->charset);
	put_u64(b, p->size);
	put_str(b, p->sha256);
	put_bool(b, p->attachment);
	put_bool(b, p->type_mismatch);
	put_bool(b, p->scanned);
	put_str(b, p->reason);
	put_str(b, p->detail);
	put_str(b, p->ambiguous);
	put_u64(b, p->text_bytes);
	put_u64(b, p->rows);
	put_u32(b, p->findings);
}

/* lg_wire_put_report - see wire.h */
void lg_wire_put_report(struct lg_buf *b, const struct lg_report *r)
{
	put_header(b, MAGIC_REPORT);
	put_u64(b, r->message_size);
	const struct lg_recipients *rc = &r->recipients;
	put_u32(b, rc->total);
	put_u32(b, rc->external);
	put_u32(b, rc->visible_external);
	put_u32(b, rc->external_domains);
	put_u32(b, rc->visible_external_domains);
	put_str(b, rc->sender);
	put_strlist(b, rc->addrs, rc->naddrs);
	put_strlist(b, rc->ext_addrs, rc->next_addrs);
	put_strlist(b, rc->domains, rc->ndomains);
	put_strlist(b, rc->ext_domains, rc->next_domains);
	put_u32(b, (uint32_t)r->ndets);
	for (size_t d = 0; d < r->ndets; d++) {
		const struct lg_det_tally *t = &r->dets[d];
		put_str(b, t->id);
		put_bool(b, t->personal);
		put_u32(b, t->counted);
		put_u32(b, t->high);
		put_u32(b, t->any);
		for (int i = 0; i < LG_REPORT_SAMPLES; i++)
			put_str(b, t->samples[i]);
	}
	put_u32(b, (uint32_t)r->nitems);
	for (size_t i = 0; i < r->nitems; i++) {
		const struct lg_item *it = &r->items[i];
		put_u32(b, it->det);
		put_str(b, it->value);
		put_str(b, it->sample);
		put_u32(b, (uint32_t)it->conf);
		put_str(b, it->path);
		put_u64(b, it->row);
		put_u64(b, it->line);
		put_u32(b, it->column);
		put_u32(b, it->occurrences);
	}
	put_u32(b, r->excluded);
	put_u32(b, r->records);
	put_u32(b, (uint32_t)r->nparts);
	for (size_t i = 0; i < r->nparts; i++)
		put_part(b, &r->parts[i]);
	put_u32(b, r->unscannable);
	put_str(b, r->error);
	put_u32(b, (uint32_t)r->verdict.action);
	put_strlist(b, r->verdict.rules, r->verdict.nrules);
	put_str(b, r->verdict.reason);
	put_str(b, r->verdict.notify);
	put_bool(b, r->verdict.monitor);
}

/* ---- decoding ------------------------------------------------------------------------------ */

/* A position in the input and the first error met (later reads then do nothing). */
struct rd {
	const unsigned char *p, *end;
	char *err;
	size_t errlen;
	bool failed;
};

/* rd_fail - record the first error */
__attribute__((format(printf, 2, 3))) static void rd_fail(struct rd *r, const char *fmt, ...)
{
	if (r->failed)
		return;
	r->failed = true;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err, r->errlen, fmt, ap);
	va_end(ap);
}

/* rd_left - bytes not yet read */
static size_t rd_left(const struct rd *r)
{
	return (size_t)(r->end - r->p);
}

/* get_bytes - n bytes, or NULL (error set) when fewer are left */
static const unsigned char *get_bytes(struct rd *r, size_t n, const char *what)
{
	if (r->failed)
		return NULL;
	if (rd_left(r) < n) {
		rd_fail(r, "truncated at %s", what);
		return NULL;
	}
	const unsigned char *p = r->p;
	r->p += n;
	return p;
}

/* get_u32 - a little-endian 32-bit number (0 after an error) */
static uint32_t get_u32(struct rd *r, const char *what)
{
	const unsigned char *c = get_bytes(r, 4, what);
	if (!c)
		return 0;
	return (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16 | (uint32_t)c[3] << 24;
}

/* get_u64 - a little-endian 64-bit number */
static uint64_t get_u64(struct rd *r, const char *what)
{
	uint64_t lo = get_u32(r, what);
	return lo | (uint64_t)get_u32(r, what) << 32;
}

/* get_bool - one byte that must be 0 or 1 */
static bool get_bool(struct rd *r, const char *what)
{
	const unsigned char *c = get_bytes(r, 1, what);
	if (c && *c > 1)
		rd_fail(r, "%s: not a boolean (%u)", what, *c);
	return c && *c == 1;
}

/* get_str - a string (NULL for the marker or after an error), newly allocated */
static char *get_str(struct rd *r, const char *what)
{
	uint32_t n = get_u32(r, what);
	if (r->failed || n == NULL_STR)
		return NULL;
	if (n > LG_WIRE_MAX_STRING) {
		rd_fail(r, "%s: string of %u bytes over the limit", what, n);
		return NULL;
	}
	const unsigned char *s = get_bytes(r, n, what);
	if (!s)
		return NULL;
	if (memchr(s, '\0', n)) {
		rd_fail(r, "%s: NUL byte inside a string", what);
		return NULL;
	}
	return lg_strndup((const char *)s, n);
}

/* get_count - a list's length, checked against the limit and against what is left (each entry
 * takes at least min_bytes) so that garbage cannot make us allocate much */
static size_t get_count(struct rd *r, size_t limit, size_t min_bytes, const char *what)
{
	uint32_t n = get_u32(r, what);
	if (r->failed)
		return 0;
	if (n > limit) {
		rd_fail(r, "%s: %u entries over the limit of %zu", what, n, limit);
		return 0;
	}
	if ((uint64_t)n * min_bytes > rd_left(r)) {
		rd_fail(r, "truncated in %s (%u entries)", what, n);
		return 0;
	}
	return n;
}

/* get_strlist - a list of strings into *v, *n (allocated zeroed first: safe to free anytime) */
static void get_strlist(struct rd *r, char ***v, size_t *n, size_t limit, const char *what)
{
	size_t c = get_count(r, limit, 4, what);
	if (r->failed || c == 0)
		return;
	*v = lg_calloc(c, sizeof **v);
	*n = c;
	for (size_t i = 0; i < c && !r->failed; i++)
		(*v)[i] = get_str(r, what);
}

/* get_header - magic and version */
static void get_header(struct rd *r, const char *magic)
{
	const unsigned char *m = get_bytes(r, 4, "magic");
	if (m && memcmp(m, magic, 4) != 0)
		rd_fail(r, "not a %s (bad magic)", !strcmp(magic, MAGIC_REPORT) ? "report" : "request");
	uint32_t v = get_u32(r, "version");
	if (!r->failed && v != LG_WIRE_VERSION)
		rd_fail(r, "version %u, expected %u", v, LG_WIRE_VERSION);
}

/* rd_start - a reader over data; refuses input over the frame limit */
static struct rd rd_start(const void *data, size_t len, char *err, size_t errlen)
{
	struct rd r = { data, (const unsigned char *)data + len, err, errlen, false };
	if (len > LG_WIRE_MAX_FRAME)
		rd_fail(&r, "%zu bytes over the frame limit", len);
	return r;
}

/* rd_finish - the input must end here */
static int rd_finish(struct rd *r)
{
	if (!r->failed && r->p != r->end)
		rd_fail(r, "%zu bytes of trailing garbage", rd_left(r));
	return r->failed ? -1 : 0;
}

/* lg_wire_request_free - release a decoded request */
void lg_wire_request_free(struct lg_wire_request *q)
{
	free(q->queue_id);
	free(q->sender);
	for (size_t i = 0; i < q->nrcpts; i++)
		free(q->rcpts[i]);
	free(q->rcpts);
	*q = (struct lg_wire_request){0};
}

/* lg_wire_get_request - see wire.h */
int lg_wire_get_request(const void *data, size_t len, struct lg_wire_request *q, char *err,
			size_t errlen)
{
	*q = (struct lg_wire_request){0};
	struct rd r = rd_start(data, len, err, errlen);
	get_header(&r, MAGIC_REQUEST);
	q->size = get_u64(&r, "size");
	q->queue_id = get_str(&r, "queue id");
	q->sender = get_str(&r, "sender");
	get_strlist(&r, &q->rcpts, &q->nrcpts, LG_WIRE_MAX_RCPTS, "recipients");
	for (size_t i = 0; !r.failed && i < q->nrcpts; i++)
		if (!q->rcpts[i])
			rd_fail(&r, "recipient %zu is null", i + 1);
	if (!r.failed && (!q->queue_id || !q->sender))
		rd_fail(&r, "queue id or sender is null");
	if (rd_finish(&r) < 0) {
		lg_wire_request_free(q);
		return -1;
	}
	return 0;
}

/* get_part - one part's fields */
static void get_part(struct rd *r, struct lg_part *p)
{
	p->path = get_str(r, "part path");
	p->mime_path = get_str(r, "part mime_path");
	p->filename = get_str(r, "part filename");
	p->declared_type = get_str(r, "part declared_type");
	p->detected_type = get_str(r, "part detected_type");
	p->charset = get_str(r, "part charset");
	p->size = (size_t)get_u64(r, "part size");
	p->sha256 = get_str(r, "part sha256");
	p->attachment = get_bool(r, "part attachment");
	p->type_mismatch = get_bool(r, "part type_mismatch");
	p->scanned = get_bool(r, "part scanned");
	p->reason = get_str(r, "part reason");
	p->detail = get_str(r, "part detail");
	p->ambiguous = get_str(r, "part ambiguous");
	p->text_bytes = get_u64(r, "part text_bytes");
	p->rows = get_u64(r, "part rows");
	p->findings = get_u32(r, "part findings");
	if (!r->failed && !p->path)
		rd_fail(r, "a part without a path");
}

/* get_dets - the per-detector tallies */
static void get_dets(struct rd *r, struct lg_report *o)
{
	size_t n = get_count(r, LG_WIRE_MAX_COUNT, 4 + 1 + 12 + 4 * LG_REPORT_SAMPLES, "detectors");
	if (r->failed)
		return;
	o->dets = lg_calloc(n ? n : 1, sizeof *o->dets);
	o->ndets = n;
	for (size_t d = 0; d < n && !r->failed; d++) {
		struct lg_det_tally *t = &o->dets[d];
		t->id = get_str(r, "detector id");
		t->personal = get_bool(r, "detector personal");
		t->counted = get_u32(r, "detector counted");
		t->high = get_u32(r, "detector high");
		t->any = get_u32(r, "detector any");
		for (int i = 0; i < LG_REPORT_SAMPLES; i++)
			t->samples[i] = get_str(r, "detector sample");
		if (!r->failed && !t->id)
			rd_fail(r, "detector %zu without an id", d + 1);
	}
}

/* get_items - the distinct findings */
static void get_items(struct rd *r, struct lg_report *o)
{
	size_t n = get_count(r, LG_WIRE_MAX_COUNT, 4 + 12 + 4 + 4 + 16 + 8, "items");
	if (r->failed || n == 0)
		return;
	o->items = lg_calloc(n, sizeof *o->items);
	o->nitems = n;
	for (size_t i = 0; i < n && !r->failed; i++) {
		struct lg_item *it = &o->items[i];
		it->det = get_u32(r, "item detector");
		it->value = get_str(r, "item value");
		it->sample = get_str(r, "item sample");
		uint32_t conf = get_u32(r, "item confidence");
		it->path = get_str(r, "item path");
		it->row = (unsigned long)get_u64(r, "item row");
		it->line = (unsigned long)get_u64(r, "item line");
		it->column = get_u32(r, "item column");
		it->occurrences = get_u32(r, "item occurrences");
		if (r->failed)
			break;
		if (it->det >= o->ndets)
			rd_fail(r, "item %zu names detector %u of %zu", i + 1, it->det, o->ndets);
		else if (conf > LG_CONF_HIGH)
			rd_fail(r, "item %zu: confidence %u unknown", i + 1, conf);
		else if (!it->value || !it->sample || !it->path)
			rd_fail(r, "item %zu: value, sample or path is null", i + 1);
		it->conf = (enum lg_conf)conf;
	}
}

/* lg_wire_get_report - see wire.h */
int lg_wire_get_report(const void *data, size_t len, struct lg_report *o, char *err, size_t errlen)
{
	*o = (struct lg_report){0};
	struct rd r = rd_start(data, len, err, errlen);
	get_header(&r, MAGIC_REPORT);
	o->message_size = (size_t)get_u64(&r, "message size");
	struct lg_recipients *rc = &o->recipients;
	rc->total = get_u32(&r, "recipients total");
	rc->external = get_u32(&r, "recipients external");
	rc->visible_external = get_u32(&r, "recipients visible_external");
	rc->external_domains = get_u32(&r, "recipients external_domains");
	rc->visible_external_domains = get_u32(&r, "recipients visible_external_domains");
	rc->sender = get_str(&r, "recipients sender");
	get_strlist(&r, &rc->addrs, &rc->naddrs, LG_WIRE_MAX_COUNT, "recipient addresses");
	get_strlist(&r, &rc->ext_addrs, &rc->next_addrs, LG_WIRE_MAX_COUNT, "external addresses");
	get_strlist(&r, &rc->domains, &rc->ndomains, LG_WIRE_MAX_COUNT, "recipient domains");
	get_strlist(&r, &rc->ext_domains, &rc->next_domains, LG_WIRE_MAX_COUNT, "external domains");
	get_dets(&r, o);
	get_items(&r, o);
	o->excluded = get_u32(&r, "excluded");
	o->records = get_u32(&r, "records");
	size_t np = get_count(&r, LG_WIRE_MAX_COUNT, 10 * 4 + 4 * 8 + 3 + 4, "parts");
	if (!r.failed && np) {
		o->parts = lg_calloc(np, sizeof *o->parts);
		o->nparts = np;
		for (size_t i = 0; i < np && !r.failed; i++)
			get_part(&r, &o->parts[i]);
	}
	o->unscannable = get_u32(&r, "unscannable");
	o->error = get_str(&r, "error");
	uint32_t action = get_u32(&r, "verdict action");
	if (!r.failed && action > LG_ACT_REJECT)
		rd_fail(&r, "verdict action %u unknown", action);
	o->verdict.action = (enum lg_action)action;
	get_strlist(&r, &o->verdict.rules, &o->verdict.nrules, LG_WIRE_MAX_COUNT, "verdict rules");
	for (size_t i = 0; !r.failed && i < o->verdict.nrules; i++)
		if (!o->verdict.rules[i])
			rd_fail(&r, "verdict rule %zu is null", i + 1);
	o->verdict.reason = get_str(&r, "verdict reason");
	o->verdict.notify = get_str(&r, "verdict notify");
	o->verdict.monitor = get_bool(&r, "verdict monitor");
	if (rd_finish(&r) < 0) {
		lg_report_free(o);
		return -1;
	}
	return 0;
}
