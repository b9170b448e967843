/*
 * Per-source limits (SPEC 9): a request rate per source with a block for
 * sources over it, and a rate of automatic error replies per source. The
 * state lives in the source table of the shared segment (shm/srctable.c);
 * this is what the packet path and the admin commands do with it.
 *
 * Nothing here runs for a trusted source, and with rate = 0 and
 * error_rate = 0 the table is never touched.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_LIMITS_H
#define SLS_LIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "pipeline.h"
#include "settings.h"
#include "shm/srctable.h"

/* "192.0.2.7" or "2001:db8:1:2::/64": room for any of them. */
#define SLS_SRC_TEXTLEN	64

/*
 * A request from req->src has been parsed (nothing else yet): true to go
 * on; false when its source is blocked or has just gone over rate (the
 * request is dropped, counted in core:limited; a block that starts here
 * is counted in core:blocks, logged once at warning and runs event_route
 * "sl:blocked").
 */
bool sls_limits_admit(const sls_handler_t *h, sls_req_t *req);

/*
 * An automatic error reply (SPEC 2.4) is about to be made for req: true
 * to make it; false when its source is over error_rate (counted in
 * core:error_replies_limited; the request still counts as failed).
 */
bool sls_limits_error_reply(const sls_handler_t *h, sls_req_t *req);

/* The table's parameters for conf (burst 0 = rate, block in ms). */
void sls_limits_params(const sls_conf_t *conf, sls_src_params_t *p);

/* Whether sa is in limits.trusted. */
bool sls_limits_trusted(const sls_conf_t *conf, const struct sockaddr *sa);

/*
 * The source of an address as text ("192.0.2.7", "2001:db8::5" or
 * "2001:db8::/64": an IPv6 address is cut to ipv6_prefix); 0, or -1 when
 * it is not a numeric address.
 */
int sls_limits_parse(const sls_srctable_t *t, const sls_conf_t *conf,
    const char *text, sls_src_t *s);

/* Text of a source: "192.0.2.7", or an IPv6 prefix "2001:db8::/64"
   ("/128" left out); its length. */
size_t sls_limits_format(const sls_src_t *s, char *buf, size_t len);

#endif
