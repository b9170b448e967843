/*
 * Via (RFC 3261 §20.42, §18.2.1; RFC 3581): parsing the top Via header
 * (its first via-parm kept, the others checked), and writing it back with
 * received and rport filled in.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "lex.h"
#include "lib/num.h"
#include "via.h"

/* sent-protocol = name SLASH version SLASH transport; 0 or -1. */
static int
sent_protocol(const char **pp, const char *end, sls_via_t *v, bool *sip20)
{
	const char *p = *pp, *q;
	sls_str_t proto, ver;

	q = skip_token(p, end);
	proto = mkstr(p, q);
	p = skip_ws(q, end);
	if (proto.len == 0 || p == end || *p != '/')
		return -1;
	p = skip_ws(p + 1, end);
	q = skip_token(p, end);
	ver = mkstr(p, q);
	p = skip_ws(q, end);
	if (ver.len == 0 || p == end || *p != '/')
		return -1;
	p = skip_ws(p + 1, end);
	q = skip_token(p, end);
	if (q == p)
		return -1;
	v->transport = mkstr(p, q);
	*sip20 = STR_CASEIS(proto, "sip") && STR_IS(ver, "2.0");
	*pp = q;
	return 0;
}

/* LWS sent-by = host [COLON port] at *pp; 0 or -1 (port_num then 0). */
static int
sent_by(const char **pp, const char *end, sls_via_t *v)
{
	const char *p, *q = *pp;

	p = skip_ws(q, end);
	if (p == q)
		return -1;
	q = sls_sip_parse_host(p, end);
	if (q == NULL)
		return -1;
	v->host = mkstr(p, q);
	v->params_end = q;
	p = skip_ws(q, end);
	if (p < end && *p == ':') {
		p = skip_ws(p + 1, end);
		q = skip_digits(p, end);
		if (!sls_sip_parse_port(p, q, &v->port_num)) {
			v->port_num = 0;
			return -1;
		}
		v->port = mkstr(p, q);
		v->params_end = q;
	}
	*pp = v->params_end;
	return 0;
}

/*
 * The via-params from *pp: branch, rport, received noted; *pp left at the
 * first byte after them that is not LWS. False when one is malformed.
 */
static bool
via_params(const char **pp, const char *end, sls_via_t *v)
{
	struct sls_param prm;
	bool ok = true;
	unsigned n;
	int r;

	while ((r = sls_sip_param_next(pp, end, &prm)) > 0) {
		v->params_end = prm.end;
		if (STR_CASEIS(prm.name, "branch")) {
			if (!prm.has_value)
				ok = false;
			else if (v->branch.s == NULL)
				v->branch = prm.value;
		} else if (STR_CASEIS(prm.name, "rport")) {
			if (prm.has_value &&
			    !sls_parse_port(prm.value.s, prm.value.s +
			    prm.value.len, &n))
				ok = false;
			if (!v->rport) {
				v->rport = true;
				v->rport_param = mkstr(prm.start, prm.end);
			}
		} else if (STR_CASEIS(prm.name, "received")) {
			if (!prm.has_value)
				ok = false;
			else if (v->received_param.s == NULL)
				v->received_param =
				    mkstr(prm.start, prm.end);
		}
	}
	return ok && r == 0;
}

/*
 * One via-parm at *pp into v. On success *pp is at the comma before the
 * next via-parm or at end. On failure v holds what was found.
 *
 * v->answerable (SPEC 9): the sent-protocol is SIP/2.0/UDP and the
 * sent-by is valid and ends where params, the next via-parm or the value
 * do; malformed params after it (badinv01) leave it answerable, so the
 * 400 can say what was wrong. Anything else is never answered: a reply
 * to a sent-by we cannot parse, or over a transport we do not speak,
 * would only reflect traffic.
 */
static enum sls_err
via_parm(const char **pp, const char *end, sls_via_t *v)
{
	const char *p = *pp, *start = *pp, *q;
	bool sip20, ok;

	if (sent_protocol(&p, end, v, &sip20) < 0)
		return SLS_E_BAD_VIA;
	if (sent_by(&p, end, v) < 0) {
		if (v->host.s != NULL)
			v->whole = mkstr(start, v->host.s + v->host.len);
		return SLS_E_BAD_VIA;
	}
	q = skip_ws(p, end);
	v->answerable = sip20 && STR_CASEIS(v->transport, "udp") &&
	    (q == end || *q == ';' || *q == ',');
	ok = via_params(&p, end, v);
	/* then the end of the value or a comma and the next via-parm */
	if (p < end && *p != ',')
		ok = false;
	v->whole = mkstr(start, v->params_end);
	*pp = p;
	return sip20 && ok ? SLS_E_NONE : SLS_E_BAD_VIA;
}

enum sls_err
sls_via_parse(sls_str_t value, sls_via_t *v)
{
	const char *p = value.s, *end = p + value.len;
	enum sls_err err;
	sls_via_t next;

	err = via_parm(&p, end, v);
	/*
	 * The rest of the top Via header: more via-parms, none of them
	 * empty or malformed (RFC 4475 badinv01: "SIP/2.0/UDP h;;,;,,").
	 */
	while (err == SLS_E_NONE && p < end) {
		p = skip_ws(p + 1, end);
		memset(&next, 0, sizeof(next));
		if (p == end || *p == ',' || via_parm(&p, end, &next) !=
		    SLS_E_NONE)
			err = SLS_E_BAD_VIA;
	}
	return err;
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
sent_by_is_source(const struct sockaddr *src, sls_str_t host, sls_str_t ip)
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
	if (src->sa_family == AF_INET6) {
		s6 = (const struct sockaddr_in6 *)src;
		if (inet_pton(AF_INET6, buf, a) == 1)
			return memcmp(a, &s6->sin6_addr, 16) == 0;
		return inet_pton(AF_INET, buf, a) == 1 &&
		    IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) &&
		    memcmp(a, s6->sin6_addr.s6_addr + 12, 4) == 0;
	}
	if (src->sa_family == AF_INET) {
		s4 = (const struct sockaddr_in *)src;
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
void
sls_via_put_top(sls_writer_t *w, const sls_via_t *via, sls_str_t line,
    const struct sockaddr *src, sls_str_t ip, unsigned port)
{
	const char *lend = line.s + line.len, *cur, *pend;
	edit_t e[2], tmp;
	size_t n = 0, i;
	bool rcv;

	pend = via->params_end;
	if (pend == NULL && via->whole.s != NULL)
		pend = via->whole.s + via->whole.len;
	if (ip.len == 0 || !span_in(line, pend, pend)) {
		/* unknown source or no usable spans: leave it as it was */
		sls_put_str(w, line);
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
	    !sent_by_is_source(src, via->host, ip);
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
		sls_put(w, cur, (size_t)(e[i].from - cur));
		if (e[i].kind == ED_RPORT) {
			SLS_PUT_LIT(w, ";rport=");
			sls_put_uint(w, port);
		} else {
			SLS_PUT_LIT(w, ";received=");
			sls_put_str(w, ip);
		}
		cur = e[i].to;
	}
	sls_put(w, cur, (size_t)(lend - cur));
}
