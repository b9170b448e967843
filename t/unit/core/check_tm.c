/*
 * Server transactions on the packet path (RFC 3261 §17.2.3 matching):
 * retransmissions answered byte for byte from the table without a route,
 * the ACK of a 3xx-6xx (same branch) and of a 2xx (new branch, the To tag
 * sent), the CANCEL of a live INVITE, and what stays stateless: routes
 * without t_newtran, sl_send_reply, bind_tm = false, a full table, a
 * reply too large for a slot. The timers are in check_tm_timer.c.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include "tm_fixture.h"
#include "core/tm.h"
#include "check_run.h"

START_TEST(retransmission_byte_exact)
{
	char first[2048];
	sls_tm_entry_t e;

	ck_assert(handle(request("INVITE", "sip:busy@example.com", NULL,
	    "z9hG4bKa1")));
	ck_assert_msg(strncmp(outbuf, "SIP/2.0 486 Busy Here\r\n", 23) == 0,
	    "%s", outbuf);
	ck_assert(!out.tm_resend);
	strcpy(first, outbuf);
	ck_assert_uint_eq(st(SLS_ST_TM_UAS), 1);
	ck_assert_uint_eq(st(SLS_ST_TM_RPL_SENT), 1);
	/* its transaction absorbs the ACK: no signature table entry */
	ck_assert_uint_eq(sls_sigtable_used(shm.sigtable, 0), 0);
	e = entry(0);
	ck_assert_int_eq(e.state, SLS_TM_COMPLETED);
	ck_assert(e.invite);
	ck_assert_uint_eq(e.code, 486);
	ck_assert_uint_eq(e.end_ms, e.created_ms + 64 * 500);
	/* the timer process was awake (wake_at 0): nobody woke it */
	ck_assert_uint_eq(wakes, 0);

	/* the retransmission, from another port (a NAT rebound): the
	   stored reply, to the stored destination, and no route runs */
	ck_assert(handle_from(request("INVITE", "sip:busy@example.com",
	    NULL, "z9hG4bKa1"), 6000));
	ck_assert(out.tm_resend);
	ck_assert_str_eq(outbuf, first);
	ck_assert_uint_eq(port_of(&out.dst), 5062);
	ck_assert_uint_eq(st(SLS_ST_TM_ABSORBED), 1);
	ck_assert_uint_eq(st(SLS_ST_TM_UAS), 1);
	/* a resend is not a new local reply */
	ck_assert_uint_eq(st(SLS_ST_SENT), 1);
	ck_assert_uint_eq(st(SLS_ST_RCV_REQUESTS), 2);
}
END_TEST

/* Another branch, another sent-by port, another method: new ones. */
START_TEST(key_is_branch_sentby_method)
{
	ck_assert(handle(request_full("INVITE", "sip:busy@example.com", NULL,
	    "z9hG4bKb1", 5062, 1, NULL)));
	ck_assert(handle(request_full("INVITE", "sip:busy@example.com", NULL,
	    "z9hG4bKb2", 5062, 1, NULL)));
	ck_assert(!out.tm_resend);
	ck_assert(handle(request_full("INVITE", "sip:busy@example.com", NULL,
	    "z9hG4bKb1", 5070, 1, NULL)));
	ck_assert(!out.tm_resend);
	/* the sent-by port 5060 written or left out is the same */
	ck_assert(handle(request_full("MESSAGE", "sip:m@example.com", NULL,
	    "z9hG4bKb3", 5060, 2, NULL)));
	ck_assert(!out.tm_resend);
	ck_assert_uint_eq(st(SLS_ST_TM_UAS), 4);
	ck_assert_uint_eq(st(SLS_ST_TM_ABSORBED), 0);
	ck_assert(handle(
	    "MESSAGE sip:m@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.7;branch=z9hG4bKb3;rport\r\n"
	    "From: <sip:alice@example.com>;tag=ft1\r\n"
	    "To: <sip:m@example.com>\r\n"
	    "Call-ID: call-2@example.com\r\n"
	    "CSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n"));
	ck_assert(out.tm_resend);
	ck_assert_uint_eq(st(SLS_ST_TM_ABSORBED), 1);
}
END_TEST

