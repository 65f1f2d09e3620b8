/* normalize.h - Unicode NFKC normalisation (utf8proc) of extracted text. */
#ifndef LG_NORMALIZE_H
#define LG_NORMALIZE_H

#include <stddef.h>

/* lg_nfkc - NFKC of valid UTF-8 input (full-width digits and ＠ become ASCII, ① becomes 1), with
 * default-ignorable characters dropped (zero-width space and joiners, soft hyphen, word joiner,
 * BOM: they can split a number or an address without showing); newly allocated and
 * NUL-terminated. Invalid input is repaired with U+FFFD first. */
char *lg_nfkc(const char *in, size_t len, size_t *out_len);

#endif
