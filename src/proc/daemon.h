/*
 * Daemon mode: detaching, and telling the starting process we are ready.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_DAEMON_H
#define SLS_DAEMON_H

/*
 * Fork; the parent waits until the child writes a byte to *ready_fd (exit
 * 0) or exits (its status), and never returns. The child, in a new
 * session, gets the write end in *ready_fd. -1 on failure (printed).
 */
int sls_daemonize(int *ready_fd);
/* Point stdin, stdout and stderr at /dev/null. */
void sls_daemon_detach_stdio(void);

#endif
