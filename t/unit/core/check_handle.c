/*
 * The packet path as a function: routes, actions, automatic error
 * replies, ACK absorption, and the counters each outcome bumps.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "core/pipeline.h"
#include "lib/clock.h"
#include "shm/sigtable.h"
#include "shm/segment.h"
#include "core/tag.h"
#include "testaddr.h"
#include "handler_fixture.h"

static const char *CONF_TEXT =
    "listen = {\"udp:127.0.0.1:5060\"}\n"
    "sl { ack_timeout = 5\n table_size = 1024 }\n"
    "route \"keepalive\" {\n"
    "  method = {\"OPTIONS\"}\n"
    "  append_to_reply = {\"Allow: INVITE, ACK\", \"X-Src: $si:$sp\"}\n"
    "  sl_send_reply = \"200 OK\"\n"
    "}\n"
    "route \"errors\" {\n"
    "  error = true\n"
    "  method = {\"MESSAGE\"}\n"
    "  drop = true\n"
    "}\n"
    "route \"scanners\" {\n"
    "  header = {\"User-Agent: friendly-scanner|sipvicious\"}\n"
    "  drop = true\n"
    "}\n"
    "route \"busy\" {\n"
    "  method = {\"INVITE\"}\n"
    "  ruri = \"^sip:busy@\"\n"
    "  sl_send_reply = \"486\"\n"
    "}\n"
    "route \"ok\" {\n"
    "  method = {\"INVITE\"}\n"
    "  ruri = \"^sip:ok@\"\n"
    "  sl_send_reply = \"200 OK\"\n"
    "}\n"
    "route \"redirect\" {\n"
    "  method = {\"INVITE\"}\n"
    "  ruri = \"^sip:\\\\+?1[0-9]{10}@\"\n"
    "  set_ruri = \"sip:$rU@gw1.example.net\"\n"
    "  append_branch = {\"sip:$rU@gw2.example.net q=0.5\"}\n"
    "  sl_send_reply = \"302 Moved Temporarily\"\n"
    "}\n"
    "route \"dyncode\" {\n"
    "  method = {\"INFO\"}\n"
    "  sl_send_reply = \"$hdr(X-Code) $hdr(X-Reason)\"\n"
    "}\n"
    "route \"bad-uri\" {\n"
    "  method = {\"PUBLISH\"}\n"
    "  set_ruri = \"$hdr(X-Target)\"\n"
    "  sl_send_reply = \"302\"\n"
    "}\n"
    "route \"explain\" {\n"
    "  method = {\"SUBSCRIBE\"}\n"
    "  sl_reply_error = true\n"
    "}\n"
    "route \"big\" {\n"
    "  method = {\"NOTIFY\"}\n"
    "  append_to_reply = {\"X-Big: $hdr(X-Big)\"}\n"
    "  sl_send_reply = \"200 OK\"\n"
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

/* Handle text as a datagram from 192.0.2.7:5062 to 127.0.0.1:5060. */
static bool
handle(const char *text)
{
	return fixture_handle("192.0.2.7", 5062, text);
}

/* A request with the usual headers; extra is inserted before CSeq. */
static const char *
request(const char *method, const char *ruri, const char *to_tag,
    const char *branch, const char *extra)
{
	static char buf[8192];

	snprintf(buf, sizeof(buf),
	    "%s %s SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.7:5062;branch=%s;rport\r\n"
	    "From: <sip:alice@example.com>;tag=ft1\r\n"
	    "To: <%s>%s%s\r\n"
	    "Call-ID: call-1@example.com\r\n"
	    "%s"
	    "CSeq: 1 %s\r\n"
	    "Content-Length: 0\r\n\r\n",
	    method, ruri, branch, ruri, to_tag ? ";tag=" : "",
	    to_tag ? to_tag : "", extra ? extra : "", method);
	return buf;
}

/* The to-tag of the reply in outbuf. */
static const char *
reply_to_tag(void)
{
	static char tag[128];
	const char *to = strstr(outbuf, "\r\nTo: "), *t, *e;

	ck_assert_ptr_nonnull(to);
	t = strstr(to, ";tag=");
	ck_assert_ptr_nonnull(t);
	t += 5;
	e = strstr(t, "\r\n");
	ck_assert_uint_lt((size_t)(e - t), sizeof(tag));
	memcpy(tag, t, (size_t)(e - t));
	tag[e - t] = '\0';
	return tag;
}

