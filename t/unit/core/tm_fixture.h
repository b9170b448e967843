/*
 * A packet path with a transaction table, for the tm unit tests: the
 * config is loaded from text, requests are handled as datagrams from
 * 192.0.2.7:5062, and the one transaction of a test can be read back.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_TM_FIXTURE_H
#define SLS_TM_FIXTURE_H

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "core/pipeline.h"
#include "core/tag.h"
#include "shm/segment.h"
#include "testaddr.h"
#include "handler_fixture.h"

static const char *TM_CONF =
    "listen = {\"udp:127.0.0.1:5060\"}\n"
    "sl { ack_timeout = 60\n table_size = 1024 }\n"
    "tm { t1 = 500\n t2 = 4000\n t4 = 5000\n table_size = 64 }\n"
    "route \"busy\" {\n"
    "  method = {\"INVITE\"}\n  ruri = \"^sip:busy@\"\n"
    "  t_newtran = true\n  send_reply = \"486 Busy Here\"\n}\n"
    "route \"ok\" {\n"
    "  method = {\"INVITE\"}\n  ruri = \"^sip:ok@\"\n"
    "  t_newtran = true\n  send_reply = \"200 OK\"\n}\n"
    "route \"ring\" {\n"
    "  method = {\"INVITE\"}\n  ruri = \"^sip:ring@\"\n"
    "  t_newtran = true\n  send_reply = \"180 Ringing\"\n}\n"
    "route \"sl\" {\n"
    "  method = {\"INVITE\"}\n  ruri = \"^sip:sl@\"\n"
    "  sl_send_reply = \"486 Busy Here\"\n}\n"
    "route \"plain\" {\n"
    "  method = {\"INVITE\"}\n  ruri = \"^sip:plain@\"\n"
    "  send_reply = \"486 Busy Here\"\n}\n"
    "route \"big\" {\n"
    "  method = {\"INVITE\"}\n  ruri = \"^sip:big@\"\n"
    "  append_to_reply = {\"X-Big: $hdr(X-Big)\"}\n"
    "  t_newtran = true\n  send_reply = \"486 Busy Here\"\n}\n"
    "route \"msg\" {\n"
    "  method = {\"MESSAGE\"}\n"
    "  append_to_reply = {\"X-Time: $Ts\"}\n"
    "  t_newtran = true\n  send_reply = \"202 Accepted\"\n}\n"
    "route \"cancel\" {\n"
    "  method = {\"CANCEL\"}\n"
    "  sl_send_reply = \"481 Call/Transaction Does Not Exist\"\n}\n";

static unsigned wakes;

static void
count_wake(void *arg)
{
	(void)arg;
	wakes++;
}

static void
load_conf(const char *text, uint32_t tm_size)
{
	fixture_conf(text);
	fixture_start(0, tm_size);
	h.tm = shm.tm;
	h.sock = 0;
	h.tm_wake = count_wake;
	wakes = 0;
}

static void
setup(void)
{
	load_conf(TM_CONF, 64);
}

static void
teardown(void)
{
	fixture_free();
}

/* Handle text as a datagram from 192.0.2.7:port; the reply in outbuf. */
static bool
handle_from(const char *text, unsigned port)
{
	bool r;

	set_addr(&req.src, "192.0.2.7", port);
	set_addr(&req.local, "127.0.0.1", 5060);
	outbuf[0] = '\0';
	r = sls_handle(&h, &req, text, strlen(text), &out);
	if (r) {
		ck_assert_uint_lt(out.len, out.cap);
		outbuf[out.len] = '\0';
		sls_handle_sent(&h, &req, &out, true);
	}
	return r;
}

static bool
handle(const char *text)
{
	return handle_from(text, 5062);
}

/*
 * A request of call call-N: Via sent-by 192.0.2.7:via_port, branch,
 * optional To tag, CSeq 1 of cseq_method (the method when NULL).
 */
static const char *
request_full(const char *method, const char *ruri, const char *to_tag,
    const char *branch, unsigned via_port, int call, const char *extra)
{
	static char buf[8192];

	snprintf(buf, sizeof(buf),
	    "%s %s SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.7:%u;branch=%s;rport\r\n"
	    "From: <sip:alice@example.com>;tag=ft1\r\n"
	    "To: <%s>%s%s\r\n"
	    "Call-ID: call-%d@example.com\r\n"
	    "%s"
	    "CSeq: 1 %s\r\n"
	    "Content-Length: 0\r\n\r\n",
	    method, ruri, via_port, branch, ruri, to_tag ? ";tag=" : "",
	    to_tag ? to_tag : "", call, extra ? extra : "", method);
	return buf;
}

static const char *
request(const char *method, const char *ruri, const char *to_tag,
    const char *branch)
{
	return request_full(method, ruri, to_tag, branch, 5062, 1, NULL);
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

/* The n-th slot holding a transaction (in any state but free). */
static sls_tm_entry_t
entry(int n)
{
	sls_tm_entry_t e;
	uint32_t i;

	for (i = 0; i < shm.tm->size; i++)
		if (sls_tmtable_read(shm.tm, i, &e) &&
		    e.state != SLS_TM_FREE && n-- == 0)
			return e;
	ck_abort_msg("no transaction %d", n);
	return e;
}

/*
 * Transactions in state st. Where two share a window their slots are in
 * insertion order only until the window wraps past the table's end.
 */
static inline int
count_state(enum sls_tm_state st)
{
	sls_tm_entry_t e;
	uint32_t i;
	int n = 0;

	for (i = 0; i < shm.tm->size; i++)
		if (sls_tmtable_read(shm.tm, i, &e) && e.state == st)
			n++;
	return n;
}

static unsigned
port_of(const struct sockaddr_storage *a)
{
	return ntohs(((const struct sockaddr_in *)a)->sin_port);
}

#endif
