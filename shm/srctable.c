/*
 * Source table: open addressing over a power-of-two array of 64-byte
 * entries in the shared segment, one per source address (an IPv6 source
 * counted per prefix), shared by every worker.
 *
 * An entry
 *
 *   key      keyed hash of the source (0: empty slot)
 *   req      the request state, one packed word (below)
 *   err      the error-reply bucket, one packed word (below)
 *   addr[2]  the source's 16 address bytes, meta its prefix length:
 *            written when the slot is claimed, read only for display
 *
 * The packed words (every update of a source is one CAS on one of them)
 *
 *   req, not blocked:  stamp:32 | 0:1 | tokens:31
 *   req, blocked:      start:32 | 1:1 | requests:31
 *   err:               stamp:32 | 0:1 | tokens:31
 *
 * stamp is the time of the last update (the low 32 bits of the
 * CLOCK_MONOTONIC milliseconds), start the time the block began (it does
 * not move while the source stays blocked, so the block ends at start +
 * block_ms whatever the source does), requests the requests seen since
 * then. Tokens are fixed point, 2^11 units each, so a bucket of up to
 * SLS_SRC_MAX_RATE tokens fits in 31 bits and a refill of elapsed_ms *
 * rate * 2^11 / 1000 units loses less than one unit (1/2048 token) per
 * update; elapsed_ms * rate * 2^11 < 2^63 for any 32-bit elapsed time,
 * so the refill never overflows.
 *
 * Time is compared modulo 2^32 ms (49.7 days): an age that comes out
 * negative by less than a minute is a writer that read the clock just
 * before another one stored a later stamp (age 0, the later stamp kept);
 * one negative by more is a stamp from over 24.8 days ago (treated as
 * infinitely old: bucket full, block over). An entry left alone for
 * 49.7 days or more can look recent again; it then starts from the
 * tokens it had (which only ever makes it stricter for that source until
 * its bucket refills) or, if it was blocked, is blocked at most block_ms
 * more.
 *
 * Operations
 *
 * A request from a known source: load req, compute the next word (refill
 * and take a token; or count one more blocked request; or start a block
 * when no token is left; or, if the block is over, start again from a
 * full bucket), CAS. A lost CAS means another worker updated the same
 * source: reload and recompute. The key is re-read after a lost CAS, so a
 * source evicted meanwhile is looked up again.
 *
 * A new source: the window of SLS_SRC_WINDOW slots at key & mask is read
 * once; the victim is the first empty slot, else the unblocked source
 * seen least recently (the older of its two stamps), else, when every
 * source of the window is blocked, the one blocked longest. The slot is
 * claimed by a CAS of its req word from the value read to the new
 * source's first state; then err, addr and meta are stored and last the
 * key (release). A lost CAS re-reads the window (a few times; after that
 * the request passes uncounted: the table fails open).
 *
 * The races that remain, and why they are harmless: until the new key
 * is stored, a worker still holding the evicted source's key may CAS the
 * new req word (one request charged to the wrong source); another worker
 * with the new source may not see it yet and claim a second slot for it
 * (its requests are split once; the unused copy ages out first). Two
 * claimers of one slot: one CAS wins the req word, the loser re-reads.
 * No word is ever half written, no process waits for another, and a
 * worker that dies anywhere leaves nothing locked.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "srctable.h"

#define TOKEN_BITS	11
#define ONE		(1ULL << TOKEN_BITS)	/* one token, in units */
#define LOW_MASK	0x7fffffffULL
#define BLOCKED		(1ULL << 31)
#define STAMP(w)	((uint32_t)((w) >> 32))
#define LOW(w)		((uint64_t)(w) & LOW_MASK)
#define WORD(st, low)	(((uint64_t)(st) << 32) | (low))
#define SLACK_MS	60000	/* how far a stamp may lie ahead of now */
#define STALE		UINT32_MAX
#define CLAIM_TRIES	8

_Static_assert(sizeof(sls_src_entry_t) == 64, "entry is one cache line");
_Static_assert(_Alignof(sls_src_entry_t) == 64, "entry is line-aligned");
_Static_assert(offsetof(sls_srctable_t, slot) == 64, "slots at 64");
_Static_assert((uint64_t)SLS_SRC_MAX_RATE * ONE <= LOW_MASK,
    "a full bucket fits in 31 bits");
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "64-bit atomics lock-free");

/* splitmix64's finaliser: a bijection that mixes every bit */
static uint64_t
mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

size_t
sls_srctable_bytes(uint32_t size)
{
	return sizeof(sls_srctable_t) + (size_t)size * sizeof(sls_src_entry_t);
}

