/* quarantine_cmd.c - leakguardctl quarantine: review held messages (list, show, release, delete,
 * purge, audit), put a saved message into the quarantine by hand (the same analysis as scan),
 * and the notice outbox (notices: list it, or send what is due).
 * Exit: 0 done (also: already deleted, already released), 1 error (a failed release too),
 * 2 no such entry, 4 in another state (released while deleting, deleted while releasing),
 * 64 usage, 78 bad configuration. */
#include "config.h"

#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analyze/analyze.h"
#include "config/config.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "lg_json.h"
#include "notice/notice.h"
#include "quarantine/quarantine.h"
#include "quarantine/release.h"
#include "tools/ctl.h"

#define EX_NOTFOUND 2
#define EX_CONFLICT 4

/* qusage - the quarantine subcommands */
static void qusage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: leakguardctl quarantine list [--status S] [--sender ADDR] [--recipient-domain D]\n"
		"                 [--rule R] [--since DATE] [--until DATE] [--page N] [--json]\n"
		"       leakguardctl quarantine show ID [--raw | --json]\n"
		"       leakguardctl quarantine release ID [--reason TEXT] [--reviewer NAME]\n"
		"       leakguardctl quarantine delete ID [--reason TEXT] [--reviewer NAME]\n"
		"       leakguardctl quarantine purge --older-than AGE [--include-held] [--reviewer NAME]\n"
		"       leakguardctl quarantine audit [--json]\n"
		"       leakguardctl quarantine put [-f SENDER] [-r RCPT]... [--queue-id ID] FILE|-\n"
		"       leakguardctl quarantine notices [--status S] [--json] | --send\n"
		"common options: -c CONFIG, --url URL (instead of the config's quarantine.url)\n");
	exit(status);
}

/* Options of every subcommand. */
struct qopts {
	const char *cfgpath, *url, *status, *sender, *rdomain, *rule, *since, *until, *reason,
		*reviewer, *older, *queue_id;
	const char **rcpts;
	size_t nrcpts;
	unsigned page;
	int json, raw, include_held, send;
};

/* parse_opts - getopt over the common and per-command options; returns the first operand index */
static int parse_opts(int argc, char **argv, struct qopts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' }, { "url", required_argument, NULL, 'u' },
		{ "status", required_argument, NULL, 's' }, { "sender", required_argument, NULL, 'S' },
		{ "recipient-domain", required_argument, NULL, 'D' },
		{ "rule", required_argument, NULL, 'R' }, { "since", required_argument, NULL, 'a' },
		{ "until", required_argument, NULL, 'b' }, { "page", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' }, { "raw", no_argument, NULL, 'w' },
		{ "reason", required_argument, NULL, 'm' },
		{ "reviewer", required_argument, NULL, 'v' },
		{ "older-than", required_argument, NULL, 'o' },
		{ "include-held", no_argument, NULL, 'H' },
		{ "queue-id", required_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' },
		{ "send", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:u:f:r:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->cfgpath = optarg; break;
		case 'u': o->url = optarg; break;
		case 's': o->status = optarg; break;
		case 'S': o->sender = optarg; break;
		case 'D': o->rdomain = optarg; break;
		case 'R': o->rule = optarg; break;
		case 'a': o->since = optarg; break;
		case 'b': o->until = optarg; break;
		case 'p': o->page = (unsigned)strtoul(optarg, NULL, 10);
			if (!o->page)
				qusage(EX_USAGE_);
			break;
		case 'j': o->json = 1; break;
		case 'w': o->raw = 1; break;
		case 'm': o->reason = optarg; break;
		case 'v': o->reviewer = optarg; break;
		case 'o': o->older = optarg; break;
		case 'H': o->include_held = 1; break;
		case 'q': o->queue_id = optarg; break;
		case 'N': o->send = 1; break;
		case 'f': o->sender = optarg; break;
		case 'r':
			o->rcpts = lg_realloc(o->rcpts, (o->nrcpts + 1) * sizeof *o->rcpts);
			o->rcpts[o->nrcpts++] = optarg;
			break;
		case 'h': qusage(0); break;
		default: qusage(EX_USAGE_);
		}
	}
	return optind;
}

/* reviewer_name - --reviewer, else the OS user */
static const char *reviewer_name(const struct qopts *o)
{
	if (o->reviewer)
		return o->reviewer;
	struct passwd *pw = getpwuid(getuid());
	return pw ? pw->pw_name : "unknown";
}

/* open_store - the store of --url or of the configuration; exits on failure */
static struct lg_qstore *open_store(const struct qopts *o, struct lg_config **cfgp)
{
	struct lg_config *cfg = load_config(o->cfgpath, EX_CONFIG_);
	char err[512];
	struct lg_qstore *q = lg_q_open(o->url ? o->url : cfg->quarantine.url, err, sizeof err);
	if (!q) {
		fprintf(stderr, "leakguardctl: %s\n", err);
		lg_config_free(cfg);
		exit(1);
	}
	if (cfgp)
		*cfgp = cfg;
	else
		lg_config_free(cfg);
	return q;
}

/* fmt_time - local time as YYYY-MM-DD HH:MM:SS */
static const char *fmt_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!t || !localtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, len, "-");
	return buf;
}

