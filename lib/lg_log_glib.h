/* lg_log_glib.h - GLib's log messages (GMime, poppler-glib, GLib itself) through our log. */
#ifndef LG_LOG_GLIB_H
#define LG_LOG_GLIB_H

/* lg_log_take_glib - from now on every GLib log message of this process becomes one of our log
 * lines, "DOMAIN: message": error and critical as errors, warning as a warning, message as info,
 * info and debug only when verbose. Once per process (GLib allows one writer); later calls do
 * nothing. */
void lg_log_take_glib(void);

#endif
