/* lg_log.c - logging: info, warning, error, fatal (exit), panic (a bug, abort). */
#include "lg_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <time.h>

static enum lg_log_dest log_dest = LG_LOG_STDERR;
static const char *log_ident = "leakguard";
static bool log_verbose;
static int log_facility = LOG_MAIL;
static lg_log_sink log_sink;

/* lg_log_open - choose where log lines go */
void lg_log_open(const char *ident, enum lg_log_dest dest, int facility)
{
	log_ident = ident;
	log_dest = dest;
	log_facility = facility;
	if (dest == LG_LOG_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, facility);
}

/* lg_log_set_verbose - enable or disable debug lines */
void lg_log_set_verbose(bool on)
{
	log_verbose = on;
}

/* lg_log_set_sink - see lg_log.h */
void lg_log_set_sink(lg_log_sink fn)
{
	log_sink = fn;
}

/* lg_log_settings - where log lines go now, so that a process started afresh can do the same */
void lg_log_settings(enum lg_log_dest *dest, int *facility, bool *verbose)
{
	*dest = log_dest;
	*facility = log_facility;
	*verbose = log_verbose;
}

/* lg_vlog - write one line at the given syslog priority */
__attribute__((format(printf, 3, 0))) static void lg_vlog(int prio, const char *tag, const char *fmt, va_list ap)
{
	if (log_sink) {
		char line[8192];
		vsnprintf(line, sizeof line, fmt, ap);
		log_sink(prio, line);
		return;
	}
	if (log_dest == LG_LOG_SYSLOG) {
		vsyslog(prio, fmt, ap);
		return;
	}
	char line[8192];
	vsnprintf(line, sizeof line, fmt, ap);
	fprintf(stderr, "%s: %s%s\n", log_ident, tag, line);
	fflush(stderr);
}

#define LG_LOG_FN(name, prio, tag)                                                                 \
	void name(const char *fmt, ...)                                                            \
	{                                                                                          \
		va_list ap;                                                                        \
		va_start(ap, fmt);                                                                 \
		lg_vlog(prio, tag, fmt, ap);                                                       \
		va_end(ap);                                                                        \
	}

/* lg_info, lg_warning, lg_error - log at that severity */
LG_LOG_FN(lg_info, LOG_INFO, "")
LG_LOG_FN(lg_warning, LOG_WARNING, "warning: ")
LG_LOG_FN(lg_error, LOG_ERR, "error: ")

/* lg_debug - log only when verbose */
void lg_debug(const char *fmt, ...)
{
	if (!log_verbose)
		return;
	va_list ap;
	va_start(ap, fmt);
	lg_vlog(LOG_DEBUG, "debug: ", fmt, ap);
	va_end(ap);
}

/* lg_log_at - see lg_log.h */
void lg_log_at(int prio, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (prio >= LOG_EMERG && prio <= LOG_ERR)
		lg_vlog(LOG_ERR, "error: ", fmt, ap);
	else if (prio == LOG_WARNING)
		lg_vlog(LOG_WARNING, "warning: ", fmt, ap);
	else if (prio != LOG_DEBUG)
		lg_vlog(LOG_INFO, "", fmt, ap);
	else if (log_verbose)
		lg_vlog(LOG_DEBUG, "debug: ", fmt, ap);
	va_end(ap);
}

/* lg_fatal - log and exit: an unrecoverable condition outside the program's control */
void lg_fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lg_vlog(LOG_CRIT, "fatal: ", fmt, ap);
	va_end(ap);
	exit(EXIT_FAILURE);
}

/* lg_panic - log and abort: a bug in leakguard itself */
void lg_panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lg_vlog(LOG_CRIT, "panic: ", fmt, ap);
	va_end(ap);
	abort();
}
