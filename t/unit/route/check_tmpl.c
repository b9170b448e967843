/*
 * Unit tests of src/route/tmpl.c (and the request accessors of src/sip/req.c).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "sip/req.h"
#include "sip/sip.h"
#include "route/tmpl.h"
#include "testaddr.h"

static sls_req_t req;

static const char sample[] =
    "INVITE sip:+15551234567@gw.example.net:5080;user=phone SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.1:5062;branch=z9hG4bK-t1;rport\r\n"
    "Max-Forwards: 70\r\n"
    "From: \"Alice\" <sip:alice@atlanta.example.com>;tag=ft-1\r\n"
    "To: <sip:bob@biloxi.example.com>;tag=tt-2\r\n"
    "Call-ID: call-77@192.0.2.1\r\n"
    "CSeq: 314159 INVITE\r\n"
    "User-Agent: TestUA/1.0\r\n"
    "X-Custom: hello\r\n"
    "Subject: first\r\n second\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

/* Compact header names, no To tag, no User-Agent, R-URI without port. */
static const char compact[] =
    "OPTIONS sip:ping@example.org SIP/2.0\r\n"
    "v: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-c1\r\n"
    "f: <sip:mon@example.org>;tag=c-f\r\n"
    "t: <sip:ping@example.org>\r\n"
    "i: compact-1\r\n"
    "CSeq: 7 OPTIONS\r\n"
    "l: 0\r\n"
    "\r\n";

static void
load(const char *raw)
{
	memset(&req.src, 0, sizeof(req.src));
	memset(&req.local, 0, sizeof(req.local));
	set_addr(&req.src, "198.51.100.7", 40000);
	set_addr(&req.local, "192.0.2.10", 5060);
	sls_req_reset(&req);
	ck_assert_int_eq(sls_sip_parse(&req.msg, raw, strlen(raw)), 0);
	ck_assert_int_eq(sls_sip_check(&req.msg), 0);
	req.ruri = req.msg.ruri;
}

/* Expand src on the current request; the result is NUL-terminated. */
static const char *
expand(const char *src)
{
	static char out[2048];
	char err[128];
	sls_tmpl_t *t;
	ssize_t n;

	t = sls_tmpl_compile(src, err, sizeof(err));
	ck_assert_msg(t != NULL, "compile \"%s\": %s", src, err);
	n = sls_tmpl_expand(t, &req, out, sizeof(out) - 1);
	ck_assert_int_ge(n, 0);
	out[n] = '\0';
	sls_tmpl_free(t);
	return out;
}

#define EXPECT(src, want) ck_assert_str_eq(expand(src), (want))

START_TEST(test_request_vars)
{
	load(sample);
	EXPECT("$rm", "INVITE");
	EXPECT("$ru", "sip:+15551234567@gw.example.net:5080;user=phone");
	EXPECT("$rU", "+15551234567");
	EXPECT("$rd", "gw.example.net");
	EXPECT("$rp", "5080");
	EXPECT("$ci", "call-77@192.0.2.1");
	EXPECT("$cs", "314159");
	EXPECT("$ua", "TestUA/1.0");
}
END_TEST

START_TEST(test_from_to_vars)
{
	load(sample);
	EXPECT("$fu", "sip:alice@atlanta.example.com");
	EXPECT("$fU", "alice");
	EXPECT("$fd", "atlanta.example.com");
	EXPECT("$ft", "ft-1");
	EXPECT("$tu", "sip:bob@biloxi.example.com");
	EXPECT("$tU", "bob");
	EXPECT("$td", "biloxi.example.com");
	EXPECT("$tt", "tt-2");
}
END_TEST

START_TEST(test_address_vars)
{
	load(sample);
	EXPECT("$si:$sp", "198.51.100.7:40000");
	EXPECT("$Ri:$Rp", "192.0.2.10:5060");
	set_addr(&req.src, "2001:db8::9", 5070);
	set_addr(&req.local, "::1", 5061);
	req.src_ip_len = 0;
	req.local_ip_len = 0;
	EXPECT("$si $sp", "2001:db8::9 5070");
	EXPECT("$Ri $Rp", "::1 5061");
}
END_TEST

