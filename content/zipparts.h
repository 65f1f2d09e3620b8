/* zipparts.h - internal helper shared by the OOXML and ODF extractors: a zip held in memory read
 * with libarchive (entry list, one entry streamed under the named limits), a libxml2 streaming
 * reader or SAX2 parser on top of such a stream, and checked emission of text blocks and
 * rows (with the rows and the open paragraphs they are built from). */
#ifndef LG_ZIPPARTS_H
#define LG_ZIPPARTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/xmlreader.h>

#include "content/extract.h"
#include "lg_buf.h"

/* Decompressed bytes a part may reach before archive_ratio is checked: below this no part is a
 * bomb, and small XML parts legitimately compress far better than 100:1. */
#define LG_ZIP_RATIO_FLOOR (1u << 20)

/* Nodes between two time-budget checks in the XML reader. */
#define LG_ZIP_XML_CHECK_NODES 4096

struct lg_zip_entry {
	char *name;		/* path inside the zip, as stored (OOXML and ODF names are ASCII) */
	bool encrypted;		/* zip-level encryption (ZipCrypto, AES) */
};

/* A zip held in memory and the list of its entries, in archive order. */
struct lg_zip {
	const char *data;
	size_t len;
	const struct lg_ex_limits *lim;
	struct lg_ex_result *r;
	struct lg_zip_entry *entries;
	size_t n;
	enum lg_ex_status pending;	/* the listing stopped early: LG_EX_CORRUPT or LG_EX_LIMIT */
	char pending_detail[160];
};

/* lg_zip_open - list the entries of the zip in data; false with r set ("corrupt") when it is no
 * zip. A listing cut short (truncated zip, more than lim->members entries) keeps the entries read
 * so far and reports its problem in lg_zip_settle/lg_zip_close. Close it either way. */
bool lg_zip_open(struct lg_zip *z, const char *data, size_t len, const struct lg_ex_limits *lim,
		 struct lg_ex_result *r);
/* lg_zip_settle - report now the problem that cut the listing short, if any (a truncated zip is
 * "corrupt"; more than lim->members entries is "limit:archive_members"). Call it before concluding
 * that a part is missing, since it may be missing only from the listing. */
void lg_zip_settle(struct lg_zip *z);
/* lg_zip_close - settle (see above) and free the entry list */
void lg_zip_close(struct lg_zip *z);
/* lg_zip_find - index of the entry called name (ASCII case-insensitive, as OPC names are), or -1 */
long lg_zip_find(const struct lg_zip *z, const char *name);
/* lg_zip_find_numbered - indexes of the entries called <prefix><digits><suffix> (digits may be
 * empty), sorted by their number; returns the count, *out is allocated (free it) */
size_t lg_zip_find_numbered(const struct lg_zip *z, const char *prefix, const char *suffix,
			    size_t **out);

/* One entry's decompressed bytes, counted against member_size, archive_ratio and the time budget. */
struct lg_zip_stream;
/* lg_zip_stream_open - start reading entry idx; NULL with r set ("encrypted", "corrupt") */
struct lg_zip_stream *lg_zip_stream_open(struct lg_zip *z, size_t idx);
/* lg_zip_stream_read - up to n bytes into buf: the count, 0 at the end, -1 on an error or a
 * limit (r set) */
long lg_zip_stream_read(struct lg_zip_stream *s, char *buf, size_t n);
/* lg_zip_stream_close - release the stream */
void lg_zip_stream_close(struct lg_zip_stream *s);
/* lg_zip_read_small - read a whole entry of at most max bytes into out (NUL-terminated); false
 * with r set on an error, a limit, or when it is larger than max ("corrupt") */
bool lg_zip_read_small(struct lg_zip *z, size_t idx, size_t max, struct lg_buf *out);

/* An XML part read with libxml2's streaming reader, fed from an lg_zip_stream. */
struct lg_zip_xml {
	xmlTextReaderPtr reader;
	struct lg_zip_stream *s;
	struct lg_ex_result *r;
	const struct lg_ex_limits *lim;
	const char *part;	/* entry name, for messages */
	unsigned long nodes;
	char err[160];		/* libxml2's first error message */
	bool failed;
	bool skipping;		/* lg_zip_xml_skip: reading past the element at skip_depth */
	int skip_depth;
};

