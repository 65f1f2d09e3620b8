/* ooxml.c - Office Open XML text: xlsx sheets as table rows (shared and inline strings, numbers as
 * written), docx and pptx paragraphs as text blocks and their tables as rows, plus the parts that
 * travel with them (headers, footers, footnotes, comments, speaker notes). Parts are read one by
 * one from the zip (content/zipparts.c): the xlsx shared strings, sheets and comments with
 * libxml2's SAX2 parser, the small parts and docx/pptx with its streaming reader. A large
 * sheet is never held whole; only the shared strings table is kept, compactly (one buffer, found
 * by offset), while the sheets are read. */
#include "content/extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "content/zipparts.h"
#include "lg_alloc.h"
#include "lg_buf.h"

#define XLSX_MAX_COLS 16384	/* columns A..XFD */
#define FLOW_ALT_MAX 32		/* mc:AlternateContent nesting tracked (deeper: all read) */

enum ooxml_kind { OOXML_XLSX, OOXML_DOCX, OOXML_PPTX };

struct ooxml {
	struct lg_zip z;
	const struct lg_ex_limits *lim;
	const struct lg_ex_out *out;
	struct lg_ex_result *r;
	struct lg_buf scratch;	/* UTF-8 repair */
};

/* One relationship of a part's .rels. */
struct rel {
	char *id, *type, *target;	/* target resolved to a zip path */
};

struct rels {
	struct rel *v;
	size_t n, cap;
};

/* The shared strings table: every string NUL-terminated in one buffer, found by offset. It is
 * held whole while the sheets are read, so it is held to the text budget (text_size) as it
 * grows, at what it costs: each string's bytes, its NUL and its offset (SST_STRING_COST). A
 * sharedStrings.xml of millions of empty strings (<si/>: 5 bytes of XML, 9 of table) is stopped
 * there (limit:text_size) instead of costing about twice member_size. Up to SST_FLOOR it may
 * exceed what is left of the budget, so that a small workbook late in a message still gives its
 * rows up to the budget, as the other extractors do. */
#define SST_STRING_COST (1 + sizeof(size_t))
#define SST_FLOOR (1u << 20)
struct sst {
	struct lg_buf text;
	size_t *start;
	size_t n, cap;
};

/* ---- small helpers ------------------------------------------------------------------------ */

/* is - does the reader's current local name equal s */
static bool is(const xmlChar *ln, const char *s)
{
	return ln && strcmp((const char *)ln, s) == 0;
}

/* name_eq - does the SAX local name ln equal s (the names here are short: compared in place,
 * without a call to strcmp per element) */
static inline bool name_eq(const char *ln, const char *s)
{
	while (*s && *ln == *s) {
		ln++;
		s++;
	}
	return *ln == *s;
}

/* buf_add - lg_buf_append, without the calls while the buffer has room (a cell's value, a
 * shared string's text: many short appends) */
static inline void buf_add(struct lg_buf *b, const char *s, size_t n)
{
	if (b->cap - b->len > n) {	/* room for the bytes and the NUL */
		memcpy(b->data + b->len, s, n);
		b->len += n;
		b->data[b->len] = '\0';
	} else {
		lg_buf_append(b, s, n);
	}
}

/* ends_with - does s end with suffix */
static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* dir_len - length of the directory part of a zip path, trailing '/' included */
static size_t dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? (size_t)(slash - path) + 1 : 0;
}

/* sibling - set b to the zip path of name (a file, or a path prefix) in the folder of part */
static const char *sibling(struct lg_buf *b, const char *part, const char *name)
{
	lg_buf_reset(b);
	lg_buf_append(b, part, dir_len(part));
	lg_buf_puts(b, name);
	return b->data;
}

/* resolve_target - a relationship target relative to the part that holds it, as a zip path */
static char *resolve_target(const char *source_part, const char *target)
{
	struct lg_buf b = LG_BUF_INIT;

	if (target[0] == '/')
		target++;	/* absolute: from the package root */
	else
		lg_buf_append(&b, source_part, dir_len(source_part));
	lg_buf_puts(&b, target);
	/* fold "./" and "dir/../" segments */
	char *p = b.data, *w = b.data;
	while (*p) {
		if (strncmp(p, "./", 2) == 0 && (p == b.data || p[-1] == '/')) {
			p += 2;
			continue;
		}
		if (strncmp(p, "../", 3) == 0 && (p == b.data || p[-1] == '/')) {
			p += 3;
			if (w > b.data) {
				w--;	/* the '/' ending the previous segment */
				while (w > b.data && w[-1] != '/')
					w--;
			}
			continue;
		}
		*w++ = *p++;
	}
	*w = '\0';
	return lg_buf_steal(&b, NULL);
}

