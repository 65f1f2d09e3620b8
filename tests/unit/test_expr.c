/* test_expr.c - policy conditions: the fact table, valid conditions evaluated over a report,
 * and invalid ones with the offset and message of the error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/report.h"
#include "config/config.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "policy/facts.h"
#include "policy/policy.h"
#include "tap.h"

/* A condition and its value over the sample report. */
struct valid_case {
	const char *src;
	long want;
};

static const struct valid_case valid[] = {
	{ "records >= 3", 1 },
	{ "records > 3", 0 },
	{ "records == 3", 1 },
	{ "records != 3", 0 },
	{ "records <= 2", 0 },
	{ "records < 4", 1 },
	{ "findings.total >= 10 and recipients.external >= 1", 1 },
	{ "findings.total >= 12 and recipients.external >= 1", 0 },
	{ "findings.total == 11", 1 },
	{ "findings.phone_jp == 7 && findings.email == 4", 1 },
	{ "findings.email > 4 || findings.phone_jp > 6", 1 },
	{ "findings.email > 4 || findings.phone_jp > 7", 0 },
	{ "findings.phone_jp.high == 2 and findings.phone_jp.any == 9", 1 },
	{ "findings.name.any == 0 and findings.name.high == 0", 1 },
	{ "not records > 3", 1 },
	{ "!(records > 3)", 1 },
	{ "not not true", 1 },
	{ "! ! ! true", 0 },
	{ "true", 1 },
	{ "false", 0 },
	{ "false or true", 1 },
	{ "true and false", 0 },
	{ "message.size > 2M", 1 },
	{ "message.size >= 3M and message.size <= 3072k", 1 },
	{ "message.size < 1g", 1 },
	{ "message.size == 3145728", 1 },
	{ "message.size > 3m", 0 },
	{ "0 == 0k", 1 },
	{ "(records)>=3", 1 },
	{ "attachments.count == 2", 1 },
	{ "attachments.unscannable >= 1", 1 },
	{ "recipients.total == 5 and recipients.visible_external == 1 and recipients.external_domains == 2",
	  1 },
	/* precedence: and binds tighter than or, not tighter than both */
	{ "records > 0 or records > 1 and false", 1 },
	{ "(records > 0 or records > 1) and false", 0 },
	{ "not true or true", 1 },
	{ "not (true or true)", 0 },
	{ "1 < 2", 1 },
	{ "10 >= 10", 1 },
	{ "5 > records", 1 },
	{ "  records\t>=\n3  ", 1 },
	{ "true and true and true and false", 0 },
	{ "false or false or false or true", 1 },
	{ "((records > 1) and ((recipients.external >= 1)))", 1 },
	{ "records >= 3 and not (attachments.unscannable == 0)", 1 },
	{ "9223372036854775807 > records", 1 },
};

/* An invalid condition: where the error is and part of what it says. */
struct invalid_case {
	const char *src;
	size_t off;
	const char *msg;
};

static const struct invalid_case invalid[] = {
	{ "recipient.external >= 1", 0,
	  "unknown fact 'recipient.external' (did you mean 'recipients.external'?)" },
	{ "records >= 1 and findngs.total > 2", 17, "did you mean 'findings.total'?" },
	{ "findings > 1", 0, "did you mean 'findings.total'?" },
	{ "external > 1", 0, "did you mean 'recipients.external'?" },
	{ "nonsense_here > 1", 0, "unknown fact 'nonsense_here'" },
	{ "records > 1 AND records > 2", 12, "keywords are lower case: 'and'" },
	{ "TRUE", 0, "keywords are lower case: 'true'" },
	{ "records >=", 10, "missing operand after '>='" },
	{ "records > 1 and", 15, "missing operand after 'and'" },
	{ "not", 3, "missing operand after 'not'" },
	{ "", 0, "empty condition" },
	{ "   ", 3, "empty condition" },
	{ "records >= and", 11, "unexpected 'and'" },
	{ "records > 1 or or", 15, "unexpected 'or'" },
	{ "()", 1, "unexpected ')'" },
	{ "(records > 1", 12, "expected ')'" },
	{ "((records > 1) and (records > 2)", 32, "expected ')' (to close the '(' at character 1)" },
	{ "records > 1)", 11, "unbalanced ')'" },
	{ "records", 0, "expected a comparison, e.g. 'records >= 10'" },
	{ "records 10", 0, "expected a comparison" },
	{ "records and true", 0, "expected a comparison" },
	{ "true and 5", 9, "expected a comparison" },
	{ "true or (records)", 8, "expected a comparison" },
	{ "not records", 4, "expected a comparison" },
	{ "(records > 1) > 2", 0, "a boolean (a condition) cannot be compared with a number" },
	{ "records > (1 < 2)", 10, "cannot be compared with a number" },
	{ "true == 1", 0, "cannot be compared with a number" },
	{ "true == false", 5, "cannot compare two conditions" },
	{ "records > 1 foo", 12, "trailing input 'foo'" },
	{ "records > 1 2", 12, "trailing input '2'" },
	{ "records > 1 < 2", 12, "comparisons cannot be chained" },
	{ "records = 1", 8, "unexpected '=' (did you mean '=='?)" },
	{ "records > 1 & true", 12, "did you mean '&&'" },
	{ "records > 1 | true", 12, "did you mean '||'" },
	{ "records @ 1", 8, "unexpected '@'" },
	{ "records \xe2\x89\xa5 1", 8, "unexpected '\xe2\x89\xa5'" },
	{ "records \xff 1", 8, "unexpected byte 0xff (not UTF-8)" },
	{ "records > 1 \x01", 12, "unexpected control character 0x01" },
	{ "records > -1", 10, "cannot be negative" },
	{ "records >= 10MB", 11, "bad number '10MB'" },
	{ "records >= 3x", 11, "bad number '3x'" },
	{ "records >= 99999999999999999999", 11, "too large" },
	{ "records >= 9999999999999G", 11, "too large" },
	{ "records > 1 and \"x\"", 16, "unexpected '\"'" },
};

