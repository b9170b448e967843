/*
 * SIP message parsing (RFC 3261 §7, §18.3, §20, §25) over a datagram that
 * is not NUL-terminated. One pass frames the message; the basic checks
 * parse the few headers every request needs. No allocation, no copy, no
 * strlen on the buffer; every read is bounded by the buffer end.
 *
 * Liberal where RFC 4475 allows it and nothing becomes ambiguous: runs of
 * SP/HT between start-line elements and after the SIP-Version (lwsstart,
 * trws), bare LF line ends, LWS inside <> of From/To (badaspec), '_' in
 * host names. Strict where a reply could carry or act on garbage:
 * Request-URI syntax (no LWS, no <>, no ?headers), unquoted display names
 * must be tokens (baddn), Via params must be well formed (badinv01).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/chars.h"
#include "lib/num.h"
#include "sip.h"

/*
 * SIP character classes (RFC 3261 §25.1) beyond lib/chars.h, which has
 * token, digit and alpha.
 */
#define C_WS	0x0001	/* SP HT CR LF: what folding leaves in a value */
#define C_HEX	0x0002
#define C_HOST	0x0004	/* hostname / IPv4address: alphanum - . _ */
#define C_SCH	0x0008	/* scheme after its first letter */
#define C_USER	0x0010	/* unreserved / user-unreserved */
#define C_PASS	0x0020	/* unreserved / & = + $ , */
#define C_PARAM	0x0040	/* paramchar without escapes */
#define C_HNV	0x0080	/* hname / hvalue chars without escapes */
#define C_VAL	0x0100	/* gen-value: token, host, IPv6 reference */

/* unreserved = alphanum / mark: in every URI component */
#define C_UNR	(C_USER | C_PASS | C_PARAM | C_HNV)
#define C_ALNUM	(C_HOST | C_SCH | C_UNR | C_VAL)

static const uint16_t cc[256] = {
	[' '] = C_WS, ['\t'] = C_WS, ['\r'] = C_WS, ['\n'] = C_WS,
	['0' ... '9'] = C_ALNUM | C_HEX,
	['A' ... 'F'] = C_ALNUM | C_HEX,
	['G' ... 'Z'] = C_ALNUM,
	['a' ... 'f'] = C_ALNUM | C_HEX,
	['g' ... 'z'] = C_ALNUM,
	['-'] = C_HOST | C_SCH | C_UNR | C_VAL,
	['.'] = C_HOST | C_SCH | C_UNR | C_VAL,
	['_'] = C_HOST | C_UNR | C_VAL,
	['!'] = C_UNR | C_VAL,
	['~'] = C_UNR | C_VAL,
	['*'] = C_UNR | C_VAL,
	['\''] = C_UNR | C_VAL,
	['('] = C_UNR,
	[')'] = C_UNR,
	['%'] = C_VAL,
	['+'] = C_SCH | C_UNR | C_VAL,
	['`'] = C_VAL,
	['&'] = C_USER | C_PASS | C_PARAM,
	['='] = C_USER | C_PASS,
	['$'] = C_USER | C_PASS | C_PARAM | C_HNV,
	[','] = C_USER | C_PASS,
	[';'] = C_USER,
	['?'] = C_USER | C_HNV,
	['/'] = C_USER | C_PARAM | C_HNV,
	[':'] = C_PARAM | C_HNV | C_VAL,
	['['] = C_PARAM | C_HNV | C_VAL,
	[']'] = C_PARAM | C_HNV | C_VAL,
};

#define IS(c, m)	((cc[(uint8_t)(c)] & (m)) != 0)

static inline const char *
skip_cls(const char *p, const char *end, uint16_t m)
{
	while (p < end && IS(*p, m))
		p++;
	return p;
}

static inline const char *
skip_ws(const char *p, const char *end)
{
	return skip_cls(p, end, C_WS);
}

static inline const char *
skip_token(const char *p, const char *end)
{
	while (p < end && sls_is_token_char((unsigned char)*p))
		p++;
	return p;
}

static inline const char *
skip_digits(const char *p, const char *end)
{
	while (p < end && sls_is_digit((unsigned char)*p))
		p++;
	return p;
}