/* rels_free - release a relationship list */
static void rels_free(struct rels *rl)
{
	for (size_t i = 0; i < rl->n; i++) {
		free(rl->v[i].id);
		free(rl->v[i].type);
		free(rl->v[i].target);
	}
	free(rl->v);
	memset(rl, 0, sizeof *rl);
}

/* rels_find - the relationship with this id, or NULL */
static const struct rel *rels_find(const struct rels *rl, const char *id)
{
	for (size_t i = 0; i < rl->n; i++)
		if (strcmp(rl->v[i].id, id) == 0)
			return &rl->v[i];
	return NULL;
}

/* rels_by_type - the first relationship whose type ends with suffix, or NULL */
static const struct rel *rels_by_type(const struct rels *rl, const char *suffix)
{
	for (size_t i = 0; i < rl->n; i++)
		if (ends_with(rl->v[i].type, suffix))
			return &rl->v[i];
	return NULL;
}

/* read_rels - the relationships of part (its _rels/<name>.rels); a missing .rels is no error;
 * false (with rl empty) when the .rels cannot be read */
static bool read_rels(struct ooxml *o, const char *part, struct rels *rl)
{
	struct lg_buf name = LG_BUF_INIT;
	size_t d = dir_len(part);

	memset(rl, 0, sizeof *rl);
	sibling(&name, part, "_rels/");
	lg_buf_puts(&name, part + d);
	lg_buf_puts(&name, ".rels");
	long idx = lg_zip_find(&o->z, name.data);
	lg_buf_free(&name);
	if (idx < 0)
		return true;

	struct lg_zip_xml x;
	int rc;
	if (!lg_zip_xml_open(&x, &o->z, (size_t)idx))
		return false;
	while ((rc = lg_zip_xml_next(&x)) == 1) {
		if (xmlTextReaderNodeType(x.reader) != XML_READER_TYPE_ELEMENT ||
		    !is(xmlTextReaderConstLocalName(x.reader), "Relationship"))
			continue;
		const char *mode = lg_zip_xml_attr(&x, "TargetMode");
		if (mode && strcmp(mode, "External") == 0)
			continue;
		const char *id = lg_zip_xml_attr(&x, "Id");
		char *sid = lg_strdup(id ? id : "");
		const char *type = lg_zip_xml_attr(&x, "Type");
		char *stype = lg_strdup(type ? type : "");
		const char *target = lg_zip_xml_attr(&x, "Target");
		if (!target) {
			free(sid);
			free(stype);
			continue;
		}
		if (rl->n == rl->cap) {
			rl->cap = rl->cap ? rl->cap * 2 : 16;
			rl->v = lg_realloc(rl->v, rl->cap * sizeof *rl->v);
		}
		/* the package's own .rels resolves against the root */
		rl->v[rl->n].id = sid;
		rl->v[rl->n].type = stype;
		rl->v[rl->n].target = resolve_target(part, target);
		rl->n++;
	}
	lg_zip_xml_close(&x);
	if (rc != 0) {
		rels_free(rl);	/* a failed read leaves the caller nothing to free */
		return false;
	}
	return true;
}

/* root_is - is the root element of part idx called name (local name)? false with r set on error */
static bool root_is(struct ooxml *o, size_t idx, const char *name, bool *match)
{
	struct lg_zip_xml x;
	int rc;

	*match = false;
	if (!lg_zip_xml_open(&x, &o->z, idx))
		return false;
	while ((rc = lg_zip_xml_next(&x)) == 1) {
		if (xmlTextReaderNodeType(x.reader) == XML_READER_TYPE_ELEMENT) {
			*match = is(xmlTextReaderConstLocalName(x.reader), name);
			break;
		}
	}
	lg_zip_xml_close(&x);
	return rc >= 0;
}

/* ---- rich text: shared strings and sheet comments ----------------------------------------- */

/* sst_push - close the string that began at start */
static void sst_push(struct sst *t, size_t start)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->start = lg_realloc(t->start, t->cap * sizeof *t->start);
	}
	buf_add(&t->text, "", 1);
	t->start[t->n++] = start;
}

/* sst_get - shared string i, or NULL */
static const char *sst_get(const struct sst *t, size_t i, size_t *len)
{
	if (i >= t->n)
		return NULL;
	size_t end = i + 1 < t->n ? t->start[i + 1] : t->text.len;
	*len = end - t->start[i] - 1;
	return t->text.data + t->start[i];
}

/* sst_free - release the table */
static void sst_free(struct sst *t)
{
	lg_buf_free(&t->text);
	free(t->start);
	memset(t, 0, sizeof *t);
}

