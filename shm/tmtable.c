/*
 * The server-transaction table: open addressing over a power-of-two
 * array of slots, shared by the workers, the timer process and the
 * supervisor. No mutex and no system call.
 *
 * Protocol
 *
 * Position. A transaction lives in the 16-slot window that starts at
 * kpos & mask, where kpos hashes Call-ID, From tag and CSeq number: a
 * request's retransmissions, its ACK (whatever its branch) and its
 * CANCEL all share them, so one window holds everything a lookup needs.
 * The §17.2.3 key (branch, sent-by, method) is kbr, compared in the slot.
 *
 * Contents. A slot's keys, reply and addresses are written once, by the
 * worker that inserts it, under the slot's version word seq, exactly as
 * in the signature table (sigtable.c): even = stable, odd = owned by the
 * writer whose pid it holds. The writer takes the slot with a CAS from
 * the even value it read (which showed the slot free), stores everything,
 * then publishes the next even version with release. Readers snapshot
 * (seq, fields, fence, seq again) and retry or skip a slot that stays
 * odd; the reply bytes are copied the same way and discarded when the
 * version moved.
 *
 * Life. After publication only the life word changes: state and end
 * time, with the low 16 bits of the version, moved by CAS from the value
 * read: an ACK (COMPLETED -> CONFIRMED, new end), the timer process
 * (-> TERMINATED). A CAS that expected an older version or state fails,
 * so a late ACK can never touch the next transaction in the slot.
 *
 * Reuse. A slot is free when it is FREE or TERMINATED, or when its end
 * passed SLS_TM_REUSE_GRACE_MS ago (the timer process is gone or late):
 * a table never fills up with transactions nobody ends.
 *
 * Hints. hint[i] is a digest of the kpos of slot i and of its version
 * (never 0), written by the inserter before it publishes. A lookup reads
 * the 16 hints (two cache lines) and snapshots only the slots whose
 * digest matches. The timer process clears a hint with a CAS after the
 * slot is TERMINATED; the version in it keeps that CAS from clearing the
 * hint of a newer transaction in the same slot. An insert prefers slots
 * whose hint is 0.
 *
 * Dead processes. A worker killed inside its stores leaves the slot odd:
 * everyone skips it until the supervisor, after reaping that pid, calls
 * sls_tmtable_release(), which frees it. Every other change is a single
 * atomic instruction, so a process killed anywhere else leaves nothing
 * half done. The timer process keeps its schedule in its own memory and
 * rebuilds it from the table when it is respawned.
 *
 * Timer wake-up. Inserting sets the slot's dirty bit, then reads wake_at
 * (both sequentially consistent); the timer process stores wake_at, then
 * reads the dirty bits before it sleeps. So either the worker sees when
 * the timer will wake and wakes it if that is too late, or the timer sees
 * the bit and does not sleep. See sls_tmtable_notify/sleep.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include <string.h>
#include <unistd.h>

#include "owner.h"
#include "tmtable.h"

#define SEQ_LOCKED	1ULL
#define SEQ_VMASK	0xffffffff00000000ULL
#define SEQ_VER(s)	((uint32_t)((s) >> 32))
#define SEQ_OWNER(s)	((uint32_t)(s) >> 1)

#define LIFE(end, ver, st) \
	((uint64_t)(end) << 20 | ((uint64_t)(ver) & 0xffff) << 4 | (st))
#define LIFE_STATE(l)	((enum sls_tm_state)((l) & 0xf))
#define LIFE_END(l)	((l) >> 20)
#define END_MAX		((1ULL << 44) - 1)

#define HINT_TOP	0x8000000000000000ULL
#define HINT(kpos, ver) \
	((((kpos) | HINT_TOP) & ~0xffffULL) | ((uint64_t)(ver) & 0xffff))
#define HINT_MATCH(h, kpos) \
	(((h) & ~0xffffULL) == (((kpos) | HINT_TOP) & ~0xffffULL))

/*
 * info: code 10 bits, len 11, sock 16, invite 1, dstlen 6, locallen 6,
 * method 8
 */
