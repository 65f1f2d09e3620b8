/* mime.c - the MIME walk. GMime parses the message; we descend multiparts and message/rfc822 parts
 * with named limits, decode each leaf's transfer encoding ourselves from the raw bytes (tolerant
 * base64, quoted-printable, uuencode, yEnc, BinHex, gzip64), split uuencoded/yEnc/BinHex blocks out
 * of text bodies as attachments of their own, and hand every leaf on.
 *
 * Mail clients do not all read broken MIME the way GMime does, and a scanner that sees less than
 * the recipient's client is an evasion path. So each message is also read a second, lenient way
 * (the "raw reading", alt_*): part boundaries are taken from the body itself (a "--token" line
 * followed by Content- headers), bare CR ends a line, part headers end at the first line that is
 * not a header, and so on. Content that this reading decodes and GMime's reading does not have is
 * handed on too, as a leaf "raw.N" marked ambiguous. Nothing here interprets text. */
#include "content/mime.h"

#include <ctype.h>
#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/b64.h"
#include "content/charset.h"
#include "content/uu.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "lg_sha256.h"

/* Named limits besides the configured ones (struct lg_mime_limits). */
#define MIME_MAX_CTE_HEADERS 16		/* Content-Transfer-Encoding headers read per part */
#define ALT_MAX_TOKEN 65536		/* longest boundary token of the raw reading */
#define ALT_MAX_BLANKS 4		/* blank lines skipped before a part's headers */
#define ALT_MAX_HEADER_LINES 1000	/* header lines read per part; the rest is body */
#define ALT_MAX_MESSAGE_NESTING 8	/* message/rfc822 headers followed inside one raw part */
#define GUARD_DEPTH_SLACK 2		/* raw nesting beyond limits.depth + this skips GMime */
#define GUARD_DASH_LINES(parts) ((size_t)(parts) * 8 + 1000)	/* "--" lines before GMime is skipped */

/* A transfer encoding as we decode it. */
enum cte {
	CTE_IDENTITY,	/* 7bit, 8bit, binary, none */
	CTE_BASE64,
	CTE_QP,
	CTE_UU,
	CTE_YENC,
	CTE_BINHEX,
	CTE_GZIP64,
	CTE__COUNT
};

/* How a part's Content-Transfer-Encoding headers read. */
struct cte_reading {
	enum cte enc;
	const char *ambiguous;	/* NULL, LG_AMBIG_CTE_CONFLICT or LG_AMBIG_CTE_UNKNOWN */
};

/* A part's decoded bytes, or why there are none. */
struct decoded {
	struct lg_buf data;
	const char *error;
	const char *ambiguous;
	size_t encoded_len;
};

/* What a leaf is, besides its bytes. */
struct leafinfo {
	const char *path;
	const char *ctype;
	const char *charset;
	const char *filename;
	bool attachment;
	bool top_body;
	unsigned depth;
};

/* The raw bytes of one GMime leaf part, as offsets in the parsed message. */
struct range {
	size_t start, end;
	enum cte enc;
};

/* A digest of a leaf's bytes (trailing white space ignored), to compare the two readings. */
struct digest {
	unsigned char d[LG_SHA256_LEN];
	size_t len;
};

/* One part of the raw reading: its delimiter's token and its bytes. */
struct alt_seg {
	size_t start, end;
	const char *tok;
	size_t toklen;
};

/* The raw reading's view of one message. */
struct alt {
	GHashTable *tokens;		/* boundary tokens found in the body */
	struct alt_seg *segs;
	size_t nsegs, capsegs;
	struct alt_dash *dash;		/* the "--" lines of pass 1, in order, for pass 2 */
	size_t ndash, capdash;
	size_t body;			/* where the message's own body starts */
	unsigned max_nesting;		/* deepest nesting of those boundaries */
	size_t dash_lines;		/* lines that begin with "--" */
};

/* One line of the raw reading: LF, CRLF and a bare CR all end a line. */
struct rline {
	size_t start, end, next;
};

/* A line of the raw reading that begins with "--" and the token after it. */
struct alt_dash {
	struct rline l;
	const char *tok;
	size_t tl;
};

/* State of one walk (the whole call of lg_mime_walk). */
struct walk {
	const struct lg_mime_limits *lim;
	lg_mime_leaf_fn fn;
	void *arg;
	GMimeParserOptions *opts;
	unsigned parts;
	long leaves;
	bool stop;
	bool parts_reported;
};

/* State of one message read: the outermost, or one decoded from a part. */
struct msgread {
	const char *msg;
	size_t len;
	GByteArray *ba;			/* GMime's copy of msg: leaf streams point into it */
	const char *inherited;		/* ambiguous reason for every leaf of this message */
	struct range *ranges;
	size_t nranges;
	GHashTable *boundaries;		/* GMime's reading: the boundaries of its multiparts */
	bool a_error;			/* GMime's reading has parts it cannot decode */
	bool need_digests;
	struct digest *digests;
	size_t ndigests;
	unsigned alt_leaves;
};

static void walk_message(struct walk *w, const char *msg, size_t len, const char *path,
			 unsigned depth, bool top_body, const char *inherited,
			 struct lg_mime_addrs *addrs, bool *not_message);

/* ---- small helpers ----------------------------------------------------------------------------- */

