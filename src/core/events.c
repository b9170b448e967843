/*
 * xlog lines of routes and event routes. See events.h.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <string.h>

#include "events.h"
#include "lib/log.h"

#define XLOG_LINE	1024

void
sls_xlog(const sls_conf_t *conf, const sls_tmpl_t *t, sls_req_t *req)
{
	char line[XLOG_LINE];
	size_t n;

	if (t == NULL || !sls_log_enabled(conf->xlog_level))
		return;
	/* Each value capped, a cut line marked; log.c escapes the rest. */
	n = sls_tmpl_expand_log(t, req, line, sizeof(line),
	    SLS_TMPL_LOG_VARCAP);
	sls_log(conf->xlog_level, "%.*s", (int)n, line);
}

void
sls_event_filtered_ack(const sls_conf_t *conf, sls_req_t *req)
{
	sls_xlog(conf, conf->ev_filtered_ack, req);
}

void
sls_event_local_response(const sls_conf_t *conf, sls_req_t *req)
{
	sls_xlog(conf, conf->ev_local_response, req);
}
