/*
 * The transaction timers. See tm_timer.h.
 *
 * One heap entry per slot: the next thing that slot waits for, either a
 * retransmission or its end. When it fires, the slot is read again and
 * what happens depends on what it holds now, so an ACK needs no timer of
 * its own: it moves the slot to CONFIRMED with a new end and marks it
 * dirty, and the next run plans Timer I instead of Timer G. A slot that
 * holds a newer transaction than the one planned (a new version) is
 * planned afresh.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <stdlib.h>

#include "tm_timer.h"

#define NRETX_MAX	255	/* 64*T1 holds at most 63 when T2 = T1 */

static bool
retransmits(const sls_tm_entry_t *e)
{
	return e->state == SLS_TM_COMPLETED && e->invite && e->code >= 200;
}

uint64_t
sls_tm_retx_at(uint64_t created_ms, uint32_t t1, uint32_t t2, unsigned k)
{
	uint64_t at = created_ms, step;
	unsigned j;

	for (j = 0; j < k; j++) {
		step = j < 32 ? (uint64_t)t1 << j : t2;
		at += step < t2 ? step : t2;
	}
	return at;
}

static uint64_t
retx_at(const sls_tm_entry_t *e, unsigned k)
{
	return sls_tm_retx_at(e->created_ms, e->t1, e->t2, k);
}

/* ---- the heap --------------------------------------------------------- */

static void
swap_at(sls_tm_timer_t *tt, uint32_t i, uint32_t j)
{
	uint32_t a = tt->heap[i], b = tt->heap[j];

	tt->heap[i] = b;
	tt->heap[j] = a;
	tt->pos[b] = i + 1;
	tt->pos[a] = j + 1;
}

static void
sift_up(sls_tm_timer_t *tt, uint32_t i)
{
	uint32_t p;

	while (i > 0) {
		p = (i - 1) / 2;
		if (tt->due[tt->heap[i]] >= tt->due[tt->heap[p]])
			break;
		swap_at(tt, i, p);
		i = p;
	}
}

static void
sift_down(sls_tm_timer_t *tt, uint32_t i)
{
	uint32_t l, r, m;

	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		m = i;
		if (l < tt->n && tt->due[tt->heap[l]] < tt->due[tt->heap[m]])
			m = l;
		if (r < tt->n && tt->due[tt->heap[r]] < tt->due[tt->heap[m]])
			m = r;
		if (m == i)
			break;
		swap_at(tt, i, m);
		i = m;
	}
}

static void
set_due(sls_tm_timer_t *tt, uint32_t slot, uint64_t due)
{
	uint64_t old = tt->due[slot];

	tt->due[slot] = due;
	if (tt->pos[slot] == 0) {
		tt->heap[tt->n] = slot;
		tt->pos[slot] = ++tt->n;
		sift_up(tt, tt->n - 1);
	} else if (due < old) {
		sift_up(tt, tt->pos[slot] - 1);
	} else {
		sift_down(tt, tt->pos[slot] - 1);
	}
}

static void
unschedule(sls_tm_timer_t *tt, uint32_t slot)
{
	uint32_t i, last;

	if (tt->pos[slot] == 0)
		return;
	i = tt->pos[slot] - 1;
	tt->pos[slot] = 0;
	last = tt->heap[--tt->n];
	if (i == tt->n)
		return;
	tt->heap[i] = last;
	tt->pos[last] = i + 1;
	sift_up(tt, i);
	sift_down(tt, tt->pos[last] - 1);
}

/* ---- planning and firing ---------------------------------------------- */

/* Plan what e waits for next; fresh: a transaction not planned before. */
static void
plan(sls_tm_timer_t *tt, const sls_tm_entry_t *e, uint64_t now, bool fresh)
{
	uint32_t i = e->idx;
	uint64_t next, r;

	if (e->state == SLS_TM_FREE || e->state == SLS_TM_TERMINATED) {
		unschedule(tt, i);
		return;
	}
	if (fresh) {
		/* Respawned: what was due while nobody ran is not sent. */
		tt->ver[i] = e->ver;
		tt->nretx[i] = 0;
		while (retransmits(e) && tt->nretx[i] < NRETX_MAX &&
		    retx_at(e, tt->nretx[i] + 1u) <= now)
			tt->nretx[i]++;
	}
	next = e->end_ms;
	if (retransmits(e) && tt->nretx[i] < NRETX_MAX &&
	    (r = retx_at(e, tt->nretx[i] + 1u)) < next)
		next = r;
	set_due(tt, i, next);
}

/* Read slot i again and plan it; unscheduled when it cannot be read. */
static void
replan(sls_tm_timer_t *tt, uint32_t i, uint64_t now)
{
	sls_tm_entry_t e;

	if (!sls_tmtable_read(tt->t, i, &e)) {
		/* Being written (it will be dirty again), or its writer
		   died (the supervisor frees it). */
		unschedule(tt, i);
		return;
	}
	plan(tt, &e, now, tt->pos[i] == 0 || e.ver != tt->ver[i]);
}

/* Timer H, L, I or J: the end of e. */
static void
finish(sls_tm_timer_t *tt, const sls_tm_entry_t *e, uint64_t now)
{
	if (!sls_tmtable_end(tt->t, e)) {
		/* An ACK moved it on meanwhile, or the slot was reused. */
		replan(tt, e->idx, now);
		return;
	}
	if (retransmits(e))
		sls_stat_inc(tt->stats, SLS_ST_TM_TIMEOUTS);
	unschedule(tt, e->idx);
}

