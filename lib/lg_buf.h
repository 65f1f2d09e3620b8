/* lg_buf.h - a length-counted, growable byte buffer: the one string type for message data. */
#ifndef LG_BUF_H
#define LG_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct lg_buf {
	char *data;	/* always NUL-terminated (data[len] == 0) once anything is appended */
	size_t len;
	size_t cap;
};

#define LG_BUF_INIT { NULL, 0, 0 }

void lg_buf_reserve(struct lg_buf *b, size_t extra);
void lg_buf_append(struct lg_buf *b, const void *p, size_t n);
void lg_buf_puts(struct lg_buf *b, const char *s);
void lg_buf_putc(struct lg_buf *b, char c);
void lg_buf_printf(struct lg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lg_buf_vprintf(struct lg_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void lg_buf_reset(struct lg_buf *b);
char *lg_buf_steal(struct lg_buf *b, size_t *len);
void lg_buf_free(struct lg_buf *b);
const char *lg_buf_cstr(struct lg_buf *b);

#endif
