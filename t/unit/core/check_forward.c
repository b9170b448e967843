/*
 * Stateless forwarding through the packet path (core/forward.c,
 * core/reply_fwd.c, core/branch.c): keyed branches, Max-Forwards and
 * loops, Route pop and Record-Route, the destination by Call-ID, replies
 * recognised without state and rewritten by onreply_route, and the
 * counters of each outcome.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "core/branch.h"
#include "core/pipeline.h"
#include "net/addr.h"
#include "route/tmpl.h"
#include "shm/segment.h"
#include "testaddr.h"
#include "handler_fixture.h"

static const char *CONF_TEXT =
    "listen = {\"udp:127.0.0.1:5060\"}\n"
    "sl { ack_timeout = 5\n table_size = 1024 }\n"
    "route \"local\" {\n"
    "  method = {\"OPTIONS\"}\n"
    "  ruri = \"^sip:local@\"\n"
    "  sl_send_reply = \"200 OK\"\n"
    "}\n"
    "route \"rr\" {\n"
    "  ruri = \"^sip:rr@\"\n"
    "  record_route = true\n"
    "  forward = {\"udp:127.0.0.2:5070\"}\n"
    "}\n"
    "route \"rewrite\" {\n"
    "  ruri = \"^sip:old@\"\n"
    "  set_ruri = \"sip:new@127.0.0.1\"\n"
    "  forward = \"udp:127.0.0.2:5070\"\n"
    "}\n"
    "route \"three\" {\n"
    "  ruri = \"^sip:three@\"\n"
    "  forward = {\"udp:127.0.0.2:5070\", \"udp:127.0.0.3:5070\",\n"
    "             \"udp:localhost\"}\n"
    "}\n"
    "route \"fwd\" {\n"
    "  forward = {\"udp:127.0.0.2:5070\"}\n"
    "}\n"
    "onreply_route \"hide\" {\n"
    "  code = {\"408\", \"5xx\"}\n"
    "  method = {\"INVITE\"}\n"
    "  sl_forward_reply = \"404 Not Found\"\n"
    "}\n"
    "onreply_route \"quiet\" {\n"
    "  code = {\"6xx\"}\n"
    "  drop = true\n"
    "}\n"
    "onreply_route \"dynamic\" {\n"
    "  code = {\"486\"}\n"
    "  source = {\"127.0.0.0/8\"}\n"
    "  header = {\"X-New: .\"}\n"
    "  sl_forward_reply = \"$hdr(X-New)\"\n"
    "}\n";


static void
setup(void)
{
	fixture_conf(CONF_TEXT);
	fixture_start(0, 0);
}

static void
teardown(void)
{
	fixture_free();
}

/* Handle text from ip:port, arriving at 127.0.0.1:5060; send it. */
static bool
from(const char *ip, unsigned port, const char *text)
{
	return fixture_handle(ip, port, text);
}

static bool
handle(const char *text)
{
	return from("192.0.2.7", 5062, text);
}

/* A request; extra goes before CSeq. */
static const char *
request(const char *method, const char *ruri, const char *to_tag,
    const char *branch, const char *callid, const char *extra)
{
	static char buf[8192];

	snprintf(buf, sizeof(buf),
	    "%s %s SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.7:5062;branch=%s;rport\r\n"
	    "From: <sip:alice@example.com>;tag=ft1\r\n"
	    "To: <%s>%s%s\r\n"
	    "Call-ID: %s\r\n"
	    "%s"
	    "CSeq: 1 %s\r\n"
	    "Content-Length: 0\r\n\r\n",
	    method, ruri, branch, ruri, to_tag ? ";tag=" : "",
	    to_tag ? to_tag : "", callid, extra ? extra : "", method);
	return buf;
}

static const char *
invite(const char *ruri, const char *branch, const char *extra)
{
	return request("INVITE", ruri, NULL, branch, "call-1@example.com",
	    extra);
}

