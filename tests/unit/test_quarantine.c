/* test_quarantine.c - the quarantine store through its one interface: put/get, list filters and
 * paging, status changes (idempotent, and racing reviewers: exactly one wins), audit, purge,
 * idempotent puts (a retried hold is recognised, also when racing), schema version, file
 * mode, unguessable ids. Runs on SQLite in a temp dir by default, or on the store named by
 * argv[1] (tests/quarantine/pg.sh passes a postgresql:// URL). */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lg_alloc.h"
#include "lg_buf.h"
#include "quarantine/quarantine.h"
#include "tap.h"

static const char *url;
static bool is_sqlite;

/* One entry the tests put. */
struct entry {
	const char *sender;
	const char *rcpts[3];
	const char *rules[2];
	int64_t age;		/* seconds before now */
	char id[LG_Q_ID_LEN + 1];
};

static struct entry entries[] = {
	{ "taro@pref.example.lg.jp", { "a@example.com", "b@Example.NET", NULL }, { "personal-data-external", NULL }, 40 * 86400, "" },
	{ "hanako@pref.example.lg.jp", { "c@example.com", NULL }, { "my-number-external", NULL }, 3 * 86400, "" },
	{ "taro@pref.example.lg.jp", { "d@partner.co.jp", NULL }, { "payment-cards-external", "personal-data-external" }, 2 * 86400, "" },
	{ "jiro@pref.example.lg.jp", { "e@example.org", NULL }, { "unscannable-external", NULL }, 3600, "" },
	{ "", { "f@example.com", NULL }, { "personal-data-external", NULL }, 60, "" },
};
#define NENTRIES (sizeof entries / sizeof entries[0])

/* make_record - a record of an entry, with one finding in an attachment row */
static void make_record(const struct entry *e, struct lg_q_record *r, int64_t now)
{
	memset(r, 0, sizeof *r);
	r->created = now - e->age;
	r->sender = lg_strdup(e->sender);
	for (size_t i = 0; i < 3 && e->rcpts[i]; i++) {
		r->rcpts = lg_realloc(r->rcpts, (r->nrcpts + 1) * sizeof *r->rcpts);
		r->rcpts[r->nrcpts++] = lg_strdup(e->rcpts[i]);
	}
	for (size_t i = 0; i < 2 && e->rules[i]; i++) {
		r->rules = lg_realloc(r->rules, (r->nrules + 1) * sizeof *r->rules);
		r->rules[r->nrules++] = lg_strdup(e->rules[i]);
	}
	r->queue_id = lg_strdup("4XyZ1Abc");
	r->relay = lg_strdup("relay1.example.lg.jp");
	r->action = lg_strdup("hold");
	r->reason = lg_strdup("personal data\twith a tab");
	r->ntallies = 1;
	r->tallies = lg_calloc(1, sizeof *r->tallies);
	r->tallies[0] = (struct lg_q_tally){ lg_strdup("phone_jp"), 49, 49, 50 };
	r->nfindings = 1;
	r->findings = lg_calloc(1, sizeof *r->findings);
	r->findings[0] = (struct lg_q_finding){ lg_strdup("phone_jp"), lg_strdup("03-****-5678"),
						lg_strdup("参加者名簿.csv"), 7, 0, 5 };
	r->nparts = 2;
	r->parts = lg_calloc(2, sizeof *r->parts);
	r->parts[0] = (struct lg_q_part){ lg_strdup("1"), lg_strdup("text/plain"), 120, false, true, NULL };
	r->parts[1] = (struct lg_q_part){ lg_strdup("参加者名簿.csv"), lg_strdup("text/csv"), 4096, true,
					  true, NULL };
	r->report_json = lg_strdup("{\"action\":\"hold\"}");
}

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

