/* test_workers.c - the worker pool as the milter front uses it: every corpus message gets the same
 * report from a confined worker (seccomp on) as from lg_analyze() in-process (what leakguardctl
 * scan prints); workers are recycled after max_messages; a worker killed mid-scan, one over
 * workers.timeout and one over workers.cpu_seconds yield "worker failed" held for external
 * recipients, and the next message is analysed normally; so do workers that (through hooks built
 * into this test's copy of milter/worker.c only) send a malformed report, cut a frame short or
 * call socket() under the filter, while an analysis error inside a worker is a tempfail; the
 * seccomp filter kills a process that calls socket() and refuses open() with EACCES. A dead
 * spawner is replaced: with the spawner and its workers killed, the next message is analysed by
 * a worker of a new spawner (this program executed again, as the run-as user, no signal
 * blocked) and the whole corpus still gets the in-process reports; a message in flight when only
 * the spawner dies gets its normal report, one whose worker dies with it "worker failed"; a
 * spawner that dies young is replaced only after a back-off that doubles, meanwhile messages
 * that need a new worker are errors (tempfail); a spawner that hangs (stopped) is killed after
 * its reply deadline and replaced, and the message that waited for it is analysed normally. A
 * worker's log line reaches the front's log, and a worker that logs while its syslog connection
 * is gone (the syslog daemon restarted) lives on; so do GLib's warnings and criticals from inside
 * a worker, which GLib's own writer would have followed with a forbidden getpeername(). The
 * filter allows the channel's sendmsg() but kills send(). */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "analyze/analyze.h"
#include "lg_buf.h"
#include "lg_log.h"
#include "milter/sandbox.h"
#include "milter/spool.h"
#include "milter/workers.h"
#include "tap.h"

/* limits high enough that the big message is read whole (it must take time, not hit a limit) */
#define LIMITS "limits: {part_size: 100M, text_size: 100M, message_size: 100M}\n"

static const char *top;
static char cfgpath[256];

/* slurp - a whole file into b; -1 when it cannot be read */
static int slurp(const char *path, struct lg_buf *b)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		lg_buf_append(b, chunk, n);
	fclose(f);
	return 0;
}

/* start_pool - write yaml to the config file, load it and start a pool under it */
static struct lg_config *start_pool(const char *yaml)
{
	FILE *f = fopen(cfgpath, "w");
	if (!f || fputs(yaml, f) < 0 || fclose(f) != 0) {
		tap_diag("cannot write %s", cfgpath);
		exit(1);
	}
	struct lg_buf errs = LG_BUF_INIT;
	struct lg_config *cfg = lg_config_load(cfgpath, &errs);
	if (!cfg) {
		tap_diag("config: %s", lg_buf_cstr(&errs));
		exit(1);
	}
	lg_buf_free(&errs);
	char err[256];
	if (lg_workers_start(cfg, cfgpath, err, sizeof err) < 0) {
		tap_diag("lg_workers_start: %s", err);
		exit(1);
	}
	return cfg;
}

/* stop_pool - stop the pool and free its configuration */
static void stop_pool(struct lg_config *cfg)
{
	lg_workers_unbind(cfg);
	lg_workers_stop();
	lg_config_free(cfg);
}

static const char *const rcpts[] = { "someone@example.com", "other@example.org",
				     "colleague@pref.example.lg.jp" };
static const struct lg_envelope env = { "hanako.yamada@pref.example.lg.jp", rcpts, 3 };