/* Parser state for read_rich. */
struct rich {
	struct ooxml *o;
	const char *block;	/* "si" or "comment" */
	struct sst *sst;	/* the table filled, or NULL: each block out as a text block */
	struct lg_buf *b;	/* where text goes: sst->text, or one */
	size_t idx;		/* the part, for messages */
	struct lg_buf one;
	size_t start;		/* where the current block's text begins in b */
	bool in_block, in_t;
};

/* rich_start - SAX: <block> begins a string, <t> its text; <rPh> (furigana) is left out */
static bool rich_start(void *arg, struct lg_zip_sax *x, const char *ln)
{
	struct rich *st = arg;

	if (name_eq(ln, st->block)) {
		st->start = st->b->len;
		st->in_block = true;
	} else if (name_eq(ln, "rPh")) {
		lg_zip_sax_skip(x);
	} else if (ln[0] == 't' && ln[1] == '\0' && st->in_block) {
		st->in_t = true;
	}
	return true;
}

/* sst_fits - whether the table with pending more text bytes and one more string stays within the
 * text budget (limit:text_size recorded when not) */
static bool sst_fits(struct rich *st, size_t pending)
{
	const struct sst *t = st->sst;
	struct ooxml *o = st->o;
	size_t cost = t->text.len + pending + (t->n + 1) * SST_STRING_COST;

	if (cost <= SST_FLOOR || o->r->text_bytes + cost <= o->lim->text_size)
		return true;
	lg_ex_set(o->r, LG_EX_LIMIT, "limit:text_size",
		  "%s: shared strings table over %zu bytes of text budget (%zu strings so far)",
		  o->z.entries[st->idx].name, o->lim->text_size, t->n);
	return false;
}

/* rich_end - SAX: a finished block goes into the table, or out as a text block */
static bool rich_end(void *arg, const char *ln)
{
	struct rich *st = arg;

	if (ln[0] == 't' && ln[1] == '\0') {
		st->in_t = false;
	} else if (st->in_block && name_eq(ln, st->block)) {
		st->in_block = false;
		if (st->sst) {
			if (!sst_fits(st, 0))
				return false;
			sst_push(st->sst, st->start);
		} else {
			struct ooxml *o = st->o;
			int rc = lg_zip_emit_text(o->out, o->lim, o->r, &o->scratch, st->one.data,
						  st->one.len);
			lg_buf_reset(&st->one);
			return !rc;
		}
	}
	return true;
}

/* rich_text - SAX: text inside <t> (into the table only while it fits the text budget) */
static bool rich_text(void *arg, const char *s, size_t len)
{
	struct rich *st = arg;

	if (!st->in_t)
		return true;
	if (st->sst && !sst_fits(st, len))
		return false;
	buf_add(st->b, s, len);
	return true;
}

/* read_rich - the <t> text of each <block> element (<si> or <comment>) of part idx, phonetic
 * runs (<rPh>: furigana) left out: appended to sst, or emitted as text blocks when sst is NULL */
static bool read_rich(struct ooxml *o, size_t idx, const char *block, struct sst *sst)
{
	static const struct lg_zip_sax_cb cb = { rich_start, rich_end, rich_text };
	struct rich st = { .o = o, .block = block, .sst = sst, .one = LG_BUF_INIT, .idx = idx };

	st.b = sst ? &sst->text : &st.one;
	bool ok = lg_zip_sax_parse(&o->z, idx, &cb, &st);
	lg_buf_free(&st.one);
	return ok;
}

/* ---- xlsx sheets -------------------------------------------------------------------------- */

/* A cell's t attribute, as far as it matters here. */
enum cell_type {
	CELL_PLAIN,	/* n, str, inlineStr, d, none or unknown: the value as written */
	CELL_SHARED,	/* s: the value is an index into the shared strings */
	CELL_BOOL,	/* b */
	CELL_ERROR,	/* e: #N/A, #DIV/0! */
};

/* Parser state for one worksheet. */
struct sheet {
	struct ooxml *o;
	const struct sst *sst;
	const char *part;	/* for messages */
	struct lg_zip_row row;
	struct lg_buf val;	/* the current cell's <v> or inline string */
	enum cell_type type;	/* the current cell's t attribute */
	size_t col;		/* the current cell's column (0-based) */
	size_t next_col;	/* column of a cell without an r attribute */
	int in_v, in_is, in_t;
};

/* cell_column - the 0-based column of a cell reference such as "B7" (len bytes); -1 if there
 * is none */
