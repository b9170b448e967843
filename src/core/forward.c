/*
 * The forward action: Max-Forwards and loop checks, the destination, our
 * Via with its keyed branch, and the rewritten request (sip/fwd.c). See
 * forward.h.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <string.h>

#include "branch.h"
#include "forward.h"
#include "lib/siphash.h"
#include "local_reply.h"
#include "net/addr.h"
#include "route/action.h"
#include "sip/fwd.h"
#include "sip/reply.h"

/*
 * Picks the destination from the Call-ID. A fixed, public key: every
 * node and every generation sends a call to the same destination; an
 * even spread needs no secret.
 */
static const uint8_t pick_key[SLS_SIPHASH_KEYLEN] = {
	's', 'l', 's', 'e', 'r', 'v', 'e', 'r',
	' ', 'f', 'w', 'd', 'p', 'i', 'c', 'k'
};

bool
sls_fwd_is_us(const sls_conf_t *conf, const sls_req_t *req, sls_str_t host,
    unsigned port)
{
	struct sockaddr_storage a;
	socklen_t alen;
	size_t i;

	if (!sls_fwd_addr(host, port != 0 ? port : 5060, &a, &alen))
		return false;
	if (sls_addr_equal((const struct sockaddr *)&a,
	    (const struct sockaddr *)&req->local))
		return true;
	for (i = 0; i < conf->nlistens; i++)
		if (!conf->listens[i].wildcard &&
		    sls_addr_equal((const struct sockaddr *)&a,
		    (const struct sockaddr *)&conf->listens[i].addr))
			return true;
	return false;
}

/* A reply of our own (483, 482, an action error): never to an ACK. */
static bool
local(const sls_handler_t *h, sls_req_t *req, int code, sls_out_t *out)
{
	if (req->msg.method_id == SLS_M_ACK) {
		sls_stat_inc(h->stats, SLS_ST_DROP_REQUESTS);
		return false;
	}
	if (code == 0)
		return sls_sl_reply_error(h, req, out);
	return sls_sl_reply(h, req, code,
	    sls_str_c(sls_sip_std_reason(code)), false, out);
}

/*
 * RFC 3261 §16.3 item 4: a Via of ours whose branch holds this request's
 * loop hash means it came back unchanged. A spiral (the Request-URI, so
 * the hash, changed) goes on.
 */
static bool
looped(const sls_handler_t *h, sls_req_t *req)
{
	const sls_msg_t *msg = &req->msg;
	uint32_t mine = 0, l;
	bool have = false;
	sls_via_t v = msg->via;

	do {
		if (!sls_branch_parse(v.branch, &l))
			continue;
		if (!have) {
			mine = sls_branch_loop(msg);
			have = true;
		}
		if (l == mine && sls_fwd_is_us(h->conf, req, v.host,
		    v.port_num))
			return true;
	} while (sls_fwd_via_next(msg, &v));
	return false;
}

static const sls_fwd_dest_t *
pick(const sls_route_t *r, sls_str_t callid)
{
	if (r->ndests == 1)
		return &r->dests[0];
	return &r->dests[sls_siphash(pick_key, callid.s, callid.len) %
	    r->ndests];
}

/* The destination's address of this family into out->dst. */
static bool
dest_addr(const sls_fwd_dest_t *d, int family, sls_out_t *out)
{
	if (family == AF_INET && d->v4.sin_family == AF_INET) {
		memcpy(&out->dst, &d->v4, sizeof(d->v4));
		out->dstlen = sizeof(d->v4);
		return true;
	}
	if (family == AF_INET6 && d->v6.sin6_family == AF_INET6) {
		memcpy(&out->dst, &d->v6, sizeof(d->v6));
		out->dstlen = sizeof(d->v6);
		return true;
	}
	return false;
}

/* RFC 3261 §16.4: the top Route names us, so it has been used. */
static bool
route_is_us(const sls_handler_t *h, const sls_req_t *req)
{
	sls_str_t s;
	sls_uri_t u;

	return sls_fwd_first_route(&req->msg, &s) &&
	    sls_uri_parse(s, &u) == 0 &&
	    (sls_str_caseeq(u.scheme, "sip") ||
	    sls_str_caseeq(u.scheme, "sips")) &&
	    sls_fwd_is_us(h->conf, req, u.host, u.port_num);
}

/* Our Via's sent-by: the address the request came in on. */
static sls_str_t
our_host(sls_req_t *req, char *buf, size_t len)
{
	sls_str_t ip = sls_req_local_ip(req);

	if (req->local.ss_family != AF_INET6 || ip.len + 3 > len)
		return ip;
	buf[0] = '[';
	memcpy(buf + 1, ip.s, ip.len);
	buf[ip.len + 1] = ']';
	return (sls_str_t){ buf, ip.len + 2 };
}

/* The request for the next hop into out. */
static bool
rewrite(const sls_handler_t *h, sls_req_t *req, const sls_route_t *r,
    sls_out_t *out)
{
	char branch[SLS_BRANCH_LEN], host[SLS_ADDR_TEXT + 2];
	struct sockaddr_storage rdst;
	socklen_t rlen;
	sls_fwd_req_t f;
	ssize_t n;

	/* replies to the previous hop go here: the branch says so */
	sls_reply_dest(req, &rdst, &rlen);
	sls_branch_make(h->tagkey, &req->msg, (struct sockaddr *)&rdst,
	    branch);
	memset(&f, 0, sizeof(f));
	if (req->ruri_changed)
		f.ruri = req->ruri;
	f.src = (const struct sockaddr *)&req->src;
	f.src_ip = sls_req_src_ip(req);
	f.src_port = sls_req_src_port(req);
	f.host = our_host(req, host, sizeof(host));
	f.port = sls_req_local_port(req);
	f.branch = (sls_str_t){ branch, SLS_BRANCH_LEN };
	f.record_route = r->record_route;
	f.pop_route = route_is_us(h, req);
	n = sls_fwd_request(&req->msg, &f, out->buf, out->cap);
	if (n < 0)
		return false;
	out->len = (size_t)n;
	return true;
}

bool
sls_forward(const sls_handler_t *h, sls_req_t *req, const sls_route_t *r,
    sls_out_t *out)
{
	const sls_msg_t *msg = &req->msg;
	int mf;

	/* the config never lets a failed request reach forward */
	if (msg->err != SLS_E_NONE || sls_route_run_actions(r, req) < 0)
		return local(h, req, 0, out);
	mf = sls_fwd_max_forwards(msg);
	if (mf == 0)
		return local(h, req, 483, out);
	if (mf == SLS_MF_MALFORMED)
		return local(h, req, 0, out);
	if (looped(h, req))
		return local(h, req, 482, out);
	/* it leaves from the socket it came in on, so by its family */
	if (r->ndests == 0 || !dest_addr(pick(r, msg->callid),
	    req->local.ss_family, out) || !rewrite(h, req, r, out)) {
		sls_stat_inc(h->stats, SLS_ST_FAILURES);
		return false;
	}
	out->kind = SLS_OUT_FWD_REQUEST;
	return true;
}

void
sls_fwd_sent(const sls_handler_t *h, const sls_out_t *out, bool ok)
{
	if (!ok)
		sls_stat_inc(h->stats, SLS_ST_FAILURES);
	else if (out->kind == SLS_OUT_FWD_REQUEST)
		sls_stat_inc(h->stats, SLS_ST_FWD_REQUESTS);
	else
		sls_stat_inc(h->stats, SLS_ST_FWD_REPLIES);
}