/* q_list - leakguardctl quarantine list */
static int q_list(const struct qopts *o)
{
	struct lg_q_filter f = { -1, o->sender, o->rdomain, o->rule, 0, 0 };
	if (o->status && (f.status = lg_q_status_parse(o->status)) < 0) {
		fprintf(stderr, "leakguardctl: unknown status '%s' (held, released, deleted)\n",
			o->status);
		return EX_USAGE_;
	}
	if ((o->since && (f.since = lg_q_parse_date(o->since)) < 0) ||
	    (o->until && (f.until = lg_q_parse_date(o->until)) < 0)) {
		fprintf(stderr, "leakguardctl: bad date (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM)\n");
		return EX_USAGE_;
	}
	struct lg_qstore *q = open_store(o, NULL);
	char err[512], tb[32];
	struct lg_q_record *recs;
	long n = lg_q_list(q, &f, o->page ? o->page : 1, LG_Q_PAGE_SIZE, &recs, err, sizeof err);
	if (n < 0) {
		fprintf(stderr, "leakguardctl: %s\n", err);
		lg_q_close(q);
		return 1;
	}
	struct lg_buf b = LG_BUF_INIT;
	if (o->json)
		lg_buf_putc(&b, '[');
	for (long i = 0; i < n; i++) {
		const struct lg_q_record *r = &recs[i];
		if (o->json) {
			if (i)
				lg_buf_putc(&b, ',');
			lg_q_record_json(r, &b);
			continue;
		}
		char *rules = lg_q_join(r->rules, r->nrules, ',', false);
		lg_buf_printf(&b, "%s  %s  %-8s  %-30s  %zu rcpt%s  %s\n", r->id,
			      fmt_time(r->created, tb, sizeof tb), lg_q_status_name(r->status),
			      *r->sender ? r->sender : "<>", r->nrcpts, r->nrcpts == 1 ? " " : "s",
			      rules);
		free(rules);
	}
	if (o->json)
		lg_buf_puts(&b, "]\n");
	else if (!n)
		lg_buf_puts(&b, "(no entries)\n");
	fputs(lg_buf_cstr(&b), stdout);
	lg_buf_free(&b);
	lg_q_records_free(recs, (size_t)n);
	lg_q_close(q);
	return 0;
}

/* print_headers - the header section of the message, as stored */
static void print_headers(const struct lg_buf *msg)
{
	size_t i = 0;
	while (i < msg->len) {
		const char *nl = memchr(msg->data + i, '\n', msg->len - i);
		size_t end = nl ? (size_t)(nl - msg->data) : msg->len;
		size_t len = end - i;
		if (len && msg->data[end - 1] == '\r')
			len--;
		if (!len)
			break;
		printf("  %.*s\n", (int)len, msg->data + i);
		i = end + 1;
	}
}

