/* rtf.c - RTF text: a small state machine over groups and control words (no RTF library in
 * Debian fits). Paragraphs become text blocks; \cell and \row make table rows. Text comes from
 * literal characters and \'hh bytes, decoded with the code page of the current font's
 * \fcharset or else the document's \ansicpg (Windows-1252 by default; CP932 for Japanese
 * Word), and from \uN (with \ucN fallback characters skipped). Destinations that are not visible
 * text (\* groups, font and colour tables, style sheet, document info, pictures, object data,
 * field instructions) are skipped; headers, footers, footnotes, comments and field results are
 * kept. Group nesting is limited (limit:depth). Shape text boxes (\shptxt inside \*\shpinst) are
 * not read: Word repeats them in a drawing-object fallback that is. */
#include "content/extract.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/charset.h"
#include "content/utf8.h"
#include "lg_alloc.h"
#include "lg_buf.h"

#define LG_RTF_MAX_DEPTH 256		/* nested groups: deeper is limit:depth */
#define LG_RTF_MAX_WORD 32		/* letters of a control word kept (longer ones are cut) */
#define LG_RTF_MAX_FONTS 256		/* font table entries remembered (documents have dozens) */
#define LG_RTF_MAX_UC 16		/* \ucN fallback characters skipped at most */
#define LG_RTF_CHECK_BYTES 65536	/* input bytes between two time-budget checks */
#define LG_RTF_DEFAULT_CP 1252		/* \ansi */

/* What the text of a group is. */
enum rtf_dest {
	DEST_TEXT,	/* visible text */
	DEST_SKIP,	/* not text: parsed only to find the group's end */
	DEST_FONTTBL	/* the font table: \fN \fcharsetN pairs, names ignored */
};

/* Per-group state, inherited by nested groups. */
struct rtf_group {
	enum rtf_dest dest;
	int uc;		/* fallback characters after \uN */
	int cp;		/* code page for \'hh and 8-bit characters */
	bool star;	/* "\*" seen: the next control word names an optional destination */
};

struct rtf_font {
	long num;
	int cp;		/* 0: the document's code page */
};

/* A table row under construction: cells NUL-terminated in one buffer, by offset. */
struct rtf_row {
	struct lg_buf text;
	size_t *off, *len;
	const char **ptr;
	size_t n, cap;
};

/* One extraction. */
struct rtf {
	const unsigned char *p, *end;
	const struct lg_ex_limits *lim;
	const struct lg_ex_out *out;
	struct lg_ex_result *r;
	struct rtf_group g[LG_RTF_MAX_DEPTH + 1];
	int depth;
	int doc_cp;		/* \ansicpgN */
	long deff;		/* \deffN */
	struct rtf_font *fonts;
	size_t nfonts, fontcap;
	long cur_font;		/* in the font table: the font being described */
	int skip;		/* fallback characters still to skip after \uN */
	uint32_t high;		/* a high surrogate from \uN waiting for its low half, or 0 */
	struct lg_buf raw;	/* 8-bit text in code page raw_cp, not yet decoded */
	int raw_cp;
	bool raw_high;		/* raw holds a byte >= 0x80 */
	struct lg_buf para;	/* the paragraph (or cell) being collected, UTF-8 */
	bool intbl;		/* the paragraph is inside a table cell */
	bool table_open;	/* rows are being handed over: the table callback was called */
	struct rtf_row row;
	bool stop;		/* r is set: stop parsing */
};

/* Control words we act on. */
enum rtf_action {
	A_NONE, A_PAR, A_LINE, A_TAB, A_CELL, A_ROW, A_NESTCELL, A_NESTROW, A_U, A_UC, A_F,
	A_FCHARSET, A_CPG, A_ANSICPG, A_ANSI, A_MAC, A_PC, A_PCA, A_DEFF, A_PLAIN, A_BIN, A_INTBL,
	A_PARD, A_FONTTBL, A_SKIPDEST, A_TEXTDEST, A_CHAR
};

struct rtf_word {
	const char *name;
	enum rtf_action action;
	uint32_t cp;	/* A_CHAR: the character */
};

