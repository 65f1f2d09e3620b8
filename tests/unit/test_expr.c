/* test_expr.c - policy conditions: the fact table, valid conditions evaluated over a report
 * (numbers, sums, and 'in' tests on lists, groups and inline sets), invalid ones with the
 * offset and message of the error, and the --explain trace. */
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
	{ "recipients.visible_external_domains == 1", 1 },
	/* sums */
	{ "findings.phone_jp + findings.email >= 11", 1 },
	{ "findings.phone_jp + findings.email >= 12", 0 },
	{ "findings.phone_jp + findings.email + records == 14", 1 },
	{ "1 + 2 == 3", 1 },
	{ "records >= 1+1", 1 },
	{ "9223372036854775807 + 1 == 9223372036854775807", 1 },	/* saturates */
	/* one value: sender (local part exact, domain in any case), sender_domain */
	{ "sender in group:payroll", 1 },
	{ "sender not in group:payroll", 0 },
	{ "not sender in group:payroll", 0 },
	{ "sender in [taro@corp.example]", 1 },
	{ "sender in [taro@CORP.Example]", 1 },
	{ "sender in [Taro@corp.example]", 0 },
	{ "sender in [corp.example]", 1 },	/* a domain entry: the address's domain */
	{ "sender in [.example]", 1 },
	{ "sender in [*.example]", 1 },
	{ "sender in [.corp.example]", 0 },	/* subdomains only */
	{ "sender in [\"taro@corp.example\", other.example]", 1 },
	{ "sender_domain in [CORP.EXAMPLE]", 1 },
	{ "sender_domain in [*.corp.example]", 0 },
	{ "sender_domain in list:partners", 0 },
	{ "sender_domain in list:x", 0 },	/* an address entry never matches a domain */
	{ "attachment.names any in list:mixed", 0 },	/* texts: anything goes */
	{ "sender_domain not in list:partners", 1 },
	/* sets: any, all, none */
	{ "recipient_domains all in list:partners", 0 },
	{ "recipient_domains any in list:partners", 1 },
	{ "external_domains all in list:partners", 1 },	/* a.example and sub.b.example */
	{ "external_recipients all in list:partners", 1 },
	{ "external_domains any in [b.example]", 0 },
	{ "external_domains any in [*.b.example]", 1 },
	{ "external_domains none in [c.example, d.example]", 1 },
	{ "external_recipients any in [x@c.example]", 0 },
	{ "recipients any in group:payroll", 0 },
	{ "recipients any in [shiro@sales.corp.example]", 1 },
	{ "recipients any in [*.corp.example]", 1 },
	{ "recipients all in [corp.example, .corp.example]", 0 },
	{ "recipients all in [corp.example, .corp.example, a.example, .b.example]", 1 },
	{ "recipient_domains none in list:partners", 0 },
	{ "attachment.types any in [text/csv]", 1 },
	/* the singular: some attachment's type / name (the issue's own example) */
	{ "attachment.type in [text/csv]", 1 },
	{ "attachment.type not in [text/csv]", 0 },
	{ "attachment.type in [image/png]", 0 },
	{ "attachment.type not in [image/png]", 1 },
	{ "attachment.types any in [\"APPLICATION/PDF\"]", 1 },
	{ "attachment.types all in list:types", 0 },
	{ "attachment.types any in list:types", 1 },
	{ "attachment.types any in [text/plain]", 0 },	/* the body is no attachment */
	{ "attachment.types any in [\"application/*\"]", 1 },
	{ "attachment.names any in [\"*.pdf\"]", 1 },
	{ "attachment.names any in [\"*.p?f\"]", 1 },
	{ "attachment.names none in [\"*.xlsx\", \"*.zip\"]", 1 },
	{ "attachment.names any in [\"\xe5\x90\x8d\xe7\xb0\xbf.csv\"]", 1 },
	{ "attachment.names any in [\"report *\"]", 0 },
	{ "attachment.types any in []", 0 },
	{ "attachment.types all in []", 0 },
	{ "attachment.types none in []", 1 },
	{ "(sender in group:payroll) and records >= 3", 1 },
	{ "records >= 3 and sender in group:payroll or false", 1 },
	{ "sender in [\n  a.example,\n  corp.example\n]", 1 },
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
	/* types: values, numbers, conditions */
	{ "records in list:partners", 0,
	  "'records' is a number: 'in' tests values (sender, sender_domain, recipients, "
	  "recipient_domains, ...)" },
	{ "recipients.external any in [a.example]", 0, "'recipients.external' is a number" },
	{ "true in [a]", 0, "only values (sender, recipients, ...) can be tested with 'in'" },
	{ "sender >= 3", 0,
	  "'sender' is an address, not a number (test it with 'in', e.g. 'sender in list:NAME')" },
	{ "3 < sender", 4, "'sender' is an address, not a number" },
	{ "external_domains >= 2", 0,
	  "'external_domains' is a set of domains, not a number (test it with 'any in', 'all in' "
	  "or 'none in', e.g. 'recipient_domains all in list:NAME'; to count them use "
	  "'recipients.external_domains')" },
	{ "3 + sender > 1", 4, "'sender' is an address, not a number" },
	{ "records + true > 1", 10, "'+' adds numbers, and a condition is not one" },
	{ "(records > 1) + 1 > 1", 0, "'+' adds numbers, and a condition is not one" },
	{ "records +", 9, "missing operand after '+'" },
	{ "sender", 0, "'sender' is an address, not a condition (test it with 'in'" },
	{ "records > 1 and attachment.names", 16, "'attachment.names' is a set of file names, not a condition" },
	{ "recipient_domains in list:partners", 18,
	  "'recipient_domains' is a set of domains: write 'recipient_domains any in', "
	  "'recipient_domains all in' or 'recipient_domains none in'" },
	{ "recipients not in list:partners", 11, "'recipients' is a set of addresses: write" },
	{ "sender all in group:payroll", 7, "'sender' is one value: write 'sender in' or 'sender not in'" },
	{ "sender any of list:x", 11, "expected 'in' after 'any'" },
	{ "sender not list:x", 11, "expected 'in' after 'not'" },
	/* sets */
	{ "sender in list:partnrs", 10, "unknown list 'partnrs' (did you mean 'list:partners'?)" },
	{ "sender in group:partners", 10,
	  "unknown group 'partners' (there is a list of that name: 'list:partners')" },
	{ "sender in list:nosuch", 10, "unknown list 'nosuch' (define it under 'lists:' in the configuration)" },
	{ "sender in group:nosuch", 10, "unknown group 'nosuch' (define it under 'groups:' in the configuration)" },
	{ "recipient_domains any in group:payroll", 25,
	  "group 'payroll' holds addresses, and 'recipient_domains' holds domains (use a list)" },
	{ "sender in list:mixed", 10,
	  "list 'mixed' has 'foo bar', which is neither an address nor a domain ('sender' holds "
	  "addresses)" },
	{ "external_domains any in list:mixed", 24,
	  "list 'mixed' has 'foo bar', which is neither an address nor a domain "
	  "('external_domains' holds domains)" },
	{ "sender in list:", 15, "expected a name after 'list:'" },
	{ "sender in records", 10,
	  "expected a list after 'in' (list:NAME, group:NAME or [a, b]), not 'records'" },
	{ "sender in", 9, "expected a list after 'in' (list:NAME, group:NAME or [a, b]), not 'end of condition'" },
	{ "sender in [a.example", 10, "expected ']' (to close the '[' at character 11)" },
	{ "sender in [a.example b.example]", 21, "expected ',' or ']' in a list" },
	{ "sender in [a.example,]", 21, "expected a list entry, not ']'" },
	{ "sender in [a, , b]", 14, "expected a list entry, not ','" },
	{ "sender in [\"a", 11, "unterminated '\"' in a list" },
	{ "sender in [a@]", 11, "bad list entry: bad address 'a@'" },
	{ "sender in [\"\"]", 11, "bad list entry: empty entry" },
	{ "sender_domain in [x@a.example]", 18,
	  "'x@a.example' is not a domain ('sender_domain' holds domains)" },
	{ "sender in [a.example, \"foo bar\"]", 22,
	  "'foo bar' is not an address or a domain ('sender' holds addresses)" },
	{ "sender in [a.example] == 1", 22, "comparisons cannot be chained; join them with 'and'" },
	{ "records >= 1 in [a]", 13, "comparisons cannot be chained; join them with 'and'" },
	{ "sender in [a] in [b]", 14, "comparisons cannot be chained; join them with 'and'" },
	{ "attachment.type any in [text/csv]", 16,
	  "'attachment.type' names one attachment: write 'in' or 'not in' (or use "
	  "'attachment.types' with any/all/none)" },
	{ "attachment.types in [text/csv]", 17, "write 'attachment.types any in'" },
	{ "senders in [a]", 0, "unknown fact 'senders' (did you mean 'sender'?)" },
	{ "sender IN [a]", 0, "'sender' is an address, not a condition" },
	{ "sender in [a] AND true", 14, "keywords are lower case: 'and'" },
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
static struct lg_sets sample_sets;	/* the lists and groups conditions may name */
static const struct lg_sets *sets = &sample_sets;

