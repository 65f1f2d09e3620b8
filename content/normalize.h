/* normalize.h - Unicode NFKC normalisation (utf8proc) of extracted text. */
#ifndef LG_NORMALIZE_H
#define LG_NORMALIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* lg_nfkc - NFKC of valid UTF-8 input (full-width digits and ＠ become ASCII, ① becomes 1), with
 * default-ignorable characters dropped (zero-width space and joiners, soft hyphen, word joiner,
 * BOM: they can split a number or an address without showing); newly allocated and
 * NUL-terminated. Invalid input is repaired with U+FFFD first. */
char *lg_nfkc(const char *in, size_t len, size_t *out_len);

/* lg_nfkc_is_kept - whether runs of cp are copied without utf8proc: ASCII, kana, CJK ideographs
 * (NFKC keeps them and never joins them with what precedes them) */
bool lg_nfkc_is_kept(uint32_t cp);

#define LG_NFKC_MAP_ALL 1u	/* no copied runs: utf8proc maps every chunk whole */

/* lg_nfkc_flags - lg_nfkc with LG_NFKC_* flags (0: exactly lg_nfkc); the tests compare the
 * copied runs with utf8proc's own result */
char *lg_nfkc_flags(const char *in, size_t len, size_t *out_len, unsigned flags);

#endif
