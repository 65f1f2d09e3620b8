/* zipparts.c - the zip and XML plumbing under the OOXML and ODF extractors: list a zip held in
 * memory, stream one entry under member_size / archive_ratio / the time budget, parse it with
 * libxml2's streaming reader or, for the large parts, its SAX2 parser, and hand text on as
 * valid UTF-8.
 *
 * libarchive reads a zip front to back, but the extractors need parts in their own order (Excel
 * writes sharedStrings.xml after the sheets that use it). So the listing is made once, and each
 * part is read by opening the archive again and skipping to it: cheap, because with a seekable
 * source libarchive reads the central directory and skips by seeking. That directory is loaded
 * whole at every open, so lg_zip_open first refuses one with more entries than archive_members
 * allows (archive_precheck.c). */
#include "content/zipparts.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "content/archive_precheck.h"
#include "content/utf8.h"
#include "lg_alloc.h"
#include "lg_log.h"

struct lg_zip_stream {
	struct archive *a;
	struct lg_zip *z;
	const char *name;
	uint64_t out;		/* decompressed bytes handed out so far */
	int64_t in0;		/* compressed bytes consumed before the entry's data */
	bool end;
};

/* zip_new_reader - a libarchive reader for the zip formats only, opened on z's bytes */
static struct archive *zip_new_reader(const struct lg_zip *z, const char **err)
{
	struct archive *a = archive_read_new();
	if (!a)
		lg_fatal("libarchive: out of memory");
	/* both zip readers: the seekable one (central directory) wins on an intact file; the
	 * streaming one still reads the entries of a truncated file */
	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, z->data, z->len) != ARCHIVE_OK) {
		*err = archive_error_string(a);
		return a;
	}
	*err = NULL;
	return a;
}

/* lg_zip_open - list the entries (a partial listing is kept and its problem reported later) */
bool lg_zip_open(struct lg_zip *z, const char *data, size_t len, const struct lg_ex_limits *lim,
		 struct lg_ex_result *r)
{
	memset(z, 0, sizeof *z);
	z->data = data;
	z->len = len;
	z->lim = lim;
	z->r = r;
	if (!data || len == 0) {
		lg_ex_set(r, LG_EX_CORRUPT, "corrupt", "empty input");
		return false;
	}
	/* the seekable reader loads the whole central directory, here and at every part opened:
	 * refuse one with more entries than archive_members allows before it does */
	if (!lg_precheck_zip(data, len, lim, r))
		return false;

	const char *err;
	struct archive *a = zip_new_reader(z, &err);
	if (err) {
		lg_ex_set(r, LG_EX_CORRUPT, "corrupt", "not a zip: %s", err);
		archive_read_free(a);
		return false;
	}
	size_t cap = 0;
	for (;;) {
		struct archive_entry *e;
		int rc = archive_read_next_header(a, &e);
		if (rc == ARCHIVE_EOF)
			break;
		if (rc < ARCHIVE_WARN) {
			z->pending = LG_EX_CORRUPT;
			snprintf(z->pending_detail, sizeof z->pending_detail, "zip: %s",
				 archive_error_string(a) ? archive_error_string(a) : "unreadable");
			break;
		}
		if (z->n >= lim->members) {
			z->pending = LG_EX_LIMIT;
			snprintf(z->pending_detail, sizeof z->pending_detail,
				 "more than %u zip entries", lim->members);
			break;
		}
		if (z->n == cap) {
			cap = cap ? cap * 2 : 32;
			z->entries = lg_realloc(z->entries, cap * sizeof *z->entries);
		}
		const char *name = archive_entry_pathname(e);
		z->entries[z->n].name = lg_strdup(name ? name : "");
		z->entries[z->n].encrypted = archive_entry_is_encrypted(e) > 0;
		z->n++;
	}
	archive_read_free(a);
	if (z->n == 0) {
		lg_zip_settle(z);
		lg_ex_set(r, LG_EX_CORRUPT, "corrupt", "zip without entries");
		return false;
	}
	return true;
}

/* lg_zip_settle - report now a problem met while listing (a truncated or oversized zip) */
void lg_zip_settle(struct lg_zip *z)
{
	if (z->pending == LG_EX_CORRUPT)
		lg_ex_set(z->r, LG_EX_CORRUPT, "corrupt", "%s", z->pending_detail);
	else if (z->pending == LG_EX_LIMIT)
		lg_ex_set(z->r, LG_EX_LIMIT, "limit:archive_members", "%s", z->pending_detail);
	z->pending = LG_EX_OK;
}

/* lg_zip_close - settle the listing's problem and free the entry list */
void lg_zip_close(struct lg_zip *z)
{
	if (z->r)
		lg_zip_settle(z);
	for (size_t i = 0; i < z->n; i++)
		free(z->entries[i].name);
	free(z->entries);
	z->entries = NULL;
	z->n = 0;
}