/* add_set - a named list or group for the tests */
static void add_set(const char *name, bool group, const char *const *entries)
{
	struct lg_set *s = lg_set_new(name, group);
	char err[200];
	for (size_t i = 0; entries[i]; i++)
		if (lg_set_add(s, entries[i], err, sizeof err) != 0)
			tap_diag("test set %s: %s", name, err);
	lg_sets_add(&sample_sets, s);
}

/* make_sets - partners (domains), payroll (a group), types, mixed and x (bad for addresses) */
static void make_sets(void)
{
	static const char *const partners[] = { "a.example", ".b.example", "x@c.example", NULL };
	static const char *const payroll[] = { "taro@CORP.example", "hanako@corp.example", NULL };
	static const char *const types[] = { "text/csv", "application/vnd.*", NULL };
	static const char *const mixed[] = { "a.example", "foo bar", NULL };
	static const char *const x[] = { "x@c.example", NULL };
	add_set("partners", false, partners);
	add_set("payroll", true, payroll);
	add_set("types", false, types);
	add_set("mixed", false, mixed);
	add_set("x", false, x);
}

/* check_invalid - compile src expecting an error at off whose message contains msg */
static void check_invalid(const char *label, const char *src, size_t off, const char *msg)
{
	char err[256] = "unset";
	size_t got_off = (size_t)-1;
	struct lg_expr *e = lg_expr_compile(src, dets, sets, &got_off, err, sizeof err);
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
	int vok = 1;
	for (int f = 0; f < LG_VFACT__COUNT; f++)
		if (lg_vfact_lookup(lg_vfact_name(f)) != f || lg_fact_lookup(dets, lg_vfact_name(f)) >= 0)
			vok = 0;
	tap_ok(vok, "every value fact name looks up to itself and is no number fact");
	tap_ok(lg_vfact_single(LG_VFACT_SENDER) && lg_vfact_single(LG_VFACT_SENDER_DOMAIN) &&
		       !lg_vfact_single(LG_VFACT_RECIPIENTS) && !lg_vfact_single(LG_VFACT_ATTACHMENT_NAMES),
	       "sender and sender_domain are single values, the others sets");
	tap_is_long(lg_vfact_lookup("recipients.total"), -1, "a number fact is no value fact");
}