START_TEST(test_mixed_and_literals)
{
	load(sample);
	EXPECT("", "");
	EXPECT("no variables", "no variables");
	EXPECT("sip:$rU@gw2.example.net", "sip:+15551234567@gw2.example.net");
	EXPECT("$rUx", "+15551234567x");
	EXPECT("[$rm/$cs]", "[INVITE/314159]");
	EXPECT("cost $$5 $$$rm $$$$", "cost $5 $INVITE $$");
	/* literal control characters become spaces too */
	EXPECT("a\r\nb\tc", "a  b\tc");
}
END_TEST

START_TEST(test_reply_vars)
{
	static const char rr[] = "Not Found";

	load(sample);
	EXPECT("<$rs><$rr>", "<><>");
	req.rr = (sls_str_t){ rr, sizeof(rr) - 1 };
	EXPECT("<$rs><$rr>", "<><>");	/* only once a code is chosen */
	req.rs = 404;
	EXPECT("sent $rs $rr", "sent 404 Not Found");
}
END_TEST

START_TEST(test_time)
{
	time_t before, after, v;

	load(sample);
	before = time(NULL);
	v = (time_t)strtoll(expand("$Ts"), NULL, 10);
	after = time(NULL);
	ck_assert_int_ge(v, before);
	ck_assert_int_le(v, after);
	ck_assert_int_gt(v, 1600000000);
}
END_TEST

START_TEST(test_hdr)
{
	load(sample);
	EXPECT("$hdr(X-Custom)", "hello");
	EXPECT("$hdr(x-cUSTOM)", "hello");
	EXPECT("$hdr(From)", "\"Alice\" <sip:alice@atlanta.example.com>;"
	    "tag=ft-1");
	EXPECT("$hdr(f)", "\"Alice\" <sip:alice@atlanta.example.com>;"
	    "tag=ft-1");
	EXPECT("$hdr(FROM)", "\"Alice\" <sip:alice@atlanta.example.com>;"
	    "tag=ft-1");
	EXPECT("$hdr(User-Agent)", "TestUA/1.0");
	EXPECT("$hdr(CSeq)", "314159 INVITE");
	EXPECT("<$hdr(X-Missing)>", "<>");

	load(compact);
	EXPECT("$hdr(From)", "<sip:mon@example.org>;tag=c-f");
	EXPECT("$hdr(f)", "<sip:mon@example.org>;tag=c-f");
	EXPECT("$hdr(Call-ID)|$hdr(i)", "compact-1|compact-1");
	EXPECT("$hdr(Via)", "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-c1");
	EXPECT("$hdr(Content-Length)", "0");
}
END_TEST

START_TEST(test_missing_values)
{
	load(compact);
	EXPECT("<$tt>", "<>");
	EXPECT("<$ua>", "<>");
	EXPECT("<$rp>", "<>");
	EXPECT("<$rs><$rr>", "<><>");
	EXPECT("$rU@$rd", "ping@example.org");
	EXPECT("$ci $cs $ft", "compact-1 7 c-f");

	/* no addresses known: empty, not "0" */
	memset(&req.src, 0, sizeof(req.src));
	memset(&req.local, 0, sizeof(req.local));
	req.src_ip_len = 0;
	req.local_ip_len = 0;
	EXPECT("<$si><$sp><$Ri><$Rp>", "<><><><>");
}
END_TEST

START_TEST(test_sanitise)
{
	static const char evil[] = "a\r\nb\0c\x01" "d\te\x7f" "f";

	load(sample);
	/* folded header: its CRLF reaches no output */
	EXPECT("[$hdr(Subject)]", "[first   second]");
	req.rs = 500;
	req.rr = (sls_str_t){ evil, sizeof(evil) - 1 };
	EXPECT("$rr", "a  b c d\te f");
}
END_TEST

