/* html.c - the visible text of an HTML part (libxml2's HTML parser), with its line structure.
 *
 * Entities are decoded by the parser; script, style, head, template and comments are dropped;
 * block elements end lines; table cells are separated by a tab and rows by a newline; inline
 * elements add nothing, so 090-<b>1234</b>-5678 stays one number. The tree is walked
 * iteratively through parent pointers: no recursion, so nesting depth cannot exhaust the stack
 * and no depth limit (LG_HTML_MAX_DEPTH) is needed; the tree's size is bounded by the input's.
 * XML_PARSE_HUGE lifts libxml2's nesting limit (256), at which it would otherwise stop parsing
 * and silently drop the rest of the document: 300 nested divs would hide everything after them. */
#include "content/html.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "content/utf8.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "lg_log.h"

#define LG_HTML_MAX_INPUT INT_MAX	/* htmlReadMemory takes an int size */

#define LG_HTML_PARSE_OPTIONS (HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | \
			       HTML_PARSE_NONET | HTML_PARSE_COMPACT | XML_PARSE_HUGE)

enum html_kind {
	HK_INLINE,	/* text flows through: b, span, a, font, unknown elements */
	HK_SKIP,	/* not shown: the element and everything in it are dropped */
	HK_BLOCK,	/* starts and ends a line */
	HK_BR,		/* a line break */
	HK_CELL,	/* td, th: cells of a row, separated by a tab */
	HK_PRE		/* a block whose whitespace is kept */
};

static const struct {
	const char *name;
	enum html_kind kind;
} html_elements[] = {
	{ "script", HK_SKIP }, { "style", HK_SKIP }, { "head", HK_SKIP }, { "template", HK_SKIP },
	{ "title", HK_SKIP },
	{ "br", HK_BR }, { "td", HK_CELL }, { "th", HK_CELL },
	{ "pre", HK_PRE }, { "textarea", HK_PRE }, { "listing", HK_PRE }, { "xmp", HK_PRE },
	{ "plaintext", HK_PRE },
	{ "p", HK_BLOCK }, { "div", HK_BLOCK }, { "li", HK_BLOCK }, { "tr", HK_BLOCK },
	{ "table", HK_BLOCK }, { "blockquote", HK_BLOCK }, { "h1", HK_BLOCK }, { "h2", HK_BLOCK },
	{ "h3", HK_BLOCK }, { "h4", HK_BLOCK }, { "h5", HK_BLOCK }, { "h6", HK_BLOCK },
	{ "ul", HK_BLOCK }, { "ol", HK_BLOCK }, { "dl", HK_BLOCK }, { "dt", HK_BLOCK },
	{ "dd", HK_BLOCK }, { "hr", HK_BLOCK }, { "thead", HK_BLOCK }, { "tbody", HK_BLOCK },
	{ "tfoot", HK_BLOCK }, { "caption", HK_BLOCK }, { "section", HK_BLOCK },
	{ "article", HK_BLOCK }, { "header", HK_BLOCK }, { "footer", HK_BLOCK }, { "nav", HK_BLOCK },
	{ "aside", HK_BLOCK }, { "main", HK_BLOCK }, { "form", HK_BLOCK }, { "fieldset", HK_BLOCK },
	{ "legend", HK_BLOCK }, { "address", HK_BLOCK }, { "figure", HK_BLOCK },
	{ "figcaption", HK_BLOCK }, { "center", HK_BLOCK }, { "details", HK_BLOCK },
	{ "summary", HK_BLOCK }, { "option", HK_BLOCK }, { "body", HK_BLOCK }, { "html", HK_BLOCK },
	{ "noscript", HK_BLOCK }, { "frameset", HK_BLOCK }, { "noframes", HK_BLOCK },
};

/* The text being built and the separators waiting for the next visible character. */
struct html_text {
	struct lg_buf out;
	int space;	/* whitespace seen since the last character */
	size_t tabs;	/* cells ended on this line: their tabs go before the next text */
	long pre;	/* inside this many whitespace-keeping elements */
	/* table rows, when asked for */
	bool want_rows;
	struct lg_html_row *rows;
	size_t nrows, caprows;
	struct open_row {
		size_t start;	/* where its text begins */
		size_t inner;	/* rows recorded when it opened: more at its end means nested */
		unsigned table;
	} *open;
	size_t nopen, capopen;
	unsigned tables;	/* <table> elements seen */
	unsigned table;		/* the innermost open table's number */
};

