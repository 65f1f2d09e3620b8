/* lg_strdist.h - edit distance of short strings, for "did you mean" suggestions. */
#ifndef LG_STRDIST_H
#define LG_STRDIST_H

#include <stddef.h>

#define LG_STRDIST_MAX_LEN 64	/* longer strings are not compared */

/* lg_edit_distance - Levenshtein distance of a[0..na) and b[0..nb); SIZE_MAX when either is
 * longer than LG_STRDIST_MAX_LEN */
size_t lg_edit_distance(const char *a, size_t na, const char *b, size_t nb);

#endif
