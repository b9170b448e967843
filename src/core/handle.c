/*
 * The life of one datagram: parse, basic checks, ACK filter, route,
 * actions, reply. See handle.h.
 */
#include "config.h"

#include <limits.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "lib/clock.h"
#include "handle.h"
#include "lib/log.h"
#include "sip/reply.h"
#include "sip/sip.h"
#include "route/tmpl.h"

#define XLOG_LINE	1024

/* regexec on a counted string: glibc's REG_STARTEND reads no NUL. */
static bool
regex_match(const regex_t *re, sls_str_t s)
{
	regmatch_t m[1];

	if (s.s == NULL)
		return false;
	m[0].rm_so = 0;
	m[0].rm_eo = (regoff_t)s.len;
	return regexec(re, s.s, 1, m, REG_STARTEND) == 0;
}

static bool
header_matches(const sls_msg_t *msg, const sls_hdr_cond_t *c)
{
	unsigned i;

	for (i = 0; i < msg->nhdrs; i++) {
		const sls_hdr_t *hd = &msg->hdrs[i];

		if (c->type != SLS_HDR_OTHER) {
			if (hd->type != c->type)
				continue;
		} else if (hd->type != SLS_HDR_OTHER ||
		    !sls_str_caseeq(hd->name, c->name))
			continue;
		if (regex_match(&c->re, hd->value))
			return true;
	}
	return false;
}

static bool
route_matches(const sls_route_t *r, sls_req_t *req)
{
	const sls_msg_t *msg = &req->msg;
	size_t i;

	if (r->match_error != (msg->err != SLS_E_NONE))
		return false;
	if (r->nmethods > 0) {
		for (i = 0; i < r->nmethods; i++)
			if (sls_str_eq(msg->method, r->methods[i]))
				break;
		if (i == r->nmethods)
			return false;
	}
	if (r->ruri_re != NULL && !regex_match(r->ruri_re, msg->ruri))
		return false;
	if (r->from_re != NULL && !regex_match(r->from_re, msg->from.uri))
		return false;
	if (r->to_re != NULL && !regex_match(r->to_re, msg->to.uri))
		return false;
	if (r->nsources > 0) {
		for (i = 0; i < r->nsources; i++)
			if (sls_cidr_match(&r->sources[i],
			    (const struct sockaddr *)&req->src))
				break;
		if (i == r->nsources)
			return false;
	}
	for (i = 0; i < r->nheaders; i++)
		if (!header_matches(msg, &r->headers[i]))
			return false;
	return true;
}

static void
xlog(const sls_conf_t *conf, const sls_tmpl_t *t, sls_req_t *req)
{
	char line[XLOG_LINE];
	ssize_t n;

	if (t == NULL || !sls_log_enabled(conf->xlog_level))
		return;
	n = sls_tmpl_expand(t, req, line, sizeof(line));
	if (n < 0)
		n = (ssize_t)strnlen(line, sizeof(line) - 1);
	sls_log(conf->xlog_level, "%.*s", (int)n, line);
}

/* Expand t into the request's scratch space. */
static int
expand_scratch(const sls_tmpl_t *t, sls_req_t *req, sls_str_t *out)
{
	size_t room = SLS_REQ_SCRATCH - req->scratch_used;
	char *p = req->scratch + req->scratch_used;
	ssize_t n;

	n = sls_tmpl_expand(t, req, p, room);
	if (n < 0)
		return -1;
	req->scratch_used += (size_t)n;
	out->s = p;
	out->len = (size_t)n;
	return 0;
}

static bool
uri_ok(sls_str_t s)
{
	sls_uri_t u;

	return s.len > 0 && sls_uri_parse(s, &u) == 0;
}

/* set_ruri, append_branch, append_to_reply; -1 sets req->err. */
static int
run_actions(const sls_route_t *r, sls_req_t *req)
{
	size_t i;

	if (r->set_ruri != NULL) {
		sls_str_t uri;

		if (expand_scratch(r->set_ruri, req, &uri) < 0)
			goto too_long;
		if (!uri_ok(uri)) {
			req->err = SLS_E_ACT_BAD_URI;
			return -1;
		}
		req->ruri = uri;
		req->ruri_changed = true;
		req->ruri_parsed = false;
	}
	for (i = 0; i < r->nbranches; i++) {
		sls_branch_t *b;

		if (req->nbranches >= SLS_MAX_BRANCHES) {
			req->err = SLS_E_ACT_TOO_MANY_BRANCHES;
			return -1;
		}
		b = &req->branch[req->nbranches];
		if (expand_scratch(r->branches[i].uri, req, &b->uri) < 0)
			goto too_long;
		if (!uri_ok(b->uri)) {
			req->err = SLS_E_ACT_BAD_URI;
			return -1;
		}
		b->q_milli = r->branches[i].q_milli;
		req->nbranches++;
	}
	for (i = 0; i < r->nappends && i < SLS_MAX_APPENDS; i++)
		if (expand_scratch(r->appends[i], req,
		    &req->append[req->nappends++]) < 0)
			goto too_long;
	return 0;
too_long:
	req->err = SLS_E_ACT_TEMPLATE_TOO_LONG;
	return -1;
}

