/*
 * The immutable configuration that the processes and the packet path
 * read; conf/ builds it from slserver.conf.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_SETTINGS_H
#define SLS_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "net/net.h"
#include "route/route.h"

enum sls_socket_mode { SLS_SOCK_SHARED, SLS_SOCK_REUSEPORT };

typedef struct sls_conf {
	char *path;

	sls_listen_t *listens;
	size_t nlistens;
	int workers;		/* resolved: 0 became the CPU count */
	enum sls_socket_mode socket_mode;
	char *user, *group;
	char *pidfile;
	char *fifo;
	mode_t fifo_mode;
	int log_level;		/* syslog priority */
	int log_facility;	/* syslog facility */
	int xlog_level;
	char *server_header;	/* "" = none */
	size_t max_message;
	unsigned worker_timeout;	/* seconds; 0 = never */
	char *metrics_listen;	/* "" = no metrics process */
	sls_listen_t metrics;	/* its address, when set */

	struct {
		int default_code;
		char *default_reason;
		bool bind_tm;
		unsigned ack_timeout;	/* seconds */
		unsigned table_size;	/* power of two */
		char *tag_secret;
	} sl;

	/* per-source limits (SPEC 9); see core/limits.h */
	struct {
		sls_cidr_t *trusted;	/* never limited */
		size_t ntrusted;
		unsigned rate;		/* requests/s; 0 = no limit */
		unsigned burst;		/* as configured; 0 = rate */
		unsigned block;		/* seconds */
		unsigned error_rate;	/* error replies/s; 0 = no limit */
		unsigned ipv6_prefix;
		unsigned table_size;	/* power of two, restart only */
	} limits;
	/* the server-transaction table (t_newtran) */
	struct {
		unsigned t1, t2, t4;	/* ms */
		unsigned table_size;	/* power of two */
	} tm;

	sls_route_t *routes;
	size_t nroutes;
	/* onreply_route blocks, in file order: replies to forwarded requests */
	sls_route_t *onreply;
	size_t nonreply;
	/* xlog of event_route "sl:filtered-ack" / "sl:local-response" */
	sls_tmpl_t *ev_filtered_ack;
	sls_tmpl_t *ev_local_response;
	sls_tmpl_t *ev_blocked;		/* event_route "sl:blocked" */
} sls_conf_t;

#endif