void
sls_srctable_init(sls_srctable_t *t, uint32_t size)
{
	struct timespec ts;
	uint32_t i;

	memset(t, 0, sizeof(*t));
	t->size = size;
	t->mask = size - 1;
	if (getrandom(t->hashkey, sizeof(t->hashkey), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(t->hashkey)) {
		/* no entropy yet: the key only spreads sources over slots */
		clock_gettime(CLOCK_REALTIME, &ts);
		t->hashkey[0] = mix((uint64_t)ts.tv_nsec ^
		    (uint64_t)getpid() << 32);
		t->hashkey[1] = mix((uint64_t)ts.tv_sec ^ t->hashkey[0]);
	}
	for (i = 0; i < size; i++) {
		atomic_init(&t->slot[i].key, 0);
		atomic_init(&t->slot[i].req, 0);
		atomic_init(&t->slot[i].err, 0);
		atomic_init(&t->slot[i].addr[0], 0);
		atomic_init(&t->slot[i].addr[1], 0);
		atomic_init(&t->slot[i].meta, 0);
	}
}

static uint64_t
load64(const uint8_t *b)
{
	uint64_t v;

	memcpy(&v, b, 8);
	return v;
}

void
sls_srctable_source(const sls_srctable_t *t, bool v4, const uint8_t *bytes,
    unsigned v6prefix, sls_src_t *s)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	unsigned i, bits;

	memset(s, 0, sizeof(*s));
	if (!v4 && memcmp(bytes, mapped, 12) == 0) {
		v4 = true;
		bytes += 12;
	}
	if (v4) {
		memcpy(s->addr, mapped, 12);
		memcpy(s->addr + 12, bytes, 4);
		s->prefix = 128;
		s->v4 = true;
	} else {
		if (v6prefix < 1 || v6prefix > 128)
			v6prefix = 128;
		for (i = 0; i < 16; i++) {
			bits = v6prefix > i * 8 ? v6prefix - i * 8 : 0;
			s->addr[i] = bits >= 8 ? bytes[i] :
			    (uint8_t)(bytes[i] & (0xff00 >> bits));
		}
		s->prefix = (uint8_t)v6prefix;
	}
	s->key = mix(mix(load64(s->addr) ^ t->hashkey[0]) ^
	    load64(s->addr + 8) ^ t->hashkey[1] ^ s->prefix);
	if (s->key == 0)
		s->key = 1;
}

/* Milliseconds from stamp to now, modulo 2^32 (see the top). */
static uint32_t
elapsed(uint32_t now, uint32_t stamp)
{
	int32_t d = (int32_t)(now - stamp);

	if (d >= 0)
		return (uint32_t)d;
	return d >= -SLACK_MS ? 0 : STALE;
}

/* The later of now and a stamp just ahead of it. */
static uint32_t
later(uint32_t now, uint32_t stamp)
{
	int32_t d = (int32_t)(now - stamp);

	return d < 0 && d >= -SLACK_MS ? stamp : now;
}

/* tokens after elapsed ms at rate per second, at most burst */
static uint64_t
refill(uint64_t units, uint32_t el, uint32_t rate, uint32_t burst)
{
	uint64_t cap = (uint64_t)burst * ONE;

	if (units > cap)
		units = cap;
	if (el == STALE)
		return cap;
	units += (uint64_t)el * rate * ONE / 1000;
	return units < cap ? units : cap;
}

static bool
blocked_now(uint64_t w, const sls_src_params_t *p, uint32_t now)
{
	return p->rate != 0 && (w & BLOCKED) != 0 &&
	    elapsed(now, STAMP(w)) < p->block_ms;
}

/* The req word after one request at now, and what it means. */
static uint64_t
next_req(uint64_t w, const sls_src_params_t *p, uint32_t now,
    enum sls_src_verdict *v)
{
	uint32_t el = elapsed(now, STAMP(w)), st = later(now, STAMP(w));
	uint64_t units, n;

	if (w & BLOCKED) {
		if (el < p->block_ms) {
			*v = SLS_SRC_LIMITED;
			n = LOW(w) + (LOW(w) < LOW_MASK);
			return WORD(STAMP(w), BLOCKED | n);
		}
		/* the block is over: start afresh */
		units = (uint64_t)p->burst * ONE;
	} else {
		units = refill(LOW(w), el, p->rate, p->burst);
	}
	if (units >= ONE) {
		*v = SLS_SRC_PASS;
		return WORD(st, units - ONE);
	}
	*v = SLS_SRC_BLOCK_START;
	return WORD(st, BLOCKED | 1);
}

