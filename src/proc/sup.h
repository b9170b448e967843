/*
 * The supervisor's state, shared by the files that make it up and by no
 * one else: supervisor.c (startup, main loop, stop), sockets.c, workers.c
 * (the worker table), reload.c, privs.c.
 */
#ifndef SLS_SUP_H
#define SLS_SUP_H

#include <libutil.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "core/tag.h"
#include "ctl/fifo.h"
#include "lib/buf.h"
#include "lib/errlist.h"
#include "privs.h"
#include "shm/segment.h"
#include "supervisor.h"

#define READY_TIMEOUT_MS	10000	/* new workers must be ready by then */
#define STOP_GRACE_MS		5000	/* SIGTERM, then SIGKILL */
#define RETIRE_GRACE_MS		30000	/* SIGQUIT (graceful), then SIGKILL */
#define DEATH_WINDOW_MS		10000	/* respawn throttle: more than */
#define DEATH_LIMIT		5	/* DEATH_LIMIT deaths in the window */

enum wstate { W_FREE, W_STARTING, W_RUNNING, W_RETIRING, W_FAILED };

typedef struct worker {
	pid_t pid;
	unsigned number;	/* 1-based */
	uint32_t generation;
	enum wstate state;
	unsigned restarts;
	uint64_t death[DEATH_LIMIT + 1];	/* ring of recent death times */
	unsigned ndeaths;
} worker_t;

typedef struct sup {
	sls_conf_t *conf;
	const sls_sup_opts_t *opts;
	sls_shm_t shm;
	sls_stats_slot_t *stats;	/* the supervisor's own slot */
	struct pidfh *pfh;
	sls_fifo_t fifo;
	bool have_fifo;
	bool daemon;		/* daemon mode: no stdio once ready */
	int ready_fd;		/* daemon mode, until ready; else -1 */

	/* sockets: listens[i] is bound to shared[i], or (reuseport) to
	   rport[n * nlistens + i] for worker number n + 1 */
	sls_listen_t *listens;
	size_t nlistens;
	int *shared;
	int *rport;
	unsigned nrport;	/* workers the reuseport sockets were made for */
	struct sockaddr_storage *local;	/* getsockname of each listen */

	worker_t w[SLS_STATS_SLOTS - 1];	/* indexed by stats slot */
	uint32_t generation;
	sls_privs_t privs;	/* what the workers switch to */
	sls_tagkey_t tagkey;
	sls_tagkey_t tablekey;
} sup_t;

/* Set by the supervisor's signal handlers (supervisor.c). */
extern volatile sig_atomic_t sls_got_hup, sls_got_term, sls_got_quit,
    sls_got_chld;

/* sockets.c: bind every listen address (shared, or one per worker). */
int sls_sockets_open(sup_t *s);

/* workers.c: the worker table. */
int sls_workers_start_generation(sup_t *s, uint32_t gen, unsigned n);
void sls_workers_reap(sup_t *s);
void sls_workers_signal(sup_t *s, const uint32_t *gen, int sig);
bool sls_workers_wait(sup_t *s, const uint32_t *gen, unsigned ms);
void sls_workers_list(sup_t *s, sls_buf_t *out);

/* reload.c */
int sls_reload(sup_t *s, sls_errlist_t *errs);

/* privs.c: the service user (refused unless started as root or as that
   user), and handing it the FIFO and the runtime directory. */
int sls_privs_resolve(const sls_conf_t *c, sls_privs_t *p);
int sls_privs_hand_over(sup_t *s);

#endif
