/*
 * The transaction timers on a fake clock: Timer G doubles from T1 and is
 * capped at T2, H ends it at 64*T1 (a timeout), the 2xx is resent the
 * same way until its ACK, I ends a transaction T4 after the ACK, J ends
 * a non-INVITE at 64*T1 without a resend, and a timer process that
 * starts late (a respawn) plans from the table without a burst.
 * Transactions are made by the packet path; the clock starts at their
 * creation time.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include "tm_fixture.h"
#include "core/tm_timer.h"
#include "check_run.h"

#define MAXSENT	64

static sls_tm_timer_t tt;
static uint64_t now, t0;
static struct {
	uint64_t at;
	unsigned sock;
	size_t len;
	unsigned port;
	char first[32];
} sent[MAXSENT];
static unsigned nsent;
static char last[2048];

static void
record(void *arg, unsigned sock, const void *dst, size_t dstlen,
    const void *local, size_t locallen, const void *buf, size_t len)
{
	struct sockaddr_storage d;

	(void)arg;
	(void)local;
	ck_assert_uint_lt(nsent, MAXSENT);
	ck_assert_uint_le(dstlen, sizeof(d));
	ck_assert_uint_eq(locallen, sizeof(struct sockaddr_in));
	memset(&d, 0, sizeof(d));
	memcpy(&d, dst, dstlen);
	sent[nsent].at = now - t0;
	sent[nsent].sock = sock;
	sent[nsent].len = len;
	sent[nsent].port = port_of(&d);
	memcpy(sent[nsent].first, buf, sizeof(sent[0].first) - 1);
	ck_assert_uint_lt(len, sizeof(last));
	memcpy(last, buf, len);
	last[len] = '\0';
	nsent++;
}

/* Start the timer at the creation of the one transaction. */
static void
start_timer(void)
{
	t0 = entry(0).created_ms;
	now = t0;
	nsent = 0;
	ck_assert_int_eq(sls_tm_timer_init(&tt, shm.tm, &shm.stats[1],
	    record, NULL, now), 0);
}

/* Run the timer at t0 + ms; what it says is next, relative to t0. */
static uint64_t
run_at(uint64_t ms)
{
	uint64_t next;

	now = t0 + ms;
	next = sls_tm_timer_run(&tt, now);
	return next == UINT64_MAX ? UINT64_MAX : next - t0;
}

static void
timer_teardown(void)
{
	sls_tm_timer_free(&tt);
	teardown();
}

START_TEST(retx_schedule)
{
	/* T1 500, T2 4000: 500 1000 2000 4000 4000 ... after the send */
	ck_assert_uint_eq(sls_tm_retx_at(0, 500, 4000, 1), 500);
	ck_assert_uint_eq(sls_tm_retx_at(0, 500, 4000, 2), 1500);
	ck_assert_uint_eq(sls_tm_retx_at(0, 500, 4000, 3), 3500);
	ck_assert_uint_eq(sls_tm_retx_at(0, 500, 4000, 4), 7500);
	ck_assert_uint_eq(sls_tm_retx_at(0, 500, 4000, 5), 11500);
	ck_assert_uint_eq(sls_tm_retx_at(7, 100, 4000, 6), 7 + 6300);
	ck_assert_uint_eq(sls_tm_retx_at(0, 100, 100, 63), 6300);
	ck_assert_uint_eq(sls_tm_retx_at(0, 500, 4000, 0), 0);
}
END_TEST