START_TEST(options_route_appends)
{
	ck_assert(handle(request("OPTIONS", "sip:x@127.0.0.1", NULL,
	    "z9hG4bK1", NULL)));
	ck_assert_msg(strncmp(outbuf, "SIP/2.0 200 OK\r\n", 16) == 0, "%s",
	    outbuf);
	ck_assert_ptr_nonnull(strstr(outbuf, "\r\nAllow: INVITE, ACK\r\n"));
	ck_assert_ptr_nonnull(strstr(outbuf,
	    "\r\nX-Src: 192.0.2.7:5062\r\n"));
	ck_assert_ptr_nonnull(strstr(outbuf, "rport=5062"));
	/* rport: back to the source port */
	ck_assert_uint_eq(ntohs(((struct sockaddr_in *)&out.dst)->sin_port),
	    5062);
	ck_assert_uint_eq(st(SLS_ST_200), 1);
	ck_assert_uint_eq(st(SLS_ST_SENT), 1);
	ck_assert_uint_eq(st(SLS_ST_RCV_REQUESTS), 1);
}
END_TEST

START_TEST(no_route_gets_default)
{
	ck_assert(handle(request("BYE", "sip:x@127.0.0.1", "t1", "z9hG4bK2",
	    NULL)));
	ck_assert_msg(strncmp(outbuf,
	    "SIP/2.0 500 Internal Server Error\r\n", 35) == 0, "%s", outbuf);
	/* an existing to-tag is kept as it is */
	ck_assert_str_eq(reply_to_tag(), "t1");
	ck_assert_uint_eq(st(SLS_ST_500), 1);
}
END_TEST

START_TEST(std_phrase_when_reason_omitted)
{
	ck_assert(handle(request("INVITE", "sip:busy@127.0.0.1", NULL,
	    "z9hG4bK3", NULL)));
	ck_assert_msg(strncmp(outbuf, "SIP/2.0 486 Busy Here\r\n", 23) == 0,
	    "%s", outbuf);
	ck_assert_uint_eq(st(SLS_ST_4XX), 1);
}
END_TEST

START_TEST(dynamic_code_and_reason)
{
	ck_assert(handle(request("INFO", "sip:x@127.0.0.1", NULL, "z9hG4bK4",
	    "X-Code: 403\r\nX-Reason: Go Away\r\n")));
	ck_assert_msg(strncmp(outbuf, "SIP/2.0 403 Go Away\r\n", 21) == 0,
	    "%s", outbuf);
	/* out of range: default_code; empty reason: default_reason */
	ck_assert(handle(request("INFO", "sip:x@127.0.0.1", NULL, "z9hG4bK5",
	    "X-Code: 99\r\n")));
	ck_assert_msg(strncmp(outbuf,
	    "SIP/2.0 500 Internal Server Error\r\n", 35) == 0, "%s", outbuf);
	/* CR/LF cannot be injected through a variable */
	ck_assert(handle(request("INFO", "sip:x@127.0.0.1", NULL, "z9hG4bK6",
	    "X-Code: 404\r\nX-Reason: a\r\n b\r\n")));
	ck_assert_ptr_null(strstr(outbuf, "a\r\n b"));
	ck_assert_msg(strncmp(outbuf, "SIP/2.0 404 a", 13) == 0, "%s",
	    outbuf);
}
END_TEST

START_TEST(redirect_contact)
{
	ck_assert(handle(request("INVITE", "sip:+12125551234@127.0.0.1", NULL,
	    "z9hG4bK7", NULL)));
	ck_assert_msg(strncmp(outbuf, "SIP/2.0 302 Moved Temporarily\r\n",
	    31) == 0, "%s", outbuf);
	ck_assert_ptr_nonnull(strstr(outbuf,
	    "\r\nContact: <sip:+12125551234@gw1.example.net>, "
	    "<sip:+12125551234@gw2.example.net>;q=0.5\r\n"));
	ck_assert_uint_eq(st(SLS_ST_302), 1);
}
END_TEST

