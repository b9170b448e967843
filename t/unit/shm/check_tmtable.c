/*
 * The server-transaction table: insert, lookup by position key, the
 * §17.2.3 key kept apart per transaction, byte-exact copies, expiry and
 * reuse, a full window, the timer's wake-up protocol, concurrent inserts
 * from forked processes and writers killed in the middle of an insert.
 * The SIP side of matching (which request finds which transaction) is in
 * t/unit/core/check_tm.c.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include <check.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shm/segment.h"
#include "shm/tmtable.h"
#include "check_run.h"

static sls_tmtable_t *t;
static size_t tbytes;

static sls_tmtable_t *
new_table(uint32_t size)
{
	sls_tmtable_t *p;

	tbytes = sls_tmtable_bytes(size);
	p = mmap(NULL, tbytes, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	memset(p, 0xa5, tbytes);	/* init must not count on zeroes */
	sls_tmtable_init(p, size);
	return p;
}

static void
setup16(void)
{
	t = new_table(16);
}

static void
setup1k(void)
{
	t = new_table(1024);
}

static void
teardown(void)
{
	munmap(t, tbytes);
	t = NULL;
}

/* A transaction: kpos picks the window, kbr the §17.2.3 key. */
static sls_tm_new_t
txn(uint64_t kpos, uint64_t kbr, const char *reply, uint64_t now)
{
	static const char dst[] = "DSTADDR-0123456789abcdef-xyz";
	static const char local[] = "LOCAL-16-bytes!";
	sls_tm_new_t n;

	memset(&n, 0, sizeof(n));
	n.kpos = kpos;
	n.kbr = kbr;
	n.tag_hash = kbr ^ 0x5555;
	n.created_ms = now;
	n.end_ms = now + 32000;
	n.t1 = 500;
	n.t2 = 4000;
	n.state = SLS_TM_COMPLETED;
	n.code = 486;
	n.sock = 3;
	n.invite = true;
	n.method = 1;
	n.reply = reply;
	n.len = strlen(reply);
	n.dst = dst;
	n.dstlen = sizeof(dst);
	n.local = local;
	n.locallen = sizeof(local);
	return n;
}

/* A key of a 16-slot table whose window starts at slot base. */
static uint64_t
k16(unsigned base, unsigned n)
{
	return (uint64_t)(n + 1) << 40 | (uint64_t)n << 8 | (base & 15);
}

static int
find_one(uint64_t kpos, uint64_t kbr, uint64_t now, sls_tm_entry_t *e)
{
	sls_tm_entry_t all[SLS_TM_WINDOW];
	int i, n = sls_tmtable_find(t, kpos, now, all, SLS_TM_WINDOW);

	for (i = 0; i < n; i++)
		if (all[i].kbr == kbr) {
			*e = all[i];
			return 1;
		}
	return 0;
}

START_TEST(test_empty)
{
	sls_tm_entry_t e[4];

	ck_assert_uint_eq(t->size, 16);
	ck_assert_uint_eq(t->mask, 15);
	ck_assert(sls_tmtable_idle(t, 0));
	ck_assert(sls_tmtable_idle(t, 123456));
	ck_assert_int_eq(sls_tmtable_find(t, 7, 10, e, 4), 0);
	ck_assert_uint_eq(sls_tmtable_used(t, 10), 0);
	ck_assert_uint_eq(sls_tmtable_dirty_words(t), 1);
	ck_assert(sls_tmtable_bytes(1024) > 1024 * SLS_TM_BLOB);
	ck_assert_int_eq(SLS_TM_REPLY_MAX, 1472);
}
END_TEST

