/* store_sqlite.c - the SQLite quarantine backend (the default, one relay): one database file
 * (0600) in WAL mode with synchronous=FULL, so a committed put is on disk; the message bytes are
 * a BLOB in the same row. URL: sqlite:/var/lib/leakguard/quarantine.db */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lg_alloc.h"
#include "lg_buf.h"
#include "quarantine/quarantine.h"

struct sq_store {
	struct lg_qstore base;
	sqlite3 *db;
};

/* The schema, one step per version: step i takes the database from version i to i + 1. */
static const char *const migrations[] = {
	"CREATE TABLE messages ("
	" id TEXT PRIMARY KEY, created INTEGER NOT NULL, status TEXT NOT NULL,"
	" changed INTEGER NOT NULL DEFAULT 0, reviewer TEXT, sender TEXT NOT NULL,"
	" rcpts TEXT NOT NULL, rcpt_domains TEXT NOT NULL, queue_id TEXT, relay TEXT,"
	" action TEXT NOT NULL, rules TEXT NOT NULL, reason TEXT, size INTEGER NOT NULL,"
	" details TEXT NOT NULL, report_json TEXT, message BLOB NOT NULL);"
	"CREATE INDEX messages_created ON messages (created);"
	"CREATE INDEX messages_status ON messages (status, created);"
	"CREATE TABLE audit ("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, reviewer TEXT NOT NULL,"
	" action TEXT NOT NULL, qid TEXT, outcome TEXT NOT NULL, reason TEXT);",
	/* 2: the notice outbox (existing entries and audit lines are kept as they are) */
	"CREATE TABLE notices ("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT, created INTEGER NOT NULL, kind TEXT NOT NULL,"
	" qid TEXT, sender TEXT NOT NULL, rcpts TEXT NOT NULL, language TEXT NOT NULL,"
	" subject TEXT, message BLOB NOT NULL, status TEXT NOT NULL DEFAULT 'pending',"
	" attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL,"
	" claimed_until INTEGER NOT NULL DEFAULT 0, last_error TEXT,"
	" sent INTEGER NOT NULL DEFAULT 0, dedup TEXT UNIQUE);"
	"CREATE INDEX notices_due ON notices (status, next_at);"
	"CREATE INDEX notices_qid ON notices (qid);",
	/* 3: the digest of a held entry's envelope and bytes (lg_q_digest), so that an MTA's
	 * retry of a hold whose answer was lost is recognised rather than stored twice. Existing
	 * entries keep a NULL digest; at most one held entry per digest. */
	"ALTER TABLE messages ADD COLUMN digest TEXT;"
	"CREATE UNIQUE INDEX messages_held_digest ON messages (digest) "
	"WHERE status = 'held' AND digest IS NOT NULL;",
};

#define COLUMNS "id, created, status, changed, reviewer, sender, rcpts, queue_id, relay, " \
		"action, rules, reason, size"

/* sq_err - the database's message into err; returns -1 */
static int sq_err(sqlite3 *db, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "quarantine (sqlite): %s: %s", what, sqlite3_errmsg(db));
	return -1;
}

/* sq_exec - run statements without results */
static int sq_exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "quarantine (sqlite): %s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* sq_prepare - a statement, or NULL with err */
static sqlite3_stmt *sq_prepare(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		sq_err(db, "prepare", err, errlen);
		return NULL;
	}
	return st;
}

/* bind_text - a text parameter (NULL binds SQL NULL) */
static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* col_dup - a text column copied, or NULL */
static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? lg_strdup((const char *)s) : NULL;
}

/* sq_version - the schema version, 0 for an empty database, -1 on error */
static int sq_version_of(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *st = sq_prepare(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
					  "AND name = 'schema_version'", err, errlen);
	if (!st)
		return -1;
	int have = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
	sqlite3_finalize(st);
	if (!have)
		return 0;
	st = sq_prepare(db, "SELECT max(version) FROM schema_version", err, errlen);
	if (!st)
		return -1;
	int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return v;
}

