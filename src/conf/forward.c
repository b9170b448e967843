/*
 * What forwarding adds to slserver.conf: the forward destinations (names
 * resolved here, when the file is loaded or reloaded, never on the packet
 * path), record_route, and onreply_route blocks; their checks and their
 * build. The checks shared with routes are in routes.c.
 *
 * A destination is resolved once per load: by its check, which reports a
 * name that does not resolve with its line, and the build takes the
 * addresses from there.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route/compile.h"
#include "internal.h"

#define HOST_MAX	256

/* ---- resolution ------------------------------------------------------ */

static fwd_name_t *
cached(const char *host, unsigned port)
{
	size_t i;

	for (i = 0; i < sls_conf_ld->nnames; i++)
		if (sls_conf_ld->names[i].port == port &&
		    strcmp(sls_conf_ld->names[i].host, host) == 0)
			return &sls_conf_ld->names[i];
	return NULL;
}

/* Keep the addresses of res as host:port's entry of the load. */
static fwd_name_t *
keep(const char *host, unsigned port, struct addrinfo *res)
{
	struct addrinfo *ai;
	fwd_name_t *names, *n;
	size_t k = 0;

	names = realloc(sls_conf_ld->names, (sls_conf_ld->nnames + 1) *
	    sizeof(*names));
	if (names == NULL)
		return NULL;
	sls_conf_ld->names = names;
	n = &names[sls_conf_ld->nnames];
	memset(n, 0, sizeof(*n));
	for (ai = res; ai != NULL; ai = ai->ai_next)
		k++;
	n->host = strdup(host);
	n->addrs = calloc(k, sizeof(*n->addrs));
	if (n->host == NULL || n->addrs == NULL) {
		free(n->host);
		free(n->addrs);
		return NULL;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next)
		if ((ai->ai_family == AF_INET || ai->ai_family == AF_INET6) &&
		    ai->ai_addrlen <= sizeof(n->addrs[0]))
			memcpy(&n->addrs[n->n++], ai->ai_addr, ai->ai_addrlen);
	n->port = port;
	sls_conf_ld->nnames++;
	return n;
}

/* host:port's addresses, resolved on first use; NULL and err if none. */
static fwd_name_t *
resolve(const char *host, unsigned port, char *err, size_t errlen)
{
	struct addrinfo hints, *res;
	fwd_name_t *n;
	char ps[8];
	int rc;

	if ((n = cached(host, port)) != NULL)
		return n;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_protocol = IPPROTO_UDP;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(ps, sizeof(ps), "%u", port);
	if ((rc = getaddrinfo(host, ps, &hints, &res)) != 0) {
		snprintf(err, errlen, "cannot resolve %s: %s", host,
		    gai_strerror(rc));
		return NULL;
	}
	n = keep(host, port, res);
	freeaddrinfo(res);
	if (n == NULL)
		snprintf(err, errlen, "out of memory");
	else if (n->n == 0)
		snprintf(err, errlen, "%s has no IPv4 or IPv6 address", host);
	return n != NULL && n->n > 0 ? n : NULL;
}

void
sls_conf_forward_done(load_t *l)
{
	size_t i;

	for (i = 0; i < l->nnames; i++) {
		free(l->names[i].host);
		free(l->names[i].addrs);
	}
	free(l->names);
	l->names = NULL;
	l->nnames = 0;
}

/* ---- checks ---------------------------------------------------------- */

int
sls_conf_v_forward(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = sls_conf_list_value(opt);
	char host[HOST_MAX], err[MSG_MAX - 64];
	unsigned port;

	if (v != NULL) {
		if (sls_compile_forward(v, host, sizeof(host), &port, err,
		    sizeof(err)) < 0)
			sls_conf_cerr(cfg, "%s", err);
		else if (resolve(host, port, err, sizeof(err)) == NULL)
			sls_conf_cerr(cfg, "forward \"%s\": %s", v, err);
	}
	sls_conf_check_finals(cfg);
	return 0;
}

