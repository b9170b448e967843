/*
 * The per-request context: reset per datagram, a bump allocator over its
 * scratch space, and lazily computed views (address text, parsed URIs).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <string.h>

#include "net/addr.h"
#include "req.h"

/*
 * Runs for every datagram, so it only resets counters and flags: the
 * scratch space and the header array are overwritten as they are used.
 * src and local are kept: the worker fills them before the handler resets.
 * The parser initialises the rest of msg itself.
 */
void
sls_req_reset(sls_req_t *req)
{
	req->msg.buf = NULL;
	req->msg.len = 0;
	req->msg.nhdrs = 0;
	req->msg.is_request = false;
	req->msg.err = SLS_E_NONE;
	req->msg.addressable = false;

	req->src_ip_len = 0;
	req->local_ip_len = 0;
	req->ruri_parsed = false;
	req->from_parsed = false;
	req->to_parsed = false;
	req->ruri = SLS_STR_NULL;
	req->ruri_changed = false;
	req->nbranches = 0;
	req->nappends = 0;
	req->rs = 0;
	req->rr = SLS_STR_NULL;
	req->err = SLS_E_NONE;
	req->scratch_used = 0;
}

/* Text only: no alignment is kept. */
char *
sls_req_alloc(sls_req_t *req, size_t n)
{
	char *p;

	if (n > SLS_REQ_SCRATCH - req->scratch_used)
		return NULL;
	p = req->scratch + req->scratch_used;
	req->scratch_used += n;
	return p;
}

sls_str_t
sls_req_src_ip(sls_req_t *req)
{
	if (req->src_ip_len == 0)
		req->src_ip_len = sls_addr_ip(
		    (const struct sockaddr *)&req->src, req->src_ip,
		    sizeof(req->src_ip));
	return (sls_str_t){ req->src_ip, req->src_ip_len };
}

unsigned
sls_req_src_port(const sls_req_t *req)
{
	return sls_addr_port((const struct sockaddr *)&req->src);
}

sls_str_t
sls_req_local_ip(sls_req_t *req)
{
	if (req->local_ip_len == 0)
		req->local_ip_len = sls_addr_ip(
		    (const struct sockaddr *)&req->local, req->local_ip,
		    sizeof(req->local_ip));
	return (sls_str_t){ req->local_ip, req->local_ip_len };
}

unsigned
sls_req_local_port(const sls_req_t *req)
{
	return sls_addr_port((const struct sockaddr *)&req->local);
}

const sls_uri_t *
sls_req_ruri(sls_req_t *req)
{
	sls_str_t cur = sls_req_ruri_str(req);

	if (!req->ruri_parsed || req->ruri_seen.s != cur.s ||
	    req->ruri_seen.len != cur.len) {
		req->ruri_ok = cur.len > 0 && sls_uri_parse(cur,
		    &req->ruri_p) == 0;
		req->ruri_seen = cur;
		req->ruri_parsed = true;
	}
	return req->ruri_ok ? &req->ruri_p : NULL;
}

const sls_uri_t *
sls_req_from_uri(sls_req_t *req)
{
	sls_str_t s = req->msg.from.uri;

	if (!req->from_parsed) {
		req->from_ok = s.s != NULL && s.len > 0 &&
		    sls_uri_parse(s, &req->from_p) == 0;
		req->from_parsed = true;
	}
	return req->from_ok ? &req->from_p : NULL;
}

const sls_uri_t *
sls_req_to_uri(sls_req_t *req)
{
	sls_str_t s = req->msg.to.uri;

	if (!req->to_parsed) {
		req->to_ok = s.s != NULL && s.len > 0 &&
		    sls_uri_parse(s, &req->to_p) == 0;
		req->to_parsed = true;
	}
	return req->to_ok ? &req->to_p : NULL;
}
