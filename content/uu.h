/* uu.h - the pre-MIME ways of carrying a file inside text, found and decoded: uuencode ("begin 644
 * name" ... "end"), yEnc ("=ybegin ... =yend") and BinHex 4.0 ("(This file must be converted with
 * BinHex 4.0)" then ":...:"). Mail clients show such blocks in a text body as attachments, and some
 * mailers send whole parts with Content-Transfer-Encoding x-uuencode or x-yencode. */
#ifndef LG_UU_H
#define LG_UU_H

#include <stdbool.h>
#include <stddef.h>

#include "lg_buf.h"

/* Named limits. */
#define LG_UU_MAX_NAME 255		/* bytes of a file name kept from a begin line */
#define LG_UU_MAX_LINE 1024		/* a longer line is not part of an encoded block */
#define LG_UU_MAX_BLANKS 8		/* blank lines skipped while looking for the first data line */

enum lg_uu_kind {
	LG_UU_UUENCODE,
	LG_UU_YENC,
	LG_UU_BINHEX,
};

/* One encoded block inside a text. */
struct lg_uu_block {
	enum lg_uu_kind kind;
	size_t start, end;		/* its bytes: begin line up to and including the end line's EOL */
	char name[LG_UU_MAX_NAME + 1];	/* file name from the begin line ("" if none) */
};

/* Decoding outcome: LG_UU_OK or a set of these flags. */
#define LG_UU_OK 0u
#define LG_UU_TRUNCATED 1u	/* no end line (or no closing ':'): what was there is decoded */
#define LG_UU_BAD_LINE 2u	/* a line's length character or characters do not fit the encoding */
#define LG_UU_TOO_BIG 4u	/* max_out reached: the output is cut there */
#define LG_UU_BAD_CHECK 8u	/* yEnc size or BinHex CRC disagrees with the data */
#define LG_UU_PARTIAL 16u	/* a yEnc "=ypart": one piece of a file split over several messages */
#define LG_UU_NO_DATA 32u	/* nothing decodable at all */

/* lg_uu_find - the first block that begins at or after offset from of text (len bytes); false if
 * there is none. A begin line must be followed by a plausible data line to count. */
bool lg_uu_find(const char *text, size_t len, size_t from, struct lg_uu_block *b);

/* lg_uu_decode - decode uuencoded lines (after a "begin" line if there is one, up to "end") and
 * append at most max_out bytes to out. name (may be NULL) receives the begin line's file name. */
unsigned lg_uu_decode(const char *in, size_t len, size_t max_out, struct lg_buf *out, char *name,
		      size_t namelen);

/* lg_yenc_decode - decode yEnc data (after a "=ybegin" line if there is one, up to "=yend"),
 * checking the declared size; appends at most max_out bytes to out. */
unsigned lg_yenc_decode(const char *in, size_t len, size_t max_out, struct lg_buf *out, char *name,
			size_t namelen);

/* lg_binhex_decode - decode a BinHex 4.0 file's data fork (the text between the first two ':'
 * after the optional "(This file must be converted with BinHex" line), checking its CRCs; appends
 * at most max_out bytes to out. */
unsigned lg_binhex_decode(const char *in, size_t len, size_t max_out, struct lg_buf *out, char *name,
			  size_t namelen);

/* lg_uu_decode_block - decode text of the given kind with the matching function above */
unsigned lg_uu_decode_block(enum lg_uu_kind kind, const char *in, size_t len, size_t max_out,
			    struct lg_buf *out, char *name, size_t namelen);

#endif
