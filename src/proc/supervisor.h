/*
 * The supervisor: owns config, sockets, shared memory, pid file, FIFO and
 * the worker table; forks, respawns and retires workers; never handles SIP.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_SUPERVISOR_H
#define SLS_SUPERVISOR_H

#include <stdbool.h>

#include "conf/conf.h"

typedef struct sls_sup_opts {
	const char *conf_path;
	const char *pidfile;	/* -P, overrides the config; NULL if none */
	int log_level;		/* -l / -d, overrides the config; -1 if not */
	int ready_fd;		/* written once ready (daemon mode), or -1 */
	bool log_stderr;	/* -d: the log goes to stderr, not syslog */
} sls_sup_opts_t;

/* Run the server with a loaded config (taken over); returns the exit code. */
int sls_supervisor_run(sls_conf_t *conf, const sls_sup_opts_t *opts);

#endif
