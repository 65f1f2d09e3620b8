/* odf.c - OpenDocument text (ods, odt, odp and the other ODF kinds): content.xml's paragraphs
 * and headings as text blocks, its tables (spreadsheet sheets, text and slide tables) as rows,
 * annotations, notes and tracked deletions as text, then headers and footers from styles.xml.
 * The zip is read with libarchive and each part with libxml2's streaming reader (zipparts.c). */
#include "content/extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/zipparts.h"
#include "lg_alloc.h"
#include "lg_buf.h"

#define ODF_MAX_REPEAT 1024		/* copies made of one repeated cell, row or space run */
#define ODF_MAX_ROW_CELLS 16384		/* empty cells are kept only up to this (LibreOffice's
					   widest sheet) */
#define ODF_MIMETYPE_MAX 256

struct odf {
	struct lg_zip z;
	const struct lg_ex_limits *lim;
	const struct lg_ex_out *out;
	struct lg_ex_result *r;
	struct lg_buf scratch;	/* UTF-8 repair */
};

/* Parser state for one XML part. Open paragraphs share one buffer (an annotation's or a frame's
 * paragraphs sit inside a paragraph); each remembers where its text starts. */
struct odf_flow {
	struct odf *o;
	bool only_hf;		/* styles.xml: only headers and footers */
	int hf;			/* inside style:header / style:footer (and -left, -first) */
	struct lg_zip_paras paras;
	int annot;		/* inside office:annotation: its paragraphs are text blocks */
	int tbl;		/* table nesting */
	bool in_cell;		/* inside a cell of the outermost table */
	unsigned long rows_rep;	/* number-rows-repeated of the current row */
	unsigned long cols_rep;	/* number-columns-repeated of the current cell */
	char *cell_value;	/* the current cell's office:*-value, for a cell without text */
	unsigned long pending_empty;	/* empty cells not yet added (dropped at the row's end) */
	struct lg_zip_row row;
	struct lg_zip_row cell;	/* the current cell's text, as one growing cell */
};

/* repeat_attr - a number-*-repeated style attribute, 1 when absent or bad */
static unsigned long repeat_attr(struct lg_zip_xml *x, const char *name)
{
	const char *v = lg_zip_xml_attr(x, name);
	char *end;
	if (!v)
		return 1;
	unsigned long n = strtoul(v, &end, 10);
	return (*end || n == 0) ? 1 : n;
}

/* skipped_element - subtrees whose text is not document text */
static bool skipped_element(const char *ln)
{
	return strcmp(ln, "creator") == 0 || strcmp(ln, "date") == 0 ||	/* dc: in annotations */
	       strcmp(ln, "date-string") == 0 || strcmp(ln, "change-info") == 0 ||
	       strcmp(ln, "ruby-text") == 0 ||		/* furigana above the base text */
	       strcmp(ln, "note-citation") == 0 ||	/* a footnote's number: it would stick to
							   a phone number just before it */
	       strcmp(ln, "page-number") == 0 || strcmp(ln, "page-count") == 0 ||
	       strcmp(ln, "sheet-name") == 0 ||	/* fields: "???" placeholders in styles.xml */
	       strcmp(ln, "title") == 0 || strcmp(ln, "desc") == 0 ||	/* svg: alt text */
	       strcmp(ln, "binary-data") == 0 || strcmp(ln, "script") == 0 ||
	       strcmp(ln, "forms") == 0;
}

/* is_hf - a header or footer element of a master page */
static bool is_hf(const char *ln)
{
	return strcmp(ln, "header") == 0 || strcmp(ln, "footer") == 0 ||
	       strcmp(ln, "header-left") == 0 || strcmp(ln, "footer-left") == 0 ||
	       strcmp(ln, "header-first") == 0 || strcmp(ln, "footer-first") == 0;
}

/* flow_collecting - whether paragraph text is wanted here */
static bool flow_collecting(const struct odf_flow *f)
{
	return !f->only_hf || f->hf > 0;
}

