/*
 * Route counter slots by route name. See route_count.h.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "route_count.h"

static const char *
why(const char *name)
{
	size_t n = strlen(name);

	if (n == 0)
		return "empty name";
	if (n >= SLS_ROUTE_NAME_MAX)
		return "name longer than 127 bytes";
	return "more than 127 route names in the running and the new "
	    "configuration together";
}

/* The i-th block counted: the routes, then the onreply_route blocks. */
static sls_route_t *
block(sls_conf_t *conf, size_t i)
{
	return i < conf->nroutes ? &conf->routes[i] :
	    &conf->onreply[i - conf->nroutes];
}

size_t
sls_route_counters_assign(sls_shm_t *shm, sls_conf_t *conf, uint32_t running,
    uint32_t gen)
{
	size_t i, n = conf->nroutes + conf->nonreply, missing;
	sls_route_key_t *keys;
	unsigned *slots;

	keys = calloc(n + 1, sizeof(*keys));
	slots = calloc(n + 1, sizeof(*slots));
	if (keys == NULL || slots == NULL) {
		free(keys);
		free(slots);
		for (i = 0; i < n; i++)
			block(conf, i)->counter = 0;
		sls_log(LOG_WARNING, "no memory for route counters; routes "
		    "are not counted");
		return n;
	}
	/* route and onreply_route names are separate name spaces */
	for (i = 0; i < n; i++) {
		keys[i].kind = i < conf->nroutes ? SLS_RK_ROUTE :
		    SLS_RK_ONREPLY;
		keys[i].name = block(conf, i)->name;
	}
	missing = sls_routestats_assign(shm->routestats, SLS_STATS_SLOTS,
	    running, gen, keys, n, slots);
	for (i = 0; i < n; i++) {
		block(conf, i)->counter = slots[i];
		if (slots[i] == 0)
			sls_log(LOG_WARNING, "%s \"%s\" is not counted: %s",
			    sls_route_kind_name[keys[i].kind],
			    block(conf, i)->name, why(block(conf, i)->name));
	}
	free(keys);
	free(slots);
	return missing;
}