/* Sorted by strcmp order of the names (bsearch): keep it sorted when adding a word. */
static const struct rtf_word rtf_words[] = {
	{ "annotation", A_TEXTDEST, 0 },	/* comments, written as \*\annotation */
	{ "ansi", A_ANSI, 0 },
	{ "ansicpg", A_ANSICPG, 0 },
	{ "atnauthor", A_SKIPDEST, 0 },
	{ "atndate", A_SKIPDEST, 0 },
	{ "atnid", A_SKIPDEST, 0 },
	{ "bin", A_BIN, 0 },
	{ "bkmkend", A_SKIPDEST, 0 },
	{ "bkmkstart", A_SKIPDEST, 0 },
	{ "bullet", A_CHAR, 0x2022 },
	{ "cell", A_CELL, 0 },
	{ "colortbl", A_SKIPDEST, 0 },
	{ "column", A_PAR, 0 },
	{ "cpg", A_CPG, 0 },
	{ "datafield", A_SKIPDEST, 0 },
	{ "datastore", A_SKIPDEST, 0 },
	{ "deff", A_DEFF, 0 },
	{ "emdash", A_CHAR, 0x2014 },
	{ "emspace", A_CHAR, 0x2003 },
	{ "endash", A_CHAR, 0x2013 },
	{ "enspace", A_CHAR, 0x2002 },
	{ "f", A_F, 0 },
	{ "fcharset", A_FCHARSET, 0 },
	{ "filetbl", A_SKIPDEST, 0 },
	{ "fldinst", A_SKIPDEST, 0 },
	{ "fonttbl", A_FONTTBL, 0 },
	{ "generator", A_SKIPDEST, 0 },
	{ "info", A_SKIPDEST, 0 },
	{ "intbl", A_INTBL, 0 },
	{ "latentstyles", A_SKIPDEST, 0 },
	{ "ldblquote", A_CHAR, 0x201C },
	{ "line", A_LINE, 0 },
	{ "listoverridetable", A_SKIPDEST, 0 },
	{ "listtable", A_SKIPDEST, 0 },
	{ "lquote", A_CHAR, 0x2018 },
	{ "mac", A_MAC, 0 },
	{ "nestcell", A_NESTCELL, 0 },
	{ "nestrow", A_NESTROW, 0 },
	{ "objdata", A_SKIPDEST, 0 },
	{ "page", A_PAR, 0 },
	{ "par", A_PAR, 0 },
	{ "pard", A_PARD, 0 },
	{ "pc", A_PC, 0 },
	{ "pca", A_PCA, 0 },
	{ "pict", A_SKIPDEST, 0 },
	{ "plain", A_PLAIN, 0 },
	{ "pntxta", A_SKIPDEST, 0 },
	{ "pntxtb", A_SKIPDEST, 0 },
	{ "qmspace", A_CHAR, 0x2005 },
	{ "rdblquote", A_CHAR, 0x201D },
	{ "revtbl", A_SKIPDEST, 0 },
	{ "row", A_ROW, 0 },
	{ "rquote", A_CHAR, 0x2019 },
	{ "rsidtbl", A_SKIPDEST, 0 },
	{ "sect", A_PAR, 0 },
	{ "stylesheet", A_SKIPDEST, 0 },
	{ "tab", A_TAB, 0 },
	{ "template", A_SKIPDEST, 0 },
	{ "themedata", A_SKIPDEST, 0 },
	{ "u", A_U, 0 },
	{ "uc", A_UC, 0 },
	{ "xmlnstbl", A_SKIPDEST, 0 },
};

/* word_cmp - bsearch comparison of a name with a table entry */
static int word_cmp(const void *key, const void *entry)
{
	return strcmp(key, ((const struct rtf_word *)entry)->name);
}

/* charset_cp - the Windows code page of an \fcharsetN (0: the document's) */
static int charset_cp(long charset)
{
	switch (charset) {
	case 77: return 10000;	/* Mac Roman */
	case 128: return 932;	/* Shift_JIS */
	case 129: return 949;	/* Hangul */
	case 130: return 1361;	/* Johab */
	case 134: return 936;	/* GB2312 */
	case 136: return 950;	/* Big5 */
	case 161: return 1253;	/* Greek */
	case 162: return 1254;	/* Turkish */
	case 163: return 1258;	/* Vietnamese */
	case 177: return 1255;	/* Hebrew */
	case 178: return 1256;	/* Arabic */
	case 186: return 1257;	/* Baltic */
	case 204: return 1251;	/* Cyrillic */
	case 222: return 874;	/* Thai */
	case 238: return 1250;	/* Central European */
	case 255: return 437;	/* OEM */
	default: return 0;	/* ANSI, default, symbol: the document's code page */
	}
}

