/* quarantine.c - the quarantine interface: the backend chosen by URL, unguessable ids, and the
 * stored record built from an analysis report (shared by both backends). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>


#include "analyze/report.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "lg_json.h"
#include "lg_log.h"
#include "lg_sha256.h"
#include "quarantine/quarantine.h"

/* backend_for - the backend a URL names, or NULL */
static const struct lg_q_backend *backend_for(const char *url)
{
	if (!strncmp(url, "sqlite:", 7))
		return &lg_q_sqlite_backend;
	if (!strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11))
		return &lg_q_pg_backend;
	return NULL;
}

/* lg_q_open - connect to the store a URL names (schema created or migrated) */
struct lg_qstore *lg_q_open(const char *url, char *err, size_t errlen)
{
	const struct lg_q_backend *be = url ? backend_for(url) : NULL;
	if (!be) {
		snprintf(err, errlen, "unknown quarantine URL '%s' (expected sqlite:/path or "
				      "postgresql://...)", url ? url : "");
		return NULL;
	}
	struct lg_qstore *q = be->open(url, err, errlen);
	if (q)
		q->be = be;
	return q;
}

/* lg_q_close - disconnect */
void lg_q_close(struct lg_qstore *q)
{
	if (q)
		q->be->close(q);
}

/* lg_q_schema_version - the stored schema version */
int lg_q_schema_version(struct lg_qstore *q, char *err, size_t errlen)
{
	return q->be->version(q, err, errlen);
}

/* lg_q_put - store a record and the message under a new id */
int lg_q_put(struct lg_qstore *q, struct lg_q_record *rec, const char *msg, size_t len,
	     char *err, size_t errlen)
{
	rec->id[0] = '\0';
	return lg_q_put_notices(q, rec, msg, len, NULL, 0, err, errlen);
}

/* lg_q_put_notices - store a record, the message and its notices in one transaction */
int lg_q_put_notices(struct lg_qstore *q, struct lg_q_record *rec, const char *msg, size_t len,
		     const struct lg_q_notice *notices, size_t nnotices, char *err, size_t errlen)
{
	if (!lg_q_id_valid(rec->id) && lg_q_id_new(rec->id) < 0) {
		snprintf(err, errlen, "getrandom: %s", strerror(errno));
		return -1;
	}
	if (!rec->created)
		rec->created = (int64_t)time(NULL);
	rec->status = LG_Q_HELD;
	rec->size = len;
	rec->duplicate = false;
	char digest[LG_Q_DIGEST_LEN + 1], existing[LG_Q_ID_LEN + 1] = "";
	lg_q_digest(rec->sender, rec->rcpts, rec->nrcpts, msg, len, digest);
	int rc = q->be->put(q, rec, digest, msg, len, notices, nnotices, existing, err, errlen);
	if (rc == 1) {
		/* the same message was stored and is still held: the MTA did not hear our answer
		 * (killed between commit and reply) and retried. Answer as if stored, once. */
		lg_info("%s: already held as %s (a retry after a lost answer)",
			rec->queue_id ? rec->queue_id : "quarantine", existing);
		memcpy(rec->id, existing, sizeof rec->id);
		rec->duplicate = true;
		rc = 0;
	}
	return rc;
}

