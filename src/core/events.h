/*
 * xlog lines: a route's xlog action and the event routes
 * "sl:filtered-ack" and "sl:local-response".
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_EVENTS_H
#define SLS_EVENTS_H

#include "route/tmpl.h"
#include "settings.h"
#include "sip/req.h"

/* Log t expanded for req at xlog_level; nothing when t is NULL. */
void sls_xlog(const sls_conf_t *conf, const sls_tmpl_t *t, sls_req_t *req);
/* event_route "sl:filtered-ack": an ACK to our reply was absorbed. */
void sls_event_filtered_ack(const sls_conf_t *conf, sls_req_t *req);
/* event_route "sl:local-response": a reply of ours was sent. */
void sls_event_local_response(const sls_conf_t *conf, sls_req_t *req);

#endif
