/* test_email.c - unit tests for the email detector: addresses in ASCII and Japanese text, the
 * "(at)" spellings, look-alikes that must not match, spans, redaction and pathological inputs. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lg_alloc.h"
#include "lg_buf.h"
#include "rules/detect.h"
#include "tests/unit/tap.h"
#include "tests/unit/detect_collect.h"

/* The addresses expected in each text, in order, joined by '|' ("" for none). */
static const struct row rows[] = {
	/* must match */
	{ "taro@example.jp", "taro@example.jp" },
	{ "Taro.Yamada@Example.CO.JP", "Taro.Yamada@example.co.jp" },
	{ "user+tag@mail.example.com", "user+tag@mail.example.com" },
	{ "first_last%x@sub-domain.example.org", "first_last%x@sub-domain.example.org" },
	{ "a-b@a1.b2.example.net", "a-b@a1.b2.example.net" },
	{ "user@example.jp.", "user@example.jp" },
	{ "taro@example.jp。", "taro@example.jp" },
	{ "連絡先:taro@example.jp です", "taro@example.jp" },
	{ "連絡先taro@example.jpまで", "taro@example.jp" },
	{ "<1234.5678@mail.example.com>", "1234.5678@mail.example.com" },
	{ "name (at) example.jp", "name@example.jp" },
	{ "name [at] example.jp", "name@example.jp" },
	{ "name(at)example.jp", "name@example.jp" },
	{ "name [AT] Example.JP", "name@example.jp" },
	{ "user@example.xn--wgv71a", "user@example.xn--wgv71a" },
	{ "x@xn--eckwd4c7c.xn--zckzah", "x@xn--eckwd4c7c.xn--zckzah" },
	{ "mailto:hanako@example.ne.jp?subject=hi", "hanako@example.ne.jp" },
	{ "a@b.co, c@d.jp", "a@b.co|c@d.jp" },
	{ "\"taro@example.jp\",\"山田\"", "taro@example.jp" },
	{ "(taro@example.jp)", "taro@example.jp" },
	{ "Reply-To: support-desk@example.co.jp", "support-desk@example.co.jp" },
	{ ".taro@example.jp", "taro@example.jp" },
	{ "first..last@example.jp", "last@example.jp" },
	{ "a.b.c.d.e@x.y.z.example.jp", "a.b.c.d.e@x.y.z.example.jp" },
	{ "09012345678@docomo.ne.jp", "09012345678@docomo.ne.jp" },
	{ "To: a@example.jp\nCc: b@example.jp\n", "a@example.jp|b@example.jp" },
	/* must not match */
	{ "foo@bar", "" },
	{ "foo@bar.c", "" },
	{ "foo@-bar.jp", "" },
	{ "foo@bar-.jp", "" },
	{ "foo@bar..jp", "" },
	{ "foo.@bar.jp", "" },
	{ "@example.jp", "" },
	{ "user@", "" },
	{ "user@.example.jp", "" },
	{ "user@example.c0m", "" },
	{ "user@example.jp_x", "" },
	{ "user@example.jp-x", "" },
	{ "user at example.jp", "" },
	{ "user (at) localhost", "" },
	{ "x@123.456", "" },
	{ "@@@ ... @", "" },
	{ "2024-01-15 12:30 ¥1,234", "" },
	{ "taro@例え.jp", "" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.jp", "" },
};

/* test_rows - detect every row and compare the addresses and the returned count */
static void test_rows(const struct lg_detectors *d)
{
	run_rows(d, "email", rows, sizeof rows / sizeof rows[0], "email");
}

/* test_spans - start/end cover exactly the written address */
static void test_spans(const struct lg_detectors *d)
{
	static const struct span_row spans[] = {
		{ "連絡先:taro@example.jp です", "taro@example.jp" },
		{ "user@example.jp.", "user@example.jp" },
		{ "<1234.5678@mail.example.com>", "1234.5678@mail.example.com" },
		{ "name [at] example.jp.", "name [at] example.jp" },
	};
	run_spans(d, "email", spans, sizeof spans / sizeof spans[0]);
}

/* test_mixed - both detectors on one text, and the total returned */
static void test_mixed(const struct lg_detectors *d)
{
	const char *text = "山田 taro@example.jp TEL 03-1234-5678 / 09012345678@docomo.ne.jp";
	struct got e = { .det = lg_detector_find(d, "email"), .vals = LG_BUF_INIT };
	struct got p = { .det = lg_detector_find(d, "phone_jp"), .vals = LG_BUF_INIT };
	char err[256];
	int rc = lg_detect(d, text, strlen(text), NULL, collect, &e, err, sizeof err);
	lg_detect(d, text, strlen(text), NULL, collect, &p, err, sizeof err);
	tap_is_str(lg_buf_cstr(&e.vals), "taro@example.jp|09012345678@docomo.ne.jp", "mixed: emails");
	tap_is_str(lg_buf_cstr(&p.vals), "0312345678", "mixed: phones (not the local part)");
	tap_is_long(rc, 3, "mixed: lg_detect counts all detectors");
	lg_buf_free(&e.vals);
	lg_buf_free(&p.vals);
	tap_is_str(lg_detector_id(d, (unsigned)lg_detector_find(d, "email")), "email", "detector name");
	tap_is_str(lg_detector_id(d, 999), "unknown", "detector name out of range");
	tap_is_long(lg_detect(NULL, "x", 1, NULL, collect, &e, err, sizeof err), -1, "no detectors: -1");
}

/* test_redact - first character of the local part, then the domain */
static void test_redact(void)
{
	static const struct {
		const char *value, *want;
	} r[] = {
		{ "taro@example.jp", "t****@example.jp" },
		{ "Taro.Yamada@example.co.jp", "T****@example.co.jp" },
		{ "x@example.jp", "x****@example.jp" },
		{ "@example.jp", "****@example.jp" },
		{ "no-at-sign", "****" },
		{ "太郎@example.jp", "太****@example.jp" },
	};
	for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
		char *s = lg_redact(LG_REDACT_EMAIL, r[i].value);
		char name[128];
		snprintf(name, sizeof name, "redact %s", r[i].value);
		tap_is_str(s, r[i].want, name);
		free(s);
	}
	static const struct {
		enum lg_redact_style style;
		const char *value, *want;
	} o[] = {
		{ LG_REDACT_TEXT, "山田太郎", "山****" },
		{ LG_REDACT_TEXT, "", "****" },
		{ LG_REDACT_DIGITS, "123456789012", "********9012" },
		{ LG_REDACT_DIGITS, "123", "123" },
		{ LG_REDACT_POSTAL, "100-0013 東京都千代田区", "100-**** 東京都千代田区" },
		{ LG_REDACT_POSTAL, "1000013", "****" },
		{ (enum lg_redact_style)99, "secret", "s****" },
	};
	for (size_t i = 0; i < sizeof o / sizeof o[0]; i++) {
		char *s = lg_redact(o[i].style, o[i].value);
		char name[128];
		snprintf(name, sizeof name, "redact style %d: %s", (int)o[i].style, o[i].value);
		tap_is_str(s, o[i].want, name);
		free(s);
	}
}