/* in_worker - analyse msg in the pool through a spool (memory or file, by mem_limit) */
static int in_worker_q(const struct lg_config *cfg, const struct lg_buf *msg, size_t mem_limit,
		       const char *qid, struct lg_report *rep, pid_t *pid, char *err, size_t errlen)
{
	struct lg_spool s;
	lg_spool_init(&s, mem_limit, getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (lg_spool_write(&s, msg->data ? msg->data : "", msg->len, err, errlen) < 0)
		return -1;
	int fd = lg_spool_readonly_fd(&s, err, errlen);
	if (fd < 0) {
		lg_spool_free(&s);
		return -1;
	}
	int rc = lg_workers_analyze(cfg, &env, qid, fd, msg->len, rep, pid, err, errlen);
	close(fd);
	lg_spool_free(&s);
	return rc;
}

/* in_worker - the same with an ordinary queue id */
static int in_worker(const struct lg_config *cfg, const struct lg_buf *msg, size_t mem_limit,
		     struct lg_report *rep, pid_t *pid, char *err, size_t errlen)
{
	return in_worker_q(cfg, msg, mem_limit, "TEST", rep, pid, err, errlen);
}

/* show_difference - where two JSON reports part */
static void show_difference(const char *file, int rc1, int rc2, struct lg_buf *a, struct lg_buf *b)
{
	size_t i = 0;
	while (i < a->len && i < b->len && a->data[i] == b->data[i])
		i++;
	size_t from = i > 80 ? i - 80 : 0;
	tap_diag("%s: differs (rc %d/%d) at byte %zu: in-process ...%.200s / worker ...%.200s", file,
		 rc1, rc2, i, lg_buf_cstr(a) + (from < a->len ? from : a->len),
		 lg_buf_cstr(b) + (from < b->len ? from : b->len));
}

/* corpus - every message of the fixtures, the evaluation set and the evasion cases: the worker's
 * report (JSON, verdict included) equals lg_analyze()'s in this process */
static void corpus(const struct lg_config *cfg)
{
	static const char *const patterns[] = { "tests/fixtures/*.eml", "tests/fixtures/*/*.eml",
						"tests/eval/messages/*.eml",
						"tests/robust/evasion/*.eml" };
	char err[512];
	struct lg_analyzer *an = lg_analyzer_new(err, sizeof err);
	if (!tap_ok(an != NULL, "in-process analyzer starts"))
		return;
	size_t n = 0, same = 0, held = 0;
	for (size_t p = 0; p < sizeof patterns / sizeof patterns[0]; p++) {
		char pat[1024];
		snprintf(pat, sizeof pat, "%s/%s", top, patterns[p]);
		glob_t g;
		if (glob(pat, 0, NULL, &g) != 0)
			continue;
		for (size_t i = 0; i < g.gl_pathc; i++) {
			struct lg_buf msg = LG_BUF_INIT, a = LG_BUF_INIT, b = LG_BUF_INIT;
			if (slurp(g.gl_pathv[i], &msg) < 0)
				continue;
			n++;
			struct lg_report r1, r2;
			int rc1 = lg_analyze(an, cfg, &env, msg.data ? msg.data : "", msg.len, &r1, err,
					     sizeof err);
			/* half through a file spool, half through a sealed memfd */
			int rc2 = in_worker(cfg, &msg, n % 2 ? 0 : 1 << 30, &r2, NULL, err, sizeof err);
			if (rc1 == 0)
				lg_report_json(&r1, &a);
			if (rc2 == 0)
				lg_report_json(&r2, &b);
			if (rc1 == 0 && rc2 == 0 && a.len == b.len && !memcmp(a.data, b.data, a.len) &&
			    r1.verdict.action == r2.verdict.action && !r2.error)
				same++;
			else
				show_difference(g.gl_pathv[i], rc1, rc2, &a, &b);
			held += rc2 == 0 && r2.verdict.action == LG_ACT_HOLD;
			if (rc1 == 0)
				lg_report_free(&r1);
			if (rc2 == 0)
				lg_report_free(&r2);
			lg_buf_free(&msg);
			lg_buf_free(&a);
			lg_buf_free(&b);
		}
		globfree(&g);
	}
	tap_ok(n >= 100, "the corpus has %zu messages", n);
	tap_is_long((long)same, (long)n, "every report from a confined worker equals the in-process one");
	tap_ok(held > 0 && held < n, "some are held, some not (%zu of %zu held)", held, n);
	lg_analyzer_free(an);
}

/* recycling - with max_messages 3, seven messages in a row use three distinct workers */
static void recycling(const struct lg_config *cfg, const struct lg_buf *msg)
{
	pid_t pids[7], distinct[7];
	size_t nd = 0;
	bool ok = true;
	char err[256];
	for (int i = 0; i < 7; i++) {
		struct lg_report r;
		pids[i] = 0;
		if (in_worker(cfg, msg, 1 << 20, &r, &pids[i], err, sizeof err) < 0) {
			tap_diag("message %d: %s", i, err);
			ok = false;
			continue;
		}
		ok &= !r.error && r.verdict.action == LG_ACT_ACCEPT;
		lg_report_free(&r);
		size_t k = 0;
		while (k < nd && distinct[k] != pids[i])
			k++;
		if (k == nd)
			distinct[nd++] = pids[i];
	}
	tap_ok(ok, "seven ordinary messages analysed and accepted");
	tap_is_long((long)nd, 3, "max_messages 3: seven messages in a row took three workers");
	tap_ok(pids[0] == pids[2] && pids[2] != pids[3] && pids[3] == pids[5] && pids[5] != pids[6],
	       "each worker served three messages, then was replaced");
}

/* A message analysed in a thread of its own, so that its worker can be killed meanwhile. */
struct bg {
	const struct lg_config *cfg;
	const struct lg_buf *msg;
	pid_t pid;
	int rc;
	int done;	/* set when the analysis returned */
	struct lg_report rep;
	char err[256];
};

/* bg_run - the thread: analyse, publishing the worker's pid as soon as it is known */
static void *bg_run(void *arg)
{
	struct bg *b = arg;
	b->rc = in_worker(b->cfg, b->msg, 1 << 20, &b->rep, &b->pid, b->err, sizeof b->err);
	__atomic_store_n(&b->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* sleep_ms - pause */
static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

/* worker_failed - the report is "worker failed", held by the default policy (external
 * recipients, fail closed) */
static void worker_failed(int rc, struct lg_report *r, const char *what)
{
	tap_ok(rc == 0 && r->error && !strcmp(r->error, LG_WORKER_FAILED) && r->unscannable == 1,
	       "%s: the report says '%s', one unscannable", what, LG_WORKER_FAILED);
	if (rc == 0 && (!r->error || strcmp(r->error, LG_WORKER_FAILED)))
		tap_diag("error %s, unscannable %u, action %s", r->error ? r->error : "none",
			 r->unscannable, lg_action_name(r->verdict.action));
	tap_ok(rc == 0 && r->verdict.action == LG_ACT_HOLD && r->verdict.nrules &&
		       !strcmp(r->verdict.rules[0], "unscannable-external"),
	       "%s: the default policy holds it (unscannable-external)", what);
	if (rc == 0)
		lg_report_free(r);
}

/* next_is_normal - after a failure the next message is analysed by a healthy worker */
static void next_is_normal(const struct lg_config *cfg, const struct lg_buf *msg, const char *what)
{
	struct lg_report r;
	char err[256];
	int rc = in_worker(cfg, msg, 1 << 20, &r, NULL, err, sizeof err);
	tap_ok(rc == 0 && !r.error && r.verdict.action == LG_ACT_ACCEPT,
	       "%s: the next message is analysed normally and accepted", what);
	if (rc < 0)
		tap_diag("%s", err);
	else if (r.error || r.verdict.action != LG_ACT_ACCEPT)
		tap_diag("error %s, action %s", r.error ? r.error : "none",
			 lg_action_name(r.verdict.action));
	if (rc == 0)
		lg_report_free(&r);
}

/* killed_mid_scan - SIGKILL the worker while it analyses a large message */
static void killed_mid_scan(const struct lg_config *cfg, const struct lg_buf *big,
			    const struct lg_buf *small)
{
	struct bg b = { .cfg = cfg, .msg = big };
	pthread_t t;
	pthread_create(&t, NULL, bg_run, &b);
	pid_t pid = 0;
	for (int i = 0; i < 500 && !(pid = __atomic_load_n(&b.pid, __ATOMIC_SEQ_CST)); i++)
		sleep_ms(10);
	sleep_ms(400);	/* well into the scan, which takes seconds */
	int k = pid > 0 ? kill(pid, SIGKILL) : -1;
	pthread_join(t, NULL);
	tap_ok(k == 0, "the worker (pid %ld) was killed mid-scan", (long)pid);
	worker_failed(b.rc, &b.rep, "killed mid-scan");
	next_is_normal(cfg, small, "killed mid-scan");
}

/* big_csv - a message with a large CSV attachment of contacts (seconds of analysis) */
static void big_csv(struct lg_buf *m, size_t rows)
{
	lg_buf_puts(m, "From: hanako.yamada@pref.example.lg.jp\r\nTo: someone@example.com\r\n"
		       "Subject: list\r\nMIME-Version: 1.0\r\n"
		       "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
		       "Content-Type: text/plain; charset=us-ascii\r\n\r\nthe list\r\n--b\r\n"
		       "Content-Type: text/csv; charset=us-ascii\r\n"
		       "Content-Disposition: attachment; filename=\"list.csv\"\r\n\r\n"
		       "name,phone,email,note\r\n");
	for (size_t i = 0; i < rows; i++)
		lg_buf_printf(m, "person %zu,090-%04zu-%04zu,p%zu@example.ne.jp,%zu lorem ipsum dolor\r\n",
			      i, (i / 10000) % 10000, i % 10000, i, i * 7);
	lg_buf_puts(m, "--b--\r\n");
}

/* misbehaving - workers that misbehave on purpose (this test's build of milter/worker.c only):
 * a malformed report, a frame cut short and a forbidden system call under the filter are
 * 'worker failed' (held); an analysis error inside is an error (tempfail); after each, the next
 * message is analysed normally */
static void misbehaving(const struct lg_config *cfg, const struct lg_buf *msg)
{
	static const char *const failing[] = { "GARBAGE", "SHORT", "SOCKET" };
	char err[256];
	for (size_t i = 0; i < sizeof failing / sizeof failing[0]; i++) {
		struct lg_report r;
		int rc = in_worker_q(cfg, msg, 1 << 20, failing[i], &r, NULL, err, sizeof err);
		worker_failed(rc, &r, failing[i]);
		next_is_normal(cfg, msg, failing[i]);
	}
	struct lg_report r;
	int rc = in_worker_q(cfg, msg, 1 << 20, "ERROR", &r, NULL, err, sizeof err);
	tap_ok(rc < 0 && strstr(err, "detector failure: test"),
	       "an analysis error inside the worker is an error for the caller (tempfail): %s", err);
	if (rc == 0)
		lg_report_free(&r);
	next_is_normal(cfg, msg, "ERROR");
}

/* proc_state - the state letter of process pid (/proc/PID/stat), 0 when it is gone */
static char proc_state(long pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t len = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[len] = '\0';
	char *p = strrchr(buf, ')');
	char st = 0;
	return p && sscanf(p + 1, " %c", &st) == 1 ? st : 0;
}

/* kill_children - SIGKILL every child of this process (the spawner and the workers: the front
 * is their subreaper) and wait until each is dead (a zombie, or reaped); how many */
static int kill_children(void)
{
	DIR *d = opendir("/proc");
	int n = 0;
	long pids[256];
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char path[300], buf[512];
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		FILE *f = e->d_name[0] >= '1' && e->d_name[0] <= '9' ? fopen(path, "r") : NULL;
		if (!f)
			continue;
		size_t len = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[len] = '\0';
		char *p = strrchr(buf, ')');	/* pid (comm) state ppid ... */
		long ppid = 0;
		if (p && sscanf(p + 1, " %*c %ld", &ppid) == 1 && ppid == (long)getpid() &&
		    kill((pid_t)atol(e->d_name), SIGKILL) == 0 && n < 256)
			pids[n++] = atol(e->d_name);
	}
	if (d)
		closedir(d);
	for (int i = 0, tries = 0; i < n && tries < 1000; tries++) {	/* the pool reaps them */
		char st = proc_state(pids[i]);
		if (st == 0 || st == 'Z')
			i++;
		else
			sleep_ms(10);
	}
	return n;
}

/* proc_field - the line of /proc/PID/FILE that starts with key, into out ("" if none) */
static void proc_field(pid_t pid, const char *file, const char *key, char *out, size_t len)
{
	char path[64], line[512];
	snprintf(path, sizeof path, "/proc/%ld/%s", (long)pid, file);
	out[0] = '\0';
	FILE *f = fopen(path, "r");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, key, strlen(key))) {
			snprintf(out, len, "%s", line + strlen(key));
			out[strcspn(out, "\n")] = '\0';
			break;
		}
	if (f)
		fclose(f);
}

