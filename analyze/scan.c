/* scan.c - what one part holds: sniff its real type, then read it as text (plain, HTML, CSV), as
 * a document (OOXML, ODF, PDF, RTF), or as an archive whose members are scanned the same way
 * (recursively, attached messages included), and send every text block and table row through
 * the detectors. Limits (depth, decoded_size, text_size, time_budget and the extractors' own)
 * end up as the part's reason; nothing is skipped silently. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/run.h"
#include "analyze/signature.h"
#include "content/charset.h"
#include "content/csv.h"
#include "content/extract.h"
#include "content/html.h"
#include "content/normalize.h"
#include "lg_alloc.h"
#include "lg_search.h"
#include "lg_sha256.h"

/* What a part is, for reading. */
enum kind {
	K_TEXT,
	K_HTML,
	K_CSV,
	K_OOXML,
	K_ODF,
	K_PDF,
	K_RTF,
	K_ARCHIVE,
	K_MESSAGE,
	K_ENCRYPTED,	/* password-protected office file */
	K_UNSUPPORTED,	/* a format we do not read (legacy .xls/.doc, executables...) */
	K_NO_TEXT,	/* images, audio, video, fonts */
};

/* Where one part came from, for scan_bytes. */
struct origin {
	const char *declared;	/* declared Content-Type, or NULL for archive members */
	const char *charset;	/* declared charset (bodies only), or NULL */
	const char *filename;	/* file name, or NULL */
	bool top_body;		/* a body text of the outermost message */
	bool headers;		/* an attached message's address headers: text, whatever it looks like */
	unsigned depth;		/* nesting through archives and attached messages */
};

static void scan_bytes(struct run *r, size_t pidx, const char *data, size_t len,
		       const struct origin *o);

/* part_at - the report's part by index (the array moves as parts are added) */
static struct lg_part *part_at(struct run *r, size_t i)
{
	return &r->rep->parts[i];
}

/* new_part - append a part to the report; returns its index */
static size_t new_part(struct run *r, const char *path, const char *mime_path, const char *filename,
		       const char *declared, bool attachment, size_t size)
{
	struct lg_report *rep = r->rep;
	rep->parts = lg_realloc(rep->parts, (rep->nparts + 1) * sizeof *rep->parts);
	struct lg_part *p = &rep->parts[rep->nparts];
	*p = (struct lg_part){0};
	p->path = lg_strdup(path);
	p->mime_path = lg_strdup(mime_path);
	p->filename = filename ? lg_strdup(filename) : NULL;
	p->declared_type = declared ? lg_strdup(declared) : NULL;
	p->attachment = attachment;
	p->size = size;
	return rep->nparts++;
}

/* set_reason - why a part was not (fully) scanned; the first reason stays */
static void set_reason(struct run *r, size_t pidx, const char *reason, const char *detail)
{
	struct lg_part *p = part_at(r, pidx);
	if (!p->reason)
		p->reason = lg_strdup(reason);
	if (detail && *detail && !p->detail)
		p->detail = lg_strdup(detail);
}

/* ---- detection ------------------------------------------------------------------------------ */

/* line_of - index of the line holding byte offset off */
static size_t line_of(const struct run *r, size_t off)
{
	return lg_piece_of(r->line_starts, r->nlines, off);
}

/* on_match - detector callback: remember the hit with its record unit and place */
static void on_match(void *arg, const struct lg_match *m)
{
	struct run *r = arg;
	if (r->has_sig && m->start >= r->sig_start && m->end <= r->sig_end &&
	    r->sig_values < LG_SIG_MAX_VALUES) {
		if (lg_strset_add(&r->own, m->value))
			r->sig_values++;
		r->rep->excluded++;
		return;
	}
	if (r->nhits == r->caphits) {
		r->caphits = r->caphits ? r->caphits * 2 : 64;
		r->hits = lg_realloc(r->hits, r->caphits * sizeof *r->hits);
	}
	size_t line = r->line_starts ? line_of(r, m->start) : 0;
	r->hits[r->nhits++] = (struct hit){
		.det = m->det,
		.conf = m->conf,
		.value = lg_strdup(m->value),
		.unit = r->unit_base + line,
		.part = r->part_index,
		.row = r->line_starts ? 0 : r->table_row,
		.line = r->line_starts ? r->line_base + line + 1 : 0,
		.column = m->column,
	};
	part_at(r, r->part_index)->findings++;
}