int
sls_conf_v_code(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = sls_conf_list_value(opt);
	char err[MSG_MAX - 64];
	sls_code_cond_t c;

	if (v != NULL && sls_compile_code(v, &c, err, sizeof(err)) < 0)
		sls_conf_cerr(cfg, "%s", err);
	return 0;
}

/*
 * A constant sl_forward_reply code can only apply to replies of its own
 * class (a reply keeps its class): an error when no code the block
 * matches is of that class, a warning for each one that is not.
 */
static void
check_class(cfg_t *sec)
{
	const char *v = cfg_getstr(sec, "sl_forward_reply");
	char err[MSG_MAX - 64];
	sls_tmpl_t *code, *reason;
	sls_code_cond_t c;
	unsigned i, n = cfg_size(sec, "code"), in = 0;
	int cc, line = sls_conf_section_line(sec, SEC_ONREPLY);

	if (v == NULL || n == 0 ||
	    sls_compile_reply(v, &code, &reason, &cc, err, sizeof(err)) < 0)
		return;
	sls_tmpl_free(code);
	sls_tmpl_free(reason);
	if (cc == 0)
		return;
	for (i = 0; i < n; i++) {
		if (sls_compile_code(cfg_getnstr(sec, "code", i), &c, err,
		    sizeof(err)) < 0)
			return;
		if (c.lo / 100 == cc / 100)
			in++;
	}
	if (in == 0) {
		sls_conf_err(line, "onreply_route \"%s\": sl_forward_reply %d "
		    "is not of the class of the codes it matches (a reply "
		    "keeps its class)", cfg_title(sec), cc);
		return;
	}
	for (i = 0; i < n; i++)
		if (sls_compile_code(cfg_getnstr(sec, "code", i), &c, err,
		    sizeof(err)) == 0 && c.lo / 100 != cc / 100)
			sls_conf_warn(line, "onreply_route \"%s\": "
			    "sl_forward_reply %d never applies to code %s (a "
			    "reply keeps its class): those replies go on "
			    "unchanged, counted in sl:failures", cfg_title(sec),
			    cc, cfg_getnstr(sec, "code", i));
}

/* An onreply_route section is complete (cfg is the top level). */
int
sls_conf_v_onreply(cfg_t *cfg, cfg_opt_t *opt)
{
	cfg_t *sec = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);

	(void)cfg;
	if (sec != NULL)
		check_class(sec);
	return 0;
}

void
sls_conf_forward_route_check(cfg_t *sec)
{
	int line = sls_conf_section_line(sec, SEC_ROUTE);
	const char *t = cfg_title(sec);

	if (cfg_size(sec, "forward") == 0) {
		if (cfg_getbool(sec, "record_route") == cfg_true)
			sls_conf_err(line, "route \"%s\": record_route needs "
			    "forward", t);
		return;
	}
	if (cfg_getbool(sec, "error") == cfg_true)
		sls_conf_err(line, "route \"%s\": forward does not take "
		    "requests that failed the basic checks (error = true)", t);
	if (cfg_size(sec, "append_to_reply") > 0 ||
	    cfg_size(sec, "append_branch") > 0)
		sls_conf_err(line, "route \"%s\": append_to_reply and "
		    "append_branch have no effect with forward", t);
}

const char *
sls_conf_forward_hint(cfg_t *cfg, const char *msg)
{
	if (cfg == NULL || cfg->name == NULL ||
	    strcmp(cfg->name, "route") != 0)
		return msg;
	if (strcmp(msg, "no such option 'sl_forward_reply'") == 0)
		return "sl_forward_reply is allowed only in onreply_route";
	if (strcmp(msg, "no such option 'code'") == 0)
		return "code is a condition of onreply_route only";
	return msg;
}

/* ---- build ----------------------------------------------------------- */