/* test_open - schema version, file mode, reopen, bad URLs */
static void test_open(struct lg_qstore *q)
{
	char err[512];
	tap_is_long(lg_q_schema_version(q, err, sizeof err), LG_Q_SCHEMA_VERSION,
		    "schema version after open");
	struct lg_qstore *q2 = open_or_die();
	tap_is_long(lg_q_schema_version(q2, err, sizeof err), LG_Q_SCHEMA_VERSION,
		    "a second open keeps the version (no repeated migration)");
	lg_q_close(q2);
	if (is_sqlite) {
		struct stat sb;
		tap_ok(stat(url + 7, &sb) == 0 && (sb.st_mode & 0777) == 0600,
		       "the SQLite file is 0600");
	}
	tap_ok(lg_q_open("mysql://x", err, sizeof err) == NULL && strstr(err, "unknown"),
	       "an unknown URL scheme is refused");
	tap_ok(lg_q_open("sqlite:relative.db", err, sizeof err) == NULL,
	       "a relative SQLite path is refused");
}

/* test_put_get - every entry stored and read back whole */
static void test_put_get(struct lg_qstore *q)
{
	char err[512];
	int64_t now = (int64_t)time(NULL);
	int ok = 1;
	for (size_t i = 0; i < NENTRIES; i++) {
		struct lg_q_record r;
		make_record(&entries[i], &r, now);
		char *head = lg_asprintf("From: %s\r\nSubject: %zu\r\n\r\nbody", entries[i].sender, i);
		size_t hl = strlen(head);
		char *msg = lg_malloc(hl + 7);
		memcpy(msg, head, hl + 1);
		memcpy(msg + hl + 1, "binary", 6);	/* a NUL inside the message */
		free(head);
		if (lg_q_put(q, &r, msg, hl + 7, err, sizeof err) < 0) {
			tap_diag("%s", err);
			ok = 0;
		}
		memcpy(entries[i].id, r.id, sizeof r.id);
		free(msg);
		lg_q_record_free(&r);
	}
	tap_ok(ok, "put %zu entries", NENTRIES);
	tap_ok(lg_q_id_valid(entries[0].id), "the id is 32 hex digits");

	struct lg_q_record g;
	struct lg_buf msg = LG_BUF_INIT;
	tap_is_long(lg_q_get(q, entries[2].id, &g, &msg, err, sizeof err), 1, "get finds an entry");
	char *want = lg_asprintf("From: %s\r\nSubject: 2\r\n\r\nbody", entries[2].sender);
	tap_ok(msg.len == strlen(want) + 7 && !memcmp(msg.data, want, strlen(want) + 1) &&
		       !memcmp(msg.data + strlen(want) + 1, "binary", 6),
	       "the message bytes come back exactly (NUL included)");
	free(want);
	tap_is_str(g.sender, entries[2].sender, "sender");
	tap_ok(g.nrcpts == 1 && !strcmp(g.rcpts[0], "d@partner.co.jp"), "recipients");
	tap_ok(g.nrules == 2 && !strcmp(g.rules[1], "personal-data-external"), "rules");
	tap_is_str(g.reason, "personal data\twith a tab", "reason");
	tap_is_str(g.queue_id, "4XyZ1Abc", "queue id");
	tap_is_str(g.relay, "relay1.example.lg.jp", "relay");
	tap_ok(g.status == LG_Q_HELD && g.created == now - entries[2].age, "status held, time kept");
	tap_ok(g.ntallies == 1 && g.tallies[0].counted == 49 && g.tallies[0].any == 50,
	       "per-detector counts");
	tap_ok(g.nfindings == 1 && !strcmp(g.findings[0].sample, "03-****-5678") &&
		       !strcmp(g.findings[0].path, "参加者名簿.csv") && g.findings[0].row == 7 &&
		       g.findings[0].column == 5,
	       "redacted sample with attachment path, row and column");
	tap_ok(g.nparts == 2 && g.parts[1].attachment && g.parts[1].size == 4096 &&
		       !strcmp(g.parts[1].type, "text/csv") && g.parts[0].reason == NULL,
	       "attachment list with types and sizes");
	tap_is_str(g.report_json, "{\"action\":\"hold\"}", "report JSON");
	lg_q_record_free(&g);
	lg_buf_free(&msg);

	tap_is_long(lg_q_get(q, "00000000000000000000000000000000", &g, NULL, err, sizeof err), 0,
		    "get of an unknown id: not found");
	tap_is_long(lg_q_get(q, "x' OR '1'='1", &g, NULL, err, sizeof err), 0,
		    "get of a malformed id: not found");
}

