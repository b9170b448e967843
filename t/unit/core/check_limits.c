/*
 * Per-source limits (SPEC 9) through the packet path and the config: the
 * limits section, its defaults and errors, a source over rate blocked
 * while others are answered, trusted sources, error_rate, IPv6 sources
 * per prefix, the table left alone when rate and error_rate are 0, and
 * the text forms of sources.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "core/limits.h"
#include "core/pipeline.h"
#include "core/tag.h"
#include "lib/clock.h"
#include "shm/segment.h"
#include "testaddr.h"
#include "handler_fixture.h"

#define NAME	"limits.conf"


static sls_conf_t *
load(const char *text)
{
	sls_errlist_t errs = { NULL, 0 };
	sls_conf_t *c = NULL;
	size_t i;

	if (sls_conf_load_buf(text, NAME, &c, &errs, NULL) < 0) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.msg[i]);
		ck_abort_msg("config does not load");
	}
	return c;
}

/* A pipeline with this limits section and an OPTIONS route. */
static void
start(const char *limits)
{
	char text[2048];

	snprintf(text, sizeof(text), "limits {\n%s\n}\n"
	    "event_route \"sl:blocked\" { xlog = \"blocked $si\" }\n"
	    "route \"keepalive\" {\n"
	    "  method = {\"OPTIONS\"}\n"
	    "  sl_send_reply = \"200 OK\"\n"
	    "}\n", limits);
	conf = load(text);
	fixture_start(0, 0);
	h.srctable = shm.srctable;
}

static void
teardown(void)
{
	fixture_free();
}

/* One datagram from ip; true when it was answered. */
static bool
handle_from(const char *ip, const char *text)
{
	return fixture_handle(ip, 5062, text);
}

static const char OPTIONS[] =
    "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bK1;rport\r\n"
    "From: <sip:a@example.com>;tag=1\r\n"
    "To: <sip:x@127.0.0.1>\r\n"
    "Call-ID: c1\r\n"
    "CSeq: 1 OPTIONS\r\n\r\n";

/* Addressable but failed: CSeq names another method (400). */
static const char BAD[] =
    "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bK2;rport\r\n"
    "From: <sip:a@example.com>;tag=1\r\n"
    "To: <sip:x@127.0.0.1>\r\n"
    "Call-ID: c2\r\n"
    "CSeq: 1 INVITE\r\n\r\n";

/* Failed and not addressable: no Via. */
static const char NOVIA[] =
    "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\n"
    "From: <sip:a@example.com>;tag=1\r\n"
    "To: <sip:x@127.0.0.1>\r\n"
    "Call-ID: c3\r\n"
    "CSeq: 1 OPTIONS\r\n\r\n";

/* ---- config ---------------------------------------------------------- */

static void
load_err(const char *text, const char *want)
{
	sls_errlist_t e = { NULL, 0 };
	sls_conf_t *c = NULL;
	size_t i;
	bool found = false;

	ck_assert_int_eq(sls_conf_load_buf(text, NAME, &c, &e, NULL), -1);
	for (i = 0; i < e.n; i++)
		found |= strcmp(e.msg[i], want) == 0;
	ck_assert_msg(found, "no '%s' (first: '%s')", want,
	    e.n > 0 ? e.msg[0] : "");
	sls_errlist_free(&e);
}

