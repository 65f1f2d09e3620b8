/* store_pg.c - the PostgreSQL quarantine backend (several relays sharing one quarantine): libpq,
 * parameterised queries only, one transaction per change; the message bytes are a bytea in the
 * same row, so a committed put is durable. URL: postgresql://user@host/db (libpq's own syntax). */
#include "config.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lg_alloc.h"
#include "lg_buf.h"
#include "lg_log.h"
#include "quarantine/quarantine.h"

struct pg_store {
	struct lg_qstore base;
	PGconn *conn;
};

/* The schema, one step per version: step i takes the database from version i to i + 1. */
static const char *const migrations[] = {
	"CREATE TABLE messages ("
	" id TEXT PRIMARY KEY, created BIGINT NOT NULL, status TEXT NOT NULL,"
	" changed BIGINT NOT NULL DEFAULT 0, reviewer TEXT, sender TEXT NOT NULL,"
	" rcpts TEXT NOT NULL, rcpt_domains TEXT NOT NULL, queue_id TEXT, relay TEXT,"
	" action TEXT NOT NULL, rules TEXT NOT NULL, reason TEXT, size BIGINT NOT NULL,"
	" details TEXT NOT NULL, report_json TEXT, message BYTEA NOT NULL);"
	"CREATE INDEX messages_created ON messages (created);"
	"CREATE INDEX messages_status ON messages (status, created);"
	"CREATE TABLE audit ("
	" seq BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, reviewer TEXT NOT NULL,"
	" action TEXT NOT NULL, qid TEXT, outcome TEXT NOT NULL, reason TEXT);",
	/* 2: the notice outbox (existing entries and audit lines are kept as they are) */
	"CREATE TABLE notices ("
	" seq BIGSERIAL PRIMARY KEY, created BIGINT NOT NULL, kind TEXT NOT NULL,"
	" qid TEXT, sender TEXT NOT NULL, rcpts TEXT NOT NULL, language TEXT NOT NULL,"
	" subject TEXT, message BYTEA NOT NULL, status TEXT NOT NULL DEFAULT 'pending',"
	" attempts INTEGER NOT NULL DEFAULT 0, next_at BIGINT NOT NULL,"
	" claimed_until BIGINT NOT NULL DEFAULT 0, last_error TEXT,"
	" sent BIGINT NOT NULL DEFAULT 0, dedup TEXT UNIQUE);"
	"CREATE INDEX notices_due ON notices (status, next_at);"
	"CREATE INDEX notices_qid ON notices (qid);",
	/* 3: the digest of a held entry's envelope and bytes (lg_q_digest), so that an MTA's
	 * retry of a hold whose answer was lost is recognised rather than stored twice. Existing
	 * entries keep a NULL digest; the unique partial index allows one held entry per digest,
	 * which is what makes two relays putting the same retry at once race-free. */
	"ALTER TABLE messages ADD COLUMN digest TEXT;"
	"CREATE UNIQUE INDEX messages_held_digest ON messages (digest) "
	"WHERE status = 'held' AND digest IS NOT NULL;",
};

#define COLUMNS "id, created, status, changed, reviewer, sender, rcpts, queue_id, relay, " \
		"action, rules, reason, size"
#define PUT_ATTEMPTS 3	/* inserts tried when a held twin changes state under a put */
#define MIGRATION_LOCK "7140001"	/* pg_advisory_xact_lock key: one migrating relay at a time */

/* pg_fail - the server's message into err; clears res; returns -1 */
static int pg_fail(PGconn *c, PGresult *res, const char *what, char *err, size_t errlen)
{
	const char *m = res ? PQresultErrorMessage(res) : PQerrorMessage(c);
	snprintf(err, errlen, "quarantine (postgresql): %s: %.*s", what,
		 (int)strcspn(m && *m ? m : PQerrorMessage(c), "\n"), m && *m ? m : PQerrorMessage(c));
	PQclear(res);
	return -1;
}

/* pg_cmd - run one parameterised command expecting no rows; 0 or -1 */
static int pg_cmd(PGconn *c, const char *sql, int n, const char *const *vals, char *err,
		  size_t errlen)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, vals, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		return pg_fail(c, r, sql, err, errlen);
	PQclear(r);
	return 0;
}

