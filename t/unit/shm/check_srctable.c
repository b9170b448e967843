/*
 * Source table (shm/srctable.c): sources and IPv6 prefixes, the token
 * bucket of requests on a fake clock, blocks and their end, the error
 * reply bucket, eviction of the least recently seen source of a full
 * window (blocked ones last), the clock wrapping, and real processes
 * updating one source and one full table at once. Time is passed in
 * (now_ms); nothing sleeps.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shm/srctable.h"

static sls_srctable_t *t;
static size_t tbytes;

static void
make_table(uint32_t size)
{
	tbytes = sls_srctable_bytes(size);
	t = mmap(NULL, tbytes, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert(t != MAP_FAILED);
	sls_srctable_init(t, size);
}

static void
setup(void)
{
	make_table(1024);
}

static void
teardown(void)
{
	munmap(t, tbytes);
}

/* The source of a text address (IPv6 cut to prefix bits). */
static sls_src_t
src(const char *text, unsigned prefix)
{
	uint8_t b[16];
	sls_src_t s;

	if (inet_pton(AF_INET, text, b) == 1) {
		sls_srctable_source(t, true, b, prefix, &s);
	} else {
		ck_assert_int_eq(inet_pton(AF_INET6, text, b), 1);
		sls_srctable_source(t, false, b, prefix, &s);
	}
	return s;
}

static const sls_src_params_t P = {
	.rate = 10, .burst = 5, .block_ms = 2000, .error_rate = 3
};

static enum sls_src_verdict
req(const sls_src_t *s, const sls_src_params_t *p, uint64_t now)
{
	return sls_srctable_request(t, s, p, now, NULL);
}

/* Slot holding the source, or -1. */
static int
slot_of(const sls_src_t *s)
{
	uint32_t i;

	for (i = 0; i < t->size; i++)
		if (atomic_load(&t->slot[i].key) == s->key)
			return (int)i;
	return -1;
}

START_TEST(test_layout)
{
	ck_assert_uint_eq(sizeof(sls_src_entry_t), 64);
	ck_assert_uint_eq(sls_srctable_bytes(8), 64 + 8 * 64);
	ck_assert_uint_eq(t->size, 1024);
	ck_assert_uint_eq(t->mask, 1023);
	ck_assert_uint_eq(sls_srctable_used(t), 0);
	ck_assert(t->hashkey[0] != 0 || t->hashkey[1] != 0);
}
END_TEST

START_TEST(test_sources)
{
	sls_src_t a = src("192.0.2.7", 64), b = src("::ffff:192.0.2.7", 64);
	sls_src_t c = src("192.0.2.8", 64), d;

	/* an IPv4-mapped IPv6 source is the IPv4 one */
	ck_assert(a.v4 && b.v4);
	ck_assert_uint_eq(a.key, b.key);
	ck_assert_int_eq(memcmp(a.addr, b.addr, 16), 0);
	ck_assert_uint_eq(a.prefix, 128);
	ck_assert_uint_ne(a.key, c.key);
	ck_assert_uint_ne(a.key, 0);
	ck_assert_uint_eq(a.addr[10], 0xff);
	ck_assert_uint_eq(a.addr[15], 7);

	/* IPv6: one /64 is one source, the bits past it cleared */
	a = src("2001:db8:1:2:aaaa::1", 64);
	b = src("2001:db8:1:2:ffff:1:2:3", 64);
	c = src("2001:db8:1:3::1", 64);
	ck_assert(!a.v4);
	ck_assert_uint_eq(a.prefix, 64);
	ck_assert_uint_eq(a.key, b.key);
	ck_assert_int_eq(memcmp(a.addr, b.addr, 16), 0);
	ck_assert_uint_ne(a.key, c.key);
	d = src("2001:db8:1:2::", 128);
	ck_assert_int_eq(memcmp(a.addr, d.addr, 16), 0);
	/* same bytes, other prefix: another source */
	ck_assert_uint_ne(a.key, d.key);
	/* per /128 every address is its own */
	ck_assert_uint_ne(src("2001:db8::1", 128).key,
	    src("2001:db8::2", 128).key);
	/* a prefix that is not a whole byte: /60 keeps a nibble */
	a = src("2001:db8:0:12f3::1", 60);
	b = src("2001:db8:0:12f0::", 60);
	c = src("2001:db8:0:1300::", 60);
	ck_assert_int_eq(memcmp(a.addr, b.addr, 16), 0);
	ck_assert_uint_eq(a.addr[6], 0x12);
	ck_assert_uint_eq(a.addr[7], 0xf0);
	ck_assert_uint_ne(a.key, c.key);
	/* /1 and out of range (taken as /128) */
	ck_assert_uint_eq(src("2001::1", 1).key, src("7fff::1", 1).key);
	ck_assert_uint_ne(src("2001::1", 1).key, src("8000::1", 1).key);
	ck_assert_uint_eq(src("2001::1", 0).prefix, 128);
	ck_assert_uint_eq(src("2001::1", 200).prefix, 128);
	/* ::1 is not 0.0.0.1 */
	ck_assert_uint_ne(src("::1", 128).key, src("0.0.0.1", 64).key);
}
END_TEST

