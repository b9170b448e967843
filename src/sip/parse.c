/*
 * SIP message parsing (RFC 3261 §7, §18.3, §20, §25) over a datagram that
 * is not NUL-terminated: one pass frames the message (start line, header
 * lines with folding, body cut to Content-Length). No allocation, no
 * copy, no strlen on the buffer; every read is bounded by the buffer end.
 *
 * Liberal where RFC 4475 allows it and nothing becomes ambiguous: runs of
 * SP/HT between start-line elements and after the SIP-Version (lwsstart,
 * trws), bare LF line ends. The basic checks (check.c) are the strict
 * part.
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

/* SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT (RFC 3261 §25.1). */
bool
sls_sip_version_ok(sls_str_t v)
{
	const char *p, *q, *e = v.s + v.len;

	if (v.len < 7 || !ceq_lower(v.s, "sip/", 4))
		return false;
	p = v.s + 4;
	q = skip_digits(p, e);
	if (q == p || q == e || *q != '.')
		return false;
	p = q + 1;
	return p < e && skip_digits(p, e) == e;
}

/* Content-Length value: digits only; huge values saturate. */
bool
sls_sip_parse_clen(sls_str_t v, long *out)
{
	const char *e = v.s + v.len;
	uint64_t n;

	if (v.len == 0 || skip_digits(v.s, e) != e)
		return false;
	/* anything this large exceeds every datagram anyway */
	if (!sls_parse_uint(v.s, e, 0x7fffffff, &n))
		n = 0x7fffffff;
	*out = (long)n;
	return true;
}

static void
msg_reset(sls_msg_t *msg, const char *buf)
{
	msg->buf = buf;
	msg->len = 0;
	msg->is_request = false;
	msg->method = SLS_STR_NULL;
	msg->method_id = SLS_M_OTHER;
	msg->ruri = SLS_STR_NULL;
	msg->version = SLS_STR_NULL;
	msg->status = 0;
	msg->reason = SLS_STR_NULL;
	msg->nhdrs = 0;
	memset(msg->first, 0xff, sizeof(msg->first));
	msg->hdr_end = NULL;
	msg->body = SLS_STR_NULL;
	msg->body_avail = 0;
	memset(&msg->via, 0, sizeof(msg->via));
	memset(&msg->from, 0, sizeof(msg->from));
	memset(&msg->to, 0, sizeof(msg->to));
	msg->callid = SLS_STR_NULL;
	msg->cseq_num = 0;
	msg->cseq_method = SLS_STR_NULL;
	msg->content_length = -1;
	msg->err = SLS_E_NONE;
	msg->addressable = false;
}

/*
 * The Request-Line parses: a method token, a Request-URI (a non-empty
 * word; its syntax is a 400 of its own) and a SIP-Version. Without that
 * a request is never answered (SPEC 9): "X a SIP/" gets no 505.
 */
bool
sls_sip_request_line_ok(const sls_msg_t *msg)
{
	const char *m = msg->method.s, *me = m + msg->method.len;

	return msg->method.len > 0 && skip_token(m, me) == me &&
	    msg->ruri.len > 0 && sls_sip_version_ok(msg->version);
}

/* Request-Line or Status-Line in [b, e) (line end excluded). 0 or -1. */
static int
parse_start_line(sls_msg_t *msg, const char *b, const char *e)
{
	const char *w, *v, *p;
	uint64_t st;

	while (e > b && IS(e[-1], C_WS))
		e--;
	for (w = b; w < e && !is_sp(*w); w++)
		;
	if (w - b >= 4 && ceq_lower(b, "sip/", 4)) {
		/* SIP-Version SP Status-Code SP Reason-Phrase */
		msg->version = mkstr(b, w);
		p = w;
		while (p < e && is_sp(*p))
			p++;
		if (p == w || e - p < 3 || (e - p > 3 && !is_sp(p[3])) ||
		    !sls_parse_uint(p, p + 3, 699, &st) || st < 100)
			return -1;
		msg->status = (unsigned)st;
		p += 3;
		while (p < e && is_sp(*p))
			p++;
		msg->reason = mkstr(p, e);
		msg->is_request = false;
		return 0;
	}
	/* Method SP Request-URI SP SIP-Version; the version is the last word */
	for (v = e; v > w && !is_sp(v[-1]); v--)
		;
	if (v == w || e - v < 4 || !ceq_lower(v, "sip/", 4))
		return -1;
	msg->is_request = true;
	msg->method = mkstr(b, w);
	msg->method_id = sls_sip_method_id(msg->method);
	msg->version = mkstr(v, e);
	while (w < v && is_sp(*w))
		w++;
	while (v > w && is_sp(v[-1]))
		v--;
	msg->ruri = mkstr(w, v);
	/* what SPEC 9 asks before a request may be answered at all */
	if (!sls_sip_request_line_ok(msg))
		set_err(msg, SLS_E_BAD_START_LINE);
	return 0;
}

