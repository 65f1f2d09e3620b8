/* html.h - visible text of an HTML document (libxml2's HTML parser). */
#ifndef LG_HTML_H
#define LG_HTML_H

#include <stddef.h>

/* lg_html_to_text - text of UTF-8 HTML: entities decoded, script/style/head dropped, block
 * elements and <br> end lines, table cells separated by a tab and rows by a newline.
 * Newly allocated; returns NULL (and sets *out_len 0) only if the parser gave no document. */
char *lg_html_to_text(const char *utf8, size_t len, size_t *out_len);

#endif