/* token / LWS run, as an unquoted display name may be */
static inline const char *
skip_token_ws(const char *p, const char *end)
{
	while (p < end && (sls_is_token_char((unsigned char)*p) ||
	    IS(*p, C_WS)))
		p++;
	return p;
}

static inline const char *
rtrim(const char *b, const char *e)
{
	while (e > b && IS(e[-1], C_WS))
		e--;
	return e;
}

static inline bool
is_sp(char c)
{
	return c == ' ' || c == '\t';
}

static inline unsigned char
lc(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* ASCII case-insensitive compare of n bytes; NUL is an ordinary byte. */
static bool
ceq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lc((unsigned char)a[i]) != lc((unsigned char)b[i]))
			return false;
	return true;
}

static inline sls_str_t
mkstr(const char *b, const char *e)
{
	return (sls_str_t){ b, (size_t)(e - b) };
}

/* s equals the literal, ignoring case */
#define STR_CASEIS(x, lit) \
	((x).len == sizeof(lit) - 1 && ceq((x).s, (lit), sizeof(lit) - 1))
#define STR_IS(x, lit) \
	((x).len == sizeof(lit) - 1 && memcmp((x).s, (lit), (x).len) == 0)

/* p at '"': the byte after the closing quote, NULL if unterminated. */
static const char *
skip_quoted(const char *p, const char *end)
{
	p++;
	while (p < end) {
		if (*p == '\\') {
			if (end - p < 2)
				return NULL;
			p += 2;
		} else if (*p == '"') {
			return p + 1;
		} else {
			p++;
		}
	}
	return NULL;
}

/* %HH at p? */
static inline bool
is_escape(const char *p, const char *end)
{
	return end - p >= 3 && *p == '%' && IS(p[1], C_HEX) && IS(p[2], C_HEX);
}

/* Skip chars of class m and %HH escapes. */
static const char *
skip_esc(const char *p, const char *end, uint16_t m)
{
	while (p < end) {
		if (IS(*p, m))
			p++;
		else if (is_escape(p, end))
			p += 3;
		else
			break;
	}
	return p;
}

/* Content-Length value: digits only; huge values saturate. */
static bool
parse_clen(sls_str_t v, long *out)
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

/*
 * Header names and methods
 */

#define NAME_IS(lit) \
	(n == sizeof(lit) - 1 && ceq(s, (lit), sizeof(lit) - 1))

