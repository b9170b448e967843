/*
 * A list of error messages, each "FILE:LINE: message", built by a config
 * load or a reload and shown by -t, the log and the FIFO reply.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_ERRLIST_H
#define SLS_ERRLIST_H

#include <stddef.h>

typedef struct sls_errlist {
	char **msg;
	size_t n;
} sls_errlist_t;

void sls_errlist_add(sls_errlist_t *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sls_errlist_free(sls_errlist_t *e);

#endif