/* The branch of our Via in outbuf (a forwarded request). */
static const char *
our_branch(void)
{
	static char b[SLS_BRANCH_LEN + 1];
	const char *p = strstr(outbuf, "\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;"
	    "branch=");

	ck_assert_msg(p != NULL, "%s", outbuf);
	p = strstr(p, "branch=") + 7;
	memcpy(b, p, SLS_BRANCH_LEN);
	b[SLS_BRANCH_LEN] = '\0';
	ck_assert_msg(strncmp(b, "z9hG4bKsl", 9) == 0, "%s", b);
	ck_assert(p[SLS_BRANCH_LEN] == '\r');
	return b;
}

/* outbuf starts with the literal p. */
#define STARTS(p) \
	ck_assert_msg(strncmp(outbuf, (p), strlen(p)) == 0, "%s", outbuf)

static void
dst_is(const char *want)
{
	char a[SLS_ADDR_TEXTLEN];

	sls_addr_format((struct sockaddr *)&out.dst, a, sizeof(a));
	ck_assert_str_eq(a, want);
}

/*
 * The reply a UAS makes to the request in outbuf: status line, its
 * Vias, From, To (tagged), Call-ID, CSeq; extra before Content-Length.
 */
static const char *
uas_reply(const char *status, const char *extra)
{
	static char buf[8192];
	char *p = buf;
	const char *l = strstr(outbuf, "\r\n") + 2, *e;

	p += sprintf(p, "SIP/2.0 %s\r\n", status);
	while ((e = strstr(l, "\r\n")) != NULL && e != l) {
		if (strncmp(l, "Via:", 4) == 0 || strncmp(l, "From:", 5) == 0 ||
		    strncmp(l, "Call-ID:", 8) == 0 ||
		    strncmp(l, "CSeq:", 5) == 0)
			p += sprintf(p, "%.*s\r\n", (int)(e - l), l);
		else if (strncmp(l, "To:", 3) == 0)
			p += sprintf(p, "%.*s;tag=uas\r\n", (int)(e - l), l);
		l = e + 2;
	}
	sprintf(p, "%sContent-Length: 0\r\n\r\n", extra ? extra : "");
	return buf;
}

/* Which destination of route "three" out goes to: .2, .3, .1. */
static unsigned
which(void)
{
	struct sockaddr_in *a = (struct sockaddr_in *)&out.dst;
	unsigned o = ntohl(a->sin_addr.s_addr) & 0xff;

	ck_assert(o >= 1 && o <= 3);
	return o == 1 ? 2 : o - 2;
}

/* ---- requests -------------------------------------------------------- */

START_TEST(forwards_invite)
{
	ck_assert(handle(invite("sip:bob@example.com", "z9hG4bKa", NULL)));
	ck_assert_int_eq(out.kind, SLS_OUT_FWD_REQUEST);
	dst_is("127.0.0.2:5070");
	STARTS("INVITE sip:bob@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKsl");
	ck_assert_ptr_nonnull(strstr(outbuf, "\r\nVia: SIP/2.0/UDP "
	    "192.0.2.7:5062;branch=z9hG4bKa;rport=5062;received=192.0.2.7"
	    "\r\n"));
	ck_assert_ptr_nonnull(strstr(outbuf, "\r\nMax-Forwards: 70\r\n\r\n"));
	ck_assert_uint_eq(st(SLS_ST_FWD_REQUESTS), 1);
	ck_assert_uint_eq(st(SLS_ST_RCV_REQUESTS), 1);
	ck_assert_uint_eq(st(SLS_ST_SENT), 0);
	/* a failed send counts as a failure, not as forwarded */
	sls_handle_sent(&h, &req, &out, false);
	ck_assert_uint_eq(st(SLS_ST_FAILURES), 1);
	ck_assert_uint_eq(st(SLS_ST_FWD_REQUESTS), 1);
}
END_TEST