/* digest_chunk - a length (8 bytes, big-endian) and then the bytes */
static void digest_chunk(struct lg_sha256 *h, const char *p, size_t len)
{
	unsigned char n[8];
	for (int i = 0; i < 8; i++)
		n[i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
	lg_sha256_update(h, n, sizeof n);
	lg_sha256_update(h, p, len);
}

_Static_assert(LG_Q_DIGEST_LEN == LG_SHA256_HEX_LEN, "an entry's digest is a SHA-256 in hex");

/* lg_q_digest - SHA-256 over the length-prefixed envelope and bytes, as hex */
void lg_q_digest(const char *sender, char *const *rcpts, size_t nrcpts, const char *msg,
		 size_t len, char out[LG_Q_DIGEST_LEN + 1])
{
	static const char tag[] = "leakguard-hold-1";	/* versions the layout below */
	struct lg_sha256 *h = lg_sha256_new();
	digest_chunk(h, tag, sizeof tag - 1);
	digest_chunk(h, sender ? sender : "", sender ? strlen(sender) : 0);
	unsigned char n[8];
	for (int i = 0; i < 8; i++)
		n[i] = (unsigned char)((uint64_t)nrcpts >> (56 - 8 * i));
	lg_sha256_update(h, n, sizeof n);
	for (size_t i = 0; i < nrcpts; i++)
		digest_chunk(h, rcpts[i], strlen(rcpts[i]));
	digest_chunk(h, msg ? msg : "", msg ? len : 0);
	lg_sha256_final_hex(h, out);
}

/* lg_q_get - one entry by id */
int lg_q_get(struct lg_qstore *q, const char *id, struct lg_q_record *out, struct lg_buf *msg,
	     char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!lg_q_id_valid(id))
		return 0;
	return q->be->get(q, id, out, msg, err, errlen);
}

/* lg_q_list - a page of entries, newest first */
long lg_q_list(struct lg_qstore *q, const struct lg_q_filter *f, unsigned page, unsigned per_page,
	       struct lg_q_record **out, char *err, size_t errlen)
{
	*out = NULL;
	return q->be->list(q, f, page ? page : 1, per_page ? per_page : LG_Q_PAGE_SIZE, out, err,
			   errlen);
}

/* lg_q_set_status - an atomic, audited status change */
enum lg_q_change lg_q_set_status(struct lg_qstore *q, const char *id, enum lg_q_status from,
				 enum lg_q_status to, const char *reviewer, const char *reason,
				 char *err, size_t errlen)
{
	if (!lg_q_id_valid(id)) {
		const char *act = to == LG_Q_DELETED ? "delete" : "release";
		if (lg_q_audit_add(q, reviewer, act, NULL, "not-found", reason, err, errlen) < 0)
			return LG_Q_ERROR;
		return LG_Q_NOT_FOUND;
	}
	return q->be->set_status(q, id, from, to, reviewer, reason, err, errlen);
}

/* lg_q_audit_add - append one audit line */
int lg_q_audit_add(struct lg_qstore *q, const char *reviewer, const char *action, const char *id,
		   const char *outcome, const char *reason, char *err, size_t errlen)
{
	return q->be->audit_add(q, reviewer, action, id, outcome, reason, err, errlen);
}

/* lg_q_audit_list - the audit trail */
long lg_q_audit_list(struct lg_qstore *q, struct lg_q_audit **out, char *err, size_t errlen)
{
	*out = NULL;
	return q->be->audit_list(q, out, err, errlen);
}

/* lg_q_purge - remove old entries */
long lg_q_purge(struct lg_qstore *q, int64_t cutoff, bool include_held, char *err, size_t errlen)
{
	return q->be->purge(q, cutoff, include_held, err, errlen);
}

/* ---- the notice outbox ------------------------------------------------------------------ */

/* lg_q_notice_add - enqueue one notice */
int lg_q_notice_add(struct lg_qstore *q, const struct lg_q_notice *n, char *err, size_t errlen)
{
	return q->be->notice_add(q, n, err, errlen);
}

/* lg_q_notice_list - the outbox, newest first */
long lg_q_notice_list(struct lg_qstore *q, const char *status, const char *qid, unsigned limit,
		      bool with_message, struct lg_q_notice **out, char *err, size_t errlen)
{
	*out = NULL;
	return q->be->notice_list(q, status, qid, limit, with_message, out, err, errlen);
}

/* lg_q_notice_claim - take due notices for a while */
long lg_q_notice_claim(struct lg_qstore *q, int64_t now, unsigned lease, unsigned max,
		       struct lg_q_notice **out, char *err, size_t errlen)
{
	*out = NULL;
	return q->be->notice_claim(q, now, lease, max ? max : 1, out, err, errlen);
}

