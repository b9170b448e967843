/*
 * slserverctl top and rates (src/ctl/top.c): parsing "stats" and
 * "workers" output, and rates from two snapshots.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/top.h"
#include "check_run.h"

START_TEST(stats_lines)
{
	sls_top_snap_t s;

	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(sls_top_parse_stats(&s,
	    "sl:200_replies = 12\n"
	    "core:rcv_requests = 18446744073709551615\n"
	    "route:a = b:matched = 7\n"
	    "route:odd: name:replied = 3\n"
	    "not a counter\n"
	    "x = -1\n"
	    "y = 12z\n"
	    " = 4\n"
	    "last = 9"), 0);
	ck_assert_uint_eq(s.nstat, 5);
	ck_assert_uint_eq(sls_top_value(&s, "sl:200_replies"), 12);
	ck_assert_uint_eq(sls_top_value(&s, "core:rcv_requests"), UINT64_MAX);
	ck_assert_uint_eq(sls_top_value(&s, "route:a = b:matched"), 7);
	ck_assert_uint_eq(sls_top_value(&s, "route:odd: name:replied"), 3);
	ck_assert_uint_eq(sls_top_value(&s, "last"), 9);
	ck_assert_uint_eq(sls_top_value(&s, "nosuch"), 0);
	sls_top_snap_free(&s);
	ck_assert_uint_eq(s.nstat, 0);
}
END_TEST

START_TEST(workers_lines)
{
	sls_top_snap_t s;

	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(sls_top_parse_workers(&s,
	    "slot number pid generation state restarts requests replies\n"
	    "256 1 4242 3 running 1 100 90\n"
	    "0 2 4243 2 retiring 0 5 5\n"
	    "1 2 4244 1 running 0\n"), 0);
	ck_assert_uint_eq(s.nw, 3);
	ck_assert_uint_eq(s.w[0].slot, 256);
	ck_assert_uint_eq(s.w[0].number, 1);
	ck_assert_int_eq(s.w[0].pid, 4242);
	ck_assert_uint_eq(s.w[0].generation, 3);
	ck_assert_str_eq(s.w[0].state, "running");
	ck_assert_uint_eq(s.w[0].requests, 100);
	ck_assert_uint_eq(s.w[0].replies, 90);
	ck_assert_str_eq(s.w[1].state, "retiring");
	/* a server that lists no counters */
	ck_assert_uint_eq(s.w[2].requests, 0);
	sls_top_snap_free(&s);
}
END_TEST

START_TEST(rates)
{
	sls_top_snap_t a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(sls_top_parse_stats(&a, "n = 100\nr = 50\n"), 0);
	ck_assert_int_eq(sls_top_parse_stats(&b, "n = 350\nr = 20\n"
	    "new = 10\n"), 0);
	a.at_ms = 1000;
	b.at_ms = 3500;
	ck_assert(sls_top_rate(&a, &b, "n") == 100.0);
	/* restarted at zero: counts from zero */
	ck_assert(sls_top_rate(&a, &b, "r") == 8.0);
	ck_assert(sls_top_rate(&a, &b, "new") == 4.0);
	ck_assert(sls_top_rate(&a, &b, "gone") == 0.0);
	sls_top_snap_free(&a);
	sls_top_snap_free(&b);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("top");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, stats_lines);
	tcase_add_test(tc, workers_lines);
	tcase_add_test(tc, rates);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return sls_check_run(suite());
}
