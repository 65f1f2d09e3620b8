/* lg_strset.h - a set of distinct strings (open addressing hash), for de-duplicating values. */
#ifndef LG_STRSET_H
#define LG_STRSET_H

#include <stdbool.h>
#include <stddef.h>

struct lg_strset {
	char **slots;
	size_t cap;	/* power of two */
	size_t count;
};

void lg_strset_init(struct lg_strset *s);
bool lg_strset_add(struct lg_strset *s, const char *v);	/* true when v was new */
bool lg_strset_has(const struct lg_strset *s, const char *v);
void lg_strset_free(struct lg_strset *s);
/* Iterate: for (size_t i = 0; i < s->cap; i++) if (s->slots[i]) ... */

#endif