/* lg_q_notice_done - record one attempt */
int lg_q_notice_done(struct lg_qstore *q, int64_t seq, const char *status, int64_t next_at,
		     const char *error, int64_t sent, char *err, size_t errlen)
{
	return q->be->notice_done(q, seq, status, next_at, error, sent, err, errlen);
}

/* lg_q_notice_last_dedup - the newest dedup key with a prefix */
int lg_q_notice_last_dedup(struct lg_qstore *q, const char *prefix, char *buf, size_t len,
			   char *err, size_t errlen)
{
	return q->be->notice_last_dedup(q, prefix, buf, len, err, errlen);
}

/* lg_q_notice_clear - release what one notice owns */
void lg_q_notice_clear(struct lg_q_notice *n)
{
	free(n->kind);
	free(n->qid);
	free(n->from);
	for (size_t j = 0; j < n->nrcpts; j++)
		free(n->rcpts[j]);
	free(n->rcpts);
	free(n->language);
	free(n->subject);
	free(n->message);
	free(n->status);
	free(n->last_error);
	free(n->dedup);
	memset(n, 0, sizeof *n);
}

/* lg_q_notices_free - release an array of notices */
void lg_q_notices_free(struct lg_q_notice *n, size_t count)
{
	for (size_t i = 0; n && i < count; i++)
		lg_q_notice_clear(&n[i]);
	free(n);
}

/* ---- ids, names, times ------------------------------------------------------------------ */

/* lg_q_id_new - a fresh unguessable id */
int lg_q_id_new(char id[LG_Q_ID_LEN + 1])
{
	unsigned char r[LG_Q_ID_LEN / 2];
	size_t got = 0;
	while (got < sizeof r) {
		ssize_t n = getrandom(r + got, sizeof r - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)n;
	}
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < sizeof r; i++) {
		id[2 * i] = hex[r[i] >> 4];
		id[2 * i + 1] = hex[r[i] & 15];
	}
	id[LG_Q_ID_LEN] = '\0';
	return 0;
}

/* lg_q_id_valid - 32 lower-case hex digits */
bool lg_q_id_valid(const char *s)
{
	size_t i = 0;
	for (; s && s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i == LG_Q_ID_LEN;
}

/* lg_q_status_name - the word for a state */
const char *lg_q_status_name(enum lg_q_status s)
{
	switch (s) {
	case LG_Q_HELD: return "held";
	case LG_Q_RELEASED: return "released";
	case LG_Q_DELETED: return "deleted";
	}
	return "?";
}

/* lg_q_status_parse - the state a word names, or -1 */
int lg_q_status_parse(const char *s)
{
	for (int i = LG_Q_HELD; i <= LG_Q_DELETED; i++)
		if (!strcmp(s, lg_q_status_name((enum lg_q_status)i)))
			return i;
	return -1;
}

/* lg_q_parse_age - a duration with an optional s/m/h/d suffix, in seconds */
int64_t lg_q_parse_age(const char *s)
{
	if (!s || !isdigit((unsigned char)*s))
		return -1;
	char *end;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 10);
	if (errno || n > 100000000ULL)
		return -1;
	int64_t unit = 1;
	if (*end == 'd')
		unit = 86400, end++;
	else if (*end == 'h')
		unit = 3600, end++;
	else if (*end == 'm')
		unit = 60, end++;
	else if (*end == 's')
		end++;
	return *end ? -1 : (int64_t)n * unit;
}

/* lg_q_parse_date - a date or date and time (local time) */
int64_t lg_q_parse_date(const char *s)
{
	struct tm tm = {0};
	int y, mo, d, h = 0, mi = 0, sec = 0, used = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3)
		return -1;
	const char *rest = s + used;
	if (*rest == 'T' || *rest == ' ') {
		int used2 = 0;
		if (sscanf(rest + 1, "%2d:%2d%n", &h, &mi, &used2) != 2)
			return -1;
		rest += 1 + used2;
		if (*rest == ':') {
			if (sscanf(rest + 1, "%2d%n", &sec, &used2) != 1)
				return -1;
			rest += 1 + used2;
		}
	}
	if (*rest || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	return t == (time_t)-1 ? -1 : (int64_t)t;
}