/* respawned - the spawner and its workers killed: the next message is analysed normally by a
 * new spawner, this program run again with LG_SPAWNER_ARG, as this user, no signal blocked */
static void respawned(const struct lg_config *cfg, const struct lg_buf *msg)
{
	char err[256];
	pid_t sp1 = lg_workers_spawner_pid(), w1 = 0, w2 = 0;
	struct lg_report r;
	if (in_worker(cfg, msg, 1 << 20, &r, &w1, err, sizeof err) == 0)
		lg_report_free(&r);
	int killed = kill_children();
	tap_ok(sp1 > 0 && w1 > 0 && killed >= 2, "spawner %ld and its %d worker(s) killed",
	       (long)sp1, killed - 1);
	int rc = in_worker(cfg, msg, 1 << 20, &r, &w2, err, sizeof err);
	pid_t sp2 = lg_workers_spawner_pid();
	tap_ok(rc == 0 && !r.error && r.verdict.action == LG_ACT_ACCEPT && w2 != w1,
	       "after the spawner's death the next message is analysed by a new worker (%ld)",
	       (long)w2);
	if (rc < 0)
		tap_diag("%s", err);
	else
		lg_report_free(&r);
	tap_ok(sp2 > 0 && sp2 != sp1, "a new spawner runs (pid %ld, was %ld)", (long)sp2, (long)sp1);
	char cmd[512] = "", uid[64], mine[64], blk[64];
	char path[64];
	snprintf(path, sizeof path, "/proc/%ld/cmdline", (long)sp2);
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(cmd, 1, sizeof cmd - 1, f) : 0;
	if (f)
		fclose(f);
	cmd[n] = '\0';
	const char *arg1 = n > strlen(cmd) ? cmd + strlen(cmd) + 1 : "";
	tap_ok(!strcmp(arg1, LG_SPAWNER_ARG), "it is this program executed again (argv[1] %s)",
	       arg1);
	proc_field(sp2, "status", "Uid:", uid, sizeof uid);
	proc_field(getpid(), "status", "Uid:", mine, sizeof mine);
	proc_field(sp2, "status", "SigBlk:", blk, sizeof blk);
	tap_ok(uid[0] && !strcmp(uid, mine), "it runs as this process's user (Uid:%s)", uid);
	tap_ok(blk[0] && strspn(blk, "\t 0") == strlen(blk), "no signal blocked in it (SigBlk:%s)",
	       blk);
}

