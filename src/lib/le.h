/*
 * Little-endian loads of eight and of fewer bytes, whatever the host's
 * order: the byte-wise form compiles to one load where the host is
 * little-endian. For hashes whose values must agree between hosts.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_LE_H
#define SLS_LE_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t
sls_le64(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 |
	    (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
	    (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
	    (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

/* The first n (0..7) bytes at p as a little-endian word. */
static inline uint64_t
sls_le_partial(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	switch (n) {
	case 7:
		v |= (uint64_t)p[6] << 48;
		/* FALLTHROUGH */
	case 6:
		v |= (uint64_t)p[5] << 40;
		/* FALLTHROUGH */
	case 5:
		v |= (uint64_t)p[4] << 32;
		/* FALLTHROUGH */
	case 4:
		v |= (uint64_t)p[3] << 24;
		/* FALLTHROUGH */
	case 3:
		v |= (uint64_t)p[2] << 16;
		/* FALLTHROUGH */
	case 2:
		v |= (uint64_t)p[1] << 8;
		/* FALLTHROUGH */
	case 1:
		v |= p[0];
		break;
	default:
		break;
	}
	return v;
}

#endif
