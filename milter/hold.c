/* hold.c - hold_mode store: each libmilter worker thread keeps its own connection to the
 * quarantine store (an SQLite or libpq connection is not to be shared between threads), opened
 * lazily and dropped after any error so that the next message reconnects. The hold's notices
 * (notices: in the config) are enqueued in the same transaction as the entry. */
#include "milter/hold.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lg_alloc.h"
#include "config/config.h"
#include "lg_log.h"
#include "notice/notice.h"

/* One thread's store connection and the url it was opened with. */
struct thread_store {
	char *url;
	struct lg_qstore *q;
};

static pthread_key_t store_key;
static pthread_once_t store_once = PTHREAD_ONCE_INIT;

/* thread_store_drop - close a thread's connection (and forget the url) */
static void thread_store_drop(struct thread_store *ts)
{
	if (ts->q)
		lg_q_close(ts->q);
	ts->q = NULL;
	free(ts->url);
	ts->url = NULL;
}

/* thread_store_destroy - thread exit: close its connection */
static void thread_store_destroy(void *p)
{
	struct thread_store *ts = p;
	thread_store_drop(ts);
	free(ts);
}

/* store_key_init - create the thread-specific key once */
static void store_key_init(void)
{
	if (pthread_key_create(&store_key, thread_store_destroy) != 0)
		lg_fatal("pthread_key_create failed");
}

/* thread_store - this thread's connection to url, opened when missing or for another url */
static struct thread_store *thread_store(const char *url, char *err, size_t errlen)
{
	pthread_once(&store_once, store_key_init);
	struct thread_store *ts = pthread_getspecific(store_key);
	if (!ts) {
		ts = lg_calloc(1, sizeof *ts);
		if (pthread_setspecific(store_key, ts) != 0) {
			free(ts);
			snprintf(err, errlen, "pthread_setspecific failed");
			return NULL;
		}
	}
	if (ts->q && strcmp(ts->url, url) != 0)
		thread_store_drop(ts);	/* a reload named another store */
	if (!ts->q) {
		ts->q = lg_q_open(url, err, errlen);
		if (!ts->q)
			return NULL;
		ts->url = lg_strdup(url);
	}
	return ts;
}

/* lg_hold_store - see hold.h */
int lg_hold_store(const struct lg_config *cfg, const struct lg_held *h, char id[LG_Q_ID_LEN + 1],
		  char *err, size_t errlen)
{
	struct thread_store *ts = thread_store(cfg->quarantine.url, err, errlen);
	if (!ts)
		return -1;
	char host[256] = "";
	if (gethostname(host, sizeof host - 1) != 0)
		snprintf(host, sizeof host, "unknown");
	struct lg_q_record rec;
	lg_q_record_from_report(&rec, h->rep, h->queue_id, host);
	/* the envelope exactly as the MTA gave it: release sends to these */
	free(rec.sender);
	rec.sender = lg_strdup(h->sender ? h->sender : "");
	for (size_t i = 0; i < rec.nrcpts; i++)
		free(rec.rcpts[i]);
	free(rec.rcpts);
	rec.nrcpts = h->nrcpts;
	rec.rcpts = lg_calloc(h->nrcpts ? h->nrcpts : 1, sizeof *rec.rcpts);
	for (size_t i = 0; i < h->nrcpts; i++)
		rec.rcpts[i] = lg_strdup(h->rcpts[i]);
	rec.size = h->len;
	int rc = lg_notice_put_held(ts->q, cfg, &rec, h->rep, h->msg, h->len, err, errlen);
	if (rc == 0)
		memcpy(id, rec.id, sizeof rec.id);
	else
		thread_store_drop(ts);	/* reconnect for the next message */
	lg_q_record_free(&rec);
	return rc;
}
