/* mime.c - a notice as a MIME message (GMime): UTF-8 text/plain in base64, the subject as RFC
 * 2047 encoded words made here (see rfc2047_subject), Date, Message-ID, Auto-Submitted:
 * auto-generated (RFC 3834) and X-Leakguard-Notice: KIND ID. */
#include "config.h"

#include <gmime/gmime.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lg_alloc.h"
#include "lg_buf.h"
#include "notice/notice.h"

/* crlf - text with LF line ends as CRLF (the canonical form of a text body) */
static char *crlf(const char *s)
{
	struct lg_buf b = LG_BUF_INIT;
	for (; *s; s++) {
		if (*s == '\n' && (b.len == 0 || b.data[b.len - 1] != '\r'))
			lg_buf_putc(&b, '\r');
		lg_buf_putc(&b, *s);
	}
	lg_buf_cstr(&b);
	return lg_buf_steal(&b, NULL);
}

/* q_plain - a byte that a Q-encoded word carries as itself (space as '_') */
static bool q_plain(unsigned char c)
{
	return c == ' ' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '!' || c == '*' || c == '+' || c == '-' || c == '/';
}

/* q_word - bytes as one RFC 2047 Q-encoded word */
static void q_word(struct lg_buf *b, const char *s, size_t n)
{
	lg_buf_puts(b, "=?UTF-8?Q?");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ')
			lg_buf_putc(b, '_');
		else if (q_plain(c))
			lg_buf_putc(b, (char)c);
		else
			lg_buf_printf(b, "=%02X", c);
	}
	lg_buf_puts(b, "?=");
}

/* rfc2047_subject - a UTF-8 subject as RFC 2047 encoded words, each a whole number of
 * characters and at most 75 characters long. Base64 words are cut where every word but the
 * last holds a multiple of 3 bytes (found by a shortest-path search over character
 * boundaries), so that no word but the last ends in '=' padding: GMime 3.2 decodes adjacent
 * words of one charset as one base64 text and stops at the first '=', and a reader built on
 * it would see only the first word. When no such cut exists, quoted-printable (Q) words,
 * which have no padding. Plain ASCII stays as it is. */
static char *rfc2047_subject(const char *s)
{
	bool ascii = true;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p >= 0x80 || (unsigned char)*p < 0x20)
			ascii = false;
	if (ascii && !strstr(s, "=?"))
		return lg_strdup(s);
	size_t len = strlen(s);
	/* from[i]: where the word ending at byte i starts on a shortest cut, or -1 */
	long *from = lg_malloc((len + 1) * sizeof *from);
	unsigned *words = lg_malloc((len + 1) * sizeof *words);
	for (size_t i = 0; i <= len; i++)
		from[i] = -1, words[i] = ~0u;
	words[0] = 0;
	for (size_t j = 0; j < len; j++) {
		if (words[j] == ~0u || (j && ((unsigned char)s[j] & 0xC0) == 0x80))
			continue;
		for (size_t n = 1; n <= 45 && j + n <= len; n++) {
			size_t i = j + n;
			bool boundary = i == len || ((unsigned char)s[i] & 0xC0) != 0x80;
			if (boundary && (n % 3 == 0 || i == len) && words[j] + 1 < words[i])
				words[i] = words[j] + 1, from[i] = (long)j;
		}
	}
	struct lg_buf b = LG_BUF_INIT;
	if (from[len] >= 0 || !len) {
		size_t nw = words[len], k = nw;
		size_t *cut = lg_malloc((nw + 1) * sizeof *cut);
		for (size_t i = len; k > 0; i = (size_t)from[i])
			cut[--k] = (size_t)from[i];
		cut[nw] = len;
		for (size_t w = 0; w < nw; w++) {
			gchar *enc = g_base64_encode((const guchar *)s + cut[w], cut[w + 1] - cut[w]);
			lg_buf_printf(&b, "%s=?UTF-8?B?%s?=", w ? " " : "", enc);
			g_free(enc);
		}
		free(cut);
	} else {
		size_t off = 0;
		while (off < len) {
			size_t n = 0, cost = 0;
			while (off + n < len) {
				/* the next character, whole */
				size_t c = 1;
				while (off + n + c < len && ((unsigned char)s[off + n + c] & 0xC0) == 0x80)
					c++;
				size_t add = 0;
				for (size_t k = 0; k < c; k++)
					add += q_plain((unsigned char)s[off + n + k]) ? 1 : 3;
				if (n && cost + add > 60)
					break;
				cost += add;
				n += c;
			}
			if (off)
				lg_buf_putc(&b, ' ');
			q_word(&b, s + off, n);
			off += n;
		}
	}
	free(from);
	free(words);
	lg_buf_cstr(&b);
	return lg_buf_steal(&b, NULL);
}

/* lg_notice_mime - the notice as a MIME message */
char *lg_notice_mime(const char *from, char *const *to, size_t nto, const char *subject,
		     const char *body, const char *kind, const char *qid, size_t *len)
{
	GMimeMessage *m = g_mime_message_new(TRUE);
	g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_FROM, NULL, from);
	for (size_t i = 0; i < nto; i++)
		g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_TO, NULL, to[i]);
	char *encoded = rfc2047_subject(subject);
	g_mime_object_set_header(GMIME_OBJECT(m), "Subject", encoded, NULL);
	free(encoded);
	GDateTime *now = g_date_time_new_now_local();
	g_mime_message_set_date(m, now);
	g_date_time_unref(now);
	const char *at = strrchr(from, '@');
	char *mid = g_mime_utils_generate_message_id(at ? at + 1 : "leakguard.invalid");
	g_mime_message_set_message_id(m, mid);
	g_free(mid);
	GMimeObject *mo = GMIME_OBJECT(m);
	g_mime_object_set_header(mo, "Auto-Submitted", "auto-generated", NULL);
	char *tag = lg_asprintf("%s%s%s", kind, qid ? " " : "", qid ? qid : "");
	g_mime_object_set_header(mo, "X-Leakguard-Notice", tag, NULL);
	free(tag);
	GMimePart *part = g_mime_part_new_with_type("text", "plain");
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(part), "charset", "utf-8");
	char *text = crlf(body);
	GMimeStream *ms = g_mime_stream_mem_new_with_buffer(text, strlen(text));
	GMimeDataWrapper *dw = g_mime_data_wrapper_new_with_stream(ms,
								    GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(part, dw);
	g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
	g_mime_message_set_mime_part(m, GMIME_OBJECT(part));
	GMimeFormatOptions *fo = g_mime_format_options_clone(NULL);
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	char *s = g_mime_object_to_string(mo, fo);
	char *out = lg_strdup(s);
	*len = strlen(out);
	g_free(s);
	g_mime_format_options_free(fo);
	g_object_unref(dw);
	g_object_unref(ms);
	g_object_unref(part);
	g_object_unref(m);
	free(text);
	return out;
}