/* pg_query - run a parameterised query; the result or NULL with err */
static PGresult *pg_query(PGconn *c, const char *sql, int n, const char *const *vals, char *err,
			  size_t errlen)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, vals, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK) {
		pg_fail(c, r, "query", err, errlen);
		return NULL;
	}
	return r;
}

/* val_dup - a result value copied, or NULL */
static char *val_dup(PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : lg_strdup(PQgetvalue(r, row, col));
}

/* pg_version_of - the schema version, 0 when there is none yet */
static int pg_version_of(PGconn *c, char *err, size_t errlen)
{
	PGresult *r = pg_query(c, "SELECT to_regclass('schema_version') IS NOT NULL", 0, NULL, err,
			       errlen);
	if (!r)
		return -1;
	int have = PQntuples(r) == 1 && !strcmp(PQgetvalue(r, 0, 0), "t");
	PQclear(r);
	if (!have)
		return 0;
	r = pg_query(c, "SELECT coalesce(max(version), 0) FROM schema_version", 0, NULL, err, errlen);
	if (!r)
		return -1;
	int v = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	return v;
}

/* pg_migrate - bring the schema up to date in one transaction, one relay at a time */
static int pg_migrate(PGconn *c, char *err, size_t errlen)
{
	if (pg_cmd(c, "BEGIN", 0, NULL, err, errlen) < 0)
		return -1;
	if (pg_cmd(c, "SELECT pg_advisory_xact_lock(" MIGRATION_LOCK ")", 0, NULL, err, errlen) < 0)
		goto fail;
	int v = pg_version_of(c, err, errlen);
	if (v < 0)
		goto fail;
	if (v > LG_Q_SCHEMA_VERSION) {
		snprintf(err, errlen, "quarantine (postgresql): schema version %d is newer than this "
				      "leakguard (%d)", v, LG_Q_SCHEMA_VERSION);
		goto fail;
	}
	if (v == 0 && pg_cmd(c, "CREATE TABLE schema_version (version INTEGER NOT NULL)", 0, NULL,
			     err, errlen) < 0)
		goto fail;
	for (; v < LG_Q_SCHEMA_VERSION; v++) {
		PGresult *r = PQexec(c, migrations[v]);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			pg_fail(c, r, "migration", err, errlen);
			goto fail;
		}
		PQclear(r);
		char vs[16];
		snprintf(vs, sizeof vs, "%d", v + 1);
		const char *vals[] = { vs };
		if (pg_cmd(c, "INSERT INTO schema_version (version) VALUES ($1::int)", 1, vals, err,
			   errlen) < 0)
			goto fail;
	}
	return pg_cmd(c, "COMMIT", 0, NULL, err, errlen);
fail:
	PQclear(PQexec(c, "ROLLBACK"));
	return -1;
}

/* pg_open - connect and migrate */
static struct lg_qstore *pg_open(const char *url, char *err, size_t errlen)
{
	struct pg_store *s = lg_calloc(1, sizeof *s);
	s->conn = PQconnectdb(url);
	if (PQstatus(s->conn) != CONNECTION_OK) {
		pg_fail(s->conn, NULL, "connect", err, errlen);
		goto fail;
	}
	PQclear(PQexec(s->conn, "SET client_min_messages = warning"));
	if (pg_migrate(s->conn, err, errlen) < 0)
		goto fail;
	return &s->base;
fail:
	PQfinish(s->conn);
	free(s);
	return NULL;
}

/* pg_close - disconnect */
static void pg_close(struct lg_qstore *q)
{
	struct pg_store *s = (struct pg_store *)q;
	PQfinish(s->conn);
	free(s);
}

/* pg_version - the schema version */
static int pg_version(struct lg_qstore *q, char *err, size_t errlen)
{
	return pg_version_of(((struct pg_store *)q)->conn, err, errlen);
}

/* notice_insert - one outbox row (inside the caller's transaction, if any); 1 added, 0 when the
 * dedup key is taken, -1 error */
