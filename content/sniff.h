/* sniff.h - the real type of decoded bytes (libmagic), never the declared one. */
#ifndef LG_SNIFF_H
#define LG_SNIFF_H

#include <stddef.h>

struct lg_sniffer;

#define LG_SNIFF_MAX_BYTES (256 * 1024)	/* bytes of a part shown to libmagic */

/* lg_sniffer_new - load the magic database (about 4 ms: once per thread); NULL with err set */
struct lg_sniffer *lg_sniffer_new(char *err, size_t errlen);
void lg_sniffer_free(struct lg_sniffer *s);
/* lg_sniff - MIME type of the bytes, e.g. "text/csv", "application/pdf"; newly allocated */
char *lg_sniff(struct lg_sniffer *s, const char *data, size_t len);

#endif
