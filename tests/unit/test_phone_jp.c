/* test_phone_jp.c - unit tests for the phone_jp detector: written forms that must be found,
 * look-alikes (dates, prices, codes, postal codes) that must not, lg_phone_jp_valid, redaction,
 * match spans, pathological inputs and concurrent use of one detector set. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lg_alloc.h"
#include "lg_buf.h"
#include "rules/detect.h"
#include "tests/unit/tap.h"
#include "tests/unit/detect_collect.h"

/* The phone values expected in each text, in order, joined by '|' ("" for none). */
static const struct row must_match[] = {
	/* mobile, IP, M2M, free dial: 11 digits */
	{ "090-1234-5678", "09012345678" },
	{ "080-1234-5678", "08012345678" },
	{ "070-1234-5678", "07012345678" },
	{ "060-1234-5678", "06012345678" },
	{ "050-1234-5678", "05012345678" },
	{ "020-1234-5678", "02012345678" },
	{ "0800-123-4567", "08001234567" },
	/* landlines and 10-digit service numbers */
	{ "03-1234-5678", "0312345678" },
	{ "06-1234-5678", "0612345678" },
	{ "011-123-4567", "0111234567" },
	{ "0467-12-3456", "0467123456" },
	{ "01267-2-3456", "0126723456" },
	{ "0120-123-456", "0120123456" },
	{ "0570-123-456", "0570123456" },
	{ "0990-123-456", "0990123456" },
	{ "0120-12-3456", "0120123456" },
	/* no separators, two groups */
	{ "09012345678", "09012345678" },
	{ "0312345678", "0312345678" },
	{ "031234-5678", "0312345678" },
	{ "(045) 123-4567", "0451234567" },
	/* parentheses */
	{ "03(1234)5678", "0312345678" },
	{ "(03)1234-5678", "0312345678" },
	{ "(03) 1234-5678", "0312345678" },
	{ "(0467)12-3456", "0467123456" },
	{ "090(1234)5678", "09012345678" },
	{ "03 (1234) 5678", "0312345678" },
	{ "(03)-1234-5678", "0312345678" },
	{ "03-(1234)-5678", "0312345678" },
	/* international */
	{ "+81 90-1234-5678", "09012345678" },
	{ "+81-3-1234-5678", "0312345678" },
	{ "+81 (0)3 1234 5678", "0312345678" },
	{ "+819012345678", "09012345678" },
	{ "+81 3 1234 5678", "0312345678" },
	{ "+81-03-1234-5678", "0312345678" },
	{ "0081-3-1234-5678", "0312345678" },
	{ "(+81)90-1234-5678", "09012345678" },
	{ "+81(0)90-1234-5678", "09012345678" },
	{ "tel:+81312345678", "0312345678" },
	{ "phone: +81-90-1234-5678.", "09012345678" },
	/* separators */
	{ "090 1234 5678", "09012345678" },
	{ "090 1234-5678", "09012345678" },
	{ "03 - 1234 - 5678", "0312345678" },
	{ "090\xE2\x88\x92" "1234\xE2\x88\x92" "5678", "09012345678" },	/* U+2212 minus */
	{ "090\xE3\x83\xBC" "1234\xE3\x83\xBC" "5678", "09012345678" },	/* U+30FC long mark */
	{ "03\xE2\x80\x90" "1234\xE2\x80\x90" "5678", "0312345678" },	/* U+2010 hyphen */
	{ "03\xE2\x80\x93" "1234\xE2\x80\x93" "5678", "0312345678" },	/* U+2013 en dash */
	{ "03\xE2\x80\x94" "1234\xE2\x80\x94" "5678", "0312345678" },	/* U+2014 em dash */
	{ "03\xE2\x80\x95" "1234\xE2\x80\x95" "5678", "0312345678" },	/* U+2015 bar */
	/* in context */
	{ "電話090-1234-5678まで", "09012345678" },
	{ "TEL:03-1234-5678", "0312345678" },
	{ "TEL03-1234-5678", "0312345678" },
	{ "Tel.03-1234-5678", "0312345678" },
	{ "Mobile090-1234-5678", "09012345678" },
	{ "TEL 03-1234-5678 FAX 03-1234-5679", "0312345678|0312345679" },
	{ "TEL03-1234-5678FAX03-1234-5679", "0312345678|0312345679" },
	{ "\"090-1234-5678\",\"山田\"", "09012345678" },
	{ "090-1234-5678,03-1234-5678", "09012345678|0312345678" },
	{ "\t090-1234-5678\t", "09012345678" },
	{ "(090-1234-5678, 03-1234-5678)", "09012345678|0312345678" },
	{ "携帯:090-1234-5678/自宅:03-1234-5678", "09012345678|0312345678" },
	{ "(03)1234-5678/(06)1234-5678", "0312345678|0612345678" },
	{ "2024-01-15 090-1234-5678", "09012345678" },
	{ "〒100-0001 東京都千代田区 03-1234-5678", "0312345678" },
	{ "〒060-0001 011-123-4567", "0111234567" },
	{ "090-1234-5678。", "09012345678" },
	{ "お問い合わせは0120-123-456(平日)", "0120123456" },
	{ "050-1234-5678です", "05012345678" },
	{ "03-1234-5678 (代表)", "0312345678" },
	{ "03-1234-5678 内線123", "0312345678" },
	{ "0312345678 90分", "0312345678" },
	{ "090-1234-5678\n03-1234-5678\n", "09012345678|0312345678" },
	{ "連絡先 090 1234 5678 090 8765 4321", "09012345678|09087654321" },
	{ "e-mail/TEL 03-1234-5678e-mail", "0312345678" },
};