/* lg_zip_xml_open - start parsing entry idx; false with r set */
bool lg_zip_xml_open(struct lg_zip_xml *x, struct lg_zip *z, size_t idx);
/* lg_zip_xml_next - advance one node: 1, 0 at the end of the part, -1 when parsing must stop
 * (r set: "corrupt" with libxml2's message, or the limit that was hit) */
int lg_zip_xml_next(struct lg_zip_xml *x);
/* lg_zip_xml_skip - leave out the current element's content: the next lg_zip_xml_next reads on
 * past its end tag (the nodes between still count against the limits); no-op on an empty element */
void lg_zip_xml_skip(struct lg_zip_xml *x);
/* lg_zip_xml_is_text - whether a node of this type carries character data */
bool lg_zip_xml_is_text(int type);
/* lg_zip_xml_close - release the reader and its stream */
void lg_zip_xml_close(struct lg_zip_xml *x);
/* lg_zip_xml_attr - an attribute of the current element by local name (any namespace), or NULL;
 * the string is only valid until the next node */
const char *lg_zip_xml_attr(struct lg_zip_xml *x, const char *localname);

/* An XML part parsed with libxml2's SAX2 parser, which pulls the part as it inflates: no tree
 * and no reader state, for the large parts (xlsx shared strings and sheets). It keeps the
 * reader's rules: no network, no entity substitution, a DTD refused ("corrupt"), libxml2's own
 * size limits, and the two guards that the tree builder enforced and a bare SAX handler would
 * not (element depth, one run of character data), with libxml2's words. */
#define LG_ZIP_SAX_MAX_DEPTH 256	/* libxml2's xmlParserMaxDepth without XML_PARSE_HUGE */
#define LG_ZIP_SAX_MAX_TEXT 10000000u	/* its XML_MAX_TEXT_LENGTH: one text or CDATA run */

struct lg_zip_sax;

/* What a SAX parse calls: element names are local names (any namespace); text is UTF-8, not
 * NUL-terminated, and may come in several pieces. Each returns false to stop the parse (r set). */
struct lg_zip_sax_cb {
	bool (*start)(void *arg, struct lg_zip_sax *x, const char *localname);
	bool (*end)(void *arg, const char *localname);
	bool (*text)(void *arg, const char *s, size_t len);
};

/* lg_zip_sax_parse - parse entry idx, calling cb with arg; true when the whole part was read,
 * false when it stopped (r set: "corrupt" with libxml2's message, a limit, or the callbacks') */
bool lg_zip_sax_parse(struct lg_zip *z, size_t idx, const struct lg_zip_sax_cb *cb, void *arg);
/* lg_zip_sax_attr - in cb->start: an attribute of the element by local name (any namespace;
 * namespace declarations count, by prefix, as they do for lg_zip_xml_attr), or NULL; *len is
 * its length; the value is not NUL-terminated and lasts until cb->start returns */
const char *lg_zip_sax_attr(struct lg_zip_sax *x, const char *localname, size_t *len);
/* lg_zip_sax_attr2 - in cb->start: two attributes (names differing) looked up in one pass, each
 * as lg_zip_sax_attr finds it (*v NULL and *len 0 when there is none), but the value as libxml2
 * gave it: a '&' in it is still written "&#38;" (for callers that stop at the first character
 * they do not expect, to whom both read the same); the values last until cb->start returns */
void lg_zip_sax_attr2(struct lg_zip_sax *x, const char *name1, const char **v1, size_t *len1,
		      const char *name2, const char **v2, size_t *len2);
/* lg_zip_sax_skip - in cb->start: leave out the element's content and its end tag (what is in
 * it still counts against the limits) */
void lg_zip_sax_skip(struct lg_zip_sax *x);

/* Emission with a UTF-8 check (invalid bytes replaced by U+FFFD); scratch is reused between calls.
 * Each returns non-zero when extraction must stop (r set). */
int lg_zip_emit_text(const struct lg_ex_out *out, const struct lg_ex_limits *lim,
		     struct lg_ex_result *r, struct lg_buf *scratch, const char *s, size_t len);