/* One list query and the entries (indexes into entries[], newest first) it must return. */
struct list_case {
	const char *name;
	struct lg_q_filter f;
	unsigned page, per_page;
	int want[NENTRIES + 1];	/* -1 terminated */
};

/* test_list - filters and paging, table-driven */
static void test_list(struct lg_qstore *q)
{
	int64_t now = (int64_t)time(NULL);
	struct list_case cases[] = {
		{ "all, newest first", { -1, NULL, NULL, NULL, 0, 0 }, 1, 0, { 4, 3, 2, 1, 0, -1 } },
		{ "status held", { LG_Q_HELD, NULL, NULL, NULL, 0, 0 }, 1, 0, { 4, 3, 2, 1, 0, -1 } },
		{ "status deleted", { LG_Q_DELETED, NULL, NULL, NULL, 0, 0 }, 1, 0, { -1 } },
		{ "sender (case-insensitive)", { -1, "TARO@pref.example.lg.jp", NULL, NULL, 0, 0 }, 1, 0, { 2, 0, -1 } },
		{ "null sender", { -1, "", NULL, NULL, 0, 0 }, 1, 0, { 4, -1 } },
		{ "recipient domain", { -1, NULL, "example.com", NULL, 0, 0 }, 1, 0, { 4, 1, 0, -1 } },
		{ "recipient domain, upper case stored", { -1, NULL, "example.net", NULL, 0, 0 }, 1, 0, { 0, -1 } },
		{ "recipient domain is whole", { -1, NULL, "ample.com", NULL, 0, 0 }, 1, 0, { -1 } },
		{ "rule", { -1, NULL, NULL, "personal-data-external", 0, 0 }, 1, 0, { 4, 2, 0, -1 } },
		{ "rule is whole", { -1, NULL, NULL, "personal-data", 0, 0 }, 1, 0, { -1 } },
		{ "since", { -1, NULL, NULL, NULL, now - 4 * 86400, 0 }, 1, 0, { 4, 3, 2, 1, -1 } },
		{ "until", { -1, NULL, NULL, NULL, 0, now - 86400 }, 1, 0, { 2, 1, 0, -1 } },
		{ "since and until", { -1, NULL, NULL, NULL, now - 4 * 86400, now - 86400 }, 1, 0, { 2, 1, -1 } },
		{ "sender and rule", { -1, "taro@pref.example.lg.jp", NULL, "payment-cards-external", 0, 0 }, 1, 0, { 2, -1 } },
		{ "page 1 of 2", { -1, NULL, NULL, NULL, 0, 0 }, 1, 2, { 4, 3, -1 } },
		{ "page 2 of 2", { -1, NULL, NULL, NULL, 0, 0 }, 2, 2, { 2, 1, -1 } },
		{ "page 3 of 2", { -1, NULL, NULL, NULL, 0, 0 }, 3, 2, { 0, -1 } },
		{ "page beyond the end", { -1, NULL, NULL, NULL, 0, 0 }, 9, 2, { -1 } },
		{ "SQL in a filter is data", { -1, "x' OR '1'='1", NULL, NULL, 0, 0 }, 1, 0, { -1 } },
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		char err[512];
		struct lg_q_record *recs;
		long n = lg_q_list(q, &cases[c].f, cases[c].page, cases[c].per_page, &recs, err,
				   sizeof err);
		int ok = n >= 0;
		long i = 0;
		for (; ok && cases[c].want[i] >= 0; i++)
			ok = i < n && !strcmp(recs[i].id, entries[cases[c].want[i]].id);
		ok = ok && i == n;
		if (!tap_ok(ok, "list: %s", cases[c].name)) {
			tap_diag("got %ld entries%s%s", n, n < 0 ? ": " : "", n < 0 ? err : "");
		}
		if (n > 0)
			lg_q_records_free(recs, (size_t)n);
	}
}

