/* csv.c - CSV/TSV text as rows of unquoted cells, and a guess of the delimiter.
 *
 * RFC 4180 quoting ("" inside quotes is one quote), with the leniency of spreadsheet programs:
 * CR, LF and CRLF all end a row; a quoted field may hold newlines; text after a closing quote is
 * kept as part of the cell; a quote inside an unquoted field is an ordinary character; an
 * unterminated quote ends at end of input; a UTF-8 BOM at the start is skipped; an empty line is
 * a row with one empty cell. Beyond LG_CSV_MAX_CELLS cells in a row, the rest of the row is
 * joined into the last cell, delimiters included, so no text is lost. Memory is one row. */
#include "content/csv.h"

#include <stdlib.h>
#include <string.h>

#include "lg_alloc.h"
#include "lg_buf.h"

#define LG_CSV_SNIFF_LINES 20		/* lines looked at to guess the delimiter */
#define LG_CSV_SNIFF_BYTES (64 * 1024)	/* and at most this much text */

/* One row being built: cell bytes, each cell NUL-terminated, in one buffer. */
struct csv_row {
	struct lg_buf data;
	size_t *start;		/* offsets of the cells in data */
	size_t *lens;
	const char **cells;	/* pointers handed to the callback */
	size_t ncells;
	size_t cap;
};

/* row_cell_begin - start a new, empty cell */
static void row_cell_begin(struct csv_row *r)
{
	if (r->ncells == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->start = lg_realloc(r->start, r->cap * sizeof *r->start);
		r->lens = lg_realloc(r->lens, r->cap * sizeof *r->lens);
		r->cells = lg_realloc(r->cells, r->cap * sizeof *r->cells);
	}
	r->start[r->ncells] = r->data.len;
	r->lens[r->ncells] = 0;
	r->ncells++;
}

/* row_cell_add - append bytes to the current cell */
static void row_cell_add(struct csv_row *r, const char *p, size_t n)
{
	lg_buf_append(&r->data, p, n);
	r->lens[r->ncells - 1] += n;
}

/* row_cell_end - terminate the current cell */
static void row_cell_end(struct csv_row *r)
{
	lg_buf_putc(&r->data, '\0');
}

/* row_emit - hand the row to the callback and start an empty one; non-zero means stop */
static int row_emit(struct csv_row *r, size_t rowno, lg_csv_row_fn fn, void *arg)
{
	for (size_t i = 0; i < r->ncells; i++)
		r->cells[i] = r->data.data + r->start[i];
	int stop = fn ? fn(arg, rowno, r->ncells, r->cells, r->lens) : 0;
	lg_buf_reset(&r->data);
	r->ncells = 0;
	return stop;
}

/* row_free - release a row's storage */
static void row_free(struct csv_row *r)
{
	lg_buf_free(&r->data);
	free(r->start);
	free(r->lens);
	free(r->cells);
}

