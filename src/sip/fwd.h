/*
 * Stateless forwarding as bytes in, bytes out (RFC 3261 §16.6, §16.11,
 * §18.2.2; RFC 3581): the request rewritten for the next hop (our Via,
 * received/rport on the previous one, Max-Forwards, Route pop,
 * Record-Route), the Via walk, and a reply rewritten for the previous
 * hop (our Via removed, status line optionally replaced) with the
 * address the next Via names. No keys, no config, no addresses of our
 * own: core/ decides, this writes.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_SIP_FWD_H
#define SLS_SIP_FWD_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "sip.h"

/* Max-Forwards when absent: RFC 3261 §8.1.1.6, §16.6 item 3. */
#define SLS_FWD_MAX_FORWARDS	70

/* sls_fwd_max_forwards() results besides a value 0..255. */
#define SLS_MF_ABSENT		(-1)
#define SLS_MF_MALFORMED	(-2)

/*
 * The first Max-Forwards value: 0..255 (leading zeros allowed, "007" is
 * 7), SLS_MF_ABSENT, or SLS_MF_MALFORMED (not digits, or above 255: the
 * basic checks refuse such a request with 400 before any route runs).
 */
int sls_fwd_max_forwards(const sls_msg_t *msg);

/*
 * The URI of the first value of the first Route header (without < >);
 * false when there is no Route header or its first value is not a
 * name-addr.
 */
bool sls_fwd_first_route(const sls_msg_t *msg, sls_str_t *uri);

/* What sls_fwd_request() writes besides the bytes of the request. */
typedef struct sls_fwd_req {
	sls_str_t ruri;		/* new Request-URI, or NULL .s: unchanged */
	/* the previous hop: received/rport on its (the top) Via */
	const struct sockaddr *src;
	sls_str_t src_ip;	/* text form, IPv6 without brackets */
	unsigned src_port;
	/* our Via "SIP/2.0/UDP host:port;branch=branch", and Record-Route
	   "<sip:host:port;lr>" when record_route */
	sls_str_t host;		/* IPv6 with brackets */
	unsigned port;
	sls_str_t branch;
	bool record_route;
	bool pop_route;		/* remove the first Route value */
} sls_fwd_req_t;

/*
 * Write the request msg (checked, sls_sip_check()) for the next hop into
 * out[0..cap). Everything is copied byte for byte but:
 * - the Request-URI, when f->ruri is set;
 * - our Via, a line of its own right before the first Via line;
 * - the previous top Via with received/rport (sls_via_put_top());
 * - Max-Forwards: decremented (written without leading zeros); when
 *   absent, "Max-Forwards: 70" is added before the empty line; the
 *   caller answers 483 for 0 and never calls this then;
 * - with pop_route, the first Route value (its line, or the value and
 *   its comma when the header lists more);
 * - with record_route, "Record-Route: <sip:host:port;lr>" right before
 *   the first Record-Route line, or before the empty line.
 * The body goes as it came (the bytes Content-Length counts). Returns
 * the length, or -1 when it does not fit.
 */
ssize_t sls_fwd_request(const sls_msg_t *msg, const sls_fwd_req_t *f,
    char *out, size_t cap);

/*
 * The via-parm after *v: the next one of the same Via header, else the
 * first of the next Via header. With v->whole.s NULL it is the top one
 * (as msg->via holds it after the checks). v->hdr is the index of its
 * header. False at the end, or when the next via-parm is malformed (the
 * walk stops there: nothing after it can be trusted).
 */
bool sls_fwd_via_next(const sls_msg_t *msg, sls_via_t *v);

/*
 * Where a reply goes by a Via (RFC 3261 §18.2.2, RFC 3581 §4): the
 * received address, else the sent-by host, which must be a numeric
 * address (no DNS on the packet path); at the rport value, else the
 * sent-by port, else 5060; by UDP whatever its transport says. False
 * when the Via cannot be addressed so.
 */
bool sls_fwd_via_dest(const sls_via_t *v, struct sockaddr_storage *dst,
    socklen_t *dstlen);

/*
 * Write the reply msg without its top via-parm (msg->via: the line when
 * it is the only one of its header, else the via-parm and its comma).
 * With code != 0 the status line becomes "SIP/2.0 code reason" (reason
 * free of CR/LF/controls; the caller sanitises). Returns the length, or
 * -1 when it does not fit or msg->via is not the top via-parm.
 */
ssize_t sls_fwd_reply(const sls_msg_t *msg, int code, sls_str_t reason,
    char *out, size_t cap);

/*
 * A numeric host (IPv4, or IPv6 with or without brackets) and a port as
 * a socket address; false for a name or a malformed address.
 */
bool sls_fwd_addr(sls_str_t host, unsigned port, struct sockaddr_storage *a,
    socklen_t *alen);

#endif
