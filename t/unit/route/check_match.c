/*
 * Unit tests of src/route/match.c: each route condition on its own, their
 * conjunction, failed requests, and the first-match order. Routes are
 * built by hand (the loader is a layer above).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <check.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"
#include "route/match.h"
#include "sip/req.h"
#include "sip/sip.h"
#include "testaddr.h"

#define RE_FLAGS	(REG_EXTENDED | REG_ICASE | REG_NOSUB)
#define POOL		16

static sls_req_t req;
static sls_route_t route;
static regex_t res[POOL];
static sls_hdr_cond_t hdrs[POOL];
static sls_cidr_t cidrs[POOL];
static size_t nres, nhdrs;	/* compiled, to free */

static const char good[] =
    "INVITE sip:+15551234567@gw.example.net SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.1:5062;branch=z9hG4bK-m1\r\n"
    "f: \"Alice\" <sip:alice@atlanta.example.com>;tag=ft-1\r\n"
    "To: <sip:bob@biloxi.example.com>\r\n"
    "Call-ID: call-1@192.0.2.1\r\n"
    "CSeq: 1 INVITE\r\n"
    "User-Agent: TestUA/1.0\r\n"
    "X-Site: north\r\n"
    "X-Site: south\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

static void
setup(void)
{
	memset(&route, 0, sizeof(route));
	route.action = SLS_ACT_SL_SEND_REPLY;
	nres = nhdrs = 0;
}

static void
teardown(void)
{
	size_t i;

	for (i = 0; i < nres; i++)
		regfree(&res[i]);
	for (i = 0; i < nhdrs; i++)
		regfree(&hdrs[i].re);
}

/* Parse raw from src into req; the checks may fail (msg.err says how). */
static void
load_from(const char *raw, const char *src)
{
	sls_req_reset(&req);
	set_addr(&req.src, src, 5062);
	set_addr(&req.local, "127.0.0.1", 5060);
	ck_assert_int_eq(sls_sip_parse(&req.msg, raw, strlen(raw)), 0);
	(void)sls_sip_check(&req.msg);
	req.ruri = req.msg.ruri;
	req.err = req.msg.err;
}

static void
load(const char *raw)
{
	load_from(raw, "192.0.2.1");
}

static regex_t *
re(const char *src)
{
	ck_assert_uint_lt(nres, POOL);
	ck_assert_int_eq(regcomp(&res[nres], src, RE_FLAGS), 0);
	return &res[nres++];
}

/* Add the condition "name: ere" to the route (kept in hdrs[]). */
static void
add_header(const char *name, const char *ere)
{
	sls_hdr_cond_t *h;

	ck_assert_uint_lt(nhdrs, POOL);
	h = &hdrs[nhdrs++];
	h->name = (char *)name;
	h->type = sls_sip_hdr_type((sls_str_t){ name, strlen(name) });
	ck_assert_int_eq(regcomp(&h->re, ere, RE_FLAGS), 0);
	if (route.nheaders == 0)
		route.headers = h;
	route.nheaders++;
}

static void
add_source(const char *spec)
{
	char err[128];

	ck_assert_uint_lt(route.nsources, POOL);
	ck_assert_int_eq(sls_cidr_parse(spec, &cidrs[route.nsources], err,
	    sizeof(err)), 0);
	route.sources = cidrs;
	route.nsources++;
}

static bool
matches(void)
{
	return sls_route_matches(&route, &req);
}

START_TEST(no_condition_matches_all)
{
	load(good);
	ck_assert(matches());
}
END_TEST

START_TEST(method_exact)
{
	char *m[] = { "OPTIONS", "INVITE" }, *lower[] = { "invite" };

	load(good);
	route.methods = m;
	route.nmethods = 1;
	ck_assert(!matches());
	route.nmethods = 2;
	ck_assert(matches());
	/* methods are case-sensitive */
	route.methods = lower;
	route.nmethods = 1;
	ck_assert(!matches());
}
END_TEST

START_TEST(uri_regexes)
{
	load(good);
	route.ruri_re = re("^sip:\\+?1[0-9]{10}@");
	ck_assert(matches());
	route.from_re = re("^sip:alice@");
	route.to_re = re("@biloxi\\.");
	ck_assert(matches());
	/* case-insensitive, and on the URI only, not the display name */
	route.from_re = re("ALICE@ATLANTA");
	ck_assert(matches());
	route.from_re = re("^\"Alice\"");
	ck_assert(!matches());
	route.from_re = NULL;
	route.to_re = re("^sip:carol@");
	ck_assert(!matches());
}
END_TEST

START_TEST(source_cidrs)
{
	load_from(good, "192.0.2.77");
	add_source("10.0.0.0/8");
	ck_assert(!matches());
	add_source("192.0.2.0/24");
	ck_assert(matches());
	load_from(good, "2001:db8::5");
	ck_assert(!matches());
	add_source("2001:db8::/32");
	ck_assert(matches());
}
END_TEST

START_TEST(headers_all_must_hold)
{
	load(good);
	/* the compact form is the same header */
	add_header("From", "tag=ft-1");
	ck_assert(matches());
	/* other names case-insensitively; any of several instances */
	add_header("x-site", "^south$");
	ck_assert(matches());
	add_header("User-Agent", "friendly-scanner");
	ck_assert(!matches());
	/* a header that is not there never matches, not even ".*" */
	route.nheaders = 0;
	add_header("X-Absent", ".*");
	ck_assert(!matches());
}
END_TEST

