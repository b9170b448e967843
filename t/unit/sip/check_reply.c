/*
 * Unit tests of src/sip/reply.c: byte-exact replies to parsed requests, and
 * where they are sent.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "sip/reply.h"
#include "sip/req.h"
#include "sip/sip.h"
#include "testaddr.h"

#define TAG	"abcdefgh.0123456789abcdef"

static sls_req_t req;

/* Parse raw as if it came from ip:port to 192.0.2.10:5060. */
static void
load(const char *raw, const char *ip, unsigned port)
{
	set_addr(&req.src, ip, port);
	set_addr(&req.local, "192.0.2.10", 5060);
	sls_req_reset(&req);
	ck_assert_int_eq(sls_sip_parse(&req.msg, raw, strlen(raw)), 0);
	ck_assert_int_eq(sls_sip_check(&req.msg), 0);
	ck_assert(req.msg.addressable);
	req.ruri = req.msg.ruri;
}

/* The same for a request failing the basic checks with err. */
static void
load_bad(const char *raw, const char *ip, unsigned port, enum sls_err err)
{
	set_addr(&req.src, ip, port);
	set_addr(&req.local, "192.0.2.10", 5060);
	sls_req_reset(&req);
	ck_assert_int_eq(sls_sip_parse(&req.msg, raw, strlen(raw)), 0);
	ck_assert_int_eq(sls_sip_check(&req.msg), -1);
	ck_assert_int_eq(req.msg.err, err);
	ck_assert(req.msg.addressable);
	req.ruri = req.msg.ruri;
	req.err = req.msg.err;
}

static void
append(const char *line)
{
	req.append[req.nappends++] = (sls_str_t){ line, strlen(line) };
}

static void
branch(const char *uri, int q)
{
	req.branch[req.nbranches].uri = (sls_str_t){ uri, strlen(uri) };
	req.branch[req.nbranches].q_milli = q;
	req.nbranches++;
}

/*
 * Build the reply and compare it with want; then again into a heap buffer
 * of exactly its size (ASan catches any write past it) and one byte less
 * (must fail).
 */
static void
expect_reply(int code, const char *reason, const char *tag,
    const char *server, const char *want)
{
	static char big[8192];
	sls_str_t r = { reason, strlen(reason) };
	sls_str_t t = { tag, tag != NULL ? strlen(tag) : 0 };
	size_t len = strlen(want);
	char *exact;
	ssize_t n;

	n = sls_reply_build(&req, code, r, t, server, big, sizeof(big) - 1);
	ck_assert_int_ge(n, 0);
	big[n] = '\0';
	ck_assert_str_eq(big, want);

	exact = malloc(len);
	ck_assert_ptr_nonnull(exact);
	n = sls_reply_build(&req, code, r, t, server, exact, len);
	ck_assert_int_eq(n, (ssize_t)len);
	ck_assert_int_eq(memcmp(exact, want, len), 0);
	n = sls_reply_build(&req, code, r, t, server, exact, len - 1);
	ck_assert_int_eq(n, -1);
	free(exact);
}

static const char options[] =
    "OPTIONS sip:ping@192.0.2.10 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.1:5062;branch=z9hG4bK-opt1\r\n"
    "Max-Forwards: 70\r\n"
    "From: <sip:mon@example.com>;tag=f1\r\n"
    "To: <sip:ping@192.0.2.10>\r\n"
    "Call-ID: opt-1@192.0.2.1\r\n"
    "CSeq: 1 OPTIONS\r\n"
    "Accept: application/sdp\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

