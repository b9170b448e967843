/*
 * Prometheus text exposition format 0.0.4 of the counters.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_PROM_H
#define SLS_PROM_H

#include <stdint.h>

#include "lib/buf.h"
#include "shm/stats.h"

/* Append all metrics for the summed counters to out. */
void sls_prom_write(sls_buf_t *out, const uint64_t v[SLS_ST_COUNT],
    uint64_t sigtable_used, uint64_t sigtable_size);
/* Append the transaction table's metrics (group tm). */
void sls_prom_write_tm(sls_buf_t *out, const uint64_t v[SLS_ST_COUNT],
    uint64_t inuse);
/* Append s escaped as a label value (backslash, quote, newline). */
void sls_prom_escape(sls_buf_t *out, const char *s);

#endif