/* in_flight - the spawner dies while a message is in a worker: alone, the message gets its
 * normal report; with the worker, "worker failed" (held) */
static void in_flight(const struct lg_config *cfg, const struct lg_buf *big, bool worker_too)
{
	struct bg b = { .cfg = cfg, .msg = big };
	pthread_t t;
	pthread_create(&t, NULL, bg_run, &b);
	pid_t pid = 0;
	for (int i = 0; i < 500 && !(pid = __atomic_load_n(&b.pid, __ATOMIC_SEQ_CST)); i++)
		sleep_ms(10);
	sleep_ms(worker_too ? 400 : 100);	/* the scan takes longer */
	pid_t sp = lg_workers_spawner_pid();
	int k = sp > 0 ? kill(sp, SIGKILL) : -1;
	int in_flight_then = !__atomic_load_n(&b.done, __ATOMIC_SEQ_CST);
	if (worker_too && pid > 0)
		k |= kill(pid, SIGKILL);
	pthread_join(t, NULL);
	if (worker_too) {
		tap_ok(k == 0, "spawner %ld and worker %ld killed mid-scan", (long)sp, (long)pid);
		worker_failed(b.rc, &b.rep, "spawner and worker killed mid-scan");
		return;
	}
	tap_ok(k == 0 && in_flight_then, "spawner %ld killed while worker %ld scans", (long)sp,
	       (long)pid);
	/* its worker's own report (slow builds may hit limits.time_budget: then unscannable, still
	 * held; never "worker failed") */
	tap_ok(b.rc == 0 && !(b.rep.error && !strcmp(b.rep.error, LG_WORKER_FAILED)) &&
		       b.rep.verdict.action == LG_ACT_HOLD,
	       "the message in flight gets its worker's report, not '%s' (hold, %zu records, %u "
	       "unscannable)", LG_WORKER_FAILED, b.rc == 0 ? (size_t)b.rep.records : (size_t)0,
	       b.rc == 0 ? (unsigned)b.rep.unscannable : 0u);
	if (b.rc == 0)
		lg_report_free(&b.rep);
	else
		tap_diag("%s", b.err);
}