/* One header [s, e) (folded lines included, final line end excluded). */
static void
add_header(sls_msg_t *msg, const char *s, const char *e)
{
	const char *colon, *ne, *v, *ve;
	sls_hdr_t *h;
	long cl;

	/* name, white space, colon: one pass (':' is not a token char) */
	ne = skip_token(s, e);
	colon = skip_ws(ne, e);
	if (ne == s || colon == e || *colon != ':') {
		set_err(msg, SLS_E_BAD_HEADER);
		return;
	}
	if (msg->nhdrs >= SLS_SIP_MAX_HEADERS) {
		set_err(msg, SLS_E_TOO_MANY_HEADERS);
		return;
	}
	v = skip_ws(colon + 1, e);
	ve = rtrim(v, e);
	if (v == ve)
		v = ve = colon + 1;	/* empty: keep it inside the line */
	h = &msg->hdrs[msg->nhdrs];
	h->name = mkstr(s, ne);
	h->value = mkstr(v, ve);
	h->line = mkstr(s, ve);
	h->type = (uint8_t)sls_sip_hdr_type(h->name);
	if (msg->first[h->type] < 0) {
		msg->first[h->type] = (int16_t)msg->nhdrs;
		if (h->type == SLS_HDR_CLEN &&
		    sls_sip_parse_clen(h->value, &cl))
			msg->content_length = cl;
	}
	msg->nhdrs++;
}

int
sls_sip_parse(sls_msg_t *msg, const char *buf, size_t len)
{
	const char *p, *end, *eol, *start, *lend;
	size_t avail, blen;

	msg_reset(msg, buf);
	if (buf == NULL || len == 0)
		return -1;
	end = buf + len;
	/* RFC 3261 §7.5: CRLFs before the start line are ignored */
	for (p = buf; p < end && (*p == '\r' || *p == '\n'); p++)
		;
	if (p == end)
		return -1;
	eol = memchr(p, '\n', (size_t)(end - p));
	lend = eol != NULL ? eol : end;
	if (parse_start_line(msg, p, lend) < 0)
		return -1;
	msg->buf = p;
	p = eol != NULL ? eol + 1 : end;

	while (p < end) {
		/* the empty line ends the headers */
		if (*p == '\n') {
			msg->hdr_end = p++;
			goto body;
		}
		if (*p == '\r' && (end - p == 1 || p[1] == '\n')) {
			msg->hdr_end = p;
			p += end - p == 1 ? 1 : 2;
			goto body;
		}
		/* a header: this line and every line starting with SP/HT */
		start = p;
		for (;;) {
			eol = memchr(p, '\n', (size_t)(end - p));
			if (eol == NULL) {
				lend = p = end;
				break;
			}
			lend = eol;
			p = eol + 1;
			if (p == end || !is_sp(*p))
				break;
		}
		if (lend > start && lend[-1] == '\r')
			lend--;
		add_header(msg, start, lend);
	}
	msg->hdr_end = end;
body:
	avail = (size_t)(end - p);
	blen = avail;
	/* RFC 3261 §18.3: octets after Content-Length are discarded */
	if (msg->content_length >= 0 && (size_t)msg->content_length <= avail)
		blen = (size_t)msg->content_length;
	msg->body = (sls_str_t){ p, blen };
	msg->body_avail = avail;
	msg->len = (size_t)(p + blen - msg->buf);
	return 0;
}