/* lg_addr_normalize - lower-case the domain of an addr-spec */
char *lg_addr_normalize(const char *addr)
{
	const char *at = strrchr(addr, '@');
	if (!at || at == addr || !at[1])
		return NULL;
	char *s = lg_strdup(addr);
	for (char *p = s + (at - addr) + 1; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

/* utf8_or_null - a valid UTF-8 copy of a header-derived string (GMime may hand back raw 8-bit) */
static char *utf8_or_null(const char *s)
{
	if (!s)
		return NULL;
	return lg_to_utf8(s, strlen(s), NULL, NULL, NULL, 0);
}

/* lower_dup - a lower-case, printable ASCII copy of a media type (other bytes become '?') */
static char *lower_dup(const char *s)
{
	char *d = lg_strdup(s);
	for (char *p = d; *p; p++)
		*p = (unsigned char)*p > ' ' && (unsigned char)*p < 0x7f ? (char)tolower((unsigned char)*p)
									   : '?';
	return d;
}

/* is_message_type - message/rfc822 and its kin, whose content is a whole message */
static bool is_message_type(const char *ctype)
{
	return !strcmp(ctype, "message/rfc822") || !strcmp(ctype, "message/global") ||
	       !strcmp(ctype, "message/news");
}

/* trimmed_len - length without trailing white space */
static size_t trimmed_len(const char *p, size_t n)
{
	while (n && (p[n - 1] == '\r' || p[n - 1] == '\n' || p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	return n;
}

/* digest_of - the digest of bytes with trailing white space ignored */
static struct digest digest_of(const char *p, size_t n)
{
	struct digest d = { .len = trimmed_len(p, n) };
	lg_sha256(p, d.len, d.d);
	return d;
}

/* digest_known - whether the message's leaves so far include these bytes */
static bool digest_known(const struct msgread *m, const struct digest *d)
{
	for (size_t i = 0; i < m->ndigests; i++)
		if (m->digests[i].len == d->len && !memcmp(m->digests[i].d, d->d, sizeof d->d))
			return true;
	return false;
}

/* digest_add - remember a leaf's digest */
static void digest_add(struct msgread *m, const struct digest *d)
{
	m->digests = lg_realloc(m->digests, (m->ndigests + 1) * sizeof *m->digests);
	m->digests[m->ndigests++] = *d;
}

/* A set of byte strings that point into memory living longer than the set (the message, GMime's
 * objects): boundary tokens of any length, without copies. */
struct span {
	const char *p;
	size_t n;
};

/* span_hash - hash of a span's bytes */
static guint span_hash(gconstpointer k)
{
	const struct span *sp = k;
	guint h = 5381;
	for (size_t i = 0; i < sp->n; i++)
		h = (h * 33) ^ (unsigned char)sp->p[i];
	return h;
}

/* span_equal - whether two spans hold the same bytes */
static gboolean span_equal(gconstpointer a, gconstpointer b)
{
	const struct span *x = a, *y = b;
	return x->n == y->n && !memcmp(x->p, y->p, x->n);
}

/* span_set_new - an empty set */
static GHashTable *span_set_new(void)
{
	return g_hash_table_new_full(span_hash, span_equal, g_free, NULL);
}

/* span_set_has - whether the set holds these bytes */
static bool span_set_has(GHashTable *set, const char *p, size_t n)
{
	struct span k = { p, n };
	return g_hash_table_contains(set, &k);
}

/* span_set_add - add bytes (not copied) to the set */
static void span_set_add(GHashTable *set, const char *p, size_t n)
{
	if (span_set_has(set, p, n))
		return;
	struct span *sp = g_new(struct span, 1);
	*sp = (struct span){ p, n };
	g_hash_table_add(set, sp);
}

/* ---- transfer encodings ------------------------------------------------------------------------ */

/* cte_exact - an encoding's registered or customary name; -1 if it is none */
static int cte_exact(const char *t)
{
	static const struct {
		const char *name;
		enum cte enc;
	} names[] = {
		{ "7bit", CTE_IDENTITY }, { "8bit", CTE_IDENTITY }, { "binary", CTE_IDENTITY },
		{ "base64", CTE_BASE64 }, { "quoted-printable", CTE_QP },
		{ "x-uuencode", CTE_UU }, { "uuencode", CTE_UU }, { "x-uue", CTE_UU },
		{ "x-yencode", CTE_YENC }, { "yencode", CTE_YENC }, { "x-yenc", CTE_YENC },
		{ "yenc", CTE_YENC }, { "gzip64", CTE_GZIP64 }, { "x-gzip64", CTE_GZIP64 },
		{ "binhex", CTE_BINHEX }, { "binhex40", CTE_BINHEX }, { "mac-binhex40", CTE_BINHEX },
		{ "mac-binhex", CTE_BINHEX },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(t, names[i].name))
			return (int)names[i].enc;
	return -1;
}

/* cte_fuzzy - what an unregistered name most likely means to a lenient client; -1 if nothing */
static int cte_fuzzy(const char *t)
{
	if (strstr(t, "gzip"))
		return CTE_GZIP64;
	if (strstr(t, "64") || strstr(t, "base"))
		return CTE_BASE64;
	if (strstr(t, "quot") || strstr(t, "print") || !strcmp(t, "qp") || !strcmp(t, "x-qp"))
		return CTE_QP;
	if (strstr(t, "uu"))
		return CTE_UU;
	if (strstr(t, "yenc"))
		return CTE_YENC;
	if (strstr(t, "binhex") || strstr(t, "hqx"))
		return CTE_BINHEX;
	if (strstr(t, "bit") || strstr(t, "binary"))
		return CTE_IDENTITY;
	return -1;
}

/* cte_normalize - a header value as a client reads it: encoded words decoded, comments and quotes
 * removed, lower case. odd is set when any of that was needed beyond comments. */
static char *cte_normalize(struct walk *w, const char *v, bool *odd)
{
	char *dec = NULL;
	if (strstr(v, "=?")) {
		dec = g_mime_utils_header_decode_text(w->opts, v);
		if (dec && strcmp(dec, v))
			*odd = true;
	}
	const char *s = dec ? dec : v;
	struct lg_buf b = LG_BUF_INIT;
	int comment = 0;
	bool glued = false;	/* a comment that began inside a word */
	for (const char *p = s; *p; p++) {
		if (*p == '\\' && p[1]) {
			*odd = true;
			p++;
			if (!comment)
				lg_buf_putc(&b, (char)tolower((unsigned char)*p));
		} else if (*p == '(') {
			if (!comment++)
				glued = b.len && !strchr(" \t\r\n,;:", b.data[b.len - 1]);
		} else if (*p == ')' && comment) {
			/* "bas()e64": a comment inside a word joins it for some readers only */
			if (!--comment && glued && p[1] && !strchr(" \t\r\n,;:(", p[1]))
				*odd = true;
		} else if (comment) {
			continue;
		} else if (*p == '"') {
			*odd = true;
		} else {
			lg_buf_putc(&b, (char)tolower((unsigned char)*p));
		}
	}
	g_free(dec);
	lg_buf_putc(&b, '\0');
	return lg_buf_steal(&b, NULL);
}

/* looks_base64 - whether a body is plausibly base64: alphabet and white space only, '=' at the end */
static bool looks_base64(const char *p, size_t n)
{
	size_t other = 0, alpha = 0;
	bool pad = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (isalnum(c) || c == '+' || c == '/') {
			if (pad)
				return false;
			alpha++;
		} else if (c == '=') {
			pad = true;
		} else if (!isspace(c)) {
			other++;
		}
	}
	return alpha >= 4 && other * 100 <= alpha;
}

/* looks_qp - whether a body has quoted-printable escapes or soft line breaks */
static bool looks_qp(const char *p, size_t n)
{
	for (const char *e = p + n; (p = memchr(p, '=', (size_t)(e - p))); p++)
		if (p + 1 < e && (p[1] == '\n' || p[1] == '\r' ||
				  (p + 2 < e && isxdigit((unsigned char)p[1]) &&
				   isxdigit((unsigned char)p[2]))))
			return true;
	return false;
}

/* cte_read - read a part's Content-Transfer-Encoding values (n of them) as a lenient client would.
 * Two different values, or two encodings in one value, are a conflict: the body decides which one
 * is used. A value that names no known encoding is LG_AMBIG_CTE_UNKNOWN: base64-looking bodies are then
 * decoded as base64, others kept as they are. */
static struct cte_reading cte_read(struct walk *w, char *const *values, size_t n, const char *body,
				   size_t bodylen)
{
	struct cte_reading r = { CTE_IDENTITY, NULL };
	unsigned cands = 0, order[CTE__COUNT], norder = 0;
	bool odd = false, unknown = false, conflict = false;
	char *first = NULL;
	for (size_t i = 0; i < n; i++) {
		char *norm = cte_normalize(w, values[i], &odd);
		char *cmp = g_strstrip(lg_strdup(norm));	/* "base64" and "" are two readings */
		if (!first)
			first = cmp;
		else {
			if (strcmp(first, cmp))
				conflict = true;
			free(cmp);
		}
		char *save = NULL;
		for (char *t = strtok_r(norm, " \t\r\n\v\f,;:", &save); t;
		     t = strtok_r(NULL, " \t\r\n\v\f,;:", &save)) {
			int e = cte_exact(t);
			if (e < 0) {
				e = cte_fuzzy(t);
				if (e < 0) {
					unknown = true;
					continue;
				}
				odd = true;
			}
			if (!(cands & (1u << e)))
				order[norder++] = (unsigned)e;
			cands |= 1u << e;
		}
		free(norm);
	}
	free(first);
	if (norder > 1)
		conflict = true;
	if (norder == 1) {
		r.enc = (enum cte)order[0];
	} else if (norder > 1) {
		r.enc = (enum cte)order[0];
		if ((cands & (1u << CTE_BASE64)) && looks_base64(body, bodylen))
			r.enc = CTE_BASE64;
		else if ((cands & (1u << CTE_UU)) && memmem(body, bodylen, "begin ", 6))
			r.enc = CTE_UU;
		else if ((cands & (1u << CTE_YENC)) && memmem(body, bodylen, "=ybegin", 7))
			r.enc = CTE_YENC;
		else if ((cands & (1u << CTE_QP)) && looks_qp(body, bodylen))
			r.enc = CTE_QP;
	} else if (unknown && looks_base64(body, bodylen)) {
		r.enc = CTE_BASE64;
	}
	if (conflict)
		r.ambiguous = LG_AMBIG_CTE_CONFLICT;
	else if (odd || unknown)
		r.ambiguous = LG_AMBIG_CTE_UNKNOWN;
	return r;
}

/* cte_of_object - the CTE reading of a GMime object's own headers */
static struct cte_reading cte_of_object(struct walk *w, GMimeObject *obj, const char *body,
					size_t bodylen)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
	int count = hl ? g_mime_header_list_get_count(hl) : 0;
	char *values[MIME_MAX_CTE_HEADERS] = {0};
	size_t n = 0;
	for (int i = 0; i < count && n < MIME_MAX_CTE_HEADERS; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *name = g_mime_header_get_name(h);
		if (!name)
			continue;
		char *nm = g_strstrip(g_strdup(name));
		bool is_cte = !g_ascii_strcasecmp(nm, "Content-Transfer-Encoding");
		g_free(nm);
		if (is_cte) {
			const char *raw = g_mime_header_get_raw_value(h);
			const char *val = raw ? raw : g_mime_header_get_value(h);
			values[n++] = lg_strdup(val ? val : "");
		}
	}
	struct cte_reading r = cte_read(w, values, n, body, bodylen);
	for (size_t i = 0; i < n; i++)
		free(values[i]);
	return r;
}

/* qp_decode - quoted-printable as lenient clients read it: "=XX" (either case) is a byte, "=" with
 * trailing blanks before a line break is a soft break, any other "=" is kept as it is. Returns
 * whether invalid or lower-case escapes (which strict readers read otherwise) were met. */
static bool qp_decode(const char *in, size_t len, struct lg_buf *out)
{
	bool junk = false;
	const char *p = in, *e = in + len;
	lg_buf_reserve(out, len);
	while (p < e) {
		const char *eq = memchr(p, '=', (size_t)(e - p));
		if (!eq) {
			lg_buf_append(out, p, (size_t)(e - p));
			break;
		}
		lg_buf_append(out, p, (size_t)(eq - p));
		const char *q = eq + 1;
		while (q < e && (*q == ' ' || *q == '\t'))
			q++;
		if (q >= e) {		/* soft break at the very end */
			p = e;
		} else if (*q == '\n') {
			p = q + 1;
		} else if (*q == '\r') {
			p = q + 1 < e && q[1] == '\n' ? q + 2 : q + 1;
		} else if (eq + 2 < e && isxdigit((unsigned char)eq[1]) &&
			   isxdigit((unsigned char)eq[2])) {
			char hex[3] = { eq[1], eq[2], 0 };
			if (islower((unsigned char)eq[1]) || islower((unsigned char)eq[2]))
				junk = true;	/* RFC 2045: upper case; strict readers differ */
			lg_buf_putc(out, (char)strtol(hex, NULL, 16));
			p = eq + 3;
		} else {
			junk = true;
			lg_buf_putc(out, '=');
			p = eq + 1;
		}
	}
	return junk;
}

/* gunzip - inflate a gzip stream into out, at most max_out bytes; false when it is not gzip */
static bool gunzip(const char *in, size_t len, size_t max_out, struct lg_buf *out, bool *too_big)
{
	GZlibDecompressor *z = g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP);
	char buf[16384];
	size_t pos = 0;
	bool ok = false;
	*too_big = false;
	for (;;) {
		gsize rd = 0, wr = 0;
		GError *err = NULL;
		GConverterResult res = g_converter_convert(G_CONVERTER(z), in + pos, len - pos, buf,
							   sizeof buf, G_CONVERTER_INPUT_AT_END, &rd,
							   &wr, &err);
		if (res == G_CONVERTER_ERROR) {
			g_error_free(err);
			break;
		}
		pos += rd;
		if (out->len + wr > max_out) {
			*too_big = true;
			break;
		}
		lg_buf_append(out, buf, wr);
		if (res == G_CONVERTER_FINISHED) {
			ok = true;
			break;
		}
		if (!rd && !wr)
			break;
	}
	g_object_unref(z);
	return ok;
}

/* gmime_base64_differs - whether GMime's own base64 decoder reads these bytes differently */
static bool gmime_base64_differs(const char *raw, size_t len, const char *ours, size_t ourlen)
{
	size_t cap = len / 4 * 3 + 8;
	unsigned char *tmp = lg_malloc(cap);
	int state = 0;
	guint32 save = 0;
	size_t n = g_mime_encoding_base64_decode_step((const unsigned char *)raw, len, tmp, &state,
						      &save);
	bool differs = n != ourlen || (n && memcmp(tmp, ours, n) != 0);
	free(tmp);
	return differs;
}

/* base64_readings_differ - whether unclean base64 reads differently to GMime (which stops at the
 * first '='; asked when with_gmime) or to a line-by-line reader (which stops a line at junk) */
static bool base64_readings_differ(const char *raw, size_t len, const struct lg_buf *ours,
				   bool with_gmime)
{
	const char *p = ours->data ? ours->data : "";
	if (with_gmime && gmime_base64_differs(raw, len, p, ours->len))
		return true;
	struct lg_buf lines = LG_BUF_INIT;
	lg_b64_decode_lines(raw, len, &lines);
	bool differs = lines.len != ours->len || (lines.len && memcmp(lines.data, p, lines.len));
	lg_buf_free(&lines);
	return differs;
}

/* uu_ambiguity - the ambiguous reason for an in-text or whole-part block's decoding flags */
static const char *uu_ambiguity(enum lg_uu_kind kind, unsigned flags, bool whole_part)
{
	unsigned bad = LG_UU_BAD_LINE | LG_UU_BAD_CHECK | LG_UU_PARTIAL | LG_UU_NO_DATA;
	/* a part declared uuencoded may leave out begin and end lines; a block in text may not */
	if (!whole_part || kind != LG_UU_UUENCODE)
		bad |= LG_UU_TRUNCATED;
	if (!(flags & bad))
		return NULL;
	return kind == LG_UU_YENC     ? LG_AMBIG_YENC
	       : kind == LG_UU_BINHEX ? LG_AMBIG_BINHEX
				      : LG_AMBIG_UUENCODE;
}

/* decode_body - decode a part's raw bytes by its CTE reading (limits.part_size applies) */
static void decode_body(struct walk *w, const char *raw, size_t len, const struct cte_reading *cte,
			struct decoded *d, char *name, size_t namelen)
{
	size_t max = w->lim->part_size;
	unsigned flags;
	*d = (struct decoded){ .data = LG_BUF_INIT, .ambiguous = cte->ambiguous };
	d->encoded_len = len;
	if (name && namelen)
		name[0] = '\0';
	/* no transfer encoding but gzip64 makes data bigger: refuse what cannot fit before decoding */
	if ((cte->enc == CTE_IDENTITY && len > max) ||
	    (cte->enc != CTE_GZIP64 && len > max * 2 + 4096)) {
		d->error = "limit:part_size";
		return;
	}
	switch (cte->enc) {
	case CTE_BASE64: {
		struct lg_b64_status st;
		lg_b64_decode(raw, len, &d->data, &st);
		/* an unpadded end (at most two bytes GMime drops) is common and hides nothing:
		 * then, as for odd line lengths, only a line-by-line reader's view counts */
		bool only_unpadded = !st.junk && !st.mid_pad;
		if (!st.clean && !d->ambiguous &&
		    base64_readings_differ(raw, len, &d->data, !only_unpadded))
			d->ambiguous = LG_AMBIG_BASE64_JUNK;
		break;
	}
	case CTE_QP:
		if (qp_decode(raw, len, &d->data) && !d->ambiguous)
			d->ambiguous = LG_AMBIG_QP_JUNK;
		break;
	case CTE_UU:
	case CTE_YENC:
	case CTE_BINHEX: {
		enum lg_uu_kind kind = cte->enc == CTE_UU     ? LG_UU_UUENCODE
				       : cte->enc == CTE_YENC ? LG_UU_YENC
							      : LG_UU_BINHEX;
		flags = lg_uu_decode_block(kind, raw, len, max + 1, &d->data, name, namelen);
		if (!d->ambiguous)
			d->ambiguous = uu_ambiguity(kind, flags, true);
		if (flags & LG_UU_NO_DATA) {	/* show what is there rather than nothing */
			lg_buf_reset(&d->data);
			lg_buf_append(&d->data, raw, len);
		}
		break;
	}
	case CTE_GZIP64: {
		struct lg_buf zipped = LG_BUF_INIT;
		bool too_big;
		lg_b64_decode(raw, len, &zipped, NULL);
		if (!gunzip(zipped.data ? zipped.data : "", zipped.len, max, &d->data, &too_big)) {
			if (too_big) {
				d->error = "limit:part_size";
			} else {	/* not gzip after all: the base64 bytes */
				lg_buf_reset(&d->data);
				lg_buf_append(&d->data, zipped.data ? zipped.data : "", zipped.len);
				if (!d->ambiguous)
					d->ambiguous = LG_AMBIG_CTE_UNKNOWN;
			}
		}
		lg_buf_free(&zipped);
		break;
	}
	case CTE_IDENTITY:
	default:
		lg_buf_append(&d->data, raw, len);
		break;
	}
	if (!d->error && d->data.len > max)
		d->error = "limit:part_size";
	if (d->error)
		lg_buf_free(&d->data);
}

/* ---- handing leaves on ------------------------------------------------------------------------- */

/* emit - call the user's callback for one leaf, counting it */
static void emit(struct walk *w, struct lg_mime_leaf *leaf)
{
	w->leaves++;
	if (w->fn(w->arg, leaf))
		w->stop = true;
}

/* count_part - charge one more part against limits.parts; false (reported once) when over */
static bool count_part(struct walk *w, const char *path)
{
	if (++w->parts <= w->lim->parts)
		return true;
	if (!w->parts_reported) {
		w->parts_reported = true;
		struct lg_mime_leaf leaf = { .path = path, .content_type = "multipart/mixed",
					     .error = "limit:parts" };
		emit(w, &leaf);
	}
	w->stop = true;
	return false;
}

/* emit_error - report a part whose bytes cannot be handed on */
static void emit_error(struct walk *w, const struct leafinfo *li, const char *error,
		       size_t encoded_len, const char *ambiguous)
{
	struct lg_mime_leaf leaf = {
		.path = li->path, .content_type = li->ctype, .charset = li->charset,
		.filename = li->filename, .error = error, .encoded_len = encoded_len,
		.ambiguous = ambiguous,
	};
	leaf.attachment = li->filename != NULL || li->attachment ||
			  (li->ctype && strncmp(li->ctype, "text/", 5) != 0);
	leaf.top_body = false;
	emit(w, &leaf);
}

/* shown_as_text - whether bytes occur as they are in a part GMime's reading hands on undecoded */
static bool shown_as_text(const struct msgread *m, const char *data, size_t len)
{
	for (size_t i = 0; i < m->nranges; i++)
		if (m->ranges[i].enc == CTE_IDENTITY &&
		    memmem(m->msg + m->ranges[i].start, m->ranges[i].end - m->ranges[i].start, data,
			   len))
			return true;
	return false;
}

/* emit_bytes - hand on one leaf's bytes; an alternative reading's leaf only when they are new */
static void emit_bytes(struct walk *w, struct msgread *m, const struct leafinfo *li,
		       const char *data, size_t len, const char *ambiguous, bool alt)
{
	if (alt || m->need_digests) {
		struct digest d = digest_of(data, len);
		if (alt && (d.len == 0 || digest_known(m, &d) || shown_as_text(m, data, d.len)))
			return;
		digest_add(m, &d);
	}
	if (alt && !count_part(w, li->path))
		return;
	struct lg_mime_leaf leaf = {
		.path = li->path, .content_type = li->ctype, .charset = li->charset,
		.filename = li->filename, .attachment = li->attachment,
		.top_body = li->top_body && !li->attachment, .data = len ? data : "", .len = len,
		.ambiguous = m->inherited ? m->inherited : ambiguous,
	};
	emit(w, &leaf);
}

/* block_suffix - the path suffix of a block found in text */
static const char *block_suffix(enum lg_uu_kind kind)
{
	return kind == LG_UU_YENC ? "yenc" : kind == LG_UU_BINHEX ? "hqx" : "uu";
}

/* deliver - hand on a decoded part: a whole message is walked, a text loses its uuencoded, yEnc
 * and BinHex blocks to leaves of their own, anything else goes as it is */
static void deliver(struct walk *w, struct msgread *m, const struct leafinfo *li,
		    struct decoded *d, bool alt)
{
	if (d->error) {
		if (!alt || count_part(w, li->path))
			emit_error(w, li, d->error, d->encoded_len,
				   m->inherited ? m->inherited : d->ambiguous);
		return;
	}
	const char *data = d->data.data ? d->data.data : "";
	size_t len = d->data.len;
	if (is_message_type(li->ctype)) {
		if (alt || m->need_digests) {
			struct digest dg = digest_of(data, len);
			if (alt && digest_known(m, &dg))
				return;
			digest_add(m, &dg);
		}
		walk_message(w, data, len, li->path, li->depth + 1, false,
			     m->inherited ? m->inherited : d->ambiguous, NULL, NULL);
		return;
	}
	struct lg_uu_block b;
	if (strncmp(li->ctype, "text/", 5) != 0 || !lg_uu_find(data, len, 0, &b)) {
		emit_bytes(w, m, li, data, len, d->ambiguous, alt);
		return;
	}
	/* the text without its blocks, then each block */
	struct lg_buf text = LG_BUF_INIT;
	struct lg_uu_block *blocks = NULL;
	size_t nblocks = 0, pos = 0;
	do {
		lg_buf_append(&text, data + pos, b.start - pos);
		blocks = lg_realloc(blocks, (nblocks + 1) * sizeof *blocks);
		blocks[nblocks++] = b;
		pos = b.end;
	} while (pos < len && lg_uu_find(data, len, pos, &b));
	lg_buf_append(&text, data + pos, len - pos);
	emit_bytes(w, m, li, text.data ? text.data : "", text.len, d->ambiguous, alt);
	lg_buf_free(&text);
	unsigned counter[3] = {0};
	for (size_t i = 0; i < nblocks && !w->stop; i++) {
		char *path = lg_asprintf("%s.%s%u", li->path, block_suffix(blocks[i].kind),
					 ++counter[blocks[i].kind]);
		if (!alt && !count_part(w, path)) {
			free(path);
			break;
		}
		struct lg_buf out = LG_BUF_INIT;
		char name[LG_UU_MAX_NAME + 1];
		const char *raw = data + blocks[i].start;
		size_t rawlen = blocks[i].end - blocks[i].start;
		size_t max = w->lim->part_size + 1;
		unsigned flags = lg_uu_decode_block(blocks[i].kind, raw, rawlen, max, &out, name,
						    sizeof name);
		char *fname = utf8_or_null(name[0] ? name : blocks[i].name[0] ? blocks[i].name : NULL);
		struct leafinfo bl = { .path = path, .ctype = "application/octet-stream",
				       .filename = fname, .attachment = true, .depth = li->depth };
		const char *amb = uu_ambiguity(blocks[i].kind, flags, false);
		if (out.len <= w->lim->part_size)
			emit_bytes(w, m, &bl, out.data ? out.data : "", out.len,
				   amb ? amb : d->ambiguous, alt);
		else if (!alt || count_part(w, path))
			emit_error(w, &bl, "limit:part_size", rawlen, m->inherited ? m->inherited : amb);
		lg_buf_free(&out);
		free(fname);
		free(path);
	}
	free(blocks);
}

/* ---- GMime's reading --------------------------------------------------------------------------- */

/* content_type_of - lower-case "type/subtype" of an object */
static char *content_type_of(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	char *mt = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
	char *s = lower_dup(mt ? mt : "text/plain");
	g_free(mt);
	return s;
}

/* stream_bytes - the raw (still encoded) bytes behind a GMime stream, without copying when it is
 * a window on the parsed message; *copy receives anything that had to be copied */
static const char *stream_bytes(GMimeStream *s, size_t *len, GByteArray **from, GByteArray **copy)
{
	*copy = NULL;
	*from = NULL;
	if (GMIME_IS_STREAM_MEM(s)) {
		GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
		if (ba) {
			gint64 start = s->bound_start < 0 ? 0 : s->bound_start;
			gint64 end = s->bound_end < 0 ? (gint64)ba->len : s->bound_end;
			if (end > (gint64)ba->len)
				end = (gint64)ba->len;
			if (start > end)
				start = end;
			*from = ba;
			*len = (size_t)(end - start);
			return (const char *)ba->data + start;
		}
	}
	GMimeStream *mem = g_mime_stream_mem_new();
	g_mime_stream_reset(s);
	g_mime_stream_write_to_stream(s, mem);
	GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	*copy = g_byte_array_new();
	g_byte_array_append(*copy, ba->data, ba->len);
	g_object_unref(mem);
	*len = (*copy)->len;
	return (const char *)(*copy)->data;
}

/* part_raw - the raw bytes of a leaf part's content ("" when it has none) */
static const char *part_raw(GMimePart *part, size_t *len, GByteArray **from, GByteArray **copy)
{
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	GMimeStream *s = content ? g_mime_data_wrapper_get_stream(content) : NULL;
	*from = *copy = NULL;
	*len = 0;
	return s ? stream_bytes(s, len, from, copy) : "";
}

/* prepass - before anything is handed on: the raw ranges of GMime's leaves, its boundaries, and
 * whether it has parts it cannot decode (then the raw reading is not compared) */
static void prepass(struct walk *w, struct msgread *m, GMimeObject *obj, unsigned depth,
		    unsigned *count)
{
	if (!obj)
		return;
	if (++*count > w->lim->parts || depth > w->lim->depth) {
		m->a_error = true;
		return;
	}
	if (GMIME_IS_MULTIPART_ENCRYPTED(obj)) {
		m->a_error = true;
	} else if (GMIME_IS_MULTIPART(obj)) {
		const char *b = g_mime_object_get_content_type_parameter(obj, "boundary");
		if (b)
			span_set_add(m->boundaries, b, strlen(b));
		int n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		for (int i = 0; i < n && !m->a_error; i++)
			prepass(w, m, g_mime_multipart_get_part(GMIME_MULTIPART(obj), i), depth + 1,
				count);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		if (inner && g_mime_message_get_mime_part(inner))
			prepass(w, m, g_mime_message_get_mime_part(inner), depth + 1, count);
		else
			m->a_error = true;
	} else if (GMIME_IS_PART(obj)) {
		char *ct = content_type_of(obj);
		if (!strcmp(ct, "application/pkcs7-mime") || !strcmp(ct, "application/x-pkcs7-mime"))
			m->a_error = true;
		free(ct);
		size_t len;
		GByteArray *from, *copy;
		const char *raw = part_raw(GMIME_PART(obj), &len, &from, &copy);
		if (from == m->ba && m->ba) {
			struct cte_reading cte = cte_of_object(w, obj, raw, len);
			m->ranges = lg_realloc(m->ranges, (m->nranges + 1) * sizeof *m->ranges);
			size_t start = (size_t)(raw - (const char *)m->ba->data);
			m->ranges[m->nranges++] = (struct range){ start, start + len, cte.enc };
		}
		if (copy)
			g_byte_array_free(copy, TRUE);
	} else {
		m->a_error = true;
	}
}

/* walk_leaf - decode one GMimePart and hand it on */
static void walk_leaf(struct walk *w, struct msgread *m, GMimePart *part, const char *path,
		      const char *ctype, unsigned depth, bool top_body)
{
	char *fname = utf8_or_null(g_mime_part_get_filename(part));
	const char *charset = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
	char *charset_u = utf8_or_null(charset);
	GMimeContentDisposition *disp = g_mime_object_get_content_disposition(GMIME_OBJECT(part));
	/* what a mail client shows as an attachment: a named or "attachment" part, or any part
	 * that is not text */
	bool is_att = fname != NULL || (disp && g_mime_content_disposition_is_attachment(disp)) ||
		      strncmp(ctype, "text/", 5) != 0;
	struct leafinfo li = { .path = path, .ctype = ctype, .charset = charset_u, .filename = fname,
			       .attachment = is_att, .top_body = top_body, .depth = depth };
	size_t len;
	GByteArray *from, *copy;
	const char *raw = part_raw(part, &len, &from, &copy);
	struct cte_reading cte = cte_of_object(w, GMIME_OBJECT(part), raw, len);
	struct decoded d;
	char name[LG_UU_MAX_NAME + 1];
	decode_body(w, raw, len, &cte, &d, name, sizeof name);
	char *uname = NULL;
	if (!fname && name[0]) {	/* the begin line's name of a uuencoded/yEnc/BinHex part */
		uname = utf8_or_null(name);
		li.filename = uname;
		li.attachment = true;
	}
	deliver(w, m, &li, &d, false);
	lg_buf_free(&d.data);
	if (copy)
		g_byte_array_free(copy, TRUE);
	free(uname);
	free(fname);
	free(charset_u);
}

/* has_dash_line - whether a text has a line that begins with "--" (a delimiter to some reader) */
static bool has_dash_line(const char *t, size_t len)
{
	for (const char *p = t, *e = t + len; (p = memmem(p, (size_t)(e - p), "--", 2)); p += 2)
		if (p == t || p[-1] == '\n' || p[-1] == '\r')
			return true;
	return false;
}

/* boundary_used - whether any line of msg begins with "--" and the boundary */
static bool boundary_used(const char *msg, size_t len, const char *boundary)
{
	size_t bl = strlen(boundary);
	for (const char *p = msg, *e = msg + len; (p = memmem(p, (size_t)(e - p), "--", 2)); p += 2)
		if ((p == msg || p[-1] == '\n' || p[-1] == '\r') && (size_t)(e - p) >= bl + 2 &&
		    !memcmp(p + 2, boundary, bl))
			return true;
	return false;
}

/* walk_empty_multipart - a multipart in which GMime found no part, because its boundary never
 * occurs or because its body has lines that look like delimiters to other readers (a boundary
 * GMime reads otherwise, or cannot handle): clients that read it otherwise show its body, so it is
 * decoded by its own headers and flagged. A preamble of prose before the closing delimiter is not
 * a part and is left alone. */
static void walk_empty_multipart(struct walk *w, struct msgread *m, GMimeObject *obj,
				 const char *path, const char *ctype, unsigned depth)
{
	GMimeMultipart *mp = GMIME_MULTIPART(obj);
	const char *pro = g_mime_multipart_get_prologue(mp);
	const char *epi = g_mime_multipart_get_epilogue(mp);
	struct lg_buf body = LG_BUF_INIT;
	if (pro)
		lg_buf_puts(&body, pro);
	if (epi)
		lg_buf_puts(&body, epi);
	const char *bd = g_mime_object_get_content_type_parameter(obj, "boundary");
	bool used = bd && *bd && boundary_used(m->msg, m->len, bd);
	if (trimmed_len(body.data ? body.data : "", body.len) == 0 ||
	    (used && !has_dash_line(body.data, body.len))) {
		lg_buf_free(&body);
		return;
	}
	struct cte_reading cte = cte_of_object(w, obj, body.data, body.len);
	cte.ambiguous = LG_AMBIG_BOUNDARY;
	struct decoded d;
	decode_body(w, body.data, body.len, &cte, &d, NULL, 0);
	struct leafinfo li = { .path = path, .ctype = ctype, .attachment = true, .depth = depth };
	deliver(w, m, &li, &d, false);
	lg_buf_free(&d.data);
	lg_buf_free(&body);
}

/* emit_headers - an attached message's address headers as a text leaf ("From: ...\nTo: ..."),
 * names decoded: what a reader of the forwarded mail sees */
static void emit_headers(struct walk *w, GMimeMessage *msg, const char *path)
{
	static const struct {
		const char *name;
		GMimeAddressType type;
	} fields[] = {
		{ "From", GMIME_ADDRESS_TYPE_FROM },	     { "Sender", GMIME_ADDRESS_TYPE_SENDER },
		{ "Reply-To", GMIME_ADDRESS_TYPE_REPLY_TO }, { "To", GMIME_ADDRESS_TYPE_TO },
		{ "Cc", GMIME_ADDRESS_TYPE_CC },	     { "Bcc", GMIME_ADDRESS_TYPE_BCC },
	};
	struct lg_buf text = LG_BUF_INIT;
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		InternetAddressList *l = g_mime_message_get_addresses(msg, fields[i].type);
		if (!l || internet_address_list_length(l) == 0)
			continue;
		char *s = internet_address_list_to_string(l, NULL, FALSE);
		char *u = utf8_or_null(s);
		if (u && *u)
			lg_buf_printf(&text, "%s: %s\n", fields[i].name, u);
		free(u);
		g_free(s);
	}
	if (text.len) {
		char *hpath = lg_asprintf("%s%sheaders", path, *path ? "." : "");
		if (count_part(w, hpath)) {
			struct lg_mime_leaf leaf = { .path = hpath, .content_type = "text/plain",
						     .charset = "utf-8", .headers = true,
						     .data = text.data, .len = text.len };
			emit(w, &leaf);
		}
		free(hpath);
	}
	lg_buf_free(&text);
}

