/* spool.h - one message's bytes as they arrive: in memory up to a bound, then an unlinked temp file. */
#ifndef LG_SPOOL_H
#define LG_SPOOL_H

#include <stddef.h>

#include "lg_buf.h"

struct lg_spool {
	struct lg_buf mem;	/* bytes while under mem_limit */
	int fd;			/* temp file once over it, else -1 */
	size_t len;		/* total bytes written */
	size_t mem_limit;
	const char *dir;	/* where temp files go */
	void *map;		/* mmap of the file while mapped */
	size_t map_len;
};

void lg_spool_init(struct lg_spool *s, size_t mem_limit, const char *dir);
/* lg_spool_write - append bytes; -1 with err on an I/O failure */
int lg_spool_write(struct lg_spool *s, const void *p, size_t n, char *err, size_t errlen);
/* lg_spool_data - the whole message as one contiguous read-only range (mmap for a file) */
int lg_spool_data(struct lg_spool *s, const char **data, size_t *len, char *err, size_t errlen);
/* lg_spool_readonly_fd - a new descriptor from which the message can be read but not changed,
 * for an analysis worker: the temp file reopened read-only, or the memory copied into a sealed
 * memfd. The caller closes it. -1 with err on failure. */
int lg_spool_readonly_fd(struct lg_spool *s, char *err, size_t errlen);
/* lg_spool_spilled - true when the message went to a temp file */
int lg_spool_spilled(const struct lg_spool *s);
void lg_spool_free(struct lg_spool *s);

#endif
