/* lg_alloc.h - allocation wrappers that never return NULL (failure is fatal). */
#ifndef LG_ALLOC_H
#define LG_ALLOC_H

#include <stddef.h>

void *lg_malloc(size_t n);
void *lg_calloc(size_t nmemb, size_t size);
void *lg_realloc(void *p, size_t n);
char *lg_strdup(const char *s);
char *lg_strndup(const char *s, size_t n);
char *lg_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lg_alloc_keep_large(void);

#endif