/* walk_object - descend one MIME object (multipart, message/rfc822, leaf) */
static void walk_object(struct walk *w, struct msgread *m, GMimeObject *obj, const char *path,
			unsigned depth, bool top_body)
{
	if (w->stop || !obj || !count_part(w, path))
		return;
	char *ctype = content_type_of(obj);
	struct leafinfo li = { .path = path, .ctype = ctype, .depth = depth };
	if (GMIME_IS_PART(obj))
		li.filename = utf8_or_null(g_mime_part_get_filename(GMIME_PART(obj)));
	if (depth > w->lim->depth) {
		emit_error(w, &li, "limit:depth", 0, m->inherited);
	} else if (GMIME_IS_MULTIPART_ENCRYPTED(obj)) {
		emit_error(w, &li, "encrypted", 0, m->inherited);
	} else if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);
		if (n == 0)
			walk_empty_multipart(w, m, obj, path, ctype, depth);
		for (int i = 0; i < n && !w->stop; i++) {
			char *sub = lg_asprintf("%s.%d", path, i + 1);
			/* a body in a multipart stays a body; the first level path has no "1." prefix */
			walk_object(w, m, g_mime_multipart_get_part(mp, i), depth == 0 ? sub + 2 : sub,
				    depth + 1, top_body);
			free(sub);
		}
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		if (inner && w->lim->nested_headers)
			emit_headers(w, inner, path);
		if (inner && g_mime_message_get_mime_part(inner))
			walk_object(w, m, g_mime_message_get_mime_part(inner), path, depth + 1, false);
		else
			emit_error(w, &li, "undecodable", 0, m->inherited);
	} else if (GMIME_IS_PART(obj)) {
		if (!strcmp(ctype, "application/pkcs7-mime") ||
		    !strcmp(ctype, "application/x-pkcs7-mime"))
			emit_error(w, &li, "encrypted", 0, m->inherited);
		else
			walk_leaf(w, m, GMIME_PART(obj), path, ctype, depth, top_body);
	} else {
		/* message/partial, message/external-body: no bytes we can read */
		emit_error(w, &li, "unsupported", 0, m->inherited);
	}
	free((char *)li.filename);
	free(ctype);
}