/* detected - what lg_detect's answer means for the part: a pattern that gave up on hostile text
 * leaves the part not fully scanned (limit:pattern, the detector named in the detail) and the
 * analysis goes on; an internal error fails the analysis. 0 or -1. */
static int detected(struct run *r, int rc)
{
	if (rc == -2) {
		set_reason(r, r->part_index, "limit:pattern", r->err);
		return 0;
	}
	if (rc < 0) {
		r->failed = true;
		return -1;
	}
	return 0;
}

/* detect_lines - run the detectors over NFKC text, one record unit per line */
static int detect_lines(struct run *r, const char *text, size_t len)
{
	size_t cap = 256, n = 0;
	size_t *starts = lg_malloc(cap * sizeof *starts);
	starts[n++] = 0;
	for (const char *p = text, *e = text + len; (p = memchr(p, '\n', (size_t)(e - p))); p++) {
		if (n == cap)
			starts = lg_realloc(starts, (cap *= 2) * sizeof *starts);
		starts[n++] = (size_t)(p - text) + 1;
	}
	r->line_starts = starts;
	r->nlines = n;
	r->unit_base = r->next_unit;
	int rc = lg_detect(r->cfg->detectors, text, len, NULL, on_match, r, r->err, sizeof r->err);
	r->next_unit += n;
	r->line_base += n;
	r->line_starts = NULL;
	free(starts);
	if (r->an->dump) {
		lg_buf_append(&r->dump_text, text, len);
		lg_buf_putc(&r->dump_text, '\n');
	}
	return detected(r, rc);
}

/* is_ascii - no byte above 0x7F (NFKC leaves such text as it is) */
static bool is_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] & 0x80)
			return false;
	return true;
}

/* table_start - a new table or sheet: no header yet, rows count from 1 */
static void table_start(struct run *r)
{
	lg_header_free(r->header);
	r->header = NULL;
	r->table_row = 0;
}

/* detect_row - one table row: each cell NFKC, joined by tabs, detected as one record unit with
 * the table's header; a row that names detectors' columns and holds no findings becomes the
 * header of the rows after it */
static int detect_row(struct run *r, const char *const *cells, const size_t *lens, size_t ncells)
{
	struct lg_buf row = LG_BUF_INIT;
	size_t *starts = lg_malloc((ncells ? ncells : 1) * 2 * sizeof *starts);
	size_t *clens = starts + (ncells ? ncells : 1);
	char **norm = lg_malloc((ncells ? ncells : 1) * sizeof *norm);
	for (size_t i = 0; i < ncells; i++) {
		if (i)
			lg_buf_putc(&row, '\t');
		starts[i] = row.len;
		if (is_ascii(cells[i], lens[i])) {
			lg_buf_append(&row, cells[i], lens[i]);
			clens[i] = lens[i];
		} else {
			size_t nl;
			char *n = lg_nfkc(cells[i], lens[i], &nl);
			lg_buf_append(&row, n, nl);
			clens[i] = nl;
			free(n);
		}
	}
	const char *text = lg_buf_cstr(&row);
	for (size_t i = 0; i < ncells; i++)
		norm[i] = (char *)text + starts[i];
	r->table_row++;
	r->unit_base = r->next_unit++;
	struct lg_header *cand = lg_header_new(r->cfg->detectors, (const char *const *)norm, clens,
					       ncells);
	struct lg_row_ctx ctx = { starts, clens, ncells, NULL };
	int rc = 0;
	bool is_header = false;
	if (cand) {	/* a header names columns and holds no findings of its own */
		rc = lg_detect(r->cfg->detectors, text, row.len, &ctx, NULL, NULL, r->err,
			       sizeof r->err);
		if (rc == 0) {
			lg_header_free(r->header);
			r->header = cand;
			cand = NULL;
			is_header = true;
		}
		lg_header_free(cand);
	}
	if (rc != -1 && !is_header) {
		ctx.header = r->header;
		rc = lg_detect(r->cfg->detectors, text, row.len, &ctx, on_match, r, r->err,
			       sizeof r->err);
	}
	if (r->an->dump) {
		lg_buf_append(&r->dump_text, text, row.len);
		lg_buf_putc(&r->dump_text, '\n');
	}
	free(norm);
	free(starts);
	lg_buf_free(&row);
	return detected(r, rc);
}

