/*
 * Signature timer table: remembers, for ack_timeout seconds, which to-tag
 * each final reply to an INVITE carried, so the ACK can be absorbed.
 * Lives in the shared segment; C11 atomics only, no mutex. Each slot has
 * a version word that works as a seqlock with a one-slot try-lock for
 * writers: a writer owns the slot (odd word holding its pid) for three
 * stores; readers and other writers retry a bounded number of times and
 * then skip it, so nobody waits on it for long. Not lock-free in the
 * strict sense: a writer stopped inside its stores keeps that one slot
 * from others until it finishes or the supervisor releases it. The
 * protocol is at the top of sigtable.c.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_SIGTABLE_H
#define SLS_SIGTABLE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Slots probed from key & mask, linearly: one lookup reads 8 slots. */
#define SLS_SIG_WINDOW	8
#define SLS_SIG_MIN_SIZE	16

/* 32 bytes, 32-aligned: an entry never straddles a cache line. */
typedef struct sls_sig_entry {
	/*
	 * Version word. Even: stable, (version << 32). Odd: a writer owns
	 * the slot, (version << 32) | (pid << 1) | 1; nobody else writes it
	 * and readers retry or skip it.
	 */
	_Alignas(32) _Atomic uint64_t seq;
	_Atomic uint64_t key;		/* Call-ID, From tag, CSeq; 0 empty */
	_Atomic uint64_t tag_hash;	/* hash of the to-tag sent */
	_Atomic uint64_t expires_ms;	/* CLOCK_MONOTONIC ms; live if > now */
} sls_sig_entry_t;

typedef struct sls_sigtable {
	uint32_t size;			/* slots, power of two */
	uint32_t mask;
	/*
	 * CLOCK_MONOTONIC ms until which an entry may hold a to-tag that
	 * slserver did not make (a reply to a request that already had
	 * one); raised only, by sls_sigtable_hold_other_tags.
	 */
	_Atomic uint64_t other_tags_until_ms;
	sls_sig_entry_t slot[];
} sls_sigtable_t;

enum sls_sig_result {
	SLS_SIG_MISS,		/* no entry for the key */
	SLS_SIG_MATCH,		/* live entry, same to-tag: absorb */
	SLS_SIG_EXPIRED,	/* entry with the same to-tag, expired */
	SLS_SIG_MISMATCH	/* entry for the key, other to-tag */
};

/* What an insert did (sls_sigtable_put). */
enum sls_sig_put {
	SLS_PUT_NEW,		/* took an empty or expired slot */
	SLS_PUT_REFRESHED,	/* the same (key, tag) was there: new expiry */
	SLS_PUT_EVICTED,	/* replaced the live entry expiring first */
	SLS_PUT_DROPPED		/* lost every race for the window; not stored */
};

/* Bytes needed for a table of size slots (size must be a power of two). */
size_t sls_sigtable_bytes(uint32_t size);
void sls_sigtable_init(sls_sigtable_t *t, uint32_t size);

/*
 * Insert or refresh (key, tag_hash) until expires_ms. Returns true when a
 * live entry of another key (or another to-tag of the same key) had to be
 * evicted. A key of 0 is stored as 1.
 */
bool sls_sigtable_insert(sls_sigtable_t *t, uint64_t key, uint64_t tag_hash,
    uint64_t now_ms, uint64_t expires_ms);
/* The same, telling what happened. */
enum sls_sig_put sls_sigtable_put(sls_sigtable_t *t, uint64_t key,
    uint64_t tag_hash, uint64_t now_ms, uint64_t expires_ms);
/* Start loading the window of key, which an insert will read and write. */
void sls_sigtable_prefetch(const sls_sigtable_t *t, uint64_t key);
/*
 * MATCH if any live entry holds (key, tag_hash); else EXPIRED if an
 * expired one does; else MISMATCH if the key is there with another tag;
 * else MISS.
 */
enum sls_sig_result sls_sigtable_lookup(sls_sigtable_t *t, uint64_t key,
    uint64_t tag_hash, uint64_t now_ms);
/*
 * Entries with to-tags not of our making may be looked up until until_ms;
 * never lowers the mark. The ACK filter skips the table for an ACK whose
 * to-tag cannot be ours once sls_sigtable_other_tags(t, now) is false:
 * in a forwarder that is every ACK it passes on, each a cold look-up.
 */
void sls_sigtable_hold_other_tags(sls_sigtable_t *t, uint64_t until_ms);

static inline bool
sls_sigtable_other_tags(sls_sigtable_t *t, uint64_t now_ms)
{
	return now_ms < atomic_load_explicit(&t->other_tags_until_ms,
	    memory_order_relaxed);
}

/* Live (unexpired) entries; a scan, for the admin commands only. */
uint32_t sls_sigtable_used(const sls_sigtable_t *t, uint64_t now_ms);

/*
 * Free the slots that process pid owned when it died (it was killed in the
 * middle of a write). The supervisor calls it after reaping a worker that
 * did not exit cleanly, before forking another. A scan; returns the number
 * of slots freed.
 */
uint32_t sls_sigtable_release(sls_sigtable_t *t, pid_t pid);

#endif