/* Reply code of a route: its template's value if 100..699, else default. */
static int
route_code(const sls_conf_t *conf, const sls_route_t *r, sls_req_t *req)
{
	char buf[16];
	ssize_t n;
	long v;
	char *end;

	if (r->const_code != 0)
		return r->const_code;
	n = sls_tmpl_expand(r->code, req, buf, sizeof(buf) - 1);
	if (n <= 0)
		return conf->sl.default_code;
	buf[n] = '\0';
	v = strtol(buf, &end, 10);
	if (*end != '\0' || v < 100 || v > 699)
		return conf->sl.default_code;
	return (int)v;
}

static sls_str_t
cstr(const char *s)
{
	return (sls_str_t){ s, strlen(s) };
}

/*
 * The reason of a route's reply: its template's value; the standard
 * phrase when the route gave none; default_reason when either is empty.
 */
static sls_str_t
route_reason(const sls_conf_t *conf, const sls_route_t *r, sls_req_t *req,
    int code)
{
	const char *std;
	sls_str_t s;

	if (r->reason == NULL) {
		std = sls_sip_std_reason(code);
		return cstr(std != NULL ? std : conf->sl.default_reason);
	}
	if (expand_scratch(r->reason, req, &s) < 0 || s.len == 0)
		return cstr(conf->sl.default_reason);
	return s;
}

/* Remember the to-tag of a final reply to an INVITE for its ACK. */
static void
remember_invite_reply(const sls_handler_t *h, sls_req_t *req,
    sls_str_t to_tag)
{
	const sls_msg_t *msg = &req->msg;
	uint64_t key, now;

	key = sls_sig_key(h->tablekey, msg->callid, msg->from.tag,
	    msg->cseq_num);
	now = sls_now_ms();
	if (sls_sigtable_insert(h->sigtable, key,
	    sls_tag_hash(h->tablekey, to_tag), now,
	    now + (uint64_t)h->conf->sl.ack_timeout * 1000))
		sls_stat_inc(h->stats, SLS_ST_SIGTABLE_EVICTIONS);
}

/* Build the reply into out; false (and counted) when it cannot be. */
static bool
make_reply(const sls_handler_t *h, sls_req_t *req, int code,
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
		reason = cstr(sls_err_reason(req->err));
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
	if (msg->method_id == SLS_M_INVITE && code >= 200 && tag.len > 0)
		remember_invite_reply(h, req, tag);
	return true;
}

static bool
reply_error(const sls_handler_t *h, sls_req_t *req, sls_out_t *out)
{
	enum sls_err e = req->err;

	return make_reply(h, req, sls_err_code(e), cstr(sls_err_reason(e)),
	    true, out);
}

/* The ACK filter; true when the ACK is ours and absorbed. */
static bool
absorb_ack(const sls_handler_t *h, sls_req_t *req)
{
	const sls_msg_t *msg = &req->msg;
	enum sls_sig_result r = SLS_SIG_MISS;

	if (msg->to.has_tag)
		r = sls_sigtable_lookup(h->sigtable,
		    sls_sig_key(h->tablekey, msg->callid, msg->from.tag,
		    msg->cseq_num), sls_tag_hash(h->tablekey, msg->to.tag),
		    sls_now_ms());
	if (r == SLS_SIG_MATCH) {
		sls_stat_inc(h->stats, SLS_ST_RCV_ACKS);
		xlog(h->conf, h->conf->ev_filtered_ack, req);
		return true;
	}
	if (r == SLS_SIG_EXPIRED)
		sls_stat_inc(h->stats, SLS_ST_ACKS_LATE);
	sls_stat_inc(h->stats, SLS_ST_ACKS_PASSED);
	return false;
}

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
	const sls_route_t *r = NULL;
	size_t i;
	int code;

	sls_req_reset(req);
	out->len = 0;
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

	if (msg->method_id == SLS_M_ACK && msg->err == SLS_E_NONE &&
	    absorb_ack(h, req))
		return false;

	for (i = 0; i < conf->nroutes; i++)
		if (route_matches(&conf->routes[i], req)) {
			r = &conf->routes[i];
			break;
		}

	/* An ACK never gets a reply. */
	if (msg->method_id == SLS_M_ACK &&
	    (r == NULL || r->action != SLS_ACT_DROP)) {
		if (r != NULL)
			xlog(conf, r->xlog, req);
		return drop(h);
	}
	if (r == NULL) {
		if (req->err != SLS_E_NONE)
			return reply_error(h, req, out);
		return make_reply(h, req, conf->sl.default_code,
		    cstr(conf->sl.default_reason), false, out);
	}

	xlog(conf, r->xlog, req);
	if (r->action == SLS_ACT_DROP)
		return drop(h);
	if (run_actions(r, req) < 0 || r->action == SLS_ACT_REPLY_ERROR)
		return reply_error(h, req, out);
	code = route_code(conf, r, req);
	return make_reply(h, req, code, route_reason(conf, r, req, code),
	    false, out);
}

void
sls_handle_sent(const sls_handler_t *h, sls_req_t *req, const sls_out_t *out,
    bool ok)
{
	if (!ok) {
		sls_stat_inc(h->stats, SLS_ST_FAILURES);
		return;
	}
	sls_stats_count_reply(h->stats, out->code);
	if (out->is_err)
		sls_stat_inc(h->stats, SLS_ST_SENT_ERR);
	xlog(h->conf, h->conf->ev_local_response, req);
}
