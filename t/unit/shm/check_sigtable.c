/*
 * Signature timer table (shm/sigtable.c): insert, refresh, expiry,
 * mismatch, reuse of expired slots, eviction of the oldest live entry,
 * the used count, recovery of a slot left locked by a dead writer, and
 * real processes hammering one table in a shared segment at once
 * (check_sigtable_ptrace.c catches single-stepped ones in the middle of
 * a read or a write). Time is
 * passed in explicitly (now_ms); only the clock test sleeps.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include <check.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"
#include "shm/segment.h"
#include "shm/sigtable.h"

#include "sigtable_fixture.h"

START_TEST(test_layout)
{
	ck_assert_uint_eq(sizeof(sls_sig_entry_t), 32);
	ck_assert_uint_eq(sls_sigtable_bytes(16), 32 + 16 * 32);
	ck_assert_uint_eq(sls_sigtable_bytes(262144), 32 + 262144 * 32);
	ck_assert_uint_eq(t->size, 16);
	ck_assert_uint_eq(t->mask, 15);
	ck_assert_uint_eq(atomic_load(&t->slot[15].key), 0);
	ck_assert_uint_eq(atomic_load(&t->slot[15].seq), 0);
	ck_assert_uint_eq(sls_sigtable_used(t, 0), 0);
}
END_TEST

START_TEST(test_insert_lookup)
{
	uint64_t a = k16(3, 1), b = k16(3, 2), c = k16(4, 3);

	ck_assert(!sls_sigtable_insert(t, a, 111, 1000, 33000));
	ck_assert_int_eq(sls_sigtable_lookup(t, a, 111, 1000), SLS_SIG_MATCH);
	ck_assert_int_eq(sls_sigtable_lookup(t, a, 112, 1000),
	    SLS_SIG_MISMATCH);
	ck_assert_int_eq(sls_sigtable_lookup(t, b, 111, 1000), SLS_SIG_MISS);
	ck_assert_int_eq(sls_sigtable_lookup(t, c, 111, 1000), SLS_SIG_MISS);
	ck_assert_int_eq(slot_of(a), 3);

	ck_assert_int_eq(sls_sigtable_put(t, b, 222, 1000, 33000),
	    SLS_PUT_NEW);
	ck_assert_int_eq(slot_of(b), 4);	/* next in a's window */
	ck_assert_int_eq(sls_sigtable_put(t, c, 333, 1000, 33000),
	    SLS_PUT_NEW);
	ck_assert_int_eq(slot_of(c), 5);	/* its own base was taken */
	ck_assert_int_eq(sls_sigtable_lookup(t, b, 222, 1000), SLS_SIG_MATCH);
	ck_assert_int_eq(sls_sigtable_lookup(t, c, 333, 1000), SLS_SIG_MATCH);
	ck_assert_int_eq(sls_sigtable_lookup(t, c, 222, 1000),
	    SLS_SIG_MISMATCH);
	ck_assert_int_eq(sls_sigtable_lookup(t, a, 111, 32999),
	    SLS_SIG_MATCH);
	ck_assert_uint_eq(sls_sigtable_used(t, 1000), 3);
}
END_TEST

START_TEST(test_expiry)
{
	uint64_t a = k16(7, 1);

	ck_assert_int_eq(sls_sigtable_put(t, a, 5, 1000, 2000), SLS_PUT_NEW);
	ck_assert_int_eq(sls_sigtable_lookup(t, a, 5, 1999), SLS_SIG_MATCH);
	ck_assert_int_eq(sls_sigtable_lookup(t, a, 5, 2000), SLS_SIG_EXPIRED);
	ck_assert_int_eq(sls_sigtable_lookup(t, a, 5, 90000),
	    SLS_SIG_EXPIRED);
	ck_assert_int_eq(sls_sigtable_lookup(t, a, 6, 90000),
	    SLS_SIG_MISMATCH);
	ck_assert_uint_eq(sls_sigtable_used(t, 1999), 1);
	ck_assert_uint_eq(sls_sigtable_used(t, 2000), 0);
}
END_TEST

