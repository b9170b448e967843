/*
 * Stateless forwarding as bytes in, bytes out: a request is written as
 * the bytes it came with and a short list of edits (spans replaced or
 * dropped, lines inserted), applied in one pass in buffer order; a reply
 * likewise loses its top via-parm. See fwd.h.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#include "fwd.h"
#include "internal.h"
#include "lex.h"
#include "lib/num.h"
#include "via.h"
#include "writer.h"

int
sls_fwd_max_forwards(const sls_msg_t *msg)
{
	const sls_hdr_t *h = sls_sip_hdr(msg, SLS_HDR_MAX_FORWARDS);
	uint64_t v;

	if (h == NULL)
		return SLS_MF_ABSENT;
	if (!sls_parse_uint(h->value.s, h->value.s + h->value.len, 255, &v))
		return SLS_MF_MALFORMED;
	return (int)v;
}

/*
 * The first value of a Route header (a name-addr, RFC 3261 §20.34): its
 * URI, and where the next value starts (NULL when it is the only one).
 */
static bool
route_value(const sls_hdr_t *h, sls_str_t *uri, const char **next)
{
	const char *p = h->value.s, *end = p + h->value.len, *lt, *gt;

	if (p < end && *p == '"' && (p = skip_quoted(p, end)) == NULL)
		return false;
	if ((lt = memchr(p, '<', (size_t)(end - p))) == NULL ||
	    (gt = memchr(lt + 1, '>', (size_t)(end - lt - 1))) == NULL)
		return false;
	*uri = mkstr(lt + 1, gt);
	*next = NULL;
	for (p = gt + 1; p < end;) {
		if (*p == '"') {
			if ((p = skip_quoted(p, end)) == NULL)
				return false;
		} else if (*p == ',') {
			p = skip_ws(p + 1, end);
			*next = p < end ? p : NULL;
			break;
		} else {
			p++;
		}
	}
	return true;
}

bool
sls_fwd_first_route(const sls_msg_t *msg, sls_str_t *uri)
{
	const sls_hdr_t *h = sls_sip_hdr(msg, SLS_HDR_ROUTE);
	const char *next;

	return h != NULL && route_value(h, uri, &next);
}

/* Past the trailing blanks and the line end after p (a header's end). */
static const char *
past_eol(const char *p, const char *limit)
{
	while (p < limit && is_sp(*p))
		p++;
	if (p < limit && *p == '\r')
		p++;
	if (p < limit && *p == '\n')
		p++;
	return p;
}

/* ---- the edits of a forwarded request ------------------------------- */

enum ed_kind {
	ED_DROP,	/* the span goes, nothing replaces it */
	ED_RURI,	/* the new Request-URI */
	ED_OUR_VIA,	/* our Via line */
	ED_TOP_VIA,	/* the previous top Via with received/rport */
	ED_MF,		/* the Max-Forwards value, decremented */
	ED_MF_ADD,	/* "Max-Forwards: 70" */
	ED_RR,		/* our Record-Route line */
	ED_EOL		/* the line end a last header lacked */
};

#define MAX_EDITS	8

typedef struct edit {
	const char *from, *to;	/* replaced span; from == to inserts */
	enum ed_kind kind;
} edit_t;

typedef struct edits {
	edit_t e[MAX_EDITS];
	size_t n;
} edits_t;

/* Keep the list in buffer order; equal positions keep their order. */
static void
add(edits_t *es, const char *from, const char *to, enum ed_kind kind)
{
	size_t i;

	if (es->n == MAX_EDITS)
		return;
	for (i = es->n++; i > 0 && es->e[i - 1].from > from; i--)
		es->e[i] = es->e[i - 1];
	es->e[i] = (edit_t){ from, to, kind };
}

static void
put_hostport(sls_writer_t *w, const sls_fwd_req_t *f)
{
	sls_put_str(w, f->host);
	SLS_PUT_LIT(w, ":");
	sls_put_uint(w, f->port);
}

