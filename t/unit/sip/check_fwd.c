/*
 * Unit tests of src/sip/fwd.c on byte buffers: the request rewritten for
 * the next hop (our Via, received/rport on the previous one,
 * Max-Forwards, Route pop, Record-Route, the rest byte for byte), the
 * Via walk, and replies rewritten for the previous hop with the address
 * the next Via names.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "net/addr.h"
#include "sip/fwd.h"
#include "sip/req.h"
#include "sip/sip.h"
#include "testaddr.h"

#define BR	"z9hG4bKslBRANCH"

static sls_req_t req;
static char out[8192];
static sls_fwd_req_t f;

static void
parse(const char *raw, bool request)
{
	sls_req_reset(&req);
	ck_assert_int_eq(sls_sip_parse(&req.msg, raw, strlen(raw)), 0);
	ck_assert(req.msg.is_request == request);
	sls_sip_check(&req.msg);
}

/* raw from 192.0.2.7:5062 to 127.0.0.1:5060; the default rewrite. */
static void
load(const char *raw)
{
	set_addr(&req.src, "192.0.2.7", 5062);
	set_addr(&req.local, "127.0.0.1", 5060);
	parse(raw, true);
	ck_assert_int_eq(req.msg.err, SLS_E_NONE);
	memset(&f, 0, sizeof(f));
	f.src = (const struct sockaddr *)&req.src;
	f.src_ip = sls_req_src_ip(&req);
	f.src_port = sls_req_src_port(&req);
	f.host = (sls_str_t){ "127.0.0.1", 9 };
	f.port = 5060;
	f.branch = (sls_str_t){ BR, strlen(BR) };
}

/* Rewrite and compare with want, byte for byte. */
static void
expect(const char *want)
{
	ssize_t n = sls_fwd_request(&req.msg, &f, out, sizeof(out));

	ck_assert_int_ge(n, 0);
	out[n] = '\0';
	ck_assert_str_eq(out, want);
}

#define OUR_VIA	"Via: SIP/2.0/UDP 127.0.0.1:5060;branch=" BR "\r\n"
#define HEAD(mf) \
	"INVITE sip:bob@example.com SIP/2.0\r\n" \
	"Via: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bK1;rport\r\n" \
	"Max-Forwards: " mf "\r\n" \
	"From: <sip:alice@example.com>;tag=ft\r\n" \
	"To: <sip:bob@example.com>\r\n" \
	"Call-ID: c1@example.com\r\n" \
	"CSeq: 1 INVITE\r\n"
#define HEAD_OUT(mf) \
	"INVITE sip:bob@example.com SIP/2.0\r\n" \
	OUR_VIA \
	"Via: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bK1;rport=5062;" \
	"received=192.0.2.7\r\n" \
	"Max-Forwards: " mf "\r\n" \
	"From: <sip:alice@example.com>;tag=ft\r\n" \
	"To: <sip:bob@example.com>\r\n" \
	"Call-ID: c1@example.com\r\n" \
	"CSeq: 1 INVITE\r\n"

START_TEST(test_via_inserted)
{
	/* every byte but our Via line, the previous Via's params and the
	   Max-Forwards value goes as it came, the body included */
	load(HEAD("10") "Content-Type: application/sdp\r\n"
	    "Content-Length: 4\r\n\r\nv=0\r\n");
	expect(HEAD_OUT("9") "Content-Type: application/sdp\r\n"
	    "Content-Length: 4\r\n\r\nv=0\r");
}
END_TEST

START_TEST(test_via_list_and_compact)
{
	/* our Via goes before the first Via line; a comma list and the
	   compact form of the previous one are kept */
	load("OPTIONS sip:x@example.com SIP/2.0\r\n"
	    "Call-ID: c2\r\n"
	    "v: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bKa , "
	    "SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKb\r\n"
	    "v: SIP/2.0/UDP 10.0.0.2\r\n"
	    "f: <sip:a@x>;tag=1\r\nt: <sip:x@example.com>\r\n"
	    "CSeq: 7 OPTIONS\r\nl: 0\r\n\r\n");
	expect("OPTIONS sip:x@example.com SIP/2.0\r\n"
	    "Call-ID: c2\r\n"
	    OUR_VIA
	    "v: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bKa , "
	    "SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKb\r\n"
	    "v: SIP/2.0/UDP 10.0.0.2\r\n"
	    "f: <sip:a@x>;tag=1\r\nt: <sip:x@example.com>\r\n"
	    "CSeq: 7 OPTIONS\r\nl: 0\r\n"
	    "Max-Forwards: 70\r\n\r\n");
}
END_TEST

