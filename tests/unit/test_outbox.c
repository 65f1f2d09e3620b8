/* test_outbox.c - the notice outbox in the quarantine store: schema 3 (and the migrations from 1
 * and 2 on SQLite, from 2 on PostgreSQL, keeping entries and notices), a hold's notices in the
 * entry's own transaction (a failing notice leaves neither; a retried hold, recognised, enqueues
 * none again), claims (a claimed notice is nobody else's until its lease ends; two senders
 * claiming at once never get the same notice), dedup keys, and lg_notice_run against a
 * small SMTP responder on loopback: relay down -> retried after 1 min, 5 min ... with the
 * error kept, sent once the relay is back, given up after notices.give_up; the digest made
 * once per period. SQLite in a temp dir by default, or the store named by argv[1]
 * (tests/notice/outbox-pg.sh passes a postgresql:// URL). */
#include "config.h"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "analyze/analyze.h"
#include "config/config.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "lg_log.h"
#include "notice/notice.h"
#include "quarantine/quarantine.h"
#include "tap.h"

static const char *url;
static bool is_sqlite;

/* ---- a small SMTP responder ------------------------------------------------------------- */

/* What the responder saw. */
static struct {
	int fd;
	int port;
	pthread_t tid;
	pthread_mutex_t lock;
	unsigned messages;
	char *last_from, *last_rcpt, *last_data;
} smtp = { .fd = -1, .lock = PTHREAD_MUTEX_INITIALIZER };

/* smtp_line - read one line (without CRLF) into b; false at EOF */
static bool smtp_line(int c, struct lg_buf *b)
{
	lg_buf_reset(b);
	char ch;
	while (read(c, &ch, 1) == 1) {
		if (ch == '\n') {
			if (b->len && b->data[b->len - 1] == '\r')
				b->data[--b->len] = '\0';
			lg_buf_cstr(b);
			return true;
		}
		lg_buf_putc(b, ch);
	}
	return false;
}

/* say - one reply */
static void say(int c, const char *s)
{
	ssize_t w = write(c, s, strlen(s));
	(void)w;
}

/* smtp_session - one client: EHLO, MAIL, RCPT, DATA (to the lone dot), QUIT */
static void smtp_session(int c)
{
	struct lg_buf l = LG_BUF_INIT, data = LG_BUF_INIT;
	say(c, "220 test ESMTP\r\n");
	while (smtp_line(c, &l)) {
		const char *s = lg_buf_cstr(&l);
		if (!strncasecmp(s, "EHLO", 4) || !strncasecmp(s, "HELO", 4)) {
			say(c, "250 test\r\n");
		} else if (!strncasecmp(s, "MAIL FROM:", 10)) {
			pthread_mutex_lock(&smtp.lock);
			free(smtp.last_from);
			smtp.last_from = lg_strdup(s + 10);
			pthread_mutex_unlock(&smtp.lock);
			say(c, "250 ok\r\n");
		} else if (!strncasecmp(s, "RCPT TO:", 8)) {
			pthread_mutex_lock(&smtp.lock);
			free(smtp.last_rcpt);
			smtp.last_rcpt = lg_strdup(s + 8);
			pthread_mutex_unlock(&smtp.lock);
			say(c, "250 ok\r\n");
		} else if (!strcasecmp(s, "DATA")) {
			say(c, "354 go\r\n");
			lg_buf_reset(&data);
			while (smtp_line(c, &l) && strcmp(lg_buf_cstr(&l), ".")) {
				const char *t = lg_buf_cstr(&l);
				lg_buf_puts(&data, t[0] == '.' ? t + 1 : t);
				lg_buf_puts(&data, "\r\n");
			}
			pthread_mutex_lock(&smtp.lock);
			free(smtp.last_data);
			smtp.last_data = lg_strdup(lg_buf_cstr(&data));
			smtp.messages++;
			pthread_mutex_unlock(&smtp.lock);
			say(c, "250 queued\r\n");
		} else if (!strcasecmp(s, "QUIT")) {
			say(c, "221 bye\r\n");
			break;
		} else {
			say(c, "250 ok\r\n");
		}
	}
	lg_buf_free(&l);
	lg_buf_free(&data);
}

/* smtp_main - accept clients until the socket is shut down */
static void *smtp_main(void *arg)
{
	(void)arg;
	for (;;) {
		int c = accept(smtp.fd, NULL, NULL);
		if (c < 0)
			break;
		smtp_session(c);
		close(c);
	}
	return NULL;
}

/* listen_any - a loopback listening socket on a free port; the port in *port */
static int listen_any(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof a;
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 8) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &al) < 0) {
		printf("Bail out! cannot listen on loopback\n");
		exit(1);
	}
	*port = ntohs(a.sin_port);
	return fd;
}

