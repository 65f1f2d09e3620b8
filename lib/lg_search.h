/* lg_search.h - finding which piece of a text an offset falls in, given where the pieces start
 * (lines, table cells). */
#ifndef LG_SEARCH_H
#define LG_SEARCH_H

#include <stddef.h>

/* lg_piece_of - index of the last of the n ascending starts that is <= off (0 when off comes
 * before them all or n is 0): binary search */
static inline size_t lg_piece_of(const size_t *starts, size_t n, size_t off)
{
	size_t lo = 0, hi = n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

#endif
