/* mime.c - the MIME walk: GMime parses, we descend multiparts and message/rfc822 parts with named
 * limits, decode each leaf's transfer encoding and hand the bytes on. Nothing here interprets text. */
#include "content/mime.h"

#include <ctype.h>
#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/charset.h"
#include "lg_alloc.h"

struct walk {
	const struct lg_mime_limits *lim;
	lg_mime_leaf_fn fn;
	void *arg;
	unsigned parts;
	long leaves;
	bool stop;
	bool parts_reported;
};

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

/* emit - call the user's callback for one leaf, counting it */
static void emit(struct walk *w, struct lg_mime_leaf *leaf)
{
	w->leaves++;
	if (w->fn(w->arg, leaf))
		w->stop = true;
}

/* emit_error_leaf - report a part that could not be decoded */
static void emit_error_leaf(struct walk *w, GMimeObject *obj, const char *path, const char *ctype,
			    const char *error, bool top_body)
{
	struct lg_mime_leaf leaf = {0};
	char *fname = NULL;
	if (obj && GMIME_IS_PART(obj))
		fname = utf8_or_null(g_mime_part_get_filename(GMIME_PART(obj)));
	leaf.path = path;
	leaf.content_type = ctype;
	leaf.filename = fname;
	leaf.attachment = fname != NULL || (ctype && strncmp(ctype, "text/", 5) != 0);
	leaf.top_body = top_body && !leaf.attachment;
	leaf.error = error;
	emit(w, &leaf);
	free(fname);
}

/* content_type_of - lower-case "type/subtype" of an object */
static char *content_type_of(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	char *mt = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
	char *s = lg_strdup(mt ? mt : "text/plain");
	g_free(mt);
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

/* walk_leaf - decode one GMimePart and emit it */
static void walk_leaf(struct walk *w, GMimePart *part, const char *path, const char *ctype,
		      bool top_body)
{
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	struct lg_mime_leaf leaf = {0};
	char *fname = utf8_or_null(g_mime_part_get_filename(part));
	const char *charset = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
	char *charset_u = utf8_or_null(charset);
	GMimeContentDisposition *disp = g_mime_object_get_content_disposition(GMIME_OBJECT(part));
	/* what a mail client shows as an attachment: a named or "attachment" part, or any part
	 * that is not text */
	bool is_att = fname != NULL || (disp && g_mime_content_disposition_is_attachment(disp)) ||
		      strncmp(ctype, "text/", 5) != 0;

	leaf.path = path;
	leaf.content_type = ctype;
	leaf.charset = charset_u;
	leaf.filename = fname;
	leaf.attachment = is_att;
	leaf.top_body = top_body && !is_att;

	if (!content) {
		leaf.data = "";
		leaf.len = 0;
		emit(w, &leaf);
		goto out;
	}
	GMimeStream *enc = g_mime_data_wrapper_get_stream(content);
	gint64 enc_len = enc ? g_mime_stream_length(enc) : -1;
	/* Decoding never grows base64/QP beyond the encoded size; refuse before allocating. */
	if (enc_len > 0 && (guint64)enc_len > (guint64)w->lim->part_size * 2 + 4096) {
		leaf.error = "limit:part_size";
		leaf.encoded_len = (size_t)enc_len;
		emit(w, &leaf);
		goto out;
	}
	GMimeStream *mem = g_mime_stream_mem_new();
	if (g_mime_data_wrapper_write_to_stream(content, mem) < 0) {
		leaf.error = "undecodable";
		emit(w, &leaf);
		g_object_unref(mem);
		goto out;
	}
	GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	if (ba->len > w->lim->part_size) {
		leaf.error = "limit:part_size";
		leaf.encoded_len = ba->len;
	} else {
		leaf.data = ba->len ? (const char *)ba->data : "";
		leaf.len = ba->len;
	}
	emit(w, &leaf);
	g_object_unref(mem);
out:
	free(fname);
	free(charset_u);
}

/* walk_object - descend one MIME object (multipart, message/rfc822, leaf) */
static void walk_object(struct walk *w, GMimeObject *obj, const char *path, unsigned depth,
			bool top_body)
{
	if (w->stop || !obj)
		return;
	if (++w->parts > w->lim->parts) {
		if (!w->parts_reported) {
			w->parts_reported = true;
			emit_error_leaf(w, NULL, path, "multipart/mixed", "limit:parts", false);
		}
		w->stop = true;
		return;
	}
	char *ctype = content_type_of(obj);
	if (depth > w->lim->depth) {
		emit_error_leaf(w, obj, path, ctype, "limit:depth", false);
		free(ctype);
		return;
	}
	if (GMIME_IS_MULTIPART_ENCRYPTED(obj)) {
		emit_error_leaf(w, obj, path, ctype, "encrypted", false);
	} else if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);
		for (int i = 0; i < n && !w->stop; i++) {
			char *sub = lg_asprintf("%s.%d", path, i + 1);
			/* a body in a multipart stays a body; the first level path has no "1." prefix */
			walk_object(w, g_mime_multipart_get_part(mp, i), depth == 0 ? sub + 2 : sub,
				    depth + 1, top_body);
			free(sub);
		}
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		if (inner && g_mime_message_get_mime_part(inner))
			walk_object(w, g_mime_message_get_mime_part(inner), path, depth + 1, false);
		else
			emit_error_leaf(w, obj, path, ctype, "undecodable", false);
	} else if (GMIME_IS_PART(obj)) {
		if (!strcmp(ctype, "application/pkcs7-mime") ||
		    !strcmp(ctype, "application/x-pkcs7-mime"))
			emit_error_leaf(w, obj, path, ctype, "encrypted", false);
		else
			walk_leaf(w, GMIME_PART(obj), path, ctype, top_body);
	} else {
		/* message/partial, message/external-body: no bytes we can read */
		emit_error_leaf(w, obj, path, ctype, "unsupported", false);
	}
	free(ctype);
}

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

	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(msg, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	GMimeMessage *m = g_mime_parser_construct_message(parser, opts);
	g_object_unref(parser);
	g_object_unref(stream);
	if (addrs)
		*addrs = (struct lg_mime_addrs){0};
	if (!m) {
		snprintf(err, errlen, "not a MIME message");
		g_mime_parser_options_free(opts);
		return -1;
	}
	if (addrs) {
		collect_addrs(g_mime_message_get_addresses(m, GMIME_ADDRESS_TYPE_FROM), &addrs->from,
			      &addrs->nfrom, 0);
		collect_addrs(g_mime_message_get_addresses(m, GMIME_ADDRESS_TYPE_TO), &addrs->to_cc,
			      &addrs->nto_cc, 0);
		collect_addrs(g_mime_message_get_addresses(m, GMIME_ADDRESS_TYPE_CC), &addrs->to_cc,
			      &addrs->nto_cc, 0);
		collect_addrs(g_mime_message_get_addresses(m, GMIME_ADDRESS_TYPE_BCC), &addrs->bcc,
			      &addrs->nbcc, 0);
	}
	struct walk w = { .lim = lim, .fn = fn, .arg = arg };
	GMimeObject *body = g_mime_message_get_mime_part(m);
	if (body)
		walk_object(&w, body, "1", 0, true);
	g_object_unref(m);
	g_mime_parser_options_free(opts);
	return w.leaves;
}