START_TEST(test_insert_find_copy)
{
	const char *reply = "SIP/2.0 486 Busy Here\r\nVia: x\r\n\r\n";
	sls_tm_new_t n = txn(k16(4, 1), 77, reply, 1000);
	sls_tm_entry_t e, dup;
	char buf[SLS_TM_REPLY_MAX], dst[SLS_TM_ADDR_MAX], loc[SLS_TM_ADDR_MAX];
	uint32_t idx;

	ck_assert_int_eq(sls_tmtable_insert(t, &n, 1000, &idx, &dup),
	    SLS_TM_PUT_NEW);
	ck_assert_uint_eq(idx, 4);
	ck_assert(!sls_tmtable_idle(t, 1000));
	ck_assert(!sls_tmtable_idle(t, 32999));
	ck_assert_int_eq(find_one(n.kpos, 77, 1001, &e), 1);
	ck_assert_int_eq(e.state, SLS_TM_COMPLETED);
	ck_assert_uint_eq(e.end_ms, 33000);
	ck_assert_uint_eq(e.created_ms, 1000);
	ck_assert_uint_eq(e.code, 486);
	ck_assert_uint_eq(e.sock, 3);
	ck_assert_uint_eq(e.t1, 500);
	ck_assert_uint_eq(e.t2, 4000);
	ck_assert(e.invite);
	ck_assert_uint_eq(e.method, 1);
	ck_assert_uint_eq(e.tag_hash, 77 ^ 0x5555);
	ck_assert_uint_eq(e.len, strlen(reply));
	ck_assert_int_eq(sls_tmtable_copy(t, &e, buf, sizeof(buf), dst, loc),
	    (ssize_t)strlen(reply));
	ck_assert_mem_eq(buf, reply, strlen(reply));
	ck_assert_mem_eq(dst, n.dst, n.dstlen);
	ck_assert_mem_eq(loc, n.local, n.locallen);
	ck_assert_uint_eq(e.dstlen, n.dstlen);
	ck_assert_uint_eq(e.locallen, n.locallen);
	/* too small a buffer is refused, not truncated */
	ck_assert_int_eq(sls_tmtable_copy(t, &e, buf, 5, NULL, NULL), -1);
	/* other kpos, same window: nothing */
	ck_assert_int_eq(find_one(k16(4, 2), 77, 1001, &e), 0);
	ck_assert_uint_eq(sls_tmtable_used(t, 1001), 1);
}
END_TEST

/* Two transactions of one call (INVITE, its CANCEL): same kpos, own kbr. */
START_TEST(test_same_position_two_keys)
{
	sls_tm_new_t inv = txn(k16(2, 1), 100, "INVITE reply", 10);
	sls_tm_new_t can = txn(k16(2, 1), 200, "CANCEL reply", 10);
	sls_tm_entry_t all[SLS_TM_WINDOW], e, dup;
	uint32_t i1, i2;
	char buf[64];

	can.invite = false;
	can.code = 200;
	ck_assert_int_eq(sls_tmtable_insert(t, &inv, 10, &i1, &dup),
	    SLS_TM_PUT_NEW);
	ck_assert_int_eq(sls_tmtable_insert(t, &can, 10, &i2, &dup),
	    SLS_TM_PUT_NEW);
	ck_assert_uint_ne(i1, i2);
	ck_assert_int_eq(sls_tmtable_find(t, k16(2, 1), 11, all,
	    SLS_TM_WINDOW), 2);
	ck_assert_int_eq(find_one(k16(2, 1), 200, 11, &e), 1);
	ck_assert(!e.invite);
	ck_assert_int_eq(sls_tmtable_copy(t, &e, buf, sizeof(buf), NULL,
	    NULL), 12);
	ck_assert_mem_eq(buf, "CANCEL reply", 12);
	/* the same transaction again (a retransmission raced it): DUP */
	ck_assert_int_eq(sls_tmtable_insert(t, &inv, 12, &i2, &dup),
	    SLS_TM_PUT_DUP);
	ck_assert_uint_eq(dup.idx, i1);
	ck_assert_uint_eq(sls_tmtable_used(t, 12), 2);
}
END_TEST

