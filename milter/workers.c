/* workers.c - the pool of analysis workers, seen from the milter front, and the spawner.
 *
 * The front forks one spawner while it is still single-threaded (before libmilter's threads):
 * forking the multi-threaded front later could copy a lock some other thread holds (GLib's, the
 * iconv cache's) into the child. The spawner only ever forks: on request it makes a socket pair
 * and forks twice, so that the worker is orphaned at once and re-parented to the front, which
 * made itself a child subreaper. The front thus waits for its workers itself (waitpid on their
 * pids, never on -1, and no SIGCHLD handler: libmilter is not disturbed) and sees how each one
 * ended. The spawner sends the front its end of the socket pair (SCM_RIGHTS) and the pid.
 *
 * Configurations: the spawner has its own copy of each configuration in force. The first is
 * inherited at fork; on reload the spawner reads the file again (lg_workers_bind) and the front
 * refuses the reload if that fails. Each worker runs under one configuration (its generation);
 * a message is only given to a worker of the configuration the message is bound to, and idle
 * workers of other configurations are replaced as needed.
 *
 * A message: the front takes an idle worker (or spawns one, or waits for one), sends the request
 * and the message's descriptor, and waits for the report up to workers.timeout. A worker that
 * dies, times out or sends garbage is killed, reaped and replaced; the message gets the report
 * "worker failed". A worker is replaced after workers.max_messages messages or any error.
 *
 * A spawner that dies (killed, OOM) is replaced when the front next needs it: workers already
 * running are the front's children and carry on; the front reaps the dead spawner, logs how it
 * ended, and starts a new one. The front has libmilter's threads by then, so it does not fork a
 * copy of itself (a lock held by another thread would be copied held): it forks and at once
 * executes its own program again (/proc/self/exe, LG_SPAWNER_ARG) with the control socket as
 * descriptor 3; the new process sets up as the first spawner was (logging, libraries, not
 * dumpable, no other descriptors) and the front has it load every configuration in force from
 * the file again. It runs as the run-as user, as the first spawner did (forked after root was
 * dropped): a spawner needs no privilege, it only forks, and workers only lower their limits and
 * install a seccomp filter under no_new_privs. A replacement spawner that dies within
 * SPAWNER_STABLE_MS of its start is not replaced at once but after a back-off doubling from
 * SPAWNER_BACKOFF_MIN_MS to SPAWNER_BACKOFF_MAX_MS; meanwhile a message that needs a new worker
 * gets tempfail. A spawner that does not answer a request in time (SPAWNER_REPLY_MS to fork a
 * worker, SPAWNER_LOAD_MS to load a configuration: stopped, or stuck) is killed and replaced the
 * same way, so that a hung spawner cannot hold every session that needs a worker. */
#include "milter/workers.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analyze/recipients.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "lg_log.h"
#include "milter/channel.h"
#include "milter/wire.h"
#include "milter/worker.h"

#define TIMEOUT_MARGIN 30	/* workers.timeout 0: limits.time_budget plus this many seconds */
#define EXIT_GRACE_MS 2000	/* after a worker closed its socket, how long it may take to exit */
#define CTL_MAX 4096		/* bytes of one spawner control message */
#define READY_TIMEOUT_MS 60000	/* how long a new worker may take to set up */
#define SPAWNER_STABLE_MS 10000	/* a spawner that lived this long is replaced at once */
#define SPAWNER_BACKOFF_MIN_MS 1000	/* first wait before replacing one that died young */
#define SPAWNER_BACKOFF_MAX_MS 60000	/* the wait doubles up to this */
#define SPAWNER_EXIT_GRACE_MS 1000	/* after its channel closed, how long it may take to exit */
#define SPAWNER_REPLY_MS 10000	/* how long the spawner may take to fork a worker ('S', 'D') */
#define SPAWNER_LOAD_MS 300000	/* ... to read the configuration file again ('L') */
#define SPAWNER_FD 3		/* the control socket in a re-executed spawner */
#define SELF_EXE "/proc/self/exe"
#define LOG_LINES_MAX 100	/* a worker's log lines logged per message (or start) */

/* One control message between the front and the spawner. */
struct ctl_msg {
	char op;		/* request: 'S' spawn, 'L' load, 'D' drop; reply: 'K' ok, 'E' error */
	uint64_t gen;		/* the configuration generation */
	int32_t pid;		/* reply to 'S': the worker's pid */
	char text[256];		/* reply 'E': what went wrong */
};

struct worker {
	pid_t pid;		/* 0: empty slot */
	int fd;			/* the front's end of the socket pair */
	uint64_t gen;		/* configuration generation it runs under */
	unsigned uses;		/* messages analysed */
	bool busy;
};