static long cell_column(const char *ref, size_t len)
{
	long col = 0;
	size_t letters = 0;

	if (!ref)
		return -1;
	for (; letters < len; letters++) {
		char c = ref[letters];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c < 'A' || c > 'Z')
			break;
		if (col > XLSX_MAX_COLS)
			return XLSX_MAX_COLS;	/* far too far: reported by the caller */
		col = col * 26 + (c - 'A' + 1);
	}
	return letters ? col - 1 : -1;
}

/* cell_type_of - the type named by a t attribute (len bytes; NULL: none) */
static enum cell_type cell_type_of(const char *t, size_t len)
{
	if (!t || len != 1)
		return CELL_PLAIN;
	return t[0] == 's' ? CELL_SHARED : t[0] == 'b' ? CELL_BOOL : t[0] == 'e' ? CELL_ERROR
										   : CELL_PLAIN;
}

/* shared_index - a t="s" cell's value as an index (strtoul's reading, whole value used);
 * false when it is none */
static bool shared_index(const char *v, size_t vl, unsigned long *i)
{
	if (vl == 0)
		return false;
	if (vl <= 9) {	/* the usual case: a few digits, no strtoul */
		unsigned long n = 0;
		size_t k = 0;
		for (; k < vl && v[k] >= '0' && v[k] <= '9'; k++)
			n = n * 10 + (unsigned long)(v[k] - '0');
		if (k == vl) {
			*i = n;
			return true;
		}
	}
	char *end;
	*i = strtoul(v, &end, 10);	/* v is NUL-terminated */
	return *end == '\0';
}

/* cell_done - place the finished cell in the row (empty cells are left as gaps); false when the
 * row would outgrow the text budget (one shared string may be used by every cell) */
static bool cell_done(struct sheet *sh)
{
	struct ooxml *o = sh->o;
	const char *v = sh->val.data ? sh->val.data : "";
	size_t vl = sh->val.len;
	unsigned long i;

	switch (sh->type) {
	case CELL_SHARED:
		v = shared_index(v, vl, &i) ? sst_get(sh->sst, i, &vl) : NULL;
		if (!v)
			vl = 0;	/* no such shared string: nothing to show */
		break;
	case CELL_BOOL:
		v = vl && v[0] == '1' ? "TRUE" : "FALSE";
		vl = vl ? strlen(v) : 0;
		break;
	case CELL_ERROR:
		vl = 0;	/* #N/A, #DIV/0!: not data */
		break;
	case CELL_PLAIN:
		break;
	}
	sh->next_col = sh->col + 1;
	if (vl == 0)
		return true;
	if (!lg_zip_budget(o->lim, o->r, sh->row.text.len + sh->col + vl))
		return false;
	while (sh->row.n < sh->col)
		lg_zip_row_add(&sh->row, "", 0);
	lg_zip_row_add(&sh->row, v, vl);	/* out of order: kept, at the end */
	return true;
}

/* sheet_start - SAX: a cell (its column and type), its value or inline string, a row; formulas,
 * furigana and extensions are left out */
static bool sheet_start(void *arg, struct lg_zip_sax *x, const char *ln)
{
	struct sheet *sh = arg;
	size_t len;

	switch (ln[0]) {
	case 'c': {
		if (ln[1] != '\0')
			break;
		const char *ref, *t;
		size_t tlen;
		/* raw values do: cell_column stops at the first character that is no letter and
		 * cell_type_of reads one-byte values, so "&#38;" reads as the '&' it stands for */
		lg_zip_sax_attr2(x, "r", &ref, &len, "t", &t, &tlen);
		long col = cell_column(ref, len);
		sh->col = col >= 0 ? (size_t)col : sh->next_col;
		if (sh->col >= XLSX_MAX_COLS) {
			lg_ex_set(sh->o->r, LG_EX_CORRUPT, "corrupt", "%s: cell beyond column XFD",
				  sh->part);
			return false;
		}
		sh->type = cell_type_of(t, tlen);
		sh->val.len = 0;	/* lg_buf_reset, in place */
		if (sh->val.data)
			sh->val.data[0] = '\0';
		return true;
	}
	case 'v':
		if (ln[1] == '\0')
			sh->in_v = 1;
		return true;
	case 't':
		if (ln[1] == '\0' && sh->in_is)
			sh->in_t = 1;
		return true;
	case 'r':
		if (name_eq(ln, "row")) {
			lg_zip_row_reset(&sh->row);
			sh->next_col = 0;
			return true;
		}
		break;
	case 'i':
		if (name_eq(ln, "is"))
			sh->in_is = 1;
		return true;
	}
	if (strcmp(ln, "f") == 0 || strcmp(ln, "rPh") == 0 || strcmp(ln, "extLst") == 0)
		lg_zip_sax_skip(x);	/* formula text, furigana, extensions */
	return true;
}

