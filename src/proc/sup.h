/*
 * The supervisor's state, shared by the files that make it up and by no
 * one else: supervisor.c (startup, main loop, stop), sockets.c, workers.c
 * (the worker table), reload.c, privs.c.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_SUP_H
#define SLS_SUP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "core/tag.h"
#include "ctl/fifo.h"
#include "lib/buf.h"
#include "lib/errlist.h"
#include "metrics.h"
#include "pidfile.h"
#include "privs.h"
#include "shm/segment.h"
#include "supervisor.h"
#include "trial.h"

#define READY_TIMEOUT_MS	10000	/* new workers must be ready by then */
#define STOP_GRACE_MS		5000	/* SIGTERM, then SIGKILL */
#define RETIRE_GRACE_MS		30000	/* SIGQUIT (graceful), then SIGKILL */
#define DEATH_WINDOW_MS		10000	/* respawn throttle: more than */
#define DEATH_LIMIT		5	/* DEATH_LIMIT deaths in the window */
#define RETRY_FIRST_MS		10000	/* then a retry after this, */
#define RETRY_MAX_MS		300000	/* doubled each time up to this, */
#define BACKOFF_RESET_MS	60000	/* back to the first after a life
					   this long */

enum wstate { W_FREE, W_STARTING, W_RUNNING, W_RETIRING, W_FAILED };

typedef struct worker {
	pid_t pid;
	unsigned number;	/* 1-based */
	uint32_t generation;
	enum wstate state;
	unsigned restarts;
	uint64_t death[DEATH_LIMIT + 1];	/* ring of recent death times */
	unsigned ndeaths;
	bool hung;		/* killed for a stale heartbeat */
	uint64_t started_ms;	/* when last forked */
	uint64_t retry_at;	/* W_FAILED by the throttle: respawn then */
	unsigned backoff_ms;	/* the next throttle's delay; 0 = first */
} worker_t;

/*
 * A reload in progress. The supervisor's loop drives it (sls_reload_step)
 * while it goes on reaping, respawning and serving the FIFO: first the
 * text read must pass the trial in a disposable child (RL_TRIAL, trial.h),
 * then the bank of slots the new generation uses must be free of
 * retirees of the one before (RL_DRAIN), then the new workers must report
 * ready (RL_START), each phase with a deadline.
 */
enum rl_phase { RL_IDLE, RL_TRIAL, RL_DRAIN, RL_START };

typedef struct reload {
	enum rl_phase phase;
	uint64_t deadline;	/* sls_now_ms() */
	bool killed;		/* RL_DRAIN: the retirees got SIGKILL */
	uint32_t gen;		/* the generation being started */
	char *text;		/* RL_TRIAL: the file's text */
	sls_trial_t trial;	/* RL_TRIAL: its trial */
	sls_conf_t *conf;	/* its configuration */
	sls_tagkey_t tagkey;	/* and to-tag key */
	sls_errlist_t *errs;	/* messages: the FIFO reply's, or own */
	sls_errlist_t own;
	int result;		/* of the last reload: 0 or -1 */
} reload_t;

#define SLS_MAX_FAULTS	4

typedef struct sup {
	sls_conf_t *conf;
	const sls_sup_opts_t *opts;
	sls_shm_t shm;
	sls_stats_slot_t *stats;	/* the supervisor's own slot */
	sls_pidfile_t *pfh;
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
	unsigned nrport;	/* workers the reuseport sockets are for */
	struct sockaddr_storage *local;	/* getsockname of each listen */

	worker_t w[SLS_STATS_SLOTS - 1];	/* indexed by stats slot */
	uint32_t generation;
	sls_privs_t privs;	/* what the workers switch to */
	char *made_dir[2];	/* of pid file, FIFO: made by us, else NULL */
	sls_tagkey_t tagkey;	/* of the running configuration */
	sls_tagkey_t randkey;	/* made once: the key of tag_secret "" */
	sls_tagkey_t tablekey;
	int tm_wake;		/* eventfd: workers wake the timer process */
	reload_t reload;
	uint64_t retired_ms;	/* when the last old generation got SIGQUIT */
	sls_metrics_t metrics;	/* the /metrics process (metrics.c) */

	struct {
		uint32_t gen;
		int mode;	/* SLS_FAULT_*, 0 once used */
	} fault[SLS_MAX_FAULTS];	/* SLS_TEST_FAIL_GENERATION */
	unsigned nfaults;
	unsigned respawn_faults;	/* SLS_TEST_RESPAWN_FAIL */
	bool test_forbidden;	/* SLS_TEST_FORBIDDEN_CALL */
	bool outage;		/* no worker serves (reported once) */
} sup_t;

