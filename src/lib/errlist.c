/* Copyright (c) 2026 The slserver authors. ISC licence: see COPYING. */

#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "errlist.h"

void
sls_errlist_add(sls_errlist_t *e, const char *fmt, ...)
{
	va_list ap;
	char *m, **v;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&m, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((v = realloc(e->msg, (e->n + 1) * sizeof(*v))) == NULL) {
		free(m);
		return;
	}
	e->msg = v;
	e->msg[e->n++] = m;
}

void
sls_errlist_free(sls_errlist_t *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->msg[i]);
	free(e->msg);
	e->msg = NULL;
	e->n = 0;
}