/* cp_label - the charset label lg_to_utf8 takes for a Windows code page */
static const char *cp_label(int cp, char *buf, size_t len)
{
	switch (cp) {
	case 10000: return "MACINTOSH";
	case 1361: return "JOHAB";
	case 65001: return "UTF-8";
	case 20127: return "US-ASCII";
	default:
		snprintf(buf, len, "CP%d", cp);
		return buf;
	}
}

/* font_cp - the code page for text in font num (the document's when unknown) */
static int font_cp(const struct rtf *x, long num)
{
	for (size_t i = 0; i < x->nfonts; i++)
		if (x->fonts[i].num == num)
			return x->fonts[i].cp ? x->fonts[i].cp : x->doc_cp;
	return x->doc_cp;
}

/* font_set_cp - remember the code page of font num (from the font table) */
static void font_set_cp(struct rtf *x, long num, int cp)
{
	for (size_t i = 0; i < x->nfonts; i++)
		if (x->fonts[i].num == num) {
			x->fonts[i].cp = cp;
			return;
		}
	if (x->nfonts >= LG_RTF_MAX_FONTS)
		return;
	if (x->nfonts == x->fontcap) {
		x->fontcap = x->fontcap ? x->fontcap * 2 : 16;
		x->fonts = lg_realloc(x->fonts, x->fontcap * sizeof *x->fonts);
	}
	x->fonts[x->nfonts].num = num;
	x->fonts[x->nfonts].cp = cp;
	x->nfonts++;
}

/* raw_flush - decode the pending 8-bit text into the paragraph */
static void raw_flush(struct rtf *x)
{
	if (x->raw.len == 0)
		return;
	if (!x->raw_high) {	/* ASCII is ASCII in every code page we meet */
		lg_buf_append(&x->para, x->raw.data, x->raw.len);
	} else {
		char name[16];
		size_t n;
		char *u = lg_to_utf8(x->raw.data, x->raw.len, cp_label(x->raw_cp, name, sizeof name),
				     &n, NULL, 0);
		lg_buf_append(&x->para, u, n);
		free(u);
	}
	lg_buf_reset(&x->raw);
	x->raw_high = false;
}

/* high_flush - a high surrogate that found no low half becomes U+FFFD */
static void high_flush(struct rtf *x)
{
	if (x->high) {
		lg_buf_append(&x->para, LG_UTF8_REPLACEMENT, LG_UTF8_REPLACEMENT_LEN);
		x->high = 0;
	}
}

/* text_ready - flush pending bytes and surrogates so the paragraph is complete UTF-8 */
static void text_ready(struct rtf *x)
{
	high_flush(x);
	raw_flush(x);
}

/* over_budget - stop (limit:text_size) when the text held already exceeds what is left */
static bool over_budget(struct rtf *x)
{
	size_t held = x->para.len + x->raw.len * 3 + x->row.text.len;
	uint64_t left = x->lim->text_size > x->r->text_bytes ? x->lim->text_size - x->r->text_bytes
							       : 0;
	if (held <= left)
		return false;
	lg_ex_set(x->r, LG_EX_LIMIT, "limit:text_size", "more than %zu bytes of text",
		  x->lim->text_size);
	x->stop = true;
	return true;
}

/* put_byte - one byte of text in the current code page */
static void put_byte(struct rtf *x, unsigned char c)
{
	int cp = x->g[x->depth].cp;

	if (x->high)
		high_flush(x);
	if (x->raw.len && x->raw_cp != cp)
		raw_flush(x);
	x->raw_cp = cp;
	lg_buf_putc(&x->raw, (char)c);
	if (c >= 0x80)
		x->raw_high = true;
	if ((x->raw.len & 0xFFF) == 0)
		over_budget(x);
}