START_TEST(test_bucket)
{
	sls_src_t a = src("192.0.2.1", 64), b = src("192.0.2.2", 64);
	int i;

	/* a burst of 5 at once, then the block starts */
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(req(&a, &P, 1000), SLS_SRC_PASS);
	ck_assert_int_eq(req(&a, &P, 1000), SLS_SRC_BLOCK_START);
	ck_assert_int_eq(req(&a, &P, 1000), SLS_SRC_LIMITED);
	/* another source is not touched by it */
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(req(&b, &P, 1000), SLS_SRC_PASS);
	ck_assert_uint_eq(sls_srctable_used(t), 2);

	/* refill: 10/s is one token per 100 ms */
	b = src("192.0.2.3", 64);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(req(&b, &P, 5000), SLS_SRC_PASS);
	ck_assert_int_eq(req(&b, &P, 5099), SLS_SRC_PASS);	/* last one */
	ck_assert_int_eq(req(&b, &P, 5200), SLS_SRC_PASS);	/* refilled */
	ck_assert_int_eq(req(&b, &P, 5200), SLS_SRC_BLOCK_START);

	/* at exactly the rate a source is never blocked, for long */
	b = src("192.0.2.4", 64);
	for (i = 0; i < 10000; i++)
		ck_assert_int_eq(req(&b, &P, 10000 + (uint64_t)i * 100),
		    SLS_SRC_PASS);
	/* and the bucket never holds more than burst */
	b = src("192.0.2.5", 64);
	ck_assert_int_eq(req(&b, &P, 1000), SLS_SRC_PASS);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(req(&b, &P, 900000), SLS_SRC_PASS);
	ck_assert_int_eq(req(&b, &P, 900000), SLS_SRC_BLOCK_START);
}
END_TEST

/*
 * The configured rate exactly: a burst of rate at once, and a source
 * that sends at exactly the rate with a burst of one ms's worth is never
 * refused (the fixed-point refill loses less than a token over 10 s).
 */
START_TEST(test_bucket_rate)
{
	static const uint32_t rates[] = { 1, 7, 100, 1000, 3000, 1000000 };
	sls_src_params_t p = { .block_ms = 1000 };
	uint32_t rate, per_ms, gap, k;
	uint64_t now;
	size_t r;
	sls_src_t s;
	char ip[32];

	for (r = 0; r < sizeof(rates) / sizeof(rates[0]); r++) {
		rate = rates[r];
		p.rate = p.burst = rate;
		snprintf(ip, sizeof(ip), "198.51.100.%zu", r + 1);
		s = src(ip, 64);
		for (k = 0; k < rate; k++)
			ck_assert_int_eq(req(&s, &p, 1000), SLS_SRC_PASS);
		ck_assert_int_eq(req(&s, &p, 1000), SLS_SRC_BLOCK_START);

		/* rate/1000 per ms, or one every 1000/rate ms */
		per_ms = rate >= 1000 ? rate / 1000 : 1;
		gap = rate >= 1000 ? 1 : (1000 + rate - 1) / rate;
		p.burst = per_ms;
		snprintf(ip, sizeof(ip), "198.51.101.%zu", r + 1);
		s = src(ip, 64);
		for (now = 1000; now < 11000; now += gap)
			for (k = 0; k < per_ms; k++)
				ck_assert_msg(req(&s, &p, now) ==
				    SLS_SRC_PASS, "rate %u refused at %llu",
				    rate, (unsigned long long)now);
	}
}
END_TEST

