/* leakguard.c - the milter daemon: options, config, socket, privileges, then libmilter's main loop
 * in a thread of its own while the main thread waits for reload signals (SIGHUP, SIGUSR1).
 *
 * libmilter's own signal thread takes SIGHUP as "stop" (sigwait on HUP, TERM, INT). The main
 * thread keeps SIGHUP unblocked with a handler (SA_NODEFER: never blocked, not even inside the
 * handler); Linux gives a signal sent to the process to its main thread first when that thread
 * does not block it, so libmilter never sees SIGHUP. SIGUSR1, which libmilter ignores, reloads
 * the same way on any system. SIGTERM and SIGINT stay libmilter's: a graceful stop. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "analyze/analyze.h"
#include "config/config.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "lg_log.h"
#include "lg_log_glib.h"
#include "milter/callbacks.h"
#include "milter/notice_thread.h"
#include "milter/privs.h"
#include "milter/workers.h"

#define EX_USAGE_ 64
#define EX_CONFIG_ 78

/* usage - print the options and exit */
static void usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: leakguard [-c CONFIG] [-l SOCKET] [-u USER] [-p PIDFILE] [-f] [-v] [-t]\n"
		"  -c CONFIG   configuration file (default: built-in defaults)\n"
		"  -l SOCKET   listen on unix:/path or inet:port@host (overrides 'listen')\n"
		"  -u USER     run as USER when started as root (overrides 'user')\n"
		"  -p PIDFILE  write the process id to PIDFILE (overrides 'pidfile')\n"
		"  -f          stay in the foreground and log to stderr (for systemd and tests)\n"
		"  -v          verbose (debug) logging\n"
		"  -t          check the configuration and exit\n");
	exit(status);
}

