/* mime4j.c - golden decoding test against Apache James mime4j's test messages, as TAP: for every
 * *.msg that has *_decoded_*.txt files beside it, each body listed in its *_decoded.xml (text and
 * binary) must equal the bytes of our leaf at the same place.
 *
 * mime4j names a body by its place: the message is 1, the i-th part of a multipart appends _i, and
 * the body of a message/rfc822 part appends _1 (NAME_decoded_1_2_1.txt: the body of the message in
 * the second part). Our paths drop the leading 1, join with '.', and give the body of a message/rfc822
 * part the part's own path ("2" for 1_2_1, "2.1" for 1_2_1_1). The mapping is computed from the
 * *_decoded.xml tree rather than from the names.
 *
 * Where our reading legitimately differs from mime4j's, the exception is listed below with its
 * reason and a narrower comparison; nothing is skipped silently.
 *
 * Environment: LG_CORPUS (default "$top_srcdir/../shared/corpus"). */
#include <dirent.h>
#include <gmime/gmime.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/b64.h"
#include "content/mime.h"
#include "content/uu.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "tests/unit/tap.h"

#define MAX_FILE (8u << 20)

/* How an exception narrows the comparison. */
enum exc_kind {
	EXC_NONE,
	EXC_UU_SPLIT,	/* mime4j keeps uuencoded blocks in the text; we hand them on as files:
			   its text without the blocks is ours */
	EXC_QP_CRLF,	/* mime4j writes quoted-printable hard line breaks as CRLF, we keep the
			   message's LF: compared without the CRs before LFs */
	EXC_B64_TAIL,	/* mime4j drops an unpadded final base64 quantum, we keep its whole bytes:
			   its bytes are ours but for at most two at the end */
	EXC_GZIP64,	/* mime4j does not decode gzip64: its text, base64-decoded and gunzipped, is
			   ours */
	EXC_WITHIN,	/* our reading shows more: mime4j's body lies inside our leaf (compared
			   without the CRs before LFs, as mime4j writes CRLF) */
	EXC_ANY_PLACE,	/* the parts are numbered differently: each non-empty body of mime4j's is
			   one of our leaves, wherever it is */
	EXC_OTHER_MODE,	/* mime4j's lenient-header mode differs from GMime: our leaf equals the
			   file of mime4j's strict mode (alt) */
};

