/*
 * Statistics (shm/stats.c): code buckets of SPEC 5, counting a reply,
 * sums over slots, names, and real processes adding to their own slots
 * of a shared segment at the same time.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shm/segment.h"
#include "shm/stats.h"

START_TEST(test_bucket_named)
{
	static const struct {
		int code;
		enum sls_stat_id id;
	} named[] = {
		{ 200, SLS_ST_200 }, { 202, SLS_ST_202 },
		{ 300, SLS_ST_300 }, { 301, SLS_ST_301 }, { 302, SLS_ST_302 },
		{ 400, SLS_ST_400 }, { 401, SLS_ST_401 }, { 403, SLS_ST_403 },
		{ 404, SLS_ST_404 }, { 407, SLS_ST_407 }, { 408, SLS_ST_408 },
		{ 483, SLS_ST_483 }, { 500, SLS_ST_500 },
	};
	size_t i;

	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		ck_assert_msg(sls_stats_code_bucket(named[i].code) ==
		    named[i].id, "code %d", named[i].code);
}
END_TEST

START_TEST(test_bucket_edges)
{
	static const struct {
		int code;
		enum sls_stat_id id;
	} edge[] = {
		{ 99, SLS_ST_XXX }, { 100, SLS_ST_1XX }, { 180, SLS_ST_1XX },
		{ 199, SLS_ST_1XX },
		{ 200, SLS_ST_200 }, { 201, SLS_ST_2XX }, { 202, SLS_ST_202 },
		{ 203, SLS_ST_2XX }, { 299, SLS_ST_2XX },
		{ 300, SLS_ST_300 }, { 303, SLS_ST_3XX }, { 399, SLS_ST_3XX },
		{ 400, SLS_ST_400 }, { 401, SLS_ST_401 }, { 402, SLS_ST_4XX },
		{ 403, SLS_ST_403 }, { 404, SLS_ST_404 }, { 405, SLS_ST_4XX },
		{ 406, SLS_ST_4XX }, { 407, SLS_ST_407 }, { 408, SLS_ST_408 },
		{ 482, SLS_ST_4XX }, { 483, SLS_ST_483 }, { 484, SLS_ST_4XX },
		{ 499, SLS_ST_4XX },
		{ 500, SLS_ST_500 }, { 501, SLS_ST_5XX }, { 599, SLS_ST_5XX },
		{ 600, SLS_ST_6XX }, { 699, SLS_ST_6XX },
		{ 700, SLS_ST_XXX }, { 0, SLS_ST_XXX }, { -1, SLS_ST_XXX },
		{ -200, SLS_ST_XXX }, { 1200, SLS_ST_XXX },
	};
	size_t i;

	for (i = 0; i < sizeof(edge) / sizeof(edge[0]); i++)
		ck_assert_msg(sls_stats_code_bucket(edge[i].code) == edge[i].id,
		    "code %d: got %s", edge[i].code,
		    sls_stat_info[sls_stats_code_bucket(edge[i].code)].name);
}
END_TEST

START_TEST(test_bucket_is_reply_counter)
{
	int code;
	enum sls_stat_id id;

	/* every code lands in one of the reply buckets, never elsewhere */
	for (code = -5; code < 1000; code++) {
		id = sls_stats_code_bucket(code);
		ck_assert_int_ge(id, SLS_ST_1XX);
		ck_assert_int_le(id, SLS_ST_XXX);
	}
}
END_TEST