START_TEST(action_error_becomes_reply)
{
	ck_assert(handle(request("PUBLISH", "sip:x@127.0.0.1", NULL,
	    "z9hG4bK8", "X-Target: not a uri\r\n")));
	ck_assert_msg(strncmp(outbuf, "SIP/2.0 500 ", 12) == 0, "%s", outbuf);
	ck_assert_ptr_nonnull(strstr(outbuf, "(rewritten URI does not parse)"));
	ck_assert_uint_eq(st(SLS_ST_SENT_ERR), 1);
}
END_TEST

START_TEST(too_large_reply_is_error)
{
	static char extra[2100];

	/* the same route fits without the big header, not with it */
	out.cap = 1500;
	ck_assert(handle(request("NOTIFY", "sip:x@127.0.0.1", NULL,
	    "z9hG4bK9", NULL)));
	ck_assert_msg(strncmp(outbuf, "SIP/2.0 200 OK", 14) == 0, "%s",
	    outbuf);
	memcpy(extra, "X-Big: ", 7);
	memset(extra + 7, 'x', 2000);
	memcpy(extra + 2007, "\r\n", 3);
	ck_assert(handle(request("NOTIFY", "sip:x@127.0.0.1", NULL,
	    "z9hG4bK10", extra)));
	ck_assert_msg(strstr(outbuf, "(reply too large)") != NULL, "%s",
	    outbuf);
	ck_assert_ptr_null(strstr(outbuf, "xxxx"));
}
END_TEST

START_TEST(malformed_gets_descriptive_400)
{
	const char *m =
	    "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bKa\r\n"
	    "From: <sip:a@example.com>;tag=1\r\n"
	    "To: <sip:x@127.0.0.1>\r\n"
	    "CSeq: 1 OPTIONS\r\n\r\n";

	ck_assert(!handle(m));	/* no Call-ID: cannot be addressed */
	ck_assert_uint_eq(st(SLS_ST_ERR_REQUESTS), 1);
	ck_assert_uint_eq(st(SLS_ST_DROP_REQUESTS), 1);
	ck_assert(handle(request("OPTIONS", "sip:x@127.0.0.1", NULL, "z9hG4bKb",
	    NULL) /* fine */));
	ck_assert(handle(
	    "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bKc\r\n"
	    "From: <sip:a@example.com>;tag=1\r\n"
	    "To: <sip:x@127.0.0.1>\r\n"
	    "Call-ID: c\r\n"
	    "CSeq: 8 INVITE\r\n\r\n"));
	ck_assert_msg(strncmp(outbuf,
	    "SIP/2.0 400 Bad Request (CSeq method does not match)\r\n",
	    54) == 0, "%s", outbuf);
	/* no rport: back to the sent-by port */
	ck_assert_uint_eq(ntohs(((struct sockaddr_in *)&out.dst)->sin_port),
	    5062);
	ck_assert_uint_eq(st(SLS_ST_400), 1);
	ck_assert_uint_eq(st(SLS_ST_SENT_ERR), 1);
	ck_assert_uint_eq(st(SLS_ST_ERR_REQUESTS), 2);
	/* bad version: 505 */
	ck_assert(handle(
	    "OPTIONS sip:x@127.0.0.1 SIP/7.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bKd\r\n"
	    "From: <sip:a@example.com>;tag=1\r\n"
	    "To: <sip:x@127.0.0.1>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n"));
	ck_assert_msg(strncmp(outbuf, "SIP/2.0 505 ", 12) == 0, "%s", outbuf);
}
END_TEST

START_TEST(error_route_sees_only_errors)
{
	/* MESSAGE with a CSeq mismatch: the error route drops it */
	ck_assert(!handle(
	    "MESSAGE sip:x@127.0.0.1 SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bKe\r\n"
	    "From: <sip:a@example.com>;tag=1\r\n"
	    "To: <sip:x@127.0.0.1>\r\nCall-ID: c\r\nCSeq: 1 INFO\r\n\r\n"));
	ck_assert_uint_eq(st(SLS_ST_DROP_REQUESTS), 1);
	ck_assert_uint_eq(st(SLS_ST_SENT), 0);
	/* a good MESSAGE does not match the error route: default reply */
	ck_assert(handle(request("MESSAGE", "sip:x@127.0.0.1", NULL,
	    "z9hG4bKf", NULL)));
	ck_assert_uint_eq(st(SLS_ST_500), 1);
}
END_TEST

