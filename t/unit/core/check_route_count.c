/*
 * Per-route counters on the packet path (core/route_count.c and the
 * hooks in core/pipeline.c): what each outcome counts, that every
 * matched request ends in exactly one of replied, dropped and forwarded,
 * and that slots are given by name.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "core/pipeline.h"
#include "core/route_count.h"
#include "core/tag.h"
#include "shm/segment.h"
#include "testaddr.h"
#include "handler_fixture.h"
#include "check_run.h"

static const char *CONF_TEXT =
    "listen = {\"udp:127.0.0.1:5060\"}\n"
    "sl { table_size = 1024 }\n"
    "route \"scanners\" {\n"
    "  header = {\"User-Agent: friendly-scanner\"}\n"
    "  drop = true\n"
    "}\n"
    "route \"keepalive\" {\n"
    "  method = {\"OPTIONS\"}\n"
    "  sl_send_reply = \"200 OK\"\n"
    "}\n"
    "route \"explain\" {\n"
    "  method = {\"SUBSCRIBE\"}\n"
    "  sl_reply_error = true\n"
    "}\n"
    "route \"broken\" {\n"
    "  error = true\n"
    "  method = {\"NOTIFY\"}\n"
    "  sl_reply_error = true\n"
    "}\n"
    "route \"rest\" {\n"
    "  send_reply = \"404 Not Found\"\n"
    "}\n";

enum { SCANNERS, KEEPALIVE, EXPLAIN, BROKEN, REST, NROUTES };


static void
setup(void)
{
	fixture_conf(CONF_TEXT);
	ck_assert_uint_eq(conf->nroutes, NROUTES);
	fixture_start(3, 0);
	atomic_store(&shm.hdr->generation, 1);
	ck_assert_uint_eq(sls_route_counters_assign(&shm, conf, 1, 1), 0);
	h.routes = sls_routestats_block(shm.routestats, 3);
}

static void
teardown(void)
{
	fixture_free();
}

/* Counter what of route i, as readers see it. */
static uint64_t
rc(int i, enum sls_rc what)
{
	sls_route_sample_t s[SLS_ROUTE_SLOTS];
	size_t k, n;

	n = sls_routestats_read(shm.routestats, SLS_STATS_SLOTS, 1, s,
	    SLS_ROUTE_SLOTS);
	for (k = 0; k < n; k++)
		if (strcmp(s[k].name, conf->routes[i].name) == 0)
			return s[k].v[what];
	ck_abort_msg("route %s not shown", conf->routes[i].name);
	return 0;
}

static bool
handle(const char *method, const char *to_tag, const char *extra)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf),
	    "%s sip:x@127.0.0.1 SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bK-rc;rport\r\n"
	    "From: <sip:alice@example.com>;tag=ft1\r\n"
	    "To: <sip:x@127.0.0.1>%s%s\r\n"
	    "Call-ID: rc-1@example.com\r\n%s"
	    "CSeq: 1 %s\r\nContent-Length: 0\r\n\r\n",
	    method, to_tag != NULL ? ";tag=" : "",
	    to_tag != NULL ? to_tag : "", extra != NULL ? extra : "", method);
	set_addr(&req.src, "192.0.2.7", 5062);
	set_addr(&req.local, "127.0.0.1", 5060);
	return sls_handle(&h, &req, buf, strlen(buf), &out);
}

START_TEST(slots_by_name)
{
	int i, j;

	for (i = 0; i < NROUTES; i++) {
		ck_assert_uint_ne(conf->routes[i].counter, 0);
		for (j = 0; j < i; j++)
			ck_assert_uint_ne(conf->routes[i].counter,
			    conf->routes[j].counter);
		ck_assert_uint_eq(rc(i, SLS_RC_MATCHED), 0);
	}
}
END_TEST

START_TEST(replied)
{
	ck_assert(handle("OPTIONS", NULL, NULL));
	ck_assert(handle("OPTIONS", NULL, NULL));
	ck_assert_uint_eq(rc(KEEPALIVE, SLS_RC_MATCHED), 2);
	ck_assert_uint_eq(rc(KEEPALIVE, SLS_RC_REPLIED), 2);
	ck_assert_uint_eq(rc(KEEPALIVE, SLS_RC_DROPPED), 0);
	/* sl_reply_error answers too */
	ck_assert(handle("SUBSCRIBE", NULL, NULL));
	ck_assert_uint_eq(rc(EXPLAIN, SLS_RC_REPLIED), 1);
	ck_assert(handle("BYE", "t1", NULL));
	ck_assert_uint_eq(rc(REST, SLS_RC_REPLIED), 1);
	ck_assert_uint_eq(rc(REST, SLS_RC_FORWARDED), 0);
}
END_TEST