START_TEST(test_refresh)
{
	uint64_t a = k16(2, 1);

	ck_assert_int_eq(sls_sigtable_put(t, a, 9, 1000, 2000), SLS_PUT_NEW);
	/* a live entry: retransmitted INVITE, reply sent again */
	ck_assert_int_eq(sls_sigtable_put(t, a, 9, 1500, 3500),
	    SLS_PUT_REFRESHED);
	ck_assert_int_eq(sls_sigtable_lookup(t, a, 9, 3000), SLS_SIG_MATCH);
	ck_assert_int_eq(sls_sigtable_lookup(t, a, 9, 3500), SLS_SIG_EXPIRED);
	/* an expired one is refreshed in place, not duplicated */
	ck_assert(!sls_sigtable_insert(t, a, 9, 4000, 6000));
	ck_assert_int_eq(sls_sigtable_lookup(t, a, 9, 5999), SLS_SIG_MATCH);
	ck_assert_uint_eq(sls_sigtable_used(t, 4000), 1);
	ck_assert_int_eq(slot_of(a), 2);
	ck_assert_uint_eq(atomic_load(&t->slot[2].expires_ms), 6000);
	ck_assert_uint_eq(atomic_load(&t->slot[3].key), 0);
}
END_TEST

START_TEST(test_two_tags)
{
	uint64_t a = k16(9, 1);

	/* the same transaction answered with two to-tags (forked) */
	ck_assert_int_eq(sls_sigtable_put(t, a, 1, 1000, 5000), SLS_PUT_NEW);
	ck_assert_int_eq(sls_sigtable_put(t, a, 2, 1000, 3000), SLS_PUT_NEW);
	ck_assert_int_eq(sls_sigtable_lookup(t, a, 1, 2000), SLS_SIG_MATCH);
	ck_assert_int_eq(sls_sigtable_lookup(t, a, 2, 2000), SLS_SIG_MATCH);
	ck_assert_int_eq(sls_sigtable_lookup(t, a, 3, 2000),
	    SLS_SIG_MISMATCH);
	/* expired tag 2 but live tag 1: EXPIRED for 2, MATCH for 1 */
	ck_assert_int_eq(sls_sigtable_lookup(t, a, 2, 4000), SLS_SIG_EXPIRED);
	ck_assert_int_eq(sls_sigtable_lookup(t, a, 1, 4000), SLS_SIG_MATCH);
	ck_assert_int_eq(sls_sigtable_lookup(t, a, 3, 4000),
	    SLS_SIG_MISMATCH);
	ck_assert_uint_eq(sls_sigtable_used(t, 2000), 2);
	ck_assert_uint_eq(sls_sigtable_used(t, 4000), 1);
}
END_TEST

START_TEST(test_reuse_expired)
{
	uint64_t x = k16(0, 100);
	unsigned i;

	/* window 0..7 full; keys 0 and 1 expire first, at 1000 and 1100 */
	for (i = 0; i < 8; i++)
		ck_assert_int_eq(sls_sigtable_put(t, k16(0, i), 50 + i, 500,
		    1000 + 100 * i), SLS_PUT_NEW);
	ck_assert_uint_eq(sls_sigtable_used(t, 500), 8);
	ck_assert_uint_eq(sls_sigtable_used(t, 1150), 6);
	/* an expired slot is taken: not an eviction */
	ck_assert(!sls_sigtable_insert(t, x, 7, 1150, 40000));
	ck_assert_int_eq(slot_of(x), 0);
	ck_assert_int_eq(sls_sigtable_lookup(t, x, 7, 1150), SLS_SIG_MATCH);
	ck_assert_int_eq(sls_sigtable_lookup(t, k16(0, 0), 50, 1150),
	    SLS_SIG_MISS);
	ck_assert_int_eq(sls_sigtable_lookup(t, k16(0, 1), 51, 1150),
	    SLS_SIG_EXPIRED);
	for (i = 2; i < 8; i++)
		ck_assert_int_eq(sls_sigtable_lookup(t, k16(0, i), 50 + i,
		    1150), SLS_SIG_MATCH);
	ck_assert_uint_eq(sls_sigtable_used(t, 1150), 7);
	/* the other expired one next */
	ck_assert_int_eq(sls_sigtable_put(t, k16(0, 101), 8, 1150, 40000),
	    SLS_PUT_NEW);
	ck_assert_int_eq(slot_of(k16(0, 101)), 1);
}
END_TEST