START_TEST(branch_determinism)
{
	char inv[64], b[64];

	ck_assert(handle(invite("sip:bob@example.com", "z9hG4bKa", NULL)));
	strcpy(inv, our_branch());
	/* a retransmission */
	ck_assert(handle(invite("sip:bob@example.com", "z9hG4bKa", NULL)));
	ck_assert_str_eq(our_branch(), inv);
	/* its CANCEL, and the ACK of a non-2xx reply (To tag, same
	   branch) */
	ck_assert(handle(request("CANCEL", "sip:bob@example.com", NULL,
	    "z9hG4bKa", "call-1@example.com", NULL)));
	ck_assert_str_eq(our_branch(), inv);
	ck_assert(handle(request("ACK", "sip:bob@example.com", "uas",
	    "z9hG4bKa", "call-1@example.com", NULL)));
	ck_assert_str_eq(our_branch(), inv);
	ck_assert_uint_eq(st(SLS_ST_ACKS_PASSED), 1);
	/* the ACK of a 2xx has a branch of its own, so a new one */
	ck_assert(handle(request("ACK", "sip:bob@example.com", "uas",
	    "z9hG4bKb", "call-1@example.com", NULL)));
	ck_assert_str_ne(our_branch(), inv);
	/* another transaction, another Request-URI, another source */
	ck_assert(handle(invite("sip:bob@example.com", "z9hG4bKc", NULL)));
	ck_assert_str_ne(our_branch(), inv);
	ck_assert(handle(invite("sip:carol@example.com", "z9hG4bKa", NULL)));
	strcpy(b, our_branch());
	ck_assert_str_ne(b, inv);
	ck_assert(from("192.0.2.8", 5062, invite("sip:bob@example.com",
	    "z9hG4bKa", NULL)));
	ck_assert_str_ne(our_branch(), inv);
	/* the same request under another key (tag_secret) */
	sls_tag_init(&tagkey, "other");
	ck_assert(handle(invite("sip:bob@example.com", "z9hG4bKa", NULL)));
	ck_assert_str_ne(our_branch(), inv);
	ck_assert_uint_eq(st(SLS_ST_FWD_REQUESTS), 9);
}
END_TEST

START_TEST(rfc2543_branch)
{
	char b[64];

	/* without the magic cookie the Call-ID and tags tell transactions
	   apart (RFC 3261 §16.11) */
	ck_assert(handle(request("INVITE", "sip:bob@example.com", NULL, "1",
	    "call-1@example.com", NULL)));
	strcpy(b, our_branch());
	ck_assert(handle(request("INVITE", "sip:bob@example.com", NULL, "1",
	    "call-2@example.com", NULL)));
	ck_assert_str_ne(our_branch(), b);
	ck_assert(handle(request("INVITE", "sip:bob@example.com", NULL, "1",
	    "call-1@example.com", NULL)));
	ck_assert_str_eq(our_branch(), b);
}
END_TEST