/* q_show - leakguardctl quarantine show ID */
static int q_show(const struct qopts *o, const char *id)
{
	struct lg_qstore *q = open_store(o, NULL);
	char err[512], tb[32];
	struct lg_q_record r;
	struct lg_buf msg = LG_BUF_INIT;
	int found = lg_q_get(q, id, &r, &msg, err, sizeof err);
	lg_q_close(q);
	if (found <= 0) {
		fprintf(stderr, "leakguardctl: %s\n", found < 0 ? err : "no such quarantine entry");
		lg_buf_free(&msg);
		return found < 0 ? 1 : EX_NOTFOUND;
	}
	if (o->raw) {
		fwrite(msg.data, 1, msg.len, stdout);
	} else if (o->json) {
		struct lg_buf b = LG_BUF_INIT;
		lg_q_record_json(&r, &b);
		printf("%s\n", lg_buf_cstr(&b));
		lg_buf_free(&b);
	} else {
		printf("id:         %s\n", r.id);
		printf("status:     %s", lg_q_status_name(r.status));
		if (r.changed)
			printf(" (by %s at %s)", r.reviewer ? r.reviewer : "?",
			       fmt_time(r.changed, tb, sizeof tb));
		printf("\nheld:       %s", fmt_time(r.created, tb, sizeof tb));
		printf(" on %s, queue id %s\n", r.relay ? r.relay : "-", r.queue_id ? r.queue_id : "-");
		printf("sender:     %s\n", *r.sender ? r.sender : "<>");
		printf("recipients:");
		for (size_t i = 0; i < r.nrcpts; i++)
			printf("%s%s", i ? ", " : " ", r.rcpts[i]);
		printf("\nsize:       %llu bytes\n", (unsigned long long)r.size);
		printf("headers:\n");
		print_headers(&msg);
		printf("why held:   action %s, rules ", r.action);
		for (size_t i = 0; i < r.nrules; i++)
			printf("%s%s", i ? ", " : "", r.rules[i]);
		printf("%s\n", r.nrules ? "" : "(none)");
		if (r.reason)
			printf("reason:     %s\n", r.reason);
		printf("findings:\n");
		for (size_t i = 0; i < r.ntallies; i++)
			printf("  %-18s %u (%u high, %u in all)\n", r.tallies[i].detector,
			       r.tallies[i].counted, r.tallies[i].high, r.tallies[i].any);
		printf("samples (redacted):\n");
		for (size_t i = 0; i < r.nfindings; i++) {
			const struct lg_q_finding *f = &r.findings[i];
			printf("  %-18s %-20s %s", f->detector, f->sample ? f->sample : "-",
			       f->path ? f->path : "-");
			if (f->row)
				printf(" row %lu, column %u\n", f->row, f->column);
			else
				printf(" line %lu\n", f->line);
		}
		printf("parts:\n");
		for (size_t i = 0; i < r.nparts; i++) {
			const struct lg_q_part *p = &r.parts[i];
			printf("  %-10s %s  %s  %llu bytes%s%s\n", p->attachment ? "attachment" : "body",
			       p->path, p->type ? p->type : "-", (unsigned long long)p->size,
			       p->scanned ? "" : "  NOT scanned: ", p->scanned ? "" : (p->reason ? p->reason : "?"));
		}
	}
	lg_q_record_free(&r);
	lg_buf_free(&msg);
	return 0;
}

/* outcome_notices - after a release or delete: the sender's outcome notice queued and tried
 * at once; 0, or 1 when it could not even be queued (the review itself stands) */