/* sent-by is the source address: no received */
START_TEST(test_options_200_append)
{
	load(options, "192.0.2.1", 5062);
	append("Allow: INVITE, ACK, CANCEL, OPTIONS, BYE");
	append("Accept: application/sdp");
	expect_reply(200, "OK", TAG, NULL,
	    "SIP/2.0 200 OK\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1:5062;branch=z9hG4bK-opt1\r\n"
	    "From: <sip:mon@example.com>;tag=f1\r\n"
	    "To: <sip:ping@192.0.2.10>;tag=" TAG "\r\n"
	    "Call-ID: opt-1@192.0.2.1\r\n"
	    "CSeq: 1 OPTIONS\r\n"
	    "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE\r\n"
	    "Accept: application/sdp\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n");
}
END_TEST

static const char invite[] =
    "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n"
    "Max-Forwards: 70\r\n"
    "To: Bob <sip:bob@biloxi.example.com>\r\n"
    "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
    "CSeq: 314159 INVITE\r\n"
    "Contact: <sip:alice@pc33.atlanta.example.com>\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 5\r\n"
    "\r\n"
    "v=0\r\n";

#define INVITE_HDRS(via) \
    via \
    "To: Bob <sip:bob@biloxi.example.com>;tag=" TAG "\r\n" \
    "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n" \
    "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" \
    "CSeq: 314159 INVITE\r\n"
#define INVITE_VIA \
    "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;" \
    "received=198.51.100.7\r\n"

/* a host name as sent-by always differs: received added; To tag added */
START_TEST(test_invite_404)
{
	load(invite, "198.51.100.7", 5060);
	expect_reply(404, "Not Found", TAG, NULL,
	    "SIP/2.0 404 Not Found\r\n"
	    INVITE_HDRS(INVITE_VIA)
	    "Content-Length: 0\r\n"
	    "\r\n");
}
END_TEST

static const char bye[] =
    "BYE sip:alice@pc33.atlanta.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKnashds10\r\n"
    "Max-Forwards: 70\r\n"
    "From: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n"
    "To: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710\r\n"
    "CSeq: 231 BYE\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

/* an existing to-tag is kept as is, whatever tag is offered */
START_TEST(test_existing_to_tag)
{
	load(bye, "192.0.2.4", 5060);
	expect_reply(481, "Call/Transaction Does Not Exist", TAG, "",
	    "SIP/2.0 481 Call/Transaction Does Not Exist\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKnashds10\r\n"
	    "From: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n"
	    "To: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
	    "Call-ID: a84b4c76e66710\r\n"
	    "CSeq: 231 BYE\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n");
}
END_TEST

static const char invite_rr[] =
    "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-rr1\r\n"
    "Record-Route: <sip:p2.example.com;lr>, <sip:p3.example.com;lr>\r\n"
    "From: <sip:alice@atlanta.example.com>;tag=a1\r\n"
    "Record-Route: <sip:p1.example.com;lr>\r\n"
    "To: <sip:bob@biloxi.example.com>\r\n"
    "Call-ID: rr-1\r\n"
    "CSeq: 1 INVITE\r\n"
    "Max-Forwards: 70\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

#define RR_HEAD(status) \
    status "\r\n" \
    "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-rr1\r\n"
#define RR1 "Record-Route: <sip:p2.example.com;lr>, <sip:p3.example.com;lr>\r\n"
#define RR2 "Record-Route: <sip:p1.example.com;lr>\r\n"
#define RR_FROM "From: <sip:alice@atlanta.example.com>;tag=a1\r\n"
#define RR_TAIL(to) \
    to \
    "Call-ID: rr-1\r\n" \
    "CSeq: 1 INVITE\r\n" \
    "Content-Length: 0\r\n" \
    "\r\n"
#define RR_TO_TAG "To: <sip:bob@biloxi.example.com>;tag=" TAG "\r\n"
#define RR_TO "To: <sip:bob@biloxi.example.com>\r\n"

/* 100 Trying: never a tag, never Record-Route */
START_TEST(test_100_trying)
{
	load(invite_rr, "192.0.2.1", 5060);
	expect_reply(100, "Trying", TAG, NULL,
	    RR_HEAD("SIP/2.0 100 Trying") RR_FROM RR_TAIL(RR_TO));
}
END_TEST

