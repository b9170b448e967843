/*
 * Route conditions: which route of a list a request takes. Reads the
 * parsed request and its source address only; no I/O, no state.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_MATCH_H
#define SLS_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "route.h"
#include "sip/req.h"

/* Every condition of r holds for req. */
bool sls_route_matches(const sls_route_t *r, const sls_req_t *req);
/* The first of the n routes that matches req, or NULL. */
const sls_route_t *sls_route_find(const sls_route_t *routes, size_t n,
    const sls_req_t *req);

/*
 * onreply_route: every condition of r holds for the reply in req (its
 * code, its CSeq method, the source address, its headers).
 */
bool sls_onreply_matches(const sls_route_t *r, const sls_req_t *req);
/* The first of the n onreply_routes that matches, or NULL. */
const sls_route_t *sls_onreply_find(const sls_route_t *routes, size_t n,
    const sls_req_t *req);

#endif