/* lg_zip_find - entry index by name */
long lg_zip_find(const struct lg_zip *z, const char *name)
{
	for (size_t i = 0; i < z->n; i++)
		if (strcasecmp(z->entries[i].name, name) == 0)
			return (long)i;
	return -1;
}

struct numbered {
	size_t idx;
	unsigned long num;
};

/* numbered_cmp - qsort order: by number, then by position in the zip */
static int numbered_cmp(const void *a, const void *b)
{
	const struct numbered *x = a, *y = b;
	if (x->num != y->num)
		return x->num < y->num ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* lg_zip_find_numbered - entries named prefix + digits + suffix, in number order */
size_t lg_zip_find_numbered(const struct lg_zip *z, const char *prefix, const char *suffix,
			    size_t **out)
{
	size_t pl = strlen(prefix), sl = strlen(suffix), n = 0;
	struct numbered *v = lg_calloc(z->n ? z->n : 1, sizeof *v);

	for (size_t i = 0; i < z->n; i++) {
		const char *name = z->entries[i].name;
		size_t len = strlen(name);
		if (len < pl + sl || strncasecmp(name, prefix, pl) != 0 ||
		    strcasecmp(name + len - sl, suffix) != 0)
			continue;
		unsigned long num = 0;
		size_t j = pl;
		for (; j < len - sl && name[j] >= '0' && name[j] <= '9'; j++)
			num = num < 100000000ul ? num * 10 + (unsigned long)(name[j] - '0') : num;
		if (j != len - sl)
			continue;	/* something other than digits between them */
		v[n].idx = i;
		v[n].num = num;
		n++;
	}
	qsort(v, n, sizeof *v, numbered_cmp);
	*out = lg_calloc(n ? n : 1, sizeof **out);
	for (size_t i = 0; i < n; i++)
		(*out)[i] = v[i].idx;
	free(v);
	return n;
}

/* lg_zip_stream_open - reopen the archive and move to entry idx */
struct lg_zip_stream *lg_zip_stream_open(struct lg_zip *z, size_t idx)
{
	const char *err;
	const char *name = z->entries[idx].name;

	if (z->entries[idx].encrypted) {
		lg_ex_set(z->r, LG_EX_ENCRYPTED, "encrypted", "zip entry %s is encrypted", name);
		return NULL;
	}
	struct archive *a = zip_new_reader(z, &err);
	if (err) {
		lg_ex_set(z->r, LG_EX_CORRUPT, "corrupt", "zip: %s", err);
		archive_read_free(a);
		return NULL;
	}
	struct archive_entry *e = NULL;
	for (size_t i = 0; i <= idx; i++) {
		int rc = archive_read_next_header(a, &e);
		if (rc < ARCHIVE_WARN || rc == ARCHIVE_EOF) {
			lg_ex_set(z->r, LG_EX_CORRUPT, "corrupt", "zip: %s",
				  archive_error_string(a) ? archive_error_string(a)
							  : "entry vanished");
			archive_read_free(a);
			return NULL;
		}
	}
	const char *got = archive_entry_pathname(e);
	if (!got || strcmp(got, name) != 0) {
		lg_ex_set(z->r, LG_EX_CORRUPT, "corrupt", "zip: entry %zu is not %s", idx, name);
		archive_read_free(a);
		return NULL;
	}
	struct lg_zip_stream *s = lg_calloc(1, sizeof *s);
	s->a = a;
	s->z = z;
	s->name = name;
	s->in0 = archive_filter_bytes(a, -1);
	return s;
}

/* lg_zip_stream_read - the next decompressed bytes, with the limits applied as they stream */
long lg_zip_stream_read(struct lg_zip_stream *s, char *buf, size_t n)
{
	struct lg_zip *z = s->z;
	const struct lg_ex_limits *lim = z->lim;

	if (s->end || n == 0)
		return 0;
	if (z->r->status != LG_EX_OK || lg_ex_late(lim, z->r))
		return -1;
	la_ssize_t got = archive_read_data(s->a, buf, n);
	if (got < 0) {
		const char *msg = archive_error_string(s->a);
		if (msg && strstr(msg, "assphrase"))	/* "Passphrase required for this entry" */
			lg_ex_set(z->r, LG_EX_ENCRYPTED, "encrypted", "%s: %s", s->name, msg);
		else
			lg_ex_set(z->r, LG_EX_CORRUPT, "corrupt", "%s: %s", s->name,
				  msg ? msg : "unreadable");
		return -1;
	}
	if (got == 0) {
		s->end = true;
		return 0;
	}
	s->out += (uint64_t)got;
	if (s->out > lim->member_size) {
		lg_ex_set(z->r, LG_EX_LIMIT, "limit:member_size", "%s: more than %zu bytes",
			  s->name, lim->member_size);
		return -1;
	}
	if (s->out > LG_ZIP_RATIO_FLOOR) {
		int64_t in = archive_filter_bytes(s->a, -1) - s->in0;
		uint64_t base = in > 0 ? (uint64_t)in : z->len;
		if (s->out / base > lim->ratio) {
			lg_ex_set(z->r, LG_EX_LIMIT, "limit:archive_ratio",
				  "%s: %llu bytes from %llu (more than %u:1)", s->name,
				  (unsigned long long)s->out, (unsigned long long)base, lim->ratio);
			return -1;
		}
	}
	return (long)got;
}

/* lg_zip_stream_close - free the reader */
void lg_zip_stream_close(struct lg_zip_stream *s)
{
	if (!s)
		return;
	archive_read_free(s->a);
	free(s);
}

/* lg_zip_read_small - a whole (small) entry into out */
bool lg_zip_read_small(struct lg_zip *z, size_t idx, size_t max, struct lg_buf *out)
{
	struct lg_zip_stream *s = lg_zip_stream_open(z, idx);
	char buf[4096];
	long n;

	if (!s)
		return false;
	lg_buf_reset(out);
	while ((n = lg_zip_stream_read(s, buf, sizeof buf)) > 0) {
		if (out->len + (size_t)n > max) {
			lg_ex_set(z->r, LG_EX_CORRUPT, "corrupt", "%s: larger than %zu bytes",
				  s->name, max);
			n = -1;
			break;
		}
		lg_buf_append(out, buf, (size_t)n);
	}
	lg_zip_stream_close(s);
	lg_buf_append(out, "", 0);
	return n == 0;
}

/* ---- XML ---------------------------------------------------------------------------------- */

/* Parser options: no network, no entity substitution, no DTD loading; libxml2's own limits on
 * text node size, depth and entity amplification stay in force (no XML_PARSE_HUGE). */
#define LG_ZIP_XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_COMPACT)

/* xml_read - libxml2 input callback: the next bytes of the part */
static int xml_read(void *ctx, char *buf, int len)
{
	struct lg_zip_xml *x = ctx;
	if (len <= 0)
		return 0;
	long n = lg_zip_stream_read(x->s, buf, (size_t)len);
	return n < 0 ? -1 : (int)n;
}

/* xml_error - libxml2 error callback: keep the first error (warnings are ignored) */
static void xml_error(void *arg, const char *msg, xmlParserSeverities severity,
		      xmlTextReaderLocatorPtr loc)
{
	struct lg_zip_xml *x = arg;

	if (severity != XML_PARSER_SEVERITY_ERROR && severity != XML_PARSER_SEVERITY_VALIDITY_ERROR)
		return;
	if (!x->failed) {
		size_t n = msg ? strlen(msg) : 0;
		while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			n--;
		snprintf(x->err, sizeof x->err, "line %d: %.*s",
			 loc ? xmlTextReaderLocatorLineNumber(loc) : 0, (int)n, msg ? msg : "");
	}
	x->failed = true;
}

/* lg_zip_xml_open - a streaming reader over entry idx */
bool lg_zip_xml_open(struct lg_zip_xml *x, struct lg_zip *z, size_t idx)
{
	memset(x, 0, sizeof *x);
	x->r = z->r;
	x->lim = z->lim;
	x->part = z->entries[idx].name;
	x->s = lg_zip_stream_open(z, idx);
	if (!x->s)
		return false;
	x->reader = xmlReaderForIO(xml_read, NULL, x, x->part, NULL, LG_ZIP_XML_OPTIONS);
	if (!x->reader) {
		lg_ex_set(x->r, LG_EX_CORRUPT, "corrupt", "%s: cannot start the XML reader",
			  x->part);
		lg_zip_stream_close(x->s);
		x->s = NULL;
		return false;
	}
	xmlTextReaderSetErrorHandler(x->reader, xml_error, x);
	return true;
}

/* xml_next_node - next node; a DTD, a parse error or a limit ends the part */
static int xml_next_node(struct lg_zip_xml *x)
{
	if (!x->reader)
		return -1;
	if (++x->nodes % LG_ZIP_XML_CHECK_NODES == 0 && lg_ex_late(x->lim, x->r))
		return -1;
	int rc = xmlTextReaderRead(x->reader);
	if (rc == 1 && !x->failed) {
		if (xmlTextReaderNodeType(x->reader) != XML_READER_TYPE_DOCUMENT_TYPE)
			return 1;
		/* neither OOXML nor ODF has one; refusing it keeps entity tricks out */
		lg_ex_set(x->r, LG_EX_CORRUPT, "corrupt", "%s: XML part with a DTD", x->part);
		return -1;
	}
	if (rc == 0 && !x->failed)
		return 0;
	/* a limit hit in xml_read was recorded first and wins over libxml2's I/O error */
	lg_ex_set(x->r, LG_EX_CORRUPT, "corrupt", "%s: %s", x->part,
		  x->failed ? x->err : "XML parse error");
	return -1;
}

/* lg_zip_xml_next - next node, past the rest of an element being skipped */
int lg_zip_xml_next(struct lg_zip_xml *x)
{
	for (;;) {
		int rc = xml_next_node(x);
		if (rc != 1 || !x->skipping)
			return rc;
		/* the skipped element's end tag is consumed too */
		if (xmlTextReaderNodeType(x->reader) == XML_READER_TYPE_END_ELEMENT &&
		    xmlTextReaderDepth(x->reader) == x->skip_depth)
			x->skipping = false;
	}
}

/* lg_zip_xml_skip - read on past the current element's end tag */
void lg_zip_xml_skip(struct lg_zip_xml *x)
{
	if (xmlTextReaderIsEmptyElement(x->reader))
		return;
	x->skipping = true;
	x->skip_depth = xmlTextReaderDepth(x->reader);
}

/* lg_zip_xml_is_text - text, CDATA and white space nodes */
bool lg_zip_xml_is_text(int type)
{
	return type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
	       type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
	       type == XML_READER_TYPE_WHITESPACE;
}

/* lg_zip_xml_close - free the reader, then the stream it read from */
void lg_zip_xml_close(struct lg_zip_xml *x)
{
	if (x->reader)
		xmlFreeTextReader(x->reader);
	x->reader = NULL;
	lg_zip_stream_close(x->s);
	x->s = NULL;
}

/* lg_zip_xml_attr - attribute value by local name */
const char *lg_zip_xml_attr(struct lg_zip_xml *x, const char *localname)
{
	const char *val = NULL;

	if (xmlTextReaderMoveToFirstAttribute(x->reader) != 1)
		return NULL;
	do {
		const xmlChar *ln = xmlTextReaderConstLocalName(x->reader);
		if (ln && strcmp((const char *)ln, localname) == 0) {
			val = (const char *)xmlTextReaderConstValue(x->reader);
			break;
		}
	} while (xmlTextReaderMoveToNextAttribute(x->reader) == 1);
	xmlTextReaderMoveToElement(x->reader);
	return val;
}

/* ---- XML, SAX2 parser --------------------------------------------------------------------- */

struct lg_zip_sax {
	const struct lg_zip_sax_cb *cb;
	void *arg;
	xmlParserCtxtPtr ctxt;
	struct lg_zip_stream *s;	/* the part, inflating as libxml2 reads it */
	struct lg_ex_result *r;
	const char *part;
	int depth;		/* open elements */
	int skip_depth;		/* lg_zip_sax_skip: the skipped element's depth, 0 for none */
	size_t run;		/* bytes in the current run of character data */
	bool run_cdata;		/* that run is CDATA */
	bool stopped;		/* a callback, a limit or an error ended the parse: ignore the rest */
	bool failed;		/* libxml2 (or a guard of ours) reported an error: err */
	char err[160];
	/* the element cb->start is called for */
	int nns, nattrs;
	const xmlChar **ns, **attrs;
	struct lg_buf attr;	/* an attribute value with "&#38;" decoded */
};

/* sax_stop - ignore the rest of the part, and have libxml2 stop reading it */
static void sax_stop(struct lg_zip_sax *x)
{
	x->stopped = true;
	if (x->ctxt)
		xmlStopParser(x->ctxt);
}

/* sax_fail - record the first error (libxml2's words, with the line) and stop */
static void sax_fail(struct lg_zip_sax *x, int line, const char *msg)
{
	if (!x->failed) {
		size_t n = msg ? strlen(msg) : 0;
		while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			n--;
		snprintf(x->err, sizeof x->err, "line %d: %.*s", line, (int)n, msg ? msg : "");
	}
	x->failed = true;
	sax_stop(x);
}

/* sax_error - libxml2 structured error callback: errors end the part, warnings do not */
static void sax_error(void *ctx, xmlErrorPtr e)
{
	struct lg_zip_sax *x = ctx;

	if (!e || e->level < XML_ERR_ERROR || x->stopped)
		return;
	sax_fail(x, e->line, e->message);
}

/* sax_line - the line the parser is on, for the guards' messages */
static int sax_line(struct lg_zip_sax *x)
{
	return x->ctxt && x->ctxt->input ? x->ctxt->input->line : 0;
}

/* sax_too_deep - the depth guard's error, in libxml2's words (out of the per-element path) */
static __attribute__((noinline, cold)) void sax_too_deep(struct lg_zip_sax *x)
{
	char msg[96];
	snprintf(msg, sizeof msg, "Excessive depth in document: %d use XML_PARSE_HUGE option",
		 LG_ZIP_SAX_MAX_DEPTH);
	sax_fail(x, sax_line(x), msg);
}

/* sax_start - an element begins: the depth guard, then cb->start unless skipping */
static void sax_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
		      const xmlChar *uri, int nns, const xmlChar **ns, int nattrs, int ndefaulted,
		      const xmlChar **attrs)
{
	struct lg_zip_sax *x = ctx;
	(void)prefix;
	(void)uri;
	(void)ndefaulted;

	if (x->stopped)
		return;
	x->run = 0;
	/* the tree builder refuses an element below LG_ZIP_SAX_MAX_DEPTH + 1 others */
	if (++x->depth > LG_ZIP_SAX_MAX_DEPTH + 1) {
		sax_too_deep(x);
		return;
	}
	if (x->skip_depth || !x->cb->start)
		return;
	x->nns = nns;
	x->ns = ns;
	x->nattrs = nattrs;
	x->attrs = attrs;
	if (!x->cb->start(x->arg, x, (const char *)localname))
		sax_stop(x);
	x->nns = x->nattrs = 0;
}

