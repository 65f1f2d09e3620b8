/* worker.c - the analysis worker process. Set-up happens before confinement (libmagic's database,
 * gconv modules, the time zone); then resource limits and the seccomp filter; then a loop: one
 * request (the message as a read-only descriptor, the envelope), lg_analyze() on the mapped bytes
 * under the configuration the worker was started with, one reply. Any trouble ends the process;
 * the front sees it and replaces the worker.
 *
 * A worker never calls syslog(): glibc's syslog() reconnects (socket(), connect()) when the
 * syslog daemon went away or restarted, and the filter kills a worker that calls socket(). Its
 * log lines travel to the front as LG_WORKER_LOG frames on the worker's socket instead, and the
 * front logs them. So do the messages of the GLib-based libraries (GMime, poppler-glib, GLib
 * itself, lib/lg_log_glib.c): GLib's default writer first asks whether stderr is the systemd
 * journal (getpeername(), which the filter punishes), so a library's warning about a hostile
 * file would otherwise end the worker and turn its message into "worker failed". */
#include "milter/worker.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "analyze/analyze.h"
#include "lg_buf.h"
#include "lg_alloc.h"
#include "lg_log.h"
#include "lg_log_glib.h"
#include "milter/channel.h"
#include "milter/sandbox.h"
#include "milter/wire.h"

static int front_sock = -1;	/* where log lines go */

/* log_to_front - the log sink of a worker: one LG_WORKER_LOG frame to the front (nothing when
 * the front is gone: it sees the worker's end anyway) */
static void log_to_front(int prio, const char *line)
{
	size_t len = strlen(line);
	char frame[2 + LG_WORKER_LOG_MAX];
	if (len > LG_WORKER_LOG_MAX)
		len = LG_WORKER_LOG_MAX;
	frame[0] = LG_WORKER_LOG;
	frame[1] = (char)(prio & LOG_PRIMASK);
	memcpy(frame + 2, line, len);
	lg_chan_send(front_sock, frame, 2 + len, -1);
}

/* worker_fatal - log and end the process (the front answers for the message) */
__attribute__((noreturn, format(printf, 1, 2))) static void worker_fatal(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	lg_error("%s", line);
	_exit(2);
}

#ifdef LG_WORKER_TEST_HOOKS
#include <glib.h>
#include <stdbool.h>
#include <sys/socket.h>
/* test_hook - a worker that misbehaves on purpose, for the front's tests: queue id "GARBAGE"
 * sends a malformed report, "SHORT" a frame cut short, "SOCKET" calls socket() (the filter
 * kills it), "ERROR" reports an analysis failure, "LOG" logs a line and goes on; true when it
 * has replied in its way */
static bool test_hook(int sock, const char *qid)
{
	if (!strcmp(qid, "LOG")) {	/* log lines, ours and GLib's, then the message as usual */
		lg_warning("test hook: a line logged by the worker");
		g_warning("test hook: a GLib warning");
		g_critical("test hook: a GLib critical");
		g_log("Poppler", G_LOG_LEVEL_INFO, "test hook: poppler's syntax error");
		return false;
	}
	if (!strcmp(qid, "GARBAGE")) {
		static const char junk[] = "RLGRP\1\0\0\0 not a report";
		lg_chan_send(sock, junk, sizeof junk - 1, -1);
		return true;
	}
	if (!strcmp(qid, "SHORT")) {
		static const char cut[] = { 100, 0, 0, 0, 'R' };
		ssize_t w = write(sock, cut, sizeof cut);
		_exit(w < 0);
	}
	if (!strcmp(qid, "SOCKET"))
		socket(AF_INET, SOCK_STREAM, 0);
	if (!strcmp(qid, "ERROR")) {
		static const char e[] = "Edetector failure: test";
		lg_chan_send(sock, e, sizeof e - 1, -1);
		return true;
	}
	return false;
}
#endif

