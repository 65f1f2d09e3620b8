/* callbacks.c - thin libmilter callbacks: collect envelope and message into per-message state, then
 * at end of message have the message analysed (in a worker process, milter/workers.c, or with
 * workers.count 0 by lg_analyze() in this thread) and call lg_enact(), or with hold_mode store
 * lg_hold_store() for a hold verdict. Any internal error answers tempfail.
 * The steps between connect and end of message are not answered one by one (cb_negotiate asks
 * the MTA not to wait for a reply to each recipient, header and body chunk: a round trip each);
 * an internal error in one of them is kept in the message's state, later steps skip their work,
 * and end of message answers tempfail.
 * Each message holds a reference to the configuration that was current at its MAIL FROM, so a
 * reload never changes the rules under a message in flight. */
#include "milter/callbacks.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "analyze/analyze.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "lg_log.h"
#include "milter/bcc.h"
#include "milter/enact.h"
#include "milter/hold.h"
#include "milter/spool.h"
#include "milter/workers.h"

/* The original To and Cc in the verdict line, and per continuation line beyond that. */
#define ORIG_IN_LINE 1000
#define ORIG_PER_LINE 3000

/* A configuration and the messages using it. */
struct cfg_ref {
	struct lg_config *cfg;
	unsigned refs;			/* messages using it, plus one while it is the current one */
	unsigned long generation;	/* 1 for the configuration loaded at start, then +1 a reload */
};

static pthread_mutex_t cfg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cfg_ref *cfg_current;
static unsigned long cfg_generation;
static pthread_key_t analyzer_key;
static pthread_once_t analyzer_once = PTHREAD_ONCE_INIT;

/* Per-connection state; the per-message part is reset at MAIL FROM and after each message. */
struct conn {
	char *client;			/* client host name from the MTA */
	char *sender;			/* envelope sender without <> */
	char **rcpts;
	size_t nrcpts;
	struct cfg_ref *cfg;		/* the message's configuration, from MAIL FROM to its end */
	struct lg_spool spool;
	struct lg_vis_hdrs vis;		/* To, Cc (values) and Bcc (count), for the bcc action */
	int in_message;
	bool failed;			/* a step before end of message failed (logged): tempfail */
};

/* The steps the MTA need not wait for: their callbacks answer SMFIS_NOREPLY (libmilter sends
 * "continue" itself to an MTA that does not offer this). MAIL FROM is still answered: it binds
 * the message to the configuration in force, and a reload is ordered after it. */
#define LG_NOREPLY_STEPS (SMFIP_NR_CONN | SMFIP_NR_RCPT | SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_NR_BODY)
/* The steps leakguard has no callback for: the MTA need not send them at all. */
#define LG_SKIPPED_STEPS (SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA)

/* cfg_release - drop one reference; the last one frees the configuration */
static void cfg_release(struct cfg_ref *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&cfg_lock);
	bool last = --r->refs == 0;
	pthread_mutex_unlock(&cfg_lock);
	if (last) {
		lg_debug("configuration generation %lu freed", r->generation);
		lg_workers_unbind(r->cfg);
		lg_config_free(r->cfg);
		free(r);
	}
}

/* cfg_acquire - a reference to the current configuration (NULL only after shutdown) */
static struct cfg_ref *cfg_acquire(void)
{
	pthread_mutex_lock(&cfg_lock);
	struct cfg_ref *r = cfg_current;
	if (r)
		r->refs++;
	pthread_mutex_unlock(&cfg_lock);
	return r;
}

/* lg_callbacks_set_config - swap in the configuration of messages that start from now on */
unsigned long lg_callbacks_set_config(struct lg_config *cfg)
{
	struct cfg_ref *r = NULL;
	if (cfg) {
		r = lg_calloc(1, sizeof *r);
		r->cfg = cfg;
		r->refs = 1;
	}
	pthread_mutex_lock(&cfg_lock);
	struct cfg_ref *old = cfg_current;
	cfg_current = r;
	unsigned long gen = r ? (r->generation = ++cfg_generation) : 0;
	pthread_mutex_unlock(&cfg_lock);
	cfg_release(old);
	return gen;
}

/* analyzer_destroy - thread exit: free that thread's analyzer */
static void analyzer_destroy(void *p)
{
	lg_analyzer_free(p);
}