START_TEST(test_received_on_previous)
{
	/* no rport, sent-by is not the source: received only */
	load("BYE sip:x@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP client.example.com:5070;branch=z9hG4bK2\r\n"
	    "Max-Forwards: 70\r\nFrom: <sip:a@x>;tag=1\r\n"
	    "To: <sip:x@example.com>;tag=2\r\nCall-ID: c\r\n"
	    "CSeq: 2 BYE\r\n\r\n");
	expect("BYE sip:x@example.com SIP/2.0\r\n" OUR_VIA
	    "Via: SIP/2.0/UDP client.example.com:5070;branch=z9hG4bK2;"
	    "received=192.0.2.7\r\n"
	    "Max-Forwards: 69\r\nFrom: <sip:a@x>;tag=1\r\n"
	    "To: <sip:x@example.com>;tag=2\r\nCall-ID: c\r\n"
	    "CSeq: 2 BYE\r\n\r\n");
	/* sent-by is the source, no rport: the Via goes unchanged */
	load("BYE sip:x@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bK2\r\n"
	    "From: <sip:a@x>;tag=1\r\n"
	    "To: <sip:x@example.com>;tag=2\r\nCall-ID: c\r\n"
	    "CSeq: 2 BYE\r\n\r\n");
	expect("BYE sip:x@example.com SIP/2.0\r\n" OUR_VIA
	    "Via: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bK2\r\n"
	    "From: <sip:a@x>;tag=1\r\n"
	    "To: <sip:x@example.com>;tag=2\r\nCall-ID: c\r\n"
	    "CSeq: 2 BYE\r\nMax-Forwards: 70\r\n\r\n");
}
END_TEST

START_TEST(test_max_forwards)
{
	static const struct {
		const char *in, *out;
		int value;
	} cases[] = {
		{ "10", "9", 10 }, { "70", "69", 70 }, { "1", "0", 1 },
		{ "0070", "69", 70 }, { "007", "6", 7 }, { "255", "254", 255 },
	};
	char in[1024], want[1024];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(in, sizeof(in), HEAD("%s") "\r\n", cases[i].in);
		snprintf(want, sizeof(want), HEAD_OUT("%s") "\r\n",
		    cases[i].out);
		load(in);
		ck_assert_int_eq(sls_fwd_max_forwards(&req.msg),
		    cases[i].value);
		expect(want);
	}
	/* absent: added before the empty line */
	load("OPTIONS sip:x@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.7:5062\r\nFrom: <sip:a@x>;tag=1\r\n"
	    "To: <sip:x@example.com>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n"
	    "\r\n");
	ck_assert_int_eq(sls_fwd_max_forwards(&req.msg), SLS_MF_ABSENT);
	expect("OPTIONS sip:x@example.com SIP/2.0\r\n" OUR_VIA
	    "Via: SIP/2.0/UDP 192.0.2.7:5062\r\nFrom: <sip:a@x>;tag=1\r\n"
	    "To: <sip:x@example.com>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n"
	    "Max-Forwards: 70\r\n\r\n");
	/* 0: the caller answers 483; never rewritten */
	load(HEAD("0") "\r\n");
	ck_assert_int_eq(sls_fwd_max_forwards(&req.msg), 0);
	ck_assert_int_eq(sls_fwd_request(&req.msg, &f, out, sizeof(out)),
	    -1);
	load(HEAD("000") "\r\n");
	ck_assert_int_eq(sls_fwd_max_forwards(&req.msg), 0);
}
END_TEST

