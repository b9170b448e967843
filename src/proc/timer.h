/*
 * The timer process: retransmits the replies of the server transactions
 * and ends them (core/tm_timer.c), sleeping in ppoll() until the next
 * timer is due or a worker wakes it through an eventfd. Forked by the
 * supervisor once a configuration can create transactions, unprivileged
 * like a worker, respawned like a worker, shown by "workers".
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_TIMER_H
#define SLS_TIMER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "privs.h"
#include "shm/segment.h"
#include "worker.h"

typedef struct sls_timer_args {
	sls_shm_t *shm;
	pid_t supervisor;
	sls_wsock_t *socks;	/* one per listen, by listen index */
	size_t nsocks;
	const sls_privs_t *privs;
	int wake_fd;		/* eventfd the workers write to */
	bool detach;		/* daemon mode: no stdio once running */
} sls_timer_args_t;

/*
 * Map the whole transaction table into this process's page tables now
 * (MADV_POPULATE_WRITE), so that the packet path never takes a page
 * fault on it; for workers of a configuration with t_newtran and for the
 * timer process. Best effort: an older kernel just faults as it goes.
 */
void sls_timer_prefault(const sls_shm_t *shm);

/* Run the timer process in a freshly forked child; returns its exit code
   (SLS_WORKER_EXIT_OK, or SLS_WORKER_EXIT_INIT when its init failed). */
int sls_timer_run(const sls_timer_args_t *a);

#endif
