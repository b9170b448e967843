/*
 * Stateless replies and their to-tags. See local_reply.h; the public
 * sls_handle_sent (pipeline.h) is here because it counts the replies.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <string.h>

#include "ackfilter.h"
#include "events.h"
#include "forward.h"
#include "local_reply.h"
#include "sip/reply.h"
#include "tag.h"

/* Build the reply into out; false (and counted) when it cannot be. */
bool
sls_sl_reply(const sls_handler_t *h, sls_req_t *req, int code,
    sls_str_t reason, bool is_err, sls_out_t *out)
{
	const sls_msg_t *msg = &req->msg;
	char tagbuf[SLS_TAG_LEN];
	sls_str_t tag = SLS_STR_NULL;
	ssize_t n;

	if (!msg->addressable) {
		sls_stat_inc(h->stats, SLS_ST_DROP_REQUESTS);
		return false;
	}
	if (msg->to.has_tag) {
		tag = msg->to.tag;
	} else if (code != 100) {
		sls_tag_make(h->tagkey, msg, tagbuf);
		tag = (sls_str_t){ tagbuf, SLS_TAG_LEN };
	}
	n = sls_reply_build(req, code, reason, tag, h->conf->server_header,
	    out->buf, out->cap);
	if (n < 0) {
		/* Too large with the route's additions: say so, plainly. */
		req->err = SLS_E_ACT_REPLY_TOO_LARGE;
		req->nappends = 0;
		req->nbranches = 0;
		req->ruri_changed = false;
		code = sls_err_code(req->err);
		reason = sls_str_c(sls_err_reason(req->err));
		is_err = true;
		n = sls_reply_build(req, code, reason, tag,
		    h->conf->server_header, out->buf, out->cap);
		if (n < 0) {
			sls_stat_inc(h->stats, SLS_ST_FAILURES);
			return false;
		}
	}
	out->len = (size_t)n;
	out->code = code;
	out->is_err = is_err;
	req->rs = code;
	req->rr = reason;
	sls_reply_dest(req, &out->dst, &out->dstlen);
	out->tm_tag_hash = 0;
	if (msg->method_id == SLS_M_INVITE && code >= 200 && tag.len > 0) {
		/* tm: a reply kept in a transaction has its ACK absorbed
		   there; sls_tm_store remembers it if it cannot keep it. */
		if (out->tm_keep) {
			sls_ack_other_tag(h, req, tag);
			out->tm_tag_hash = sls_tag_hash(h->tablekey, tag);
		} else {
			sls_ack_remember(h, req, out, tag);
		}
	}
	return true;
}

bool
sls_sl_reply_error(const sls_handler_t *h, sls_req_t *req, sls_out_t *out)
{
	enum sls_err e = req->err;

	return sls_sl_reply(h, req, sls_err_code(e),
	    sls_str_c(sls_err_reason(e)), true, out);
}

bool
sls_sl_reply_default(const sls_handler_t *h, sls_req_t *req, sls_out_t *out)
{
	return sls_sl_reply(h, req, h->conf->sl.default_code,
	    sls_str_c(h->conf->sl.default_reason), false, out);
}

void
sls_handle_sent(const sls_handler_t *h, sls_req_t *req, const sls_out_t *out,
    bool ok)
{
	if (out->kind != SLS_OUT_LOCAL) {
		sls_fwd_sent(h, out, ok);	/* core/forward.c */
		return;
	}
	/* A stored reply sent again was counted in tm:absorbed. */
	if (out->tm_resend)
		return;
	if (!ok) {
		sls_stat_inc(h->stats, SLS_ST_FAILURES);
		return;
	}
	sls_stats_count_reply(h->stats, out->code);
	if (out->is_err)
		sls_stat_inc(h->stats, SLS_ST_SENT_ERR);
	sls_event_local_response(h->conf, req);
}
