/*
 * SipHash-2-4 (Aumasson and Bernstein, 2012), 64-bit output.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_SIPHASH_H
#define SLS_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define SLS_SIPHASH_KEYLEN 16

/* Incremental state, so several fields can be hashed without copying. */
typedef struct sls_siphash {
	uint64_t v0, v1, v2, v3;
	uint64_t tail;		/* pending bytes, little-endian */
	size_t ntail;
	uint64_t total;
} sls_siphash_t;

void sls_siphash_init(sls_siphash_t *st, const uint8_t key[SLS_SIPHASH_KEYLEN]);
void sls_siphash_update(sls_siphash_t *st, const void *data, size_t len);
uint64_t sls_siphash_final(sls_siphash_t *st);

uint64_t sls_siphash(const uint8_t key[SLS_SIPHASH_KEYLEN], const void *data,
    size_t len);

#endif
