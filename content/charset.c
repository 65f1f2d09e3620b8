/* charset.c - bytes in any mail charset, labelled or guessed, to valid UTF-8 (iconv, uchardet).
 *
 * Japanese labels decode as what mail clients in Japan effectively use: Shift_JIS as CP932,
 * EUC-JP as EUC-JP-MS and ISO-2022-JP through our own converter to EUC-JP-MS (glibc's
 * ISO-2022-JP has no NEC row 13, so ① would be lost). Every invalid or unconvertible sequence
 * becomes U+FFFD and decoding continues with the next bytes (a rejected double-byte pair whose
 * second byte is not ASCII is one U+FFFD, as in WHATWG's decoders). A label that makes a good
 * part of the text U+FFFD (a CP932 CSV sent as utf-8 or iso-2022-jp, which Excel still opens as CP932)
 * is not trusted: the unlabelled guess is tried as well and kept if it decodes clearly more.
 * Text with a NUL in every other byte is BOM-less UTF-16 whatever its label says (the label
 * of an attachment is the sender's choice; the program that opens the file ignores it).
 * uchardet is not asked where its answer cannot change the result (cp932_certain: strict CP932
 * whose first 8-bit byte rules out its UTF-8 and EUC-JP answers), which is most Excel CSVs.
 * No static mutable state: one iconv_t and at most one uchardet handle per call. */
#include "content/charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uchardet.h>

#include "content/utf8.h"
#include "lg_alloc.h"
#include "lg_buf.h"

#define LG_CHARSET_LABEL_MAX 64		/* longer labels are not charset names: guess instead */
#define LG_CHARSET_GUESS_MAX (256 * 1024)	/* bytes fed to uchardet when guessing */
#define LG_CHARSET_BOM_SNIFF 4096	/* bytes looked at to guess UTF-16 byte order */
#define LG_CHARSET_JIS_FLUSH 65536	/* EUC-JP bytes gathered before decoding them */
#define LG_CHARSET_MISLABEL_MIN 2	/* a labelled decode with at least this many U+FFFD */
#define LG_CHARSET_MISLABEL_RATIO 32	/* and one per 32 input bytes or more is also guessed */
#define LG_CHARSET_MISLABEL_GAIN 8	/* the guess wins with 8 times fewer U+FFFD */

/* How many bytes one U+FFFD replaces when iconv rejects a sequence. */
enum skip_rule {
	SKIP_BYTE,	/* single-byte charsets and unknown names: one byte */
	SKIP_SJIS,	/* Shift_JIS/CP932: a lead byte with a non-ASCII trail takes both (WHATWG) */
	SKIP_DBCS,	/* EUC and other CJK double-byte: the same with leads 0x81-0xFE */
	SKIP_UNIT4,	/* UTF-32 / UCS-4: one code unit */
	SKIP_UNIT2	/* UCS-2: one code unit */
};

enum decoder {
	DEC_ICONV,	/* iconv from iconv_name */
	DEC_UTF8,	/* validate and repair */
	DEC_ASCII,	/* us-ascii label: keep valid UTF-8, otherwise guess */
	DEC_UTF16,	/* BOM decides, else a NUL-position guess */
	DEC_UTF16LE,
	DEC_UTF16BE,
	DEC_ISO2022JP	/* our converter to EUC-JP-MS */
};

struct charset_label {
	const char *label;	/* lower case */
	enum decoder dec;
	const char *iconv_name;	/* DEC_ICONV only */
	enum skip_rule skip;
};

