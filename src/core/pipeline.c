/*
 * The life of one datagram: parse, basic checks, ACK filter, route,
 * actions, reply. See pipeline.h.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include "ackfilter.h"
#include "events.h"
#include "local_reply.h"
#include "pipeline.h"
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

bool
sls_handle(const sls_handler_t *h, sls_req_t *req, const char *pkt,
    size_t len, sls_out_t *out)
{
	const sls_conf_t *conf = h->conf;
	sls_msg_t *msg = &req->msg;
	const sls_route_t *r;
	int code;

	sls_req_reset(req);
	out->len = 0;
	out->tm_resend = false;
	out->tm_keep = false;
	out->tm_kpos = 0;
	if (sls_sip_parse(msg, pkt, len) < 0) {
		sls_stat_inc(h->stats, SLS_ST_ERR_REQUESTS);
		return drop(h);
	}
	if (!msg->is_request) {
		sls_stat_inc(h->stats, SLS_ST_RCV_REPLIES);
		return false;
	}
	sls_stat_inc(h->stats, SLS_ST_RCV_REQUESTS);
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
	    sls_ack_absorb(h, req))
		return false;

	r = sls_route_find(conf->routes, conf->nroutes, req);

	/* An ACK never gets a reply. */
	if (msg->method_id == SLS_M_ACK &&
	    (r == NULL || r->action != SLS_ACT_DROP)) {
		if (r != NULL)
			sls_xlog(conf, r->xlog, req);
		return drop(h);
	}
	if (r == NULL) {
		if (req->err != SLS_E_NONE)
			return sls_sl_reply_error(h, req, out);
		return sls_sl_reply_default(h, req, out);
	}

	sls_xlog(conf, r->xlog, req);
	if (r->action == SLS_ACT_DROP)
		return drop(h);
	if (sls_route_run_actions(r, req) < 0 ||
	    r->action == SLS_ACT_REPLY_ERROR)
		return sls_sl_reply_error(h, req, out);
	code = sls_route_code(r, req, conf->sl.default_code);
	/* tm: send_reply after t_newtran keeps the reply as a server
	   transaction before it is sent (core/tm.c). */
	out->tm_keep = r->t_newtran && r->action == SLS_ACT_SEND_REPLY &&
	    conf->sl.bind_tm;
	if (!sls_sl_reply(h, req, code,
	    sls_route_reason(r, req, code, conf->sl.default_reason), false,
	    out))
		return false;
	if (out->tm_keep)
		sls_tm_store(h, req, out);
	return true;
}
