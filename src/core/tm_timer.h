/*
 * The timers of the server transactions (RFC 3261 §17.2.1, §17.2.2,
 * §13.3.1.4), run by one process, the timer process, on a clock it is
 * given (so the tests drive it with a fake one):
 *
 *   INVITE, 3xx-6xx   G: resend at T1, 2T1, 4T1 ... capped at T2, until
 *                     the ACK; H: end at 64*T1 without it (a timeout)
 *   INVITE, 2xx       the same until the ACK; L: end at 64*T1 without it
 *   INVITE, ACKed     I: end T4 after the ACK
 *   other methods     J: end at 64*T1; never resent unprompted
 *   provisional only  end at 64*T1; never resent unprompted
 *
 * The schedule lives in this process's memory (an indexed heap, one
 * entry per slot) and is rebuilt from the table when the process
 * starts, so it survives a respawn; the table only says what each slot
 * holds and which slots changed (its dirty bits).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_TM_TIMER_H
#define SLS_TM_TIMER_H

#include <stddef.h>
#include <stdint.h>

#include "shm/stats.h"
#include "shm/tmtable.h"

/* Send buf to dst from listen sock (local: the address it came in on). */
typedef void (*sls_tm_send_fn)(void *arg, unsigned sock, const void *dst,
    size_t dstlen, const void *local, size_t locallen, const void *buf,
    size_t len);

typedef struct sls_tm_timer {
	sls_tmtable_t *t;
	sls_stats_slot_t *stats;
	sls_tm_send_fn send;
	void *arg;
	/* the heap: slot numbers ordered by due[]; pos[] is 1 + the place
	   of a slot in it, 0 when not scheduled */
	uint32_t n;
	uint32_t *heap, *pos;
	uint64_t *due;
	uint32_t *ver;		/* version of the slot as scheduled */
	uint8_t *nretx;		/* its retransmissions so far */
	char *buf;		/* SLS_TM_REPLY_MAX */
} sls_tm_timer_t;

/* Allocate and schedule every live transaction of t; 0 or -1 (memory). */
int sls_tm_timer_init(sls_tm_timer_t *tt, sls_tmtable_t *t,
    sls_stats_slot_t *stats, sls_tm_send_fn send, void *arg,
    uint64_t now_ms);
void sls_tm_timer_free(sls_tm_timer_t *tt);

/*
 * Take the slots that changed, fire every timer due at now_ms; returns
 * when the next one is due (UINT64_MAX: none).
 */
uint64_t sls_tm_timer_run(sls_tm_timer_t *tt, uint64_t now_ms);

/* When the k-th retransmission (k >= 1) of a reply first sent at
   created is due: created + T1 + 2T1 + ... each step capped at T2. */
uint64_t sls_tm_retx_at(uint64_t created_ms, uint32_t t1, uint32_t t2,
    unsigned k);

/*
 * What e waits for at now_ms, for the admin command: the timer's name
 * ("G", "H", "L", "I", "J", "end"), when it fires, and how many
 * retransmissions the schedule has made by now.
 */
const char *sls_tm_next_timer(const sls_tm_entry_t *e, uint64_t now_ms,
    uint64_t *at_ms, unsigned *sent);

#endif
