/*
 * Source table: what slserver knows about each source address it limits
 * (SPEC 9): a token bucket of requests, a block, and a token bucket of
 * automatic error replies. Lives in the shared segment; bounded; C11
 * atomics only. Every update of a source's state is one CAS on one
 * packed 64-bit word; claiming a slot for a new source is one CAS on its
 * key. When the window a source hashes to is full, the least recently
 * seen source of that window is evicted (a blocked one only if every
 * source there is blocked). The word layout and the races are described
 * at the top of srctable.c.
 *
 * Time is passed in (now_ms, CLOCK_MONOTONIC milliseconds) so tests can
 * run a fake clock.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_SRCTABLE_H
#define SLS_SRCTABLE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Slots probed from key & mask, linearly: one window is 8 slots. */
#define SLS_SRC_WINDOW		8
#define SLS_SRC_MIN_SIZE	8
#define SLS_SRC_DEFAULT_SIZE	65536
/* Largest rate, burst and error_rate: tokens must fit in 31 bits. */
#define SLS_SRC_MAX_RATE	1000000

/* One source: 64 bytes, one cache line. */
typedef struct sls_src_entry {
	_Alignas(64) _Atomic uint64_t key;	/* its hash; 0 empty */
	_Atomic uint64_t req;	/* request bucket or block (srctable.c) */
	_Atomic uint64_t err;	/* error-reply bucket (srctable.c) */
	_Atomic uint64_t addr[2];	/* the source, for display only */
	_Atomic uint64_t meta;	/* its prefix length, for display only */
	uint64_t pad[2];
} sls_src_entry_t;

typedef struct sls_srctable {
	_Alignas(64) uint32_t size;	/* slots, power of two */
	uint32_t mask;
	uint64_t hashkey[2];		/* random at creation */
	uint64_t pad[5];
	sls_src_entry_t slot[];
} sls_srctable_t;

/*
 * A source as the table knows it: 16 address bytes (an IPv4 address as
 * IPv4-mapped IPv6, an IPv6 one with the bits past the prefix cleared),
 * its prefix length in those 128 bits, and its keyed hash (never 0).
 */
typedef struct sls_src {
	uint64_t key;
	uint8_t addr[16];
	uint8_t prefix;		/* 128 for IPv4, else ipv6_prefix */
	bool v4;
} sls_src_t;

/* The limits of the running config, in the table's terms. */
typedef struct sls_src_params {
	uint32_t rate;		/* requests/s; 0 = requests not counted */
	uint32_t burst;		/* tokens of the request bucket (>= 1) */
	uint32_t block_ms;	/* how long a block lasts */
	uint32_t error_rate;	/* error replies/s, also their burst */
} sls_src_params_t;

enum sls_src_verdict {
	SLS_SRC_PASS,		/* within its rate: go on */
	SLS_SRC_LIMITED,	/* blocked: drop without a reply */
	SLS_SRC_BLOCK_START	/* this request started a block: drop it,
				   log and run sl:blocked once */
};

/* A blocked source, as sls_srctable_blocked reports it. */
typedef struct sls_src_blocked {
	sls_src_t src;		/* key, address, prefix */
	uint32_t ms_left;
	uint32_t requests;	/* seen since the block started (saturates) */
} sls_src_blocked_t;

/* Bytes needed for a table of size slots (a power of two). */
size_t sls_srctable_bytes(uint32_t size);
/* Initialise t; the hash key comes from getrandom(2) (else the clock). */
void sls_srctable_init(sls_srctable_t *t, uint32_t size);

/*
 * The source for an address: 4 bytes (v4) or 16 (IPv6; an IPv4-mapped
 * one is taken as the IPv4 address it maps); IPv6 is cut to v6prefix
 * bits (1..128).
 */
void sls_srctable_source(const sls_srctable_t *t, bool v4,
    const uint8_t *bytes, unsigned v6prefix, sls_src_t *s);

/*
 * A request from s: blocked, or one token from its bucket (refilled at
 * p->rate per second up to p->burst), or the start of a block when the
 * bucket is empty. A source not in the table is added with a full
 * bucket; *evicted (may be NULL) tells whether that took the slot of a
 * source seen less recently. p->rate must not be 0.
 */
enum sls_src_verdict sls_srctable_request(sls_srctable_t *t,
    const sls_src_t *s, const sls_src_params_t *p, uint64_t now_ms,
    bool *evicted);

/*
 * An automatic error reply to s: true when one token of its error
 * bucket (p->error_rate per second, burst p->error_rate) was left and
 * taken. p->error_rate must not be 0.
 */
bool sls_srctable_error_reply(sls_srctable_t *t, const sls_src_t *s,
    const sls_src_params_t *p, uint64_t now_ms, bool *evicted);

/* Lift the block of s; true when it was blocked. */
bool sls_srctable_unblock(sls_srctable_t *t, const sls_src_t *s,
    const sls_src_params_t *p, uint64_t now_ms);

/*
 * The sources blocked now (a scan, for the admin commands): fn is called
 * for each of the first max (all when fn is NULL); returns how many
 * there are.
 */
size_t sls_srctable_blocked(const sls_srctable_t *t,
    const sls_src_params_t *p, uint64_t now_ms, size_t max,
    void (*fn)(void *arg, const sls_src_blocked_t *b), void *arg);

/* Sources in the table (a scan, for tests and the admin commands). */
uint32_t sls_srctable_used(const sls_srctable_t *t);

#endif