static int notice_insert(PGconn *c, const struct lg_q_notice *n, char *err, size_t errlen)
{
	int64_t now = (int64_t)time(NULL);
	char created[24], next_at[24];
	snprintf(created, sizeof created, "%lld", (long long)(n->created ? n->created : now));
	snprintf(next_at, sizeof next_at, "%lld", (long long)(n->next_at ? n->next_at : now));
	char *rcpts = lg_q_join(n->rcpts, n->nrcpts, '\n', false);
	const char *vals[] = { created, n->kind, n->qid, n->from ? n->from : "", rcpts,
			       n->language ? n->language : "", n->subject,
			       n->message ? n->message : "", next_at, n->dedup };
	int lens[10] = {0}, fmts[10] = {0};
	lens[7] = (int)n->len;
	fmts[7] = 1;	/* the message: binary bytea */
	PGresult *r = PQexecParams(c,
		"INSERT INTO notices (created, kind, qid, sender, rcpts, language, subject, message, "
		"status, next_at, dedup) VALUES ($1::bigint, $2, $3, $4, $5, $6, $7, $8::bytea, "
		"'pending', $9::bigint, $10) ON CONFLICT (dedup) DO NOTHING", 10, NULL, vals, lens,
		fmts, 0);
	free(rcpts);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		return pg_fail(c, r, "insert notice", err, errlen);
	int added = strtol(PQcmdTuples(r), NULL, 10) > 0;
	PQclear(r);
	return added;
}

/* pg_put - insert one entry and its notices in one transaction (durable once committed).
 * INSERT ... ON CONFLICT on the unique index of held digests: when a held entry has this
 * digest (or another relay's uncommitted insert of it commits meanwhile: the insert waits for
 * it) nothing is inserted, and that entry's id is returned with 1. Should the twin be released
 * or deleted between the insert and the look-up, the insert is tried again. */
static int pg_put(struct lg_qstore *q, const struct lg_q_record *rec, const char *digest,
		  const char *msg, size_t len, const struct lg_q_notice *notices, size_t nnotices,
		  char existing[LG_Q_ID_LEN + 1], char *err, size_t errlen)
{
	PGconn *c = ((struct pg_store *)q)->conn;
	if (pg_cmd(c, "BEGIN", 0, NULL, err, errlen) < 0)
		return -1;
	char created[24], size[24];
	snprintf(created, sizeof created, "%lld", (long long)rec->created);
	snprintf(size, sizeof size, "%zu", len);
	char *rcpts = lg_q_join(rec->rcpts, rec->nrcpts, '\n', false);
	char *domains = lg_q_domains(rec->rcpts, rec->nrcpts);
	char *rules = lg_q_join(rec->rules, rec->nrules, ',', true);
	char *details = lg_q_details_encode(rec);
	const char *vals[] = { rec->id, created, rec->sender ? rec->sender : "", rcpts, domains,
			       rec->queue_id, rec->relay, rec->action ? rec->action : "hold", rules,
			       rec->reason, size, details, rec->report_json, msg ? msg : "",
			       digest };
	int lens[15] = {0};
	int fmts[15] = {0};
	lens[13] = (int)len;
	fmts[13] = 1;	/* the message: binary bytea */
	int rc = -1;
	for (int attempt = 0; attempt < PUT_ATTEMPTS && rc < 0; attempt++) {
		PGresult *r = PQexecParams(c,
			"INSERT INTO messages (id, created, status, sender, rcpts, rcpt_domains, "
			"queue_id, relay, action, rules, reason, size, details, report_json, message, "
			"digest) VALUES ($1, $2::bigint, 'held', $3, $4, $5, $6, $7, $8, $9, $10, "
			"$11::bigint, $12, $13, $14::bytea, $15) ON CONFLICT (digest) WHERE "
			"status = 'held' AND digest IS NOT NULL DO NOTHING", 15, NULL, vals, lens,
			fmts, 0);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			pg_fail(c, r, "insert", err, errlen);
			rc = -2;	/* an error: no retry */
			break;
		}
		int added = strtol(PQcmdTuples(r), NULL, 10) > 0;
		PQclear(r);
		if (added) {
			rc = 0;
			break;
		}
		/* a held twin: its id (read committed: this statement sees it committed) */
		const char *dv[] = { digest };
		r = pg_query(c, "SELECT id FROM messages WHERE digest = $1 AND status = 'held'", 1,
			     dv, err, errlen);
		if (!r) {
			rc = -2;
			break;
		}
		if (PQntuples(r) == 1) {
			snprintf(existing, LG_Q_ID_LEN + 1, "%s", PQgetvalue(r, 0, 0));
			rc = 1;
		}
		PQclear(r);
	}
	free(rcpts);
	free(domains);
	free(rules);
	free(details);
	if (rc == -1)
		snprintf(err, errlen, "quarantine (postgresql): insert: the held twin of %.16s... "
				      "kept changing state", digest);
	if (rc == 1) {
		PQclear(PQexec(c, "ROLLBACK"));	/* nothing was written */
		return 1;
	}
	if (rc < 0)
		goto fail;
	for (size_t i = 0; i < nnotices; i++)
		if (notice_insert(c, &notices[i], err, errlen) < 0)
			goto fail;
	if (pg_cmd(c, "COMMIT", 0, NULL, err, errlen) == 0)
		return 0;
