/* workers.h - the pool of analysis worker processes the milter front hands messages to. */
#ifndef LG_WORKERS_H
#define LG_WORKERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "analyze/analyze.h"
#include "config/config.h"

/* The error of a report for a message whose worker failed (crashed, timed out, sent garbage). */
#define LG_WORKER_FAILED "worker failed"

/* lg_workers_start - with cfg->workers.count > 0: fork the spawner (call it while the process
 * is still single-threaded, after privileges are dropped) and bind cfg as the configuration
 * of the first workers. cfgpath (NULL: built-in) is what the spawner reloads, and what a
 * spawner started in place of a dead one loads. 0, or -1 with err.
 * With count 0 nothing starts and lg_workers_enabled() stays false. */
int lg_workers_start(const struct lg_config *cfg, const char *cfgpath, char *err, size_t errlen);
/* The argument a program re-executed as a worker spawner gets (argv[1]). */
#define LG_SPAWNER_ARG "--leakguard-worker-spawner"

/* lg_workers_spawner_exec - call first in main() of a program that starts the pool: when argv
 * says so (the front replacing a dead spawner executes its own program again), become the
 * worker spawner and never return; otherwise return at once */
void lg_workers_spawner_exec(int argc, char **argv);
/* lg_workers_spawner_pid - the running spawner's pid, 0 when there is none (for tests) */
pid_t lg_workers_spawner_pid(void);
/* lg_workers_enabled - whether messages go to workers */
bool lg_workers_enabled(void);
/* lg_workers_bind - a reload: the spawner loads the configuration file again, and workers for
 * cfg run under its copy. 0, or -1 with err (the reload must then be refused). */
int lg_workers_bind(const struct lg_config *cfg, char *err, size_t errlen);
/* lg_workers_unbind - cfg is being freed: its workers go, the spawner forgets its copy */
void lg_workers_unbind(const struct lg_config *cfg);
/* lg_workers_analyze - analyse the message behind fd (len bytes) in a worker running under cfg.
 * 0: *out filled; when the worker failed, *out is the report LG_WORKER_FAILED (unscannable,
 * the policy's verdict on that) and the failure is logged with qid. -1 with err: no worker to
 * be had, or the analysis itself failed; the caller answers tempfail. *pid (may be NULL) gets
 * the worker's process id. */
int lg_workers_analyze(const struct lg_config *cfg, const struct lg_envelope *env, const char *qid,
		       int fd, size_t len, struct lg_report *out, pid_t *pid, char *err,
		       size_t errlen);
/* lg_report_worker_failed - the report of a message no worker could analyse: error "worker
 * failed", one unscannable, the envelope's recipients, and the policy's verdict on those facts */
void lg_report_worker_failed(const struct lg_config *cfg, const struct lg_envelope *env,
			     size_t len, struct lg_report *out);
/* lg_workers_stop - stop every worker and the spawner (at exit) */
void lg_workers_stop(void);

#endif