START_TEST(test_record_route)
{
	load(invite_rr, "192.0.2.1", 5060);
	/* 2xx and 1xx with a tag create a dialog: every RR, in place */
	expect_reply(200, "OK", TAG, NULL,
	    RR_HEAD("SIP/2.0 200 OK") RR1 RR_FROM RR2 RR_TAIL(RR_TO_TAG));
	expect_reply(180, "Ringing", TAG, NULL,
	    RR_HEAD("SIP/2.0 180 Ringing") RR1 RR_FROM RR2
	    RR_TAIL(RR_TO_TAG));
	/* a 1xx without any to-tag does not */
	expect_reply(183, "Session Progress", NULL, NULL,
	    RR_HEAD("SIP/2.0 183 Session Progress") RR_FROM RR_TAIL(RR_TO));
	/* nor does an error */
	expect_reply(404, "Not Found", TAG, NULL,
	    RR_HEAD("SIP/2.0 404 Not Found") RR_FROM RR_TAIL(RR_TO_TAG));
	expect_reply(302, "Moved Temporarily", TAG, NULL,
	    RR_HEAD("SIP/2.0 302 Moved Temporarily") RR_FROM
	    RR_TAIL(RR_TO_TAG));
}
END_TEST

static const char reinvite_rr[] =
    "INVITE sip:bob@192.0.2.4 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-re1\r\n"
    "Record-Route: <sip:p1.example.com;lr>\r\n"
    "From: <sip:alice@atlanta.example.com>;tag=a1\r\n"
    "To: <sip:bob@biloxi.example.com>;tag=b2\r\n"
    "Call-ID: re-1\r\n"
    "CSeq: 2 INVITE\r\n"
    "Max-Forwards: 70\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

/* the request's own to-tag makes a 1xx carry a tag */
START_TEST(test_record_route_existing_tag)
{
	load(reinvite_rr, "192.0.2.1", 5060);
	expect_reply(183, "Session Progress", NULL, NULL,
	    "SIP/2.0 183 Session Progress\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-re1\r\n"
	    "Record-Route: <sip:p1.example.com;lr>\r\n"
	    "From: <sip:alice@atlanta.example.com>;tag=a1\r\n"
	    "To: <sip:bob@biloxi.example.com>;tag=b2\r\n"
	    "Call-ID: re-1\r\n"
	    "CSeq: 2 INVITE\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n");
}
END_TEST

#define REGISTER(via) \
    "REGISTER sip:registrar.example.com SIP/2.0\r\n" \
    "Via: " via "\r\n" \
    "Max-Forwards: 70\r\n" \
    "From: <sip:u1@example.com>;tag=r1\r\n" \
    "To: <sip:u1@example.com>\r\n" \
    "Call-ID: reg-1@10.0.0.5\r\n" \
    "CSeq: 1 REGISTER\r\n" \
    "Contact: <sip:u1@10.0.0.5:5060>\r\n" \
    "Expires: 3600\r\n" \
    "Content-Length: 0\r\n" \
    "\r\n"
#define REGISTER_REPLY(status, via) \
    status "\r\n" \
    "Via: " via "\r\n" \
    "From: <sip:u1@example.com>;tag=r1\r\n" \
    "To: <sip:u1@example.com>;tag=" TAG "\r\n" \
    "Call-ID: reg-1@10.0.0.5\r\n" \
    "CSeq: 1 REGISTER\r\n"

/* RFC 3581: rport filled with the source port, received always added */
START_TEST(test_rport_empty)
{
	load(REGISTER("SIP/2.0/UDP 10.0.0.5:5060;rport;branch=z9hG4bK-reg1"),
	    "203.0.113.9", 40000);
	append("WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n1\"");
	expect_reply(401, "Unauthorized", TAG, NULL,
	    REGISTER_REPLY("SIP/2.0 401 Unauthorized",
	    "SIP/2.0/UDP 10.0.0.5:5060;rport=40000;branch=z9hG4bK-reg1;"
	    "received=203.0.113.9")
	    "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n1\"\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n");
}
END_TEST

