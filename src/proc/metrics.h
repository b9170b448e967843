/*
 * The metrics process: with metrics_listen set, the supervisor binds a
 * TCP socket there at start (as root, before readiness, so a bad address
 * fails the start) and forks one process that serves GET /metrics on it
 * (ctl/metrics_http.c). That process switches to the service user like
 * a worker, maps the shared segment read-only, and is respawned like a
 * worker when it dies. metrics_listen is restart-only.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_PROC_METRICS_H
#define SLS_PROC_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define SLS_METRICS_DEATHS	6	/* ring of recent death times */

typedef struct sls_metrics {
	int fd;			/* listening socket, -1: metrics off */
	pid_t pid;		/* 0: not running */
	bool stopping;		/* the server stops: no respawn */
	bool failed;		/* given up: not respawned again */
	unsigned restarts;
	uint64_t death[SLS_METRICS_DEATHS];
	unsigned ndeaths;
} sls_metrics_t;

#endif