/* facility_of - syslog facility by name (validated by the config loader) */
static int facility_of(const char *name)
{
	static const struct { const char *n; int f; } tab[] = {
		{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "local0", LOG_LOCAL0 },
		{ "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
		{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
		{ "local7", LOG_LOCAL7 },
	};
	for (size_t i = 0; name && i < sizeof tab / sizeof tab[0]; i++)
		if (!strcmp(tab[i].n, name))
			return tab[i].f;
	return LOG_MAIL;
}

/* write_pidfile - the pid, for init scripts */
static void write_pidfile(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		lg_fatal("cannot write pid file %s: %s", path, strerror(errno));
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0)
		lg_fatal("cannot write pid file %s: %s", path, strerror(errno));
}

/* What was fixed at start: the command line, and what a reload cannot change. */
struct started {
	const char *cfgpath;		/* -c, or NULL for the built-in configuration */
	const char *listen, *user, *pidfile;	/* -l, -u, -p overrides, or NULL */
	char *run_listen, *run_user, *run_pidfile, *run_facility;	/* in effect */
	mode_t run_socket_mode;
	unsigned run_workers;		/* workers.count */
};

static int signal_pipe[2] = { -1, -1 };	/* handler and milter thread -> main thread */
static int milter_rc;

/* on_reload_signal - SIGHUP/SIGUSR1 handler: one byte to the main thread (async-signal-safe) */
static void on_reload_signal(int sig)
{
	(void)sig;
	int saved = errno;
	char b = 'r';
	ssize_t w = write(signal_pipe[1], &b, 1);	/* a full pipe already holds a reload */
	(void)w;
	errno = saved;
}

/* milter_thread - libmilter's main loop; tells the main thread when it returns */
static void *milter_thread(void *arg)
{
	(void)arg;
	milter_rc = smfi_main();
	char b = 's';
	ssize_t w;
	do
		w = write(signal_pipe[1], &b, 1);
	while (w < 0 && errno == EAGAIN);
	return NULL;
}

/* apply_overrides - the command line's -l, -u, -p win over the file */
static void apply_overrides(struct lg_config *cfg, const struct started *st)
{
	if (st->listen) {
		free(cfg->listen);
		cfg->listen = lg_strdup(st->listen);
	}
	if (st->user) {
		free(cfg->user);
		cfg->user = lg_strdup(st->user);
	}
	if (st->pidfile) {
		free(cfg->pidfile);
		cfg->pidfile = lg_strdup(st->pidfile);
	}
}

/* same_str - equal strings, NULL equal to NULL */
static bool same_str(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

/* warn_restart_only - log each setting a reload cannot change: socket, user, pid file, facility */
static void warn_restart_only(const struct lg_config *n, const struct started *st)
{
	static const char *const fmt = "reload: %s changed (%s -> %s): it takes a restart; still %s";
	if (!same_str(n->listen, st->run_listen))
		lg_warning(fmt, "listen", st->run_listen, n->listen, "listening on the old socket");
	if (!same_str(n->user, st->run_user))
		lg_warning(fmt, "user", st->run_user ? st->run_user : "-", n->user ? n->user : "-",
			   "running as the old user");
	if (!same_str(n->pidfile, st->run_pidfile))
		lg_warning(fmt, "pidfile", st->run_pidfile ? st->run_pidfile : "none",
			   n->pidfile ? n->pidfile : "none", "writing the old one");
	if (!same_str(n->log_facility, st->run_facility))
		lg_warning(fmt, "log_facility", st->run_facility, n->log_facility,
			   "logging to the old facility");
	if (n->workers.count != st->run_workers)
		lg_warning("reload: workers.count changed (%u -> %u): it takes a restart",
			   st->run_workers, n->workers.count);
	if (n->socket_mode != st->run_socket_mode)
		lg_warning("reload: socket_mode changed (%04o -> %04o): it takes a restart",
			   (unsigned)st->run_socket_mode, (unsigned)n->socket_mode);
}

/* reload - load and check the configuration file whole; swap it in, or keep the running one */
static void reload(const struct started *st)
{
	const char *name = st->cfgpath ? st->cfgpath : "<built-in>";
	struct lg_buf errs = LG_BUF_INIT;
	struct lg_config *n = lg_config_load(st->cfgpath, &errs);
	if (!n) {
		char *p = errs.data;
		for (char *nl; p && *p; p = nl ? nl + 1 : p + strlen(p)) {
			nl = strchr(p, '\n');
			if (nl)
				*nl = '\0';
			if (*p)
				lg_error("reload: %s", p);
		}
		lg_error("reload: configuration %s has errors; keeping the running one", name);
		lg_buf_free(&errs);
		return;
	}
	lg_buf_free(&errs);
	apply_overrides(n, st);
	warn_restart_only(n, st);
	char werr[512];
	if (lg_workers_bind(n, werr, sizeof werr) < 0) {
		lg_error("reload: the worker spawner could not load %s: %s; keeping the running one",
			 name, werr);
		lg_config_free(n);
		return;
	}
	size_t nrules = n->policy.nrules, ndomains = n->n_internal_domains;
	/* the notice thread gets a copy of its own: it never shares the milter's */
	struct lg_config *ncopy = lg_config_load(st->cfgpath, NULL);
	if (ncopy)
		lg_notice_thread_set_config(ncopy);
	else
		lg_error("reload: notices keep the previous configuration (a second read failed)");
	unsigned long gen = lg_callbacks_set_config(n);
	lg_info("reload: configuration %s loaded (generation %lu): rules=%zu internal_domains=%zu; "
		"messages already under way finish under the previous one", name, gen, nrules,
		ndomains);
}

/* wait_signals - the main thread's loop: reload on SIGHUP/SIGUSR1 until libmilter stops */
static void wait_signals(const struct started *st)
{
	for (;;) {
		struct pollfd pfd = { .fd = signal_pipe[0], .events = POLLIN };
		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			lg_fatal("poll: %s", strerror(errno));
		}
		bool want_reload = false, stop = false;
		char buf[64];
		ssize_t n;
		while ((n = read(signal_pipe[0], buf, sizeof buf)) > 0)	/* signals coalesce */
			for (ssize_t i = 0; i < n; i++) {
				want_reload |= buf[i] == 'r';
				stop |= buf[i] == 's';
			}
		if (stop)
			return;
		if (want_reload)
			reload(st);
	}
}

/* block_signals - block SIGHUP, SIGUSR1, SIGTERM and SIGINT in this thread and in every thread
 * it starts from now on (the notice sender, libmilter's): a thread that took SIGTERM or SIGINT
 * unblocked would end the whole process by their default action, without the graceful stop */
static void block_signals(void)
{
	sigset_t all;
	sigemptyset(&all);
	sigaddset(&all, SIGHUP);
	sigaddset(&all, SIGUSR1);
	sigaddset(&all, SIGTERM);
	sigaddset(&all, SIGINT);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
}

/* start_signals - the pipe, the handlers, and which thread takes which signal */
static void start_signals(pthread_t *tid)
{
	if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		lg_fatal("pipe: %s", strerror(errno));
	struct sigaction sa = { .sa_handler = on_reload_signal, .sa_flags = SA_RESTART | SA_NODEFER };
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGHUP, &sa, NULL) < 0 || sigaction(SIGUSR1, &sa, NULL) < 0)
		lg_fatal("sigaction: %s", strerror(errno));
	sigset_t reload_set;
	sigemptyset(&reload_set);
	sigaddset(&reload_set, SIGHUP);
	sigaddset(&reload_set, SIGUSR1);
	/* libmilter's threads inherit all four blocked (its signal thread sigwaits HUP, TERM,
	 * INT); the main thread then takes SIGHUP and SIGUSR1 back and leaves TERM and INT to it */
	block_signals();
	int e = pthread_create(tid, NULL, milter_thread, NULL);
	if (e != 0)
		lg_fatal("pthread_create: %s", strerror(e));
	pthread_sigmask(SIG_UNBLOCK, &reload_set, NULL);
}

