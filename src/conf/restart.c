/*
 * Which restart-only options a reload would change.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "conf.h"

static bool
listen_in(const sls_listen_t *l, const sls_conf_t *c)
{
	size_t i;

	for (i = 0; i < c->nlistens; i++)
		if (sls_addr_equal((const struct sockaddr *)&l->addr,
		    (const struct sockaddr *)&c->listens[i].addr))
			return true;
	return false;
}

static bool
listens_equal(const sls_conf_t *a, const sls_conf_t *b)
{
	size_t i;

	for (i = 0; i < a->nlistens; i++)
		if (!listen_in(&a->listens[i], b))
			return false;
	for (i = 0; i < b->nlistens; i++)
		if (!listen_in(&b->listens[i], a))
			return false;
	return true;
}

/*
 * workers is not here: it may change on reload, because the bound that
 * sizes shared memory, SLS_MAX_WORKERS, is fixed at compile time.
 */
int
sls_conf_restart_diff(const sls_conf_t *old, const sls_conf_t *cur,
    sls_errlist_t *errs)
{
	const char *changed[16];
	int i, n = 0;

	if (!listens_equal(old, cur))
		changed[n++] = "listen";
	if (old->socket_mode != cur->socket_mode)
		changed[n++] = "socket_mode";
	if (strcmp(old->user, cur->user) != 0)
		changed[n++] = "user";
	if (strcmp(old->group, cur->group) != 0)
		changed[n++] = "group";
	if (strcmp(old->pidfile, cur->pidfile) != 0)
		changed[n++] = "pidfile";
	if (strcmp(old->fifo, cur->fifo) != 0)
		changed[n++] = "fifo";
	if (old->sl.table_size != cur->sl.table_size)
		changed[n++] = "sl.table_size";
	if (strcmp(old->metrics_listen, cur->metrics_listen) != 0)
		changed[n++] = "metrics_listen";
	if (old->limits.table_size != cur->limits.table_size)
		changed[n++] = "limits.table_size";
	if (old->tm.table_size != cur->tm.table_size)
		changed[n++] = "tm.table_size";
	for (i = 0; i < n; i++)
		sls_errlist_add(errs, "%s: option '%s' cannot change on "
		    "reload; restart", cur->path, changed[i]);
	return n;
}