/* sax_end - an element ends: cb->end, unless it is (inside) a skipped element */
static void sax_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
		    const xmlChar *uri)
{
	struct lg_zip_sax *x = ctx;
	(void)prefix;
	(void)uri;

	if (x->stopped)
		return;
	x->run = 0;
	int depth = x->depth--;
	if (x->skip_depth) {
		if (depth == x->skip_depth)
			x->skip_depth = 0;	/* its end tag is left out too */
		return;
	}
	if (x->cb->end && !x->cb->end(x->arg, (const char *)localname))
		sax_stop(x);
}

/* sax_chars_run - character data (text, white space, CDATA): the run-length guard, then
 * cb->text */
static void sax_chars_run(struct lg_zip_sax *x, const xmlChar *s, int len, bool cdata)
{
	if (x->stopped || len <= 0)
		return;
	if (x->run_cdata != cdata) {
		x->run = 0;	/* a text node after a CDATA node, or the other way round */
		x->run_cdata = cdata;
	}
	if (x->run + (size_t)len > LG_ZIP_SAX_MAX_TEXT) {
		sax_fail(x, sax_line(x), "xmlSAX2Characters: huge text node");
		return;
	}
	x->run += (size_t)len;
	if (x->skip_depth || !x->cb->text)
		return;
	if (!x->cb->text(x->arg, (const char *)s, (size_t)len))
		sax_stop(x);
}