static void
put_edit(sls_writer_t *w, const sls_msg_t *msg, const sls_fwd_req_t *f,
    const edit_t *e, int mf)
{
	switch (e->kind) {
	case ED_RURI:
		sls_put_str(w, f->ruri);
		break;
	case ED_OUR_VIA:
		SLS_PUT_LIT(w, "Via: SIP/2.0/UDP ");
		put_hostport(w, f);
		SLS_PUT_LIT(w, ";branch=");
		sls_put_str(w, f->branch);
		SLS_PUT_LIT(w, "\r\n");
		break;
	case ED_TOP_VIA:
		sls_via_put_top(w, &msg->via, msg->hdrs[msg->via.hdr].line,
		    f->src, f->src_ip, f->src_port);
		break;
	case ED_MF:
		sls_put_uint(w, (unsigned)(mf - 1));
		break;
	case ED_MF_ADD:
		SLS_PUT_LIT(w, "Max-Forwards: ");
		sls_put_uint(w, SLS_FWD_MAX_FORWARDS);
		SLS_PUT_LIT(w, "\r\n");
		break;
	case ED_RR:
		SLS_PUT_LIT(w, "Record-Route: <sip:");
		put_hostport(w, f);
		SLS_PUT_LIT(w, ";lr>\r\n");
		break;
	case ED_EOL:
		SLS_PUT_LIT(w, "\r\n");
		break;
	default:
		break;
	}
}

/* The Route value to pop: its line, or the value up to the next one. */
static void
add_route_pop(edits_t *es, const sls_msg_t *msg)
{
	const sls_hdr_t *h = sls_sip_hdr(msg, SLS_HDR_ROUTE);
	const char *next;
	sls_str_t uri;

	if (h == NULL || !route_value(h, &uri, &next))
		return;
	if (next != NULL)
		add(es, h->value.s, next, ED_DROP);
	else
		add(es, h->line.s, past_eol(h->line.s + h->line.len,
		    msg->buf + msg->len), ED_DROP);
}

ssize_t
sls_fwd_request(const sls_msg_t *msg, const sls_fwd_req_t *f, char *out,
    size_t cap)
{
	sls_writer_t w = sls_writer(out, cap);
	const char *end = msg->buf + msg->len, *cur = msg->buf;
	const char *hend = msg->hdr_end;
	/* no empty line: the datagram ended with the headers */
	bool no_blank = hend == msg->body.s;
	int mf = sls_fwd_max_forwards(msg), rr;
	const sls_hdr_t *h;
	edits_t es;
	size_t i;

	es.n = 0;
	if (!msg->is_request || msg->first[SLS_HDR_VIA] < 0 ||
	    msg->via.whole.s == NULL || msg->via.hdr >= msg->nhdrs ||
	    mf == 0 || mf == SLS_MF_MALFORMED)
		return -1;
	if (f->ruri.s != NULL)
		add(&es, msg->ruri.s, msg->ruri.s + msg->ruri.len, ED_RURI);
	h = &msg->hdrs[msg->first[SLS_HDR_VIA]];
	add(&es, h->line.s, h->line.s, ED_OUR_VIA);
	h = &msg->hdrs[msg->via.hdr];
	add(&es, h->line.s, h->line.s + h->line.len, ED_TOP_VIA);
	if (mf > 0) {
		h = sls_sip_hdr(msg, SLS_HDR_MAX_FORWARDS);
		add(&es, h->value.s, h->value.s + h->value.len, ED_MF);
	}
	if (f->pop_route)
		add_route_pop(&es, msg);
	if (no_blank && hend > msg->buf && hend[-1] != '\n')
		add(&es, hend, hend, ED_EOL);
	if (f->record_route) {
		rr = msg->first[SLS_HDR_RECORD_ROUTE];
		cur = rr >= 0 ? msg->hdrs[rr].line.s : hend;
		add(&es, cur, cur, ED_RR);
	}
	if (mf == SLS_MF_ABSENT)
		add(&es, hend, hend, ED_MF_ADD);

	cur = msg->buf;
	for (i = 0; i < es.n; i++) {
		if (es.e[i].from < cur)		/* overlapping edits: a bug */
			return -1;
		sls_put(&w, cur, (size_t)(es.e[i].from - cur));
		put_edit(&w, msg, f, &es.e[i], mf);
		cur = es.e[i].to;
	}
	sls_put(&w, cur, (size_t)(end - cur));
	if (no_blank)
		SLS_PUT_LIT(&w, "\r\n");
	if (w.full)
		return -1;
	return (ssize_t)(w.p - out);
}

/* ---- Vias and replies ----------------------------------------------- */