/* sheet_end - SAX: a cell is placed, a row goes out */
static bool sheet_end(void *arg, const char *ln)
{
	struct sheet *sh = arg;
	struct ooxml *o = sh->o;

	switch (ln[0]) {	/* one test per element in the usual case, not five strcmp */
	case 'v':
		if (ln[1] == '\0')
			sh->in_v = 0;
		break;
	case 't':
		if (ln[1] == '\0')
			sh->in_t = 0;
		break;
	case 'i':
		if (name_eq(ln, "is"))
			sh->in_is = 0;
		break;
	case 'c':
		if (ln[1] == '\0')
			return cell_done(sh);
		break;
	case 'r':
		if (name_eq(ln, "row"))
			return !lg_zip_row_emit(&sh->row, o->out, o->lim, o->r, &o->scratch);
		break;
	}
	return true;
}

/* sheet_text - SAX: text of a value or of an inline string */
static bool sheet_text(void *arg, const char *s, size_t len)
{
	struct sheet *sh = arg;

	if (sh->in_v || sh->in_t)
		buf_add(&sh->val, s, len);
	return true;
}

/* read_sheet - one worksheet: out->row for each <row> that has a value */
static bool read_sheet(struct ooxml *o, size_t idx, const struct sst *sst)
{
	static const struct lg_zip_sax_cb cb = { sheet_start, sheet_end, sheet_text };
	struct sheet sh;

	memset(&sh, 0, sizeof sh);
	sh.o = o;
	sh.sst = sst;
	sh.part = o->z.entries[idx].name;
	bool ok = lg_zip_sax_parse(&o->z, idx, &cb, &sh);
	lg_zip_row_free(&sh.row);
	lg_buf_free(&sh.val);
	return ok;
}

struct sheet_ref {
	size_t idx;
	char *name;
};

/* add_sheet - append a sheet part unless it is listed already */
static void add_sheet(struct sheet_ref **v, size_t *n, size_t idx, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].idx == idx)
			return;
	*v = lg_realloc(*v, (*n + 1) * sizeof **v);
	(*v)[*n].idx = idx;
	(*v)[*n].name = name ? lg_strdup(name) : NULL;
	(*n)++;
}

/* workbook_sheets - sheets in workbook order (name + part), then any sheet part not listed */
static bool workbook_sheets(struct ooxml *o, size_t wb, const struct rels *rl,
			    struct sheet_ref **v, size_t *n, bool *is_workbook)
{
	struct lg_zip_xml x;
	int rc;
	bool root = true;

	*is_workbook = false;
	if (!lg_zip_xml_open(&x, &o->z, wb))
		return false;
	while ((rc = lg_zip_xml_next(&x)) == 1) {
		if (xmlTextReaderNodeType(x.reader) != XML_READER_TYPE_ELEMENT)
			continue;
		const xmlChar *ln = xmlTextReaderConstLocalName(x.reader);
		if (root) {
			root = false;
			*is_workbook = is(ln, "workbook");
			if (!*is_workbook)
				break;
		}
		if (!is(ln, "sheet"))
			continue;
		const char *rid = lg_zip_xml_attr(&x, "id");
		const struct rel *rel = rid ? rels_find(rl, rid) : NULL;
		if (!rel || !(ends_with(rel->type, "/worksheet") ||
			      ends_with(rel->type, "/xlMacrosheet")))
			continue;	/* chart and dialog sheets hold no cells */
		long idx = lg_zip_find(&o->z, rel->target);
		if (idx >= 0)
			add_sheet(v, n, (size_t)idx, lg_zip_xml_attr(&x, "name"));
	}
	lg_zip_xml_close(&x);
	return rc >= 0;
}