/* backoff_ms - the wait announced in a back-off error, or -1 */
static long backoff_ms(const char *err)
{
	const char *p = strstr(err, "starts in ");
	long ms = -1;
	if (!p || sscanf(p, "starts in %ld ms", &ms) != 1 || !strstr(err, "back-off"))
		return -1;
	return ms;
}

/* backoff - a spawner that dies young is replaced after a back-off that doubles: a message that
 * needs a new worker meanwhile is an error (tempfail), after it a new spawner serves */
static void backoff(const struct lg_config *cfg, const struct lg_buf *msg)
{
	char err[256];
	struct lg_report r;
	long waits[2] = { -1, -1 };
	/* first a spawner just started (whether the one now dead lived long depends on the speed
	 * of what came before) */
	kill_children();
	if (in_worker(cfg, msg, 1 << 20, &r, NULL, err, sizeof err) == 0)
		lg_report_free(&r);
	else
		sleep_ms(backoff_ms(err) > 0 ? backoff_ms(err) + 100 : 100);
	next_is_normal(cfg, msg, "a new spawner");
	for (int i = 0; i < 2; i++) {
		kill_children();	/* the spawner started moments ago dies young */
		int rc = in_worker(cfg, msg, 1 << 20, &r, NULL, err, sizeof err);
		if (rc == 0)
			lg_report_free(&r);
		else
			waits[i] = backoff_ms(err);
		tap_ok(rc < 0 && waits[i] > 0, "a spawner dead young: the message is an error (%s)",
		       rc < 0 ? err : "analysed");
		sleep_ms(waits[i] > 0 ? waits[i] + 100 : 100);
		next_is_normal(cfg, msg, "after the back-off");
	}
	tap_ok(waits[0] >= 500 && waits[1] >= 2 * waits[0] - 500 && waits[1] <= 2 * waits[0],
	       "the back-off doubles: %ld ms, then %ld ms", waits[0], waits[1]);
}

