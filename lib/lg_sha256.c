/* lg_sha256.c - SHA-256 through OpenSSL's libcrypto (see lg_sha256.h). The algorithm is fetched
 * once and kept: an implicit fetch on every EVP_DigestInit_ex costs a lock and a lookup per call.
 * Any libcrypto failure after that is an allocation failure or a bug, and fatal, as lg_malloc's. */
#include "lg_sha256.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>

#include "lg_alloc.h"
#include "lg_log.h"

struct lg_sha256 {
	EVP_MD_CTX *ctx;
};

static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha256_md;	/* fetched once, kept for the life of the process */

/* fetch_md - pthread_once body: fetch SHA-256 from libcrypto's default providers */
static void fetch_md(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA2-256", NULL);
	if (!sha256_md)
		lg_fatal("libcrypto: SHA-256 is not available");
}

/* lg_sha256_prepare - see lg_sha256.h */
void lg_sha256_prepare(void)
{
	pthread_once(&sha256_once, fetch_md);
}

/* to_hex - lower-case hex of a digest */
static void to_hex(const unsigned char d[LG_SHA256_LEN], char out[LG_SHA256_HEX_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < LG_SHA256_LEN; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 0xf];
	}
	out[LG_SHA256_HEX_LEN] = '\0';
}

/* lg_sha256 - see lg_sha256.h */
void lg_sha256(const void *data, size_t len, unsigned char out[LG_SHA256_LEN])
{
	lg_sha256_prepare();
	unsigned int n = 0;
	if (!EVP_Digest(len ? data : "", len, out, &n, sha256_md, NULL) || n != LG_SHA256_LEN)
		lg_fatal("libcrypto: SHA-256 digest failed");
}

/* lg_sha256_hex - see lg_sha256.h */
void lg_sha256_hex(const void *data, size_t len, char out[LG_SHA256_HEX_LEN + 1])
{
	unsigned char d[LG_SHA256_LEN];
	lg_sha256(data, len, d);
	to_hex(d, out);
}

/* lg_sha256_new - see lg_sha256.h */
struct lg_sha256 *lg_sha256_new(void)
{
	lg_sha256_prepare();
	struct lg_sha256 *h = lg_malloc(sizeof *h);
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || !EVP_DigestInit_ex(h->ctx, sha256_md, NULL))
		lg_fatal("libcrypto: SHA-256 init failed");
	return h;
}

/* lg_sha256_update - see lg_sha256.h */
void lg_sha256_update(struct lg_sha256 *h, const void *data, size_t len)
{
	if (len && !EVP_DigestUpdate(h->ctx, data, len))
		lg_fatal("libcrypto: SHA-256 update failed");
}

/* lg_sha256_final_hex - see lg_sha256.h */
void lg_sha256_final_hex(struct lg_sha256 *h, char out[LG_SHA256_HEX_LEN + 1])
{
	unsigned char d[LG_SHA256_LEN];
	unsigned int n = 0;
	if (!EVP_DigestFinal_ex(h->ctx, d, &n) || n != LG_SHA256_LEN)
		lg_fatal("libcrypto: SHA-256 final failed");
	EVP_MD_CTX_free(h->ctx);
	free(h);
	to_hex(d, out);
}