/* sax_chars - libxml2 characters and ignorableWhitespace callback */
static void sax_chars(void *ctx, const xmlChar *s, int len)
{
	sax_chars_run(ctx, s, len, false);
}

/* sax_cdata - libxml2 cdataBlock callback */
static void sax_cdata(void *ctx, const xmlChar *s, int len)
{
	sax_chars_run(ctx, s, len, true);
}

/* sax_comment - comment callback: ends a run of character data */
static void sax_comment(void *ctx, const xmlChar *value)
{
	struct lg_zip_sax *x = ctx;
	(void)value;
	x->run = 0;
}

/* sax_pi - processing instruction callback: ends a run of character data */
static void sax_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
	struct lg_zip_sax *x = ctx;
	(void)target;
	(void)data;
	x->run = 0;
}

/* sax_dtd - a DOCTYPE: neither OOXML nor ODF has one; refusing it keeps entity tricks out */
static void sax_dtd(void *ctx, const xmlChar *name, const xmlChar *external_id,
		    const xmlChar *system_id)
{
	struct lg_zip_sax *x = ctx;
	(void)name;
	(void)external_id;
	(void)system_id;

	if (x->stopped)
		return;
	lg_ex_set(x->r, LG_EX_CORRUPT, "corrupt", "%s: XML part with a DTD", x->part);
	sax_stop(x);	/* its internal subset is not even parsed */
}

