/* extract.c - helpers shared by the extractors: results, the time budget, counted emission. */
#include "content/extract.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* lg_ex_set - record an outcome (the first non-OK outcome wins; later ones are ignored) */
void lg_ex_set(struct lg_ex_result *r, enum lg_ex_status st, const char *reason, const char *fmt,
	       ...)
{
	if (r->status != LG_EX_OK && st != LG_EX_OK)
		return;
	r->status = st;
	snprintf(r->reason, sizeof r->reason, "%s", reason ? reason : "");
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(r->detail, sizeof r->detail, fmt, ap);
		va_end(ap);
	} else {
		r->detail[0] = '\0';
	}
}

/* lg_ex_now_ms - monotonic milliseconds */
int64_t lg_ex_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* lg_ex_late - the time budget check */
bool lg_ex_late(const struct lg_ex_limits *lim, struct lg_ex_result *r)
{
	if (!lim->deadline_ms || lg_ex_now_ms() < lim->deadline_ms)
		return false;
	lg_ex_set(r, LG_EX_LIMIT, "limit:time", "time budget for the message ran out");
	return true;
}

/* budget - charge n text bytes; false (limit:text_size recorded) when over */
static bool budget(const struct lg_ex_limits *lim, struct lg_ex_result *r, size_t n)
{
	if (r->text_bytes + n > lim->text_size) {
		lg_ex_set(r, LG_EX_LIMIT, "limit:text_size", "more than %zu bytes of text",
			  lim->text_size);
		return false;
	}
	r->text_bytes += n;
	return true;
}

/* lg_ex_emit_text - hand a text block on */
int lg_ex_emit_text(const struct lg_ex_out *out, const struct lg_ex_limits *lim,
		    struct lg_ex_result *r, const char *utf8, size_t len)
{
	if (len == 0)
		return 0;
	if (!budget(lim, r, len))
		return 1;
	if (out->text && out->text(out->arg, utf8, len)) {
		lg_ex_set(r, LG_EX_STOPPED, "stopped", NULL);
		return 1;
	}
	return 0;
}

/* lg_ex_emit_row - hand a table row on */
int lg_ex_emit_row(const struct lg_ex_out *out, const struct lg_ex_limits *lim,
		   struct lg_ex_result *r, const char *const *cells, const size_t *lens,
		   size_t ncells)
{
	size_t n = ncells;	/* separators */
	for (size_t i = 0; i < ncells; i++)
		n += lens[i];
	if (!budget(lim, r, n))
		return 1;
	r->rows++;
	if (out->row && out->row(out->arg, cells, lens, ncells)) {
		lg_ex_set(r, LG_EX_STOPPED, "stopped", NULL);
		return 1;
	}
	return 0;
}