START_TEST(test_evict_oldest)
{
	static const uint64_t exp[8] = { 5000, 3000, 7000, 2000, 6000, 4000,
	    8000, 9000 };
	uint64_t x = k16(0, 100), y = k16(0, 101), z = k16(1, 102);
	unsigned i;

	for (i = 0; i < 8; i++)
		ck_assert(!sls_sigtable_insert(t, k16(0, i), 50 + i, 1000,
		    exp[i]));
	ck_assert_uint_eq(sls_sigtable_used(t, 1000), 8);
	/* full window: the entry expiring first (key 3, 2000) goes */
	ck_assert(sls_sigtable_insert(t, x, 7, 1000, 33000));
	ck_assert_int_eq(slot_of(x), 3);
	ck_assert_int_eq(sls_sigtable_lookup(t, k16(0, 3), 53, 1000),
	    SLS_SIG_MISS);
	ck_assert_int_eq(sls_sigtable_lookup(t, x, 7, 1000), SLS_SIG_MATCH);
	for (i = 0; i < 8; i++)
		if (i != 3)
			ck_assert_int_eq(sls_sigtable_lookup(t, k16(0, i),
			    50 + i, 1000), SLS_SIG_MATCH);
	ck_assert_uint_eq(sls_sigtable_used(t, 1000), 8);
	/* then key 1 (3000) */
	ck_assert_int_eq(sls_sigtable_put(t, y, 8, 1000, 33000),
	    SLS_PUT_EVICTED);
	ck_assert_int_eq(slot_of(y), 1);
	ck_assert_int_eq(sls_sigtable_lookup(t, k16(0, 1), 51, 1000),
	    SLS_SIG_MISS);
	/* an overlapping window with a free slot (8) evicts nothing */
	ck_assert_int_eq(sls_sigtable_put(t, z, 9, 1000, 33000),
	    SLS_PUT_NEW);
	ck_assert_int_eq(slot_of(z), 8);
	ck_assert_uint_eq(sls_sigtable_used(t, 1000), 9);
	/* refreshing a live entry in a full window evicts nothing */
	ck_assert_int_eq(sls_sigtable_put(t, k16(0, 5), 55, 1000, 50000),
	    SLS_PUT_REFRESHED);
	ck_assert_int_eq(sls_sigtable_lookup(t, k16(0, 0), 50, 1000),
	    SLS_SIG_MATCH);
}
END_TEST

START_TEST(test_window_wraps)
{
	unsigned i;

	/* base 14: window 14, 15, 0, .., 5 */
	for (i = 0; i < 8; i++)
		ck_assert_int_eq(sls_sigtable_put(t, k16(14, i), i + 1, 10,
		    100 + i), SLS_PUT_NEW);
	ck_assert_int_eq(slot_of(k16(14, 0)), 14);
	ck_assert_int_eq(slot_of(k16(14, 1)), 15);
	ck_assert_int_eq(slot_of(k16(14, 2)), 0);
	ck_assert_int_eq(slot_of(k16(14, 7)), 5);
	for (i = 0; i < 8; i++)
		ck_assert_int_eq(sls_sigtable_lookup(t, k16(14, i), i + 1, 10),
		    SLS_SIG_MATCH);
	/* a window starting at 0 sees the wrapped entries */
	ck_assert_int_eq(sls_sigtable_put(t, k16(0, 50), 77, 10, 1000),
	    SLS_PUT_NEW);
	ck_assert_int_eq(slot_of(k16(0, 50)), 6);
	ck_assert_int_eq(sls_sigtable_put(t, k16(14, 9), 9, 10, 1000),
	    SLS_PUT_EVICTED);
	ck_assert_int_eq(slot_of(k16(14, 9)), 14);
	ck_assert_uint_eq(sls_sigtable_used(t, 10), 9);
}
END_TEST

START_TEST(test_key_zero)
{
	/* 0 marks an empty slot; a zero key is stored as 1 */
	ck_assert_int_eq(sls_sigtable_lookup(t, 0, 4, 10), SLS_SIG_MISS);
	ck_assert_int_eq(sls_sigtable_put(t, 0, 4, 10, 1000), SLS_PUT_NEW);
	ck_assert_int_eq(sls_sigtable_lookup(t, 0, 4, 10), SLS_SIG_MATCH);
	ck_assert_int_eq(slot_of(1), 1);
	ck_assert_uint_eq(sls_sigtable_used(t, 10), 1);
}
END_TEST