/* sax_name_eq - does the name libxml2 gave equal s (cell attribute names are a byte or two:
 * compared in place rather than by a call to strcmp) */
static inline bool sax_name_eq(const xmlChar *name, const char *s)
{
	while (*s && *name == (xmlChar)*s) {
		name++;
		s++;
	}
	return *name == (xmlChar)*s;
}

/* sax_has_amp - is there a '&' in the n bytes at v (short values looked at in place) */
static inline bool sax_has_amp(const char *v, size_t n)
{
	if (n > 16)
		return memchr(v, '&', n) != NULL;
	for (size_t i = 0; i < n; i++)
		if (v[i] == '&')
			return true;
	return false;
}

/* sax_attr_value - an attribute's value (a: libxml2's five pointers), "&#38;" decoded into b
 * when it has any */
static inline const char *sax_attr_value(struct lg_buf *b, const xmlChar *const *a, size_t *len)
{
	const char *v = (const char *)a[3];
	size_t n = (size_t)(a[4] - a[3]);

	if (!sax_has_amp(v, n)) {
		*len = n;
		return v;
	}
	/* without entity substitution libxml2 hands a '&' in a value on as "&#38;" for the tree
	 * builder to decode; nothing else in a parsed value starts with '&' */
	lg_buf_reset(b);
	for (size_t j = 0; j < n; j++) {
		lg_buf_append(b, v + j, 1);
		if (v[j] == '&' && n - j >= 5 && memcmp(v + j, "&#38;", 5) == 0)
			j += 4;
	}
	*len = b->len;
	return lg_buf_cstr(b);
}

