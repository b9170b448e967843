/*
 * The metrics process: its socket, fork, privileges, respawn and stop.
 * See metrics.h; the HTTP server itself is ctl/metrics_http.c.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/limits.h"
#include "ctl/metrics_http.h"
#include "daemon.h"
#include "fds.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "sup.h"

#define EXIT_INIT	2	/* its own init failed: not respawned */
#define BACKLOG		16
#define STOP_WAIT_MS	2000	/* SIGTERM, then SIGKILL */

static volatile sig_atomic_t stop_flag;

static void
on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

int
sls_metrics_open(sup_t *s)
{
	const sls_listen_t *l = &s->conf->metrics;
	const struct sockaddr *sa = (const struct sockaddr *)&l->addr;
	char a[SLS_ADDR_TEXTLEN];
	int fd, on = 1;

	s->metrics.fd = -1;
	if (s->conf->metrics_listen[0] == '\0')
		return 0;
	sls_addr_format(sa, a, sizeof(a));
	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0) {
		sls_warn("socket(tcp:%s) failed", a);
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    (sa->sa_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) < 0)) {
		sls_warn("setsockopt(tcp:%s) failed", a);
		goto fail;
	}
	if (bind(fd, sa, l->addrlen) < 0) {
		sls_warn("bind(tcp:%s) for metrics_listen failed", a);
		goto fail;
	}
	if (listen(fd, BACKLOG) < 0) {
		sls_warn("listen(tcp:%s) failed", a);
		goto fail;
	}
	s->metrics.fd = fd;
	sls_log(LOG_INFO, "metrics on http://%s/metrics", a);
	return 0;
fail:
	close(fd);
	return -1;
}

void
sls_metrics_close_fd(sup_t *s)
{
	if (s->metrics.fd >= 0)
		close(s->metrics.fd);
}

/* In the child: keep only the socket, the segment (read-only) and
   syslog; signals of its own. */
static int
child_init(sup_t *s, pid_t parent, sigset_t *mask)
{
	struct sigaction sa;
	size_t i;

	sls_pidfile_close(s->pfh);
	if (s->have_fifo)
		sls_fifo_close_child(&s->fifo);
	if (s->ready_fd >= 0)
		close(s->ready_fd);
	for (i = 0; s->shared != NULL && i < s->nlistens; i++)
		close(s->shared[i]);
	for (i = 0; s->rport != NULL && i < s->nrport * s->nlistens; i++)
		close(s->rport[i]);
	/* and whatever else it inherited; syslog's socket is made again */
	if (!s->opts->log_stderr)
		closelog();
	sls_close_except(&s->metrics.fd, 1);
	if (!s->opts->log_stderr)
		sls_log_open(s->conf->log_facility, false);
	if (s->daemon)
		sls_daemon_detach_stdio();
	if (sls_privs_drop(&s->privs) < 0)
		return -1;
	/* A change of credentials clears the parent-death signal. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent) {
		sls_warnx("supervisor gone before start");
		return -1;
	}
	/* It only reads the counters: a bug here cannot corrupt them. */
	if (mprotect(s->shm.hdr, s->shm.hdr->size, PROT_READ) < 0)
		sls_warn("mprotect(shared memory, read-only)");

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	if (sigaction(SIGTERM, &sa, NULL) < 0 ||
	    sigaction(SIGQUIT, &sa, NULL) < 0)
		return -1;
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGHUP, &sa, NULL) < 0 ||
	    sigaction(SIGPIPE, &sa, NULL) < 0)
		return -1;
	sa.sa_handler = SIG_DFL;
	if (sigaction(SIGCHLD, &sa, NULL) < 0)
		return -1;
	/* The supervisor's mask blocks them; ppoll lets them in. */
	sigemptyset(mask);
	return 0;
}

static void __attribute__((noreturn))
run_child(sup_t *s, pid_t parent)
{
	sls_src_params_t lim;
	sigset_t mask;

	setproctitle("metrics");
	sls_log_set_prefix("metrics: ");
	if (child_init(s, parent, &mask) < 0)
		exit(stop_flag ? 0 : EXIT_INIT);
	sls_log(LOG_DEBUG, "serving /metrics");
	/* the limits at its start: a reload that changes limits.block
	   shifts the blocked-sources gauge until it is restarted */
	sls_limits_params(s->conf, &lim);
	exit(sls_metrics_http_serve(s->metrics.fd, &s->shm, &lim, &stop_flag,
	    &mask) == 0 ? 0 : EXIT_INIT);
}

int
sls_metrics_spawn(sup_t *s)
{
	pid_t parent = getpid(), pid;

	if (s->metrics.fd < 0 || s->metrics.stopping)
		return 0;
	pid = fork();
	if (pid < 0) {
		sls_warn("fork (metrics)");
		return -1;
	}
	if (pid == 0)
		run_child(s, parent);
	s->metrics.pid = pid;
	return 0;
}

/* Deaths in the last DEATH_WINDOW_MS, this one included. */
static unsigned
recent_deaths(sls_metrics_t *m, uint64_t now)
{
	unsigned i, n = 0;

	m->death[m->ndeaths++ % SLS_METRICS_DEATHS] = now;
	for (i = 0; i < SLS_METRICS_DEATHS && i < m->ndeaths; i++)
		if (now - m->death[i] <= DEATH_WINDOW_MS)
			n++;
	return n;
}

bool
sls_metrics_reaped(sup_t *s, pid_t pid, int status)
{
	sls_metrics_t *m = &s->metrics;

	if (pid <= 0 || pid != m->pid)
		return false;
	m->pid = 0;
	if (m->stopping || sls_got_term || sls_got_quit)
		return true;
	if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_INIT) {
		sls_log(LOG_ERR, "metrics process (pid %d) failed to "
		    "initialise; not restarting it", (int)pid);
		m->failed = true;
		return true;
	}
	if (recent_deaths(m, sls_now_ms()) > DEATH_LIMIT) {
		sls_log(LOG_ERR, "metrics process (pid %d) died more than %d "
		    "times in %d s; not restarting it", (int)pid, DEATH_LIMIT,
		    DEATH_WINDOW_MS / 1000);
		m->failed = true;
		return true;
	}
	sls_log(LOG_NOTICE, "metrics process (pid %d) %s %d; restarting",
	    (int)pid, WIFSIGNALED(status) ? "killed by signal" :
	    "exited with status", WIFSIGNALED(status) ? WTERMSIG(status) :
	    WEXITSTATUS(status));
	m->restarts++;
	(void)sls_metrics_spawn(s);
	return true;
}

void
sls_metrics_stop(sup_t *s)
{
	sls_metrics_t *m = &s->metrics;
	uint64_t deadline = sls_now_ms() + STOP_WAIT_MS;
	int status;

	m->stopping = true;
	if (m->pid <= 0)
		return;
	kill(m->pid, SIGTERM);
	while (m->pid > 0) {
		pid_t r = waitpid(m->pid, &status, WNOHANG);

		if (r == m->pid || (r < 0 && errno == ECHILD)) {
			m->pid = 0;
			break;
		}
		if (sls_now_ms() > deadline) {
			sls_log(LOG_WARNING, "metrics process (pid %d) still "
			    "running; killing it", (int)m->pid);
			kill(m->pid, SIGKILL);
			waitpid(m->pid, &status, 0);
			m->pid = 0;
			break;
		}
		sls_sup_pause(10);
	}
}
