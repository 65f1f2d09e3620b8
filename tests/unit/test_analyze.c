/* test_analyze.c - lg_analyze() end to end: the fixture messages give the documented verdicts and
 * counts; synthetic messages check signatures, limits, type sniffing and internal domains. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "lg_buf.h"
#include "tap.h"

/* found - distinct counted values of a detector in a report (0 when it has none) */
static unsigned found(const struct lg_report *r, const char *id)
{
	for (size_t i = 0; i < r->ndets; i++)
		if (!strcmp(r->dets[i].id, id))
			return r->dets[i].counted;
	return 0;
}

/* sample0 - the first redacted sample of a detector, or NULL */
static const char *sample0(const struct lg_report *r, const char *id)
{
	for (size_t i = 0; i < r->ndets; i++)
		if (!strcmp(r->dets[i].id, id))
			return r->dets[i].samples[0];
	return NULL;
}

static struct lg_analyzer *an;

/* slurp - read a fixture into a buffer */
static int slurp(const char *name, struct lg_buf *b)
{
	const char *top = getenv("top_srcdir") ? getenv("top_srcdir") : ".";
	char path[1024];
	snprintf(path, sizeof path, "%s/tests/fixtures/%s", top, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		lg_buf_append(b, chunk, n);
	fclose(f);
	return 0;
}

/* config_from - a configuration from YAML text (fatal test failure when it does not load) */
static struct lg_config *config_from(const char *yaml)
{
	struct lg_buf errs = LG_BUF_INIT;
	struct lg_config *c = lg_config_load_string("test.yaml", yaml, strlen(yaml), &errs);
	if (!c) {
		tap_diag("config errors: %s", lg_buf_cstr(&errs));
		exit(1);
	}
	lg_buf_free(&errs);
	return c;
}

/* scan - analyse msg with the header envelope; returns 0 on success */
static int scan(const struct lg_config *cfg, const char *msg, size_t len, struct lg_report *r)
{
	char err[256];
	int rc = lg_analyze(an, cfg, NULL, msg, len, r, err, sizeof err);
	if (rc < 0)
		tap_diag("lg_analyze: %s", err);
	return rc;
}

static const struct fixture_case {
	const char *file;
	const char *action;
	long phone, email, records;
	long rcpt_total, rcpt_external, visible_external, external_domains;
} fixtures[] = {
	{ "incident.eml", "hold", 49, 49, 49, 144, 144, 144, 30 },
	{ "incident-internal.eml", "accept", 49, 49, 49, 3, 0, 0, 0 },
	{ "ordinary.eml", "accept", 0, 0, 0, 2, 2, 2, 2 },
	{ "html-contacts.eml", "hold", 12, 12, 12, 1, 1, 1, 1 },
	{ "utf8-qp-few.eml", "accept", 3, 0, 3, 1, 1, 1, 1 },
	{ "sjis-body.eml", "hold", 11, 0, 11, 1, 1, 1, 1 },
	{ "nested-forward.eml", "hold", 2, 11, 12, 2, 2, 2, 2 },	/* the From of the forwarded mail too */
	{ "unlabelled-csv.eml", "hold", 15, 15, 15, 1, 1, 1, 1 },
	{ "part-numbers.eml", "accept", 0, 0, 0, 1, 1, 1, 1 },
	{ "image-and-pdf.eml", "accept", 0, 0, 0, 1, 1, 1, 1 },
	{ "attach-xlsx.eml", "hold", 20, 20, 20, 1, 1, 1, 1 },
	{ "attach-ods.eml", "hold", 20, 20, 20, 1, 1, 1, 1 },
	{ "attach-docx.eml", "hold", 8, 5, 8, 1, 1, 1, 1 },
	{ "attach-pdf.eml", "accept", 4, 3, 4, 1, 1, 1, 1 },
	{ "attach-nested-zip.eml", "hold", 20, 20, 20, 1, 1, 1, 1 },
	{ "attach-eml-in-zip.eml", "hold", 51, 194, 53, 1, 1, 1, 1 },	/* fwd.eml's To: 144 */
	{ "attach-csv-as-png.eml", "accept", 3, 3, 3, 1, 1, 1, 1 },
	/* unscannable attachments to an outsider: held by the built-in unscannable-external */
	{ "attach-zipcrypto.eml", "hold", 0, 0, 0, 1, 1, 1, 1 },
	{ "attach-encrypted-xlsx.eml", "hold", 0, 0, 0, 1, 1, 1, 1 },
	{ "attach-encrypted-pdf.eml", "hold", 0, 0, 0, 1, 1, 1, 1 },
	{ "attach-bomb.eml", "hold", 0, 0, 0, 1, 1, 1, 1 },
};

/* What one attachment (by path) must say about itself. */
static const struct part_case {
	const char *file, *path, *detected, *reason;
	int scanned, mismatch;
} part_cases[] = {
	{ "attach-nested-zip.eml", "data.zip/inner.zip/list/contacts.xlsx",
	  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", NULL, 1, 0 },
	{ "attach-eml-in-zip.eml", "mails.zip/fwd.eml/参加者名簿.csv", "text/csv", NULL, 1, 1 },
	{ "attach-csv-as-png.eml", "photo.png", "text/csv", NULL, 1, 1 },
	{ "attach-zipcrypto.eml", "名簿.zip", "application/zip", "encrypted", 0, 0 },
	{ "attach-zipcrypto.eml", "名簿.zip/contacts.csv", NULL, "encrypted", 0, 0 },
	{ "attach-encrypted-xlsx.eml", "名簿.xlsx", NULL, "encrypted", 0, 1 },
	{ "attach-encrypted-pdf.eml", "名簿.pdf", "application/pdf", "encrypted", 0, 0 },
	{ "attach-bomb.eml", "archive.zip", "application/zip", "limit:archive_ratio", 0, 0 },
	{ "image-and-pdf.eml", "kaijo.png", "image/png", "no-text", 0, 0 },
};

/* test_parts - per-attachment facts: paths through archives, types, reasons */
static void test_parts(const struct lg_config *cfg)
{
	for (size_t i = 0; i < sizeof part_cases / sizeof part_cases[0]; i++) {
		const struct part_case *c = &part_cases[i];
		struct lg_buf m = LG_BUF_INIT;
		struct lg_report r;
		if (slurp(c->file, &m) < 0 || scan(cfg, m.data, m.len, &r) < 0) {
			tap_ok(0, "%s: read and analysed", c->file);
			lg_buf_free(&m);
			continue;
		}
		const struct lg_part *p = NULL;
		for (size_t k = 0; k < r.nparts && !p; k++)
			if (!strcmp(r.parts[k].path, c->path))
				p = &r.parts[k];
		if (tap_ok(p != NULL, "%s: part %s is listed", c->file, c->path)) {
			if (c->detected)
				tap_is_str(p->detected_type, c->detected, c->path);
			tap_is_str(p->reason, c->reason, c->path);
			tap_ok(p->scanned == c->scanned && p->type_mismatch == c->mismatch,
			       "%s: scanned %d, type mismatch %d", c->path, p->scanned,
			       p->type_mismatch);
			tap_ok(!p->scanned || (p->sha256 && strlen(p->sha256) == 64),
			       "%s: sha256 of what was read", c->path);
		}
		lg_report_free(&r);
		lg_buf_free(&m);
	}
}

/* test_fixtures - the documented verdict and counts of every fixture */
static void test_fixtures(const struct lg_config *cfg)
{
	for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++) {
		const struct fixture_case *c = &fixtures[i];
		struct lg_buf m = LG_BUF_INIT;
		struct lg_report r;
		if (slurp(c->file, &m) < 0 || scan(cfg, m.data, m.len, &r) < 0) {
			tap_ok(0, "%s: read and analysed", c->file);
			lg_buf_free(&m);
			continue;
		}
		char name[256];
		snprintf(name, sizeof name, "%s: action", c->file);
		tap_is_str(lg_action_name(r.verdict.action), c->action, name);
		snprintf(name, sizeof name, "%s: phone_jp", c->file);
		tap_is_long(found(&r, "phone_jp"), c->phone, name);
		snprintf(name, sizeof name, "%s: email", c->file);
		tap_is_long(found(&r, "email"), c->email, name);
		snprintf(name, sizeof name, "%s: records", c->file);
		tap_is_long(r.records, c->records, name);
		snprintf(name, sizeof name, "%s: recipients total/external/visible/domains", c->file);
		if (!tap_ok(r.recipients.total == c->rcpt_total &&
				    r.recipients.external == c->rcpt_external &&
				    r.recipients.visible_external == c->visible_external &&
				    r.recipients.external_domains == c->external_domains,
			    "%s", name))
			tap_diag("got %u/%u/%u/%u", r.recipients.total, r.recipients.external,
				 r.recipients.visible_external, r.recipients.external_domains);
		lg_report_free(&r);
		lg_buf_free(&m);
	}
}

/* test_incident_details - attachment facts of the incident mail */
static void test_incident_details(const struct lg_config *cfg)
{
	struct lg_buf m = LG_BUF_INIT;
	struct lg_report r;
	if (slurp("incident.eml", &m) < 0 || scan(cfg, m.data, m.len, &r) < 0) {
		tap_ok(0, "incident.eml analysed");
		return;
	}
	const struct lg_part *att = NULL;
	for (size_t i = 0; i < r.nparts; i++)
		if (r.parts[i].attachment)
			att = &r.parts[i];
	tap_ok(att != NULL, "incident: the CSV is an attachment");
	if (att) {
		tap_is_str(att->filename, "参加者名簿.csv", "incident: RFC 2231 file name decoded");
		tap_is_str(att->detected_type, "text/csv", "incident: sniffed as text/csv");
		tap_is_str(att->charset, "CP932", "incident: unlabelled CSV guessed as CP932");
		tap_ok(att->scanned && !att->reason, "incident: the attachment was scanned");
	}
	tap_ok(r.excluded >= 2, "incident: the sender's signature values are not counted (%u)",
	       r.excluded);
	tap_ok(sample0(&r, "phone_jp") && strstr(sample0(&r, "phone_jp"), "****"),
	       "incident: samples are redacted");
	lg_report_free(&r);
	lg_buf_free(&m);
}

/* msg_with_body - a minimal message around a UTF-8 body */
static void msg_with_body(struct lg_buf *b, const char *body)
{
	lg_buf_puts(b, "From: a@corp.example.jp\r\nTo: x@other.example.com\r\nSubject: t\r\n"
		       "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
		       "Content-Transfer-Encoding: 8bit\r\n\r\n");
	lg_buf_puts(b, body);
}

/* test_signature - the sender's signature is excused, but only a signature-sized one */
static void test_signature(const struct lg_config *cfg)
{
	struct lg_buf b = LG_BUF_INIT;
	struct lg_report r;
	msg_with_body(&b, "お世話になります。\r\n資料を送ります。\r\n\r\n-- \r\n山田\r\n"
			  "TEL 03-1234-5678 FAX 03-1234-5679\r\n携帯 090-1111-2222\r\n");
	if (scan(cfg, b.data, b.len, &r) == 0) {
		tap_is_long(found(&r, "phone_jp"), 0, "signature numbers are the sender's own");
		tap_is_long(r.excluded, 3, "three signature values excused");
		lg_report_free(&r);
	}
	lg_buf_reset(&b);
	/* a "signature" holding a list: only LG_SIG_MAX_VALUES are excused */
	struct lg_buf body = LG_BUF_INIT;
	lg_buf_puts(&body, "資料です。\r\n-- \r\n");
	for (int i = 0; i < 14; i++)
		lg_buf_printf(&body, "090-2222-%04d\r\n", 1000 + i);
	msg_with_body(&b, body.data);
	if (scan(cfg, b.data, b.len, &r) == 0) {
		tap_ok(found(&r, "phone_jp") >= 6, "a 14-line list after '-- ' is still counted (%u)",
		       found(&r, "phone_jp"));
		lg_report_free(&r);
	}
	lg_buf_free(&body);
	lg_buf_free(&b);
}

/* test_fullwidth_and_sniff - NFKC digits; a CSV declared as an image is still read */
static void test_fullwidth_and_sniff(const struct lg_config *cfg)
{
	struct lg_buf b = LG_BUF_INIT;
	struct lg_report r;
	msg_with_body(&b, "連絡先：０９０－１２３４－５６７８、ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ\r\n");
	if (scan(cfg, b.data, b.len, &r) == 0) {
		tap_ok(found(&r, "phone_jp") == 1 && found(&r, "email") == 1,
		       "full-width phone and address are found after NFKC");
		lg_report_free(&r);
	}
	lg_buf_reset(&b);
	lg_buf_puts(&b, "From: a@corp.example.jp\r\nTo: x@other.example.com\r\nMIME-Version: 1.0\r\n"
			"Content-Type: multipart/mixed; boundary=BB\r\n\r\n--BB\r\n"
			"Content-Type: text/plain\r\n\r\nsee attached\r\n--BB\r\n"
			"Content-Type: image/png; name=photo.png\r\n"
			"Content-Transfer-Encoding: base64\r\n\r\n");
	struct lg_buf csv = LG_BUF_INIT;
	lg_buf_puts(&csv, "name,phone\r\n");
	for (int i = 0; i < 12; i++)
		lg_buf_printf(&csv, "person%d,080-3333-%04d\r\n", i, 2000 + i);
	/* base64 by hand: small and enough for a test */
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)csv.data;
	for (size_t i = 0; i < csv.len; i += 3) {
		unsigned v = p[i] << 16 | (i + 1 < csv.len ? p[i + 1] << 8 : 0) |
			     (i + 2 < csv.len ? p[i + 2] : 0);
		lg_buf_putc(&b, tab[v >> 18 & 63]);
		lg_buf_putc(&b, tab[v >> 12 & 63]);
		lg_buf_putc(&b, i + 1 < csv.len ? tab[v >> 6 & 63] : '=');
		lg_buf_putc(&b, i + 2 < csv.len ? tab[v & 63] : '=');
		if (i % 57 == 54)
			lg_buf_puts(&b, "\r\n");
	}
	lg_buf_puts(&b, "\r\n--BB--\r\n");
	if (scan(cfg, b.data, b.len, &r) == 0) {
		tap_is_long(found(&r, "phone_jp"), 12, "a CSV declared image/png is sniffed and read");
		tap_ok(r.nparts == 2 && r.parts[1].detected_type &&
			       strncmp(r.parts[1].detected_type, "text/", 5) == 0,
		       "its detected type is text (%s)", r.nparts == 2 ? r.parts[1].detected_type : "-");
		tap_is_str(lg_action_name(r.verdict.action), "hold", "and it is held");
		lg_report_free(&r);
	}
	lg_buf_free(&csv);
	lg_buf_free(&b);
}