/* smtp_start - the responder, up */
static void smtp_start(void)
{
	smtp.fd = listen_any(&smtp.port);
	pthread_create(&smtp.tid, NULL, smtp_main, NULL);
}

/* smtp_stop - the responder, down */
static void smtp_stop(void)
{
	shutdown(smtp.fd, SHUT_RDWR);
	close(smtp.fd);
	pthread_join(smtp.tid, NULL);
	free(smtp.last_from);
	free(smtp.last_rcpt);
	free(smtp.last_data);
}

/* dead_port - a loopback port nothing listens on: bound (so that the responder cannot get it
 * later) but not listening, so a connection is refused */
static int dead_port(void)
{
	static int fd = -1, port;
	if (fd >= 0)
		return port;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof a;
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &al) < 0) {
		printf("Bail out! cannot bind on loopback\n");
		exit(1);
	}
	port = ntohs(a.sin_port);
	return port;
}

/* ---- helpers -------------------------------------------------------------------------------- */

/* open_or_die - a connection to the store under test */
static struct lg_qstore *open_or_die(void)
{
	char err[512];
	struct lg_qstore *q = lg_q_open(url, err, sizeof err);
	if (!q) {
		printf("Bail out! %s\n", err);
		exit(1);
	}
	return q;
}

/* cfg_for - a configuration whose release relay is 127.0.0.1:port, compliance in mode */
static struct lg_config *cfg_for(int port, const char *mode)
{
	char *y = lg_asprintf(
		"quarantine: {url: \"%s\", hold_mode: store, release: {url: \"smtp://127.0.0.1:%d\", "
		"timeout: 10}}\n"
		"notices: {enabled: true, from: leakguard@pref.example.lg.jp, give_up: 1d,\n"
		"  compliance: {to: [compliance@pref.example.lg.jp], mode: %s, digest_interval: 1h}}\n",
		url, port, mode);
	struct lg_buf errs = LG_BUF_INIT;
	struct lg_config *c = lg_config_load_string("outbox.yaml", y, strlen(y), &errs);
	if (!c) {
		printf("Bail out! config: %s\n", lg_buf_cstr(&errs));
		exit(1);
	}
	lg_buf_free(&errs);
	free(y);
	return c;
}

/* make_record - a small held entry */
static void make_record(struct lg_q_record *r, int64_t created, const char *sender)
{
	memset(r, 0, sizeof *r);
	r->created = created;
	r->sender = lg_strdup(sender);
	r->nrcpts = 1;
	r->rcpts = lg_calloc(1, sizeof *r->rcpts);
	r->rcpts[0] = lg_strdup("outside@example.com");
	r->nrules = 1;
	r->rules = lg_calloc(1, sizeof *r->rules);
	r->rules[0] = lg_strdup("personal-data-external");
	r->action = lg_strdup("hold");
	r->ntallies = 1;
	r->tallies = lg_calloc(1, sizeof *r->tallies);
	r->tallies[0] = (struct lg_q_tally){ lg_strdup("phone_jp"), 49, 49, 49 };
}

/* make_notice - a notice to rcpt with a small rendered message */
static void make_notice(struct lg_q_notice *n, const char *kind, const char *qid,
			const char *rcpt, int64_t created)
{
	memset(n, 0, sizeof *n);
	n->created = created;
	n->next_at = created;	/* due from then (not from the clock at the insert) */
	n->kind = lg_strdup(kind);
	n->qid = qid ? lg_strdup(qid) : NULL;
	n->from = lg_strdup("leakguard@pref.example.lg.jp");
	n->nrcpts = 1;
	n->rcpts = lg_calloc(1, sizeof *n->rcpts);
	n->rcpts[0] = lg_strdup(rcpt);
	n->language = lg_strdup("ja");
	n->subject = lg_strdup("【送信保留】テスト");
	n->message = lg_notice_mime(n->from, n->rcpts, 1, n->subject, "本文\n.\n..dots\n", kind,
				    qid, &n->len);
}

/* count_entries - entries in the store */
static long count_entries(struct lg_qstore *q)
{
	char err[512];
	struct lg_q_record *r;
	long n = lg_q_list(q, NULL, 1, 1000, &r, err, sizeof err);
	lg_q_records_free(r, n > 0 ? (size_t)n : 0);
	return n;
}

/* count_notices - notices in the outbox (of a status, or all) */
static long count_notices(struct lg_qstore *q, const char *status)
{
	char err[512];
	struct lg_q_notice *ns;
	long n = lg_q_notice_list(q, status, NULL, 0, false, &ns, err, sizeof err);
	lg_q_notices_free(ns, n > 0 ? (size_t)n : 0);
	return n;
}