/* is_element - the element's name, case-insensitively */
static bool is_element(const xmlNode *n, const char *name)
{
	return n->name && strcasecmp((const char *)n->name, name) == 0;
}

/* row_open - a <tr> begins (after its line was started) */
static void row_open(struct html_text *t)
{
	if (t->nopen == t->capopen)
		t->open = lg_realloc(t->open, (t->capopen = t->capopen ? t->capopen * 2 : 8) *
						      sizeof *t->open);
	t->open[t->nopen++] = (struct open_row){ t->out.len, t->nrows, t->table };
}

/* row_close - a </tr> (before its line is ended): listed when no row was listed inside it */
static void row_close(struct html_text *t)
{
	if (!t->nopen)
		return;
	struct open_row o = t->open[--t->nopen];
	if (t->nrows != o.inner || t->out.len == o.start)
		return;
	if (t->nrows == t->caprows)
		t->rows = lg_realloc(t->rows, (t->caprows = t->caprows ? t->caprows * 2 : 16) *
						      sizeof *t->rows);
	t->rows[t->nrows++] = (struct lg_html_row){ o.start, t->out.len, o.table };
}

/* element_kind - how an element shapes the text */
static enum html_kind element_kind(const xmlNode *n)
{
	const char *name = (const char *)n->name;

	if (!name)
		return HK_INLINE;
	for (size_t i = 0; i < sizeof html_elements / sizeof html_elements[0]; i++)
		if (strcasecmp(html_elements[i].name, name) == 0)
			return html_elements[i].kind;
	return HK_INLINE;
}

/* at_line_start - whether nothing has been written on the current line */
static int at_line_start(const struct html_text *t)
{
	return t->out.len == 0 || t->out.data[t->out.len - 1] == '\n';
}

/* line_end - end the current line unless it is empty; pending separators are dropped */
static void line_end(struct html_text *t)
{
	if (!at_line_start(t))
		lg_buf_putc(&t->out, '\n');
	t->space = 0;
	t->tabs = 0;
}

/* pending_tabs - write the tabs finished cells left for the next text on their row */
static void pending_tabs(struct html_text *t)
{
	for (; t->tabs > 0; t->tabs--)
		lg_buf_putc(&t->out, '\t');
	t->space = 0;
}

/* is_html_space - ASCII whitespace as HTML collapses it */
static int is_html_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* text_append - append a text node: whitespace runs collapse to one space between words */
static void text_append(struct html_text *t, const char *s, size_t len)
{
	size_t i = 0;

	if (t->pre > 0) {
		if (len > 0) {
			pending_tabs(t);
			lg_buf_append(&t->out, s, len);
		}
		return;
	}
	while (i < len) {
		if (is_html_space((unsigned char)s[i])) {
			t->space = 1;
			i++;
			continue;
		}
		size_t j = i;
		while (j < len && !is_html_space((unsigned char)s[j]))
			j++;
		if (t->tabs)
			pending_tabs(t);
		else if (t->space && !at_line_start(t) && t->out.data[t->out.len - 1] != '\t')
			lg_buf_putc(&t->out, ' ');
		t->space = 0;
		lg_buf_append(&t->out, s + i, j - i);
		i = j;
	}
}

/* node_enter - handle the start of a node; returns whether to walk its children */
static int node_enter(struct html_text *t, xmlNode *n)
{
	switch (n->type) {
	case XML_DOCUMENT_NODE:
	case XML_HTML_DOCUMENT_NODE:
		return 1;
	case XML_TEXT_NODE:
		if (n->content)
			text_append(t, (const char *)n->content, strlen((const char *)n->content));
		return 0;
	case XML_ELEMENT_NODE:
		break;
	default:	/* comments, CDATA (script and style bodies), processing instructions */
		return 0;
	}
	switch (element_kind(n)) {
	case HK_SKIP:
		return 0;
	case HK_INLINE:
		return 1;
	case HK_BR:
		lg_buf_putc(&t->out, '\n');
		t->space = 0;
		t->tabs = 0;
		return 0;
	case HK_CELL:
		return 1;
	case HK_PRE:
		line_end(t);
		t->pre++;
		return 1;
	case HK_BLOCK:
		line_end(t);
		if (t->want_rows && is_element(n, "table"))
			t->table = ++t->tables;
		else if (t->want_rows && is_element(n, "tr"))
			row_open(t);
		return 1;
	}
	return 1;
}