int lg_zip_emit_row(const struct lg_ex_out *out, const struct lg_ex_limits *lim,
		    struct lg_ex_result *r, struct lg_buf *scratch, const char *const *cells,
		    const size_t *lens, size_t ncells);
/* lg_zip_budget - false (limit:text_size recorded) when pending more bytes of text, held before
 * they are emitted, would not fit in what is left of lim->text_size: repeated cells and space runs
 * must not grow a row or paragraph in memory far beyond the budget it will be charged to */
bool lg_zip_budget(const struct lg_ex_limits *lim, struct lg_ex_result *r, size_t pending);
/* lg_zip_emit_table - out->table(name) (name repaired to valid UTF-8 first) */
int lg_zip_emit_table(const struct lg_ex_out *out, struct lg_ex_result *r,
		      struct lg_buf *scratch, const char *name);

/* A row under construction: cells kept NUL-terminated in one buffer, by offset. */
struct lg_zip_row {
	struct lg_buf text;
	size_t *off, *len;	/* cell i is text.data + off[i], len[i] bytes */
	size_t n, cap;
	const char **ptrs;	/* filled by lg_zip_row_emit */
	size_t ptrcap;
};

/* lg_zip_row_reset - empty the row, keeping its memory */
void lg_zip_row_reset(struct lg_zip_row *row);
/* lg_zip_row_add - append a cell */
void lg_zip_row_add(struct lg_zip_row *row, const char *s, size_t len);
/* lg_zip_row_extend - append to the last cell */
void lg_zip_row_extend(struct lg_zip_row *row, const char *s, size_t len);
/* lg_zip_row_blank - whether every cell is empty */
bool lg_zip_row_blank(const struct lg_zip_row *row);
/* lg_zip_row_emit - hand the row on (trailing empty cells dropped); non-zero to stop */
int lg_zip_row_emit(struct lg_zip_row *row, const struct lg_ex_out *out,
		    const struct lg_ex_limits *lim, struct lg_ex_result *r, struct lg_buf *scratch);
/* lg_zip_row_free - release the row's memory */
void lg_zip_row_free(struct lg_zip_row *row);

/* The paragraphs being read in a document part: the text of every open paragraph (a text box's
 * or an annotation's paragraphs sit inside a paragraph) kept in one buffer, each open paragraph
 * remembering where its text starts. A finished paragraph goes into the current table cell, or
 * out as a text block. */
struct lg_zip_paras {
	const struct lg_ex_out *out;
	const struct lg_ex_limits *lim;
	struct lg_ex_result *r;
	struct lg_buf *scratch;	/* UTF-8 repair, the caller's */
	struct lg_buf text;
	size_t *start;		/* start[i]: where open paragraph i begins in text */
	size_t depth, cap;	/* open paragraphs */
};

/* lg_zip_paras_init - no paragraph open; finished ones are emitted to out (or go into a cell) */
void lg_zip_paras_init(struct lg_zip_paras *p, const struct lg_ex_out *out,
		       const struct lg_ex_limits *lim, struct lg_ex_result *r,
		       struct lg_buf *scratch);
/* lg_zip_paras_deliver - finished text: appended to the last cell of cell (after a line break
 * when that cell has text already, the cell held to the text budget) or, with cell NULL, emitted
 * as a text block; false when extraction must stop (r set) */
bool lg_zip_paras_deliver(struct lg_zip_paras *p, struct lg_zip_row *cell, const char *s,
			  size_t len);
/* lg_zip_paras_open - a paragraph begins */
void lg_zip_paras_open(struct lg_zip_paras *p);
/* lg_zip_paras_close - the innermost open paragraph ends: its text is delivered (see
 * lg_zip_paras_deliver) and dropped from the buffer; true when none is open */
bool lg_zip_paras_close(struct lg_zip_paras *p, struct lg_zip_row *cell);
/* lg_zip_paras_put - append to the innermost open paragraph, held to the text budget; false
 * (limit:text_size) when it outgrows it. Text outside any paragraph (p->depth == 0) is the
 * caller's to handle. */
bool lg_zip_paras_put(struct lg_zip_paras *p, const char *s, size_t len);
/* lg_zip_paras_free - release the buffer and the stack */
void lg_zip_paras_free(struct lg_zip_paras *p);

#endif
