/* uu.c - uuencode, yEnc and BinHex 4.0 blocks in text: finding them (lg_uu_find) and decoding them
 * tolerantly, with named limits and flags for what did not fit (see uu.h). */
#include "content/uu.h"

#include <stdint.h>
#include <string.h>

/* One line of a text: [start, end) without its CR/LF; next is where the following line starts. */
struct line {
	size_t start, end, next;
};

/* next_line - the line that starts at pos (pos < len) */
static struct line next_line(const char *s, size_t len, size_t pos)
{
	struct line l = { pos, len, len };
	const char *nl = memchr(s + pos, '\n', len - pos);
	if (nl) {
		l.end = (size_t)(nl - s);
		l.next = l.end + 1;
	}
	if (l.end > l.start && s[l.end - 1] == '\r')
		l.end--;
	return l;
}

/* trimmed_end - the end of a line without trailing blanks */
static size_t trimmed_end(const char *s, struct line l)
{
	size_t e = l.end;
	while (e > l.start && (s[e - 1] == ' ' || s[e - 1] == '\t'))
		e--;
	return e;
}

/* line_is - whether a line is word, ignoring trailing blanks */
static bool line_is(const char *s, struct line l, const char *word)
{
	size_t n = strlen(word);
	return trimmed_end(s, l) - l.start == n && memcmp(s + l.start, word, n) == 0;
}

/* line_starts - whether a line begins with prefix */
static bool line_starts(const char *s, struct line l, const char *prefix)
{
	size_t n = strlen(prefix);
	return l.end - l.start >= n && memcmp(s + l.start, prefix, n) == 0;
}

/* is_blank_line - a line of nothing but blanks */
static bool is_blank_line(const char *s, struct line l)
{
	return trimmed_end(s, l) == l.start;
}

/* copy_name - keep a file name (trimmed, at most LG_UU_MAX_NAME bytes, no control bytes) */
static void copy_name(char *dst, size_t dstlen, const char *s, size_t n)
{
	if (!dst || !dstlen)
		return;
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n > LG_UU_MAX_NAME)
		n = LG_UU_MAX_NAME;
	if (n >= dstlen)
		n = dstlen - 1;
	size_t j = 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x20 && s[i] != 0x7f)
			dst[j++] = s[i];
	dst[j] = '\0';
}

/* ---- uuencode ------------------------------------------------------------------------------ */

/* uu_value - the 6-bit value of a uuencoded character ('`' and ' ' are both 0) */
static unsigned uu_value(unsigned char c)
{
	return (unsigned)(c - 0x20) & 0x3f;
}

/* uu_char_ok - whether c belongs to the uuencode alphabet */
static bool uu_char_ok(unsigned char c)
{
	return c >= 0x20 && c <= 0x60;
}

/* parse_begin - "begin MODE NAME": true and the name, for a uuencode begin line */
static bool parse_begin(const char *s, struct line l, char *name, size_t namelen)
{
	size_t p = l.start, e = trimmed_end(s, l);
	if (e - p < 6 || memcmp(s + p, "begin", 5) != 0 || (s[p + 5] != ' ' && s[p + 5] != '\t'))
		return false;
	p += 5;
	while (p < e && (s[p] == ' ' || s[p] == '\t'))
		p++;
	size_t digits = 0;
	while (p < e && s[p] >= '0' && s[p] <= '7' && digits < 5)
		p++, digits++;
	if (digits < 1 || digits > 4 || p >= e || (s[p] != ' ' && s[p] != '\t'))
		return false;
	copy_name(name, namelen, s + p, e - p);
	return true;
}

/* uu_line_plausible - a data line: uuencode characters only, and about as many as it says */
static bool uu_line_plausible(const char *s, struct line l)
{
	size_t n = l.end - l.start;
	if (n < 2 || n > LG_UU_MAX_LINE)
		return false;
	for (size_t i = l.start; i < l.end; i++)
		if (!uu_char_ok((unsigned char)s[i]))
			return false;
	unsigned count = uu_value((unsigned char)s[l.start]);
	size_t need = (count + 2) / 3 * 4;
	return count > 0 && n - 1 <= need + 2 && n - 1 + 4 >= need;
}

/* uu_block_end - where a uuencoded block whose data starts at pos ends (after "end" if found) */
static size_t uu_block_end(const char *s, size_t len, size_t pos)
{
	size_t last = pos;
	while (pos < len) {
		struct line l = next_line(s, len, pos);
		if (line_is(s, l, "end"))
			return l.next;
		if (l.end - l.start > LG_UU_MAX_LINE)
			break;
		bool ok = true;
		for (size_t i = l.start; i < l.end && ok; i++)
			ok = uu_char_ok((unsigned char)s[i]);
		if (!ok)
			break;
		if (l.end == l.start) {
			/* an empty line: the block goes on only if "end" follows */
			if (l.next < len && line_is(s, next_line(s, len, l.next), "end"))
				return next_line(s, len, l.next).next;
			break;
		}
		pos = last = l.next;
	}
	return last;
}