/* Labels decoded differently from (or more leniently than) iconv's own idea of the name. */
static const struct charset_label charset_labels[] = {
	{ "shift_jis", DEC_ICONV, "CP932", SKIP_SJIS },
	{ "shift-jis", DEC_ICONV, "CP932", SKIP_SJIS },
	{ "sjis", DEC_ICONV, "CP932", SKIP_SJIS },
	{ "x-sjis", DEC_ICONV, "CP932", SKIP_SJIS },
	{ "ms_kanji", DEC_ICONV, "CP932", SKIP_SJIS },
	{ "csshiftjis", DEC_ICONV, "CP932", SKIP_SJIS },
	{ "windows-31j", DEC_ICONV, "CP932", SKIP_SJIS },
	{ "cswindows31j", DEC_ICONV, "CP932", SKIP_SJIS },
	{ "cp932", DEC_ICONV, "CP932", SKIP_SJIS },
	{ "ms932", DEC_ICONV, "CP932", SKIP_SJIS },
	{ "x-ms-cp932", DEC_ICONV, "CP932", SKIP_SJIS },
	{ "euc-jp", DEC_ICONV, "EUC-JP-MS", SKIP_DBCS },
	{ "x-euc-jp", DEC_ICONV, "EUC-JP-MS", SKIP_DBCS },
	{ "eucjp", DEC_ICONV, "EUC-JP-MS", SKIP_DBCS },
	{ "euc-jp-ms", DEC_ICONV, "EUC-JP-MS", SKIP_DBCS },
	{ "cseucpkdfmtjapanese", DEC_ICONV, "EUC-JP-MS", SKIP_DBCS },
	{ "iso-2022-jp", DEC_ISO2022JP, NULL, SKIP_BYTE },
	{ "iso-2022-jp-1", DEC_ISO2022JP, NULL, SKIP_BYTE },
	{ "iso-2022-jp-2", DEC_ISO2022JP, NULL, SKIP_BYTE },
	{ "iso-2022-jp-3", DEC_ISO2022JP, NULL, SKIP_BYTE },
	{ "iso-2022-jp-ms", DEC_ISO2022JP, NULL, SKIP_BYTE },
	{ "csiso2022jp", DEC_ISO2022JP, NULL, SKIP_BYTE },
	{ "csiso2022jp2", DEC_ISO2022JP, NULL, SKIP_BYTE },
	{ "cp50220", DEC_ISO2022JP, NULL, SKIP_BYTE },
	{ "cp50221", DEC_ISO2022JP, NULL, SKIP_BYTE },
	{ "cp50222", DEC_ISO2022JP, NULL, SKIP_BYTE },
	{ "utf-8", DEC_UTF8, NULL, SKIP_BYTE },
	{ "utf8", DEC_UTF8, NULL, SKIP_BYTE },
	{ "unicode-1-1-utf-8", DEC_UTF8, NULL, SKIP_BYTE },
	{ "us-ascii", DEC_ASCII, NULL, SKIP_BYTE },
	{ "ascii", DEC_ASCII, NULL, SKIP_BYTE },
	{ "ansi_x3.4-1968", DEC_ASCII, NULL, SKIP_BYTE },
	{ "iso646-us", DEC_ASCII, NULL, SKIP_BYTE },
	{ "utf-16", DEC_UTF16, NULL, SKIP_BYTE },
	{ "utf-16le", DEC_UTF16LE, NULL, SKIP_BYTE },
	{ "utf-16be", DEC_UTF16BE, NULL, SKIP_BYTE },
	{ "utf-32", DEC_ICONV, "UTF-32", SKIP_UNIT4 },
	{ "utf-32le", DEC_ICONV, "UTF-32LE", SKIP_UNIT4 },
	{ "utf-32be", DEC_ICONV, "UTF-32BE", SKIP_UNIT4 },
	{ "ucs-2", DEC_ICONV, "UCS-2", SKIP_UNIT2 },
	/* mail clients decode these labels as the superset */
	{ "iso-8859-1", DEC_ICONV, "CP1252", SKIP_BYTE },
	{ "latin1", DEC_ICONV, "CP1252", SKIP_BYTE },
	{ "gb2312", DEC_ICONV, "GB18030", SKIP_DBCS },
	{ "gbk", DEC_ICONV, "GB18030", SKIP_DBCS },
	{ "x-gbk", DEC_ICONV, "GB18030", SKIP_DBCS },
	{ "cp936", DEC_ICONV, "GB18030", SKIP_DBCS },
	{ "csgb2312", DEC_ICONV, "GB18030", SKIP_DBCS },
	{ "euc-cn", DEC_ICONV, "GB18030", SKIP_DBCS },
	{ "gb18030", DEC_ICONV, "GB18030", SKIP_DBCS },
	{ "euc-kr", DEC_ICONV, "CP949", SKIP_DBCS },
	{ "cseuckr", DEC_ICONV, "CP949", SKIP_DBCS },
	{ "ks_c_5601-1987", DEC_ICONV, "CP949", SKIP_DBCS },
	{ "ks_c_5601-1989", DEC_ICONV, "CP949", SKIP_DBCS },
	{ "windows-949", DEC_ICONV, "CP949", SKIP_DBCS },
	{ "cp949", DEC_ICONV, "CP949", SKIP_DBCS },
	{ "big5", DEC_ICONV, "BIG5-HKSCS", SKIP_DBCS },
	{ "x-big5", DEC_ICONV, "BIG5-HKSCS", SKIP_DBCS },
	{ "csbig5", DEC_ICONV, "BIG5-HKSCS", SKIP_DBCS },
	{ "cn-big5", DEC_ICONV, "BIG5-HKSCS", SKIP_DBCS },
	{ "big5-hkscs", DEC_ICONV, "BIG5-HKSCS", SKIP_DBCS },
};