/* get_notice - the notice with seq (without bytes); true when found */
static bool get_notice(struct lg_qstore *q, int64_t seq, struct lg_q_notice *out)
{
	char err[512];
	struct lg_q_notice *ns;
	long n = lg_q_notice_list(q, NULL, NULL, 0, false, &ns, err, sizeof err);
	bool found = false;
	for (long i = 0; i < n; i++)
		if (ns[i].seq == seq && !found) {
			*out = ns[i];
			memset(&ns[i], 0, sizeof ns[i]);
			found = true;
		}
	lg_q_notices_free(ns, n > 0 ? (size_t)n : 0);
	return found;
}

/* newest_seq - the newest notice's number */
static int64_t newest_seq(struct lg_qstore *q)
{
	char err[512];
	struct lg_q_notice *ns;
	long n = lg_q_notice_list(q, NULL, NULL, 1, false, &ns, err, sizeof err);
	int64_t s = n > 0 ? ns[0].seq : -1;
	lg_q_notices_free(ns, n > 0 ? (size_t)n : 0);
	return s;
}

/* settle - mark every pending notice sent, so that a test starts with an empty queue */
static void settle(struct lg_qstore *q)
{
	char err[512];
	struct lg_q_notice *ns;
	long n;
	while ((n = lg_q_notice_claim(q, (int64_t)1 << 40, 1, 100, &ns, err, sizeof err)) > 0) {
		for (long i = 0; i < n; i++)
			lg_q_notice_done(q, ns[i].seq, "sent", 0, NULL, 1, err, sizeof err);
		lg_q_notices_free(ns, (size_t)n);
	}
}

/* ---- tests ------------------------------------------------------------------------------------ */

/* The schema as versions 1 and 2 made it (by hand: what older leakguards left on disk). */
#define V1_SCHEMA \
	"CREATE TABLE schema_version (version INTEGER NOT NULL);" \
	"INSERT INTO schema_version VALUES (1);" \
	"CREATE TABLE messages (" \
	" id TEXT PRIMARY KEY, created INTEGER NOT NULL, status TEXT NOT NULL," \
	" changed INTEGER NOT NULL DEFAULT 0, reviewer TEXT, sender TEXT NOT NULL," \
	" rcpts TEXT NOT NULL, rcpt_domains TEXT NOT NULL, queue_id TEXT, relay TEXT," \
	" action TEXT NOT NULL, rules TEXT NOT NULL, reason TEXT, size INTEGER NOT NULL," \
	" details TEXT NOT NULL, report_json TEXT, message BLOB NOT NULL);" \
	"CREATE INDEX messages_created ON messages (created);" \
	"CREATE INDEX messages_status ON messages (status, created);" \
	"CREATE TABLE audit (" \
	" seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, reviewer TEXT NOT NULL," \
	" action TEXT NOT NULL, qid TEXT, outcome TEXT NOT NULL, reason TEXT);" \
	"INSERT INTO messages VALUES ('0123456789abcdef0123456789abcdef', 1700000000," \
	" 'held', 0, NULL, 'a@pref.example.lg.jp', 'b@example.com', ',example.com,'," \
	" 'Q1', 'r1', 'hold', ',r,', NULL, 5, '', NULL, X'6869210d0a');" \
	"INSERT INTO audit (at, reviewer, action, qid, outcome) VALUES" \
	" (1700000001, 'x', 'put', '0123456789abcdef0123456789abcdef', 'done');"
#define V2_SCHEMA V1_SCHEMA \
	"INSERT INTO schema_version VALUES (2);" \
	"CREATE TABLE notices (" \
	" seq INTEGER PRIMARY KEY AUTOINCREMENT, created INTEGER NOT NULL, kind TEXT NOT NULL," \
	" qid TEXT, sender TEXT NOT NULL, rcpts TEXT NOT NULL, language TEXT NOT NULL," \
	" subject TEXT, message BLOB NOT NULL, status TEXT NOT NULL DEFAULT 'pending'," \
	" attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL," \
	" claimed_until INTEGER NOT NULL DEFAULT 0, last_error TEXT," \
	" sent INTEGER NOT NULL DEFAULT 0, dedup TEXT UNIQUE);" \
	"CREATE INDEX notices_due ON notices (status, next_at);" \
	"CREATE INDEX notices_qid ON notices (qid);" \
	"INSERT INTO notices (created, kind, qid, sender, rcpts, language, message, next_at)" \
	" VALUES (1700000000, 'held', '0123456789abcdef0123456789abcdef', 'l@pref.example.lg.jp'," \
	" 'a@pref.example.lg.jp', 'ja', X'6869', 1700000000);"

/* test_migration - a database of an older schema version (made by hand) migrates to the
 * current one and keeps its entry (bytes and all), audit line and notices; the old entry has no
 * digest, so the same message put again is stored; a retry of that is recognised */