/* sq_migrate - bring the schema to LG_Q_SCHEMA_VERSION in one transaction */
static int sq_migrate(sqlite3 *db, char *err, size_t errlen)
{
	if (sq_exec(db, "BEGIN IMMEDIATE", err, errlen) < 0)
		return -1;
	int v = sq_version_of(db, err, errlen);
	if (v < 0)
		goto fail;
	if (v > LG_Q_SCHEMA_VERSION) {
		snprintf(err, errlen, "quarantine (sqlite): schema version %d is newer than this "
				      "leakguard (%d)", v, LG_Q_SCHEMA_VERSION);
		goto fail;
	}
	if (v == 0 && sq_exec(db, "CREATE TABLE schema_version (version INTEGER NOT NULL)", err,
			      errlen) < 0)
		goto fail;
	for (; v < LG_Q_SCHEMA_VERSION; v++) {
		if (sq_exec(db, migrations[v], err, errlen) < 0)
			goto fail;
		sqlite3_stmt *st = sq_prepare(db, "INSERT INTO schema_version (version) VALUES (?)",
					      err, errlen);
		if (!st)
			goto fail;
		sqlite3_bind_int(st, 1, v + 1);
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			sq_err(db, "schema_version", err, errlen);
			goto fail;
		}
	}
	return sq_exec(db, "COMMIT", err, errlen);
fail:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* sq_open - open (creating it 0600) and migrate the database at sqlite:PATH */
static struct lg_qstore *sq_open(const char *url, char *err, size_t errlen)
{
	const char *path = url + strlen("sqlite:");
	if (path[0] == '/' && path[1] == '/')	/* sqlite:///path */
		path += 2;
	if (path[0] != '/') {
		snprintf(err, errlen, "quarantine: '%s': the SQLite path must be absolute", url);
		return NULL;
	}
	/* create the file ourselves so that it is 0600 whatever the umask (SQLite gives the
	 * -wal and -shm files the database file's permissions). Only when it does not exist yet:
	 * closing any descriptor of a database file drops every POSIX lock this process holds on
	 * it, including those of other connections (the milter has one per thread), after which
	 * another process may checkpoint and delete the WAL under them and their commits are
	 * lost. */
	struct stat sb;
	if (stat(path, &sb) != 0) {
		int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST) {
			snprintf(err, errlen, "quarantine: %s: %s", path, strerror(errno));
			return NULL;
		}
		if (fd >= 0)
			close(fd);	/* new: no connection of ours can have it open */
	}
	struct sq_store *s = lg_calloc(1, sizeof *s);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) !=
	    SQLITE_OK) {
		sq_err(s->db, path, err, errlen);
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 30000);
	if (sq_exec(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
			   "PRAGMA foreign_keys=ON", err, errlen) < 0 ||
	    sq_migrate(s->db, err, errlen) < 0)
		goto fail;
	return &s->base;
fail:
	sqlite3_close(s->db);
	free(s);
	return NULL;
}

/* sq_close - disconnect */
static void sq_close(struct lg_qstore *q)
{
	struct sq_store *s = (struct sq_store *)q;
	sqlite3_close(s->db);
	free(s);
}

/* sq_version - the schema version */
static int sq_version(struct lg_qstore *q, char *err, size_t errlen)
{
	return sq_version_of(((struct sq_store *)q)->db, err, errlen);
}

/* notice_insert - one outbox row (inside the caller's transaction, if any); 1 added, 0 when the
 * dedup key is taken, -1 error */
static int notice_insert(sqlite3 *db, const struct lg_q_notice *n, char *err, size_t errlen)
{
	sqlite3_stmt *st = sq_prepare(db,
		"INSERT INTO notices (created, kind, qid, sender, rcpts, language, subject, message, "
		"status, next_at, dedup) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) "
		"ON CONFLICT (dedup) DO NOTHING", err, errlen);
	if (!st)
		return -1;
	int64_t now = (int64_t)time(NULL);
	char *rcpts = lg_q_join(n->rcpts, n->nrcpts, '\n', false);
	sqlite3_bind_int64(st, 1, n->created ? n->created : now);
	bind_text(st, 2, n->kind);
	bind_text(st, 3, n->qid);
	bind_text(st, 4, n->from ? n->from : "");
	bind_text(st, 5, rcpts);
	bind_text(st, 6, n->language ? n->language : "");
	bind_text(st, 7, n->subject);
	sqlite3_bind_blob64(st, 8, n->message ? n->message : "", n->len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, n->next_at ? n->next_at : now);
	bind_text(st, 10, n->dedup);
	int rc = sqlite3_step(st) == SQLITE_DONE ? (sqlite3_changes(db) > 0)
						 : sq_err(db, "insert notice", err, errlen);
	sqlite3_finalize(st);
	free(rcpts);
	return rc;
}