/* A documented difference between mime4j's decoding and ours. */
static const struct exception {
	const char *msg;	/* set/name without .msg */
	const char *path;	/* our path the exception is about, or NULL for every body */
	enum exc_kind kind;
	const char *alt;	/* EXC_OTHER_MODE: the file to compare with instead */
	const char *reason;
} exceptions[] = {
	{ "mimetools-testmsgs/uu-junk", "2", EXC_UU_SPLIT, NULL,
	  "two uuencoded GIFs in the text are split out as 2.uu1 and 2.uu2" },
	{ "mimetools-testmsgs/uu-zeegee", "1", EXC_UU_SPLIT, NULL,
	  "two uuencoded GIFs in the text are split out as 1.uu1 and 1.uu2" },
	{ "mimetools-testmsgs/sig-uu", "1", EXC_UU_SPLIT, NULL,
	  "a uuencoded .signature in the text is split out as 1.uu1" },
	{ "mimetools-testmsgs/empty-preamble", "1", EXC_QP_CRLF, NULL,
	  "quoted-printable with LF line ends: mime4j writes CRLF" },
	{ "mimetools-testmsgs/german-qp", "1", EXC_QP_CRLF, NULL,
	  "quoted-printable with LF line ends: mime4j writes CRLF" },
	{ "mimetools-testmsgs/jt-0498", "2", EXC_QP_CRLF, NULL,
	  "quoted-printable with LF line ends: mime4j writes CRLF" },
	{ "mimetools-testmsgs/mp-msg-rfc822", "2", EXC_QP_CRLF, NULL,
	  "quoted-printable with LF line ends: mime4j writes CRLF" },
	{ "mimetools-testmsgs/frag", "2.2.2.2", EXC_B64_TAIL, NULL,
	  "the JPEG's base64 ends without padding: we keep the last two bytes, mime4j drops them" },
	{ "mimetools-testmsgs/multi-frag", "3.2", EXC_B64_TAIL, NULL,
	  "a bad closing boundary leaves base64 without padding: we keep the last two bytes" },
	{ "mimetools-testmsgs/x-gzip64", "1", EXC_GZIP64, NULL,
	  "Content-Transfer-Encoding x-gzip64: mime4j keeps the encoded text, we decode it" },
	{ "mimetools-testmsgs/multi-bad", "1", EXC_WITHIN, NULL,
	  "two Content-Type headers: mime4j takes the first (multipart), GMime the last "
	  "(text/plain), so the part mime4j finds is inside our text leaf 1 as it is" },
	{ "testmsgs/ending-boundaries", "1", EXC_WITHIN, NULL,
	  "\"--boundary\" followed by text is a delimiter to mime4j, not to GMime: our leaf 1 "
	  "(flagged boundary) is the whole body" },
	{ "testmsgs/very-very-long-boundary", "1", EXC_WITHIN, NULL,
	  "a 7,000-character boundary: GMime finds no part, our leaf 1 (flagged boundary) is the "
	  "whole body and the raw reading adds raw.N" },
	{ "testmsgs/malformedHeader-noheader", "1", EXC_WITHIN, NULL,
	  "no header at all: mime4j's strict mode drops every line, we hand the text on as its "
	  "body (flagged header)" },
	{ "testmsgs/malformedHeaderStartsBody-noheader", "1", EXC_WITHIN, NULL,
	  "no header at all: mime4j's lenient mode keeps the first line, we the whole text" },
	{ "testmsgs/malformedHeaderStartsBody-nocrlfcrlf", "1", EXC_OTHER_MODE,
	  "malformedHeader-nocrlfcrlf_decoded_1.txt",
	  "a junk line among the headers: GMime drops it as mime4j's strict mode does (leaf 1); our "
	  "raw reading starts the body there (raw.1, flagged header)" },
	{ "mimetools-testmsgs/double-bound", NULL, EXC_ANY_PLACE, NULL,
	  "doubled delimiter lines: mime4j counts an empty part between them, GMime does not" },
	{ "mimetools-testmsgs/2002_06_12_doublebound", NULL, EXC_ANY_PLACE, NULL,
	  "doubled delimiter lines: mime4j counts an empty part between them, GMime does not" },
	{ "testmsgs/multipartemptypart", NULL, EXC_ANY_PLACE, NULL,
	  "two empty parts: GMime's reading has none (an empty part has nothing to scan)" },
};

/* One of our leaves, copied. */
struct leaf {
	char *path;
	char *data;
	size_t len;
};

struct leaves {
	struct leaf *v;
	size_t n;
};

/* on_leaf - keep every leaf's bytes by path */
static int on_leaf(void *arg, const struct lg_mime_leaf *l)
{
	struct leaves *ls = arg;
	ls->v = lg_realloc(ls->v, (ls->n + 1) * sizeof *ls->v);
	struct leaf *c = &ls->v[ls->n++];
	c->path = lg_strdup(l->path);
	c->data = NULL;
	if (l->data) {	/* bytes, NULs included */
		c->data = lg_malloc(l->len + 1);
		memcpy(c->data, l->data, l->len);
		c->data[l->len] = '\0';
	}
	c->len = l->data ? l->len : 0;
	return 0;
}

/* leaves_free - release the copies */
static void leaves_free(struct leaves *ls)
{
	for (size_t i = 0; i < ls->n; i++) {
		free(ls->v[i].path);
		free(ls->v[i].data);
	}
	free(ls->v);
	*ls = (struct leaves){ 0 };
}

/* leaf_at - our leaf with this path, or NULL */
static const struct leaf *leaf_at(const struct leaves *ls, const char *path)
{
	for (size_t i = 0; i < ls->n; i++)
		if (!strcmp(ls->v[i].path, path))
			return &ls->v[i];
	return NULL;
}

/* slurp - read a whole file (at most MAX_FILE bytes) */
static bool slurp(const char *path, struct lg_buf *b)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	char chunk[16384];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b->len < MAX_FILE)
		lg_buf_append(b, chunk, n);
	fclose(f);
	return true;
}

