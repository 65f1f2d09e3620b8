/* lg_strset.c - string set with open addressing and FNV-1a hashing. */
#include "lg_strset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lg_alloc.h"

/* strset_hash - FNV-1a over a C string */
static uint64_t strset_hash(const char *v)
{
	uint64_t h = 1469598103934665603ULL;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}

/* lg_strset_init - an empty set */
void lg_strset_init(struct lg_strset *s)
{
	s->cap = 16;
	s->count = 0;
	s->slots = lg_calloc(s->cap, sizeof *s->slots);
}

/* strset_slot - index where v is or would go */
static size_t strset_slot(char **slots, size_t cap, const char *v)
{
	size_t i = (size_t)strset_hash(v) & (cap - 1);
	while (slots[i] && strcmp(slots[i], v) != 0)
		i = (i + 1) & (cap - 1);
	return i;
}

/* strset_grow - double the table */
static void strset_grow(struct lg_strset *s)
{
	size_t ncap = s->cap * 2;
	char **n = lg_calloc(ncap, sizeof *n);
	for (size_t i = 0; i < s->cap; i++)
		if (s->slots[i])
			n[strset_slot(n, ncap, s->slots[i])] = s->slots[i];
	free(s->slots);
	s->slots = n;
	s->cap = ncap;
}

/* lg_strset_add - insert a copy of v; true when it was not there yet */
bool lg_strset_add(struct lg_strset *s, const char *v)
{
	if ((s->count + 1) * 2 > s->cap)
		strset_grow(s);
	size_t i = strset_slot(s->slots, s->cap, v);
	if (s->slots[i])
		return false;
	s->slots[i] = lg_strdup(v);
	s->count++;
	return true;
}

/* lg_strset_has - membership test */
bool lg_strset_has(const struct lg_strset *s, const char *v)
{
	if (!s->slots)
		return false;
	return s->slots[strset_slot(s->slots, s->cap, v)] != NULL;
}

/* lg_strset_free - release all strings and the table */
void lg_strset_free(struct lg_strset *s)
{
	if (!s->slots)
		return;
	for (size_t i = 0; i < s->cap; i++)
		free(s->slots[i]);
	free(s->slots);
	s->slots = NULL;
	s->cap = s->count = 0;
}