START_TEST(max_forwards)
{
	ck_assert(handle(invite("sip:bob@example.com", "z9hG4bKa",
	    "Max-Forwards: 007\r\n")));
	ck_assert_int_eq(out.kind, SLS_OUT_FWD_REQUEST);
	ck_assert_ptr_nonnull(strstr(outbuf, "\r\nMax-Forwards: 6\r\n"));
	/* 0: a local 483, counted as one; nothing forwarded */
	ck_assert(handle(request("OPTIONS", "sip:bob@example.com", NULL,
	    "z9hG4bKb", "c2", "Max-Forwards: 0\r\n")));
	ck_assert_int_eq(out.kind, SLS_OUT_LOCAL);
	STARTS("SIP/2.0 483 Too Many Hops\r\n");
	dst_is("192.0.2.7:5062");
	ck_assert_uint_eq(st(SLS_ST_483), 1);
	ck_assert_uint_eq(st(SLS_ST_SENT), 1);
	ck_assert_uint_eq(st(SLS_ST_FWD_REQUESTS), 1);
	/* an INVITE's 483 is remembered: its ACK is absorbed */
	ck_assert(handle(request("INVITE", "sip:bob@example.com", NULL,
	    "z9hG4bKc", "c3", "Max-Forwards: 0\r\n")));
	ck_assert_uint_eq(st(SLS_ST_483), 2);
	{
		char tag[64];
		const char *t = strstr(strstr(outbuf, "\r\nTo: "), ";tag=") +
		    5;

		memcpy(tag, t, SLS_TAG_LEN);
		tag[SLS_TAG_LEN] = '\0';
		ck_assert(!handle(request("ACK", "sip:bob@example.com", tag,
		    "z9hG4bKc", "c3", "Max-Forwards: 70\r\n")));
		ck_assert_uint_eq(st(SLS_ST_RCV_ACKS), 1);
	}
	/* an ACK with 0 gets no reply */
	ck_assert(!handle(request("ACK", "sip:bob@example.com", "x",
	    "z9hG4bKd", "c4", "Max-Forwards: 0\r\n")));
	ck_assert_uint_eq(st(SLS_ST_DROP_REQUESTS), 1);
	/* garbage: the basic checks answer 400 */
	ck_assert(handle(invite("sip:bob@example.com", "z9hG4bKe",
	    "Max-Forwards: lots\r\n")));
	STARTS("SIP/2.0 400 Bad Request (malformed Max-Forwards)\r\n");
	ck_assert_uint_eq(st(SLS_ST_FWD_REQUESTS), 1);
}
END_TEST

START_TEST(loop_and_spiral)
{
	char looped[8192];

	ck_assert(handle(invite("sip:bob@example.com", "z9hG4bKa", NULL)));
	/* it comes back to us unchanged: a loop */
	strcpy(looped, outbuf);
	ck_assert(from("127.0.0.2", 5070, looped));
	ck_assert_int_eq(out.kind, SLS_OUT_LOCAL);
	STARTS("SIP/2.0 482 Loop Detected\r\n");
	/* to the source, at the port of its Via (ours: no rport) */
	dst_is("127.0.0.2:5060");
	ck_assert_uint_eq(st(SLS_ST_4XX), 1);
	/* a spiral: the Request-URI changed on the way */
	memcpy(looped, "INVITE sip:bod", 14);
	ck_assert(from("127.0.0.2", 5070, looped));
	ck_assert_int_eq(out.kind, SLS_OUT_FWD_REQUEST);
	/* set_ruri: the first return is a spiral (old@ became new@), the
	   second a loop */
	ck_assert(handle(invite("sip:old@example.com", "z9hG4bKb", NULL)));
	ck_assert(strncmp(outbuf, "INVITE sip:new@127.0.0.1 SIP/2.0\r\n",
	    34) == 0);
	strcpy(looped, outbuf);
	ck_assert(from("127.0.0.2", 5070, looped));
	ck_assert_int_eq(out.kind, SLS_OUT_FWD_REQUEST);
	strcpy(looped, outbuf);
	ck_assert(from("127.0.0.2", 5070, looped));
	ck_assert_int_eq(out.kind, SLS_OUT_LOCAL);
	ck_assert(strncmp(outbuf, "SIP/2.0 482 ", 12) == 0);
	/* a branch of our shape under another host is no loop of ours */
	ck_assert(handle(invite("sip:bob@example.com", "z9hG4bKc", NULL)));
	strcpy(looped, outbuf);
	memcpy(strstr(looped, "127.0.0.1:5060;branch"), "127.0.0.9", 9);
	ck_assert(from("127.0.0.2", 5070, looped));
	ck_assert_int_eq(out.kind, SLS_OUT_FWD_REQUEST);
}
END_TEST