static sls_src_blocked_t seen[4];

static void
collect(void *arg, const sls_src_blocked_t *b)
{
	size_t *k = arg;

	if (*k < 4)
		seen[*k] = *b;
	++*k;
}

START_TEST(test_block)
{
	sls_src_t a = src("203.0.113.9", 64);
	sls_src_params_t p = P;
	size_t n;
	int i;

	for (i = 0; i < 5; i++)
		req(&a, &P, 1000);
	ck_assert_int_eq(req(&a, &P, 1010), SLS_SRC_BLOCK_START);
	for (i = 0; i < 9; i++)
		ck_assert_int_eq(req(&a, &P, 1500 + (uint64_t)i),
		    SLS_SRC_LIMITED);

	/* listed with what is left and the requests seen */
	n = 0;
	ck_assert_uint_eq(sls_srctable_blocked(t, &P, 2010, 4, collect, &n),
	    1);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(seen[0].src.key, a.key);
	ck_assert_int_eq(memcmp(seen[0].src.addr, a.addr, 16), 0);
	ck_assert(seen[0].src.v4);
	ck_assert_uint_eq(seen[0].ms_left, 1000);	/* started at 1010 */
	ck_assert_uint_eq(seen[0].requests, 10);

	/* still blocked just before the end; the requests do not extend it */
	ck_assert_int_eq(req(&a, &P, 3009), SLS_SRC_LIMITED);
	/* over: a full bucket again */
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(req(&a, &P, 3010), SLS_SRC_PASS);
	ck_assert_int_eq(req(&a, &P, 3010), SLS_SRC_BLOCK_START);
	ck_assert_uint_eq(sls_srctable_blocked(t, &P, 3010, 0, NULL, NULL), 1);
	/* a reload that shortens block applies to the running block */
	p.block_ms = 500;
	ck_assert_uint_eq(sls_srctable_blocked(t, &p, 3510, 0, NULL, NULL), 0);
	/* with rate 0 nothing is blocked */
	p = P;
	p.rate = 0;
	ck_assert_uint_eq(sls_srctable_blocked(t, &p, 3011, 0, NULL, NULL), 0);

	/* unblock lifts it at once */
	ck_assert(sls_srctable_unblock(t, &a, &P, 3020));
	ck_assert(!sls_srctable_unblock(t, &a, &P, 3020));
	ck_assert_int_eq(req(&a, &P, 3020), SLS_SRC_PASS);
	ck_assert(!sls_srctable_unblock(t, &(sls_src_t){ .key = 42 }, &P,
	    3020));
}
END_TEST

START_TEST(test_error_bucket)
{
	sls_src_t a = src("192.0.2.50", 64), b = src("192.0.2.51", 64);
	int i;

	for (i = 0; i < 3; i++)
		ck_assert(sls_srctable_error_reply(t, &a, &P, 1000, NULL));
	ck_assert(!sls_srctable_error_reply(t, &a, &P, 1000, NULL));
	ck_assert(!sls_srctable_error_reply(t, &a, &P, 1332, NULL));
	ck_assert(sls_srctable_error_reply(t, &a, &P, 1334, NULL));
	ck_assert(!sls_srctable_error_reply(t, &a, &P, 1334, NULL));
	/* not a block: the next token comes in time */
	ck_assert(sls_srctable_error_reply(t, &a, &P, 1700, NULL));
	/* the request bucket is apart: all 5 requests pass */
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(req(&a, &P, 1700), SLS_SRC_PASS);
	/* a source's requests do not use up its error replies */
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(req(&b, &P, 1700), SLS_SRC_PASS);
	ck_assert(sls_srctable_error_reply(t, &b, &P, 1700, NULL));
	ck_assert_uint_eq(sls_srctable_used(t), 2);
}
END_TEST

/* Fill the one window of an 8-slot table with sources seen at 1..8 s. */
static void
fill_window(sls_src_t s[8])
{
	char ip[32];
	bool ev;
	int i;

	munmap(t, tbytes);
	make_table(SLS_SRC_MIN_SIZE);
	for (i = 0; i < 8; i++) {
		snprintf(ip, sizeof(ip), "10.0.0.%d", i + 1);
		s[i] = src(ip, 64);
		ck_assert_int_eq(sls_srctable_request(t, &s[i], &P,
		    1000 * (uint64_t)(i + 1), &ev), SLS_SRC_PASS);
		ck_assert(!ev);
	}
	ck_assert_uint_eq(sls_srctable_used(t), 8);
}