START_TEST(test_rport_last)
{
	load(REGISTER("SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK-reg2;rport"),
	    "203.0.113.9", 40000);
	expect_reply(200, "OK", TAG, NULL,
	    REGISTER_REPLY("SIP/2.0 200 OK",
	    "SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK-reg2;rport=40000;"
	    "received=203.0.113.9")
	    "Content-Length: 0\r\n"
	    "\r\n");
}
END_TEST

/* an rport value is replaced; received even when sent-by is the source */
START_TEST(test_rport_value)
{
	load(REGISTER("SIP/2.0/UDP 203.0.113.9:5060;rport=1234;"
	    "branch=z9hG4bK-reg3"), "203.0.113.9", 40000);
	expect_reply(200, "OK", TAG, NULL,
	    REGISTER_REPLY("SIP/2.0 200 OK",
	    "SIP/2.0/UDP 203.0.113.9:5060;rport=40000;branch=z9hG4bK-reg3;"
	    "received=203.0.113.9")
	    "Content-Length: 0\r\n"
	    "\r\n");
}
END_TEST

/* an existing received is replaced in place, never duplicated */
START_TEST(test_received_replaced)
{
	load(REGISTER("SIP/2.0/UDP host.example.com;received=10.9.9.9;"
	    "branch=z9hG4bK-reg4"), "198.51.100.7", 5060);
	expect_reply(200, "OK", TAG, NULL,
	    REGISTER_REPLY("SIP/2.0 200 OK",
	    "SIP/2.0/UDP host.example.com;received=198.51.100.7;"
	    "branch=z9hG4bK-reg4")
	    "Content-Length: 0\r\n"
	    "\r\n");

	load(REGISTER("SIP/2.0/UDP h.example.com:5070;rport;"
	    "received=10.9.9.9;branch=z9hG4bK-reg5"), "198.51.100.7", 6000);
	expect_reply(200, "OK", TAG, NULL,
	    REGISTER_REPLY("SIP/2.0 200 OK",
	    "SIP/2.0/UDP h.example.com:5070;rport=6000;"
	    "received=198.51.100.7;branch=z9hG4bK-reg5")
	    "Content-Length: 0\r\n"
	    "\r\n");

	/* even when sent-by is the source: the stale value is corrected */
	load(REGISTER("SIP/2.0/UDP 198.51.100.7;branch=z9hG4bK-reg6;"
	    "received=10.9.9.9"), "198.51.100.7", 5060);
	expect_reply(200, "OK", TAG, NULL,
	    REGISTER_REPLY("SIP/2.0 200 OK",
	    "SIP/2.0/UDP 198.51.100.7;branch=z9hG4bK-reg6;"
	    "received=198.51.100.7")
	    "Content-Length: 0\r\n"
	    "\r\n");
}
END_TEST

