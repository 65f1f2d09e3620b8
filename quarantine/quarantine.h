/* quarantine.h - the quarantine store: held messages kept whole and durably, their review
 * (status changes, audit trail) and purging. One interface, two backends chosen by URL:
 * "sqlite:/path" (store_sqlite.c, the default) and "postgresql://..." (store_pg.c, for several
 * relays sharing one quarantine). */
#ifndef LG_QUARANTINE_H
#define LG_QUARANTINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lg_report;
struct lg_buf;

#define LG_Q_ID_LEN 32		/* hex digits of a quarantine id (128 random bits) */
#define LG_Q_SCHEMA_VERSION 3	/* the schema this code writes (migrated on open); 2: the
				   notice outbox; 3: the held entries' digest (idempotent put) */
#define LG_Q_DIGEST_LEN 64	/* hex digits of an entry's digest (SHA-256) */
#define LG_Q_PAGE_SIZE 50	/* entries per page of a list */

/* Review states of an entry. */
enum lg_q_status { LG_Q_HELD, LG_Q_RELEASED, LG_Q_DELETED };

/* What one detector found (counts as in the report). */
struct lg_q_tally {
	char *detector;
	unsigned counted, high, any;
};

/* One redacted finding and where it was first seen. */
struct lg_q_finding {
	char *detector;
	char *sample;		/* redacted */
	char *path;		/* the part's path ("参加者名簿.csv", "data.zip/list.xlsx", "1") */
	unsigned long row;	/* table row (1-based) or 0 */
	unsigned long line;	/* line of running text or 0 */
	unsigned column;	/* table column or 0 */
};

/* One part of the message (body or attachment). */
struct lg_q_part {
	char *path;
	char *type;		/* detected type, else the declared one */
	uint64_t size;
	bool attachment;
	bool scanned;
	char *reason;		/* why not scanned, or NULL */
};

/* One held message as stored (without its bytes). */
struct lg_q_record {
	char id[LG_Q_ID_LEN + 1];
	int64_t created;	/* unix seconds */
	enum lg_q_status status;
	int64_t changed;	/* unix seconds of the last status change, 0 if none */
	char *reviewer;		/* who changed the status last, or NULL */
	char *sender;		/* envelope sender, "" for <> */
	char **rcpts;		/* envelope recipients */
	size_t nrcpts;
	char *queue_id;		/* the MTA's queue id, or NULL */
	char *relay;		/* host name of the relay that held it */
	char *action;		/* the verdict's action ("hold") */
	char **rules;		/* the rules that matched */
	size_t nrules;
	char *reason;		/* the deciding rule's reason, or NULL */
	uint64_t size;		/* bytes of the message */
	struct lg_q_tally *tallies;
	size_t ntallies;
	struct lg_q_finding *findings;
	size_t nfindings;
	struct lg_q_part *parts;
	size_t nparts;
	char *report_json;	/* the analysis report (redacted samples only), or NULL */
	bool duplicate;		/* set by lg_q_put*: an identical entry (same envelope and bytes)
				   was still held, so nothing was stored and id is that entry's */
};

/* Which entries a list shows; NULL/0 fields do not filter. */
struct lg_q_filter {
	int status;		/* -1: any, else an enum lg_q_status */
	const char *sender;	/* exact envelope sender (case-insensitive) */
	const char *rcpt_domain;	/* some recipient is in this domain */
	const char *rule;	/* this rule matched */
	int64_t since, until;	/* created >= since, < until (0: open) */
};

/* One review action as recorded. */
struct lg_q_audit {
	int64_t seq;
	int64_t at;
	char *reviewer;
	char *action;		/* "delete", "release", "purge", "put" */
	char *id;		/* the entry, or NULL (purge) */
	char *outcome;		/* "done", "already", "conflict:released", "not-found", "purged N" */
	char *reason;		/* --reason, or NULL */
};