/* hung_spawner - a spawner that does not answer (stopped with SIGSTOP) while a message needs a
 * new worker: after the reply deadline (10 s) it is killed and replaced, and that message is
 * analysed normally by a worker of the new spawner; the pool has max_messages 1, so every
 * message needs a new worker */
static void hung_spawner(const struct lg_config *cfg, const struct lg_buf *msg)
{
	char err[256];
	struct lg_report r;
	if (in_worker(cfg, msg, 1 << 20, &r, NULL, err, sizeof err) == 0)
		lg_report_free(&r);
	pid_t sp1 = lg_workers_spawner_pid();
	int k = sp1 > 0 ? kill(sp1, SIGSTOP) : -1;
	time_t t0 = time(NULL);
	int rc = in_worker(cfg, msg, 1 << 20, &r, NULL, err, sizeof err);
	long took = (long)(time(NULL) - t0);
	pid_t sp2 = lg_workers_spawner_pid();
	tap_ok(k == 0 && rc == 0 && !r.error && r.verdict.action == LG_ACT_ACCEPT,
	       "spawner %ld stopped: the message that needs a worker is still analysed (%s)",
	       (long)sp1, rc == 0 ? "normal report" : err);
	if (rc == 0)
		lg_report_free(&r);
	tap_ok(took >= 9 && took <= 40, "... after the reply deadline of 10 s (%ld s)", took);
	errno = 0;
	tap_ok(sp2 > 0 && sp2 != sp1 && kill(sp1, 0) < 0 && errno == ESRCH,
	       "the stopped spawner was killed and reaped; a new one runs (pid %ld)", (long)sp2);
	next_is_normal(cfg, msg, "a hung spawner");
}

/* Lines this process (the front) logged while capture was its log sink. */
static struct lg_buf captured = LG_BUF_INIT;

/* capture - a log sink for the front: keep the line ("PRIO text"), and show it */
static void capture(int prio, const char *line)
{
	lg_buf_printf(&captured, "%d %s\n", prio, line);
	fprintf(stderr, "leakguard: %s\n", line);
}

/* worker_log - a worker's log line is logged by the front, and a worker whose syslog connection
 * is gone (as after a restart of the syslog daemon; glibc's syslog() would reconnect with
 * socket(), which the filter punishes with SIGSYS) logs, analyses and lives on; so does one in
 * which a library logs through GLib (GLib's own writer would call getpeername() on stderr, also
 * punished), even with G_MESSAGES_DEBUG=all, which would make GLib write poppler's info lines */
