/* test_csv.c - lg_csv_parse and lg_csv_sniff_delim: quoting, newlines, BOM, ragged rows, limits. */
#include <stdlib.h>
#include <string.h>

#include "content/csv.h"
#include "lg_buf.h"
#include "tests/unit/tap.h"

#define B(s) s, sizeof(s) - 1	/* a byte-string literal and its length */

struct collect {
	struct lg_buf out;	/* rows as "[cell][cell]\n" */
	size_t stop_after;	/* stop when this many rows were seen (0: never) */
	size_t rows;
	int bad;		/* a cell's length or terminator did not match */
};

/* collect_row - callback: append the row in a printable form */
static int collect_row(void *arg, size_t row, size_t ncells, const char *const *cells,
		       const size_t *lens)
{
	struct collect *c = arg;

	if (row != c->rows)
		c->bad = 1;
	c->rows++;
	for (size_t i = 0; i < ncells; i++) {
		if (cells[i][lens[i]] != '\0')
			c->bad = 1;
		lg_buf_putc(&c->out, '[');
		lg_buf_append(&c->out, cells[i], lens[i]);
		lg_buf_putc(&c->out, ']');
	}
	lg_buf_putc(&c->out, '\n');
	return c->stop_after && c->rows >= c->stop_after;
}

struct csv_case {
	const char *name;
	const char *text;
	size_t len;
	char delim;
	const char *want;
	size_t want_len;
	long want_rows;
};

static const struct csv_case cases[] = {
	{ "simple", B("a,b,c\n1,2,3\n"), ',', B("[a][b][c]\n[1][2][3]\n"), 2 },
	{ "no trailing newline", B("a,b\n1,2"), ',', B("[a][b]\n[1][2]\n"), 2 },
	{ "quoted with delimiter", B("\"a,b\",c\n"), ',', B("[a,b][c]\n"), 1 },
	{ "doubled quotes", B("\"say \"\"hi\"\"\",x\n"), ',', B("[say \"hi\"][x]\n"), 1 },
	{ "only a doubled quote", B("\"\"\"\"\n"), ',', B("[\"]\n"), 1 },
	{ "empty quoted field", B("\"\",b\n"), ',', B("[][b]\n"), 1 },
	{ "quote inside unquoted field is literal", B("a\"b,c\n"), ',', B("[a\"b][c]\n"), 1 },
	{ "text after closing quote is kept", B("\"a\"b,c\n"), ',', B("[ab][c]\n"), 1 },
	{ "embedded LF in quotes", B("\"line1\nline2\",x\ny,z\n"), ',', B("[line1\nline2][x]\n[y][z]\n"), 2 },
	{ "embedded CRLF in quotes", B("\"a\r\nb\",c\r\n"), ',', B("[a\r\nb][c]\n"), 1 },
	{ "CRLF line ends", B("a,b\r\nc,d\r\n"), ',', B("[a][b]\n[c][d]\n"), 2 },
	{ "CR line ends", B("a,b\rc,d\r"), ',', B("[a][b]\n[c][d]\n"), 2 },
	{ "mixed line ends", B("a\rb\nc\r\nd"), ',', B("[a]\n[b]\n[c]\n[d]\n"), 4 },
	{ "empty fields", B(",a,,b,\n"), ',', B("[][a][][b][]\n"), 1 },
	{ "delimiter at the very end", B("a,"), ',', B("[a][]\n"), 1 },
	{ "empty line is a row with one empty cell", B("a\n\nb\n"), ',', B("[a]\n[]\n[b]\n"), 3 },
	{ "empty line with CRLF", B("a\r\n\r\nb"), ',', B("[a]\n[]\n[b]\n"), 3 },
	{ "UTF-8 BOM skipped", B("\xef\xbb\xbf氏名,電話\n山田,090\n"), ',', B("[氏名][電話]\n[山田][090]\n"), 2 },
	{ "BOM then quoted field", B("\xef\xbb\xbf\"a\",b"), ',', B("[a][b]\n"), 1 },
	{ "ragged rows", B("a,b,c\nd\ne,f\n"), ',', B("[a][b][c]\n[d]\n[e][f]\n"), 3 },
	{ "unterminated quote ends at EOF", B("a,\"b,c\nd,e"), ',', B("[a][b,c\nd,e]\n"), 1 },
	{ "unterminated quote, trailing newline kept", B("\"abc\n"), ',', B("[abc\n]\n"), 1 },
	{ "TSV", B("a\tb\n1\t2\n"), '\t', B("[a][b]\n[1][2]\n"), 2 },
	{ "TSV with commas in cells, sniffed", B("名前\t住所\n山田\t東京都, 千代田区\n田中\t大阪府\n"), 0,
	  B("[名前][住所]\n[山田][東京都, 千代田区]\n[田中][大阪府]\n"), 3 },
	{ "semicolon with decimal commas, sniffed", B("name;amount\nA;1,5\nB;2,5\n"), 0,
	  B("[name][amount]\n[A][1,5]\n[B][2,5]\n"), 3 },
	{ "empty input", B(""), ',', B(""), 0 },
	{ "only a BOM", B("\xef\xbb\xbf"), ',', B(""), 0 },
	{ "single newline", B("\n"), ',', B("[]\n"), 1 },
	{ "NUL bytes stay in cells", B("a\0b,c"), ',', B("[a\0b][c]\n"), 1 },
};