static void test_migration(char *u, int from, long nnotices)
{
	char err[512];
	struct lg_qstore *q = lg_q_open(u, err, sizeof err);
	if (!tap_ok(q != NULL, "lg_q_open migrates it from version %d", from)) {
		tap_diag("%s", err);
	} else {
		tap_is_long(lg_q_schema_version(q, err, sizeof err), LG_Q_SCHEMA_VERSION,
			    "now at the current schema version");
		struct lg_q_record r;
		struct lg_buf msg = LG_BUF_INIT;
		int found = lg_q_get(q, "0123456789abcdef0123456789abcdef", &r, &msg, err,
				     sizeof err);
		tap_ok(found == 1 && msg.len == 5 && !memcmp(msg.data, "hi!\r\n", 5) &&
			       !strcmp(r.sender, "a@pref.example.lg.jp") && r.status == LG_Q_HELD,
		       "the version %d entry is still there, held, bytes and all", from);
		if (found == 1)
			lg_q_record_free(&r);
		lg_buf_free(&msg);
		struct lg_q_audit *a;
		long na = lg_q_audit_list(q, &a, err, sizeof err);
		tap_is_long(na, 1, "and its audit line");
		lg_q_audit_free(a, na > 0 ? (size_t)na : 0);
		tap_ok(count_notices(q, NULL) == nnotices, "and its outbox (%ld notices)",
		       nnotices);
		/* the old entry's envelope and bytes again: it has no digest, so a new entry */
		struct lg_q_record again;
		make_record(&again, 1700000100, "a@pref.example.lg.jp");
		free(again.rcpts[0]);
		again.rcpts[0] = lg_strdup("b@example.com");
		int rc1 = lg_q_put(q, &again, "hi!\r\n", 5, err, sizeof err);
		bool dup1 = again.duplicate;
		char id1[LG_Q_ID_LEN + 1];
		memcpy(id1, again.id, sizeof id1);
		int rc2 = lg_q_put(q, &again, "hi!\r\n", 5, err, sizeof err);
		tap_ok(rc1 == 0 && !dup1 && strcmp(id1, "0123456789abcdef0123456789abcdef") != 0 &&
			       rc2 == 0 && again.duplicate && !strcmp(again.id, id1) &&
			       count_entries(q) == 2,
		       "an old entry (no digest) is no twin; a new one's retry is recognised");
		lg_q_record_free(&again);
		lg_q_close(q);
	}
	free(u);
}

/* sqlite_at - a SQLite database dir/vN.db made by hand with schema; its URL */
static char *sqlite_at(const char *dir, int from, const char *schema)
{
	char *path = lg_asprintf("%s/v%d.db", dir, from);
	sqlite3 *db;
	int ok = sqlite3_open(path, &db) == SQLITE_OK &&
		 sqlite3_exec(db, schema, NULL, NULL, NULL) == SQLITE_OK;
	sqlite3_close(db);
	tap_ok(ok, "a version %d SQLite database made by hand", from);
	char *u = lg_asprintf("sqlite:%s", path);
	free(path);
	return u;
}

/* The version 2 schema in PostgreSQL (as store_pg.c's first two migrations made it). */
#define PG_V2_SCHEMA \
	"CREATE TABLE schema_version (version INTEGER NOT NULL);" \
	"INSERT INTO schema_version VALUES (1), (2);" \
	"CREATE TABLE messages (" \
	" id TEXT PRIMARY KEY, created BIGINT NOT NULL, status TEXT NOT NULL," \
	" changed BIGINT NOT NULL DEFAULT 0, reviewer TEXT, sender TEXT NOT NULL," \
	" rcpts TEXT NOT NULL, rcpt_domains TEXT NOT NULL, queue_id TEXT, relay TEXT," \
	" action TEXT NOT NULL, rules TEXT NOT NULL, reason TEXT, size BIGINT NOT NULL," \
	" details TEXT NOT NULL, report_json TEXT, message BYTEA NOT NULL);" \
	"CREATE INDEX messages_created ON messages (created);" \
	"CREATE INDEX messages_status ON messages (status, created);" \
	"CREATE TABLE audit (" \
	" seq BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, reviewer TEXT NOT NULL," \
	" action TEXT NOT NULL, qid TEXT, outcome TEXT NOT NULL, reason TEXT);" \
	"CREATE TABLE notices (" \
	" seq BIGSERIAL PRIMARY KEY, created BIGINT NOT NULL, kind TEXT NOT NULL," \
	" qid TEXT, sender TEXT NOT NULL, rcpts TEXT NOT NULL, language TEXT NOT NULL," \
	" subject TEXT, message BYTEA NOT NULL, status TEXT NOT NULL DEFAULT 'pending'," \
	" attempts INTEGER NOT NULL DEFAULT 0, next_at BIGINT NOT NULL," \
	" claimed_until BIGINT NOT NULL DEFAULT 0, last_error TEXT," \
	" sent BIGINT NOT NULL DEFAULT 0, dedup TEXT UNIQUE);" \
	"CREATE INDEX notices_due ON notices (status, next_at);" \
	"CREATE INDEX notices_qid ON notices (qid);" \
	"INSERT INTO messages VALUES ('0123456789abcdef0123456789abcdef', 1700000000," \
	" 'held', 0, NULL, 'a@pref.example.lg.jp', 'b@example.com', ',example.com,'," \
	" 'Q1', 'r1', 'hold', ',r,', NULL, 5, '', NULL, '\\x6869210d0a'::bytea);" \
	"INSERT INTO audit (at, reviewer, action, qid, outcome) VALUES" \
	" (1700000001, 'x', 'put', '0123456789abcdef0123456789abcdef', 'done');" \
	"INSERT INTO notices (created, kind, qid, sender, rcpts, language, message, next_at)" \
	" VALUES (1700000000, 'held', '0123456789abcdef0123456789abcdef', 'l@pref.example.lg.jp'," \
	" 'a@pref.example.lg.jp', 'ja', '\\x6869'::bytea, 1700000000);"