/* analyzer_key_init - create the thread-specific key once */
static void analyzer_key_init(void)
{
	if (pthread_key_create(&analyzer_key, analyzer_destroy) != 0)
		lg_fatal("pthread_key_create failed");
}

/* thread_analyzer - this thread's analyzer, created on first use */
static struct lg_analyzer *thread_analyzer(char *err, size_t errlen)
{
	pthread_once(&analyzer_once, analyzer_key_init);
	struct lg_analyzer *a = pthread_getspecific(analyzer_key);
	if (!a) {
		a = lg_analyzer_new(err, errlen);
		if (a)
			pthread_setspecific(analyzer_key, a);
	}
	return a;
}

/* strip_angle - "<a@b>" -> "a@b", newly allocated */
static char *strip_angle(const char *s)
{
	size_t n = strlen(s);
	if (n >= 2 && s[0] == '<' && s[n - 1] == '>')
		return lg_strndup(s + 1, n - 2);
	return lg_strdup(s);
}

/* message_reset - forget the current message */
static void message_reset(struct conn *c)
{
	free(c->sender);
	c->sender = NULL;
	for (size_t i = 0; i < c->nrcpts; i++)
		free(c->rcpts[i]);
	free(c->rcpts);
	c->rcpts = NULL;
	c->nrcpts = 0;
	lg_spool_free(&c->spool);
	lg_spool_init(&c->spool, 0, NULL);
	lg_vis_hdrs_free(&c->vis);
	cfg_release(c->cfg);
	c->cfg = NULL;
	c->in_message = 0;
	c->failed = false;
}

/* get_conn - the connection state, or NULL (logged) */
static struct conn *get_conn(SMFICTX *ctx, const char *where)
{
	struct conn *c = smfi_getpriv(ctx);
	if (!c)
		lg_error("%s: no connection state; answering tempfail", where);
	return c;
}

/* get_message - the connection state of a message in progress (after MAIL FROM), or NULL */
static struct conn *get_message(SMFICTX *ctx, const char *where)
{
	struct conn *c = get_conn(ctx, where);
	if (c && !c->cfg) {
		lg_error("%s: no message in progress; answering tempfail", where);
		return NULL;
	}
	return c;
}

/* step_message - the state of the message a step before end of message belongs to, or NULL when
 * the step has nothing to do: no connection state (logged at connect and answered tempfail at
 * end of message) or the message already failed */
static struct conn *step_message(SMFICTX *ctx, const char *where)
{
	struct conn *c = smfi_getpriv(ctx);
	if (!c || c->failed)
		return NULL;
	if (!c->cfg) {
		lg_error("%s: no message in progress; answering tempfail at end of message", where);
		c->failed = true;
		return NULL;
	}
	return c;
}

/* queue_id - the MTA's queue id for log lines */
static const char *queue_id(SMFICTX *ctx)
{
	const char *q = smfi_getsymval(ctx, "{i}");
	if (!q)
		q = smfi_getsymval(ctx, "i");
	return q ? q : "NOQUEUE";
}

/* cb_connect - new SMTP connection */
static sfsistat cb_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *addr)
{
	(void)addr;
	struct conn *c = lg_calloc(1, sizeof *c);
	c->client = lg_strdup(hostname ? hostname : "unknown");
	lg_spool_init(&c->spool, 0, NULL);
	if (smfi_setpriv(ctx, c) != MI_SUCCESS) {
		free(c->client);
		free(c);
		lg_error("connect: smfi_setpriv failed; answering tempfail at end of message");
	}
	return SMFIS_NOREPLY;
}

/* cb_envfrom - MAIL FROM: a new message begins */
static sfsistat cb_envfrom(SMFICTX *ctx, char **argv)
{
	struct conn *c = get_conn(ctx, "envfrom");
	if (!c)
		return SMFIS_TEMPFAIL;
	message_reset(c);
	c->cfg = cfg_acquire();
	if (!c->cfg) {
		lg_error("envfrom: no configuration (shutting down); answering tempfail");
		return SMFIS_TEMPFAIL;
	}
	lg_spool_init(&c->spool, c->cfg->cfg->limits.spool_memory, c->cfg->cfg->spool_dir);
	c->sender = strip_angle(argv && argv[0] ? argv[0] : "");
	c->in_message = 1;
	return SMFIS_CONTINUE;
}

