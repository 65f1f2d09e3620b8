/* lg_json.c - JSON string escaping. */
#include "lg_json.h"

#include <stdio.h>
#include <string.h>

#include "lg_buf.h"

/* lg_json_strn - append n bytes of s as a quoted, escaped JSON string */
void lg_json_strn(struct lg_buf *b, const char *s, size_t n)
{
	lg_buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"':
			lg_buf_puts(b, "\\\"");
			break;
		case '\\':
			lg_buf_puts(b, "\\\\");
			break;
		case '\n':
			lg_buf_puts(b, "\\n");
			break;
		case '\r':
			lg_buf_puts(b, "\\r");
			break;
		case '\t':
			lg_buf_puts(b, "\\t");
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				lg_buf_printf(b, "\\u%04x", c);
			else
				lg_buf_putc(b, (char)c);
		}
	}
	lg_buf_putc(b, '"');
}

/* lg_json_str - append a C string as JSON, or null */
void lg_json_str(struct lg_buf *b, const char *s)
{
	if (!s)
		lg_buf_puts(b, "null");
	else
		lg_json_strn(b, s, strlen(s));
}