/* flow_cell - where a finished paragraph goes: the current cell of the outermost table (an
 * annotation's paragraphs excepted), or NULL (out as a text block) */
static struct lg_zip_row *flow_cell(struct odf_flow *f)
{
	return f->tbl >= 1 && f->in_cell && f->annot == 0 ? &f->cell : NULL;
}

/* flow_put - characters inside a paragraph (ignored outside one: ODF keeps text in paragraphs) */
static bool flow_put(struct odf_flow *f, const char *s, size_t len)
{
	if (f->paras.depth == 0)
		return true;
	return lg_zip_paras_put(&f->paras, s, len);
}

/* flow_put_text - a text node: tabs and line ends in the XML are white space, as ODF says */
static bool flow_put_text(struct odf_flow *f, const char *s)
{
	if (f->paras.depth == 0)
		return true;
	struct lg_buf *t = &f->paras.text;
	size_t start = t->len;
	bool ok = lg_zip_paras_put(&f->paras, s, strlen(s));
	for (size_t i = start; i < t->len; i++)
		if (t->data[i] == '\t' || t->data[i] == '\n' || t->data[i] == '\r')
			t->data[i] = ' ';
	return ok;
}

/* row_add_cells - add n copies of a cell to the row. Empty cells wait until a value follows
 * (trailing ones are never added), and a run of them is shortened so that the row stays within
 * ODF_MAX_ROW_CELLS; values are never dropped, only their repeats capped (and the row's size
 * held to the text budget). */
static bool row_add_cells(struct odf_flow *f, const char *s, size_t len, unsigned long n)
{
	if (len == 0) {
		f->pending_empty += n;
		if (f->pending_empty > ODF_MAX_ROW_CELLS)
			f->pending_empty = ODF_MAX_ROW_CELLS;
		return true;
	}
	for (; f->pending_empty > 0 && f->row.n + 1 < ODF_MAX_ROW_CELLS; f->pending_empty--)
		lg_zip_row_add(&f->row, "", 0);
	f->pending_empty = 0;
	if (n > ODF_MAX_REPEAT)
		n = ODF_MAX_REPEAT;
	for (unsigned long i = 0; i < n; i++) {
		if (!lg_zip_budget(f->o->lim, f->o->r, f->row.text.len + len))
			return false;
		lg_zip_row_add(&f->row, s, len);
	}
	return true;
}

/* cell_begin - a table:table-cell or table:covered-table-cell of the outermost table begins */
static void cell_begin(struct odf_flow *f, struct lg_zip_xml *x)
{
	static const char *const value_attrs[] = { "string-value", "value", "date-value",
						   "time-value", "boolean-value" };
	f->cols_rep = repeat_attr(x, "number-columns-repeated");
	free(f->cell_value);
	f->cell_value = NULL;
	for (size_t i = 0; i < sizeof value_attrs / sizeof value_attrs[0]; i++) {
		const char *v = lg_zip_xml_attr(x, value_attrs[i]);
		if (v && *v) {
			f->cell_value = lg_strdup(v);
			break;
		}
	}
	lg_zip_row_reset(&f->cell);
	lg_zip_row_add(&f->cell, "", 0);
}

/* cell_end - the cell's text (or, without text, its value) joins the row */
static bool cell_end(struct odf_flow *f)
{
	const char *s = f->cell.text.data;
	size_t len = f->cell.n ? f->cell.len[0] : 0;
	if (len == 0 && f->cell_value) {
		s = f->cell_value;
		len = strlen(s);
	}
	bool ok = row_add_cells(f, s ? s : "", len, f->cols_rep);
	free(f->cell_value);
	f->cell_value = NULL;
	return ok;
}

/* row_end - emit the row (up to ODF_MAX_REPEAT times when repeated); empty rows are skipped */
static bool row_end(struct odf_flow *f)
{
	bool ok = true;
	if (!lg_zip_row_blank(&f->row)) {
		unsigned long n = f->rows_rep > ODF_MAX_REPEAT ? ODF_MAX_REPEAT : f->rows_rep;
		for (unsigned long i = 0; i < n && ok; i++)
			ok = !lg_zip_row_emit(&f->row, f->o->out, f->o->lim, f->o->r,
					      &f->o->scratch);
	}
	lg_zip_row_reset(&f->row);
	f->pending_empty = 0;
	return ok;
}