/* What a racing thread does. */
struct racer {
	const char *id;
	enum lg_q_status to;
	const char *reviewer;
	pthread_barrier_t *start;
	enum lg_q_change got;
};

/* race_thread - its own connection, then the status change at the barrier */
static void *race_thread(void *arg)
{
	struct racer *r = arg;
	char err[512];
	struct lg_qstore *q = open_or_die();
	pthread_barrier_wait(r->start);
	r->got = lg_q_set_status(q, r->id, LG_Q_HELD, r->to, r->reviewer, "race", err, sizeof err);
	if (r->got == LG_Q_ERROR)
		printf("# %s\n", err);
	lg_q_close(q);
	return NULL;
}

/* race - n reviewers on n connections act on one entry at once; how many of each outcome */
static void race(const char *id, const enum lg_q_status *to, int n, int counts[5])
{
	pthread_t th[8];
	struct racer rs[8];
	pthread_barrier_t start;
	pthread_barrier_init(&start, NULL, (unsigned)n);
	for (int i = 0; i < n; i++) {
		rs[i] = (struct racer){ id, to[i], i % 2 ? "reviewer-b" : "reviewer-a", &start, LG_Q_ERROR };
		pthread_create(&th[i], NULL, race_thread, &rs[i]);
	}
	memset(counts, 0, 5 * sizeof *counts);
	for (int i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		counts[rs[i].got + 1]++;
	}
	pthread_barrier_destroy(&start);
}

/* test_status - idempotent delete, conflicts, not found, races, audit */
static void test_status(struct lg_qstore *q)
{
	char err[512];
	long before;
	struct lg_q_audit *a;
	before = lg_q_audit_list(q, &a, err, sizeof err);
	lg_q_audit_free(a, before > 0 ? (size_t)before : 0);

	tap_is_long(lg_q_set_status(q, entries[0].id, LG_Q_HELD, LG_Q_DELETED, "alice", "old",
				    err, sizeof err), LG_Q_CHANGED, "delete: changed");
	tap_is_long(lg_q_set_status(q, entries[0].id, LG_Q_HELD, LG_Q_DELETED, "alice", "again",
				    err, sizeof err), LG_Q_ALREADY, "delete again: already (idempotent)");
	tap_is_long(lg_q_set_status(q, entries[0].id, LG_Q_HELD, LG_Q_RELEASED, "bob", NULL, err,
				    sizeof err), LG_Q_CONFLICT, "release of a deleted entry: conflict");
	tap_is_long(lg_q_set_status(q, "ffffffffffffffffffffffffffffffff", LG_Q_HELD, LG_Q_DELETED,
				    "bob", NULL, err, sizeof err), LG_Q_NOT_FOUND,
		    "delete of an unknown id: not found");
	struct lg_q_record g;
	lg_q_get(q, entries[0].id, &g, NULL, err, sizeof err);
	tap_ok(g.status == LG_Q_DELETED && g.reviewer && !strcmp(g.reviewer, "alice") && g.changed > 0,
	       "the entry says deleted, by whom and when");
	lg_q_record_free(&g);

	int counts[5];
	enum lg_q_status dels[8] = { LG_Q_DELETED, LG_Q_DELETED, LG_Q_DELETED, LG_Q_DELETED,
				     LG_Q_DELETED, LG_Q_DELETED, LG_Q_DELETED, LG_Q_DELETED };
	race(entries[1].id, dels, 8, counts);
	tap_ok(counts[LG_Q_CHANGED + 1] == 1 && counts[LG_Q_ALREADY + 1] == 7,
	       "8 reviewers delete at once: exactly one changes it, 7 find it already deleted");
	if (counts[0])
		tap_diag("%d errors", counts[0]);
	enum lg_q_status mixed[2] = { LG_Q_DELETED, LG_Q_RELEASED };
	race(entries[3].id, mixed, 2, counts);
	tap_ok(counts[LG_Q_CHANGED + 1] == 1 && counts[LG_Q_CONFLICT + 1] == 1,
	       "delete and release at once: one wins, the other is told it conflicts");

	long n = lg_q_audit_list(q, &a, err, sizeof err);
	tap_is_long(n - before, 4 + 8 + 2, "every review action is in the audit table");
	if (n >= before + 4) {
		struct lg_q_audit *x = &a[before];
		tap_ok(!strcmp(x[0].reviewer, "alice") && !strcmp(x[0].action, "delete") &&
			       !strcmp(x[0].outcome, "done") && x[0].id && !strcmp(x[0].id, entries[0].id) &&
			       x[0].reason && !strcmp(x[0].reason, "old") && x[0].at > 0,
		       "audit: who, what, which, why, when");
		tap_is_str(x[1].outcome, "already:deleted", "audit: the repeated delete");
		tap_is_str(x[2].outcome, "conflict:deleted", "audit: the conflicting release");
		tap_is_str(x[3].outcome, "not-found", "audit: the unknown id");
	}
	lg_q_audit_free(a, n > 0 ? (size_t)n : 0);
}

