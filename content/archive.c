/* archive.c - archives through libarchive (placeholder until the walker lands). */
#include "content/extract.h"

/* lg_archive_walk - not yet: reported unsupported */
void lg_archive_walk(const char *data, size_t len, const struct lg_ex_limits *lim,
		     lg_ex_member_fn fn, void *arg, struct lg_ex_result *r)
{
	(void)data, (void)len, (void)lim, (void)fn, (void)arg;
	lg_ex_set(r, LG_EX_UNSUPPORTED, "unsupported", "archive reading not built yet");
}

/* lg_ex_is_encrypted_office - not yet */
bool lg_ex_is_encrypted_office(const char *data, size_t len)
{
	(void)data, (void)len;
	return false;
}