fail:
	PQclear(PQexec(c, "ROLLBACK"));
	return -1;
}

/* row_record - the summary columns (COLUMNS) of a result row into a record */
static void row_record(PGresult *r, int i, struct lg_q_record *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->id, sizeof out->id, "%s", PQgetvalue(r, i, 0));
	out->created = strtoll(PQgetvalue(r, i, 1), NULL, 10);
	int s = lg_q_status_parse(PQgetvalue(r, i, 2));
	out->status = s < 0 ? LG_Q_HELD : (enum lg_q_status)s;
	out->changed = strtoll(PQgetvalue(r, i, 3), NULL, 10);
	out->reviewer = val_dup(r, i, 4);
	out->sender = val_dup(r, i, 5);
	out->nrcpts = lg_q_split(PQgetvalue(r, i, 6), '\n', &out->rcpts);
	out->queue_id = val_dup(r, i, 7);
	out->relay = val_dup(r, i, 8);
	out->action = val_dup(r, i, 9);
	out->nrules = lg_q_split(PQgetvalue(r, i, 10), ',', &out->rules);
	out->reason = val_dup(r, i, 11);
	out->size = strtoull(PQgetvalue(r, i, 12), NULL, 10);
}

/* pg_get - one entry with its details (and the bytes, fetched in binary, when msg is given) */
static int pg_get(struct lg_qstore *q, const char *id, struct lg_q_record *out, struct lg_buf *msg,
		  char *err, size_t errlen)
{
	PGconn *c = ((struct pg_store *)q)->conn;
	const char *vals[] = { id };
	PGresult *r = pg_query(c, "SELECT " COLUMNS ", details, report_json FROM messages "
				  "WHERE id = $1", 1, vals, err, errlen);
	if (!r)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return 0;
	}
	row_record(r, 0, out);
	lg_q_details_decode(out, PQgetvalue(r, 0, 13));
	out->report_json = val_dup(r, 0, 14);
	PQclear(r);
	if (!msg)
		return 1;
	r = PQexecParams(c, "SELECT message FROM messages WHERE id = $1", 1, NULL, vals, NULL, NULL,
			 1);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		lg_q_record_free(out);
		return pg_fail(c, r, "select message", err, errlen);
	}
	if (PQntuples(r) == 1)
		lg_buf_append(msg, PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0));
	PQclear(r);
	return 1;
}

