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
#include <netinet/in.h>
#include <stdint.h>

#include "net/net.h"
#include "sip/sip.h"
#include "tmpl.h"

enum sls_action {
	SLS_ACT_NONE = 0,
	SLS_ACT_SL_SEND_REPLY,
	SLS_ACT_SEND_REPLY,
	SLS_ACT_REPLY_ERROR,
	SLS_ACT_DROP,
	SLS_ACT_FORWARD,
	SLS_ACT_FORWARD_REPLY	/* onreply_route: sl_forward_reply */
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

/*
 * A forward destination, resolved when the config is loaded: its first
 * address of each family (family 0: none), so that a request goes to the
 * one of the family of the socket it came in on and leaves from there.
 */
typedef struct sls_fwd_dest {
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
	char *spec;		/* as written, "udp:HOST[:PORT]" */
} sls_fwd_dest_t;

/* onreply_route code condition: lo..hi ("408" is 408..408, "4xx"
   400..499). */
typedef struct sls_code_cond {
	uint16_t lo, hi;
} sls_code_cond_t;

/*
 * A route or an onreply_route: the same conditions and actions, of which
 * an onreply_route uses method (the CSeq method), source, header, codes,
 * xlog and its final action (SLS_ACT_FORWARD_REPLY, SLS_ACT_DROP or
 * none: forward unchanged).
 */
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
	sls_code_cond_t *codes;	/* onreply_route only */
	size_t ncodes;

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

	/* slot of its counters (shm/routestats.h), set by the supervisor
	   before the workers fork; 0 = not counted */
	unsigned counter;
	sls_fwd_dest_t *dests;	/* forward: destinations, chosen by Call-ID */
	size_t ndests;
	bool record_route;	/* forward: add our Record-Route */
} sls_route_t;

#endif
