/* lg_buf.c - length-counted growable buffer. */
#include "lg_buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lg_alloc.h"
#include "lg_log.h"

/* lg_buf_reserve - make room for extra more bytes plus the terminating NUL */
void lg_buf_reserve(struct lg_buf *b, size_t extra)
{
	if (extra > ((size_t)-1) / 2 - b->len)
		lg_fatal("lg_buf: size overflow");
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->data = lg_realloc(b->data, cap);
	b->cap = cap;
	b->data[b->len] = '\0';	/* reserved-only buffers are valid strings too */
}

/* lg_buf_append - append n bytes */
void lg_buf_append(struct lg_buf *b, const void *p, size_t n)
{
	lg_buf_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* lg_buf_puts - append a C string */
void lg_buf_puts(struct lg_buf *b, const char *s)
{
	lg_buf_append(b, s, strlen(s));
}

/* lg_buf_putc - append one byte */
void lg_buf_putc(struct lg_buf *b, char c)
{
	lg_buf_append(b, &c, 1);
}

/* lg_buf_vprintf - append formatted text */
void lg_buf_vprintf(struct lg_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	if (n < 0)
		lg_fatal("lg_buf_printf: bad format");
	lg_buf_reserve(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	b->len += (size_t)n;
}

/* lg_buf_printf - append formatted text */
void lg_buf_printf(struct lg_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lg_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/* lg_buf_reset - empty the buffer, keeping its storage */
void lg_buf_reset(struct lg_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* lg_buf_cstr - the contents as a C string ("" when empty) */
const char *lg_buf_cstr(struct lg_buf *b)
{
	if (!b->data)
		lg_buf_reserve(b, 0);
	return b->data;
}

/* lg_buf_steal - hand the storage to the caller (never NULL) and reset the buffer */
char *lg_buf_steal(struct lg_buf *b, size_t *len)
{
	lg_buf_cstr(b);
	char *p = b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

/* lg_buf_free - release the storage */
void lg_buf_free(struct lg_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