enum sls_hdr_type
sls_sip_hdr_type(sls_str_t name)
{
	const char *s = name.s;
	size_t n = name.len;

	if (s == NULL || n == 0)
		return SLS_HDR_OTHER;
	switch (lc((unsigned char)s[0])) {
	case 'a':
		if (n == 1 || NAME_IS("accept-contact"))
			return SLS_HDR_ACCEPT_CONTACT;
		if (NAME_IS("allow-events"))
			return SLS_HDR_ALLOW_EVENTS;
		break;
	case 'b':
		if (n == 1)
			return SLS_HDR_REFERRED_BY;
		break;
	case 'c':
		if (n == 1 || NAME_IS("content-type"))
			return SLS_HDR_CTYPE;
		if (NAME_IS("cseq"))
			return SLS_HDR_CSEQ;
		if (NAME_IS("call-id"))
			return SLS_HDR_CALLID;
		if (NAME_IS("contact"))
			return SLS_HDR_CONTACT;
		if (NAME_IS("content-length"))
			return SLS_HDR_CLEN;
		if (NAME_IS("content-encoding"))
			return SLS_HDR_CENCODING;
		break;
	case 'd':
		if (n == 1)
			return SLS_HDR_REQUEST_DISPOSITION;
		break;
	case 'e':
		if (n == 1)
			return SLS_HDR_CENCODING;
		if (NAME_IS("event"))
			return SLS_HDR_EVENT;
		break;
	case 'f':
		if (n == 1 || NAME_IS("from"))
			return SLS_HDR_FROM;
		break;
	case 'i':
		if (n == 1)
			return SLS_HDR_CALLID;
		if (NAME_IS("identity"))
			return SLS_HDR_IDENTITY;
		break;
	case 'j':
		if (n == 1)
			return SLS_HDR_REJECT_CONTACT;
		break;
	case 'k':
		if (n == 1)
			return SLS_HDR_SUPPORTED;
		break;
	case 'l':
		if (n == 1)
			return SLS_HDR_CLEN;
		break;
	case 'm':
		if (n == 1)
			return SLS_HDR_CONTACT;
		if (NAME_IS("max-forwards"))
			return SLS_HDR_MAX_FORWARDS;
		break;
	case 'o':
		if (n == 1)
			return SLS_HDR_EVENT;
		break;
	case 'r':
		if (n == 1 || NAME_IS("refer-to"))
			return SLS_HDR_REFER_TO;
		if (NAME_IS("route"))
			return SLS_HDR_ROUTE;
		if (NAME_IS("record-route"))
			return SLS_HDR_RECORD_ROUTE;
		if (NAME_IS("referred-by"))
			return SLS_HDR_REFERRED_BY;
		if (NAME_IS("reject-contact"))
			return SLS_HDR_REJECT_CONTACT;
		if (NAME_IS("request-disposition"))
			return SLS_HDR_REQUEST_DISPOSITION;
		break;
	case 's':
		if (n == 1 || NAME_IS("subject"))
			return SLS_HDR_SUBJECT;
		if (NAME_IS("supported"))
			return SLS_HDR_SUPPORTED;
		if (NAME_IS("session-expires"))
			return SLS_HDR_SESSION_EXPIRES;
		break;
	case 't':
		if (n == 1 || NAME_IS("to"))
			return SLS_HDR_TO;
		break;
	case 'u':
		if (n == 1)
			return SLS_HDR_ALLOW_EVENTS;
		if (NAME_IS("user-agent"))
			return SLS_HDR_USER_AGENT;
		break;
	case 'v':
		if (n == 1 || NAME_IS("via"))
			return SLS_HDR_VIA;
		break;
	case 'x':
		if (n == 1)
			return SLS_HDR_SESSION_EXPIRES;
		break;
	case 'y':
		if (n == 1)
			return SLS_HDR_IDENTITY;
		break;
	default:
		break;
	}
	return SLS_HDR_OTHER;
}

#undef NAME_IS

/* Methods are case-sensitive (RFC 3261 §7.1). */
enum sls_method
sls_sip_method_id(sls_str_t m)
{
	if (m.s == NULL)
		return SLS_M_OTHER;
	switch (m.len) {
	case 3:
		if (STR_IS(m, "ACK"))
			return SLS_M_ACK;
		if (STR_IS(m, "BYE"))
			return SLS_M_BYE;
		break;
	case 4:
		if (STR_IS(m, "INFO"))
			return SLS_M_INFO;
		break;
	case 5:
		if (STR_IS(m, "PRACK"))
			return SLS_M_PRACK;
		if (STR_IS(m, "REFER"))
			return SLS_M_REFER;
		break;
	case 6:
		if (STR_IS(m, "INVITE"))
			return SLS_M_INVITE;
		if (STR_IS(m, "CANCEL"))
			return SLS_M_CANCEL;
		if (STR_IS(m, "NOTIFY"))
			return SLS_M_NOTIFY;
		if (STR_IS(m, "UPDATE"))
			return SLS_M_UPDATE;
		break;
	case 7:
		if (STR_IS(m, "OPTIONS"))
			return SLS_M_OPTIONS;
		if (STR_IS(m, "MESSAGE"))
			return SLS_M_MESSAGE;
		if (STR_IS(m, "PUBLISH"))
			return SLS_M_PUBLISH;
		break;
	case 8:
		if (STR_IS(m, "REGISTER"))
			return SLS_M_REGISTER;
		break;
	case 9:
		if (STR_IS(m, "SUBSCRIBE"))
			return SLS_M_SUBSCRIBE;
		break;
	default:
		break;
	}
	return SLS_M_OTHER;
}