/* test_limits - message size, parts and depth limits are reported, not crashed on */
static void test_limits(void)
{
	struct lg_config *cfg = config_from("limits:\n  message_size: 2k\n  parts: 50\n  depth: 5\n");
	struct lg_buf b = LG_BUF_INIT;
	struct lg_report r;
	msg_with_body(&b, "");
	for (int i = 0; i < 300; i++)
		lg_buf_puts(&b, "0123456789\r\n");
	if (scan(cfg, b.data, b.len, &r) == 0) {
		tap_is_str(r.error, "limit:message_size", "over message_size is reported");
		tap_ok(r.unscannable >= 1, "and counted as unscannable");
		lg_report_free(&r);
	}
	lg_config_free(cfg);

	cfg = config_from("limits:\n  parts: 50\n  depth: 5\n");
	/* 10,000 parts */
	lg_buf_reset(&b);
	lg_buf_puts(&b, "From: a@corp.example.jp\r\nTo: x@other.example.com\r\nMIME-Version: 1.0\r\n"
			"Content-Type: multipart/mixed; boundary=P\r\n\r\n");
	for (int i = 0; i < 10000; i++)
		lg_buf_puts(&b, "--P\r\nContent-Type: text/plain\r\n\r\nx\r\n");
	lg_buf_puts(&b, "--P--\r\n");
	if (scan(cfg, b.data, b.len, &r) == 0) {
		int found = 0;
		for (size_t i = 0; i < r.nparts; i++)
			found |= r.parts[i].reason && !strcmp(r.parts[i].reason, "limit:parts");
		tap_ok(found && r.nparts <= 51, "10,000 parts: limit:parts reported, %zu parts kept",
		       r.nparts);
		lg_report_free(&r);
	}
	/* a 100-deep message/rfc822 chain */
	lg_buf_reset(&b);
	for (int i = 0; i < 100; i++)
		lg_buf_puts(&b, "From: a@corp.example.jp\r\nTo: x@other.example.com\r\nMIME-Version: 1.0\r\n"
				"Content-Type: message/rfc822\r\n\r\n");
	lg_buf_puts(&b, "From: a@corp.example.jp\r\n\r\n090-1234-5678\r\n");
	if (scan(cfg, b.data, b.len, &r) == 0) {
		int found = 0;
		for (size_t i = 0; i < r.nparts; i++)
			found |= r.parts[i].reason && !strcmp(r.parts[i].reason, "limit:depth");
		tap_ok(found, "a 100-deep rfc822 chain reports limit:depth");
		tap_ok(r.unscannable >= 1, "and the unreached part is unscannable");
		lg_report_free(&r);
	} else {
		tap_ok(0, "100-deep chain analysed");
	}
	lg_buf_free(&b);
	lg_config_free(cfg);
}