START_TEST(test_expiry_and_end)
{
	sls_tm_new_t n = txn(k16(0, 1), 5, "r", 100);
	sls_tm_entry_t e, dup;
	uint32_t idx;

	n.end_ms = 600;
	ck_assert_int_eq(sls_tmtable_insert(t, &n, 100, &idx, &dup),
	    SLS_TM_PUT_NEW);
	ck_assert_int_eq(find_one(n.kpos, 5, 599, &e), 1);
	/* past its end it is not matched, even before anyone ends it */
	ck_assert_int_eq(find_one(n.kpos, 5, 600, &e), 0);
	ck_assert_uint_eq(sls_tmtable_used(t, 599), 1);
	ck_assert_uint_eq(sls_tmtable_used(t, 600), 0);
	ck_assert(sls_tmtable_idle(t, 1024));
	ck_assert(!sls_tmtable_idle(t, 1023));
	/* the timer process ends it: the slot is free at once */
	ck_assert(sls_tmtable_read(t, idx, &e));
	ck_assert(sls_tmtable_end(t, &e));
	ck_assert(!sls_tmtable_end(t, &e));	/* stale: no second end */
	ck_assert(sls_tmtable_read(t, idx, &e));
	ck_assert_int_eq(e.state, SLS_TM_TERMINATED);
	n = txn(k16(0, 2), 6, "s", 700);
	ck_assert_int_eq(sls_tmtable_insert(t, &n, 700, &idx, &dup),
	    SLS_TM_PUT_NEW);
	ck_assert_uint_eq(idx, 0);
}
END_TEST

/* An ACK: COMPLETED -> CONFIRMED with a new end, only from what was read. */
START_TEST(test_set_state)
{
	sls_tm_new_t n = txn(k16(1, 1), 9, "r", 100);
	sls_tm_entry_t e, stale, dup;
	uint32_t idx;

	ck_assert_int_eq(sls_tmtable_insert(t, &n, 100, &idx, &dup),
	    SLS_TM_PUT_NEW);
	ck_assert(sls_tmtable_read(t, idx, &e));
	stale = e;
	ck_assert(sls_tmtable_set(t, &e, SLS_TM_CONFIRMED, 5150));
	ck_assert(!sls_tmtable_set(t, &stale, SLS_TM_CONFIRMED, 9999));
	ck_assert(!sls_tmtable_end(t, &stale));
	ck_assert(sls_tmtable_read(t, idx, &e));
	ck_assert_int_eq(e.state, SLS_TM_CONFIRMED);
	ck_assert_uint_eq(e.end_ms, 5150);
	ck_assert_uint_eq(e.ver, stale.ver);
	/* max_end follows an end moved later */
	n = txn(k16(3, 1), 1, "r", 100);
	n.end_ms = 200;
	ck_assert_int_eq(sls_tmtable_insert(t, &n, 100, &idx, &dup),
	    SLS_TM_PUT_NEW);
	ck_assert(sls_tmtable_read(t, idx, &e));
	ck_assert(sls_tmtable_set(t, &e, SLS_TM_CONFIRMED, 50000));
	ck_assert(!sls_tmtable_idle(t, 49999));
}
END_TEST

START_TEST(test_full_window)
{
	sls_tm_new_t n;
	sls_tm_entry_t e, dup;
	uint32_t idx;
	unsigned i;

	/* 16 slots, one window: the 17th finds no room */
	for (i = 0; i < 16; i++) {
		n = txn(k16(5, i), i + 1, "r", 100);
		ck_assert_int_eq(sls_tmtable_insert(t, &n, 100, &idx, &dup),
		    SLS_TM_PUT_NEW);
		/* the window wraps */
		ck_assert_uint_eq(idx, (5 + i) & 15);
	}
	n = txn(k16(5, 99), 99, "r", 100);
	ck_assert_int_eq(sls_tmtable_insert(t, &n, 100, &idx, &dup),
	    SLS_TM_PUT_FULL);
	ck_assert_uint_eq(sls_tmtable_used(t, 100), 16);
	/* one ends: its slot takes the next */
	ck_assert(sls_tmtable_read(t, 9, &e));
	ck_assert(sls_tmtable_end(t, &e));
	ck_assert_int_eq(sls_tmtable_insert(t, &n, 100, &idx, &dup),
	    SLS_TM_PUT_NEW);
	ck_assert_uint_eq(idx, 9);
	n = txn(k16(5, 98), 98, "r", 100);
	ck_assert_int_eq(sls_tmtable_insert(t, &n, 100, &idx, &dup),
	    SLS_TM_PUT_FULL);
	/* ended long ago but never ended by a timer: reused after grace */
	ck_assert_int_eq(sls_tmtable_insert(t, &n, 32100 +
	    SLS_TM_REUSE_GRACE_MS - 1, &idx, &dup), SLS_TM_PUT_FULL);
	ck_assert_int_eq(sls_tmtable_insert(t, &n, 32100 +
	    SLS_TM_REUSE_GRACE_MS, &idx, &dup), SLS_TM_PUT_NEW);
	/* too large for a slot: refused */
	n.len = SLS_TM_REPLY_MAX + 1;
	ck_assert_int_eq(sls_tmtable_insert(t, &n, 100, &idx, &dup),
	    SLS_TM_PUT_FULL);
}
END_TEST