/* One body mime4j decoded: its file and our path for it. */
struct body {
	char *file;
	char *path;
};

struct bodies {
	struct body *v;
	size_t n;
};

/* is_elem - whether a node is the element name */
static bool is_elem(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, (const xmlChar *)name);
}

static void visit_content(const xmlNode *parent, const char *path, unsigned depth,
			  struct bodies *out);

/* visit_body - a body element: remember its file under our path */
static void visit_body(const xmlNode *n, const char *path, struct bodies *out)
{
	xmlChar *name = xmlGetProp(n, (const xmlChar *)"name");
	if (!name)
		return;
	out->v = lg_realloc(out->v, (out->n + 1) * sizeof *out->v);
	out->v[out->n++] = (struct body){ lg_strdup((const char *)name), lg_strdup(path) };
	xmlFree(name);
}

/* visit_content - the content of a message or body-part element, with our walk's path rules */
static void visit_content(const xmlNode *parent, const char *path, unsigned depth,
			  struct bodies *out)
{
	for (const xmlNode *n = parent->children; n; n = n->next) {
		if (is_elem(n, "text-body") || is_elem(n, "binary-body")) {
			visit_body(n, path, out);
		} else if (is_elem(n, "message")) {
			visit_content(n, path, depth + 1, out);	/* message/rfc822: same path */
		} else if (is_elem(n, "multipart")) {
			unsigned i = 0;
			for (const xmlNode *p = n->children; p; p = p->next) {
				if (!is_elem(p, "body-part"))
					continue;
				char *sub = lg_asprintf("%s.%u", path, ++i);
				/* the first level has no "1." prefix */
				visit_content(p, depth == 0 ? sub + 2 : sub, depth + 1, out);
				free(sub);
			}
		}
	}
}

/* find_exception - the documented exception for a message's path, or NULL */
static const struct exception *find_exception(const char *msg, const char *path)
{
	for (size_t i = 0; i < sizeof exceptions / sizeof exceptions[0]; i++)
		if (!strcmp(exceptions[i].msg, msg) &&
		    (!exceptions[i].path || !strcmp(exceptions[i].path, path)))
			return &exceptions[i];
	return NULL;
}

/* without_blocks - text with its uuencoded/yEnc/BinHex blocks removed, as we hand text on */
static void without_blocks(const char *t, size_t n, struct lg_buf *out)
{
	struct lg_uu_block b;
	size_t pos = 0;
	while (pos < n && lg_uu_find(t, n, pos, &b)) {
		lg_buf_append(out, t + pos, b.start - pos);
		pos = b.end;
	}
	lg_buf_append(out, t + pos, n - pos);
}

/* without_crs - bytes without the CR of each CRLF */
static void without_crs(const char *t, size_t n, struct lg_buf *out)
{
	for (size_t i = 0; i < n; i++)
		if (!(t[i] == '\r' && i + 1 < n && t[i + 1] == '\n'))
			lg_buf_putc(out, t[i]);
}

/* gunzip64 - base64-decode then gunzip; false when it is not gzip */
static bool gunzip64(const char *t, size_t n, struct lg_buf *out)
{
	struct lg_buf z = LG_BUF_INIT;
	lg_b64_decode(t, n, &z, NULL);
	GConverter *c = G_CONVERTER(g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP));
	char buf[4096];
	size_t pos = 0;
	bool ok = false;
	for (;;) {
		gsize rd = 0, wr = 0;
		GConverterResult r = g_converter_convert(c, z.data + pos, z.len - pos, buf, sizeof buf,
							 G_CONVERTER_INPUT_AT_END, &rd, &wr, NULL);
		if (r == G_CONVERTER_ERROR)
			break;
		pos += rd;
		lg_buf_append(out, buf, wr);
		if (r == G_CONVERTER_FINISHED) {
			ok = true;
			break;
		}
		if (!rd && !wr)
			break;
	}
	g_object_unref(c);
	lg_buf_free(&z);
	return ok;
}