START_TEST(sl_reply_error_without_error)
{
	ck_assert(handle(request("SUBSCRIBE", "sip:x@127.0.0.1", NULL,
	    "z9hG4bKg", NULL)));
	ck_assert_msg(strncmp(outbuf, "SIP/2.0 500 ", 12) == 0, "%s", outbuf);
	ck_assert_uint_eq(st(SLS_ST_SENT_ERR), 1);
}
END_TEST

START_TEST(scanner_dropped)
{
	/* routes are tried in file order: keepalive comes first */
	ck_assert(handle(request("OPTIONS", "sip:x@127.0.0.1", NULL,
	    "z9hG4bKh", "User-Agent: friendly-scanner\r\n")));
	ck_assert(strncmp(outbuf, "SIP/2.0 200", 11) == 0);
	ck_assert(!handle(request("REGISTER", "sip:x@127.0.0.1", NULL,
	    "z9hG4bKi", "User-Agent: sipvicious\r\n")));
	ck_assert_uint_eq(st(SLS_ST_DROP_REQUESTS), 1);
}
END_TEST

/* OPTIONS number n with the given CSeq method, extra lines and clen. */
static const char *
scan_request(int n, const char *cseq_method, const char *extra,
    const char *clen)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf),
	    "OPTIONS sip:100@127.0.0.1 SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bKs%d\r\n"
	    "From: <sip:100@127.0.0.1>;tag=s1\r\n"
	    "To: <sip:100@127.0.0.1>\r\n"
	    "Call-ID: scan-%d\r\n"
	    "CSeq: 1 %s\r\n"
	    "%s"
	    "Content-Length: %s\r\n\r\n", n, n, cseq_method, extra, clen);
	return buf;
}

/*
 * A malformed request from a scanner meets the scanners route, whose
 * final action is drop: no 400 leaks out. Without the User-Agent the same
 * request gets its 400.
 */
START_TEST(scanner_malformed_dropped)
{
	const char *ua = "User-Agent: friendly-scanner\r\n";

	/* the CSeq names another method */
	ck_assert(!handle(scan_request(1, "REGISTER", ua, "0")));
	/* a Content-Length that is not a number */
	ck_assert(!handle(scan_request(2, "OPTIONS", ua, "1x")));
	ck_assert_uint_eq(st(SLS_ST_ERR_REQUESTS), 2);
	ck_assert_uint_eq(st(SLS_ST_DROP_REQUESTS), 2);
	ck_assert_uint_eq(st(SLS_ST_SENT), 0);
	ck_assert_uint_eq(st(SLS_ST_SENT_ERR), 0);

	ck_assert(handle(scan_request(3, "OPTIONS", "", "1x")));
	ck_assert_msg(strncmp(outbuf,
	    "SIP/2.0 400 Bad Request (malformed Content-Length)\r\n",
	    52) == 0, "%s", outbuf);
	ck_assert_uint_eq(st(SLS_ST_ERR_REQUESTS), 3);
	ck_assert_uint_eq(st(SLS_ST_DROP_REQUESTS), 2);
	ck_assert_uint_eq(st(SLS_ST_SENT_ERR), 1);
}
END_TEST

START_TEST(responses_dropped)
{
	ck_assert(!handle("SIP/2.0 200 OK\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKj\r\n"
	    "From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\n"
	    "Call-ID: x\r\nCSeq: 1 INVITE\r\n\r\n"));
	ck_assert_uint_eq(st(SLS_ST_RCV_REPLIES), 1);
	ck_assert_uint_eq(st(SLS_ST_RCV_REQUESTS), 0);
	ck_assert(!handle("\x16\x03\x01 not sip at all"));
	ck_assert_uint_eq(st(SLS_ST_ERR_REQUESTS), 1);
}
END_TEST

/* ACK of a non-2xx reply, same branch: absorbed, never answered. */
START_TEST(ack_of_486_absorbed)
{
	char tag[128];

	ck_assert(handle(request("INVITE", "sip:busy@127.0.0.1", NULL,
	    "z9hG4bKk", NULL)));
	strcpy(tag, reply_to_tag());
	ck_assert(!handle(request("ACK", "sip:busy@127.0.0.1", tag,
	    "z9hG4bKk", NULL)));
	ck_assert_uint_eq(st(SLS_ST_RCV_ACKS), 1);
	/* a retransmitted ACK too */
	ck_assert(!handle(request("ACK", "sip:busy@127.0.0.1", tag,
	    "z9hG4bKk", NULL)));
	ck_assert_uint_eq(st(SLS_ST_RCV_ACKS), 2);
	ck_assert_uint_eq(st(SLS_ST_ACKS_PASSED), 0);
	ck_assert_uint_eq(st(SLS_ST_SENT), 1);
}
END_TEST

