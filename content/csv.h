/* csv.h - CSV/TSV as rows and cells (RFC 4180 quoting, any newline convention). */
#ifndef LG_CSV_H
#define LG_CSV_H

#include <stddef.h>

#define LG_CSV_MAX_CELLS 4096	/* cells per row; further cells are joined into the last one */

/* Called per row (row counts from 0). Return non-zero to stop parsing. */
typedef int (*lg_csv_row_fn)(void *arg, size_t row, size_t ncells, const char *const *cells,
			     const size_t *lens);

/* lg_csv_sniff_delim - ',' ';' or '\t', whichever splits the first lines most consistently */
char lg_csv_sniff_delim(const char *text, size_t len);

/* lg_csv_parse - parse UTF-8 text; delim 0 means sniff. Returns the number of rows, or -1 when
 * the callback stopped it. An unterminated quote ends the last field at end of input. */
long lg_csv_parse(const char *text, size_t len, char delim, lg_csv_row_fn fn, void *arg);

#endif