/* ---- text parts ----------------------------------------------------------------------------- */

/* text_budget - charge extracted text against limits.text_size; false when over */
static bool text_budget(struct run *r, size_t n)
{
	if (r->text_total + n > r->cfg->limits.text_size)
		return false;
	r->text_total += n;
	return true;
}

struct csv_ctx {
	struct run *r;
	size_t pidx;
	bool over;
	bool failed;
};

/* on_csv_row - a CSV row into the detectors */
static int on_csv_row(void *arg, size_t row, size_t ncells, const char *const *cells,
		      const size_t *lens)
{
	struct csv_ctx *c = arg;
	size_t n = ncells;
	for (size_t i = 0; i < ncells; i++)
		n += lens[i];
	(void)row;
	if (!text_budget(c->r, n)) {
		c->over = true;
		return 1;
	}
	struct lg_part *p = part_at(c->r, c->pidx);
	p->text_bytes += n;
	p->rows++;
	if (detect_row(c->r, cells, lens, ncells) < 0) {
		c->failed = true;
		return 1;
	}
	return 0;
}

/* text_block - running text of a part: NFKC, the text budget, the sender's signature when
 * this is the end of the first body (sig), detectors line by line. 0, or -1 (reason set or
 * detector failure) */
static int text_block(struct run *r, size_t pidx, const char *text, size_t len, bool sig)
{
	size_t nlen;
	char *norm = lg_nfkc(text, len, &nlen);
	if (!text_budget(r, nlen)) {
		set_reason(r, pidx, "limit:text_size", NULL);
		free(norm);
		return -1;
	}
	part_at(r, pidx)->text_bytes += nlen;
	r->has_sig = sig && lg_signature_find(norm, nlen, r->sender, &r->sig_start, &r->sig_end);
	int rc = detect_lines(r, norm, nlen);
	r->has_sig = false;
	free(norm);
	return rc;
}

/* html_row - one HTML table row: its tab-separated cells (a <br> inside one read as a space)
 * through the detectors as a record */
static int html_row(struct run *r, size_t pidx, const char *text, size_t len)
{
	char *row = lg_strndup(text, len);
	size_t n = 1;
	for (size_t i = 0; i < len; i++) {
		if (row[i] == '\n')
			row[i] = ' ';
		n += row[i] == '\t';
	}
	const char **cells = lg_malloc(n * sizeof *cells);
	size_t *lens = lg_malloc(n * sizeof *lens);
	size_t c = 0, from = 0;
	for (size_t i = 0; i <= len; i++)
		if (i == len || row[i] == '\t') {
			cells[c] = row + from, lens[c] = i - from;
			c++, from = i + 1;
		}
	int rc = 0;
	if (!text_budget(r, len)) {
		set_reason(r, pidx, "limit:text_size", NULL);
		rc = -1;
	} else {
		part_at(r, pidx)->text_bytes += len;
		part_at(r, pidx)->rows++;
		rc = detect_row(r, cells, lens, n);
	}
	free(cells);
	free(lens);
	free(row);
	return rc;
}

/* html_blocks - HTML text with table rows: the text between rows as running text, each row as a
 * table row (a new <table>, a new header); the signature is looked for in the last text */
static int html_blocks(struct run *r, size_t pidx, const char *text, size_t len,
		       const struct lg_html_row *rows, size_t nrows, bool top)
{
	size_t pos = 0;
	unsigned table = 0;
	for (size_t i = 0; i <= nrows; i++) {
		size_t seg_end = i < nrows ? rows[i].start : len;
		if (seg_end > pos || (i == nrows && nrows == 0)) {
			if (text_block(r, pidx, text + pos, seg_end > pos ? seg_end - pos : 0,
				       top && i == nrows) < 0)
				return -1;
		}
		if (i == nrows)
			break;
		if (rows[i].table != table) {
			table_start(r);
			table = rows[i].table;
		}
		if (html_row(r, pidx, text + rows[i].start, rows[i].end - rows[i].start) < 0)
			return -1;
		pos = rows[i].end;
	}
	return 0;
}

