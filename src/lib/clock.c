/* Copyright (c) 2026 The slserver authors. ISC licence: see COPYING. */

#include "config.h"

#include <time.h>

#include "clock.h"

uint64_t
sls_now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
