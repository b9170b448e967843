/*
 * The actions of a route that fill the request context. See action.h.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "action.h"

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
int
sls_route_run_actions(const sls_route_t *r, sls_req_t *req)
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
int
sls_route_code(const sls_route_t *r, sls_req_t *req, int default_code)
{
	char buf[16];
	ssize_t n;
	long v;
	char *end;

	if (r->const_code != 0)
		return r->const_code;
	n = sls_tmpl_expand(r->code, req, buf, sizeof(buf) - 1);
	if (n <= 0)
		return default_code;
	buf[n] = '\0';
	v = strtol(buf, &end, 10);
	if (*end != '\0' || v < 100 || v > 699)
		return default_code;
	return (int)v;
}

/*
 * The reason of a route's reply: its template's value; the standard
 * phrase when the route gave none; default_reason when either is empty.
 */
sls_str_t
sls_route_reason(const sls_route_t *r, sls_req_t *req, int code,
    const char *default_reason)
{
	const char *std;
	sls_str_t s;

	if (r->reason == NULL) {
		std = sls_sip_std_reason(code);
		return sls_str_c(std != NULL ? std : default_reason);
	}
	if (expand_scratch(r->reason, req, &s) < 0 || s.len == 0)
		return sls_str_c(default_reason);
	return s;
}
