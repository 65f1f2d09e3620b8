/* test_wire.c - the front <-> worker wire format: reports and requests survive the round trip
 * byte for byte (table of reports, empty to full, NULL and UTF-8 strings); every truncation of
 * an encoding, every single-byte corruption and a table of hostile inputs is refused with an
 * error or decoded into a report that encodes again cleanly, never a crash or a leak. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/report.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "milter/wire.h"
#include "tap.h"

/* strs - a NULL-free list of n strings: prefix, number, suffix */
static char **strs(size_t n, const char *prefix, const char *suffix)
{
	char **v = lg_calloc(n ? n : 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = lg_asprintf("%s%zu%s", prefix, i, suffix);
	return v;
}

/* make_report - a report of the given shape: nparts parts, ndets detectors, nitems items */
static void make_report(struct lg_report *r, size_t nparts, size_t ndets, size_t nitems,
			bool nulls)
{
	*r = (struct lg_report){ .message_size = 14634 + nparts };
	struct lg_recipients *rc = &r->recipients;
	rc->total = 144;
	rc->external = 143;
	rc->visible_external = 140;
	rc->external_domains = 30;
	rc->visible_external_domains = 29;
	rc->sender = nulls ? NULL : lg_strdup("hanako.yamada@pref.example.lg.jp");
	rc->naddrs = nitems;
	rc->addrs = strs(nitems, "user", "@example.com");
	rc->next_addrs = nitems / 2;
	rc->ext_addrs = strs(nitems / 2, "ext", "@example.org");
	rc->ndomains = 1;
	rc->domains = strs(1, "example", ".com");
	rc->next_domains = 0;
	r->ndets = ndets;
	r->dets = lg_calloc(ndets ? ndets : 1, sizeof *r->dets);
	for (size_t d = 0; d < ndets; d++) {
		r->dets[d].id = lg_asprintf("det_%zu", d);
		r->dets[d].personal = d % 2;
		r->dets[d].counted = (unsigned)d * 3;
		r->dets[d].high = (unsigned)d;
		r->dets[d].any = (unsigned)d * 4 + 1;
		for (size_t i = 0; i < LG_REPORT_SAMPLES && !(nulls && i == 1); i++)
			r->dets[d].samples[i] = lg_asprintf("090-****-%04zu", d * 10 + i);
	}
	r->nitems = ndets ? nitems : 0;
	r->items = r->nitems ? lg_calloc(r->nitems, sizeof *r->items) : NULL;
	for (size_t i = 0; i < r->nitems; i++)
		r->items[i] = (struct lg_item){ .det = (unsigned)(i % ndets),
						.value = lg_asprintf("0901234%04zu", i),
						.sample = lg_asprintf("090-****-%04zu", i),
						.conf = (enum lg_conf)(i % 4),
						.path = lg_strdup("参加者名簿.csv"),
						.row = i + 1, .line = i % 3, .column = 5,
						.occurrences = (unsigned)i + 1 };
	r->excluded = 3;
	r->records = 49;
	r->nparts = nparts;
	r->parts = nparts ? lg_calloc(nparts, sizeof *r->parts) : NULL;
	for (size_t i = 0; i < nparts; i++)
		r->parts[i] = (struct lg_part){
			.path = lg_asprintf("data.zip/inner%zu.xlsx", i),
			.mime_path = lg_asprintf("%zu", i + 1),
			.filename = nulls ? NULL : lg_strdup("名簿 (1).xlsx"),
			.declared_type = lg_strdup("application/octet-stream"),
			.detected_type = nulls ? NULL : lg_strdup("text/csv"),
			.charset = i % 2 ? lg_strdup("CP932") : NULL,
			.size = 6249 * (i + 1),
			.sha256 = lg_strdup("9f2c0000"),
			.attachment = i % 2, .type_mismatch = i % 3 == 0, .scanned = i % 4 != 0,
			.reason = i % 4 ? NULL : lg_strdup("limit:part_size"),
			.detail = nulls ? NULL : lg_strdup("Passphrase required for this entry"),
			.ambiguous = i == 2 ? lg_strdup("base64-junk") : NULL,
			.text_bytes = 7546ULL << 20, .rows = 50, .findings = 98 };
	r->unscannable = 2;
	r->error = nulls ? NULL : lg_strdup("limit:message_size");
	r->verdict.action = nulls ? LG_ACT_ACCEPT : LG_ACT_HOLD;
	r->verdict.nrules = nulls ? 0 : 2;
	r->verdict.rules = nulls ? NULL : strs(2, "rule-", "");
	r->verdict.reason = nulls ? NULL : lg_strdup("English / 日本語");
	r->verdict.notify = nulls ? NULL : lg_strdup("sender");
	r->verdict.monitor = !nulls;
}

/* decode_check - -1: refused; 0: decoded, and the result encodes and decodes again to the same
 * bytes; 1: decoded into something that does not survive its own round trip (a bug) */
static int decode_check(const char *p, size_t n)
{
	struct lg_report r, r2;
	char err[256];
	if (lg_wire_get_report(p, n, &r, err, sizeof err) < 0)
		return -1;
	struct lg_buf b = LG_BUF_INIT, b2 = LG_BUF_INIT;
	lg_wire_put_report(&b, &r);
	int rc = 1;
	if (lg_wire_get_report(b.data, b.len, &r2, err, sizeof err) == 0) {
		lg_wire_put_report(&b2, &r2);
		rc = b.len == b2.len && !memcmp(b.data, b2.data, b.len) ? 0 : 1;
		lg_report_free(&r2);
	}
	lg_report_free(&r);
	lg_buf_free(&b);
	lg_buf_free(&b2);
	return rc;
}

/* put_u32 - append a little-endian u32 (for hand-made hostile inputs) */
static void put_u32(struct lg_buf *b, unsigned v)
{
	for (int i = 0; i < 4; i++)
		lg_buf_putc(b, (char)(v >> (8 * i)));
}

int main(void)
{
	static const struct {
		const char *name;
		size_t parts, dets, items;
		bool nulls;
	} shapes[] = {
		{ "empty report", 0, 0, 0, false },
		{ "empty report with NULL strings", 0, 0, 0, true },
		{ "one part, one detector", 1, 1, 1, false },
		{ "typical: 5 parts, 9 detectors, 200 items", 5, 9, 200, false },
		{ "NULL strings everywhere allowed", 7, 3, 10, true },
		{ "many parts and items", 1000, 12, 5000, false },
	};
	for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
		struct lg_report r, back;
		make_report(&r, shapes[s].parts, shapes[s].dets, shapes[s].items, shapes[s].nulls);
		struct lg_buf enc = LG_BUF_INIT, enc2 = LG_BUF_INIT, j1 = LG_BUF_INIT, j2 = LG_BUF_INIT;
		lg_wire_put_report(&enc, &r);
		char err[256] = "";
		int rc = lg_wire_get_report(enc.data, enc.len, &back, err, sizeof err);
		if (!tap_ok(rc == 0, "%s: decodes", shapes[s].name)) {
			tap_diag("%s", err);
			lg_report_free(&r);
			continue;
		}
		lg_wire_put_report(&enc2, &back);
		lg_report_json(&r, &j1);
		lg_report_json(&back, &j2);
		tap_ok(enc.len == enc2.len && !memcmp(enc.data, enc2.data, enc.len),
		       "%s: encodes again to the same bytes", shapes[s].name);
		tap_ok(j1.len == j2.len && !memcmp(j1.data, j2.data, j1.len) &&
			       back.recipients.naddrs == r.recipients.naddrs &&
			       back.recipients.visible_external_domains == 29 &&
			       back.verdict.monitor == r.verdict.monitor &&
			       (r.nitems == 0 || !strcmp(back.items[0].value, r.items[0].value)),
		       "%s: the same report (JSON, lists, values, monitor)", shapes[s].name);
		if (shapes[s].items <= 10) {	/* the small shapes: every cut and bit flip */
			size_t bad = 0;
			for (size_t n = 0; n < enc.len; n++)
				bad += decode_check(enc.data, n) != -1;
			tap_is_long((long)bad, 0, "every truncation is refused");
			size_t broken = 0, refused = 0, flips = 0;
			for (size_t i = 0; i < enc.len; i++)
				for (unsigned x = 1; x < 256; x <<= 1) {
					enc.data[i] ^= (char)x;
					int c = decode_check(enc.data, enc.len);
					enc.data[i] ^= (char)x;
					broken += c == 1;
					refused += c == -1;
					flips++;
				}
			tap_ok(broken == 0 && refused > 0,
			       "%zu single-bit corruptions: %zu refused, the rest decode cleanly",
			       flips, refused);
		}
		lg_report_free(&r);
		lg_report_free(&back);
		lg_buf_free(&enc);
		lg_buf_free(&enc2);
		lg_buf_free(&j1);
		lg_buf_free(&j2);
	}

	/* hostile inputs, each refused with the error named */
	struct lg_report base;
	make_report(&base, 1, 1, 1, false);
	struct lg_buf good = LG_BUF_INIT;
	lg_wire_put_report(&good, &base);
	lg_report_free(&base);
	static const struct {
		const char *name;
		size_t at;		/* offset to overwrite (SIZE_MAX: append) */
		unsigned value;		/* u32 written there */
		const char *want;	/* in the error */
	} hostile[] = {
		{ "bad magic", 0, 0x51524c47, "bad magic" },
		{ "version 2", 4, 2, "version 2" },
		{ "a recipient list of 4 billion entries", 8 + 8 + 20 + 4 + 32, 0xfffffff0u,
		  "over the limit" },
		{ "a recipient list longer than the input", 8 + 8 + 20 + 4 + 32, 100000,
		  "truncated" },
		{ "a string of 2 GB", 8 + 8 + 20, 0x7fffffffu, "over the limit" },
		{ "a string longer than the input", 8 + 8 + 20, 1000000, "truncated" },
		{ "trailing garbage", SIZE_MAX, 0, "trailing garbage" },
	};
	for (size_t h = 0; h < sizeof hostile / sizeof hostile[0]; h++) {
		struct lg_buf b = LG_BUF_INIT;
		lg_buf_append(&b, good.data, good.len);
		if (hostile[h].at == SIZE_MAX)
			put_u32(&b, 0);
		else
			for (int i = 0; i < 4; i++)
				b.data[hostile[h].at + i] = (char)(hostile[h].value >> (8 * i));
		struct lg_report r;
		char err[256] = "";
		int rc = lg_wire_get_report(b.data, b.len, &r, err, sizeof err);
		tap_ok(rc < 0 && strstr(err, hostile[h].want), "hostile: %s is refused (%s)",
		       hostile[h].name, err);
		if (rc == 0)
			lg_report_free(&r);
		lg_buf_free(&b);
	}
	lg_buf_free(&good);

	/* field checks: a boolean 2, an unknown action, an item naming a detector that is not there */
	struct lg_report r;
	make_report(&r, 0, 1, 1, true);
	r.verdict.action = (enum lg_action)99;
	struct lg_buf b = LG_BUF_INIT;
	lg_wire_put_report(&b, &r);
	char err[256] = "";
	struct lg_report out;
	tap_ok(lg_wire_get_report(b.data, b.len, &out, err, sizeof err) < 0 &&
		       strstr(err, "action 99"), "an unknown verdict action is refused (%s)", err);
	r.verdict.action = LG_ACT_ACCEPT;
	r.items[0].det = 7;
	lg_buf_reset(&b);
	lg_wire_put_report(&b, &r);
	tap_ok(lg_wire_get_report(b.data, b.len, &out, err, sizeof err) < 0 &&
		       strstr(err, "names detector 7"), "an item of a missing detector is refused (%s)",
	       err);
	r.items[0].det = 0;
	lg_buf_reset(&b);
	lg_wire_put_report(&b, &r);
	b.data[b.len - 1] = 2;	/* verdict.monitor, the last byte */
	tap_ok(lg_wire_get_report(b.data, b.len, &out, err, sizeof err) < 0 &&
		       strstr(err, "not a boolean"), "a boolean 2 is refused (%s)", err);
	lg_report_free(&r);
	lg_buf_free(&b);

	/* requests */
	static const char *const rc3[] = { "a@example.com", "b@例え.jp", "" };
	static const struct {
		const char *qid, *sender;
		size_t n;
	} reqs[] = { { "4BqT1x0001", "hanako@example.lg.jp", 3 }, { "", "", 0 } };
	for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
		struct lg_buf q = LG_BUF_INIT;
		lg_wire_put_request(&q, 123456789012ULL, reqs[i].qid, reqs[i].sender, rc3, reqs[i].n);
		struct lg_wire_request d;
		int ok = lg_wire_get_request(q.data, q.len, &d, err, sizeof err) == 0;
		ok = ok && d.size == 123456789012ULL && !strcmp(d.queue_id, reqs[i].qid) &&
		     !strcmp(d.sender, reqs[i].sender) && d.nrcpts == reqs[i].n;
		for (size_t k = 0; ok && k < reqs[i].n; k++)
			ok = !strcmp(d.rcpts[k], rc3[k]);
		tap_ok(ok, "request %zu: round trip", i + 1);
		if (ok)
			lg_wire_request_free(&d);
		size_t bad = 0;
		for (size_t n = 0; n < q.len; n++)
			if (lg_wire_get_request(q.data, n, &d, err, sizeof err) == 0) {
				bad++;
				lg_wire_request_free(&d);
			}
		tap_is_long((long)bad, 0, "request: every truncation is refused");
		lg_buf_free(&q);
	}
	struct lg_wire_request d;
	tap_ok(lg_wire_get_request("LGRP\1\0\0\0", 8, &d, err, sizeof err) < 0,
	       "a report is not a request");
	return tap_done();
}