static int outcome_notices(struct lg_qstore *q, const struct lg_config *cfg, const char *id,
			   enum lg_notice_kind kind, const char *reviewer, const char *reason)
{
	if (!cfg->notices.enabled)
		return 0;
	lg_library_init();
	char err[512];
	long n = lg_notice_review(q, cfg, id, kind, reviewer, reason, err, sizeof err);
	if (n < 0) {
		fprintf(stderr, "leakguardctl: %s: the %s notice was not queued: %s\n", id,
			lg_notice_kind_name(kind), err);
		return 1;
	}
	if (n == 0)
		return 0;	/* nobody was told of the hold: nobody is told of the outcome */
	struct lg_q_notice *ns;
	long m = lg_q_notice_list(q, NULL, id, (unsigned)n, false, &ns, err, sizeof err);
	for (long i = 0; i < m; i++)
		printf("%s: %s notice to %s: %s%s%s%s\n", id, ns[i].kind,
		       ns[i].nrcpts ? ns[i].rcpts[0] : "-", ns[i].status,
		       ns[i].last_error ? " (will be retried: " : "",
		       ns[i].last_error ? ns[i].last_error : "", ns[i].last_error ? ")" : "");
	lg_q_notices_free(ns, m > 0 ? (size_t)m : 0);
	return 0;
}

/* q_delete - leakguardctl quarantine delete ID: idempotent, safe against a second reviewer */
static int q_delete(const struct qopts *o, const char *id)
{
	struct lg_config *cfg;
	struct lg_qstore *q = open_store(o, &cfg);
	char err[512];
	enum lg_q_change c = lg_q_set_status(q, id, LG_Q_HELD, LG_Q_DELETED, reviewer_name(o),
					     o->reason, err, sizeof err);
	int rc = 0;
	switch (c) {
	case LG_Q_CHANGED:
		printf("%s: deleted\n", id);
		rc = outcome_notices(q, cfg, id, LG_N_DELETED, reviewer_name(o), o->reason);
		break;
	case LG_Q_ALREADY: printf("%s: already deleted; nothing changed\n", id); break;
	case LG_Q_CONFLICT: {
		struct lg_q_record r;
		const char *st = "?";
		if (lg_q_get(q, id, &r, NULL, err, sizeof err) == 1)
			st = lg_q_status_name(r.status);
		fprintf(stderr, "leakguardctl: %s: already %s; not deleted\n", id, st);
		if (st[0] != '?')
			lg_q_record_free(&r);
		rc = EX_CONFLICT;
		break;
	}
	case LG_Q_NOT_FOUND:
		fprintf(stderr, "leakguardctl: %s: no such quarantine entry\n", id);
		rc = EX_NOTFOUND;
		break;
	case LG_Q_ERROR:
		fprintf(stderr, "leakguardctl: %s\n", err);
		rc = 1;
		break;
	}
	lg_q_close(q);
	lg_config_free(cfg);
	return rc;
}

/* q_release - leakguardctl quarantine release ID: the entry moves held -> released first, in one
 * transaction (of two reviewers releasing at once exactly one wins, and only the winner sends);
 * then the stored bytes go to the release relay with the original envelope. If sending fails the
 * entry moves back to held with the error in the audit trail. Releasing a released entry is a
 * no-op. */