/* sample_report - the report the valid conditions are evaluated against */
static void sample_report(struct lg_report *r)
{
	*r = (struct lg_report){ 0 };
	r->message_size = 3u << 20;
	r->recipients = (struct lg_recipients){ .total = 5, .external = 2, .visible_external = 1,
						.external_domains = 2,
						.visible_external_domains = 1 };
	struct lg_recipients *rc = &r->recipients;
	static const char *const addrs[] = { "jiro@corp.example", "saburo@corp.example",
					     "shiro@sales.corp.example", "a1@a.example",
					     "b1@sub.b.example" };
	static const char *const domains[] = { "corp.example", "sales.corp.example", "a.example",
					       "sub.b.example" };
	rc->sender = lg_strdup("taro@corp.example");
	rc->naddrs = 5;
	rc->addrs = lg_calloc(5, sizeof *rc->addrs);
	rc->next_addrs = 2;
	rc->ext_addrs = lg_calloc(2, sizeof *rc->ext_addrs);
	rc->ndomains = 4;
	rc->domains = lg_calloc(4, sizeof *rc->domains);
	rc->next_domains = 2;
	rc->ext_domains = lg_calloc(2, sizeof *rc->ext_domains);
	for (size_t i = 0; i < 5; i++)
		rc->addrs[i] = lg_strdup(addrs[i]);
	for (size_t i = 0; i < 4; i++)
		rc->domains[i] = lg_strdup(domains[i]);
	for (size_t i = 0; i < 2; i++) {
		rc->ext_addrs[i] = lg_strdup(addrs[3 + i]);
		rc->ext_domains[i] = lg_strdup(domains[2 + i]);
	}
	lg_report_init_dets(r, dets);
	struct lg_det_tally *p = &r->dets[lg_detector_find(dets, "phone_jp")];
	p->counted = 7, p->high = 2, p->any = 9;
	r->dets[lg_detector_find(dets, "email")].counted = 4;
	r->dets[lg_detector_find(dets, "email")].any = 4;
	r->records = 3;
	r->nparts = 3;
	r->parts = lg_calloc(r->nparts, sizeof *r->parts);
	r->parts[0].declared_type = lg_strdup("text/plain");
	r->parts[0].detected_type = lg_strdup("text/plain");
	r->parts[1].attachment = true;
	r->parts[1].detected_type = lg_strdup("text/csv");
	r->parts[1].filename = lg_strdup("\xe5\x90\x8d\xe7\xb0\xbf.csv");	/* 名簿.csv */
	r->parts[2].attachment = true;
	r->parts[2].declared_type = lg_strdup("application/pdf");	/* nothing detected */
	r->parts[2].filename = lg_strdup("Report.PDF");
	r->unscannable = 1;
}

