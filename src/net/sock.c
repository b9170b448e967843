/*
 * The UDP sockets slserver listens on. Logs each failure once, naming the
 * call and the address.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "sock.h"

#define SOCKBUF_SIZE		(4 * 1024 * 1024)

static int
setopt_int(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value));
}

/* Raise a socket buffer to SOCKBUF_SIZE if the system lets us. */
static void
raise_buffer(int fd, int name, int force_name)
{
	int v;
	socklen_t len = sizeof(v);

	/* The FORCE variant ignores rmem_max/wmem_max but needs
	   CAP_NET_ADMIN; the plain one is capped by those sysctls. */
	if (setopt_int(fd, SOL_SOCKET, force_name, SOCKBUF_SIZE) == 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, name, &v, &len) == 0 &&
	    v >= SOCKBUF_SIZE)
		return;
	(void)setopt_int(fd, SOL_SOCKET, name, SOCKBUF_SIZE);
}

int
sls_udp_socket(const sls_listen_t *l, bool reuseport)
{
	char a[SLS_ADDR_TEXTLEN];
	const struct sockaddr *sa = (const struct sockaddr *)&l->addr;
	int fd, saved;
	bool v6 = sa->sa_family == AF_INET6;

	sls_addr_format(sa, a, sizeof(a));
	fd = socket(sa->sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0) {
		sls_warn("socket(%s) failed", a);
		return -1;
	}
	if (v6 && setopt_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1) < 0) {
		sls_warn("setsockopt(%s, IPV6_V6ONLY) failed", a);
		goto fail;
	}
	if (reuseport && setopt_int(fd, SOL_SOCKET, SO_REUSEPORT, 1) < 0) {
		sls_warn("setsockopt(%s, SO_REUSEPORT) failed", a);
		goto fail;
	}
	/* A wildcard socket must learn which address a datagram came to,
	   so that the reply leaves from it. */
	if (l->wildcard && !v6 &&
	    setopt_int(fd, IPPROTO_IP, IP_PKTINFO, 1) < 0) {
		sls_warn("setsockopt(%s, IP_PKTINFO) failed", a);
		goto fail;
	}
	if (l->wildcard && v6 &&
	    setopt_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1) < 0) {
		sls_warn("setsockopt(%s, IPV6_RECVPKTINFO) failed", a);
		goto fail;
	}
	raise_buffer(fd, SO_RCVBUF, SO_RCVBUFFORCE);
	raise_buffer(fd, SO_SNDBUF, SO_SNDBUFFORCE);
	if (bind(fd, sa, l->addrlen) < 0) {
		sls_warn("bind(%s) failed", a);
		goto fail;
	}
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}