START_TEST(error_routes)
{
	load("OPTIONS sip:x@127.0.0.1 SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-m2\r\n"
	    "From: <sip:a@example.com>;tag=1\r\n"
	    "To: <sip:x@127.0.0.1>\r\nCall-ID: c\r\nCSeq: 1 INFO\r\n\r\n");
	ck_assert_int_eq(req.msg.err, SLS_E_CSEQ_METHOD);
	ck_assert(!matches());
	route.match_error = true;
	ck_assert(matches());
	load(good);
	ck_assert(!matches());
}
END_TEST

/* A scanner's request with a CSeq that names another method. */
static const char scanner_bad_cseq[] =
    "OPTIONS sip:100@192.0.2.10 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.1:5062;branch=z9hG4bK-m3\r\n"
    "From: <sip:100@192.0.2.10>;tag=s1\r\n"
    "To: <sip:100@192.0.2.10>\r\n"
    "Call-ID: scan-1\r\n"
    "CSeq: 1 REGISTER\r\n"
    "User-Agent: friendly-scanner\r\n"
    "\r\n";

/* A drop route takes failed requests that meet its conditions. */
START_TEST(drop_route_silences_failed)
{
	char *m[] = { "OPTIONS" };

	load(scanner_bad_cseq);
	ck_assert_int_eq(req.msg.err, SLS_E_CSEQ_METHOD);
	add_header("User-Agent", "friendly-scanner|sipvicious");
	ck_assert(!matches());		/* a reply route never sees it */
	route.action = SLS_ACT_DROP;
	ck_assert(matches());
	/* parts checked before the CSeq still count */
	route.methods = m;
	route.nmethods = 1;
	route.ruri_re = re("^sip:100@");
	route.from_re = re("^sip:100@");
	route.to_re = re("^sip:100@");
	add_source("192.0.2.0/24");
	ck_assert(matches());
	/* and a condition that does not hold still fails */
	route.to_re = re("^sip:200@");
	ck_assert(!matches());
	route.to_re = NULL;
	load(good);
	ck_assert(!matches());		/* no User-Agent: friendly-scanner */
}
END_TEST

/* Conditions on the part that failed, or on parts after it, do not hold. */
START_TEST(drop_route_failed_part)
{
	char *m[] = { "OPTIONS" };

	route.action = SLS_ACT_DROP;
	/* the From URI is there, but From failed (quoted tag) */
	load("OPTIONS sip:x@127.0.0.1 SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-m4\r\n"
	    "From: <sip:scanner@example.com>;tag=\"1\"\r\n"
	    "To: <sip:x@127.0.0.1>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n"
	    "\r\n");
	ck_assert_int_eq(req.msg.err, SLS_E_BAD_FROM);
	ck_assert(matches());
	route.from_re = re("^sip:scanner@");
	ck_assert(!matches());
	route.from_re = NULL;
	route.to_re = re("^sip:x@");	/* To comes after From */
	ck_assert(!matches());
	route.to_re = NULL;
	route.ruri_re = re("^sip:x@");	/* the R-URI came before */
	route.methods = m;
	route.nmethods = 1;
	ck_assert(matches());

	/* a bad version: the R-URI was never checked */
	load("OPTIONS sip:x@127.0.0.1 SIP/3.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-m5\r\n"
	    "From: <sip:a@example.com>;tag=1\r\n"
	    "To: <sip:x@127.0.0.1>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n"
	    "\r\n");
	ck_assert_int_eq(req.msg.err, SLS_E_BAD_VERSION);
	ck_assert(!matches());
	route.ruri_re = NULL;
	ck_assert(matches());

	/* a bad request line (no R-URI): not even the method holds */
	load("OPTIONS  SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-m6\r\n"
	    "From: <sip:a@example.com>;tag=1\r\n"
	    "To: <sip:x@127.0.0.1>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n"
	    "\r\n");
	ck_assert_int_eq(req.msg.err, SLS_E_BAD_START_LINE);
	ck_assert(!matches());
	route.nmethods = 0;
	ck_assert(matches());
}
END_TEST

START_TEST(first_match_wins)
{
	sls_route_t rs[3];
	char *opt[] = { "OPTIONS" }, *inv[] = { "INVITE" };

	memset(rs, 0, sizeof(rs));
	rs[0].methods = opt;
	rs[0].nmethods = 1;
	rs[1].methods = inv;
	rs[1].nmethods = 1;
	load(good);
	ck_assert_ptr_eq(sls_route_find(rs, 3, &req), &rs[1]);
	ck_assert_ptr_eq(sls_route_find(rs, 1, &req), NULL);
	ck_assert_ptr_eq(sls_route_find(rs, 0, &req), NULL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("match");
	TCase *tc = tcase_create("match");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, no_condition_matches_all);
	tcase_add_test(tc, method_exact);
	tcase_add_test(tc, uri_regexes);
	tcase_add_test(tc, source_cidrs);
	tcase_add_test(tc, headers_all_must_hold);
	tcase_add_test(tc, error_routes);
	tcase_add_test(tc, drop_route_silences_failed);
	tcase_add_test(tc, drop_route_failed_part);
	tcase_add_test(tc, first_match_wins);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