/* ---- lists and details encodings --------------------------------------------------------- */

/* lg_q_join - items separated by sep; framed adds sep before and after */
char *lg_q_join(char *const *items, size_t n, char sep, bool framed)
{
	struct lg_buf b = LG_BUF_INIT;
	if (framed && n)
		lg_buf_putc(&b, sep);
	for (size_t i = 0; i < n; i++) {
		if (i)
			lg_buf_putc(&b, sep);
		lg_buf_puts(&b, items[i]);
	}
	if (framed && n)
		lg_buf_putc(&b, sep);
	lg_buf_cstr(&b);
	return lg_buf_steal(&b, NULL);
}

/* lg_q_split - the non-empty items of s separated by sep */
size_t lg_q_split(const char *s, char sep, char ***out)
{
	size_t n = 0;
	*out = NULL;
	while (s && *s) {
		const char *e = strchr(s, sep);
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len) {
			*out = lg_realloc(*out, (n + 1) * sizeof **out);
			(*out)[n++] = lg_strndup(s, len);
		}
		s += len + (e ? 1 : 0);
	}
	return n;
}

/* lg_q_domains - distinct lower-case recipient domains, framed by commas */
char *lg_q_domains(char *const *rcpts, size_t n)
{
	struct lg_buf b = LG_BUF_INIT;
	lg_buf_putc(&b, ',');
	for (size_t i = 0; i < n; i++) {
		const char *at = strrchr(rcpts[i], '@');
		if (!at || !at[1])
			continue;
		struct lg_buf d = LG_BUF_INIT;
		lg_buf_putc(&d, ',');
		for (const char *p = at + 1; *p; p++)
			lg_buf_putc(&d, (char)tolower((unsigned char)*p));
		lg_buf_putc(&d, ',');
		if (!strstr(lg_buf_cstr(&b), lg_buf_cstr(&d)))
			lg_buf_append(&b, d.data + 1, d.len - 1);
		lg_buf_free(&d);
	}
	lg_buf_cstr(&b);
	return lg_buf_steal(&b, NULL);
}

/* put_field - one escaped field (tab, newline and backslash escaped) and a separator */
static void put_field(struct lg_buf *b, const char *s, char after)
{
	for (; s && *s; s++) {
		if (*s == '\\')
			lg_buf_puts(b, "\\\\");
		else if (*s == '\t')
			lg_buf_puts(b, "\\t");
		else if (*s == '\n')
			lg_buf_puts(b, "\\n");
		else if (*s == '\r')
			lg_buf_puts(b, "\\r");
		else
			lg_buf_putc(b, *s);
	}
	if (!s)
		lg_buf_puts(b, "\\0");
	lg_buf_putc(b, after);
}

/* lg_q_details_encode - T (tally), F (finding) and P (part) lines of tab-separated fields */
char *lg_q_details_encode(const struct lg_q_record *rec)
{
	struct lg_buf b = LG_BUF_INIT;
	for (size_t i = 0; i < rec->ntallies; i++) {
		const struct lg_q_tally *t = &rec->tallies[i];
		lg_buf_puts(&b, "T\t");
		put_field(&b, t->detector, '\t');
		lg_buf_printf(&b, "%u\t%u\t%u\n", t->counted, t->high, t->any);
	}
	for (size_t i = 0; i < rec->nfindings; i++) {
		const struct lg_q_finding *f = &rec->findings[i];
		lg_buf_puts(&b, "F\t");
		put_field(&b, f->detector, '\t');
		put_field(&b, f->sample, '\t');
		put_field(&b, f->path, '\t');
		lg_buf_printf(&b, "%lu\t%lu\t%u\n", f->row, f->line, f->column);
	}
	for (size_t i = 0; i < rec->nparts; i++) {
		const struct lg_q_part *p = &rec->parts[i];
		lg_buf_puts(&b, "P\t");
		put_field(&b, p->path, '\t');
		put_field(&b, p->type, '\t');
		lg_buf_printf(&b, "%llu\t%d\t%d\t", (unsigned long long)p->size, p->attachment,
			      p->scanned);
		put_field(&b, p->reason, '\n');
	}
	lg_buf_cstr(&b);
	return lg_buf_steal(&b, NULL);
}