/* The text being decoded and how many U+FFFD went into it. */
struct dec_out {
	struct lg_buf b;
	size_t bad;
};

/* put_bad - append one U+FFFD for an invalid or unconvertible sequence */
static void put_bad(struct dec_out *out)
{
	lg_buf_append(&out->b, LG_UTF8_REPLACEMENT, LG_UTF8_REPLACEMENT_LEN);
	out->bad++;
}

/* put_repaired - append text that should be UTF-8, invalid sequences as U+FFFD */
static void put_repaired(struct dec_out *out, const char *s, size_t len)
{
	out->bad += lg_utf8_repair_append(&out->b, s, len);
}

/* set_used - report the charset actually used */
static void set_used(char *used, size_t usedlen, const char *name)
{
	if (used && usedlen > 0 && snprintf(used, usedlen, "%s", name) < 0)
		used[0] = '\0';
}

/* label_clean - lower-cased, trimmed copy of a MIME label; 0 when it cannot be a charset name */
static int label_clean(const char *label, char *dst, size_t dstlen)
{
	size_t n = 0;

	if (!label)
		return 0;
	while (*label == ' ' || *label == '\t' || *label == '"' || *label == '\'')
		label++;
	size_t len = strlen(label);
	while (len > 0 && (label[len - 1] == ' ' || label[len - 1] == '\t' ||
			   label[len - 1] == '"' || label[len - 1] == '\''))
		len--;
	if (len == 0 || len >= dstlen)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = label[i];
		/* ASCII only, whatever the locale; no '/' (iconv's //IGNORE, //TRANSLIT suffixes) */
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-' && c != '_' &&
			 c != '.' && c != ':')
			return 0;
		dst[n++] = c;
	}
	dst[n] = '\0';
	return 1;
}

/* label_find - the table entry for a cleaned label, or NULL */
static const struct charset_label *label_find(const char *label)
{
	for (size_t i = 0; i < sizeof charset_labels / sizeof charset_labels[0]; i++)
		if (strcmp(charset_labels[i].label, label) == 0)
			return &charset_labels[i];
	return NULL;
}

/* skip_len - bytes one U+FFFD stands for when iconv rejects the sequence at p */
static size_t skip_len(enum skip_rule rule, const unsigned char *p, size_t left)
{
	size_t n = 1;

	switch (rule) {
	case SKIP_BYTE:
		break;
	case SKIP_SJIS:
		if (((p[0] >= 0x81 && p[0] <= 0x9F) || (p[0] >= 0xE0 && p[0] <= 0xFC)) && left >= 2 &&
		    p[1] >= 0x80)
			n = 2;
		break;
	case SKIP_DBCS:
		/* EUC-JP's three-byte JIS X 0212 form, then any lead with a non-ASCII trail */
		if (p[0] == 0x8F && left >= 3 && p[1] >= 0xA1 && p[2] >= 0xA1)
			n = 3;
		else if (p[0] >= 0x81 && p[0] <= 0xFE && left >= 2 && p[1] >= 0x80)
			n = 2;
		break;
	case SKIP_UNIT2:
		n = 2;
		break;
	case SKIP_UNIT4:
		n = 4;
		break;
	}
	return n < left ? n : left;
}

/* iconv_run - convert len bytes with cd, appending UTF-8 to out; bad sequences become U+FFFD */
static void iconv_run(iconv_t cd, struct dec_out *out, const char *in, size_t len,
		      enum skip_rule rule)
{
	char *ip = (char *)in;
	size_t ileft = len;
	int flushed = 0;