/* What a status change did. */
enum lg_q_change {
	LG_Q_ERROR = -1,	/* the store failed (message in err) */
	LG_Q_CHANGED = 0,	/* this call changed it */
	LG_Q_ALREADY,		/* it was already in the wanted state: nothing to do (idempotent) */
	LG_Q_CONFLICT,		/* it is in another state (released while deleting...) */
	LG_Q_NOT_FOUND,
};

/* One notice in the outbox: a rendered message waiting to be sent (or sent, or given up). */
struct lg_q_notice {
	int64_t seq;		/* the outbox's own number */
	int64_t created;	/* unix seconds */
	char *kind;		/* held, released, deleted, compliance, digest */
	char *qid;		/* the quarantine entry it is about, or NULL (digest) */
	char *from;		/* envelope sender (MAIL FROM) */
	char **rcpts;		/* envelope recipients */
	size_t nrcpts;
	char *language;		/* ja, en, ja+en */
	char *subject;		/* the decoded subject, for listing */
	char *message;		/* the rendered message, CRLF line ends (NULL when not loaded) */
	size_t len;
	char *status;		/* pending, sent, failed (given up) */
	unsigned attempts;
	int64_t next_at;	/* when a pending notice is next tried */
	char *last_error;	/* the last attempt's error, or NULL */
	int64_t sent;		/* unix seconds it was accepted by the relay, or 0 */
	char *dedup;		/* a unique key (a digest's period), or NULL */
};

struct lg_qstore;

/* lg_q_open - connect to the store named by url, creating or migrating its schema; NULL with a
 * message in err */
struct lg_qstore *lg_q_open(const char *url, char *err, size_t errlen);
void lg_q_close(struct lg_qstore *q);
/* lg_q_schema_version - the schema version the store is at (after lg_q_open's migration) */
int lg_q_schema_version(struct lg_qstore *q, char *err, size_t errlen);

/* lg_q_put - store a record and the message bytes durably (committed, synced) under a new
 * random id written to rec->id (rec->created is set when 0); 0 or -1 with err. Idempotent:
 * when an entry with the same envelope sender, recipients (in order) and bytes is still held
 * (the MTA retried after the answer to a stored hold was lost), nothing is stored, rec->id is
 * that entry's id and rec->duplicate is set. A released or deleted twin does not count: a
 * message sent again after review is a new message and is held again. */
int lg_q_put(struct lg_qstore *q, struct lg_q_record *rec, const char *msg, size_t len,
	     char *err, size_t errlen);
/* lg_q_put_notices - lg_q_put, and the notices enqueued in the same transaction: a committed
 * entry has its notices, a failed put leaves neither. An id already in rec->id is kept (the
 * notices name it); else a new one is made. */
int lg_q_put_notices(struct lg_qstore *q, struct lg_q_record *rec, const char *msg, size_t len,
		     const struct lg_q_notice *notices, size_t nnotices, char *err, size_t errlen);
/* lg_q_digest - the hex SHA-256 identifying a held message: the envelope sender, the number of
 * recipients, each recipient and the bytes, each length-prefixed so that no two different
 * envelopes hash the same bytes */
void lg_q_digest(const char *sender, char *const *rcpts, size_t nrcpts, const char *msg,
		 size_t len, char out[LG_Q_DIGEST_LEN + 1]);
/* lg_q_get - one entry (msg may be NULL when the bytes are not wanted); 1 found, 0 not, -1 error */
int lg_q_get(struct lg_qstore *q, const char *id, struct lg_q_record *out, struct lg_buf *msg,
	     char *err, size_t errlen);
/* lg_q_list - a page (1-based) of entries, newest first, without findings or bytes;
 * returns the count in *out (free with lg_q_records_free), -1 on error */
long lg_q_list(struct lg_qstore *q, const struct lg_q_filter *f, unsigned page, unsigned per_page,
	       struct lg_q_record **out, char *err, size_t errlen);
/* lg_q_set_status - atomically move an entry from one state to another and record it in the
 * audit table (who, why, and what came of it) */
