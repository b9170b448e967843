/*
 * SipHash-2-4 (Aumasson and Bernstein, 2012), 64-bit output.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_SIPHASH_H
#define SLS_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#include "str.h"

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

/* A 32-bit value, as its four bytes little-endian. */
void sls_siphash_u32(sls_siphash_t *st, uint32_t v);

/* A field as its length then its bytes, so that bytes cannot move from
   one field to the next (SIP fields are far below 4 GiB). */
static inline void
sls_siphash_field(sls_siphash_t *st, sls_str_t f)
{
	sls_siphash_u32(st, (uint32_t)f.len);
	sls_siphash_update(st, f.s, f.len);
}

#endif
