/*
 * Addresses: listen specs ("udp:ADDR:PORT"), CIDR sets and text forms.
 * Pure: no socket, no log. Addresses are numeric only: nothing here
 * resolves a host name, so loading a config never waits on DNS.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "lib/num.h"

#define SLS_DEFAULT_PORT	5060

static int
seterr(char *err, size_t errlen, const char *msg, const char *arg)
{
	if (errlen > 0)
		snprintf(err, errlen, "%s%s", msg, arg);
	return -1;
}

int
sls_listen_parse(const char *spec, sls_listen_t *l, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *p, *hend, *port = NULL;
	struct sockaddr_in *sin;
	struct sockaddr_in6 *sin6;
	bool v6 = false;
	size_t hlen;
	unsigned pnum = SLS_DEFAULT_PORT;

	memset(l, 0, sizeof(*l));
	if (strlen(spec) >= sizeof(l->text))
		return seterr(err, errlen, "too long", "");
	if ((p = strchr(spec, ':')) == NULL)
		return seterr(err, errlen, "expected udp:ADDRESS[:PORT]", "");
	if (p - spec != 3 || strncmp(spec, "udp", 3) != 0)
		return seterr(err, errlen, "unsupported transport (only udp)",
		    "");
	p++;
	if (*p == '[') {
		v6 = true;
		p++;
		if ((hend = strchr(p, ']')) == NULL)
			return seterr(err, errlen, "missing ']'", "");
		if (hend[1] == ':')
			port = hend + 2;
		else if (hend[1] != '\0')
			return seterr(err, errlen, "expected ':' after ']'",
			    "");
	} else {
		hend = strchr(p, ':');
		if (hend != NULL && strchr(hend + 1, ':') != NULL)
			return seterr(err, errlen, "IPv6 addresses need "
			    "brackets, as in udp:[::1]:5060", "");
		if (hend != NULL)
			port = hend + 1;
		else
			hend = p + strlen(p);
	}
	hlen = (size_t)(hend - p);
	if (hlen == 0)
		return seterr(err, errlen, "missing address", "");
	if (hlen >= sizeof(host))
		return seterr(err, errlen, "bad address", "");
	memcpy(host, p, hlen);
	host[hlen] = '\0';
	if (port != NULL && !sls_parse_port(port, port + strlen(port), &pnum))
		return seterr(err, errlen, "bad port (0..65535)", "");

	if (v6) {
		sin6 = (struct sockaddr_in6 *)&l->addr;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)pnum);
		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
			return seterr(err, errlen, "not a numeric IPv6 "
			    "address: ", host);
		l->wildcard = IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr);
		l->addrlen = sizeof(*sin6);
	} else {
		sin = (struct sockaddr_in *)&l->addr;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)pnum);
		if (strcmp(host, "*") == 0)
			sin->sin_addr.s_addr = htonl(INADDR_ANY);
		else if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
			return seterr(err, errlen, "not a numeric IPv4 address "
			    "(host names are not resolved): ", host);
		l->wildcard = sin->sin_addr.s_addr == htonl(INADDR_ANY);
		l->addrlen = sizeof(*sin);
	}
	memcpy(l->text, spec, strlen(spec) + 1);
	return 0;
}

int
sls_cidr_parse(const char *spec, sls_cidr_t *c, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *slash;
	size_t hlen;
	unsigned max, i;
	uint64_t plen;

	memset(c, 0, sizeof(*c));
	slash = strchr(spec, '/');
	hlen = slash != NULL ? (size_t)(slash - spec) : strlen(spec);
	if (hlen == 0)
		return seterr(err, errlen, "missing address", "");
	if (hlen >= sizeof(host))
		return seterr(err, errlen, "bad address", "");
	memcpy(host, spec, hlen);
	host[hlen] = '\0';
	if (strchr(host, ':') != NULL) {
		c->family = AF_INET6;
		max = 128;
		if (inet_pton(AF_INET6, host, c->addr) != 1)
			return seterr(err, errlen, "not a numeric IPv6 "
			    "address: ", host);
	} else {
		c->family = AF_INET;
		max = 32;
		if (inet_pton(AF_INET, host, c->addr) != 1)
			return seterr(err, errlen, "not a numeric IPv4 "
			    "address: ", host);
	}
	c->prefix = max;
	if (slash != NULL) {
		/* digits only, at most the family's width */
		if (!sls_parse_uint(slash + 1, slash + 1 + strlen(slash + 1),
		    max, &plen))
			return seterr(err, errlen, max == 32 ?
			    "bad prefix length (0..32)" :
			    "bad prefix length (0..128)", "");
		c->prefix = (unsigned)plen;
	}
	/* Host bits are cleared: 10.1.2.3/8 means 10.0.0.0/8. */
	for (i = 0; i < max / 8; i++) {
		unsigned keep = c->prefix > i * 8 ? c->prefix - i * 8 : 0;

		if (keep < 8)
			c->addr[i] &= (unsigned char)(0xff00u >> keep);
	}
	return 0;
}

