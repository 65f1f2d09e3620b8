/* sniff.c - type sniffing with libmagic. A magic_t is not thread-safe: one per analyzer. */
#include "content/sniff.h"

#include <magic.h>
#include <stdio.h>
#include <stdlib.h>

#include "lg_alloc.h"

struct lg_sniffer {
	magic_t cookie;
};

/* lg_sniffer_new - open and load libmagic's default database */
struct lg_sniffer *lg_sniffer_new(char *err, size_t errlen)
{
	magic_t c = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS);
	if (!c) {
		snprintf(err, errlen, "magic_open failed");
		return NULL;
	}
	if (magic_load(c, NULL) != 0) {
		snprintf(err, errlen, "magic_load: %s", magic_error(c) ? magic_error(c) : "failed");
		magic_close(c);
		return NULL;
	}
	struct lg_sniffer *s = lg_malloc(sizeof *s);
	s->cookie = c;
	return s;
}

/* lg_sniffer_free - close the database */
void lg_sniffer_free(struct lg_sniffer *s)
{
	if (!s)
		return;
	magic_close(s->cookie);
	free(s);
}

/* lg_sniff - libmagic's MIME type for the first LG_SNIFF_MAX_BYTES bytes */
char *lg_sniff(struct lg_sniffer *s, const char *data, size_t len)
{
	if (len == 0)
		return lg_strdup("application/x-empty");
	const char *t = magic_buffer(s->cookie, data, len > LG_SNIFF_MAX_BYTES ? LG_SNIFF_MAX_BYTES : len);
	return lg_strdup(t ? t : "application/octet-stream");
}