/* 486 without ACK: G at 500 1500 3500 7500 ... 31500, H at 32000. */
START_TEST(timer_g_and_h)
{
	static const uint64_t want[] = { 500, 1500, 3500, 7500, 11500, 15500,
	    19500, 23500, 27500, 31500 };
	char reply[2048];
	uint64_t next, ms;
	unsigned i;

	ck_assert(handle(request("INVITE", "sip:busy@example.com", NULL,
	    "z9hG4bKm1")));
	strcpy(reply, outbuf);
	start_timer();
	ck_assert_uint_eq(run_at(0), 500);
	ck_assert_uint_eq(run_at(499), 500);
	ck_assert_uint_eq(nsent, 0);
	/* every millisecond: each fires when due, not before, not twice */
	for (ms = 500, next = 500; ms < 32000; ms++) {
		if (ms < next)
			continue;
		next = run_at(ms);
		ck_assert_uint_gt(next, ms);
	}
	ck_assert_uint_eq(next, 32000);
	ck_assert_uint_eq(nsent, 10);
	for (i = 0; i < 10; i++) {
		ck_assert_uint_eq(sent[i].at, want[i]);
		ck_assert_uint_eq(sent[i].port, 5062);
		ck_assert_uint_eq(sent[i].sock, 0);
		if (i > 0)
			ck_assert_uint_le(sent[i].at - sent[i - 1].at, 4000);
	}
	/* byte for byte the reply sent first */
	ck_assert_str_eq(last, reply);
	ck_assert_uint_eq(st(SLS_ST_TM_RETRANS), 10);
	ck_assert_uint_eq(st(SLS_ST_TM_TIMEOUTS), 0);
	ck_assert_uint_eq(run_at(31999), 32000);
	ck_assert_uint_eq(run_at(32000), UINT64_MAX);
	ck_assert_uint_eq(st(SLS_ST_TM_TIMEOUTS), 1);
	ck_assert_uint_eq(sls_tmtable_used(shm.tm, t0), 0);
	ck_assert_int_eq(entry(0).state, SLS_TM_TERMINATED);
	ck_assert_uint_eq(nsent, 10);
}
END_TEST

/* The ACK stops G; I ends the transaction T4 after it. */
START_TEST(timer_i_after_ack)
{
	char tag[128];
	sls_tm_entry_t e;
	uint64_t end;

	ck_assert(handle(request("INVITE", "sip:busy@example.com", NULL,
	    "z9hG4bKn1")));
	strcpy(tag, reply_to_tag());
	start_timer();
	ck_assert_uint_eq(run_at(500), 1500);
	ck_assert_uint_eq(nsent, 1);
	ck_assert(!handle(request("ACK", "sip:busy@example.com", tag,
	    "z9hG4bKn1")));
	e = entry(0);
	ck_assert_int_eq(e.state, SLS_TM_CONFIRMED);
	end = e.end_ms - t0;
	ck_assert_uint_ge(end, 5000);
	/* the ACK marked the slot: the next run plans I, not G */
	ck_assert_uint_eq(run_at(600), end);
	ck_assert_uint_eq(run_at(1500), end);
	ck_assert_uint_eq(nsent, 1);
	ck_assert_uint_eq(run_at(end - 1), end);
	ck_assert_int_eq(entry(0).state, SLS_TM_CONFIRMED);
	ck_assert_uint_eq(run_at(end), UINT64_MAX);
	ck_assert_int_eq(entry(0).state, SLS_TM_TERMINATED);
	ck_assert_uint_eq(st(SLS_ST_TM_TIMEOUTS), 0);
	ck_assert_uint_eq(st(SLS_ST_TM_RETRANS), 1);
}
END_TEST

/* 2xx: resent like G until the ACK on its own branch. */
START_TEST(timer_2xx_until_ack)
{
	char tag[128];

	ck_assert(handle(request("INVITE", "sip:ok@example.com", NULL,
	    "z9hG4bKo1")));
	strcpy(tag, reply_to_tag());
	start_timer();
	ck_assert_uint_eq(run_at(500), 1500);
	ck_assert_uint_eq(run_at(1500), 3500);
	ck_assert_uint_eq(nsent, 2);
	ck_assert_msg(strncmp(sent[1].first, "SIP/2.0 200 OK", 14) == 0,
	    "%s", sent[1].first);
	ck_assert(!handle(request("ACK", "sip:ok@example.com", tag,
	    "z9hG4bKo2")));
	ck_assert_uint_ge(run_at(3500), 5000);
	ck_assert_uint_eq(nsent, 2);
	ck_assert_uint_eq(st(SLS_ST_TM_RETRANS), 2);
}
END_TEST