static void
retransmit(sls_tm_timer_t *tt, const sls_tm_entry_t *e, uint64_t now)
{
	char dst[SLS_TM_ADDR_MAX], local[SLS_TM_ADDR_MAX];
	uint32_t i = e->idx;
	ssize_t n;

	n = sls_tmtable_copy(tt->t, e, tt->buf, SLS_TM_REPLY_MAX, dst, local);
	if (n < 0)
		return;		/* the slot moved on: fire() replans */
	tt->send(tt->arg, e->sock, dst, e->dstlen, local, e->locallen,
	    tt->buf, (size_t)n);
	sls_stat_inc(tt->stats, SLS_ST_TM_RETRANS);
	/* One resend for a late timer, never a burst. */
	do
		tt->nretx[i]++;
	while (tt->nretx[i] < NRETX_MAX && retx_at(e, tt->nretx[i] + 1u) <=
	    now);
}

static void
fire(sls_tm_timer_t *tt, uint32_t i, uint64_t now)
{
	sls_tm_entry_t e;

	if (!sls_tmtable_read(tt->t, i, &e)) {
		set_due(tt, i, now + 1);	/* busy: look again soon */
		return;
	}
	if (e.ver != tt->ver[i]) {
		plan(tt, &e, now, true);
		return;
	}
	if (e.state == SLS_TM_FREE || e.state == SLS_TM_TERMINATED) {
		unschedule(tt, i);
		return;
	}
	if (now >= e.end_ms) {
		finish(tt, &e, now);
		return;
	}
	if (retransmits(&e) && tt->nretx[i] < NRETX_MAX &&
	    retx_at(&e, tt->nretx[i] + 1u) <= now)
		retransmit(tt, &e, now);
	replan(tt, i, now);
}

/* The slots marked dirty since the last look. */
static void
take_dirty(sls_tm_timer_t *tt, uint64_t now)
{
	uint32_t w, nw = sls_tmtable_dirty_words(tt->t);
	uint64_t bits;

	for (w = 0; w < nw; w++) {
		bits = sls_tmtable_take_dirty(tt->t, w);
		while (bits != 0) {
			replan(tt, w * 64 + (uint32_t)__builtin_ctzll(bits),
			    now);
			bits &= bits - 1;
		}
	}
}

uint64_t
sls_tm_timer_run(sls_tm_timer_t *tt, uint64_t now_ms)
{
	uint64_t budget = 4 * (uint64_t)tt->t->size + 16;

	take_dirty(tt, now_ms);
	while (tt->n > 0 && tt->due[tt->heap[0]] <= now_ms && budget-- > 0)
		fire(tt, tt->heap[0], now_ms);
	return tt->n > 0 ? tt->due[tt->heap[0]] : UINT64_MAX;
}

int
sls_tm_timer_init(sls_tm_timer_t *tt, sls_tmtable_t *t,
    sls_stats_slot_t *stats, sls_tm_send_fn send, void *arg,
    uint64_t now_ms)
{
	uint32_t i, size = t->size;
	sls_tm_entry_t e;

	tt->t = t;
	tt->stats = stats;
	tt->send = send;
	tt->arg = arg;
	tt->n = 0;
	tt->heap = calloc(size, sizeof(*tt->heap));
	tt->pos = calloc(size, sizeof(*tt->pos));
	tt->due = calloc(size, sizeof(*tt->due));
	tt->ver = calloc(size, sizeof(*tt->ver));
	tt->nretx = calloc(size, sizeof(*tt->nretx));
	tt->buf = malloc(SLS_TM_REPLY_MAX);
	if (tt->heap == NULL || tt->pos == NULL || tt->due == NULL ||
	    tt->ver == NULL || tt->nretx == NULL || tt->buf == NULL) {
		sls_tm_timer_free(tt);
		return -1;
	}
	/* Everything is looked at: the marks so far mean nothing more. */
	for (i = 0; i < sls_tmtable_dirty_words(t); i++)
		(void)sls_tmtable_take_dirty(t, i);
	for (i = 0; i < size; i++)
		if (sls_tmtable_read(t, i, &e))
			plan(tt, &e, now_ms, true);
	return 0;
}

void
sls_tm_timer_free(sls_tm_timer_t *tt)
{
	free(tt->heap);
	free(tt->pos);
	free(tt->due);
	free(tt->ver);
	free(tt->nretx);
	free(tt->buf);
	tt->heap = tt->pos = tt->ver = NULL;
	tt->due = NULL;
	tt->nretx = NULL;
	tt->buf = NULL;
	tt->n = 0;
}

const char *
sls_tm_next_timer(const sls_tm_entry_t *e, uint64_t now_ms, uint64_t *at_ms,
    unsigned *sent)
{
	unsigned k = 0;
	uint64_t r;

	*sent = 0;
	*at_ms = e->end_ms;
	if (retransmits(e)) {
		while (k < NRETX_MAX && (r = retx_at(e, k + 1)) <= now_ms &&
		    r < e->end_ms)
			k++;
		*sent = k;
		r = retx_at(e, k + 1);
		if (r < e->end_ms) {
			*at_ms = r;
			return "G";
		}
		return e->code < 300 ? "L" : "H";
	}
	if (e->state == SLS_TM_CONFIRMED)
		return "I";
	if (e->state == SLS_TM_PROCEEDING)
		return "end";
	return "J";
}