/* scan_text - a text part: charset to UTF-8, HTML to text or CSV to rows, NFKC, detectors */
static void scan_text(struct run *r, size_t pidx, const char *data, size_t len, enum kind k,
		      const struct origin *o)
{
	/* A body's charset label is the mail client's; an attachment's is the client's guess about
	 * a file it did not write (Excel's CSVs are CP932 whatever the label): those are decoded by
	 * their bytes. */
	char used[64] = "";
	size_t ulen;
	bool attachment = part_at(r, pidx)->attachment;
	char *utf8 = lg_to_utf8(data, len, attachment ? NULL : o->charset, &ulen, used, sizeof used);
	part_at(r, pidx)->charset = lg_strdup(used);
	if (k == K_CSV) {
		struct csv_ctx c = { .r = r, .pidx = pidx };
		table_start(r);
		lg_csv_parse(utf8, ulen, 0, on_csv_row, &c);
		free(utf8);
		if (c.over)
			set_reason(r, pidx, "limit:text_size", NULL);
		else if (!c.failed)
			part_at(r, pidx)->scanned = !part_at(r, pidx)->reason;
		return;
	}
	bool top = o->top_body && !r->seen_top_body;
	if (top) {
		r->seen_top_body = true;
		if (!r->sender && r->addrs && r->addrs->nfrom)
			r->sender = r->addrs->from[0];
	}
	int rc;
	if (k == K_HTML) {
		size_t hl, nrows;
		struct lg_html_row *rows;
		char *h = lg_html_to_text_rows(utf8, ulen, &hl, &rows, &nrows);
		free(utf8);
		rc = h ? html_blocks(r, pidx, h, hl, rows, nrows, top) : text_block(r, pidx, "", 0, top);
		free(rows);
		free(h);
	} else {
		rc = text_block(r, pidx, utf8, ulen, top);
		free(utf8);
	}
	if (rc == 0)
		part_at(r, pidx)->scanned = !part_at(r, pidx)->reason;
}

/* ---- documents ------------------------------------------------------------------------------ */

struct doc_ctx {
	struct run *r;
	size_t pidx;
};

/* doc_text - an extractor's text block: NFKC and detectors, a record per line */
static int doc_text(void *arg, const char *utf8, size_t len)
{
	struct doc_ctx *d = arg;
	size_t nlen;
	char *norm = lg_nfkc(utf8, len, &nlen);
	int rc = detect_lines(d->r, norm, nlen);
	free(norm);
	return rc < 0;
}

/* doc_table - an extractor's new table or sheet */
static int doc_table(void *arg, const char *name)
{
	struct doc_ctx *d = arg;
	(void)name;
	table_start(d->r);
	return 0;
}

/* doc_row - an extractor's table row: a record */
static int doc_row(void *arg, const char *const *cells, const size_t *lens, size_t ncells)
{
	struct doc_ctx *d = arg;
	return detect_row(d->r, cells, lens, ncells) < 0;
}

/* ex_limits - the extractors' limits for what is left of this message's budgets */
static struct lg_ex_limits ex_limits(const struct run *r)
{
	const struct lg_limits *l = &r->cfg->limits;
	return (struct lg_ex_limits){
		.member_size = l->member_size,
		.members = l->archive_members,
		.ratio = l->archive_ratio,
		.text_size = l->text_size > r->text_total ? l->text_size - r->text_total : 0,
		.deadline_ms = r->deadline_ms,
	};
}

/* finish_extract - record an extractor's outcome on the part */
static void finish_extract(struct run *r, size_t pidx, const struct lg_ex_result *res)
{
	struct lg_part *p = part_at(r, pidx);
	p->text_bytes += res->text_bytes;
	p->rows += res->rows;
	r->text_total += res->text_bytes;
	if (r->failed)
		return;
	if (res->status == LG_EX_OK)
		p->scanned = !p->reason;
	else
		set_reason(r, pidx, res->reason[0] ? res->reason : "corrupt", res->detail);
}