/* same - byte equality */
static bool same(const char *a, size_t al, const char *b, size_t bl)
{
	return al == bl && (!al || memcmp(a, b, al) == 0);
}

/* compare_body - whether mime4j's body (want) agrees with our leaves, narrowed by the exception
 * if there is one; why receives the difference */
static bool compare_body(const char *dir, const struct exception *e, const char *file,
			 const char *want, size_t wl, const struct leaves *ls, const char *path,
			 struct lg_buf *why)
{
	enum exc_kind kind = e ? e->kind : EXC_NONE;
	struct lg_buf a = LG_BUF_INIT, b = LG_BUF_INIT;
	bool ok = false;
	if (kind == EXC_ANY_PLACE) {
		ok = wl == 0;
		for (size_t i = 0; i < ls->n && !ok; i++)
			ok = ls->v[i].data && same(ls->v[i].data, ls->v[i].len, want, wl);
		if (!ok)
			lg_buf_printf(why, "%s: its %zu bytes are in no leaf; ", file, wl);
		return ok;
	}
	const struct leaf *got = leaf_at(ls, path);
	if (!got || !got->data) {
		lg_buf_printf(why, "%s: no leaf %s; ", file, path);
		return false;
	}
	const char *g = got->data;
	size_t gl = got->len;
	switch (kind) {
	case EXC_UU_SPLIT:
		without_blocks(want, wl, &a);
		ok = same(g, gl, a.data ? a.data : "", a.len);
		break;
	case EXC_QP_CRLF:
		without_crs(want, wl, &a);
		without_crs(g, gl, &b);
		ok = same(a.data ? a.data : "", a.len, b.data ? b.data : "", b.len);
		break;
	case EXC_B64_TAIL:
		ok = gl >= wl && gl <= wl + 2 && (!wl || !memcmp(g, want, wl));
		break;
	case EXC_GZIP64:
		ok = gunzip64(want, wl, &a) && same(g, gl, a.data ? a.data : "", a.len);
		break;
	case EXC_WITHIN:	/* mime4j writes CRLF where the message has LF: without CRs */
		without_crs(want, wl, &a);
		without_crs(g, gl, &b);
		ok = !a.len || (b.data && memmem(b.data, b.len, a.data, a.len) != NULL);
		break;
	case EXC_OTHER_MODE: {
		char *alt = lg_asprintf("%s/%s", dir, e->alt);
		ok = slurp(alt, &a) && same(g, gl, a.data ? a.data : "", a.len);
		free(alt);
		break;
	}
	default:
		ok = same(g, gl, want, wl);
		break;
	}
	if (!ok) {
		size_t i = 0;
		while (i < gl && i < wl && g[i] == want[i])
			i++;
		lg_buf_printf(why, "%s vs leaf %s: %zu/%zu bytes, first difference at %zu%s; ", file,
			      path, gl, wl, i, e ? " (exception applied)" : "");
	}
	lg_buf_free(&a);
	lg_buf_free(&b);
	return ok;
}