/* nested - n opening parentheses, a comparison, n closing ones */
static char *nested(size_t n)
{
	struct lg_buf b = LG_BUF_INIT;
	for (size_t i = 0; i < n; i++)
		lg_buf_putc(&b, '(');
	lg_buf_puts(&b, "records > 1");
	for (size_t i = 0; i < n; i++)
		lg_buf_putc(&b, ')');
	return lg_buf_steal(&b, NULL);
}

/* repeated - prefix repeated n times, then tail */
static char *repeated(const char *prefix, size_t n, const char *tail)
{
	struct lg_buf b = LG_BUF_INIT;
	for (size_t i = 0; i < n; i++)
		lg_buf_puts(&b, prefix);
	lg_buf_puts(&b, tail);
	return lg_buf_steal(&b, NULL);
}

/* printable - a copy of s for a test name: control and non-ASCII bytes shown as '?', shortened */
static const char *printable(const char *s)
{
	static char buf[96];
	size_t i = 0;
	for (; s[i] && i < sizeof buf - 4; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x80 ? '?' : s[i];
	if (s[i])
		memcpy(buf + i, "...", 3), i += 3;
	buf[i] = '\0';
	return buf;
}

static struct lg_detectors *dets;	/* the built-in set: findings.<id> facts */

/* check_invalid - compile src expecting an error at off whose message contains msg */
static void check_invalid(const char *label, const char *src, size_t off, const char *msg)
{
	char err[256] = "unset";
	size_t got_off = (size_t)-1;
	struct lg_expr *e = lg_expr_compile(src, dets, &got_off, err, sizeof err);
	tap_ok(e == NULL, "invalid %s: refused", printable(label));
	tap_is_long((long)got_off, (long)off, "invalid: error offset");
	if (!tap_ok(strstr(err, msg) != NULL, "invalid: message has \"%s\"", msg))
		tap_diag("message: %s", err);
	lg_expr_free(e);
}

/* test_facts - every fact name round-trips through the table, detectors' facts too */
static void test_facts(void)
{
	int ok = 1;
	char buf[160];
	for (int f = 0; f < lg_fact_count(dets); f++)
		if (lg_fact_lookup(dets, lg_fact_name(dets, f, buf, sizeof buf)) != f)
			ok = 0;
	tap_ok(ok, "every fact name looks up to itself (%d facts)", lg_fact_count(dets));
	tap_is_long(lg_fact_count(dets), LG_FACT__COUNT + 3 * (long)lg_detector_count(dets),
		    "three facts per detector");
	tap_is_long(lg_fact_lookup(dets, "recipients.external"), LG_FACT_RECIPIENTS_EXTERNAL,
		    "recipients.external");
	tap_is_long(lg_fact_lookup(dets, "message.size"), LG_FACT_MESSAGE_SIZE, "message.size");
	tap_is_long(lg_fact_lookup(dets, "recipients"), -1, "a group name is not a fact");
	tap_is_long(lg_fact_lookup(dets, "Records"), -1, "fact names are case-sensitive");
	int phone = lg_detector_find(dets, "phone_jp");
	tap_is_str(lg_fact_name(dets, LG_FACT__COUNT + 3 * phone, buf, sizeof buf),
		   "findings.phone_jp", "fact name");
	tap_is_str(lg_fact_name(dets, LG_FACT__COUNT + 3 * phone + 1, buf, sizeof buf),
		   "findings.phone_jp.high", "fact name .high");
	tap_is_str(lg_fact_name(dets, LG_FACT__COUNT + 3 * phone + 2, buf, sizeof buf),
		   "findings.phone_jp.any", "fact name .any");
	tap_is_long(lg_fact_lookup(NULL, "findings.phone_jp"), -1,
		    "without detectors there are no detector facts");
	tap_is_str(lg_fact_name(dets, lg_fact_count(dets), buf, sizeof buf), "?",
		   "fact name out of range");
}

/* sample_report - the report the valid conditions are evaluated against */
static void sample_report(struct lg_report *r)
{
	*r = (struct lg_report){ 0 };
	r->message_size = 3u << 20;
	r->recipients = (struct lg_recipients){ .total = 5, .external = 2, .visible_external = 1,
						.external_domains = 2 };
	lg_report_init_dets(r, dets);
	struct lg_det_tally *p = &r->dets[lg_detector_find(dets, "phone_jp")];
	p->counted = 7, p->high = 2, p->any = 9;
	r->dets[lg_detector_find(dets, "email")].counted = 4;
	r->dets[lg_detector_find(dets, "email")].any = 4;
	r->records = 3;
	r->nparts = 3;
	r->parts = lg_calloc(r->nparts, sizeof *r->parts);
	r->parts[1].attachment = true;
	r->parts[2].attachment = true;
	r->unscannable = 1;
}

int main(void)
{
	struct lg_report r;
	char err[256];
	size_t off;

	dets = lg_detectors_builtin(err, sizeof err);
	if (!tap_ok(dets != NULL, "built-in detectors (%s)", err))
		return tap_done();
	test_facts();
	sample_report(&r);

	for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
		err[0] = '\0';
		struct lg_expr *e = lg_expr_compile(valid[i].src, dets, &off, err, sizeof err);
		if (!tap_ok(e != NULL, "valid: %s", printable(valid[i].src))) {
			tap_diag("error at %zu: %s", off, err);
			continue;
		}
		tap_is_long(lg_expr_eval(e, &r), valid[i].want, "  evaluates right");
		lg_expr_free(e);
	}

	/* the same rule against an empty message */
	struct lg_report empty = { 0 };
	struct lg_expr *e = lg_expr_compile("findings.total >= 10 and recipients.external >= 1", dets, &off,
					    err, sizeof err);
	tap_is_long(e ? lg_expr_eval(e, &empty) : -1, 0, "default rule is false for an empty message");
	lg_expr_free(e);

	/* nesting up to the limit is fine; a long flat chain is not nesting */
	char *s = nested(64);
	e = lg_expr_compile(s, dets, &off, err, sizeof err);
	tap_is_long(e ? lg_expr_eval(e, &r) : -1, 1, "64 nested parentheses are accepted");
	lg_expr_free(e);
	free(s);
	s = repeated("records > 0 and ", 5000, "true");
	e = lg_expr_compile(s, dets, &off, err, sizeof err);
	tap_is_long(e ? lg_expr_eval(e, &r) : -1, 1, "a chain of 5000 'and' is accepted");
	lg_expr_free(e);
	free(s);
	s = repeated("not ", 64, "false");
	e = lg_expr_compile(s, dets, &off, err, sizeof err);
	tap_is_long(e ? lg_expr_eval(e, &r) : -1, 0, "64 nested 'not' are accepted");
	lg_expr_free(e);
	free(s);

	for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++)
		check_invalid(invalid[i].src, invalid[i].src, invalid[i].off, invalid[i].msg);

	s = nested(1000);
	check_invalid("1000 nested parentheses", s, 64, "nested too deeply");
	free(s);
	s = nested(65);
	check_invalid("65 nested parentheses", s, 64, "nested too deeply");
	free(s);
	s = repeated("not ", 65, "true");
	check_invalid("65 nested 'not'", s, 64 * 4, "nested too deeply");
	free(s);
	s = repeated("!(", 40, "true");
	check_invalid("40 of '!(' (80 levels)", s, 64, "nested too deeply");
	free(s);

	/* a NULL err buffer and a small one are fine */
	tap_ok(lg_expr_compile("records >", dets, &off, NULL, 0) == NULL && off == 9,
	       "error without a message buffer");
	char tiny[8];
	tap_ok(lg_expr_compile("bogus", dets, &off, tiny, sizeof tiny) == NULL && strlen(tiny) == 7,
	       "message truncated to the buffer");

	lg_report_free(&r);
	lg_detectors_free(dets);
	return tap_done();
}
