/*
 * The net layer: addresses, CIDR sets and text forms (addr.h, pure) and
 * UDP sockets (sock.h). Including this header gets both.
 */
#ifndef SLS_NET_H
#define SLS_NET_H

#include "addr.h"
#include "sock.h"

#endif