/* xlsx_extract - shared strings, then every sheet's rows, then cell comments */
static void xlsx_extract(struct ooxml *o, size_t wb)
{
	const char *wbname = o->z.entries[wb].name;
	struct rels rl;
	struct sst sst;
	struct sheet_ref *sheets = NULL;
	size_t nsheets = 0, *idx = NULL, n;
	bool is_wb;
	struct lg_buf pat = LG_BUF_INIT;

	memset(&sst, 0, sizeof sst);
	if (!read_rels(o, wbname, &rl))
		return;
	if (!workbook_sheets(o, wb, &rl, &sheets, &nsheets, &is_wb))
		goto done;
	if (!is_wb) {
		lg_ex_set(o->r, LG_EX_UNSUPPORTED, "unsupported", "%s is not a workbook", wbname);
		goto done;
	}
	/* sheet parts the workbook does not list are still in the file */
	n = lg_zip_find_numbered(&o->z, sibling(&pat, wbname, "worksheets/sheet"), ".xml", &idx);
	for (size_t i = 0; i < n; i++)
		add_sheet(&sheets, &nsheets, idx[i], NULL);
	free(idx);
	idx = NULL;

	const struct rel *ss = rels_by_type(&rl, "/sharedStrings");
	char *ssname = ss ? lg_strdup(ss->target) : resolve_target(wbname, "sharedStrings.xml");
	long ssi = lg_zip_find(&o->z, ssname);
	free(ssname);
	if (ssi >= 0 && !read_rich(o, (size_t)ssi, "si", &sst))
		goto done;

	for (size_t i = 0; i < nsheets; i++) {
		if (lg_zip_emit_table(o->out, o->r, &o->scratch, sheets[i].name) ||
		    !read_sheet(o, sheets[i].idx, &sst))
			goto done;
	}

	n = lg_zip_find_numbered(&o->z, sibling(&pat, wbname, "comments"), ".xml", &idx);
	for (size_t i = 0; i < n; i++)
		if (!read_rich(o, idx[i], "comment", NULL))
			break;
done:
	free(idx);
	for (size_t i = 0; i < nsheets; i++)
		free(sheets[i].name);
	free(sheets);
	sst_free(&sst);
	rels_free(&rl);
	lg_buf_free(&pat);
}

/* ---- docx and pptx: paragraphs and tables ------------------------------------------------- */

/* Parser state for one docx or pptx part: the open paragraphs (a text box's paragraphs sit inside
 * a paragraph), the outermost table's current row, and mc:AlternateContent bookkeeping. */
struct flow {
	struct ooxml *o;
	struct lg_zip_paras paras;
	int text_depth;		/* inside <w:t>, <w:delText>, <a:t> */
	int tbl;		/* table nesting */
	bool in_cell;		/* inside a cell of the outermost table */
	bool legacy_comments;	/* pptx comment parts: <p:text> is a paragraph */
	struct lg_zip_row row;
	/* mc:AlternateContent: Word writes a text box twice, as mc:Choice and as mc:Fallback. The
	 * fallback is read only when no choice gave text, so nothing is counted twice and nothing
	 * hidden in a fallback alone is missed. */
	uint64_t chars;		/* text bytes met so far in this part */
	uint64_t alt_mark[FLOW_ALT_MAX];	/* chars when the current mc:Choice began */
	bool alt_text[FLOW_ALT_MAX];		/* a choice of this AlternateContent gave text */
	int alt;		/* AlternateContent nesting (tracked up to FLOW_ALT_MAX) */
};

/* skipped_element - subtrees with no document text, or with text that is not shown as such */
static bool skipped_element(const char *ln)
{
	size_t n = strlen(ln);
	if (n > 2 && strcmp(ln + n - 2, "Pr") == 0)
		return true;	/* properties: pPr, rPr, tblPr, sectPr, bodyPr ... (tab stops!) */
	return strcmp(ln, "instrText") == 0 || strcmp(ln, "delInstrText") == 0 ||
	       strcmp(ln, "rt") == 0;		/* ruby text: furigana above the base text */
}

/* flow_cell - where a finished paragraph goes: the current cell of the outermost table's row,
 * or NULL (out as a text block) */
static struct lg_zip_row *flow_cell(struct flow *f)
{
	return f->tbl >= 1 && f->in_cell ? &f->row : NULL;
}

/* flow_put - text inside a run, or a tab/break character */
static bool flow_put(struct flow *f, const char *s, size_t len)
{
	f->chars += len;
	if (f->paras.depth == 0)	/* text outside any paragraph */
		return lg_zip_paras_deliver(&f->paras, flow_cell(f), s, len);
	return lg_zip_paras_put(&f->paras, s, len);
}

/* flow_alt_start - mc:AlternateContent, mc:Choice or mc:Fallback begins; true when the element
 * is a fallback to skip */
static bool flow_alt_start(struct flow *f, const char *ln)
{
	bool tracked = f->alt > 0 && f->alt <= FLOW_ALT_MAX;
	if (strcmp(ln, "AlternateContent") == 0) {
		if (f->alt < FLOW_ALT_MAX) {
			f->alt_mark[f->alt] = f->chars;
			f->alt_text[f->alt] = false;
		}
		f->alt++;
	} else if (strcmp(ln, "Choice") == 0 && tracked) {
		f->alt_mark[f->alt - 1] = f->chars;
	} else if (strcmp(ln, "Fallback") == 0 && tracked) {
		return f->alt_text[f->alt - 1];
	}
	return false;
}