static bool
prefix_match(const unsigned char *a, const unsigned char *b, unsigned bits)
{
	unsigned bytes = bits / 8, rest = bits % 8;
	unsigned char mask;

	if (memcmp(a, b, bytes) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (unsigned char)(0xff00u >> rest);
	return (a[bytes] & mask) == (b[bytes] & mask);
}

static const unsigned char v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

bool
sls_cidr_match(const sls_cidr_t *c, const struct sockaddr *sa)
{
	const unsigned char *a;
	unsigned char mapped[16];

	if (sa->sa_family == AF_INET) {
		a = (const unsigned char *)
		    &((const struct sockaddr_in *)sa)->sin_addr;
		if (c->family == AF_INET)
			return prefix_match(a, c->addr, c->prefix);
		/* Only an IPv6 CIDR inside ::ffff:0:0/96 can hold an IPv4
		   source (in its mapped form): ::/0 means IPv6 sources. */
		if (c->prefix < 96 || memcmp(c->addr, v4mapped, 12) != 0)
			return false;
		memcpy(mapped, v4mapped, 12);
		memcpy(mapped + 12, a, 4);
		return prefix_match(mapped, c->addr, c->prefix);
	}
	if (sa->sa_family != AF_INET6)
		return false;
	a = (const unsigned char *)
	    &((const struct sockaddr_in6 *)sa)->sin6_addr;
	if (c->family == AF_INET6)
		return prefix_match(a, c->addr, c->prefix);
	/* an IPv4 CIDR matches IPv4-mapped IPv6 sources */
	if (memcmp(a, v4mapped, 12) != 0)
		return false;
	return prefix_match(a + 12, c->addr, c->prefix);
}

/*
 * Dotted quad without printf: every reply needs the source address as
 * text, and glibc's inet_ntop formats IPv4 with sprintf.
 */
static size_t
ipv4_text(const struct in_addr *a, char *buf, size_t len)
{
	const unsigned char *b = (const unsigned char *)&a->s_addr;
	char tmp[INET_ADDRSTRLEN];
	size_t n = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned v = b[i];

		if (i > 0)
			tmp[n++] = '.';
		if (v >= 100)
			tmp[n++] = (char)('0' + v / 100);
		if (v >= 10)
			tmp[n++] = (char)('0' + v / 10 % 10);
		tmp[n++] = (char)('0' + v % 10);
	}
	if (n >= len) {
		buf[0] = '\0';
		return 0;
	}
	memcpy(buf, tmp, n);
	buf[n] = '\0';
	return n;
}

size_t
sls_addr_ip(const struct sockaddr *sa, char *buf, size_t len)
{
	const void *src;

	if (len == 0)
		return 0;
	if (sa->sa_family == AF_INET)
		return ipv4_text(&((const struct sockaddr_in *)sa)->sin_addr,
		    buf, len);
	else if (sa->sa_family == AF_INET6)
		src = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	else
		src = NULL;
	if (src == NULL || len > (size_t)(socklen_t)-1 ||
	    inet_ntop(sa->sa_family, src, buf, (socklen_t)len) == NULL) {
		buf[0] = '\0';
		return 0;
	}
	return strlen(buf);
}

unsigned
sls_addr_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}

size_t
sls_addr_format(const struct sockaddr *sa, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];
	int n;

	if (len == 0)
		return 0;
	if (sls_addr_ip(sa, ip, sizeof(ip)) == 0) {
		buf[0] = '\0';
		return 0;
	}
	n = snprintf(buf, len, sa->sa_family == AF_INET6 ? "[%s]:%u" :
	    "%s:%u", ip, sls_addr_port(sa));
	if (n < 0 || (size_t)n >= len) {
		buf[0] = '\0';
		return 0;
	}
	return (size_t)n;
}

bool
sls_addr_equal(const struct sockaddr *a, const struct sockaddr *b)
{
	const struct sockaddr_in *a4, *b4;
	const struct sockaddr_in6 *a6, *b6;

	if (a->sa_family != b->sa_family)
		return false;
	if (a->sa_family == AF_INET) {
		a4 = (const struct sockaddr_in *)a;
		b4 = (const struct sockaddr_in *)b;
		return a4->sin_port == b4->sin_port &&
		    a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	}
	if (a->sa_family == AF_INET6) {
		a6 = (const struct sockaddr_in6 *)a;
		b6 = (const struct sockaddr_in6 *)b;
		return a6->sin6_port == b6->sin6_port &&
		    a6->sin6_scope_id == b6->sin6_scope_id &&
		    memcmp(&a6->sin6_addr, &b6->sin6_addr,
		    sizeof(a6->sin6_addr)) == 0;
	}
	return false;
}
