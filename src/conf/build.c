/*
 * The build of an immutable sls_conf_t from a clean parse, and its free.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "route/compile.h"
#include "shm/segment.h"
#include "internal.h"

static char *
dup_str(const char *s, bool *oom)
{
	char *d = strdup(s != NULL ? s : "");

	if (d == NULL)
		*oom = true;
	return d;
}

/* method, source, header: the conditions routes and onreply_routes share. */
int
sls_conf_build_shared(cfg_t *sec, sls_route_t *r, char *err, size_t errlen)
{
	unsigned i, n;
	bool oom = false;

	n = cfg_size(sec, "method");
	if (n > 0 && (r->methods = calloc(n, sizeof(char *))) == NULL)
		goto oom;
	for (i = 0; i < n; i++) {
		r->methods[i] = dup_str(cfg_getnstr(sec, "method", i), &oom);
		if (oom)
			goto oom;
		r->nmethods++;
	}

	n = cfg_size(sec, "source");
	if (n > 0 && (r->sources = calloc(n, sizeof(sls_cidr_t))) == NULL)
		goto oom;
	for (i = 0; i < n; i++, r->nsources++)
		if (sls_cidr_parse(cfg_getnstr(sec, "source", i),
		    &r->sources[i], err, errlen) < 0)
			return -1;

	n = cfg_size(sec, "header");
	if (n > 0 && (r->headers = calloc(n, sizeof(sls_hdr_cond_t))) == NULL)
		goto oom;
	for (i = 0; i < n; i++, r->nheaders++)
		if (sls_compile_header(cfg_getnstr(sec, "header", i),
		    &r->headers[i], err, errlen) < 0)
			return -1;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

/* The name, line and conditions of a route. */
static int
build_conditions(cfg_t *sec, sls_route_t *r, char *err, size_t errlen)
{
	bool oom = false;
	const char *v;

	r->line = sls_conf_section_line(sec, SEC_ROUTE);
	r->name = dup_str(cfg_title(sec), &oom);
	if (oom) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (sls_conf_build_shared(sec, r, err, errlen) < 0)
		return -1;
	if ((v = cfg_getstr(sec, "ruri")) != NULL &&
	    (r->ruri_re = sls_compile_re(v, err, errlen)) == NULL)
		return -1;
	if ((v = cfg_getstr(sec, "from")) != NULL &&
	    (r->from_re = sls_compile_re(v, err, errlen)) == NULL)
		return -1;
	if ((v = cfg_getstr(sec, "to")) != NULL &&
	    (r->to_re = sls_compile_re(v, err, errlen)) == NULL)
		return -1;
	r->match_error = cfg_getbool(sec, "error") == cfg_true;
	return 0;
}

/* The actions of a route, its final action last. */
static int
build_actions(cfg_t *sec, sls_route_t *r, char *err, size_t errlen)
{
	unsigned i, n;
	const char *v;

	if ((v = cfg_getstr(sec, "xlog")) != NULL &&
	    (r->xlog = sls_tmpl_compile(v, err, errlen)) == NULL)
		return -1;
	if ((v = cfg_getstr(sec, "set_ruri")) != NULL &&
	    (r->set_ruri = sls_tmpl_compile(v, err, errlen)) == NULL)
		return -1;

	n = cfg_size(sec, "append_branch");
	if (n > SLS_MAX_BRANCHES)
		n = 0;	/* reported by the callback */
	if (n > 0 && (r->branches = calloc(n, sizeof(*r->branches))) == NULL)
		goto oom;
	for (i = 0; i < n; i++, r->nbranches++)
		if (sls_compile_branch(cfg_getnstr(sec, "append_branch", i),
		    &r->branches[i], err, errlen) < 0)
			return -1;

	n = cfg_size(sec, "append_to_reply");
	if (n > SLS_MAX_APPENDS)
		n = 0;
	if (n > 0 && (r->appends = calloc(n, sizeof(sls_tmpl_t *))) == NULL)
		goto oom;
	for (i = 0; i < n; i++, r->nappends++)
		if ((r->appends[i] = sls_compile_append(cfg_getnstr(sec,
		    "append_to_reply", i), err, errlen)) == NULL)
			return -1;

	if ((v = cfg_getstr(sec, "sl_send_reply")) != NULL)
		r->action = SLS_ACT_SL_SEND_REPLY;
	else if ((v = cfg_getstr(sec, "send_reply")) != NULL)
		r->action = SLS_ACT_SEND_REPLY;
	else if (cfg_getbool(sec, "sl_reply_error") == cfg_true)
		r->action = SLS_ACT_REPLY_ERROR;
	else if (cfg_getbool(sec, "drop") == cfg_true)
		r->action = SLS_ACT_DROP;
	else if (cfg_size(sec, "forward") > 0)
		r->action = SLS_ACT_FORWARD;
	if (v != NULL && sls_compile_reply(v, &r->code, &r->reason,
	    &r->const_code, err, errlen) < 0)
		return -1;
	r->t_newtran = cfg_getbool(sec, "t_newtran") == cfg_true;
	if (r->action == SLS_ACT_NONE) {
		snprintf(err, errlen, "no final action");
		return -1;
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

static int
build_route(cfg_t *sec, sls_route_t *r, const sls_conf_t *c, char *err,
    size_t errlen)
{
	if (build_conditions(sec, r, err, errlen) < 0 ||
	    build_actions(sec, r, err, errlen) < 0)
		return -1;
	if (r->action == SLS_ACT_FORWARD)
		return sls_conf_build_forward(sec, r, c, err, errlen);
	return 0;
}

static int
online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > SLS_MAX_WORKERS ? SLS_MAX_WORKERS : (int)n;
}

/* The routes and event routes of c. */
static int
build_routes(cfg_t *cfg, sls_conf_t *c)
{
	char err[MSG_MAX - 64];
	cfg_t *sec;
	unsigned i, n;

	n = cfg_size(cfg, "route");
	if (n > 0 && (c->routes = calloc(n, sizeof(sls_route_t))) == NULL)
		goto oom;
	for (i = 0; i < n; i++) {
		sec = cfg_getnsec(cfg, "route", i);
		c->nroutes++;
		if (build_route(sec, &c->routes[i], c, err, sizeof(err)) < 0) {
			sls_conf_err(c->routes[i].line, "route \"%s\": %s",
			    cfg_title(sec), err);
			return -1;
		}
	}

	n = cfg_size(cfg, "event_route");
	for (i = 0; i < n; i++) {
		sls_tmpl_t **t;
		const char *x;

		sec = cfg_getnsec(cfg, "event_route", i);
		if (strcmp(cfg_title(sec), "sl:filtered-ack") == 0)
			t = &c->ev_filtered_ack;
		else if (strcmp(cfg_title(sec), "sl:blocked") == 0)
			t = &c->ev_blocked;
		else
			t = &c->ev_local_response;
		if ((x = cfg_getstr(sec, "xlog")) != NULL &&
		    (*t = sls_tmpl_compile(x, err, sizeof(err))) == NULL) {
			sls_conf_err(sls_conf_section_line(sec, SEC_EVENT),
			    "event_route \"%s\": %s", cfg_title(sec), err);
			return -1;
		}
	}
	return 0;
oom:
	sls_conf_err(0, "out of memory");
	return -1;
}

/* The limits section (SPEC 9). */
static int
build_limits(cfg_t *lim, sls_conf_t *c)
{
	char err[MSG_MAX - 64];
	unsigned i, n;

	n = cfg_size(lim, "trusted");
	if (n > 0 && (c->limits.trusted = calloc(n, sizeof(sls_cidr_t))) ==
	    NULL) {
		sls_conf_err(0, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++, c->limits.ntrusted++)
		if (sls_cidr_parse(cfg_getnstr(lim, "trusted", i),
		    &c->limits.trusted[i], err, sizeof(err)) < 0) {
			sls_conf_err(0, "trusted \"%s\": %s",
			    cfg_getnstr(lim, "trusted", i), err);
			return -1;
		}
	c->limits.rate = (unsigned)cfg_getint(lim, "rate");
	c->limits.burst = (unsigned)cfg_getint(lim, "burst");
	c->limits.block = (unsigned)cfg_getint(lim, "block");
	c->limits.error_rate = (unsigned)cfg_getint(lim, "error_rate");
	c->limits.ipv6_prefix = (unsigned)cfg_getint(lim, "ipv6_prefix");
	c->limits.table_size = (unsigned)cfg_getint(lim, "table_size");
	return 0;
}

int
sls_conf_build(cfg_t *cfg, const char *path, sls_conf_t *c)
{
	char err[MSG_MAX - 64];
	cfg_t *sl = cfg_getsec(cfg, "sl"), *tm = cfg_getsec(cfg, "tm");
	unsigned i, n;
	bool oom = false;

	c->path = dup_str(path, &oom);

	n = cfg_size(cfg, "listen");
	if ((c->listens = calloc(n, sizeof(sls_listen_t))) == NULL)
		goto oom;
	for (i = 0; i < n; i++, c->nlistens++)
		if (sls_listen_parse(cfg_getnstr(cfg, "listen", i),
		    &c->listens[i], err, sizeof(err)) < 0) {
			sls_conf_err(0, "listen \"%s\": %s",
			    cfg_getnstr(cfg, "listen", i), err);
			return -1;
		}

	c->workers = (int)cfg_getint(cfg, "workers");
	if (c->workers == 0)
		c->workers = online_cpus();
	c->socket_mode = strcmp(cfg_getstr(cfg, "socket_mode"),
	    "reuseport") == 0 ? SLS_SOCK_REUSEPORT : SLS_SOCK_SHARED;
	c->user = dup_str(cfg_getstr(cfg, "user"), &oom);
	c->group = dup_str(cfg_getstr(cfg, "group"), &oom);
	c->pidfile = dup_str(cfg_getstr(cfg, "pidfile"), &oom);
	c->fifo = dup_str(cfg_getstr(cfg, "fifo"), &oom);
	c->fifo_mode = (mode_t)cfg_getint(cfg, "fifo_mode");
	c->log_level = sls_log_level_parse(cfg_getstr(cfg, "log_level"));
	c->log_facility = sls_log_facility_parse(cfg_getstr(cfg,
	    "log_facility"));
	c->xlog_level = sls_log_level_parse(cfg_getstr(cfg, "xlog_level"));
	c->server_header = dup_str(cfg_getstr(cfg, "server_header"), &oom);
	c->max_message = (size_t)cfg_getint(cfg, "max_message");
	c->worker_timeout = (unsigned)cfg_getint(cfg, "worker_timeout");
	c->metrics_listen = dup_str(cfg_getstr(cfg, "metrics_listen"), &oom);
	if (c->metrics_listen != NULL && c->metrics_listen[0] != '\0' &&
	    sls_conf_parse_metrics(c->metrics_listen, &c->metrics, err,
	    sizeof(err)) < 0) {
		sls_conf_err(0, "metrics_listen \"%s\": %s", c->metrics_listen,
		    err);
		return -1;
	}

	c->sl.default_code = (int)cfg_getint(sl, "default_code");
	c->sl.default_reason = dup_str(cfg_getstr(sl, "default_reason"), &oom);
	c->sl.bind_tm = cfg_getbool(sl, "bind_tm") == cfg_true;
	c->sl.ack_timeout = (unsigned)cfg_getint(sl, "ack_timeout");
	c->sl.table_size = (unsigned)cfg_getint(sl, "table_size");
	c->sl.tag_secret = dup_str(cfg_getstr(sl, "tag_secret"), &oom);
	c->tm.t1 = (unsigned)cfg_getint(tm, "t1");
	c->tm.t2 = (unsigned)cfg_getint(tm, "t2");
	c->tm.t4 = (unsigned)cfg_getint(tm, "t4");
	c->tm.table_size = (unsigned)cfg_getint(tm, "table_size");
	if (oom)
		goto oom;
	if (build_limits(cfg_getsec(cfg, "limits"), c) < 0)
		return -1;
	if (build_routes(cfg, c) < 0)
		return -1;
	return sls_conf_build_onreply(cfg, c);
oom:
	sls_conf_err(0, "out of memory");
	return -1;
}

static void
free_route(sls_route_t *r)
{
	size_t j;

	free(r->name);
	for (j = 0; j < r->nmethods; j++)
		free(r->methods[j]);
	free(r->methods);
	sls_compile_re_free(r->ruri_re);
	sls_compile_re_free(r->from_re);
	sls_compile_re_free(r->to_re);
	free(r->sources);
	for (j = 0; j < r->nheaders; j++)
		sls_compile_header_free(&r->headers[j]);
	free(r->headers);
	free(r->codes);
	sls_tmpl_free(r->xlog);
	sls_tmpl_free(r->set_ruri);
	for (j = 0; j < r->nbranches; j++)
		sls_tmpl_free(r->branches[j].uri);
	free(r->branches);
	for (j = 0; j < r->nappends; j++)
		sls_tmpl_free(r->appends[j]);
	free(r->appends);
	sls_tmpl_free(r->code);
	sls_tmpl_free(r->reason);
	for (j = 0; j < r->ndests; j++)
		free(r->dests[j].spec);
	free(r->dests);
}

void
sls_conf_free(sls_conf_t *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nroutes; i++)
		free_route(&c->routes[i]);
	free(c->routes);
	for (i = 0; i < c->nonreply; i++)
		free_route(&c->onreply[i]);
	free(c->onreply);
	sls_tmpl_free(c->ev_filtered_ack);
	sls_tmpl_free(c->ev_local_response);
	sls_tmpl_free(c->ev_blocked);
	free(c->limits.trusted);
	free(c->listens);
	free(c->user);
	free(c->group);
	free(c->pidfile);
	free(c->fifo);
	free(c->server_header);
	free(c->metrics_listen);
	free(c->sl.default_reason);
	free(c->sl.tag_secret);
	free(c->path);
	free(c);
}