struct binding {
	const struct lg_config *cfg;
	uint64_t gen;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t changed;		/* a worker became idle or a slot empty */
	bool on;
	pid_t spawner;			/* 0 once the dead spawner was reaped */
	int ctl;			/* -1 once the spawner is gone */
	char *cfgpath;			/* what a new spawner loads; NULL: built-in */
	int64_t spawner_started;	/* CLOCK_MONOTONIC ms */
	int64_t restart_at;		/* no new spawner before this (back-off) */
	int64_t backoff_ms;		/* the last back-off; 0 after a spawner that lived long */
	unsigned restarts;		/* spawners started after the first */
	struct worker *w;
	size_t nw;
	struct binding *b;
	size_t nb;
	uint64_t last_gen;
} pool = { .lock = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER, .ctl = -1 };

/* now_ms - CLOCK_MONOTONIC in milliseconds */
static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* describe_status - how a process ended, in words */
static void describe_status(int st, char *out, size_t len)
{
	if (WIFSIGNALED(st))
		snprintf(out, len, "killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
	else if (WIFEXITED(st))
		snprintf(out, len, "exited with status %d", WEXITSTATUS(st));
	else
		snprintf(out, len, "ended (status 0x%x)", (unsigned)st);
}

/* ---- the spawner process ------------------------------------------------------------------- */

/* A configuration the spawner holds, by generation. */
struct sp_cfg {
	uint64_t gen;
	struct lg_config *cfg;
};

/* sp_reply - send one control reply, with a descriptor or not */
static void sp_reply(int ctl, char op, int32_t pid, const char *text, int fd)
{
	struct ctl_msg m = { .op = op, .pid = pid };
	snprintf(m.text, sizeof m.text, "%s", text ? text : "");
	if (lg_chan_send(ctl, &m, sizeof m, fd) != LG_CHAN_OK)
		_exit(0);	/* the front is gone */
}

/* sp_spawn - fork a worker for cfg, orphaned at once (the front, a subreaper, adopts it) */
static void sp_spawn(int ctl, const struct lg_config *cfg)
{
	int sv[2], pp[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		sp_reply(ctl, 'E', 0, strerror(errno), -1);
		return;
	}
	if (pipe2(pp, O_CLOEXEC) < 0) {
		sp_reply(ctl, 'E', 0, strerror(errno), -1);
		close(sv[0]);
		close(sv[1]);
		return;
	}
	pid_t mid = fork();
	if (mid == 0) {
		pid_t w = fork();
		if (w == 0) {
			close(ctl);
			close(sv[0]);
			close(pp[0]);
			close(pp[1]);
			lg_worker_main(cfg, sv[1]);
		}
		ssize_t n = write(pp[1], &w, sizeof w);
		_exit(n == (ssize_t)sizeof w && w > 0 ? 0 : 1);
	}
	close(sv[1]);
	close(pp[1]);
	pid_t w = -1;
	int e = errno;
	if (mid > 0 && read(pp[0], &w, sizeof w) != (ssize_t)sizeof w)
		w = -1;
	close(pp[0]);
	if (mid > 0)
		while (waitpid(mid, NULL, 0) < 0 && errno == EINTR)
			;
	if (w <= 0)
		sp_reply(ctl, 'E', 0, mid < 0 ? strerror(e) : "fork of the worker failed", -1);
	else
		sp_reply(ctl, 'K', w, NULL, sv[0]);
	close(sv[0]);
}

/* close_listeners - the milter's listening socket is not the spawner's nor a worker's business */
static void close_listeners(int keep)
{
	for (int fd = 3; fd < 1024; fd++) {
		int on = 0;
		socklen_t l = sizeof on;
		if (fd != keep && getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &l) == 0 && on)
			close(fd);
	}
}

/* spawner_main - serve the front's control requests until it closes the channel; cfg0 (NULL:
 * none yet) is generation 1 */