START_TEST(dropped)
{
	ck_assert(!handle("OPTIONS", NULL,
	    "User-Agent: friendly-scanner\r\n"));
	ck_assert_uint_eq(rc(SCANNERS, SLS_RC_MATCHED), 1);
	ck_assert_uint_eq(rc(SCANNERS, SLS_RC_DROPPED), 1);
	ck_assert_uint_eq(rc(SCANNERS, SLS_RC_REPLIED), 0);
	ck_assert_uint_eq(rc(KEEPALIVE, SLS_RC_MATCHED), 0);
	/* an ACK that is not ours is never answered: its route drops it */
	ck_assert(!handle("ACK", "foreign", NULL));
	ck_assert_uint_eq(rc(REST, SLS_RC_MATCHED), 1);
	ck_assert_uint_eq(rc(REST, SLS_RC_DROPPED), 1);
	ck_assert_uint_eq(rc(REST, SLS_RC_REPLIED), 0);
}
END_TEST

/* A reply that cannot be addressed (no Via): the route dropped it. */
START_TEST(unanswerable)
{
	static const char bad[] = "NOTIFY sip:x@127.0.0.1 SIP/2.0\r\n"
	    "From: <sip:a@b>;tag=1\r\nTo: <sip:x@127.0.0.1>\r\n"
	    "Call-ID: rc-2\r\nCSeq: 1 NOTIFY\r\nContent-Length: 0\r\n\r\n";

	set_addr(&req.src, "192.0.2.7", 5062);
	set_addr(&req.local, "127.0.0.1", 5060);
	ck_assert(!sls_handle(&h, &req, bad, sizeof(bad) - 1, &out));
	ck_assert_uint_eq(rc(BROKEN, SLS_RC_MATCHED), 1);
	ck_assert_uint_eq(rc(BROKEN, SLS_RC_DROPPED), 1);
	ck_assert_uint_eq(rc(BROKEN, SLS_RC_REPLIED), 0);
}
END_TEST

/* The function the forward action calls. */
START_TEST(forwarded)
{
	sls_route_count(&h, &conf->routes[REST], SLS_RC_MATCHED);
	sls_route_count(&h, &conf->routes[REST], SLS_RC_FORWARDED);
	ck_assert_uint_eq(rc(REST, SLS_RC_FORWARDED), 1);
	/* a handler without counters counts nothing, and does not crash */
	h.routes = NULL;
	ck_assert(handle("OPTIONS", NULL, NULL));
	ck_assert_uint_eq(rc(KEEPALIVE, SLS_RC_MATCHED), 0);
}
END_TEST

/* No route: nothing is counted per route. */
START_TEST(no_route)
{
	sls_conf_free(conf);
	ck_assert_int_eq(sls_conf_load_buf("sl { table_size = 1024 }\n"
	    "route \"k\" {\n method = {\"OPTIONS\"}\n sl_send_reply = \"200\""
	    "\n}\n", "t2.conf", &conf, &(sls_errlist_t){ NULL, 0 }, NULL), 0);
	sls_route_counters_assign(&shm, conf, 1, 2);
	atomic_store(&shm.hdr->generation, 2);
	h.conf = conf;
	ck_assert(handle("BYE", "t1", NULL));
	ck_assert(handle("OPTIONS", NULL, NULL));
	/* "k" is new in generation 2; the routes of generation 1 are gone */
	{
		sls_route_sample_t s[SLS_ROUTE_SLOTS];
		size_t n = sls_routestats_read(shm.routestats,
		    SLS_STATS_SLOTS, 2, s, SLS_ROUTE_SLOTS);

		ck_assert_uint_eq(n, 1);
		ck_assert_str_eq(s[0].name, "k");
		ck_assert_uint_eq(s[0].v[SLS_RC_MATCHED], 1);
		ck_assert_uint_eq(s[0].v[SLS_RC_REPLIED], 1);
	}
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("route_count");
	TCase *tc = tcase_create("pipeline");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, slots_by_name);
	tcase_add_test(tc, replied);
	tcase_add_test(tc, dropped);
	tcase_add_test(tc, unanswerable);
	tcase_add_test(tc, forwarded);
	tcase_add_test(tc, no_route);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return sls_check_run(suite());
}
