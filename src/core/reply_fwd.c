/*
 * Replies to forwarded requests (RFC 3261 §16.11, §18.2.2; RFC 3581):
 * recognised by their top Via alone, passed to the first matching
 * onreply_route, and sent to the next Via. See forward.h.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <string.h>

#include "branch.h"
#include "events.h"
#include "forward.h"
#include "route_count.h"
#include "route/action.h"
#include "route/match.h"
#include "sip/fwd.h"
#include "sip/via.h"

static bool
drop_reply(const sls_handler_t *h)
{
	sls_stat_inc(h->stats, SLS_ST_DROP_REPLIES);
	return false;
}

/* The top Via header parsed into msg->via; false when it is malformed. */
static bool
top_via(sls_msg_t *msg)
{
	int i = msg->first[SLS_HDR_VIA];

	memset(&msg->via, 0, sizeof(msg->via));
	if (i < 0)
		return false;
	msg->via.hdr = (unsigned)i;
	return sls_via_parse(msg->hdrs[i].value, &msg->via) == SLS_E_NONE;
}

/*
 * Is the reply an answer to something we forwarded? Its top Via has an
 * address of ours and a branch whose MAC holds for the next Via and the
 * address that Via names, which goes into dst.
 */
static bool
ours(const sls_handler_t *h, sls_req_t *req, struct sockaddr_storage *dst,
    socklen_t *dstlen)
{
	sls_msg_t *msg = &req->msg;
	sls_via_t next;
	uint32_t loop;

	if (!top_via(msg) || !sls_branch_parse(msg->via.branch, &loop) ||
	    !sls_fwd_is_us(h->conf, req, msg->via.host, msg->via.port_num))
		return false;
	next = msg->via;
	/* the reply leaves from the socket it came in on */
	return sls_fwd_via_next(msg, &next) &&
	    sls_fwd_via_dest(&next, dst, dstlen) &&
	    dst->ss_family == req->local.ss_family &&
	    sls_branch_verify(h->tagkey, msg->via.branch, &next,
	    (const struct sockaddr *)dst);
}

/*
 * sl_forward_reply: the new code and reason, when the code is of the
 * received one's class; else the reply goes unchanged, counted in
 * sl:failures.
 */
static void
new_status(const sls_handler_t *h, sls_req_t *req, const sls_route_t *r,
    int *code, sls_str_t *reason)
{
	const char *std;
	int c = sls_route_code(r, req, 0);

	if (c == 0 || (unsigned)c / 100 != req->msg.status / 100) {
		sls_stat_inc(h->stats, SLS_ST_FAILURES);
		return;
	}
	std = sls_sip_std_reason(c);
	*reason = sls_route_reason(r, req, c,
	    std != NULL ? std : h->conf->sl.default_reason);
	*code = c;
}

bool
sls_reply_forward(const sls_handler_t *h, sls_req_t *req, sls_out_t *out)
{
	const sls_conf_t *conf = h->conf;
	sls_msg_t *msg = &req->msg;
	sls_str_t reason = SLS_STR_NULL;
	const sls_route_t *r = NULL;
	int code = 0;
	ssize_t n;

	if (!ours(h, req, &out->dst, &out->dstlen))
		return drop_reply(h);
	if (conf->nonreply > 0) {
		/* what conditions and templates read: CSeq, From, ... */
		(void)sls_sip_check(msg);
		req->rs = (int)msg->status;
		req->rr = msg->reason;
		r = sls_onreply_find(conf->onreply, conf->nonreply, req);
	}
	if (r != NULL) {
		/* onreply_route counters: matched, then forwarded or dropped */
		sls_route_count(h, r, SLS_RC_MATCHED);
		sls_xlog(conf, r->xlog, req);
		if (r->action == SLS_ACT_DROP) {
			sls_route_count(h, r, SLS_RC_DROPPED);
			return drop_reply(h);
		}
		if (r->action == SLS_ACT_FORWARD_REPLY)
			new_status(h, req, r, &code, &reason);
	}
	n = sls_fwd_reply(msg, code, reason, out->buf, out->cap);
	if (n < 0) {
		sls_stat_inc(h->stats, SLS_ST_FAILURES);
		if (r != NULL)
			sls_route_count(h, r, SLS_RC_DROPPED);
		return false;
	}
	out->len = (size_t)n;
	out->kind = SLS_OUT_FWD_REPLY;
	if (r != NULL)
		sls_route_count(h, r, SLS_RC_FORWARDED);
	return true;
}
