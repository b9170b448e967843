/*
 * SipHash-2-4 as specified in J.-P. Aumasson and D. J. Bernstein,
 * "SipHash: a fast short-input PRF" (INDOCRYPT 2012): 64-bit words read
 * little-endian, two SipRounds per message word, four at finalisation,
 * and the message length (mod 256) in the top byte of the last word.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include <string.h>

#include "le.h"
#include "siphash.h"

#define ROTL(x, b)	(((x) << (b)) | ((x) >> (64 - (b))))

static inline void
sipround(sls_siphash_t *st)
{
	st->v0 += st->v1;
	st->v1 = ROTL(st->v1, 13);
	st->v1 ^= st->v0;
	st->v0 = ROTL(st->v0, 32);
	st->v2 += st->v3;
	st->v3 = ROTL(st->v3, 16);
	st->v3 ^= st->v2;
	st->v0 += st->v3;
	st->v3 = ROTL(st->v3, 21);
	st->v3 ^= st->v0;
	st->v2 += st->v1;
	st->v1 = ROTL(st->v1, 17);
	st->v1 ^= st->v2;
	st->v2 = ROTL(st->v2, 32);
}

/* One message word: c = 2 compression rounds. */
static inline void
compress(sls_siphash_t *st, uint64_t m)
{
	st->v3 ^= m;
	sipround(st);
	sipround(st);
	st->v0 ^= m;
}

void
sls_siphash_init(sls_siphash_t *st, const uint8_t key[SLS_SIPHASH_KEYLEN])
{
	uint64_t k0 = sls_le64(key), k1 = sls_le64(key + 8);

	/* "somepseudorandomlygeneratedbytes" */
	st->v0 = k0 ^ 0x736f6d6570736575ULL;
	st->v1 = k1 ^ 0x646f72616e646f6dULL;
	st->v2 = k0 ^ 0x6c7967656e657261ULL;
	st->v3 = k1 ^ 0x7465646279746573ULL;
	st->tail = 0;
	st->ntail = 0;
	st->total = 0;
}

/*
 * Fields come in short pieces (a length, a domain byte, a tag), so the
 * pending partial word is filled a piece at a time, not a byte.
 */
void
sls_siphash_update(sls_siphash_t *st, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t take;

	st->total += len;
	if (st->ntail > 0) {
		take = 8 - st->ntail < len ? 8 - st->ntail : len;
		st->tail |= sls_le_partial(p, take) << (8 * st->ntail);
		st->ntail += take;
		p += take;
		len -= take;
		if (st->ntail < 8)
			return;
		compress(st, st->tail);
		st->tail = 0;
		st->ntail = 0;
	}
	for (; len >= 8; p += 8, len -= 8)
		compress(st, sls_le64(p));
	st->tail = sls_le_partial(p, len);
	st->ntail = len;
}

/* The bytes go straight into the pending word: no byte loads. */
void
sls_siphash_u32(sls_siphash_t *st, uint32_t v)
{
	size_t n = st->ntail;

	st->total += 4;
	st->tail |= (uint64_t)v << (8 * n);
	if (n < 4) {
		st->ntail = n + 4;
		return;
	}
	compress(st, st->tail);
	/* the bytes that did not fit (none when n is 4) */
	st->tail = n == 4 ? 0 : (uint64_t)v >> (8 * (8 - n));
	st->ntail = n - 4;
}

uint64_t
sls_siphash_final(sls_siphash_t *st)
{
	uint64_t b = st->tail | (st->total & 0xff) << 56;

	compress(st, b);
	/* d = 4 finalisation rounds. */
	st->v2 ^= 0xff;
	sipround(st);
	sipround(st);
	sipround(st);
	sipround(st);
	return st->v0 ^ st->v1 ^ st->v2 ^ st->v3;
}

uint64_t
sls_siphash(const uint8_t key[SLS_SIPHASH_KEYLEN], const void *data,
    size_t len)
{
	sls_siphash_t st;

	sls_siphash_init(&st, key);
	sls_siphash_update(&st, data, len);
	return sls_siphash_final(&st);
}
