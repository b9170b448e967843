/*
 * Signature timer table: open addressing over a power-of-two array of
 * 32-byte entries, shared by every worker process. A per-slot version
 * word makes it a seqlock for readers and a try-lock for writers, held
 * across three stores and waited for only a bounded number of retries:
 * not strictly lock-free (a writer stopped inside its stores holds that
 * one slot), but no process ever blocks on another.
 *
 * Protocol
 *
 * Each entry has a version word `seq` beside key, tag_hash and expires_ms.
 * seq is even while the entry is stable, (v << 32), and odd while one
 * writer owns it, (v << 32) | (pid << 1) | 1. Only the owner stores into
 * key, tag_hash and expires_ms; every field is a C11 atomic, so no access
 * is a data race, and the seq word is what makes a group of three
 * consistent.
 *
 * Reader (read_slot; lookups, inserts and the used scan all read this way):
 *   s1 = seq (acquire); odd -> the slot is being written, pause and retry;
 *   key, tag_hash, expires_ms (relaxed);
 *   fence (acquire); s2 = seq (relaxed);
 *   s1 == s2 -> the three values are exactly what the writer that stored
 *   s1 published; else retry. After a bounded number of tries the slot is
 *   skipped (treated as holding nothing), so a reader never waits for a
 *   writer that was descheduled, or died, inside its three stores.
 * Why it holds: the acquire load of s1 synchronises with the release
 * store that published s1, so the loads that follow see that writer's
 * data or newer. If any of them saw a newer writer's store, that store
 * follows the newer writer's lock CAS and release fence; the reader's
 * acquire fence then orders that CAS before its load of s2, so s2 is the
 * odd lock value or a later one, never s1 again (the version grows by one
 * per write, and wraps only after 2^32 writes to the same slot). So a
 * reader never matches a half-written entry, nor key of one write with
 * tag_hash or expiry of another.
 *
 * Writer (sls_sigtable_put): one pass over the 8-slot window reads every
 * slot as above and picks a target: the slot already holding (key, tag)
 * (refresh), else the first empty or expired slot, else the live slot that
 * expires first (eviction). It takes the target with
 * CAS(seq: the even value it read -> odd, own pid), which fails if any
 * other writer took or rewrote the slot since it was read: then the
 * decision is stale and the window is read again (a bounded number of
 * times; if every round is lost the insert is dropped and reported). After
 * a won CAS and a release fence it stores key, tag_hash, expires_ms and
 * publishes seq = (v + 1) << 32 with release. Two writers thus never write
 * one slot at the same time, and an expired or evicted entry is replaced
 * only by someone who saw it in that state.
 *
 * The owner pid in the odd word is the rule for locks in shared memory: if
 * a worker dies inside its three stores the slot would stay odd forever;
 * the supervisor calls sls_sigtable_release() with the dead pid after
 * reaping it, which empties such slots. Until then they are merely
 * skipped.
 *
 * Cost: an ACK lookup reads one window of 8 entries (256 bytes, 4 or 5
 * cache lines) with plain loads; an INVITE reply inserts with one window
 * read, one CAS and four stores.
 *
 * The table keeps (key, tag) pairs: a second to-tag for the same key (a
 * forked INVITE answered twice) gets its own slot, and an ACK matches
 * whichever it carries.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include <unistd.h>

#include "owner.h"
#include "sigtable.h"

#define SEQ_LOCKED	1ULL
#define SEQ_VMASK	0xffffffff00000000ULL
#define SEQ_NEXT(s)	((((s) >> 32) + 1) << 32)
#define SEQ_OWNER(s)	((uint32_t)(s) >> 1)

#define READ_TRIES	64	/* per slot, before it is skipped */
#define PUT_TRIES	8	/* window rounds lost before an insert drops */

_Static_assert(sizeof(sls_sig_entry_t) == 32, "entry is 32 bytes");
_Static_assert(_Alignof(sls_sig_entry_t) == 32, "entry is 32-aligned");
_Static_assert(offsetof(sls_sigtable_t, slot) == 32, "slots at 32");
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "64-bit atomics lock-free");

