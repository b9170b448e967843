/*
 * Route conditions: method, Request-URI, From and To regexes, source
 * CIDRs, headers, and whether the request failed its basic checks.
 * See match.h.
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

bool
sls_route_matches(const sls_route_t *r, const sls_req_t *req)
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

const sls_route_t *
sls_route_find(const sls_route_t *routes, size_t n, const sls_req_t *req)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (sls_route_matches(&routes[i], req))
			return &routes[i];
	return NULL;
}
