/* leakguard.c - the milter daemon: options, config, socket, privileges, then libmilter's main loop. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "analyze/analyze.h"
#include "config/config.h"
#include "lg_buf.h"
#include "lg_log.h"
#include "milter/callbacks.h"
#include "milter/privs.h"

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

int main(int argc, char **argv)
{
	const char *cfgpath = NULL, *listen = NULL, *user = NULL, *pidfile = NULL;
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
	if (listen) {
		free(cfg->listen);
		cfg->listen = strdup(listen);
	}
	if (user) {
		free(cfg->user);
		cfg->user = strdup(user);
	}
	if (pidfile) {
		free(cfg->pidfile);
		cfg->pidfile = strdup(pidfile);
	}

	lg_library_init();
	if (!foreground) {
		lg_log_open("leakguard", LG_LOG_SYSLOG, facility_of(cfg->log_facility));
		if (daemon(0, 0) < 0)
			lg_fatal("daemon: %s", strerror(errno));
	}
	lg_callbacks_set_config(cfg);
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
	int rc = smfi_main();
	lg_info("stopping (smfi_main returned %d)", rc);
	if (cfg->pidfile)
		unlink(cfg->pidfile);
	lg_config_free(cfg);
	return rc == MI_SUCCESS ? 0 : 1;
}