/* The err word after one error reply at now; *ok when it may go. */
static uint64_t
next_err(uint64_t w, const sls_src_params_t *p, uint32_t now, bool *ok)
{
	uint64_t units = refill(LOW(w), elapsed(now, STAMP(w)),
	    p->error_rate, p->error_rate);
	uint32_t st = later(now, STAMP(w));

	*ok = units >= ONE;
	return WORD(st, *ok ? units - ONE : units);
}

static sls_src_entry_t *
find(sls_srctable_t *t, uint64_t key)
{
	uint32_t i, base = (uint32_t)key & t->mask;
	sls_src_entry_t *e;

	for (i = 0; i < SLS_SRC_WINDOW; i++) {
		e = &t->slot[(base + i) & t->mask];
		if (atomic_load_explicit(&e->key, memory_order_acquire) == key)
			return e;
	}
	return NULL;
}

/* How good a victim e is: lower class first, then older. */
struct pick {
	int cls;		/* 0 empty, 1 unblocked, 2 blocked */
	uint32_t age;
	uint64_t req;		/* the req word the claim CASes from */
};

static void
rate_victim(const sls_src_entry_t *e, const sls_src_params_t *p,
    uint32_t now, struct pick *k)
{
	uint64_t key = atomic_load_explicit(&e->key, memory_order_relaxed);
	uint64_t er = atomic_load_explicit(&e->err, memory_order_relaxed);
	uint32_t a, b;

	k->req = atomic_load_explicit(&e->req, memory_order_relaxed);
	if (key == 0) {
		k->cls = 0;
		k->age = STALE;
	} else if (blocked_now(k->req, p, now)) {
		k->cls = 2;
		k->age = elapsed(now, STAMP(k->req));
	} else {
		a = elapsed(now, STAMP(k->req));
		b = elapsed(now, STAMP(er));
		k->cls = 1;
		k->age = a < b ? a : b;
	}
}

/*
 * Claim a slot of the window for s, its words set to req and err: the
 * entry, or NULL when every round was lost. *found is set when s was
 * there after all (nothing is claimed then).
 */
static sls_src_entry_t *
claim(sls_srctable_t *t, const sls_src_t *s, const sls_src_params_t *p,
    uint32_t now, uint64_t req, uint64_t err, bool *found, bool *evicted)
{
	uint32_t i, base = (uint32_t)s->key & t->mask;
	struct pick best, k;
	sls_src_entry_t *e, *victim;
	int round;

	*found = false;
	for (round = 0; round < CLAIM_TRIES; round++) {
		victim = NULL;
		best.cls = 3;
		for (i = 0; i < SLS_SRC_WINDOW; i++) {
			e = &t->slot[(base + i) & t->mask];
			if (atomic_load_explicit(&e->key,
			    memory_order_acquire) == s->key) {
				*found = true;
				return e;
			}
			rate_victim(e, p, now, &k);
			if (k.cls < best.cls || (k.cls == best.cls &&
			    k.age > best.age)) {
				best = k;
				victim = e;
			}
		}
		if (!atomic_compare_exchange_strong_explicit(&victim->req,
		    &best.req, req, memory_order_acq_rel,
		    memory_order_relaxed))
			continue;
		if (evicted != NULL)
			*evicted = best.cls != 0;
		atomic_store_explicit(&victim->err, err, memory_order_relaxed);
		atomic_store_explicit(&victim->addr[0], load64(s->addr),
		    memory_order_relaxed);
		atomic_store_explicit(&victim->addr[1], load64(s->addr + 8),
		    memory_order_relaxed);
		atomic_store_explicit(&victim->meta, s->prefix,
		    memory_order_relaxed);
		atomic_store_explicit(&victim->key, s->key,
		    memory_order_release);
		return victim;
	}
	return NULL;
}

/*
 * Apply one request (err false) or one error reply (err true) of s: find
 * or claim its entry, then CAS the word. The verdict of a request, or
 * SLS_SRC_PASS / SLS_SRC_LIMITED for an error reply that may / may not
 * be sent.
 */