/* get_field - the next escaped field of a line; NULL for "\0"; advances *s past the separator */
static char *get_field(const char **s)
{
	struct lg_buf b = LG_BUF_INIT;
	const char *p = *s;
	bool null = false;
	for (; *p && *p != '\t' && *p != '\n'; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			char c = *p == 't' ? '\t' : *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p;
			if (*p == '0')
				null = true;
			else
				lg_buf_putc(&b, c);
		} else {
			lg_buf_putc(&b, *p);
		}
	}
	*s = *p ? p + 1 : p;
	if (null) {
		lg_buf_free(&b);
		return NULL;
	}
	lg_buf_cstr(&b);
	return lg_buf_steal(&b, NULL);
}

/* get_num - the next field as a number */
static unsigned long long get_num(const char **s)
{
	char *f = get_field(s);
	unsigned long long n = f ? strtoull(f, NULL, 10) : 0;
	free(f);
	return n;
}

/* lg_q_details_decode - the reverse of lg_q_details_encode */
void lg_q_details_decode(struct lg_q_record *rec, const char *s)
{
	while (s && *s) {
		char kind = *s;
		if (s[1] != '\t') {
			s = strchr(s, '\n');
			s = s ? s + 1 : NULL;
			continue;
		}
		s += 2;
		if (kind == 'T') {
			rec->tallies = lg_realloc(rec->tallies, (rec->ntallies + 1) * sizeof *rec->tallies);
			struct lg_q_tally *t = &rec->tallies[rec->ntallies++];
			t->detector = get_field(&s);
			t->counted = (unsigned)get_num(&s);
			t->high = (unsigned)get_num(&s);
			t->any = (unsigned)get_num(&s);
		} else if (kind == 'F') {
			rec->findings = lg_realloc(rec->findings,
						   (rec->nfindings + 1) * sizeof *rec->findings);
			struct lg_q_finding *f = &rec->findings[rec->nfindings++];
			f->detector = get_field(&s);
			f->sample = get_field(&s);
			f->path = get_field(&s);
			f->row = (unsigned long)get_num(&s);
			f->line = (unsigned long)get_num(&s);
			f->column = (unsigned)get_num(&s);
		} else if (kind == 'P') {
			rec->parts = lg_realloc(rec->parts, (rec->nparts + 1) * sizeof *rec->parts);
			struct lg_q_part *p = &rec->parts[rec->nparts++];
			p->path = get_field(&s);
			p->type = get_field(&s);
			p->size = get_num(&s);
			p->attachment = get_num(&s) != 0;
			p->scanned = get_num(&s) != 0;
			p->reason = get_field(&s);
		} else {
			s = strchr(s, '\n');
			s = s ? s + 1 : NULL;
		}
	}
}

/* ---- records ---------------------------------------------------------------------------- */

/* dup_or_null - a copy, or NULL */
static char *dup_or_null(const char *s)
{
	return s ? lg_strdup(s) : NULL;
}