static int q_release(const struct qopts *o, const char *id)
{
	struct lg_config *cfg;
	struct lg_qstore *q = open_store(o, &cfg);
	char err[1024];
	int rc = 0;
	struct lg_q_record r;
	struct lg_buf msg = LG_BUF_INIT;
	int found = -1;
	if (!cfg->quarantine.release.url) {
		fprintf(stderr, "leakguardctl: no release relay configured (quarantine.release.url in "
				"%s)\n", cfg->source);
		rc = EX_CONFIG_;
		goto out;
	}
	found = lg_q_get(q, id, &r, &msg, err, sizeof err);
	if (found <= 0) {
		fprintf(stderr, "leakguardctl: %s\n", found < 0 ? err : "no such quarantine entry");
		rc = found < 0 ? 1 : EX_NOTFOUND;
		goto out;
	}
	const char *who = reviewer_name(o);
	switch (lg_q_set_status(q, id, LG_Q_HELD, LG_Q_RELEASED, who, o->reason, err, sizeof err)) {
	case LG_Q_CHANGED:
		break;
	case LG_Q_ALREADY:
		printf("%s: already released; nothing sent\n", id);
		goto out;
	case LG_Q_CONFLICT:
		/* neither held nor released: only deleted is left */
		fprintf(stderr, "leakguardctl: %s: already deleted; not released\n", id);
		rc = EX_CONFLICT;
		goto out;
	case LG_Q_NOT_FOUND:
		fprintf(stderr, "leakguardctl: %s: no such quarantine entry\n", id);
		rc = EX_NOTFOUND;
		goto out;
	case LG_Q_ERROR:
		fprintf(stderr, "leakguardctl: %s\n", err);
		rc = 1;
		goto out;
	}
	char serr[768];
	if (lg_q_send(&cfg->quarantine.release, r.sender, r.rcpts, r.nrcpts, msg.data, msg.len, serr,
		      sizeof serr) == 0) {
		printf("%s: released to %zu recipient%s via %s\n", id, r.nrcpts,
		       r.nrcpts == 1 ? "" : "s", cfg->quarantine.release.url);
		rc = outcome_notices(q, cfg, id, LG_N_RELEASED, who, o->reason);
		goto out;
	}
	fprintf(stderr, "leakguardctl: %s: release failed: %s\n", id, serr);
	rc = 1;
	char *why = lg_asprintf("release failed: %s", serr);
	if (lg_q_set_status(q, id, LG_Q_RELEASED, LG_Q_HELD, who, why, err, sizeof err) !=
	    LG_Q_CHANGED)
		fprintf(stderr, "leakguardctl: %s: could not put it back to held: %s\n", id, err);
	free(why);
out:
	if (found > 0)
		lg_q_record_free(&r);
	lg_buf_free(&msg);
	lg_q_close(q);
	lg_config_free(cfg);
	return rc;
}

/* q_purge - leakguardctl quarantine purge --older-than AGE */
static int q_purge(const struct qopts *o)
{
	int64_t age = o->older ? lg_q_parse_age(o->older) : -1;
	if (age < 0) {
		fprintf(stderr, "leakguardctl: purge needs --older-than AGE (30d, 12h, 90m)\n");
		return EX_USAGE_;
	}
	struct lg_qstore *q = open_store(o, NULL);
	char err[512], what[64];
	long n = lg_q_purge(q, (int64_t)time(NULL) - age, o->include_held, err, sizeof err);
	int rc = 0;
	if (n < 0) {
		fprintf(stderr, "leakguardctl: %s\n", err);
		rc = 1;
	} else {
		snprintf(what, sizeof what, "purged %ld", n);
		char *why = lg_asprintf("older than %s%s", o->older,
					o->include_held ? ", held included" : "");
		if (lg_q_audit_add(q, reviewer_name(o), "purge", NULL, what, why, err, sizeof err) < 0) {
			fprintf(stderr, "leakguardctl: %s\n", err);
			rc = 1;
		}
		free(why);
		printf("%s entries\n", what);
	}
	lg_q_close(q);
	return rc;
}