/* The ACK of a 486 has the INVITE's branch: Timer G stops, I starts. */
START_TEST(ack_of_486)
{
	char tag[128];
	sls_tm_entry_t e;
	uint64_t before;

	ck_assert(handle(request("INVITE", "sip:busy@example.com", NULL,
	    "z9hG4bKc1")));
	strcpy(tag, reply_to_tag());
	/* an ACK on another branch is no ACK of this transaction */
	ck_assert(!handle(request("ACK", "sip:busy@example.com", tag,
	    "z9hG4bKother")));
	ck_assert_int_eq(entry(0).state, SLS_TM_COMPLETED);
	before = st(SLS_ST_RCV_ACKS);

	ck_assert(!handle(request("ACK", "sip:busy@example.com", tag,
	    "z9hG4bKc1")));
	e = entry(0);
	ck_assert_int_eq(e.state, SLS_TM_CONFIRMED);
	ck_assert_uint_ge(e.end_ms, e.created_ms + 5000);
	ck_assert_uint_le(e.end_ms, e.created_ms + 5000 + 10000);
	ck_assert_uint_eq(st(SLS_ST_RCV_ACKS), before + 1);
	/* a retransmitted ACK, and the INVITE again: absorbed silently */
	ck_assert(!handle(request("ACK", "sip:busy@example.com", tag,
	    "z9hG4bKc1")));
	ck_assert_uint_eq(st(SLS_ST_RCV_ACKS), before + 2);
	ck_assert(!handle(request("INVITE", "sip:busy@example.com", NULL,
	    "z9hG4bKc1")));
	ck_assert_uint_eq(st(SLS_ST_TM_ABSORBED), 1);
	ck_assert_uint_eq(st(SLS_ST_SENT), 1);
}
END_TEST

/* The ACK of a 2xx has a new branch: Call-ID, From tag, CSeq, To tag. */
START_TEST(ack_of_2xx)
{
	char tag[128];

	ck_assert(handle(request("INVITE", "sip:ok@example.com", NULL,
	    "z9hG4bKd1")));
	ck_assert_msg(strncmp(outbuf, "SIP/2.0 200 OK\r\n", 16) == 0, "%s",
	    outbuf);
	strcpy(tag, reply_to_tag());
	/* another To tag: not ours (passes on to the ACK filter) */
	ck_assert(!handle(request("ACK", "sip:ok@example.com", "12345678",
	    "z9hG4bKd2")));
	ck_assert_int_eq(entry(0).state, SLS_TM_COMPLETED);
	ck_assert_uint_eq(st(SLS_ST_ACKS_PASSED), 1);
	ck_assert(!handle(request("ACK", "sip:ok@example.com", tag,
	    "z9hG4bKd3")));
	ck_assert_int_eq(entry(0).state, SLS_TM_CONFIRMED);
	ck_assert_uint_eq(st(SLS_ST_RCV_ACKS), 1);
	ck_assert_uint_eq(st(SLS_ST_ACKS_PASSED), 1);
}
END_TEST

/* CANCEL of a live INVITE: 200 OK at once, a transaction of its own. */
START_TEST(cancel_live_invite)
{
	char tag[128], first[2048];

	ck_assert(handle(request("INVITE", "sip:busy@example.com", NULL,
	    "z9hG4bKe1")));
	strcpy(tag, reply_to_tag());
	ck_assert(handle(request("CANCEL", "sip:busy@example.com", NULL,
	    "z9hG4bKe1")));
	ck_assert_msg(strncmp(outbuf, "SIP/2.0 200 OK\r\n", 16) == 0, "%s",
	    outbuf);
	ck_assert_ptr_nonnull(strstr(outbuf, "\r\nCSeq: 1 CANCEL\r\n"));
	/* RFC 3261 9.2: the same To tag as the INVITE's reply */
	ck_assert_str_eq(reply_to_tag(), tag);
	ck_assert(!out.tm_resend);
	strcpy(first, outbuf);
	ck_assert_uint_eq(st(SLS_ST_TM_UAS), 2);
	ck_assert_uint_eq(st(SLS_ST_200), 1);
	/* the INVITE is unchanged */
	ck_assert_int_eq(entry(0).state, SLS_TM_COMPLETED);
	ck_assert_int_eq(entry(1).state, SLS_TM_COMPLETED);
	/* the CANCEL again: the same 200 */
	ck_assert(handle(request("CANCEL", "sip:busy@example.com", NULL,
	    "z9hG4bKe1")));
	ck_assert(out.tm_resend);
	ck_assert_str_eq(outbuf, first);
	ck_assert_uint_eq(st(SLS_ST_TM_ABSORBED), 1);
	ck_assert_uint_eq(st(SLS_ST_200), 1);
	/* a CANCEL of nothing goes through the routes */
	ck_assert(handle(request("CANCEL", "sip:busy@example.com", NULL,
	    "z9hG4bKe9")));
	ck_assert_msg(strncmp(outbuf, "SIP/2.0 481 ", 12) == 0, "%s", outbuf);
	ck_assert_uint_eq(st(SLS_ST_TM_UAS), 2);
}
END_TEST

