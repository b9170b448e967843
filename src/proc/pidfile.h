/*
 * The pid file, opened so that root never follows a link planted in the
 * runtime directory (which the service user owns): libbsd's pidfile_open
 * follows symbolic links and truncates what it opens before any check.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_PIDFILE_H
#define SLS_PIDFILE_H

#include <sys/types.h>

typedef struct sls_pidfile {
	int fd;
	char *path;
} sls_pidfile_t;

/*
 * Open and lock path (created with mode if missing) and empty it. It must
 * be a regular file with one link, owned by us or by root, and no
 * symbolic link; anything else is refused. NULL on failure, logged ("already
 * running as PID n" when another process holds the lock).
 */
sls_pidfile_t *sls_pidfile_open(const char *path, mode_t mode);
/* Write our pid; 0, or -1 (logged). */
int sls_pidfile_write(sls_pidfile_t *pf);
/* In a child: close our copy; the lock stays with the supervisor. */
void sls_pidfile_close(sls_pidfile_t *pf);
/* At exit: remove the file while the path still names it, and close. */
void sls_pidfile_remove(sls_pidfile_t *pf);

#endif