/* scan_document - an office document, PDF or RTF through its extractor */
static void scan_document(struct run *r, size_t pidx, const char *data, size_t len, enum kind k)
{
	struct doc_ctx d = { r, pidx };
	struct lg_ex_out out = { .text = doc_text, .row = doc_row, .table = doc_table, .arg = &d };
	struct lg_ex_limits lim = ex_limits(r);
	struct lg_ex_result res = {0};
	switch (k) {
	case K_OOXML:
		lg_ooxml_extract(data, len, &lim, &out, &res);
		break;
	case K_ODF:
		lg_odf_extract(data, len, &lim, &out, &res);
		break;
	case K_PDF:
		lg_pdf_extract(data, len, &lim, &out, &res);
		break;
	default:
		lg_rtf_extract(data, len, &lim, &out, &res);
		break;
	}
	finish_extract(r, pidx, &res);
}

/* ---- archives and attached messages --------------------------------------------------------- */

struct arc_ctx {
	struct run *r;
	size_t pidx;		/* the archive's part */
	unsigned depth;
};

/* base_name - the last path component */
static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s && s[1] ? s + 1 : path;
}

/* on_member - one archive member: a part of its own, scanned like an attachment */
static int on_member(void *arg, const struct lg_ex_member *m)
{
	struct arc_ctx *a = arg;
	struct run *r = a->r;
	char *path = lg_asprintf("%s/%s", part_at(r, a->pidx)->path, m->name);
	char *mime_path = lg_strdup(part_at(r, a->pidx)->mime_path);
	size_t pidx = new_part(r, path, mime_path, base_name(m->name), NULL, true,
			       m->data ? m->len : (size_t)m->declared_size);
	free(path);
	free(mime_path);
	if (!m->data) {
		set_reason(r, pidx, m->reason ? m->reason : (m->encrypted ? "encrypted" : "corrupt"),
			   NULL);
		return 0;
	}
	struct origin o = { .filename = base_name(m->name), .depth = a->depth + 1 };
	scan_bytes(r, pidx, m->data, m->len, &o);
	return r->failed;
}

/* scan_archive - every member of an archive */
static void scan_archive(struct run *r, size_t pidx, const char *data, size_t len, unsigned depth)
{
	struct arc_ctx a = { r, pidx, depth };
	struct lg_ex_limits lim = ex_limits(r);
	struct lg_ex_result res = {0};
	lg_archive_walk(data, len, &lim, on_member, &a, &res);
	if (res.status == LG_EX_STOPPED && r->failed)
		return;
	finish_extract(r, pidx, &res);
}

/* scan_message - a message inside an archive (or sniffed as one): walk its MIME tree */
static void scan_message(struct run *r, size_t pidx, const char *data, size_t len, unsigned depth)
{
	char *prefix = lg_asprintf("%s/", part_at(r, pidx)->path);
	const char *saved_prefix = r->prefix;
	unsigned saved_nest = r->nest;
	r->prefix = prefix;
	r->nest = depth + 1;
	const struct lg_limits *l = &r->cfg->limits;
	struct lg_mime_limits lim = { l->depth > depth ? l->depth - depth : 1, l->parts, l->part_size,
				      .nested_headers = true, .own_headers = true };
	char err[128];
	long n = lg_mime_walk(data, len, &lim, lg_scan_leaf, r, NULL, err, sizeof err);
	r->prefix = saved_prefix;
	r->nest = saved_nest;
	free(prefix);
	if (n < 0)
		set_reason(r, pidx, "corrupt", err);
	else if (!r->failed)
		part_at(r, pidx)->scanned = !part_at(r, pidx)->reason;
}

/* ---- classification ------------------------------------------------------------------------- */

/* ends_with_ci - file name extension test */
static bool ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* has_prefix - string prefix test */
static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* no_text_type - formats that carry no text to scan */
static bool no_text_type(const char *t)
{
	return has_prefix(t, "image/") || has_prefix(t, "audio/") || has_prefix(t, "video/") ||
	       has_prefix(t, "font/");
}

/* classify - decide how to read a part from its detected type (and, only to choose among
 * readings of text, the declared type and the file name) */
