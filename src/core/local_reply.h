/*
 * Stateless replies made here (sl_send_reply, sl_reply_error, the
 * automatic error and default replies): to-tag, build, destination, and
 * their counting once sent.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_LOCAL_REPLY_H
#define SLS_LOCAL_REPLY_H

#include <stdbool.h>

#include "lib/str.h"
#include "pipeline.h"
#include "sip/req.h"

/*
 * Build the reply code/reason to req into out; false (and counted) when
 * it cannot be: a request that cannot be addressed is dropped, a reply
 * too large with the route's additions becomes the plain error reply.
 * A final reply to an INVITE is remembered for the ACK filter.
 */
bool sls_sl_reply(const sls_handler_t *h, sls_req_t *req, int code,
    sls_str_t reason, bool is_err, sls_out_t *out);
/* The reply describing req->err, as sl_reply_error sends it. */
bool sls_sl_reply_error(const sls_handler_t *h, sls_req_t *req,
    sls_out_t *out);
/* The reply to a request that no route took: default_code/_reason. */
bool sls_sl_reply_default(const sls_handler_t *h, sls_req_t *req,
    sls_out_t *out);

#endif