int main(int argc, char **argv)
{
	const char *cfgpath = NULL, *listen = NULL, *user = NULL, *pidfile = NULL;
	lg_workers_spawner_exec(argc, argv);	/* a new worker spawner: see milter/workers.c */
	bool foreground = false, verbose = false, test_only = false;
	int ch;
	while ((ch = getopt(argc, argv, "c:l:u:p:fvth")) != -1) {
		switch (ch) {
		case 'c': cfgpath = optarg; break;
		case 'l': listen = optarg; break;
		case 'u': user = optarg; break;
		case 'p': pidfile = optarg; break;
		case 'f': foreground = true; break;
		case 'v': verbose = true; break;
		case 't': test_only = true; break;
		case 'h': usage(0); break;
		default: usage(EX_USAGE_);
		}
	}
	if (optind != argc)
		usage(EX_USAGE_);

	lg_log_open("leakguard", LG_LOG_STDERR, 0);
	lg_log_set_verbose(verbose);
	lg_log_take_glib();	/* the libraries' GLib messages in our log (later syslog) */
	struct lg_buf errs = LG_BUF_INIT;
	struct lg_config *cfg = lg_config_load(cfgpath, &errs);
	if (!cfg) {
		fputs(lg_buf_cstr(&errs), stderr);
		fprintf(stderr, "leakguard: configuration %s has errors; not starting\n",
			cfgpath ? cfgpath : "<built-in>");
		lg_buf_free(&errs);
		return EX_CONFIG_;
	}
	lg_buf_free(&errs);
	if (test_only) {
		printf("%s: configuration OK (%zu policy rules)\n", cfg->source, cfg->policy.nrules);
		lg_config_free(cfg);
		return 0;
	}
	struct started st = { .cfgpath = cfgpath, .listen = listen, .user = user,
			      .pidfile = pidfile };
	apply_overrides(cfg, &st);
	st.run_listen = lg_strdup(cfg->listen);
	st.run_user = cfg->user ? lg_strdup(cfg->user) : NULL;
	st.run_pidfile = cfg->pidfile ? lg_strdup(cfg->pidfile) : NULL;
	st.run_facility = lg_strdup(cfg->log_facility ? cfg->log_facility : "mail");
	st.run_socket_mode = cfg->socket_mode;
	st.run_workers = cfg->workers.count;

	lg_library_init();
	if (!foreground) {
		lg_log_open("leakguard", LG_LOG_SYSLOG, facility_of(cfg->log_facility));
		if (daemon(0, 0) < 0)
			lg_fatal("daemon: %s", strerror(errno));
	}
	if (smfi_register(lg_milter_desc) != MI_SUCCESS)
		lg_fatal("smfi_register failed");
	if (smfi_setconn(cfg->listen) != MI_SUCCESS)
		lg_fatal("smfi_setconn %s failed", cfg->listen);
	if (smfi_opensocket(true) != MI_SUCCESS)
		lg_fatal("cannot open milter socket %s (is the directory there and writable?)",
			 cfg->listen);
	char err[256];
	if (lg_socket_prepare(cfg->listen, cfg->user, cfg->socket_mode, err, sizeof err) < 0)
		lg_fatal("socket %s: %s", cfg->listen, err);
	if (cfg->pidfile)
		write_pidfile(cfg->pidfile);
	if (lg_drop_privileges(cfg->user, err, sizeof err) < 0)
		lg_fatal("%s", err);
	/* Fail early if the analysis libraries cannot start (libmagic database missing...). */
	struct lg_analyzer *probe = lg_analyzer_new(err, sizeof err);
	if (!probe)
		lg_fatal("cannot start analysis: %s", err);
	lg_analyzer_free(probe);
	if (cfg->policy.nrules == 0)
		lg_warning("%s has no policy rules: every message will get '%s'", cfg->source,
			   lg_action_name(cfg->policy.default_action));
	lg_info("starting: listen=%s config=%s rules=%zu internal_domains=%zu", cfg->listen,
		cfg->source, cfg->policy.nrules, cfg->n_internal_domains);
	/* the spawner is forked now, while this process has one thread */
	if (lg_workers_start(cfg, cfgpath, err, sizeof err) < 0)
		lg_fatal("cannot start the worker pool: %s", err);
	lg_callbacks_set_config(cfg);	/* owned by the callbacks from here on */
	cfg = NULL;
	/* the notice sender: its own copy of the configuration, its own store connection */
	struct lg_config *ncfg = lg_config_load(cfgpath, NULL);
	if (!ncfg)
		lg_error("notices: the configuration cannot be read again as the run-as user: no "
			 "notices are sent until a reload succeeds");
	block_signals();	/* before the notice sender starts: it must never take them */
	lg_notice_thread_start(ncfg);
	pthread_t tid;
	start_signals(&tid);
	wait_signals(&st);
	pthread_join(tid, NULL);
	lg_info("stopping (smfi_main returned %d)", milter_rc);
	lg_notice_thread_stop();
	if (st.run_pidfile)
		unlink(st.run_pidfile);
	lg_callbacks_set_config(NULL);
	lg_workers_stop();
	free(st.run_listen);
	free(st.run_user);
	free(st.run_pidfile);
	free(st.run_facility);
	return milter_rc == MI_SUCCESS ? 0 : 1;
}
