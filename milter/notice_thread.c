/* notice_thread.c - the notice sender thread of the daemon: each pass takes up a reloaded
 * configuration, (re)connects to the store when needed and runs lg_notice_run; between passes
 * it sleeps notices.interval seconds. A store or relay failure is logged and tried again on
 * the next pass; nothing here is shared with the milter's threads. */
#include "milter/notice_thread.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "lg_alloc.h"
#include "lg_log.h"
#include "notice/notice.h"
#include "quarantine/quarantine.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct lg_config *pending;	/* handed over, not yet taken up */
static bool pending_set, stopping, started;
static pthread_t tid;

/* sender_main - the thread: pass, sleep, until stopped */
static void *sender_main(void *arg)
{
	struct lg_config *cfg = arg;
	struct lg_qstore *q = NULL;
	char *qurl = NULL;
	for (;;) {
		pthread_mutex_lock(&lock);
		bool stop = stopping;
		if (pending_set) {
			lg_config_free(cfg);
			cfg = pending;
			pending = NULL;
			pending_set = false;
		}
		pthread_mutex_unlock(&lock);
		if (stop)
			break;
		if (cfg && cfg->notices.enabled) {
			char err[512];
			if (q && strcmp(qurl, cfg->quarantine.url)) {
				lg_q_close(q);
				q = NULL;
			}
			if (!q) {
				free(qurl);
				qurl = lg_strdup(cfg->quarantine.url);
				q = lg_q_open(qurl, err, sizeof err);
				if (!q)
					lg_error("notices: cannot open the quarantine store: %s; trying "
						 "again in %us", err, cfg->notices.interval);
			}
			struct lg_notice_stats st = {0};
			if (q && lg_notice_run(q, cfg, (int64_t)time(NULL), &st, err, sizeof err) < 0) {
				lg_error("notices: %s; trying again in %us", err, cfg->notices.interval);
				lg_q_close(q);	/* reconnect on the next pass */
				q = NULL;
			}
			if (st.sent || st.deferred || st.failed || st.digests)
				lg_info("notices: sent=%u deferred=%u failed=%u digests=%u", st.sent,
					st.deferred, st.failed, st.digests);
		}
		unsigned iv = cfg && cfg->notices.enabled ? cfg->notices.interval : 60;
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += iv;
		pthread_mutex_lock(&lock);
		while (!stopping && !pending_set &&
		       pthread_cond_timedwait(&wake, &lock, &until) == 0)
			;
		pthread_mutex_unlock(&lock);
	}
	if (q)
		lg_q_close(q);
	free(qurl);
	lg_config_free(cfg);
	return NULL;
}

/* lg_notice_thread_start - start the sender thread */
void lg_notice_thread_start(struct lg_config *cfg)
{
	int e = pthread_create(&tid, NULL, sender_main, cfg);
	if (e != 0)
		lg_fatal("notices: pthread_create failed");
	started = true;
}

/* lg_notice_thread_set_config - hand over a reloaded configuration */
void lg_notice_thread_set_config(struct lg_config *cfg)
{
	pthread_mutex_lock(&lock);
	if (pending_set)
		lg_config_free(pending);
	pending = cfg;
	pending_set = true;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
}

/* lg_notice_thread_stop - stop and join */
void lg_notice_thread_stop(void)
{
	if (!started)
		return;
	pthread_mutex_lock(&lock);
	stopping = true;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(tid, NULL);
	if (pending_set)
		lg_config_free(pending);
	pending = NULL;
	pending_set = false;
	started = false;
}