static enum sls_src_verdict
update(sls_srctable_t *t, const sls_src_t *s, const sls_src_params_t *p,
    uint32_t now, bool is_err, bool *evicted)
{
	enum sls_src_verdict v = SLS_SRC_PASS;
	_Atomic uint64_t *word;
	sls_src_entry_t *e;
	uint64_t w, n, fresh = WORD(now, LOW_MASK);
	bool found, ok;
	int round;

	for (round = 0; round < CLAIM_TRIES; round++) {
		if ((e = find(t, s->key)) == NULL) {
			/* a new source: its first request or reply counts */
			if (is_err) {
				n = next_err(fresh, p, now, &ok);
				v = ok ? SLS_SRC_PASS : SLS_SRC_LIMITED;
				e = claim(t, s, p, now, fresh, n, &found,
				    evicted);
			} else {
				n = next_req(fresh, p, now, &v);
				e = claim(t, s, p, now, n, fresh, &found,
				    evicted);
			}
			if (e == NULL || !found)
				return v;	/* claimed, or fail open */
		}
		word = is_err ? &e->err : &e->req;
		w = atomic_load_explicit(word, memory_order_relaxed);
		for (;;) {
			if (is_err) {
				n = next_err(w, p, now, &ok);
				v = ok ? SLS_SRC_PASS : SLS_SRC_LIMITED;
			} else {
				n = next_req(w, p, now, &v);
			}
			if (atomic_compare_exchange_weak_explicit(word, &w, n,
			    memory_order_relaxed, memory_order_relaxed))
				return v;
			/* another worker updated it; or the slot was taken */
			if (atomic_load_explicit(&e->key,
			    memory_order_relaxed) != s->key)
				break;
		}
	}
	return SLS_SRC_PASS;	/* lost every round: fail open */
}

enum sls_src_verdict
sls_srctable_request(sls_srctable_t *t, const sls_src_t *s,
    const sls_src_params_t *p, uint64_t now_ms, bool *evicted)
{
	if (evicted != NULL)
		*evicted = false;
	return update(t, s, p, (uint32_t)now_ms, false, evicted);
}

bool
sls_srctable_error_reply(sls_srctable_t *t, const sls_src_t *s,
    const sls_src_params_t *p, uint64_t now_ms, bool *evicted)
{
	if (evicted != NULL)
		*evicted = false;
	return update(t, s, p, (uint32_t)now_ms, true, evicted) ==
	    SLS_SRC_PASS;
}

bool
sls_srctable_unblock(sls_srctable_t *t, const sls_src_t *s,
    const sls_src_params_t *p, uint64_t now_ms)
{
	uint32_t now = (uint32_t)now_ms;
	sls_src_entry_t *e = find(t, s->key);
	uint64_t w;

	if (e == NULL)
		return false;
	w = atomic_load_explicit(&e->req, memory_order_relaxed);
	do {
		if (!blocked_now(w, p, now))
			return false;
	} while (!atomic_compare_exchange_weak_explicit(&e->req, &w,
	    WORD(now, LOW_MASK), memory_order_relaxed, memory_order_relaxed));
	return true;
}

size_t
sls_srctable_blocked(const sls_srctable_t *t, const sls_src_params_t *p,
    uint64_t now_ms, size_t max,
    void (*fn)(void *arg, const sls_src_blocked_t *b), void *arg)
{
	uint32_t now = (uint32_t)now_ms, i;
	const sls_src_entry_t *e;
	sls_src_blocked_t b;
	uint64_t key, w, a;
	size_t n = 0;

	for (i = 0; i < t->size; i++) {
		e = &t->slot[i];
		key = atomic_load_explicit(&e->key, memory_order_acquire);
		w = atomic_load_explicit(&e->req, memory_order_relaxed);
		if (key == 0 || !blocked_now(w, p, now))
			continue;
		if (fn != NULL && n < max) {
			memset(&b, 0, sizeof(b));
			b.src.key = key;
			a = atomic_load_explicit(&e->addr[0],
			    memory_order_relaxed);
			memcpy(b.src.addr, &a, 8);
			a = atomic_load_explicit(&e->addr[1],
			    memory_order_relaxed);
			memcpy(b.src.addr + 8, &a, 8);
			b.src.prefix = (uint8_t)atomic_load_explicit(&e->meta,
			    memory_order_relaxed);
			b.src.v4 = b.src.prefix == 128 &&
			    b.src.addr[10] == 0xff && b.src.addr[11] == 0xff &&
			    load64(b.src.addr) == 0 && b.src.addr[8] == 0 &&
			    b.src.addr[9] == 0;
			b.ms_left = p->block_ms - elapsed(now, STAMP(w));
			b.requests = (uint32_t)LOW(w);
			fn(arg, &b);
		}
		n++;
	}
	return n;
}

uint32_t
sls_srctable_used(const sls_srctable_t *t)
{
	uint32_t i, n = 0;

	for (i = 0; i < t->size; i++)
		if (atomic_load_explicit(&t->slot[i].key,
		    memory_order_relaxed) != 0)
			n++;
	return n;
}
