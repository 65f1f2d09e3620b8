/* signature.h - find the sender's signature block at the end of a body text. */
#ifndef LG_SIGNATURE_H
#define LG_SIGNATURE_H

#include <stdbool.h>
#include <stddef.h>

#define LG_SIG_TAIL_LINES 30	/* a signature separator is looked for in this many last lines */
#define LG_SIG_MAX_LINES 15	/* a block longer than this is not a signature */
#define LG_SIG_MAX_VALUES 8	/* at most this many values are excused as the sender's own */

/* lg_signature_find - locate the signature in NFKC text: the lines after a separator ("-- ",
 * a ruler of ---, ===, ━━━, ＿＿ ...) near the end, or between the last two rulers, or, with no
 * ruler, the last paragraph when it holds the sender's address. Sets [*start, *end). */
bool lg_signature_find(const char *text, size_t len, const char *sender_addr, size_t *start,
		       size_t *end);

#endif
