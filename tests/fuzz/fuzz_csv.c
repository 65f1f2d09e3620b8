/* fuzz_csv.c - libFuzzer harness: lg_csv_sniff_delim() and lg_csv_parse(). The first byte picks
 * the delimiter (sniffed, ',', ';', tab); the rest, repaired to valid UTF-8, is the text. Rows
 * come in order, stay within LG_CSV_MAX_CELLS, and every cell byte is read. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "content/csv.h"
#include "content/utf8.h"
#include "lg_buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fail - a broken promise: say which, then abort() so libFuzzer keeps the input */
static void fail(const char *what)
{
	fprintf(stderr, "fuzz_csv: %s\n", what);
	abort();
}

struct rows {
	size_t next;		/* the row number expected next */
	unsigned long sum;	/* every cell byte, so ASan sees each read */
};

/* on_row - check and read one row */
static int on_row(void *arg, size_t row, size_t ncells, const char *const *cells,
		  const size_t *lens)
{
	struct rows *st = arg;
	if (row != st->next++)
		fail("rows out of order");
	if (ncells > LG_CSV_MAX_CELLS || (ncells && (!cells || !lens)))
		fail("more than LG_CSV_MAX_CELLS cells, or NULL arrays");
	for (size_t i = 0; i < ncells; i++) {
		if (!cells[i] && lens[i])
			fail("NULL cell with a length");
		for (size_t j = 0; j < lens[i]; j++)
			st->sum += (unsigned char)cells[i][j];
	}
	return 0;
}

/* LLVMFuzzerTestOneInput - one delimiter choice and one text */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delims[] = { 0, ',', ';', '\t' };
	if (size < 1)
		return 0;
	char delim = delims[data[0] % sizeof delims];
	struct lg_buf in = LG_BUF_INIT;
	lg_buf_reserve(&in, size);
	lg_utf8_repair_append(&in, (const char *)data + 1, size - 1);
	char sniffed = lg_csv_sniff_delim(in.data ? in.data : "", in.len);
	if (sniffed != ',' && sniffed != ';' && sniffed != '\t')
		fail("sniffed delimiter is not , ; or tab");
	struct rows st = { 0, 0 };
	long n = lg_csv_parse(in.data ? in.data : "", in.len, delim, on_row, &st);
	if (n < 0 || (size_t)n != st.next)
		fail("return value is not the number of rows");
	lg_buf_free(&in);
	return 0;
}
