/* lg_log_glib.c - GLib's log writer for our processes: the messages of the GLib-based libraries go
 * where our own lines go (syslog, stderr, or a worker's channel to the front), at our severities.
 * In a confined worker this is also what keeps it alive: GLib's default writer first asks whether
 * stderr is the systemd journal with getpeername(), which the seccomp filter punishes. */
#include "lg_log_glib.h"

#include <glib.h>
#include <limits.h>
#include <stdatomic.h>
#include <string.h>
#include <syslog.h>

#include "lg_log.h"

/* field_text - a structured log field's value and its length as an int (for "%.*s") */
static const char *field_text(const GLogField *f, int *len)
{
	const char *v = f->value ? f->value : "";
	size_t n = f->length < 0 ? strlen(v) : (size_t)f->length;
	*len = n > INT_MAX ? INT_MAX : (int)n;
	return v;
}

/* glib_to_log - the writer: one log line of ours per GLib message */
static GLogWriterOutput glib_to_log(GLogLevelFlags level, const GLogField *fields, gsize nfields,
				   gpointer data)
{
	(void)data;
	const char *domain = "GLib", *msg = "";
	int dlen = 4, mlen = 0;
	for (gsize i = 0; i < nfields; i++) {
		if (!strcmp(fields[i].key, "MESSAGE"))
			msg = field_text(&fields[i], &mlen);
		else if (!strcmp(fields[i].key, "GLIB_DOMAIN"))
			domain = field_text(&fields[i], &dlen);
	}
	int prio = LOG_DEBUG;	/* info and debug */
	if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
		prio = LOG_ERR;
	else if (level & G_LOG_LEVEL_WARNING)
		prio = LOG_WARNING;
	else if (level & G_LOG_LEVEL_MESSAGE)
		prio = LOG_INFO;
	lg_log_at(prio, "%.*s: %.*s", dlen, domain, mlen, msg);
	return G_LOG_WRITER_HANDLED;
}

/* lg_log_take_glib - see lg_log_glib.h */
void lg_log_take_glib(void)
{
	static atomic_flag taken = ATOMIC_FLAG_INIT;
	if (!atomic_flag_test_and_set(&taken))
		g_log_set_writer_func(glib_to_log, NULL, NULL);
}
