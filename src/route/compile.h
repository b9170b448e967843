/*
 * The route language compiler: one config value (a plain string) to one
 * compiled route piece. No config library: conf/ reads the file and calls
 * these, both to check a value (and report its line) and to build the
 * route. Every function that can fail writes its message into
 * err[0..errlen) and returns -1 or NULL.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_COMPILE_H
#define SLS_COMPILE_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "route.h"
#include "tmpl.h"

/*
 * ruri, from, to: a POSIX ERE, case-insensitive, no sub-matches. Patterns
 * longer than SLS_RE_MAX bytes and back-references (\1 to \9, which
 * glibc accepts in an ERE, at a cost exponential in the input) are
 * refused, here and in header conditions.
 */
#define SLS_RE_MAX	1024
regex_t *sls_compile_re(const char *src, char *err, size_t errlen);
void sls_compile_re_free(regex_t *re);

/* header: "Name: ERE" -> condition; free with sls_compile_header_free. */
int sls_compile_header(const char *spec, sls_hdr_cond_t *h, char *err,
    size_t errlen);
void sls_compile_header_free(sls_hdr_cond_t *h);

/* A template from src[0..n). */
sls_tmpl_t *sls_compile_tmpl(const char *src, size_t n, char *err,
    size_t errlen);

/* append_branch: "TEMPLATE [q=0.N]" -> branch (q_milli -1 without q=). */
int sls_compile_branch(const char *spec, sls_branch_spec_t *b, char *err,
    size_t errlen);

/* append_to_reply: "Name: value" (a template) -> the whole line. */
sls_tmpl_t *sls_compile_append(const char *spec, char *err, size_t errlen);

/*
 * sl_send_reply, send_reply: "CODE REASON" -> code and reason templates.
 * A constant code must be an integer 100..699 (*const_code); one with
 * variables is checked per request. No reason -> NULL.
 */
int sls_compile_reply(const char *spec, sls_tmpl_t **code,
    sls_tmpl_t **reason, int *const_code, char *err, size_t errlen);

/*
 * forward = "udp:HOST[:PORT]" -> host (IPv6 without its brackets, NUL
 * terminated, in host[0..hostlen)) and port (5060 when omitted; 0 is
 * refused). Names are not resolved here: conf/ resolves them.
 */
int sls_compile_forward(const char *spec, char *host, size_t hostlen,
    unsigned *port, char *err, size_t errlen);

/* onreply_route code: "408" (100..699) or a class "4xx" (1xx..6xx). */
int sls_compile_code(const char *spec, sls_code_cond_t *c, char *err,
    size_t errlen);

/*
 * Warnings: a value that compiles but most likely does not mean what it
 * says. Each writes its warning into warn[0..len).
 *
 * sls_compile_tmpl_warn: src is a template that compiles. Finds the next
 * variable that letters or digits follow, so that it looks like a longer
 * name ("$rUser" is $rU followed by "ser"), and returns where to look for
 * the next one; NULL when there is none.
 */
const char *sls_compile_tmpl_warn(const char *src, char *warn, size_t len);
/* A method with a lower-case letter: methods are case-sensitive, so it
   never matches the upper-case one. */
bool sls_compile_method_warn(const char *method, char *warn, size_t len);

#endif
