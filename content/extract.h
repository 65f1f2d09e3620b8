/* extract.h - the contract every document and archive extractor follows: bytes in, UTF-8 text
 * blocks and table rows out through callbacks, with named limits and a typed outcome. */
#ifndef LG_EXTRACT_H
#define LG_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Outcome of one extraction. Anything but LG_EX_OK means the part was not (fully) scanned; the
 * reason string goes into the report as it is ("encrypted", "corrupt", "limit:archive_ratio"). */
enum lg_ex_status {
	LG_EX_OK = 0,
	LG_EX_UNSUPPORTED,	/* a format we do not read (reason "unsupported") */
	LG_EX_ENCRYPTED,	/* password-protected (reason "encrypted") */
	LG_EX_CORRUPT,		/* damaged or not what it claims (reason "corrupt") */
	LG_EX_LIMIT,		/* a named limit was hit (reason "limit:<name>") */
	LG_EX_STOPPED,		/* a callback asked to stop */
};

struct lg_ex_result {
	enum lg_ex_status status;
	char reason[64];	/* "encrypted", "corrupt", "limit:member_size", ... */
	char detail[192];	/* for logs and --dump-parts: the library's own words, or "" */
	uint64_t text_bytes;	/* UTF-8 bytes handed to the text and row callbacks */
	uint64_t rows;		/* rows handed to the row callback */
};

/* Named limits shared by the extractors (filled from the config's limits:). */
struct lg_ex_limits {
	size_t member_size;	/* member_size: decompressed bytes of one archive member or zip part */
	unsigned members;	/* archive_members: members read per archive */
	unsigned ratio;		/* archive_ratio: decompressed / compressed bytes of an archive */
	size_t text_size;	/* text_size: text left in this message's budget */
	int64_t deadline_ms;	/* time budget: CLOCK_MONOTONIC milliseconds, 0 for none */
};

/* Where extracted text goes. Callbacks return non-zero to stop (the extractor then returns
 * LG_EX_STOPPED). Text is valid UTF-8 (extractors repair what the file gave them). */
struct lg_ex_out {
	/* a block of running text: a paragraph, a slide, a PDF page, a comment */
	int (*text)(void *arg, const char *utf8, size_t len);
	/* one table row: a sheet row, a Word/ODF table row (empty cells kept, as "") */
	int (*row)(void *arg, const char *const *cells, const size_t *lens, size_t ncells);
	/* a new table or sheet begins (name may be NULL); rows until the next call belong to it */
	int (*table)(void *arg, const char *name);
	void *arg;
};

/* lg_ex_set - fill a result: status, reason and a printf detail */
void lg_ex_set(struct lg_ex_result *r, enum lg_ex_status st, const char *reason, const char *fmt,
	       ...) __attribute__((format(printf, 4, 5)));
/* lg_ex_now_ms - CLOCK_MONOTONIC in milliseconds */
int64_t lg_ex_now_ms(void);
/* lg_ex_late - has the time budget run out? (sets r to limit:time when it has) */
bool lg_ex_late(const struct lg_ex_limits *lim, struct lg_ex_result *r);
/* lg_ex_emit_text / lg_ex_emit_row - call out->text / out->row, counting bytes against
 * lim->text_size (limit:text_size) and in r; return non-zero when extraction must stop */
int lg_ex_emit_text(const struct lg_ex_out *out, const struct lg_ex_limits *lim,
		    struct lg_ex_result *r, const char *utf8, size_t len);
int lg_ex_emit_row(const struct lg_ex_out *out, const struct lg_ex_limits *lim,
		   struct lg_ex_result *r, const char *const *cells, const size_t *lens,
		   size_t ncells);

/* ---- extractors: each in its own file ------------------------------------------------------ */

/* Office Open XML (content/ooxml.c): xlsx (every sheet, shared and inline strings, numbers; rows),
 * docx (paragraphs, table rows, headers, footers, footnotes, comments), pptx (slides, notes). */
void lg_ooxml_extract(const char *data, size_t len, const struct lg_ex_limits *lim,
		      const struct lg_ex_out *out, struct lg_ex_result *r);
/* OpenDocument (content/odf.c): ods (rows), odt (paragraphs, table rows), odp (slides). */
void lg_odf_extract(const char *data, size_t len, const struct lg_ex_limits *lim,
		    const struct lg_ex_out *out, struct lg_ex_result *r);
/* PDF (content/pdf.c, poppler-glib; LG_EX_UNSUPPORTED when built without it): text per page. */
void lg_pdf_extract(const char *data, size_t len, const struct lg_ex_limits *lim,
		    const struct lg_ex_out *out, struct lg_ex_result *r);
/* RTF (content/rtf.c): running text, \cell/\row tables as rows, \uN and \'hh (with \ansicpg). */
void lg_rtf_extract(const char *data, size_t len, const struct lg_ex_limits *lim,
		    const struct lg_ex_out *out, struct lg_ex_result *r);

/* Archives (content/archive.c, libarchive): zip, tar, gzip, bzip2, xz, 7z, and compressed tars.
 * Each regular member is handed over whole (up to member_size) for the caller to analyse like an
 * attachment (recursively). An encrypted member is handed over with data NULL and encrypted set,
 * so its name is still listed. Names are UTF-8 (CP932 names without the UTF-8 flag converted). */
struct lg_ex_member {
	const char *name;	/* path inside the archive, UTF-8 */
	const char *data;	/* decompressed bytes, or NULL (encrypted, over a limit, unreadable) */
	size_t len;
	uint64_t declared_size;	/* size from the archive's header, 0 if unknown */
	bool encrypted;
	const char *reason;	/* why data is NULL: "encrypted", "limit:member_size", "corrupt" */
};
typedef int (*lg_ex_member_fn)(void *arg, const struct lg_ex_member *m);
void lg_archive_walk(const char *data, size_t len, const struct lg_ex_limits *lim,
		     lg_ex_member_fn fn, void *arg, struct lg_ex_result *r);

/* lg_ex_is_encrypted_office - an OLE compound file holding an "EncryptedPackage" stream (a
 * password-protected xlsx/docx/pptx) */
bool lg_ex_is_encrypted_office(const char *data, size_t len);

#endif