/* cb_envrcpt - RCPT TO: one more recipient */
static sfsistat cb_envrcpt(SMFICTX *ctx, char **argv)
{
	struct conn *c = step_message(ctx, "envrcpt");
	if (!c)
		return SMFIS_NOREPLY;
	c->rcpts = lg_realloc(c->rcpts, (c->nrcpts + 1) * sizeof *c->rcpts);
	c->rcpts[c->nrcpts++] = strip_angle(argv && argv[0] ? argv[0] : "");
	return SMFIS_NOREPLY;
}

/* spool_or_fail - append to the spool; on an I/O error the message fails (logged; tempfail at its
 * end) */
static void spool_or_fail(SMFICTX *ctx, struct conn *c, const void *p, size_t n)
{
	char err[256];
	if (lg_spool_write(&c->spool, p, n, err, sizeof err) < 0) {
		lg_error("%s: spool: %s; answering tempfail", queue_id(ctx), err);
		c->failed = true;
	}
}

/* cb_header - one header, written to the spool as "Name: value" CRLF with the value as the MTA
 * passed it, folding kept; the line breaks of a folded value (LF in the milter protocol) become
 * CRLF, so that the spooled (and quarantined) message has one line ending throughout */
static sfsistat cb_header(SMFICTX *ctx, char *name, char *value)
{
	struct conn *c = step_message(ctx, "header");
	if (!c)
		return SMFIS_NOREPLY;
	lg_vis_hdrs_add(&c->vis, name, value);
	struct lg_buf b = LG_BUF_INIT;
	lg_buf_printf(&b, "%s: ", name);
	for (const char *p = value ? value : ""; *p; p++) {
		if (*p == '\n' && (p == value || p[-1] != '\r'))
			lg_buf_putc(&b, '\r');
		lg_buf_putc(&b, *p);
	}
	lg_buf_puts(&b, "\r\n");
	spool_or_fail(ctx, c, b.data, b.len);
	lg_buf_free(&b);
	return SMFIS_NOREPLY;
}

/* cb_eoh - end of headers: the blank line */
static sfsistat cb_eoh(SMFICTX *ctx)
{
	struct conn *c = step_message(ctx, "eoh");
	if (c)
		spool_or_fail(ctx, c, "\r\n", 2);
	return SMFIS_NOREPLY;
}

/* cb_body - a body chunk */
static sfsistat cb_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct conn *c = step_message(ctx, "body");
	if (c)
		spool_or_fail(ctx, c, chunk, len);
	return SMFIS_NOREPLY;
}

/* put_orig - header values for the log: unfolded (a line break and the white space after it
 * become one space), other control characters spaces, '"' and '\\'
 * escaped, occurrences joined with ", " */
static void put_orig(struct lg_buf *b, char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			lg_buf_puts(b, ", ");
		bool space = false;
		for (const unsigned char *p = (const unsigned char *)v[i]; *p; p++) {
			if (*p < 0x20 || *p == 0x7f || (space && *p == ' ')) {
				if (!space)
					lg_buf_putc(b, ' ');
				space = true;
				continue;
			}
			space = false;
			if (*p == '"' || *p == '\\')
				lg_buf_putc(b, '\\');
			lg_buf_putc(b, (char)*p);
		}
	}
}