/* serve - one request: map, analyse, reply. Returns 0, or -1 when the front went away. */
static int serve(struct lg_analyzer *an, const struct lg_config *cfg, int sock, struct lg_buf *in,
		 int fd)
{
	char err[512];
	struct lg_wire_request q;
	if (fd < 0)
		worker_fatal("request without a message descriptor");
	if (lg_wire_get_request(in->data, in->len, &q, err, sizeof err) < 0)
		worker_fatal("bad request: %s", err);
#ifdef LG_WORKER_TEST_HOOKS
	/* tests/unit/test_workers.c only (never in the daemon): misbehave as the queue id says */
	if (test_hook(sock, q.queue_id)) {
		close(fd);
		lg_wire_request_free(&q);
		return 0;
	}
#endif
	struct stat st;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_size < q.size)
		worker_fatal("%s: message descriptor holds %lld bytes, %llu announced", q.queue_id,
			     (long long)st.st_size, (unsigned long long)q.size);
	const char *data = "";
	void *map = NULL;
	if (q.size) {
		map = mmap(NULL, (size_t)q.size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED)
			worker_fatal("%s: cannot map the message: %s", q.queue_id, strerror(errno));
		data = map;
	}
	lg_sandbox_cpu(cfg->workers.cpu_seconds);
	struct lg_envelope env = { q.sender, (const char *const *)q.rcpts, q.nrcpts };
	struct lg_report rep;
	struct lg_buf out = LG_BUF_INIT;
	if (lg_analyze(an, cfg, &env, data, (size_t)q.size, &rep, err, sizeof err) < 0) {
		lg_buf_putc(&out, LG_WORKER_ERROR);
		lg_buf_puts(&out, err);
	} else {
		lg_buf_putc(&out, LG_WORKER_REPORT);
		lg_wire_put_report(&out, &rep);
		lg_report_free(&rep);
	}
	if (map)
		munmap(map, (size_t)q.size);
	close(fd);
	lg_wire_request_free(&q);
	int rc = lg_chan_send(sock, out.data, out.len, -1) == LG_CHAN_OK ? 0 : -1;
	lg_buf_free(&out);
	return rc;
}

/* lg_worker_main - see worker.h */
void lg_worker_main(const struct lg_config *cfg, int sock)
{
	signal(SIGHUP, SIG_IGN);	/* the front reloads; a worker keeps its configuration */
	signal(SIGUSR1, SIG_IGN);
	/* ^C in a foreground run, or systemd's SIGTERM to the whole unit: the front stops
	 * gracefully and ends its workers (end of file on their socket) once their messages are
	 * done; a worker dying on the signal would turn its message into "worker failed" */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	lg_alloc_keep_large();	/* one message after another: keep big buffers' pages */
	front_sock = sock;
	lg_log_set_sink(log_to_front);
	lg_log_take_glib();
	closelog();	/* the syslog socket inherited from the front is not the worker's */
	char err[256];
	struct lg_analyzer *an = lg_analyzer_new(err, sizeof err);
	if (!an)
		worker_fatal("cannot start analysis: %s", err);
	lg_sandbox_prepare();
	struct lg_sandbox_limits lim = { cfg->workers.memory, 32 };
	if (lg_sandbox_limits(&lim, err, sizeof err) < 0)
		worker_fatal("%s", err);
	if (cfg->workers.seccomp && lg_sandbox_seccomp(err, sizeof err) < 0)
		worker_fatal("%s", err);
	char ready = LG_WORKER_READY;
	if (lg_chan_send(sock, &ready, 1, -1) != LG_CHAN_OK)
		_exit(0);
	struct lg_buf in = LG_BUF_INIT;
	for (;;) {
		int fd = -1;
		int rc = lg_chan_recv(sock, &in, LG_WIRE_MAX_FRAME, &fd, -1, err, sizeof err);
		if (rc == LG_CHAN_EOF)
			_exit(0);
		if (rc != LG_CHAN_OK)
			worker_fatal("request: %s", err);
		if (serve(an, cfg, sock, &in, fd) < 0)
			_exit(0);
	}
}
