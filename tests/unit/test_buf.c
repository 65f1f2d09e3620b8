/* test_buf.c - unit tests of lib/: the buffer, the string set and JSON escaping. */
#include <stdlib.h>
#include <string.h>

#include "lg_buf.h"
#include "lg_json.h"
#include "lg_strset.h"
#include "tap.h"

/* test_buf - appends, printf, growth, steal */
static void test_buf(void)
{
	struct lg_buf b = LG_BUF_INIT;
	tap_is_str(lg_buf_cstr(&b), "", "empty buffer is an empty string");
	lg_buf_puts(&b, "abc");
	lg_buf_putc(&b, '-');
	lg_buf_printf(&b, "%d/%s", 42, "x");
	tap_is_str(b.data, "abc-42/x", "puts, putc and printf append");
	tap_is_long((long)b.len, 8, "length counts bytes");
	lg_buf_append(&b, "\0z", 2);
	tap_is_long((long)b.len, 10, "embedded NUL is kept in the length");
	lg_buf_reset(&b);
	for (int i = 0; i < 10000; i++)
		lg_buf_puts(&b, "0123456789");
	tap_is_long((long)b.len, 100000, "grows to 100000 bytes");
	tap_ok(b.data[b.len] == '\0', "stays NUL-terminated after growth");
	size_t n;
	char *s = lg_buf_steal(&b, &n);
	tap_ok(n == 100000 && b.data == NULL && b.len == 0, "steal hands over the storage");
	free(s);
	lg_buf_free(&b);
}

/* test_strset - distinct strings with growth */
static void test_strset(void)
{
	struct lg_strset s;
	lg_strset_init(&s);
	tap_ok(lg_strset_add(&s, "09012345678"), "first add is new");
	tap_ok(!lg_strset_add(&s, "09012345678"), "second add of the same value is not");
	char key[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "v%d", i);
		lg_strset_add(&s, key);
	}
	tap_is_long((long)s.count, 5001, "5000 distinct values plus one");
	tap_ok(lg_strset_has(&s, "v4999") && !lg_strset_has(&s, "v5000"), "membership after growth");
	lg_strset_free(&s);
}

/* test_json - escaping table */
static void test_json(void)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "plain", "\"plain\"" },
		{ "a\"b", "\"a\\\"b\"" },
		{ "back\\slash", "\"back\\\\slash\"" },
		{ "line\nfeed\ttab\r", "\"line\\nfeed\\ttab\\r\"" },
		{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
		{ "参加者名簿.csv", "\"参加者名簿.csv\"" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct lg_buf b = LG_BUF_INIT;
		lg_json_str(&b, cases[i].in);
		tap_is_str(b.data, cases[i].want, cases[i].want);
		lg_buf_free(&b);
	}
	struct lg_buf b = LG_BUF_INIT;
	lg_json_str(&b, NULL);
	tap_is_str(b.data, "null", "NULL is null");
	lg_buf_free(&b);
}

int main(void)
{
	test_buf();
	test_strset();
	test_json();
	return tap_done();
}