/* lg_q_record_from_report - a record of what analyze() found */
void lg_q_record_from_report(struct lg_q_record *rec, const struct lg_report *r,
			     const char *queue_id, const char *relay)
{
	memset(rec, 0, sizeof *rec);
	const struct lg_recipients *rc = &r->recipients;
	rec->sender = lg_strdup(rc->sender ? rc->sender : "");
	rec->nrcpts = rc->naddrs;
	rec->rcpts = lg_calloc(rc->naddrs ? rc->naddrs : 1, sizeof *rec->rcpts);
	for (size_t i = 0; i < rc->naddrs; i++)
		rec->rcpts[i] = lg_strdup(rc->addrs[i]);
	rec->queue_id = dup_or_null(queue_id);
	rec->relay = dup_or_null(relay);
	rec->action = lg_strdup(lg_action_name(r->verdict.action));
	rec->nrules = r->verdict.nrules;
	rec->rules = lg_calloc(rec->nrules ? rec->nrules : 1, sizeof *rec->rules);
	for (size_t i = 0; i < rec->nrules; i++)
		rec->rules[i] = lg_strdup(r->verdict.rules[i]);
	rec->reason = dup_or_null(r->verdict.reason);
	rec->size = r->message_size;
	for (size_t d = 0; d < r->ndets; d++) {
		const struct lg_det_tally *t = &r->dets[d];
		if (!t->any)
			continue;
		rec->tallies = lg_realloc(rec->tallies, (rec->ntallies + 1) * sizeof *rec->tallies);
		rec->tallies[rec->ntallies++] =
			(struct lg_q_tally){ lg_strdup(t->id), t->counted, t->high, t->any };
	}
	for (size_t i = 0; i < r->nitems; i++) {
		const struct lg_item *it = &r->items[i];
		rec->findings = lg_realloc(rec->findings, (rec->nfindings + 1) * sizeof *rec->findings);
		rec->findings[rec->nfindings++] = (struct lg_q_finding){
			lg_strdup(r->dets[it->det].id), dup_or_null(it->sample), dup_or_null(it->path),
			it->row, it->line, it->column
		};
	}
	for (size_t i = 0; i < r->nparts; i++) {
		const struct lg_part *p = &r->parts[i];
		rec->parts = lg_realloc(rec->parts, (rec->nparts + 1) * sizeof *rec->parts);
		rec->parts[rec->nparts++] = (struct lg_q_part){
			dup_or_null(p->path),
			dup_or_null(p->detected_type ? p->detected_type : p->declared_type),
			p->size, p->attachment, p->scanned, dup_or_null(p->reason)
		};
	}
	struct lg_buf j = LG_BUF_INIT;
	lg_report_json(r, &j);
	lg_buf_cstr(&j);
	rec->report_json = lg_buf_steal(&j, NULL);
}

/* free_strv - free n strings and the array */
static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* lg_q_record_free - release what a record owns */
void lg_q_record_free(struct lg_q_record *rec)
{
	free(rec->reviewer);
	free(rec->sender);
	free_strv(rec->rcpts, rec->nrcpts);
	free(rec->queue_id);
	free(rec->relay);
	free(rec->action);
	free_strv(rec->rules, rec->nrules);
	free(rec->reason);
	for (size_t i = 0; i < rec->ntallies; i++)
		free(rec->tallies[i].detector);
	free(rec->tallies);
	for (size_t i = 0; i < rec->nfindings; i++) {
		free(rec->findings[i].detector);
		free(rec->findings[i].sample);
		free(rec->findings[i].path);
	}
	free(rec->findings);
	for (size_t i = 0; i < rec->nparts; i++) {
		free(rec->parts[i].path);
		free(rec->parts[i].type);
		free(rec->parts[i].reason);
	}
	free(rec->parts);
	free(rec->report_json);
	memset(rec, 0, sizeof *rec);
}

/* lg_q_records_free - release a list */
void lg_q_records_free(struct lg_q_record *recs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		lg_q_record_free(&recs[i]);
	free(recs);
}

/* lg_q_audit_free - release audit lines */
void lg_q_audit_free(struct lg_q_audit *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].reviewer);
		free(a[i].action);
		free(a[i].id);
		free(a[i].outcome);
		free(a[i].reason);
	}
	free(a);
}

/* json_strv - a JSON array of strings */
static void json_strv(struct lg_buf *b, char *const *v, size_t n)
{
	lg_buf_putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			lg_buf_putc(b, ',');
		lg_json_str(b, v[i]);
	}
	lg_buf_putc(b, ']');
}

