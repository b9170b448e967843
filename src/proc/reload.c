/*
 * Reload: read the configuration again beside the running one, refuse
 * restart-only changes, start a new generation of workers on the same
 * sockets, and retire the old one once the new one is ready. On any error
 * the running configuration and its workers stay.
 *
 * Waiting for the new generation is a state of the supervisor's loop
 * (sup.h, reload_t), not a blocking wait: the loop goes on reaping,
 * respawning and serving the FIFO meanwhile, and a stop signal ends it.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/tm.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "notify.h"
#include "sup.h"

#define STEP_MS		10	/* how often a waiting reload looks */
#define DRAIN_MIN_MS	1000	/* least wait for the new bank to empty */

void
sls_reload_tagkey(const sup_t *s, const char *secret, sls_tagkey_t *k)
{
	/* A new random key would change the tags of retransmissions and
	   miss the ACKs of replies sent before the reload. */
	if (secret == NULL || secret[0] == '\0')
		*k = s->randkey;
	else
		sls_tag_init(k, secret);
}

bool
sls_reload_pending(const sup_t *s)
{
	return s->reload.phase != RL_IDLE;
}

/* The end of every reload, good or bad. */
static void
finish(sup_t *s, int result, bool notify)
{
	reload_t *r = &s->reload;

	if (result < 0) {
		if (r->conf != NULL)
			sls_conf_free(r->conf);
		sls_stat_inc(s->stats, SLS_ST_RELOAD_FAILURES);
		sls_log_errlist(LOG_ERR, r->errs);
		sls_log(LOG_ERR, "reload failed; the running configuration "
		    "stays");
	}
	if (r->errs == &r->own)
		sls_errlist_free(&r->own);
	sls_trial_kill(&r->trial);	/* a no-op unless aborted */
	free(r->text);
	r->text = NULL;
	r->conf = NULL;
	r->errs = NULL;
	r->phase = RL_IDLE;
	r->result = result;
	if (notify)
		sls_notify("READY=1");
}

/* The new generation is ready: it takes over. */
static void
commit(sup_t *s)
{
	reload_t *r = &s->reload;
	sls_conf_t *old = s->conf, *nc = r->conf;
	uint32_t oldgen = s->generation;

	s->generation = r->gen;
	atomic_store(&s->shm.hdr->generation, r->gen);
	s->conf = nc;
	s->tagkey = r->tagkey;
	r->conf = NULL;
	sls_workers_signal(s, &oldgen, SIGQUIT);
	s->retired_ms = sls_now_ms();
	sls_conf_free(old);
	sls_log_set_level(s->opts->log_level >= 0 ? s->opts->log_level :
	    nc->log_level);
	sls_log_set_facility(nc->log_facility);
	if (s->have_fifo && fchmod(s->fifo.rfd, nc->fifo_mode) < 0)
		sls_warn("fchmod(%s)", nc->fifo);
	sls_stat_inc(s->stats, SLS_ST_RELOADS);
	sls_log(LOG_NOTICE, "reloaded, generation %u", r->gen);
	/* tm: the first configuration with t_newtran starts the timer. */
	sls_timer_ensure(s, sls_tm_wanted(nc));
	finish(s, 0, true);
}

/* The new generation did not start: its workers go, the old ones stay. */
static void
give_up(sup_t *s, const char *why)
{
	reload_t *r = &s->reload;

	if (r->phase == RL_START)
		sls_gen_abort(s, r->gen);
	sls_errlist_add(r->errs, "%s: %s; the old ones keep serving",
	    r->conf->path, why);
	finish(s, -1, true);
}

/* RL_DRAIN: true once no retiree is left in the new generation's bank. */
static bool
drained(sup_t *s)
{
	reload_t *r = &s->reload;
	uint32_t bank = r->gen % 2;
	unsigned i;

	if (sls_gen_bank_alive(s, r->gen) == 0)
		return true;
	if (sls_now_ms() < r->deadline)
		return false;
	if (r->killed) {
		give_up(s, "workers of an older generation do not exit");
		return false;
	}
	sls_log(LOG_WARNING, "workers of generation %u or older still "
	    "running %d s after they were told to retire; killing them",
	    r->gen - 2, RETIRE_GRACE_MS / 1000);
	for (i = bank * SLS_MAX_WORKERS; i < (bank + 1) * SLS_MAX_WORKERS;
	    i++)
		if (s->w[i].pid > 0)
			kill(s->w[i].pid, SIGKILL);
	r->killed = true;
	r->deadline = sls_now_ms() + STOP_GRACE_MS;
	return false;
}

/* The new configuration, or -1 with the reasons in errs. */
static int load(sup_t *s, sls_errlist_t *errs, sls_conf_t **ncp);

