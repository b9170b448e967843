/*
 * Stateless forwarding (RFC 3261 §16.11): a request taken by a route
 * whose final action is forward goes to one of its destinations with our
 * Via on top (forward.c); a reply whose top Via is ours goes back to the
 * next Via after the first matching onreply_route (reply_fwd.c). Nothing
 * is kept between the two: the branch (branch.h) carries all a reply
 * needs. No DNS and no lock on this path.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_FORWARD_H
#define SLS_FORWARD_H

#include <stdbool.h>

#include "lib/str.h"
#include "pipeline.h"
#include "route/route.h"
#include "sip/req.h"

/*
 * Forward req by the route r (final action forward): Max-Forwards 0 is
 * answered 483, a loop 482 (local replies; an ACK is dropped instead),
 * else out gets the rewritten request for the destination the Call-ID
 * picks. True when out holds a datagram to send; false when nothing is
 * sent (counted).
 */
bool sls_forward(const sls_handler_t *h, sls_req_t *req,
    const sls_route_t *r, sls_out_t *out);

/*
 * A reply arrived (req->msg parsed, a response): when its top Via is
 * ours and its branch verifies against the next Via, run the first
 * matching onreply_route and put the reply for the next Via into out
 * (true). Otherwise it is dropped and counted in core:drop_replies.
 */
bool sls_reply_forward(const sls_handler_t *h, sls_req_t *req,
    sls_out_t *out);

/* After a send attempt of a forwarded request or reply: count it. */
void sls_fwd_sent(const sls_handler_t *h, const sls_out_t *out, bool ok);

/*
 * Is host:port (port 0: 5060) an address of ours: the one req arrived
 * on, or a listen address? Numeric hosts only (a name is never ours:
 * no DNS on the packet path).
 */
bool sls_fwd_is_us(const sls_conf_t *conf, const sls_req_t *req,
    sls_str_t host, unsigned port);

#endif