/* test_internal_domains - configured internal domains replace the sender's domain */
static void test_internal_domains(void)
{
	struct lg_config *cfg = config_from("internal_domains: [example.lg.jp, partner.example.com]\n");
	static const char *rcpts[] = { "a@pref.example.lg.jp", "b@PARTNER.example.com",
				       "c@example.com", "d@evil-example.lg.jp" };
	struct lg_envelope env = { "x@pref.example.lg.jp", rcpts, 4 };
	struct lg_buf b = LG_BUF_INIT;
	struct lg_report r;
	char err[256];
	msg_with_body(&b, "hello\r\n");
	if (lg_analyze(an, cfg, &env, b.data, b.len, &r, err, sizeof err) == 0) {
		tap_is_long(r.recipients.total, 4, "4 envelope recipients");
		tap_is_long(r.recipients.external, 2, "subdomains and case-folded domains are internal; "
						      "a look-alike suffix is not");
		tap_is_long(r.recipients.external_domains, 2, "2 external domains");
		/* the lists behind the policy's value facts */
		const struct lg_recipients *rc = &r.recipients;
		tap_is_str(rc->sender, "x@pref.example.lg.jp", "the sender is kept");
		tap_ok(rc->naddrs == 4 && !strcmp(rc->addrs[1], "b@partner.example.com"),
		       "recipients kept in order, domain lower-cased");
		tap_ok(rc->next_addrs == 2 && !strcmp(rc->ext_addrs[0], "c@example.com") &&
			       !strcmp(rc->ext_addrs[1], "d@evil-example.lg.jp"),
		       "external recipients");
		tap_ok(rc->ndomains == 4 && rc->next_domains == 2 &&
			       !strcmp(rc->ext_domains[1], "evil-example.lg.jp"),
		       "recipient domains and external domains, distinct");
		lg_report_free(&r);
	}
	lg_buf_free(&b);
	lg_config_free(cfg);
}