/* IPv6: received without brackets; same address in another spelling */
START_TEST(test_ipv6)
{
	load(REGISTER("SIP/2.0/UDP [2001:db8::1]:5070;branch=z9hG4bK-v6a"),
	    "2001:db8::9", 5070);
	expect_reply(200, "OK", TAG, NULL,
	    REGISTER_REPLY("SIP/2.0 200 OK",
	    "SIP/2.0/UDP [2001:db8::1]:5070;branch=z9hG4bK-v6a;"
	    "received=2001:db8::9")
	    "Content-Length: 0\r\n"
	    "\r\n");

	load(REGISTER("SIP/2.0/UDP [2001:DB8::9]:5070;branch=z9hG4bK-v6b"),
	    "2001:db8::9", 5070);
	expect_reply(200, "OK", TAG, NULL,
	    REGISTER_REPLY("SIP/2.0 200 OK",
	    "SIP/2.0/UDP [2001:DB8::9]:5070;branch=z9hG4bK-v6b")
	    "Content-Length: 0\r\n"
	    "\r\n");

	load(REGISTER("SIP/2.0/UDP [2001:db8:0:0::9];branch=z9hG4bK-v6c"),
	    "2001:db8::9", 5070);
	expect_reply(200, "OK", TAG, NULL,
	    REGISTER_REPLY("SIP/2.0 200 OK",
	    "SIP/2.0/UDP [2001:db8:0:0::9];branch=z9hG4bK-v6c")
	    "Content-Length: 0\r\n"
	    "\r\n");

	load(REGISTER("SIP/2.0/UDP [2001:db8::1]:5070;rport;"
	    "branch=z9hG4bK-v6d"), "2001:db8::9", 40002);
	expect_reply(200, "OK", TAG, NULL,
	    REGISTER_REPLY("SIP/2.0 200 OK",
	    "SIP/2.0/UDP [2001:db8::1]:5070;rport=40002;branch=z9hG4bK-v6d;"
	    "received=2001:db8::9")
	    "Content-Length: 0\r\n"
	    "\r\n");
}
END_TEST

static const char message_compact[] =
    "MESSAGE sip:user2@example.com SIP/2.0\r\n"
    "v: SIP/2.0/UDP 192.0.2.33:5060;branch=z9hG4bK-a, "
    "SIP/2.0/UDP 192.0.2.44;branch=z9hG4bK-b\r\n"
    "Via: SIP/2.0/UDP 192.0.2.55;branch=z9hG4bK-c\r\n"
    "Max-Forwards: 69\r\n"
    "f: <sip:user1@example.com>;tag=m1\r\n"
    "t: <sip:user2@example.com>\r\n"
    "i: msg-1@192.0.2.55\r\n"
    "CSeq: 5 MESSAGE\r\n"
    "c: text/plain\r\n"
    "l: 2\r\n"
    "\r\n"
    "hi";

/* compact names and the comma list stay; received on the first item */
START_TEST(test_compact_and_via_list)
{
	load(message_compact, "192.0.2.99", 5060);
	expect_reply(202, "Accepted", TAG, NULL,
	    "SIP/2.0 202 Accepted\r\n"
	    "v: SIP/2.0/UDP 192.0.2.33:5060;branch=z9hG4bK-a;"
	    "received=192.0.2.99, SIP/2.0/UDP 192.0.2.44;branch=z9hG4bK-b\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.55;branch=z9hG4bK-c\r\n"
	    "f: <sip:user1@example.com>;tag=m1\r\n"
	    "t: <sip:user2@example.com>;tag=" TAG "\r\n"
	    "i: msg-1@192.0.2.55\r\n"
	    "CSeq: 5 MESSAGE\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n");
}
END_TEST

static const char folded[] =
    "OPTIONS sip:ping@192.0.2.10 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.1:5060\r\n"
    "  ;branch=z9hG4bK-fold\r\n"
    "From: Alice\r\n"
    "\t<sip:alice@atlanta.example.com>;tag=fold1\r\n"
    "To:\r\n"
    " <sip:ping@192.0.2.10>\r\n"
    "Call-ID: fold-1\r\n"
    "CSeq: 9 OPTIONS\r\n"
    "Max-Forwards: 70\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

