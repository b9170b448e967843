/*
 * What the files of conf/ share during one load: its state, the message
 * functions and the steps of a load. Private to conf/.
 *
 * libconfuse (3.3 and the rest) is not reentrant: its lexer has global
 * state, and so has a load (sls_conf_ld, set by load.c for its duration).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_CONF_INTERNAL_H
#define SLS_CONF_INTERNAL_H

#include <confuse.h>
#include <stdbool.h>
#include <stddef.h>

#include "conf.h"

#define MSG_MAX		512		/* one error message */
#define TEXT_MAX	255		/* server_header, default_reason */

/* ---- load state ------------------------------------------------------ */

/* Kinds of titled top-level sections (sls_conf_section_line()). */
#define SEC_ROUTE	0
#define SEC_EVENT	1
#define SEC_ONREPLY	2

/* Where a titled top-level section starts, from sls_conf_prescan(). */
typedef struct sec_hdr {
	int kind;		/* SEC_* */
	char *title;
	int line;
} sec_hdr_t;

/* A forward destination resolved by its check, kept for the build. */
typedef struct fwd_name {
	char *host;
	unsigned port;
	struct sockaddr_storage *addrs;
	size_t n;
} fwd_name_t;

typedef struct load {
	const char *name;	/* FILE in messages */
	sls_errlist_t *errs;
	int nerr;
	sls_errlist_t *warns;	/* NULL: the caller wants none */

	sec_hdr_t *hdrs;
	size_t nhdrs;
	int unclosed;		/* line of a '{' never closed, or 0 */

	/* the value the last list callback checked (see sls_conf_list_value) */
	cfg_opt_t *last_opt;
	unsigned last_n;
	char *last_val;

	/* routes that already reported more than one final action */
	cfg_t **multi;
	size_t nmulti;

	/* forward destinations resolved so far (forward.c) */
	fwd_name_t *names;
	size_t nnames;
	/* lines of tm.t1 and tm.t2 when set (sls_conf_check_tm) */
	int tm_t1_line, tm_t2_line;
} load_t;

extern load_t *sls_conf_ld;

/* ---- messages (load.c) ----------------------------------------------- */

/* Record "FILE:LINE: message" ("FILE: message" when line is 0). */
void sls_conf_err(int line, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Record "FILE:LINE: warning: message": it does not fail the load. */
void sls_conf_warn(int line, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- the comment and section scan (prescan.c) ------------------------ */

int sls_conf_prescan(char *buf);
/* Line of a route, event_route or onreply_route keyword (kind SEC_*). */
int sls_conf_section_line(cfg_t *sec, int kind);

/* ---- the option table and its checks (options.c, routes.c) ----------- */

/* A parser for the option table with every check set, or NULL. */
cfg_t *sls_conf_cfg_init(cfg_errfunc_t errfunc);
void sls_conf_route_validators(cfg_t *cfg);
/* A second final action of a route or onreply_route is reported once. */
void sls_conf_check_finals(cfg_t *sec);

/* ---- forwarding and onreply_route (forward.c) ------------------------ */

int sls_conf_v_forward(cfg_t *cfg, cfg_opt_t *opt);
int sls_conf_v_code(cfg_t *cfg, cfg_opt_t *opt);
int sls_conf_v_onreply(cfg_t *cfg, cfg_opt_t *opt);
/* At a route's '}': what forward allows and needs. */
void sls_conf_forward_route_check(cfg_t *sec);
/* A clearer message than libconfuse's for an option in the wrong
   section (sl_forward_reply in a route, ...); msg when there is none. */
const char *sls_conf_forward_hint(cfg_t *cfg, const char *msg);
/* Free what the load resolved. */
void sls_conf_forward_done(load_t *l);
/* A checked message from a validate callback, through cfg_error(). */
void sls_conf_cerr(cfg_t *cfg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *sls_conf_list_value(cfg_opt_t *opt);
/* metrics_listen "ADDRESS:PORT" (port required, not 0) into l; -1 and
   err when it is not one. */
int sls_conf_parse_metrics(const char *v, sls_listen_t *l, char *err,
    size_t errlen);
/* After a clean parse: t1 may not exceed t2. */
void sls_conf_check_tm(cfg_t *cfg);

/* ---- the build of sls_conf_t (build.c) ------------------------------- */

/* Build c from a clean parse; -1 (message added) for memory only. */
int sls_conf_build(cfg_t *cfg, const char *path, sls_conf_t *c);
/* method, source, header: the conditions of routes and onreply_routes. */
int sls_conf_build_shared(cfg_t *sec, sls_route_t *r, char *err,
    size_t errlen);
/* The destinations of a forward route (forward.c). */
int sls_conf_build_forward(cfg_t *sec, sls_route_t *r, const sls_conf_t *c,
    char *err, size_t errlen);
/* The onreply_route blocks of c (forward.c). */
int sls_conf_build_onreply(cfg_t *cfg, sls_conf_t *c);

#endif
