/*
 * The life of one datagram: parse, basic checks, ACK filter, route,
 * actions, reply. See pipeline.h.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include "ackfilter.h"
#include "events.h"
#include "lib/clock.h"
#include "limits.h"
#include "tag.h"
#include "forward.h"
#include "local_reply.h"
#include "pipeline.h"
#include "route_count.h"
#include "route/action.h"
#include "route/match.h"
#include "sip/sip.h"
#include "tm.h"

static bool
drop(const sls_handler_t *h)
{
	sls_stat_inc(h->stats, SLS_ST_DROP_REQUESTS);
	return false;
}

/*
 * The end of a request that route r (or no route: NULL) took: counted as
 * replied when a reply goes out, else as dropped (route_count.h).
 */
static bool
outcome(const sls_handler_t *h, const sls_route_t *r, bool reply)
{
	if (r != NULL)
		sls_route_count(h, r, reply ? SLS_RC_REPLIED : SLS_RC_DROPPED);
	return reply;
}

/* The outcome of a forward route: the request went on, or a local 482 or
   483 went back, or nothing did. */
static bool
forwarded(const sls_handler_t *h, const sls_route_t *r, bool sent,
    const sls_out_t *out)
{
	if (sent && out->kind == SLS_OUT_FWD_REQUEST) {
		sls_route_count(h, r, SLS_RC_FORWARDED);
		return true;
	}
	return outcome(h, r, sent);
}

/* The final action of route r (its xlog has run). */
static bool
run_route(const sls_handler_t *h, sls_req_t *req, const sls_route_t *r,
    sls_out_t *out)
{
	const sls_conf_t *conf = h->conf;
	int code;

	if (r->action == SLS_ACT_DROP)
		return outcome(h, r, drop(h));
	/* stateless forwarding (core/forward.c) */
	if (r->action == SLS_ACT_FORWARD)
		return forwarded(h, r, sls_forward(h, req, r, out), out);
	if (sls_route_run_actions(r, req) < 0 ||
	    r->action == SLS_ACT_REPLY_ERROR)
		return outcome(h, r, sls_sl_reply_error(h, req, out));
	code = sls_route_code(r, req, conf->sl.default_code);
	/* tm: send_reply after t_newtran keeps the reply as a server
	   transaction before it is sent (core/tm.c). */
	out->tm_keep = r->t_newtran && r->action == SLS_ACT_SEND_REPLY &&
	    conf->sl.bind_tm;
	if (!sls_sl_reply(h, req, code,
	    sls_route_reason(r, req, code, conf->sl.default_reason), false,
	    out))
		return outcome(h, r, false);
	if (out->tm_keep)
		sls_tm_store(h, req, out);
	return outcome(h, r, true);
}

uint64_t
sls_req_key(const sls_handler_t *h, const sls_req_t *req, sls_out_t *out)
{
	const sls_msg_t *msg = &req->msg;

	if (out->key == 0)
		out->key = sls_sig_key(h->tablekey, msg->callid,
		    msg->from.tag, msg->cseq_num);
	return out->key;
}

bool
sls_handle(const sls_handler_t *h, sls_req_t *req, const char *pkt,
    size_t len, sls_out_t *out)
{
	const sls_conf_t *conf = h->conf;
	sls_msg_t *msg = &req->msg;
	const sls_route_t *r;

	sls_req_reset(req);
	req->now_ms = sls_now_ms();
	out->len = 0;
	out->kind = SLS_OUT_LOCAL;
	out->tm_resend = false;
	out->tm_keep = false;
	out->key = 0;
	if (sls_sip_parse(msg, pkt, len) < 0) {
		sls_stat_inc(h->stats, SLS_ST_ERR_REQUESTS);
		return drop(h);
	}
	if (!msg->is_request) {
		sls_stat_inc(h->stats, SLS_ST_RCV_REPLIES);
		/* replies to what we forwarded go back (core/reply_fwd.c) */
		return sls_reply_forward(h, req, out);
	}
	sls_stat_inc(h->stats, SLS_ST_RCV_REQUESTS);
	/* Per-source limits (SPEC 9, limits.c): a request from a source
	   over limits.rate stops here, before any check or route. */
	if (!sls_limits_admit(h, req))
		return false;
	req->ruri = msg->ruri;
	if (sls_sip_check(msg) < 0) {
		sls_stat_inc(h->stats, SLS_ST_ERR_REQUESTS);
		req->err = msg->err;
	}

	/* tm: a retransmission, ACK or CANCEL of a live server transaction
	   is the transaction layer's, before any route (core/tm.c). */
	switch (sls_tm_match(h, req, out)) {
	case SLS_TM_REPLY:
		return true;
	case SLS_TM_DONE:
		return false;
	case SLS_TM_PASS:
		break;
	}

	if (msg->method_id == SLS_M_ACK && msg->err == SLS_E_NONE &&
	    sls_ack_absorb(h, req, out))
		return false;

	r = sls_route_find(conf->routes, conf->nroutes, req);
	/* Per-route counters: matched here, the outcome at each return. */
	if (r != NULL)
		sls_route_count(h, r, SLS_RC_MATCHED);

	/* An ACK never gets a reply; it may be forwarded. */
	if (msg->method_id == SLS_M_ACK && (r == NULL ||
	    (r->action != SLS_ACT_DROP && r->action != SLS_ACT_FORWARD))) {
		if (r != NULL)
			sls_xlog(conf, r->xlog, req);
		return outcome(h, r, drop(h));
	}
	/* An INVITE answered here leaves its to-tag in the signature
	   table: start loading the entry's window while the route runs. */
	if (msg->method_id == SLS_M_INVITE && msg->addressable &&
	    (r == NULL || (r->action != SLS_ACT_DROP &&
	    r->action != SLS_ACT_FORWARD)))
		sls_ack_prefetch(h, req, out);
	if (r == NULL) {
		/* An automatic error reply; limits.error_rate (SPEC 9). */
		if (req->err != SLS_E_NONE)
			return sls_limits_error_reply(h, req) &&
			    sls_sl_reply_error(h, req, out);
		return sls_sl_reply_default(h, req, out);
	}

	sls_xlog(conf, r->xlog, req);
	return run_route(h, req, r, out);
}
