/* lg_json.h - writing JSON strings (escaping) into a buffer. */
#ifndef LG_JSON_H
#define LG_JSON_H

#include <stddef.h>

struct lg_buf;

/* lg_json_str - append s as a quoted JSON string ("null" for NULL); s must be valid UTF-8 */
void lg_json_str(struct lg_buf *b, const char *s);
void lg_json_strn(struct lg_buf *b, const char *s, size_t n);

#endif