/* pg_v2_at - a version 2 store made by hand in the schema (namespace) lg_v2 of the database
 * under test; the store's URL with that search_path, or NULL */
static char *pg_v2_at(void)
{
	PGconn *c = PQconnectdb(url);
	PGresult *r = NULL;
	bool ok = PQstatus(c) == CONNECTION_OK;
	if (ok) {
		r = PQexec(c, "SET client_min_messages = warning; DROP SCHEMA IF EXISTS lg_v2 CASCADE;"
			      "CREATE SCHEMA lg_v2; SET search_path = lg_v2;" PG_V2_SCHEMA);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		if (!ok)
			tap_diag("%s", PQresultErrorMessage(r));
	}
	PQclear(r);
	PQfinish(c);
	tap_ok(ok, "a version 2 PostgreSQL store made by hand (schema lg_v2)");
	if (!ok)
		return NULL;
	return lg_asprintf("%s%coptions=-csearch_path%%3Dlg_v2", url, strchr(url, '?') ? '&' : '?');
}

/* test_put_atomic - notices go in with their entry, or neither does */
static void test_put_atomic(struct lg_qstore *q)
{
	char err[512];
	long e0 = count_entries(q), n0 = count_notices(q, NULL);
	struct lg_q_record rec;
	make_record(&rec, (int64_t)time(NULL), "hanako@pref.example.lg.jp");
	tap_ok(lg_q_id_new(rec.id) == 0, "an id made before the put");
	struct lg_q_notice ns[2];
	make_notice(&ns[0], "held", rec.id, "hanako@pref.example.lg.jp", 0);
	make_notice(&ns[1], "compliance", rec.id, "compliance@pref.example.lg.jp", 0);
	char id[LG_Q_ID_LEN + 1];
	memcpy(id, rec.id, sizeof id);
	int rc = lg_q_put_notices(q, &rec, "Subject: x\r\n\r\nbody\r\n", 21, ns, 2, err, sizeof err);
	if (!tap_ok(rc == 0, "entry and two notices put"))
		tap_diag("%s", err);
	tap_is_str(rec.id, id, "the id made before is kept");
	tap_is_long(count_entries(q), e0 + 1, "one more entry");
	struct lg_q_notice *got;
	long n = lg_q_notice_list(q, NULL, id, 0, true, &got, err, sizeof err);
	tap_is_long(n, 2, "its two notices are in the outbox");
	bool same = n == 2;
	for (long i = 0; i < n; i++) {
		const struct lg_q_notice *want = !strcmp(got[i].kind, "held") ? &ns[0] : &ns[1];
		same &= got[i].len == want->len && !memcmp(got[i].message, want->message, want->len) &&
			!strcmp(got[i].status, "pending") && got[i].attempts == 0 &&
			got[i].nrcpts == 1 && !strcmp(got[i].rcpts[0], want->rcpts[0]) &&
			!strcmp(got[i].subject, want->subject);
	}
	tap_ok(same, "stored whole: bytes, recipients, subject; pending, no attempt yet");
	lg_q_notices_free(got, n > 0 ? (size_t)n : 0);
	lg_q_record_free(&rec);

	/* the MTA retries the same message (our answer was lost): a new record and new notices
	 * with a new id, as the milter makes them; the held entry is recognised, nothing is added */
	make_record(&rec, (int64_t)time(NULL), "hanako@pref.example.lg.jp");
	lg_q_id_new(rec.id);
	struct lg_q_notice rs[2];
	make_notice(&rs[0], "held", rec.id, "hanako@pref.example.lg.jp", 0);
	make_notice(&rs[1], "compliance", rec.id, "compliance@pref.example.lg.jp", 0);
	rc = lg_q_put_notices(q, &rec, "Subject: x\r\n\r\nbody\r\n", 21, rs, 2, err, sizeof err);
	tap_ok(rc == 0 && rec.duplicate, "the same put again succeeds as a recognised retry");
	tap_is_str(rec.id, id, "with the held entry's id");
	tap_is_long(count_entries(q), e0 + 1, "no second entry");
	tap_is_long(count_notices(q, NULL), n0 + 2, "no second set of notices");
	lg_q_record_free(&rec);
	lg_q_notice_clear(&rs[0]);
	lg_q_notice_clear(&rs[1]);

	/* a notice the store refuses (no kind: NOT NULL) takes its entry down with it */
	make_record(&rec, (int64_t)time(NULL), "taro@pref.example.lg.jp");
	lg_q_id_new(rec.id);
	free(ns[1].kind);
	ns[1].kind = NULL;
	rc = lg_q_put_notices(q, &rec, "x", 1, ns, 2, err, sizeof err);
	tap_ok(rc < 0, "a put whose notice cannot be stored fails");
	tap_is_long(count_entries(q), e0 + 1, "and stores no entry");
	tap_is_long(count_notices(q, NULL), n0 + 2, "and no notice");
	lg_q_record_free(&rec);
	lg_q_notice_clear(&ns[0]);
	lg_q_notice_clear(&ns[1]);
	settle(q);
}