/* q_audit - leakguardctl quarantine audit */
static int q_audit(const struct qopts *o)
{
	struct lg_qstore *q = open_store(o, NULL);
	char err[512], tb[32];
	struct lg_q_audit *a;
	long n = lg_q_audit_list(q, &a, err, sizeof err);
	lg_q_close(q);
	if (n < 0) {
		fprintf(stderr, "leakguardctl: %s\n", err);
		return 1;
	}
	struct lg_buf b = LG_BUF_INIT;
	if (o->json)
		lg_buf_putc(&b, '[');
	for (long i = 0; i < n; i++) {
		if (o->json) {
			lg_buf_printf(&b, "%s{\"seq\":%lld,\"at\":%lld,\"reviewer\":", i ? "," : "",
				      (long long)a[i].seq, (long long)a[i].at);
			lg_json_str(&b, a[i].reviewer);
			lg_buf_puts(&b, ",\"action\":");
			lg_json_str(&b, a[i].action);
			lg_buf_puts(&b, ",\"id\":");
			lg_json_str(&b, a[i].id);
			lg_buf_puts(&b, ",\"outcome\":");
			lg_json_str(&b, a[i].outcome);
			lg_buf_puts(&b, ",\"reason\":");
			lg_json_str(&b, a[i].reason);
			lg_buf_putc(&b, '}');
		} else {
			lg_buf_printf(&b, "%s  %-12s %-8s %-32s %-18s %s\n",
				      fmt_time(a[i].at, tb, sizeof tb), a[i].reviewer, a[i].action,
				      a[i].id ? a[i].id : "-", a[i].outcome,
				      a[i].reason ? a[i].reason : "");
		}
	}
	if (o->json)
		lg_buf_puts(&b, "]\n");
	fputs(lg_buf_cstr(&b), stdout);
	lg_buf_free(&b);
	lg_q_audit_free(a, (size_t)n);
	return 0;
}

/* q_put - analyse a saved message as scan does and store it with its record */
static int q_put(const struct qopts *o, const char *file)
{
	struct lg_config *cfg;
	struct lg_qstore *q = open_store(o, &cfg);
	lg_library_init();
	struct lg_buf msg = LG_BUF_INIT;
	char err[512];
	int rc = 1;
	struct lg_analyzer *an = NULL;
	if (read_all(file, &msg) < 0)
		goto out;
	an = lg_analyzer_new(err, sizeof err);
	if (!an) {
		fprintf(stderr, "leakguardctl: %s\n", err);
		goto out;
	}
	struct lg_envelope env = { o->sender, o->rcpts, o->nrcpts };
	struct lg_report rep;
	if (lg_analyze(an, cfg, (o->sender || o->nrcpts) ? &env : NULL, msg.data, msg.len, &rep,
		       err, sizeof err) < 0) {
		fprintf(stderr, "leakguardctl: %s: analysis failed: %s\n", file, err);
		goto out;
	}
	char host[256] = "";
	gethostname(host, sizeof host - 1);
	struct lg_q_record rec;
	lg_q_record_from_report(&rec, &rep, o->queue_id, host);
	if (o->sender) {	/* the envelope as given, as the milter stores it */
		free(rec.sender);
		rec.sender = lg_strdup(o->sender);
	}
	struct lg_report *repp = &rep;
	if (lg_notice_put_held(q, cfg, &rec, repp, msg.data, msg.len, err, sizeof err) < 0) {
		fprintf(stderr, "leakguardctl: %s\n", err);
	} else if (lg_q_audit_add(q, reviewer_name(o), "put", rec.id,
				  rec.duplicate ? "already" : "done", file, err, sizeof err) < 0) {
		fprintf(stderr, "leakguardctl: %s\n", err);
	} else {
		printf("%s\n", rec.id);
		rc = 0;
	}
	lg_report_free(&rep);
	lg_q_record_free(&rec);
out:
	if (an)
		lg_analyzer_free(an);
	lg_buf_free(&msg);
	lg_q_close(q);
	lg_config_free(cfg);
	return rc;
}

/* q_notices - leakguardctl quarantine notices: list the outbox, or (--send) send what is due
 * now, as the daemon's notice thread does (for cron, and for tests) */
