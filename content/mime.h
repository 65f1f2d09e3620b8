/* mime.h - walk a message's MIME tree (GMime) and hand each decoded leaf part to a callback. */
#ifndef LG_MIME_H
#define LG_MIME_H

#include <stdbool.h>
#include <stddef.h>

/* Named limits of the walk (from the config's limits:). */
struct lg_mime_limits {
	unsigned depth;		/* nesting of multiparts and message/rfc822 */
	unsigned parts;		/* MIME parts in all */
	size_t part_size;	/* decoded bytes per part */
	/* hand on the address headers (From, To, Cc, Reply-To, Sender) of attached messages as a
	 * text/plain leaf "PATH.headers": what a forwarded mail shows its reader */
	bool nested_headers;
	bool own_headers;	/* ... and those of this message itself (it is attached somewhere) */
};

/* Why a leaf's bytes may not be what every mail client shows (lg_mime_leaf.ambiguous). Such a
 * part is decoded and handed on as usual (the reading that shows the most), but flagged. The
 * strings are stable: reports and policies may name them. */
#define LG_AMBIG_CTE_CONFLICT "cte-conflict"	/* two Content-Transfer-Encoding headers that
	differ, or one naming two encodings; the body decides which one is used */
#define LG_AMBIG_CTE_UNKNOWN "cte-unknown"	/* a Content-Transfer-Encoding readers do not agree
	on (unknown or misspelt name, quotes, an encoded word, a comment inside the word): decoded
	as what it most likely means (a base64-looking body as base64), else as it is */
#define LG_AMBIG_BASE64_JUNK "base64-junk"	/* base64 with junk, '=' before the end or odd line
	lengths, which GMime (it stops at the first '=') or a line-by-line reader decodes otherwise
	than the tolerant reading handed on (it skips junk and goes on past '=') */
#define LG_AMBIG_QP_JUNK "qp-junk"		/* quoted-printable with invalid or lower-case
	escapes, which strict readers decode otherwise (invalid ones are handed on as they are) */
#define LG_AMBIG_UUENCODE "uuencode"		/* a uuencoded block with bad lines, or one in text
	without its end line */
#define LG_AMBIG_YENC "yenc"			/* a yEnc block whose size disagrees, that is one
	part of several, or that has no =yend */
#define LG_AMBIG_BINHEX "binhex"		/* BinHex that fails its CRCs, is cut short or cannot
	be decoded (then handed on as it is) */
#define LG_AMBIG_BOUNDARY "boundary"		/* content found only by the raw reading, delimited
	by a boundary GMime does not use; or a multipart in which GMime found no part although its
	body looks delimited or its boundary never occurs (the body is handed on) */
#define LG_AMBIG_HEADER "header"		/* content found only by the raw reading where it
	reads a part's headers otherwise than GMime (junk lines, bare CR, white space before
	names), or bytes with no header block at all, handed on as a text body */

/* One leaf part. Strings are valid UTF-8 (or NULL) and live until the callback returns.
 *
 * Paths: "1", "2.1", ... as GMime's reading has them; "2.uu1", "2.yenc1", "2.hqx1" for the
 * uuencoded, yEnc and BinHex blocks found in the text of leaf 2 (the text leaf itself is handed on
 * without them); "raw.1", "raw.2", ... (or "2.raw.1" inside a message decoded from part 2) for what
 * only the raw reading decodes (ambiguous "boundary" or "header"). */
struct lg_mime_leaf {
	const char *path;		/* see above */
	const char *content_type;	/* lower case "type/subtype" as declared (default text/plain) */
	const char *charset;		/* charset parameter or NULL */
	const char *filename;		/* decoded file name or NULL */
	bool attachment;		/* file name or Content-Disposition: attachment */
	bool top_body;			/* a body text of the outermost message (not attached, not forwarded) */
	bool headers;			/* the address headers of an attached message, as UTF-8 text */
	const char *data;		/* decoded bytes (NULL when error is set) */
	size_t len;
	size_t encoded_len;		/* bytes before decoding, when data is NULL */
	const char *error;		/* why there are no bytes: "limit:depth", "limit:parts",
					   "limit:part_size", "encrypted", "undecodable",
					   "unsupported" (message/partial, external-body) */
	const char *ambiguous;		/* NULL or one of LG_AMBIG_* (also with error set) */
};

/* The outermost message's addresses (mailbox addr-specs; domain lower-cased). */
struct lg_mime_addrs {
	char **from;
	size_t nfrom;
	char **to_cc;		/* To and Cc, the visible recipients */
	size_t nto_cc;
	char **bcc;
	size_t nbcc;
};

/* Return non-zero to stop the walk. */
typedef int (*lg_mime_leaf_fn)(void *arg, const struct lg_mime_leaf *leaf);

/* lg_mime_walk - parse len bytes of RFC 5322 message and call fn for every leaf part in order:
 * GMime's reading first, then what only the raw reading (a second, lenient reading of boundaries,
 * part headers and line ends, as permissive clients read them) decodes. Transfer encodings are
 * decoded here, tolerantly (base64, quoted-printable, uuencode, yEnc, BinHex, gzip64); charsets
 * are not. A message whose boundaries nest deeper than lim->depth (plus 2) or that has more than
 * 8 * lim->parts + 1000 lines beginning with "--" is not handed to GMime at all (its parse time
 * grows with both): one error leaf limit:depth or limit:parts. Thread-safe after g_mime_init().
 * addrs (may be NULL) receives the outermost header addresses (free with lg_mime_addrs_free).
 * Returns the number of leaves, or -1 when the bytes are empty or white space only (err set). */
long lg_mime_walk(const char *msg, size_t len, const struct lg_mime_limits *lim, lg_mime_leaf_fn fn,
		  void *arg, struct lg_mime_addrs *addrs, char *err, size_t errlen);
void lg_mime_addrs_free(struct lg_mime_addrs *a);

/* lg_addr_normalize - "User@Example.JP" -> "User@example.jp", newly allocated; NULL if no '@' */
char *lg_addr_normalize(const char *addr);

#endif