/* test_claims - leases and dedup keys */
static void test_claims(struct lg_qstore *q)
{
	char err[512];
	int64_t now = (int64_t)time(NULL);
	struct lg_q_notice n;
	make_notice(&n, "held", NULL, "a@pref.example.lg.jp", now);
	tap_is_long(lg_q_notice_add(q, &n, err, sizeof err), 1, "a notice added");
	lg_q_notice_clear(&n);
	struct lg_q_notice *c;
	long k = lg_q_notice_claim(q, now, 600, 10, &c, err, sizeof err);
	tap_ok(k == 1 && c[0].message && c[0].len > 100, "claimed with its bytes");
	lg_q_notices_free(c, k > 0 ? (size_t)k : 0);
	k = lg_q_notice_claim(q, now + 599, 600, 10, &c, err, sizeof err);
	tap_is_long(k, 0, "a claimed notice is nobody else's during its lease");
	lg_q_notices_free(c, k > 0 ? (size_t)k : 0);
	k = lg_q_notice_claim(q, now + 601, 600, 10, &c, err, sizeof err);
	tap_is_long(k, 1, "after the lease (a sender that died) it is claimed again");
	if (k == 1)
		lg_q_notice_done(q, c[0].seq, "sent", 0, NULL, now, err, sizeof err);
	lg_q_notices_free(c, k > 0 ? (size_t)k : 0);
	k = lg_q_notice_claim(q, now + 5000, 600, 10, &c, err, sizeof err);
	tap_is_long(k, 0, "a sent notice is never claimed");
	lg_q_notices_free(c, k > 0 ? (size_t)k : 0);

	make_notice(&n, "digest", NULL, "c@pref.example.lg.jp", now);
	n.dedup = lg_strdup("digest:1000");
	tap_is_long(lg_q_notice_add(q, &n, err, sizeof err), 1, "a digest with a dedup key");
	tap_is_long(lg_q_notice_add(q, &n, err, sizeof err), 0,
		    "the same dedup key again is not added (another relay made it)");
	free(n.dedup);
	n.dedup = lg_strdup("digest:2000");
	lg_q_notice_add(q, &n, err, sizeof err);
	lg_q_notice_clear(&n);
	char last[64] = "";
	tap_ok(lg_q_notice_last_dedup(q, "digest:", last, sizeof last, err, sizeof err) == 1 &&
		       !strcmp(last, "digest:2000"),
	       "the newest dedup key is found");
	settle(q);
}

/* Two senders claiming the same outbox at once. */
struct racer {
	long claimed;
	int64_t seqs[200];
};

/* race_main - claim in small batches until nothing is left */
static void *race_main(void *arg)
{
	struct racer *r = arg;
	struct lg_qstore *q = open_or_die();
	char err[512];
	for (;;) {
		struct lg_q_notice *c;
		long k = lg_q_notice_claim(q, (int64_t)time(NULL), 600, 3, &c, err, sizeof err);
		if (k <= 0) {
			lg_q_notices_free(c, 0);
			break;
		}
		for (long i = 0; i < k && r->claimed < 200; i++)
			r->seqs[r->claimed++] = c[i].seq;
		lg_q_notices_free(c, (size_t)k);
	}
	lg_q_close(q);
	return NULL;
}