/* ---- the raw reading --------------------------------------------------------------------------- */

/* rline_at - the line that starts at pos (pos < len). A CR that begins a line does not end it
 * (lenient readers take it for white space before a header name). */
static struct rline rline_at(const char *s, size_t len, size_t pos)
{
	struct rline l = { pos, len, len };
	const char *nl = memchr(s + pos, '\n', len - pos);
	size_t lim = nl ? (size_t)(nl - s) : len;
	size_t stop = lim > pos && s[lim - 1] == '\r' ? lim - 1 : lim;	/* CRLF, or a final CR */
	const char *cr = stop > pos + 1 ? memchr(s + pos + 1, '\r', stop - pos - 1) : NULL;
	if (cr) {	/* a bare CR */
		l.end = (size_t)(cr - s);
		l.next = l.end + 1;
		return l;
	}
	l.end = stop;
	l.next = nl ? lim + 1 : len;
	return l;
}

/* rline_blank - a line of white space only (space, tab, vertical tab, form feed) */
static bool rline_blank(const char *s, struct rline l)
{
	for (size_t i = l.start; i < l.end; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\v' && s[i] != '\f')
			return false;
	return true;
}

/* header_name_end - if the line (from p) is "Name:" or "Name :", where the name ends; else 0.
 * Also "Content-Xxx value" without a colon, a known client leniency. */
static size_t header_name_end(const char *s, size_t p, size_t e, size_t *value)
{
	size_t q = p;
	while (q < e && (unsigned char)s[q] > ' ' && s[q] != 0x7f && s[q] != ':')
		q++;	/* 8-bit bytes are taken as GMime takes them */
	if (q == p)
		return 0;
	size_t r = q;
	while (r < e && (s[r] == ' ' || s[r] == '\t'))
		r++;
	if (r < e && s[r] == ':') {
		while (r < e && s[r] == ':')
			r++;
		*value = r;
		return q;
	}
	if (r > q && r < e && q - p > 8 && !g_ascii_strncasecmp(s + p, "content-", 8)) {
		*value = r;
		return q;
	}
	return 0;
}

/* is_hblank - white space a lenient reader skips before a header name */
static bool is_hblank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* is_content_header - whether a line is a "Content-...:" header (leading blanks allowed) */
static bool is_content_header(const char *s, struct rline l)
{
	size_t p = l.start, v;
	while (p < l.end && is_hblank(s[p]))
		p++;
	return l.end - p > 8 && !g_ascii_strncasecmp(s + p, "content-", 8) &&
	       header_name_end(s, p, l.end, &v) != 0;
}

/* Headers of one part as the raw reading sees them. */
struct alt_headers {
	char *ctypes[MIME_MAX_CTE_HEADERS];
	size_t nctypes;
	char *ctes[MIME_MAX_CTE_HEADERS];
	size_t nctes;
	char *disp;
	size_t body;		/* where the body starts */
};

/* alt_headers_free - release the collected values */
static void alt_headers_free(struct alt_headers *h)
{
	for (size_t i = 0; i < h->nctypes; i++)
		free(h->ctypes[i]);
	for (size_t i = 0; i < h->nctes; i++)
		free(h->ctes[i]);
	free(h->disp);
	*h = (struct alt_headers){0};
}

/* alt_keep_header - file one finished header under the names we read */
static void alt_keep_header(struct alt_headers *h, const char *name, size_t nlen, struct lg_buf *v)
{
	char *val = lg_strdup(v->data ? v->data : "");
	if (nlen == 12 && !g_ascii_strncasecmp(name, "content-type", 12) &&
	    h->nctypes < MIME_MAX_CTE_HEADERS) {
		h->ctypes[h->nctypes++] = val;
	} else if (nlen == 25 && !g_ascii_strncasecmp(name, "content-transfer-encoding", 25) &&
		   h->nctes < MIME_MAX_CTE_HEADERS) {
		h->ctes[h->nctes++] = val;
	} else if (nlen == 19 && !g_ascii_strncasecmp(name, "content-disposition", 19) && !h->disp) {
		h->disp = val;
	} else {
		free(val);
	}
}

/* alt_parse_headers - read a header block leniently from pos to end: blank lines before it are
 * skipped when headers follow, an empty line ends it, a junk line is skipped when a header
 * follows it and otherwise begins the body */
static void alt_parse_headers(const char *s, size_t pos, size_t end, struct alt_headers *h)
{
	*h = (struct alt_headers){ .body = end };
	size_t p = pos;
	for (unsigned i = 0; i < ALT_MAX_BLANKS && p < end; i++) {
		struct rline l = rline_at(s, end, p);
		if (!rline_blank(s, l))
			break;
		p = l.next;
	}
	if (p < end && p != pos) {
		size_t v;
		struct rline l = rline_at(s, end, p);
		if (!header_name_end(s, l.start, l.end, &v))
			p = pos;	/* no headers after the blank: an empty header block */
	}
	struct lg_buf val = LG_BUF_INIT;
	const char *name = NULL;
	size_t nlen = 0;
	unsigned lines = 0;
	while (p < end) {
		struct rline l = rline_at(s, end, p);
		size_t v, ne;
		if (l.start == l.end) {	/* white space only is folding, as for GMime */
			h->body = l.next;
			break;
		}
		if (++lines > ALT_MAX_HEADER_LINES) {
			h->body = l.start;
			break;
		}
		bool folded = s[l.start] == ' ' || s[l.start] == '\t';
		if (folded && !is_content_header(s, l)) {
			if (name) {
				lg_buf_putc(&val, ' ');
				lg_buf_append(&val, s + l.start, l.end - l.start);
			}
			p = l.next;
			continue;
		}
		size_t st = l.start;
		while (st < l.end && is_hblank(s[st]))
			st++;
		if ((ne = header_name_end(s, st, l.end, &v))) {
			if (name)
				alt_keep_header(h, name, nlen, &val);
			name = s + st;
			nlen = ne - st;
			lg_buf_reset(&val);
			lg_buf_append(&val, s + v, l.end - v);
			p = l.next;
			continue;
		}
		/* junk: GMime drops such a line; here the body starts with it */
		h->body = l.start;
		break;
	}
	if (name)
		alt_keep_header(h, name, nlen, &val);
	lg_buf_free(&val);
}

/* alt_token - the token of a "--token" line (trailing blanks removed); false if it is none */
static bool alt_token(const char *s, struct rline l, const char **tok, size_t *toklen)
{
	if (l.start < l.end && s[l.start] == '\r')
		l.start++;	/* a CR that begins the line */
	if (l.end - l.start < 3 || s[l.start] != '-' || s[l.start + 1] != '-')
		return false;
	size_t e = l.end;
	while (e > l.start + 2 && (s[e - 1] == ' ' || s[e - 1] == '\t'))
		e--;
	*tok = s + l.start + 2;
	*toklen = e - l.start - 2;
	return *toklen > 0 && *toklen <= ALT_MAX_TOKEN;
}

/* alt_add_seg - start a new part after a delimiter line */
static void alt_add_seg(struct alt *a, size_t start, size_t end, const char *tok, size_t tl)
{
	if (a->nsegs == a->capsegs) {
		a->capsegs = a->capsegs ? a->capsegs * 2 : 16;
		a->segs = lg_realloc(a->segs, a->capsegs * sizeof *a->segs);
	}
	a->segs[a->nsegs++] = (struct alt_seg){ start, end, tok, tl };
}

/* alt_tokens - pass 1: a "--token" line followed (after at most a few blank lines) by a Content-
 * header, or whose "--token--" closing line is there too, makes token a boundary. Every "--"
 * line is kept in a->dash for pass 2. */
static void alt_tokens(const char *s, size_t len, struct alt *a, size_t max_dash)
{
	GHashTable *seen = span_set_new();
	for (size_t pos = a->body; pos < len;) {
		struct rline l = rline_at(s, len, pos);
		const char *tok;
		size_t tl;
		pos = l.next;
		if (!alt_token(s, l, &tok, &tl))
			continue;
		if (++a->dash_lines > max_dash)
			break;
		if (a->ndash == a->capdash) {
			a->capdash = a->capdash ? a->capdash * 2 : 16;
			a->dash = lg_realloc(a->dash, a->capdash * sizeof *a->dash);
		}
		a->dash[a->ndash++] = (struct alt_dash){ l, tok, tl };
		span_set_add(seen, tok, tl);
		size_t p = l.next;
		for (unsigned i = 0; i <= ALT_MAX_BLANKS && p < len; i++) {
			struct rline n = rline_at(s, len, p);
			if (!rline_blank(s, n)) {
				if (is_content_header(s, n))
					span_set_add(a->tokens, tok, tl);
				break;
			}
			p = n.next;
		}
	}
	/* "--X" with its "--X--": a boundary even when its parts have no headers */
	GHashTableIter it;
	gpointer key;
	g_hash_table_iter_init(&it, seen);
	while (g_hash_table_iter_next(&it, &key, NULL)) {
		const struct span *k = key;
		if (k->n > 2 && k->p[k->n - 1] == '-' && k->p[k->n - 2] == '-' &&
		    span_set_has(seen, k->p, k->n - 2))
			span_set_add(a->tokens, k->p, k->n - 2);
	}
	g_hash_table_destroy(seen);
}

/* alt_free_dash - drop pass 1's "--" lines */
static void alt_free_dash(struct alt *a)
{
	free(a->dash);
	a->dash = NULL;
	a->ndash = a->capdash = 0;
}

/* alt_scan - the raw reading's boundaries and parts: every line "--token" or "--token--" of a
 * boundary token delimits. Also measures how deep those boundaries nest (at most depth_cap + 1) and
 * counts "--" lines (at most max_dash + 1). */
static void alt_scan(const char *s, size_t len, unsigned depth_cap, size_t max_dash, struct alt *a)
{
	*a = (struct alt){ .tokens = span_set_new() };
	struct alt_headers top;
	alt_parse_headers(s, 0, len, &top);
	a->body = top.body;
	alt_headers_free(&top);
	alt_tokens(s, len, a, max_dash);
	if (!g_hash_table_size(a->tokens) || a->dash_lines > max_dash) {
		alt_free_dash(a);
		return;
	}
	/* pass 2: delimiters, parts and nesting (a stack of the open boundaries) */
	const char **stack = lg_malloc((depth_cap + 2) * sizeof *stack);
	size_t *stacklen = lg_malloc((depth_cap + 2) * sizeof *stacklen);
	unsigned depth = 0;
	struct alt_seg *open = NULL;
	for (size_t d = 0; d < a->ndash; d++) {
		struct rline l = a->dash[d].l;
		const char *tok = a->dash[d].tok;
		size_t tl = a->dash[d].tl;
		bool is_open = span_set_has(a->tokens, tok, tl);
		size_t btl = tl;
		if (!is_open && tl > 2 && tok[tl - 1] == '-' && tok[tl - 2] == '-') {
			btl = tl - 2;	/* "--token--", or "--token --" as some clients accept it */
			while (btl && (tok[btl - 1] == ' ' || tok[btl - 1] == '\t'))
				btl--;
		}
		bool is_close = !is_open && btl < tl && span_set_has(a->tokens, tok, btl);
		if (!is_open && !is_close)
			continue;
		if (open) {	/* the previous part ends before this line's line break */
			size_t e = l.start;
			if (e > open->start && s[e - 1] == '\n')
				e--;
			if (e > open->start && s[e - 1] == '\r')
				e--;
			open->end = e;
			open = NULL;
		}
		unsigned at = depth;
		for (unsigned i = depth; i-- > 0;)
			if (stacklen[i] == btl && !memcmp(stack[i], tok, btl)) {
				at = i;
				break;
			}
		if (is_close) {
			if (at < depth)
				depth = at;
			continue;
		}
		if (at < depth) {
			depth = at + 1;		/* a sibling: deeper boundaries are closed */
		} else {
			stack[depth] = tok;
			stacklen[depth++] = btl;
			if (depth > a->max_nesting)
				a->max_nesting = depth;
			if (depth > depth_cap)
				break;
		}
		alt_add_seg(a, l.next, len, tok, btl);
		open = &a->segs[a->nsegs - 1];
	}
	free(stack);
	free(stacklen);
	alt_free_dash(a);
}

/* alt_free - release the raw reading */
static void alt_free(struct alt *a)
{
	if (a->tokens)
		g_hash_table_destroy(a->tokens);
	free(a->segs);
	free(a->dash);
	*a = (struct alt){0};
}

/* covered - whether GMime's reading decodes the same raw bytes the same way, or shows them within
 * a text it hands on as it is */
static bool covered(const struct msgread *m, size_t start, size_t end, enum cte enc)
{
	for (size_t i = 0; i < m->nranges; i++) {
		const struct range *r = &m->ranges[i];
		size_t ds = r->start > start ? r->start - start : start - r->start;
		size_t de = r->end > end ? r->end - end : end - r->end;
		if (ds <= 2 && de <= 2 && r->enc == enc)
			return true;
		if (enc == CTE_IDENTITY && r->enc == CTE_IDENTITY && r->start <= start &&
		    end <= r->end + 2)
			return true;
	}
	return false;
}

/* An uncovered part of the raw reading, waiting until GMime's leaves are known. */
struct alt_part {
	size_t start, end;		/* body bytes */
	char *ctype, *charset, *filename;
	bool attachment;
	struct cte_reading cte;
	const char *reason;		/* "boundary" or "header" */
};

/* alt_describe - the raw reading of one part's headers: type, name, encoding; false when the part
 * is a multipart whose parts the raw reading delimits anyway */
static bool alt_describe(struct walk *w, struct msgread *m, struct alt *a, size_t start,
			 size_t end, struct alt_part *ap)
{
	const char *s = m->msg;
	size_t pos = start;
	for (unsigned nest = 0; nest <= ALT_MAX_MESSAGE_NESTING; nest++) {
		struct alt_headers h;
		alt_parse_headers(s, pos, end, &h);
		char *ctype = NULL, *boundary = NULL, *charset = NULL, *fname = NULL;
		bool multipart = false;
		for (size_t i = 0; i < h.nctypes; i++) {
			GMimeContentType *ct = g_mime_content_type_parse(w->opts, h.ctypes[i]);
			if (!ct)
				continue;
			char *mt = g_mime_content_type_get_mime_type(ct);
			char *lmt = lower_dup(mt ? mt : "text/plain");
			g_free(mt);
			if (!strncmp(lmt, "multipart/", 10)) {
				const char *b = g_mime_content_type_get_parameter(ct, "boundary");
				multipart = true;
				if (b && !boundary)
					boundary = g_strdup(b);
			}
			if (!ctype) {
				ctype = lmt;
				charset = utf8_or_null(g_mime_content_type_get_parameter(ct, "charset"));
				fname = utf8_or_null(g_mime_content_type_get_parameter(ct, "name"));
			} else {
				free(lmt);
			}
			g_object_unref(ct);
		}
		/* a multipart whose parts either reading delimits is not a part itself */
		bool skip = multipart && boundary &&
			    (span_set_has(a->tokens, boundary, strlen(boundary)) ||
			     span_set_has(m->boundaries, boundary, strlen(boundary)));
		g_free(boundary);
		bool attachment = false;
		if (h.disp) {
			GMimeContentDisposition *cd = g_mime_content_disposition_parse(w->opts, h.disp);
			if (cd) {
				attachment = g_mime_content_disposition_is_attachment(cd);
				const char *fn = g_mime_content_disposition_get_parameter(cd, "filename");
				if (fn) {
					free(fname);
					fname = utf8_or_null(fn);
				}
				g_object_unref(cd);
			}
		}
		if (!ctype)
			ctype = lg_strdup("text/plain");
		size_t body = h.body < end ? h.body : end;
		struct cte_reading cte = cte_read(w, h.ctes, h.nctes, s + body, end - body);
		alt_headers_free(&h);
		if (skip) {
			free(ctype);
			free(charset);
			free(fname);
			return false;
		}
		if (is_message_type(ctype) && cte.enc == CTE_IDENTITY && body < end) {
			free(ctype);
			free(charset);
			free(fname);
			pos = body;	/* the message's own headers follow */
			continue;
		}
		*ap = (struct alt_part){ body, end, ctype, charset, fname,
					 attachment || fname || strncmp(ctype, "text/", 5) != 0, cte,
					 NULL };
		return true;
	}
	return false;
}

/* alt_part_free - release one waiting part */
static void alt_part_free(struct alt_part *ap)
{
	free(ap->ctype);
	free(ap->charset);
	free(ap->filename);
}

/* alt_collect - the raw reading's parts that GMime's reading does not cover */
static struct alt_part *alt_collect(struct walk *w, struct msgread *m, struct alt *a, size_t *n)
{
	struct alt_part *out = NULL;
	*n = 0;
	size_t nsegs = a->nsegs;
	struct alt_seg top = { 0, m->len, NULL, 0 };
	const struct alt_seg *segs = a->segs;
	if (!nsegs) {		/* no boundary: the message is one part, headers and all */
		segs = &top;
		nsegs = 1;
	}
	for (size_t i = 0; i < nsegs; i++) {
		struct alt_part ap;
		if (!alt_describe(w, m, a, segs[i].start, segs[i].end, &ap))
			continue;
		if (covered(m, ap.start, ap.end, ap.cte.enc) || ap.start >= ap.end) {
			alt_part_free(&ap);
			continue;
		}
		bool known = segs[i].tok && span_set_has(m->boundaries, segs[i].tok, segs[i].toklen);
		ap.reason = !segs[i].tok || known ? LG_AMBIG_HEADER : LG_AMBIG_BOUNDARY;
		out = lg_realloc(out, (*n + 1) * sizeof *out);
		out[(*n)++] = ap;
	}
	return out;
}

/* alt_deliver - decode the uncovered parts of the raw reading and hand on what is new */
static void alt_deliver(struct walk *w, struct msgread *m, struct alt_part *parts, size_t n,
			const char *path, unsigned depth)
{
	for (size_t i = 0; i < n && !w->stop; i++) {
		struct alt_part *ap = &parts[i];
		struct decoded d;
		char name[LG_UU_MAX_NAME + 1];
		decode_body(w, m->msg + ap->start, ap->end - ap->start, &ap->cte, &d, name,
			    sizeof name);
		char *p = lg_asprintf("%s%sraw.%u", depth ? path : "", depth ? "." : "",
				      ++m->alt_leaves);
		char *uname = !ap->filename && name[0] ? utf8_or_null(name) : NULL;
		struct leafinfo li = { .path = p, .ctype = ap->ctype, .charset = ap->charset,
				       .filename = uname ? uname : ap->filename,
				       .attachment = ap->attachment || uname, .depth = depth };
		const char *saved = m->inherited;
		m->inherited = saved ? saved : ap->reason;
		if (d.error || d.data.len)
			deliver(w, m, &li, &d, true);
		m->inherited = saved;
		lg_buf_free(&d.data);
		free(uname);
		free(p);
	}
}

/* ---- one message ------------------------------------------------------------------------------- */

/* collect_addrs - flatten an InternetAddressList (groups included) into normalised addr-specs */
static void collect_addrs(InternetAddressList *list, char ***out, size_t *n, unsigned depth)
{
	if (!list || depth > 4)
		return;
	int count = internet_address_list_length(list);
	for (int i = 0; i < count; i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			collect_addrs(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)),
				      out, n, depth + 1);
			continue;
		}
		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		const char *a = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
		char *u = a ? utf8_or_null(a) : NULL;
		char *norm = u ? lg_addr_normalize(u) : NULL;
		free(u);
		if (!norm)
			continue;
		*out = lg_realloc(*out, (*n + 1) * sizeof **out);
		(*out)[(*n)++] = norm;
	}
}

