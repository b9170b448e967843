/*
 * Descriptors a process did not open itself (a root-only file the
 * starting shell left open, the supervisor's pid file, FIFO and other
 * workers' sockets) are closed before it does any work.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_FDS_H
#define SLS_FDS_H

#include <stddef.h>

/* Close every descriptor above stderr but the n in keep (any order). */
void sls_close_except(const int *keep, size_t n);

#endif
