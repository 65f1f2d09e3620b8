/* spool.c - per-message spool: memory up to limits.spool_memory, then a temp file that is unlinked at
 * once (nothing is left behind if the process dies) and mapped for analysis. */
#include "milter/spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* lg_spool_init - an empty spool */
void lg_spool_init(struct lg_spool *s, size_t mem_limit, const char *dir)
{
	*s = (struct lg_spool){ .fd = -1, .mem_limit = mem_limit, .dir = dir };
}

/* write_all - write n bytes, retrying short writes */
static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* spill - move the in-memory bytes to a new unlinked temp file */
static int spill(struct lg_spool *s, char *err, size_t errlen)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s/leakguard.XXXXXX", s->dir) >= (int)sizeof path) {
		snprintf(err, errlen, "spool_dir path too long");
		return -1;
	}
	int fd = mkstemp(path);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create spool file in %s: %s", s->dir, strerror(errno));
		return -1;
	}
	unlink(path);
	if (write_all(fd, s->mem.data ? s->mem.data : "", s->mem.len) < 0) {
		snprintf(err, errlen, "cannot write spool file: %s", strerror(errno));
		close(fd);
		return -1;
	}
	lg_buf_free(&s->mem);
	s->fd = fd;
	return 0;
}

/* lg_spool_write - append to memory or file */
int lg_spool_write(struct lg_spool *s, const void *p, size_t n, char *err, size_t errlen)
{
	if (s->fd < 0 && s->len + n > s->mem_limit && spill(s, err, errlen) < 0)
		return -1;
	if (s->fd < 0) {
		lg_buf_append(&s->mem, p, n);
	} else if (write_all(s->fd, p, n) < 0) {
		snprintf(err, errlen, "cannot write spool file: %s", strerror(errno));
		return -1;
	}
	s->len += n;
	return 0;
}

/* lg_spool_data - contiguous view of the message */
int lg_spool_data(struct lg_spool *s, const char **data, size_t *len, char *err, size_t errlen)
{
	*len = s->len;
	if (s->fd < 0) {
		*data = s->mem.data ? s->mem.data : "";
		return 0;
	}
	if (s->map) {
		*data = s->map;
		return 0;
	}
	if (s->len == 0) {
		*data = "";
		return 0;
	}
	void *m = mmap(NULL, s->len, PROT_READ, MAP_PRIVATE, s->fd, 0);
	if (m == MAP_FAILED) {
		snprintf(err, errlen, "cannot map spool file: %s", strerror(errno));
		return -1;
	}
	s->map = m;
	s->map_len = s->len;
	*data = m;
	return 0;
}

/* lg_spool_readonly_fd - see spool.h */
int lg_spool_readonly_fd(struct lg_spool *s, char *err, size_t errlen)
{
	if (s->fd >= 0) {
		char path[64];
		snprintf(path, sizeof path, "/proc/self/fd/%d", s->fd);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			snprintf(err, errlen, "cannot reopen the spool file read-only (%s): %s", path,
				 strerror(errno));
		return fd;
	}
	int fd = memfd_create("leakguard-message", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0) {
		snprintf(err, errlen, "memfd_create: %s", strerror(errno));
		return -1;
	}
	if (write_all(fd, s->mem.data ? s->mem.data : "", s->mem.len) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
		snprintf(err, errlen, "cannot fill the message memfd: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* lg_spool_spilled - whether a temp file holds the message */
int lg_spool_spilled(const struct lg_spool *s)
{
	return s->fd >= 0;
}

/* lg_spool_free - release memory, mapping and file */
void lg_spool_free(struct lg_spool *s)
{
	if (s->map)
		munmap(s->map, s->map_len);
	if (s->fd >= 0)
		close(s->fd);
	lg_buf_free(&s->mem);
	lg_spool_init(s, s->mem_limit, s->dir);
}
