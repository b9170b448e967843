/*
 * The supervisor process. Startup order (everything that can fail comes
 * before readiness): pid lock, bind, shared memory, FIFO (handed to the
 * service user), signals, fork workers (each drops to the service user),
 * wait for their ready flags, pid file, READY=1. Then a ppoll() loop on
 * the FIFO with signals unblocked only there. The supervisor keeps root.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "core/tm.h"
#include "ctl/admin.h"
#include "daemon.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "notify.h"
#include "sup.h"

volatile sig_atomic_t sls_got_hup, sls_got_term, sls_got_quit, sls_got_chld;

static void
on_signal(int sig)
{
	switch (sig) {
	case SIGHUP:
		sls_got_hup = 1;
		break;
	case SIGCHLD:
		sls_got_chld = 1;
		break;
	case SIGQUIT:
		sls_got_quit = 1;
		break;
	default:
		sls_got_term = 1;
		break;
	}
}

/* ---- admin ------------------------------------------------------------ */

static const sls_conf_t *
admin_conf(void *arg)
{
	return ((sup_t *)arg)->conf;
}

static int
admin_reload(void *arg, sls_errlist_t *errs)
{
	return sls_reload(arg, errs);
}

static void
admin_workers(void *arg, sls_buf_t *out)
{
	sls_workers_list(arg, out);
}

static bool
admin_serving(void *arg, char *why, size_t len)
{
	return sls_workers_serving(arg, why, len);
}

/* An outage (every worker throttled) and its end, once each: the log,
   and STATUS= for the service manager. */
static void
report_outage(sup_t *s)
{
	char why[160], m[200];
	bool serving = sls_workers_serving(s, why, sizeof(why));

	if (serving != s->outage)
		return;
	s->outage = !serving;
	if (s->outage) {
		sls_log(LOG_ERR, "outage: %s", why);
		snprintf(m, sizeof(m), "STATUS=outage: %s", why);
		sls_notify(m);
	} else {
		sls_log(LOG_NOTICE, "serving again");
		sls_notify("STATUS=serving");
	}
}

/* ---- startup ---------------------------------------------------------- */

static int
setup_signals(sigset_t *blocked)
{
	struct sigaction sa;
	int sigs[] = { SIGHUP, SIGTERM, SIGINT, SIGQUIT, SIGCHLD };
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sigemptyset(blocked);
	sa.sa_handler = on_signal;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigaction(sigs[i], &sa, NULL) < 0)
			return -1;
		sigaddset(blocked, sigs[i]);
	}
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) < 0)
		return -1;
	/* Delivered only inside ppoll(). */
	return sigprocmask(SIG_BLOCK, blocked, NULL);
}

void
sls_sup_pause(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	sigset_t none;

	sigemptyset(&none);
	ppoll(NULL, 0, &ts, &none);
}

static void
stop(sup_t *s, bool graceful)
{
	bool done;

	sls_notify("STOPPING=1");
	sls_log(LOG_NOTICE, "stopping (%s)", graceful ? "graceful" : "fast");
	sls_metrics_stop(s);
	sls_reload_abort(s);
	sls_workers_signal(s, NULL, graceful ? SIGQUIT : SIGTERM);
	if (graceful) {
		/* SIGTERM meanwhile turns it into a fast stop. */
		done = sls_workers_wait(s, RETIRE_GRACE_MS, &sls_got_term);
		if (!done && sls_got_term) {
			sls_log(LOG_NOTICE, "stopping (fast)");
			sls_workers_signal(s, NULL, SIGTERM);
			done = sls_workers_wait(s, STOP_GRACE_MS, NULL);
		}
	} else {
		done = sls_workers_wait(s, STOP_GRACE_MS, NULL);
	}
	if (!done) {
		sls_log(LOG_WARNING, "workers still running; killing them");
		sls_workers_signal(s, NULL, SIGKILL);
		sls_workers_wait(s, STOP_GRACE_MS, NULL);
	}
}