START_TEST(test_set_ruri)
{
	static const char nr[] = "sip:newuser@other.example.org:5099";

	load(sample);
	EXPECT("$rU", "+15551234567");
	/* as set_ruri does it, without touching ruri_parsed */
	req.ruri = (sls_str_t){ nr, sizeof(nr) - 1 };
	req.ruri_changed = true;
	EXPECT("$ru", "sip:newuser@other.example.org:5099");
	EXPECT("$rU|$rd|$rp", "newuser|other.example.org|5099");
	ck_assert_ptr_nonnull(sls_req_ruri(&req));
	/* the request line itself is untouched */
	ck_assert_uint_eq(req.msg.ruri.len,
	    strlen("sip:+15551234567@gw.example.net:5080;user=phone"));
	/* the original stays what the From/To/message say */
	EXPECT("$rm $fU", "INVITE alice");

	/* a URI that does not parse: no parts, $ru still the text */
	req.ruri = SLS_STR_LIT("not a uri");
	req.ruri_parsed = false;
	ck_assert_ptr_null(sls_req_ruri(&req));
	EXPECT("$ru|$rU|$rd", "not a uri||");
}
END_TEST

static void
compile_fails(const char *src, const char *msg)
{
	char err[128];
	sls_tmpl_t *t;

	t = sls_tmpl_compile(src, err, sizeof(err));
	ck_assert_msg(t == NULL, "\"%s\" compiled", src);
	ck_assert_msg(strstr(err, msg) != NULL, "\"%s\": error \"%s\" lacks "
	    "\"%s\"", src, err, msg);
}

START_TEST(test_compile_errors)
{
	compile_fails("$foo", "unknown variable $foo");
	compile_fails("x $foo.bar y", "unknown variable $foo.bar");
	compile_fails("$RU", "unknown variable $RU");
	compile_fails("$hdr", "unknown variable $hdr");
	compile_fails("$r", "unknown variable $r");
	compile_fails("abc$", "'$' at the end");
	compile_fails("a $ b", "'$' not followed by a variable name");
	compile_fails("$(rU)", "'$' not followed by a variable name");
	compile_fails("$hdr(From", "unterminated $hdr(");
	compile_fails("$hdr(", "unterminated $hdr(");
	compile_fails("$hdr()", "bad header name in $hdr()");
	compile_fails("$hdr(Fr om)", "bad header name in $hdr(Fr ");
}
END_TEST

START_TEST(test_const_and_source)
{
	char err[128];
	sls_tmpl_t *t;

	t = sls_tmpl_compile("200 $$OK", err, sizeof(err));
	ck_assert_ptr_nonnull(t);
	ck_assert(sls_tmpl_is_const(t));
	ck_assert_str_eq(sls_tmpl_source(t), "200 $$OK");
	sls_tmpl_free(t);

	t = sls_tmpl_compile("", err, sizeof(err));
	ck_assert_ptr_nonnull(t);
	ck_assert(sls_tmpl_is_const(t));
	sls_tmpl_free(t);

	t = sls_tmpl_compile("404 Not Found - $rU", err, sizeof(err));
	ck_assert_ptr_nonnull(t);
	ck_assert(!sls_tmpl_is_const(t));
	ck_assert_str_eq(sls_tmpl_source(t), "404 Not Found - $rU");
	sls_tmpl_free(t);

	t = sls_tmpl_compile("$hdr(X-A)", err, sizeof(err));
	ck_assert_ptr_nonnull(t);
	ck_assert(!sls_tmpl_is_const(t));
	sls_tmpl_free(t);
}
END_TEST

/* Expansion into exactly sized heap buffers so ASan sees any overrun. */
START_TEST(test_overflow)
{
	static const char src[] = "id=$ci!";
	static const char want[] = "id=call-77@192.0.2.1!";
	char err[128];
	sls_tmpl_t *t;
	size_t cap;
	ssize_t n;

	load(sample);
	t = sls_tmpl_compile(src, err, sizeof(err));
	ck_assert_ptr_nonnull(t);
	for (cap = 0; cap < sizeof(want) - 1; cap++) {
		char *out = malloc(cap > 0 ? cap : 1);

		ck_assert_ptr_nonnull(out);
		n = sls_tmpl_expand(t, &req, out, cap);
		ck_assert_int_eq(n, -1);
		/* the truncated prefix fills the buffer */
		ck_assert_int_eq(memcmp(out, want, cap), 0);
		free(out);
	}
	{
		char *out = malloc(sizeof(want) - 1);

		ck_assert_ptr_nonnull(out);
		n = sls_tmpl_expand(t, &req, out, sizeof(want) - 1);
		ck_assert_int_eq(n, (ssize_t)sizeof(want) - 1);
		ck_assert_int_eq(memcmp(out, want, sizeof(want) - 1), 0);
		free(out);
	}
	sls_tmpl_free(t);
}
END_TEST

