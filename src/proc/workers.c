/*
 * The worker table: spawning a worker into its slot, starting a whole
 * generation, reaping, respawning with a throttle, signalling and waiting.
 * Slots come in two banks (generation parity), so a reload runs the old
 * and the new generation side by side.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/log.h"
#include "sup.h"
#include "worker.h"

static const char *const wstate_name[] = {
	"free", "starting", "running", "retiring", "failed"
};

static void
sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static unsigned
slot_of(uint32_t generation, unsigned number)
{
	return (generation % 2) * SLS_MAX_WORKERS + (number - 1);
}

static int
spawn(sup_t *s, unsigned number, uint32_t generation)
{
	unsigned slot = slot_of(generation, number);
	worker_t *w = &s->w[slot];
	sls_worker_status_t *st = &s->shm.status[slot];
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
		sls_worker_args_t a;
		size_t i;

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
		for (i = 0; i < s->nlistens; i++) {
			socks[i].fd = s->shared != NULL ? s->shared[i] :
			    s->rport[(number - 1) * s->nlistens + i];
			socks[i].listen = &s->listens[i];
			socks[i].local = s->local[i];
		}
		a.conf = s->conf;
		a.shm = &s->shm;
		a.slot = slot;
		a.number = number;
		a.generation = generation;
		a.supervisor = getppid();
		a.socks = socks;
		a.nsocks = s->nlistens;
		a.tagkey = &s->tagkey;
		a.tablekey = &s->tablekey;
		a.privs = &s->privs;
		a.detach = s->daemon;
		exit(sls_worker_run(&a));
	}
	w->pid = pid;
	w->number = number;
	w->generation = generation;
	w->state = W_STARTING;
	return 0;
}

static bool
is_ready(sup_t *s, unsigned slot)
{
	sls_worker_status_t *st = &s->shm.status[slot];

	return atomic_load_explicit(&st->state, memory_order_acquire) ==
	    SLS_WS_READY && atomic_load(&st->pid) == s->w[slot].pid;
}

/*
 * Start a generation of n workers and wait until each reports ready.
 * On failure the ones started are killed and reaped; -1.
 */
int
sls_workers_start_generation(sup_t *s, uint32_t gen, unsigned n)
{
	uint64_t deadline = sls_now_ms() + READY_TIMEOUT_MS;
	unsigned i, ready;

	for (i = 1; i <= n; i++)
		if (spawn(s, i, gen) < 0)
			goto fail;
	for (;;) {
		sls_workers_reap(s);
		for (ready = 0, i = 1; i <= n; i++) {
			worker_t *w = &s->w[slot_of(gen, i)];

			if (w->state == W_STARTING && is_ready(s, slot_of(gen,
			    i)))
				w->state = W_RUNNING;
			if (w->state == W_RUNNING)
				ready++;
			else if (w->state != W_STARTING)
				goto fail;
		}
		if (ready == n)
			return 0;
		if (sls_now_ms() > deadline || sls_got_term) {
			sls_log(LOG_ERR, "workers of generation %u not ready "
			    "in time", gen);
			goto fail;
		}
		sleep_ms(5);
	}
fail:
	for (i = 1; i <= n; i++) {
		worker_t *w = &s->w[slot_of(gen, i)];

		if (w->pid > 0) {
			kill(w->pid, SIGKILL);
			waitpid(w->pid, NULL, 0);
		}
		w->pid = 0;
		w->state = W_FREE;
	}
	return -1;
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
	char cause[96];
	pid_t pid = w->pid;

	w->pid = 0;
	death_cause(status, cause, sizeof(cause));
	/* A worker killed inside a table write leaves its slot locked. */
	if (WIFSIGNALED(status))
		sls_sigtable_release(s->shm.sigtable, pid);
	if (w->state == W_RETIRING || w->state == W_STARTING ||
	    sls_got_term || sls_got_quit) {
		/* Asked to go, or a starting one (its generation fails). */
		sls_log(LOG_DEBUG, "worker %u (pid %d) %s", w->number,
		    (int)pid, cause);
		w->state = w->state == W_STARTING ? W_FAILED : W_FREE;
		return;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == SLS_WORKER_EXIT_INIT) {
		sls_log(LOG_ERR, "worker %u (pid %d) failed to initialise; "
		    "not restarting it", w->number, (int)pid);
		w->state = W_FAILED;
		return;
	}
	if (recent_deaths(w, sls_now_ms()) > DEATH_LIMIT) {
		sls_log(LOG_ERR, "worker %u (pid %d) %s; it died more than %d "
		    "times in %d s, not restarting it", w->number, (int)pid,
		    cause, DEATH_LIMIT, DEATH_WINDOW_MS / 1000);
		w->state = W_FAILED;
		return;
	}
	sls_log(LOG_NOTICE, "worker %u (pid %d) %s; restarting", w->number,
	    (int)pid, cause);
	w->restarts++;
	sls_stat_inc(s->stats, SLS_ST_WORKER_RESTARTS);
	if (spawn(s, w->number, w->generation) < 0) {
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
count_alive(sup_t *s, uint32_t *gen_only)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < sizeof(s->w) / sizeof(s->w[0]); i++)
		if (s->w[i].pid > 0 &&
		    (gen_only == NULL || s->w[i].generation == *gen_only))
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

/* Wait (reaping) until no worker of gen (or none at all) is alive. */
bool
sls_workers_wait(sup_t *s, const uint32_t *gen, unsigned ms)
{
	uint64_t deadline = sls_now_ms() + ms;
	uint32_t g;

	for (;;) {
		sls_workers_reap(s);
		if (gen != NULL) {
			g = *gen;
			if (count_alive(s, &g) == 0)
				return true;
		} else if (count_alive(s, NULL) == 0) {
			return true;
		}
		if (sls_now_ms() > deadline)
			return false;
		sleep_ms(10);
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
		sls_buf_printf(out, "%zu %u %d %u %s %u\n", i, w->number,
		    (int)w->pid, w->generation, wstate_name[w->state],
		    w->restarts);
	}
}
