/*
 * The worker table: spawning a worker into its slot, starting a whole
 * generation, reaping, respawning with a throttle, signalling and waiting.
 * Slots come in two banks (generation parity), so a reload runs the old
 * and the new generation side by side.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/route_count.h"
#include "core/tm.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/num.h"
#include "fds.h"
#include "sup.h"
#include "timer.h"
#include "worker.h"

static const char *const wstate_name[] = {
	"free", "starting", "running", "retiring", "failed"
};

static unsigned
slot_of(uint32_t generation, unsigned number)
{
	return (generation % 2) * SLS_MAX_WORKERS + (number - 1);
}

/* In a child: close what is the supervisor's alone. */
static void
close_supervisor_fds(sup_t *s)
{
	sls_pidfile_close(s->pfh);
	if (s->have_fifo)
		sls_fifo_close_child(&s->fifo);
	/* Only the supervisor says ready; a child holding the pipe
	   would keep the starting process waiting. */
	if (s->ready_fd >= 0)
		close(s->ready_fd);
	sls_metrics_close_fd(s);
}

/*
 * In a worker or the timer process: keep its sockets (and the timer's
 * eventfd, wake_fd >= 0) and close everything else it inherited (other
 * workers' sockets, whatever the supervisor inherited). The shared
 * segment is a mapping and stays; the log connection is made again.
 */
static void
keep_only(sup_t *s, const sls_wsock_t *socks, int wake_fd, int facility)
{
	int keep[s->nlistens + 1];
	size_t i, n = 0;

	close_supervisor_fds(s);
	for (i = 0; i < s->nlistens; i++)
		keep[n++] = socks[i].fd;
	if (wake_fd >= 0)
		keep[n++] = wake_fd;
	/* syslog's socket is not ours to know: closed and made again */
	if (!s->opts->log_stderr)
		closelog();
	sls_close_except(keep, n);
	if (!s->opts->log_stderr)
		sls_log_open(facility, false);
}

/* In the child: keep only its own descriptors, run the worker. */
static void
run_child(sup_t *s, const sls_worker_args_t *tmpl, unsigned number)
{
	sls_wsock_t socks[s->nlistens];
	sls_worker_args_t a = *tmpl;
	size_t i;

	for (i = 0; i < s->nlistens; i++) {
		socks[i].fd = s->shared != NULL ? s->shared[i] :
		    s->rport[(number - 1) * s->nlistens + i];
		socks[i].listen = &s->listens[i];
		socks[i].local = s->local[i];
	}
	/* the timer's eventfd only where a route can make transactions */
	if (!sls_tm_wanted(a.conf))
		a.tm_wake_fd = -1;
	keep_only(s, socks, a.tm_wake_fd, a.conf->log_facility);
	a.supervisor = getppid();
	a.socks = socks;
	a.nsocks = s->nlistens;
	exit(sls_worker_run(&a));
}

/*
 * Fork worker number of generation into its slot. A generation being
 * started by a reload runs the new configuration and key; every other
 * the running ones.
 */
static int
spawn(sup_t *s, unsigned number, uint32_t generation, int fault)
{
	unsigned slot = slot_of(generation, number);
	worker_t *w = &s->w[slot];
	sls_worker_status_t *st = &s->shm.status[slot];
	sls_worker_args_t a;
	pid_t pid;

	memset(&a, 0, sizeof(a));
	a.conf = s->conf;
	a.tagkey = &s->tagkey;
	if (s->reload.phase == RL_START && generation == s->reload.gen) {
		a.conf = s->reload.conf;
		a.tagkey = &s->reload.tagkey;
	}
	a.shm = &s->shm;
	a.slot = slot;
	a.number = number;
	a.generation = generation;
	a.tablekey = &s->tablekey;
	a.privs = &s->privs;
	a.detach = s->daemon;
	a.test_fault = fault;
	a.test_forbidden = s->test_forbidden;
	a.tm_wake_fd = s->tm_wake;

	atomic_store(&st->state, SLS_WS_STARTING);
	atomic_store(&st->pid, 0);
	/* Its time to start counts against worker_timeout too. */
	atomic_store(&st->heartbeat, sls_now_ms());
	pid = fork();
	if (pid < 0) {
		sls_warn("fork");
		return -1;
	}
	if (pid == 0)
		run_child(s, &a, number);
	w->pid = pid;
	w->number = number;
	w->generation = generation;
	w->state = W_STARTING;
	w->hung = false;
	w->started_ms = sls_now_ms();
	w->retry_at = 0;
	return 0;
}

