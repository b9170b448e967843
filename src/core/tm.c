/*
 * Server transactions on the packet path. See tm.h; the table is
 * shm/tmtable.c, the timers tm_timer.c.
 *
 * Keys. kpos, where a transaction lives in the table, is the signature
 * table's key of (Call-ID, From tag, CSeq number): shared by a request,
 * its retransmissions, its ACK on any branch and its CANCEL. kbr is the
 * RFC 3261 §17.2.3 key: the top Via branch, its sent-by (port 5060 when
 * absent) and the method, INVITE standing for ACK too; for a branch
 * without the magic cookie z9hG4bK (RFC 2543), the Request-URI, Call-ID,
 * From tag, CSeq number and the whole top Via instead of branch and
 * sent-by. Both are SipHash-2-4 under the supervisor's table key.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <string.h>

#include "ackfilter.h"
#include "events.h"
#include "local_reply.h"
#include "tag.h"
#include "tm.h"

#define MAGIC_COOKIE	"z9hG4bK"

uint64_t
sls_tm_branch_key(const sls_tagkey_t *k, const sls_msg_t *msg,
    sls_str_t method)
{
	const sls_via_t *v = &msg->via;
	sls_siphash_t st;
	uint64_t h;

	sls_siphash_init(&st, k->key);
	if (v->branch.len > strlen(MAGIC_COOKIE) &&
	    memcmp(v->branch.s, MAGIC_COOKIE, strlen(MAGIC_COOKIE)) == 0) {
		sls_siphash_update(&st, "B", 1);
		sls_siphash_field(&st, v->branch);
		sls_siphash_field(&st, v->host);
		sls_siphash_u32(&st, v->port_num != 0 ? v->port_num : 5060);
	} else {
		sls_siphash_update(&st, "R", 1);
		sls_siphash_field(&st, msg->ruri);
		sls_siphash_field(&st, msg->callid);
		sls_siphash_field(&st, msg->from.tag);
		sls_siphash_u32(&st, msg->cseq_num);
		sls_siphash_field(&st, v->whole);
	}
	sls_siphash_field(&st, method);
	h = sls_siphash_final(&st);
	return h != 0 ? h : 1;
}

/* The method a request's transaction is keyed with: ACK is INVITE's. */
static sls_str_t
method_class(const sls_msg_t *msg)
{
	if (msg->method_id == SLS_M_INVITE || msg->method_id == SLS_M_ACK)
		return sls_str_c("INVITE");
	return msg->method;
}

/* out becomes the stored reply of e; false when the slot moved on. */
static bool
resend(const sls_handler_t *h, const sls_tm_entry_t *e, sls_out_t *out)
{
	char dst[SLS_TM_ADDR_MAX];
	ssize_t n;

	n = sls_tmtable_copy(h->tm, e, out->buf, out->cap, dst, NULL);
	if (n < 0 || e->dstlen > sizeof(out->dst))
		return false;
	out->len = (size_t)n;
	memset(&out->dst, 0, sizeof(out->dst));
	memcpy(&out->dst, dst, e->dstlen);
	out->dstlen = e->dstlen;
	out->code = e->code;
	out->is_err = false;
	out->tm_resend = true;
	return true;
}

/* A retransmitted request: its stored reply again, or nothing (ACKed). */
static enum sls_tm_verdict
retransmission(const sls_handler_t *h, sls_req_t *req,
    const sls_tm_entry_t *e, int n, uint64_t kbr, sls_out_t *out)
{
	int i;

	(void)req;
	for (i = 0; i < n; i++) {
		if (e[i].kbr != kbr)
			continue;
		if (e[i].state == SLS_TM_CONFIRMED) {
			/* RFC 3261 17.2.1: Confirmed only absorbs. */
			sls_stat_inc(h->stats, SLS_ST_TM_ABSORBED);
			return SLS_TM_DONE;
		}
		if (!resend(h, &e[i], out))
			return SLS_TM_PASS;
		sls_stat_inc(h->stats, SLS_ST_TM_ABSORBED);
		return SLS_TM_REPLY;
	}
	return SLS_TM_PASS;
}