/* put_cp - one Unicode character (\uN, \emdash, ...); surrogate halves are paired */
static void put_cp(struct rtf *x, uint32_t cp)
{
	raw_flush(x);
	if (cp >= 0xDC00 && cp <= 0xDFFF && x->high) {
		cp = 0x10000 + ((x->high - 0xD800) << 10) + (cp - 0xDC00);
		x->high = 0;
	}
	high_flush(x);
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		x->high = cp;
		return;
	}
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		lg_buf_append(&x->para, LG_UTF8_REPLACEMENT, LG_UTF8_REPLACEMENT_LEN);
	else if (cp != 0)
		lg_utf8_put(&x->para, cp);
}

/* put_str - literal UTF-8 (a newline, a tab) into the paragraph */
static void put_str(struct rtf *x, const char *s)
{
	text_ready(x);
	lg_buf_puts(&x->para, s);
}

/* emit_para - hand the paragraph on as a text block (outside tables) */
static void emit_para(struct rtf *x)
{
	text_ready(x);
	if (x->para.len == 0 || x->stop)
		return;
	x->table_open = false;
	if (lg_ex_emit_text(x->out, x->lim, x->r, x->para.data, x->para.len))
		x->stop = true;
	lg_buf_reset(&x->para);
}

/* end_cell - the paragraph text becomes the row's next cell */
static void end_cell(struct rtf *x)
{
	struct rtf_row *row = &x->row;

	text_ready(x);
	while (x->para.len && x->para.data[x->para.len - 1] == '\n')
		x->para.len--;
	if (row->n == row->cap) {
		row->cap = row->cap ? row->cap * 2 : 8;
		row->off = lg_realloc(row->off, row->cap * sizeof *row->off);
		row->len = lg_realloc(row->len, row->cap * sizeof *row->len);
		row->ptr = lg_realloc(row->ptr, row->cap * sizeof *row->ptr);
	}
	row->off[row->n] = row->text.len;
	row->len[row->n] = x->para.len;
	lg_buf_append(&row->text, x->para.data ? x->para.data : "", x->para.len);
	lg_buf_putc(&row->text, '\0');
	row->n++;
	lg_buf_reset(&x->para);
}

/* emit_row - hand the collected cells on as one row (a new table first calls out->table) */
static void emit_row(struct rtf *x)
{
	struct rtf_row *row = &x->row;

	text_ready(x);
	if (x->para.len)	/* text after the last \cell */
		end_cell(x);
	if (row->n == 0 || x->stop)
		return;
	if (!x->table_open) {
		x->table_open = true;
		if (x->out->table && x->out->table(x->out->arg, NULL)) {
			lg_ex_set(x->r, LG_EX_STOPPED, "stopped", NULL);
			x->stop = true;
			return;
		}
	}
	for (size_t i = 0; i < row->n; i++)
		row->ptr[i] = row->text.data + row->off[i];
	if (lg_ex_emit_row(x->out, x->lim, x->r, row->ptr, row->len, row->n))
		x->stop = true;
	row->n = 0;
	lg_buf_reset(&row->text);
}

/* set_cp - the current group's code page from now on (put_byte decodes bytes already held in
 * the old one before taking bytes in the new one) */
static void set_cp(struct rtf *x, int cp)
{
	x->g[x->depth].cp = cp;
}

