/*
 * The basic checks of a request (SPEC 2.4): the few headers every request
 * needs are parsed here and the first defect is recorded as an internal
 * error (error.h).
 *
 * Strict where a reply could carry or act on garbage: Request-URI syntax
 * (no LWS, no <>, no ?headers), unquoted display names must be tokens
 * (baddn), Via params must be well formed (badinv01). Liberal where RFC
 * 4475 allows it: LWS inside <> of From/To (badaspec), '_' in host names.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "lex.h"
#include "lib/num.h"
#include "via.h"

/*
 * From / To: name-addr (display name as quoted-string or tokens, then
 * <URI>) or addr-spec, then header params. False when malformed; uri and
 * tag are still filled when they can be found.
 */
static bool
parse_nameaddr(const sls_hdr_t *h, sls_nameaddr_t *na)
{
	const char *p = h->value.s, *end = p + h->value.len, *q, *u;
	struct sls_param prm;
	bool ok = true;
	int r;

	if (p == end)
		return false;
	if (*p == '"') {
		q = skip_quoted(p, end);
		if (q == NULL)
			return false;
		p = skip_ws(q, end);
		if (p == end || *p != '<')
			return false;
	} else if (*p != '<') {
		q = skip_token_ws(p, end);
		if (q < end && *q == '<')
			p = q;
	}
	if (*p == '<') {
		q = memchr(p + 1, '>', (size_t)(end - p - 1));
		if (q == NULL)
			return false;
		/* LWS inside <> is tolerated (RFC 4475 badaspec) */
		u = skip_ws(p + 1, q);
		na->uri = mkstr(u, rtrim(u, q));
		p = q + 1;
	} else {
		/* addr-spec: the URI cannot hold ';' or LWS here */
		for (q = p; q < end && *q != ';' && !IS(*q, C_WS); q++)
			;
		na->uri = mkstr(p, q);
		p = q;
	}
	if (!sls_sip_uri_sane(na->uri))
		ok = false;
	while ((r = sls_sip_param_next(&p, end, &prm)) > 0) {
		if (!STR_CASEIS(prm.name, "tag"))
			continue;
		if (!prm.has_value || prm.value.s[0] == '"')
			ok = false;
		else if (!na->has_tag) {
			na->tag = prm.value;
			na->has_tag = true;
		}
	}
	if (r < 0 || p != end)
		ok = false;
	return ok;
}

/*
 * CSeq: 1*DIGIT LWS Method. 0 ok, 1 number too big (the method is still
 * set), -1 malformed.
 */
static int
parse_cseq(sls_msg_t *msg, const sls_hdr_t *h)
{
	const char *p = h->value.s, *end = p + h->value.len, *q;
	uint64_t n = 0;
	bool big;

	q = skip_digits(p, end);
	if (q == p)
		return -1;
	/* RFC 3261 §8.1.1.5: less than 2**31, whatever the width of long */
	big = !sls_parse_uint(p, q, 0x7fffffff, &n);
	p = skip_ws(q, end);
	if (p == q)
		return -1;
	q = skip_token(p, end);
	if (q == p || q != end)
		return -1;
	msg->cseq_num = big ? 0 : (uint32_t)n;
	msg->cseq_method = mkstr(p, q);
	return big ? 1 : 0;
}

/* Content-Length: every value valid, all equal, within the datagram. */
static enum sls_err
check_clen(const sls_msg_t *msg)
{
	long first = -1, v;
	unsigned i;

	for (i = 0; i < msg->nhdrs; i++) {
		if (msg->hdrs[i].type != SLS_HDR_CLEN)
			continue;
		if (!sls_sip_parse_clen(msg->hdrs[i].value, &v))
			return SLS_E_BAD_CLEN;
		if (first < 0)
			first = v;
		else if (v != first)
			return SLS_E_MULTI_CLEN;
	}
	if (first >= 0 && (size_t)first > msg->body_avail)
		return SLS_E_CLEN_TOO_BIG;
	return SLS_E_NONE;
}

/* How many of each header the checks count duplicates of. */
struct counts {
	unsigned from, to, callid, cseq;
};

static void
count_headers(const sls_msg_t *msg, struct counts *n)
{
	unsigned i;

	memset(n, 0, sizeof(*n));
	for (i = 0; i < msg->nhdrs; i++) {
		switch (msg->hdrs[i].type) {
		case SLS_HDR_FROM:
			n->from++;
			break;
		case SLS_HDR_TO:
			n->to++;
			break;
		case SLS_HDR_CALLID:
			n->callid++;
			break;
		case SLS_HDR_CSEQ:
			n->cseq++;
			break;
		default:
			break;
		}
	}
}

/* SIP version, then for a request the Request-URI. */
static void
check_start_line(sls_msg_t *msg)
{
	sls_uri_t u;

	/* RFC 3261 §7.1: the version string is case-insensitive */
	if (!STR_CASEIS(msg->version, "sip/2.0"))
		set_err(msg, SLS_E_BAD_VERSION);
	if (!msg->is_request || msg->err != SLS_E_NONE)
		return;
	/* RFC 3261 §19.1.1: no headers in a Request-URI */
	if (sls_uri_parse(msg->ruri, &u) < 0 || u.headers.s != NULL)
		set_err(msg, SLS_E_BAD_RURI);
	else if (!STR_CASEIS(u.scheme, "sip") &&
	    !STR_CASEIS(u.scheme, "sips") && !STR_CASEIS(u.scheme, "tel"))
		set_err(msg, SLS_E_RURI_SCHEME);
}

