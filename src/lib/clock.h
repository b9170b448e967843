/*
 * The one clock: milliseconds of CLOCK_MONOTONIC, for every deadline and
 * expiry (the signature table's included).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_CLOCK_H
#define SLS_CLOCK_H

#include <stdint.h>

uint64_t sls_now_ms(void);

#endif