/* control_word - act on \name<param> (has_param: a number followed the name) */
static void control_word(struct rtf *x, const char *name, bool has_param, long param)
{
	struct rtf_group *g = &x->g[x->depth];
	const struct rtf_word *w = bsearch(name, rtf_words, sizeof rtf_words / sizeof rtf_words[0],
					   sizeof rtf_words[0], word_cmp);
	enum rtf_action a = w ? w->action : A_NONE;
	bool star = g->star;

	g->star = false;
	if (star && a != A_TEXTDEST) {
		/* an optional destination we do not know (or know to be no text) */
		g->dest = DEST_SKIP;
		return;
	}
	if (a == A_BIN) {	/* binary data: skip it in any destination */
		size_t n = has_param && param > 0 ? (size_t)param : 0;
		size_t left = (size_t)(x->end - x->p);
		x->p += n < left ? n : left;
		return;
	}
	if (a == A_UC) {
		g->uc = param < 0 ? 0 : param > LG_RTF_MAX_UC ? LG_RTF_MAX_UC : (int)param;
		return;
	}
	if (g->dest == DEST_FONTTBL) {
		if (a == A_F)
			x->cur_font = param;
		else if (a == A_FCHARSET)
			font_set_cp(x, x->cur_font, charset_cp(param));
		else if (a == A_CPG && param > 0)
			font_set_cp(x, x->cur_font, (int)param);
		return;
	}
	if (g->dest == DEST_SKIP)
		return;
	switch (a) {
	case A_PAR:
		if (x->intbl)
			put_str(x, "\n");
		else
			emit_para(x);
		break;
	case A_LINE:
		put_str(x, "\n");
		break;
	case A_TAB:
	case A_NESTCELL:
		put_str(x, "\t");
		break;
	case A_NESTROW:
		put_str(x, "\n");
		break;
	case A_CELL:
		end_cell(x);
		break;
	case A_ROW:
		emit_row(x);
		break;
	case A_INTBL:
		x->intbl = true;
		break;
	case A_PARD:
		x->intbl = false;
		break;
	case A_U:
		if (has_param) {
			long v = param < 0 ? param + 65536 : param;
			if (v >= 0 && v <= 0x10FFFF)
				put_cp(x, (uint32_t)v);
			x->skip = g->uc;
		}
		break;
	case A_CHAR:
		put_cp(x, w->cp);
		break;
	case A_F:
		set_cp(x, font_cp(x, param));
		break;
	case A_PLAIN:
		set_cp(x, font_cp(x, x->deff));
		break;
	case A_DEFF:
		x->deff = param;
		set_cp(x, font_cp(x, param));
		break;
	case A_ANSICPG:
		if (param > 0)
			x->doc_cp = (int)param;
		set_cp(x, x->doc_cp);
		break;
	case A_ANSI:
		x->doc_cp = LG_RTF_DEFAULT_CP;
		set_cp(x, x->doc_cp);
		break;
	case A_MAC:
		x->doc_cp = 10000;
		set_cp(x, x->doc_cp);
		break;
	case A_PC:
		x->doc_cp = 437;
		set_cp(x, x->doc_cp);
		break;
	case A_PCA:
		x->doc_cp = 850;
		set_cp(x, x->doc_cp);
		break;
	case A_FONTTBL:
		g->dest = DEST_FONTTBL;
		break;
	case A_SKIPDEST:
		g->dest = DEST_SKIP;
		break;
	default:
		break;
	}
}

/* control_symbol - \ followed by a non-letter */
static void control_symbol(struct rtf *x, unsigned char c)
{
	struct rtf_group *g = &x->g[x->depth];

	if (c == '*') {
		g->star = true;
		return;
	}
	g->star = false;
	if (c == '\'') {	/* \'hh: one byte in the code page */
		int v = 0;
		for (int i = 0; i < 2; i++) {
			if (x->p >= x->end)
				return;
			unsigned char h = *x->p;
			int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
				: h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
			if (d < 0)
				return;
			x->p++;
			v = v * 16 + d;
		}
		if (x->skip > 0) {
			x->skip--;
			return;
		}
		if (g->dest == DEST_TEXT)
			put_byte(x, (unsigned char)v);
		return;
	}
	if (x->skip > 0) {	/* a control symbol counts as one fallback character */
		x->skip--;
		return;
	}
	if (g->dest != DEST_TEXT)
		return;
	switch (c) {
	case '\\': case '{': case '}':
		put_byte(x, c);
		break;
	case '~':
		put_cp(x, 0x00A0);
		break;
	case '_':
		put_cp(x, 0x2011);
		break;
	case '\r': case '\n':	/* a backslash before a line end is \par */
		control_word(x, "par", false, 0);
		break;
	case '\t':
		put_str(x, "\t");
		break;
	default:	/* \- optional hyphen, \| \: and the like: nothing visible */
		break;
	}
}