/* lg_uu_decode - see uu.h */
unsigned lg_uu_decode(const char *in, size_t len, size_t max_out, struct lg_buf *out, char *name,
		      size_t namelen)
{
	unsigned flags = LG_UU_OK;
	size_t pos = 0, produced = 0;
	bool saw_end = false, any_line = false;
	if (name && namelen)
		name[0] = '\0';
	for (unsigned blanks = 0; pos < len && blanks <= LG_UU_MAX_BLANKS; blanks++) {
		struct line l = next_line(in, len, pos);
		if (!is_blank_line(in, l)) {
			if (parse_begin(in, l, name, namelen))
				pos = l.next;
			break;
		}
		pos = l.next;
	}
	while (pos < len) {
		struct line l = next_line(in, len, pos);
		pos = l.next;
		if (line_is(in, l, "end")) {
			saw_end = true;
			break;
		}
		if (is_blank_line(in, l))
			continue;
		size_t n = l.end - l.start;
		const unsigned char *p = (const unsigned char *)in + l.start;
		if (n > LG_UU_MAX_LINE || !uu_char_ok(p[0])) {
			flags |= LG_UU_BAD_LINE;
			break;
		}
		any_line = true;
		unsigned count = uu_value(p[0]);
		if (!count)
			continue;
		size_t need = (count + 2) / 3 * 4;
		if (n - 1 > need + 2)
			flags |= LG_UU_BAD_LINE;
		unsigned char bytes[66];
		size_t nb = 0;
		for (size_t g = 0; g < need; g += 4) {
			unsigned v[4];
			for (size_t k = 0; k < 4; k++) {
				size_t at = 1 + g + k;
				unsigned char c = at < n ? p[at] : ' ';
				if (!uu_char_ok(c))
					flags |= LG_UU_BAD_LINE;
				v[k] = uu_value(c);
			}
			bytes[nb++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
			bytes[nb++] = (unsigned char)(v[1] << 4 | v[2] >> 2);
			bytes[nb++] = (unsigned char)(v[2] << 6 | v[3]);
		}
		size_t take = count < nb ? count : nb;
		if (produced + take > max_out) {
			lg_buf_append(out, bytes, max_out - produced);
			produced = max_out;
			flags |= LG_UU_TOO_BIG;
			break;
		}
		lg_buf_append(out, bytes, take);
		produced += take;
	}
	if (!saw_end && !(flags & LG_UU_TOO_BIG))
		flags |= LG_UU_TRUNCATED;
	if (!any_line)
		flags |= LG_UU_NO_DATA;
	return flags;
}

/* ---- yEnc ---------------------------------------------------------------------------------- */

/* yenc_param - the value of " key=" on a yEnc header line as a number; -1 when absent */
static long long yenc_param(const char *s, struct line l, const char *key)
{
	size_t kl = strlen(key);
	for (size_t i = l.start; i + kl < l.end; i++) {
		if ((i == l.start || s[i - 1] == ' ') && memcmp(s + i, key, kl) == 0 &&
		    s[i + kl] == '=') {
			long long v = 0;
			size_t j = i + kl + 1;
			if (j >= l.end || s[j] < '0' || s[j] > '9')
				return -1;
			for (; j < l.end && s[j] >= '0' && s[j] <= '9' && v < (1LL << 50); j++)
				v = v * 10 + (s[j] - '0');
			return v;
		}
	}
	return -1;
}

/* yenc_name - the "name=" of a =ybegin line: everything after it to the end of the line */
static void yenc_name(const char *s, struct line l, char *name, size_t namelen)
{
	for (size_t i = l.start; i + 5 <= l.end; i++)
		if ((i == l.start || s[i - 1] == ' ') && memcmp(s + i, "name=", 5) == 0) {
			copy_name(name, namelen, s + i + 5, l.end - i - 5);
			return;
		}
}

/* lg_yenc_decode - see uu.h */
unsigned lg_yenc_decode(const char *in, size_t len, size_t max_out, struct lg_buf *out, char *name,
			size_t namelen)
{
	unsigned flags = LG_UU_OK;
	size_t pos = 0, produced = 0;
	long long size = -1;
	bool saw_end = false, any = false;
	if (name && namelen)
		name[0] = '\0';
	for (unsigned blanks = 0; pos < len && blanks <= LG_UU_MAX_BLANKS; blanks++) {
		struct line l = next_line(in, len, pos);
		if (!is_blank_line(in, l)) {
			if (line_starts(in, l, "=ybegin ")) {
				size = yenc_param(in, l, "size");
				yenc_name(in, l, name, namelen);
				pos = l.next;
				if (yenc_param(in, l, "part") >= 0)
					flags |= LG_UU_PARTIAL;
			}
			break;
		}
		pos = l.next;
	}
	unsigned char chunk[512] = {0};
	size_t fill = 0;
	while (pos < len) {
		struct line l = next_line(in, len, pos);
		pos = l.next;
		if (line_starts(in, l, "=ypart ")) {
			flags |= LG_UU_PARTIAL;
			continue;
		}
		if (line_starts(in, l, "=yend")) {
			long long endsize = yenc_param(in, l, "size");
			if (size < 0)
				size = endsize;
			saw_end = true;
			break;
		}
		for (size_t i = l.start; i < l.end; i++) {
			unsigned char c = (unsigned char)in[i];
			if (c == '=') {
				if (++i >= l.end)
					break;
				c = (unsigned char)(in[i] - 64);
			}
			if (produced + fill >= max_out) {
				flags |= LG_UU_TOO_BIG;
				goto done;
			}
			chunk[fill++] = (unsigned char)(c - 42);
			any = true;
			if (fill == sizeof chunk) {
				lg_buf_append(out, chunk, fill);
				produced += fill;
				fill = 0;
			}
		}
	}
done:
	lg_buf_append(out, chunk, fill);
	produced += fill;
	if (!saw_end && !(flags & LG_UU_TOO_BIG))
		flags |= LG_UU_TRUNCATED;
	if (!any)
		flags |= LG_UU_NO_DATA;
	if (size >= 0 && (unsigned long long)size != produced &&
	    !(flags & (LG_UU_TOO_BIG | LG_UU_PARTIAL)))
		flags |= LG_UU_BAD_CHECK;
	return flags;
}

/* ---- BinHex 4.0 ---------------------------------------------------------------------------- */

#define BINHEX_MARK "(This file must be converted with BinHex"

/* binhex_value - the 6-bit value of a BinHex character, or -1 */
static int binhex_value(unsigned char c)
{
	static const char alphabet[] =
		"!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr";
	const char *p = c ? strchr(alphabet, c) : NULL;
	return p ? (int)(p - alphabet) : -1;
}

/* crc_ccitt - BinHex's CRC (CRC-16/XMODEM: polynomial 0x1021, initial 0) */
static unsigned crc_ccitt(const unsigned char *p, size_t n)
{
	unsigned crc = 0;
	for (size_t i = 0; i < n; i++) {
		crc ^= (unsigned)p[i] << 8;
		for (int k = 0; k < 8; k++)
			crc = (crc & 0x8000) ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
	}
	return crc;
}

/* be32 - a big-endian 32-bit number */
static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* lg_binhex_decode - see uu.h */
unsigned lg_binhex_decode(const char *in, size_t len, size_t max_out, struct lg_buf *out, char *name,
			  size_t namelen)
{
	unsigned flags = LG_UU_OK;
	if (name && namelen)
		name[0] = '\0';
	size_t pos = 0;
	const char *mark = memmem(in, len, BINHEX_MARK, sizeof BINHEX_MARK - 1);
	if (mark)
		pos = next_line(in, len, (size_t)(mark - in)).next;
	const char *colon = pos < len ? memchr(in + pos, ':', len - pos) : NULL;
	if (!colon)
		return LG_UU_NO_DATA | LG_UU_TRUNCATED;
	/* 6-bit characters to bytes, then run-length decoding (0x90 n: repeat the last byte) */
	struct lg_buf raw = LG_BUF_INIT;
	size_t cap = max_out + 64 + LG_UU_MAX_NAME;	/* header and CRCs besides the data fork */
	uint32_t acc = 0;
	unsigned bits = 0;
	bool closed = false, marker = false;
	unsigned char last = 0;
	for (size_t i = (size_t)(colon - in) + 1; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == ':') {
			closed = true;
			break;
		}
		if (c == '\r' || c == '\n' || c == ' ' || c == '\t')
			continue;
		int v = binhex_value(c);
		if (v < 0) {
			flags |= LG_UU_BAD_LINE;
			break;
		}
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits < 8)
			continue;
		bits -= 8;
		unsigned char b = (unsigned char)(acc >> bits);
		if (marker) {
			marker = false;
			if (b == 0) {
				last = 0x90;
				lg_buf_putc(&raw, (char)0x90);
			} else {
				for (unsigned k = 1; k < b && raw.len < cap; k++)
					lg_buf_putc(&raw, (char)last);
			}
		} else if (b == 0x90) {
			marker = true;
		} else {
			last = b;
			lg_buf_putc(&raw, (char)b);
		}
		if (raw.len >= cap) {
			flags |= LG_UU_TOO_BIG;
			break;
		}
	}
	if (!closed && !(flags & LG_UU_TOO_BIG))
		flags |= LG_UU_TRUNCATED;
	const unsigned char *r = (const unsigned char *)raw.data;
	size_t n = raw.len;
	if (n < 1 || n < (size_t)r[0] + 22) {
		lg_buf_free(&raw);
		return flags | LG_UU_NO_DATA;
	}
	/* name length, name, version, type, creator, flags, data and resource lengths */
	size_t nl = r[0], hl = nl + 20;
	copy_name(name, namelen, (const char *)r + 1, nl);
	uint32_t dlen = be32(r + nl + 12);
	if (crc_ccitt(r, hl) != ((unsigned)r[hl] << 8 | r[hl + 1]))
		flags |= LG_UU_BAD_CHECK;
	size_t avail = n - hl - 2;
	size_t take = dlen < avail ? dlen : avail;
	if (take < dlen)
		flags |= (flags & LG_UU_TOO_BIG) ? 0 : LG_UU_TRUNCATED;
	if (take > max_out) {
		take = max_out;
		flags |= LG_UU_TOO_BIG;
	}
	lg_buf_append(out, r + hl + 2, take);
	if (take == dlen && avail >= (size_t)dlen + 2) {
		const unsigned char *c = r + hl + 2 + dlen;
		if (crc_ccitt(r + hl + 2, dlen) != ((unsigned)c[0] << 8 | c[1]))
			flags |= LG_UU_BAD_CHECK;
	}
	lg_buf_free(&raw);
	return flags;
}