/* held_with_digest - the id of the held entry with this digest into id (inside the caller's
 * transaction); 1 found, 0 none, -1 error */
static int held_with_digest(sqlite3 *db, const char *digest, char id[LG_Q_ID_LEN + 1], char *err,
			    size_t errlen)
{
	sqlite3_stmt *st = sq_prepare(db, "SELECT id FROM messages WHERE digest = ? AND "
					  "status = 'held' LIMIT 1", err, errlen);
	if (!st)
		return -1;
	bind_text(st, 1, digest);
	int rc = sqlite3_step(st);
	int found = 0;
	if (rc == SQLITE_ROW) {
		const unsigned char *s = sqlite3_column_text(st, 0);
		snprintf(id, LG_Q_ID_LEN + 1, "%s", s ? (const char *)s : "");
		found = 1;
	} else if (rc != SQLITE_DONE) {
		found = sq_err(db, "find digest", err, errlen);
	}
	sqlite3_finalize(st);
	return found;
}

/* sq_put - insert one entry and its notices in one transaction; committed (and synced) before
 * it returns. The write transaction (BEGIN IMMEDIATE: one writer at a time) first looks for a
 * held entry with the same digest: if there is one, nothing is written and 1 is returned. */
static int sq_put(struct lg_qstore *q, const struct lg_q_record *rec, const char *digest,
		  const char *msg, size_t len, const struct lg_q_notice *notices, size_t nnotices,
		  char existing[LG_Q_ID_LEN + 1], char *err, size_t errlen)
{
	sqlite3 *db = ((struct sq_store *)q)->db;
	if (sq_exec(db, "BEGIN IMMEDIATE", err, errlen) < 0)
		return -1;
	int held = held_with_digest(db, digest, existing, err, errlen);
	if (held != 0) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);	/* nothing was written */
		return held;
	}
	sqlite3_stmt *st = sq_prepare(db,
		"INSERT INTO messages (id, created, status, sender, rcpts, rcpt_domains, queue_id, "
		"relay, action, rules, reason, size, details, report_json, message, digest) "
		"VALUES (?, ?, 'held', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", err, errlen);
	if (!st) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	char *rcpts = lg_q_join(rec->rcpts, rec->nrcpts, '\n', false);
	char *domains = lg_q_domains(rec->rcpts, rec->nrcpts);
	char *rules = lg_q_join(rec->rules, rec->nrules, ',', true);
	char *details = lg_q_details_encode(rec);
	bind_text(st, 1, rec->id);
	sqlite3_bind_int64(st, 2, rec->created);
	bind_text(st, 3, rec->sender ? rec->sender : "");
	bind_text(st, 4, rcpts);
	bind_text(st, 5, domains);
	bind_text(st, 6, rec->queue_id);
	bind_text(st, 7, rec->relay);
	bind_text(st, 8, rec->action ? rec->action : "hold");
	bind_text(st, 9, rules);
	bind_text(st, 10, rec->reason);
	sqlite3_bind_int64(st, 11, (sqlite3_int64)len);
	bind_text(st, 12, details);
	bind_text(st, 13, rec->report_json);
	sqlite3_bind_blob64(st, 14, msg ? msg : "", len, SQLITE_STATIC);
	bind_text(st, 15, digest);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sq_err(db, "insert", err, errlen);
	sqlite3_finalize(st);
	free(rcpts);
	free(domains);
	free(rules);
	free(details);
	for (size_t i = 0; rc == 0 && i < nnotices; i++)
		if (notice_insert(db, &notices[i], err, errlen) < 0)
			rc = -1;
	if (rc == 0 && sq_exec(db, "COMMIT", err, errlen) == 0)
		return 0;
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* row_record - the summary columns (COLUMNS) of a row into a record */
static void row_record(sqlite3_stmt *st, struct lg_q_record *r)
{
	memset(r, 0, sizeof *r);
	const unsigned char *id = sqlite3_column_text(st, 0);
	snprintf(r->id, sizeof r->id, "%s", id ? (const char *)id : "");
	r->created = sqlite3_column_int64(st, 1);
	int s = lg_q_status_parse((const char *)sqlite3_column_text(st, 2));
	r->status = s < 0 ? LG_Q_HELD : (enum lg_q_status)s;
	r->changed = sqlite3_column_int64(st, 3);
	r->reviewer = col_dup(st, 4);
	r->sender = col_dup(st, 5);
	r->nrcpts = lg_q_split((const char *)sqlite3_column_text(st, 6), '\n', &r->rcpts);
	r->queue_id = col_dup(st, 7);
	r->relay = col_dup(st, 8);
	r->action = col_dup(st, 9);
	r->nrules = lg_q_split((const char *)sqlite3_column_text(st, 10), ',', &r->rules);
	r->reason = col_dup(st, 11);
	r->size = (uint64_t)sqlite3_column_int64(st, 12);
}