const sls_hdr_t *
sls_sip_hdr(const sls_msg_t *msg, enum sls_hdr_type type)
{
	int i;

	if ((unsigned)type >= SLS_HDR_TYPES)
		return NULL;
	i = msg->first[type];
	if (i < 0 || (unsigned)i >= msg->nhdrs)
		return NULL;
	return &msg->hdrs[i];
}

const sls_hdr_t *
sls_sip_hdr_by_name(const sls_msg_t *msg, sls_str_t name)
{
	enum sls_hdr_type t = sls_sip_hdr_type(name);
	unsigned i;

	if (t != SLS_HDR_OTHER)
		return sls_sip_hdr(msg, t);
	if (name.len == 0)
		return NULL;
	for (i = 0; i < msg->nhdrs; i++) {
		const sls_hdr_t *h = &msg->hdrs[i];

		if (h->type == SLS_HDR_OTHER && h->name.len == name.len &&
		    ceq(h->name.s, name.s, name.len))
			return h;
	}
	return NULL;
}

/*
 * Params
 */

/* One ";name[=value]" of a param list; value keeps its quotes. */
struct param {
	sls_str_t name;
	sls_str_t value;
	bool has_value;
	const char *start;	/* its ';' */
	const char *end;	/* after the name or value */
};

/*
 * Parse the param at *pp (SWS ";" SWS token [EQUAL gen-value]). Returns 1
 * and advances *pp past it; 0 when the next non-LWS byte is not ';' (*pp
 * then points at that byte or the end); -1 on a syntax error.
 */
static int
param_next(const char **pp, const char *end, struct param *prm)
{
	const char *p = skip_ws(*pp, end), *q;

	if (p == end || *p != ';') {
		*pp = p;
		return 0;
	}
	prm->start = p;
	p = skip_ws(p + 1, end);
	q = skip_token(p, end);
	if (q == p)
		return -1;
	prm->name = mkstr(p, q);
	p = q;
	q = skip_ws(p, end);
	if (q < end && *q == '=') {
		q = skip_ws(q + 1, end);
		if (q < end && *q == '"') {
			p = skip_quoted(q, end);
			if (p == NULL)
				return -1;
		} else {
			p = skip_cls(q, end, C_VAL);
			if (p == q)
				return -1;
		}
		prm->value = mkstr(q, p);
		prm->has_value = true;
	} else {
		prm->value = mkstr(p, p);
		prm->has_value = false;
	}
	prm->end = p;
	*pp = p;
	return 1;
}

bool
sls_sip_param(sls_str_t s, const char *name, sls_str_t *value)
{
	const char *p = s.s, *end, *ns, *ne, *vs, *ve;
	size_t nlen = strlen(name);
	bool match;

	if (p == NULL || nlen == 0)
		return false;
	end = p + s.len;
	while (p < end) {
		p = skip_ws(p, end);
		if (p < end && *p == ';')
			p = skip_ws(p + 1, end);
		ns = p;
		ne = skip_token(p, end);
		match = (size_t)(ne - ns) == nlen && ceq(ns, name, nlen);
		p = skip_ws(ne, end);
		if (p == end || *p == ';' || *p == ',') {
			if (match) {
				*value = mkstr(ne, ne);
				return true;
			}
		} else if (*p == '=') {
			vs = skip_ws(p + 1, end);
			if (vs < end && *vs == '"') {
				ve = skip_quoted(vs, end);
				p = ve != NULL ? ve : end;
				if (ve != NULL) {
					vs++;
					ve--;
				} else {
					ve = end;
				}
			} else {
				ve = vs;
				while (ve < end && *ve != ';' && *ve != ',')
					ve++;
				p = ve;
				ve = rtrim(vs, ve);
			}
			if (match) {
				*value = mkstr(vs, ve);
				return true;
			}
		}
		/* on to the next ';' outside quotes */
		while (p < end && *p != ';') {
			if (*p == '"') {
				p = skip_quoted(p, end);
				if (p == NULL)
					return false;
			} else {
				p++;
			}
		}
	}
	return false;
}

/*
 * URIs
 */