START_TEST(conf_defaults)
{
	sls_conf_t *c = load(""), *s = NULL;
	sls_errlist_t e = { NULL, 0 };
	struct sockaddr_storage a;

	ck_assert_uint_eq(c->limits.ntrusted, 2);
	set_addr(&a, "127.3.4.5", 1);
	ck_assert(sls_limits_trusted(c, (struct sockaddr *)&a));
	set_addr(&a, "::1", 1);
	ck_assert(sls_limits_trusted(c, (struct sockaddr *)&a));
	set_addr(&a, "::ffff:127.0.0.1", 1);
	ck_assert(sls_limits_trusted(c, (struct sockaddr *)&a));
	set_addr(&a, "192.0.2.1", 1);
	ck_assert(!sls_limits_trusted(c, (struct sockaddr *)&a));
	ck_assert_uint_eq(c->limits.rate, 0);
	ck_assert_uint_eq(c->limits.burst, 0);
	ck_assert_uint_eq(c->limits.block, 60);
	ck_assert_uint_eq(c->limits.error_rate, 20);
	ck_assert_uint_eq(c->limits.ipv6_prefix, 64);
	ck_assert_uint_eq(c->limits.table_size, 65536);
	ck_assert_ptr_null(c->ev_blocked);

	/* the shipped sample repeats them */
	ck_assert_int_eq(sls_conf_load(SLS_TOP_SRCDIR "/etc/slserver.conf",
	    &s, &e, NULL), 0);
	ck_assert_uint_eq(s->limits.ntrusted, c->limits.ntrusted);
	ck_assert_int_eq(memcmp(s->limits.trusted, c->limits.trusted,
	    2 * sizeof(sls_cidr_t)), 0);
	ck_assert_uint_eq(s->limits.rate, c->limits.rate);
	ck_assert_uint_eq(s->limits.burst, c->limits.burst);
	ck_assert_uint_eq(s->limits.block, c->limits.block);
	ck_assert_uint_eq(s->limits.error_rate, c->limits.error_rate);
	ck_assert_uint_eq(s->limits.ipv6_prefix, c->limits.ipv6_prefix);
	ck_assert_uint_eq(s->limits.table_size, c->limits.table_size);
	sls_conf_free(s);
	sls_conf_free(c);

	c = load("limits {\n trusted = {}\n rate = 100\n burst = 0\n"
	    " block = 5\n error_rate = 0\n ipv6_prefix = 56\n"
	    " table_size = 1024\n}\n"
	    "event_route \"sl:blocked\" { xlog = \"blocked $si\" }\n");
	ck_assert_uint_eq(c->limits.ntrusted, 0);
	ck_assert_uint_eq(c->limits.rate, 100);
	ck_assert_uint_eq(c->limits.block, 5);
	ck_assert_uint_eq(c->limits.ipv6_prefix, 56);
	ck_assert_uint_eq(c->limits.table_size, 1024);
	ck_assert_ptr_nonnull(c->ev_blocked);
	{
		sls_src_params_t p;

		sls_limits_params(c, &p);
		ck_assert_uint_eq(p.burst, 100);	/* 0 = rate */
		ck_assert_uint_eq(p.block_ms, 5000);
	}
	sls_conf_free(c);
}
END_TEST

START_TEST(conf_errors)
{
	load_err("limits {\n\n rate = -1\n}\n",
	    NAME ":3: rate = -1 out of range 0..1000000");
	load_err("limits {\n rate = 1000001\n}\n",
	    NAME ":2: rate = 1000001 out of range 0..1000000");
	load_err("limits {\n burst = 2000000\n}\n",
	    NAME ":2: burst = 2000000 out of range 0..1000000");
	load_err("limits {\n error_rate = -5\n}\n",
	    NAME ":2: error_rate = -5 out of range 0..1000000");
	load_err("limits {\n block = 0\n}\n",
	    NAME ":2: block = 0 out of range 1..86400");
	load_err("limits {\n ipv6_prefix = 129\n}\n",
	    NAME ":2: ipv6_prefix = 129 out of range 1..128");
	load_err("limits {\n ipv6_prefix = 0\n}\n",
	    NAME ":2: ipv6_prefix = 0 out of range 1..128");
	load_err("limits {\n table_size = 1000\n}\n",
	    NAME ":2: table_size = 1000 must be a power of two in "
	    "1024..16777216");
	load_err("limits {\n trusted = {\"10.0.0.0/8\",\n \"bogus\"}\n}\n",
	    NAME ":3: trusted \"bogus\": not a numeric IPv4 address: bogus");
	load_err("limits {\n nope = 1\n}\n",
	    NAME ":2: no such option 'nope'");
}
END_TEST

START_TEST(conf_restart_only)
{
	sls_conf_t *a = load(""), *b = load("limits { table_size = 2048 }\n");
	sls_conf_t *c = load("limits { rate = 10\n block = 1 }\n");
	sls_errlist_t e = { NULL, 0 };

	ck_assert_int_eq(sls_conf_restart_diff(a, b, &e), 1);
	ck_assert_str_eq(e.msg[0], NAME ": option 'limits.table_size' cannot "
	    "change on reload; restart");
	sls_errlist_free(&e);
	/* everything else reloads */
	ck_assert_int_eq(sls_conf_restart_diff(a, c, &e), 0);
	sls_conf_free(a);
	sls_conf_free(b);
	sls_conf_free(c);
}
END_TEST