/* RL_TRIAL is over: a text that passed is loaded here, then RL_DRAIN. */
static void
trial_done(sup_t *s)
{
	reload_t *r = &s->reload;
	sls_errlist_t warns = { NULL, 0 };
	int rc;

	rc = sls_trial_end(&r->trial, s->opts->conf_path, r->errs, &warns);
	sls_log_errlist(LOG_WARNING, &warns);
	sls_errlist_free(&warns);
	if (rc < 0 || load(s, r->errs, &r->conf) < 0) {
		finish(s, -1, true);
		return;
	}
	free(r->text);
	r->text = NULL;
	sls_reload_tagkey(s, r->conf->sl.tag_secret, &r->tagkey);
	r->gen = s->generation + 1;
	r->phase = RL_DRAIN;
	r->killed = false;
	/* Retirees have their grace from the SIGQUIT they got; workers
	   already killed (of a generation that failed) a moment to go. */
	r->deadline = s->retired_ms + RETIRE_GRACE_MS;
	if (r->deadline < sls_now_ms() + DRAIN_MIN_MS)
		r->deadline = sls_now_ms() + DRAIN_MIN_MS;
}

void
sls_reload_step(sup_t *s)
{
	reload_t *r = &s->reload;
	unsigned n;

	if (r->phase == RL_TRIAL) {
		if (!sls_trial_poll(&r->trial))
			return;
		trial_done(s);
	}
	if (r->phase == RL_DRAIN) {
		if (!drained(s))
			return;
		r->phase = RL_START;
		r->deadline = sls_now_ms() + READY_TIMEOUT_MS;
		if (sls_gen_spawn(s, r->gen, (unsigned)r->conf->workers) < 0) {
			give_up(s, "the new workers could not be forked");
			return;
		}
	}
	if (r->phase != RL_START)
		return;
	n = (unsigned)r->conf->workers;
	switch (sls_gen_check(s, r->gen, n)) {
	case SLS_GEN_READY:
		commit(s);
		break;
	case SLS_GEN_FAILED:
		give_up(s, "the new workers failed to start");
		break;
	default:
		if (sls_now_ms() > r->deadline)
			give_up(s, "the new workers were not ready in time");
		break;
	}
}

void
sls_reload_abort(sup_t *s)
{
	reload_t *r = &s->reload;

	if (r->phase == RL_IDLE)
		return;
	if (r->phase == RL_START)
		sls_gen_abort(s, r->gen);
	sls_errlist_add(r->errs, "%s: the server is stopping",
	    s->opts->conf_path);
	finish(s, -1, false);
}

/* The new configuration, or -1 with the reasons in errs. */
static int
load(sup_t *s, sls_errlist_t *errs, sls_conf_t **ncp)
{
	sls_conf_t *nc, *old = s->conf;

	/* The trial reported the warnings already. */
	if (sls_conf_load_buf(s->reload.text, s->opts->conf_path, ncp, errs,
	    NULL) < 0)
		return -1;
	nc = *ncp;
	if (s->opts->pidfile != NULL) {
		free(nc->pidfile);
		nc->pidfile = strdup(s->opts->pidfile);
	}
	if (sls_conf_restart_diff(old, nc, errs) > 0)
		return -1;
	if (old->socket_mode == SLS_SOCK_REUSEPORT &&
	    nc->workers != old->workers) {
		sls_errlist_add(errs, "%s: option 'workers' cannot change on "
		    "reload with socket_mode \"reuseport\" (each worker owns "
		    "a socket); restart instead", nc->path);
		return -1;
	}
	return 0;
}

int
sls_reload_begin(sup_t *s, sls_errlist_t *errs)
{
	reload_t *r = &s->reload;

	memset(&r->own, 0, sizeof(r->own));
	r->errs = errs != NULL ? errs : &r->own;
	r->conf = NULL;
	sls_notify("RELOADING=1");
	sls_log(LOG_NOTICE, "reloading %s", s->opts->conf_path);
	/* Compiled in a disposable child first: the loop goes on while it
	   runs, and kills it at its deadline (trial.h). */
	if (sls_conf_read(s->opts->conf_path, &r->text, r->errs) < 0 ||
	    sls_trial_start(&r->trial, r->text, s->opts->conf_path,
	    r->errs) < 0) {
		finish(s, -1, true);
		return -1;
	}
	r->phase = RL_TRIAL;
	sls_reload_step(s);
	return 0;
}

/*
 * Drive the pending reload to its end, reaping meanwhile; false if a stop
 * signal ended it first. The FIFO is not served meanwhile: its protocol
 * answers one request at a time, and the request being answered is this
 * reload.
 */
static bool
wait_done(sup_t *s)
{
	while (sls_reload_pending(s)) {
		if (sls_got_term || sls_got_quit) {
			sls_reload_abort(s);
			return false;
		}
		sls_sup_pause(STEP_MS);
		if (sls_got_chld)
			sls_workers_reap(s);
		sls_reload_step(s);
	}
	return true;
}

int
sls_reload(sup_t *s, sls_errlist_t *errs)
{
	/* One reload at a time: one that SIGHUP started finishes first. */
	if (!wait_done(s)) {
		sls_errlist_add(errs, "%s: the server is stopping",
		    s->opts->conf_path);
		return -1;
	}
	if (sls_reload_begin(s, errs) < 0)
		return -1;
	wait_done(s);
	return s->reload.result;
}
