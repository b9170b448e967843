/*
 * A growable text buffer for admin replies (not used on the packet path).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_BUF_H
#define SLS_BUF_H

#include <stddef.h>

typedef struct sls_buf {
	char *data;		/* NUL-terminated; NULL until first append */
	size_t len;
	size_t cap;
	int failed;		/* set when an allocation failed */
} sls_buf_t;

/*
 * Start from a zeroed sls_buf_t. When an allocation fails, failed is set,
 * the text so far stays valid and later appends do nothing; reset empties
 * the buffer and clears failed, free releases the memory.
 */
void sls_buf_printf(sls_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sls_buf_append(sls_buf_t *b, const char *s, size_t n);
void sls_buf_reset(sls_buf_t *b);
void sls_buf_free(sls_buf_t *b);

#endif
