/* Addresses: listen specs, CIDR sets, text forms, UDP sockets. */
#ifndef SLS_NET_H
#define SLS_NET_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

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
 * 5060). 0, or -1 with a message in err.
 */
int sls_listen_parse(const char *spec, sls_listen_t *l, char *err,
    size_t errlen);
/* Parse "10.0.0.0/8", "::1/128" or a bare address. 0 or -1. */
int sls_cidr_parse(const char *spec, sls_cidr_t *c, char *err, size_t errlen);
bool sls_cidr_match(const sls_cidr_t *c, const struct sockaddr *sa);

/* Address without port (IPv6 without brackets); returns length. */
size_t sls_addr_ip(const struct sockaddr *sa, char *buf, size_t len);
unsigned sls_addr_port(const struct sockaddr *sa);
/* "1.2.3.4:5060" or "[::1]:5060". */
size_t sls_addr_format(const struct sockaddr *sa, char *buf, size_t len);
bool sls_addr_equal(const struct sockaddr *a, const struct sockaddr *b);

/*
 * Create a bound, non-blocking UDP socket for l (SO_REUSEPORT when
 * reuseport, packet-info options on wildcard addresses). Logs and returns
 * -1 on failure.
 */
int sls_udp_socket(const sls_listen_t *l, bool reuseport);

#endif
