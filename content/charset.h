/* charset.h - bytes in any mail charset (labelled or guessed) to valid UTF-8. */
#ifndef LG_CHARSET_H
#define LG_CHARSET_H

#include <stddef.h>

/* lg_to_utf8 - decode len bytes to newly allocated, NUL-terminated, always valid UTF-8.
 * charset is the MIME label or NULL/"" when there is none. Without a usable label: a BOM,
 * then UTF-8 validity, then a uchardet guess decide. Shift_JIS labels and guesses decode as
 * CP932, EUC-JP as EUC-JP-MS, ISO-2022-JP with NEC row 13 characters. Invalid sequences become
 * U+FFFD and decoding continues: nothing after a bad byte is lost. Never fails.
 * The charset actually used is written to used (if not NULL). */
char *lg_to_utf8(const char *in, size_t len, const char *charset, size_t *out_len, char *used,
		 size_t usedlen);

#define LG_CHARSET_ALWAYS_GUESS 1u	/* ask uchardet even where its answer cannot matter */

/* lg_to_utf8_flags - lg_to_utf8 with LG_CHARSET_* flags (0: exactly lg_to_utf8); the tests
 * compare the shortcuts with the full decision */
char *lg_to_utf8_flags(const char *in, size_t len, const char *charset, size_t *out_len,
		       char *used, size_t usedlen, unsigned flags);

#endif