/* Conditions over an empty message (no sender, no recipients, no attachments). */
static const struct valid_case empty_cases[] = {
	{ "recipient_domains all in list:partners", 0 },	/* all in: false without values */
	{ "recipient_domains any in list:partners", 0 },
	{ "recipient_domains none in list:partners", 1 },
	{ "sender in [corp.example]", 0 },			/* the null sender is in no list */
	{ "sender not in [corp.example]", 1 },
	{ "sender_domain in [corp.example]", 0 },
	{ "attachment.names all in [\"*\"]", 0 },
	{ "findings.phone_jp + findings.email == 0", 1 },
};

/* The --explain trace of a condition over the sample report. */
struct explain_case {
	const char *src;
	const char *want;
};

static const struct explain_case explain_cases[] = {
	{ "records >= 3 and (external_domains all in list:partners or\n"
	  "  findings.phone_jp + findings.email >= 100)",
	  "and: true\n"
	  "  records >= 3: 3 >= 3: true\n"
	  "  or: true\n"
	  "    external_domains all in list:partners: [a.example, sub.b.example]: true\n"
	  "    findings.phone_jp + findings.email >= 100: 11 >= 100: false\n"
	  "      findings.phone_jp + findings.email = 7 + 4 = 11\n" },
	{ "not sender in group:payroll",
	  "not: false\n"
	  "  sender in group:payroll: taro@corp.example: true\n" },
	{ "recipient_domains all in [corp.example, .corp.example]",
	  "recipient_domains all in [corp.example, .corp.example]: [corp.example, "
	  "sales.corp.example, a.example, sub.b.example]: false (a.example is not in it)\n" },
	{ "recipients none in [*.b.example] or true",
	  "or: true\n"
	  "  recipients none in [*.b.example]: [jiro@corp.example, saburo@corp.example, "
	  "shiro@sales.corp.example, a1@a.example, b1@sub.b.example]: false (b1@sub.b.example is in it)\n"
	  "  true: true\n" },
	{ "attachment.names any in [\"*.pdf\"]",
	  "attachment.names any in [\"*.pdf\"]: [\xe5\x90\x8d\xe7\xb0\xbf.csv, Report.PDF]: true "
	  "(Report.PDF is in it)\n" },
};

