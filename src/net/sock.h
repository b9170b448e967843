/*
 * UDP sockets (see sock.c).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_NET_SOCK_H
#define SLS_NET_SOCK_H

#include <stdbool.h>

#include "addr.h"

/*
 * Create a bound, non-blocking, close-on-exec UDP socket for l
 * (IPV6_V6ONLY on IPv6, SO_REUSEPORT when reuseport, IP_PKTINFO or
 * IPV6_RECVPKTINFO on wildcard addresses, buffers raised to 4 MiB where
 * allowed). Logs, e.g. "bind(127.0.0.1:5060) failed: Address already in
 * use", and returns -1 with errno kept on failure.
 */
int sls_udp_socket(const sls_listen_t *l, bool reuseport);

#endif