/* fill_addrs - the outermost message's From, To, Cc and Bcc */
static void fill_addrs(GMimeMessage *msg, struct lg_mime_addrs *addrs)
{
	collect_addrs(g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_FROM), &addrs->from,
		      &addrs->nfrom, 0);
	collect_addrs(g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_TO), &addrs->to_cc,
		      &addrs->nto_cc, 0);
	collect_addrs(g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_CC), &addrs->to_cc,
		      &addrs->nto_cc, 0);
	collect_addrs(g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_BCC), &addrs->bcc,
		      &addrs->nbcc, 0);
}

/* parse_message - GMime's parse of len bytes (NULL when they are not a message) */
static GMimeMessage *parse_message(struct walk *w, const char *msg, size_t len, GByteArray **ba)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(msg, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	GMimeMessage *m = g_mime_parser_construct_message(parser, w->opts);
	*ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
	g_object_unref(parser);
	g_object_unref(stream);	/* the message's part streams keep it (and ba) alive */
	return m;
}

/* header_addrs - the addresses of a message GMime is not asked to parse whole (header only) */
static void header_addrs(struct walk *w, const char *msg, size_t len, size_t body,
			 struct lg_mime_addrs *addrs)
{
	GByteArray *ba;
	GMimeMessage *hm = parse_message(w, msg, body < len ? body : len, &ba);
	if (hm) {
		fill_addrs(hm, addrs);
		g_object_unref(hm);
	}
}

