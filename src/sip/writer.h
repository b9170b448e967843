/*
 * A bounded writer into a fixed buffer: what replies (and later forwarded
 * requests) are written with. Nothing is allocated; a write that does not
 * fit marks the writer full and every later write is dropped, so a caller
 * checks once at the end.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_SIP_WRITER_H
#define SLS_SIP_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "lib/str.h"

/* Once something does not fit, nothing more is written. */
typedef struct sls_writer {
	char *p;
	char *end;
	bool full;
} sls_writer_t;

/* A writer over buf[0..cap). */
static inline sls_writer_t
sls_writer(char *buf, size_t cap)
{
	return (sls_writer_t){ buf, buf + cap, false };
}

static inline void
sls_put(sls_writer_t *w, const char *s, size_t n)
{
	if (n > (size_t)(w->end - w->p)) {
		w->full = true;
		w->p = w->end;
		return;
	}
	if (n > 0) {
		memcpy(w->p, s, n);
		w->p += n;
	}
}

/* A string literal. */
#define SLS_PUT_LIT(w, l)	sls_put((w), (l), sizeof(l) - 1)

static inline void
sls_put_str(sls_writer_t *w, sls_str_t s)
{
	sls_put(w, s.s, s.len);
}

/* Decimal, no sign. */
void sls_put_uint(sls_writer_t *w, unsigned v);
/* q in thousandths as RFC 3261 qvalue: 500 -> "0.5", 1000 -> "1". */
void sls_put_q(sls_writer_t *w, int q);

#endif
