/* mime_broken.c - the mime-is-broken "hide-content" corpus through lg_mime_walk, as TAP: every one of
 * its 372 messages hides eicar.zip behind broken or unusual MIME, and for each the walk must either
 * decode the attachment to exactly its bytes ("decoded") or mark some part as an error or ambiguous
 * ("flagged"), so that policy can fail closed. A message whose attachment silently vanishes is
 * "missed" and fails the test.
 *
 * The X-Payload-Id header reads "TRICK valid(N)  md5(DIGEST) FILE DATE". Its md5 is NOT the digest
 * of the attachment: it is the generator's transport checksum (mail_chksum() in the corpus'
 * tools/MimeGen/Common.pm: MD5 over the sorted Content-Type/Content-Transfer-Encoding header lines
 * and the whitespace-normalised body), used there to notice mail changed in transit. Every message
 * carries the same eicar.zip, so the payload is recognised by its own digest (below), taken from
 * the one fully valid message (valid(3) "multipart-basic-singlepart-b64h-basic-base64-basic") and
 * confirmed with Python's email package on the 153 messages it decodes.
 *
 * Environment: LG_CORPUS (default "$top_srcdir/../shared/corpus"); LG_MIME_BROKEN_VERBOSE=1 lists
 * every leaf of every message as TAP comments. */
#include <dirent.h>
#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/mime.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "tests/unit/tap.h"

#define CORPUS_SET "mime-is-broken/hide-content.d/new"
#define PAYLOAD_NAME "eicar.zip"
#define PAYLOAD_SIZE 186
#define PAYLOAD_MD5_B64 "gG+xF9ijaNgcYT8PgbuZ9Q=="	/* MD5 of the 186 bytes of eicar.zip */
#define MAX_MESSAGE (4u << 20)

/* What one walk found. */
struct verdict {
	bool decoded;
	char decoded_path[64];
	bool flagged;
	char flag[128];		/* first "path: reason" seen */
	struct lg_buf leaves;	/* "path type len [error|ambiguous]; " for the diagnosis */
};

static guint8 payload_md5[16];

/* on_leaf - check one leaf against the payload's digest and note errors and ambiguities */
static int on_leaf(void *arg, const struct lg_mime_leaf *leaf)
{
	struct verdict *v = arg;
	lg_buf_printf(&v->leaves, "%s %s %zu%s%s%s%s; ", leaf->path, leaf->content_type,
		      leaf->data ? leaf->len : leaf->encoded_len, leaf->error ? " error:" : "",
		      leaf->error ? leaf->error : "", leaf->ambiguous ? " ambiguous:" : "",
		      leaf->ambiguous ? leaf->ambiguous : "");
	if (leaf->data && leaf->len == PAYLOAD_SIZE && !v->decoded) {
		guint8 digest[16];
		gsize dlen = sizeof digest;
		GChecksum *ck = g_checksum_new(G_CHECKSUM_MD5);
		g_checksum_update(ck, (const guchar *)leaf->data, (gssize)leaf->len);
		g_checksum_get_digest(ck, digest, &dlen);
		g_checksum_free(ck);
		if (dlen == sizeof digest && memcmp(digest, payload_md5, sizeof digest) == 0) {
			v->decoded = true;
			snprintf(v->decoded_path, sizeof v->decoded_path, "%s", leaf->path);
		}
	}
	const char *why = leaf->error ? leaf->error : leaf->ambiguous;
	if (why && !v->flagged) {
		v->flagged = true;
		snprintf(v->flag, sizeof v->flag, "%s %s", leaf->path, why);
	}
	return 0;
}

/* payload_id - the X-Payload-Id header's trick and validity ("?" and -1 when absent); false if
 * the header has no such field */
static bool payload_id(const char *msg, size_t len, char *trick, size_t tricklen, int *valid)
{
	static const char key[] = "X-Payload-Id:";
	snprintf(trick, tricklen, "?");
	*valid = -1;
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(msg + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - msg) : len;
		if (end == pos || (end == pos + 1 && msg[pos] == '\r'))
			return false;	/* the end of the header */
		if (end - pos > sizeof key - 1 &&
		    !g_ascii_strncasecmp(msg + pos, key, sizeof key - 1)) {
			const char *s = msg + pos + sizeof key - 1, *e = msg + end;
			while (s < e && (*s == ' ' || *s == '\t'))
				s++;
			const char *t = s;
			while (t < e && *t != ' ' && *t != '\t' && *t != '\r')
				t++;
			snprintf(trick, tricklen, "%.*s", (int)(t - s), s);
			const char *v = memmem(t, (size_t)(e - t), "valid(", 6);
			if (v && v + 6 < e && v[6] >= '0' && v[6] <= '9')
				*valid = v[6] - '0';
			return true;
		}
		pos = end + 1;
	}
	return false;
}

