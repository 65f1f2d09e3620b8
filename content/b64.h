/* b64.h - a tolerant base64 decoder for transfer-encoded mail parts: it reads at least as much as the
 * most permissive mail client shows, and says whether the input was clean enough for every reader to
 * agree. (GMime stops at the first '=' and drops a trailing partial quantum; some clients do not.) */
#ifndef LG_B64_H
#define LG_B64_H

#include <stdbool.h>
#include <stddef.h>

#include "lg_buf.h"

/* What the decoder met on its way. */
struct lg_b64_status {
	bool clean;		/* only alphabet, line breaks and correct padding at the very end,
				   and every line but the last a whole number of quanta */
	size_t junk;		/* bytes outside the alphabet other than CR, LF and '=' (skipped) */
	bool mid_pad;		/* alphabet after a '=': decoding went on past padding */
	bool partial;		/* the input ended inside a quantum (its whole bytes were kept) */
	bool lost_bits;		/* a quantum with a single character (not a byte) was dropped */
	bool odd_lines;		/* a line before the last one ends inside a quantum */
};

/* lg_b64_decoded_max - an upper bound of the decoded size of len encoded bytes */
size_t lg_b64_decoded_max(size_t len);

/* lg_b64_decode - decode len bytes of base64 and append them to out; returns the bytes appended.
 * Every byte outside the alphabet is skipped; a '=' ends the current quantum (its whole bytes are
 * kept) and decoding continues with what follows; a trailing partial quantum keeps its whole bytes.
 * st (may be NULL) receives what was met. Never fails. */
size_t lg_b64_decode(const char *in, size_t len, struct lg_buf *out, struct lg_b64_status *st);

/* lg_b64_decode_lines - base64 read line by line, as stricter clients read it: blanks are skipped,
 * but any other byte outside the alphabet, or a '=', ends the line's data; each line's partial
 * quantum keeps its whole bytes. Appends to out; returns the bytes appended. Used to tell whether
 * unclean base64 means the same thing to every reader. */
size_t lg_b64_decode_lines(const char *in, size_t len, struct lg_buf *out);

#endif