/* check_message - compare every body of one message; returns whether all agree */
static bool check_message(const char *dir, const char *base, const char *label,
			  const struct lg_mime_limits *lim, unsigned *nexc)
{
	char *msgpath = lg_asprintf("%s/%s.msg", dir, base);
	char *xmlpath = lg_asprintf("%s/%s_decoded.xml", dir, base);
	struct lg_buf msg = LG_BUF_INIT;
	struct leaves ls = { 0 };
	struct bodies bs = { 0 };
	struct lg_buf why = LG_BUF_INIT;
	bool ok = true, exc = false;

	xmlDoc *doc = xmlReadFile(xmlpath, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
							 XML_PARSE_NOWARNING);
	if (!doc || !slurp(msgpath, &msg)) {
		lg_buf_printf(&why, "cannot read %s or %s", msgpath, xmlpath);
		ok = false;
		goto out;
	}
	visit_content(xmlDocGetRootElement(doc), "1", 0, &bs);
	char err[128];
	if (lg_mime_walk(msg.data ? msg.data : "", msg.len, lim, on_leaf, &ls, NULL, err,
			 sizeof err) < 0) {
		lg_buf_printf(&why, "not walked: %s", err);
		ok = false;
		goto out;
	}
	for (size_t i = 0; i < bs.n; i++) {
		char *fpath = lg_asprintf("%s/%s", dir, bs.v[i].file);
		struct lg_buf want = LG_BUF_INIT;
		const struct exception *e = find_exception(label, bs.v[i].path);
		exc |= e != NULL;
		if (!slurp(fpath, &want)) {
			lg_buf_printf(&why, "%s unreadable; ", bs.v[i].file);
			ok = false;
		} else if (!compare_body(dir, e, bs.v[i].file, want.data ? want.data : "", want.len,
					 &ls, bs.v[i].path, &why)) {
			ok = false;
		}
		lg_buf_free(&want);
		free(fpath);
	}
out:
	if (ok)
		tap_ok(1, "%s: %zu bodies agree%s", label, bs.n, exc ? " (documented exception)" : "");
	else
		tap_ok(0, "%s: %s", label, lg_buf_cstr(&why));
	if (exc) {
		for (size_t i = 0; i < sizeof exceptions / sizeof exceptions[0]; i++)
			if (!strcmp(exceptions[i].msg, label))
				tap_diag("exception, %s: %s",
					 exceptions[i].path ? exceptions[i].path : "all parts",
					 exceptions[i].reason);
		(*nexc)++;
	}
	for (size_t i = 0; i < bs.n; i++) {
		free(bs.v[i].file);
		free(bs.v[i].path);
	}
	free(bs.v);
	if (doc)
		xmlFreeDoc(doc);
	leaves_free(&ls);
	lg_buf_free(&msg);
	lg_buf_free(&why);
	free(msgpath);
	free(xmlpath);
	return ok;
}

/* name_cmp - qsort order of names */
static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* decoded_messages - the sorted base names of *.msg files that have *_decoded_*.txt beside them */
static char **decoded_messages(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	*n = 0;
	if (!d)
		return NULL;
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *s = strstr(e->d_name, "_decoded_");
		size_t l = strlen(e->d_name);
		if (!s || l < 4 || strcmp(e->d_name + l - 4, ".txt"))
			continue;
		char *base = lg_strndup(e->d_name, (size_t)(s - e->d_name));
		bool dup = false;
		for (size_t i = 0; i < *n && !dup; i++)
			dup = !strcmp(names[i], base);
		if (dup) {
			free(base);
			continue;
		}
		names = lg_realloc(names, (*n + 1) * sizeof *names);
		names[(*n)++] = base;
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof *names, name_cmp);
	return names;
}

/* main - compare every message of both sets that mime4j decoded to text files */
int main(void)
{
	static const char *sets[] = { "mimetools-testmsgs", "testmsgs" };
	const char *corpus = getenv("LG_CORPUS");
	const char *top = getenv("top_srcdir") ? getenv("top_srcdir") : ".";
	char *root = corpus ? lg_asprintf("%s/mime4j", corpus)
			    : lg_asprintf("%s/../shared/corpus/mime4j", top);
	DIR *probe = opendir(root);
	if (!probe) {
		printf("1..0 # SKIP no corpus at %s (set LG_CORPUS)\n", root);
		free(root);
		return 0;
	}
	closedir(probe);
	g_mime_init();
	xmlInitParser();
	const struct lg_mime_limits lim = { .depth = 20, .parts = 1000, .part_size = 25u << 20 };
	unsigned total = 0, matched = 0, nexc = 0;
	for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++) {
		char *dir = lg_asprintf("%s/%s", root, sets[s]);
		size_t n;
		char **names = decoded_messages(dir, &n);
		for (size_t i = 0; i < n; i++) {
			char *label = lg_asprintf("%s/%s", sets[s], names[i]);
			total++;
			if (check_message(dir, names[i], label, &lim, &nexc))
				matched++;
			free(label);
			free(names[i]);
		}
		free(names);
		free(dir);
	}
	tap_diag("%u of %u messages agree with mime4j's decoding (%u of them through a documented "
		 "exception)", matched, total, nexc);
	xmlCleanupParser();
	free(root);
	return tap_done();
}