/* test_purge - old reviewed entries go; held ones only when asked */
static void test_purge(struct lg_qstore *q)
{
	char err[512];
	int64_t now = (int64_t)time(NULL);
	/* entries[0] (40 days, deleted) and [1] (3 days, deleted by the race) */
	tap_is_long(lg_q_purge(q, now - 30 * 86400, false, err, sizeof err), 1,
		    "purge older than 30 days: the deleted 40-day-old entry");
	struct lg_q_record g;
	tap_is_long(lg_q_get(q, entries[0].id, &g, NULL, err, sizeof err), 0, "it is gone");
	tap_is_long(lg_q_purge(q, now - 86400, false, err, sizeof err), 1,
		    "purge older than 1 day: the deleted 3-day-old entry, not the held 2-day-old");
	tap_is_long(lg_q_purge(q, now - 86400, true, err, sizeof err), 1,
		    "with held entries included: the held 2-day-old too");
	struct lg_q_record *recs;
	long n = lg_q_list(q, NULL, 1, 0, &recs, err, sizeof err);
	tap_is_long(n, 2, "two recent entries remain");
	lg_q_records_free(recs, n > 0 ? (size_t)n : 0);
}

/* cmp_id - qsort on ids */
static int cmp_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* test_ids - ids of many puts are distinct and well-formed */
static void test_ids(struct lg_qstore *q, int nputs)
{
	char err[512];
	char (*ids)[LG_Q_ID_LEN + 1] = lg_calloc((size_t)nputs, sizeof *ids);
	int ok = 1;
	struct lg_q_record r;
	make_record(&entries[4], &r, (int64_t)time(NULL));
	for (int i = 0; i < nputs && ok; i++) {
		char msg[32];	/* different bytes each time: an identical put is not a new entry */
		int len = snprintf(msg, sizeof msg, "x%d", i);
		r.created = 0;
		ok = lg_q_put(q, &r, msg, (size_t)len, err, sizeof err) == 0 && lg_q_id_valid(r.id) &&
		     !r.duplicate;
		memcpy(ids[i], r.id, sizeof r.id);
	}
	lg_q_record_free(&r);
	if (!tap_ok(ok, "%d puts", nputs))
		tap_diag("%s", err);
	qsort(ids, (size_t)nputs, sizeof *ids, cmp_id);
	int distinct = 1;
	for (int i = 1; i < nputs; i++)
		if (!strcmp(ids[i - 1], ids[i]))
			distinct = 0;
	tap_ok(distinct, "their %d ids are distinct", nputs);
	free(ids);
	/* the bits are spread: each of the 32 hex digits takes many values over the puts */
	char id[LG_Q_ID_LEN + 1];
	int seen[LG_Q_ID_LEN][16] = {{0}};
	for (int i = 0; i < 2000; i++) {
		lg_q_id_new(id);
		for (int k = 0; k < LG_Q_ID_LEN; k++)
			seen[k][id[k] <= '9' ? id[k] - '0' : id[k] - 'a' + 10] = 1;
	}
	int spread = 1;
	for (int k = 0; k < LG_Q_ID_LEN; k++)
		for (int v = 0; v < 16; v++)
			spread &= seen[k][v];
	tap_ok(spread, "every digit of the ids takes all 16 values (no fixed or counted part)");
}