static const struct row must_not_match[] = {
	{ "2024-01-15", "" },
	{ "2024/01/15", "" },
	{ "令和6年1月15日", "" },
	{ "2024年01月15日 12時30分", "" },
	{ "12:30:45", "" },
	{ "¥1,234,567", "" },
	{ "1,234,567円", "" },
	{ "価格: 10,000,000円", "" },
	{ "〒100-0001", "" },
	{ "〒060-0001", "" },
	{ "060-0001", "" },
	{ "P/N 12-3456-7890-12", "" },
	{ "0001234567890", "" },
	{ "注文番号:0001234567890", "" },
	{ "012345678901", "" },
	{ "031234567890", "" },
	{ "0312345678901234", "" },
	{ "192.168.100.200", "" },
	{ "10.0.19045", "" },
	{ "v10.0.19045.3570", "" },
	{ "978-4-06-293000-0", "" },
	{ "ISBN 4-06-293000-0", "" },
	{ "5105105105105100", "" },
	{ "5105 1051 0510 5100", "" },
	{ "4111-1111-1111-1111", "" },
	{ "090-1234-567", "" },
	{ "090 1234 567", "" },
	{ "03-1234-56789", "" },
	{ "03-123-45678", "" },
	{ "0312-345-678", "" },
	{ "ABC-0312-345-678", "" },
	{ "ABC-0312-34-5678", "" },
	{ "SKU-0312345678", "" },
	{ "item_0312345678", "" },
	{ "HOTEL0312345678", "" },
	{ "03-1234-5678X", "" },
	{ "090-1234-5678-9", "" },
	{ "03-1234-5678-90", "" },
	{ "A090-1234-5678", "" },
	{ "12-090-1234-5678", "" },
	{ "2024-0312-3456", "" },
	{ "1.0312345678", "" },
	{ "0312345678.5", "" },
	{ "0901234567", "" },
	{ "0501234567", "" },
	{ "0012345678", "" },
	{ "00312345678", "" },
	{ "0101234567", "" },
	{ "031234567", "" },
	{ "0800-123-456", "" },
	{ "0120-123-45", "" },
	{ "012-0123-456", "" },
	{ "0120123-456", "" },
	{ "03123456789", "" },
	{ "090-12345678", "" },
	{ "(03)12345678", "" },
	{ "+81 3-1234-567", "" },
	{ "+1 212-555-0123", "" },
	{ "03\xE3\x80\x9C" "1234\xE3\x80\x9C" "5678", "" },	/* U+301C wave dash */
	{ "1Z999AA10123456784", "" },
	/* 03 and 06 are Tokyo and Osaka: always 03-xxxx-xxxx, so 3-3-4 or 4-2-4 is something else */
	{ "(061) 315-9657", "" },
	{ "061-315-9657", "" },
	{ "0312-34-5678", "" },
	/* a number right before '@' is an address's local part: the email detector reports it */
	{ "From: 0647842285@uk.example.com", "" },
	{ "09012345678@docomo.ne.jp", "" },
	{ "TEL:0312-345-678", "" },
};

/* test_spans - start/end cover exactly the written number */
static void test_spans(const struct lg_detectors *d)
{
	static const struct span_row rows[] = {
		{ "電話090-1234-5678まで", "090-1234-5678" },
		{ "TEL:(03) 1234-5678です", "(03) 1234-5678" },
		{ "Tel +81 (0)3 1234 5678.", "+81 (0)3 1234 5678" },
		{ "(090-1234-5678)", "090-1234-5678" },
		{ "0312345678 90分", "0312345678" },
	};
	run_spans(d, "phone_jp", rows, sizeof rows / sizeof rows[0]);
}