/* sax_ns_value - the namespace declaration whose prefix ("xmlns" for the default one) is
 * localname, as lg_zip_sax_attr gives it, or NULL */
static const char *sax_ns_value(struct lg_zip_sax *x, const char *localname, size_t *len)
{
	for (int i = 0; i < x->nns; i++) {
		const xmlChar *prefix = x->ns[2 * i], *uri = x->ns[2 * i + 1];
		if (strcmp(prefix ? (const char *)prefix : "xmlns", localname) == 0) {
			*len = uri ? strlen((const char *)uri) : 0;
			return uri ? (const char *)uri : "";
		}
	}
	return NULL;
}

/* lg_zip_sax_attr - attribute by local name: namespace declarations (by prefix) first, then
 * attributes, as the reader lists them */
const char *lg_zip_sax_attr(struct lg_zip_sax *x, const char *localname, size_t *len)
{
	const char *v = x->nns ? sax_ns_value(x, localname, len) : NULL;

	for (int i = 0; !v && i < x->nattrs; i++) {
		const xmlChar *const *a = x->attrs + 5 * i;	/* local name, prefix, URI, value, end */
		if (sax_name_eq(a[0], localname))
			v = sax_attr_value(&x->attr, a, len);
	}
	return v;
}

/* lg_zip_sax_attr2 - two attributes in one pass over the element's, each found as
 * lg_zip_sax_attr finds it, the values as libxml2 gave them */
void lg_zip_sax_attr2(struct lg_zip_sax *x, const char *name1, const char **v1, size_t *len1,
		      const char *name2, const char **v2, size_t *len2)
{
	*v1 = *v2 = NULL;
	*len1 = *len2 = 0;
	if (x->nns) {
		*v1 = sax_ns_value(x, name1, len1);
		*v2 = sax_ns_value(x, name2, len2);
	}
	for (int i = 0; i < x->nattrs && (!*v1 || !*v2); i++) {
		const xmlChar *const *a = x->attrs + 5 * i;
		if (!*v1 && sax_name_eq(a[0], name1)) {
			*v1 = (const char *)a[3];
			*len1 = (size_t)(a[4] - a[3]);
		} else if (!*v2 && sax_name_eq(a[0], name2)) {
			*v2 = (const char *)a[3];
			*len2 = (size_t)(a[4] - a[3]);
		}
	}
}

/* lg_zip_sax_skip - leave out the current element */
void lg_zip_sax_skip(struct lg_zip_sax *x)
{
	x->skip_depth = x->depth;
}

/* sax_read - libxml2 input callback: the next bytes of the part (-1 on an error or a limit, r
 * set by the stream); nothing more once a callback or a guard has stopped the parse */
static int sax_read(void *ctx, char *buf, int len)
{
	struct lg_zip_sax *x = ctx;

	if (x->stopped || len <= 0)
		return 0;
	long n = lg_zip_stream_read(x->s, buf, (size_t)len);
	if (n < 0) {
		x->stopped = true;	/* r says why; libxml2's I/O error adds nothing (and
					 * xmlStopParser inside its read would free its buffer) */
		return -1;
	}
	return (int)n;
}

/* lg_zip_sax_parse - stream entry idx through libxml2's SAX2 parser; libxml2 pulls the part as
 * it inflates (its pull mode: about a tenth fewer instructions than feeding its push parser) */
bool lg_zip_sax_parse(struct lg_zip *z, size_t idx, const struct lg_zip_sax_cb *cb, void *arg)
{
	struct lg_zip_sax x;
	xmlSAXHandler sax;

	memset(&x, 0, sizeof x);
	x.cb = cb;
	x.arg = arg;
	x.r = z->r;
	x.part = z->entries[idx].name;
	x.s = lg_zip_stream_open(z, idx);
	if (!x.s)
		return false;

	memset(&sax, 0, sizeof sax);
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = sax_start;
	sax.endElementNs = sax_end;
	sax.characters = sax_chars;
	sax.ignorableWhitespace = sax_chars;
	sax.cdataBlock = sax_cdata;
	sax.comment = sax_comment;
	sax.processingInstruction = sax_pi;
	sax.internalSubset = sax_dtd;
	sax.serror = sax_error;
	/* no getEntity, entityDecl or externalSubset: nothing is declared, loaded or expanded */

	/* as xmlReaderForIO does: the first bytes pick the encoding, then the options apply */
	x.ctxt = xmlCreateIOParserCtxt(&sax, &x, sax_read, NULL, &x, XML_CHAR_ENCODING_NONE);
	if (!x.ctxt) {
		if (x.r->status == LG_EX_OK)
			lg_ex_set(x.r, LG_EX_CORRUPT, "corrupt", "%s: cannot start the XML parser",
				  x.part);
		lg_zip_stream_close(x.s);
		return false;
	}
	xmlCtxtUseOptions(x.ctxt, LG_ZIP_XML_OPTIONS);
	xmlParseDocument(x.ctxt);
	if (!x.stopped && !x.ctxt->wellFormed)
		sax_fail(&x, sax_line(&x), "XML parse error");	/* an error that bypassed sax_error */
	if (x.failed)
		lg_ex_set(x.r, LG_EX_CORRUPT, "corrupt", "%s: %s", x.part, x.err);
	/* libxml2 makes a document of its own to hold entity declarations in SAX mode ("expat
	 * compatibility"); the context does not free it */
	if (x.ctxt->myDoc)
		xmlFreeDoc(x.ctxt->myDoc);
	xmlFreeParserCtxt(x.ctxt);
	lg_buf_free(&x.attr);
	lg_zip_stream_close(x.s);
	return !x.stopped;
}

