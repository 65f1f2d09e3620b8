/* detect_collect.h - what the detector tests share: a collector of one detector's values and the
 * table runners for "these values in this text" and "this span in this text". Header-only, like
 * tap.h; include after tap.h. */
#ifndef LG_DETECT_COLLECT_H
#define LG_DETECT_COLLECT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lg_alloc.h"
#include "lg_buf.h"
#include "config/config.h"
#include "rules/detect.h"

/* One table row: text and the values expected in order, joined by '|' ("" for none). */
struct row {
	const char *text;
	const char *want;
};

/* One span row: text and the exact substring the first match must cover. */
struct span_row {
	const char *text;
	const char *span;
};

/* Collected values of one detector (index det, see lg_detector_find), '|'-joined. */
struct got {
	int det;
	struct lg_buf vals;
	int n;			/* values of this type */
	int other;		/* values of other types */
	size_t start, end;	/* span of the first value of this type */
};

/* collect - lg_match_fn: append values of the wanted detector */
__attribute__((unused)) static void collect(void *arg, const struct lg_match *m)
{
	struct got *g = arg;
	if ((int)m->det != g->det) {
		g->other++;
		return;
	}
	if (g->n++ == 0)
		g->start = m->start, g->end = m->end;
	else
		lg_buf_putc(&g->vals, '|');
	lg_buf_puts(&g->vals, m->value);
}

/* run_rows - detect every row and compare the values of type and the returned count; test
 * names are "WHAT: text" */
__attribute__((unused)) static void run_rows(const struct lg_detectors *d, const char *type,
					     const struct row *rows, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		struct got g = { .det = lg_detector_find(d, type), .vals = LG_BUF_INIT };
		char err[256] = "";
		int rc = lg_detect(d, rows[i].text, strlen(rows[i].text), NULL, collect, &g, err, sizeof err);
		char name[512];
		snprintf(name, sizeof name, "%s: %s", what, rows[i].text);
		tap_is_str(lg_buf_cstr(&g.vals), rows[i].want, name);
		if (rc != g.n + g.other)
			tap_ok(0, "%s: lg_detect returned %d for %d callbacks (%s)", what, rc,
			       g.n + g.other, err);
		lg_buf_free(&g.vals);
	}
}

/* run_spans - the first value of type covers exactly the expected substring ("span: text") */
__attribute__((unused)) static void run_spans(const struct lg_detectors *d, const char *type,
					      const struct span_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct got g = { .det = lg_detector_find(d, type), .vals = LG_BUF_INIT };
		char err[256];
		lg_detect(d, rows[i].text, strlen(rows[i].text), NULL, collect, &g, err, sizeof err);
		char *span = g.n ? lg_strndup(rows[i].text + g.start, g.end - g.start) : NULL;
		char name[256];
		snprintf(name, sizeof name, "span: %s", rows[i].text);
		tap_is_str(span, rows[i].span, name);
		free(span);
		lg_buf_free(&g.vals);
	}
}

#endif
