/*
 * The supervisor's sockets, bound before the first fork and kept for the
 * server's life: one per listen address shared by every worker, or with
 * socket_mode "reuseport" one SO_REUSEPORT socket per address and worker.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/log.h"
#include "sup.h"

int
sls_sockets_open(sup_t *s)
{
	const sls_conf_t *c = s->conf;
	bool rp = c->socket_mode == SLS_SOCK_REUSEPORT;
	size_t i, n;

	s->nlistens = c->nlistens;
	s->listens = calloc(c->nlistens, sizeof(*s->listens));
	s->local = calloc(c->nlistens, sizeof(*s->local));
	if (s->listens == NULL || s->local == NULL)
		return -1;
	memcpy(s->listens, c->listens, c->nlistens * sizeof(*s->listens));
	if (!rp) {
		s->shared = calloc(c->nlistens, sizeof(int));
		if (s->shared == NULL)
			return -1;
		for (i = 0; i < c->nlistens; i++)
			if ((s->shared[i] = sls_udp_socket(&s->listens[i],
			    false)) < 0)
				return -1;
	} else {
		s->nrport = (unsigned)c->workers;
		s->rport = calloc((size_t)c->workers * c->nlistens,
		    sizeof(int));
		if (s->rport == NULL)
			return -1;
		for (n = 0; n < (size_t)c->workers; n++)
			for (i = 0; i < c->nlistens; i++) {
				/* After the first socket, bind the same port
				   (a listen with port 0 got one assigned). */
				sls_listen_t l = s->listens[i];

				if (n > 0)
					memcpy(&l.addr, &s->local[i],
					    sizeof(s->local[i]));
				s->rport[n * c->nlistens + i] =
				    sls_udp_socket(&l, true);
				if (s->rport[n * c->nlistens + i] < 0)
					return -1;
				if (n == 0) {
					socklen_t len = sizeof(s->local[i]);

					getsockname(s->rport[i],
					    (struct sockaddr *)&s->local[i],
					    &len);
				}
			}
	}
	for (i = 0; i < c->nlistens && !rp; i++) {
		socklen_t len = sizeof(s->local[i]);

		if (getsockname(s->shared[i], (struct sockaddr *)&s->local[i],
		    &len) < 0)
			return -1;
	}
	for (i = 0; i < c->nlistens; i++) {
		char a[64];

		sls_addr_format((struct sockaddr *)&s->local[i], a, sizeof(a));
		sls_log(LOG_INFO, "listening on udp:%s (%s)", a,
		    rp ? "reuseport" : "shared");
	}
	return 0;
}