	lg_buf_reserve(&out->b, len + len / 2 + 64);
	while (!flushed) {
		size_t room = out->b.cap - out->b.len - 1;
		char *op = out->b.data + out->b.len;
		size_t oleft = room;
		size_t r;

		if (ileft > 0) {
			r = iconv(cd, &ip, &ileft, &op, &oleft);
		} else {
			/* back to the initial shift state */
			r = iconv(cd, NULL, NULL, &op, &oleft);
			flushed = r != (size_t)-1;
		}
		int err = errno;
		out->b.len += room - oleft;
		out->b.data[out->b.len] = '\0';
		if (r != (size_t)-1)
			continue;
		if (err == E2BIG) {
			flushed = 0;
			lg_buf_reserve(&out->b, ileft + ileft / 2 + 64);
			continue;
		}
		if (ileft == 0)	/* the shift state cannot be flushed: nothing more to do */
			break;
		/* EILSEQ, EINVAL (truncated at the end) or anything else: replace and go on */
		size_t skip = skip_len(rule, (const unsigned char *)ip, ileft);
		put_bad(out);
		ip += skip;
		ileft -= skip;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
}

/* iconv_append - decode with iconv from name; 0 when iconv does not know the name */
static int iconv_append(struct dec_out *out, const char *name, const char *in, size_t len,
			enum skip_rule rule)
{
	iconv_t cd = iconv_open("UTF-8", name);

	if (cd == (iconv_t)-1)
		return 0;
	iconv_run(cd, out, in, len, rule);
	iconv_close(cd);
	return 1;
}

/* utf16_append - decode UTF-16 in the given byte order; lone surrogates become U+FFFD */
static void utf16_append(struct dec_out *out, const unsigned char *p, size_t len, int big_endian)
{
	size_t i = 0;

	lg_buf_reserve(&out->b, len + len / 2);
	while (i + 1 < len) {
		uint32_t u = big_endian ? (uint32_t)p[i] << 8 | p[i + 1]
					: (uint32_t)p[i + 1] << 8 | p[i];
		i += 2;
		if (u >= 0xD800 && u <= 0xDBFF && i + 1 < len) {
			uint32_t lo = big_endian ? (uint32_t)p[i] << 8 | p[i + 1]
						 : (uint32_t)p[i + 1] << 8 | p[i];
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				i += 2;
				lg_utf8_put(&out->b, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
				continue;
			}
		}
		if (u >= 0xD800 && u <= 0xDFFF)
			put_bad(out);
		else
			lg_utf8_put(&out->b, u);
	}
	if (i < len)	/* an odd trailing byte */
		put_bad(out);
}

/* utf16_guess_be - byte order of BOM-less UTF-16: NULs at even offsets mean big-endian */
static int utf16_guess_be(const unsigned char *p, size_t len)
{
	size_t even = 0, odd = 0;

	for (size_t i = 0; i < len && i < LG_CHARSET_BOM_SNIFF; i++)
		if (p[i] == 0 && i % 2)
			odd++;
		else if (p[i] == 0)
			even++;
	return odd > even ? 0 : 1;	/* RFC 2781: big-endian by default */
}

/* utf16_without_bom - byte order of text that looks like BOM-less UTF-16 (NULs in every
 * other byte, as ASCII in UTF-16 has): 0 little-endian, 1 big-endian, -1 not UTF-16 */
static int utf16_without_bom(const unsigned char *p, size_t len)
{
	size_t even = 0, odd = 0, n = len < LG_CHARSET_BOM_SNIFF ? len : LG_CHARSET_BOM_SNIFF;

	n &= ~(size_t)1;
	if (n < 4 || len % 2)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		even += p[i] == 0;
		odd += p[i + 1] == 0;
	}
	/* pairs: n / 2; most of one side NUL, almost none of the other */
	if (odd * 5 >= n && even * 50 <= n)
		return 0;
	if (even * 5 >= n && odd * 50 <= n)
		return 1;
	return -1;
}

/* utf16_label_append - decode a utf-16 label: a BOM wins, then the label's or guessed order */
static const char *utf16_label_append(struct dec_out *out, const unsigned char *p, size_t len,
				      enum decoder dec)
{
	int be;

	if (len >= 2 && p[0] == 0xFF && p[1] == 0xFE && dec != DEC_UTF16BE)
		be = 0, p += 2, len -= 2;
	else if (len >= 2 && p[0] == 0xFE && p[1] == 0xFF && dec != DEC_UTF16LE)
		be = 1, p += 2, len -= 2;
	else if (dec == DEC_UTF16LE)
		be = 0;
	else if (dec == DEC_UTF16BE)
		be = 1;
	else
		be = utf16_guess_be(p, len);
	utf16_append(out, p, len, be);
	return be ? "UTF-16BE" : "UTF-16LE";
}

