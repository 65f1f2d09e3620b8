/* html.h - visible text of an HTML document (libxml2's HTML parser). */
#ifndef LG_HTML_H
#define LG_HTML_H

#include <stddef.h>

/* lg_html_to_text - text of UTF-8 HTML: entities decoded, script/style/head dropped, block
 * elements and <br> end lines, table cells separated by a tab and rows by a newline.
 * Newly allocated; returns NULL (and sets *out_len 0) only if the parser gave no document. */
char *lg_html_to_text(const char *utf8, size_t len, size_t *out_len);

/* A table row in that text: [start, end) holds its cells separated by tabs (a <br> inside a cell
 * gives a newline there); rows of one <table> share a table number. Only the innermost rows of
 * nested tables are listed. */
struct lg_html_row {
	size_t start, end;
	unsigned table;
};

/* lg_html_to_text_rows - the same text, and its table rows in order (*rows newly allocated, or
 * NULL with *nrows 0) */
char *lg_html_to_text_rows(const char *utf8, size_t len, size_t *out_len, struct lg_html_row **rows,
			   size_t *nrows);

#endif