/* node_leave - handle the end of a node whose children (if walked) are done */
static void node_leave(struct html_text *t, xmlNode *n)
{
	if (n->type != XML_ELEMENT_NODE)
		return;
	switch (element_kind(n)) {
	case HK_CELL:
		t->tabs++;
		t->space = 0;
		break;
	case HK_PRE:
		t->pre--;
		line_end(t);
		break;
	case HK_BLOCK:
		if (t->want_rows && is_element(n, "tr"))
			row_close(t);
		line_end(t);
		break;
	case HK_INLINE:
	case HK_SKIP:
	case HK_BR:
		break;
	}
}

/* html_walk - visit the tree in document order without recursion */
static void html_walk(struct html_text *t, xmlNode *root)
{
	xmlNode *n = root;

	while (n) {
		if (node_enter(t, n) && n->children) {
			n = n->children;
			continue;
		}
		/* n is finished: leave it, and every ancestor whose last child it was */
		for (;;) {
			node_leave(t, n);
			if (n == root)
				return;
			if (n->next) {
				n = n->next;
				break;
			}
			n = n->parent;
			if (!n)
				return;
		}
	}
}

/* lg_html_to_text - the visible text of UTF-8 HTML */
char *lg_html_to_text(const char *utf8, size_t len, size_t *out_len)
{
	return lg_html_to_text_rows(utf8, len, out_len, NULL, NULL);
}

/* lg_html_to_text_rows - the visible text of UTF-8 HTML and, if rows is not NULL, its table rows */
char *lg_html_to_text_rows(const char *utf8, size_t len, size_t *out_len, struct lg_html_row **rows,
			   size_t *nrows)
{
	struct html_text t = { .out = LG_BUF_INIT, .want_rows = rows != NULL };
	struct lg_buf fixed = LG_BUF_INIT;
	const char *html = utf8;

	if (out_len)
		*out_len = 0;
	if (rows)
		*rows = NULL, *nrows = 0;
	if (!utf8 || len == 0)
		return NULL;
	if (len > LG_HTML_MAX_INPUT) {
		lg_warning("html: %zu bytes, only the first %d parsed", len, LG_HTML_MAX_INPUT);
		len = LG_HTML_MAX_INPUT;
	}
	/* invalid bytes would reach the tree (and our output) unconverted */
	if (!lg_utf8_is_valid(utf8, len)) {
		lg_utf8_repair_append(&fixed, utf8, len);
		html = fixed.data;
		len = fixed.len < LG_HTML_MAX_INPUT ? fixed.len : LG_HTML_MAX_INPUT;
	}
	xmlInitParser();	/* idempotent; normally done once at startup */
	/* the encoding is given so that a <meta charset> cannot re-decode converted text */
	htmlDocPtr doc = htmlReadMemory(html, (int)len, NULL, "UTF-8", LG_HTML_PARSE_OPTIONS);
	lg_buf_free(&fixed);
	if (!doc)
		return NULL;
	html_walk(&t, (xmlNode *)doc);
	xmlFreeDoc(doc);
	free(t.open);
	while (t.out.len > 0 && (t.out.data[t.out.len - 1] == '\n' ||
				 t.out.data[t.out.len - 1] == '\t'))
		t.out.data[--t.out.len] = '\0';
	if (rows) {
		for (size_t i = 0; i < t.nrows; i++) {	/* the trimmed end may cut the last rows */
			if (t.rows[i].end > t.out.len)
				t.rows[i].end = t.out.len;
			if (t.rows[i].start > t.rows[i].end)
				t.rows[i].start = t.rows[i].end;
		}
		*rows = t.rows;
		*nrows = t.nrows;
	} else {
		free(t.rows);
	}
	lg_buf_append(&t.out, "", 0);	/* lg_buf_steal does not terminate a reserved buffer */
	return lg_buf_steal(&t.out, out_len);
}
