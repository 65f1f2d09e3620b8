/* outbox.c - the notice outbox: notices of a hold go into the store in the hold's own transaction;
 * outcome notices when a reviewer acts; the digest when its period is over; and the sender that
 * claims due notices (atomically, so relays sharing one PostgreSQL never send one twice), sends
 * them through the release relay (libcurl) and retries with backoff until notices.give_up. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "lg_log.h"
#include "notice/notice.h"
#include "quarantine/release.h"

#define RUN_BATCHES 50	/* batches of LG_NOTICE_BATCH claimed in one pass at most */

/* lg_notice_put_held - the entry and its notices, in one transaction */
int lg_notice_put_held(struct lg_qstore *q, const struct lg_config *cfg, struct lg_q_record *rec,
		       const struct lg_report *rep, const char *msg, size_t len, char *err,
		       size_t errlen)
{
	if (!lg_q_id_valid(rec->id) && lg_q_id_new(rec->id) < 0) {
		snprintf(err, errlen, "cannot make a quarantine id (getrandom failed)");
		return -1;
	}
	if (!rec->created)
		rec->created = (int64_t)time(NULL);
	rec->size = len;
	struct lg_q_notice *ns = NULL;
	size_t n = 0;
	if (rep)
		lg_notice_for_hold(cfg, rec, rep, msg, len, &ns, &n);
	int rc = lg_q_put_notices(q, rec, msg, len, ns, n, err, errlen);
	lg_q_notices_free(ns, n);
	return rc;
}

/* lg_notice_review - the outcome notices of a release or delete, queued and tried at once */
long lg_notice_review(struct lg_qstore *q, const struct lg_config *cfg, const char *id,
		      enum lg_notice_kind kind, const char *reviewer, const char *reason,
		      char *err, size_t errlen)
{
	if (!cfg->notices.enabled)
		return 0;
	struct lg_q_record rec;
	struct lg_buf msg = LG_BUF_INIT;
	int found = lg_q_get(q, id, &rec, &msg, err, errlen);
	if (found <= 0) {
		if (!found)
			snprintf(err, errlen, "%s: no such quarantine entry", id);
		lg_buf_free(&msg);
		return -1;
	}
	struct lg_q_notice *held = NULL, *ns = NULL;
	size_t n = 0;
	long nheld = lg_q_notice_list(q, NULL, id, 0, false, &held, err, errlen);
	long rc = -1;
	if (nheld >= 0) {
		lg_notice_for_review(cfg, &rec, msg.data, msg.len, kind, reviewer, reason, held,
				     (size_t)nheld, &ns, &n);
		rc = 0;
		for (size_t i = 0; i < n && rc >= 0; i++)
			if (lg_q_notice_add(q, &ns[i], err, errlen) < 0)
				rc = -1;
			else
				rc++;
	}
	lg_q_notices_free(held, nheld > 0 ? (size_t)nheld : 0);
	lg_q_notices_free(ns, n);
	lg_q_record_free(&rec);
	lg_buf_free(&msg);
	if (rc > 0) {
		struct lg_notice_stats st = {0};
		char serr[512];
		if (lg_notice_run(q, cfg, (int64_t)time(NULL), &st, serr, sizeof serr) < 0)
			lg_warning("notices: %s (they stay queued)", serr);
	}
	return rc;
}

/* lg_notice_backoff - the wait before the next attempt after attempts failures */
int64_t lg_notice_backoff(const struct lg_ncfg *nc, unsigned attempts)
{
	if (attempts == 0 || !nc->nretry)
		return attempts ? 60 : 0;
	return nc->retry[attempts <= nc->nretry ? attempts - 1 : nc->nretry - 1];
}

/* make_digest - the digest of the period that ended last, when one is due and had holds: it
 * covers [end of the previous digest, the latest multiple of the interval) (the first one: one
 * interval). The dedup key digest:END makes it once, whichever relay gets there first. */