/*
 * Fork the timer process into SLS_TIMER_SLOT. It belongs to no
 * generation (0): reloads neither retire nor replace it. It sends from
 * the sockets worker 1 reads (the same addresses in either mode).
 */
int
sls_timer_spawn(sup_t *s)
{
	worker_t *w = &s->w[SLS_TIMER_SLOT];
	sls_worker_status_t *st = &s->shm.status[SLS_TIMER_SLOT];
	sls_timer_args_t a;
	pid_t pid;

	atomic_store(&st->state, SLS_WS_STARTING);
	atomic_store(&st->pid, 0);
	pid = fork();
	if (pid < 0) {
		sls_warn("fork");
		return -1;
	}
	if (pid == 0) {
		sls_wsock_t socks[s->nlistens];
		size_t i;

		for (i = 0; i < s->nlistens; i++) {
			socks[i].fd = s->shared != NULL ? s->shared[i] :
			    s->rport[i];
			socks[i].listen = &s->listens[i];
			socks[i].local = s->local[i];
		}
		keep_only(s, socks, s->tm_wake, s->conf->log_facility);
		memset(&a, 0, sizeof(a));
		a.shm = &s->shm;
		a.supervisor = getppid();
		a.socks = socks;
		a.nsocks = s->nlistens;
		a.privs = &s->privs;
		a.wake_fd = s->tm_wake;
		a.detach = s->daemon;
		exit(sls_timer_run(&a));
	}
	w->pid = pid;
	w->number = 0;
	w->generation = 0;
	w->state = W_RUNNING;
	return 0;
}

/* Start the timer process if the running configuration needs it and it
   is not running (a reload may need it first; a failed one is retried). */
void
sls_timer_ensure(sup_t *s, bool needed)
{
	worker_t *w = &s->w[SLS_TIMER_SLOT];

	if (!needed || w->pid > 0)
		return;
	if (sls_timer_spawn(s) < 0)
		sls_log(LOG_ERR, "the timer process could not be started: "
		    "transactions are not retransmitted");
	else
		sls_log(LOG_INFO, "timer process started (pid %d)",
		    (int)w->pid);
}

static bool
is_ready(sup_t *s, unsigned slot)
{
	sls_worker_status_t *st = &s->shm.status[slot];

	return atomic_load_explicit(&st->state, memory_order_acquire) ==
	    SLS_WS_READY && atomic_load(&st->pid) == s->w[slot].pid;
}

/* Fork the n workers of generation gen; -1 if a fork failed. */
int
sls_gen_spawn(sup_t *s, uint32_t gen, unsigned n)
{
	int fault = sls_test_take_fault(s, gen);
	sls_conf_t *conf = s->conf;
	unsigned i;

	/* The route counter slots of its configuration, by name, before
	   any of its workers forks (core/route_count.h). */
	if (s->reload.phase == RL_START && gen == s->reload.gen)
		conf = s->reload.conf;
	sls_route_counters_assign(&s->shm, conf, s->generation, gen);

	for (i = 1; i <= n; i++)
		if (spawn(s, i, gen, fault) < 0)
			return -1;
	return 0;
}

/*
 * Mark the workers of gen that report ready as running; the state of the
 * generation. Deaths are seen by the reaper (a starting worker that dies
 * is marked failed there).
 */
enum sls_gen_state
sls_gen_check(sup_t *s, uint32_t gen, unsigned n)
{
	unsigned i, ready = 0;

	for (i = 1; i <= n; i++) {
		unsigned slot = slot_of(gen, i);
		worker_t *w = &s->w[slot];

		if (w->generation != gen)
			return SLS_GEN_FAILED;	/* never forked */
		if (w->state == W_STARTING && is_ready(s, slot))
			w->state = W_RUNNING;
		if (w->state == W_RUNNING)
			ready++;
		else if (w->state != W_STARTING)
			return SLS_GEN_FAILED;
	}
	return ready == n ? SLS_GEN_READY : SLS_GEN_STARTING;
}