/* 2xx without ACK: until 64*T1 (L), then a timeout. */
START_TEST(timer_2xx_limit)
{
	uint64_t next = 0;
	int guard;

	ck_assert(handle(request("INVITE", "sip:ok@example.com", NULL,
	    "z9hG4bKp1")));
	start_timer();
	for (guard = 0; next != UINT64_MAX && guard < 100; guard++)
		next = run_at(next);
	ck_assert_uint_eq(nsent, 10);
	ck_assert_uint_eq(sent[9].at, 31500);
	ck_assert_uint_eq(st(SLS_ST_TM_TIMEOUTS), 1);
	ck_assert_int_eq(entry(0).state, SLS_TM_TERMINATED);
}
END_TEST

/* J: a MESSAGE is never resent unprompted and ends at 64*T1. */
START_TEST(timer_j)
{
	ck_assert(handle(request("MESSAGE", "sip:m@example.com", NULL,
	    "z9hG4bKq1")));
	start_timer();
	ck_assert_uint_eq(run_at(0), 32000);
	ck_assert_uint_eq(run_at(31999), 32000);
	ck_assert_uint_eq(run_at(32000), UINT64_MAX);
	ck_assert_uint_eq(nsent, 0);
	ck_assert_uint_eq(st(SLS_ST_TM_TIMEOUTS), 0);
	ck_assert_int_eq(entry(0).state, SLS_TM_TERMINATED);
	/* a retransmission after its end is a new request */
	(void)handle(request("MESSAGE", "sip:m@example.com", NULL,
	    "z9hG4bKq1"));
	ck_assert(!out.tm_resend);
}
END_TEST

/* A provisional is kept until 64*T1, never resent unprompted. */
START_TEST(timer_provisional)
{
	ck_assert(handle(request("INVITE", "sip:ring@example.com", NULL,
	    "z9hG4bKr1")));
	start_timer();
	ck_assert_uint_eq(run_at(0), 32000);
	ck_assert_uint_eq(run_at(32000), UINT64_MAX);
	ck_assert_uint_eq(nsent, 0);
	ck_assert_uint_eq(st(SLS_ST_TM_TIMEOUTS), 0);
}
END_TEST

/*
 * A respawned timer process (a new schedule at 5000) plans the next
 * resend at 7500: what was due meanwhile is not sent in a burst; a
 * timer that runs late sends once and goes on with the schedule.
 */
START_TEST(timer_respawn_and_late)
{
	ck_assert(handle(request("INVITE", "sip:busy@example.com", NULL,
	    "z9hG4bKs1")));
	start_timer();
	ck_assert_uint_eq(run_at(500), 1500);
	sls_tm_timer_free(&tt);
	ck_assert_int_eq(sls_tm_timer_init(&tt, shm.tm, &shm.stats[1],
	    record, NULL, t0 + 5000), 0);
	ck_assert_uint_eq(tt.n, 1);
	ck_assert_uint_eq(run_at(5000), 7500);
	ck_assert_uint_eq(nsent, 1);
	/* late by more than one interval: one resend, then on schedule */
	ck_assert_uint_eq(run_at(12000), 15500);
	ck_assert_uint_eq(nsent, 2);
	ck_assert_uint_eq(sent[1].at, 12000);
}
END_TEST

/* Nothing live: nothing scheduled, the process may sleep for good. */
START_TEST(timer_idle)
{
	t0 = 1000;
	ck_assert_int_eq(sls_tm_timer_init(&tt, shm.tm, &shm.stats[1],
	    record, NULL, t0), 0);
	ck_assert_uint_eq(run_at(0), UINT64_MAX);
	ck_assert_uint_eq(tt.n, 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("tm_timer");
	TCase *tc = tcase_create("timers");

	tcase_add_checked_fixture(tc, setup, timer_teardown);
	tcase_add_test(tc, retx_schedule);
	tcase_add_test(tc, timer_g_and_h);
	tcase_add_test(tc, timer_i_after_ack);
	tcase_add_test(tc, timer_2xx_until_ack);
	tcase_add_test(tc, timer_2xx_limit);
	tcase_add_test(tc, timer_j);
	tcase_add_test(tc, timer_provisional);
	tcase_add_test(tc, timer_respawn_and_late);
	tcase_add_test(tc, timer_idle);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return sls_check_run(suite());
}