/* A sample request whose Call-ID is callid (at most 8000 bytes). */
static void
load_callid(const char *callid)
{
	static char raw[9000];

	snprintf(raw, sizeof(raw),
	    "OPTIONS sip:ping@example.org SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-l1\r\n"
	    "From: <sip:mon@example.org>;tag=l-f\r\n"
	    "To: <sip:ping@example.org>\r\n"
	    "Call-ID: %s\r\n"
	    "CSeq: 7 OPTIONS\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n", callid);
	load(raw);
}

/* sls_tmpl_expand_log of src into out[cap]; checks the NUL. */
static size_t
expand_log(const char *src, char *out, size_t cap, size_t varcap)
{
	char err[128];
	sls_tmpl_t *t;
	size_t n;

	t = sls_tmpl_compile(src, err, sizeof(err));
	ck_assert_msg(t != NULL, "compile \"%s\": %s", src, err);
	n = sls_tmpl_expand_log(t, &req, out, cap, varcap);
	sls_tmpl_free(t);
	ck_assert_uint_lt(n, cap);
	ck_assert_uint_eq(strlen(out), n);
	return n;
}

/*
 * xlog: a 3000-byte Call-ID is cut at 256 bytes and marked, so the
 * source address after it stays in the line; values up to the cap and
 * plain expansion are untouched.
 */
START_TEST(test_log_varcap)
{
	static char id[4000], want[2048], out[1024];
	size_t n;

	memset(id, 'c', 3000);
	id[3000] = '\0';
	load_callid(id);
	n = expand_log("$ci from $si:$sp", out, sizeof(out),
	    SLS_TMPL_LOG_VARCAP);
	snprintf(want, sizeof(want), "%.256s" SLS_TMPL_CUT
	    " from 198.51.100.7:40000", id);
	ck_assert_str_eq(out, want);
	ck_assert_uint_eq(n, 256 + 5 + 24);

	/* Exactly at the cap: kept whole, no marker. */
	id[256] = '\0';
	load_callid(id);
	expand_log("$ci", out, sizeof(out), 256);
	ck_assert_str_eq(out, id);
	/* One more byte: cut. */
	id[256] = 'c';
	id[257] = '\0';
	load_callid(id);
	expand_log("[$ci]", out, sizeof(out), 256);
	snprintf(want, sizeof(want), "[%.256s" SLS_TMPL_CUT "]", id);
	ck_assert_str_eq(out, want);
	/* Literals are never capped; varcap 0 caps nothing. */
	expand_log("$ci", out, sizeof(out), 0);
	ck_assert_str_eq(out, id);
	/* The expansion replies and URIs use has no cap. */
	ck_assert_str_eq(expand("$ci"), id);
}
END_TEST

/* A cut never splits a UTF-8 character. */
START_TEST(test_log_varcap_utf8)
{
	static char id[1000], out[1024];
	size_t i, n;

	/* "a" then 2-byte characters: byte 256 is inside one. */
	id[0] = 'a';
	for (i = 0; i < 300; i++)
		memcpy(id + 1 + 2 * i, "\303\251", 2);
	id[601] = '\0';
	load_callid(id);
	n = expand_log("$ci", out, sizeof(out), 256);
	ck_assert_uint_eq(n, 255 + 5);
	ck_assert_int_eq(memcmp(out, id, 255), 0);
	ck_assert_str_eq(out + 255, SLS_TMPL_CUT);
	/* 3-byte characters (U+20AC) from byte 0: cut at 255. */
	for (i = 0; i < 300; i++)
		memcpy(id + 3 * i, "\342\202\254", 3);
	id[900] = '\0';
	load_callid(id);
	n = expand_log("$ci", out, sizeof(out), 256);
	ck_assert_uint_eq(n, 255 + 5);
	ck_assert_str_eq(out + 255, SLS_TMPL_CUT);
}
END_TEST

/*
 * A line longer than its buffer even with capped values ends with the
 * line marker, in buffers of every size (exact heap buffers: ASan sees
 * an overrun).
 */