START_TEST(test_max_forwards_garbage)
{
	static const char *const bad[] = { "abc", "256", "-1", "1 2", "7a",
	    "99999999999999999999" };
	char in[1024];
	size_t i;

	/* the basic checks refuse it (400) before any route could
	   forward it; the rewrite refuses it too */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(in, sizeof(in), HEAD("%s") "\r\n", bad[i]);
		parse(in, true);
		ck_assert_int_eq(req.msg.err, SLS_E_BAD_MAX_FORWARDS);
		ck_assert_int_eq(sls_fwd_max_forwards(&req.msg),
		    SLS_MF_MALFORMED);
		ck_assert_int_eq(sls_fwd_request(&req.msg, &f, out,
		    sizeof(out)), -1);
	}
}
END_TEST

START_TEST(test_route_pop)
{
	sls_str_t uri;

	/* the only value: its line goes */
	load(HEAD("10") "Route: <sip:127.0.0.1;lr>\r\n"
	    "Route: <sip:10.0.0.9;lr>\r\n\r\n");
	ck_assert(sls_fwd_first_route(&req.msg, &uri));
	ck_assert_uint_eq(uri.len, 16);
	ck_assert(strncmp(uri.s, "sip:127.0.0.1;lr", 16) == 0);
	f.pop_route = true;
	expect(HEAD_OUT("9") "Route: <sip:10.0.0.9;lr>\r\n\r\n");
	/* a list: the first value and its comma go */
	load(HEAD("10") "Route: \"a, b\" <sip:127.0.0.1;lr>;x=\"1,2\" ,"
	    " <sip:10.0.0.9;lr>\r\n\r\n");
	ck_assert(sls_fwd_first_route(&req.msg, &uri));
	ck_assert(strncmp(uri.s, "sip:127.0.0.1;lr>", uri.len + 1) == 0);
	f.pop_route = true;
	expect(HEAD_OUT("9") "Route: <sip:10.0.0.9;lr>\r\n\r\n");
	/* not ours (the caller decides): kept */
	load(HEAD("10") "Route: <sip:10.0.0.9;lr>\r\n\r\n");
	expect(HEAD_OUT("9") "Route: <sip:10.0.0.9;lr>\r\n\r\n");
	/* no Route, or not a name-addr */
	load(HEAD("10") "\r\n");
	ck_assert(!sls_fwd_first_route(&req.msg, &uri));
	load(HEAD("10") "Route: sip:127.0.0.1\r\n\r\n");
	ck_assert(!sls_fwd_first_route(&req.msg, &uri));
	f.pop_route = true;
	expect(HEAD_OUT("9") "Route: sip:127.0.0.1\r\n\r\n");
}
END_TEST

START_TEST(test_record_route)
{
	load(HEAD("10") "Record-Route: <sip:10.0.0.9;lr>\r\n\r\n");
	f.record_route = true;
	expect(HEAD_OUT("9") "Record-Route: <sip:127.0.0.1:5060;lr>\r\n"
	    "Record-Route: <sip:10.0.0.9;lr>\r\n\r\n");
	load(HEAD("10") "\r\n");
	f.record_route = true;
	expect(HEAD_OUT("9") "Record-Route: <sip:127.0.0.1:5060;lr>\r\n"
	    "\r\n");
	/* IPv6: brackets come from the caller's host */
	load("OPTIONS sip:x@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.7:5062\r\nFrom: <sip:a@x>;tag=1\r\n"
	    "To: <sip:x@example.com>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n"
	    "Max-Forwards: 5\r\n\r\n");
	f.host = (sls_str_t){ "[::1]", 5 };
	f.port = 5070;
	f.record_route = true;
	expect("OPTIONS sip:x@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP [::1]:5070;branch=" BR "\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.7:5062\r\nFrom: <sip:a@x>;tag=1\r\n"
	    "To: <sip:x@example.com>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n"
	    "Max-Forwards: 4\r\n"
	    "Record-Route: <sip:[::1]:5070;lr>\r\n\r\n");
}
END_TEST

