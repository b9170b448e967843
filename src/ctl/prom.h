/*
 * Prometheus text exposition format 0.0.4 of the counters.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_PROM_H
#define SLS_PROM_H

#include <stdint.h>

#include "lib/buf.h"
#include "shm/routestats.h"
#include "shm/segment.h"
#include "shm/stats.h"

/* Append all metrics for the summed counters to out. */
void sls_prom_write(sls_buf_t *out, const uint64_t v[SLS_ST_COUNT],
    uint64_t sigtable_used, uint64_t sigtable_size);
/* Append the route counter families of the n samples to out. */
void sls_prom_write_routes(sls_buf_t *out, const sls_route_sample_t *s,
    size_t n);
/*
 * The route counters of the running generation, read from shm into a
 * new array *out (the caller frees it); returns how many.
 */
size_t sls_prom_routes(const sls_shm_t *shm, sls_route_sample_t **out);
/*
 * Everything, read from the segment: what "stats prometheus" and GET
 * /metrics serve. lim: the limits in force, for the gauge of blocked
 * sources (NULL: none counted).
 */
void sls_prom_collect(sls_buf_t *out, const sls_shm_t *shm,
    const sls_src_params_t *lim);
/*
 * Append the metrics of the per-source limits (SPEC 9): the counters
 * core:limited, core:blocks, core:error_replies_limited,
 * shm:srctable_evictions and the gauge of the sources blocked now.
 */
void sls_prom_write_limits(sls_buf_t *out, const uint64_t v[SLS_ST_COUNT],
    uint64_t blocked_sources);
/* Append the transaction table's metrics (group tm). */
void sls_prom_write_tm(sls_buf_t *out, const uint64_t v[SLS_ST_COUNT],
    uint64_t inuse);
/* Append s escaped as a label value (backslash, quote, newline). */
void sls_prom_escape(sls_buf_t *out, const char *s);

#endif
