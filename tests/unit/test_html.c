/* test_html.c - lg_html_to_text: entities, dropped elements, line and cell structure, depth. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>

#include "content/html.h"
#include "content/utf8.h"
#include "lg_buf.h"
#include "tests/unit/tap.h"

struct html_case {
	const char *name;
	const char *html;
	const char *want;
};

static const struct html_case cases[] = {
	{ "numeric entities", "<p>&#48;&#57;&#48;-&#x31;234</p>", "090-1234" },
	{ "named entities", "<p>a &amp; b &lt;c&gt; &copy;</p>", "a & b <c> ©" },
	{ "script and style dropped", "<p>a<script>var x='090-1234-5678';</script>b<style>p{}</style>c</p>",
	  "abc" },
	{ "head and title dropped", "<html><head><title>T</title><style>x</style></head><body>body</body></html>",
	  "body" },
	{ "comments dropped", "a<!-- 090-1234-5678 -->b", "ab" },
	{ "noscript kept", "<noscript>no js</noscript>", "no js" },
	{ "table cells tab separated", "<table><tr><td>氏名</td><td>電話</td></tr><tr><td>山田</td><td>090</td></tr></table>",
	  "氏名\t電話\n山田\t090" },
	{ "th and td", "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>",
	  "a\tb\n1\t2" },
	{ "empty cells keep their tabs", "<table><tr><td></td><td>b</td><td></td><td>d</td></tr></table>",
	  "\tb\t\td" },
	{ "blocks inside cells: no stray tabs", "<table><tr><td><div>a</div></td><td><p>b</p></td></tr><tr><td>c</td><td>d</td></tr></table>",
	  "a\nb\nc\td" },
	{ "whitespace between cells", "<table>\n<tr>\n <td> a </td>\n <td> b </td>\n</tr>\n</table>", "a\tb" },
	{ "nested table in a cell", "<table><tr><td>x</td><td><table><tr><td>1</td><td>2</td></tr></table></td></tr></table>",
	  "x\n1\t2" },
	{ "unclosed cells and rows", "<table><tr><td>a<td>b<tr><td>c<td>d</table>", "a\tb\nc\td" },
	{ "br is a newline", "a<br>b<br/>c", "a\nb\nc" },
	{ "two br make an empty line", "a<br><br>b", "a\n\nb" },
	{ "blocks end lines", "<div>a</div><div>b</div><p>c</p>d<h1>e</h1><ul><li>f</li><li>g</li></ul>",
	  "a\nb\nc\nd\ne\nf\ng" },
	{ "blockquote and pre", "x<blockquote>q</blockquote><pre>  a  b\n c</pre>y", "x\nq\n  a  b\n c\ny" },
	{ "inline elements add nothing", "090-<b>1234</b>-5678", "090-1234-5678" },
	{ "inline span and a", "<p>0<span>9</span>0<a href=x>1</a><i>2</i><font>3</font></p>", "090123" },
	{ "whitespace collapses", "<p>  a \n\t b   <b> c </b>  d  </p>", "a b c d" },
	{ "space across inline tags", "a <b>b</b> c", "a b c" },
	{ "no space at line start or end", "<div>  a  </div>  <div>  b  </div>", "a\nb" },
	{ "broken HTML: unclosed tags", "<div><p>a<b>b<i>c<p>d", "abc\nd" },
	{ "broken HTML: stray close tags", "a</b></div>b</td>c", "abc" },
	{ "broken HTML: unterminated attribute hides the rest, as in browsers", "<p class=\"x>a</p>b", "" },
	{ "broken HTML: bare < in text", "<p>a < b and 1<2</p>", "a < b and 1<2" },
	{ "meta charset does not re-decode", "<meta charset=\"shift_jis\"><p>氏名</p>", "氏名" },
	{ "plain text", "just text 090-1234-5678", "just text 090-1234-5678" },
	{ "invalid UTF-8 repaired", "<p>a\xff" "b 氏名</p>", "a\xef\xbf\xbd" "b 氏名" },
	{ "nbsp kept as U+00A0", "a&nbsp;b", "a\xc2\xa0" "b" },
};

/* check_case - run one table row */
static void check_case(const struct html_case *c)
{
	size_t out_len = 0;
	char *out = lg_html_to_text(c->html, strlen(c->html), &out_len);
	if (tap_is_str(out, c->want, c->name) && out_len != strlen(c->want))
		tap_diag("out_len %zu", out_len);
	free(out);
}

/* test_deep - 100000 nested divs: no crash, the text inside and after them survives */
static void test_deep(void)
{
	size_t n = 100000, len = 0, out_len;
	char *html = malloc(n * 11 + 64);
	memcpy(html + len, "before", 6), len += 6;
	for (size_t i = 0; i < n; i++)
		memcpy(html + len, "<div>", 5), len += 5;
	memcpy(html + len, "deep", 4), len += 4;
	for (size_t i = 0; i < n; i++)
		memcpy(html + len, "</div>", 6), len += 6;
	memcpy(html + len, "after", 5), len += 5;
	char *out = lg_html_to_text(html, len, &out_len);
	tap_is_str(out, "before\ndeep\nafter", "100000 nested divs");
	free(out);

	/* unclosed too, and deeper than libxml2's default limit of 256 */
	len = 0;
	for (size_t i = 0; i < 300; i++)
		memcpy(html + len, "<div><span>", 11), len += 11;
	memcpy(html + len, "090-1234-5678", 13), len += 13;
	out = lg_html_to_text(html, len, &out_len);
	tap_is_str(out, "090-1234-5678", "300 unclosed div+span levels: text survives");
	free(out);
	free(html);
}

