/* lg_log.h - logging with a fixed ladder of severities, to syslog or stderr. */
#ifndef LG_LOG_H
#define LG_LOG_H

#include <stdbool.h>

enum lg_log_dest { LG_LOG_STDERR, LG_LOG_SYSLOG };

void lg_log_open(const char *ident, enum lg_log_dest dest, int facility);
void lg_log_set_verbose(bool on);
/* lg_log_sink - a function that takes each log line instead of syslog or stderr: the syslog
 * priority and the formatted line (without the severity tag) */
typedef void (*lg_log_sink)(int prio, const char *line);
/* lg_log_set_sink - send every line to fn from now on; NULL: back to the destination */
void lg_log_set_sink(lg_log_sink fn);
/* lg_log_settings - the destination, facility and verbosity in force (for a re-executed helper) */
void lg_log_settings(enum lg_log_dest *dest, int *facility, bool *verbose);
void lg_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lg_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* lg_log_at - log at a syslog priority, on the ladder above: LOG_EMERG..LOG_ERR as an error,
 * LOG_WARNING as a warning, LOG_DEBUG only when verbose, anything else as info */
void lg_log_at(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lg_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void lg_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