enum jis_set { JIS_ASCII, JIS_X0208, JIS_KANA, JIS_X0212, JIS_UNSUPPORTED };

/* jis_escape - the character set an ISO-2022-JP escape at p designates; *n gets its length */
static int jis_escape(const unsigned char *p, size_t left, enum jis_set *set, size_t *n)
{
	static const struct {
		const char *seq;
		enum jis_set set;
	} esc[] = {
		{ "\x1b$B", JIS_X0208 }, { "\x1b$@", JIS_X0208 }, { "\x1b$(B", JIS_X0208 },
		{ "\x1b$(@", JIS_X0208 }, { "\x1b$(O", JIS_X0208 }, { "\x1b$(Q", JIS_X0208 },
		{ "\x1b$(D", JIS_X0212 }, { "\x1b(B", JIS_ASCII }, { "\x1b(J", JIS_ASCII },
		{ "\x1b(H", JIS_ASCII }, { "\x1b(I", JIS_KANA }, { "\x1b$A", JIS_UNSUPPORTED },
		{ "\x1b$(C", JIS_UNSUPPORTED }, { "\x1b$(P", JIS_UNSUPPORTED },
	};

	for (size_t i = 0; i < sizeof esc / sizeof esc[0]; i++) {
		size_t l = strlen(esc[i].seq);
		if (left >= l && memcmp(p, esc[i].seq, l) == 0) {
			*set = esc[i].set;
			*n = l;
			return 1;
		}
	}
	return 0;
}

/* has_jis_escape - whether the bytes contain an ISO-2022-JP designation (ESC $ B, ESC ( J, ...) */
static int has_jis_escape(const char *in, size_t len)
{
	const char *p = in, *end = in + len;
	enum jis_set set;
	size_t n;

	while ((p = memchr(p, 0x1B, (size_t)(end - p))) != NULL) {
		if (jis_escape((const unsigned char *)p, (size_t)(end - p), &set, &n) &&
		    set != JIS_UNSUPPORTED && !(set == JIS_ASCII && p[1] == '(' && p[2] == 'B'))
			return 1;
		p++;
	}
	return 0;
}

/* EUC-JP bytes gathered from ISO-2022-JP before iconv decodes them: at most
 * LG_CHARSET_JIS_FLUSH plus one character (3 bytes), written byte by byte without lg_buf's
 * per-byte bookkeeping. */
struct euc_bytes {
	char *data;
	size_t len;
};

/* jis_flush - decode the EUC-JP bytes gathered so far into out */
static void jis_flush(iconv_t cd, struct dec_out *out, struct euc_bytes *euc)
{
	if (euc->len == 0)
		return;
	if (cd != (iconv_t)-1)
		iconv_run(cd, out, euc->data, euc->len, SKIP_DBCS);
	else
		put_repaired(out, euc->data, euc->len);
	euc->len = 0;
}

/* jis_bad - an invalid ISO-2022-JP byte: U+FFFD in order with what came before */
static void jis_bad(iconv_t cd, struct dec_out *out, struct euc_bytes *euc)
{
	jis_flush(cd, out, euc);
	put_bad(out);
}