typedef struct snap {
	uint64_t seq, key, tag, exp;
} snap_t;

/* A consistent snapshot of e; false when it stayed busy. */
static bool
read_slot(const sls_sig_entry_t *e, snap_t *sn)
{
	uint64_t s2;
	int i;

	for (i = 0; i < READ_TRIES; i++) {
		sn->seq = atomic_load_explicit(&e->seq, memory_order_acquire);
		if ((sn->seq & SEQ_LOCKED) == 0) {
			sn->key = atomic_load_explicit(&e->key,
			    memory_order_relaxed);
			sn->tag = atomic_load_explicit(&e->tag_hash,
			    memory_order_relaxed);
			sn->exp = atomic_load_explicit(&e->expires_ms,
			    memory_order_relaxed);
			atomic_thread_fence(memory_order_acquire);
			s2 = atomic_load_explicit(&e->seq,
			    memory_order_relaxed);
			if (s2 == sn->seq)
				return true;
		}
		sls_cpu_relax();
	}
	return false;
}

/* Take e if its seq is still the stable value seen; then write it. */
static bool
write_slot(sls_sig_entry_t *e, uint64_t seen, uint64_t key, uint64_t tag,
    uint64_t exp)
{
	uint64_t mine = (seen & SEQ_VMASK) | sls_owner_pid() << 1 | SEQ_LOCKED;

	if (!atomic_compare_exchange_strong_explicit(&e->seq, &seen, mine,
	    memory_order_acquire, memory_order_relaxed))
		return false;
	/* Readers that see any store below also see the odd seq. */
	atomic_thread_fence(memory_order_release);
	atomic_store_explicit(&e->key, key, memory_order_relaxed);
	atomic_store_explicit(&e->tag_hash, tag, memory_order_relaxed);
	atomic_store_explicit(&e->expires_ms, exp, memory_order_relaxed);
	atomic_store_explicit(&e->seq, SEQ_NEXT(seen), memory_order_release);
	return true;
}

size_t
sls_sigtable_bytes(uint32_t size)
{
	return sizeof(sls_sigtable_t) + (size_t)size * sizeof(sls_sig_entry_t);
}

void
sls_sigtable_init(sls_sigtable_t *t, uint32_t size)
{
	uint32_t i;

	t->size = size;
	t->mask = size - 1;
	atomic_init(&t->other_tags_until_ms, 0);
	for (i = 0; i < size; i++) {
		atomic_init(&t->slot[i].seq, 0);
		atomic_init(&t->slot[i].key, 0);
		atomic_init(&t->slot[i].tag_hash, 0);
		atomic_init(&t->slot[i].expires_ms, 0);
	}
}

void
sls_sigtable_prefetch(const sls_sigtable_t *t, uint64_t key)
{
	uint32_t base = (uint32_t)(key == 0 ? 1 : key) & t->mask;
	int i;

	/* 32-byte slots: every other one starts a cache line */
	for (i = 0; i < SLS_SIG_WINDOW; i += 2)
		__builtin_prefetch(&t->slot[(base + (uint32_t)i) & t->mask],
		    1, 3);
	__builtin_prefetch(&t->slot[(base + SLS_SIG_WINDOW - 1) & t->mask],
	    1, 3);
}

void
sls_sigtable_hold_other_tags(sls_sigtable_t *t, uint64_t until_ms)
{
	uint64_t cur = atomic_load_explicit(&t->other_tags_until_ms,
	    memory_order_relaxed);

	while (cur < until_ms &&
	    !atomic_compare_exchange_weak_explicit(&t->other_tags_until_ms,
	    &cur, until_ms, memory_order_relaxed, memory_order_relaxed))
		;
}

