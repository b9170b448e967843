/*
 * The shipped samples (etc/slserver.conf, etc/slserver-dev.conf) as they
 * behave: loaded with the real loader, each request goes through the
 * packet path. A scanner's OPTIONS (svmap's default probe) must meet the
 * "scanners" route and get nothing back, not keepalive's 200.
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
#include "core/tag.h"
#include "shm/segment.h"
#include "testaddr.h"
#include "core/handler_fixture.h"

#ifndef SLS_TOP_SRCDIR
#error "SLS_TOP_SRCDIR must name the source top directory"
#endif

static const char *const samples[] = {
	SLS_TOP_SRCDIR "/etc/slserver.conf",
	SLS_TOP_SRCDIR "/etc/slserver-dev.conf",
};


static void
load(const char *path)
{
	fixture_conf_file(path);
	fixture_start(0, 0);
}

static void
unload(void)
{
	fixture_free();
}

/* Handle text as a datagram from 192.0.2.7:5062; true if answered. */
static bool
handle(const char *text)
{
	return fixture_handle("192.0.2.7", 5062, text);
}

/* A request; ua (may be NULL) is the User-Agent, cseq its CSeq method. */
static const char *
request(const char *method, const char *ua, const char *cseq)
{
	static char buf[4096];
	static unsigned branch;

	snprintf(buf, sizeof(buf),
	    "%s sip:100@192.0.2.1 SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bK-%u;rport\r\n"
	    "From: \"sipvicious\" <sip:100@1.1.1.1>;tag=6134\r\n"
	    "To: \"sipvicious\" <sip:100@1.1.1.1>\r\n"
	    "Call-ID: 1234567890@scan\r\n"
	    "%s%s%s"
	    "CSeq: 1 %s\r\n"
	    "Max-Forwards: 70\r\n"
	    "Content-Length: 0\r\n\r\n",
	    method, ++branch, ua != NULL ? "User-Agent: " : "",
	    ua != NULL ? ua : "", ua != NULL ? "\r\n" : "", cseq);
	return buf;
}

/* What svmap, svwar and friends send: all silenced, none answered. */
START_TEST(scanner_options_dropped)
{
	static const char *const uas[] = {
		"friendly-scanner",	/* svmap's default */
		"sipvicious",
		"SIPVicious 0.3.4",
		"sipcli/v1.8",
	};
	size_t i;

	load(samples[_i]);
	for (i = 0; i < sizeof(uas) / sizeof(uas[0]); i++) {
		ck_assert_msg(!handle(request("OPTIONS", uas[i], "OPTIONS")),
		    "%s: OPTIONS from '%s' answered: %.40s", samples[_i],
		    uas[i], outbuf);
		ck_assert_uint_eq(st(SLS_ST_DROP_REQUESTS), i + 1);
	}
	/* Other methods, and a malformed probe, are silenced too. */
	ck_assert(!handle(request("INVITE", "friendly-scanner", "INVITE")));
	ck_assert(!handle(request("REGISTER", "friendly-scanner", "REGISTER")));
	ck_assert(!handle(request("OPTIONS", "friendly-scanner", "INVITE")));
	ck_assert_uint_eq(st(SLS_ST_DROP_REQUESTS), i + 3);
	ck_assert_uint_eq(st(SLS_ST_ERR_REQUESTS), 1);
	ck_assert_uint_eq(st(SLS_ST_SENT), 0);
	ck_assert_uint_eq(st(SLS_ST_200), 0);
	unload();
}
END_TEST

/* Everyone else's keep-alive still gets its 200 with the Allow header. */
START_TEST(keepalive_answered)
{
	load(samples[_i]);
	ck_assert(handle(request("OPTIONS", NULL, "OPTIONS")));
	ck_assert_msg(strncmp(outbuf, "SIP/2.0 200 OK\r\n", 16) == 0, "%s",
	    outbuf);
	ck_assert_ptr_nonnull(strstr(outbuf,
	    "\r\nAllow: INVITE, ACK, CANCEL, OPTIONS, BYE\r\n"));
	ck_assert(handle(request("OPTIONS", "Linphone/5.2", "OPTIONS")));
	ck_assert(strncmp(outbuf, "SIP/2.0 200 OK\r\n", 16) == 0);
	ck_assert_uint_eq(st(SLS_ST_200), 2);
	ck_assert_uint_eq(st(SLS_ST_DROP_REQUESTS), 0);
	unload();
}
END_TEST

static Suite *
sample_suite(void)
{
	Suite *s = suite_create("sample");
	TCase *tc = tcase_create("routes");
	int n = (int)(sizeof(samples) / sizeof(samples[0]));

	tcase_add_loop_test(tc, scanner_options_dropped, 0, n);
	tcase_add_loop_test(tc, keepalive_answered, 0, n);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(sample_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