/* flow_start - an element begins */
static bool flow_start(struct odf_flow *f, struct lg_zip_xml *x, const char *ln, bool empty)
{
	if (is_hf(ln)) {
		if (!empty)
			f->hf++;
		return true;
	}
	if (!flow_collecting(f))
		return true;
	if (strcmp(ln, "p") == 0 || strcmp(ln, "h") == 0) {
		if (!empty)
			lg_zip_paras_open(&f->paras);
	} else if (strcmp(ln, "s") == 0) {
		unsigned long n = repeat_attr(x, "c");
		for (unsigned long i = 0; i < n && i < ODF_MAX_REPEAT; i++)
			if (!flow_put(f, " ", 1))
				return false;
	} else if (strcmp(ln, "tab") == 0) {
		return flow_put(f, "\t", 1);
	} else if (strcmp(ln, "line-break") == 0) {
		return flow_put(f, "\n", 1);
	} else if (strcmp(ln, "annotation") == 0) {
		if (!empty)
			f->annot++;
	} else if (strcmp(ln, "table") == 0) {
		if (empty)
			return true;
		if (++f->tbl == 1) {
			lg_zip_row_reset(&f->row);
			const char *name = lg_zip_xml_attr(x, "name");
			return !lg_zip_emit_table(f->o->out, f->o->r, &f->o->scratch, name);
		}
	} else if (strcmp(ln, "table-row") == 0 && f->tbl == 1) {
		lg_zip_row_reset(&f->row);
		f->pending_empty = 0;
		f->rows_rep = repeat_attr(x, "number-rows-repeated");
		if (empty)
			return row_end(f);
	} else if ((strcmp(ln, "table-cell") == 0 || strcmp(ln, "covered-table-cell") == 0) &&
		   f->tbl == 1) {
		cell_begin(f, x);
		f->in_cell = !empty;
		if (empty)
			return cell_end(f);
	}
	return true;
}

/* flow_end - an element ends */
static bool flow_end(struct odf_flow *f, const char *ln)
{
	if (is_hf(ln)) {
		if (f->hf > 0)
			f->hf--;
		return true;
	}
	if (!flow_collecting(f))
		return true;
	if (strcmp(ln, "p") == 0 || strcmp(ln, "h") == 0)
		return lg_zip_paras_close(&f->paras, flow_cell(f));
	if (strcmp(ln, "annotation") == 0) {
		if (f->annot > 0)
			f->annot--;
	} else if ((strcmp(ln, "table-cell") == 0 || strcmp(ln, "covered-table-cell") == 0) &&
		   f->tbl == 1) {
		f->in_cell = false;
		return cell_end(f);
	} else if (strcmp(ln, "table-row") == 0 && f->tbl == 1) {
		return row_end(f);
	} else if (strcmp(ln, "table") == 0 && f->tbl > 0) {
		f->tbl--;
	}
	return true;
}