static void worker_log(const struct lg_buf *msg)
{
	lg_log_open("leakguard", LG_LOG_SYSLOG, LOG_MAIL);
	closelog();	/* not connected: the next syslog() would call socket() */
	setenv("G_MESSAGES_DEBUG", "all", 1);	/* inherited by the spawner and its workers */
	struct lg_config *cfg = start_pool("workers: {count: 1, seccomp: true}\n");
	unsetenv("G_MESSAGES_DEBUG");
	lg_log_set_sink(capture);	/* now: the spawner and its workers must not inherit it */
	struct lg_report r;
	pid_t p1 = 0, p2 = 0;
	char err[256], want[128];
	int rc = in_worker_q(cfg, msg, 1 << 20, "LOG", &r, &p1, err, sizeof err);
	tap_ok(rc == 0 && !r.error && r.verdict.action == LG_ACT_ACCEPT,
	       "a worker that logs with its syslog connection gone analyses the message (%s)",
	       rc < 0 ? err : r.error ? r.error : lg_action_name(r.verdict.action));
	if (rc == 0)
		lg_report_free(&r);
	snprintf(want, sizeof want, "%d worker %ld: test hook: a line logged by the worker\n",
		 LOG_WARNING, (long)p1);
	tap_ok(p1 > 0 && strstr(lg_buf_cstr(&captured), want) != NULL,
	       "the front logs the worker's line, at its priority: %.*s", (int)strlen(want) - 1, want);
	static const struct {
		int prio;
		const char *text;
	} glib_lines[] = {
		{ LOG_WARNING, "GLib: test hook: a GLib warning" },
		{ LOG_ERR, "GLib: test hook: a GLib critical" },
	};
	for (size_t i = 0; i < sizeof glib_lines / sizeof glib_lines[0]; i++) {
		snprintf(want, sizeof want, "%d worker %ld: %s\n", glib_lines[i].prio, (long)p1,
			 glib_lines[i].text);
		tap_ok(p1 > 0 && strstr(lg_buf_cstr(&captured), want) != NULL,
		       "the front logs the worker's GLib line, at its priority: %.*s",
		       (int)strlen(want) - 1, want);
	}
	tap_ok(strstr(lg_buf_cstr(&captured), "poppler's syntax error") == NULL,
	       "a library's info line is left out when not verbose");
	rc = in_worker(cfg, msg, 1 << 20, &r, &p2, err, sizeof err);
	tap_ok(rc == 0 && p2 == p1, "the same worker (%ld) analyses the next message", (long)p2);
	if (rc == 0)
		lg_report_free(&r);
	stop_pool(cfg);
	lg_log_set_sink(NULL);
	lg_log_open("leakguard", LG_LOG_STDERR, 0);
	lg_buf_free(&captured);
}

/* seccomp_kills - a child under the filter: open() is refused, socket() kills it with SIGSYS */
static void seccomp_kills(void)
{
	char err[256];
	pid_t p = fork();
	if (p == 0) {
		if (lg_sandbox_seccomp(err, sizeof err) < 0)
			_exit(3);
		if (open("/etc/passwd", O_RDONLY) >= 0 || errno != EACCES)
			_exit(4);
		socket(AF_INET, SOCK_STREAM, 0);
		_exit(0);
	}
	int st = 0;
	waitpid(p, &st, 0);
	tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS,
	       "seccomp: open() is refused (EACCES) and socket() kills the process with SIGSYS");
	if (!WIFSIGNALED(st))
		tap_diag("child exited with %d (3: filter not installed, 4: open not refused)",
			 WEXITSTATUS(st));
	p = fork();
	if (p == 0) {
		if (lg_sandbox_seccomp(err, sizeof err) < 0)
			_exit(3);
		char c = 'x';
		_exit(write(1, &c, 0) == 0 ? 0 : 5);
	}
	waitpid(p, &st, 0);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "seccomp: write and exit stay allowed");
	p = fork();
	if (p == 0) {	/* the channel's sendmsg stays allowed; send()/sendto(), syslog's, do not */
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0 ||
		    lg_sandbox_seccomp(err, sizeof err) < 0)
			_exit(3);
		char c = 'x';
		struct iovec iov = { &c, 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		if (sendmsg(sv[0], &mh, MSG_NOSIGNAL) != 1)
			_exit(6);
		send(sv[0], &c, 1, MSG_NOSIGNAL);
		_exit(0);
	}
	waitpid(p, &st, 0);
	tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS,
	       "seccomp: sendmsg() is allowed, send() (sendto) kills the process with SIGSYS");
	if (!WIFSIGNALED(st))
		tap_diag("child exited with %d (3: no filter, 6: sendmsg failed)", WEXITSTATUS(st));
	p = fork();
	if (p == 0) {
		struct lg_sandbox_limits nocore = { 0, 0 };	/* and no core file */
		if (lg_sandbox_limits(&nocore, err, sizeof err) < 0 ||
		    lg_sandbox_seccomp(err, sizeof err) < 0)
			_exit(3);
		abort();
	}
	waitpid(p, &st, 0);
	tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT,
	       "seccomp: abort() still signals the process itself (SIGABRT, not SIGSYS)");
	p = fork();
	if (p == 0) {
		if (lg_sandbox_seccomp(err, sizeof err) < 0)
			_exit(3);
		kill(getppid(), 0);
		_exit(0);
	}
	waitpid(p, &st, 0);
	tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS,
	       "seccomp: kill() of another process kills the caller (SIGSYS)");
}

