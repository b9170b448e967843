/*
 * Stateless replies (RFC 3261 §8.2.6, §18.2.2; RFC 3581): the copied
 * headers are whole request lines written with memcpy; only the top Via
 * (received/rport) and the To tag are edited on the way.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "reply.h"
#include "sip.h"

/* A bounded writer: once something does not fit, nothing more is written. */
typedef struct wr {
	char *p;
	char *end;
	bool full;
} wr_t;

static inline void
put(wr_t *w, const char *s, size_t n)
{
	if (n > (size_t)(w->end - w->p)) {
		w->full = true;
		w->p = w->end;
		return;
	}
	if (n > 0) {
		memcpy(w->p, s, n);
		w->p += n;
	}
}

#define PUT_LIT(w, l)	put((w), (l), sizeof(l) - 1)

static inline void
put_str(wr_t *w, sls_str_t s)
{
	put(w, s.s, s.len);
}

static void
put_uint(wr_t *w, unsigned v)
{
	char tmp[10];
	size_t n = sizeof(tmp);

	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && n > 0);
	put(w, tmp + n, sizeof(tmp) - n);
}

/* q in thousandths as RFC 3261 qvalue: 500 -> "0.5", 1000 -> "1". */
static void
put_q(wr_t *w, int q)
{
	char buf[5] = { '0', '.', 0, 0, 0 };
	size_t n = 5;

	if (q >= 1000) {
		PUT_LIT(w, "1");
		return;
	}
	if (q <= 0) {
		PUT_LIT(w, "0");
		return;
	}
	buf[2] = (char)('0' + q / 100);
	buf[3] = (char)('0' + q / 10 % 10);
	buf[4] = (char)('0' + q % 10);
	while (buf[n - 1] == '0')
		n--;
	put(w, buf, n);
}

static bool
span_in(sls_str_t line, const char *from, const char *to)
{
	return from != NULL && from >= line.s && from <= to &&
	    to <= line.s + line.len;
}

/*
 * Whether the sent-by host is the source address: textually (brackets
 * off, case-insensitive), else as binary addresses so that other spellings
 * of the same IPv6 address, or IPv4 against an IPv4-mapped source, match.
 */
static bool
sent_by_is_source(const sls_req_t *req, sls_str_t host, sls_str_t ip)
{
	char buf[INET6_ADDRSTRLEN + 1];
	unsigned char a[16];
	const struct sockaddr_in6 *s6;
	const struct sockaddr_in *s4;

	if (host.len >= 2 && host.s[0] == '[' && host.s[host.len - 1] == ']') {
		host.s++;
		host.len -= 2;
	}
	if (host.len == ip.len && strncasecmp(host.s, ip.s, ip.len) == 0)
		return true;
	if (host.len == 0 || host.len >= sizeof(buf))
		return false;
	memcpy(buf, host.s, host.len);
	buf[host.len] = '\0';
	if (req->src.ss_family == AF_INET6) {
		s6 = (const struct sockaddr_in6 *)&req->src;
		if (inet_pton(AF_INET6, buf, a) == 1)
			return memcmp(a, &s6->sin6_addr, 16) == 0;
		return inet_pton(AF_INET, buf, a) == 1 &&
		    IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) &&
		    memcmp(a, s6->sin6_addr.s6_addr + 12, 4) == 0;
	}
	if (req->src.ss_family == AF_INET) {
		s4 = (const struct sockaddr_in *)&req->src;
		return inet_pton(AF_INET, buf, a) == 1 &&
		    memcmp(a, &s4->sin_addr, 4) == 0;
	}
	return false;
}

enum edit_kind { ED_RPORT, ED_RECEIVED };

typedef struct edit {
	const char *from, *to;	/* span replaced, may be empty */
	enum edit_kind kind;
} edit_t;

/*
 * The top Via line with rport filled and received set. An existing
 * received is replaced in place; a new one goes at the end of the
 * via-parm's params (before any ", next-via" of the same header).
 */
static void
put_top_via(wr_t *w, sls_req_t *req, sls_str_t line)
{
	const sls_via_t *via = &req->msg.via;
	const char *lend = line.s + line.len, *cur, *pend;
	sls_str_t ip = sls_req_src_ip(req);
	edit_t e[2], tmp;
	size_t n = 0, i;
	bool rcv;

	pend = via->params_end;
	if (pend == NULL && via->whole.s != NULL)
		pend = via->whole.s + via->whole.len;
	if (ip.len == 0 || !span_in(line, pend, pend)) {
		/* unknown source or no usable spans: leave it as it was */
		put_str(w, line);
		return;
	}
	if (via->rport) {
		if (via->rport_param.len > 0 && span_in(line,
		    via->rport_param.s, via->rport_param.s +
		    via->rport_param.len))
			e[n++] = (edit_t){ via->rport_param.s,
			    via->rport_param.s + via->rport_param.len,
			    ED_RPORT };
		else
			e[n++] = (edit_t){ pend, pend, ED_RPORT };
	}
	rcv = via->rport || via->received_param.len > 0 ||
	    !sent_by_is_source(req, via->host, ip);
	if (rcv) {
		if (via->received_param.len > 0 && span_in(line,
		    via->received_param.s, via->received_param.s +
		    via->received_param.len))
			e[n++] = (edit_t){ via->received_param.s,
			    via->received_param.s + via->received_param.len,
			    ED_RECEIVED };
		else
			e[n++] = (edit_t){ pend, pend, ED_RECEIVED };
	}
	if (n == 2 && (e[1].from < e[0].from ||
	    (e[1].from == e[0].from && e[1].kind < e[0].kind))) {
		tmp = e[0];
		e[0] = e[1];
		e[1] = tmp;
	}
	cur = line.s;
	for (i = 0; i < n; i++) {
		if (e[i].from < cur)	/* overlapping spans: parser bug */
			continue;
		put(w, cur, (size_t)(e[i].from - cur));
		if (e[i].kind == ED_RPORT) {
			PUT_LIT(w, ";rport=");
			put_uint(w, sls_req_src_port(req));
		} else {
			PUT_LIT(w, ";received=");
			put_str(w, ip);
		}
		cur = e[i].to;
	}
	put(w, cur, (size_t)(lend - cur));
}