START_TEST(test_log_line_cut)
{
	static char id[4000];
	static const char src[] = "$ci $ci $ci $ci $ci from $si";
	size_t cap, n, full;
	char *out;

	memset(id, 'x', 300);
	id[300] = '\0';
	load_callid(id);
	out = malloc(2048);
	ck_assert_ptr_nonnull(out);
	full = expand_log(src, out, 2048, 256);
	ck_assert_uint_eq(full, 5 * 261 + 4 + 18);
	ck_assert(strstr(out, SLS_LOG_CUT) == NULL);
	free(out);

	for (cap = sizeof(SLS_LOG_CUT) + 4; cap <= full + 1; cap++) {
		out = malloc(cap);
		ck_assert_ptr_nonnull(out);
		n = expand_log(src, out, cap, 256);
		if (cap == full + 1) {
			ck_assert_uint_eq(n, full);
		} else {
			ck_assert_uint_le(n, cap - 1);
			ck_assert_uint_ge(n, cap - 1 - 3);
			ck_assert_str_eq(out + n - strlen(SLS_LOG_CUT),
			    SLS_LOG_CUT);
		}
		free(out);
	}

	/* The xlog size: 1024 bytes. */
	out = malloc(1024);
	ck_assert_ptr_nonnull(out);
	n = expand_log(src, out, 1024, 256);
	ck_assert_uint_eq(n, 1023);
	ck_assert_str_eq(out + 1023 - strlen(SLS_LOG_CUT), SLS_LOG_CUT);
	free(out);
}
END_TEST

/* The request context: reset keeps addresses, alloc is bounded. */
START_TEST(test_req_alloc_reset)
{
	char *a, *b;

	load(sample);
	a = sls_req_alloc(&req, 100);
	ck_assert_ptr_eq(a, req.scratch);
	b = sls_req_alloc(&req, SLS_REQ_SCRATCH - 100);
	ck_assert_ptr_eq(b, req.scratch + 100);
	ck_assert_ptr_null(sls_req_alloc(&req, 1));
	ck_assert_ptr_nonnull(sls_req_alloc(&req, 0));
	req.nbranches = 3;
	req.nappends = 2;
	req.rs = 200;
	req.ruri_changed = true;
	req.err = SLS_E_BAD_VIA;
	sls_req_reset(&req);
	ck_assert_uint_eq(req.scratch_used, 0);
	ck_assert_uint_eq(req.nbranches, 0);
	ck_assert_uint_eq(req.nappends, 0);
	ck_assert_int_eq(req.rs, 0);
	ck_assert(!req.ruri_changed);
	ck_assert_int_eq(req.err, SLS_E_NONE);
	ck_assert_ptr_null(req.ruri.s);
	ck_assert_ptr_eq(sls_req_alloc(&req, 8), req.scratch);
	/* addresses survive: the worker sets them before the reset */
	ck_assert_uint_eq(sls_req_src_port(&req), 40000);
	ck_assert_uint_eq(sls_req_local_port(&req), 5060);
	ck_assert_uint_eq(sls_req_src_ip(&req).len, strlen("198.51.100.7"));
	ck_assert_int_eq(memcmp(sls_req_src_ip(&req).s, "198.51.100.7", 12),
	    0);
}
END_TEST

static Suite *
tmpl_suite(void)
{
	Suite *s = suite_create("tmpl");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_request_vars);
	tcase_add_test(tc, test_from_to_vars);
	tcase_add_test(tc, test_address_vars);
	tcase_add_test(tc, test_mixed_and_literals);
	tcase_add_test(tc, test_reply_vars);
	tcase_add_test(tc, test_time);
	tcase_add_test(tc, test_hdr);
	tcase_add_test(tc, test_missing_values);
	tcase_add_test(tc, test_sanitise);
	tcase_add_test(tc, test_set_ruri);
	tcase_add_test(tc, test_compile_errors);
	tcase_add_test(tc, test_const_and_source);
	tcase_add_test(tc, test_overflow);
	tcase_add_test(tc, test_log_varcap);
	tcase_add_test(tc, test_log_varcap_utf8);
	tcase_add_test(tc, test_log_line_cut);
	tcase_add_test(tc, test_req_alloc_reset);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(tmpl_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