START_TEST(route_pop_and_record_route)
{
	ck_assert(handle(invite("sip:bob@example.com", "z9hG4bKa",
	    "Route: <sip:127.0.0.1:5060;lr>, <sip:10.0.0.1;lr>\r\n")));
	ck_assert_ptr_nonnull(strstr(outbuf, "\r\nRoute: <sip:10.0.0.1;lr>"
	    "\r\n"));
	ck_assert_ptr_null(strstr(outbuf, "127.0.0.1:5060;lr"));
	ck_assert(handle(invite("sip:bob@example.com", "z9hG4bKa",
	    "Route: <sip:127.0.0.1;lr>\r\nRoute: <sip:10.0.0.1;lr>\r\n")));
	ck_assert_ptr_nonnull(strstr(outbuf, "\r\nRoute: <sip:10.0.0.1;lr>"
	    "\r\n"));
	ck_assert_ptr_null(strstr(outbuf, "Route: <sip:127.0.0.1;lr>"));
	/* not ours: kept */
	ck_assert(handle(invite("sip:bob@example.com", "z9hG4bKa",
	    "Route: <sip:127.0.0.1:5070;lr>\r\n")));
	ck_assert_ptr_nonnull(strstr(outbuf, "\r\nRoute: "
	    "<sip:127.0.0.1:5070;lr>\r\n"));
	ck_assert(handle(invite("sip:bob@example.com", "z9hG4bKa",
	    "Route: <sip:localhost;lr>\r\n")));
	ck_assert_ptr_nonnull(strstr(outbuf, "Route: <sip:localhost;lr>"));
	/* record_route */
	ck_assert(handle(invite("sip:rr@example.com", "z9hG4bKa", NULL)));
	ck_assert_ptr_nonnull(strstr(outbuf, "\r\nRecord-Route: "
	    "<sip:127.0.0.1:5060;lr>\r\n"));
	ck_assert(handle(invite("sip:bob@example.com", "z9hG4bKa", NULL)));
	ck_assert_ptr_null(strstr(outbuf, "Record-Route"));
}
END_TEST

START_TEST(destination_by_callid)
{
	unsigned n[3] = { 0, 0, 0 }, i, k;
	char cid[64];

	for (i = 0; i < 3000; i++) {
		snprintf(cid, sizeof(cid), "%u-%u@192.0.2.7", i * 7919, i);
		ck_assert(handle(request("INVITE", "sip:three@example.com",
		    NULL, "z9hG4bKa", cid, NULL)));
		k = which();
		n[k]++;
		/* every request of the call goes there too */
		ck_assert(handle(request("CANCEL", "sip:three@example.com",
		    NULL, "z9hG4bKa", cid, NULL)));
		ck_assert_uint_eq(which(), k);
		ck_assert(handle(request("BYE", "sip:three@example.com", "t",
		    "z9hG4bKz", cid, NULL)));
		ck_assert_uint_eq(which(), k);
	}
	/* even within a few percent (1000 each) */
	for (k = 0; k < 3; k++)
		ck_assert_msg(n[k] > 900 && n[k] < 1100, "%u %u %u", n[0],
		    n[1], n[2]);
	/* udp:localhost resolved at load to 127.0.0.1:5060 (IPv4: we
	   listen on IPv4) */
	ck_assert_uint_eq(conf->routes[3].ndests, 3);
	ck_assert_int_eq(conf->routes[3].dests[2].v4.sin_family, AF_INET);
	ck_assert_uint_eq(ntohs(conf->routes[3].dests[2].v4.sin_port), 5060);
	ck_assert_int_eq(conf->routes[3].dests[2].v6.sin6_family, 0);
}
END_TEST

/* ---- replies --------------------------------------------------------- */

