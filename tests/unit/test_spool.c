/* test_spool.c - the milter's message spool: memory below the bound, an unlinked file above it,
 * the same bytes either way, and a clear error when the spool directory is unusable. */
#include <stdlib.h>
#include <string.h>

#include "milter/spool.h"
#include "tap.h"

/* fill - write n pseudo-random-ish bytes in uneven chunks, keeping a copy */
static int fill(struct lg_spool *s, char *copy, size_t n)
{
	char err[256];
	size_t off = 0, step = 1;
	while (off < n) {
		size_t k = step < n - off ? step : n - off;
		for (size_t i = 0; i < k; i++)
			copy[off + i] = (char)((off + i) * 131 % 251);
		if (lg_spool_write(s, copy + off, k, err, sizeof err) < 0)
			return -1;
		off += k;
		step = step * 3 % 7919 + 1;
	}
	return 0;
}

int main(void)
{
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	static const size_t sizes[] = { 0, 1, 4095, 4096, 4097, 100000, 3000000 };
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		size_t n = sizes[i];
		struct lg_spool s;
		lg_spool_init(&s, 4096, dir);
		char *copy = malloc(n ? n : 1);
		int rc = fill(&s, copy, n);
		const char *data;
		size_t len;
		char err[256];
		tap_ok(rc == 0 && lg_spool_data(&s, &data, &len, err, sizeof err) == 0 && len == n &&
			       memcmp(data, copy, n) == 0,
		       "%zu bytes come back intact", n);
		tap_ok(lg_spool_spilled(&s) == (n > 4096), "%zu bytes %s", n,
		       n > 4096 ? "went to a temp file" : "stayed in memory");
		lg_spool_free(&s);
		free(copy);
	}
	struct lg_spool s;
	char err[256] = "";
	lg_spool_init(&s, 10, "/nonexistent/leakguard-test");
	int rc = lg_spool_write(&s, "0123456789abcdef", 16, err, sizeof err);
	tap_ok(rc < 0 && strstr(err, "/nonexistent/leakguard-test") != NULL,
	       "unusable spool directory is an error naming it");
	lg_spool_free(&s);
	return tap_done();
}