/*
 * Give up a generation that did not start: its live workers get SIGKILL
 * and are reaped like every other exit (logged, their signature-table
 * slots released); the slots of those already gone are freed.
 */
void
sls_gen_abort(sup_t *s, uint32_t gen)
{
	unsigned i, base = (gen % 2) * SLS_MAX_WORKERS;

	for (i = base; i < base + SLS_MAX_WORKERS; i++) {
		worker_t *w = &s->w[i];

		if (w->generation != gen || w->state == W_FREE)
			continue;
		if (w->pid > 0) {
			w->state = W_RETIRING;
			kill(w->pid, SIGKILL);
		} else {
			w->state = W_FREE;
		}
	}
}

/* Workers alive in the bank of slots that generation gen uses. */
unsigned
sls_gen_bank_alive(sup_t *s, uint32_t gen)
{
	unsigned i, n = 0, base = (gen % 2) * SLS_MAX_WORKERS;

	for (i = base; i < base + SLS_MAX_WORKERS; i++)
		if (s->w[i].pid > 0)
			n++;
	return n;
}

static const char *
death_cause(int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
		snprintf(buf, len, "killed by signal %d (%s: a system call its "
		    "seccomp filter forbids)", SIGSYS, strsignal(SIGSYS));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "exited with status %d",
		    WEXITSTATUS(status));
	return buf;
}

/* Deaths of this slot in the last DEATH_WINDOW_MS, this one included. */
static unsigned
recent_deaths(worker_t *w, uint64_t now)
{
	unsigned i, n = 0;

	w->death[w->ndeaths++ % (DEATH_LIMIT + 1)] = now;
	for (i = 0; i < DEATH_LIMIT + 1 && i < w->ndeaths; i++)
		if (now - w->death[i] <= DEATH_WINDOW_MS)
			n++;
	return n;
}

/*
 * The throttle: the slot is failed for a delay that doubles with each
 * throttle (a worker that served BACKOFF_RESET_MS starts again at the
 * first), then sls_workers_retry respawns it: never given up for good.
 */
static unsigned
throttle(worker_t *w, uint64_t now)
{
	unsigned delay = w->backoff_ms != 0 ? w->backoff_ms : RETRY_FIRST_MS;

	w->state = W_FAILED;
	w->retry_at = now + delay;
	w->backoff_ms = delay * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : delay * 2;
	return delay;
}

/* Start the slot's worker again at once; it serves as soon as it is up
   (nothing waits for its flag). */
static void
respawn(sup_t *s, worker_t *w)
{
	int fault = SLS_FAULT_NONE;

	if (s->respawn_faults > 0) {
		s->respawn_faults--;
		fault = SLS_FAULT_DIE;
	}
	w->restarts++;
	sls_stat_inc(s->stats, SLS_ST_WORKER_RESTARTS);
	if ((w == &s->w[SLS_TIMER_SLOT] ? sls_timer_spawn(s) :
	    spawn(s, w->number, w->generation, fault)) < 0) {
		throttle(w, sls_now_ms());
		return;
	}
	w->state = W_RUNNING;
}