/* ---- emission ----------------------------------------------------------------------------- */

/* lg_zip_emit_text - emit one text block, repaired if it is not valid UTF-8 */
int lg_zip_emit_text(const struct lg_ex_out *out, const struct lg_ex_limits *lim,
		     struct lg_ex_result *r, struct lg_buf *scratch, const char *s, size_t len)
{
	if (len == 0)
		return 0;
	if (!lg_utf8_is_valid(s, len)) {
		lg_buf_reset(scratch);
		lg_utf8_repair_append(scratch, s, len);
		s = scratch->data;
		len = scratch->len;
	}
	return lg_ex_emit_text(out, lim, r, s, len);
}

/* lg_zip_emit_row - emit one row; cells that are not valid UTF-8 are repaired into scratch */
int lg_zip_emit_row(const struct lg_ex_out *out, const struct lg_ex_limits *lim,
		    struct lg_ex_result *r, struct lg_buf *scratch, const char *const *cells,
		    const size_t *lens, size_t ncells)
{
	bool valid = true;
	for (size_t i = 0; i < ncells && valid; i++)
		valid = lg_utf8_is_valid(cells[i], lens[i]);
	if (valid)
		return lg_ex_emit_row(out, lim, r, cells, lens, ncells);

	/* rebuild every cell into scratch (NUL-terminated), then point into it */
	size_t *offs = lg_calloc(ncells, sizeof *offs);
	size_t *fixed = lg_calloc(ncells, sizeof *fixed);
	const char **ptrs = lg_calloc(ncells, sizeof *ptrs);
	lg_buf_reset(scratch);
	for (size_t i = 0; i < ncells; i++) {
		offs[i] = scratch->len;
		lg_utf8_repair_append(scratch, cells[i], lens[i]);
		fixed[i] = scratch->len - offs[i];
		lg_buf_append(scratch, "", 1);
	}
	for (size_t i = 0; i < ncells; i++)
		ptrs[i] = scratch->data + offs[i];
	int rc = lg_ex_emit_row(out, lim, r, ptrs, fixed, ncells);
	free(offs);
	free(fixed);
	free(ptrs);
	return rc;
}

/* lg_zip_budget - would pending bytes of held text overrun the text budget? */
bool lg_zip_budget(const struct lg_ex_limits *lim, struct lg_ex_result *r, size_t pending)
{
	if (r->text_bytes + pending <= lim->text_size)
		return true;
	lg_ex_set(r, LG_EX_LIMIT, "limit:text_size", "more than %zu bytes of text", lim->text_size);
	return false;
}

/* lg_zip_emit_table - announce a table or sheet */
int lg_zip_emit_table(const struct lg_ex_out *out, struct lg_ex_result *r,
		      struct lg_buf *scratch, const char *name)
{
	if (!out->table)
		return 0;
	if (name && !lg_utf8_is_valid(name, strlen(name))) {
		lg_buf_reset(scratch);
		lg_utf8_repair_append(scratch, name, strlen(name));
		name = lg_buf_cstr(scratch);
	}
	if (out->table(out->arg, name)) {
		lg_ex_set(r, LG_EX_STOPPED, "stopped", NULL);
		return 1;
	}
	return 0;
}

/* ---- rows --------------------------------------------------------------------------------- */

/* lg_zip_row_reset - forget the cells */
void lg_zip_row_reset(struct lg_zip_row *row)
{
	lg_buf_reset(&row->text);
	row->n = 0;
}

/* lg_zip_row_add - append a cell holding s */
void lg_zip_row_add(struct lg_zip_row *row, const char *s, size_t len)
{
	if (row->n == row->cap) {
		row->cap = row->cap ? row->cap * 2 : 16;
		row->off = lg_realloc(row->off, row->cap * sizeof *row->off);
		row->len = lg_realloc(row->len, row->cap * sizeof *row->len);
	}
	row->off[row->n] = row->text.len;
	row->len[row->n] = len;
	if (row->text.cap - row->text.len <= len + 1)
		lg_buf_reserve(&row->text, len + 1);	/* the cell and its NUL, copied once */
	memcpy(row->text.data + row->text.len, s, len);
	row->text.len += len;
	row->text.data[row->text.len++] = '\0';	/* keep every cell NUL-terminated */
	row->text.data[row->text.len] = '\0';
	row->n++;
}