START_TEST(reply_goes_back)
{
	char fwd[8192];

	ck_assert(handle(invite("sip:bob@example.com", "z9hG4bKa", NULL)));
	strcpy(fwd, outbuf);
	ck_assert(from("127.0.0.2", 5070, uas_reply("180 Ringing", NULL)));
	ck_assert_int_eq(out.kind, SLS_OUT_FWD_REPLY);
	/* rport: back to the source port of the request */
	dst_is("192.0.2.7:5062");
	STARTS("SIP/2.0 180 Ringing\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bKa;rport=5062;"
	    "received=192.0.2.7\r\nFrom: ");
	ck_assert_uint_eq(st(SLS_ST_FWD_REPLIES), 1);
	ck_assert_uint_eq(st(SLS_ST_RCV_REPLIES), 1);
	ck_assert_uint_eq(st(SLS_ST_SENT), 0);
	/* once more: a retransmitted reply goes once per copy */
	strcpy(outbuf, fwd);
	ck_assert(from("127.0.0.2", 5070, uas_reply("200 OK", NULL)));
	ck_assert_uint_eq(st(SLS_ST_FWD_REPLIES), 2);
	ck_assert_uint_eq(st(SLS_ST_DROP_REPLIES), 0);
}
END_TEST

START_TEST(reply_without_rport)
{
	/* no rport: the sent-by port; a sent-by name: received */
	ck_assert(handle("OPTIONS sip:bob@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP client.example.com:5090;branch=z9hG4bKq\r\n"
	    "From: <sip:a@x>;tag=1\r\nTo: <sip:bob@example.com>\r\n"
	    "Call-ID: q\r\nCSeq: 5 OPTIONS\r\n\r\n"));
	ck_assert(from("127.0.0.2", 5070, uas_reply("200 OK", NULL)));
	dst_is("192.0.2.7:5090");
}
END_TEST

START_TEST(onreply_rewrites)
{
	char fwd[8192];

	ck_assert(handle(invite("sip:bob@example.com", "z9hG4bKa", NULL)));
	strcpy(fwd, outbuf);
	/* 408 to an INVITE: 404 */
	ck_assert(from("127.0.0.2", 5070, uas_reply("408 Request Timeout",
	    NULL)));
	STARTS("SIP/2.0 404 Not Found\r\nVia: SIP/2.0/UDP 192.0.2.7:5062;");
	ck_assert_uint_eq(st(SLS_ST_FWD_REPLIES), 1);
	ck_assert_uint_eq(st(SLS_ST_404), 0);
	ck_assert_uint_eq(st(SLS_ST_SENT), 0);
	/* 503: 404 is of another class, so unchanged, and a failure */
	strcpy(outbuf, fwd);
	ck_assert(from("127.0.0.2", 5070, uas_reply("503 Busy", NULL)));
	ck_assert(strncmp(outbuf, "SIP/2.0 503 Busy\r\n", 18) == 0);
	ck_assert_uint_eq(st(SLS_ST_FAILURES), 1);
	ck_assert_uint_eq(st(SLS_ST_FWD_REPLIES), 2);
	/* 6xx: dropped */
	strcpy(outbuf, fwd);
	ck_assert(!from("127.0.0.2", 5070, uas_reply("603 Decline", NULL)));
	ck_assert_uint_eq(st(SLS_ST_DROP_REPLIES), 1);
	/* a code from a header: same class, no reason: the standard one */
	strcpy(outbuf, fwd);
	ck_assert(from("127.0.0.2", 5070, uas_reply("486 Busy Here",
	    "X-New: 480\r\n")));
	STARTS("SIP/2.0 480 Temporarily Unavailable\r\n");
	/* ... or no code at all: unchanged, a failure */
	strcpy(outbuf, fwd);
	ck_assert(from("127.0.0.2", 5070, uas_reply("486 Busy Here",
	    "X-New: soon\r\n")));
	ck_assert(strncmp(outbuf, "SIP/2.0 486 Busy Here\r\n", 23) == 0);
	ck_assert_uint_eq(st(SLS_ST_FAILURES), 2);
	/* no block matches (486 without X-New; 183): unchanged */
	strcpy(outbuf, fwd);
	ck_assert(from("127.0.0.2", 5070, uas_reply("486 Busy Here", NULL)));
	ck_assert(strncmp(outbuf, "SIP/2.0 486 Busy Here\r\n", 23) == 0);
	/* the method is the CSeq method: a 408 to an OPTIONS stays */
	ck_assert(handle(request("OPTIONS", "sip:bob@example.com", NULL,
	    "z9hG4bKo", "c9", NULL)));
	ck_assert(from("127.0.0.2", 5070, uas_reply("408 Request Timeout",
	    NULL)));
	ck_assert(strncmp(outbuf, "SIP/2.0 408 Request Timeout\r\n", 29) ==
	    0);
	ck_assert_uint_eq(st(SLS_ST_FWD_REPLIES), 6);
}
END_TEST