/* lg_uu_decode_block - see uu.h */
unsigned lg_uu_decode_block(enum lg_uu_kind kind, const char *in, size_t len, size_t max_out,
			    struct lg_buf *out, char *name, size_t namelen)
{
	switch (kind) {
	case LG_UU_YENC:
		return lg_yenc_decode(in, len, max_out, out, name, namelen);
	case LG_UU_BINHEX:
		return lg_binhex_decode(in, len, max_out, out, name, namelen);
	case LG_UU_UUENCODE:
	default:
		return lg_uu_decode(in, len, max_out, out, name, namelen);
	}
}

/* ---- finding blocks in text ---------------------------------------------------------------- */

/* binhex_block_end - the end of the line holding the ':' that closes BinHex data after pos */
static size_t binhex_block_end(const char *s, size_t len, size_t pos)
{
	const char *open = memchr(s + pos, ':', len - pos);
	if (!open)
		return len;
	size_t after = (size_t)(open - s) + 1;
	const char *close = after < len ? memchr(s + after, ':', len - after) : NULL;
	if (!close)
		return len;
	return next_line(s, len, (size_t)(close - s)).next;
}

/* yenc_block_end - the end of the "=yend" line after pos, or of the text */
static size_t yenc_block_end(const char *s, size_t len, size_t pos)
{
	while (pos < len) {
		struct line l = next_line(s, len, pos);
		if (line_starts(s, l, "=yend"))
			return l.next;
		pos = l.next;
	}
	return len;
}

/* lg_uu_find - see uu.h */
bool lg_uu_find(const char *text, size_t len, size_t from, struct lg_uu_block *b)
{
	for (size_t pos = from; pos < len;) {
		struct line l = next_line(text, len, pos);
		char c = text[l.start];
		if (c == 'b' && parse_begin(text, l, b->name, sizeof b->name) && l.next < len &&
		    uu_line_plausible(text, next_line(text, len, l.next))) {
			b->kind = LG_UU_UUENCODE;
			b->start = l.start;
			b->end = uu_block_end(text, len, l.next);
			return true;
		}
		if (c == '=' && line_starts(text, l, "=ybegin ") && yenc_param(text, l, "size") >= 0) {
			b->kind = LG_UU_YENC;
			b->name[0] = '\0';
			yenc_name(text, l, b->name, sizeof b->name);
			b->start = l.start;
			b->end = yenc_block_end(text, len, l.next);
			return true;
		}
		if (c == '(' && line_starts(text, l, BINHEX_MARK)) {
			b->kind = LG_UU_BINHEX;
			b->name[0] = '\0';
			b->start = l.start;
			b->end = binhex_block_end(text, len, l.next);
			return true;
		}
		pos = l.next;
	}
	return false;
}