static int make_digest(struct lg_qstore *q, const struct lg_config *cfg, int64_t now,
		       struct lg_notice_stats *st, char *err, size_t errlen)
{
	const struct lg_ncfg *nc = &cfg->notices;
	int64_t iv = nc->compliance.digest_interval ? nc->compliance.digest_interval : 86400;
	int64_t end = now / iv * iv, start = end - iv;
	char last[64];
	int have = lg_q_notice_last_dedup(q, "digest:", last, sizeof last, err, errlen);
	if (have < 0)
		return -1;
	if (have) {
		long long prev = strtoll(last + 7, NULL, 10);
		if (prev >= end)
			return 0;
		if (prev > 0)
			start = prev;
	}
	struct lg_q_filter f = { .status = -1, .since = start, .until = end };
	struct lg_q_record *all = NULL;
	size_t nall = 0;
	for (unsigned page = 1;; page++) {
		struct lg_q_record *recs;
		long n = lg_q_list(q, &f, page, LG_Q_PAGE_SIZE, &recs, err, errlen);
		if (n < 0) {
			lg_q_records_free(all, nall);
			return -1;
		}
		all = lg_realloc(all, (nall + (size_t)n + 1) * sizeof *all);
		memcpy(all + nall, recs, (size_t)n * sizeof *recs);
		nall += (size_t)n;
		free(recs);
		if (n < LG_Q_PAGE_SIZE || nall > 20 * LG_NOTICE_DIGEST_MAX)
			break;
	}
	int rc = 0;
	if (nall) {
		struct lg_q_notice d;
		lg_notice_digest(cfg, all, nall, start, end, &d);
		int added = lg_q_notice_add(q, &d, err, errlen);
		if (added < 0)
			rc = -1;
		else if (added > 0)
			st->digests++;
		lg_q_notice_clear(&d);
	}
	lg_q_records_free(all, nall);
	return rc;
}

/* lg_notice_run - one pass over the outbox */
int lg_notice_run(struct lg_qstore *q, const struct lg_config *cfg, int64_t now,
		  struct lg_notice_stats *st, char *err, size_t errlen)
{
	const struct lg_ncfg *nc = &cfg->notices;
	if (!nc->enabled)
		return 0;
	if (!strcmp(nc->compliance.mode, "digest") && make_digest(q, cfg, now, st, err, errlen) < 0)
		return -1;
	for (int b = 0; b < RUN_BATCHES; b++) {
		struct lg_q_notice *ns;
		long n = lg_q_notice_claim(q, now, LG_NOTICE_LEASE, LG_NOTICE_BATCH, &ns, err, errlen);
		if (n < 0)
			return -1;
		for (long i = 0; i < n; i++) {
			struct lg_q_notice *x = &ns[i];
			char serr[768];
			int sent = lg_q_send(&cfg->quarantine.release, x->from, x->rcpts, x->nrcpts,
					     x->message, x->len, serr, sizeof serr);
			int64_t t = (int64_t)time(NULL);
			if (t < now)
				t = now;	/* a test's clock ahead of the real one */
			int rc;
			if (sent == 0) {
				lg_info("notice %lld (%s %s): sent to %zu recipient%s", (long long)x->seq,
					x->kind, x->qid ? x->qid : "-", x->nrcpts,
					x->nrcpts == 1 ? "" : "s");
				rc = lg_q_notice_done(q, x->seq, "sent", 0, NULL, t, err, errlen);
				st->sent++;
			} else if (t - x->created >= (int64_t)nc->give_up) {
				lg_error("notice %lld (%s %s): giving up after %u attempts over %llds: %s",
					 (long long)x->seq, x->kind, x->qid ? x->qid : "-",
					 x->attempts + 1, (long long)(t - x->created), serr);
				rc = lg_q_notice_done(q, x->seq, "failed", 0, serr, 0, err, errlen);
				st->failed++;
			} else {
				int64_t wait = lg_notice_backoff(nc, x->attempts + 1);
				lg_warning("notice %lld (%s %s): attempt %u failed: %s; next in %llds",
					   (long long)x->seq, x->kind, x->qid ? x->qid : "-",
					   x->attempts + 1, serr, (long long)wait);
				rc = lg_q_notice_done(q, x->seq, "pending", t + wait, serr, 0, err,
						      errlen);
				st->deferred++;
			}
			if (rc < 0) {
				lg_q_notices_free(ns, (size_t)n);
				return -1;
			}
		}
		lg_q_notices_free(ns, (size_t)n);
		if (n < LG_NOTICE_BATCH)
			break;
	}
	return 0;
}