/* Tell the timer process about a change due at due_ms. */
static void
notify(const sls_handler_t *h, uint32_t idx, uint64_t due_ms)
{
	if (sls_tmtable_notify(h->tm, idx, due_ms) && h->tm_wake != NULL)
		h->tm_wake(h->tm_wake_arg);
}

/*
 * An ACK: of a 3xx-6xx reply when it has the INVITE's branch (stops
 * Timer G, starts Timer I), of a 2xx when its To tag is the one sent
 * (stops the 2xx retransmissions), or a retransmission of either.
 */
static enum sls_tm_verdict
ack(const sls_handler_t *h, sls_req_t *req, const sls_tm_entry_t *e, int n,
    uint64_t now)
{
	const sls_msg_t *msg = &req->msg;
	uint64_t kbr = sls_tm_branch_key(h->tablekey, msg,
	    sls_str_c("INVITE"));
	uint64_t tag = msg->to.has_tag ?
	    sls_tag_hash(h->tablekey, msg->to.tag) : 0;
	uint64_t end = now + h->conf->tm.t4;
	bool same, ok2xx;
	int i;

	for (i = 0; i < n; i++) {
		if (!e[i].invite || e[i].state == SLS_TM_PROCEEDING)
			continue;
		same = e[i].kbr == kbr;
		ok2xx = e[i].code < 300 && tag != 0 && tag == e[i].tag_hash;
		if (!same && !ok2xx)
			continue;
		/* Lost only to another copy of this ACK: absorbed all the
		   same. */
		if (e[i].state == SLS_TM_COMPLETED &&
		    sls_tmtable_set(h->tm, &e[i], SLS_TM_CONFIRMED, end))
			notify(h, e[i].idx, end);
		sls_stat_inc(h->stats, SLS_ST_RCV_ACKS);
		sls_event_filtered_ack(h->conf, req);
		return SLS_TM_DONE;
	}
	return SLS_TM_PASS;
}

/*
 * A CANCEL: its own retransmission gets the stored 200 again; the CANCEL
 * of a live INVITE transaction is answered 200 OK now, and that answer
 * is a transaction of its own (RFC 3261 §9.2). The INVITE is unchanged.
 */
static enum sls_tm_verdict
cancel(const sls_handler_t *h, sls_req_t *req, const sls_tm_entry_t *e,
    int n, sls_out_t *out)
{
	const sls_msg_t *msg = &req->msg;
	uint64_t kinv;
	enum sls_tm_verdict v;
	int i;

	v = retransmission(h, req, e, n,
	    sls_tm_branch_key(h->tablekey, msg, msg->method), out);
	if (v != SLS_TM_PASS)
		return v;
	kinv = sls_tm_branch_key(h->tablekey, msg, sls_str_c("INVITE"));
	for (i = 0; i < n; i++)
		if (e[i].invite && e[i].kbr == kinv)
			break;
	if (i == n)
		return SLS_TM_PASS;
	if (!sls_sl_reply(h, req, 200, sls_str_c("OK"), false, out))
		return SLS_TM_DONE;
	sls_tm_store(h, req, out);
	return SLS_TM_REPLY;
}

enum sls_tm_verdict
sls_tm_match(const sls_handler_t *h, sls_req_t *req, sls_out_t *out)
{
	const sls_msg_t *msg = &req->msg;
	sls_tm_entry_t e[SLS_TM_WINDOW];
	uint64_t now;
	int n;

	if (h->tm == NULL || msg->err != SLS_E_NONE || !msg->addressable)
		return SLS_TM_PASS;
	now = req->now_ms;
	if (sls_tmtable_idle(h->tm, now))
		return SLS_TM_PASS;
	n = sls_tmtable_find(h->tm, sls_req_key(h, req, out), now, e,
	    SLS_TM_WINDOW);
	if (n == 0) {
		/* A new request: its insert, if any, comes after the route. */
		if (msg->method_id != SLS_M_ACK)
			sls_tmtable_prefetch(h->tm, out->key);
		return SLS_TM_PASS;
	}
	switch (msg->method_id) {
	case SLS_M_ACK:
		return ack(h, req, e, n, now);
	case SLS_M_CANCEL:
		return cancel(h, req, e, n, out);
	default:
		return retransmission(h, req, e, n, sls_tm_branch_key(
		    h->tablekey, msg, method_class(msg)), out);
	}
}

