/*
 * A worker process: reads datagrams from the shared socket(s) and answers.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_WORKER_H
#define SLS_WORKER_H

#include <netinet/in.h>
#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "core/settings.h"
#include "shm/segment.h"
#include "core/tag.h"
#include "privs.h"

/* One socket a worker reads, with the address it is bound to. */
typedef struct sls_wsock {
	int fd;
	const sls_listen_t *listen;
	struct sockaddr_storage local;	/* getsockname() after bind */
} sls_wsock_t;

typedef struct sls_worker_args {
	const sls_conf_t *conf;
	sls_shm_t *shm;
	unsigned slot;		/* stats and status slot */
	unsigned number;	/* 1-based, for titles and logs */
	uint32_t generation;
	pid_t supervisor;
	sls_wsock_t *socks;
	size_t nsocks;
	const sls_tagkey_t *tagkey;
	const sls_tagkey_t *tablekey;
	const sls_privs_t *privs;	/* switched to before anything else */
	bool detach;		/* daemon mode: no stdio once ready */
	int test_fault;		/* SLS_FAULT_*: the tests' fault hook */
	bool test_forbidden;	/* SLS_TEST_FORBIDDEN_CALL: seccomp hook */
	int tm_wake_fd;		/* eventfd that wakes the timer process */
} sls_worker_args_t;

/* Room for the control message that picks a reply's source address. */
#define SLS_WORKER_CMSG_CAP	CMSG_SPACE(sizeof(struct in6_pktinfo))

/*
 * Make a datagram sent on s leave from local, the address its request
 * came in on (wildcard listens only); ctl has SLS_WORKER_CMSG_CAP bytes.
 * The timer process sends its retransmissions the same way.
 */
void sls_worker_source_address(const sls_wsock_t *s,
    const struct sockaddr_storage *local, struct msghdr *mh, char *ctl);

/* What the fault hook of the tests makes a worker of a generation do. */
#define SLS_FAULT_NONE	0
#define SLS_FAULT_EXIT	1	/* exit 2 before ready, as an init failure */
#define SLS_FAULT_HANG	2	/* never report ready; stop on a signal */
#define SLS_FAULT_DIE	3	/* a respawned worker exits 1 at start */

/* Exit codes of a worker process. */
#define SLS_WORKER_EXIT_OK	0	/* retired or told to stop */
#define SLS_WORKER_EXIT_INIT	2	/* its own init failed: never respawn */

/* The signal set-up of a worker, and of the timer process (worker.c). */
int sls_child_signals(void (*on)(int), sigset_t *unblocked);

/* Run the worker loop in a freshly forked child; returns its exit code. */
int sls_worker_run(const sls_worker_args_t *a);

#endif
