/* sniff.c - type sniffing with libmagic. A magic_t is not thread-safe: one pair per analyzer.
 *
 * libmagic's soft magic compiles regular expressions on every call on text input (about 0.5 ms
 * for a 1 KB ISO-2022-JP body, measured with libmagic 5.44), while its built-in tests (text,
 * encodings, CSV, JSON) cost about 0.01 ms. So bytes that are plainly prose or tables are typed
 * by a cookie without soft magic; everything else, including text that starts like markup or a
 * document format ('<' HTML/XML, '%' PDF/PostScript, '{' RTF, '#!' scripts, '(' BinHex,
 * "begin " uuencode), gets the full database. libmagic decides the type either way. */
#include "content/sniff.h"

#include <ctype.h>
#include <magic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lg_alloc.h"

#define LG_SNIFF_TEXT_PROBE 8192	/* bytes looked at to decide "plain text" */

struct lg_sniffer {
	magic_t full;	/* the whole magic database */
	magic_t text;	/* built-in tests only, for plain text */
};

/* open_cookie - one libmagic handle with flags, database loaded */
static magic_t open_cookie(int flags, char *err, size_t errlen)
{
	magic_t c = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS | flags);
	if (!c) {
		snprintf(err, errlen, "magic_open failed");
		return NULL;
	}
	if (magic_load(c, NULL) != 0) {
		snprintf(err, errlen, "magic_load: %s", magic_error(c) ? magic_error(c) : "failed");
		magic_close(c);
		return NULL;
	}
	return c;
}

/* lg_sniffer_new - open and load libmagic's default database (twice: full and built-in only) */
struct lg_sniffer *lg_sniffer_new(char *err, size_t errlen)
{
	magic_t full = open_cookie(0, err, errlen);
	if (!full)
		return NULL;
	magic_t text = open_cookie(MAGIC_NO_CHECK_SOFT, err, errlen);
	if (!text) {
		magic_close(full);
		return NULL;
	}
	struct lg_sniffer *s = lg_malloc(sizeof *s);
	s->full = full;
	s->text = text;
	return s;
}

/* lg_sniffer_free - close the databases */
void lg_sniffer_free(struct lg_sniffer *s)
{
	if (!s)
		return;
	magic_close(s->full);
	magic_close(s->text);
	free(s);
}

/* plain_text - no NUL or stray control bytes in the first bytes, no tag ('<' and a letter, '/'
 * or '!') among them, and it does not begin (after a BOM and white space) with a character that
 * starts a document format or a text encoding of a binary file */
static bool plain_text(const unsigned char *d, size_t n)
{
	size_t probe = n < LG_SNIFF_TEXT_PROBE ? n : LG_SNIFF_TEXT_PROBE;
	bool jis = false;	/* inside an ISO-2022-JP two-byte run, where '<' is half a kanji */
	for (size_t i = 0; i < probe; i++) {
		unsigned char c = d[i];
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b)
			return false;
		if (c == 0x1b && i + 1 < probe)
			jis = d[i + 1] == '$';
		if (c == '\n')
			jis = false;
		if (!jis && c == '<' && i + 1 < probe &&
		    (isalpha(d[i + 1]) || d[i + 1] == '/' || d[i + 1] == '!' || d[i + 1] == '?'))
			return false;
	}
	size_t i = 0;
	if (n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF)
		i = 3;
	while (i < probe && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
		i++;
	if (i == probe)
		return true;
	/* text encodings of binary files: uuencode, yEnc, vCalendar/vCard */
	static const char *const starts[] = { "BEGIN:", "begin ", "=ybegin" };
	for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++) {
		size_t l = strlen(starts[k]);
		if (probe - i >= l && !memcmp(d + i, starts[k], l))
			return false;
	}
	switch (d[i]) {
	case '<': case '%': case '{': case '#': case '\\': case '.': case '@': case '[':
	case '(':	/* "(This file must be converted with BinHex 4.0)" */
		return false;
	}
	return true;
}

/* lg_sniff - libmagic's MIME type for the first LG_SNIFF_MAX_BYTES bytes */
char *lg_sniff(struct lg_sniffer *s, const char *data, size_t len)
{
	if (len == 0)
		return lg_strdup("application/x-empty");
	size_t n = len > LG_SNIFF_MAX_BYTES ? LG_SNIFF_MAX_BYTES : len;
	magic_t c = plain_text((const unsigned char *)data, n) ? s->text : s->full;
	const char *t = magic_buffer(c, data, n);
	return lg_strdup(t ? t : "application/octet-stream");
}
