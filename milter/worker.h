/* worker.h - one analysis worker process: receives a message (descriptor + envelope), runs
 * lg_analyze(), sends the report back; confined by milter/sandbox.c. */
#ifndef LG_WORKER_H
#define LG_WORKER_H

#include "config/config.h"

/* Reply kinds: the first byte of a worker's reply frame. */
#define LG_WORKER_REPORT 'R'	/* an encoded report follows (milter/wire.h) */
#define LG_WORKER_ERROR 'E'	/* analysis failed inside (the text follows): answer tempfail */
#define LG_WORKER_READY 'Y'	/* the first frame: set up and confined, ready for messages */
#define LG_WORKER_LOG 'L'	/* a log line for the front to log: a syslog priority byte, the
				   text (any number of these before a reply or READY) */
#define LG_WORKER_LOG_MAX 4096	/* bytes of the text of one log line */

/* lg_worker_main - set up (analyzer, limits, seccomp per cfg->workers), then serve requests on
 * sock until the front closes it; never returns (_exit: no atexit handlers in a worker) */
void lg_worker_main(const struct lg_config *cfg, int sock) __attribute__((noreturn));

#endif
