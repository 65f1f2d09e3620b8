/* signature.c - the sender's signature block: its phone numbers and addresses are the sender's own
 * and are not counted as personal data sent out. Bounded so that it cannot excuse a list. */
#include "analyze/signature.h"

#include <string.h>
#include <strings.h>

#include "lg_alloc.h"

struct line {
	size_t start, end;	/* [start, end) without the newline */
};

/* is_ruler_cp - code points that make up separator lines */
static bool is_ruler_cp(unsigned cp)
{
	static const unsigned set[] = { '-', '=', '_', '*', '~', '#', '+', '/', '.', 0x2010, 0x2012,
		0x2013, 0x2014, 0x2015, 0x2212, 0x2500, 0x2501, 0x2550, 0x30FC, 0x301C, 0x25A0, 0x25A1,
		0x25C6, 0x25C7, 0x2605, 0x2606, 0x203B, 0x30FB, 0x25CF, 0x25CB, 0x2026, 0xFF3F };
	for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
		if (set[i] == cp)
			return true;
	return false;
}

/* utf8_next - decode one code point (input is valid UTF-8), advancing *p */
static unsigned utf8_next(const unsigned char **p, const unsigned char *end)
{
	unsigned c = *(*p)++;
	int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
	c &= extra == 3 ? 0x07 : extra == 2 ? 0x0F : extra == 1 ? 0x1F : 0x7F;
	while (extra-- > 0 && *p < end)
		c = (c << 6) | (*(*p)++ & 0x3F);
	return c;
}

/* is_separator - a "-- " line or a ruler of at least 3 ruler characters (spaces allowed) */
static bool is_separator(const char *text, struct line l)
{
	size_t n = l.end - l.start;
	const char *s = text + l.start;
	if ((n == 2 || n == 3) && s[0] == '-' && s[1] == '-' && (n == 2 || s[2] == ' '))
		return true;
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	unsigned rulers = 0;
	while (p < e) {
		unsigned cp = utf8_next(&p, e);
		if (cp == ' ' || cp == '\t' || cp == '\r' || cp == 0x3000)
			continue;
		if (!is_ruler_cp(cp))
			return false;
		rulers++;
	}
	return rulers >= 3;
}

/* is_blank - only white space */
static bool is_blank(const char *text, struct line l)
{
	for (size_t i = l.start; i < l.end; i++)
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r')
			return false;
	return true;
}

/* nonblank_between - count non-blank lines in lines[a, b) */
static size_t nonblank_between(const char *text, const struct line *lines, size_t a, size_t b)
{
	size_t n = 0;
	for (size_t i = a; i < b; i++)
		n += !is_blank(text, lines[i]);
	return n;
}

/* lg_signature_find - see signature.h */
bool lg_signature_find(const char *text, size_t len, const char *sender_addr, size_t *start,
		       size_t *end)
{
	/* Collect the last LG_SIG_TAIL_LINES lines, scanning backwards. */
	struct line lines[LG_SIG_TAIL_LINES];
	size_t n = 0, pos = len;
	while (n < LG_SIG_TAIL_LINES && pos > 0) {
		size_t e = pos;
		if (text[e - 1] == '\n')
			e--;
		size_t s = e;
		while (s > 0 && text[s - 1] != '\n')
			s--;
		pos = s;
		if (e > s && text[e - 1] == '\r')
			e--;	/* CRLF text: the CR is not part of the line */
		lines[n++] = (struct line){ s, e };
	}
	/* reverse into reading order */
	for (size_t i = 0; i < n / 2; i++) {
		struct line t = lines[i];
		lines[i] = lines[n - 1 - i];
		lines[n - 1 - i] = t;
	}
	/* drop trailing blank lines */
	while (n > 0 && is_blank(text, lines[n - 1]))
		n--;
	if (n == 0)
		return false;

	size_t last = (size_t)-1, prev = (size_t)-1;
	for (size_t i = 0; i < n; i++)
		if (is_separator(text, lines[i])) {
			prev = last;
			last = i;
		}
	if (last != (size_t)-1) {
		size_t after = nonblank_between(text, lines, last + 1, n);
		if (after >= 1 && n - (last + 1) <= LG_SIG_MAX_LINES) {
			*start = lines[last].end;
			*end = lines[n - 1].end;
			return true;
		}
		if (after == 0 && prev != (size_t)-1 && last - prev - 1 <= LG_SIG_MAX_LINES &&
		    nonblank_between(text, lines, prev + 1, last) >= 1) {
			*start = lines[prev].end;
			*end = lines[last].start;
			return true;
		}
	}
	/* No ruler: the last paragraph, if it names the sender's own address. */
	if (!sender_addr || !*sender_addr)
		return false;
	size_t b = n;
	while (b > 0 && !is_blank(text, lines[b - 1]))
		b--;
	if (n - b > LG_SIG_MAX_LINES || n - b == 0)
		return false;
	size_t alen = strlen(sender_addr);
	const char *ps = text + lines[b].start, *pe = text + lines[n - 1].end;
	for (const char *p = ps; p + alen <= pe; p++)
		if (strncasecmp(p, sender_addr, alen) == 0) {
			*start = lines[b].start;
			*end = lines[n - 1].end;
			return true;
		}
	return false;
}