__attribute__((noreturn)) static void spawner_main(int ctl, const struct lg_config *cfg0,
						   const char *cfgpath)
{
	signal(SIGHUP, SIG_IGN);
	signal(SIGUSR1, SIG_IGN);
	signal(SIGINT, SIG_IGN);	/* the front ends the spawner: end of file on ctl */
	signal(SIGTERM, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	close_listeners(ctl);
	struct sp_cfg *cfgs = lg_calloc(1, sizeof *cfgs);
	size_t ncfgs = 0;
	if (cfg0)
		cfgs[ncfgs++] = (struct sp_cfg){ 1, (struct lg_config *)cfg0 };
	struct lg_buf in = LG_BUF_INIT;
	char err[256];
	for (;;) {
		int rc = lg_chan_recv(ctl, &in, CTL_MAX, NULL, -1, err, sizeof err);
		if (rc != LG_CHAN_OK || in.len != sizeof(struct ctl_msg))
			_exit(0);
		struct ctl_msg m;
		memcpy(&m, in.data, sizeof m);
		size_t i = 0;
		while (i < ncfgs && cfgs[i].gen != m.gen)
			i++;
		if (m.op == 'S') {
			if (i == ncfgs)
				sp_reply(ctl, 'E', 0, "no such configuration generation", -1);
			else
				sp_spawn(ctl, cfgs[i].cfg);
		} else if (m.op == 'L') {
			struct lg_buf errs = LG_BUF_INIT;
			struct lg_config *c = lg_config_load(cfgpath, &errs);
			if (!c) {
				sp_reply(ctl, 'E', 0, lg_buf_cstr(&errs), -1);
			} else {
				cfgs = lg_realloc(cfgs, (ncfgs + 1) * sizeof *cfgs);
				cfgs[ncfgs++] = (struct sp_cfg){ m.gen, c };
				sp_reply(ctl, 'K', 0, NULL, -1);
			}
			lg_buf_free(&errs);
		} else if (m.op == 'D') {
			if (i < ncfgs) {
				lg_config_free(cfgs[i].cfg);
				cfgs[i] = cfgs[--ncfgs];
			}
			sp_reply(ctl, 'K', 0, NULL, -1);
		} else {
			_exit(0);
		}
	}
}

/* lg_workers_spawner_exec - see workers.h */
void lg_workers_spawner_exec(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], LG_SPAWNER_ARG) != 0)
		return;
	if (argc != 6) {
		fprintf(stderr, "%s: %s is leakguard's own way to start a worker spawner\n", argv[0],
			LG_SPAWNER_ARG);
		_exit(64);
	}
	/* as the first spawner was: not dumpable (a process that changed its user is not, a fresh
	 * program is again), no signal blocked (the front's milter threads block some), children
	 * reaped by waitpid */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGCHLD, SIG_DFL);
	lg_log_open("leakguard", atoi(argv[3]) == LG_LOG_SYSLOG ? LG_LOG_SYSLOG : LG_LOG_STDERR,
		    atoi(argv[4]));
	lg_log_set_verbose(atoi(argv[5]) != 0);
	if (fcntl(SPAWNER_FD, F_SETFD, FD_CLOEXEC) < 0) {
		lg_error("worker spawner %ld: no control socket: %s", (long)getpid(), strerror(errno));
		_exit(1);
	}
	lg_library_init();
	spawner_main(SPAWNER_FD, NULL, argv[2][0] ? argv[2] : NULL);
}

/* ---- the front: talking to the spawner ------------------------------------------------------ */

/* spawner_lost - the spawner closed its channel, misbehaved or hung: reap it (killed if it has
 * not exited), log how it ended, and set when the next one may start (pool.lock held) */
static void spawner_lost(const char *what, char *err, size_t errlen)
{
	int st = 0;
	pid_t r = 0;
	char how[96] = "not reaped";
	close(pool.ctl);
	pool.ctl = -1;
	for (int64_t end = now_ms() + SPAWNER_EXIT_GRACE_MS; now_ms() < end;) {
		if ((r = waitpid(pool.spawner, &st, WNOHANG)) != 0)
			break;
		struct timespec ts = { 0, 10 * 1000000 };
		nanosleep(&ts, NULL);
	}
	if (r == 0) {
		kill(pool.spawner, SIGKILL);
		while ((r = waitpid(pool.spawner, &st, 0)) < 0 && errno == EINTR)
			;
		snprintf(how, sizeof how, "did not exit; killed");
	} else if (r == pool.spawner) {
		describe_status(st, how, sizeof how);
	}
	int64_t now = now_ms(), lived = now - pool.spawner_started;
	if (lived >= SPAWNER_STABLE_MS || pool.restarts == 0)	/* the first one proved it works */
		pool.backoff_ms = 0;
	else if (pool.backoff_ms < SPAWNER_BACKOFF_MIN_MS)
		pool.backoff_ms = SPAWNER_BACKOFF_MIN_MS;
	else if ((pool.backoff_ms *= 2) > SPAWNER_BACKOFF_MAX_MS)
		pool.backoff_ms = SPAWNER_BACKOFF_MAX_MS;
	pool.restart_at = now + pool.backoff_ms;
	snprintf(err, errlen, "the worker spawner (pid %ld) is gone after %lld.%03lld s: %s; %s",
		 (long)pool.spawner, (long long)(lived / 1000), (long long)(lived % 1000), what, how);
	if (pool.backoff_ms)
		lg_error("%s; it lived less than %d s: a new one starts in %lld s, and until then a "
			 "message that needs a new worker gets tempfail", err, SPAWNER_STABLE_MS / 1000,
			 (long long)pool.backoff_ms / 1000);
	else
		lg_error("%s; a new one starts now", err);
	pool.spawner = 0;
}