static void
worker_died(sup_t *s, worker_t *w, int status)
{
	bool timer = w == &s->w[SLS_TIMER_SLOT];
	uint64_t now = sls_now_ms();
	char cause[96], who[32];
	pid_t pid = w->pid;

	w->pid = 0;
	death_cause(status, cause, sizeof(cause));
	if (timer)
		snprintf(who, sizeof(who), "timer process");
	else
		snprintf(who, sizeof(who), "worker %u", w->number);
	/* A worker killed inside a table write leaves its slot locked. */
	if (WIFSIGNALED(status)) {
		sls_sigtable_release(s->shm.sigtable, pid);
		sls_tmtable_release(s->shm.tm, pid);
	}
	if (w->state == W_RETIRING || sls_got_term || sls_got_quit) {
		/* Asked to go. */
		sls_log(LOG_DEBUG, "%s (pid %d) %s", who, (int)pid, cause);
		w->state = W_FREE;
		return;
	}
	if (w->state == W_STARTING) {
		/* Its generation fails to start (sls_gen_check sees it). */
		sls_log(LOG_NOTICE, "%s (pid %d) of generation %u %s before "
		    "it was ready", who, (int)pid, w->generation, cause);
		w->state = W_FAILED;
		return;
	}
	if (now - w->started_ms >= BACKOFF_RESET_MS)
		w->backoff_ms = 0;	/* it had been serving a while */
	if (WIFEXITED(status) && WEXITSTATUS(status) == SLS_WORKER_EXIT_INIT) {
		sls_log(LOG_ERR, "%s (pid %d) failed to initialise; not "
		    "restarting it for %u s", who, (int)pid,
		    throttle(w, now) / 1000);
		return;
	}
	if (recent_deaths(w, now) > DEATH_LIMIT) {
		sls_log(LOG_ERR, "%s (pid %d) %s; it died more than %d times "
		    "in %d s, not restarting it for %u s", who, (int)pid, cause,
		    DEATH_LIMIT, DEATH_WINDOW_MS / 1000,
		    throttle(w, now) / 1000);
		return;
	}
	sls_log(LOG_NOTICE, "%s (pid %d) %s; restarting", who, (int)pid,
	    cause);
	respawn(s, w);
}

/*
 * Respawn the failed slots whose delay is over, in the running
 * generation (and the timer process, of no generation); a slot of a
 * generation that was replaced meanwhile stays as it is.
 */
void
sls_workers_retry(sup_t *s)
{
	uint64_t now = sls_now_ms();
	size_t i;

	for (i = 0; i < sizeof(s->w) / sizeof(s->w[0]); i++) {
		worker_t *w = &s->w[i];

		if (w->state != W_FAILED || w->retry_at == 0 ||
		    now < w->retry_at || (w->generation != s->generation &&
		    i != SLS_TIMER_SLOT))
			continue;
		if (i == SLS_TIMER_SLOT)
			sls_log(LOG_NOTICE, "timer process: restarting it "
			    "after the respawn throttle");
		else
			sls_log(LOG_NOTICE, "worker %u: restarting it after "
			    "the respawn throttle", w->number);
		/* A fresh window: it is throttled again only after as many
		   deaths, with a longer delay. */
		w->ndeaths = 0;
		respawn(s, w);
	}
}

/*
 * Whether the running generation serves: some worker is up, or, with
 * reuseport sockets (each worker number owns its own), every one is.
 * If not, why (for ping's 503 and the service manager's STATUS=).
 */
bool
sls_workers_serving(sup_t *s, char *why, size_t len)
{
	unsigned i, n = (unsigned)s->conf->workers, up = 0, down = 0;
	uint64_t now = sls_now_ms(), next = 0;

	for (i = 1; i <= n; i++) {
		worker_t *w = &s->w[slot_of(s->generation, i)];

		if (w->pid > 0 && w->state == W_RUNNING) {
			up++;
			continue;
		}
		down++;
		if (w->retry_at != 0 && (next == 0 || w->retry_at < next))
			next = w->retry_at;
	}
	if (up > 0 && (s->conf->socket_mode != SLS_SOCK_REUSEPORT || down == 0))
		return true;
	snprintf(why, len, "%u of %u workers not serving%s, retrying in %u s",
	    down, n, up > 0 ? " (reuseport: their sockets' datagrams are "
	    "lost)" : "", next > now ? (unsigned)((next - now + 999) / 1000) :
	    0);
	return false;
}

void
sls_workers_reap(sup_t *s)
{
	int status;
	pid_t pid;
	size_t i;

	sls_got_chld = 0;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == s->reload.trial.pid) {
			sls_trial_reaped(&s->reload.trial, status);
			continue;
		}
		if (sls_metrics_reaped(s, pid, status))
			continue;
		for (i = 0; i < sizeof(s->w) / sizeof(s->w[0]); i++)
			if (s->w[i].pid == pid) {
				worker_died(s, &s->w[i], status);
				break;
			}
	}
}

