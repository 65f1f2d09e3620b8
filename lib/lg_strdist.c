/* lg_strdist.c - Levenshtein distance with one row of LG_STRDIST_MAX_LEN + 1 cells. */
#include "lg_strdist.h"

#include <stdint.h>

/* lg_edit_distance - see lg_strdist.h */
size_t lg_edit_distance(const char *a, size_t na, const char *b, size_t nb)
{
	size_t row[LG_STRDIST_MAX_LEN + 1];

	if (na > LG_STRDIST_MAX_LEN || nb > LG_STRDIST_MAX_LEN)
		return SIZE_MAX;
	for (size_t j = 0; j <= nb; j++)
		row[j] = j;
	for (size_t i = 1; i <= na; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[nb];
}