START_TEST(reply_variables)
{
	char line[256];
	sls_tmpl_t *t;
	char err[128];
	ssize_t n;

	ck_assert(handle(invite("sip:bob@example.com", "z9hG4bKa", NULL)));
	ck_assert(from("127.0.0.2", 5070, uas_reply("408 Request Timeout",
	    NULL)));
	t = sls_tmpl_compile("$rs $rr $rm $si:$sp $ci $tt", err, sizeof(err));
	ck_assert_ptr_nonnull(t);
	n = sls_tmpl_expand(t, &req, line, sizeof(line));
	ck_assert_int_gt(n, 0);
	line[n] = '\0';
	ck_assert_str_eq(line, "408 Request Timeout INVITE 127.0.0.2:5070 "
	    "call-1@example.com uas");
	sls_tmpl_free(t);
}
END_TEST

START_TEST(replies_not_ours)
{
	char fwd[8192], r[8192], *p;
	const char *br;

	ck_assert(handle(invite("sip:bob@example.com", "z9hG4bKa", NULL)));
	br = our_branch();
	strcpy(fwd, outbuf);
	/* another's Via on top */
	ck_assert(!from("127.0.0.2", 5070, "SIP/2.0 200 OK\r\n"
	    "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.7:5062\r\n"
	    "From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\n"
	    "Call-ID: c\r\nCSeq: 1 INVITE\r\n\r\n"));
	ck_assert_uint_eq(st(SLS_ST_DROP_REPLIES), 1);
	/* our address, our branch, but no second Via */
	snprintf(r, sizeof(r), "SIP/2.0 200 OK\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=%s\r\n"
	    "From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\n"
	    "Call-ID: c\r\nCSeq: 1 INVITE\r\n\r\n", br);
	ck_assert(!from("127.0.0.2", 5070, r));
	ck_assert_uint_eq(st(SLS_ST_DROP_REPLIES), 2);
	/* a second Via that names a host: no DNS, not addressable */
	snprintf(r, sizeof(r), "SIP/2.0 200 OK\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=%s\r\n"
	    "Via: SIP/2.0/UDP client.example.com:5062;branch=z9hG4bKa\r\n"
	    "From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\n"
	    "Call-ID: c\r\nCSeq: 1 INVITE\r\n\r\n", br);
	ck_assert(!from("127.0.0.2", 5070, r));
	ck_assert_uint_eq(st(SLS_ST_DROP_REPLIES), 3);
	/* the second Via changed to send it elsewhere: the MAC fails */
	strcpy(outbuf, fwd);
	strcpy(r, uas_reply("200 OK", NULL));
	p = strstr(r, "received=192.0.2.7");
	memcpy(p, "received=192.0.2.9", 18);
	ck_assert(!from("127.0.0.2", 5070, r));
	ck_assert_uint_eq(st(SLS_ST_DROP_REPLIES), 4);
	/* one digit of the branch changed */
	strcpy(outbuf, fwd);
	strcpy(r, uas_reply("200 OK", NULL));
	p = strstr(r, "branch=z9hG4bKsl") + 16 + 3;
	*p = *p == '0' ? '1' : '0';
	ck_assert(!from("127.0.0.2", 5070, r));
	ck_assert_uint_eq(st(SLS_ST_DROP_REPLIES), 5);
	ck_assert_uint_eq(st(SLS_ST_FWD_REPLIES), 0);
	ck_assert_uint_eq(st(SLS_ST_RCV_REPLIES), 5);
}
END_TEST