static void
cleanup(sup_t *s)
{
	if (s->have_fifo)
		sls_fifo_close(&s->fifo);
	sls_pidfile_remove(s->pfh);
	if (s->shm.hdr != NULL)
		sls_shm_destroy(&s->shm);
	if (s->tm_wake >= 0)
		close(s->tm_wake);
	sls_conf_free(s->conf);
	free(s->listens);
	free(s->local);
	free(s->shared);
	free(s->rport);
	free(s->made_dir[0]);
	free(s->made_dir[1]);
}

/* Pid lock, sockets, shared memory, FIFO: what the workers inherit. */
static int
acquire(sup_t *s)
{
	sls_conf_t *conf = s->conf;
	sls_shm_sizing_t z = { conf->sl.table_size, conf->limits.table_size,
	    conf->tm.table_size };

	if (conf->pidfile[0] != '\0' &&
	    (s->pfh = sls_pidfile_open(conf->pidfile, 0644)) == NULL)
		return -1;
	if (sls_sockets_open(s) < 0 || sls_metrics_open(s) < 0)
		return -1;
	if (sls_shm_create_sized(&s->shm, &z) < 0) {
		sls_warn("creating shared memory (%u signature table slots, "
		    "%u transaction slots)", z.table_size, z.tm_size);
		return -1;
	}
	/* tm: workers wake the timer process through it. */
	if ((s->tm_wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		sls_warn("eventfd");
		return -1;
	}
	s->stats = &s->shm.stats[SLS_SUPERVISOR_SLOT];
	if (conf->fifo[0] != '\0') {
		if (sls_fifo_open(&s->fifo, conf->fifo, conf->fifo_mode) < 0)
			return -1;
		s->have_fifo = true;
	}
	return 0;
}

/*
 * Start generation 1 and wait until each worker reports ready, reaping
 * and with the signals let in. On failure its workers are stopped and
 * reaped like every other exit; -1.
 */
static int
start_workers(sup_t *s)
{
	uint64_t deadline = sls_now_ms() + READY_TIMEOUT_MS;
	unsigned n = (unsigned)s->conf->workers;
	const char *why;

	if (sls_gen_spawn(s, 1, n) < 0) {
		why = "could not be forked";
		goto fail;
	}
	for (;;) {
		if (sls_got_chld)
			sls_workers_reap(s);
		switch (sls_gen_check(s, 1, n)) {
		case SLS_GEN_READY:
			return 0;
		case SLS_GEN_FAILED:
			why = "failed to start";
			goto fail;
		default:
			break;
		}
		if (sls_got_term || sls_got_quit) {
			/* Asked to stop: not an error, but not a start. */
			sls_log(LOG_NOTICE, "stopping before the workers were "
			    "ready");
			why = NULL;
			goto fail;
		}
		if (sls_now_ms() > deadline) {
			why = "were not ready in time";
			goto fail;
		}
		sls_sup_pause(5);
	}
fail:
	if (why != NULL)
		sls_log(LOG_ERR, "the workers %s", why);
	sls_gen_abort(s, 1);
	if (!sls_workers_wait(s, STOP_GRACE_MS, NULL))
		sls_log(LOG_WARNING, "workers still running at exit");
	return -1;
}

/* Everything up to READY=1; -1 on any failure (logged). */
static int
start(sup_t *s, sigset_t *blocked)
{
	sls_conf_t *conf = s->conf;

	if (sls_privs_resolve(conf, &s->privs) < 0)
		return -1;
	if (sls_privs_make_rundirs(s) < 0)
		return -1;
	if (acquire(s) < 0)
		return -1;
	if (sls_privs_hand_over(s) < 0)
		return -1;
	if (setup_signals(blocked) < 0) {
		sls_warn("sigaction");
		return -1;
	}
	/* The keys are made once, before the first fork: every worker and
	   every later generation signs with them. */
	sls_tag_init(&s->randkey, "");
	sls_reload_tagkey(s, conf->sl.tag_secret, &s->tagkey);
	sls_tag_init(&s->tablekey, "");
	sls_workers_test_hooks(s);
	s->generation = 1;
	atomic_store(&s->shm.hdr->generation, 1);
	if (start_workers(s) < 0)
		return -1;
	/* The /metrics process; its socket listens already. */
	if (sls_metrics_spawn(s) < 0) {
		stop(s, false);
		return -1;
	}
	/* tm: the timer process, once a route can create transactions. */
	if (sls_tm_wanted(conf)) {
		sls_timer_ensure(s, true);
		if (s->w[SLS_TIMER_SLOT].pid <= 0) {
			stop(s, false);
			return -1;
		}
	}
	if (s->pfh != NULL && sls_pidfile_write(s->pfh) < 0) {
		sls_warn("writing pid file %s", conf->pidfile);
		stop(s, false);
		return -1;
	}
	sls_log(LOG_NOTICE, "started %s, %d workers, pid %d", PACKAGE_STRING,
	    conf->workers, (int)getpid());
	sls_notify("READY=1");
	sls_log_set_startup(false);
	if (s->ready_fd >= 0) {
		sls_daemon_detach_stdio();
		if (write(s->ready_fd, "R", 1) < 0)
			sls_warn("telling the parent we are ready");
		close(s->ready_fd);
		s->ready_fd = -1;
	}
	return 0;
}

/* The main loop: signals are delivered only inside ppoll(). */
static void
serve(sup_t *s)
{
	sls_admin_ops_t ops;
	sigset_t none;

	memset(&ops, 0, sizeof(ops));
	ops.arg = s;
	ops.shm = &s->shm;
	ops.conf = admin_conf;
	ops.reload = admin_reload;
	ops.workers = admin_workers;
	ops.serving = admin_serving;
	sigemptyset(&none);
	for (;;) {
		struct pollfd p = { .fd = s->have_fifo ?
		    sls_fifo_poll_fd(&s->fifo) : -1, .events = POLLIN };
		/* A pending reload looks at the new workers' flags often,
		   and FIFO replies waiting for their reader are retried. */
		struct timespec ts = { 1, 0 }, step = { 0, 10000000L };
		bool busy = sls_reload_pending(s) ||
		    (s->have_fifo && sls_fifo_busy(&s->fifo));
		int n;

		n = ppoll(&p, 1, busy ? &step : &ts, &none);
		if (sls_got_term || sls_got_quit) {
			stop(s, !sls_got_term);
			break;
		}
		if (sls_got_chld)
			sls_workers_reap(s);
		sls_workers_check_hung(s);
		sls_workers_retry(s);
		report_outage(s);
		sls_reload_step(s);
		if (sls_got_hup && !sls_reload_pending(s)) {
			sls_got_hup = 0;
			sls_reload_begin(s, NULL);
		}
		if (n > 0 && (p.revents & POLLIN))
			sls_fifo_serve(&s->fifo, &ops);
		else if (s->have_fifo)
			sls_fifo_tick(&s->fifo, &ops);
	}
}

int
sls_supervisor_run(sls_conf_t *conf, const sls_sup_opts_t *opts)
{
	static sup_t sup;
	sup_t *s = &sup;
	sigset_t blocked;
	int rc = 1;

	s->conf = conf;
	s->opts = opts;
	s->daemon = opts->ready_fd >= 0;
	s->ready_fd = opts->ready_fd;
	s->reload.trial.fd = -1;
	s->tm_wake = -1;
	setproctitle("supervisor");

	if (start(s, &blocked) == 0) {
		serve(s);
		sls_log(LOG_NOTICE, "stopped");
		rc = 0;
	} else {
		/* Lets start-stop-daemon --notify-await and systemd fail at
		   once instead of waiting for their timeout. */
		char m[32];

		snprintf(m, sizeof(m), "ERRNO=%d", errno != 0 ? errno : EINVAL);
		sls_notify(m);
	}
	cleanup(s);
	return rc;
}
