/* lg_alloc.c - allocation wrappers: out of memory is fatal, callers never check for NULL. */
#include "lg_alloc.h"

#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lg_log.h"

/* lg_malloc - malloc that never returns NULL */
void *lg_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		lg_fatal("out of memory allocating %zu bytes", n);
	return p;
}

/* lg_calloc - calloc that never returns NULL */
void *lg_calloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		lg_fatal("out of memory allocating %zu x %zu bytes", nmemb, size);
	return p;
}

/* lg_realloc - realloc that never returns NULL */
void *lg_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		lg_fatal("out of memory reallocating %zu bytes", n);
	return q;
}

/* lg_strdup - strdup that never returns NULL */
char *lg_strdup(const char *s)
{
	return lg_strndup(s, strlen(s));
}

/* lg_strndup - copy at most n bytes of s into a new NUL-terminated string */
char *lg_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = lg_malloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* lg_asprintf - format into a newly allocated string */
char *lg_asprintf(const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		lg_fatal("lg_asprintf: bad format");
	char *p = lg_malloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}

/* Buffers up to this size come from the heap, and freed heap memory up to LG_KEEP_FREE stays
 * mapped (see lg_alloc_keep_large). */
#define LG_KEEP_MMAP_THRESHOLD (32u << 20)
#define LG_KEEP_FREE (64u << 20)

/* lg_alloc_keep_large - in a process that analyses one message after another (a worker,
 * leakguardctl), keep multi-megabyte buffers' memory between messages instead of mapping and
 * unmapping it for each: glibc otherwise serves them with mmap and the kernel zeroes every page
 * again (a 2 MB text attachment: 16.7 ms -> 12.3 ms of CPU in leakguardctl bench, most of the
 * difference page faults). Costs up to LG_KEEP_FREE of freed memory kept mapped by the process;
 * not for the milter front, whose many threads each have their own arena. */
void lg_alloc_keep_large(void)
{
#ifdef M_MMAP_THRESHOLD
	mallopt(M_MMAP_THRESHOLD, (int)LG_KEEP_MMAP_THRESHOLD);
	mallopt(M_TRIM_THRESHOLD, (int)LG_KEEP_FREE);
#endif
}