/* The reuse of a slot makes older snapshots stale everywhere. */
START_TEST(test_reuse_is_a_new_version)
{
	sls_tm_new_t n = txn(k16(7, 1), 1, "first", 100);
	sls_tm_entry_t old, e, dup;
	char buf[16];
	uint32_t idx;

	ck_assert_int_eq(sls_tmtable_insert(t, &n, 100, &idx, &dup),
	    SLS_TM_PUT_NEW);
	ck_assert(sls_tmtable_read(t, idx, &old));
	ck_assert(sls_tmtable_end(t, &old));
	n = txn(k16(7, 1), 1, "second", 200);
	ck_assert_int_eq(sls_tmtable_insert(t, &n, 200, &idx, &dup),
	    SLS_TM_PUT_NEW);
	ck_assert_uint_eq(idx, old.idx);
	ck_assert_int_eq(sls_tmtable_copy(t, &old, buf, sizeof(buf), NULL,
	    NULL), -1);
	ck_assert(!sls_tmtable_set(t, &old, SLS_TM_CONFIRMED, 99999));
	ck_assert(!sls_tmtable_end(t, &old));
	ck_assert_int_eq(find_one(n.kpos, 1, 201, &e), 1);
	ck_assert_uint_gt(e.ver, old.ver);
	ck_assert_int_eq(sls_tmtable_copy(t, &e, buf, sizeof(buf), NULL,
	    NULL), 6);
	ck_assert_mem_eq(buf, "second", 6);
}
END_TEST

/* Workers wake the timer only when it sleeps past what they added. */
START_TEST(test_wakeup_protocol)
{
	uint64_t w;

	/* awake (0): nobody wakes it */
	ck_assert(!sls_tmtable_notify(t, 3, 1000));
	ck_assert_uint_eq(sls_tmtable_take_dirty(t, 0), 1u << 3);
	ck_assert_uint_eq(sls_tmtable_take_dirty(t, 0), 0);
	/* asleep until 5000: a change due at 6000 waits, one at 1000 not */
	ck_assert(sls_tmtable_sleep(t, 5000));
	ck_assert(!sls_tmtable_notify(t, 4, 6000));
	ck_assert(sls_tmtable_notify(t, 5, 1000));
	/* woken once: the next worker does not wake it again */
	ck_assert(!sls_tmtable_notify(t, 6, 900));
	ck_assert_uint_eq(atomic_load(&t->wake_at), 0);
	w = sls_tmtable_take_dirty(t, 0);
	ck_assert_uint_eq(w, 1u << 4 | 1u << 5 | 1u << 6);
	/* a mark made before it looks keeps it from sleeping */
	ck_assert(!sls_tmtable_notify(t, 1, 100));
	ck_assert(!sls_tmtable_sleep(t, UINT64_MAX));
	ck_assert_uint_eq(atomic_load(&t->wake_at), 0);
	ck_assert_uint_eq(sls_tmtable_take_dirty(t, 0), 2);
	/* nothing scheduled: asleep for good, any change wakes it */
	ck_assert(sls_tmtable_sleep(t, UINT64_MAX));
	ck_assert(sls_tmtable_notify(t, 2, UINT64_MAX - 1));
	sls_tmtable_awake(t);
	ck_assert_uint_eq(atomic_load(&t->wake_at), 0);
}
END_TEST

/* ---- processes ---------------------------------------------------------- */

#define NPROC	4
#define PER	128

static uint64_t
mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static void
reply_of(uint64_t key, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (char)('a' + (mix64(key + i) % 26));
}

