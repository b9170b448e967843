/*
 * Templates: strings with pseudo-variables ($rU, $hdr(Name), ...), compiled
 * once when the config is loaded and expanded per request without parsing
 * or allocating.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_TMPL_H
#define SLS_TMPL_H

#include <stddef.h>
#include <sys/types.h>

#include "sip/req.h"

typedef struct sls_tmpl sls_tmpl_t;

/*
 * Compile src. On error returns NULL and writes a message such as
 * "unknown variable $foo" into err.
 */
sls_tmpl_t *sls_tmpl_compile(const char *src, char *err, size_t errlen);
void sls_tmpl_free(sls_tmpl_t *t);

/* The source text the template was compiled from. */
const char *sls_tmpl_source(const sls_tmpl_t *t);
/* True when the template has no variables (expansion is constant). */
bool sls_tmpl_is_const(const sls_tmpl_t *t);

/*
 * Expand into out[0..cap). Variable values have CR, LF, NUL and other
 * control characters replaced by spaces. Returns the length, or -1 when
 * the result does not fit (out then holds a truncated prefix).
 */
ssize_t sls_tmpl_expand(const sls_tmpl_t *t, sls_req_t *req, char *out,
    size_t cap);

/* What marks a variable value cut by sls_tmpl_expand_log(). */
#define SLS_TMPL_CUT		"[...]"
/* The cap on each variable value in an xlog line. */
#define SLS_TMPL_LOG_VARCAP	256

/*
 * Expand for a log line (xlog): as sls_tmpl_expand, but each variable
 * value longer than varcap bytes is cut there, between two UTF-8
 * characters, and followed by SLS_TMPL_CUT, so that one long value (a
 * Call-ID) cannot push the others out of the line; and when the whole
 * does not fit into cap - 1 bytes, it is cut and ends with SLS_LOG_CUT.
 * out is NUL-terminated; cap must exceed sizeof(SLS_LOG_CUT) + 3.
 * Returns the length.
 */
size_t sls_tmpl_expand_log(const sls_tmpl_t *t, sls_req_t *req, char *out,
    size_t cap, size_t varcap);

#endif