/* skip_bom - length of a UTF-8 byte order mark at the start */
static size_t skip_bom(const char *text, size_t len)
{
	return len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* lg_csv_parse - parse text into rows of cells, calling fn for each row */
long lg_csv_parse(const char *text, size_t len, char delim, lg_csv_row_fn fn, void *arg)
{
	struct csv_row r = { LG_BUF_INIT, NULL, NULL, NULL, 0, 0 };
	size_t i, rows = 0;
	int in_row = 0;		/* something of the current row has been read */

	if (!text)
		len = 0;
	i = skip_bom(text, len);
	if (delim == 0 || delim == '"' || delim == '\r' || delim == '\n')
		delim = lg_csv_sniff_delim(text, len);
	while (i < len) {
		/* one field: a new cell, unless the row is full and this joins the last one */
		if (r.ncells < LG_CSV_MAX_CELLS)
			row_cell_begin(&r);
		in_row = 1;
		if (text[i] == '"') {
			i++;
			for (;;) {
				const char *q = memchr(text + i, '"', len - i);
				size_t n = q ? (size_t)(q - (text + i)) : len - i;
				row_cell_add(&r, text + i, n);
				i += n;
				if (!q)	/* unterminated: the field ends at end of input */
					break;
				if (i + 1 < len && text[i + 1] == '"') {
					row_cell_add(&r, "\"", 1);
					i += 2;
					continue;
				}
				i++;	/* the closing quote */
				break;
			}
		}
		/* unquoted text, or what follows a closing quote, up to the delimiter or newline */
		size_t j = i;
		while (j < len && text[j] != delim && text[j] != '\n' && text[j] != '\r')
			j++;
		row_cell_add(&r, text + i, j - i);
		i = j;
		if (i < len && text[i] == delim) {
			i++;
			if (r.ncells >= LG_CSV_MAX_CELLS) {
				row_cell_add(&r, &delim, 1);	/* joined into the last cell */
				if (i == len)
					row_cell_end(&r);
				continue;
			}
			row_cell_end(&r);
			if (i == len)	/* a delimiter at the very end: one more, empty cell */
				row_cell_begin(&r), row_cell_end(&r);
			continue;
		}
		row_cell_end(&r);
		if (i < len) {	/* CR, LF or CRLF */
			i += text[i] == '\r' && i + 1 < len && text[i + 1] == '\n' ? 2 : 1;
			if (row_emit(&r, rows++, fn, arg)) {
				row_free(&r);
				return -1;
			}
			in_row = 0;
			/* an empty line is a row with one empty cell */
			while (i < len && (text[i] == '\n' || text[i] == '\r')) {
				row_cell_begin(&r);
				row_cell_end(&r);
				i += text[i] == '\r' && i + 1 < len && text[i + 1] == '\n' ? 2 : 1;
				if (row_emit(&r, rows++, fn, arg)) {
					row_free(&r);
					return -1;
				}
			}
		}
	}
	if (in_row && row_emit(&r, rows++, fn, arg)) {
		row_free(&r);
		return -1;
	}
	row_free(&r);
	return (long)rows;
}

/* sniff_counts - fields per line for delim over the first lines, quote-aware; returns lines */
static size_t sniff_counts(const char *text, size_t len, char delim, size_t *counts)
{
	size_t nlines = 0, fields = 1, chars = 0;
	int quoted = 0;

	for (size_t i = 0; i < len && nlines < LG_CSV_SNIFF_LINES; i++) {
		char c = text[i];
		if (c == '"') {
			quoted = !quoted;	/* "" toggles twice: no change */
		} else if (quoted) {
			/* inside quotes: nothing counts */
		} else if (c == delim) {
			fields++;
		} else if (c == '\n' || c == '\r') {
			if (chars > 0 || fields > 1)
				counts[nlines++] = fields;
			fields = 1;
			chars = 0;
			continue;
		}
		chars++;
	}
	/* the last line counts only if the text really ends there (not cut by the byte limit) */
	if (nlines < LG_CSV_SNIFF_LINES && (chars > 0 || fields > 1) && !quoted)
		counts[nlines++] = fields;
	return nlines;
}

/* lg_csv_sniff_delim - ',', '\t' or ';': the one giving the most lines with the same (>1)
 * number of fields; ties go to the larger number of fields, then to that order */
char lg_csv_sniff_delim(const char *text, size_t len)
{
	static const char cand[] = { ',', '\t', ';' };
	char best = ',';
	size_t best_freq = 0, best_fields = 0;
	size_t counts[LG_CSV_SNIFF_LINES];

	if (!text)
		return best;
	size_t bom = skip_bom(text, len);
	text += bom;
	len -= bom;
	if (len > LG_CSV_SNIFF_BYTES) {
		/* end at the last newline within the limit (a longer first line is taken as cut) */
		size_t l = LG_CSV_SNIFF_BYTES;
		while (l > 0 && text[l - 1] != '\n' && text[l - 1] != '\r')
			l--;
		len = l > 0 ? l : LG_CSV_SNIFF_BYTES;
	}
	for (size_t c = 0; c < sizeof cand; c++) {
		size_t n = sniff_counts(text, len, cand[c], counts);
		for (size_t a = 0; a < n; a++) {
			if (counts[a] < 2)
				continue;
			size_t freq = 0;
			for (size_t b = 0; b < n; b++)
				freq += counts[b] == counts[a];
			if (freq > best_freq || (freq == best_freq && counts[a] > best_fields)) {
				best = cand[c];
				best_freq = freq;
				best_fields = counts[a];
			}
		}
	}
	return best;
}