/* ctl_raw - one request to the spawner and its reply (pool.lock held): 0; -1 with err when the
 * spawner refused; -2 when the spawner is gone (spawner_lost has been called) */
static int ctl_raw(char op, uint64_t gen, int32_t *pid, int *fd, char *err, size_t errlen)
{
	struct ctl_msg m = { .op = op, .gen = gen };
	struct lg_buf in = LG_BUF_INIT;
	int got = -1;
	char cerr[128], what[64];
	int wait_ms = op == 'L' ? SPAWNER_LOAD_MS : SPAWNER_REPLY_MS;
	int rc = lg_chan_send(pool.ctl, &m, sizeof m, -1) == LG_CHAN_OK
			 ? lg_chan_recv(pool.ctl, &in, CTL_MAX, &got, now_ms() + wait_ms, cerr,
					sizeof cerr)
			 : LG_CHAN_ERROR;
	if (rc != LG_CHAN_OK || in.len != sizeof m) {
		if (got >= 0)
			close(got);
		lg_buf_free(&in);
		if (rc == LG_CHAN_TIMEOUT)
			snprintf(what, sizeof what, "it did not answer within %d s", wait_ms / 1000);
		else
			snprintf(what, sizeof what, "%s",
				 rc == LG_CHAN_OK ? "it sent a malformed reply" : "its channel closed");
		spawner_lost(what, err, errlen);
		return -2;
	}
	memcpy(&m, in.data, sizeof m);
	lg_buf_free(&in);
	m.text[sizeof m.text - 1] = '\0';
	if (m.op != 'K') {
		snprintf(err, errlen, "%s", m.text);
		if (got >= 0)
			close(got);
		return -1;
	}
	if (pid)
		*pid = m.pid;
	if (fd)
		*fd = got;
	else if (got >= 0)
		close(got);
	return 0;
}

/* spawner_fork - fork and execute this program again as a worker spawner on the control socket
 * ctl (the child's end); the pid, or -1 with err. Between fork and exec the child of this
 * multi-threaded process makes async-signal-safe calls only. */
static pid_t spawner_fork(int ctl, char *err, size_t errlen)
{
	enum lg_log_dest dest;
	int facility;
	bool verbose;
	lg_log_settings(&dest, &facility, &verbose);
	char a_dest[16], a_fac[16], a_verbose[4];
	snprintf(a_dest, sizeof a_dest, "%d", (int)dest);
	snprintf(a_fac, sizeof a_fac, "%d", facility);
	snprintf(a_verbose, sizeof a_verbose, "%d", verbose ? 1 : 0);
	char *argv[] = { "leakguard", LG_SPAWNER_ARG, pool.cfgpath ? pool.cfgpath : "", a_dest,
			 a_fac, a_verbose, NULL };
	struct rlimit rl;
	int maxfd = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
				    rl.rlim_cur < (1u << 20)
			    ? (int)rl.rlim_cur
			    : 1 << 20;
	int ep[2];	/* the exec's errno, or end of file when it succeeded */
	if (pipe2(ep, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int c = fcntl(ctl, F_DUPFD, 10), e = fcntl(ep[1], F_DUPFD_CLOEXEC, 10);
		if (c < 0 || e < 0 || dup2(c, SPAWNER_FD) < 0 || dup3(e, SPAWNER_FD + 1, O_CLOEXEC) < 0)
			_exit(126);
		if (close_range(SPAWNER_FD + 2, ~0U, 0) < 0)
			for (int fd = SPAWNER_FD + 2; fd < maxfd; fd++)
				close(fd);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execv(SELF_EXE, argv);
		int x = errno;
		if (write(SPAWNER_FD + 1, &x, sizeof x) < 0)
			_exit(127);
		_exit(127);
	}
	int x = errno;
	close(ep[1]);
	if (pid < 0) {
		close(ep[0]);
		snprintf(err, errlen, "fork: %s", strerror(x));
		return -1;
	}
	ssize_t n;
	while ((n = read(ep[0], &x, sizeof x)) < 0 && errno == EINTR)
		;
	close(ep[0]);
	if (n != 0) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		snprintf(err, errlen, "cannot execute %s: %s", SELF_EXE,
			 n == (ssize_t)sizeof x ? strerror(x) : "the child failed before exec");
		return -1;
	}
	return pid;
}

/* spawner_restart - start a new spawner in place of the dead one, unless the back-off says not
 * yet, and have it load every configuration in force (pool.lock held); 0, or -1 with err */
