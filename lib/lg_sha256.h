/* lg_sha256.h - SHA-256, the one hashing module every part of leakguard uses (the report's
 * per-part sha256, the MIME walk's leaf digests, the quarantine's message digest). It runs on
 * OpenSSL's libcrypto, which picks SHA-NI or AVX2 code where the CPU has them. */
#ifndef LG_SHA256_H
#define LG_SHA256_H

#include <stddef.h>

#define LG_SHA256_LEN 32			/* bytes of a digest */
#define LG_SHA256_HEX_LEN (2 * LG_SHA256_LEN)	/* its lower-case hex, without the NUL */

/* An incremental SHA-256 (opaque). */
struct lg_sha256;

/* lg_sha256_prepare - load libcrypto's SHA-256 now (its configuration and CPU probe), before a
 * seccomp filter would forbid what that needs; later calls do nothing. Fatal when libcrypto
 * has no SHA-256. Every other function calls it on first use. Thread-safe. */
void lg_sha256_prepare(void);

/* lg_sha256 - the digest of len bytes */
void lg_sha256(const void *data, size_t len, unsigned char out[LG_SHA256_LEN]);

/* lg_sha256_hex - the digest of len bytes as lower-case hex, NUL-terminated */
void lg_sha256_hex(const void *data, size_t len, char out[LG_SHA256_HEX_LEN + 1]);

/* lg_sha256_new - start an incremental digest (never NULL) */
struct lg_sha256 *lg_sha256_new(void);

/* lg_sha256_update - add len bytes */
void lg_sha256_update(struct lg_sha256 *h, const void *data, size_t len);

/* lg_sha256_final_hex - the digest of everything added, as lower-case hex; frees h */
void lg_sha256_final_hex(struct lg_sha256 *h, char out[LG_SHA256_HEX_LEN + 1]);

#endif