/* The top Via; true when a reply may be addressed by it (SPEC 9). */
static bool
check_via(sls_msg_t *msg)
{
	if (msg->first[SLS_HDR_VIA] < 0) {
		set_err(msg, SLS_E_NO_VIA);
		return false;
	}
	msg->via.hdr = (unsigned)msg->first[SLS_HDR_VIA];
	set_err(msg, sls_via_parse(msg->hdrs[msg->via.hdr].value,
	    &msg->via));
	return msg->via.answerable;
}

/* From or To: present, once, well formed (the first one is parsed). */
static void
check_nameaddr(sls_msg_t *msg, enum sls_hdr_type type, unsigned n,
    sls_nameaddr_t *na)
{
	bool from = type == SLS_HDR_FROM;

	if (n == 0)
		set_err(msg, from ? SLS_E_NO_FROM : SLS_E_NO_TO);
	else if (n > 1)
		set_err(msg, from ? SLS_E_MULTI_FROM : SLS_E_MULTI_TO);
	if (n > 0 && !parse_nameaddr(sls_sip_hdr(msg, type), na))
		set_err(msg, from ? SLS_E_BAD_FROM : SLS_E_BAD_TO);
}

static void
check_callid(sls_msg_t *msg, unsigned n)
{
	if (n > 0)
		msg->callid = sls_sip_hdr(msg, SLS_HDR_CALLID)->value;
	if (msg->callid.len == 0)
		set_err(msg, SLS_E_NO_CALLID);
	else if (n > 1)
		set_err(msg, SLS_E_MULTI_CALLID);
}

/*
 * CSeq; true when it can be copied into a reply: present and not empty,
 * well formed or not (a reply copies it as it came, so "CSeq: one
 * OPTIONS" gets its 400 like a malformed From or To does).
 */
static bool
check_cseq(sls_msg_t *msg, unsigned n)
{
	const sls_hdr_t *h;

	if (n == 0) {
		set_err(msg, SLS_E_NO_CSEQ);
		return false;
	}
	if (n > 1)
		set_err(msg, SLS_E_MULTI_CSEQ);
	h = sls_sip_hdr(msg, SLS_HDR_CSEQ);
	if (parse_cseq(msg, h) != 0)
		set_err(msg, SLS_E_BAD_CSEQ);
	else if (msg->is_request &&
	    (msg->cseq_method.len != msg->method.len ||
	    memcmp(msg->cseq_method.s, msg->method.s, msg->method.len) != 0))
		set_err(msg, SLS_E_CSEQ_METHOD);
	return h->value.len > 0;
}

/*
 * SPEC 2.4 in this order: SIP version, Request-URI, Via, From, To,
 * Call-ID, CSeq, Content-Length, Max-Forwards. A defect found by
 * sls_sip_parse (start line, header line, too many headers) stays first.
 *
 * A missing From tag is not a defect: RFC 2543 peers omit it, RFC 4475
 * inv2543 asks that they be accepted, and neither the reply nor the ACK
 * filter needs it (an empty tag is hashed and keyed like any other).
 *
 * addressable (SPEC 9, what may be answered at all): the start line
 * parses (method token, a Request-URI word, SIP/DIGITS.DIGITS: SIP/3.0
 * gets its 505), the top Via is SIP/2.0/UDP with a valid sent-by, and
 * From, To, Call-ID and CSeq are present and not empty (malformed ones
 * are still copied into the reply as they are, so e.g. quotbal, baddn
 * and "CSeq: one OPTIONS" get their 400). Everything else is dropped:
 * the less a request must hold to be answered, the better a reflector a
 * server is for forged sources. With several From/To/Call-ID/CSeq the
 * first one is used.
 * Responses get the same parsing (Via, From, To, Call-ID, CSeq) but are
 * never addressable.
 */
int
sls_sip_check(sls_msg_t *msg)
{
	const sls_hdr_t *h;
	struct counts n;
	uint64_t mf;
	bool via_ok, cseq_ok;

	/* a second call gives the same result */
	memset(&msg->via, 0, sizeof(msg->via));
	memset(&msg->from, 0, sizeof(msg->from));
	memset(&msg->to, 0, sizeof(msg->to));
	msg->callid = SLS_STR_NULL;
	msg->cseq_num = 0;
	msg->cseq_method = SLS_STR_NULL;

	count_headers(msg, &n);
	check_start_line(msg);
	via_ok = check_via(msg);
	check_nameaddr(msg, SLS_HDR_FROM, n.from, &msg->from);
	check_nameaddr(msg, SLS_HDR_TO, n.to, &msg->to);
	check_callid(msg, n.callid);
	cseq_ok = check_cseq(msg, n.cseq);

	/* nothing is ever sent in answer to a response */
	msg->addressable = msg->is_request &&
	    sls_sip_request_line_ok(msg) && via_ok && n.from > 0 &&
	    n.to > 0 && sls_sip_hdr(msg, SLS_HDR_FROM)->value.len > 0 &&
	    sls_sip_hdr(msg, SLS_HDR_TO)->value.len > 0 &&
	    msg->callid.len > 0 && cseq_ok;

	if (msg->err != SLS_E_NONE)
		return -1;
	set_err(msg, check_clen(msg));
	h = sls_sip_hdr(msg, SLS_HDR_MAX_FORWARDS);
	if (h != NULL && !sls_parse_uint(h->value.s, h->value.s +
	    h->value.len, 255, &mf))
		set_err(msg, SLS_E_BAD_MAX_FORWARDS);
	return msg->err == SLS_E_NONE ? 0 : -1;
}
