/* test_sha256.c - lib/lg_sha256.c: the FIPS 180-2 test vectors, the incremental digest split at
 * every point, and the same digests as GLib's portable SHA-256 (what leakguard used before, so a
 * report's sha256 and a held entry's digest keep their values) over many lengths. */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "lg_sha256.h"
#include "quarantine/quarantine.h"
#include "tap.h"

/* glib_chunk - a length (8 bytes, big-endian) and the bytes, as quarantine.c digests them */
static void glib_chunk(GChecksum *ck, const char *p, size_t len)
{
	guchar n[8];
	for (int i = 0; i < 8; i++)
		n[i] = (guchar)((guint64)len >> (56 - 8 * i));
	g_checksum_update(ck, n, sizeof n);
	g_checksum_update(ck, (const guchar *)p, (gssize)len);
}

/* glib_hex - GLib's hex SHA-256 of the bytes, as a static string */
static const char *glib_hex(const void *p, size_t n)
{
	static char out[LG_SHA256_HEX_LEN + 1];
	gchar *h = g_compute_checksum_for_data(G_CHECKSUM_SHA256, p, n);
	snprintf(out, sizeof out, "%s", h);
	g_free(h);
	return out;
}

int main(void)
{
	static const struct {
		const char *name, *data;
		size_t repeat;	/* times data is repeated */
		const char *want;
	} vectors[] = {
		{ "empty", "", 1,
		  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "abc", 1,
		  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "448 bits", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "a million 'a'", "a", 1000000,
		  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
	};
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		size_t l = strlen(vectors[i].data), n = l * vectors[i].repeat;
		char *buf = malloc(n + 1);
		for (size_t k = 0; k < vectors[i].repeat; k++)
			memcpy(buf + k * l, vectors[i].data, l);
		char got[LG_SHA256_HEX_LEN + 1];
		lg_sha256_hex(buf, n, got);
		tap_is_str(got, vectors[i].want, vectors[i].name);
		struct lg_sha256 *h = lg_sha256_new();
		for (size_t k = 0; k < vectors[i].repeat; k++)
			lg_sha256_update(h, vectors[i].data, l);
		lg_sha256_final_hex(h, got);
		tap_is_str(got, vectors[i].want, "incremental");
		free(buf);
	}

	/* pseudo-random bytes (fixed seed): every split of an incremental digest, then GLib's */
	enum { MAXLEN = 70000 };
	unsigned char *data = malloc(MAXLEN);
	unsigned x = 12345;
	for (size_t i = 0; i < MAXLEN; i++) {
		x = x * 1103515245u + 12345u;
		data[i] = (unsigned char)(x >> 16);
	}
	char one[LG_SHA256_HEX_LEN + 1], split[LG_SHA256_HEX_LEN + 1];
	lg_sha256_hex(data, 300, one);
	int bad = 0;
	for (size_t cut = 0; cut <= 300; cut++) {
		struct lg_sha256 *h = lg_sha256_new();
		lg_sha256_update(h, data, cut);
		lg_sha256_update(h, data + cut, 300 - cut);
		lg_sha256_final_hex(h, split);
		bad += strcmp(one, split) != 0;
	}
	tap_ok(bad == 0, "300 bytes split at each of 301 points: the one-shot digest (%d differ)", bad);

	static const size_t lens[] = { 1, 31, 55, 56, 63, 64, 65, 119, 127, 128, 129, 1000, 4096,
				       65535, 65536, 65537, MAXLEN };
	bad = 0;
	for (size_t n = 0; n <= 200; n++) {
		lg_sha256_hex(data, n, one);
		bad += strcmp(one, glib_hex(data, n)) != 0;
	}
	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		lg_sha256_hex(data, lens[i], one);
		bad += strcmp(one, glib_hex(data, lens[i])) != 0;
	}
	tap_ok(bad == 0, "GLib's SHA-256 over 218 lengths up to %d bytes (%d differ)", MAXLEN, bad);

	unsigned char raw[LG_SHA256_LEN];
	lg_sha256(data, MAXLEN, raw);
	char hex[LG_SHA256_HEX_LEN + 1];
	for (size_t i = 0; i < LG_SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	tap_is_str(hex, glib_hex(data, MAXLEN), "raw digest: the bytes of the hex one");

	/* a held entry's digest (quarantine.c): the value stores made before this module hold */
	char *rcpts[] = { "a@example.com", "b@example.org" };
	static const char msg[] = "Subject: x\r\n\r\nbody\0with NUL\r\n";
	size_t msglen = sizeof msg - 1;	/* the NUL inside counts, the final one not */
	char qd[LG_Q_DIGEST_LEN + 1];
	lg_q_digest("s@example.jp", rcpts, 2, msg, msglen, qd);
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
	glib_chunk(ck, "leakguard-hold-1", 16);
	glib_chunk(ck, "s@example.jp", 12);
	guchar n2[8] = { 0, 0, 0, 0, 0, 0, 0, 2 };
	g_checksum_update(ck, n2, sizeof n2);
	glib_chunk(ck, rcpts[0], strlen(rcpts[0]));
	glib_chunk(ck, rcpts[1], strlen(rcpts[1]));
	glib_chunk(ck, msg, msglen);
	tap_is_str(qd, g_checksum_get_string(ck), "quarantine digest: GLib's over the same layout");
	g_checksum_free(ck);
	free(data);
	return tap_done();
}
