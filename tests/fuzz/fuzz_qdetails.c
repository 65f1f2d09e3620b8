/* fuzz_qdetails.c - libFuzzer harness: the quarantine's encoding of a held message's tallies,
 * findings and parts (lg_q_details_encode / lg_q_details_decode in quarantine/quarantine.c), the
 * text both stores keep and `leakguardctl quarantine show` reads back. Its strings come from the
 * mail (attachment names, archive member paths, types, redacted samples), so any byte but NUL
 * can be in them. Two checks: a record built from the input survives encode then decode field
 * for field (NULL stays NULL); and the input read as an encoding decodes without harm and, once
 * decoded, encodes to a fixed point (decode(encode(r)) encodes the same as r). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lg_alloc.h"
#include "quarantine/quarantine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fail - a broken promise: say which, then abort() so libFuzzer keeps the input */
static void fail(const char *what)
{
	fprintf(stderr, "fuzz_qdetails: %s\n", what);
	abort();
}

/* The input as NUL-separated pieces, handed out one by one; a piece "\1" stands for NULL. */
struct pieces {
	const char *at, *end;
	unsigned long n;	/* pieces handed out, for the numbers */
};

/* next_str - the next piece as a new string (NULL for "\1" or when the input is used up) */
static char *next_str(struct pieces *p)
{
	if (p->at >= p->end)
		return NULL;
	size_t len = strnlen(p->at, (size_t)(p->end - p->at));
	const char *s = p->at;
	p->at += len + 1;
	p->n++;
	return len == 1 && s[0] == '\1' ? NULL : lg_strndup(s, len);
}

/* same_str - both NULL, or the same text */
static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* round_trip - a record of the input's pieces, encoded and decoded, must come back the same */
static void round_trip(const uint8_t *data, size_t size)
{
	if (size < 1)
		return;
	struct pieces p = { (const char *)data + 1, (const char *)data + size, 0 };
	struct lg_q_record a = { 0 }, b = { 0 };
	a.ntallies = data[0] & 3;
	a.nfindings = (data[0] >> 2) & 3;
	a.nparts = (data[0] >> 4) & 3;
	a.tallies = lg_calloc(a.ntallies + 1, sizeof *a.tallies);
	a.findings = lg_calloc(a.nfindings + 1, sizeof *a.findings);
	a.parts = lg_calloc(a.nparts + 1, sizeof *a.parts);
	for (size_t i = 0; i < a.ntallies; i++) {
		a.tallies[i].detector = next_str(&p);
		a.tallies[i].counted = (unsigned)p.n * 7u;
		a.tallies[i].high = (unsigned)i;
		a.tallies[i].any = ~0u;
	}
	for (size_t i = 0; i < a.nfindings; i++) {
		a.findings[i].detector = next_str(&p);
		a.findings[i].sample = next_str(&p);
		a.findings[i].path = next_str(&p);
		a.findings[i].row = p.n;
		a.findings[i].line = ~0ul;
		a.findings[i].column = (unsigned)i;
	}
	for (size_t i = 0; i < a.nparts; i++) {
		a.parts[i].path = next_str(&p);
		a.parts[i].type = next_str(&p);
		a.parts[i].reason = next_str(&p);
		a.parts[i].size = (uint64_t)p.n << 40;
		a.parts[i].attachment = i & 1;
		a.parts[i].scanned = !(i & 1);
	}
	char *enc = lg_q_details_encode(&a);
	lg_q_details_decode(&b, enc);
	if (b.ntallies != a.ntallies || b.nfindings != a.nfindings || b.nparts != a.nparts)
		fail("encode then decode changed the number of tallies, findings or parts");
	for (size_t i = 0; i < a.ntallies; i++)
		if (!same_str(a.tallies[i].detector, b.tallies[i].detector) ||
		    a.tallies[i].counted != b.tallies[i].counted ||
		    a.tallies[i].high != b.tallies[i].high || a.tallies[i].any != b.tallies[i].any)
			fail("a tally changed in encode then decode");
	for (size_t i = 0; i < a.nfindings; i++)
		if (!same_str(a.findings[i].detector, b.findings[i].detector) ||
		    !same_str(a.findings[i].sample, b.findings[i].sample) ||
		    !same_str(a.findings[i].path, b.findings[i].path) ||
		    a.findings[i].row != b.findings[i].row || a.findings[i].line != b.findings[i].line ||
		    a.findings[i].column != b.findings[i].column)
			fail("a finding changed in encode then decode");
	for (size_t i = 0; i < a.nparts; i++)
		if (!same_str(a.parts[i].path, b.parts[i].path) ||
		    !same_str(a.parts[i].type, b.parts[i].type) ||
		    !same_str(a.parts[i].reason, b.parts[i].reason) ||
		    a.parts[i].size != b.parts[i].size ||
		    a.parts[i].attachment != b.parts[i].attachment ||
		    a.parts[i].scanned != b.parts[i].scanned)
			fail("a part changed in encode then decode");
	free(enc);
	lg_q_record_free(&a);
	lg_q_record_free(&b);
}

/* fixed_point - the input read as an encoding: decoded, encoded, decoded and encoded again */
static void fixed_point(const uint8_t *data, size_t size)
{
	char *text = lg_strndup((const char *)data, size);
	struct lg_q_record a = { 0 }, b = { 0 };
	lg_q_details_decode(&a, text);
	char *e1 = lg_q_details_encode(&a);
	lg_q_details_decode(&b, e1);
	char *e2 = lg_q_details_encode(&b);
	if (strcmp(e1, e2) != 0)
		fail("a decoded record does not encode to a fixed point");
	free(e1);
	free(e2);
	free(text);
	lg_q_record_free(&a);
	lg_q_record_free(&b);
}

/* LLVMFuzzerTestOneInput - the same bytes as pieces of a record and as an encoding */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	round_trip(data, size);
	fixed_point(data, size);
	return 0;
}
