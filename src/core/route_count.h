/*
 * Per-route counters on the packet path: each route counts the requests
 * it matched and the final action it took with each (replied, dropped,
 * forwarded), into this process's block of shm/routestats.h. Every
 * matched request ends in exactly one of the three.
 *
 * The supervisor gives the routes of a configuration their counter
 * slots (sls_route_counters_assign) before the workers of that
 * configuration fork; a worker then only adds.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_ROUTE_COUNT_H
#define SLS_ROUTE_COUNT_H

#include <stdint.h>

#include "pipeline.h"
#include "route/route.h"
#include "settings.h"
#include "shm/routestats.h"
#include "shm/segment.h"

/* sls_route_count by slot number, for blocks that are no sls_route_t. */
static inline void
sls_route_count_slot(const sls_handler_t *h, unsigned counter,
    enum sls_rc what)
{
	if (h->routes != NULL)
		sls_route_ctr_inc(&h->routes[counter], what);
}

/*
 * Count one event of route r: SLS_RC_MATCHED when it is chosen, then one
 * of SLS_RC_REPLIED, SLS_RC_DROPPED or SLS_RC_FORWARDED for what finally
 * happened to the request. Works for any route that got a slot,
 * onreply_route blocks included; a handler without counters (unit
 * tests) counts nothing.
 */
static inline void
sls_route_count(const sls_handler_t *h, const sls_route_t *r,
    enum sls_rc what)
{
	sls_route_count_slot(h, r->counter, what);
}

/*
 * In the supervisor, before generation gen forks with conf (running:
 * the generation serving now; gen itself at the first start): set the
 * counter slot of each route of conf, by name, in shm's region. A route
 * that gets none (the table is full, or its name is too long) counts
 * into a slot that is never shown; each is logged at warning. Returns
 * how many got none.
 */
size_t sls_route_counters_assign(sls_shm_t *shm, sls_conf_t *conf,
    uint32_t running, uint32_t gen);

#endif