static enum kind classify(const char *det, const char *decl, const char *fname, const char *data,
			  size_t len)
{
	static const char *const archives[] = {
		"application/zip", "application/x-tar", "application/gzip", "application/x-gzip",
		"application/x-bzip2", "application/x-xz", "application/x-7z-compressed",
		"application/x-rar", "application/vnd.rar", "application/x-lzma", "application/x-lzip",
		"application/zstd", "application/x-cpio", "application/x-archive",
		"application/vnd.ms-cab-compressed", "application/x-iso9660-image",
	};
	decl = decl ? decl : "";
	fname = fname ? fname : "";
	if (has_prefix(det, "application/vnd.openxmlformats-officedocument.") ||
	    has_prefix(det, "application/vnd.ms-excel.sheet.macroEnabled") ||
	    has_prefix(det, "application/vnd.ms-word.document.macroEnabled") ||
	    has_prefix(det, "application/vnd.ms-powerpoint.presentation.macroEnabled"))
		return K_OOXML;
	if (has_prefix(det, "application/vnd.oasis.opendocument."))
		return K_ODF;
	if (!strcmp(det, "application/pdf"))
		return K_PDF;
	if (!strcmp(det, "text/rtf") || !strcmp(det, "application/rtf"))
		return K_RTF;
	if (!strcmp(det, "message/rfc822") || !strcmp(det, "message/news"))
		return K_MESSAGE;
	if (lg_ex_is_encrypted_office(data, len))
		return K_ENCRYPTED;
	for (size_t i = 0; i < sizeof archives / sizeof archives[0]; i++)
		if (!strcmp(det, archives[i])) {
			/* some OOXML/ODF files are typed as plain zip by libmagic */
			if (!strcmp(det, "application/zip") &&
			    (ends_with_ci(fname, ".xlsx") || ends_with_ci(fname, ".docx") ||
			     ends_with_ci(fname, ".pptx") || ends_with_ci(fname, ".xlsm") ||
			     ends_with_ci(fname, ".docm")))
				return K_OOXML;
			if (!strcmp(det, "application/zip") &&
			    (ends_with_ci(fname, ".ods") || ends_with_ci(fname, ".odt") ||
			     ends_with_ci(fname, ".odp")))
				return K_ODF;
			return K_ARCHIVE;
		}
	if (no_text_type(det))
		return K_NO_TEXT;
	bool det_text = has_prefix(det, "text/") || !strcmp(det, "application/x-empty") ||
			!strcmp(det, "application/csv") || !strcmp(det, "application/json");
	bool decl_text = has_prefix(decl, "text/");
	/* Read as text: what libmagic calls text, whatever the label (a CSV sent as image/png), and
	 * what is declared text unless libmagic recognises a real binary format (a PDF sent as
	 * text/plain); "octet-stream" is libmagic's "don't know" and does not veto a text label. */
	bool known_binary = has_prefix(det, "application/") &&
			    strcmp(det, "application/octet-stream") != 0;
	if (!det_text && !(decl_text && !known_binary))
		return K_UNSUPPORTED;
	if (!strcmp(decl, "text/html") || (!strcmp(det, "text/html") && !decl_text) ||
	    (!strcmp(det, "text/html") && (ends_with_ci(fname, ".html") || ends_with_ci(fname, ".htm"))))
		return K_HTML;
	if (!strcmp(decl, "text/csv") || !strcmp(decl, "text/comma-separated-values") ||
	    !strcmp(decl, "text/tab-separated-values") || !strcmp(decl, "application/csv") ||
	    ends_with_ci(fname, ".csv") || ends_with_ci(fname, ".tsv") ||
	    (!strcmp(det, "text/csv") && *fname))
		return K_CSV;
	return K_TEXT;
}

/* major_len - length of the "type" before '/' */
static size_t major_len(const char *t)
{
	const char *s = strchr(t, '/');
	return s ? (size_t)(s - t) : strlen(t);
}

/* mismatch - the declared type says something the bytes are not (an image/png that is a CSV).
 * No declaration (or application/octet-stream) and no verdict (libmagic's octet-stream) never
 * mismatch; within text/, image/ ... the subtype may differ (text/plain holding CSV); an office
 * document declared as itself and detected as its zip container is no mismatch. */
static bool mismatch(const char *decl, const char *det)
{
	if (!decl || !*decl || !strcmp(decl, "application/octet-stream") || !strcmp(decl, det))
		return false;
	if (!strcmp(det, "application/x-empty") || !strcmp(det, "application/octet-stream"))
		return false;
	if (!strcmp(det, "application/zip") && (has_prefix(decl, "application/vnd.openxmlformats") ||
						 has_prefix(decl, "application/vnd.oasis")))
		return false;
	size_t a = major_len(decl);
	bool same_major = a == major_len(det) && !strncmp(decl, det, a);
	return !same_major || has_prefix(decl, "application/");
}