#define INFO(c, l, s, i, d, o, m) \
	((uint64_t)(c) | (uint64_t)(l) << 10 | (uint64_t)(s) << 21 | \
	(uint64_t)(i) << 37 | (uint64_t)(d) << 38 | (uint64_t)(o) << 44 | \
	(uint64_t)(m) << 50)

#define READ_TRIES	64	/* per slot, before it is skipped */
#define PUT_TRIES	4	/* window rounds lost before an insert stops */
#define END_ROUND	1024	/* max_end moves in steps of this many ms */

_Static_assert(sizeof(sls_tm_meta_t) == 64, "meta is one cache line");
_Static_assert(sizeof(sls_tm_blob_t) == SLS_TM_BLOB, "blob size");
_Static_assert(SLS_TM_REPLY_MAX % 8 == 0 && SLS_TM_REPLY_MAX < 2048,
    "reply length fits its field");
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "64-bit atomics lock-free");

/* ---- the parts of the region ---------------------------------------- */

static size_t
round64(size_t n)
{
	return (n + 63) / 64 * 64;
}

static inline _Atomic uint64_t *
hints(const sls_tmtable_t *t)
{
	return (_Atomic uint64_t *)((char *)t + t->hint_off);
}

static inline _Atomic uint64_t *
dirty(const sls_tmtable_t *t)
{
	return (_Atomic uint64_t *)((char *)t + t->dirty_off);
}

static inline sls_tm_meta_t *
meta(const sls_tmtable_t *t, uint32_t i)
{
	return (sls_tm_meta_t *)((char *)t + t->meta_off) + i;
}

static inline sls_tm_blob_t *
blob(const sls_tmtable_t *t, uint32_t i)
{
	return (sls_tm_blob_t *)((char *)t + t->blob_off) + i;
}

uint32_t
sls_tmtable_dirty_words(const sls_tmtable_t *t)
{
	return (t->size + 63) / 64;
}

size_t
sls_tmtable_bytes(uint32_t size)
{
	return round64(sizeof(sls_tmtable_t)) + round64((size_t)size * 8) +
	    round64(((size_t)size + 63) / 64 * 8) +
	    (size_t)size * sizeof(sls_tm_meta_t) +
	    (size_t)size * sizeof(sls_tm_blob_t);
}

/*
 * Everything but the blobs is initialised: 72 bytes per slot. A blob is
 * read only under a published version, so the large part of the region
 * is first touched when its slot is first used.
 */
void
sls_tmtable_init(sls_tmtable_t *t, uint32_t size)
{
	uint32_t i, j;

	t->size = size;
	t->mask = size - 1;
	t->hint_off = round64(sizeof(sls_tmtable_t));
	t->dirty_off = t->hint_off + round64((size_t)size * 8);
	t->meta_off = t->dirty_off + round64(((size_t)size + 63) / 64 * 8);
	t->blob_off = t->meta_off + (size_t)size * sizeof(sls_tm_meta_t);
	atomic_init(&t->max_end, 0);
	atomic_init(&t->wake_at, 0);
	for (i = 0; i < size; i++) {
		sls_tm_meta_t *m = meta(t, i);

		atomic_init(&hints(t)[i], 0);
		atomic_init(&m->seq, 0);
		atomic_init(&m->life, 0);
		atomic_init(&m->kpos, 0);
		atomic_init(&m->kbr, 0);
		atomic_init(&m->tag_hash, 0);
		atomic_init(&m->created_ms, 0);
		atomic_init(&m->timing, 0);
		atomic_init(&m->info, 0);
	}
	for (j = 0; j < sls_tmtable_dirty_words(t); j++)
		atomic_init(&dirty(t)[j], 0);
}

/* ---- reading -------------------------------------------------------- */