static int q_notices(const struct qopts *o)
{
	struct lg_config *cfg;
	struct lg_qstore *q = open_store(o, &cfg);
	char err[512], tb[32];
	int rc = 0;
	if (o->send) {
		if (!cfg->notices.enabled) {
			fprintf(stderr, "leakguardctl: notices are not enabled (notices.enabled in "
					"%s)\n", cfg->source);
			rc = EX_CONFIG_;
		} else {
			lg_library_init();
			struct lg_notice_stats st = {0};
			if (lg_notice_run(q, cfg, (int64_t)time(NULL), &st, err, sizeof err) < 0) {
				fprintf(stderr, "leakguardctl: %s\n", err);
				rc = 1;
			}
			printf("sent %u, deferred %u, given up %u, digests made %u\n", st.sent,
			       st.deferred, st.failed, st.digests);
			if (st.deferred || st.failed)
				rc = 1;
		}
		lg_q_close(q);
		lg_config_free(cfg);
		return rc;
	}
	if (o->status && strcmp(o->status, "pending") && strcmp(o->status, "sent") &&
	    strcmp(o->status, "failed")) {
		fprintf(stderr, "leakguardctl: unknown notice status '%s' (pending, sent, failed)\n",
			o->status);
		lg_q_close(q);
		lg_config_free(cfg);
		return EX_USAGE_;
	}
	struct lg_q_notice *ns;
	long n = lg_q_notice_list(q, o->status, NULL, 0, false, &ns, err, sizeof err);
	lg_q_close(q);
	lg_config_free(cfg);
	if (n < 0) {
		fprintf(stderr, "leakguardctl: %s\n", err);
		return 1;
	}
	struct lg_buf b = LG_BUF_INIT;
	if (o->json)
		lg_buf_putc(&b, '[');
	for (long i = 0; i < n; i++) {
		const struct lg_q_notice *x = &ns[i];
		if (o->json) {
			if (i)
				lg_buf_putc(&b, ',');
			lg_q_notice_json(x, &b);
			continue;
		}
		char *to = lg_q_join(x->rcpts, x->nrcpts, ',', false);
		lg_buf_printf(&b, "%-6lld %s  %-10s %-8s %-5s %u  %s  %s  %s\n", (long long)x->seq,
			      fmt_time(x->created, tb, sizeof tb), x->kind, x->status, x->language,
			      x->attempts, x->qid ? x->qid : "-", to, x->subject ? x->subject : "");
		if (x->last_error)
			lg_buf_printf(&b, "       last error: %s\n", x->last_error);
		free(to);
	}
	if (o->json)
		lg_buf_puts(&b, "]\n");
	else if (!n)
		lg_buf_puts(&b, "(no notices)\n");
	fputs(lg_buf_cstr(&b), stdout);
	lg_buf_free(&b);
	lg_q_notices_free(ns, (size_t)n);
	return 0;
}

/* cmd_quarantine - dispatch a quarantine subcommand */
int cmd_quarantine(int argc, char **argv)
{
	if (argc < 2)
		qusage(EX_USAGE_);
	const char *sub = argv[1];
	struct qopts o = {0};
	int first = parse_opts(argc - 1, argv + 1, &o) + 1;
	int nargs = argc - first;
	int rc;
	if (!strcmp(sub, "list") && nargs == 0)
		rc = q_list(&o);
	else if (!strcmp(sub, "show") && nargs == 1 && !(o.raw && o.json))
		rc = q_show(&o, argv[first]);
	else if (!strcmp(sub, "release") && nargs == 1)
		rc = q_release(&o, argv[first]);
	else if (!strcmp(sub, "delete") && nargs == 1)
		rc = q_delete(&o, argv[first]);
	else if (!strcmp(sub, "purge") && nargs == 0)
		rc = q_purge(&o);
	else if (!strcmp(sub, "audit") && nargs == 0)
		rc = q_audit(&o);
	else if ((!strcmp(sub, "put") || !strcmp(sub, "hold")) && nargs == 1)
		rc = q_put(&o, argv[first]);
	else if (!strcmp(sub, "notices") && nargs == 0 && !(o.send && o.json))
		rc = q_notices(&o);
	else
		qusage(EX_USAGE_);
	free(o.rcpts);
	return rc;
}