/* folded lines are copied with their folding */
START_TEST(test_folded)
{
	load(folded, "192.0.2.1", 5060);
	expect_reply(200, "OK", TAG, NULL,
	    "SIP/2.0 200 OK\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1:5060\r\n"
	    "  ;branch=z9hG4bK-fold\r\n"
	    "From: Alice\r\n"
	    "\t<sip:alice@atlanta.example.com>;tag=fold1\r\n"
	    "To:\r\n"
	    " <sip:ping@192.0.2.10>;tag=" TAG "\r\n"
	    "Call-ID: fold-1\r\n"
	    "CSeq: 9 OPTIONS\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n");

	load(folded, "192.0.2.2", 5060);
	expect_reply(200, "OK", TAG, NULL,
	    "SIP/2.0 200 OK\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1:5060\r\n"
	    "  ;branch=z9hG4bK-fold;received=192.0.2.2\r\n"
	    "From: Alice\r\n"
	    "\t<sip:alice@atlanta.example.com>;tag=fold1\r\n"
	    "To:\r\n"
	    " <sip:ping@192.0.2.10>;tag=" TAG "\r\n"
	    "Call-ID: fold-1\r\n"
	    "CSeq: 9 OPTIONS\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n");
}
END_TEST

START_TEST(test_302_contact)
{
	static const char nr[] = "sip:+15551234567@gw1.example.net";

	load(invite, "198.51.100.7", 5060);
	req.ruri = (sls_str_t){ nr, sizeof(nr) - 1 };
	req.ruri_changed = true;
	branch("sip:+15551234567@gw2.example.net", 500);
	branch("sip:+15551234567@gw3.example.net;transport=udp", 125);
	append("X-Route: us-numbers");
	expect_reply(302, "Moved Temporarily", TAG, "slserver",
	    "SIP/2.0 302 Moved Temporarily\r\n"
	    INVITE_HDRS(INVITE_VIA)
	    "X-Route: us-numbers\r\n"
	    "Contact: <sip:+15551234567@gw1.example.net>, "
	    "<sip:+15551234567@gw2.example.net>;q=0.5, "
	    "<sip:+15551234567@gw3.example.net;transport=udp>;q=0.125\r\n"
	    "Server: slserver\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n");

	/* the Contact is for 3xx only */
	expect_reply(404, "Not Found", TAG, NULL,
	    "SIP/2.0 404 Not Found\r\n"
	    INVITE_HDRS(INVITE_VIA)
	    "X-Route: us-numbers\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n");
}
END_TEST

/* branches only (R-URI unchanged); every q form */
START_TEST(test_301_branches_q)
{
	load(invite, "198.51.100.7", 5060);
	branch("sip:a@example.net", 1000);
	branch("sip:b@example.net", 0);
	branch("sip:c@example.net", 250);
	branch("sip:d@example.net", -1);
	branch("sip:e@example.net", 7);
	expect_reply(301, "Moved Permanently", TAG, NULL,
	    "SIP/2.0 301 Moved Permanently\r\n"
	    INVITE_HDRS(INVITE_VIA)
	    "Contact: <sip:a@example.net>;q=1, <sip:b@example.net>;q=0, "
	    "<sip:c@example.net>;q=0.25, <sip:d@example.net>, "
	    "<sip:e@example.net>;q=0.007\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n");
}
END_TEST

/* nothing to list: no Contact at all */
START_TEST(test_302_empty)
{
	load(invite, "198.51.100.7", 5060);
	expect_reply(302, "Moved Temporarily", TAG, NULL,
	    "SIP/2.0 302 Moved Temporarily\r\n"
	    INVITE_HDRS(INVITE_VIA)
	    "Content-Length: 0\r\n"
	    "\r\n");

	/* only the changed R-URI */
	req.ruri = SLS_STR_LIT("sip:bob@gw9.example.net");
	req.ruri_changed = true;
	expect_reply(305, "Use Proxy", TAG, NULL,
	    "SIP/2.0 305 Use Proxy\r\n"
	    INVITE_HDRS(INVITE_VIA)
	    "Contact: <sip:bob@gw9.example.net>\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n");
}
END_TEST