START_TEST(test_ruri_and_edges)
{
	/* a new Request-URI; bytes after Content-Length are not sent */
	load(HEAD("10") "Content-Length: 2\r\n\r\nabcdef");
	f.ruri = (sls_str_t){ "sip:bob@10.0.0.9:5080", 21 };
	expect("INVITE sip:bob@10.0.0.9:5080 SIP/2.0\r\n"
	    OUR_VIA
	    "Via: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bK1;rport=5062;"
	    "received=192.0.2.7\r\n"
	    "Max-Forwards: 9\r\n"
	    "From: <sip:alice@example.com>;tag=ft\r\n"
	    "To: <sip:bob@example.com>\r\n"
	    "Call-ID: c1@example.com\r\n"
	    "CSeq: 1 INVITE\r\nContent-Length: 2\r\n\r\nab");
	/* no empty line at all, last line unterminated: both added */
	load("OPTIONS sip:x@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.7:5062\r\nFrom: <sip:a@x>;tag=1\r\n"
	    "To: <sip:x@example.com>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS");
	f.record_route = true;
	expect("OPTIONS sip:x@example.com SIP/2.0\r\n" OUR_VIA
	    "Via: SIP/2.0/UDP 192.0.2.7:5062\r\nFrom: <sip:a@x>;tag=1\r\n"
	    "To: <sip:x@example.com>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n"
	    "Record-Route: <sip:127.0.0.1:5060;lr>\r\n"
	    "Max-Forwards: 70\r\n\r\n");
	/* bare LF line ends stay what they are */
	load("OPTIONS sip:x@example.com SIP/2.0\n"
	    "Via: SIP/2.0/UDP 192.0.2.7:5062\nFrom: <sip:a@x>;tag=1\n"
	    "To: <sip:x@example.com>\nCall-ID: c\nCSeq: 1 OPTIONS\n\n");
	expect("OPTIONS sip:x@example.com SIP/2.0\n" OUR_VIA
	    "Via: SIP/2.0/UDP 192.0.2.7:5062\nFrom: <sip:a@x>;tag=1\n"
	    "To: <sip:x@example.com>\nCall-ID: c\nCSeq: 1 OPTIONS\n"
	    "Max-Forwards: 70\r\n\n");
}
END_TEST

START_TEST(test_too_small)
{
	size_t need, cap;
	ssize_t n;

	load(HEAD("10") "\r\n");
	n = sls_fwd_request(&req.msg, &f, out, sizeof(out));
	ck_assert_int_gt(n, 0);
	need = (size_t)n;
	for (cap = 0; cap < need; cap++)
		ck_assert_int_eq(sls_fwd_request(&req.msg, &f, out, cap), -1);
	ck_assert_int_eq(sls_fwd_request(&req.msg, &f, out, need), n);
}
END_TEST

/* ---- Vias and replies ------------------------------------------------ */

#define REPLY_TAIL \
	"From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\nCall-ID: c\r\n" \
	"CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"

START_TEST(test_via_walk)
{
	static const char *const hosts[] = { "127.0.0.1", "192.0.2.7",
	    "10.0.0.1", "[2001:db8::1]" };
	sls_via_t v;
	size_t n = 0;

	parse("SIP/2.0 200 OK\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKa, "
	    "SIP/2.0/UDP 192.0.2.7:5062;received=1.2.3.4\r\n"
	    "Record-Route: <sip:x;lr>\r\n"
	    "v: SIP/2.0/UDP 10.0.0.1\r\n"
	    "Via: SIP/2.0/UDP [2001:db8::1]:5099\r\n" REPLY_TAIL, false);
	memset(&v, 0, sizeof(v));
	while (sls_fwd_via_next(&req.msg, &v)) {
		ck_assert_uint_lt(n, 4);
		ck_assert_uint_eq(v.host.len, strlen(hosts[n]));
		ck_assert(strncmp(v.host.s, hosts[n], v.host.len) == 0);
		n++;
	}
	ck_assert_uint_eq(n, 4);
	/* a malformed via-parm ends the walk */
	parse("SIP/2.0 200 OK\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKa\r\n"
	    "Via: SIP/2.0/UDP 10.0.0.1;;, SIP/2.0/UDP 10.0.0.2\r\n"
	    REPLY_TAIL, false);
	memset(&v, 0, sizeof(v));
	ck_assert(sls_fwd_via_next(&req.msg, &v));
	ck_assert(!sls_fwd_via_next(&req.msg, &v));
}
END_TEST