static void
decode(uint32_t idx, uint64_t seq, const uint64_t w[7], sls_tm_entry_t *e)
{
	e->idx = idx;
	e->ver = SEQ_VER(seq);
	e->life = w[0];
	e->state = LIFE_STATE(w[0]);
	e->end_ms = LIFE_END(w[0]);
	e->kpos = w[1];
	e->kbr = w[2];
	e->tag_hash = w[3];
	e->created_ms = w[4];
	e->t1 = (uint32_t)w[5];
	e->t2 = (uint32_t)(w[5] >> 32);
	e->code = (uint16_t)(w[6] & 0x3ff);
	e->len = (uint16_t)(w[6] >> 10 & 0x7ff);
	e->sock = (uint16_t)(w[6] >> 21 & 0xffff);
	e->invite = (w[6] >> 37 & 1) != 0;
	e->dstlen = (uint8_t)(w[6] >> 38 & 0x3f);
	e->locallen = (uint8_t)(w[6] >> 44 & 0x3f);
	e->method = (uint8_t)(w[6] >> 50 & 0xff);
}

bool
sls_tmtable_read(sls_tmtable_t *t, uint32_t idx, sls_tm_entry_t *e)
{
	sls_tm_meta_t *m = meta(t, idx & t->mask);
	uint64_t s1, s2, w[7];
	int i;

	for (i = 0; i < READ_TRIES; i++) {
		s1 = atomic_load_explicit(&m->seq, memory_order_acquire);
		if ((s1 & SEQ_LOCKED) == 0) {
			w[0] = atomic_load_explicit(&m->life,
			    memory_order_relaxed);
			w[1] = atomic_load_explicit(&m->kpos,
			    memory_order_relaxed);
			w[2] = atomic_load_explicit(&m->kbr,
			    memory_order_relaxed);
			w[3] = atomic_load_explicit(&m->tag_hash,
			    memory_order_relaxed);
			w[4] = atomic_load_explicit(&m->created_ms,
			    memory_order_relaxed);
			w[5] = atomic_load_explicit(&m->timing,
			    memory_order_relaxed);
			w[6] = atomic_load_explicit(&m->info,
			    memory_order_relaxed);
			atomic_thread_fence(memory_order_acquire);
			s2 = atomic_load_explicit(&m->seq,
			    memory_order_relaxed);
			if (s1 == s2) {
				decode(idx & t->mask, s1, w, e);
				return true;
			}
		}
		sls_cpu_relax();
	}
	return false;
}

static bool
is_live(const sls_tm_entry_t *e, uint64_t now)
{
	return (e->state == SLS_TM_PROCEEDING ||
	    e->state == SLS_TM_COMPLETED || e->state == SLS_TM_CONFIRMED) &&
	    e->end_ms > now;
}

static bool
is_reusable(const sls_tm_entry_t *e, uint64_t now)
{
	return e->state == SLS_TM_FREE || e->state == SLS_TM_TERMINATED ||
	    e->end_ms + SLS_TM_REUSE_GRACE_MS <= now;
}

bool
sls_tmtable_idle(sls_tmtable_t *t, uint64_t now_ms)
{
	return now_ms >= atomic_load_explicit(&t->max_end,
	    memory_order_relaxed);
}

int
sls_tmtable_find(sls_tmtable_t *t, uint64_t kpos, uint64_t now_ms,
    sls_tm_entry_t *out, int max)
{
	uint32_t base = (uint32_t)kpos & t->mask, idx;
	uint64_t h;
	int i, n = 0;

	for (i = 0; i < SLS_TM_WINDOW && n < max; i++) {
		idx = (base + (uint32_t)i) & t->mask;
		h = atomic_load_explicit(&hints(t)[idx], memory_order_acquire);
		if (!HINT_MATCH(h, kpos) || !sls_tmtable_read(t, idx, &out[n]))
			continue;
		if (out[n].kpos == kpos && is_live(&out[n], now_ms))
			n++;
	}
	return n;
}

void
sls_tmtable_prefetch(sls_tmtable_t *t, uint64_t kpos)
{
	uint32_t base = (uint32_t)kpos & t->mask, idx;
	const char *b;
	int i, j;

	for (i = 0; i < SLS_TM_WINDOW; i++) {
		idx = (base + (uint32_t)i) & t->mask;
		if (atomic_load_explicit(&hints(t)[idx],
		    memory_order_relaxed) != 0)
			continue;
		__builtin_prefetch(meta(t, idx), 1, 3);
		b = (const char *)blob(t, idx);
		for (j = 0; j < 8; j++)	/* addresses, 448 reply bytes */
			__builtin_prefetch(b + 64 * j, 1, 3);
		return;
	}
}