/* Child p inserts its PER transactions, each with its own reply bytes. */
static void
inserter(unsigned p)
{
	char buf[600];
	sls_tm_new_t n;
	sls_tm_entry_t dup;
	uint32_t idx;
	unsigned i;
	int bad = 0;

	for (i = 0; i < PER; i++) {
		uint64_t k = mix64(p * 100000u + i + 1);

		reply_of(k, buf, 100 + k % 400);
		n = txn(k, k ^ 1, buf, 100);
		n.reply = buf;
		n.len = 100 + k % 400;
		if (sls_tmtable_insert(t, &n, 100, &idx, &dup) !=
		    SLS_TM_PUT_NEW)
			bad++;
	}
	_exit(bad);
}

START_TEST(test_concurrent_inserts)
{
	char want[600], got[SLS_TM_REPLY_MAX];
	sls_tm_entry_t e;
	pid_t pid[NPROC];
	unsigned p, i;
	int status, missing = 0;

	for (p = 0; p < NPROC; p++) {
		pid[p] = fork();
		ck_assert_int_ge(pid[p], 0);
		if (pid[p] == 0)
			inserter(p);
	}
	for (p = 0; p < NPROC; p++) {
		ck_assert_int_eq(waitpid(pid[p], &status, 0), pid[p]);
		ck_assert(WIFEXITED(status));
		missing += WEXITSTATUS(status);
	}
	/* half of 1024 slots, 16-slot windows: one may fill, rarely */
	ck_assert_int_le(missing, 4);
	ck_assert_uint_eq(sls_tmtable_used(t, 101), NPROC * PER - missing);
	for (p = 0; p < NPROC; p++)
		for (i = 0; i < PER; i++) {
			uint64_t k = mix64(p * 100000u + i + 1);
			size_t len = 100 + k % 400;

			if (!find_one(k, k ^ 1, 101, &e))
				continue;
			reply_of(k, want, len);
			ck_assert_int_eq(sls_tmtable_copy(t, &e, got,
			    sizeof(got), NULL, NULL), (ssize_t)len);
			ck_assert_mem_eq(got, want, len);
		}
}
END_TEST

/* A writer killed between its claim and its publication. */
START_TEST(test_killed_writer)
{
	sls_tm_new_t n = txn(k16(6, 1), 1, "old", 100);
	sls_tm_entry_t e, dup;
	uint32_t idx;
	uint64_t s;
	pid_t pid;
	int status;

	ck_assert_int_eq(sls_tmtable_insert(t, &n, 100, &idx, &dup),
	    SLS_TM_PUT_NEW);
	ck_assert_uint_eq(idx, 6);
	ck_assert(sls_tmtable_read(t, 6, &e));
	ck_assert(sls_tmtable_end(t, &e));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* takes the free slot 6, stores half, dies */
		if (!sls_tmtable_claim(t, 6, sls_tmtable_seq(t, 6)))
			_exit(1);
		raise(SIGKILL);
		_exit(2);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status));
	s = sls_tmtable_seq(t, 6);
	ck_assert_uint_eq(s & 1, 1);
	ck_assert_uint_eq((uint32_t)s >> 1, (uint32_t)pid);
	/* everyone goes around it, bounded */
	ck_assert(!sls_tmtable_read(t, 6, &e));
	n = txn(k16(6, 2), 2, "new", 100);
	ck_assert_int_eq(sls_tmtable_insert(t, &n, 100, &idx, &dup),
	    SLS_TM_PUT_NEW);
	ck_assert_uint_eq(idx, 7);
	/* the supervisor reaps it: only its slot is freed, once */
	ck_assert_uint_eq(sls_tmtable_release(t, getpid()), 0);
	ck_assert_uint_eq(sls_tmtable_release(t, pid), 1);
	ck_assert_uint_eq(sls_tmtable_release(t, pid), 0);
	ck_assert(sls_tmtable_read(t, 6, &e));
	ck_assert_int_eq(e.state, SLS_TM_FREE);
	n = txn(k16(6, 3), 3, "again", 100);
	ck_assert_int_eq(sls_tmtable_insert(t, &n, 100, &idx, &dup),
	    SLS_TM_PUT_NEW);
	ck_assert_uint_eq(idx, 6);
	ck_assert_uint_eq(sls_tmtable_used(t, 100), 2);
}
END_TEST

/*
 * Writers killed at random points of real inserts: afterwards, once
 * their slots are released, every entry found is whole (its reply is
 * the one its key says) and nothing stays locked.
 */
