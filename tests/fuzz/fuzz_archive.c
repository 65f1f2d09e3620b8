/* fuzz_archive.c - libFuzzer harness: lg_archive_walk() with small limits and a two-second
 * deadline. The member callback reads every byte of member data and checks the contract: a
 * UTF-8 name, data within member_size, a reason whenever data is missing, at most `members`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "content/extract.h"
#include "content/utf8.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fail - a broken promise: say which, then abort() so libFuzzer keeps the input */
static void fail(const char *what)
{
	fprintf(stderr, "fuzz_archive: %s\n", what);
	abort();
}

#define FUZZ_MEMBER_SIZE (1 << 20)
#define FUZZ_MEMBERS 64
#define FUZZ_DEADLINE_MS 2000

struct walk {
	unsigned members;
	unsigned long sum;	/* every member byte, so ASan sees each read */
};

/* on_member - check one member and touch all of its data */
static int on_member(void *arg, const struct lg_ex_member *m)
{
	struct walk *w = arg;
	if (++w->members > FUZZ_MEMBERS)
		fail("more members than lim->members");
	if (!m->name || !lg_utf8_is_valid(m->name, strlen(m->name)))
		fail("member name NULL or not valid UTF-8");
	if (m->data) {
		if (m->len > FUZZ_MEMBER_SIZE)
			fail("member data longer than lim->member_size");
		for (size_t i = 0; i < m->len; i++)
			w->sum += (unsigned char)m->data[i];
	} else if (!m->reason) {
		fail("member data NULL without a reason");
	}
	if (m->encrypted && m->data)
		fail("encrypted member handed over with data");
	return 0;
}

/* LLVMFuzzerInitialize - libraries once per process */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	lg_library_init();
	return 0;
}

/* LLVMFuzzerTestOneInput - one archive */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct walk w = {0};
	struct lg_ex_limits lim = {
		.member_size = FUZZ_MEMBER_SIZE,
		.members = FUZZ_MEMBERS,
		.ratio = 100,
		.text_size = 1 << 20,
		.deadline_ms = lg_ex_now_ms() + FUZZ_DEADLINE_MS,
	};
	struct lg_ex_result r = {0};
	lg_archive_walk((const char *)data, size, &lim, on_member, &w, &r);
	if ((unsigned)r.status > LG_EX_STOPPED || !memchr(r.reason, '\0', sizeof r.reason))
		fail("unknown status or unterminated reason");
	if (r.status != LG_EX_OK && r.reason[0] == '\0')
		fail("not OK but no reason");
	return 0;
}