START_TEST(test_server_header)
{
	load(options, "192.0.2.1", 5062);
	append("Allow: OPTIONS");
	expect_reply(200, "OK", TAG, "slserver/0.1.0",
	    "SIP/2.0 200 OK\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1:5062;branch=z9hG4bK-opt1\r\n"
	    "From: <sip:mon@example.com>;tag=f1\r\n"
	    "To: <sip:ping@192.0.2.10>;tag=" TAG "\r\n"
	    "Call-ID: opt-1@192.0.2.1\r\n"
	    "CSeq: 1 OPTIONS\r\n"
	    "Allow: OPTIONS\r\n"
	    "Server: slserver/0.1.0\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n");
	/* an empty append line is skipped: it would end the headers */
	req.append[0] = SLS_STR_LIT("");
	expect_reply(503, "Service Unavailable", TAG, "",
	    "SIP/2.0 503 Service Unavailable\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1:5062;branch=z9hG4bK-opt1\r\n"
	    "From: <sip:mon@example.com>;tag=f1\r\n"
	    "To: <sip:ping@192.0.2.10>;tag=" TAG "\r\n"
	    "Call-ID: opt-1@192.0.2.1\r\n"
	    "CSeq: 1 OPTIONS\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n");
}
END_TEST

static const char duplicates[] =
    "INFO sip:bob@192.0.2.4 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-dup\r\n"
    "To: <sip:bob@192.0.2.4>\r\n"
    "From: <sip:alice@192.0.2.1>;tag=d1\r\n"
    "Call-ID: first-id\r\n"
    "CSeq: 3 INFO\r\n"
    "Call-ID: second-id\r\n"
    "To: <sip:carol@192.0.2.5>\r\n"
    "From: <sip:dave@192.0.2.6>;tag=d2\r\n"
    "CSeq: 4 INFO\r\n"
    "Max-Forwards: 70\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

/* the error reply to repeated headers copies the first of each only */
START_TEST(test_duplicates)
{
	load_bad(duplicates, "192.0.2.1", 5060, SLS_E_MULTI_FROM);
	expect_reply(400, "Bad Request (multiple From headers)", TAG, NULL,
	    "SIP/2.0 400 Bad Request (multiple From headers)\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-dup\r\n"
	    "To: <sip:bob@192.0.2.4>;tag=" TAG "\r\n"
	    "From: <sip:alice@192.0.2.1>;tag=d1\r\n"
	    "Call-ID: first-id\r\n"
	    "CSeq: 3 INFO\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n");
}
END_TEST

/* Every buffer size short of the reply fails without writing past it. */
START_TEST(test_too_small)
{
	static char big[4096];
	sls_str_t reason = SLS_STR_LIT("Moved Temporarily");
	sls_str_t tag = SLS_STR_LIT(TAG);
	ssize_t full, n;
	size_t cap;

	load(invite, "198.51.100.7", 5060);
	req.ruri = SLS_STR_LIT("sip:x@gw1.example.net");
	req.ruri_changed = true;
	branch("sip:y@gw2.example.net", 500);
	append("X-A: 1");
	full = sls_reply_build(&req, 302, reason, tag, "srv", big,
	    sizeof(big));
	ck_assert_int_gt(full, 200);
	for (cap = 0; cap < (size_t)full; cap++) {
		char *out = malloc(cap > 0 ? cap : 1);

		ck_assert_ptr_nonnull(out);
		n = sls_reply_build(&req, 302, reason, tag, "srv", out, cap);
		ck_assert_int_eq(n, -1);
		free(out);
	}
}
END_TEST

START_TEST(test_bad_code)
{
	char out[1024];

	load(options, "192.0.2.1", 5062);
	ck_assert_int_eq(sls_reply_build(&req, 99, SLS_STR_LIT("X"),
	    SLS_STR_LIT(TAG), NULL, out, sizeof(out)), -1);
	ck_assert_int_eq(sls_reply_build(&req, 700, SLS_STR_LIT("X"),
	    SLS_STR_LIT(TAG), NULL, out, sizeof(out)), -1);
	ck_assert_int_gt(sls_reply_build(&req, 699, SLS_STR_LIT("X"),
	    SLS_STR_LIT(TAG), NULL, out, sizeof(out)), 0);
}
END_TEST

