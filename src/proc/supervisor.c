/*
 * The supervisor process. Startup order (everything that can fail comes
 * before readiness): pid lock, bind, shared memory, FIFO, privilege drop,
 * signals, fork workers, wait for their ready flags, pid file, READY=1.
 * Then a ppoll() loop on the FIFO with signals unblocked only there.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libutil.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/paths.h"
#include "ctl/admin.h"
#include "ctl/fifo.h"
#include "lib/log.h"
#include "notify.h"
#include "shm/segment.h"
#include "supervisor.h"
#include "core/tag.h"
#include "worker.h"

#define READY_TIMEOUT_MS	10000	/* new workers must be ready by then */
#define STOP_GRACE_MS		5000	/* SIGTERM, then SIGKILL */
#define RETIRE_GRACE_MS		30000	/* SIGQUIT (graceful), then SIGKILL */
#define DEATH_WINDOW_MS		10000	/* respawn throttle: more than */
#define DEATH_LIMIT		5	/* DEATH_LIMIT deaths in the window */

enum wstate { W_FREE, W_STARTING, W_RUNNING, W_RETIRING, W_FAILED };

static const char *const wstate_name[] = {
	"free", "starting", "running", "retiring", "failed"
};

typedef struct worker {
	pid_t pid;
	unsigned number;	/* 1-based */
	uint32_t generation;
	enum wstate state;
	unsigned restarts;
	uint64_t death[DEATH_LIMIT + 1];	/* ring of recent death times */
	unsigned ndeaths;
} worker_t;

typedef struct sup {
	sls_conf_t *conf;
	const sls_sup_opts_t *opts;
	sls_shm_t shm;
	sls_stats_slot_t *stats;	/* the supervisor's own slot */
	struct pidfh *pfh;
	sls_fifo_t fifo;
	bool have_fifo;

	/* sockets: listens[i] is bound to shared[i], or (reuseport) to
	   rport[n * nlistens + i] for worker number n + 1 */
	sls_listen_t *listens;
	size_t nlistens;
	int *shared;
	int *rport;
	unsigned nrport;	/* workers the reuseport sockets were made for */
	struct sockaddr_storage *local;	/* getsockname of each listen */

	worker_t w[SLS_STATS_SLOTS - 1];	/* indexed by stats slot */
	uint32_t generation;
	sls_tagkey_t tagkey;
	sls_tagkey_t tablekey;
} sup_t;

static volatile sig_atomic_t got_hup, got_term, got_quit, got_chld;

static void
on_signal(int sig)
{
	switch (sig) {
	case SIGHUP:
		got_hup = 1;
		break;
	case SIGCHLD:
		got_chld = 1;
		break;
	case SIGQUIT:
		got_quit = 1;
		break;
	default:
		got_term = 1;
		break;
	}
}

static uint64_t
now_ms(void)
{
	return sls_now_ms();
}

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

/* ---- sockets ---------------------------------------------------------- */

static int
open_sockets(sup_t *s)
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

/* ---- workers ---------------------------------------------------------- */

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

static void reap(sup_t *s);

/*
 * Start a generation of n workers and wait until each reports ready.
 * On failure the ones started are killed and reaped; -1.
 */