int main(int argc, char **argv)
{
	lg_workers_spawner_exec(argc, argv);	/* this program is also a re-started spawner */
	top = getenv("top_srcdir") ? getenv("top_srcdir") : ".";
	snprintf(cfgpath, sizeof cfgpath, "%s/lg-test-workers.%ld.yaml",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
	lg_library_init();
	signal(SIGPIPE, SIG_IGN);

	seccomp_kills();

	struct lg_config *cfg = start_pool("workers: {count: 2, max_messages: 1000, seccomp: true}\n");
	tap_ok(lg_workers_enabled(), "the pool starts");
	corpus(cfg);
	stop_pool(cfg);

	struct lg_buf ordinary = LG_BUF_INIT, big = LG_BUF_INIT, huge = LG_BUF_INIT;
	char path[1024];
	snprintf(path, sizeof path, "%s/tests/fixtures/ordinary.eml", top);
	if (slurp(path, &ordinary) < 0)
		tap_ok(0, "read %s", path);
	big_csv(&big, 400000);	/* about 30 MB: 3 s of CPU time on a 2026 laptop core */
	big_csv(&huge, 700000);	/* about 55 MB: 5 s, well past 1 + 1 CPU seconds and 2 s wall */

	/* the spawner killed: a new one, whose workers give the same reports (the medium message
	 * scanned whole may take minutes in a sanitizer build on a busy machine) */
	struct lg_buf medium = LG_BUF_INIT;
	big_csv(&medium, 100000);	/* about 7 MB: most of a second of CPU time */
	cfg = start_pool(LIMITS "workers: {count: 2, max_messages: 1000, seccomp: true, "
				"timeout: 1800, cpu_seconds: 1800}\n");
	time_t t0 = time(NULL);
	respawned(cfg, &ordinary);
	corpus(cfg);
	/* the new spawner must outlive the back-off's 10 s for the next one to start at once */
	while (time(NULL) < t0 + 12)
		sleep_ms(200);
	in_flight(cfg, &big, true);
	next_is_normal(cfg, &ordinary, "spawner and worker killed during a scan");
	in_flight(cfg, &medium, false);
	next_is_normal(cfg, &ordinary, "spawner killed during a scan");
	backoff(cfg, &ordinary);
	stop_pool(cfg);
	lg_buf_free(&medium);

	worker_log(&ordinary);

	cfg = start_pool(LIMITS "workers: {count: 1, max_messages: 1}\n");
	hung_spawner(cfg, &ordinary);
	stop_pool(cfg);

	cfg = start_pool(LIMITS "workers: {count: 2, max_messages: 3}\n");
	recycling(cfg, &ordinary);
	killed_mid_scan(cfg, &big, &ordinary);
	misbehaving(cfg, &ordinary);
	stop_pool(cfg);

	cfg = start_pool(LIMITS "workers: {count: 1, timeout: 2}\n");
	struct bg b = { .cfg = cfg, .msg = &huge };
	bg_run(&b);
	worker_failed(b.rc, &b.rep, "over workers.timeout");
	next_is_normal(cfg, &ordinary, "over workers.timeout");
	stop_pool(cfg);

	cfg = start_pool(LIMITS "workers: {count: 1, cpu_seconds: 1, timeout: 600}\n");
	b = (struct bg){ .cfg = cfg, .msg = &huge };
	bg_run(&b);
	worker_failed(b.rc, &b.rep, "over workers.cpu_seconds");
	next_is_normal(cfg, &ordinary, "over workers.cpu_seconds");
	stop_pool(cfg);

	lg_buf_free(&ordinary);
	lg_buf_free(&big);
	lg_buf_free(&huge);
	unlink(cfgpath);
	return tap_done();
}