/* iso2022jp_append - ISO-2022-JP (CP5022x, NEC row 13) via EUC-JP bytes and EUC-JP-MS */
static void iso2022jp_append(struct dec_out *out, const unsigned char *p, size_t len)
{
	iconv_t cd = iconv_open("UTF-8", "EUC-JP-MS");
	/* each input byte gives at most 2 EUC-JP bytes (a JIS X 0201 katakana) */
	size_t cap = (len < LG_CHARSET_JIS_FLUSH / 2 ? len * 2 : LG_CHARSET_JIS_FLUSH) + 4;
	struct euc_bytes euc = { lg_malloc(cap), 0 };
	enum jis_set set = JIS_ASCII;
	int shifted = 0;	/* SO ... SI: JIS X 0201 katakana */
	size_t i = 0;

	while (i < len) {
		unsigned char c = p[i];
		size_t n;

		if (euc.len >= LG_CHARSET_JIS_FLUSH)
			jis_flush(cd, out, &euc);	/* keep the intermediate buffer small */
		if (c == 0x1B) {
			enum jis_set s;
			if (jis_escape(p + i, len - i, &s, &n)) {
				set = s;
				shifted = 0;
				i += n;
			} else {
				jis_bad(cd, out, &euc);
				i++;
			}
			continue;
		}
		if (c == 0x0E || c == 0x0F) {
			shifted = c == 0x0E;
			i++;
			continue;
		}
		if (c >= 0x80) {
			jis_bad(cd, out, &euc);
			i++;
			continue;
		}
		if (c < 0x21 || c == 0x7F) {	/* controls and space pass in any mode */
			euc.data[euc.len++] = (char)c;
			i++;
			continue;
		}
		if (shifted || set == JIS_KANA) {
			if (c <= 0x5F) {
				euc.data[euc.len++] = (char)0x8E;
				euc.data[euc.len++] = (char)(c | 0x80);
			} else {
				jis_bad(cd, out, &euc);
			}
			i++;
			continue;
		}
		if (set == JIS_ASCII) {
			euc.data[euc.len++] = (char)c;
			i++;
			continue;
		}
		/* a two-byte set: the second byte must be 0x21-0x7E too */
		if (i + 1 >= len || p[i + 1] < 0x21 || p[i + 1] > 0x7E) {
			jis_bad(cd, out, &euc);
			i++;
			continue;
		}
		if (set == JIS_UNSUPPORTED) {
			jis_bad(cd, out, &euc);
		} else {
			if (set == JIS_X0212)
				euc.data[euc.len++] = (char)0x8F;
			euc.data[euc.len++] = (char)(c | 0x80);
			euc.data[euc.len++] = (char)(p[i + 1] | 0x80);
		}
		i += 2;
	}
	jis_flush(cd, out, &euc);
	free(euc.data);
	if (cd != (iconv_t)-1)
		iconv_close(cd);
}

/* is_7bit - whether no byte has the high bit set */
static int is_7bit(const char *s, size_t len)
{
	return lg_ascii_span(s, len) == len;
}

/* cp932_plausible - strict CP932 with at least one double-byte character, no half-width
 * katakana and no user-defined area: Japanese that uchardet took for a single-byte charset */
static int cp932_plausible(const unsigned char *p, size_t len)
{
	size_t pairs = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = p[i];
		if (c < 0x80)
			continue;
		if (!((c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xEF) ||
		      (c >= 0xFA && c <= 0xFC)))
			return 0;
		if (i + 1 >= len)
			return 0;
		unsigned char t = p[++i];
		if (t < 0x40 || t == 0x7F || t > 0xFC)
			return 0;
		pairs++;
	}
	return pairs > 0;
}

/* guess_name - uchardet's answer for the first bytes, copied to name ("" when it has none) */
static void guess_name(const char *in, size_t len, char *name, size_t namelen)
{
	uchardet_t ud = uchardet_new();

	name[0] = '\0';
	if (!ud)
		return;
	size_t n = len < LG_CHARSET_GUESS_MAX ? len : LG_CHARSET_GUESS_MAX;
	if (uchardet_handle_data(ud, in, n) == 0) {
		uchardet_data_end(ud);
		const char *g = uchardet_get_charset(ud);
		if (g && snprintf(name, namelen, "%s", g) >= (int)namelen)
			name[0] = '\0';
	}
	uchardet_delete(ud);
}

/* japanese_append - decode as CP932 or EUC-JP-MS (l); valid UTF-8 kept if glibc lacks it */
static const char *japanese_append(struct dec_out *out, const struct charset_label *l,
				   const char *in, size_t len)
{
	if (iconv_append(out, l->iconv_name, in, len, l->skip))
		return l->iconv_name;
	put_repaired(out, in, len);	/* glibc without CP932: keep what is valid */
	return "UTF-8";
}

/* cp932_certain - whether the guess below is CP932 whatever uchardet would answer: the bytes are
 * strict CP932 (cp932_plausible) and their first 8-bit byte, inside what uchardet is fed, rules
 * out the only two answers of uchardet's 8-bit mode that decode otherwise. UTF-8: 0x81-0x9F
 * cannot start a UTF-8 sequence, so its prober fails before it has seen a character (it can
 * win only with 6 or more). EUC-JP: 0x81-0x8D and 0x90-0x9F are no EUC-JP byte at all, and
 * SS2 0x8E / SS3 0x8F must be followed by 0xA1 or more, so that prober fails on the first pair
 * with no data to be confident about. Its other answers (single-byte charsets, SHIFT_JIS,
 * GB18030, Big5, EUC-KR, none) all end in CP932 for such bytes; ISO-2022-JP needs 7-bit input
 * and the BOMs are handled before. tests/unit/test_charset.c compares this with uchardet. */
