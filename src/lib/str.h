/*
 * A counted, not NUL-terminated view into a buffer.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_STR_H
#define SLS_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

typedef struct sls_str {
	const char *s;
	size_t len;
} sls_str_t;

#define SLS_STR_NULL	((sls_str_t){ NULL, 0 })
#define SLS_STR_LIT(l)	((sls_str_t){ (l), sizeof(l) - 1 })

/* A view of a NUL-terminated string. */
static inline sls_str_t
sls_str_c(const char *s)
{
	return (sls_str_t){ s, strlen(s) };
}

static inline bool
sls_str_eq(sls_str_t a, const char *b)
{
	size_t n = strlen(b);

	return a.len == n && memcmp(a.s, b, n) == 0;
}

static inline bool
sls_str_caseeq(sls_str_t a, const char *b)
{
	size_t n = strlen(b);

	return a.len == n && strncasecmp(a.s, b, n) == 0;
}

#endif
