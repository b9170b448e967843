/*
 * Route actions that only fill the request context: set_ruri,
 * append_branch, append_to_reply, and the expansion of a reply action's
 * code and reason. No I/O; core/ sends what they prepare.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_ACTION_H
#define SLS_ACTION_H

#include "lib/str.h"
#include "route.h"
#include "sip/req.h"

/*
 * set_ruri, append_branch, append_to_reply of r, in this order. 0, or -1
 * with req->err set (bad URI, too many branches, template too long).
 */
int sls_route_run_actions(const sls_route_t *r, sls_req_t *req);
/* Reply code of a route: its template's value if 100..699, else default. */
int sls_route_code(const sls_route_t *r, sls_req_t *req, int default_code);
/*
 * The reason of a route's reply: its template's value; the standard
 * phrase of code when the route gave none; default_reason when either is
 * empty. Expanded into the request's scratch space.
 */
sls_str_t sls_route_reason(const sls_route_t *r, sls_req_t *req, int code,
    const char *default_reason);

#endif