static int cp932_certain(const unsigned char *p, size_t len)
{
	size_t n = len < LG_CHARSET_GUESS_MAX ? len : LG_CHARSET_GUESS_MAX;
	size_t i = 0;

	while (i < n && p[i] < 0x80)
		i++;
	if (i == n)
		return 0;
	unsigned char c = p[i];
	if (c == 0x8E || c == 0x8F) {
		if (i + 1 >= n || p[i + 1] >= 0xA1)
			return 0;
	} else if (c < 0x81 || c > 0x9F) {
		return 0;
	}
	return cp932_plausible(p, len);
}

/* guess_append - decode unlabelled bytes: BOM, ISO-2022-JP escapes, ASCII, UTF-8, uchardet
 * (not asked when cp932_certain, unless flags has LG_CHARSET_ALWAYS_GUESS) */
static const char *guess_append(struct dec_out *out, const char *in, size_t len,
				char *name, size_t namelen, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)in;

	if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		put_repaired(out, in + 3, len - 3);
		return "UTF-8";
	}
	if (len >= 2 && p[0] == 0xFF && p[1] == 0xFE)
		return utf16_label_append(out, p, len, DEC_UTF16LE);
	if (len >= 2 && p[0] == 0xFE && p[1] == 0xFF)
		return utf16_label_append(out, p, len, DEC_UTF16BE);
	int order = utf16_without_bom(p, len);
	if (order >= 0)
		return utf16_label_append(out, p, len, order ? DEC_UTF16BE : DEC_UTF16LE);
	if (is_7bit(in, len)) {
		if (has_jis_escape(in, len)) {
			iso2022jp_append(out, p, len);
			return "ISO-2022-JP";
		}
		lg_buf_append(&out->b, in, len);
		return "us-ascii";
	}
	if (lg_utf8_is_valid(in, len)) {
		lg_buf_append(&out->b, in, len);
		return "UTF-8";
	}

	if (!(flags & LG_CHARSET_ALWAYS_GUESS) && cp932_certain(p, len))
		return japanese_append(out, label_find("cp932"), in, len);
	guess_name(in, len, name, namelen);
	const struct charset_label *l = NULL;
	char clean[LG_CHARSET_LABEL_MAX];
	if (label_clean(name, clean, sizeof clean))
		l = label_find(clean);
	if (name[0] == '\0' || (l && l->dec == DEC_ASCII))
		l = label_find("cp932");	/* no answer: the common case for Japanese mail */
	if (l) {
		switch (l->dec) {
		case DEC_ISO2022JP:
			iso2022jp_append(out, p, len);
			return "ISO-2022-JP";
		case DEC_UTF8:
			put_repaired(out, in, len);
			return "UTF-8";
		case DEC_UTF16:
		case DEC_UTF16LE:
		case DEC_UTF16BE:
			return utf16_label_append(out, p, len, l->dec);
		case DEC_ICONV:
		case DEC_ASCII:
			break;
		}
	}
	const struct charset_label *japanese = NULL;
	if (l && l->dec == DEC_ICONV &&
	    (strcmp(l->iconv_name, "CP932") == 0 || strcmp(l->iconv_name, "EUC-JP-MS") == 0))
		japanese = l;
	/* short Japanese is often taken for a Western charset */
	if (!japanese && !cp932_plausible(p, len)) {
		if (l && l->dec == DEC_ICONV && iconv_append(out, l->iconv_name, in, len, l->skip))
			return l->iconv_name;
		if (!l && iconv_append(out, name, in, len, SKIP_BYTE))
			return name;
	}
	return japanese_append(out, japanese ? japanese : label_find("cp932"), in, len);
}