START_TEST(test_count_reply)
{
	sls_stats_slot_t slot;
	uint64_t before[SLS_ST_COUNT], after[SLS_ST_COUNT];
	static const int codes[] = { 100, 200, 202, 302, 404, 483, 486, 503,
	    603, 99, 700 };
	size_t i, j, changed;

	memset(&slot, 0, sizeof(slot));
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		sls_stats_sum(&slot, 1, before);
		sls_stats_count_reply(&slot, codes[i]);
		sls_stats_sum(&slot, 1, after);
		changed = 0;
		for (j = 0; j < SLS_ST_COUNT; j++) {
			if (after[j] == before[j])
				continue;
			ck_assert_uint_eq(after[j], before[j] + 1);
			ck_assert(j == SLS_ST_SENT ||
			    j == (size_t)sls_stats_code_bucket(codes[i]));
			changed++;
		}
		ck_assert_uint_eq(changed, 2);
	}
	ck_assert_uint_eq(after[SLS_ST_SENT], 11);
	ck_assert_uint_eq(after[SLS_ST_XXX], 2);
	ck_assert_uint_eq(after[SLS_ST_6XX], 1);
	ck_assert_uint_eq(after[SLS_ST_5XX], 1);
	ck_assert_uint_eq(after[SLS_ST_4XX], 1);
	ck_assert_uint_eq(after[SLS_ST_SENT_ERR], 0);
}
END_TEST

START_TEST(test_sum)
{
	static sls_stats_slot_t slots[5];
	uint64_t out[SLS_ST_COUNT];
	size_t i;

	memset(slots, 0, sizeof(slots));
	for (i = 0; i < 5; i++) {
		sls_stat_add(&slots[i], SLS_ST_RCV_REQUESTS, i + 1);
		sls_stat_inc(&slots[i], SLS_ST_SIGTABLE_EVICTIONS);
	}
	sls_stat_add(&slots[4], SLS_ST_200, 1000000000000ULL);
	memset(out, 0xff, sizeof(out));
	sls_stats_sum(slots, 5, out);
	ck_assert_uint_eq(out[SLS_ST_RCV_REQUESTS], 15);
	ck_assert_uint_eq(out[SLS_ST_SIGTABLE_EVICTIONS], 5);
	ck_assert_uint_eq(out[SLS_ST_200], 1000000000000ULL);
	ck_assert_uint_eq(out[SLS_ST_404], 0);
	/* only the first n slots count */
	sls_stats_sum(slots, 2, out);
	ck_assert_uint_eq(out[SLS_ST_RCV_REQUESTS], 3);
	ck_assert_uint_eq(out[SLS_ST_200], 0);
	sls_stats_sum(slots, 0, out);
	ck_assert_uint_eq(out[SLS_ST_RCV_REQUESTS], 0);
}
END_TEST

START_TEST(test_info_and_find)
{
	int i;

	ck_assert_int_eq(SLS_ST_COUNT, 50);
	ck_assert_str_eq(sls_stat_info[SLS_ST_404].group, "sl");
	ck_assert_str_eq(sls_stat_info[SLS_ST_404].name, "404_replies");
	ck_assert_str_eq(sls_stat_info[SLS_ST_RCV_ACKS].name, "received_ACKs");
	ck_assert_str_eq(sls_stat_info[SLS_ST_OVERSIZE].group, "core");
	ck_assert_str_eq(sls_stat_info[SLS_ST_SIGTABLE_EVICTIONS].group,
	    "shm");
	for (i = 0; i < SLS_ST_COUNT; i++) {
		ck_assert_ptr_nonnull(sls_stat_info[i].group);
		ck_assert_ptr_nonnull(sls_stat_info[i].name);
		ck_assert_ptr_nonnull(sls_stat_info[i].help);
		/* every name finds itself, bare or qualified */
		ck_assert_int_eq(sls_stats_find(sls_stat_info[i].name), i);
	}
	ck_assert_int_eq(sls_stats_find("sl:404_replies"), SLS_ST_404);
	ck_assert_int_eq(sls_stats_find("404_replies"), SLS_ST_404);
	ck_assert_int_eq(sls_stats_find("core:rcv_requests"),
	    SLS_ST_RCV_REQUESTS);
	ck_assert_int_eq(sls_stats_find("shm:sigtable_evictions"),
	    SLS_ST_SIGTABLE_EVICTIONS);
	ck_assert_int_eq(sls_stats_find("sl:received_ACKs"), SLS_ST_RCV_ACKS);
	/* wrong group, unknown, partial, empty */
	ck_assert_int_eq(sls_stats_find("core:404_replies"), -1);
	ck_assert_int_eq(sls_stats_find("s:404_replies"), -1);
	ck_assert_int_eq(sls_stats_find("sll:404_replies"), -1);
	ck_assert_int_eq(sls_stats_find(":404_replies"), -1);
	ck_assert_int_eq(sls_stats_find("404_replie"), -1);
	ck_assert_int_eq(sls_stats_find("404_replies "), -1);
	ck_assert_int_eq(sls_stats_find("sl:"), -1);
	ck_assert_int_eq(sls_stats_find("sl"), -1);
	ck_assert_int_eq(sls_stats_find(""), -1);
	ck_assert_int_eq(sls_stats_find(NULL), -1);
	ck_assert_int_eq(sls_stats_find("nosuch"), -1);
}
END_TEST