/* Words to bytes, whatever the byte order: memcpy both ways. */
static void
copy_words(_Atomic uint64_t *w, void *to, size_t len)
{
	uint64_t v;
	size_t i;

	for (i = 0; i < len; i += 8) {
		v = atomic_load_explicit(&w[i / 8], memory_order_relaxed);
		memcpy((char *)to + i, &v, len - i < 8 ? len - i : 8);
	}
}

static void
store_words(_Atomic uint64_t *w, const void *from, size_t len)
{
	uint64_t v;
	size_t i;

	for (i = 0; i < len; i += 8) {
		v = 0;
		memcpy(&v, (const char *)from + i, len - i < 8 ? len - i : 8);
		atomic_store_explicit(&w[i / 8], v, memory_order_relaxed);
	}
}

ssize_t
sls_tmtable_copy(sls_tmtable_t *t, const sls_tm_entry_t *e, void *reply,
    size_t cap, void *dst, void *local)
{
	sls_tm_meta_t *m = meta(t, e->idx);
	sls_tm_blob_t *b = blob(t, e->idx);
	uint64_t s1, s2;

	if (e->len > cap || e->len > SLS_TM_REPLY_MAX)
		return -1;
	s1 = atomic_load_explicit(&m->seq, memory_order_acquire);
	if (s1 != (uint64_t)e->ver << 32)
		return -1;
	copy_words(b->reply, reply, e->len);
	if (dst != NULL)
		copy_words(b->dst, dst, SLS_TM_ADDR_MAX);
	if (local != NULL)
		copy_words(b->local, local, SLS_TM_ADDR_MAX);
	atomic_thread_fence(memory_order_acquire);
	s2 = atomic_load_explicit(&m->seq, memory_order_relaxed);
	return s2 == s1 ? (ssize_t)e->len : -1;
}

/* ---- writing -------------------------------------------------------- */

uint64_t
sls_tmtable_seq(sls_tmtable_t *t, uint32_t idx)
{
	return atomic_load_explicit(&meta(t, idx & t->mask)->seq,
	    memory_order_acquire);
}

bool
sls_tmtable_claim(sls_tmtable_t *t, uint32_t idx, uint64_t seen_seq)
{
	uint64_t mine = (seen_seq & SEQ_VMASK) | sls_owner_pid() << 1 |
	    SEQ_LOCKED;

	if ((seen_seq & SEQ_LOCKED) != 0)
		return false;
	if (!atomic_compare_exchange_strong_explicit(&meta(t, idx)->seq,
	    &seen_seq, mine, memory_order_acquire, memory_order_relaxed))
		return false;
	/* Readers that see any store that follows also see the odd seq. */
	atomic_thread_fence(memory_order_release);
	return true;
}

/* max_end never goes down; it moves in END_ROUND steps, rarely written. */
static void
raise_max_end(sls_tmtable_t *t, uint64_t end)
{
	uint64_t want = (end | (END_ROUND - 1)) + 1;
	uint64_t cur = atomic_load_explicit(&t->max_end, memory_order_relaxed);

	while (cur < want && !atomic_compare_exchange_weak_explicit(
	    &t->max_end, &cur, want, memory_order_relaxed,
	    memory_order_relaxed))
		;
}

