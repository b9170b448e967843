/*
 * The admin commands (ping, version, help, stats, workers, sigtable,
 * reload), independent of the FIFO transport that carries them.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_ADMIN_H
#define SLS_ADMIN_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"
#include "conf/conf.h"
#include "shm/segment.h"

typedef struct sls_admin_ops {
	void *arg;
	const sls_shm_t *shm;
	/* running config (for sigtable's ack_timeout) */
	const sls_conf_t *(*conf)(void *arg);
	/* reload now; 0 on success, -1 with every message in errs */
	int (*reload)(void *arg, sls_errlist_t *errs);
	/* one line per worker: slot, pid, generation, state, restarts */
	void (*workers)(void *arg, sls_buf_t *out);
	/* whether the workers serve; if not, why: ping answers 503 */
	bool (*serving)(void *arg, char *why, size_t len);
} sls_admin_ops_t;

/*
 * Run one command. argv[0] is the command name. The body lines go to
 * body; the status line (e.g. "200 OK", "400 unknown command 'x'") to
 * status. Returns the status code.
 */
int sls_admin_exec(const sls_admin_ops_t *ops, int argc, char **argv,
    sls_buf_t *status, sls_buf_t *body);

#endif