static int spawner_restart(char *err, size_t errlen)
{
	int64_t now = now_ms();
	if (now < pool.restart_at) {
		snprintf(err, errlen, "the worker spawner is gone; a new one starts in %lld ms "
				      "(back-off)", (long long)(pool.restart_at - now));
		return -1;
	}
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(err, errlen, "cannot start a new worker spawner: socketpair: %s",
			 strerror(errno));
		return -1;
	}
	char ferr[200];
	pid_t pid = spawner_fork(sv[1], ferr, sizeof ferr);
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		pool.backoff_ms = pool.backoff_ms < SPAWNER_BACKOFF_MIN_MS ? SPAWNER_BACKOFF_MIN_MS
			: pool.backoff_ms * 2 > SPAWNER_BACKOFF_MAX_MS ? SPAWNER_BACKOFF_MAX_MS
			: pool.backoff_ms * 2;
		pool.restart_at = now + pool.backoff_ms;
		snprintf(err, errlen, "cannot start a new worker spawner: %s", ferr);
		lg_error("%s; next attempt in %lld s", err, (long long)pool.backoff_ms / 1000);
		return -1;
	}
	pool.spawner = pid;
	pool.ctl = sv[0];
	pool.spawner_started = now;
	pool.restarts++;
	lg_warning("worker pool: spawner %ld started again (restart %u), running as uid %ld; "
		   "loading %zu configuration(s) in force from %s", (long)pid, pool.restarts,
		   (long)getuid(), pool.nb, pool.cfgpath ? pool.cfgpath : "<built-in>");
	for (size_t i = 0; i < pool.nb; i++) {
		char lerr[512];
		int rc = ctl_raw('L', pool.b[i].gen, NULL, NULL, lerr, sizeof lerr);
		if (rc == -2) {
			snprintf(err, errlen, "%s", lerr);
			return -1;
		}
		if (rc < 0)
			lg_error("worker pool: the new spawner cannot load configuration generation "
				 "%llu: %s; messages under it get tempfail until a reload",
				 (unsigned long long)pool.b[i].gen, lerr);
	}
	return 0;
}

/* ctl_call - one request to the spawner and its reply (pool.lock held), starting a new spawner
 * when it is gone (once per call, within the back-off); -1 with err */
static int ctl_call(char op, uint64_t gen, int32_t *pid, int *fd, char *err, size_t errlen)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		if (pool.ctl < 0 && spawner_restart(err, errlen) < 0)
			return -1;
		int rc = ctl_raw(op, gen, pid, fd, err, errlen);
		if (rc != -2)
			return rc;
	}
	return -1;
}

static void reap_failed(struct worker *w, bool kill_now, char *how, size_t howlen);

/* relay_log - a worker's log line (an LG_WORKER_LOG frame): log it here, after the worker's pid,
 * control characters made '?' (a worker's text is not trusted to be one line) */
