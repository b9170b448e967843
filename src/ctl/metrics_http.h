/*
 * GET /metrics over HTTP/1.1: the Prometheus text of "stats prometheus"
 * (prom.c), read from the shared segment, served with libmicrohttpd in
 * a single-threaded event loop on a socket the caller has bound and set
 * listening. It runs in a process of its own (proc/metrics.c), never in
 * the supervisor or a worker.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_METRICS_HTTP_H
#define SLS_METRICS_HTTP_H

#include <signal.h>

#include "shm/segment.h"

/* Bounds: connections at once (more wait in the listen queue), seconds
   a connection may idle, and bytes of memory per connection: a request
   whose line and headers do not fit in it is refused. */
#define SLS_METRICS_MAX_CONNS		16
#define SLS_METRICS_TIMEOUT_S		10
#define SLS_METRICS_CONN_MEMORY		16384

/* The media type of the Prometheus text format. */
#define SLS_METRICS_CONTENT_TYPE	"text/plain; version=0.0.4"

/*
 * Serve on the listening socket fd until *stop is set (by a signal
 * handler of the caller's); shm is only read, lim gives the limits for
 * the gauge of blocked sources (NULL: none). The caller keeps the
 * signals that stop it blocked; they are let in (mask) only while the
 * loop waits. Returns 0 when stopped, -1 (logged) if the server cannot
 * start or its wait fails.
 */
int sls_metrics_http_serve(int fd, const sls_shm_t *shm,
    const sls_src_params_t *lim, volatile sig_atomic_t *stop,
    const sigset_t *mask);

#endif