/* test_garbage - bytes that are no mail at all still give a report */
static void test_garbage(const struct lg_config *cfg)
{
	static const char junk[] = "\x00\x01\xff\xfe--\r\n\r\n\x80\x81";
	struct lg_report r;
	tap_ok(scan(cfg, junk, sizeof junk - 1, &r) == 0, "binary junk is analysed without error");
	lg_report_free(&r);
	tap_ok(scan(cfg, "", 0, &r) == 0, "an empty message is analysed without error");
	lg_report_free(&r);
}

/* dump_count - a dump hook that counts its calls */
static void dump_count(void *arg, const struct lg_part *part, const char *kind, const char *data,
		       size_t len)
{
	(void)part, (void)kind, (void)data, (void)len;
	++*(int *)arg;
}

/* test_analyzer_pool - an analyzer given back is the next one handed out (libmagic not loaded
 * again), without the dump hook of its last user, and analyses as before */
static void test_analyzer_pool(const struct lg_config *cfg)
{
	char err[256];
	struct lg_analyzer *a1 = lg_analyzer_new(err, sizeof err);
	int dumped = 0;
	lg_analyzer_set_dump(a1, dump_count, &dumped);
	lg_analyzer_free(a1);
	/* without the pool, this block would take a1's memory and the next analyzer be another */
	void *taken = malloc(3 * sizeof(void *));	/* the size of struct lg_analyzer */
	struct lg_analyzer *a2 = lg_analyzer_new(err, sizeof err);
	tap_ok(a2 == a1, "an analyzer given back is handed out again");
	static const char msg[] = "From: a@example.jp\r\nTo: b@example.com\r\n\r\n090-1234-5678\r\n";
	struct lg_report r;
	tap_ok(a2 && lg_analyze(a2, cfg, NULL, msg, sizeof msg - 1, &r, err, sizeof err) == 0 &&
	       r.ndets > 0, "the reused analyzer analyses");
	if (a2)
		lg_report_free(&r);
	tap_ok(dumped == 0, "the reused analyzer has no dump hook of its last user");
	lg_analyzer_free(a2);
	free(taken);
}

int main(void)
{
	char err[256];
	lg_library_init();
	an = lg_analyzer_new(err, sizeof err);
	if (!an) {
		tap_ok(0, "analyzer: %s", err);
		return tap_done();
	}
	struct lg_buf errs = LG_BUF_INIT;
	struct lg_config *cfg = lg_config_load(NULL, &errs);
	if (!tap_ok(cfg != NULL, "built-in config loads"))
		return tap_done();
	test_fixtures(cfg);
	test_incident_details(cfg);
	test_parts(cfg);
	test_signature(cfg);
	test_fullwidth_and_sniff(cfg);
	test_limits();
	test_internal_domains();
	test_garbage(cfg);
	test_analyzer_pool(cfg);
	lg_config_free(cfg);
	lg_analyzer_free(an);
	lg_buf_free(&errs);
	return tap_done();
}