/* test_valid - lg_phone_jp_valid on bare digit strings */
static void test_valid(void)
{
	static const struct {
		const char *digits;
		int want;
	} rows[] = {
		{ "09012345678", 1 }, { "08012345678", 1 }, { "07012345678", 1 }, { "06012345678", 1 },
		{ "05012345678", 1 }, { "02012345678", 1 }, { "08001234567", 1 }, { "0312345678", 1 },
		{ "0612345678", 1 },  { "0111234567", 1 },  { "0467123456", 1 },  { "0126723456", 1 },
		{ "0120123456", 1 },  { "0570123456", 1 },  { "0990123456", 1 },
		{ "0901234567", 0 },  { "0801234567", 0 },  { "0501234567", 0 },  { "0201234567", 0 },
		{ "0800123456", 0 },  { "03123456789", 0 }, { "01201234567", 0 }, { "03012345678", 0 },
		{ "04012345678", 0 }, { "0101234567", 0 },  { "0012345678", 0 },  { "00312345678", 0 },
		{ "031234567", 0 },   { "031234567890", 0 }, { "3123456789", 0 },
		{ "0312a45678", 0 },
		{ "", 0 },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		tap_is_long(lg_phone_jp_valid(rows[i].digits, strlen(rows[i].digits)), rows[i].want,
			    rows[i].digits);
	tap_is_long(lg_phone_jp_valid(NULL, 0), 0, "valid: NULL");
	tap_is_long(lg_phone_jp_valid("09012345678", 10), 0, "valid: length counts, not NUL");
}

/* test_redact - phone samples keep the prefix and the last 4 digits */
static void test_redact(void)
{
	static const struct {
		const char *value, *want;
	} rows[] = {
		{ "09012345678", "090-****-5678" }, { "0312345678", "03-****-5678" },
		{ "0612345678", "06-****-5678" },   { "0111234567", "011-****-4567" },
		{ "0467123456", "046-****-3456" },  { "0120123456", "012-****-3456" },
		{ "08001234567", "080-****-4567" }, { "123", "****" },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char *r = lg_redact(LG_REDACT_PHONE, rows[i].value);
		char name[64];
		snprintf(name, sizeof name, "redact %s", rows[i].value);
		tap_is_str(r, rows[i].want, name);
		free(r);
	}
}

/* count_phones - number of phone matches in text, or -1 when lg_detect fails */
static int count_phones(const struct lg_detectors *d, const char *text, size_t len)
{
	struct got g = { .det = lg_detector_find(d, "phone_jp"), .vals = LG_BUF_INIT };
	char err[256] = "";
	int rc = lg_detect(d, text, len, NULL, collect, &g, err, sizeof err);
	lg_buf_free(&g.vals);
	if (rc < 0)
		tap_diag("lg_detect failed: %s", err);
	return rc < 0 ? -1 : g.n;
}

/* test_pathological - long digit and separator runs finish quickly and find nothing */
static void test_pathological(const struct lg_detectors *d)
{
	static const char *const units[] = { "0", "0-", "0 ", "03-", "0312 ", "0312-", "(0", "+81",
					     "+81 (0)3 ", "0(1)", "03-1234-", "090-1234-5678-" };
	size_t len = 1 << 20;
	char *text = lg_malloc(len + 1);
	for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
		size_t ul = strlen(units[u]);
		for (size_t i = 0; i < len; i++)
			text[i] = units[u][i % ul];
		text[len] = '\0';
		clock_t t0 = clock();
		int n = count_phones(d, text, len);
		double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
		tap_is_long(n, 0, "1 MB run finds nothing");
		tap_ok(secs < 10.0, "1 MB of \"%s\" scanned in %.2f s", units[u], secs);
	}
	free(text);
	tap_is_long(count_phones(d, "", 0), 0, "empty text");
	tap_is_long(count_phones(d, NULL, 0), 0, "NULL text of length 0");
}

#define THREADS 4
#define ROUNDS 200

static const char thread_text[] =
	"山田太郎 TEL 03-1234-5678 / 携帯 090-1234-5678\n注文番号 0001234567890 2024-01-15\n"
	"+81 (0)6 1234 5678, taro@example.jp";

/* thread_main - scan the same text many times with the shared detectors */
static void *thread_main(void *arg)
{
	const struct lg_detectors *d = arg;
	long bad = 0;
	for (int i = 0; i < ROUNDS; i++)
		if (count_phones(d, thread_text, strlen(thread_text)) != 3)
			bad++;
	return (void *)bad;
}

/* test_threads - one detector set used by several threads at once */
static void test_threads(const struct lg_detectors *d)
{
	pthread_t t[THREADS];
	long bad = 0;
	for (int i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, thread_main, (void *)d) != 0)
			bad += ROUNDS;
	for (int i = 0; i < THREADS; i++) {
		void *r;
		pthread_join(t[i], &r);
		bad += (long)r;
	}
	tap_is_long(bad, 0, "concurrent scans agree");
}

int main(void)
{
	char err[256] = "";
	struct lg_detectors *d = lg_detectors_builtin(err, sizeof err);
	if (!tap_ok(d != NULL, "lg_detectors_builtin (%s)", err))
		return tap_done();
	tap_is_str(lg_detector_id(d, (unsigned)lg_detector_find(d, "phone_jp")), "phone_jp", "detector name");
	run_rows(d, "phone_jp", must_match, sizeof must_match / sizeof must_match[0], "match");
	run_rows(d, "phone_jp", must_not_match, sizeof must_not_match / sizeof must_not_match[0], "no match");
	test_spans(d);
	test_valid();
	test_redact();
	test_pathological(d);
	test_threads(d);
	lg_detectors_free(d);
	return tap_done();
}