/* host = "[" IPv6 "]" / hostname / IPv4address; returns its end or NULL */
static const char *
parse_host(const char *p, const char *end)
{
	const char *q;
	bool colon = false;

	if (p < end && *p == '[') {
		for (q = p + 1; q < end && *q != ']'; q++) {
			if (*q == ':')
				colon = true;
			else if (!IS(*q, C_HEX) && *q != '.')
				return NULL;
		}
		if (q == end || !colon)
			return NULL;
		return q + 1;
	}
	q = skip_cls(p, end, C_HOST);
	return q == p ? NULL : q;
}

/* port = 1..65535 in [b, e) */
static bool
parse_port(const char *b, const char *e, unsigned *out)
{
	unsigned v;

	if (!sls_parse_port(b, e, &v) || v == 0)
		return false;
	*out = v;
	return true;
}

/* The rest of a sip:/sips: URI: [userinfo "@"] hostport params headers */
static int
parse_sip_uri(const char *p, const char *end, sls_uri_t *uri)
{
	const char *at, *q, *u;

	at = memchr(p, '@', (size_t)(end - p));
	if (at != NULL) {
		u = skip_esc(p, at, C_USER);
		if (u == p)
			return -1;
		uri->user = mkstr(p, u);
		if (u < at) {
			/* ":" password */
			if (*u != ':' || skip_esc(u + 1, at, C_PASS) != at)
				return -1;
		}
		p = at + 1;
	}
	q = parse_host(p, end);
	if (q == NULL)
		return -1;
	uri->host = mkstr(p, q);
	p = q;
	if (p < end && *p == ':') {
		q = skip_digits(p + 1, end);
		if (!parse_port(p + 1, q, &uri->port_num))
			return -1;
		uri->port = mkstr(p + 1, q);
		p = q;
	}
	if (p < end && *p == ';') {
		q = p + 1;
		while (q < end) {
			if (IS(*q, C_PARAM) || *q == '=' || *q == ';')
				q++;
			else if (is_escape(q, end))
				q += 3;
			else
				break;
		}
		uri->params = mkstr(p + 1, q);
		p = q;
	}
	if (p < end && *p == '?') {
		q = p + 1;
		while (q < end) {
			if (IS(*q, C_HNV) || *q == '=' || *q == '&')
				q++;
			else if (is_escape(q, end))
				q += 3;
			else
				break;
		}
		uri->headers = mkstr(p + 1, q);
		p = q;
	}
	return p == end ? 0 : -1;
}

/* tel: (RFC 3966) number then params; the number goes in user */
static int
parse_tel_uri(const char *p, const char *end, sls_uri_t *uri)
{
	const char *q;
	bool digit = false;

	for (q = p; q < end && *q != ';'; q++) {
		if (IS(*q, C_HEX))
			digit = true;
		else if (!strchr("*#+-.()", *q) || *q == '\0')
			return -1;
	}
	if (!digit)
		return -1;
	uri->user = mkstr(p, q);
	if (q < end) {
		p = ++q;
		while (q < end) {
			if (IS(*q, C_PARAM) || *q == '=' || *q == ';')
				q++;
			else if (is_escape(q, end))
				q += 3;
			else
				return -1;
		}
		uri->params = mkstr(p, q);
	}
	return 0;
}

int
sls_uri_parse(sls_str_t s, sls_uri_t *uri)
{
	const char *p = s.s, *end, *q;

	memset(uri, 0, sizeof(*uri));
	uri->whole = s;
	if (p == NULL || s.len == 0 || !sls_is_alpha((unsigned char)*p))
		return -1;
	end = p + s.len;
	q = skip_cls(p + 1, end, C_SCH);
	if (q == end || *q != ':')
		return -1;
	uri->scheme = mkstr(p, q);
	p = q + 1;
	if (p == end)
		return -1;
	if (STR_CASEIS(uri->scheme, "sip") || STR_CASEIS(uri->scheme, "sips"))
		return parse_sip_uri(p, end, uri);
	if (STR_CASEIS(uri->scheme, "tel"))
		return parse_tel_uri(p, end, uri);
	/* any other scheme: opaque, but still one printable word */
	for (q = p; q < end; q++)
		if ((uint8_t)*q <= 0x20 || (uint8_t)*q >= 0x7f || *q == '<' ||
		    *q == '>' || *q == '"')
			return -1;
	return 0;
}