static void relay_log(pid_t pid, const struct lg_buf *in)
{
	char text[LG_WORKER_LOG_MAX + 1];
	int len = (int)(in->len - 2 > LG_WORKER_LOG_MAX ? LG_WORKER_LOG_MAX : in->len - 2);
	for (int i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in->data[2 + i];
		text[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	lg_log_at(in->data[1], "worker %ld: %.*s", (long)pid, len, text);
}

/* recv_reply - the worker's next frame that is not a log line (the first LOG_LINES_MAX of those
 * are logged, the rest counted); LG_CHAN_ code */
static int recv_reply(pid_t pid, int fd, struct lg_buf *in, size_t max, int64_t deadline,
		      char *err, size_t errlen)
{
	unsigned lines = 0;
	for (;;) {
		int rc = lg_chan_recv(fd, in, max, NULL, deadline, err, errlen);
		if (rc != LG_CHAN_OK || in->len < 2 || in->data[0] != LG_WORKER_LOG) {
			if (lines > LOG_LINES_MAX)
				lg_warning("worker %ld: %u more log lines not logged", (long)pid,
					   lines - LOG_LINES_MAX);
			return rc;
		}
		if (++lines <= LOG_LINES_MAX)
			relay_log(pid, in);
	}
}

/* spawn_into - start a worker of generation gen in the empty slot w (pool.lock held) */
static int spawn_into(struct worker *w, uint64_t gen, char *err, size_t errlen)
{
	int32_t pid = 0;
	int fd = -1;
	if (ctl_call('S', gen, &pid, &fd, err, errlen) < 0)
		return -1;
	if (fd < 0 || pid <= 0) {
		snprintf(err, errlen, "the spawner sent no worker");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*w = (struct worker){ .pid = pid, .fd = fd, .gen = gen };
	struct lg_buf in = LG_BUF_INIT;
	char cerr[128], how[128];
	int rc = recv_reply(pid, fd, &in, 2 + LG_WORKER_LOG_MAX, now_ms() + READY_TIMEOUT_MS, cerr,
			    sizeof cerr);
	bool ready = rc == LG_CHAN_OK && in.len == 1 && in.data[0] == LG_WORKER_READY;
	lg_buf_free(&in);
	if (!ready) {
		reap_failed(w, rc == LG_CHAN_TIMEOUT || rc == LG_CHAN_OK, how, sizeof how);
		snprintf(err, errlen, "worker %ld did not start (%s): %s", (long)pid,
			 rc == LG_CHAN_OK ? "unknown reply" : cerr, how);
		lg_error("%s", err);
		*w = (struct worker){0};
		return -1;
	}
	lg_info("worker %ld started (configuration generation %llu)", (long)pid,
		(unsigned long long)gen);
	return 0;
}

/* retire - stop the worker in slot w and empty the slot (pool.lock held, or the slot busy) */
static void retire(struct worker *w, const char *why)
{
	if (!w->pid)
		return;
	close(w->fd);
	kill(w->pid, SIGKILL);
	while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
		;
	lg_info("worker %ld retired after %u messages: %s", (long)w->pid, w->uses, why);
	*w = (struct worker){0};
}

/* gen_of - the generation cfg is bound to, or 0 (pool.lock held) */
static uint64_t gen_of(const struct lg_config *cfg)
{
	for (size_t i = 0; i < pool.nb; i++)
		if (pool.b[i].cfg == cfg)
			return pool.b[i].gen;
	return 0;
}

/* idle_gone - has this idle worker died or written something unasked? (then it is no use) */
static bool idle_gone(const struct worker *w)
{
	struct pollfd p = { .fd = w->fd, .events = POLLIN };
	return poll(&p, 1, 0) != 0;
}

/* acquire - a worker of cfg's generation, marked busy; NULL with err when none can be had */
static struct worker *acquire(const struct lg_config *cfg, char *err, size_t errlen)
{
	pthread_mutex_lock(&pool.lock);
	struct worker *got = NULL;
	uint64_t gen = gen_of(cfg);
	if (!gen)
		snprintf(err, errlen, "configuration not bound to the worker pool");
	while (gen && !got) {
		struct worker *empty = NULL, *other = NULL;
		for (size_t i = 0; i < pool.nw && !got; i++) {
			struct worker *w = &pool.w[i];
			if (w->pid && !w->busy && idle_gone(w))
				retire(w, "died while idle");
			if (!w->pid)
				empty = empty ? empty : w;
			else if (!w->busy && w->gen == gen)
				got = w;
			else if (!w->busy)
				other = other ? other : w;
		}
		if (got)
			break;
		if (!empty && other) {
			retire(other, "its configuration was replaced");
			empty = other;
		}
		if (empty) {
			if (spawn_into(empty, gen, err, errlen) < 0)
				break;
			got = empty;
			break;
		}
		pthread_cond_wait(&pool.changed, &pool.lock);
		gen = gen_of(cfg);
	}
	if (got)
		got->busy = true;
	pthread_mutex_unlock(&pool.lock);
	return got;
}

/* release - a message is done with worker w: count it, retire on error, after max_messages or
 * when its configuration is gone; dead: it has already been reaped, just empty the slot */
static void release(struct worker *w, const struct lg_config *cfg, bool ok, bool dead)
{
	pthread_mutex_lock(&pool.lock);
	w->busy = false;
	w->uses++;
	if (dead)
		*w = (struct worker){0};
	else if (!ok)
		retire(w, "error");
	else if (w->uses >= cfg->workers.max_messages)
		retire(w, "workers.max_messages reached");
	else if (gen_of(cfg) != w->gen)
		retire(w, "its configuration was replaced");
	pthread_cond_broadcast(&pool.changed);
	pthread_mutex_unlock(&pool.lock);
}

/* reap_failed - the worker closed, timed out or misbehaved: make sure it is gone, say how */
static void reap_failed(struct worker *w, bool kill_now, char *how, size_t howlen)
{
	int st = 0;
	pid_t r = 0;
	for (int64_t end = now_ms() + EXIT_GRACE_MS; !kill_now && now_ms() < end;) {
		r = waitpid(w->pid, &st, WNOHANG);
		if (r != 0)
			break;
		struct timespec ts = { 0, 10 * 1000000 };
		nanosleep(&ts, NULL);
	}
	if (r == 0) {
		kill(w->pid, SIGKILL);
		while ((r = waitpid(w->pid, &st, 0)) < 0 && errno == EINTR)
			;
		if (!kill_now && r == w->pid) {
			snprintf(how, howlen, "did not exit; killed");
			return;
		}
	}
	if (r == w->pid)
		describe_status(st, how, howlen);
	else
		snprintf(how, howlen, "gone (not reaped: %s)", strerror(errno));
	close(w->fd);
}

/* ---- the front: the interface ------------------------------------------------------------- */

/* lg_workers_start - see workers.h */
int lg_workers_start(const struct lg_config *cfg, const char *cfgpath, char *err, size_t errlen)
{
	if (cfg->workers.count == 0)
		return 0;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "prctl(PR_SET_CHILD_SUBREAPER): %s", strerror(errno));
		return -1;
	}
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		spawner_main(sv[1], cfg, cfgpath);
	}
	close(sv[1]);
	pthread_mutex_lock(&pool.lock);
	pool.spawner = pid;
	pool.ctl = sv[0];
	pool.cfgpath = cfgpath ? lg_strdup(cfgpath) : NULL;
	pool.spawner_started = now_ms();
	pool.restart_at = pool.backoff_ms = 0;
	pool.restarts = 0;
	pool.nw = cfg->workers.count;
	pool.w = lg_calloc(pool.nw, sizeof *pool.w);
	pool.b = lg_calloc(1, sizeof *pool.b);
	pool.b[0] = (struct binding){ cfg, 1 };
	pool.nb = 1;
	pool.last_gen = 1;
	pool.on = true;
	/* one worker now, so that a worker that cannot set up (no seccomp in this kernel, the
	 * libmagic database missing) stops the start instead of failing every message */
	int rc = spawn_into(&pool.w[0], 1, err, errlen);
	pthread_mutex_unlock(&pool.lock);
	if (rc < 0) {
		lg_workers_stop();
		return -1;
	}
	lg_info("worker pool: spawner %ld, up to %u workers, %u messages each", (long)pid,
		cfg->workers.count, cfg->workers.max_messages);
	return 0;
}