/* sq_get - one entry with its details (and bytes when msg is given) */
static int sq_get(struct lg_qstore *q, const char *id, struct lg_q_record *out, struct lg_buf *msg,
		  char *err, size_t errlen)
{
	sqlite3 *db = ((struct sq_store *)q)->db;
	sqlite3_stmt *st = sq_prepare(db, "SELECT " COLUMNS ", details, report_json, "
					  "CASE WHEN ? THEN message END FROM messages WHERE id = ?",
				      err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, msg != NULL);
	bind_text(st, 2, id);
	int rc = sqlite3_step(st);
	int found = 0;
	if (rc == SQLITE_ROW) {
		found = 1;
		row_record(st, out);
		lg_q_details_decode(out, (const char *)sqlite3_column_text(st, 13));
		out->report_json = col_dup(st, 14);
		if (msg) {
			const void *b = sqlite3_column_blob(st, 15);
			int n = sqlite3_column_bytes(st, 15);
			if (b && n > 0)
				lg_buf_append(msg, b, (size_t)n);
		}
	} else if (rc != SQLITE_DONE) {
		found = sq_err(db, "select", err, errlen);
	}
	sqlite3_finalize(st);
	return found;
}

/* sq_list - a page of entries matching the filter, newest first */
static long sq_list(struct lg_qstore *q, const struct lg_q_filter *f, unsigned page,
		    unsigned per_page, struct lg_q_record **out, char *err, size_t errlen)
{
	sqlite3 *db = ((struct sq_store *)q)->db;
	sqlite3_stmt *st = sq_prepare(db,
		"SELECT " COLUMNS " FROM messages WHERE (?1 IS NULL OR status = ?1)"
		" AND (?2 IS NULL OR lower(sender) = lower(?2))"
		" AND (?3 IS NULL OR instr(rcpt_domains, ?3) > 0)"
		" AND (?4 IS NULL OR instr(rules, ?4) > 0)"
		" AND (?5 IS NULL OR created >= ?5) AND (?6 IS NULL OR created < ?6)"
		" ORDER BY created DESC, rowid DESC LIMIT ?7 OFFSET ?8", err, errlen);
	if (!st)
		return -1;
	char *dom = NULL, *rule = NULL;
	if (f && f->status >= 0)
		bind_text(st, 1, lg_q_status_name((enum lg_q_status)f->status));
	if (f && f->sender)
		bind_text(st, 2, f->sender);
	if (f && f->rcpt_domain) {
		dom = lg_asprintf(",%s,", f->rcpt_domain);
		for (char *p = dom; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		bind_text(st, 3, dom);
	}
	if (f && f->rule) {
		rule = lg_asprintf(",%s,", f->rule);
		bind_text(st, 4, rule);
	}
	if (f && f->since)
		sqlite3_bind_int64(st, 5, f->since);
	if (f && f->until)
		sqlite3_bind_int64(st, 6, f->until);
	sqlite3_bind_int64(st, 7, per_page);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)(page - 1) * per_page);
	long n = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = lg_realloc(*out, (size_t)(n + 1) * sizeof **out);
		row_record(st, &(*out)[n++]);
	}
	if (rc != SQLITE_DONE) {
		lg_q_records_free(*out, (size_t)n);
		*out = NULL;
		n = sq_err(db, "list", err, errlen);
	}
	sqlite3_finalize(st);
	free(dom);
	free(rule);
	return n;
}