/* ACK of a 2xx comes on a new branch: absorbed by its dialog key. */
START_TEST(ack_of_200_new_branch)
{
	char tag[128];

	ck_assert(handle(request("INVITE", "sip:ok@127.0.0.1", NULL,
	    "z9hG4bKl", NULL)));
	strcpy(tag, reply_to_tag());
	ck_assert(!handle(request("ACK", "sip:ok@127.0.0.1", tag,
	    "z9hG4bKother", NULL)));
	ck_assert_uint_eq(st(SLS_ST_RCV_ACKS), 1);
}
END_TEST

/* A re-INVITE already had a to-tag (not ours); its ACK is still ours. */
START_TEST(ack_of_reinvite_reply)
{
	ck_assert(handle(request("INVITE", "sip:busy@127.0.0.1", "theirs",
	    "z9hG4bKm", NULL)));
	ck_assert_str_eq(reply_to_tag(), "theirs");
	ck_assert(!handle(request("ACK", "sip:busy@127.0.0.1", "theirs",
	    "z9hG4bKm", NULL)));
	ck_assert_uint_eq(st(SLS_ST_RCV_ACKS), 1);
}
END_TEST

START_TEST(foreign_ack_passes)
{
	ck_assert(handle(request("INVITE", "sip:busy@127.0.0.1", NULL,
	    "z9hG4bKn", NULL)));
	/* wrong to-tag */
	ck_assert(!handle(request("ACK", "sip:busy@127.0.0.1", "forged",
	    "z9hG4bKn", NULL)));
	/* no to-tag at all */
	ck_assert(!handle(request("ACK", "sip:busy@127.0.0.1", NULL,
	    "z9hG4bKn", NULL)));
	ck_assert_uint_eq(st(SLS_ST_RCV_ACKS), 0);
	ck_assert_uint_eq(st(SLS_ST_ACKS_PASSED), 2);
	/* passed ACKs match no reply route: dropped, never answered */
	ck_assert_uint_eq(st(SLS_ST_SENT), 1);
	ck_assert_uint_eq(st(SLS_ST_DROP_REQUESTS), 2);
}
END_TEST

/* The entry a reply with to-tag tag left for this file's requests. */
static void
put_entry(const char *tag, uint64_t expires_ms)
{
	sls_str_t callid = sls_str_c("call-1@example.com");
	sls_str_t from_tag = sls_str_c("ft1");

	sls_sigtable_insert(h.sigtable,
	    sls_sig_key(&tablekey, callid, from_tag, 1),
	    sls_tag_hash(&tablekey, sls_str_c(tag)), sls_now_ms(), expires_ms);
}

/*
 * Only a reply whose to-tag is not of our making opens the table to ACKs
 * with such tags, for twice ack_timeout (5 s here): a forwarder's ACKs,
 * all with others' tags, never touch the table.
 */
START_TEST(other_tags_mark)
{
	uint64_t t0, t1, mark;

	ck_assert(handle(request("INVITE", "sip:busy@127.0.0.1", NULL,
	    "z9hG4bKp", NULL)));
	ck_assert(!sls_sigtable_other_tags(h.sigtable, sls_now_ms()));
	t0 = sls_now_ms();
	ck_assert(handle(request("INVITE", "sip:busy@127.0.0.1", "theirs",
	    "z9hG4bKq", NULL)));
	t1 = sls_now_ms();
	mark = atomic_load(&h.sigtable->other_tags_until_ms);
	ck_assert_uint_ge(mark, t0 + 10000);
	ck_assert_uint_le(mark, t1 + 10000);
	/* never lowered */
	sls_sigtable_hold_other_tags(h.sigtable, t0);
	ck_assert_uint_eq(atomic_load(&h.sigtable->other_tags_until_ms), mark);
}
END_TEST