START_TEST(test_evict_lru)
{
	sls_src_t s[8], n1 = src("10.1.0.1", 64), n2 = src("10.1.0.2", 64);
	sls_src_t n3 = src("10.1.0.3", 64);
	sls_src_params_t L = P;
	bool ev;
	int i, k;

	L.block_ms = 60000;

	fill_window(s);
	/* s[0] is seen again: s[1] is now the least recently seen */
	ck_assert_int_eq(req(&s[0], &P, 9000), SLS_SRC_PASS);
	ck_assert_int_eq(sls_srctable_request(t, &n1, &P, 9500, &ev),
	    SLS_SRC_PASS);
	ck_assert(ev);
	ck_assert_int_eq(slot_of(&s[1]), -1);
	ck_assert_int_ge(slot_of(&n1), 0);
	ck_assert_int_ge(slot_of(&s[0]), 0);
	ck_assert_uint_eq(sls_srctable_used(t), 8);
	/* an error reply counts as being seen too */
	ck_assert(sls_srctable_error_reply(t, &s[2], &P, 9600, NULL));
	ck_assert(sls_srctable_error_reply(t, &n2, &P, 9700, &ev));
	ck_assert(ev);
	ck_assert_int_eq(slot_of(&s[3]), -1);
	ck_assert_int_ge(slot_of(&s[2]), 0);

	/* a blocked source is kept while unblocked ones can go */
	fill_window(s);
	/* s[0]: blocked at 1 s, the oldest */
	for (i = 0; i < 6; i++)
		req(&s[0], &L, 1000);
	ck_assert_int_eq(sls_srctable_request(t, &n1, &L, 9000, &ev),
	    SLS_SRC_PASS);
	ck_assert(ev);
	ck_assert_int_ge(slot_of(&s[0]), 0);
	ck_assert_int_eq(slot_of(&s[1]), -1);

	/* when all are blocked, the one blocked longest goes */
	fill_window(s);
	for (i = 0; i < 8; i++)
		for (k = 0; k < 6; k++)
			req(&s[i], &L, 8000 + (uint64_t)i);
	ck_assert_uint_eq(sls_srctable_blocked(t, &L, 8010, 0, NULL, NULL), 8);
	ck_assert_int_eq(sls_srctable_request(t, &n3, &L, 8010, &ev),
	    SLS_SRC_PASS);
	ck_assert(ev);
	ck_assert_int_eq(slot_of(&s[0]), -1);
	ck_assert_uint_eq(sls_srctable_blocked(t, &L, 8010, 0, NULL, NULL), 7);
	/* a block that is over makes the source an ordinary one again */
	fill_window(s);
	for (i = 0; i < 6; i++)
		req(&s[7], &P, 8000);		/* blocked until 10 s */
	ck_assert_int_eq(sls_srctable_request(t, &n1, &P, 20000, &ev),
	    SLS_SRC_PASS);
	ck_assert_int_eq(slot_of(&s[0]), -1);
	ck_assert_int_eq(sls_srctable_request(t, &n2, &P, 20000, &ev),
	    SLS_SRC_PASS);
	ck_assert_int_eq(slot_of(&s[1]), -1);
	ck_assert_int_ge(slot_of(&s[7]), 0);	/* seen at 8 s */
}
END_TEST

START_TEST(test_clock_wrap)
{
	sls_src_t a = src("192.0.2.77", 64), b = src("192.0.2.78", 64);
	uint64_t w = 1ULL << 32;
	int i;

	/* 32-bit stamps: across 2^32 ms the age is still right */
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(req(&a, &P, w - 50), SLS_SRC_PASS);
	ck_assert_int_eq(req(&a, &P, w + 49), SLS_SRC_BLOCK_START);
	ck_assert_int_eq(req(&a, &P, w + 49 + 1999), SLS_SRC_LIMITED);
	ck_assert_int_eq(req(&a, &P, w + 49 + 2000), SLS_SRC_PASS);
	/* a stamp a little ahead (a slow writer): no refill, no harm */
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(req(&b, &P, 50000), SLS_SRC_PASS);
	ck_assert_int_eq(req(&b, &P, 49990), SLS_SRC_BLOCK_START);
	/* 30 days later: over 2^31 ms, an old block is over */
	ck_assert_int_eq(req(&b, &P, 50000 + 30ULL * 86400000),
	    SLS_SRC_PASS);
}
END_TEST