/* lg_workers_spawner_pid - see workers.h */
pid_t lg_workers_spawner_pid(void)
{
	pthread_mutex_lock(&pool.lock);
	pid_t pid = pool.ctl >= 0 ? pool.spawner : 0;
	pthread_mutex_unlock(&pool.lock);
	return pid;
}

/* lg_workers_enabled - see workers.h */
bool lg_workers_enabled(void)
{
	return pool.on;
}

/* lg_workers_bind - see workers.h */
int lg_workers_bind(const struct lg_config *cfg, char *err, size_t errlen)
{
	if (!pool.on)
		return 0;
	pthread_mutex_lock(&pool.lock);
	uint64_t gen = pool.last_gen + 1;
	int rc = ctl_call('L', gen, NULL, NULL, err, errlen);
	if (rc == 0) {
		pool.last_gen = gen;
		pool.b = lg_realloc(pool.b, (pool.nb + 1) * sizeof *pool.b);
		pool.b[pool.nb++] = (struct binding){ cfg, gen };
	}
	pthread_mutex_unlock(&pool.lock);
	return rc;
}

/* lg_workers_unbind - see workers.h */
void lg_workers_unbind(const struct lg_config *cfg)
{
	if (!pool.on)
		return;
	pthread_mutex_lock(&pool.lock);
	uint64_t gen = 0;
	for (size_t i = 0; i < pool.nb; i++)
		if (pool.b[i].cfg == cfg) {
			gen = pool.b[i].gen;
			pool.b[i] = pool.b[--pool.nb];
			break;
		}
	if (gen) {
		for (size_t i = 0; i < pool.nw; i++)
			if (pool.w[i].pid && !pool.w[i].busy && pool.w[i].gen == gen)
				retire(&pool.w[i], "its configuration was replaced");
		char err[256];
		/* a spawner started later loads only the generations still bound */
		if (pool.ctl >= 0 && ctl_raw('D', gen, NULL, NULL, err, sizeof err) < 0)
			lg_warning("worker spawner: dropping configuration %llu: %s",
				   (unsigned long long)gen, err);
	}
	pthread_cond_broadcast(&pool.changed);
	pthread_mutex_unlock(&pool.lock);
}

/* lg_report_worker_failed - see workers.h */
void lg_report_worker_failed(const struct lg_config *cfg, const struct lg_envelope *env,
			     size_t len, struct lg_report *out)
{
	*out = (struct lg_report){ .message_size = len };
	out->error = lg_strdup(LG_WORKER_FAILED);
	out->unscannable = 1;
	lg_report_init_dets(out, cfg->detectors);
	lg_recipients_count(cfg, env->sender ? env->sender : "", env->rcpts, env->nrcpts, NULL, 0,
			    &out->recipients);
	lg_policy_eval(&cfg->policy, out, &out->verdict);
}