/* read_control - parse what follows a backslash */
static void read_control(struct rtf *x)
{
	char name[LG_RTF_MAX_WORD + 1];
	size_t n = 0;

	if (x->p >= x->end)
		return;
	unsigned char c = *x->p;
	if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
		x->p++;
		control_symbol(x, c);
		return;
	}
	while (x->p < x->end && ((*x->p >= 'a' && *x->p <= 'z') || (*x->p >= 'A' && *x->p <= 'Z'))) {
		if (n < LG_RTF_MAX_WORD)
			name[n++] = (char)*x->p;
		x->p++;
	}
	name[n] = '\0';
	bool neg = false, has_param = false;
	long param = 0;
	if (x->p < x->end && *x->p == '-' && x->p + 1 < x->end && x->p[1] >= '0' && x->p[1] <= '9') {
		neg = true;
		x->p++;
	}
	while (x->p < x->end && *x->p >= '0' && *x->p <= '9') {
		if (param < 100000000L)	/* RTF parameters are 16 or 32 bits; cap, keep reading */
			param = param * 10 + (*x->p - '0');
		has_param = true;
		x->p++;
	}
	if (neg)
		param = -param;
	if (x->p < x->end && *x->p == ' ')	/* the delimiter space belongs to the word */
		x->p++;
	bool is_u = n == 1 && name[0] == 'u' && has_param;
	if (x->skip > 0 && !is_u) {	/* a control word counts as one fallback character */
		x->skip--;
		if (strcmp(name, "bin") != 0)
			return;
	}
	control_word(x, name, has_param, param);
}

/* group_open - "{": a nested group inherits its parent's state */
static void group_open(struct rtf *x)
{
	x->skip = 0;
	if (x->depth >= LG_RTF_MAX_DEPTH) {
		emit_para(x);
		lg_ex_set(x->r, LG_EX_LIMIT, "limit:depth", "more than %d nested groups",
			  LG_RTF_MAX_DEPTH);
		x->stop = true;
		return;
	}
	x->g[x->depth + 1] = x->g[x->depth];
	x->g[x->depth + 1].star = false;
	x->depth++;
}

/* group_close - "}": back to the parent's state; false at the end of the document */
static bool group_close(struct rtf *x)
{
	x->skip = 0;
	if (x->depth == 0)
		return false;
	x->depth--;
	return x->depth > 0;	/* the closing brace of {\rtf1 ...} ends the document */
}

/* parse - the main loop */
static void parse(struct rtf *x)
{
	const unsigned char *next_check = x->p;

	while (x->p < x->end && !x->stop) {
		if (x->p >= next_check) {
			if (lg_ex_late(x->lim, x->r) || over_budget(x)) {
				x->stop = true;
				return;
			}
			next_check = x->p + LG_RTF_CHECK_BYTES;
		}
		unsigned char c = *x->p++;
		switch (c) {
		case '{':
			group_open(x);
			break;
		case '}':
			if (!group_close(x))
				return;
			break;
		case '\\':
			read_control(x);
			break;
		case '\r': case '\n': case '\0':
			break;
		default:
			if (x->skip > 0) {
				x->skip--;
				break;
			}
			x->g[x->depth].star = false;
			if (x->g[x->depth].dest != DEST_TEXT)
				break;
			if (c == '\t')
				put_str(x, "\t");
			else
				put_byte(x, c);
			break;
		}
	}
}

/* is_rtf - data starts with "{\rtf" (after white space) */
static bool is_rtf(const char *data, size_t len, size_t *start)
{
	size_t i = 0;

	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	*start = i;
	return len - i >= 5 && memcmp(data + i, "{\\rtf", 5) == 0;
}

/* lg_rtf_extract - paragraphs as text blocks, \row tables as rows */
void lg_rtf_extract(const char *data, size_t len, const struct lg_ex_limits *lim,
		    const struct lg_ex_out *out, struct lg_ex_result *r)
{
	size_t start;

	if (!data || !is_rtf(data, len, &start)) {
		lg_ex_set(r, LG_EX_CORRUPT, "corrupt", "not RTF (no {\\rtf at the start)");
		return;
	}
	struct rtf *x = lg_calloc(1, sizeof *x);
	x->p = (const unsigned char *)data + start;
	x->end = (const unsigned char *)data + len;
	x->lim = lim;
	x->out = out;
	x->r = r;
	x->doc_cp = LG_RTF_DEFAULT_CP;
	x->g[0].dest = DEST_TEXT;
	x->g[0].uc = 1;
	x->g[0].cp = LG_RTF_DEFAULT_CP;
	parse(x);
	if (!x->stop) {	/* what the last \par did not end: a row without \row, a paragraph */
		if (x->row.n)
			emit_row(x);
		emit_para(x);
	}
	lg_buf_free(&x->raw);
	lg_buf_free(&x->para);
	lg_buf_free(&x->row.text);
	free(x->row.off);
	free(x->row.len);
	free(x->row.ptr);
	free(x->fonts);
	free(x);
}
