/*
 * Privileges, as nginx splits them: the supervisor keeps root (it reads a
 * config only root may read on reload, and reaches a root-only notify
 * socket); every worker switches to the service user and group after
 * fork and before it handles a datagram.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_PRIVS_H
#define SLS_PRIVS_H

#include <stdbool.h>
#include <sys/types.h>

typedef struct sls_privs {
	bool drop;		/* workers switch to uid/gid */
	uid_t uid;
	gid_t gid;
	char name[64];		/* "user:group", for messages */
} sls_privs_t;

/*
 * In a worker: the supervisor's groups, group and user are replaced by
 * gid alone and uid, for good (verified). 0, or -1 (logged).
 */
int sls_privs_drop(const sls_privs_t *p);

#endif