/* A MESSAGE resent gets the 202 it got, though $Ts has moved on. */
START_TEST(message_retransmission)
{
	char first[2048];

	ck_assert(handle(request("MESSAGE", "sip:m@example.com", NULL,
	    "z9hG4bKf1")));
	ck_assert_msg(strncmp(outbuf, "SIP/2.0 202 Accepted\r\n", 22) == 0,
	    "%s", outbuf);
	strcpy(first, outbuf);
	ck_assert(!entry(0).invite);
	ck_assert(handle(request("MESSAGE", "sip:m@example.com", NULL,
	    "z9hG4bKf1")));
	ck_assert_str_eq(outbuf, first);
	ck_assert(out.tm_resend);
	ck_assert_uint_eq(st(SLS_ST_202), 1);
	ck_assert_uint_eq(st(SLS_ST_TM_ABSORBED), 1);
}
END_TEST

/* A provisional reply kept: resent to retransmissions, nothing else. */
START_TEST(provisional)
{
	ck_assert(handle(request("INVITE", "sip:ring@example.com", NULL,
	    "z9hG4bKg1")));
	ck_assert_int_eq(entry(0).state, SLS_TM_PROCEEDING);
	ck_assert(handle(request("INVITE", "sip:ring@example.com", NULL,
	    "z9hG4bKg1")));
	ck_assert(out.tm_resend);
	ck_assert_msg(strncmp(outbuf, "SIP/2.0 180 Ringing\r\n", 21) == 0,
	    "%s", outbuf);
	/* no final reply was sent: an ACK is not this transaction's */
	ck_assert(!handle(request("ACK", "sip:ring@example.com", "x",
	    "z9hG4bKg1")));
	ck_assert_int_eq(entry(0).state, SLS_TM_PROCEEDING);
}
END_TEST

/* RFC 2543 branches (no magic cookie): the whole request identifies. */
START_TEST(rfc2543_matching)
{
	char tag[128], first[2048];

	ck_assert(handle(request("INVITE", "sip:busy@example.com", NULL,
	    "1234")));
	strcpy(first, outbuf);
	strcpy(tag, reply_to_tag());
	ck_assert(handle(request("INVITE", "sip:busy@example.com", NULL,
	    "1234")));
	ck_assert(out.tm_resend);
	ck_assert_str_eq(outbuf, first);
	ck_assert(handle(request("INVITE", "sip:busy@other.example.com",
	    NULL, "1234")));
	ck_assert(!out.tm_resend);
	ck_assert(!handle(request("ACK", "sip:busy@example.com", tag,
	    "1234")));
	/* the first INVITE's, not the other Request-URI's */
	ck_assert_int_eq(count_state(SLS_TM_CONFIRMED), 1);
	ck_assert_int_eq(count_state(SLS_TM_COMPLETED), 1);
}
END_TEST

/* Stateless: no t_newtran, sl_send_reply, an ACK, a failed request. */
START_TEST(stateless_routes)
{
	ck_assert(handle(request("INVITE", "sip:plain@example.com", NULL,
	    "z9hG4bKh1")));
	ck_assert(handle(request("INVITE", "sip:sl@example.com", NULL,
	    "z9hG4bKh2")));
	ck_assert(handle(request("INVITE", "sip:plain@example.com", NULL,
	    "z9hG4bKh1")));
	ck_assert(!out.tm_resend);
	ck_assert_uint_eq(st(SLS_ST_TM_UAS), 0);
	ck_assert_uint_eq(sls_tmtable_used(shm.tm, 0), 0);
	ck_assert_uint_eq(st(SLS_ST_SENT), 3);
	ck_assert_uint_eq(sls_sigtable_used(shm.sigtable, 0), 2);
	ck_assert(sls_tmtable_idle(shm.tm, 0));
}
END_TEST