/* pg_list - a page of entries matching the filter, newest first */
static long pg_list(struct lg_qstore *q, const struct lg_q_filter *f, unsigned page,
		    unsigned per_page, struct lg_q_record **out, char *err, size_t errlen)
{
	PGconn *c = ((struct pg_store *)q)->conn;
	char since[24], until[24], limit[24], offset[24];
	char *dom = NULL, *rule = NULL;
	if (f && f->rcpt_domain) {
		dom = lg_asprintf(",%s,", f->rcpt_domain);
		for (char *p = dom; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	}
	if (f && f->rule)
		rule = lg_asprintf(",%s,", f->rule);
	snprintf(since, sizeof since, "%lld", f ? (long long)f->since : 0LL);
	snprintf(until, sizeof until, "%lld", f ? (long long)f->until : 0LL);
	snprintf(limit, sizeof limit, "%u", per_page);
	snprintf(offset, sizeof offset, "%llu", (unsigned long long)(page - 1) * per_page);
	const char *vals[] = {
		f && f->status >= 0 ? lg_q_status_name((enum lg_q_status)f->status) : NULL,
		f ? f->sender : NULL, dom, rule, f && f->since ? since : NULL,
		f && f->until ? until : NULL, limit, offset
	};
	PGresult *r = pg_query(c,
		"SELECT " COLUMNS " FROM messages WHERE ($1::text IS NULL OR status = $1)"
		" AND ($2::text IS NULL OR lower(sender) = lower($2))"
		" AND ($3::text IS NULL OR strpos(rcpt_domains, $3) > 0)"
		" AND ($4::text IS NULL OR strpos(rules, $4) > 0)"
		" AND ($5::bigint IS NULL OR created >= $5) AND ($6::bigint IS NULL OR created < $6)"
		" ORDER BY created DESC, id DESC LIMIT $7::bigint OFFSET $8::bigint", 8, vals, err,
		errlen);
	free(dom);
	free(rule);
	if (!r)
		return -1;
	long n = PQntuples(r);
	*out = n ? lg_calloc((size_t)n, sizeof **out) : NULL;
	for (long i = 0; i < n; i++)
		row_record(r, (int)i, &(*out)[i]);
	PQclear(r);
	return n;
}

/* audit_insert - one audit row (inside the caller's transaction, if any) */
static int audit_insert(PGconn *c, const char *reviewer, const char *action, const char *id,
			const char *outcome, const char *reason, char *err, size_t errlen)
{
	char at[24];
	snprintf(at, sizeof at, "%lld", (long long)time(NULL));
	const char *vals[] = { at, reviewer ? reviewer : "?", action, id, outcome, reason };
	return pg_cmd(c, "INSERT INTO audit (at, reviewer, action, qid, outcome, reason) VALUES "
			 "($1::bigint, $2, $3, $4, $5, $6)", 6, vals, err, errlen);
}

/* pg_audit_add - append one audit line */
static int pg_audit_add(struct lg_qstore *q, const char *reviewer, const char *action,
			const char *id, const char *outcome, const char *reason, char *err,
			size_t errlen)
{
	return audit_insert(((struct pg_store *)q)->conn, reviewer, action, id, outcome, reason,
			    err, errlen);
}

/* pg_set_status - UPDATE ... WHERE status = from with its audit row in one transaction: the
 * row lock makes a second reviewer wait, then find the status changed */
static enum lg_q_change pg_set_status(struct lg_qstore *q, const char *id, enum lg_q_status from,
				      enum lg_q_status to, const char *reviewer, const char *reason,
				      char *err, size_t errlen)
{
	PGconn *c = ((struct pg_store *)q)->conn;
	const char *act = to == LG_Q_DELETED ? "delete" : to == LG_Q_RELEASED ? "release" : "hold";
	char now[24], outcome[64] = "done";
	snprintf(now, sizeof now, "%lld", (long long)time(NULL));
	if (pg_cmd(c, "BEGIN", 0, NULL, err, errlen) < 0)
		return LG_Q_ERROR;
	enum lg_q_change res = LG_Q_ERROR;
	const char *uvals[] = { lg_q_status_name(to), now, reviewer ? reviewer : "?", id,
				lg_q_status_name(from) };
	PGresult *r = pg_query(c, "UPDATE messages SET status = $1, changed = $2::bigint, "
				  "reviewer = $3 WHERE id = $4 AND status = $5", 5, uvals, err,
			       errlen);
	if (!r)
		goto out;
	long changed = strtol(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	if (changed == 1) {
		res = LG_Q_CHANGED;
	} else {
		const char *svals[] = { id };
		r = pg_query(c, "SELECT status FROM messages WHERE id = $1", 1, svals, err, errlen);
		if (!r)
			goto out;
		if (PQntuples(r) == 1) {
			const char *st = PQgetvalue(r, 0, 0);
			res = !strcmp(st, lg_q_status_name(to)) ? LG_Q_ALREADY : LG_Q_CONFLICT;
			snprintf(outcome, sizeof outcome, "%s%s",
				 res == LG_Q_ALREADY ? "already:" : "conflict:", st);
		} else {
			res = LG_Q_NOT_FOUND;
			snprintf(outcome, sizeof outcome, "not-found");
		}
		PQclear(r);
	}
	if (audit_insert(c, reviewer, act, id, outcome, reason, err, errlen) < 0 ||
	    pg_cmd(c, "COMMIT", 0, NULL, err, errlen) < 0)
		goto out;
	return res;
out:
	PQclear(PQexec(c, "ROLLBACK"));
	return LG_Q_ERROR;
}

/* pg_audit_list - every audit line, oldest first */
static long pg_audit_list(struct lg_qstore *q, struct lg_q_audit **out, char *err, size_t errlen)
{
	PGconn *c = ((struct pg_store *)q)->conn;
	PGresult *r = pg_query(c, "SELECT seq, at, reviewer, action, qid, outcome, reason FROM audit "
				  "ORDER BY seq", 0, NULL, err, errlen);
	if (!r)
		return -1;
	long n = PQntuples(r);
	*out = n ? lg_calloc((size_t)n, sizeof **out) : NULL;
	for (long i = 0; i < n; i++)
		(*out)[i] = (struct lg_q_audit){ strtoll(PQgetvalue(r, (int)i, 0), NULL, 10),
						 strtoll(PQgetvalue(r, (int)i, 1), NULL, 10),
						 val_dup(r, (int)i, 2), val_dup(r, (int)i, 3),
						 val_dup(r, (int)i, 4), val_dup(r, (int)i, 5),
						 val_dup(r, (int)i, 6) };
	PQclear(r);
	return n;
}

/* pg_purge - delete old entries */
static long pg_purge(struct lg_qstore *q, int64_t cutoff, bool include_held, char *err,
		     size_t errlen)
{
	PGconn *c = ((struct pg_store *)q)->conn;
	char cut[24];
	snprintf(cut, sizeof cut, "%lld", (long long)cutoff);
	const char *vals[] = { cut, include_held ? "true" : "false" };
	PGresult *r = pg_query(c, "DELETE FROM messages WHERE created < $1::bigint AND "
				  "($2::boolean OR status <> 'held')", 2, vals, err, errlen);
	if (!r)
		return -1;
	long n = strtol(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	/* notices that were sent or given up, as old as the entries purged */
	const char *nvals[] = { cut };
	if (pg_cmd(c, "DELETE FROM notices WHERE created < $1::bigint AND status <> 'pending'", 1,
		   nvals, err, errlen) < 0)
		return -1;
	return n;
}

#define NOTICE_COLUMNS "seq, created, kind, qid, sender, rcpts, language, subject, status, " \
		       "attempts, next_at, last_error, sent, dedup, length(message)"

/* row_notice - the NOTICE_COLUMNS of a result row (and the message, hex bytea, at column 15) */
static void row_notice(PGresult *r, int i, struct lg_q_notice *n, bool with_message)
{
	memset(n, 0, sizeof *n);
	n->seq = strtoll(PQgetvalue(r, i, 0), NULL, 10);
	n->created = strtoll(PQgetvalue(r, i, 1), NULL, 10);
	n->kind = val_dup(r, i, 2);
	n->qid = val_dup(r, i, 3);
	n->from = val_dup(r, i, 4);
	n->nrcpts = lg_q_split(PQgetvalue(r, i, 5), '\n', &n->rcpts);
	n->language = val_dup(r, i, 6);
	n->subject = val_dup(r, i, 7);
	n->status = val_dup(r, i, 8);
	n->attempts = (unsigned)strtoul(PQgetvalue(r, i, 9), NULL, 10);
	n->next_at = strtoll(PQgetvalue(r, i, 10), NULL, 10);
	n->last_error = val_dup(r, i, 11);
	n->sent = strtoll(PQgetvalue(r, i, 12), NULL, 10);
	n->dedup = val_dup(r, i, 13);
	n->len = strtoull(PQgetvalue(r, i, 14), NULL, 10);
	if (with_message && !PQgetisnull(r, i, 15)) {
		size_t len = 0;
		unsigned char *b = PQunescapeBytea((const unsigned char *)PQgetvalue(r, i, 15), &len);
		if (!b)
			lg_fatal("out of memory");
		n->message = lg_malloc(len + 1);
		memcpy(n->message, b, len);
		n->message[len] = '\0';
		n->len = len;
		PQfreemem(b);
	}
}

/* collect_notices - every row of a result as notices */
static long collect_notices(PGresult *r, bool with_message, struct lg_q_notice **out)
{
	long n = PQntuples(r);
	*out = n ? lg_calloc((size_t)n, sizeof **out) : NULL;
	for (long i = 0; i < n; i++)
		row_notice(r, (int)i, &(*out)[i], with_message);
	return n;
}

/* pg_notice_add - enqueue one notice */
static int pg_notice_add(struct lg_qstore *q, const struct lg_q_notice *n, char *err,
			 size_t errlen)
{
	return notice_insert(((struct pg_store *)q)->conn, n, err, errlen);
}

/* pg_notice_list - the outbox, newest first */
static long pg_notice_list(struct lg_qstore *q, const char *status, const char *qid,
			   unsigned limit, bool with_message, struct lg_q_notice **out, char *err,
			   size_t errlen)
{
	PGconn *c = ((struct pg_store *)q)->conn;
	char lim[24];
	snprintf(lim, sizeof lim, "%u", limit);
	const char *vals[] = { with_message ? "true" : "false", status, qid, limit ? lim : NULL };
	PGresult *r = pg_query(c, "SELECT " NOTICE_COLUMNS ", CASE WHEN $1::boolean THEN message END"
				  " FROM notices WHERE ($2::text IS NULL OR status = $2)"
				  " AND ($3::text IS NULL OR qid = $3) ORDER BY seq DESC"
				  " LIMIT $4::bigint", 4, vals, err, errlen);
	if (!r)
		return -1;
	long n = collect_notices(r, with_message, out);
	PQclear(r);
	return n;
}

/* pg_notice_claim - mark due rows claimed and return them, in one statement: FOR UPDATE SKIP
 * LOCKED lets relays sharing the database claim at once, each getting other rows */
static long pg_notice_claim(struct lg_qstore *q, int64_t now, unsigned lease, unsigned max,
			    struct lg_q_notice **out, char *err, size_t errlen)
{
	PGconn *c = ((struct pg_store *)q)->conn;
	char nows[24], leases[24], maxs[24];
	snprintf(nows, sizeof nows, "%lld", (long long)now);
	snprintf(leases, sizeof leases, "%u", lease);
	snprintf(maxs, sizeof maxs, "%u", max);
	const char *vals[] = { nows, leases, maxs };
	PGresult *r = pg_query(c, "UPDATE notices SET claimed_until = $1::bigint + $2::bigint"
				  " WHERE seq IN (SELECT seq FROM notices WHERE status = 'pending'"
				  " AND next_at <= $1::bigint AND claimed_until <= $1::bigint"
				  " ORDER BY seq LIMIT $3::bigint FOR UPDATE SKIP LOCKED)"
				  " RETURNING " NOTICE_COLUMNS ", message", 3, vals, err, errlen);
	if (!r)
		return -1;
	long n = collect_notices(r, true, out);
	PQclear(r);
	return n;
}

/* pg_notice_done - one attempt's outcome; the claim ends */
static int pg_notice_done(struct lg_qstore *q, int64_t seq, const char *status, int64_t next_at,
			  const char *error, int64_t sent, char *err, size_t errlen)
{
	PGconn *c = ((struct pg_store *)q)->conn;
	char seqs[24], nexts[24], sents[24];
	snprintf(seqs, sizeof seqs, "%lld", (long long)seq);
	snprintf(nexts, sizeof nexts, "%lld", (long long)next_at);
	snprintf(sents, sizeof sents, "%lld", (long long)sent);
	const char *vals[] = { status, nexts, error, sents, seqs };
	return pg_cmd(c, "UPDATE notices SET status = $1, next_at = $2::bigint, last_error = $3,"
			 " sent = $4::bigint, attempts = attempts + 1, claimed_until = 0"
			 " WHERE seq = $5::bigint", 5, vals, err, errlen);
}

/* pg_notice_last_dedup - the newest dedup key with a prefix */
static int pg_notice_last_dedup(struct lg_qstore *q, const char *prefix, char *buf, size_t len,
				char *err, size_t errlen)
{
	PGconn *c = ((struct pg_store *)q)->conn;
	const char *vals[] = { prefix };
	PGresult *r = pg_query(c, "SELECT dedup FROM notices WHERE starts_with(dedup, $1)"
				  " ORDER BY seq DESC LIMIT 1", 1, vals, err, errlen);
	if (!r)
		return -1;
	int found = PQntuples(r) == 1;
	if (found)
		snprintf(buf, len, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return found;
}

const struct lg_q_backend lg_q_pg_backend = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.version = pg_version,
	.put = pg_put,
	.get = pg_get,
	.list = pg_list,
	.set_status = pg_set_status,
	.audit_add = pg_audit_add,
	.audit_list = pg_audit_list,
	.purge = pg_purge,
	.notice_add = pg_notice_add,
	.notice_list = pg_notice_list,
	.notice_claim = pg_notice_claim,
	.notice_done = pg_notice_done,
	.notice_last_dedup = pg_notice_last_dedup,
};