/* test_sets_and_explain - conditions over an empty message, and the explain trace */
static void test_sets_and_explain(const struct lg_report *r)
{
	struct lg_report empty = { 0 };
	char err[256];
	size_t off;
	for (size_t i = 0; i < sizeof empty_cases / sizeof empty_cases[0]; i++) {
		struct lg_expr *e = lg_expr_compile(empty_cases[i].src, dets, sets, &off, err, sizeof err);
		if (!tap_ok(e != NULL, "empty message: %s", empty_cases[i].src)) {
			tap_diag("%s", err);
			continue;
		}
		tap_is_long(lg_expr_eval(e, &empty), empty_cases[i].want, "  evaluates right");
		lg_expr_free(e);
	}
	for (size_t i = 0; i < sizeof explain_cases / sizeof explain_cases[0]; i++) {
		const struct explain_case *c = &explain_cases[i];
		struct lg_expr *e = lg_expr_compile(c->src, dets, sets, &off, err, sizeof err);
		if (!tap_ok(e != NULL, "explain: %s compiles", printable(c->src))) {
			tap_diag("%s", err);
			continue;
		}
		struct lg_buf b = LG_BUF_INIT;
		long v = lg_expr_explain(e, c->src, r, 0, &b);
		tap_is_long(v, lg_expr_eval(e, r), "  explain gives the value eval gives");
		tap_is_str(lg_buf_cstr(&b), c->want, "  explain trace");
		lg_buf_free(&b);
		lg_expr_free(e);
	}
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
	make_sets();
	sample_report(&r);
	test_sets_and_explain(&r);

	for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
		err[0] = '\0';
		struct lg_expr *e = lg_expr_compile(valid[i].src, dets, sets, &off, err, sizeof err);
		if (!tap_ok(e != NULL, "valid: %s", printable(valid[i].src))) {
			tap_diag("error at %zu: %s", off, err);
			continue;
		}
		tap_is_long(lg_expr_eval(e, &r), valid[i].want, "  evaluates right");
		lg_expr_free(e);
	}

	/* the same rule against an empty message */
	struct lg_report empty = { 0 };
	struct lg_expr *e = lg_expr_compile("findings.total >= 10 and recipients.external >= 1", dets, sets, &off,
					    err, sizeof err);
	tap_is_long(e ? lg_expr_eval(e, &empty) : -1, 0, "default rule is false for an empty message");
	lg_expr_free(e);

	/* nesting up to the limit is fine; a long flat chain is not nesting */
	char *s = nested(64);
	e = lg_expr_compile(s, dets, sets, &off, err, sizeof err);
	tap_is_long(e ? lg_expr_eval(e, &r) : -1, 1, "64 nested parentheses are accepted");
	lg_expr_free(e);
	free(s);
	s = repeated("records > 0 and ", 5000, "true");
	e = lg_expr_compile(s, dets, sets, &off, err, sizeof err);
	tap_is_long(e ? lg_expr_eval(e, &r) : -1, 1, "a chain of 5000 'and' is accepted");
	lg_expr_free(e);
	free(s);
	s = repeated("not ", 64, "false");
	e = lg_expr_compile(s, dets, sets, &off, err, sizeof err);
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
	tap_ok(lg_expr_compile("records >", dets, sets, &off, NULL, 0) == NULL && off == 9,
	       "error without a message buffer");
	char tiny[8];
	tap_ok(lg_expr_compile("bogus", dets, sets, &off, tiny, sizeof tiny) == NULL && strlen(tiny) == 7,
	       "message truncated to the buffer");

	lg_report_free(&r);
	lg_sets_free(&sample_sets);
	lg_detectors_free(dets);
	return tap_done();
}