enum lg_q_change lg_q_set_status(struct lg_qstore *q, const char *id, enum lg_q_status from,
				 enum lg_q_status to, const char *reviewer, const char *reason,
				 char *err, size_t errlen);
/* lg_q_audit_add - append one audit line (at = now) */
int lg_q_audit_add(struct lg_qstore *q, const char *reviewer, const char *action, const char *id,
		   const char *outcome, const char *reason, char *err, size_t errlen);
/* lg_q_audit_list - the audit trail, oldest first; the count, or -1 */
long lg_q_audit_list(struct lg_qstore *q, struct lg_q_audit **out, char *err, size_t errlen);
/* lg_q_purge - remove entries created before cutoff (held ones too only when include_held);
 * the number removed, or -1 */
long lg_q_purge(struct lg_qstore *q, int64_t cutoff, bool include_held, char *err, size_t errlen);

/* ---- the notice outbox ----------------------------------------------------------------- */

/* lg_q_notice_add - enqueue one notice (created and next_at default to now); 1 added, 0 when
 * its dedup key is already there (another relay made it), -1 error */
int lg_q_notice_add(struct lg_qstore *q, const struct lg_q_notice *n, char *err, size_t errlen);
/* lg_q_notice_list - notices, newest first (status NULL: any; without the message bytes unless
 * with_message); limit 0: all. The count in *out (lg_q_notices_free), or -1 */
long lg_q_notice_list(struct lg_qstore *q, const char *status, const char *qid, unsigned limit,
		      bool with_message, struct lg_q_notice **out, char *err, size_t errlen);
/* lg_q_notice_claim - atomically take up to max pending notices due at now for lease seconds
 * (no other sender takes them meanwhile: relays sharing one PostgreSQL each get other rows);
 * with the message bytes; the count or -1 */
long lg_q_notice_claim(struct lg_qstore *q, int64_t now, unsigned lease, unsigned max,
		       struct lg_q_notice **out, char *err, size_t errlen);
/* lg_q_notice_done - record an attempt on a claimed notice: status (sent, pending with next_at,
 * or failed), the attempt counted, the error kept; 0 or -1 */
int lg_q_notice_done(struct lg_qstore *q, int64_t seq, const char *status, int64_t next_at,
		     const char *error, int64_t sent, char *err, size_t errlen);
/* lg_q_notice_last_dedup - the newest dedup key starting with prefix (into buf), 1; 0 none; -1 */
int lg_q_notice_last_dedup(struct lg_qstore *q, const char *prefix, char *buf, size_t len,
			   char *err, size_t errlen);
void lg_q_notice_clear(struct lg_q_notice *n);
void lg_q_notices_free(struct lg_q_notice *n, size_t count);
/* lg_q_notice_json - one notice (without its bytes) as a JSON object */
void lg_q_notice_json(const struct lg_q_notice *n, struct lg_buf *out);

/* ---- records ---------------------------------------------------------------------------- */

/* lg_q_record_from_report - fill a record from an analysis report (copies; id left empty) */
void lg_q_record_from_report(struct lg_q_record *rec, const struct lg_report *r,
			     const char *queue_id, const char *relay);
void lg_q_record_free(struct lg_q_record *rec);
void lg_q_records_free(struct lg_q_record *recs, size_t n);
void lg_q_audit_free(struct lg_q_audit *a, size_t n);
/* lg_q_record_json - a record as one JSON object */
void lg_q_record_json(const struct lg_q_record *rec, struct lg_buf *out);

const char *lg_q_status_name(enum lg_q_status s);
/* lg_q_status_parse - "held", "released", "deleted" -> the state, or -1 */
int lg_q_status_parse(const char *s);
/* lg_q_id_new - 128 bits from getrandom() as 32 lower-case hex digits; 0 or -1 */
int lg_q_id_new(char id[LG_Q_ID_LEN + 1]);
/* lg_q_id_valid - is s shaped like an id (32 lower-case hex digits) */
bool lg_q_id_valid(const char *s);
/* lg_q_parse_age - "30d", "12h", "90m", "3600s" or "3600" -> seconds; -1 if malformed */
int64_t lg_q_parse_age(const char *s);
/* lg_q_parse_date - "YYYY-MM-DD" (local midnight) or "YYYY-MM-DDTHH:MM[:SS]" -> unix time; -1 */
int64_t lg_q_parse_date(const char *s);