/* The stores of an insert into a claimed slot, then publication. */
static void
fill(sls_tmtable_t *t, uint32_t idx, uint64_t seen, const sls_tm_new_t *n)
{
	sls_tm_meta_t *m = meta(t, idx);
	sls_tm_blob_t *b = blob(t, idx);
	uint32_t ver = SEQ_VER(seen) + 1;
	uint64_t end = n->end_ms < END_MAX ? n->end_ms : END_MAX;

	atomic_store_explicit(&m->kpos, n->kpos, memory_order_relaxed);
	atomic_store_explicit(&m->kbr, n->kbr, memory_order_relaxed);
	atomic_store_explicit(&m->tag_hash, n->tag_hash, memory_order_relaxed);
	atomic_store_explicit(&m->created_ms, n->created_ms,
	    memory_order_relaxed);
	atomic_store_explicit(&m->timing, (uint64_t)n->t1 |
	    (uint64_t)n->t2 << 32, memory_order_relaxed);
	atomic_store_explicit(&m->info, INFO(n->code & 0x3ff, n->len,
	    n->sock, n->invite ? 1 : 0, n->dstlen, n->locallen, n->method),
	    memory_order_relaxed);
	store_words(b->dst, n->dst, n->dstlen);
	store_words(b->local, n->local, n->locallen);
	store_words(b->reply, n->reply, n->len);
	atomic_store_explicit(&m->life, LIFE(end, ver, n->state),
	    memory_order_relaxed);
	atomic_store_explicit(&hints(t)[idx], HINT(n->kpos, ver),
	    memory_order_relaxed);
	atomic_store_explicit(&m->seq, (uint64_t)ver << 32,
	    memory_order_release);
	raise_max_end(t, end);
}

/* A live entry of the window with the same kpos and kbr, or -1. */
static int
find_dup(sls_tmtable_t *t, const sls_tm_new_t *n, uint64_t now,
    const uint64_t *h, sls_tm_entry_t *dup)
{
	uint32_t base = (uint32_t)n->kpos & t->mask;
	int i;

	for (i = 0; i < SLS_TM_WINDOW; i++)
		if (HINT_MATCH(h[i], n->kpos) &&
		    sls_tmtable_read(t, (base + (uint32_t)i) & t->mask, dup) &&
		    dup->kpos == n->kpos && dup->kbr == n->kbr &&
		    is_live(dup, now))
			return i;
	return -1;
}

/*
 * Try the window's slots whose hint is (pass 0) or is not (pass 1) zero;
 * 1 stored, 0 none free, -1 lost a race (read the window again).
 */
static int
try_slots(sls_tmtable_t *t, const sls_tm_new_t *n, uint64_t now,
    const uint64_t *h, int pass, uint32_t *idx)
{
	uint32_t base = (uint32_t)n->kpos & t->mask, i_;
	sls_tm_entry_t e;
	uint64_t seen;
	int i, lost = 0;

	for (i = 0; i < SLS_TM_WINDOW; i++) {
		if ((h[i] == 0) != (pass == 0))
			continue;
		i_ = (base + (uint32_t)i) & t->mask;
		if (!sls_tmtable_read(t, i_, &e) || !is_reusable(&e, now))
			continue;
		seen = (uint64_t)e.ver << 32;
		if (!sls_tmtable_claim(t, i_, seen)) {
			lost = 1;
			continue;
		}
		fill(t, i_, seen, n);
		*idx = i_;
		return 1;
	}
	return lost ? -1 : 0;
}

enum sls_tm_put
sls_tmtable_insert(sls_tmtable_t *t, const sls_tm_new_t *n, uint64_t now_ms,
    uint32_t *idx, sls_tm_entry_t *dup)
{
	uint32_t base = (uint32_t)n->kpos & t->mask;
	uint64_t h[SLS_TM_WINDOW];
	int i, round, r;

	if (n->len > SLS_TM_REPLY_MAX || n->dstlen > SLS_TM_ADDR_MAX ||
	    n->locallen > SLS_TM_ADDR_MAX)
		return SLS_TM_PUT_FULL;
	for (round = 0; round < PUT_TRIES; round++) {
		for (i = 0; i < SLS_TM_WINDOW; i++)
			h[i] = atomic_load_explicit(&hints(t)[(base +
			    (uint32_t)i) & t->mask], memory_order_acquire);
		if (find_dup(t, n, now_ms, h, dup) >= 0)
			return SLS_TM_PUT_DUP;
		r = try_slots(t, n, now_ms, h, 0, idx);
		if (r == 0)
			r = try_slots(t, n, now_ms, h, 1, idx);
		if (r > 0)
			return SLS_TM_PUT_NEW;
		if (r == 0)
			break;
		sls_cpu_relax();
	}
	return SLS_TM_PUT_FULL;
}