START_TEST(bind_tm_off)
{
	char *text = strdup(TM_CONF);

	teardown();
	ck_assert_ptr_nonnull(text);
	memcpy(strstr(text, "ack_timeout = 60"), "bind_tm = false ", 16);
	load_conf(text, 64);
	free(text);
	ck_assert(!conf->sl.bind_tm);
	ck_assert(!sls_tm_wanted(conf));
	ck_assert(handle(request("INVITE", "sip:busy@example.com", NULL,
	    "z9hG4bKi1")));
	ck_assert(handle(request("INVITE", "sip:busy@example.com", NULL,
	    "z9hG4bKi1")));
	ck_assert(!out.tm_resend);
	ck_assert_uint_eq(st(SLS_ST_TM_UAS), 0);
	ck_assert_uint_eq(st(SLS_ST_SENT), 2);
}
END_TEST

/* A full table, a reply too large: stateless, counted, still sent. */
START_TEST(full_and_too_large)
{
	char big[1600], extra[1700], rb[32];
	int i;

	teardown();
	load_conf(TM_CONF, 16);
	ck_assert(sls_tm_wanted(conf));
	for (i = 0; i < 16; i++) {
		snprintf(rb, sizeof(rb), "z9hG4bKj%d", i);
		ck_assert(handle(request_full("INVITE", "sip:busy@example.com",
		    NULL, rb, 5062, 100 + i, NULL)));
	}
	ck_assert_uint_eq(st(SLS_ST_TM_UAS) + st(SLS_ST_TM_TABLE_FULL), 16);
	for (i = 16; st(SLS_ST_TM_TABLE_FULL) == 0 && i < 40; i++) {
		snprintf(rb, sizeof(rb), "z9hG4bKj%d", i);
		ck_assert(handle(request_full("INVITE", "sip:busy@example.com",
		    NULL, rb, 5062, 100 + i, NULL)));
		ck_assert_msg(strncmp(outbuf, "SIP/2.0 486 ", 12) == 0, "%s",
		    outbuf);
	}
	ck_assert_uint_ge(st(SLS_ST_TM_TABLE_FULL), 1);
	ck_assert_uint_le(st(SLS_ST_TM_UAS), 16);
	/* sent statelessly: the ACK filter knows its tag */
	ck_assert_uint_eq(sls_sigtable_used(shm.sigtable, 0),
	    st(SLS_ST_TM_TABLE_FULL));

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(extra, sizeof(extra), "X-Big: %s\r\n", big);
	ck_assert(handle(request_full("INVITE", "sip:big@example.com", NULL,
	    "z9hG4bKk1", 5062, 7, extra)));
	ck_assert_uint_gt(out.len, SLS_TM_REPLY_MAX);
	ck_assert_uint_eq(st(SLS_ST_TM_TOO_LARGE), 1);
	ck_assert_uint_eq(sls_sigtable_used(shm.sigtable, 0),
	    st(SLS_ST_TM_TABLE_FULL) + 1);
}
END_TEST

/* A new transaction wakes the timer only if it sleeps past T1. */
START_TEST(wakes_the_timer)
{
	ck_assert(sls_tmtable_sleep(shm.tm, UINT64_MAX));
	ck_assert(handle(request("INVITE", "sip:busy@example.com", NULL,
	    "z9hG4bKl1")));
	ck_assert_uint_eq(wakes, 1);
	ck_assert(handle(request_full("INVITE", "sip:busy@example.com", NULL,
	    "z9hG4bKl2", 5062, 2, NULL)));
	ck_assert_uint_eq(wakes, 1);	/* already woken */
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("tm");
	TCase *tc = tcase_create("match");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, retransmission_byte_exact);
	tcase_add_test(tc, key_is_branch_sentby_method);
	tcase_add_test(tc, ack_of_486);
	tcase_add_test(tc, ack_of_2xx);
	tcase_add_test(tc, cancel_live_invite);
	tcase_add_test(tc, message_retransmission);
	tcase_add_test(tc, provisional);
	tcase_add_test(tc, rfc2543_matching);
	tcase_add_test(tc, stateless_routes);
	tcase_add_test(tc, bind_tm_off);
	tcase_add_test(tc, full_and_too_large);
	tcase_add_test(tc, wakes_the_timer);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return sls_check_run(suite());
}