/* The destination spec: its first address of each family we listen on. */
static int
build_dest(const char *spec, sls_fwd_dest_t *d, const sls_conf_t *c,
    char *err, size_t errlen)
{
	bool want4 = false, want6 = false;
	char host[HOST_MAX];
	fwd_name_t *n;
	unsigned port;
	size_t i;

	for (i = 0; i < c->nlistens; i++) {
		if (c->listens[i].addr.ss_family == AF_INET)
			want4 = true;
		else
			want6 = true;
	}
	if (sls_compile_forward(spec, host, sizeof(host), &port, err,
	    errlen) < 0 || (n = resolve(host, port, err, errlen)) == NULL)
		return -1;
	for (i = 0; i < n->n; i++) {
		if (want4 && n->addrs[i].ss_family == AF_INET &&
		    d->v4.sin_family == 0)
			memcpy(&d->v4, &n->addrs[i], sizeof(d->v4));
		if (want6 && n->addrs[i].ss_family == AF_INET6 &&
		    d->v6.sin6_family == 0)
			memcpy(&d->v6, &n->addrs[i], sizeof(d->v6));
	}
	if (d->v4.sin_family == 0 && d->v6.sin6_family == 0) {
		snprintf(err, errlen, "forward \"%s\": no address of a family "
		    "slserver listens on", spec);
		return -1;
	}
	if ((d->spec = strdup(spec)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
sls_conf_build_forward(cfg_t *sec, sls_route_t *r, const sls_conf_t *c,
    char *err, size_t errlen)
{
	unsigned i, n = cfg_size(sec, "forward");

	if ((r->dests = calloc(n, sizeof(*r->dests))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++, r->ndests++)
		if (build_dest(cfg_getnstr(sec, "forward", i), &r->dests[i],
		    c, err, errlen) < 0)
			return -1;
	r->record_route = cfg_getbool(sec, "record_route") == cfg_true;
	return 0;
}

/* One onreply_route block. */
static int
build_onreply(cfg_t *sec, sls_route_t *r, char *err, size_t errlen)
{
	unsigned i, n = cfg_size(sec, "code");
	const char *v;

	r->line = sls_conf_section_line(sec, SEC_ONREPLY);
	if ((r->name = strdup(cfg_title(sec))) == NULL ||
	    (n > 0 && (r->codes = calloc(n, sizeof(*r->codes))) == NULL)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++, r->ncodes++)
		if (sls_compile_code(cfg_getnstr(sec, "code", i),
		    &r->codes[i], err, errlen) < 0)
			return -1;
	if (sls_conf_build_shared(sec, r, err, errlen) < 0)
		return -1;
	if ((v = cfg_getstr(sec, "xlog")) != NULL &&
	    (r->xlog = sls_tmpl_compile(v, err, errlen)) == NULL)
		return -1;
	if ((v = cfg_getstr(sec, "sl_forward_reply")) != NULL) {
		r->action = SLS_ACT_FORWARD_REPLY;
		return sls_compile_reply(v, &r->code, &r->reason,
		    &r->const_code, err, errlen);
	}
	if (cfg_getbool(sec, "drop") == cfg_true)
		r->action = SLS_ACT_DROP;
	return 0;
}

int
sls_conf_build_onreply(cfg_t *cfg, sls_conf_t *c)
{
	char err[MSG_MAX - 64];
	unsigned i, n = cfg_size(cfg, "onreply_route");
	cfg_t *sec;

	if (n == 0)
		return 0;
	if ((c->onreply = calloc(n, sizeof(*c->onreply))) == NULL) {
		sls_conf_err(0, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		sec = cfg_getnsec(cfg, "onreply_route", i);
		c->nonreply++;
		if (build_onreply(sec, &c->onreply[i], err, sizeof(err)) < 0) {
			sls_conf_err(c->onreply[i].line, "onreply_route "
			    "\"%s\": %s", cfg_title(sec), err);
			return -1;
		}
	}
	return 0;
}