/* audit_insert - one audit row (inside the caller's transaction, if any) */
static int audit_insert(sqlite3 *db, const char *reviewer, const char *action, const char *id,
			const char *outcome, const char *reason, char *err, size_t errlen)
{
	sqlite3_stmt *st = sq_prepare(db, "INSERT INTO audit (at, reviewer, action, qid, outcome, "
					  "reason) VALUES (?, ?, ?, ?, ?, ?)", err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)time(NULL));
	bind_text(st, 2, reviewer ? reviewer : "?");
	bind_text(st, 3, action);
	bind_text(st, 4, id);
	bind_text(st, 5, outcome);
	bind_text(st, 6, reason);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sq_err(db, "audit", err, errlen);
	sqlite3_finalize(st);
	return rc;
}

/* sq_audit_add - append one audit line */
static int sq_audit_add(struct lg_qstore *q, const char *reviewer, const char *action,
			const char *id, const char *outcome, const char *reason, char *err,
			size_t errlen)
{
	return audit_insert(((struct sq_store *)q)->db, reviewer, action, id, outcome, reason, err,
			    errlen);
}

/* sq_set_status - UPDATE ... WHERE status = from, in a write transaction with its audit row:
 * of two reviewers acting at once exactly one changes the entry */
static enum lg_q_change sq_set_status(struct lg_qstore *q, const char *id, enum lg_q_status from,
				      enum lg_q_status to, const char *reviewer, const char *reason,
				      char *err, size_t errlen)
{
	sqlite3 *db = ((struct sq_store *)q)->db;
	const char *act = to == LG_Q_DELETED ? "delete" : to == LG_Q_RELEASED ? "release" : "hold";
	if (sq_exec(db, "BEGIN IMMEDIATE", err, errlen) < 0)
		return LG_Q_ERROR;
	enum lg_q_change res = LG_Q_ERROR;
	char outcome[64] = "done";
	sqlite3_stmt *st = sq_prepare(db, "UPDATE messages SET status = ?, changed = ?, reviewer = ? "
					  "WHERE id = ? AND status = ?", err, errlen);
	if (!st)
		goto out;
	bind_text(st, 1, lg_q_status_name(to));
	sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
	bind_text(st, 3, reviewer ? reviewer : "?");
	bind_text(st, 4, id);
	bind_text(st, 5, lg_q_status_name(from));
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		sq_err(db, "update", err, errlen);
		goto out;
	}
	if (sqlite3_changes(db) == 1) {
		res = LG_Q_CHANGED;
	} else {
		st = sq_prepare(db, "SELECT status FROM messages WHERE id = ?", err, errlen);
		if (!st)
			goto out;
		bind_text(st, 1, id);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			const char *now = (const char *)sqlite3_column_text(st, 0);
			res = now && !strcmp(now, lg_q_status_name(to)) ? LG_Q_ALREADY : LG_Q_CONFLICT;
			snprintf(outcome, sizeof outcome, "%s%s",
				 res == LG_Q_ALREADY ? "already:" : "conflict:", now ? now : "?");
		} else if (rc == SQLITE_DONE) {
			res = LG_Q_NOT_FOUND;
			snprintf(outcome, sizeof outcome, "not-found");
		} else {
			sq_err(db, "select", err, errlen);
		}
		sqlite3_finalize(st);
		if (res == LG_Q_ERROR)
			goto out;
	}
	if (audit_insert(db, reviewer, act, id, outcome, reason, err, errlen) < 0 ||
	    sq_exec(db, "COMMIT", err, errlen) < 0) {
		res = LG_Q_ERROR;
		goto out;
	}
	return res;
out:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return LG_Q_ERROR;
}

/* sq_audit_list - every audit line, oldest first */
static long sq_audit_list(struct lg_qstore *q, struct lg_q_audit **out, char *err, size_t errlen)
{
	sqlite3 *db = ((struct sq_store *)q)->db;
	sqlite3_stmt *st = sq_prepare(db, "SELECT seq, at, reviewer, action, qid, outcome, reason "
					  "FROM audit ORDER BY seq", err, errlen);
	if (!st)
		return -1;
	long n = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = lg_realloc(*out, (size_t)(n + 1) * sizeof **out);
		(*out)[n++] = (struct lg_q_audit){ sqlite3_column_int64(st, 0),
						   sqlite3_column_int64(st, 1), col_dup(st, 2),
						   col_dup(st, 3), col_dup(st, 4), col_dup(st, 5),
						   col_dup(st, 6) };
	}
	if (rc != SQLITE_DONE) {
		lg_q_audit_free(*out, (size_t)n);
		*out = NULL;
		n = sq_err(db, "audit", err, errlen);
	}
	sqlite3_finalize(st);
	return n;
}

