/*
 * Addresses: listen specs, CIDR sets, text forms (pure, see addr.c).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_NET_ADDR_H
#define SLS_NET_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* Room for sls_addr_format(): "[v6-address]:port" and the NUL. */
#define SLS_ADDR_TEXTLEN	64

typedef struct sls_listen {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	bool wildcard;		/* "*": any address of the family */
	char text[64];		/* as the user wrote it, e.g. udp:[::1]:5060 */
} sls_listen_t;

typedef struct sls_cidr {
	int family;		/* AF_INET or AF_INET6 */
	unsigned char addr[16];
	unsigned prefix;
} sls_cidr_t;

/*
 * Parse "udp:ADDR:PORT", "udp:[V6]:PORT", "udp:*:PORT" (port optional,
 * 5060; 0 lets the system pick). "*" is the IPv4 any address, "[::]" the
 * IPv6 one; both (and 0.0.0.0) set wildcard. Addresses are numeric: host
 * names are not resolved. 0, or -1 with a message in err.
 */
int sls_listen_parse(const char *spec, sls_listen_t *l, char *err,
    size_t errlen);
/*
 * Parse "10.0.0.0/8", "::1/128" or a bare address (/32, /128); host bits
 * are cleared. 0, or -1 with a message in err.
 */
int sls_cidr_parse(const char *spec, sls_cidr_t *c, char *err, size_t errlen);
/*
 * An IPv4 CIDR also matches IPv4-mapped IPv6 sources; an IPv6 CIDR within
 * ::ffff:0:0/96 also matches the IPv4 sources it maps (but ::/0 matches
 * only IPv6 sources). No allocation.
 */
bool sls_cidr_match(const sls_cidr_t *c, const struct sockaddr *sa);

/* Address without port (IPv6 without brackets); returns length, 0 (and
   "") when it does not fit or the family is unknown. */
size_t sls_addr_ip(const struct sockaddr *sa, char *buf, size_t len);
unsigned sls_addr_port(const struct sockaddr *sa);
/* "1.2.3.4:5060" or "[::1]:5060"; length, or 0 and "" as above. */
size_t sls_addr_format(const struct sockaddr *sa, char *buf, size_t len);
/* Same family, address and port (and IPv6 scope id). */
bool sls_addr_equal(const struct sockaddr *a, const struct sockaddr *b);

#endif