/* walk_headerless - bytes GMime does not take for a message (no header line first): lenient
 * clients show them as a text body, so they are handed on as one, flagged "header", with any parts
 * the raw reading finds in them */
static void walk_headerless(struct walk *w, const char *msg, size_t len, const char *path,
			    unsigned depth, bool top_body, const char *inherited, struct alt *a)
{
	struct msgread m = { .msg = msg, .len = len, .inherited = inherited ? inherited : LG_AMBIG_HEADER,
			     .boundaries = span_set_new(), .need_digests = true };
	struct leafinfo li = { .path = path, .ctype = "text/plain", .top_body = top_body,
			       .depth = depth };
	if (count_part(w, path))
		emit_bytes(w, &m, &li, msg, len, NULL, false);
	size_t nparts = 0;
	struct alt_part *parts = a->nsegs ? alt_collect(w, &m, a, &nparts) : NULL;
	alt_deliver(w, &m, parts, nparts, path, depth);
	for (size_t i = 0; i < nparts; i++)
		alt_part_free(&parts[i]);
	free(parts);
	free(m.digests);
	g_hash_table_destroy(m.boundaries);
}

/* walk_message - read one message both ways and hand on its leaves: GMime's reading, then what
 * only the raw reading decodes. A nesting or a number of delimiters that would make GMime's own
 * parse slow is refused (limit:depth, limit:parts) before GMime sees it. */