enum sls_gen_state { SLS_GEN_STARTING, SLS_GEN_READY, SLS_GEN_FAILED };

/* Set by the supervisor's signal handlers (supervisor.c). */
extern volatile sig_atomic_t sls_got_hup, sls_got_term, sls_got_quit,
    sls_got_chld;

/* sockets.c: bind every listen address (shared, or one per worker). */
int sls_sockets_open(sup_t *s);

/* supervisor.c: sleep up to ms with the signals let in. */
void sls_sup_pause(unsigned ms);

/* workers.c: the worker table and the generations. */
void sls_workers_test_hooks(sup_t *s);
/* testhooks.c: the fault hook for this start of gen (used up), or
   SLS_FAULT_NONE. */
int sls_test_take_fault(sup_t *s, uint32_t gen);
int sls_gen_spawn(sup_t *s, uint32_t gen, unsigned n);
enum sls_gen_state sls_gen_check(sup_t *s, uint32_t gen, unsigned n);
void sls_gen_abort(sup_t *s, uint32_t gen);
unsigned sls_gen_bank_alive(sup_t *s, uint32_t gen);
void sls_workers_reap(sup_t *s);
void sls_workers_check_hung(sup_t *s);
void sls_workers_retry(sup_t *s);
bool sls_workers_serving(sup_t *s, char *why, size_t len);
void sls_workers_signal(sup_t *s, const uint32_t *gen, int sig);
bool sls_workers_wait(sup_t *s, unsigned ms, volatile sig_atomic_t *cut);
void sls_workers_list(sup_t *s, sls_buf_t *out);
/* The timer process of the transaction table (workers.c). */
int sls_timer_spawn(sup_t *s);
void sls_timer_ensure(sup_t *s, bool needed);

/* reload.c */
/* The to-tag key of a secret; "" is the random key made once at start. */
void sls_reload_tagkey(const sup_t *s, const char *secret, sls_tagkey_t *k);
/* Start a reload (errs NULL: messages logged only); -1 if it failed at
   once, 0 if it is done or pending. */
int sls_reload_begin(sup_t *s, sls_errlist_t *errs);
/* Drive a pending reload on; a no-op when none is. */
void sls_reload_step(sup_t *s);
bool sls_reload_pending(const sup_t *s);
/* Give up a pending reload because the server stops. */
void sls_reload_abort(sup_t *s);
/* A whole reload, for the FIFO: waits for it, reaping meanwhile. */
int sls_reload(sup_t *s, sls_errlist_t *errs);

/* metrics.c: the /metrics process. open binds metrics_listen (if set);
   spawn forks the process; reaped tells whether pid was it (and
   respawns it); stop ends it for good; close_fd is for other children. */
int sls_metrics_open(sup_t *s);
int sls_metrics_spawn(sup_t *s);
bool sls_metrics_reaped(sup_t *s, pid_t pid, int status);
void sls_metrics_stop(sup_t *s);
void sls_metrics_close_fd(sup_t *s);

/* privs.c: the service user (refused unless started as root or as that
   user), making a missing runtime directory, and handing the service user
   the FIFO and a runtime directory we made. */
int sls_privs_resolve(const sls_conf_t *c, sls_privs_t *p);
int sls_privs_make_rundirs(sup_t *s);
int sls_privs_hand_over(sup_t *s);

#endif
