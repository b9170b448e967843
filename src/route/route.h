/*
 * A compiled route: its conditions and its actions, as the config loader
 * builds them and the packet path reads them.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_ROUTE_H
#define SLS_ROUTE_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "net/net.h"
#include "sip/sip.h"
#include "tmpl.h"

enum sls_action {
	SLS_ACT_NONE = 0,
	SLS_ACT_SL_SEND_REPLY,
	SLS_ACT_SEND_REPLY,
	SLS_ACT_REPLY_ERROR,
	SLS_ACT_DROP,
	SLS_ACT_FORWARD
};

typedef struct sls_hdr_cond {
	char *name;		/* as configured */
	enum sls_hdr_type type;	/* SLS_HDR_OTHER: match by name */
	regex_t re;
} sls_hdr_cond_t;

typedef struct sls_branch_spec {
	sls_tmpl_t *uri;
	int q_milli;		/* -1 when no q= */
} sls_branch_spec_t;

typedef struct sls_route {
	char *name;
	int line;		/* line of its "route" keyword */

	/* conditions; absent ones are NULL / 0 */
	char **methods;
	size_t nmethods;
	regex_t *ruri_re, *from_re, *to_re;
	sls_cidr_t *sources;
	size_t nsources;
	sls_hdr_cond_t *headers;
	size_t nheaders;
	bool match_error;

	/* actions, applied in this order */
	sls_tmpl_t *xlog;
	sls_tmpl_t *set_ruri;
	sls_branch_spec_t *branches;
	size_t nbranches;
	sls_tmpl_t **appends;	/* whole "Name: value" lines */
	size_t nappends;
	enum sls_action action;
	sls_tmpl_t *code;	/* reply actions: "CODE" part */
	sls_tmpl_t *reason;	/* reply actions: "REASON" part, NULL if none */
	int const_code;		/* code when constant and valid, else 0 */
	bool t_newtran;		/* send_reply keeps a server transaction */
	char *forward;		/* forward target as written */
} sls_route_t;

#endif