/* An ACK with another's to-tag is looked up only while the mark is up. */
START_TEST(other_tag_ack_needs_mark)
{
	const char *ack = request("ACK", "sip:busy@127.0.0.1", "theirs",
	    "z9hG4bKr", NULL);
	uint64_t now = sls_now_ms();

	put_entry("theirs", now + 60000);
	ck_assert(!handle(ack));
	ck_assert_uint_eq(st(SLS_ST_RCV_ACKS), 0);
	ck_assert_uint_eq(st(SLS_ST_ACKS_PASSED), 1);
	sls_sigtable_hold_other_tags(h.sigtable, now + 60000);
	ck_assert(!handle(ack));
	ck_assert_uint_eq(st(SLS_ST_RCV_ACKS), 1);
	ck_assert_uint_eq(st(SLS_ST_ACKS_PASSED), 1);
	/* an expired entry: late while the mark is up */
	put_entry("theirs", 1);
	ck_assert(!handle(ack));
	ck_assert_uint_eq(st(SLS_ST_ACKS_LATE), 1);
	ck_assert_uint_eq(st(SLS_ST_ACKS_PASSED), 2);
}
END_TEST

/* Every slot the entry could take is being written: dropped, counted. */
START_TEST(sigtable_drop_counted)
{
	uint64_t key = sls_sig_key(&tablekey, sls_str_c("call-1@example.com"),
	    sls_str_c("ft1"), 1);
	uint64_t locked = (uint64_t)1 << 32 | (uint64_t)getpid() << 1 | 1;
	char tag[128];
	uint32_t i;

	for (i = 0; i < SLS_SIG_WINDOW; i++)
		atomic_store(&h.sigtable->slot[((uint32_t)key + i) &
		    h.sigtable->mask].seq, locked);
	ck_assert(handle(request("INVITE", "sip:busy@127.0.0.1", NULL,
	    "z9hG4bKs", NULL)));
	strcpy(tag, reply_to_tag());
	ck_assert_uint_eq(st(SLS_ST_SIGTABLE_DROPS), 1);
	ck_assert_uint_eq(st(SLS_ST_SIGTABLE_EVICTIONS), 0);
	/* so its ACK is passed, not absorbed */
	ck_assert(!handle(request("ACK", "sip:busy@127.0.0.1", tag,
	    "z9hG4bKs", NULL)));
	ck_assert_uint_eq(st(SLS_ST_RCV_ACKS), 0);
	ck_assert_uint_eq(st(SLS_ST_ACKS_PASSED), 1);
}
END_TEST

START_TEST(same_request_same_tag)
{
	char tag[128];

	ck_assert(handle(request("OPTIONS", "sip:x@127.0.0.1", NULL,
	    "z9hG4bKo", NULL)));
	strcpy(tag, reply_to_tag());
	ck_assert(handle(request("OPTIONS", "sip:x@127.0.0.1", NULL,
	    "z9hG4bKo", NULL)));
	ck_assert_str_eq(reply_to_tag(), tag);
	ck_assert(handle(request("OPTIONS", "sip:x@127.0.0.1", NULL,
	    "z9hG4bKp", NULL)));
	ck_assert_str_ne(reply_to_tag(), tag);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("handle");
	TCase *tc = tcase_create("handle");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, options_route_appends);
	tcase_add_test(tc, no_route_gets_default);
	tcase_add_test(tc, std_phrase_when_reason_omitted);
	tcase_add_test(tc, dynamic_code_and_reason);
	tcase_add_test(tc, redirect_contact);
	tcase_add_test(tc, action_error_becomes_reply);
	tcase_add_test(tc, too_large_reply_is_error);
	tcase_add_test(tc, malformed_gets_descriptive_400);
	tcase_add_test(tc, error_route_sees_only_errors);
	tcase_add_test(tc, sl_reply_error_without_error);
	tcase_add_test(tc, scanner_dropped);
	tcase_add_test(tc, scanner_malformed_dropped);
	tcase_add_test(tc, responses_dropped);
	tcase_add_test(tc, ack_of_486_absorbed);
	tcase_add_test(tc, ack_of_200_new_branch);
	tcase_add_test(tc, ack_of_reinvite_reply);
	tcase_add_test(tc, foreign_ack_passes);
	tcase_add_test(tc, other_tags_mark);
	tcase_add_test(tc, other_tag_ack_needs_mark);
	tcase_add_test(tc, sigtable_drop_counted);
	tcase_add_test(tc, same_request_same_tag);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