/* lg_q_record_json - one record as JSON (findings and parts when loaded) */
void lg_q_record_json(const struct lg_q_record *rec, struct lg_buf *b)
{
	lg_buf_puts(b, "{\"id\":");
	lg_json_str(b, rec->id);
	lg_buf_printf(b, ",\"created\":%lld,\"status\":\"%s\",\"changed\":%lld,\"reviewer\":",
		      (long long)rec->created, lg_q_status_name(rec->status),
		      (long long)rec->changed);
	lg_json_str(b, rec->reviewer);
	lg_buf_puts(b, ",\"sender\":");
	lg_json_str(b, rec->sender);
	lg_buf_puts(b, ",\"recipients\":");
	json_strv(b, rec->rcpts, rec->nrcpts);
	lg_buf_puts(b, ",\"queue_id\":");
	lg_json_str(b, rec->queue_id);
	lg_buf_puts(b, ",\"relay\":");
	lg_json_str(b, rec->relay);
	lg_buf_puts(b, ",\"action\":");
	lg_json_str(b, rec->action);
	lg_buf_puts(b, ",\"rules\":");
	json_strv(b, rec->rules, rec->nrules);
	lg_buf_puts(b, ",\"reason\":");
	lg_json_str(b, rec->reason);
	lg_buf_printf(b, ",\"size\":%llu,\"findings\":{", (unsigned long long)rec->size);
	for (size_t i = 0; i < rec->ntallies; i++) {
		const struct lg_q_tally *t = &rec->tallies[i];
		if (i)
			lg_buf_putc(b, ',');
		lg_json_str(b, t->detector);
		lg_buf_printf(b, ":{\"counted\":%u,\"high\":%u,\"any\":%u}", t->counted, t->high,
			      t->any);
	}
	lg_buf_puts(b, "},\"items\":[");
	for (size_t i = 0; i < rec->nfindings; i++) {
		const struct lg_q_finding *f = &rec->findings[i];
		lg_buf_puts(b, i ? ",{\"type\":" : "{\"type\":");
		lg_json_str(b, f->detector);
		lg_buf_puts(b, ",\"sample\":");
		lg_json_str(b, f->sample);
		lg_buf_puts(b, ",\"path\":");
		lg_json_str(b, f->path);
		lg_buf_printf(b, ",\"row\":%lu,\"line\":%lu,\"column\":%u}", f->row, f->line,
			      f->column);
	}
	lg_buf_puts(b, "],\"parts\":[");
	for (size_t i = 0; i < rec->nparts; i++) {
		const struct lg_q_part *p = &rec->parts[i];
		lg_buf_puts(b, i ? ",{\"path\":" : "{\"path\":");
		lg_json_str(b, p->path);
		lg_buf_puts(b, ",\"type\":");
		lg_json_str(b, p->type);
		lg_buf_printf(b, ",\"size\":%llu,\"attachment\":%s,\"scanned\":%s,\"reason\":",
			      (unsigned long long)p->size, p->attachment ? "true" : "false",
			      p->scanned ? "true" : "false");
		lg_json_str(b, p->reason);
		lg_buf_putc(b, '}');
	}
	lg_buf_puts(b, "]}");
}

/* lg_q_notice_json - one notice without its bytes */
void lg_q_notice_json(const struct lg_q_notice *n, struct lg_buf *b)
{
	lg_buf_printf(b, "{\"seq\":%lld,\"created\":%lld,\"kind\":", (long long)n->seq,
		      (long long)n->created);
	lg_json_str(b, n->kind);
	lg_buf_puts(b, ",\"id\":");
	lg_json_str(b, n->qid);
	lg_buf_puts(b, ",\"from\":");
	lg_json_str(b, n->from);
	lg_buf_puts(b, ",\"recipients\":");
	json_strv(b, n->rcpts, n->nrcpts);
	lg_buf_puts(b, ",\"language\":");
	lg_json_str(b, n->language);
	lg_buf_puts(b, ",\"subject\":");
	lg_json_str(b, n->subject);
	lg_buf_puts(b, ",\"status\":");
	lg_json_str(b, n->status);
	lg_buf_printf(b, ",\"attempts\":%u,\"next_at\":%lld,\"last_error\":", n->attempts,
		      (long long)n->next_at);
	lg_json_str(b, n->last_error);
	lg_buf_printf(b, ",\"sent\":%lld,\"size\":%zu}", (long long)n->sent, n->len);
}
