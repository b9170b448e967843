/*
 * Stateless replies (RFC 3261 §8.2.6, §18.2.2; RFC 3581): the copied
 * headers are whole request lines written with memcpy; only the top Via
 * (received/rport, via.c) and the To tag are edited on the way; the
 * bounded writer is writer.h.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "reply.h"
#include "sip.h"
#include "via.h"
#include "writer.h"

/* Only the first of From, To, Call-ID, CSeq is copied (2.4 rejects more). */
static inline bool
is_first(const sls_msg_t *msg, unsigned i)
{
	return msg->first[msg->hdrs[i].type] == (int)i;
}

static void
put_contact(sls_writer_t *w, const sls_req_t *req)
{
	bool first = true;
	unsigned i;

	if (!(req->ruri_changed && req->ruri.len > 0) && req->nbranches == 0)
		return;
	SLS_PUT_LIT(w, "Contact: ");
	if (req->ruri_changed && req->ruri.len > 0) {
		SLS_PUT_LIT(w, "<");
		sls_put_str(w, req->ruri);
		SLS_PUT_LIT(w, ">");
		first = false;
	}
	for (i = 0; i < req->nbranches && i < SLS_MAX_BRANCHES; i++) {
		const sls_branch_t *b = &req->branch[i];

		if (!first)
			SLS_PUT_LIT(w, ", ");
		first = false;
		SLS_PUT_LIT(w, "<");
		sls_put_str(w, b->uri);
		SLS_PUT_LIT(w, ">");
		if (b->q_milli >= 0) {
			SLS_PUT_LIT(w, ";q=");
			sls_put_q(w, b->q_milli);
		}
	}
	SLS_PUT_LIT(w, "\r\n");
}

/*
 * The headers copied from the request, in one pass so that they keep the
 * request's order: every Via (the top one edited), the first From, To
 * (tagged when add_tag), Call-ID and CSeq, Record-Route when rr.
 */
static void
put_copied(sls_writer_t *w, sls_req_t *req, sls_str_t to_tag, bool add_tag,
    bool rr)
{
	const sls_msg_t *msg = &req->msg;
	bool top_ok;
	unsigned i;

	top_ok = msg->via.hdr < msg->nhdrs &&
	    msg->hdrs[msg->via.hdr].type == SLS_HDR_VIA &&
	    msg->via.whole.s != NULL;
	for (i = 0; i < msg->nhdrs; i++) {
		const sls_hdr_t *h = &msg->hdrs[i];

		switch (h->type) {
		case SLS_HDR_VIA:
			if (top_ok && i == msg->via.hdr)
				sls_via_put_top(w, &msg->via, h->line,
				    (const struct sockaddr *)&req->src,
				    sls_req_src_ip(req), sls_req_src_port(req));
			else
				sls_put_str(w, h->line);
			break;
		case SLS_HDR_TO:
			if (!is_first(msg, i))
				continue;
			sls_put_str(w, h->line);
			if (add_tag) {
				SLS_PUT_LIT(w, ";tag=");
				sls_put_str(w, to_tag);
			}
			break;
		case SLS_HDR_FROM:
		case SLS_HDR_CALLID:
		case SLS_HDR_CSEQ:
			if (!is_first(msg, i))
				continue;
			sls_put_str(w, h->line);
			break;
		case SLS_HDR_RECORD_ROUTE:
			if (!rr)
				continue;
			sls_put_str(w, h->line);
			break;
		default:
			continue;
		}
		SLS_PUT_LIT(w, "\r\n");
	}
}

ssize_t
sls_reply_build(sls_req_t *req, int code, sls_str_t reason,
    sls_str_t to_tag, const char *server, char *out, size_t cap)
{
	const sls_msg_t *msg = &req->msg;
	sls_writer_t w = sls_writer(out, cap);
	bool add_tag, rr;
	unsigned i;

	if (code < 100 || code > 699)
		return -1;

	SLS_PUT_LIT(&w, "SIP/2.0 ");
	sls_put_uint(&w, (unsigned)code);
	SLS_PUT_LIT(&w, " ");
	sls_put_str(&w, reason);
	SLS_PUT_LIT(&w, "\r\n");

	add_tag = !msg->to.has_tag && code != 100 && to_tag.len > 0;
	/* dialog-creating: 2xx, or 101..199 carrying a to-tag */
	rr = code > 100 && code < 300 &&
	    (code >= 200 || msg->to.has_tag || add_tag);

	put_copied(&w, req, to_tag, add_tag, rr);

	for (i = 0; i < req->nappends && i < SLS_MAX_APPENDS; i++) {
		/* an empty line would end the header section */
		if (req->append[i].len == 0)
			continue;
		sls_put_str(&w, req->append[i]);
		SLS_PUT_LIT(&w, "\r\n");
	}
	if (code >= 300 && code < 400)
		put_contact(&w, req);
	if (server != NULL && server[0] != '\0') {
		SLS_PUT_LIT(&w, "Server: ");
		sls_put(&w, server, strlen(server));
		SLS_PUT_LIT(&w, "\r\n");
	}
	SLS_PUT_LIT(&w, "Content-Length: 0\r\n\r\n");

	if (w.full)
		return -1;
	return (ssize_t)(w.p - out);
}

void
sls_reply_dest(const sls_req_t *req, struct sockaddr_storage *dst,
    socklen_t *dstlen)
{
	const sls_via_t *via = &req->msg.via;
	unsigned port;

	memcpy(dst, &req->src, sizeof(*dst));
	if (via->rport)
		port = sls_req_src_port(req);
	else if (via->port_num > 0 && via->port_num <= 65535)
		port = via->port_num;
	else
		port = 5060;
	switch (dst->ss_family) {
	case AF_INET:
		((struct sockaddr_in *)dst)->sin_port = htons((uint16_t)port);
		*dstlen = sizeof(struct sockaddr_in);
		break;
	case AF_INET6:
		((struct sockaddr_in6 *)dst)->sin6_port =
		    htons((uint16_t)port);
		*dstlen = sizeof(struct sockaddr_in6);
		break;
	default:
		*dstlen = 0;
		break;
	}
}
