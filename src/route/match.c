/*
 * Route conditions: method, Request-URI, From and To regexes, source
 * CIDRs, headers, and whether the request failed its basic checks.
 * See match.h.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <regex.h>

#include "match.h"

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

/*
 * The parts of a request that conditions read, in the order sls_sip_parse
 * and sls_sip_check examine them. A request keeps the first error found,
 * so every part before the one that failed passed its checks, and the
 * failed part and those after it are unknown.
 */
enum part {
	P_START_LINE,	/* method */
	P_HEADERS,	/* header lines */
	P_VERSION,
	P_RURI,
	P_VIA,
	P_FROM,
	P_TO,
	P_REST,		/* Call-ID, CSeq, Content-Length, Max-Forwards */
	P_ALL		/* nothing failed */
};

static enum part
failed_part(enum sls_err e)
{
	switch (e) {
	case SLS_E_NONE:
		return P_ALL;
	case SLS_E_BAD_START_LINE:
		return P_START_LINE;
	case SLS_E_BAD_HEADER:
	case SLS_E_TOO_MANY_HEADERS:
		return P_HEADERS;
	case SLS_E_BAD_VERSION:
		return P_VERSION;
	case SLS_E_BAD_RURI:
	case SLS_E_RURI_SCHEME:
		return P_RURI;
	case SLS_E_NO_VIA:
	case SLS_E_BAD_VIA:
		return P_VIA;
	case SLS_E_NO_FROM:
	case SLS_E_BAD_FROM:
	case SLS_E_MULTI_FROM:
		return P_FROM;
	case SLS_E_NO_TO:
	case SLS_E_BAD_TO:
	case SLS_E_MULTI_TO:
		return P_TO;
	default:
		return P_REST;
	}
}

static bool
method_matches(const sls_route_t *r, sls_str_t method)
{
	size_t i;

	for (i = 0; i < r->nmethods; i++)
		if (sls_str_eq(method, r->methods[i]))
			return true;
	return false;
}

static bool
source_matches(const sls_route_t *r, const sls_req_t *req)
{
	size_t i;

	for (i = 0; i < r->nsources; i++)
		if (sls_cidr_match(&r->sources[i],
		    (const struct sockaddr *)&req->src))
			return true;
	return false;
}

/* The conditions routes and onreply_routes share: source, headers. */
static bool
source_and_headers(const sls_route_t *r, const sls_req_t *req)
{
	size_t i;

	if (r->nsources > 0 && !source_matches(r, req))
		return false;
	for (i = 0; i < r->nheaders; i++)
		if (!header_matches(&req->msg, &r->headers[i]))
			return false;
	return true;
}

/*
 * A route with error = true sees only failed requests; one without sees
 * only sound ones, except a route whose final action is drop: it takes
 * failed requests too, so a scanner black hole has no leak. On such a
 * request a condition that reads a failed or unchecked part (a From regex
 * when From did not parse) does not hold; the source and the header
 * lines as received can always be read.
 */
bool
sls_route_matches(const sls_route_t *r, const sls_req_t *req)
{
	const sls_msg_t *msg = &req->msg;
	bool failed = msg->err != SLS_E_NONE;
	enum part ok = P_ALL;

	if (r->match_error != failed) {
		if (!failed || r->action != SLS_ACT_DROP)
			return false;
		ok = failed_part(msg->err);
	}
	if (r->nmethods > 0 && (ok <= P_START_LINE ||
	    !method_matches(r, msg->method)))
		return false;
	if (r->ruri_re != NULL && (ok <= P_RURI ||
	    !regex_match(r->ruri_re, msg->ruri)))
		return false;
	if (r->from_re != NULL && (ok <= P_FROM ||
	    !regex_match(r->from_re, msg->from.uri)))
		return false;
	if (r->to_re != NULL && (ok <= P_TO ||
	    !regex_match(r->to_re, msg->to.uri)))
		return false;
	return source_and_headers(r, req);
}

/* The first of routes[0..n) that matches, in file order. */
static const sls_route_t *
first(const sls_route_t *routes, size_t n, const sls_req_t *req,
    bool (*matches)(const sls_route_t *, const sls_req_t *))
{
	size_t i;

	for (i = 0; i < n; i++)
		if (matches(&routes[i], req))
			return &routes[i];
	return NULL;
}

const sls_route_t *
sls_route_find(const sls_route_t *routes, size_t n, const sls_req_t *req)
{
	return first(routes, n, req, sls_route_matches);
}

/*
 * onreply_route: the reply's code, its CSeq method, the source of the
 * datagram (the downstream) and its headers. A reply that failed some
 * check is matched all the same: only what was found can match.
 */
bool
sls_onreply_matches(const sls_route_t *r, const sls_req_t *req)
{
	const sls_msg_t *msg = &req->msg;
	size_t i;

	if (r->ncodes > 0) {
		for (i = 0; i < r->ncodes; i++)
			if (msg->status >= r->codes[i].lo &&
			    msg->status <= r->codes[i].hi)
				break;
		if (i == r->ncodes)
			return false;
	}
	if (r->nmethods > 0 && !method_matches(r, msg->cseq_method))
		return false;
	return source_and_headers(r, req);
}

const sls_route_t *
sls_onreply_find(const sls_route_t *routes, size_t n, const sls_req_t *req)
{
	return first(routes, n, req, sls_onreply_matches);
}