/* flow_alt_end - mc:Choice or mc:AlternateContent ends */
static void flow_alt_end(struct flow *f, const char *ln)
{
	bool tracked = f->alt > 0 && f->alt <= FLOW_ALT_MAX;
	if (strcmp(ln, "Choice") == 0 && tracked && f->chars > f->alt_mark[f->alt - 1])
		f->alt_text[f->alt - 1] = true;
	else if (strcmp(ln, "AlternateContent") == 0 && f->alt > 0)
		f->alt--;
}

/* flow_start - an element begins */
static bool flow_start(struct flow *f, const char *ln, bool empty)
{
	if (strcmp(ln, "p") == 0 || (f->legacy_comments && strcmp(ln, "text") == 0)) {
		if (!empty)
			lg_zip_paras_open(&f->paras);
		if (!empty && f->legacy_comments)
			f->text_depth++;
	} else if (strcmp(ln, "t") == 0 || strcmp(ln, "delText") == 0) {
		if (!empty)
			f->text_depth++;
	} else if (strcmp(ln, "tab") == 0 || strcmp(ln, "ptab") == 0) {
		return flow_put(f, "\t", 1);
	} else if (strcmp(ln, "br") == 0 || strcmp(ln, "cr") == 0) {
		return flow_put(f, "\n", 1);
	} else if (strcmp(ln, "noBreakHyphen") == 0) {
		return flow_put(f, "-", 1);
	} else if (strcmp(ln, "tbl") == 0) {
		if (empty)
			return true;
		if (++f->tbl == 1) {
			lg_zip_row_reset(&f->row);
			return !lg_zip_emit_table(f->o->out, f->o->r, &f->o->scratch, NULL);
		}
	} else if (strcmp(ln, "tr") == 0 && f->tbl == 1) {
		lg_zip_row_reset(&f->row);
	} else if (strcmp(ln, "tc") == 0 && f->tbl == 1) {
		lg_zip_row_add(&f->row, "", 0);
		f->in_cell = !empty;
	}
	return true;
}

/* flow_end - an element ends */
static bool flow_end(struct flow *f, const char *ln)
{
	if (strcmp(ln, "p") == 0 || (f->legacy_comments && strcmp(ln, "text") == 0)) {
		if (f->legacy_comments && f->text_depth > 0)
			f->text_depth--;
		return lg_zip_paras_close(&f->paras, flow_cell(f));
	}
	if (strcmp(ln, "t") == 0 || strcmp(ln, "delText") == 0) {
		if (f->text_depth > 0)
			f->text_depth--;
	} else if (strcmp(ln, "tc") == 0 && f->tbl == 1) {
		f->in_cell = false;
	} else if (strcmp(ln, "tr") == 0 && f->tbl == 1) {
		bool ok = !lg_zip_row_emit(&f->row, f->o->out, f->o->lim, f->o->r, &f->o->scratch);
		lg_zip_row_reset(&f->row);
		return ok;
	} else if (strcmp(ln, "tbl") == 0 && f->tbl > 0) {
		f->tbl--;
	}
	return true;
}

/* read_flow - the paragraphs and tables of one docx or pptx part; with root set, the part's
 * root element must have that name (*root_ok tells) */
static bool read_flow(struct ooxml *o, size_t idx, bool legacy_comments, const char *root,
		      bool *root_ok)
{
	struct lg_zip_xml x;
	struct flow f;
	int rc;
	bool ok = true, first = true;

	memset(&f, 0, sizeof f);
	f.o = o;
	f.legacy_comments = legacy_comments;
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
			if (first && root) {
				*root_ok = strcmp(ln, root) == 0;
				if (!*root_ok)
					break;
			}
			first = false;
			if (skipped_element(ln) || (!empty && flow_alt_start(&f, ln))) {
				lg_zip_xml_skip(&x);
				continue;
			}
			ok = flow_start(&f, ln, empty);
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			const char *ln = (const char *)xmlTextReaderConstLocalName(x.reader);
			if (ln)
				flow_alt_end(&f, ln);
			ok = !ln || flow_end(&f, ln);
		} else if (f.text_depth > 0 && lg_zip_xml_is_text(type)) {
			const char *v = (const char *)xmlTextReaderConstValue(x.reader);
			ok = !v || flow_put(&f, v, strlen(v));
		}
	}
	lg_zip_xml_close(&x);
	lg_zip_paras_free(&f.paras);
	lg_zip_row_free(&f.row);
	return ok && rc >= 0;
}

/* read_numbered - read_flow over prefix<N>.xml parts in number order */
static bool read_numbered(struct ooxml *o, const char *prefix)
{
	size_t *idx, n = lg_zip_find_numbered(&o->z, prefix, ".xml", &idx);
	bool ok = true;
	for (size_t i = 0; i < n && ok; i++)
		ok = read_flow(o, idx[i], false, NULL, NULL);
	free(idx);
	return ok;
}