/* sq_purge - delete old entries */
static long sq_purge(struct lg_qstore *q, int64_t cutoff, bool include_held, char *err,
		     size_t errlen)
{
	sqlite3 *db = ((struct sq_store *)q)->db;
	sqlite3_stmt *st = sq_prepare(db, "DELETE FROM messages WHERE created < ? AND (? OR status "
					  "<> 'held')", err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, cutoff);
	sqlite3_bind_int(st, 2, include_held);
	long n = sqlite3_step(st) == SQLITE_DONE ? sqlite3_changes(db) : sq_err(db, "purge", err,
										 errlen);
	sqlite3_finalize(st);
	if (n < 0)
		return n;
	/* notices that were sent or given up, as old as the entries purged */
	st = sq_prepare(db, "DELETE FROM notices WHERE created < ? AND status <> 'pending'", err,
			errlen);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, cutoff);
	if (sqlite3_step(st) != SQLITE_DONE)
		n = sq_err(db, "purge notices", err, errlen);
	sqlite3_finalize(st);
	return n;
}

#define NOTICE_COLUMNS "seq, created, kind, qid, sender, rcpts, language, subject, status, " \
		       "attempts, next_at, last_error, sent, dedup, length(message)"

/* row_notice - the NOTICE_COLUMNS of a row (and the message at column 15 when with_message) */
static void row_notice(sqlite3_stmt *st, struct lg_q_notice *n, bool with_message)
{
	memset(n, 0, sizeof *n);
	n->seq = sqlite3_column_int64(st, 0);
	n->created = sqlite3_column_int64(st, 1);
	n->kind = col_dup(st, 2);
	n->qid = col_dup(st, 3);
	n->from = col_dup(st, 4);
	n->nrcpts = lg_q_split((const char *)sqlite3_column_text(st, 5), '\n', &n->rcpts);
	n->language = col_dup(st, 6);
	n->subject = col_dup(st, 7);
	n->status = col_dup(st, 8);
	n->attempts = (unsigned)sqlite3_column_int(st, 9);
	n->next_at = sqlite3_column_int64(st, 10);
	n->last_error = col_dup(st, 11);
	n->sent = sqlite3_column_int64(st, 12);
	n->dedup = col_dup(st, 13);
	n->len = (size_t)sqlite3_column_int64(st, 14);
	if (with_message) {
		const void *b = sqlite3_column_blob(st, 15);
		int len = sqlite3_column_bytes(st, 15);
		n->message = lg_malloc((size_t)len + 1);
		if (b && len > 0)
			memcpy(n->message, b, (size_t)len);
		n->message[len] = '\0';
		n->len = (size_t)len;
	}
}

/* sq_notice_add - enqueue one notice */
static int sq_notice_add(struct lg_qstore *q, const struct lg_q_notice *n, char *err,
			 size_t errlen)
{
	return notice_insert(((struct sq_store *)q)->db, n, err, errlen);
}

/* collect_notices - step a statement to its end, one notice per row; the count or -1 */
static long collect_notices(sqlite3 *db, sqlite3_stmt *st, bool with_message,
			    struct lg_q_notice **out, char *err, size_t errlen)
{
	long n = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = lg_realloc(*out, (size_t)(n + 1) * sizeof **out);
		row_notice(st, &(*out)[n++], with_message);
	}
	if (rc != SQLITE_DONE) {
		lg_q_notices_free(*out, (size_t)n);
		*out = NULL;
		n = sq_err(db, "notices", err, errlen);
	}
	return n;
}