/* test_large_table - many cells: linear, every cell present */
static void test_large_table(void)
{
	size_t rows = 20000, len = 0, out_len;
	char *html = malloc(rows * 40 + 32);
	len += (size_t)snprintf(html, 8, "<table>");
	for (size_t i = 0; i < rows; i++)
		len += (size_t)snprintf(html + len, 40, "<tr><td>%zu</td><td>x</td></tr>", i);
	char *out = lg_html_to_text(html, len, &out_len);
	size_t lines = 0;
	for (size_t i = 0; i < out_len; i++)
		lines += out[i] == '\n';
	tap_is_long((long)lines, (long)rows - 1, "20000-row table: one line per row");
	tap_ok(strstr(out, "\n19999\tx") != NULL && strncmp(out, "0\tx\n", 4) == 0, "first and last rows");
	free(out);
	free(html);
}

/* test_misc - empty input, NULL, output validity */
static void test_misc(void)
{
	size_t out_len = 7;
	char *out = lg_html_to_text("", 0, &out_len);
	tap_ok(out == NULL && out_len == 0, "empty input: NULL, out_len 0");
	free(out);
	out = lg_html_to_text("<p>\xe6\xb0\x8f\xe5</p>x", 13, &out_len);
	tap_ok(out && lg_utf8_is_valid(out, out_len), "truncated UTF-8 in HTML: valid output");
	free(out);
	out = lg_html_to_text("a\0b", 3, &out_len);
	tap_ok(out && strchr(out, 'b') != NULL, "text after a NUL byte survives");
	free(out);
}

/* read_fixture - a file under tests/fixtures/content (top_srcdir from make check, else .) */
static char *read_fixture(const char *name, size_t *len)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	if (snprintf(path, sizeof path, "%s/tests/fixtures/content/%s", top && *top ? top : ".", name) >=
	    (int)sizeof path)
		return NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct lg_buf b = LG_BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		lg_buf_append(&b, chunk, n);
	fclose(f);
	lg_buf_append(&b, "", 0);
	return lg_buf_steal(&b, len);
}

/* test_golden - an HTML mail and the text expected from it, side by side as files */
static void test_golden(void)
{
	size_t hl, tl, out_len;
	char *html = read_fixture("html_mail.html", &hl);
	char *want = read_fixture("html_mail.txt", &tl);
	if (!tap_ok(html && want, "golden files html_mail.html/.txt found")) {
		free(html);
		free(want);
		return;
	}
	while (tl > 0 && want[tl - 1] == '\n')
		want[--tl] = '\0';
	char *out = lg_html_to_text(html, hl, &out_len);
	tap_is_str(out, want, "golden: html_mail.html gives html_mail.txt");
	free(out);
	free(html);
	free(want);
}

/* rows_str - the text's rows as "table:cells|table:cells" (tabs shown as ',') */
static char *rows_str(const char *html)
{
	size_t len, n;
	struct lg_html_row *rows;
	char *text = lg_html_to_text_rows(html, strlen(html), &len, &rows, &n);
	struct lg_buf b = LG_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i)
			lg_buf_putc(&b, '|');
		lg_buf_printf(&b, "%u:", rows[i].table);
		for (size_t k = rows[i].start; k < rows[i].end; k++)
			lg_buf_putc(&b, text[k] == '\t' ? ',' : text[k] == '\n' ? '/' : text[k]);
	}
	free(rows);
	free(text);
	return lg_buf_steal(&b, NULL);
}

/* test_rows - table rows with their cells and table numbers: the innermost rows of nested
 * tables, a <br> inside a cell, header cells, rows outside any table */
static void test_rows(void)
{
	static const struct {
		const char *html, *want;
	} rows[] = {
		{ "<p>no table</p>", "" },
		{ "<table><tr><th>氏名</th><th>電話</th></tr><tr><td>山田</td><td>090-1234-5678</td></tr>"
		  "</table>", "1:氏名,電話|1:山田,090-1234-5678" },
		{ "<table><thead><tr><td>a</td></tr></thead><tbody><tr><td>b</td></tr></tbody></table>"
		  "<p>x</p><table><tr><td>c</td></tr></table>", "1:a|1:b|2:c" },
		{ "<table><tr><td>山田<br>太郎</td><td>x</td></tr></table>", "1:山田/太郎,x" },
		{ "<table><tr><td><table><tr><td>in1</td></tr><tr><td>in2</td></tr></table></td>"
		  "</tr></table>", "2:in1|2:in2" },
		{ "<table><tr></tr><tr><td></td></tr></table>", "" },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char *got = rows_str(rows[i].html);
		char name[200];
		snprintf(name, sizeof name, "rows: %.150s", rows[i].html);
		tap_is_str(got, rows[i].want, name);
		free(got);
	}
	size_t len = 99, n = 99;
	struct lg_html_row *r = (struct lg_html_row *)1;
	tap_ok(lg_html_to_text_rows("", 0, &len, &r, &n) == NULL && r == NULL && n == 0 && len == 0,
	       "rows: empty input gives no text and no rows");
}

int main(void)
{
	xmlInitParser();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_case(&cases[i]);
	test_golden();
	test_deep();
	test_large_table();
	test_misc();
	test_rows();
	xmlCleanupParser();
	return tap_done();
}