/* count_all - entries in the store (any status) */
static long count_all(struct lg_qstore *q)
{
	char err[512];
	struct lg_q_record *recs;
	long n = lg_q_list(q, NULL, 1, 100000, &recs, err, sizeof err);
	lg_q_records_free(recs, n > 0 ? (size_t)n : 0);
	return n;
}

/* put_env - put the message msg from sender to the recipients (NULL-terminated); the id into
 * id; 1 when it was recognised as already held, 0 when stored, -1 on error */
static int put_env(struct lg_qstore *q, const char *sender, const char *const *rcpts,
		   const char *msg, size_t len, char id[LG_Q_ID_LEN + 1])
{
	char err[512];
	struct lg_q_record r;
	struct entry e = { sender, { NULL, NULL, NULL }, { "personal-data-external", NULL }, 0, "" };
	for (size_t i = 0; i < 3 && rcpts[i]; i++)
		e.rcpts[i] = rcpts[i];
	make_record(&e, &r, (int64_t)time(NULL));
	int rc = lg_q_put(q, &r, msg, len, err, sizeof err);
	if (rc < 0)
		tap_diag("%s", err);
	else
		rc = r.duplicate;
	memcpy(id, r.id, LG_Q_ID_LEN + 1);
	lg_q_record_free(&r);
	return rc;
}

/* One put against the first one: is it the same held message? */
struct dedup_case {
	const char *name;
	const char *sender;
	const char *rcpts[3];
	const char *msg;
	size_t len;		/* 0: strlen(msg) */
	bool same;		/* recognised as the first entry (no new entry) */
};

#define D_SENDER "taro@pref.example.lg.jp"
#define D_MSG "Subject: dedup\r\n\r\n03-1234-5678\r\n"

/* test_dedup - an identical put (the MTA's retry after a lost answer) gives the held entry's id
 * and stores nothing; any difference in envelope or bytes is another message; a released or
 * deleted twin does not count; racing puts of one message on several connections store one */
