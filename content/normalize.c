/* normalize.c - NFKC (utf8proc) of extracted text, safe against invalid UTF-8 and slow inputs.
 *
 * utf8proc_map fails on one invalid byte, so the input is first repaired (U+FFFD). Its canonical
 * reordering is quadratic in the length of a run of combining marks (80 KB of alternating marks
 * took 3 s), so the repair pass also makes the text Stream-Safe (UAX #15): after
 * LG_NFKC_MAX_NONSTARTERS non-starters in a row a U+034F COMBINING GRAPHEME JOINER is inserted.
 * The text is then normalised in chunks of about LG_NFKC_CHUNK bytes, split only before
 * characters that no normalisation step can join with what precedes them; long runs of such
 * characters that NFKC also leaves as they are (ASCII, kana, CJK ideographs) are copied as they
 * are. The repair pass also
 * drops invisible characters (zero-width space, soft hyphen ...) that could split a number or an
 * address unseen. */
#include "content/normalize.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "content/utf8.h"
#include "lg_buf.h"

#define LG_NFKC_MAX_NONSTARTERS 30	/* UAX #15 Stream-Safe Text Format limit */
#define LG_NFKC_CHUNK (64 * 1024)	/* bytes per utf8proc_map call (bounds its memory) */
#define LG_NFKC_DECOMP_MAX 32		/* code points one character decomposes to (18 today) */
#define LG_NFKC_CGJ "\xCD\x8F"		/* U+034F COMBINING GRAPHEME JOINER */

#define LG_NFKC_OPTIONS (UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT)
#define LG_NFKC_KEPT_RUN 32		/* runs of kept characters at least this long are copied */

/* nonstarters - leading and total non-starters of cp's compatibility decomposition */
static void nonstarters(uint32_t cp, size_t *lead, size_t *total, size_t *trail)
{
	const utf8proc_property_t *pr = utf8proc_get_property((utf8proc_int32_t)cp);
	utf8proc_int32_t d[LG_NFKC_DECOMP_MAX];
	utf8proc_ssize_t n;

	*lead = *total = *trail = 0;
	if (pr->combining_class != 0) {
		*lead = *total = *trail = 1;
		return;
	}
	if (pr->decomp_seqindex == UINT16_MAX)
		return;	/* a starter that stays itself */
	n = utf8proc_decompose_char((utf8proc_int32_t)cp, d, LG_NFKC_DECOMP_MAX,
				    UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT, NULL);
	if (n <= 0 || n > LG_NFKC_DECOMP_MAX)
		return;
	for (utf8proc_ssize_t i = 0; i < n && utf8proc_get_property(d[i])->combining_class; i++)
		++*lead;
	for (utf8proc_ssize_t i = n; i > 0 && utf8proc_get_property(d[i - 1])->combining_class; i--)
		++*trail;
	*total = (size_t)n;	/* meaningful only when lead == n */
}

/* invisible - a default-ignorable character that can sit inside a number or an address without
 * showing: soft hyphen, zero-width space, non-joiner and joiner, word joiner and the invisible
 * operators, BOM / zero-width no-break space. (Not U+034F, which Stream-Safe text needs.) */
static bool invisible(uint32_t cp)
{
	return cp == 0x00AD || (cp >= 0x200B && cp <= 0x200D) || (cp >= 0x2060 && cp <= 0x2064) ||
	       cp == 0xFEFF;
}

/* stream_safe_repair - copy in to out: invalid UTF-8 as U+FFFD, a CGJ in long non-starter runs,
 * invisible characters dropped */
static void stream_safe_repair(struct lg_buf *out, const char *in, size_t len)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0, copied = 0, run = 0;

	lg_buf_reserve(out, len + len / 64 + 16);
	while (i < len) {
		if (p[i] < 0x80) {
			run = 0;
			i += lg_ascii_span((const char *)p + i, len - i);
			continue;
		}
		uint32_t cp;
		int n = lg_utf8_decode_fast(p + i, len - i, &cp);
		if (n < 0) {
			lg_buf_append(out, p + copied, i - copied);
			lg_buf_append(out, LG_UTF8_REPLACEMENT, LG_UTF8_REPLACEMENT_LEN);
			i += (size_t)-n;
			copied = i;
			run = 0;
			continue;
		}
		if (invisible(cp)) {
			lg_buf_append(out, p + copied, i - copied);
			i += (size_t)n;
			copied = i;
			continue;
		}
		size_t lead, total, trail;
		nonstarters(cp, &lead, &total, &trail);
		if (lead > 0 && run + lead > LG_NFKC_MAX_NONSTARTERS) {
			lg_buf_append(out, p + copied, i - copied);
			lg_buf_append(out, LG_NFKC_CGJ, sizeof LG_NFKC_CGJ - 1);
			copied = i;
			run = 0;
		}
		run = total > 0 && lead == total ? run + total : trail;
		i += (size_t)n;
	}
	lg_buf_append(out, p + copied, i - copied);
}

/* chunk_end - where the chunk from pos ends: before an ASCII byte or a CJK ideograph
 * (U+4000-U+9FFF, lead bytes 0xE4-0xE9) past LG_NFKC_CHUNK bytes, or the end of the text */
static size_t chunk_end(const char *s, size_t len, size_t pos)
{
	if (len - pos <= LG_NFKC_CHUNK)
		return len;
	for (size_t i = pos + LG_NFKC_CHUNK; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80 || (c >= 0xE4 && c <= 0xE9))
			return i;
	}
	return len;
}