/* utf8_cut - the largest length <= n that does not split a UTF-8 sequence of s */
static size_t utf8_cut(const char *s, size_t n)
{
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* log_orig - one original header list in the verdict line, at most ORIG_IN_LINE bytes there; the
 * rest follows in continuation lines of ORIG_PER_LINE bytes (syslog's default line limit is
 * 8 KiB, and a visible list of hundreds of addresses is longer) */
static void log_orig(struct lg_buf *line, struct lg_buf *more, const char *qid, const char *label,
		     char *const *v, size_t n)
{
	struct lg_buf o = LG_BUF_INIT;
	put_orig(&o, v, n);
	size_t len = o.len, cut = len <= ORIG_IN_LINE ? len : utf8_cut(o.data, ORIG_IN_LINE);
	lg_buf_printf(line, " %s=\"%.*s%s\"", label, (int)cut, len ? o.data : "",
		      cut < len ? "..." : "");
	for (size_t off = cut, part = 2; off < len; part++) {
		size_t k = len - off <= ORIG_PER_LINE ? len - off
						      : utf8_cut(o.data + off, ORIG_PER_LINE);
		lg_buf_printf(more, "queue_id=%s %s (continued, part %zu): %.*s\n", qid, label, part,
			      (int)k, o.data + off);
		off += k;
	}
	lg_buf_free(&o);
}

/* log_verdict - the one line per verdict: queue id, sender, client, action (monitor), rules, every
 * fact a condition can name but the per-detector levels (recipients, findings per detector,
 * records, unscannable, size, attachments), for bcc what was hidden and the original To and Cc,
 * and last the redacted samples (they may hold spaces) */
static void log_verdict(const char *qid, const struct conn *c, const struct lg_report *rep,
			const struct lg_bcc_plan *plan, bool enact_failed, const char *quarantine)
{
	struct lg_buf line = LG_BUF_INIT, more = LG_BUF_INIT, sum = LG_BUF_INIT;
	lg_report_summary(rep, &sum);
	const char *s = lg_buf_cstr(&sum), *samples = strstr(s, " samples=");
	size_t head = samples ? (size_t)(samples - s) : strlen(s);
	lg_buf_printf(&line, "queue_id=%s from=<%s> client=%s ", qid, c->sender ? c->sender : "",
		      c->client);
	lg_buf_append(&line, s, head);
	lg_buf_printf(&line, " attachments=%ld ambiguous=%ld type_mismatch=%ld",
		      lg_report_fact(rep, LG_FACT_ATTACHMENTS_COUNT),
		      lg_report_fact(rep, LG_FACT_ATTACHMENTS_AMBIGUOUS),
		      lg_report_fact(rep, LG_FACT_ATTACHMENTS_TYPE_MISMATCH));
	if (plan) {
		lg_buf_printf(&line, " bcc=hidden:%u,kept:%u", plan->hidden, plan->kept);
		log_orig(&line, &more, qid, "orig_to", c->vis.to, c->vis.nto);
		log_orig(&line, &more, qid, "orig_cc", c->vis.cc, c->vis.ncc);
	}
	if (quarantine)
		lg_buf_printf(&line, " quarantine=%s", quarantine);
	if (enact_failed)
		lg_buf_puts(&line, " enact=failed,tempfail");
	lg_buf_puts(&line, s + head);
	lg_buf_free(&sum);
	lg_info("%s", lg_buf_cstr(&line));
	for (char *p = more.data, *nl; p && (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = '\0';
		lg_info("%s", p);
	}
	lg_buf_free(&line);
	lg_buf_free(&more);
}

/* hold_in_store - hold_mode store: put the message into the quarantine store; discard only once
 * it is committed there, else tempfail (the message stays with the sending MTA). The outcome
 * for the verdict line goes to what: the id, or "failed". */
static sfsistat hold_in_store(struct conn *c, const char *qid, const struct lg_report *rep,
			      const char *data, size_t len, char *what, size_t whatlen)
{
	char id[LG_Q_ID_LEN + 1], err[512];
	struct lg_held h = { rep, c->sender, c->rcpts, c->nrcpts,
			     strcmp(qid, "NOQUEUE") ? qid : NULL, data, len };
	if (lg_hold_store(c->cfg->cfg, &h, id, err, sizeof err) < 0) {
		lg_error("%s: quarantine store: %s; answering tempfail", qid, err);
		snprintf(what, whatlen, "failed");
		return SMFIS_TEMPFAIL;
	}
	snprintf(what, whatlen, "%s", id);
	return SMFIS_DISCARD;
}

/* analyze_message - the report on the spooled message: in a worker process when there is a pool
 * (workers.count > 0), else in this thread; -1 (logged) when it must be tempfail */
static int analyze_message(struct conn *c, const char *qid, const char *data, size_t len,
			   struct lg_report *rep)
{
	const struct lg_config *cfg = c->cfg->cfg;
	struct lg_envelope env = { c->sender, (const char *const *)c->rcpts, c->nrcpts };
	char err[512];
	if (lg_workers_enabled()) {
		int fd = lg_spool_readonly_fd(&c->spool, err, sizeof err);
		if (fd < 0) {
			lg_error("%s: %s; answering tempfail", qid, err);
			return -1;
		}
		int rc = lg_workers_analyze(cfg, &env, qid, fd, len, rep, NULL, err, sizeof err);
		close(fd);
		if (rc < 0)
			lg_error("%s: analysis failed: %s; answering tempfail", qid, err);
		return rc;
	}
	struct lg_analyzer *an = thread_analyzer(err, sizeof err);
	if (!an) {
		lg_error("%s: analyzer: %s; answering tempfail", qid, err);
		return -1;
	}
	if (lg_analyze(an, cfg, &env, data, len, rep, err, sizeof err) < 0) {
		lg_error("%s: analysis failed: %s; answering tempfail", qid, err);
		return -1;
	}
	return 0;
}

/* cb_eom - end of message: analyse, log one line, enact */
static sfsistat cb_eom(SMFICTX *ctx)
{
	struct timespec t0, t1;	/* end of data to verdict: time_ms= in the log line */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct conn *c = get_message(ctx, "eom");
	if (!c)
		return SMFIS_TEMPFAIL;
	const char *qid = queue_id(ctx);
	if (c->failed) {
		lg_error("%s: not analysed (an earlier step failed, logged above); answering tempfail",
			 qid);
		message_reset(c);
		return SMFIS_TEMPFAIL;
	}
	const struct lg_config *cfg = c->cfg->cfg;
	char err[256];
	const char *data;
	size_t len;
	if (lg_spool_data(&c->spool, &data, &len, err, sizeof err) < 0) {
		lg_error("%s: %s; answering tempfail", qid, err);
		message_reset(c);
		return SMFIS_TEMPFAIL;
	}
	struct lg_report rep;
	if (analyze_message(c, qid, data, len, &rep) < 0) {
		message_reset(c);
		return SMFIS_TEMPFAIL;
	}
	struct lg_bcc_plan plan = {0};
	bool bcc = rep.verdict.action == LG_ACT_BCC;
	if (bcc)
		lg_bcc_plan(cfg, c->sender, &c->vis, &plan);
	sfsistat st;
	char stored[LG_Q_ID_LEN + 16];
	bool to_store = rep.verdict.action == LG_ACT_HOLD && !rep.verdict.monitor &&
			!strcmp(cfg->quarantine.hold_mode, "store");
	if (to_store)
		st = hold_in_store(c, qid, &rep, data, len, stored, sizeof stored);
	else
		st = lg_enact(ctx, &rep, bcc ? &plan : NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	rep.timed = true;
	rep.verdict_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	log_verdict(qid, c, &rep, bcc ? &plan : NULL,
		    st == SMFIS_TEMPFAIL && rep.verdict.action != LG_ACT_TEMPFAIL,
		    to_store ? stored : NULL);
	lg_bcc_plan_free(&plan);
	lg_report_free(&rep);
	message_reset(c);
	return st;
}

/* cb_negotiate - the protocol options: leakguard's actions, the steps it has no callback for left
 * out, and no reply to the steps in LG_NOREPLY_STEPS (libmilter refuses the connection when the
 * MTA cannot do the actions) */
static sfsistat cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
			     unsigned long f3, unsigned long *pf0, unsigned long *pf1,
			     unsigned long *pf2, unsigned long *pf3)
{
	(void)ctx;
	(void)f0;
	(void)f2;
	(void)f3;
	*pf0 = lg_milter_desc.xxfi_flags;
	*pf1 = (LG_SKIPPED_STEPS | LG_NOREPLY_STEPS) & f1;
	*pf2 = 0;
	*pf3 = 0;
	return SMFIS_CONTINUE;
}

/* cb_abort - the MTA gave up the message */
static sfsistat cb_abort(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);
	if (c)
		message_reset(c);
	return SMFIS_CONTINUE;
}

/* cb_close - the connection ends */
static sfsistat cb_close(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);
	if (c) {
		message_reset(c);
		free(c->client);
		free(c);
		smfi_setpriv(ctx, NULL);
	}
	return SMFIS_CONTINUE;
}

struct smfiDesc lg_milter_desc = {
	.xxfi_name = "leakguard",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE,
	.xxfi_connect = cb_connect,
	.xxfi_helo = NULL,
	.xxfi_envfrom = cb_envfrom,
	.xxfi_envrcpt = cb_envrcpt,
	.xxfi_header = cb_header,
	.xxfi_eoh = cb_eoh,
	.xxfi_body = cb_body,
	.xxfi_eom = cb_eom,
	.xxfi_abort = cb_abort,
	.xxfi_close = cb_close,
	.xxfi_unknown = NULL,
	.xxfi_data = NULL,
	.xxfi_negotiate = cb_negotiate,
};