static void test_dedup(struct lg_qstore *q)
{
	static const struct dedup_case cases[] = {
		{ "the same envelope and bytes", D_SENDER, { "a@example.com", "b@example.net", NULL }, D_MSG, 0, true },
		{ "recipients in another order", D_SENDER, { "b@example.net", "a@example.com", NULL }, D_MSG, 0, false },
		{ "one recipient fewer", D_SENDER, { "a@example.com", NULL, NULL }, D_MSG, 0, false },
		{ "the recipients run together", D_SENDER, { "a@example.comb@example.net", NULL, NULL }, D_MSG, 0, false },
		{ "a recipient moved into the sender", D_SENDER "a@example.com", { "b@example.net", NULL, NULL }, D_MSG, 0, false },
		{ "another sender", "hanako@pref.example.lg.jp", { "a@example.com", "b@example.net", NULL }, D_MSG, 0, false },
		{ "one byte different", D_SENDER, { "a@example.com", "b@example.net", NULL }, "Subject: dedup\r\n\r\n03-1234-5679\r\n", 0, false },
		{ "one byte shorter", D_SENDER, { "a@example.com", "b@example.net", NULL }, D_MSG, sizeof D_MSG - 2, false },
		{ "one NUL byte longer", D_SENDER, { "a@example.com", "b@example.net", NULL }, D_MSG, sizeof D_MSG, false },
	};
	const char *const base_rcpts[] = { "a@example.com", "b@example.net", NULL };
	char first[LG_Q_ID_LEN + 1], id[LG_Q_ID_LEN + 1], again[LG_Q_ID_LEN + 1];
	long n0 = count_all(q);
	tap_is_long(put_env(q, D_SENDER, base_rcpts, D_MSG, strlen(D_MSG), first), 0,
		    "dedup: the first put stores");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct dedup_case *c = &cases[i];
		long before = count_all(q);
		size_t len = c->len ? c->len : strlen(c->msg);
		int rc = put_env(q, c->sender, c->rcpts, c->msg, len, id);
		if (c->same) {
			tap_ok(rc == 1 && !strcmp(id, first) && count_all(q) == before,
			       "dedup: %s: the held entry's id, nothing stored", c->name);
		} else {
			int rc2 = put_env(q, c->sender, c->rcpts, c->msg, len, again);
			tap_ok(rc == 0 && strcmp(id, first) != 0 && count_all(q) == before + 1 &&
				       rc2 == 1 && !strcmp(again, id),
			       "dedup: %s: a new entry (and its own retry is recognised)", c->name);
		}
	}
	long n1 = count_all(q);
	tap_is_long(n1, n0 + 1 + 8, "dedup: one entry per distinct message");

	/* once reviewed, the same message sent again is a new message: held again */
	char err[512];
	tap_is_long(lg_q_set_status(q, first, LG_Q_HELD, LG_Q_RELEASED, "alice", NULL, err,
				    sizeof err), LG_Q_CHANGED, "dedup: the first entry released");
	tap_ok(put_env(q, D_SENDER, base_rcpts, D_MSG, strlen(D_MSG), id) == 0 &&
		       strcmp(id, first) != 0 && count_all(q) == n1 + 1,
	       "dedup: after a release the same message is a new entry");
	tap_ok(put_env(q, D_SENDER, base_rcpts, D_MSG, strlen(D_MSG), again) == 1 &&
		       !strcmp(again, id) && count_all(q) == n1 + 1,
	       "dedup: whose retry is recognised in turn");
	tap_is_long(lg_q_set_status(q, id, LG_Q_HELD, LG_Q_DELETED, "alice", NULL, err,
				    sizeof err), LG_Q_CHANGED, "dedup: that entry deleted");
	tap_ok(put_env(q, D_SENDER, base_rcpts, D_MSG, strlen(D_MSG), again) == 0 &&
		       strcmp(again, id) != 0 && strcmp(again, first) != 0 &&
		       count_all(q) == n1 + 2,
	       "dedup: after a delete the same message is a new entry");
}

/* One of several connections putting the same message at the same moment. */
struct putter {
	pthread_barrier_t *start;
	const char *msg;
	int rc;
	char id[LG_Q_ID_LEN + 1];
};

/* put_thread - its own connection, then the put at the barrier */
static void *put_thread(void *arg)
{
	struct putter *p = arg;
	static const char *const rcpts[] = { "race@example.com", NULL };
	struct lg_qstore *q = open_or_die();
	pthread_barrier_wait(p->start);
	p->rc = put_env(q, D_SENDER, rcpts, p->msg, strlen(p->msg), p->id);
	lg_q_close(q);
	return NULL;
}

/* test_dedup_race - puts of one message racing on several connections (relays sharing a
 * PostgreSQL store, or milter threads sharing the SQLite file) store it once */