bool
sls_fwd_via_next(const sls_msg_t *msg, sls_via_t *v)
{
	const char *p, *end;
	unsigned i;

	if (v->whole.s == NULL) {
		if (msg->first[SLS_HDR_VIA] < 0)
			return false;
		i = (unsigned)msg->first[SLS_HDR_VIA];
		p = msg->hdrs[i].value.s;
	} else {
		i = v->hdr;
		if (i >= msg->nhdrs || v->params_end == NULL)
			return false;
		end = msg->hdrs[i].value.s + msg->hdrs[i].value.len;
		p = skip_ws(v->params_end, end);
		if (p < end && *p == ',') {
			p = skip_ws(p + 1, end);
		} else {
			for (i++; i < msg->nhdrs &&
			    msg->hdrs[i].type != SLS_HDR_VIA; i++)
				;
			if (i >= msg->nhdrs)
				return false;
			p = msg->hdrs[i].value.s;
		}
	}
	end = msg->hdrs[i].value.s + msg->hdrs[i].value.len;
	memset(v, 0, sizeof(*v));
	if (sls_via_parse(mkstr(p, end), v) != SLS_E_NONE)
		return false;
	v->hdr = i;
	return true;
}

bool
sls_fwd_addr(sls_str_t host, unsigned port, struct sockaddr_storage *a,
    socklen_t *alen)
{
	char buf[INET6_ADDRSTRLEN];
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)a;
	struct sockaddr_in *s4 = (struct sockaddr_in *)a;
	bool v6;

	if (host.len >= 2 && host.s[0] == '[' && host.s[host.len - 1] == ']') {
		host.s++;
		host.len -= 2;
	}
	if (host.len == 0 || host.len >= sizeof(buf) || port == 0 ||
	    port > 65535)
		return false;
	memcpy(buf, host.s, host.len);
	buf[host.len] = '\0';
	v6 = memchr(buf, ':', host.len) != NULL;
	memset(a, 0, sizeof(*a));
	if (v6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*alen = sizeof(*s6);
		return inet_pton(AF_INET6, buf, &s6->sin6_addr) == 1;
	}
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	*alen = sizeof(*s4);
	return inet_pton(AF_INET, buf, &s4->sin_addr) == 1;
}

bool
sls_fwd_via_dest(const sls_via_t *v, struct sockaddr_storage *dst,
    socklen_t *dstlen)
{
	sls_str_t host = v->host, val;
	unsigned port = v->port_num != 0 ? v->port_num : 5060;

	/* by UDP whatever the Via says, as local replies go: the hop sent
	   its request over UDP, the only transport slserver speaks */
	if (v->received_param.len > 0 &&
	    sls_sip_param(v->received_param, "received", &val) &&
	    val.len > 0)
		host = val;
	if (v->rport && sls_sip_param(v->rport_param, "rport", &val) &&
	    val.len > 0 && !sls_sip_parse_port(val.s, val.s + val.len, &port))
		return false;
	return sls_fwd_addr(host, port, dst, dstlen);
}

ssize_t
sls_fwd_reply(const sls_msg_t *msg, int code, sls_str_t reason, char *out,
    size_t cap)
{
	sls_writer_t w = sls_writer(out, cap);
	const char *end = msg->buf + msg->len, *cur = msg->buf;
	const char *vend, *from, *to, *p;
	const sls_hdr_t *h;

	if (msg->is_request || msg->via.whole.s == NULL ||
	    msg->via.hdr >= msg->nhdrs || msg->via.params_end == NULL)
		return -1;
	h = &msg->hdrs[msg->via.hdr];
	if (h->type != SLS_HDR_VIA || msg->via.whole.s != h->value.s)
		return -1;
	vend = h->value.s + h->value.len;
	p = skip_ws(msg->via.params_end, vend);
	if (p < vend && *p == ',') {
		/* "Via: ours, next": the next stays on the line */
		from = msg->via.whole.s;
		to = skip_ws(p + 1, vend);
	} else {
		from = h->line.s;
		to = past_eol(h->line.s + h->line.len, end);
	}
	if (code != 0) {
		if (code < 100 || code > 699 || msg->reason.s == NULL)
			return -1;
		SLS_PUT_LIT(&w, "SIP/2.0 ");
		sls_put_uint(&w, (unsigned)code);
		SLS_PUT_LIT(&w, " ");
		sls_put_str(&w, reason);
		cur = msg->reason.s + msg->reason.len;
	}
	sls_put(&w, cur, (size_t)(from - cur));
	sls_put(&w, to, (size_t)(end - to));
	if (w.full)
		return -1;
	return (ssize_t)(w.p - out);
}