enum sls_sig_put
sls_sigtable_put(sls_sigtable_t *t, uint64_t key, uint64_t tag_hash,
    uint64_t now_ms, uint64_t expires_ms)
{
	snap_t sn[SLS_SIG_WINDOW];
	uint32_t base, idx;
	int i, round, same, avail, oldest, pick;

	if (key == 0)
		key = 1;
	base = (uint32_t)key & t->mask;
	for (round = 0; round < PUT_TRIES; round++) {
		same = avail = oldest = -1;
		for (i = 0; i < SLS_SIG_WINDOW; i++) {
			idx = (base + (uint32_t)i) & t->mask;
			if (!read_slot(&t->slot[idx], &sn[i]))
				continue;
			if (sn[i].key == key && sn[i].tag == tag_hash) {
				same = i;
				break;
			}
			if (sn[i].key == 0 || sn[i].exp <= now_ms) {
				if (avail < 0)
					avail = i;
			} else if (oldest < 0 || sn[i].exp < sn[oldest].exp) {
				oldest = i;
			}
		}
		pick = same >= 0 ? same : avail >= 0 ? avail : oldest;
		if (pick < 0) {
			/* the whole window is being written */
			sls_cpu_relax();
			continue;
		}
		idx = (base + (uint32_t)pick) & t->mask;
		if (!write_slot(&t->slot[idx], sn[pick].seq, key, tag_hash,
		    expires_ms))
			continue;
		if (same >= 0)
			return SLS_PUT_REFRESHED;
		return avail >= 0 ? SLS_PUT_NEW : SLS_PUT_EVICTED;
	}
	return SLS_PUT_DROPPED;
}

bool
sls_sigtable_insert(sls_sigtable_t *t, uint64_t key, uint64_t tag_hash,
    uint64_t now_ms, uint64_t expires_ms)
{
	return sls_sigtable_put(t, key, tag_hash, now_ms, expires_ms) ==
	    SLS_PUT_EVICTED;
}

enum sls_sig_result
sls_sigtable_lookup(sls_sigtable_t *t, uint64_t key, uint64_t tag_hash,
    uint64_t now_ms)
{
	enum sls_sig_result r = SLS_SIG_MISS;
	snap_t sn;
	uint32_t base;
	int i;

	if (key == 0)
		key = 1;
	base = (uint32_t)key & t->mask;
	for (i = 0; i < SLS_SIG_WINDOW; i++) {
		if (!read_slot(&t->slot[(base + (uint32_t)i) & t->mask], &sn) ||
		    sn.key != key)
			continue;
		if (sn.tag == tag_hash) {
			if (sn.exp > now_ms)
				return SLS_SIG_MATCH;
			r = SLS_SIG_EXPIRED;
		} else if (r == SLS_SIG_MISS) {
			r = SLS_SIG_MISMATCH;
		}
	}
	return r;
}

uint32_t
sls_sigtable_used(const sls_sigtable_t *t, uint64_t now_ms)
{
	snap_t sn;
	uint32_t i, n = 0;

	for (i = 0; i < t->size; i++)
		if (read_slot(&t->slot[i], &sn) && sn.key != 0 &&
		    sn.exp > now_ms)
			n++;
	return n;
}

uint32_t
sls_sigtable_release(sls_sigtable_t *t, pid_t pid)
{
	sls_sig_entry_t *e;
	uint64_t s;
	uint32_t i, n = 0;

	if (pid <= 0)
		return 0;
	for (i = 0; i < t->size; i++) {
		e = &t->slot[i];
		s = atomic_load_explicit(&e->seq, memory_order_acquire);
		if ((s & SEQ_LOCKED) == 0 || SEQ_OWNER(s) != (uint32_t)pid)
			continue;
		/* The owner is dead: nobody else writes an odd slot. */
		atomic_store_explicit(&e->key, 0, memory_order_relaxed);
		atomic_store_explicit(&e->tag_hash, 0, memory_order_relaxed);
		atomic_store_explicit(&e->expires_ms, 0, memory_order_relaxed);
		atomic_store_explicit(&e->seq, SEQ_NEXT(s),
		    memory_order_release);
		n++;
	}
	return n;
}