static void test_dedup_race(struct lg_qstore *q)
{
	enum { N = 6, ROUNDS = 5 };
	int ok = 1;
	long n0 = count_all(q);
	for (int round = 0; round < ROUNDS; round++) {
		char *msg = lg_asprintf("Subject: race %d\r\n\r\n090-1234-5678\r\n", round);
		pthread_t th[N];
		struct putter ps[N];
		pthread_barrier_t start;
		pthread_barrier_init(&start, NULL, N);
		for (int i = 0; i < N; i++) {
			ps[i] = (struct putter){ &start, msg, -1, "" };
			pthread_create(&th[i], NULL, put_thread, &ps[i]);
		}
		int stored = 0, recognised = 0, same = 1;
		for (int i = 0; i < N; i++) {
			pthread_join(th[i], NULL);
			stored += ps[i].rc == 0;
			recognised += ps[i].rc == 1;
			same &= !strcmp(ps[i].id, ps[0].id);
		}
		pthread_barrier_destroy(&start);
		free(msg);
		if (stored != 1 || recognised != N - 1 || !same) {
			tap_diag("round %d: %d stored, %d recognised, same id: %d", round, stored,
				 recognised, same);
			ok = 0;
		}
	}
	tap_ok(ok, "dedup race: %d connections putting one message at once: one stores it, the "
		   "others get its id (%d rounds)", N, ROUNDS);
	tap_is_long(count_all(q), n0 + ROUNDS, "dedup race: one entry per round");
}

/* test_helpers - ages and dates as the CLI takes them */
static void test_helpers(void)
{
	tap_ok(lg_q_parse_age("30d") == 30 * 86400 && lg_q_parse_age("12h") == 12 * 3600 &&
		       lg_q_parse_age("90m") == 5400 && lg_q_parse_age("15") == 15,
	       "ages: 30d 12h 90m 15");
	tap_ok(lg_q_parse_age("d") < 0 && lg_q_parse_age("3w") < 0 && lg_q_parse_age("-1d") < 0,
	       "bad ages are refused");
	tap_ok(lg_q_parse_date("2026-05-20") > 0 &&
		       lg_q_parse_date("2026-05-20T10:30") - lg_q_parse_date("2026-05-20") == 37800,
	       "dates and date-times");
	tap_ok(lg_q_parse_date("2026-13-01") < 0 && lg_q_parse_date("yesterday") < 0,
	       "bad dates are refused");
	tap_ok(lg_q_status_parse("held") == LG_Q_HELD && lg_q_status_parse("gone") < 0,
	       "status names");
}

int main(int argc, char **argv)
{
	char tmpl[] = "/tmp/lg-qtest.XXXXXX";
	char *dbpath = NULL;
	int nputs = 10000;
	if (argc > 1) {
		url = argv[1];
	} else {
		if (!mkdtemp(tmpl)) {
			printf("Bail out! mkdtemp\n");
			return 1;
		}
		dbpath = lg_asprintf("sqlite:%s/quarantine.db", tmpl);
		url = dbpath;
	}
	if (getenv("LG_Q_PUTS"))
		nputs = atoi(getenv("LG_Q_PUTS"));
	is_sqlite = !strncmp(url, "sqlite:", 7);
	umask(022);	/* the file must be 0600 even so */
	tap_diag("store: %s", url);
	struct lg_qstore *q = open_or_die();
	test_open(q);
	test_put_get(q);
	test_list(q);
	test_status(q);
	test_purge(q);
	test_ids(q, nputs);
	test_dedup(q);
	test_dedup_race(q);
	test_helpers();
	lg_q_close(q);
	if (dbpath) {
		char *cmd = lg_asprintf("rm -rf '%s'", tmpl);
		if (system(cmd) != 0)
			tap_diag("could not remove %s", tmpl);
		free(cmd);
		free(dbpath);
	}
	return tap_done();
}