bool
sls_tmtable_set(sls_tmtable_t *t, const sls_tm_entry_t *e,
    enum sls_tm_state st, uint64_t end_ms)
{
	uint64_t expect = e->life;

	if (end_ms > END_MAX)
		end_ms = END_MAX;
	if (!atomic_compare_exchange_strong_explicit(&meta(t, e->idx)->life,
	    &expect, LIFE(end_ms, e->ver, st), memory_order_acq_rel,
	    memory_order_relaxed))
		return false;
	raise_max_end(t, end_ms);
	return true;
}

bool
sls_tmtable_end(sls_tmtable_t *t, const sls_tm_entry_t *e)
{
	uint64_t expect = e->life, h = HINT(e->kpos, e->ver);

	if (!atomic_compare_exchange_strong_explicit(&meta(t, e->idx)->life,
	    &expect, LIFE(e->end_ms, e->ver, SLS_TM_TERMINATED),
	    memory_order_acq_rel, memory_order_relaxed))
		return false;
	/* Fails harmlessly if the slot already holds a newer entry. */
	(void)atomic_compare_exchange_strong_explicit(&hints(t)[e->idx], &h,
	    0, memory_order_relaxed, memory_order_relaxed);
	return true;
}

/* ---- the timer process's wake-up ------------------------------------ */

bool
sls_tmtable_notify(sls_tmtable_t *t, uint32_t idx, uint64_t due_ms)
{
	uint64_t w;

	idx &= t->mask;
	atomic_fetch_or(&dirty(t)[idx / 64], 1ULL << (idx % 64));
	w = atomic_load(&t->wake_at);
	return w != 0 && due_ms < w &&
	    atomic_compare_exchange_strong(&t->wake_at, &w, 0);
}

uint64_t
sls_tmtable_take_dirty(sls_tmtable_t *t, uint32_t word)
{
	_Atomic uint64_t *d = &dirty(t)[word];

	if (atomic_load_explicit(d, memory_order_relaxed) == 0)
		return 0;
	return atomic_exchange_explicit(d, 0, memory_order_acquire);
}

bool
sls_tmtable_sleep(sls_tmtable_t *t, uint64_t next_ms)
{
	uint32_t j;

	atomic_store(&t->wake_at, next_ms != 0 ? next_ms : 1);
	for (j = 0; j < sls_tmtable_dirty_words(t); j++)
		if (atomic_load(&dirty(t)[j]) != 0) {
			atomic_store(&t->wake_at, 0);
			return false;
		}
	return true;
}

void
sls_tmtable_awake(sls_tmtable_t *t)
{
	atomic_store(&t->wake_at, 0);
}

/* ---- scans ---------------------------------------------------------- */

uint32_t
sls_tmtable_used(sls_tmtable_t *t, uint64_t now_ms)
{
	uint64_t l;
	uint32_t i, n = 0;
	enum sls_tm_state st;

	for (i = 0; i < t->size; i++) {
		l = atomic_load_explicit(&meta(t, i)->life,
		    memory_order_relaxed);
		st = LIFE_STATE(l);
		if ((st == SLS_TM_PROCEEDING || st == SLS_TM_COMPLETED ||
		    st == SLS_TM_CONFIRMED) && LIFE_END(l) > now_ms)
			n++;
	}
	return n;
}

uint32_t
sls_tmtable_release(sls_tmtable_t *t, pid_t pid)
{
	sls_tm_meta_t *m;
	uint64_t s;
	uint32_t i, n = 0;

	if (pid <= 0)
		return 0;
	for (i = 0; i < t->size; i++) {
		m = meta(t, i);
		s = atomic_load_explicit(&m->seq, memory_order_acquire);
		if ((s & SEQ_LOCKED) == 0 || SEQ_OWNER(s) != (uint32_t)pid)
			continue;
		/* The owner is dead: nobody else writes an odd slot. */
		atomic_store_explicit(&hints(t)[i], 0, memory_order_relaxed);
		atomic_store_explicit(&m->life, 0, memory_order_relaxed);
		atomic_store_explicit(&m->seq, ((s >> 32) + 1) << 32,
		    memory_order_release);
		n++;
	}
	return n;
}