/* exchange - one request and its reply on a worker; LG_CHAN_ code, reply in in */
static int exchange(struct worker *w, const struct lg_buf *req, int fd, int64_t deadline,
		    struct lg_buf *in, char *err, size_t errlen)
{
	if (lg_chan_send(w->fd, req->data, req->len, fd) != LG_CHAN_OK) {
		snprintf(err, errlen, "send: %s", strerror(errno));
		return LG_CHAN_ERROR;
	}
	return recv_reply(w->pid, w->fd, in, LG_WIRE_MAX_FRAME + 1, deadline, err, errlen);
}

/* lg_workers_analyze - see workers.h */
int lg_workers_analyze(const struct lg_config *cfg, const struct lg_envelope *env, const char *qid,
		       int fd, size_t len, struct lg_report *out, pid_t *pidp, char *err,
		       size_t errlen)
{
	unsigned timeout = cfg->workers.timeout ? cfg->workers.timeout
						: cfg->limits.time_budget + TIMEOUT_MARGIN;
	struct lg_buf req = LG_BUF_INIT, in = LG_BUF_INIT;
	lg_wire_put_request(&req, len, qid, env->sender, env->rcpts, env->nrcpts);
	int result = -1;
	/* A worker found dead when the request is sent has not seen the message: one more try. */
	for (int attempt = 0; attempt < 2; attempt++) {
		struct worker *w = acquire(cfg, err, errlen);
		if (!w)
			break;
		pid_t pid = w->pid;
		if (pidp)
			*pidp = pid;
		char cerr[256], how[128];
		int64_t start = now_ms();
		int rc = exchange(w, &req, fd, start + (int64_t)timeout * 1000, &in, cerr,
				  sizeof cerr);
		if (rc == LG_CHAN_OK && in.len >= 1 && in.data[0] == LG_WORKER_REPORT) {
			if (lg_wire_get_report(in.data + 1, in.len - 1, out, cerr, sizeof cerr) == 0) {
				release(w, cfg, true, false);
				result = 0;
				break;
			}
			reap_failed(w, true, how, sizeof how);
			lg_error("%s: worker %ld failed: malformed report (%s); %s", qid, (long)pid,
				 cerr, how);
		} else if (rc == LG_CHAN_OK && in.len >= 1 && in.data[0] == LG_WORKER_ERROR) {
			snprintf(err, errlen, "%.*s", (int)(in.len - 1), in.data + 1);
			release(w, cfg, false, false);
			break;
		} else if (rc == LG_CHAN_OK) {
			reap_failed(w, true, how, sizeof how);
			lg_error("%s: worker %ld failed: unknown reply; %s", qid, (long)pid, how);
		} else if (rc == LG_CHAN_TIMEOUT) {
			reap_failed(w, true, how, sizeof how);
			lg_error("%s: worker %ld failed: no report after %u s (workers.timeout); %s",
				 qid, (long)pid, timeout, how);
		} else {
			bool unsent = !strncmp(cerr, "send:", 5);
			reap_failed(w, false, how, sizeof how);
			if (unsent && attempt == 0) {
				lg_warning("%s: worker %ld was gone before the message was sent (%s); "
					   "trying another", qid, (long)pid, how);
				release(w, cfg, false, true);
				continue;
			}
			lg_error("%s: worker %ld failed after %lld ms: %s; %s", qid, (long)pid,
				 (long long)(now_ms() - start), cerr, how);
		}
		release(w, cfg, false, true);
		lg_error("%s: the message is not scannable: %s", qid, LG_WORKER_FAILED);
		lg_report_worker_failed(cfg, env, len, out);
		result = 0;
		break;
	}
	lg_buf_free(&req);
	lg_buf_free(&in);
	return result;
}

/* lg_workers_stop - see workers.h */
void lg_workers_stop(void)
{
	if (!pool.on)
		return;
	pthread_mutex_lock(&pool.lock);
	for (;;) {	/* libmilter has returned: a message still in a worker is about to end */
		size_t busy = 0;
		for (size_t i = 0; i < pool.nw; i++)
			busy += pool.w[i].busy;
		if (!busy)
			break;
		pthread_cond_wait(&pool.changed, &pool.lock);
	}
	for (size_t i = 0; i < pool.nw; i++)
		retire(&pool.w[i], "stopping");
	if (pool.ctl >= 0) {
		close(pool.ctl);
		while (waitpid(pool.spawner, NULL, 0) < 0 && errno == EINTR)
			;
	}
	pool.ctl = -1;
	pool.spawner = 0;
	free(pool.cfgpath);
	pool.cfgpath = NULL;
	free(pool.w);
	free(pool.b);
	pool.w = NULL;
	pool.b = NULL;
	pool.nw = pool.nb = 0;
	pool.on = false;
	pthread_mutex_unlock(&pool.lock);
}