START_TEST(test_killed_mid_insert)
{
	struct timespec d;
	char want[600], got[SLS_TM_REPLY_MAX];
	sls_tm_entry_t e;
	unsigned round, i, found = 0;
	pid_t pid;
	int status;

	for (round = 0; round < 20; round++) {
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			for (i = 0;; i++) {
				char buf[600];
				sls_tm_new_t n;
				sls_tm_entry_t dup;
				uint32_t idx;
				uint64_t k = mix64(round * 1000000u + i + 1);

				reply_of(k, buf, 100 + k % 400);
				n = txn(k, k ^ 1, buf, 100);
				n.len = 100 + k % 400;
				n.end_ms = 100 + 10 + k % 50;
				(void)sls_tmtable_insert(t, &n, 100 + i % 200,
				    &idx, &dup);
			}
		}
		d.tv_sec = 0;
		d.tv_nsec = 200000 + (long)(mix64(round) % 3000000);
		nanosleep(&d, NULL);
		kill(pid, SIGKILL);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert(WIFSIGNALED(status));
		ck_assert_uint_le(sls_tmtable_release(t, pid), 1);
	}
	for (i = 0; i < t->size; i++) {
		ck_assert_uint_eq(sls_tmtable_seq(t, i) & 1, 0);
		ck_assert(sls_tmtable_read(t, i, &e));
		if (e.state != SLS_TM_COMPLETED)
			continue;
		ck_assert_uint_eq(e.kbr, e.kpos ^ 1);
		ck_assert_uint_eq(e.len, 100 + e.kpos % 400);
		reply_of(e.kpos, want, e.len);
		ck_assert_int_eq(sls_tmtable_copy(t, &e, got, sizeof(got),
		    NULL, NULL), (ssize_t)e.len);
		ck_assert_mem_eq(got, want, e.len);
		found++;
	}
	ck_assert_uint_gt(found, 0);
}
END_TEST

/* The region in the segment: sized by tm_size, checked, released. */
START_TEST(test_segment_region)
{
	sls_shm_sizing_t z = { 1024, SLS_SRC_MIN_SIZE, 2048 };
	sls_shm_t shm;

	ck_assert_int_eq(sls_shm_create_sized(&shm, &z), 0);
	ck_assert_ptr_nonnull(shm.tm);
	ck_assert_uint_eq(shm.tm->size, 2048);
	ck_assert_uint_eq(shm.hdr->tm_size, 2048);
	ck_assert_int_eq(sls_shm_check(&shm), 0);
	ck_assert(sls_tmtable_idle(shm.tm, 1));
	shm.hdr->tm_size = 4096;
	ck_assert_int_eq(sls_shm_check(&shm), -1);
	shm.hdr->tm_size = 2048;
	sls_shm_destroy(&shm);
	z.tm_size = 3000;	/* not a power of two */
	ck_assert_int_eq(sls_shm_create_sized(&shm, &z), -1);
	z.tm_size = SLS_TM_MAX_SIZE * 2;
	ck_assert_int_eq(sls_shm_create_sized(&shm, &z), -1);
	/* without a size: the smallest table */
	ck_assert_int_eq(sls_shm_create(&shm, 1024), 0);
	ck_assert_uint_eq(shm.tm->size, SLS_TM_MIN_SIZE);
	sls_shm_destroy(&shm);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("tmtable");
	TCase *tc = tcase_create("table");
	TCase *pc = tcase_create("processes");

	tcase_add_checked_fixture(tc, setup16, teardown);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_insert_find_copy);
	tcase_add_test(tc, test_same_position_two_keys);
	tcase_add_test(tc, test_expiry_and_end);
	tcase_add_test(tc, test_set_state);
	tcase_add_test(tc, test_full_window);
	tcase_add_test(tc, test_reuse_is_a_new_version);
	tcase_add_test(tc, test_wakeup_protocol);
	tcase_add_test(tc, test_killed_writer);
	tcase_add_test(tc, test_segment_region);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(pc, setup1k, teardown);
	tcase_add_test(pc, test_concurrent_inserts);
	tcase_add_test(pc, test_killed_mid_insert);
	suite_add_tcase(s, pc);
	return s;
}

int
main(void)
{
	return sls_check_run(suite());
}