/* ---- for the backends ------------------------------------------------------------------- */

/* lg_q_join - items as ",a,b," (so that ",a," finds a whole item); "" for none */
char *lg_q_join(char *const *items, size_t n, char sep, bool framed);
/* lg_q_split - the reverse of lg_q_join (framed or not) */
size_t lg_q_split(const char *s, char sep, char ***out);
/* lg_q_details_encode - tallies, findings and parts as escaped tab-separated lines */
char *lg_q_details_encode(const struct lg_q_record *rec);
/* lg_q_details_decode - fill a record's tallies, findings and parts from the encoding */
void lg_q_details_decode(struct lg_q_record *rec, const char *s);
/* lg_q_domains - the distinct lower-case domains of the recipients as ",a,b," */
char *lg_q_domains(char *const *rcpts, size_t n);

/* A backend: the operations behind the interface above. */
struct lg_q_backend {
	const char *name;
	struct lg_qstore *(*open)(const char *url, char *err, size_t errlen);
	void (*close)(struct lg_qstore *q);
	int (*version)(struct lg_qstore *q, char *err, size_t errlen);
	/* put: 0 stored, 1 an entry with this digest is held (its id into existing: nothing
	 * stored, no notices), -1 error */
	int (*put)(struct lg_qstore *q, const struct lg_q_record *rec, const char *digest,
		   const char *msg, size_t len, const struct lg_q_notice *notices, size_t nnotices,
		   char existing[LG_Q_ID_LEN + 1], char *err, size_t errlen);
	int (*get)(struct lg_qstore *q, const char *id, struct lg_q_record *out,
		   struct lg_buf *msg, char *err, size_t errlen);
	long (*list)(struct lg_qstore *q, const struct lg_q_filter *f, unsigned page,
		     unsigned per_page, struct lg_q_record **out, char *err, size_t errlen);
	enum lg_q_change (*set_status)(struct lg_qstore *q, const char *id, enum lg_q_status from,
				       enum lg_q_status to, const char *reviewer,
				       const char *reason, char *err, size_t errlen);
	int (*audit_add)(struct lg_qstore *q, const char *reviewer, const char *action,
			 const char *id, const char *outcome, const char *reason, char *err,
			 size_t errlen);
	long (*audit_list)(struct lg_qstore *q, struct lg_q_audit **out, char *err, size_t errlen);
	long (*purge)(struct lg_qstore *q, int64_t cutoff, bool include_held, char *err,
		      size_t errlen);
	int (*notice_add)(struct lg_qstore *q, const struct lg_q_notice *n, char *err,
			  size_t errlen);
	long (*notice_list)(struct lg_qstore *q, const char *status, const char *qid,
			    unsigned limit, bool with_message, struct lg_q_notice **out, char *err,
			    size_t errlen);
	long (*notice_claim)(struct lg_qstore *q, int64_t now, unsigned lease, unsigned max,
			     struct lg_q_notice **out, char *err, size_t errlen);
	int (*notice_done)(struct lg_qstore *q, int64_t seq, const char *status, int64_t next_at,
			   const char *error, int64_t sent, char *err, size_t errlen);
	int (*notice_last_dedup)(struct lg_qstore *q, const char *prefix, char *buf, size_t len,
				 char *err, size_t errlen);
};

/* Every backend's store begins with this header. */
struct lg_qstore {
	const struct lg_q_backend *be;
};

extern const struct lg_q_backend lg_q_sqlite_backend;
extern const struct lg_q_backend lg_q_pg_backend;

#endif
