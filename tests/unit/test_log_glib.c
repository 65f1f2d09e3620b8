/* test_log_glib.c - lib/lg_log_glib.c: GLib's log messages become our log lines, at our
 * severities, with the domain in front; info and debug only when verbose; a field given with a
 * length (not NUL-terminated) is cut at that length; taking GLib's log twice is harmless. And
 * lg_log_at (lib/lg_log.c), the ladder it and the front's relay of worker lines log through. */
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "lg_buf.h"
#include "lg_log.h"
#include "lg_log_glib.h"
#include "tap.h"

static struct lg_buf captured = LG_BUF_INIT;

/* capture - the log sink: "PRIO line\n" */
static void capture(int prio, const char *line)
{
	lg_buf_printf(&captured, "%d %s\n", prio, line);
}

int main(void)
{
	lg_log_set_sink(capture);
	lg_log_take_glib();
	lg_log_take_glib();	/* a second call does nothing (GLib aborts on a second writer) */

	static const struct {
		const char *domain;	/* NULL: GLib's default domain */
		GLogLevelFlags level;
		int verbose;
		const char *want;	/* the captured line, or "" for none */
	} cases[] = {
		{ "GMime", G_LOG_LEVEL_WARNING, 0, "4 GMime: text\n" },
		{ NULL, G_LOG_LEVEL_WARNING, 0, "4 GLib: text\n" },
		{ "GLib-GObject", G_LOG_LEVEL_CRITICAL, 0, "3 GLib-GObject: text\n" },
		{ "GMime", G_LOG_LEVEL_MESSAGE, 0, "6 GMime: text\n" },
		{ "Poppler", G_LOG_LEVEL_INFO, 0, "" },
		{ "Poppler", G_LOG_LEVEL_INFO, 1, "7 Poppler: text\n" },
		{ "GMime", G_LOG_LEVEL_DEBUG, 0, "" },
		{ "GMime", G_LOG_LEVEL_DEBUG, 1, "7 GMime: text\n" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		lg_buf_reset(&captured);
		lg_log_set_verbose(cases[i].verbose);
		g_log(cases[i].domain, cases[i].level, "%s", "text");
		tap_ok(!strcmp(lg_buf_cstr(&captured), cases[i].want),
		       "level %#x of %s%s: \"%.*s\" (want \"%.*s\")", (unsigned)cases[i].level,
		       cases[i].domain ? cases[i].domain : "(no domain)",
		       cases[i].verbose ? ", verbose" : "",
		       (int)strcspn(lg_buf_cstr(&captured), "\n"), lg_buf_cstr(&captured),
		       (int)strcspn(cases[i].want, "\n"), cases[i].want);
	}
	lg_log_set_verbose(0);

	/* structured fields with lengths: only that many bytes are logged */
	lg_buf_reset(&captured);
	const GLogField fields[] = {
		{ "GLIB_DOMAIN", "GMimeXXXX", 5 },
		{ "MESSAGE", "cut here|not this", 8 },
		{ "PRIORITY", "4", -1 },
	};
	g_log_structured_array(G_LOG_LEVEL_WARNING, fields, G_N_ELEMENTS(fields));
	tap_ok(!strcmp(lg_buf_cstr(&captured), "4 GMime: cut here\n"),
	       "fields with lengths are cut at them: \"%.*s\"",
	       (int)strcspn(lg_buf_cstr(&captured), "\n"), lg_buf_cstr(&captured));

	/* lg_log_at: any syslog priority onto our ladder */
	static const struct {
		int prio, verbose;
		const char *want;
	} ladder[] = {
		{ LOG_EMERG, 0, "3 x\n" },   { LOG_CRIT, 0, "3 x\n" },    { LOG_ERR, 0, "3 x\n" },
		{ LOG_WARNING, 0, "4 x\n" }, { LOG_NOTICE, 0, "6 x\n" },  { LOG_INFO, 0, "6 x\n" },
		{ -1, 0, "6 x\n" },          { 9, 0, "6 x\n" },           { LOG_DEBUG, 0, "" },
		{ LOG_DEBUG, 1, "7 x\n" },
	};
	for (size_t i = 0; i < sizeof ladder / sizeof ladder[0]; i++) {
		lg_buf_reset(&captured);
		lg_log_set_verbose(ladder[i].verbose);
		lg_log_at(ladder[i].prio, "%s", "x");
		tap_ok(!strcmp(lg_buf_cstr(&captured), ladder[i].want),
		       "lg_log_at(%d)%s: \"%.*s\" (want \"%.*s\")", ladder[i].prio,
		       ladder[i].verbose ? ", verbose" : "",
		       (int)strcspn(lg_buf_cstr(&captured), "\n"), lg_buf_cstr(&captured),
		       (int)strcspn(ladder[i].want, "\n"), ladder[i].want);
	}
	lg_log_set_verbose(0);

	lg_log_set_sink(NULL);
	lg_buf_free(&captured);
	return tap_done();
}