/* check_case - run one table row */
static void check_case(const struct csv_case *t)
{
	struct collect c = { LG_BUF_INIT, 0, 0, 0 };
	long rows = lg_csv_parse(t->text, t->len, t->delim, collect_row, &c);
	const char *got = lg_buf_cstr(&c.out);
	int ok = rows == t->want_rows && c.out.len == t->want_len &&
		 memcmp(got, t->want, t->want_len) == 0 && !c.bad;

	tap_ok(ok, "%s", t->name);
	if (!ok)
		tap_diag("got %ld rows [%s]%s, want %ld rows [%s]", rows, got, c.bad ? " (bad cells)" : "",
			 t->want_rows, t->want);
	lg_buf_free(&c.out);
}

struct sniff_case {
	const char *name;
	const char *text;
	char want;
};

static const struct sniff_case sniffs[] = {
	{ "comma CSV", "a,b,c\n1,2,3\n4,5,6\n", ',' },
	{ "TSV", "a\tb\tc\n1\t2\t3\n", '\t' },
	{ "TSV with commas in text", "name\taddress\nA\tTokyo, Chiyoda\nB\tOsaka, Kita\nC\tNagoya\n", '\t' },
	{ "semicolon", "a;b;c\n1;2;3\n", ';' },
	{ "semicolon with decimal commas", "n;x\nA;1,5\nB;2,25\nC;3\n", ';' },
	{ "quoted delimiters do not count", "\"a;b\",\"c;d\"\n\"e;f\",g\n", ',' },
	{ "quoted newline does not end the line", "a\t\"x\ny,z\"\tb\nc\td\te\n", '\t' },
	{ "single column: default comma", "a\nb\nc\n", ',' },
	{ "empty: default comma", "", ',' },
	{ "one TSV line", "a\tb\tc", '\t' },
	{ "equally consistent: more fields win", "a;b;c,d\n1;2;3,4\n", ';' },
	{ "BOM and Japanese TSV", "\xef\xbb\xbf氏名\t電話\n山田\t090-1234-5678\n", '\t' },
};

/* test_stop - the callback stops the parse: -1 and no more rows */
static void test_stop(void)
{
	struct collect c = { LG_BUF_INIT, 2, 0, 0 };
	long rows = lg_csv_parse(B("a\nb\nc\nd\n"), ',', collect_row, &c);
	tap_is_long(rows, -1, "callback stop returns -1");
	tap_is_str(lg_buf_cstr(&c.out), "[a]\n[b]\n", "callback stop: no rows after the stop");
	lg_buf_free(&c.out);

	c = (struct collect){ LG_BUF_INIT, 1, 0, 0 };
	rows = lg_csv_parse(B("only"), ',', collect_row, &c);
	tap_is_long(rows, -1, "callback stop on the last row without newline");
	lg_buf_free(&c.out);
}

struct count_cells {
	size_t max_cells;
	size_t last_len;
	int last_ok;
};

/* count_row - callback: remember the widest row and whether its last cell holds the rest */
static int count_row(void *arg, size_t row, size_t ncells, const char *const *cells,
		     const size_t *lens)
{
	struct count_cells *c = arg;
	if (ncells > c->max_cells)
		c->max_cells = ncells;
	c->last_len = lens[ncells - 1];
	c->last_ok = lens[ncells - 1] == 5 && memcmp(cells[ncells - 1], "x,y,z", 5) == 0;
	return 0;
}

/* test_max_cells - cells beyond LG_CSV_MAX_CELLS are joined into the last one */
static void test_max_cells(void)
{
	struct lg_buf b = LG_BUF_INIT;
	for (int i = 0; i < LG_CSV_MAX_CELLS - 1; i++)
		lg_buf_puts(&b, "c,");
	lg_buf_puts(&b, "x,\"y\",z\n");
	struct count_cells c = { 0, 0, 0 };
	long rows = lg_csv_parse(b.data, b.len, ',', count_row, &c);
	tap_ok(rows == 1 && c.max_cells == LG_CSV_MAX_CELLS, "row capped at %d cells (got %zu)",
	       LG_CSV_MAX_CELLS, c.max_cells);
	tap_ok(c.last_ok, "extra cells joined into the last: length %zu", c.last_len);
	lg_buf_free(&b);
}

/* test_large - a big file parses in one pass with every row delivered */
static void test_large(void)
{
	struct lg_buf b = LG_BUF_INIT;
	size_t n = 100000;
	for (size_t i = 0; i < n; i++)
		lg_buf_printf(&b, "%zu,\"name %zu\",\"a\"\"b\"\r\n", i, i);
	struct count_cells c = { 0, 0, 0 };
	long rows = lg_csv_parse(b.data, b.len, 0, count_row, &c);
	tap_is_long(rows, (long)n, "100000 rows, sniffed delimiter");
	tap_ok(c.max_cells == 3 && c.last_len == 3, "every row has 3 cells");
	lg_buf_free(&b);
}

int main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_case(&cases[i]);
	for (size_t i = 0; i < sizeof sniffs / sizeof sniffs[0]; i++) {
		char got = lg_csv_sniff_delim(sniffs[i].text, strlen(sniffs[i].text));
		tap_ok(got == sniffs[i].want, "sniff: %s", sniffs[i].name);
	}
	test_stop();
	test_max_cells();
	test_large();
	tap_is_long(lg_csv_parse(NULL, 0, ',', collect_row, NULL), 0, "NULL text: no rows");
	return tap_done();
}