START_TEST(test_dead_writer)
{
	uint64_t a = k16(0, 1), b = k16(0, 2), s;

	ck_assert_int_eq(sls_sigtable_put(t, a, 1, 10, 1000), SLS_PUT_NEW);
	ck_assert_int_eq(slot_of(a), 0);
	/* process 4242 died between its lock CAS and its unlock */
	s = atomic_load(&t->slot[0].seq);
	ck_assert_uint_eq(s & 1, 0);
	atomic_store(&t->slot[0].seq, (s & 0xffffffff00000000ULL) |
	    4242ULL << 1 | 1);
	atomic_store(&t->slot[0].tag_hash, 99);
	/* readers skip it (bounded), writers go around it */
	ck_assert_int_eq(sls_sigtable_lookup(t, a, 1, 10), SLS_SIG_MISS);
	ck_assert_int_eq(sls_sigtable_lookup(t, a, 99, 10), SLS_SIG_MISS);
	ck_assert_int_eq(sls_sigtable_put(t, b, 2, 10, 1000), SLS_PUT_NEW);
	ck_assert_int_eq(slot_of(b), 1);
	ck_assert_uint_eq(sls_sigtable_used(t, 10), 1);
	/* the supervisor reaps 4242: only its slot is freed */
	ck_assert_uint_eq(sls_sigtable_release(t, 4243), 0);
	ck_assert_uint_eq(sls_sigtable_release(t, 0), 0);
	ck_assert_uint_eq(sls_sigtable_release(t, 4242), 1);
	ck_assert_uint_eq(sls_sigtable_release(t, 4242), 0);
	ck_assert_uint_eq(atomic_load(&t->slot[0].seq) & 1, 0);
	ck_assert_uint_ne(atomic_load(&t->slot[0].seq), s);
	ck_assert_int_eq(sls_sigtable_lookup(t, a, 1, 10), SLS_SIG_MISS);
	ck_assert_int_eq(sls_sigtable_put(t, a, 1, 10, 1000), SLS_PUT_NEW);
	ck_assert_int_eq(slot_of(a), 0);
	ck_assert_int_eq(sls_sigtable_lookup(t, a, 1, 10), SLS_SIG_MATCH);
	ck_assert_int_eq(sls_sigtable_lookup(t, b, 2, 10), SLS_SIG_MATCH);
	ck_assert_uint_eq(sls_sigtable_used(t, 10), 2);
}
END_TEST

START_TEST(test_now_ms)
{
	struct timespec d = { 0, 20 * 1000 * 1000 };
	uint64_t a, b;

	a = sls_now_ms();
	ck_assert_uint_gt(a, 0);
	nanosleep(&d, NULL);
	b = sls_now_ms();
	ck_assert_uint_ge(b, a + 19);
	ck_assert_uint_lt(b, a + 5000);
}
END_TEST

/* --- processes ---------------------------------------------------------- */

#define NPROC	4

