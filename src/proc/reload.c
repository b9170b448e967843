/*
 * Reload: read the configuration again beside the running one, refuse
 * restart-only changes, start a new generation of workers on the same
 * sockets, and retire the old one once the new one is ready. On any error
 * the running configuration and its workers stay.
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/log.h"
#include "notify.h"
#include "sup.h"

int
sls_reload(sup_t *s, sls_errlist_t *errs)
{
	sls_conf_t *nc = NULL, *old = s->conf;
	uint32_t oldgen = s->generation, newgen = s->generation + 1;
	uint32_t stale = newgen - 2;	/* same bank as the new one */
	size_t i;

	sls_notify("RELOADING=1");
	sls_log(LOG_NOTICE, "reloading %s", s->opts->conf_path);
	if (sls_conf_load(s->opts->conf_path, &nc, errs) < 0)
		goto fail;
	if (s->opts->pidfile != NULL) {
		free(nc->pidfile);
		nc->pidfile = strdup(s->opts->pidfile);
	}
	if (sls_conf_restart_diff(old, nc, errs) > 0)
		goto fail;
	if (old->socket_mode == SLS_SOCK_REUSEPORT &&
	    nc->workers != old->workers) {
		sls_errlist_add(errs, "%s: option 'workers' cannot change on "
		    "reload with socket_mode \"reuseport\" (each worker owns "
		    "a socket); restart instead", nc->path);
		goto fail;
	}
	/* The bank the new generation uses must be free of old retirees. */
	if (!sls_workers_wait(s, &stale, RETIRE_GRACE_MS)) {
		sls_workers_signal(s, &stale, SIGKILL);
		sls_workers_wait(s, &stale, STOP_GRACE_MS);
	}
	if (strcmp(nc->sl.tag_secret, old->sl.tag_secret) != 0)
		sls_tag_init(&s->tagkey, nc->sl.tag_secret);
	s->conf = nc;
	if (sls_workers_start_generation(s, newgen, (unsigned)nc->workers) < 0) {
		s->conf = old;
		sls_tag_init(&s->tagkey, old->sl.tag_secret);
		sls_errlist_add(errs, "%s: the new workers failed to start; "
		    "the old ones keep serving", nc->path);
		goto fail;
	}
	s->generation = newgen;
	atomic_store(&s->shm.hdr->generation, newgen);
	sls_workers_signal(s, &oldgen, SIGQUIT);
	sls_conf_free(old);
	sls_log_set_level(s->opts->log_level >= 0 ? s->opts->log_level :
	    nc->log_level);
	sls_log_set_facility(nc->log_facility);
	if (s->have_fifo && fchmod(s->fifo.rfd, nc->fifo_mode) < 0)
		sls_warn("fchmod(%s)", nc->fifo);
	sls_stat_inc(s->stats, SLS_ST_RELOADS);
	sls_log(LOG_NOTICE, "reloaded, generation %u", newgen);
	sls_notify("READY=1");
	return 0;
fail:
	if (nc != NULL && nc != s->conf)
		sls_conf_free(nc);
	sls_stat_inc(s->stats, SLS_ST_RELOAD_FAILURES);
	for (i = 0; i < errs->n; i++)
		sls_log(LOG_ERR, "%s", errs->msg[i]);
	sls_log(LOG_ERR, "reload failed; the running configuration stays");
	sls_notify("READY=1");
	return -1;
}