/* test_race - every notice is claimed exactly once by two senders at once */
static void test_race(struct lg_qstore *q)
{
	char err[512];
	int64_t now = (int64_t)time(NULL);
	for (int i = 0; i < 60; i++) {
		struct lg_q_notice n;
		make_notice(&n, "held", NULL, "a@pref.example.lg.jp", now);
		lg_q_notice_add(q, &n, err, sizeof err);
		lg_q_notice_clear(&n);
	}
	struct racer r[2] = {0};
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, race_main, &r[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	bool twice = false;
	for (long i = 0; i < r[0].claimed; i++)
		for (long j = 0; j < r[1].claimed; j++)
			twice |= r[0].seqs[i] == r[1].seqs[j];
	tap_is_long(r[0].claimed + r[1].claimed, 60, "two senders at once claimed all 60");
	tap_ok(!twice, "and none twice (%ld and %ld)", r[0].claimed, r[1].claimed);
	settle(q);
}

/* test_retry - relay down: retried with backoff, the error kept; delivered once it is back;
 * given up after give_up */
static void test_retry(struct lg_qstore *q)
{
	char err[512];
	static const int64_t steps[] = { 60, 300, 900, 3600, 3600, 3600 };
	struct lg_config *down = cfg_for(dead_port(), "none");
	bool ok = true;
	for (unsigned i = 0; i < 6; i++)
		ok &= lg_notice_backoff(&down->notices, i + 1) == steps[i];
	tap_ok(ok, "backoff by default: 1 min, 5, 15, 60, then hourly");
	char *y = lg_asprintf("quarantine: {hold_mode: store, release: {url: \"smtp://h:25\"}}\n"
			      "notices: {retry: [2s, 10m], compliance: {mode: none}}\n");
	struct lg_config *rc = lg_config_load_string("r.yaml", y, strlen(y), NULL);
	tap_ok(rc && lg_notice_backoff(&rc->notices, 1) == 2 &&
		       lg_notice_backoff(&rc->notices, 2) == 600 &&
		       lg_notice_backoff(&rc->notices, 9) == 600,
	       "notices.retry [2s, 10m]: 2 s, then 10 min, repeating");
	lg_config_free(rc);
	free(y);
	int64_t now = (int64_t)time(NULL);
	struct lg_q_notice n;
	make_notice(&n, "held", "0123456789abcdef0123456789abcdef", "hanako@pref.example.lg.jp",
		    now);
	lg_q_notice_add(q, &n, err, sizeof err);
	int64_t seq = newest_seq(q);
	struct lg_notice_stats st = {0};
	tap_ok(lg_notice_run(q, down, now, &st, err, sizeof err) == 0 && st.deferred == 1 &&
		       st.sent == 0,
	       "relay down: the notice is deferred, the pass itself succeeds");
	struct lg_q_notice g;
	if (get_notice(q, seq, &g)) {
		tap_ok(g.attempts == 1 && !strcmp(g.status, "pending") && g.next_at >= now + 60 &&
			       g.next_at <= now + 62,
		       "attempt 1 counted, next try in 1 min");
		tap_ok(g.last_error && strstr(g.last_error, "127.0.0.1"),
		       "the relay's error is kept: %s", g.last_error ? g.last_error : "(none)");
		lg_q_notice_clear(&g);
	}
	memset(&st, 0, sizeof st);
	lg_notice_run(q, down, now + 30, &st, err, sizeof err);
	tap_ok(st.deferred == 0 && st.sent == 0, "not tried again before its time");
	memset(&st, 0, sizeof st);
	lg_notice_run(q, down, now + 61, &st, err, sizeof err);
	if (get_notice(q, seq, &g)) {
		tap_ok(st.deferred == 1 && g.attempts == 2 && g.next_at >= now + 61 + 300,
		       "attempt 2 at +1 min, next in 5 min");
		lg_q_notice_clear(&g);
	}
	/* the relay is back */
	smtp_start();
	struct lg_config *up = cfg_for(smtp.port, "none");
	memset(&st, 0, sizeof st);
	lg_notice_run(q, up, now + 400, &st, err, sizeof err);
	tap_ok(st.sent == 1, "relay back: sent on the next try");
	if (get_notice(q, seq, &g)) {
		tap_ok(!strcmp(g.status, "sent") && g.sent >= now + 400 && g.attempts == 3,
		       "status sent, with the time, after 3 attempts");
		lg_q_notice_clear(&g);
	}
	pthread_mutex_lock(&smtp.lock);
	tap_ok(smtp.messages == 1 && smtp.last_data && n.len == strlen(smtp.last_data) &&
		       !memcmp(smtp.last_data, n.message, n.len),
	       "the relay got the rendered notice byte for byte (dot-stuffing undone)");
	tap_ok(smtp.last_from && strstr(smtp.last_from, "<leakguard@pref.example.lg.jp>") &&
		       smtp.last_rcpt && strstr(smtp.last_rcpt, "<hanako@pref.example.lg.jp>"),
	       "MAIL FROM notices.from, RCPT TO the notice's recipient");
	pthread_mutex_unlock(&smtp.lock);
	memset(&st, 0, sizeof st);
	lg_notice_run(q, up, now + 100000, &st, err, sizeof err);
	tap_ok(st.sent == 0 && smtp.messages == 1, "a sent notice is not sent again");
	lg_q_notice_clear(&n);

	/* give-up: a notice older than give_up (1d) that fails once more */
	now = (int64_t)time(NULL);
	make_notice(&n, "held", NULL, "old@pref.example.lg.jp", now - 86400 - 10);
	lg_q_notice_add(q, &n, err, sizeof err);
	lg_q_notice_clear(&n);
	seq = newest_seq(q);
	memset(&st, 0, sizeof st);
	lg_notice_run(q, down, now, &st, err, sizeof err);
	if (get_notice(q, seq, &g)) {
		tap_ok(st.failed == 1 && !strcmp(g.status, "failed") && g.last_error,
		       "older than give_up and still failing: given up (status failed, error kept)");
		lg_q_notice_clear(&g);
	}
	memset(&st, 0, sizeof st);
	lg_notice_run(q, up, now + 100000, &st, err, sizeof err);
	tap_ok(st.sent == 0, "a given-up notice is not tried again");
	lg_config_free(down);
	lg_config_free(up);
	settle(q);
}

/* test_digest - the digest of the last period, made once */
static void test_digest(struct lg_qstore *q)
{
	char err[512];
	struct lg_config *cfg = cfg_for(smtp.port, "digest");
	int64_t now = (int64_t)time(NULL), hour = now / 3600 * 3600;
	long before = count_notices(q, NULL);
	for (int i = 0; i < 2; i++) {
		struct lg_q_record rec;
		make_record(&rec, hour - 1800 + i, i ? "taro@pref.example.lg.jp" : "jiro@pref.example.lg.jp");
		lg_q_put(q, &rec, "x", 1, err, sizeof err);
		lg_q_record_free(&rec);
	}
	unsigned m0 = smtp.messages;
	struct lg_notice_stats st = {0};
	lg_notice_run(q, cfg, now, &st, err, sizeof err);
	tap_ok(st.digests == 1 && st.sent == 1 && smtp.messages == m0 + 1,
	       "the last hour's digest is made and sent");
	pthread_mutex_lock(&smtp.lock);
	tap_ok(smtp.last_rcpt && strstr(smtp.last_rcpt, "compliance@pref.example.lg.jp") &&
		       smtp.last_data && strstr(smtp.last_data, "X-Leakguard-Notice: digest"),
	       "to the reviewers");
	pthread_mutex_unlock(&smtp.lock);
	memset(&st, 0, sizeof st);
	lg_notice_run(q, cfg, now + 10, &st, err, sizeof err);
	tap_ok(st.digests == 0 && count_notices(q, NULL) == before + 1,
	       "a second pass in the same period makes none");
	lg_config_free(cfg);
}

int main(int argc, char **argv)
{
	char tmpl[] = "/tmp/lg-otest.XXXXXX";
	char *dbpath = NULL;
	if (!mkdtemp(tmpl)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	if (argc > 1) {
		url = argv[1];
	} else {
		dbpath = lg_asprintf("sqlite:%s/quarantine.db", tmpl);
		url = dbpath;
	}
	is_sqlite = !strncmp(url, "sqlite:", 7);
	lg_library_init();
	lg_log_open("test_outbox", LG_LOG_STDERR, 0);
	tap_diag("store: %s", url);
	struct lg_qstore *q = open_or_die();
	char err[512];
	tap_is_long(lg_q_schema_version(q, err, sizeof err), 3, "schema version 3");
	if (is_sqlite) {
		test_migration(sqlite_at(tmpl, 1, V1_SCHEMA), 1, 0);
		test_migration(sqlite_at(tmpl, 2, V2_SCHEMA), 2, 1);
	} else {
		char *u = pg_v2_at();
		if (u)
			test_migration(u, 2, 1);
	}
	settle(q);
	test_put_atomic(q);
	test_claims(q);
	test_race(q);
	test_retry(q);
	test_digest(q);
	lg_q_close(q);
	smtp_stop();
	char *cmd = lg_asprintf("rm -rf '%s'", tmpl);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", tmpl);
	free(cmd);
	free(dbpath);
	return tap_done();
}