static size_t
addr_len(const struct sockaddr_storage *a)
{
	switch (a->ss_family) {
	case AF_INET:
		return sizeof(struct sockaddr_in);
	case AF_INET6:
		return sizeof(struct sockaddr_in6);
	default:
		return 0;
	}
}

/* The transaction that out, the reply to req, starts. */
static void
describe(const sls_handler_t *h, const sls_req_t *req, sls_out_t *out,
    uint64_t now, sls_tm_new_t *n)
{
	const sls_msg_t *msg = &req->msg;
	const sls_conf_t *c = h->conf;

	memset(n, 0, sizeof(*n));
	n->kpos = sls_req_key(h, req, out);
	n->kbr = sls_tm_branch_key(h->tablekey, msg, method_class(msg));
	n->tag_hash = out->tm_tag_hash;	/* for the ACK of a 2xx */
	n->created_ms = now;
	/* H, the 2xx limit, J; a bound for a provisional that stays */
	n->end_ms = now + 64 * (uint64_t)c->tm.t1;
	n->t1 = c->tm.t1;
	n->t2 = c->tm.t2;
	n->state = out->code >= 200 ? SLS_TM_COMPLETED : SLS_TM_PROCEEDING;
	n->code = (uint16_t)out->code;
	n->sock = (uint16_t)h->sock;
	n->invite = msg->method_id == SLS_M_INVITE;
	n->method = (uint8_t)msg->method_id;
	n->reply = out->buf;
	n->len = out->len;
	n->dst = &out->dst;
	n->dstlen = out->dstlen;
	n->local = &req->local;
	n->locallen = addr_len(&req->local);
}

/* The reply goes out statelessly: the ACK filter must know its tag. */
static void
stateless(const sls_handler_t *h, sls_req_t *req, sls_out_t *out)
{
	if (out->tm_keep && out->tm_tag_hash != 0)
		sls_ack_remember_hash(h, req, out, out->tm_tag_hash);
}

void
sls_tm_store(const sls_handler_t *h, sls_req_t *req, sls_out_t *out)
{
	const sls_msg_t *msg = &req->msg;
	sls_tm_entry_t dup;
	sls_tm_new_t n;
	uint64_t now;
	uint32_t idx;

	if (h->tm == NULL || msg->err != SLS_E_NONE || !msg->addressable ||
	    msg->method_id == SLS_M_ACK) {
		stateless(h, req, out);
		return;
	}
	if (out->len > SLS_TM_REPLY_MAX || out->dstlen > SLS_TM_ADDR_MAX) {
		sls_stat_inc(h->stats, SLS_ST_TM_TOO_LARGE);
		stateless(h, req, out);
		return;
	}
	now = req->now_ms;
	describe(h, req, out, now, &n);
	switch (sls_tmtable_insert(h->tm, &n, now, &idx, &dup)) {
	case SLS_TM_PUT_NEW:
		sls_stat_inc(h->stats, SLS_ST_TM_UAS);
		sls_stat_inc(h->stats, SLS_ST_TM_RPL_SENT);
		notify(h, idx, n.invite && n.state == SLS_TM_COMPLETED ?
		    now + n.t1 : n.end_ms);
		break;
	case SLS_TM_PUT_DUP:
		/* A retransmission was answered first: say the same. */
		if (dup.state != SLS_TM_CONFIRMED && resend(h, &dup, out))
			sls_stat_inc(h->stats, SLS_ST_TM_ABSORBED);
		break;
	case SLS_TM_PUT_FULL:
		sls_stat_inc(h->stats, SLS_ST_TM_TABLE_FULL);
		stateless(h, req, out);
		break;
	}
}

bool
sls_tm_wanted(const sls_conf_t *c)
{
	size_t i;

	if (!c->sl.bind_tm)
		return false;
	for (i = 0; i < c->nroutes; i++)
		if (c->routes[i].t_newtran &&
		    c->routes[i].action == SLS_ACT_SEND_REPLY)
			return true;
	return false;
}