static void walk_message(struct walk *w, const char *msg, size_t len, const char *path,
			 unsigned depth, bool top_body, const char *inherited,
			 struct lg_mime_addrs *addrs, bool *not_message)
{
	if (w->stop)
		return;
	struct alt a;
	alt_scan(msg, len, w->lim->depth + GUARD_DEPTH_SLACK, GUARD_DASH_LINES(w->lim->parts), &a);
	const char *guard = a.max_nesting > w->lim->depth + GUARD_DEPTH_SLACK ? "limit:depth"
			    : a.dash_lines > GUARD_DASH_LINES(w->lim->parts) ? "limit:parts"
									      : NULL;
	if (guard) {
		if (addrs)
			header_addrs(w, msg, len, a.body, addrs);
		struct leafinfo li = { .path = path, .ctype = "multipart/mixed", .depth = depth };
		if (count_part(w, path))
			emit_error(w, &li, guard, len, inherited);
		if (!strcmp(guard, "limit:parts"))
			w->parts_reported = true;
		alt_free(&a);
		return;
	}
	GByteArray *ba;
	GMimeMessage *gm = parse_message(w, msg, len, &ba);
	if (!gm) {
		if (trimmed_len(msg, len) == 0) {
			if (not_message)
				*not_message = true;
		} else {
			walk_headerless(w, msg, len, path, depth, top_body, inherited, &a);
		}
		alt_free(&a);
		return;
	}
	if (addrs)
		fill_addrs(gm, addrs);
	if (depth > 0 ? w->lim->nested_headers : w->lim->own_headers)
		emit_headers(w, gm, path);
	struct msgread m = { .msg = msg, .len = len, .ba = ba, .inherited = inherited,
			     .boundaries = span_set_new() };
	GMimeObject *body = g_mime_message_get_mime_part(gm);
	unsigned count = 0;
	if (body)
		prepass(w, &m, body, depth, &count);
	struct alt_part *parts = NULL;
	size_t nparts = 0;
	if (!m.a_error)
		parts = alt_collect(w, &m, &a, &nparts);
	m.need_digests = nparts > 0;
	if (body)
		walk_object(w, &m, body, path, depth, top_body);
	alt_deliver(w, &m, parts, nparts, path, depth);
	for (size_t i = 0; i < nparts; i++)
		alt_part_free(&parts[i]);
	free(parts);
	alt_free(&a);
	free(m.ranges);
	free(m.digests);
	g_hash_table_destroy(m.boundaries);
	g_object_unref(gm);
}