/* docx_extract - the document, then headers, footers, footnotes, endnotes and comments */
static void docx_extract(struct ooxml *o, size_t main)
{
	const char *name = o->z.entries[main].name;
	bool root_ok = false;
	static const char *const single[] = { "footnotes.xml", "endnotes.xml", "comments.xml" };
	struct lg_buf p = LG_BUF_INIT;

	if (!read_flow(o, main, false, "document", &root_ok))
		return;
	if (!root_ok) {
		lg_ex_set(o->r, LG_EX_UNSUPPORTED, "unsupported", "%s is not a Word document", name);
		return;
	}
	bool ok = read_numbered(o, sibling(&p, name, "header"));
	ok = ok && read_numbered(o, sibling(&p, name, "footer"));
	for (size_t i = 0; ok && i < sizeof single / sizeof single[0]; i++) {
		long idx = lg_zip_find(&o->z, sibling(&p, name, single[i]));
		if (idx >= 0)
			ok = read_flow(o, (size_t)idx, false, NULL, NULL);
	}
	lg_buf_free(&p);
}

/* pptx_extract - slides in number order, then speaker notes, then comments */
static void pptx_extract(struct ooxml *o, size_t main)
{
	const char *name = o->z.entries[main].name;
	bool root_ok = false;
	struct lg_buf p = LG_BUF_INIT;

	if (!root_is(o, main, "presentation", &root_ok))
		return;
	if (!root_ok) {
		lg_ex_set(o->r, LG_EX_UNSUPPORTED, "unsupported", "%s is not a presentation", name);
		return;
	}
	bool ok = read_numbered(o, sibling(&p, name, "slides/slide"));
	ok = ok && read_numbered(o, sibling(&p, name, "notesSlides/notesSlide"));
	/* comments: comment<N>.xml (<p:text>) and modernComment_*.xml (DrawingML paragraphs) */
	sibling(&p, name, "comments/");
	for (size_t i = 0; ok && i < o->z.n; i++) {
		const char *e = o->z.entries[i].name;
		if (strncasecmp(e, p.data, p.len) == 0 && !strchr(e + p.len, '/') &&
		    ends_with(e, ".xml"))
			ok = read_flow(o, i, true, NULL, NULL);
	}
	lg_buf_free(&p);
}

/* main_part - the package's main part (officeDocument relationship, else a well-known name) */
static bool main_part(struct ooxml *o, long *idx)
{
	static const char *const known[] = { "word/document.xml", "xl/workbook.xml",
					     "ppt/presentation.xml" };
	struct rels rl;

	*idx = -1;
	if (!read_rels(o, "", &rl))
		return false;
	const struct rel *rel = rels_by_type(&rl, "/officeDocument");
	if (rel)
		*idx = lg_zip_find(&o->z, rel->target);
	rels_free(&rl);
	for (size_t i = 0; *idx < 0 && i < sizeof known / sizeof known[0]; i++)
		*idx = lg_zip_find(&o->z, known[i]);
	return true;
}

/* lg_ooxml_extract - xlsx, docx or pptx held in memory */
void lg_ooxml_extract(const char *data, size_t len, const struct lg_ex_limits *lim,
		      const struct lg_ex_out *out, struct lg_ex_result *r)
{
	struct ooxml o;
	long main;

	memset(&o, 0, sizeof o);
	o.lim = lim;
	o.out = out;
	o.r = r;
	if (!lg_zip_open(&o.z, data, len, lim, r)) {
		lg_zip_close(&o.z);
		return;
	}
	if (!main_part(&o, &main))
		goto done;
	if (main < 0) {
		lg_zip_settle(&o.z);	/* perhaps only missing from a cut-short listing */
		if (lg_zip_find(&o.z, "[Content_Types].xml") >= 0)
			lg_ex_set(r, LG_EX_CORRUPT, "corrupt", "OOXML package without a main part");
		else
			lg_ex_set(r, LG_EX_UNSUPPORTED, "unsupported", "zip is not an OOXML package");
		goto done;
	}
	const char *name = o.z.entries[main].name;
	const char *base = name + dir_len(name);
	if (strncasecmp(base, "workbook", 8) == 0)
		xlsx_extract(&o, (size_t)main);
	else if (strncasecmp(base, "document", 8) == 0)
		docx_extract(&o, (size_t)main);
	else if (strncasecmp(base, "presentation", 12) == 0)
		pptx_extract(&o, (size_t)main);
	else
		lg_ex_set(r, LG_EX_UNSUPPORTED, "unsupported", "OOXML main part %s", name);
done:
	lg_zip_close(&o.z);
	lg_buf_free(&o.scratch);
}
