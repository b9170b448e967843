/*
 * The workers' system call filter: once a worker is ready to serve, it
 * may make only the calls of its packet loop (seccomp.c lists them, and
 * why); any other kills it, and the supervisor respawns it.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_SECCOMP_H
#define SLS_SECCOMP_H

/*
 * Set no_new_privs and load the filter into the calling process, for
 * good. 0, or -1 (logged). In a sanitizer build (sanitizer.h) nothing is
 * loaded and 0 returned.
 */
int sls_seccomp_worker(int wake_fd);

#endif
