/*
 * The worker table: spawning a worker into its slot, starting a whole
 * generation, reaping, respawning with a throttle, signalling and waiting.
 * Slots come in two banks (generation parity), so a reload runs the old
 * and the new generation side by side.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/log.h"
#include "lib/num.h"
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
	if (s->pfh != NULL)
		pidfile_close(s->pfh);
	if (s->have_fifo) {
		close(s->fifo.rfd);
		close(s->fifo.wfd);
	}
	/* Only the supervisor says ready; a child holding the pipe
	   would keep the starting process waiting. */
	if (s->ready_fd >= 0)
		close(s->ready_fd);
}

/* In the child: close what is the supervisor's alone, run the worker. */
static void
run_child(sup_t *s, const sls_worker_args_t *tmpl, unsigned number)
{
	sls_wsock_t socks[s->nlistens];
	sls_worker_args_t a = *tmpl;
	size_t i;

	close_supervisor_fds(s);
	for (i = 0; i < s->nlistens; i++) {
		socks[i].fd = s->shared != NULL ? s->shared[i] :
		    s->rport[(number - 1) * s->nlistens + i];
		socks[i].listen = &s->listens[i];
		socks[i].local = s->local[i];
	}
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
	a.tm_wake_fd = s->tm_wake;

	atomic_store(&st->state, SLS_WS_STARTING);
	atomic_store(&st->pid, 0);
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

		close_supervisor_fds(s);
		for (i = 0; i < s->nlistens; i++) {
			socks[i].fd = s->shared != NULL ? s->shared[i] :
			    s->rport[i];
			socks[i].listen = &s->listens[i];
			socks[i].local = s->local[i];
		}
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

/*
 * SLS_TEST_FAIL_GENERATION=N[:hang][,N[:hang]...], read once at start: the
 * first start of generation N fails (its workers exit 2 before ready), or
 * with ":hang" never gets ready. A test hook, documented in slserver(8).
 */
void
sls_workers_test_hooks(sup_t *s)
{
	const char *e = getenv("SLS_TEST_FAIL_GENERATION");

	while (e != NULL && *e != '\0' && s->nfaults < SLS_MAX_FAULTS) {
		const char *end = e + strcspn(e, ":,");
		int mode = SLS_FAULT_EXIT;
		uint64_t g;

		if (!sls_parse_uint(e, end, UINT32_MAX, &g) || g == 0)
			break;
		if (strncmp(end, ":hang", 5) == 0) {
			mode = SLS_FAULT_HANG;
			end += 5;
		}
		if (*end != '\0' && *end != ',')
			break;
		s->fault[s->nfaults].gen = (uint32_t)g;
		s->fault[s->nfaults++].mode = mode;
		sls_log(LOG_NOTICE, "test hook: generation %u will %s",
		    (unsigned)g, mode == SLS_FAULT_HANG ? "never get ready" :
		    "fail to start");
		e = *end == ',' ? end + 1 : end;
	}
	if (e != NULL && *e != '\0')
		sls_log(LOG_WARNING, "SLS_TEST_FAIL_GENERATION: ignoring "
		    "'%s'", e);
}

/* The fault hook for this start of gen, used up. */
static int
take_fault(sup_t *s, uint32_t gen)
{
	unsigned i;
	int mode;

	for (i = 0; i < s->nfaults; i++)
		if (s->fault[i].gen == gen && s->fault[i].mode != 0) {
			mode = s->fault[i].mode;
			s->fault[i].mode = 0;
			return mode;
		}
	return SLS_FAULT_NONE;
}

/* Fork the n workers of generation gen; -1 if a fork failed. */
int
sls_gen_spawn(sup_t *s, uint32_t gen, unsigned n)
{
	int fault = take_fault(s, gen);
	unsigned i;

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
	if (WIFSIGNALED(status))
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

static void
worker_died(sup_t *s, worker_t *w, int status)
{
	bool timer = w == &s->w[SLS_TIMER_SLOT];
	char cause[96], who[32];
	pid_t pid = w->pid;
	int rc;

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
	if (WIFEXITED(status) && WEXITSTATUS(status) == SLS_WORKER_EXIT_INIT) {
		sls_log(LOG_ERR, "%s (pid %d) failed to initialise; not "
		    "restarting it", who, (int)pid);
		w->state = W_FAILED;
		return;
	}
	if (recent_deaths(w, sls_now_ms()) > DEATH_LIMIT) {
		sls_log(LOG_ERR, "%s (pid %d) %s; it died more than %d times "
		    "in %d s, not restarting it", who, (int)pid, cause,
		    DEATH_LIMIT, DEATH_WINDOW_MS / 1000);
		w->state = W_FAILED;
		return;
	}
	sls_log(LOG_NOTICE, "%s (pid %d) %s; restarting", who, (int)pid,
	    cause);
	w->restarts++;
	sls_stat_inc(s->stats, SLS_ST_WORKER_RESTARTS);
	rc = timer ? sls_timer_spawn(s) :
	    spawn(s, w->number, w->generation, SLS_FAULT_NONE);
	if (rc < 0) {
		w->state = W_FAILED;
		return;
	}
	/* It serves as soon as it is up; nothing waits for its flag. */
	w->state = W_RUNNING;
}

void
sls_workers_reap(sup_t *s)
{
	int status;
	pid_t pid;
	size_t i;

	sls_got_chld = 0;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < sizeof(s->w) / sizeof(s->w[0]); i++)
			if (s->w[i].pid == pid) {
				worker_died(s, &s->w[i], status);
				break;
			}
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

	sls_buf_printf(out, "slot number pid generation state restarts\n");
	for (i = 0; i < sizeof(s->w) / sizeof(s->w[0]); i++) {
		worker_t *w = &s->w[i];

		if (w->state == W_FREE)
			continue;
		if (i == SLS_TIMER_SLOT)	/* of no generation */
			sls_buf_printf(out, "%zu timer %d - %s %u\n", i,
			    (int)w->pid, wstate_name[w->state], w->restarts);
		else
			sls_buf_printf(out, "%zu %u %d %u %s %u\n", i,
			    w->number, (int)w->pid, w->generation,
			    wstate_name[w->state], w->restarts);
	}
}