static int
start_generation(sup_t *s, uint32_t gen, unsigned n)
{
	uint64_t deadline = now_ms() + READY_TIMEOUT_MS;
	unsigned i, ready;

	for (i = 1; i <= n; i++)
		if (spawn(s, i, gen) < 0)
			goto fail;
	for (;;) {
		reap(s);
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
		if (now_ms() > deadline || got_term) {
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
	    got_term || got_quit) {
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
	if (recent_deaths(w, now_ms()) > DEATH_LIMIT) {
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

static void
reap(sup_t *s)
{
	int status;
	pid_t pid;
	size_t i;

	got_chld = 0;
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
static void
signal_workers(sup_t *s, const uint32_t *gen, int sig)
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
static bool
wait_workers(sup_t *s, const uint32_t *gen, unsigned ms)
{
	uint64_t deadline = now_ms() + ms;
	uint32_t g;

	for (;;) {
		reap(s);
		if (gen != NULL) {
			g = *gen;
			if (count_alive(s, &g) == 0)
				return true;
		} else if (count_alive(s, NULL) == 0) {
			return true;
		}
		if (now_ms() > deadline)
			return false;
		sleep_ms(10);
	}
}

/* ---- reload ----------------------------------------------------------- */

static int
reload(sup_t *s, sls_errlist_t *errs)
{
	sls_conf_t *nc = NULL, *old = s->conf;
	uint32_t oldgen = s->generation, newgen = s->generation + 1;
	uint32_t stale = newgen - 2;	/* same bank as the new one */
	sls_errlist_t warns = { NULL, 0 };
	size_t i;
	int rc;

	sls_notify("RELOADING=1");
	sls_log(LOG_NOTICE, "reloading %s", s->opts->conf_path);
	rc = sls_conf_load(s->opts->conf_path, &nc, errs, &warns);
	for (i = 0; i < warns.n; i++)
		sls_log(LOG_WARNING, "%s", warns.msg[i]);
	sls_errlist_free(&warns);
	if (rc < 0)
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
	if (!wait_workers(s, &stale, RETIRE_GRACE_MS)) {
		signal_workers(s, &stale, SIGKILL);
		wait_workers(s, &stale, STOP_GRACE_MS);
	}
	if (strcmp(nc->sl.tag_secret, old->sl.tag_secret) != 0)
		sls_tag_init(&s->tagkey, nc->sl.tag_secret);
	s->conf = nc;
	if (start_generation(s, newgen, (unsigned)nc->workers) < 0) {
		s->conf = old;
		sls_tag_init(&s->tagkey, old->sl.tag_secret);
		sls_errlist_add(errs, "%s: the new workers failed to start; "
		    "the old ones keep serving", nc->path);
		goto fail;
	}
	s->generation = newgen;
	atomic_store(&s->shm.hdr->generation, newgen);
	signal_workers(s, &oldgen, SIGQUIT);
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

/* ---- admin ------------------------------------------------------------ */

static const sls_conf_t *
admin_conf(void *arg)
{
	return ((sup_t *)arg)->conf;
}

static int
admin_reload(void *arg, sls_errlist_t *errs)
{
	return reload(arg, errs);
}

static void
admin_workers(void *arg, sls_buf_t *out)
{
	sup_t *s = arg;
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

/* ---- startup ---------------------------------------------------------- */

static int
resolve_user(const sls_conf_t *c, uid_t *uid, gid_t *gid)
{
	*uid = geteuid();
	*gid = getegid();
	if (c->user[0] != '\0') {
		struct passwd *pw = getpwnam(c->user);

		if (pw == NULL) {
			sls_warnx("unknown user '%s'", c->user);
			return -1;
		}
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	}
	if (c->group[0] != '\0') {
		struct group *gr = getgrnam(c->group);

		if (gr == NULL) {
			sls_warnx("unknown group '%s'", c->group);
			return -1;
		}
		*gid = gr->gr_gid;
	}
	return 0;
}

/*
 * The runtime directory belongs to the service user, as the init script
 * makes it. systemd's RuntimeDirectory= makes it root's (the unit has no
 * User=: slserver binds as root and drops privileges itself), so a
 * directory of root's directly under SLS_RUNSTATEDIR that holds our pid
 * file or FIFO is handed over here; nothing outside it is ever chowned.
 */
static void
hand_over_rundir(const char *path, uid_t uid, gid_t gid)
{
	size_t n = strlen(SLS_RUNSTATEDIR);
	char dir[PATH_MAX], *slash;
	struct stat st;

	if (path[0] == '\0' || strlcpy(dir, path, sizeof(dir)) >= sizeof(dir))
		return;
	if ((slash = strrchr(dir, '/')) == NULL)
		return;
	*slash = '\0';
	if (strncmp(dir, SLS_RUNSTATEDIR "/", n + 1) != 0 ||
	    dir[n + 1] == '\0' || strchr(dir + n + 1, '/') != NULL)
		return;
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_uid == uid && st.st_gid == gid))
		return;
	if (chown(dir, uid, gid) < 0)
		sls_warn("chown(%s)", dir);
	else
		sls_log(LOG_INFO, "runtime directory %s handed to uid %d",
		    dir, (int)uid);
}

static int
drop_privileges(sup_t *s, uid_t uid, gid_t gid)
{
	if (s->conf->user[0] == '\0' && s->conf->group[0] == '\0')
		return 0;
	if (geteuid() != 0) {
		if (uid == geteuid() && gid == getegid())
			return 0;
		sls_warnx("user/group set but not started as root");
		return -1;
	}
	hand_over_rundir(s->conf->pidfile, uid, gid);
	hand_over_rundir(s->conf->fifo, uid, gid);
	if (s->have_fifo && sls_fifo_chown(&s->fifo, uid, gid) < 0)
		return -1;
	if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
		sls_warn("dropping privileges to %s:%s", s->conf->user,
		    s->conf->group);
		return -1;
	}
	sls_log(LOG_INFO, "running as uid %d gid %d", (int)uid, (int)gid);
	return 0;
}

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

/* A detached daemon prints nothing once ready. */
static void
detach_stdio(void)
{
	int fd = open("/dev/null", O_RDWR);

	if (fd < 0)
		return;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

static void
stop(sup_t *s, bool graceful)
{
	sls_notify("STOPPING=1");
	sls_log(LOG_NOTICE, "stopping (%s)", graceful ? "graceful" : "fast");
	signal_workers(s, NULL, graceful ? SIGQUIT : SIGTERM);
	if (!wait_workers(s, NULL, graceful ? RETIRE_GRACE_MS :
	    STOP_GRACE_MS)) {
		sls_log(LOG_WARNING, "workers still running; killing them");
		signal_workers(s, NULL, SIGKILL);
		wait_workers(s, NULL, STOP_GRACE_MS);
	}
}

static void
cleanup(sup_t *s)
{
	if (s->have_fifo)
		sls_fifo_close(&s->fifo);
	if (s->pfh != NULL)
		pidfile_remove(s->pfh);
	if (s->shm.hdr != NULL)
		sls_shm_destroy(&s->shm);
	sls_conf_free(s->conf);
	free(s->listens);
	free(s->local);
	free(s->shared);
	free(s->rport);
}

int
sls_supervisor_run(sls_conf_t *conf, const sls_sup_opts_t *opts)
{
	static sup_t sup;
	sup_t *s = &sup;
	sls_admin_ops_t ops;
	sigset_t blocked, none;
	uid_t uid;
	gid_t gid;
	pid_t other;
	int rc = 1;

	s->conf = conf;
	s->opts = opts;
	setproctitle("supervisor");

	if (resolve_user(conf, &uid, &gid) < 0)
		goto out;
	if (conf->pidfile[0] != '\0') {
		s->pfh = pidfile_open(conf->pidfile, 0644, &other);
		if (s->pfh == NULL) {
			if (errno == EEXIST)
				sls_warnx("already running as PID %d (pid "
				    "file %s)", (int)other, conf->pidfile);
			else
				sls_warn("pidfile_open(%s)", conf->pidfile);
			goto out;
		}
	}
	if (open_sockets(s) < 0)
		goto out;
	if (sls_shm_create(&s->shm, conf->sl.table_size) < 0) {
		sls_warn("creating shared memory (%u table slots)",
		    conf->sl.table_size);
		goto out;
	}
	s->stats = &s->shm.stats[SLS_SUPERVISOR_SLOT];
	if (conf->fifo[0] != '\0') {
		if (sls_fifo_open(&s->fifo, conf->fifo, conf->fifo_mode) < 0)
			goto out;
		s->have_fifo = true;
	}
	if (drop_privileges(s, uid, gid) < 0)
		goto out;
	if (setup_signals(&blocked) < 0) {
		sls_warn("sigaction");
		goto out;
	}
	/* The tag key is made once, before the first fork: every worker
	   and every later generation signs with it. */
	sls_tag_init(&s->tagkey, conf->sl.tag_secret);
	sls_tag_init(&s->tablekey, "");
	s->generation = 1;
	atomic_store(&s->shm.hdr->generation, 1);
	if (start_generation(s, 1, (unsigned)conf->workers) < 0)
		goto out;
	if (s->pfh != NULL && pidfile_write(s->pfh) < 0) {
		sls_warn("writing pid file %s", conf->pidfile);
		stop(s, false);
		goto out;
	}
	sls_log(LOG_NOTICE, "started %s, %d workers, pid %d", PACKAGE_STRING,
	    conf->workers, (int)getpid());
	sls_notify("READY=1");
	sls_log_set_startup(false);
	if (opts->ready_fd >= 0) {
		detach_stdio();
		if (write(opts->ready_fd, "R", 1) < 0)
			sls_warn("telling the parent we are ready");
		close(opts->ready_fd);
	}

	memset(&ops, 0, sizeof(ops));
	ops.arg = s;
	ops.shm = &s->shm;
	ops.conf = admin_conf;
	ops.reload = admin_reload;
	ops.workers = admin_workers;
	sigemptyset(&none);
	for (;;) {
		struct pollfd p = { .fd = s->have_fifo ? s->fifo.rfd : -1,
		    .events = POLLIN };
		struct timespec ts = { 1, 0 };
		int n;

		n = ppoll(&p, 1, &ts, &none);
		if (got_term || got_quit) {
			stop(s, !got_term);
			break;
		}
		if (got_chld)
			reap(s);
		if (got_hup) {
			sls_errlist_t errs = { NULL, 0 };

			got_hup = 0;
			reload(s, &errs);
			sls_errlist_free(&errs);
		}
		if (n > 0 && (p.revents & POLLIN))
			sls_fifo_serve(&s->fifo, &ops);
	}
	sls_log(LOG_NOTICE, "stopped");
	rc = 0;
out:
	if (rc != 0) {
		/* Lets start-stop-daemon --notify-await and systemd fail at
		   once instead of waiting for their timeout. */
		char m[32];

		snprintf(m, sizeof(m), "ERRNO=%d", errno != 0 ? errno : EINVAL);
		sls_notify(m);
	}
	cleanup(s);
	return rc;
}
