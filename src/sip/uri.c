/*
 * URIs (RFC 3261 §19.1, §25.1; tel: RFC 3966): sip: and sips: split into
 * parts, tel: checked, other schemes kept opaque.
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

/* host = "[" IPv6 "]" / hostname / IPv4address; returns its end or NULL */
const char *
sls_sip_parse_host(const char *p, const char *end)
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
bool
sls_sip_parse_port(const char *b, const char *e, unsigned *out)
{
	unsigned v;

	if (!sls_parse_port(b, e, &v) || v == 0)
		return false;
	*out = v;
	return true;
}

/* [p, end) is printable ASCII without SP, '<', '>' or '"'. */
static bool
is_word(const char *p, const char *end)
{
	for (; p < end; p++)
		if ((uint8_t)*p <= 0x20 || (uint8_t)*p >= 0x7f || *p == '<' ||
		    *p == '>' || *p == '"')
			return false;
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
	q = sls_sip_parse_host(p, end);
	if (q == NULL)
		return -1;
	uri->host = mkstr(p, q);
	p = q;
	if (p < end && *p == ':') {
		q = skip_digits(p + 1, end);
		if (!sls_sip_parse_port(p + 1, q, &uri->port_num))
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
	return is_word(p, end) ? 0 : -1;
}

/* What From/To/Contact URIs must be at least: scheme ":" one word. */
bool
sls_sip_uri_sane(sls_str_t u)
{
	const char *p = u.s, *end = u.s + u.len, *q;

	if (u.len == 0 || !sls_is_alpha((unsigned char)*p))
		return false;
	q = skip_cls(p + 1, end, C_SCH);
	if (q == end || *q != ':' || q + 1 == end)
		return false;
	return is_word(q, end);
}