/* slurp - read a whole file (at most MAX_MESSAGE bytes) into b */
static bool slurp(const char *path, struct lg_buf *b)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	char chunk[16384];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b->len < MAX_MESSAGE)
		lg_buf_append(b, chunk, n);
	fclose(f);
	return true;
}

/* name_cmp - qsort order of file names */
static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* list_messages - the sorted names of the corpus' message files (they start with a digit) */
static char **list_messages(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t cap = 0;
	*n = 0;
	if (!d)
		return NULL;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		if (*n == cap)
			names = lg_realloc(names, (cap = cap ? cap * 2 : 512) * sizeof *names);
		names[(*n)++] = lg_strdup(e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof *names, name_cmp);
	return names;
}

/* main - walk every message of the set and print one TAP line each, then the tally */
int main(void)
{
	const char *corpus = getenv("LG_CORPUS");
	const char *top = getenv("top_srcdir") ? getenv("top_srcdir") : ".";
	char *dir = corpus ? lg_asprintf("%s/%s", corpus, CORPUS_SET)
			   : lg_asprintf("%s/../shared/corpus/%s", top, CORPUS_SET);
	size_t n;
	char **names = list_messages(dir, &n);
	if (!names) {
		printf("1..0 # SKIP no corpus at %s (set LG_CORPUS)\n", dir);
		free(dir);
		return 0;
	}
	g_mime_init();
	gsize dl = sizeof payload_md5;
	guchar *ref = g_base64_decode(PAYLOAD_MD5_B64, &dl);
	memcpy(payload_md5, ref, sizeof payload_md5);
	g_free(ref);

	const struct lg_mime_limits lim = { .depth = 20, .parts = 1000, .part_size = 25u << 20 };
	bool verbose = getenv("LG_MIME_BROKEN_VERBOSE") && *getenv("LG_MIME_BROKEN_VERBOSE") == '1';
	unsigned decoded = 0, flagged = 0, missed = 0;
	unsigned by_level[5][3] = {{0}};	/* validity 0-3 and unknown: decoded, flagged, missed */
	for (size_t i = 0; i < n; i++) {
		char *path = lg_asprintf("%s/%s", dir, names[i]);
		struct lg_buf msg = LG_BUF_INIT;
		char trick[256];
		int valid;
		if (!slurp(path, &msg)) {
			tap_ok(0, "%s: readable", names[i]);
			missed++;
			goto next;
		}
		if (!payload_id(msg.data, msg.len, trick, sizeof trick, &valid))
			tap_diag("%s: no X-Payload-Id header", names[i]);
		struct verdict v = { .decoded = false };
		char err[128] = "";
		long nleaves = lg_mime_walk(msg.data, msg.len, &lim, on_leaf, &v, NULL, err,
					    sizeof err);
		unsigned lv = valid >= 0 && valid <= 3 ? (unsigned)valid : 4;
		by_level[lv][v.decoded ? 0 : v.flagged ? 1 : 2]++;
		if (v.decoded) {
			decoded++;
			tap_ok(1, "valid(%d) %s: decoded at %s", valid, trick, v.decoded_path);
		} else if (v.flagged) {
			flagged++;
			tap_ok(1, "valid(%d) %s: flagged (%s)", valid, trick, v.flag);
		} else {
			missed++;
			tap_ok(0, "valid(%d) %s: missed (%s)", valid, trick, names[i]);
			tap_diag("%ld leaves%s%s: %s", nleaves, *err ? ", " : "", err,
				 lg_buf_cstr(&v.leaves));
		}
		if (verbose && (v.decoded || v.flagged))
			tap_diag("%s: %s", names[i], lg_buf_cstr(&v.leaves));
		lg_buf_free(&v.leaves);
next:
		lg_buf_free(&msg);
		free(path);
		free(names[i]);
	}
	free(names);
	free(dir);
	static const char *const level_name[5] = { "valid(0)", "valid(1)", "valid(2)", "valid(3)",
						   "no validity" };
	for (unsigned lv = 0; lv < 5; lv++)
		if (by_level[lv][0] + by_level[lv][1] + by_level[lv][2])
			tap_diag("%s: decoded %u / flagged %u / missed %u", level_name[lv],
				 by_level[lv][0], by_level[lv][1], by_level[lv][2]);
	tap_diag("decoded %u / flagged %u / missed %u of %zu", decoded, flagged, missed, n);
	return tap_done();
}