/* Only the first of From, To, Call-ID, CSeq is copied (2.4 rejects more). */
static inline bool
is_first(const sls_msg_t *msg, unsigned i)
{
	return msg->first[msg->hdrs[i].type] == (int)i;
}

static void
put_contact(wr_t *w, const sls_req_t *req)
{
	bool first = true;
	unsigned i;

	if (!(req->ruri_changed && req->ruri.len > 0) && req->nbranches == 0)
		return;
	PUT_LIT(w, "Contact: ");
	if (req->ruri_changed && req->ruri.len > 0) {
		PUT_LIT(w, "<");
		put_str(w, req->ruri);
		PUT_LIT(w, ">");
		first = false;
	}
	for (i = 0; i < req->nbranches && i < SLS_MAX_BRANCHES; i++) {
		const sls_branch_t *b = &req->branch[i];

		if (!first)
			PUT_LIT(w, ", ");
		first = false;
		PUT_LIT(w, "<");
		put_str(w, b->uri);
		PUT_LIT(w, ">");
		if (b->q_milli >= 0) {
			PUT_LIT(w, ";q=");
			put_q(w, b->q_milli);
		}
	}
	PUT_LIT(w, "\r\n");
}

ssize_t
sls_reply_build(sls_req_t *req, int code, sls_str_t reason,
    sls_str_t to_tag, const char *server, char *out, size_t cap)
{
	const sls_msg_t *msg = &req->msg;
	wr_t w = { out, out + cap, false };
	bool add_tag, rr, top_ok;
	unsigned i;

	if (code < 100 || code > 699)
		return -1;

	PUT_LIT(&w, "SIP/2.0 ");
	put_uint(&w, (unsigned)code);
	PUT_LIT(&w, " ");
	put_str(&w, reason);
	PUT_LIT(&w, "\r\n");

	add_tag = !msg->to.has_tag && code != 100 && to_tag.len > 0;
	/* dialog-creating: 2xx, or 101..199 carrying a to-tag */
	rr = code > 100 && code < 300 &&
	    (code >= 200 || msg->to.has_tag || add_tag);
	top_ok = msg->via.hdr < msg->nhdrs &&
	    msg->hdrs[msg->via.hdr].type == SLS_HDR_VIA &&
	    msg->via.whole.s != NULL;

	/* one pass, so the copied headers keep the request's order */
	for (i = 0; i < msg->nhdrs; i++) {
		const sls_hdr_t *h = &msg->hdrs[i];

		switch (h->type) {
		case SLS_HDR_VIA:
			if (top_ok && i == msg->via.hdr)
				put_top_via(&w, req, h->line);
			else
				put_str(&w, h->line);
			break;
		case SLS_HDR_TO:
			if (!is_first(msg, i))
				continue;
			put_str(&w, h->line);
			if (add_tag) {
				PUT_LIT(&w, ";tag=");
				put_str(&w, to_tag);
			}
			break;
		case SLS_HDR_FROM:
		case SLS_HDR_CALLID:
		case SLS_HDR_CSEQ:
			if (!is_first(msg, i))
				continue;
			put_str(&w, h->line);
			break;
		case SLS_HDR_RECORD_ROUTE:
			if (!rr)
				continue;
			put_str(&w, h->line);
			break;
		default:
			continue;
		}
		PUT_LIT(&w, "\r\n");
	}

	for (i = 0; i < req->nappends && i < SLS_MAX_APPENDS; i++) {
		/* an empty line would end the header section */
		if (req->append[i].len == 0)
			continue;
		put_str(&w, req->append[i]);
		PUT_LIT(&w, "\r\n");
	}
	if (code >= 300 && code < 400)
		put_contact(&w, req);
	if (server != NULL && server[0] != '\0') {
		PUT_LIT(&w, "Server: ");
		put(&w, server, strlen(server));
		PUT_LIT(&w, "\r\n");
	}
	PUT_LIT(&w, "Content-Length: 0\r\n\r\n");

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
