/*
 * The config trial: a child loads the text under limits and writes its
 * messages back through a pipe, one record each ('E' or 'W', the text, a
 * NUL); its exit status says whether the text loads. The parent never
 * blocks on it (the supervisor polls it from its loop during a reload)
 * and kills it at the deadline.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "conf/conf.h"
#include "fds.h"
#include "lib/clock.h"
#include "sanitizer.h"
#include "trial.h"

#define OUT_MAX		(256 * 1024)	/* bytes of messages kept */

/* Lower a limit to at most v (soft) and hard (hard). */
static void
lower(int res, rlim_t v, rlim_t hard)
{
	struct rlimit rl;

	if (getrlimit(res, &rl) < 0)
		return;
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > hard)
		rl.rlim_max = hard;
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > v)
		rl.rlim_cur = v;
	if (rl.rlim_cur > rl.rlim_max)
		rl.rlim_cur = rl.rlim_max;
	setrlimit(res, &rl);
}

static void
put(int fd, char type, const char *msg)
{
	size_t n = strlen(msg) + 1, off = 0;
	ssize_t w;

	if (write(fd, &type, 1) != 1)
		_exit(3);
	while (off < n) {
		w = write(fd, msg + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(3);
		off += (size_t)w;
	}
}

/* The child: nothing of the parent's but the text and the pipe. */
static void __attribute__((noreturn))
child(int wfd, const char *text, const char *name, pid_t parent)
{
	sls_errlist_t errs = { NULL, 0 }, warns = { NULL, 0 };
	int sigs[] = { SIGHUP, SIGTERM, SIGINT, SIGQUIT, SIGCHLD, SIGPIPE };
	sls_conf_t *conf;
	sigset_t none;
	size_t i;
	int rc;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(3);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	closelog();
	sls_close_except(&wfd, 1);
	lower(RLIMIT_CORE, 0, 0);
	lower(RLIMIT_CPU, SLS_TRIAL_CPU_S, SLS_TRIAL_CPU_S + 1);
	lower(RLIMIT_STACK, SLS_TRIAL_STACK, SLS_TRIAL_STACK);
	if (!SLS_SANITIZED)
		lower(RLIMIT_DATA, SLS_TRIAL_DATA, SLS_TRIAL_DATA);
	setproctitle("config check");

	rc = sls_conf_load_buf(text, name, &conf, &errs, &warns);
	for (i = 0; i < errs.n; i++)
		put(wfd, 'E', errs.msg[i]);
	for (i = 0; i < warns.n; i++)
		put(wfd, 'W', warns.msg[i]);
	_exit(rc == 0 ? 0 : 1);
}

int
sls_trial_start(sls_trial_t *t, const char *text, const char *name,
    sls_errlist_t *errs)
{
	pid_t parent = getpid();
	int p[2];

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	if (pipe2(p, O_CLOEXEC) < 0) {
		sls_errlist_add(errs, "%s: cannot check the configuration: "
		    "pipe: %s", name, strerror(errno));
		return -1;
	}
	t->pid = fork();
	if (t->pid < 0) {
		sls_errlist_add(errs, "%s: cannot check the configuration: "
		    "fork: %s", name, strerror(errno));
		close(p[0]);
		close(p[1]);
		t->pid = 0;
		return -1;
	}
	if (t->pid == 0) {
		close(p[0]);
		child(p[1], text, name, parent);
	}
	close(p[1]);
	if (fcntl(p[0], F_SETFL, O_NONBLOCK) < 0) {
		sls_errlist_add(errs, "%s: cannot check the configuration: "
		    "fcntl: %s", name, strerror(errno));
		sls_trial_kill(t);
		close(p[0]);
		return -1;
	}
	t->fd = p[0];
	t->deadline = sls_now_ms() + SLS_TRIAL_WALL_MS;
	return 0;
}

/* Keep what fits of n more bytes, whole records only once it is full. */
static void
keep(sls_trial_t *t, const char *b, size_t n)
{
	char *p;

	if (t->truncated)
		return;
	if (t->len + n > OUT_MAX) {
		t->truncated = true;
		while (t->len > 0 && t->out[t->len - 1] != '\0')
			t->len--;
		return;
	}
	if (t->len + n > t->cap) {
		size_t cap = t->cap == 0 ? 4096 : t->cap;

		while (cap < t->len + n)
			cap *= 2;
		if ((p = realloc(t->out, cap)) == NULL) {
			t->truncated = true;
			return;
		}
		t->out = p;
		t->cap = cap;
	}
	memcpy(t->out + t->len, b, n);
	t->len += n;
}

static void
read_some(sls_trial_t *t)
{
	char buf[4096];
	ssize_t n;

	while (t->fd >= 0) {
		n = read(t->fd, buf, sizeof(buf));
		if (n > 0) {
			keep(t, buf, (size_t)n);
		} else if (n == 0) {
			close(t->fd);
			t->fd = -1;
		} else if (errno != EINTR) {
			if (errno != EAGAIN) {
				close(t->fd);
				t->fd = -1;
			}
			return;
		}
	}
}

void
sls_trial_reaped(sls_trial_t *t, int status)
{
	t->status = status;
	t->pid = 0;
}

bool
sls_trial_poll(sls_trial_t *t)
{
	int status;

	if (t->pid > 0 && waitpid(t->pid, &status, WNOHANG) == t->pid)
		sls_trial_reaped(t, status);
	/* Once it is gone, this reads up to the end of the pipe. */
	read_some(t);
	if (t->pid == 0 && t->fd < 0)
		return true;
	if (sls_now_ms() < t->deadline)
		return false;
	t->timed_out = true;
	if (t->pid > 0) {
		kill(t->pid, SIGKILL);
		if (waitpid(t->pid, &status, 0) == t->pid)
			sls_trial_reaped(t, status);
		t->pid = 0;
	}
	read_some(t);
	if (t->fd >= 0) {
		close(t->fd);
		t->fd = -1;
	}
	return true;
}

/* Why a trial that did not pass failed, beyond its own messages. */
static void
failure(const sls_trial_t *t, const char *name, size_t nerr,
    sls_errlist_t *errs)
{
	int st = t->status, sig;

	if (t->timed_out) {
		sls_errlist_add(errs, "%s: checking the configuration took "
		    "more than %d s (a regular expression too costly to "
		    "compile?)", name, SLS_TRIAL_WALL_MS / 1000);
	} else if (WIFSIGNALED(st)) {
		sig = WTERMSIG(st);
		if (sig == SIGXCPU || sig == SIGKILL)
			sls_errlist_add(errs, "%s: checking the configuration "
			    "used more than %d s of CPU (a regular expression "
			    "too costly to compile?)", name, SLS_TRIAL_CPU_S);
		else
			sls_errlist_add(errs, "%s: checking the configuration "
			    "crashed (signal %d, %s; a regular expression too "
			    "complex to compile?)", name, sig, strsignal(sig));
	} else if (!WIFEXITED(st) || WEXITSTATUS(st) != 1 || nerr == 0) {
		sls_errlist_add(errs, "%s: checking the configuration failed "
		    "(exit status %d)", name,
		    WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	}
}

int
sls_trial_end(sls_trial_t *t, const char *name, sls_errlist_t *errs,
    sls_errlist_t *warns)
{
	const char *p, *end, *nul;
	size_t nerr = 0;
	int rc;

	p = t->out != NULL ? t->out : "";
	end = p + t->len;
	for (; p < end; p = nul + 1) {
		if ((nul = memchr(p, '\0', (size_t)(end - p))) == NULL)
			break;
		if (*p == 'E') {
			sls_errlist_add(errs, "%s", p + 1);
			nerr++;
		} else if (*p == 'W' && warns != NULL) {
			sls_errlist_add(warns, "%s", p + 1);
		}
	}
	rc = !t->timed_out && WIFEXITED(t->status) &&
	    WEXITSTATUS(t->status) == 0 ? 0 : -1;
	if (rc < 0)
		failure(t, name, nerr, errs);
	if (t->truncated && (rc < 0 || warns != NULL))
		sls_errlist_add(rc < 0 ? errs : warns, "%s: more messages "
		    "were dropped", name);
	free(t->out);
	memset(t, 0, sizeof(*t));
	t->fd = -1;
	return rc;
}

void
sls_trial_kill(sls_trial_t *t)
{
	if (t->pid > 0) {
		kill(t->pid, SIGKILL);
		waitpid(t->pid, NULL, 0);
	}
	if (t->fd >= 0)
		close(t->fd);
	free(t->out);
	memset(t, 0, sizeof(*t));
	t->fd = -1;
}

int
sls_trial_run(const char *text, const char *name, sls_errlist_t *errs,
    sls_errlist_t *warns)
{
	sls_trial_t t;
	struct pollfd p;

	if (sls_trial_start(&t, text, name, errs) < 0)
		return -1;
	while (!sls_trial_poll(&t)) {
		p.fd = t.fd;
		p.events = POLLIN;
		/* the pipe wakes us; its end comes just before the exit */
		poll(&p, t.fd >= 0 ? 1 : 0, t.fd >= 0 ? 100 : 5);
	}
	return sls_trial_end(&t, name, errs, warns);
}
