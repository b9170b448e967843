/*
 * Everything known about one request while it is being handled: the
 * parsed message, where it came from, and what the route did to it. Lives
 * on the worker's stack or in its batch array; holds no heap memory.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_REQ_H
#define SLS_REQ_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "sip.h"

#define SLS_MAX_BRANCHES	12
#define SLS_MAX_APPENDS		16
#define SLS_REQ_SCRATCH		8192
#define SLS_ADDR_TEXT		48	/* INET6_ADDRSTRLEN + brackets */

typedef struct sls_branch {
	sls_str_t uri;
	int q_milli;		/* 0..1000, -1 when not given */
} sls_branch_t;

typedef struct sls_req {
	sls_msg_t msg;

	struct sockaddr_storage src;	/* datagram source */
	struct sockaddr_storage local;	/* address it arrived on */

	/* lazily filled text forms of the addresses (len 0 = not yet) */
	char src_ip[SLS_ADDR_TEXT];
	size_t src_ip_len;
	char local_ip[SLS_ADDR_TEXT];
	size_t local_ip_len;

	/* lazily parsed URIs, valid when the flag is set */
	sls_uri_t ruri_p, from_p, to_p;
	bool ruri_parsed, from_parsed, to_parsed;
	/* whether each parse succeeded, and the R-URI text ruri_p is of */
	bool ruri_ok, from_ok, to_ok;
	sls_str_t ruri_seen;

	sls_str_t ruri;		/* current R-URI: msg.ruri or set_ruri's */
	bool ruri_changed;

	sls_branch_t branch[SLS_MAX_BRANCHES];
	unsigned nbranches;
	sls_str_t append[SLS_MAX_APPENDS];	/* whole header lines */
	unsigned nappends;

	int rs;			/* reply code, once chosen */
	sls_str_t rr;		/* reply reason, once chosen */

	enum sls_err err;	/* last internal error */
	uint64_t now_ms;	/* when it is handled (lib/clock.h): one
				   clock read serves every table it meets */

	char scratch[SLS_REQ_SCRATCH];
	size_t scratch_used;
} sls_req_t;

/* Reset for a new datagram (does not clear the large buffers). */
void sls_req_reset(sls_req_t *req);
/* Reserve n bytes of scratch; NULL when full. */
char *sls_req_alloc(sls_req_t *req, size_t n);

/* Text forms of the addresses (IPv6 without brackets) and ports. */
sls_str_t sls_req_src_ip(sls_req_t *req);
unsigned sls_req_src_port(const sls_req_t *req);
sls_str_t sls_req_local_ip(sls_req_t *req);
unsigned sls_req_local_port(const sls_req_t *req);

/* The current R-URI text: req->ruri once set, else msg.ruri. */
static inline sls_str_t
sls_req_ruri_str(const sls_req_t *req)
{
	return req->ruri.s != NULL ? req->ruri : req->msg.ruri;
}

/*
 * Parsed current R-URI / From URI / To URI; NULL when it does not parse.
 * The R-URI is re-parsed when req->ruri no longer is the text it was
 * parsed from, so set_ruri needs no explicit invalidation (clearing
 * ruri_parsed still works).
 */
const sls_uri_t *sls_req_ruri(sls_req_t *req);
const sls_uri_t *sls_req_from_uri(sls_req_t *req);
const sls_uri_t *sls_req_to_uri(sls_req_t *req);

#endif