/* lg_mime_addrs_free - release the address lists */
void lg_mime_addrs_free(struct lg_mime_addrs *a)
{
	for (size_t i = 0; i < a->nfrom; i++)
		free(a->from[i]);
	for (size_t i = 0; i < a->nto_cc; i++)
		free(a->to_cc[i]);
	for (size_t i = 0; i < a->nbcc; i++)
		free(a->bcc[i]);
	free(a->from);
	free(a->to_cc);
	free(a->bcc);
	*a = (struct lg_mime_addrs){0};
}

/* lg_mime_walk - parse the message and walk its leaves */
long lg_mime_walk(const char *msg, size_t len, const struct lg_mime_limits *lim, lg_mime_leaf_fn fn,
		  void *arg, struct lg_mime_addrs *addrs, char *err, size_t errlen)
{
	static const char *fallback[] = { "UTF-8", "CP932", NULL };
	GMimeParserOptions *opts = g_mime_parser_options_new();
	g_mime_parser_options_set_rfc2047_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_address_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_fallback_charsets(opts, fallback);
	if (addrs)
		*addrs = (struct lg_mime_addrs){0};
	struct walk w = { .lim = lim, .fn = fn, .arg = arg, .opts = opts };
	bool not_message = false;
	walk_message(&w, msg, len, "1", 0, true, NULL, addrs, &not_message);
	g_mime_parser_options_free(opts);
	if (not_message) {
		snprintf(err, errlen, "not a MIME message");
		return -1;
	}
	return w.leaves;
}
