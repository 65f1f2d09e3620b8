/* analyze.h - the one analysis call shared by the milter and leakguardctl: message in, report out. */
#ifndef LG_ANALYZE_H
#define LG_ANALYZE_H

#include <stddef.h>

#include "analyze/report.h"
#include "config/config.h"

/* The envelope as the MTA gave it (addresses without angle brackets). */
struct lg_envelope {
	const char *sender;		/* MAIL FROM, "" for the null sender */
	const char *const *rcpts;	/* RCPT TO */
	size_t nrcpts;
};

/* Per-thread analysis state (libmagic handle); not shared between threads. lg_analyzer_free
 * keeps up to 64 of them for the threads that ask for one later. */
struct lg_analyzer;

/* A hook that sees what the analysis saw (leakguardctl scan --dump-parts): for each part, its
 * decoded bytes (kind "data") and the text handed to the detectors (kind "text"). */
typedef void (*lg_dump_fn)(void *arg, const struct lg_part *part, const char *kind,
			   const char *data, size_t len);

/* lg_library_init - once per process, before threads: GMime and friends */
void lg_library_init(void);
struct lg_analyzer *lg_analyzer_new(char *err, size_t errlen);
void lg_analyzer_free(struct lg_analyzer *a);
/* lg_analyzer_set_dump - install (or with NULL remove) the dump hook */
void lg_analyzer_set_dump(struct lg_analyzer *a, lg_dump_fn fn, void *arg);

/* lg_analyze - parse, extract, detect and decide. Fills *out (free with lg_report_free) and
 * returns 0; returns -1 with a message in err only on an internal failure, in which case the
 * caller must not accept the message. Problems with the message itself are facts in the report. */
int lg_analyze(struct lg_analyzer *a, const struct lg_config *cfg, const struct lg_envelope *env,
	       const char *msg, size_t len, struct lg_report *out, char *err, size_t errlen);

#endif
