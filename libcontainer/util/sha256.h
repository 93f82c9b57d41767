/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/*
 * SHA-256 (FIPS 180-4), streaming.  Used for content-addressed caches; no
 * dependency on a crypto library for one hash function.
 */
#include <stddef.h>
#include <stdint.h>

#define VEIL_SHA256_LEN 32
#define VEIL_SHA256_HEX_LEN (2 * VEIL_SHA256_LEN)

typedef struct veil_sha256_ctx {
    uint32_t h[8];
    uint64_t total; /* bytes hashed so far */
    uint8_t block[64];
    size_t used; /* bytes waiting in block */
} veil_sha256_ctx;

void veil_sha256_init(veil_sha256_ctx *s);
void veil_sha256_update(veil_sha256_ctx *s, const void *data, size_t len);
/* Writes the digest; the state must be re-initialised before reuse. */
void veil_sha256_final(veil_sha256_ctx *s, uint8_t out[VEIL_SHA256_LEN]);
/* One-shot digest of data[0..len). */
void veil_sha256(const void *data, size_t len, uint8_t out[VEIL_SHA256_LEN]);
/* Lower-case hex of in[0..n) into out (2n+1 bytes, NUL-terminated). */
void veil_hex(const uint8_t *in, size_t n, char *out);