/* test_pathological - long runs without a valid address finish quickly, without a pcre2 limit
 * error, and find nothing */
static void test_pathological(const struct lg_detectors *d)
{
	static const char *const units[] = {
		"a", "a.", "ab.", "-.", "a@", "a@b.", "a@b-", "a.b@", "x (at) ", "x@b.b.",
		"a@bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb9.",
	};
	size_t len = 1 << 20;
	char *text = lg_malloc(len + 1);
	for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
		size_t ul = strlen(units[u]);
		for (size_t i = 0; i < len; i++)
			text[i] = units[u][i % ul];
		text[len] = '\0';
		struct got g = { .det = lg_detector_find(d, "email"), .vals = LG_BUF_INIT };
		char err[256] = "";
		clock_t t0 = clock();
		int rc = lg_detect(d, text, len, NULL, collect, &g, err, sizeof err);
		double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
		tap_ok(rc == 0 && g.n == 0, "1 MB of \"%.12s\": rc %d, %d found %s", units[u], rc, g.n,
		       err);
		tap_ok(secs < 10.0, "1 MB of \"%.12s\" scanned in %.2f s", units[u], secs);
		lg_buf_free(&g.vals);
	}
	/* one '@' before a domain of 500,000 labels */
	text[0] = 'x', text[1] = '@';
	for (size_t i = 2; i < len; i++)
		text[i] = "b1."[(i - 2) % 3];
	struct got h = { .det = lg_detector_find(d, "email"), .vals = LG_BUF_INIT };
	char herr[256] = "";
	int hrc = lg_detect(d, text, len, NULL, collect, &h, herr, sizeof herr);
	tap_ok(hrc == 0 && h.n == 0, "x@ then 1 MB of labels: rc %d, %d found %s", hrc, h.n, herr);
	lg_buf_free(&h.vals);

	/* a real address right after a long dotted run is still found */
	for (size_t i = 0; i < len; i++)
		text[i] = "a."[i % 2];
	memcpy(text + len - 16, " tail@example.jp", 16);
	struct got g = { .det = lg_detector_find(d, "email"), .vals = LG_BUF_INIT };
	char err[256] = "";
	int rc = lg_detect(d, text, len, NULL, collect, &g, err, sizeof err);
	tap_ok(rc == 1, "address after 1 MB of \"a.\": rc %d %s", rc, err);
	tap_is_str(lg_buf_cstr(&g.vals), "tail@example.jp", "address after 1 MB of \"a.\"");
	lg_buf_free(&g.vals);
	free(text);
}

int main(void)
{
	char err[256] = "";
	struct lg_detectors *d = lg_detectors_builtin(err, sizeof err);
	if (!tap_ok(d != NULL, "lg_detectors_builtin (%s)", err))
		return tap_done();
	test_rows(d);
	test_spans(d);
	test_mixed(d);
	test_redact();
	test_pathological(d);
	lg_detectors_free(d);
	return tap_done();
}