START_TEST(stateless_across_reload_and_nodes)
{
	sls_tagkey_t k;
	char r[8192];

	ck_assert(handle(invite("sip:bob@example.com", "z9hG4bKa", NULL)));
	strcpy(r, uas_reply("200 OK", NULL));
	/* a new generation or another node: the same secret, the same key;
	   nothing else is needed */
	sls_tag_init(&k, "secret");
	h.tagkey = &k;
	ck_assert(from("127.0.0.2", 5070, r));
	ck_assert_int_eq(out.kind, SLS_OUT_FWD_REPLY);
	/* another secret: not ours */
	sls_tag_init(&k, "another secret");
	ck_assert(!from("127.0.0.2", 5070, r));
	ck_assert_uint_eq(st(SLS_ST_DROP_REPLIES), 1);
	h.tagkey = &tagkey;
}
END_TEST

START_TEST(branch_api)
{
	sls_msg_t *msg = &req.msg;
	struct sockaddr_storage dst;
	char b[SLS_BRANCH_LEN];
	uint32_t loop;
	sls_via_t v;
	const char *text = invite("sip:bob@example.com", "z9hG4bKa", NULL);

	ck_assert_int_eq(sls_sip_parse(msg, text, strlen(text)), 0);
	ck_assert_int_eq(sls_sip_check(msg), 0);
	set_addr(&dst, "192.0.2.7", 5062);
	sls_branch_make(&tagkey, msg, (struct sockaddr *)&dst, b);
	ck_assert(sls_branch_parse((sls_str_t){ b, sizeof(b) }, &loop));
	ck_assert_uint_eq(loop, sls_branch_loop(msg));
	ck_assert(sls_branch_verify(&tagkey, (sls_str_t){ b, sizeof(b) },
	    &msg->via, (struct sockaddr *)&dst));
	set_addr(&dst, "192.0.2.7", 5063);
	ck_assert(!sls_branch_verify(&tagkey, (sls_str_t){ b, sizeof(b) },
	    &msg->via, (struct sockaddr *)&dst));
	set_addr(&dst, "192.0.2.7", 5062);
	v = msg->via;
	v.branch = SLS_STR_LIT("z9hG4bKb");
	ck_assert(!sls_branch_verify(&tagkey, (sls_str_t){ b, sizeof(b) },
	    &v, (struct sockaddr *)&dst));
	ck_assert(!sls_branch_parse(SLS_STR_LIT("z9hG4bKa"), &loop));
	ck_assert(!sls_branch_parse((sls_str_t){ b, sizeof(b) - 1 }, &loop));
	b[10] = 'G';
	ck_assert(!sls_branch_parse((sls_str_t){ b, sizeof(b) }, &loop));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("forward");
	TCase *tc = tcase_create("forward");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, forwards_invite);
	tcase_add_test(tc, branch_determinism);
	tcase_add_test(tc, rfc2543_branch);
	tcase_add_test(tc, max_forwards);
	tcase_add_test(tc, loop_and_spiral);
	tcase_add_test(tc, route_pop_and_record_route);
	tcase_add_test(tc, destination_by_callid);
	tcase_add_test(tc, reply_goes_back);
	tcase_add_test(tc, reply_without_rport);
	tcase_add_test(tc, onreply_rewrites);
	tcase_add_test(tc, reply_variables);
	tcase_add_test(tc, replies_not_ours);
	tcase_add_test(tc, stateless_across_reload_and_nodes);
	tcase_add_test(tc, branch_api);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