/* ---- the packet path ------------------------------------------------- */

START_TEST(rate_blocks_one_source)
{
	int i;

	start("trusted = {}\n rate = 5\n block = 60\n table_size = 1024");
	for (i = 0; i < 5; i++)
		ck_assert(handle_from("192.0.2.7", OPTIONS));
	/* the sixth goes over: dropped, a block starts */
	ck_assert(!handle_from("192.0.2.7", OPTIONS));
	ck_assert_uint_eq(st(SLS_ST_LIMITED), 1);
	ck_assert_uint_eq(st(SLS_ST_BLOCKS), 1);
	for (i = 0; i < 20; i++)
		ck_assert(!handle_from("192.0.2.7", OPTIONS));
	ck_assert_uint_eq(st(SLS_ST_LIMITED), 21);
	ck_assert_uint_eq(st(SLS_ST_BLOCKS), 1);
	/* counted as received, nothing else: not checked, not routed */
	ck_assert_uint_eq(st(SLS_ST_RCV_REQUESTS), 26);
	ck_assert_uint_eq(st(SLS_ST_DROP_REQUESTS), 0);
	ck_assert_uint_eq(st(SLS_ST_200), 5);
	/* malformed ones from it too */
	ck_assert(!handle_from("192.0.2.7", BAD));
	ck_assert_uint_eq(st(SLS_ST_ERR_REQUESTS), 0);
	/* another source is answered in full */
	for (i = 0; i < 5; i++)
		ck_assert(handle_from("192.0.2.8", OPTIONS));
	ck_assert_uint_eq(st(SLS_ST_200), 10);
	ck_assert_uint_eq(sls_srctable_used(shm.srctable), 2);
	ck_assert_uint_eq(sls_srctable_blocked(shm.srctable,
	    &(sls_src_params_t){ 5, 5, 60000, 20 }, sls_now_ms(), 0, NULL,
	    NULL), 1);
	/* responses are not requests: never limited, never counted */
	ck_assert(!handle_from("192.0.2.7", "SIP/2.0 200 OK\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.7\r\nFrom: <sip:a@b>;tag=1\r\n"
	    "To: <sip:c@d>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\n"));
	ck_assert_uint_eq(st(SLS_ST_LIMITED), 22);
	ck_assert_uint_eq(st(SLS_ST_RCV_REPLIES), 1);
}
END_TEST

START_TEST(trusted_never_limited)
{
	int i;

	start("rate = 1\n block = 60\n table_size = 1024");
	for (i = 0; i < 50; i++) {
		ck_assert(handle_from("127.0.0.1", OPTIONS));
		ck_assert(handle_from("::1", OPTIONS));
		ck_assert(handle_from("::ffff:127.0.0.9", OPTIONS));
		/* nor their error replies */
		ck_assert(handle_from("127.0.0.2", BAD));
	}
	ck_assert_uint_eq(st(SLS_ST_LIMITED), 0);
	ck_assert_uint_eq(st(SLS_ST_ERR_LIMITED), 0);
	ck_assert_uint_eq(sls_srctable_used(shm.srctable), 0);
	/* an untrusted one is */
	ck_assert(handle_from("192.0.2.9", OPTIONS));
	ck_assert(!handle_from("192.0.2.9", OPTIONS));
}
END_TEST

START_TEST(error_rate_caps_error_replies)
{
	int i;

	start("trusted = {\"10.0.0.0/8\"}\n error_rate = 2\n"
	    " table_size = 1024");
	for (i = 0; i < 5; i++)
		handle_from("192.0.2.7", BAD);
	ck_assert_uint_eq(st(SLS_ST_400), 2);
	ck_assert_uint_eq(st(SLS_ST_SENT_ERR), 2);
	ck_assert_uint_eq(st(SLS_ST_ERR_LIMITED), 3);
	/* the requests still count as failed; nothing else is dropped */
	ck_assert_uint_eq(st(SLS_ST_ERR_REQUESTS), 5);
	ck_assert_uint_eq(st(SLS_ST_DROP_REQUESTS), 0);
	/* good requests are not limited by it (rate = 0) */
	for (i = 0; i < 50; i++)
		ck_assert(handle_from("192.0.2.7", OPTIONS));
	ck_assert_uint_eq(st(SLS_ST_LIMITED), 0);
	/* one that cannot be answered spends no token */
	ck_assert(!handle_from("192.0.2.8", NOVIA));
	ck_assert(!handle_from("192.0.2.8", NOVIA));
	ck_assert_uint_eq(st(SLS_ST_ERR_LIMITED), 3);
	ck_assert_uint_eq(st(SLS_ST_DROP_REQUESTS), 2);
	ck_assert(handle_from("192.0.2.8", BAD));
	ck_assert(handle_from("192.0.2.8", BAD));
	ck_assert(!handle_from("192.0.2.8", BAD));
	ck_assert_uint_eq(st(SLS_ST_ERR_LIMITED), 4);
	/* only error replies touched the table: two sources */
	ck_assert_uint_eq(sls_srctable_used(shm.srctable), 2);
}
END_TEST