/* sha256_hex - hex SHA-256 of the bytes, allocated */
static char *sha256_hex(const char *data, size_t len)
{
	char h[LG_SHA256_HEX_LEN + 1];
	lg_sha256_hex(data, len, h);
	return lg_strdup(h);
}

/* scan_bytes - the decoded bytes of one part or member, whatever they are */
static void scan_bytes(struct run *r, size_t pidx, const char *data, size_t len,
		       const struct origin *o)
{
	if (r->failed)
		return;
	if (r->deadline_ms && lg_ex_now_ms() >= r->deadline_ms) {
		set_reason(r, pidx, "limit:time", NULL);
		return;
	}
	if (o->depth > r->cfg->limits.depth) {
		set_reason(r, pidx, "limit:depth", NULL);
		return;
	}
	r->decoded_total += len;
	if (r->decoded_total > r->cfg->limits.decoded_size) {
		set_reason(r, pidx, "limit:decoded_size", NULL);
		return;
	}
	struct lg_part *p = part_at(r, pidx);
	p->sha256 = sha256_hex(data, len);
	p->detected_type = o->headers ? lg_strdup("text/plain")	/* ours: no need to sniff */
				     : lg_sniff(r->an->sniffer, data, len);
	p->type_mismatch = mismatch(o->declared, p->detected_type);
	enum kind k = o->headers ? K_TEXT
				 : classify(p->detected_type, o->declared, o->filename, data, len);
	if (r->an->dump)
		r->an->dump(r->an->dump_arg, p, "data", data, len);
	size_t saved_part = r->part_index;
	unsigned long saved_line = r->line_base, saved_row = r->table_row;
	struct lg_header *saved_header = r->header;
	r->part_index = pidx;
	r->line_base = 0;
	r->table_row = 0;
	r->header = NULL;
	lg_buf_reset(&r->dump_text);
	switch (k) {
	case K_TEXT:
	case K_HTML:
	case K_CSV:
		scan_text(r, pidx, data, len, k, o);
		break;
	case K_OOXML:
	case K_ODF:
	case K_PDF:
	case K_RTF:
		scan_document(r, pidx, data, len, k);
		break;
	case K_ARCHIVE:
		scan_archive(r, pidx, data, len, o->depth);
		break;
	case K_MESSAGE:
		scan_message(r, pidx, data, len, o->depth);
		break;
	case K_ENCRYPTED:
		set_reason(r, pidx, "encrypted", "password-protected office document");
		break;
	case K_UNSUPPORTED:
		set_reason(r, pidx, "unsupported", NULL);
		break;
	case K_NO_TEXT:
		set_reason(r, pidx, "no-text", NULL);
		break;
	}
	if (r->an->dump && (k != K_ARCHIVE && k != K_MESSAGE))
		r->an->dump(r->an->dump_arg, part_at(r, pidx), "text", r->dump_text.data ?
			    r->dump_text.data : "", r->dump_text.len);
	lg_header_free(r->header);
	r->part_index = saved_part;
	r->line_base = saved_line;
	r->table_row = saved_row;
	r->header = saved_header;
}

/* lg_scan_leaf - see run.h */
int lg_scan_leaf(void *arg, const struct lg_mime_leaf *leaf)
{
	struct run *r = arg;
	const char *prefix = r->prefix ? r->prefix : "";
	char *path = lg_asprintf("%s%s", prefix, leaf->filename ? leaf->filename : leaf->path);
	size_t pidx = new_part(r, path, leaf->path, leaf->filename, leaf->content_type,
			       leaf->attachment || r->nest > 0,
			       leaf->data ? leaf->len : leaf->encoded_len);
	free(path);
	if (leaf->ambiguous)
		part_at(r, pidx)->ambiguous = lg_strdup(leaf->ambiguous);
	if (leaf->error) {
		set_reason(r, pidx, leaf->error, NULL);
		return 0;
	}
	struct origin o = {
		.declared = leaf->content_type,
		.charset = leaf->charset,
		.filename = leaf->filename,
		.top_body = leaf->top_body && r->nest == 0,
		.headers = leaf->headers,
		.depth = r->nest,
	};
	scan_bytes(r, pidx, leaf->data, leaf->len, &o);
	return r->failed;
}
