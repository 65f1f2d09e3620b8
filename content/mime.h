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
};

/* One leaf part. Strings are valid UTF-8 (or NULL) and live until the callback returns. */
struct lg_mime_leaf {
	const char *path;		/* "1", "2.1", ... */
	const char *content_type;	/* lower case "type/subtype" as declared (default text/plain) */
	const char *charset;		/* charset parameter or NULL */
	const char *filename;		/* decoded file name or NULL */
	bool attachment;		/* file name or Content-Disposition: attachment */
	bool top_body;			/* a body text of the outermost message (not attached, not forwarded) */
	const char *data;		/* decoded bytes (NULL when error is set) */
	size_t len;
	size_t encoded_len;		/* bytes before decoding, when data is NULL */
	const char *error;		/* why there are no bytes: "limit:depth", "limit:parts",
					   "limit:part_size", "encrypted", "undecodable" */
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

/* lg_mime_walk - parse len bytes of RFC 5322 message and call fn for every leaf part in order.
 * addrs (may be NULL) receives the outermost header addresses (free with lg_mime_addrs_free).
 * Returns the number of leaves, or -1 when the bytes are not a message at all (err set). */
long lg_mime_walk(const char *msg, size_t len, const struct lg_mime_limits *lim, lg_mime_leaf_fn fn,
		  void *arg, struct lg_mime_addrs *addrs, char *err, size_t errlen);
void lg_mime_addrs_free(struct lg_mime_addrs *a);

/* lg_addr_normalize - "User@Example.JP" -> "User@example.jp", newly allocated; NULL if no '@' */
char *lg_addr_normalize(const char *addr);

#endif