START_TEST(off_leaves_table_alone)
{
	int i;

	start("trusted = {}\n rate = 0\n error_rate = 0\n table_size = 1024");
	for (i = 0; i < 100; i++) {
		ck_assert(handle_from("192.0.2.7", OPTIONS));
		ck_assert(handle_from("192.0.2.7", BAD));
	}
	ck_assert_uint_eq(sls_srctable_used(shm.srctable), 0);
	ck_assert_uint_eq(st(SLS_ST_LIMITED) + st(SLS_ST_ERR_LIMITED), 0);
	/* and nothing touches it without a table (unit harnesses) */
	teardown();
	start("trusted = {}\n rate = 1\n error_rate = 1\n table_size = 1024");
	h.srctable = NULL;
	for (i = 0; i < 10; i++)
		ck_assert(handle_from("192.0.2.7", OPTIONS));
}
END_TEST

START_TEST(ipv6_per_prefix)
{
	char text[SLS_SRC_TEXTLEN];
	sls_src_t s;
	int i;

	start("trusted = {}\n rate = 3\n ipv6_prefix = 64\n table_size = 1024");
	/* three addresses of one /64 share one bucket */
	ck_assert(handle_from("2001:db8:1:2::1", OPTIONS));
	ck_assert(handle_from("2001:db8:1:2::2", OPTIONS));
	ck_assert(handle_from("2001:db8:1:2:ffff::3", OPTIONS));
	ck_assert(!handle_from("2001:db8:1:2::4", OPTIONS));
	/* the next /64 has its own */
	for (i = 0; i < 3; i++)
		ck_assert(handle_from("2001:db8:1:3::1", OPTIONS));
	ck_assert_uint_eq(sls_srctable_used(shm.srctable), 2);

	/* text forms, and unblock by any address of the prefix */
	ck_assert_int_eq(sls_limits_parse(shm.srctable, conf,
	    "2001:db8:1:2:aaaa::9", &s), 0);
	ck_assert_uint_eq(sls_limits_format(&s, text, sizeof(text)), 17);
	ck_assert_str_eq(text, "2001:db8:1:2::/64");
	ck_assert(sls_srctable_unblock(shm.srctable, &s,
	    &(sls_src_params_t){ 3, 3, 60000, 20 }, sls_now_ms()));
	ck_assert(handle_from("2001:db8:1:2::5", OPTIONS));
	ck_assert_int_eq(sls_limits_parse(shm.srctable, conf, "192.0.2.1",
	    &s), 0);
	sls_limits_format(&s, text, sizeof(text));
	ck_assert_str_eq(text, "192.0.2.1");
	ck_assert_int_eq(sls_limits_parse(shm.srctable, conf, "::ffff:1.2.3.4",
	    &s), 0);
	sls_limits_format(&s, text, sizeof(text));
	ck_assert_str_eq(text, "1.2.3.4");
	ck_assert_int_eq(sls_limits_parse(shm.srctable, conf, "nope", &s), -1);
	ck_assert_int_eq(sls_limits_parse(shm.srctable, conf, "10.0.0.0/8",
	    &s), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("limits");
	TCase *tc = tcase_create("conf");
	TCase *tp = tcase_create("pipeline");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, conf_defaults);
	tcase_add_test(tc, conf_errors);
	tcase_add_test(tc, conf_restart_only);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tp, NULL, teardown);
	tcase_add_test(tp, rate_blocks_one_source);
	tcase_add_test(tp, trusted_never_limited);
	tcase_add_test(tp, error_rate_caps_error_replies);
	tcase_add_test(tp, off_leaves_table_alone);
	tcase_add_test(tp, ipv6_per_prefix);
	suite_add_tcase(s, tp);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