/* The second Via of a reply and where it sends to, as text. */
static bool
next_dest(const char *via2, char *buf, size_t len)
{
	static char raw[2048];
	struct sockaddr_storage a;
	socklen_t alen;
	sls_via_t v;

	snprintf(raw, sizeof(raw), "SIP/2.0 180 Ringing\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKa\r\n"
	    "Via: %s\r\n" REPLY_TAIL, via2);
	parse(raw, false);
	v = req.msg.via;
	if (!sls_fwd_via_next(&req.msg, &v) ||
	    !sls_fwd_via_dest(&v, &a, &alen))
		return false;
	ck_assert_uint_eq(alen, a.ss_family == AF_INET ?
	    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
	ck_assert_uint_gt(sls_addr_format((struct sockaddr *)&a, buf, len),
	    0);
	return true;
}

START_TEST(test_via_dest)
{
	char b[64];

	ck_assert(next_dest("SIP/2.0/UDP 192.0.2.7:5062;rport=6000;"
	    "received=198.51.100.1;branch=z9hG4bK1", b, sizeof(b)));
	ck_assert_str_eq(b, "198.51.100.1:6000");
	/* rport without a value (nobody filled it): the sent-by port */
	ck_assert(next_dest("SIP/2.0/UDP 192.0.2.7:5062;rport;"
	    "received=198.51.100.1", b, sizeof(b)));
	ck_assert_str_eq(b, "198.51.100.1:5062");
	ck_assert(next_dest("SIP/2.0/UDP 192.0.2.7:5062", b, sizeof(b)));
	ck_assert_str_eq(b, "192.0.2.7:5062");
	ck_assert(next_dest("SIP/2.0/UDP 192.0.2.7", b, sizeof(b)));
	ck_assert_str_eq(b, "192.0.2.7:5060");
	ck_assert(next_dest("SIP/2.0/udp [2001:db8::1]:5070", b, sizeof(b)));
	ck_assert_str_eq(b, "[2001:db8::1]:5070");
	ck_assert(next_dest("SIP/2.0/UDP h.example.com;received=2001:db8::2",
	    b, sizeof(b)));
	ck_assert_str_eq(b, "[2001:db8::2]:5060");
	ck_assert(next_dest("SIP/2.0/UDP h.example.com;received=[::1];"
	    "rport=9", b, sizeof(b)));
	ck_assert_str_eq(b, "[::1]:9");
	/* a name without received: no DNS here, not addressable */
	ck_assert(!next_dest("SIP/2.0/UDP client.example.com:5062", b,
	    sizeof(b)));
	ck_assert(!next_dest("SIP/2.0/UDP 192.0.2.7;received=nowhere", b,
	    sizeof(b)));
	/* replies go by UDP whatever the Via says, as local ones do */
	ck_assert(next_dest("SIP/2.0/TCP 192.0.2.7", b, sizeof(b)));
	ck_assert_str_eq(b, "192.0.2.7:5060");
	ck_assert(!next_dest("SIP/2.0/UDP 192.0.2.7;rport=0", b, sizeof(b)));
}
END_TEST

START_TEST(test_reply_strip)
{
	ssize_t n;

	/* our Via alone on its line: the line goes */
	parse("SIP/2.0 408 Request Timeout\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=" BR "  \r\n"
	    "Via: SIP/2.0/UDP 192.0.2.7:5062;rport=5062;received=192.0.2.7"
	    "\r\n" REPLY_TAIL, false);
	n = sls_fwd_reply(&req.msg, 0, SLS_STR_NULL, out, sizeof(out));
	ck_assert_int_gt(n, 0);
	out[n] = '\0';
	ck_assert_str_eq(out, "SIP/2.0 408 Request Timeout\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.7:5062;rport=5062;received=192.0.2.7"
	    "\r\n" REPLY_TAIL);
	/* with a new status */
	n = sls_fwd_reply(&req.msg, 404, SLS_STR_LIT("Not Found"), out,
	    sizeof(out));
	ck_assert_int_gt(n, 0);
	out[n] = '\0';
	ck_assert_str_eq(out, "SIP/2.0 404 Not Found\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.7:5062;rport=5062;received=192.0.2.7"
	    "\r\n" REPLY_TAIL);
	ck_assert_int_eq(sls_fwd_reply(&req.msg, 700, SLS_STR_LIT("x"), out,
	    sizeof(out)), -1);
	/* a comma list: the first via-parm and its comma go */
	parse("SIP/2.0 100 Trying\r\n"
	    "v: SIP/2.0/UDP 127.0.0.1;branch=" BR " ,\r\n"
	    " SIP/2.0/UDP 192.0.2.7:5062\r\nContent-Length: 5\r\n\r\nhello",
	    false);
	n = sls_fwd_reply(&req.msg, 0, SLS_STR_NULL, out, sizeof(out));
	ck_assert_int_gt(n, 0);
	out[n] = '\0';
	ck_assert_str_eq(out, "SIP/2.0 100 Trying\r\n"
	    "v: SIP/2.0/UDP 192.0.2.7:5062\r\nContent-Length: 5\r\n\r\n"
	    "hello");
	/* an empty reason is replaced too */
	parse("SIP/2.0 503\r\nVia: SIP/2.0/UDP 127.0.0.1\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.7\r\n\r\n", false);
	n = sls_fwd_reply(&req.msg, 500, SLS_STR_LIT("Oops"), out,
	    sizeof(out));
	ck_assert_int_gt(n, 0);
	out[n] = '\0';
	ck_assert_str_eq(out, "SIP/2.0 500 Oops\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.7\r\n\r\n");
}
END_TEST

START_TEST(test_addr)
{
	struct sockaddr_storage a;
	socklen_t alen;

	ck_assert(sls_fwd_addr(SLS_STR_LIT("10.1.2.3"), 9, &a, &alen));
	ck_assert_int_eq(a.ss_family, AF_INET);
	ck_assert(sls_fwd_addr(SLS_STR_LIT("[::1]"), 9, &a, &alen));
	ck_assert_int_eq(a.ss_family, AF_INET6);
	ck_assert(sls_fwd_addr(SLS_STR_LIT("fe80::1"), 9, &a, &alen));
	ck_assert(!sls_fwd_addr(SLS_STR_LIT("example.com"), 9, &a, &alen));
	ck_assert(!sls_fwd_addr(SLS_STR_LIT("10.1.2"), 9, &a, &alen));
	ck_assert(!sls_fwd_addr(SLS_STR_LIT("10.1.2.3"), 0, &a, &alen));
	ck_assert(!sls_fwd_addr(SLS_STR_LIT("[]"), 9, &a, &alen));
	ck_assert(!sls_fwd_addr(SLS_STR_LIT(""), 9, &a, &alen));
}
END_TEST

static Suite *
fwd_suite(void)
{
	Suite *s = suite_create("fwd");
	TCase *tc = tcase_create("request");
	TCase *td = tcase_create("reply");

	tcase_add_test(tc, test_via_inserted);
	tcase_add_test(tc, test_via_list_and_compact);
	tcase_add_test(tc, test_received_on_previous);
	tcase_add_test(tc, test_max_forwards);
	tcase_add_test(tc, test_max_forwards_garbage);
	tcase_add_test(tc, test_route_pop);
	tcase_add_test(tc, test_record_route);
	tcase_add_test(tc, test_ruri_and_edges);
	tcase_add_test(tc, test_too_small);
	suite_add_tcase(s, tc);
	tcase_add_test(td, test_via_walk);
	tcase_add_test(td, test_via_dest);
	tcase_add_test(td, test_reply_strip);
	tcase_add_test(td, test_addr);
	suite_add_tcase(s, td);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(fwd_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