/* read_part - the text of content.xml, or of styles.xml's headers and footers (only_hf) */
static bool read_part(struct odf *o, size_t idx, bool only_hf)
{
	struct lg_zip_xml x;
	struct odf_flow f;
	int rc;
	bool ok = true;

	memset(&f, 0, sizeof f);
	f.o = o;
	f.only_hf = only_hf;
	lg_zip_paras_init(&f.paras, o->out, o->lim, o->r, &o->scratch);
	if (!lg_zip_xml_open(&x, &o->z, idx))
		return false;
	while (ok && (rc = lg_zip_xml_next(&x)) == 1) {
		int type = xmlTextReaderNodeType(x.reader);
		if (type == XML_READER_TYPE_ELEMENT) {
			const char *ln = (const char *)xmlTextReaderConstLocalName(x.reader);
			bool empty = xmlTextReaderIsEmptyElement(x.reader);
			if (!ln)
				continue;
			if (skipped_element(ln)) {
				lg_zip_xml_skip(&x);
				continue;
			}
			ok = flow_start(&f, &x, ln, empty);
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			const char *ln = (const char *)xmlTextReaderConstLocalName(x.reader);
			ok = !ln || flow_end(&f, ln);
		} else if (lg_zip_xml_is_text(type) && flow_collecting(&f)) {
			const char *v = (const char *)xmlTextReaderConstValue(x.reader);
			ok = !v || flow_put_text(&f, v);
		}
	}
	lg_zip_xml_close(&x);
	lg_zip_paras_free(&f.paras);
	free(f.cell_value);
	lg_zip_row_free(&f.row);
	lg_zip_row_free(&f.cell);
	return ok && rc >= 0;
}

/* manifest_encrypted - does META-INF/manifest.xml describe encrypted parts? */
static bool manifest_encrypted(struct odf *o, size_t idx, bool *enc)
{
	struct lg_zip_xml x;
	int rc;

	*enc = false;
	if (!lg_zip_xml_open(&x, &o->z, idx))
		return false;
	while ((rc = lg_zip_xml_next(&x)) == 1) {
		if (xmlTextReaderNodeType(x.reader) == XML_READER_TYPE_ELEMENT &&
		    strcmp((const char *)xmlTextReaderConstLocalName(x.reader),
			   "encryption-data") == 0) {
			*enc = true;
			break;
		}
	}
	lg_zip_xml_close(&x);
	return rc >= 0;
}

/* lg_odf_extract - an OpenDocument file held in memory */
void lg_odf_extract(const char *data, size_t len, const struct lg_ex_limits *lim,
		    const struct lg_ex_out *out, struct lg_ex_result *r)
{
	struct odf o;
	struct lg_buf mt = LG_BUF_INIT;
	bool enc;

	memset(&o, 0, sizeof o);
	o.lim = lim;
	o.out = out;
	o.r = r;
	if (!lg_zip_open(&o.z, data, len, lim, r))
		goto done;

	long mti = lg_zip_find(&o.z, "mimetype");
	long man = lg_zip_find(&o.z, "META-INF/manifest.xml");
	long content = lg_zip_find(&o.z, "content.xml");
	long styles = lg_zip_find(&o.z, "styles.xml");
	bool odf_type = false;
	if (mti >= 0) {
		if (!lg_zip_read_small(&o.z, (size_t)mti, ODF_MIMETYPE_MAX, &mt))
			goto done;
		odf_type = strncmp(mt.data, "application/vnd.oasis.opendocument.", 35) == 0;
		if (!odf_type) {	/* EPUB and others also have a mimetype entry */
			lg_ex_set(r, LG_EX_UNSUPPORTED, "unsupported", "zip of type %.64s", mt.data);
			goto done;
		}
	}
	if (!odf_type && (man < 0 || content < 0)) {
		lg_zip_settle(&o.z);
		lg_ex_set(r, LG_EX_UNSUPPORTED, "unsupported", "zip is not an OpenDocument file");
		goto done;
	}
	/* encrypted ODF is an ordinary zip whose parts are ciphertext: only the manifest tells */
	if (man >= 0) {
		if (!manifest_encrypted(&o, (size_t)man, &enc))
			goto done;
		if (enc) {
			lg_ex_set(r, LG_EX_ENCRYPTED, "encrypted", "OpenDocument with encrypted parts");
			goto done;
		}
	}
	if (content < 0) {
		lg_zip_settle(&o.z);
		lg_ex_set(r, LG_EX_CORRUPT, "corrupt", "OpenDocument without content.xml");
		goto done;
	}
	if (!read_part(&o, (size_t)content, false))
		goto done;
	if (styles >= 0)
		read_part(&o, (size_t)styles, true);
done:
	lg_zip_close(&o.z);
	lg_buf_free(&mt);
	lg_buf_free(&o.scratch);
}
