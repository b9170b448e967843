/*
 * A configuration is compiled first in a disposable child with limits on
 * CPU time, stack and memory, and a wall-clock bound the parent enforces:
 * a regex that makes regcomp() recurse until it crashes, or spin for a
 * minute, costs that child only. Only a text that passed there is loaded
 * by the process that keeps it (-t, start, reload).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_TRIAL_H
#define SLS_TRIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/errlist.h"

#define SLS_TRIAL_CPU_S		5	/* CPU seconds of the child */
#define SLS_TRIAL_WALL_MS	10000	/* then it is killed */
#define SLS_TRIAL_STACK		(8 * 1024 * 1024)	/* at most */
#define SLS_TRIAL_DATA		(256UL * 1024 * 1024)	/* heap and mmap */

typedef struct sls_trial {
	pid_t pid;		/* 0 once reaped (or never started) */
	int fd;			/* the pipe's read end; -1 at its end */
	uint64_t deadline;	/* sls_now_ms() */
	bool timed_out;		/* killed by us at the deadline */
	int status;		/* wait status, once reaped */
	char *out;		/* records: 'E' or 'W', text, NUL */
	size_t len, cap;
	bool truncated;
} sls_trial_t;

/* Fork the child that loads text (messages name FILE); -1 if it could
   not (the reason in errs). */
int sls_trial_start(sls_trial_t *t, const char *text, const char *name,
    sls_errlist_t *errs);
/* Read what the child wrote, reap it, enforce the deadline; true once
   it is over. Never blocks. */
bool sls_trial_poll(sls_trial_t *t);
/* The supervisor's reaper got the child's status. */
void sls_trial_reaped(sls_trial_t *t, int status);
/* The outcome of a trial that is over: 0 when the text loads, else -1
   with the reasons; its messages go to errs and warns (NULL: dropped).
   Frees what the trial held. */
int sls_trial_end(sls_trial_t *t, const char *name, sls_errlist_t *errs,
    sls_errlist_t *warns);
/* Give up a trial that is not over: the child is killed and reaped. */
void sls_trial_kill(sls_trial_t *t);
/* A whole trial, waiting for it (main: -t and start). */
int sls_trial_run(const char *text, const char *name, sls_errlist_t *errs,
    sls_errlist_t *warns);

#endif