/* What From/To/Contact URIs must be at least: scheme ":" one word. */
static bool
uri_sane(sls_str_t u)
{
	const char *p = u.s, *end = u.s + u.len, *q;

	if (u.len == 0 || !sls_is_alpha((unsigned char)*p))
		return false;
	q = skip_cls(p + 1, end, C_SCH);
	if (q == end || *q != ':' || q + 1 == end)
		return false;
	for (; q < end; q++)
		if ((uint8_t)*q <= 0x20 || (uint8_t)*q >= 0x7f || *q == '<' ||
		    *q == '>' || *q == '"')
			return false;
	return true;
}

/*
 * Framing
 */

static void
set_err(sls_msg_t *msg, enum sls_err e)
{
	if (msg->err == SLS_E_NONE)
		msg->err = e;
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

/* Request-Line or Status-Line in [b, e) (line end excluded). 0 or -1. */
static int
parse_start_line(sls_msg_t *msg, const char *b, const char *e)
{
	const char *w, *v, *p;

	while (e > b && IS(e[-1], C_WS))
		e--;
	for (w = b; w < e && !is_sp(*w); w++)
		;
	if (w - b >= 4 && ceq(b, "SIP/", 4)) {
		/* SIP-Version SP Status-Code SP Reason-Phrase */
		msg->version = mkstr(b, w);
		p = w;
		while (p < e && is_sp(*p))
			p++;
		if (p == w || e - p < 3 || !sls_is_digit((unsigned char)p[0]) ||
		    !sls_is_digit((unsigned char)p[1]) || !sls_is_digit((unsigned char)p[2]) ||
		    (e - p > 3 && !is_sp(p[3])))
			return -1;
		msg->status = (unsigned)((p[0] - '0') * 100 +
		    (p[1] - '0') * 10 + (p[2] - '0'));
		if (msg->status < 100 || msg->status > 699)
			return -1;
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
	if (v == w || e - v < 4 || !ceq(v, "SIP/", 4))
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
	if (msg->method.len == 0 || msg->ruri.len == 0 ||
	    skip_token(b, msg->method.s + msg->method.len) !=
	    msg->method.s + msg->method.len)
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

	colon = memchr(s, ':', (size_t)(e - s));
	if (colon == NULL) {
		set_err(msg, SLS_E_BAD_HEADER);
		return;
	}
	ne = rtrim(s, colon);
	if (ne == s || skip_token(s, ne) != ne) {
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
		if (h->type == SLS_HDR_CLEN && parse_clen(h->value, &cl))
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

/*
 * Basic checks
 */

/* The top Via: first via-parm of the first Via header. */
static enum sls_err
parse_via(sls_msg_t *msg, unsigned idx)
{
	const sls_hdr_t *h = &msg->hdrs[idx];
	sls_via_t *v = &msg->via;
	const char *p = h->value.s, *end = p + h->value.len, *start, *q;
	enum sls_err err = SLS_E_NONE;
	sls_str_t proto, ver;
	struct param prm;
	unsigned n;
	int r;

	v->hdr = idx;
	/* sent-protocol = name SLASH version SLASH transport */
	start = p;
	q = skip_token(p, end);
	proto = mkstr(p, q);
	p = skip_ws(q, end);
	if (proto.len == 0 || p == end || *p != '/')
		return SLS_E_BAD_VIA;
	p = skip_ws(p + 1, end);
	q = skip_token(p, end);
	ver = mkstr(p, q);
	p = skip_ws(q, end);
	if (ver.len == 0 || p == end || *p != '/')
		return SLS_E_BAD_VIA;
	p = skip_ws(p + 1, end);
	q = skip_token(p, end);
	if (q == p)
		return SLS_E_BAD_VIA;
	v->transport = mkstr(p, q);
	if (!STR_CASEIS(proto, "SIP") || !STR_IS(ver, "2.0"))
		err = SLS_E_BAD_VIA;
	/* LWS sent-by */
	p = skip_ws(q, end);
	if (p == q)
		return SLS_E_BAD_VIA;
	q = parse_host(p, end);
	if (q == NULL)
		return SLS_E_BAD_VIA;
	v->host = mkstr(p, q);
	v->whole = mkstr(start, q);
	v->params_end = q;
	p = skip_ws(q, end);
	if (p < end && *p == ':') {
		p = skip_ws(p + 1, end);
		q = skip_digits(p, end);
		if (!parse_port(p, q, &v->port_num)) {
			v->port_num = 0;
			return SLS_E_BAD_VIA;
		}
		v->port = mkstr(p, q);
		v->params_end = q;
	}
	p = v->params_end;
	while ((r = param_next(&p, end, &prm)) > 0) {
		v->params_end = prm.end;
		if (STR_CASEIS(prm.name, "branch")) {
			if (!prm.has_value)
				err = SLS_E_BAD_VIA;
			else if (v->branch.s == NULL)
				v->branch = prm.value;
		} else if (STR_CASEIS(prm.name, "rport")) {
			if (prm.has_value &&
			    !sls_parse_port(prm.value.s, prm.value.s +
			    prm.value.len, &n))
				err = SLS_E_BAD_VIA;
			if (!v->rport) {
				v->rport = true;
				v->rport_param = mkstr(prm.start, prm.end);
			}
		} else if (STR_CASEIS(prm.name, "received")) {
			if (!prm.has_value)
				err = SLS_E_BAD_VIA;
			else if (v->received_param.s == NULL)
				v->received_param =
				    mkstr(prm.start, prm.end);
		}
	}
	/* then the end of the value or a comma and the next via-parm */
	if (r < 0 || (p < end && *p != ','))
		err = SLS_E_BAD_VIA;
	v->whole = mkstr(start, v->params_end);
	return err;
}

/*
 * From / To: name-addr (display name as quoted-string or tokens, then
 * <URI>) or addr-spec, then header params. False when malformed; uri and
 * tag are still filled when they can be found.
 */
static bool
parse_nameaddr(const sls_hdr_t *h, sls_nameaddr_t *na)
{
	const char *p = h->value.s, *end = p + h->value.len, *q, *u;
	struct param prm;
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
	if (!uri_sane(na->uri))
		ok = false;
	while ((r = param_next(&p, end, &prm)) > 0) {
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

/* CSeq: 1*DIGIT LWS Method. 0 ok, 1 number overflows, -1 malformed. */
static int
parse_cseq(sls_msg_t *msg, const sls_hdr_t *h)
{
	const char *p = h->value.s, *end = p + h->value.len, *q;
	unsigned long n = 0;
	bool big = false;

	/* RFC 3261 §8.1.1.5: less than 2**31 */
	for (q = p; q < end && sls_is_digit((unsigned char)*q); q++) {
		if (big)
			continue;
		n = n * 10 + (unsigned long)(*q - '0');
		if (n > 0x7fffffffUL)
			big = true;
	}
	if (q == p)
		return -1;
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
		if (!parse_clen(msg->hdrs[i].value, &v))
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

/*
 * SPEC 2.4 in this order: SIP version, Request-URI, Via, From, To,
 * Call-ID, CSeq, Content-Length, Max-Forwards. A defect found by
 * sls_sip_parse (start line, header line, too many headers) stays first.
 *
 * A missing From tag is accepted for RFC 2543 peers (RFC 3261 §8.2.6
 * does not require it, RFC 4475 inv2543 must pass): SLS_E_NO_FROM_TAG is
 * kept in the table but never set here.
 *
 * addressable: the top Via has a sent-by host, From and To are present
 * and not empty (malformed ones are still copied into the reply as they
 * are, so e.g. quotbal and baddn get their 400), Call-ID is present and
 * not empty, CSeq has a number (even one that overflows, scalar02) and a
 * method. With several From/To/Call-ID/CSeq the first one is used.
 * Responses get the same parsing (Via, From, To, Call-ID, CSeq) but are
 * never addressable.
 */
int
sls_sip_check(sls_msg_t *msg)
{
	const sls_hdr_t *h;
	unsigned i, nfrom = 0, nto = 0, ncid = 0, ncseq = 0;
	uint64_t mf;
	sls_uri_t u;
	bool via_ok = false, cseq_ok = false;
	int r;

	/* a second call gives the same result */
	memset(&msg->via, 0, sizeof(msg->via));
	memset(&msg->from, 0, sizeof(msg->from));
	memset(&msg->to, 0, sizeof(msg->to));
	msg->callid = SLS_STR_NULL;
	msg->cseq_num = 0;
	msg->cseq_method = SLS_STR_NULL;

	for (i = 0; i < msg->nhdrs; i++) {
		switch (msg->hdrs[i].type) {
		case SLS_HDR_FROM:
			nfrom++;
			break;
		case SLS_HDR_TO:
			nto++;
			break;
		case SLS_HDR_CALLID:
			ncid++;
			break;
		case SLS_HDR_CSEQ:
			ncseq++;
			break;
		default:
			break;
		}
	}

	/* RFC 3261 §7.1: the version string is case-insensitive */
	if (!STR_CASEIS(msg->version, "SIP/2.0"))
		set_err(msg, SLS_E_BAD_VERSION);
	if (msg->is_request && msg->err == SLS_E_NONE) {
		/* RFC 3261 §19.1.1: no headers in a Request-URI */
		if (sls_uri_parse(msg->ruri, &u) < 0 || u.headers.s != NULL)
			set_err(msg, SLS_E_BAD_RURI);
		else if (!STR_CASEIS(u.scheme, "sip") &&
		    !STR_CASEIS(u.scheme, "sips") &&
		    !STR_CASEIS(u.scheme, "tel"))
			set_err(msg, SLS_E_RURI_SCHEME);
	}

	if (msg->first[SLS_HDR_VIA] < 0) {
		set_err(msg, SLS_E_NO_VIA);
	} else {
		set_err(msg, parse_via(msg, (unsigned)msg->first[SLS_HDR_VIA]));
		via_ok = msg->via.host.len > 0;
	}

	if (nfrom == 0)
		set_err(msg, SLS_E_NO_FROM);
	else if (nfrom > 1)
		set_err(msg, SLS_E_MULTI_FROM);
	if (nfrom > 0 && !parse_nameaddr(sls_sip_hdr(msg, SLS_HDR_FROM),
	    &msg->from))
		set_err(msg, SLS_E_BAD_FROM);

	if (nto == 0)
		set_err(msg, SLS_E_NO_TO);
	else if (nto > 1)
		set_err(msg, SLS_E_MULTI_TO);
	if (nto > 0 && !parse_nameaddr(sls_sip_hdr(msg, SLS_HDR_TO), &msg->to))
		set_err(msg, SLS_E_BAD_TO);

	if (ncid > 0)
		msg->callid = sls_sip_hdr(msg, SLS_HDR_CALLID)->value;
	if (msg->callid.len == 0)
		set_err(msg, SLS_E_NO_CALLID);
	else if (ncid > 1)
		set_err(msg, SLS_E_MULTI_CALLID);

	if (ncseq == 0) {
		set_err(msg, SLS_E_NO_CSEQ);
	} else {
		if (ncseq > 1)
			set_err(msg, SLS_E_MULTI_CSEQ);
		r = parse_cseq(msg, sls_sip_hdr(msg, SLS_HDR_CSEQ));
		cseq_ok = r >= 0;
		if (r != 0)
			set_err(msg, SLS_E_BAD_CSEQ);
		else if (msg->is_request &&
		    (msg->cseq_method.len != msg->method.len ||
		    memcmp(msg->cseq_method.s, msg->method.s,
		    msg->method.len) != 0))
			set_err(msg, SLS_E_CSEQ_METHOD);
	}

	/* nothing is ever sent in answer to a response */
	msg->addressable = msg->is_request && via_ok && nfrom > 0 && nto > 0 &&
	    sls_sip_hdr(msg, SLS_HDR_FROM)->value.len > 0 &&
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