/* lg_zip_row_extend - append s to the last cell (a new cell if there is none) */
void lg_zip_row_extend(struct lg_zip_row *row, const char *s, size_t len)
{
	if (row->n == 0) {
		lg_zip_row_add(row, s, len);
		return;
	}
	row->text.len--;	/* drop the last cell's NUL */
	lg_buf_append(&row->text, s, len);
	lg_buf_append(&row->text, "", 1);
	row->len[row->n - 1] += len;
}

/* lg_zip_row_blank - no cell has text */
bool lg_zip_row_blank(const struct lg_zip_row *row)
{
	for (size_t i = 0; i < row->n; i++)
		if (row->len[i])
			return false;
	return true;
}

/* lg_zip_row_emit - emit the row without its trailing empty cells */
int lg_zip_row_emit(struct lg_zip_row *row, const struct lg_ex_out *out,
		    const struct lg_ex_limits *lim, struct lg_ex_result *r, struct lg_buf *scratch)
{
	size_t n = row->n;
	while (n > 0 && row->len[n - 1] == 0)
		n--;
	if (n == 0)
		return 0;
	if (row->ptrcap < n) {
		row->ptrcap = n;
		row->ptrs = lg_realloc(row->ptrs, n * sizeof *row->ptrs);
	}
	for (size_t i = 0; i < n; i++)
		row->ptrs[i] = row->text.data + row->off[i];
	/* the cells lie end to end, each followed by its NUL (a byte no UTF-8 sequence can take
	 * as a continuation): all of them are valid exactly when that span is, checked at once */
	size_t span = row->off[n - 1] + row->len[n - 1] - row->off[0];
	if (lg_utf8_is_valid(row->ptrs[0], span))
		return lg_ex_emit_row(out, lim, r, row->ptrs, row->len, n);
	return lg_zip_emit_row(out, lim, r, scratch, row->ptrs, row->len, n);
}

/* lg_zip_row_free - release the row */
void lg_zip_row_free(struct lg_zip_row *row)
{
	lg_buf_free(&row->text);
	free(row->off);
	free(row->len);
	free(row->ptrs);
	memset(row, 0, sizeof *row);
}

/* ---- paragraphs --------------------------------------------------------------------------- */

/* lg_zip_paras_init - an empty paragraph stack */
void lg_zip_paras_init(struct lg_zip_paras *p, const struct lg_ex_out *out,
		       const struct lg_ex_limits *lim, struct lg_ex_result *r,
		       struct lg_buf *scratch)
{
	*p = (struct lg_zip_paras){ .out = out, .lim = lim, .r = r, .scratch = scratch };
}

/* lg_zip_paras_deliver - finished text goes into the cell, or out as a text block */
bool lg_zip_paras_deliver(struct lg_zip_paras *p, struct lg_zip_row *cell, const char *s,
			  size_t len)
{
	if (len == 0)
		return true;
	if (cell) {
		if (cell->n && cell->len[cell->n - 1])
			lg_zip_row_extend(cell, "\n", 1);
		lg_zip_row_extend(cell, s, len);
		return lg_zip_budget(p->lim, p->r, cell->text.len);
	}
	return !lg_zip_emit_text(p->out, p->lim, p->r, p->scratch, s, len);
}

/* lg_zip_paras_open - remember where the new paragraph's text starts */
void lg_zip_paras_open(struct lg_zip_paras *p)
{
	if (p->depth == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 8;
		p->start = lg_realloc(p->start, p->cap * sizeof *p->start);
	}
	p->start[p->depth++] = p->text.len;
}

/* lg_zip_paras_close - deliver the innermost paragraph and drop it from the buffer */
bool lg_zip_paras_close(struct lg_zip_paras *p, struct lg_zip_row *cell)
{
	if (p->depth == 0)
		return true;
	size_t start = p->start[--p->depth];
	bool ok = lg_zip_paras_deliver(p, cell, lg_buf_cstr(&p->text) + start, p->text.len - start);
	p->text.len = start;
	if (p->text.data)
		p->text.data[start] = '\0';
	return ok;
}

/* lg_zip_paras_put - text into the innermost paragraph */
bool lg_zip_paras_put(struct lg_zip_paras *p, const char *s, size_t len)
{
	lg_buf_append(&p->text, s, len);
	return lg_zip_budget(p->lim, p->r, p->text.len);
}

/* lg_zip_paras_free - release the paragraph stack */
void lg_zip_paras_free(struct lg_zip_paras *p)
{
	lg_buf_free(&p->text);
	free(p->start);
	memset(p, 0, sizeof *p);
}