static void
expect_dest(const char *ip, unsigned port)
{
	struct sockaddr_storage dst, want;
	socklen_t len = 0;

	memset(&dst, 0xa5, sizeof(dst));
	set_addr(&want, ip, port);
	sls_reply_dest(&req, &dst, &len);
	ck_assert_int_eq(dst.ss_family, want.ss_family);
	if (want.ss_family == AF_INET) {
		const struct sockaddr_in *a = (const void *)&dst;
		const struct sockaddr_in *b = (const void *)&want;

		ck_assert_int_eq(len, sizeof(struct sockaddr_in));
		ck_assert_uint_eq(ntohs(a->sin_port), port);
		ck_assert_int_eq(memcmp(&a->sin_addr, &b->sin_addr, 4), 0);
	} else {
		const struct sockaddr_in6 *a = (const void *)&dst;
		const struct sockaddr_in6 *b = (const void *)&want;

		ck_assert_int_eq(len, sizeof(struct sockaddr_in6));
		ck_assert_uint_eq(ntohs(a->sin6_port), port);
		ck_assert_int_eq(memcmp(&a->sin6_addr, &b->sin6_addr, 16), 0);
	}
}

START_TEST(test_dest)
{
	/* rport: the source port, whatever sent-by says */
	load(REGISTER("SIP/2.0/UDP 10.0.0.5:5060;rport;branch=z9hG4bK-d1"),
	    "203.0.113.9", 40000);
	expect_dest("203.0.113.9", 40000);
	/* sent-by port, to the source address */
	load(options, "198.51.100.7", 40001);
	expect_dest("198.51.100.7", 5062);
	/* no port anywhere: 5060 */
	load(invite, "198.51.100.7", 40001);
	expect_dest("198.51.100.7", 5060);
	/* IPv6 */
	load(REGISTER("SIP/2.0/UDP [2001:db8::1]:5070;branch=z9hG4bK-d2"),
	    "2001:db8::9", 40002);
	expect_dest("2001:db8::9", 5070);
	load(REGISTER("SIP/2.0/UDP [2001:db8::1]:5070;branch=z9hG4bK-d3;"
	    "rport"), "2001:db8::9", 40002);
	expect_dest("2001:db8::9", 40002);
	load(REGISTER("SIP/2.0/UDP [2001:db8::1];branch=z9hG4bK-d4"),
	    "2001:db8::9", 40002);
	expect_dest("2001:db8::9", 5060);
}
END_TEST

static Suite *
reply_suite(void)
{
	Suite *s = suite_create("reply");
	TCase *tc = tcase_create("build");
	TCase *td = tcase_create("dest");

	tcase_add_test(tc, test_options_200_append);
	tcase_add_test(tc, test_invite_404);
	tcase_add_test(tc, test_existing_to_tag);
	tcase_add_test(tc, test_100_trying);
	tcase_add_test(tc, test_record_route);
	tcase_add_test(tc, test_record_route_existing_tag);
	tcase_add_test(tc, test_rport_empty);
	tcase_add_test(tc, test_rport_last);
	tcase_add_test(tc, test_rport_value);
	tcase_add_test(tc, test_received_replaced);
	tcase_add_test(tc, test_ipv6);
	tcase_add_test(tc, test_compact_and_via_list);
	tcase_add_test(tc, test_folded);
	tcase_add_test(tc, test_302_contact);
	tcase_add_test(tc, test_301_branches_q);
	tcase_add_test(tc, test_302_empty);
	tcase_add_test(tc, test_server_header);
	tcase_add_test(tc, test_duplicates);
	tcase_add_test(tc, test_too_small);
	tcase_add_test(tc, test_bad_code);
	suite_add_tcase(s, tc);
	tcase_add_test(td, test_dest);
	suite_add_tcase(s, td);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(reply_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