/* label_append - decode with a cleaned label; NULL when the label gives no usable decoder */
static const char *label_append(struct dec_out *out, char *label, const char *in, size_t len)
{
	const struct charset_label *l = label_find(label);
	const unsigned char *p = (const unsigned char *)in;

	if (!l) {
		/* a name iconv may know; whatever it is, UTF-8 output and U+FFFD repair */
		if (!iconv_append(out, label, in, len, SKIP_BYTE))
			return NULL;
		for (char *c = label; *c; c++)
			if (*c >= 'a' && *c <= 'z')
				*c = (char)(*c - 'a' + 'A');
		return label;
	}
	switch (l->dec) {
	case DEC_ICONV:
		return iconv_append(out, l->iconv_name, in, len, l->skip) ? l->iconv_name : NULL;
	case DEC_UTF8:
		if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
			put_repaired(out, in + 3, len - 3);
		else
			put_repaired(out, in, len);
		return "UTF-8";
	case DEC_ISO2022JP:
		iso2022jp_append(out, p, len);
		return "ISO-2022-JP";
	case DEC_UTF16:
	case DEC_UTF16LE:
	case DEC_UTF16BE:
		return utf16_label_append(out, p, len, l->dec);
	case DEC_ASCII:
		break;	/* 8-bit bytes under us-ascii are common: the guess keeps valid UTF-8 */
	}
	return NULL;
}

/* is_unicode_label - whether a cleaned label names a UTF-16/UTF-32/UCS form */
static int is_unicode_label(const char *label)
{
	return strncmp(label, "utf-16", 6) == 0 || strncmp(label, "utf-32", 6) == 0 ||
	       strncmp(label, "ucs-", 4) == 0 || strcmp(label, "unicode") == 0;
}

/* lg_to_utf8 - decode len bytes in charset (or a guessed one) to valid UTF-8 */
char *lg_to_utf8(const char *in, size_t len, const char *charset, size_t *out_len, char *used,
		 size_t usedlen)
{
	return lg_to_utf8_flags(in, len, charset, out_len, used, usedlen, 0);
}

/* lg_to_utf8_flags - lg_to_utf8 with LG_CHARSET_* flags */
char *lg_to_utf8_flags(const char *in, size_t len, const char *charset, size_t *out_len,
		       char *used, size_t usedlen, unsigned flags)
{
	struct dec_out out = { LG_BUF_INIT, 0 };
	char label[LG_CHARSET_LABEL_MAX];
	char guessed[LG_CHARSET_LABEL_MAX];
	const char *name = NULL;

	if (!in)
		len = 0;
	guessed[0] = '\0';
	if (len == 0)
		name = "us-ascii";
	else if (label_clean(charset, label, sizeof label) &&
		 (is_unicode_label(label) || utf16_without_bom((const unsigned char *)in, len) < 0))
		name = label_append(&out, label, in, len);	/* else UTF-16 under a wrong label */
	if (!name) {
		lg_buf_reset(&out.b);
		out.bad = 0;
		name = guess_append(&out, in, len, guessed, sizeof guessed, flags);
	} else if (out.bad >= LG_CHARSET_MISLABEL_MIN &&
		   out.bad * LG_CHARSET_MISLABEL_RATIO >= len && strncmp(name, "UTF-16", 6) != 0 &&
		   strncmp(name, "UTF-32", 6) != 0 && strncmp(name, "UCS-", 4) != 0) {
		/* a wrong label must not hide the text: with many U+FFFD the guess is tried too,
		 * kept only if clearly better (CP932 takes almost any bytes without error) */
		struct dec_out alt = { LG_BUF_INIT, 0 };
		const char *alt_name = guess_append(&alt, in, len, guessed, sizeof guessed,
						    flags);
		if (alt.bad * LG_CHARSET_MISLABEL_GAIN < out.bad) {
			lg_buf_free(&out.b);
			out = alt;
			name = alt_name;
		} else {
			lg_buf_free(&alt.b);
		}
	}
	set_used(used, usedlen, name);
	/* glibc's iconv writes code points it should refuse (UCS-4 above U+10FFFF, surrogates from
	 * UTF-7/wchar_t) as invalid UTF-8 without an error: the promise is kept here, once */
	if (out.b.len && !lg_utf8_is_valid(out.b.data, out.b.len)) {
		struct lg_buf fixed = LG_BUF_INIT;
		lg_utf8_repair_append(&fixed, out.b.data, out.b.len);
		lg_buf_free(&out.b);
		out.b = fixed;
	}
	lg_buf_append(&out.b, "", 0);	/* lg_buf_steal does not terminate a reserved buffer */
	return lg_buf_steal(&out.b, out_len);
}