/* map_append - utf8proc's NFKC of s appended to out (s itself when utf8proc refuses it) */
static void map_append(struct lg_buf *out, const char *s, size_t len)
{
	utf8proc_uint8_t *dst = NULL;
	/* no UTF8PROC_NULLTERM: length-based, so NUL bytes are text like any other */
	utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &dst,
					  LG_NFKC_OPTIONS);
	if (r >= 0 && dst)
		lg_buf_append(out, dst, (size_t)r);
	else	/* keep the repaired text */
		lg_buf_append(out, s, len);
	free(dst);	/* utf8proc's memory */
}

/* Characters NFKC keeps as they are and that never join the text before them: ASCII and these
 * ranges (CJK punctuation, hiragana and katakana with their voiced forms, CJK ideographs). Each
 * has combining class 0, is never the second character of a composition, NFKC maps it to itself
 * alone, and its decomposition starts with such a starter (が is か U+3099 and composes back
 * inside itself). tests/unit/test_normalize.c checks every code point here against utf8proc. */
static const struct { uint32_t from, to; } lg_nfkc_kept[] = {
	{ 0x3001, 0x3029 }, { 0x3030, 0x3035 }, { 0x3037, 0x3037 }, { 0x303B, 0x3098 },
	{ 0x309D, 0x309E }, { 0x30A0, 0x30FE }, { 0x3400, 0x9FFF },
};

/* lg_nfkc_is_kept - whether cp is ASCII or in lg_nfkc_kept */
bool lg_nfkc_is_kept(uint32_t cp)
{
	if (cp < 0x80)
		return true;
	for (size_t i = 0; i < sizeof lg_nfkc_kept / sizeof lg_nfkc_kept[0]; i++)
		if (cp >= lg_nfkc_kept[i].from && cp <= lg_nfkc_kept[i].to)
			return true;
	return false;
}

/* kept_len - bytes of the character at s (valid UTF-8, left > 0) when lg_nfkc_is_kept, else 0 */
static size_t kept_len(const unsigned char *s, size_t left)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xE3 || s[0] > 0xE9 || left < 3)	/* the ranges are U+3000-U+9FFF */
		return 0;
	uint32_t cp = (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
	return lg_nfkc_is_kept(cp) ? 3 : 0;
}

/* char_len - bytes of the UTF-8 character whose lead byte is c (the text is valid UTF-8) */
static size_t char_len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* chunk_append - NFKC of one chunk appended to out. NFKC decomposes, reorders and composes; a
 * kept character (kept_len) is a starter nothing before it can compose with, so the text on
 * either side of it is normalised independently, and a run of them stays as it is. Runs of at
 * least LG_NFKC_KEPT_RUN bytes (most of a log file, a CSV of numbers, Japanese prose) are copied
 * without utf8proc; the last character of a run goes with the text after it, which may start
 * with a combining mark ("e" U+0301, カ U+FF9E). With LG_NFKC_MAP_ALL the chunk is mapped whole. */
static void chunk_append(struct lg_buf *out, const char *s, size_t len, unsigned flags)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t pos = 0;

	if (flags & LG_NFKC_MAP_ALL) {
		map_append(out, s, len);
		return;
	}
	while (pos < len) {
		size_t run = len, run_end = len, last = len, i = pos;
		bool mapped = false;	/* a character utf8proc may change before the run */
		while (i < len) {
			size_t n = kept_len(u + i, len - i);
			if (n == 0) {
				mapped = true;
				i += char_len(u[i]);
				continue;
			}
			size_t j = i, lastc = i;
			while (j < len) {
				if (u[j] < 0x80) {	/* a run of ASCII: its last byte is the last character */
					j += lg_ascii_span(s + j, len - j);
					lastc = j - 1;
					continue;
				}
				if ((n = kept_len(u + j, len - j)) == 0)
					break;
				lastc = j;
				j += n;
			}
			if (j - i >= LG_NFKC_KEPT_RUN) {
				run = i;
				run_end = j;
				last = lastc;
				break;
			}
			i = j;
		}
		if (run > pos) {
			if (mapped)
				map_append(out, s + pos, run - pos);
			else
				lg_buf_append(out, s + pos, run - pos);
		}
		if (run == len)
			break;
		size_t keep = run_end == len ? run_end : last;
		lg_buf_append(out, s + run, keep - run);
		pos = keep;
	}
}

/* lg_nfkc - NFKC of UTF-8 text, repaired first; newly allocated and NUL-terminated */
char *lg_nfkc(const char *in, size_t len, size_t *out_len)
{
	return lg_nfkc_flags(in, len, out_len, 0);
}

/* lg_nfkc_flags - lg_nfkc with LG_NFKC_* flags */
char *lg_nfkc_flags(const char *in, size_t len, size_t *out_len, unsigned flags)
{
	struct lg_buf safe = LG_BUF_INIT;
	struct lg_buf out = LG_BUF_INIT;

	if (!in || len == 0)
		return lg_buf_steal(&out, out_len);
	stream_safe_repair(&safe, in, len);
	lg_buf_reserve(&out, safe.len + safe.len / 8 + 16);
	for (size_t pos = 0, end; pos < safe.len; pos = end) {
		end = chunk_end(safe.data, safe.len, pos);
		chunk_append(&out, safe.data + pos, end - pos, flags);
	}
	lg_buf_free(&safe);
	lg_buf_append(&out, "", 0);	/* lg_buf_steal does not terminate a reserved buffer */
	return lg_buf_steal(&out, out_len);
}