/* Processes updating the same words at once lose no update. */
#define PROCS	4
#define EACH	5000

START_TEST(test_concurrent_one_source)
{
	sls_src_params_t p = { .rate = 1, .burst = 1000, .block_ms = 60000,
	    .error_rate = 1000 };
	sls_src_t a = src("192.0.2.200", 64);
	_Atomic uint64_t *cnt;
	pid_t pid[PROCS];
	size_t n;
	int i, j, st;

	cnt = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert(cnt != MAP_FAILED);
	for (i = 0; i < 4; i++)
		atomic_init(&cnt[i], 0);
	for (i = 0; i < PROCS; i++) {
		pid[i] = fork();
		ck_assert_int_ge(pid[i], 0);
		if (pid[i] > 0)
			continue;
		for (j = 0; j < EACH; j++) {
			/* the clock stands still: no token comes back */
			atomic_fetch_add(&cnt[sls_srctable_request(t, &a, &p,
			    5000, NULL)], 1);
			atomic_fetch_add(&cnt[3], sls_srctable_error_reply(t,
			    &a, &p, 5000, NULL));
		}
		_exit(0);
	}
	for (i = 0; i < PROCS; i++) {
		ck_assert_int_eq(waitpid(pid[i], &st, 0), pid[i]);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	ck_assert_uint_eq(atomic_load(&cnt[SLS_SRC_PASS]), 1000);
	ck_assert_uint_eq(atomic_load(&cnt[SLS_SRC_BLOCK_START]), 1);
	ck_assert_uint_eq(atomic_load(&cnt[SLS_SRC_LIMITED]),
	    PROCS * EACH - 1001);
	ck_assert_uint_eq(atomic_load(&cnt[3]), 1000);
	ck_assert_uint_eq(sls_srctable_used(t), 1);
	n = 0;
	ck_assert_uint_eq(sls_srctable_blocked(t, &p, 5000, 1, collect, &n),
	    1);
	ck_assert_uint_eq(seen[0].requests, PROCS * EACH - 1000);
	munmap(cnt, 4096);
}
END_TEST

/* Many sources into a small table from several processes at once. */
START_TEST(test_concurrent_full)
{
	sls_src_params_t p = { .rate = 100, .burst = 100, .block_ms = 1000 };
	pid_t pid[PROCS];
	uint32_t i, j;
	int k, st;

	munmap(t, tbytes);
	make_table(64);
	for (k = 0; k < PROCS; k++) {
		pid[k] = fork();
		ck_assert_int_ge(pid[k], 0);
		if (pid[k] > 0)
			continue;
		for (j = 0; j < 20000; j++) {
			uint8_t b[4] = { 10, (uint8_t)k, (uint8_t)(j >> 8 & 7),
			    (uint8_t)j };
			sls_src_t s;

			sls_srctable_source(t, true, b, 64, &s);
			if (sls_srctable_request(t, &s, &p, 1000 + j / 16,
			    NULL) == SLS_SRC_BLOCK_START)
				_exit(3);	/* never over 100/s here */
		}
		_exit(0);
	}
	for (k = 0; k < PROCS; k++) {
		ck_assert_int_eq(waitpid(pid[k], &st, 0), pid[k]);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "child %d: status %d", k, st);
	}
	/* full, every slot a source, no block */
	ck_assert_uint_eq(sls_srctable_used(t), 64);
	ck_assert_uint_eq(sls_srctable_blocked(t, &p, 3000, 0, NULL, NULL), 0);
	for (i = 0; i < t->size; i++)
		ck_assert(atomic_load(&t->slot[i].key) != 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("srctable");
	TCase *tc = tcase_create("table");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_layout);
	tcase_add_test(tc, test_sources);
	tcase_add_test(tc, test_bucket);
	tcase_add_test(tc, test_bucket_rate);
	tcase_add_test(tc, test_block);
	tcase_add_test(tc, test_error_bucket);
	tcase_add_test(tc, test_evict_lru);
	tcase_add_test(tc, test_clock_wrap);
	tcase_add_test(tc, test_concurrent_one_source);
	tcase_add_test(tc, test_concurrent_full);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
