/*
 * Via (RFC 3261 §20.42; RFC 3581): the top via-parm parsed, and the
 * received/rport edit a reply makes of it.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_SIP_VIA_H
#define SLS_SIP_VIA_H

#include <sys/socket.h>

#include "error.h"
#include "sip.h"
#include "writer.h"

/*
 * Parse a Via header value: its first via-parm into via (zeroed by the
 * caller; via->hdr is left alone), the others only checked, none of them
 * may be empty or malformed. SLS_E_NONE, or SLS_E_BAD_VIA with as much of
 * via filled in as could be found. via->answerable tells whether a reply
 * may be addressed by it (SIP/2.0/UDP and a valid sent-by), whatever the
 * params and later via-parms hold.
 */
enum sls_err sls_via_parse(sls_str_t value, sls_via_t *via);

/*
 * Write line, the Via header line via was parsed from, with rport filled
 * (rport=port) and received set (received=ip) as RFC 3581 and RFC 3261
 * §18.2.1 want for a datagram from src (ip: its text form, IPv6 without
 * brackets). received is set when rport is present, when received= was
 * already there, or when the sent-by host is not src. An existing param
 * is replaced in place, a new one goes at the end of the via-parm's
 * params. With no ip, or spans outside line, line is written unchanged.
 */
void sls_via_put_top(sls_writer_t *w, const sls_via_t *via, sls_str_t line,
    const struct sockaddr *src, sls_str_t ip, unsigned port);

#endif