static uint64_t
mix64(uint64_t x)
{
	/* splitmix64: a bijection, so distinct inputs give distinct keys */
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t
tag_of(uint64_t key)
{
	return mix64(key ^ 0x5bd1e9955bd1e995ULL);
}

typedef struct ctl {
	_Atomic int go;
	_Atomic int ready;
	_Atomic uint64_t put[NPROC][4];		/* by enum sls_sig_put */
	_Atomic uint64_t bad[NPROC];
} ctl_t;

static ctl_t *
ctl_new(void)
{
	ctl_t *c = mmap(NULL, sizeof(ctl_t), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(c, MAP_FAILED);
	memset(c, 0, sizeof(*c));
	return c;
}

/* Start together, so the processes really do collide. */
static void
child_wait(ctl_t *c)
{
	atomic_fetch_add(&c->ready, 1);
	while (atomic_load(&c->go) == 0)
		;
}

static void
start_and_reap(ctl_t *c, pid_t *pid, int n)
{
	int i, status;

	while (atomic_load(&c->ready) < n)
		sched_yield();
	atomic_store(&c->go, 1);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(waitpid(pid[i], &status, 0), pid[i]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "child %d: status 0x%x", i, status);
	}
}

/*
 * No eviction: a 16384-slot table gets exactly 16384 keys, in clusters of
 * 8 whose keys all start at the same slot (8c), two keys of each process
 * per cluster. Every window is thus filled exactly by its own 8 keys, the
 * four processes racing for the same slots, and every insert must be new.
 */
#define HAM_SIZE	16384
#define HAM_PER		(HAM_SIZE / NPROC)

static uint64_t
ham_key(unsigned g)
{
	return (mix64(g) & ~(uint64_t)(HAM_SIZE - 1)) | (g / 8 * 8);
}

static int
hammer_child(sls_shm_t *shm, ctl_t *c, int p, uint64_t now)
{
	sls_sigtable_t *tb = shm->sigtable;
	enum sls_sig_put r;
	unsigned cl, j, g;
	uint64_t k;

	child_wait(c);
	for (cl = 0; cl < HAM_SIZE / 8; cl++) {
		for (j = 0; j < 2; j++) {
			g = cl * 8 + (unsigned)p * 2 + j;
			k = ham_key(g);
			r = sls_sigtable_put(tb, k, tag_of(k), now,
			    now + 3600000);
			if (r != SLS_PUT_NEW)
				return 10 + (int)r;
			if (sls_sigtable_lookup(tb, k, tag_of(k), now) !=
			    SLS_SIG_MATCH)
				return 20;
			if (sls_sigtable_lookup(tb, k, tag_of(k) + 1, now) !=
			    SLS_SIG_MISMATCH)
				return 21;
		}
	}
	for (cl = 0; cl < HAM_SIZE / 8; cl++)
		for (j = 0; j < 2; j++) {
			k = ham_key(cl * 8 + (unsigned)p * 2 + j);
			if (sls_sigtable_lookup(tb, k, tag_of(k), now + 1000) !=
			    SLS_SIG_MATCH)
				return 30;
		}
	return 0;
}

START_TEST(test_hammer)
{
	sls_shm_t shm;
	ctl_t *c = ctl_new();
	pid_t pid[NPROC];
	uint64_t now = sls_now_ms(), k;
	unsigned g;
	int i;

	ck_assert_int_eq(sls_shm_create(&shm, HAM_SIZE), 0);
	for (i = 0; i < NPROC; i++) {
		pid[i] = fork();
		ck_assert_int_ge(pid[i], 0);
		if (pid[i] == 0)
			_exit(hammer_child(&shm, c, i, now));
	}
	start_and_reap(c, pid, NPROC);
	ck_assert_uint_eq(sls_sigtable_used(shm.sigtable, now), HAM_SIZE);
	for (g = 0; g < HAM_SIZE; g++) {
		k = ham_key(g);
		ck_assert_int_eq(sls_sigtable_lookup(shm.sigtable, k,
		    tag_of(k), now), SLS_SIG_MATCH);
	}
	/* and still no slot locked */
	for (g = 0; g < HAM_SIZE; g++)
		ck_assert_uint_eq(atomic_load(&shm.sigtable->slot[g].seq) & 1,
		    0);
	sls_shm_destroy(&shm);
	munmap(c, sizeof(*c));
}
END_TEST

/*
 * Evictions: 4 processes push distinct keys through a 16-slot table and
 * query pairs that were never inserted together. Nothing expires and no
 * key repeats, so each insert either fills an empty slot (NEW), replaces
 * a live entry (EVICTED) or is dropped; slots never empty again, hence
 * used == number of NEW == 16 at the end, NEW + EVICTED + DROPPED ==
 * inserts, and the evictions counted in the stats slots add up.
 */
#define EV_PER		20000

static uint64_t
ev_key(unsigned p, unsigned i)
{
	return mix64((uint64_t)p << 32 | i);
}

static uint64_t
rnd(uint64_t *s)
{
	*s = mix64(*s);
	return *s;
}

static int
evict_child(sls_shm_t *shm, ctl_t *c, unsigned p, uint64_t now)
{
	sls_sigtable_t *tb = shm->sigtable;
	enum sls_sig_result r;
	enum sls_sig_put put;
	uint64_t seed = p + 1, k, k2;
	unsigned i, q, q2, j, j2;

	child_wait(c);
	for (i = 0; i < EV_PER; i++) {
		k = ev_key(p, i);
		put = sls_sigtable_put(tb, k, tag_of(k), now, now + 3600000);
		atomic_fetch_add(&c->put[p][put], 1);
		if (put == SLS_PUT_EVICTED)
			sls_stat_inc(&shm->stats[p],
			    SLS_ST_SIGTABLE_EVICTIONS);
		/* own pair: there, or already evicted by someone */
		r = sls_sigtable_lookup(tb, k, tag_of(k), now);
		if (r != SLS_SIG_MATCH && r != SLS_SIG_MISS)
			atomic_fetch_add(&c->bad[p], 1);
		if (sls_sigtable_lookup(tb, k, tag_of(k) ^ 0x40, now) ==
		    SLS_SIG_MATCH)
			atomic_fetch_add(&c->bad[p], 1);
		/* recent keys of others, paired right and wrong */
		q = (unsigned)(rnd(&seed) % NPROC);
		j = i > 4 ? i - (unsigned)(rnd(&seed) % 4) : i;
		k2 = ev_key(q, j);
		r = sls_sigtable_lookup(tb, k2, tag_of(k2), now);
		if (r != SLS_SIG_MATCH && r != SLS_SIG_MISS)
			atomic_fetch_add(&c->bad[p], 1);
		q2 = (q + 1 + (unsigned)(rnd(&seed) % (NPROC - 1))) % NPROC;
		j2 = j > 0 ? j - (unsigned)(rnd(&seed) % 2) : j;
		if (sls_sigtable_lookup(tb, k2, tag_of(ev_key(q2, j2)), now) ==
		    SLS_SIG_MATCH)
			atomic_fetch_add(&c->bad[p], 1);
		if (sls_sigtable_lookup(tb, k2, tag_of(ev_key(q, j + 1)),
		    now) == SLS_SIG_MATCH)
			atomic_fetch_add(&c->bad[p], 1);
		/* a key nobody inserts */
		if (sls_sigtable_lookup(tb, mix64(1ULL << 40 | i), tag_of(k),
		    now) != SLS_SIG_MISS)
			atomic_fetch_add(&c->bad[p], 1);
	}
	return atomic_load(&c->bad[p]) == 0 ? 0 : 1;
}

START_TEST(test_hammer_evict)
{
	sls_shm_t shm;
	ctl_t *c = ctl_new();
	pid_t pid[NPROC];
	uint64_t now = sls_now_ms(), sum[4] = { 0 }, st[SLS_ST_COUNT];
	unsigned p, r, used;

	ck_assert_int_eq(sls_shm_create(&shm, 16), 0);
	for (p = 0; p < NPROC; p++) {
		pid[p] = fork();
		ck_assert_int_ge(pid[p], 0);
		if (pid[p] == 0)
			_exit(evict_child(&shm, c, p, now));
	}
	start_and_reap(c, pid, NPROC);
	for (p = 0; p < NPROC; p++) {
		ck_assert_uint_eq(atomic_load(&c->bad[p]), 0);
		for (r = 0; r < 4; r++)
			sum[r] += atomic_load(&c->put[p][r]);
	}
	used = sls_sigtable_used(shm.sigtable, now);
	ck_assert_uint_eq(used, 16);
	ck_assert_uint_eq(sum[SLS_PUT_NEW], used);
	ck_assert_uint_eq(sum[SLS_PUT_REFRESHED], 0);
	ck_assert_uint_eq(sum[SLS_PUT_NEW] + sum[SLS_PUT_EVICTED] +
	    sum[SLS_PUT_DROPPED], (uint64_t)NPROC * EV_PER);
	/* drops need eight lost races in a row: rare even here */
	ck_assert_msg(sum[SLS_PUT_DROPPED] <= (uint64_t)NPROC * EV_PER / 100,
	    "%llu drops", (unsigned long long)sum[SLS_PUT_DROPPED]);
	sls_stats_sum(shm.stats, SLS_STATS_SLOTS, st);
	ck_assert_uint_eq(st[SLS_ST_SIGTABLE_EVICTIONS], sum[SLS_PUT_EVICTED]);
	sls_shm_destroy(&shm);
	munmap(c, sizeof(*c));
}
END_TEST

static Suite *
sigtable_suite(void)
{
	Suite *s = suite_create("sigtable");
	TCase *tc;

	tc = tcase_create("table");
	tcase_add_checked_fixture(tc, setup16, teardown);
	tcase_add_test(tc, test_layout);
	tcase_add_test(tc, test_insert_lookup);
	tcase_add_test(tc, test_expiry);
	tcase_add_test(tc, test_refresh);
	tcase_add_test(tc, test_two_tags);
	tcase_add_test(tc, test_reuse_expired);
	tcase_add_test(tc, test_evict_oldest);
	tcase_add_test(tc, test_window_wraps);
	tcase_add_test(tc, test_key_zero);
	tcase_add_test(tc, test_dead_writer);
	tcase_add_test(tc, test_now_ms);
	suite_add_tcase(s, tc);

	tc = tcase_create("processes");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_hammer);
	tcase_add_test(tc, test_hammer_evict);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(sigtable_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
