/*
 * The net layer: addresses, CIDR sets and text forms (addr.h, pure) and
 * UDP sockets (sock.h). Including this header gets both.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_NET_H
#define SLS_NET_H

#include "addr.h"
#include "sock.h"

#endif