/*
 * A running worker whose heartbeat is older than worker_timeout is hung
 * (stopped, stuck, starved): SIGKILL; the reaper respawns it like any
 * other death. In reuseport mode its sockets' datagrams are lost until
 * then.
 */
void
sls_workers_check_hung(sup_t *s)
{
	uint64_t limit = (uint64_t)s->conf->worker_timeout * 1000, now, beat;
	size_t i;

	if (limit == 0)
		return;
	now = sls_now_ms();
	for (i = 0; i < sizeof(s->w) / sizeof(s->w[0]); i++) {
		worker_t *w = &s->w[i];

		/* the timer process sleeps as long as no timer is due:
		   it writes no heartbeat */
		if (w->pid <= 0 || w->state != W_RUNNING || w->hung ||
		    i == SLS_TIMER_SLOT)
			continue;
		beat = atomic_load_explicit(&s->shm.status[i].heartbeat,
		    memory_order_relaxed);
		if (now < beat || now - beat <= limit)
			continue;
		sls_log(LOG_WARNING, "worker %u (pid %d) has not run for %u "
		    "ms (worker_timeout %u s); killing it", w->number,
		    (int)w->pid, (unsigned)(now - beat),
		    s->conf->worker_timeout);
		w->hung = true;
		kill(w->pid, SIGKILL);
	}
}

static unsigned
count_alive(sup_t *s)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < sizeof(s->w) / sizeof(s->w[0]); i++)
		if (s->w[i].pid > 0)
			n++;
	return n;
}

/* Signal the workers of a generation (or all when gen is NULL). */
void
sls_workers_signal(sup_t *s, const uint32_t *gen, int sig)
{
	size_t i;

	for (i = 0; i < sizeof(s->w) / sizeof(s->w[0]); i++) {
		worker_t *w = &s->w[i];

		if (w->pid <= 0 || (gen != NULL && w->generation != *gen))
			continue;
		if (sig == SIGQUIT)
			w->state = W_RETIRING;
		kill(w->pid, sig);
	}
}

/*
 * Wait, reaping, until no worker is alive (true), ms pass or *cut (when
 * not NULL) is set by a signal (false).
 */
bool
sls_workers_wait(sup_t *s, unsigned ms, volatile sig_atomic_t *cut)
{
	uint64_t deadline = sls_now_ms() + ms;

	for (;;) {
		sls_workers_reap(s);
		if (count_alive(s) == 0)
			return true;
		if (sls_now_ms() > deadline || (cut != NULL && *cut))
			return false;
		sls_sup_pause(10);
	}
}

void
sls_workers_list(sup_t *s, sls_buf_t *out)
{
	size_t i;

	/* requests, replies: the counters of the slot, for rates */
	sls_buf_printf(out, "slot number pid generation state restarts "
	    "requests replies\n");
	for (i = 0; i < sizeof(s->w) / sizeof(s->w[0]); i++) {
		worker_t *w = &s->w[i];
		sls_stats_slot_t *st = &s->shm.stats[i];
		uint64_t req, sent;

		if (w->state == W_FREE)
			continue;
		req = atomic_load_explicit(&st->v[SLS_ST_RCV_REQUESTS],
		    memory_order_relaxed);
		sent = atomic_load_explicit(&st->v[SLS_ST_SENT],
		    memory_order_relaxed);

		if (i == SLS_TIMER_SLOT)	/* of no generation */
			sls_buf_printf(out, "%zu timer %d - %s %u %" PRIu64
			    " %" PRIu64 "\n", i, (int)w->pid,
			    wstate_name[w->state], w->restarts, req, sent);
		else
			sls_buf_printf(out, "%zu %u %d %u %s %u %" PRIu64
			    " %" PRIu64 "\n", i, w->number, (int)w->pid,
			    w->generation, wstate_name[w->state], w->restarts,
			    req, sent);
	}
}