#define NPROC	6
#define NINC	200000

START_TEST(test_processes)
{
	sls_shm_t shm;
	uint64_t out[SLS_ST_COUNT];
	pid_t pid[NPROC];
	int i, n, status;

	ck_assert_int_eq(sls_shm_create(&shm, 1024), 0);
	for (i = 0; i < NPROC; i++) {
		pid[i] = fork();
		ck_assert_int_ge(pid[i], 0);
		if (pid[i] == 0) {
			sls_stats_slot_t *s = &shm.stats[i];

			for (n = 0; n < NINC; n++) {
				sls_stat_inc(s, SLS_ST_RCV_REQUESTS);
				sls_stats_count_reply(s, 404);
			}
			sls_stat_add(s, SLS_ST_FAILURES, (uint64_t)i);
			_exit(0);
		}
	}
	/* the supervisor slot counts too, concurrently */
	for (n = 0; n < NINC; n++)
		sls_stat_inc(&shm.stats[SLS_SUPERVISOR_SLOT],
		    SLS_ST_RCV_REQUESTS);
	for (i = 0; i < NPROC; i++) {
		ck_assert_int_eq(waitpid(pid[i], &status, 0), pid[i]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	sls_stats_sum(shm.stats, SLS_STATS_SLOTS, out);
	ck_assert_uint_eq(out[SLS_ST_RCV_REQUESTS], (uint64_t)(NPROC + 1) *
	    NINC);
	ck_assert_uint_eq(out[SLS_ST_404], (uint64_t)NPROC * NINC);
	ck_assert_uint_eq(out[SLS_ST_SENT], (uint64_t)NPROC * NINC);
	ck_assert_uint_eq(out[SLS_ST_FAILURES], 0 + 1 + 2 + 3 + 4 + 5);
	ck_assert_uint_eq(out[SLS_ST_200], 0);
	/* each process wrote only its own slot */
	for (i = 0; i < NPROC; i++)
		ck_assert_uint_eq(atomic_load(&shm.stats[i].v[SLS_ST_404]),
		    NINC);
	ck_assert_uint_eq(atomic_load(&shm.stats[NPROC].v[SLS_ST_404]), 0);
	sls_shm_destroy(&shm);
}
END_TEST

/* Segment layout: sls_shm_create/check/destroy. */
START_TEST(test_segment)
{
	sls_shm_t shm, bad;
	const char *base;

	ck_assert_int_eq(sls_shm_create(&shm, 16), 0);
	ck_assert_int_eq(sls_shm_check(&shm), 0);
	base = (const char *)shm.hdr;
	ck_assert_uint_eq(shm.hdr->magic, SLS_SHM_MAGIC);
	ck_assert_uint_eq(shm.hdr->version, SLS_SHM_VERSION);
	ck_assert_uint_eq(shm.hdr->max_workers, SLS_MAX_WORKERS);
	ck_assert_uint_eq(shm.hdr->table_size, 16);
	ck_assert_int_gt(shm.hdr->created, 1500000000);
	ck_assert_uint_eq(atomic_load(&shm.hdr->generation), 0);
	ck_assert_uint_eq(shm.hdr->stats_off % 64, 0);
	ck_assert_uint_eq(shm.hdr->status_off % 64, 0);
	ck_assert_uint_eq(shm.hdr->sigtable_off % 64, 0);
	ck_assert_uint_eq((uintptr_t)base % 4096, 0);
	ck_assert_uint_eq(shm.hdr->size % 4096, 0);
	ck_assert_ptr_eq((const char *)shm.stats, base + shm.hdr->stats_off);
	ck_assert_ptr_eq((const char *)shm.status,
	    base + shm.hdr->status_off);
	ck_assert_ptr_eq((const char *)shm.sigtable,
	    base + shm.hdr->sigtable_off);
	/* regions do not overlap and fit */
	ck_assert_uint_ge(shm.hdr->stats_off, sizeof(sls_shm_header_t));
	ck_assert_uint_ge(shm.hdr->status_off, shm.hdr->stats_off +
	    SLS_STATS_SLOTS * sizeof(sls_stats_slot_t));
	ck_assert_uint_ge(shm.hdr->sigtable_off, shm.hdr->status_off +
	    SLS_STATS_SLOTS * sizeof(sls_worker_status_t));
	ck_assert_uint_ge(shm.hdr->size, shm.hdr->sigtable_off +
	    sls_sigtable_bytes(16));
	ck_assert_uint_eq(shm.sigtable->size, 16);
	ck_assert_uint_eq(shm.sigtable->mask, 15);
	ck_assert_int_eq(atomic_load(&shm.status[SLS_SUPERVISOR_SLOT].state),
	    SLS_WS_STARTING);
	/* the last byte is ours to write */
	((char *)shm.hdr)[shm.hdr->size - 1] = 1;

	/* check refuses damaged headers */
	bad = shm;
	shm.hdr->magic ^= 1;
	ck_assert_int_eq(sls_shm_check(&bad), -1);
	shm.hdr->magic ^= 1;
	shm.hdr->version++;
	ck_assert_int_eq(sls_shm_check(&bad), -1);
	shm.hdr->version--;
	shm.hdr->sigtable_off += 64;
	ck_assert_int_eq(sls_shm_check(&bad), -1);
	shm.hdr->sigtable_off -= 64;
	bad.stats = shm.stats + 1;
	ck_assert_int_eq(sls_shm_check(&bad), -1);
	bad = shm;
	shm.sigtable->mask = 7;
	ck_assert_int_eq(sls_shm_check(&bad), -1);
	shm.sigtable->mask = 15;
	ck_assert_int_eq(sls_shm_check(&shm), 0);
	memset(&bad, 0, sizeof(bad));
	ck_assert_int_eq(sls_shm_check(&bad), -1);

	sls_shm_destroy(&shm);
	ck_assert_ptr_null(shm.hdr);
	sls_shm_destroy(&shm);		/* twice is harmless */
}
END_TEST

START_TEST(test_segment_sizes)
{
	sls_shm_t shm;
	static const uint32_t bad[] = { 0, 1, 2, 8, 15, 17, 24, 1000,
	    262143, 0x80000001U };

	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		ck_assert_msg(sls_shm_create(&shm, bad[i]) == -1,
		    "size %u accepted", bad[i]);
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_ptr_null(shm.hdr);
	}
	ck_assert_int_eq(sls_shm_create(&shm, 262144), 0);
	ck_assert_int_eq(sls_shm_check(&shm), 0);
	ck_assert_uint_eq(shm.sigtable->size, 262144);
	ck_assert_uint_ge(shm.hdr->size, 262144 * sizeof(sls_sig_entry_t));
	sls_shm_destroy(&shm);
}
END_TEST

static Suite *
stats_suite(void)
{
	Suite *s = suite_create("stats");
	TCase *tc;

	tc = tcase_create("stats");
	tcase_add_test(tc, test_bucket_named);
	tcase_add_test(tc, test_bucket_edges);
	tcase_add_test(tc, test_bucket_is_reply_counter);
	tcase_add_test(tc, test_count_reply);
	tcase_add_test(tc, test_sum);
	tcase_add_test(tc, test_info_and_find);
	tcase_add_test(tc, test_processes);
	suite_add_tcase(s, tc);

	tc = tcase_create("segment");
	tcase_add_test(tc, test_segment);
	tcase_add_test(tc, test_segment_sizes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(stats_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