/* sq_notice_list - the outbox, newest first */
static long sq_notice_list(struct lg_qstore *q, const char *status, const char *qid,
			   unsigned limit, bool with_message, struct lg_q_notice **out, char *err,
			   size_t errlen)
{
	sqlite3 *db = ((struct sq_store *)q)->db;
	sqlite3_stmt *st = sq_prepare(db, "SELECT " NOTICE_COLUMNS ", CASE WHEN ?1 THEN message END"
					  " FROM notices WHERE (?2 IS NULL OR status = ?2)"
					  " AND (?3 IS NULL OR qid = ?3) ORDER BY seq DESC LIMIT ?4",
				      err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, with_message);
	bind_text(st, 2, status);
	bind_text(st, 3, qid);
	sqlite3_bind_int64(st, 4, limit ? (sqlite3_int64)limit : -1);
	long n = collect_notices(db, st, with_message, out, err, errlen);
	sqlite3_finalize(st);
	return n;
}

/* sq_notice_claim - one write transaction marks the due rows claimed (until now + lease) and
 * returns them: a second sender (another process) sees them claimed */
static long sq_notice_claim(struct lg_qstore *q, int64_t now, unsigned lease, unsigned max,
			    struct lg_q_notice **out, char *err, size_t errlen)
{
	sqlite3 *db = ((struct sq_store *)q)->db;
	if (sq_exec(db, "BEGIN IMMEDIATE", err, errlen) < 0)
		return -1;
	sqlite3_stmt *st = sq_prepare(db, "UPDATE notices SET claimed_until = ?1 + ?2 WHERE seq IN"
					  " (SELECT seq FROM notices WHERE status = 'pending' AND"
					  " next_at <= ?1 AND claimed_until <= ?1 ORDER BY seq"
					  " LIMIT ?3) RETURNING " NOTICE_COLUMNS ", message",
				      err, errlen);
	if (!st) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, lease);
	sqlite3_bind_int64(st, 3, max);
	long n = collect_notices(db, st, true, out, err, errlen);
	sqlite3_finalize(st);
	if (n < 0 || sq_exec(db, "COMMIT", err, errlen) < 0) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		lg_q_notices_free(*out, n > 0 ? (size_t)n : 0);
		*out = NULL;
		return -1;
	}
	return n;
}

/* sq_notice_done - one attempt's outcome; the claim ends */
static int sq_notice_done(struct lg_qstore *q, int64_t seq, const char *status, int64_t next_at,
			  const char *error, int64_t sent, char *err, size_t errlen)
{
	sqlite3 *db = ((struct sq_store *)q)->db;
	sqlite3_stmt *st = sq_prepare(db, "UPDATE notices SET status = ?, next_at = ?, "
					  "last_error = ?, sent = ?, attempts = attempts + 1, "
					  "claimed_until = 0 WHERE seq = ?", err, errlen);
	if (!st)
		return -1;
	bind_text(st, 1, status);
	sqlite3_bind_int64(st, 2, next_at);
	bind_text(st, 3, error);
	sqlite3_bind_int64(st, 4, sent);
	sqlite3_bind_int64(st, 5, seq);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sq_err(db, "notice update", err, errlen);
	sqlite3_finalize(st);
	return rc;
}

/* sq_notice_last_dedup - the newest dedup key with a prefix */
static int sq_notice_last_dedup(struct lg_qstore *q, const char *prefix, char *buf, size_t len,
				char *err, size_t errlen)
{
	sqlite3 *db = ((struct sq_store *)q)->db;
	sqlite3_stmt *st = sq_prepare(db, "SELECT dedup FROM notices WHERE substr(dedup, 1, ?) = ?"
					  " ORDER BY seq DESC LIMIT 1", err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, (int)strlen(prefix));
	bind_text(st, 2, prefix);
	int rc = sqlite3_step(st);
	int found = 0;
	if (rc == SQLITE_ROW) {
		snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
		found = 1;
	} else if (rc != SQLITE_DONE) {
		found = sq_err(db, "notices", err, errlen);
	}
	sqlite3_finalize(st);
	return found;
}

const struct lg_q_backend lg_q_sqlite_backend = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.version = sq_version,
	.put = sq_put,
	.get = sq_get,
	.list = sq_list,
	.set_status = sq_set_status,
	.audit_add = sq_audit_add,
	.audit_list = sq_audit_list,
	.purge = sq_purge,
	.notice_add = sq_notice_add,
	.notice_list = sq_notice_list,
	.notice_claim = sq_notice_claim,
	.notice_done = sq_notice_done,
	.notice_last_dedup = sq_notice_last_dedup,
};
