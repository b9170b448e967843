/*
 * slserverctl top and rates (see top.h). A snapshot is the output of
 * "slserverctl stats" and "slserverctl workers", run as child processes
 * of this very program (/proc/self/exe), so that the FIFO client is the
 * one slserverctl has; a rate is the difference of two snapshots over
 * the time between them.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/num.h"
#include "top.h"

#define EXIT_FAIL	2
#define ROUTE_W		30	/* the route column on the screen */

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* ---- parsing ---------------------------------------------------------- */

static int
add_stat(sls_top_snap_t *s, const char *name, size_t len, uint64_t v)
{
	sls_top_stat_t *p;

	p = realloc(s->stat, (s->nstat + 1) * sizeof(*p));
	if (p == NULL)
		return -1;
	s->stat = p;
	if ((p[s->nstat].name = strndup(name, len)) == NULL)
		return -1;
	p[s->nstat++].v = v;
	return 0;
}

int
sls_top_parse_stats(sls_top_snap_t *s, const char *text)
{
	const char *line, *end, *eq;
	uint64_t v;

	for (line = text; *line != '\0'; line = *end ? end + 1 : end) {
		end = line + strcspn(line, "\n");
		/* The last " = " of the line: a route name may hold one. */
		for (eq = NULL; ; ) {
			const char *e = strstr(eq != NULL ? eq + 1 : line,
			    " = ");

			if (e == NULL || e >= end)
				break;
			eq = e;
		}
		if (eq == NULL || eq == line ||
		    !sls_parse_uint(eq + 3, end, UINT64_MAX, &v))
			continue;
		if (add_stat(s, line, (size_t)(eq - line), v) < 0)
			return -1;
	}
	return 0;
}

int
sls_top_parse_workers(sls_top_snap_t *s, const char *text)
{
	const char *line, *end;
	sls_top_worker_t w, *p;
	char buf[256];

	for (line = text; *line != '\0'; line = *end ? end + 1 : end) {
		end = line + strcspn(line, "\n");
		if ((size_t)(end - line) >= sizeof(buf))
			continue;
		memcpy(buf, line, (size_t)(end - line));
		buf[end - line] = '\0';
		memset(&w, 0, sizeof(w));
		/* Older servers list no counters: they read as 0. */
		if (sscanf(buf, "%u %u %ld %u %15s %*u %" SCNu64 " %" SCNu64,
		    &w.slot, &w.number, &w.pid, &w.generation, w.state,
		    &w.requests, &w.replies) < 5)
			continue;	/* the header */
		if ((p = realloc(s->w, (s->nw + 1) * sizeof(*p))) == NULL)
			return -1;
		s->w = p;
		s->w[s->nw++] = w;
	}
	return 0;
}

static const sls_top_stat_t *
find(const sls_top_snap_t *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nstat; i++)
		if (strcmp(s->stat[i].name, name) == 0)
			return &s->stat[i];
	return NULL;
}

uint64_t
sls_top_value(const sls_top_snap_t *s, const char *name)
{
	const sls_top_stat_t *st = find(s, name);

	return st != NULL ? st->v : 0;
}

static double
seconds(const sls_top_snap_t *a, const sls_top_snap_t *b)
{
	return b->at_ms > a->at_ms ? (double)(b->at_ms - a->at_ms) / 1000.0 :
	    0.001;
}

/* A counter that went down was restarted (a route new under an old
   name): it counts from zero. */
static double
delta_rate(uint64_t from, uint64_t to, double secs)
{
	return (double)(to >= from ? to - from : to) / secs;
}

double
sls_top_rate(const sls_top_snap_t *a, const sls_top_snap_t *b,
    const char *name)
{
	return delta_rate(sls_top_value(a, name), sls_top_value(b, name),
	    seconds(a, b));
}

void
sls_top_snap_free(sls_top_snap_t *s)
{
	size_t i;

	for (i = 0; i < s->nstat; i++)
		free(s->stat[i].name);
	free(s->stat);
	free(s->w);
	memset(s, 0, sizeof(*s));
}

/* ---- what the rates are made of -------------------------------------- */

/* "sl:4xx_replies", "sl:404_replies": the reply class ('1'..'6'), or 0. */
static char
reply_class(const char *name)
{
	size_t n = strlen(name);

	if (strncmp(name, "sl:", 3) != 0 || n < 12 ||
	    strcmp(name + n - 8, "_replies") != 0 || name[3] < '1' ||
	    name[3] > '6')
		return 0;
	return name[3];
}

/* Whether name is KIND:ROUTE:WHAT of a route counter; what's offset. */
static bool
route_stat(const char *name, size_t *what)
{
	const char *last = strrchr(name, ':');

	if ((strncmp(name, "route:", 6) != 0 &&
	    strncmp(name, "onreply_route:", 14) != 0) || last == NULL ||
	    last == strchr(name, ':'))
		return false;
	*what = (size_t)(last + 1 - name);
	return true;
}

/* Sum of the rates of the counters of b that pick() accepts. */
static double
sum_rates(const sls_top_snap_t *a, const sls_top_snap_t *b,
    bool (*pick)(const char *, const void *), const void *arg)
{
	double r = 0;
	size_t i;

	for (i = 0; i < b->nstat; i++)
		if (pick(b->stat[i].name, arg))
			r += sls_top_rate(a, b, b->stat[i].name);
	return r;
}

static bool
in_class(const char *name, const void *arg)
{
	return reply_class(name) == *(const char *)arg;
}

/* route:*:forwarded (requests forwarded; not onreply_route's). */
static bool
is_forward(const char *name, const void *arg)
{
	size_t w;

	(void)arg;
	return strncmp(name, "route:", 6) == 0 && route_stat(name, &w) &&
	    strcmp(name + w, "forwarded") == 0;
}

/* The totals: a name, and the one counter it is the rate of (NULL: a
   sum computed by total()). */
static const struct {
	const char *key, *label, *stat;
} totals[] = {
	{ "requests", "requests", "core:rcv_requests" },
	{ "replies", "replies", "sl:sent_replies" },
	{ "replies_1xx", "1xx", NULL },
	{ "replies_2xx", "2xx", NULL },
	{ "replies_3xx", "3xx", NULL },
	{ "replies_4xx", "4xx", NULL },
	{ "replies_5xx", "5xx", NULL },
	{ "replies_6xx", "6xx", NULL },
	{ "drops", "drops", "core:drop_requests" },
	{ "acks_absorbed", "ACKs absorbed", "sl:received_ACKs" },
	{ "forwards", "forwards", NULL },
	{ "errors", "errors", "core:err_requests" },
	{ "failures", "failures", "sl:failures" },
};
#define NTOTALS	(sizeof(totals) / sizeof(totals[0]))

static double
total(const sls_top_snap_t *a, const sls_top_snap_t *b, size_t i)
{
	char c;

	if (totals[i].stat != NULL)
		return sls_top_rate(a, b, totals[i].stat);
	if (strncmp(totals[i].key, "replies_", 8) == 0) {
		c = totals[i].key[8];
		return sum_rates(a, b, in_class, &c);
	}
	return sum_rates(a, b, is_forward, NULL);
}

/* Rates of the worker numbers running in b, summed over their slots
   (during a reload two generations share a number). */
static void
worker_rates(const sls_top_snap_t *a, const sls_top_snap_t *b,
    const sls_top_worker_t *w, double *req, double *rep)
{
	size_t i, j;

	*req = *rep = 0;
	for (i = 0; i < b->nw; i++) {
		const sls_top_worker_t *x = &b->w[i];
		uint64_t r0 = 0, p0 = 0;

		if (x->number != w->number || strcmp(x->state, "free") == 0)
			continue;
		for (j = 0; j < a->nw; j++)
			if (a->w[j].slot == x->slot) {
				r0 = a->w[j].requests;
				p0 = a->w[j].replies;
			}
		*req += delta_rate(r0, x->requests, seconds(a, b));
		*rep += delta_rate(p0, x->replies, seconds(a, b));
	}
}

/* Whether b lists an earlier row of the same worker number. */
static bool
seen_number(const sls_top_snap_t *b, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (b->w[j].number == b->w[i].number)
			return true;
	return false;
}

/* ---- the two outputs -------------------------------------------------- */

static void
print_rates(const sls_top_snap_t *a, const sls_top_snap_t *b)
{
	double req, rep;
	size_t i, w;

	printf("seconds %.2f\n", seconds(a, b));
	for (i = 0; i < NTOTALS; i++)
		printf("%s %.2f\n", totals[i].key, total(a, b, i));
	for (i = 0; i < b->nstat; i++)
		if (route_stat(b->stat[i].name, &w))
			printf("%s %.2f\n", b->stat[i].name,
			    sls_top_rate(a, b, b->stat[i].name));
	for (i = 0; i < b->nw; i++) {
		if (seen_number(b, i))
			continue;
		worker_rates(a, b, &b->w[i], &req, &rep);
		printf("worker:%u:requests %.2f\n", b->w[i].number, req);
		printf("worker:%u:replies %.2f\n", b->w[i].number, rep);
	}
}

/* One route's row: its four rates, found by name. */
static void
print_route_row(const sls_top_snap_t *a, const sls_top_snap_t *b,
    const char *name, size_t what)
{
	static const char *const col[] = { "matched", "replied", "dropped",
	    "forwarded" };
	char key[512];
	size_t i, n = what - 1;

	printf("%-*.*s", ROUTE_W, (int)(n < ROUTE_W ? n : ROUTE_W), name);
	for (i = 0; i < 4; i++) {
		snprintf(key, sizeof(key), "%.*s:%s", (int)n, name, col[i]);
		printf(" %10.1f", sls_top_rate(a, b, key));
	}
	printf("\n");
}

/* The totals on the screen, by row: indexes into totals[]. */
static const int screen_rows[][7] = {
	{ 0, 1, 8, -1 },		/* requests, replies, drops */
	{ 2, 3, 4, 5, 6, 7, -1 },	/* replies by class */
	{ 9, 10, 11, -1 },		/* ACKs absorbed, forwards, errors */
	{ 12, -1 },			/* failures */
};

static void
print_totals(const sls_top_snap_t *a, const sls_top_snap_t *b)
{
	size_t r, i;
	int t;

	for (r = 0; r < sizeof(screen_rows) / sizeof(screen_rows[0]); r++) {
		if (r == 1)
			printf("replies by class:");
		for (i = 0; (t = screen_rows[r][i]) >= 0; i++) {
			if (r == 1)
				printf(" %s %.1f", totals[t].label,
				    total(a, b, (size_t)t));
			else
				printf("%s%-13s %9.1f", i > 0 ? "   " : "",
				    totals[t].label, total(a, b, (size_t)t));
		}
		printf("\n");
	}
}

static void
print_screen(const sls_top_snap_t *a, const sls_top_snap_t *b, bool tty)
{
	double req, rep;
	size_t i, w;

	if (tty)
		printf("\033[H\033[2J");
	printf("slserver: rates per second over %.1f s (Ctrl-C quits)\n\n",
	    seconds(a, b));
	print_totals(a, b);
	printf("\n%-*s %10s %10s %10s %10s\n", ROUTE_W, "ROUTE",
	    "MATCHED", "REPLIED", "DROPPED", "FORWARDED");
	for (i = 0; i < b->nstat; i++)
		if (route_stat(b->stat[i].name, &w) &&
		    strcmp(b->stat[i].name + w, "matched") == 0)
			print_route_row(a, b, b->stat[i].name, w);
	printf("\n%-8s %5s %8s %10s %10s\n", "WORKER", "GEN", "PID",
	    "REQUESTS", "REPLIES");
	for (i = 0; i < b->nw; i++) {
		if (strcmp(b->w[i].state, "running") != 0 ||
		    seen_number(b, i))
			continue;
		worker_rates(a, b, &b->w[i], &req, &rep);
		printf("%-8u %5u %8ld %10.1f %10.1f\n", b->w[i].number,
		    b->w[i].generation, b->w[i].pid, req, rep);
	}
	fflush(stdout);
}

/* ---- snapshots through slserverctl ------------------------------------ */

typedef struct ctl {
	const char *fifo;
	char timeout[32];
} ctl_t;

/* Read fd to its end into out (NUL-terminated); -1 if out of memory. */
static int
read_all(int fd, sls_buf_t *out)
{
	char chunk[4096];
	ssize_t n;

	sls_buf_append(out, "", 0);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n > 0)
			sls_buf_append(out, chunk, (size_t)n);
		else if (n == 0 || errno != EINTR)
			break;
	}
	return out->failed ? -1 : 0;
}

/*
 * Run "slserverctl -s FIFO -T SECONDS cmd" and take its standard output
 * into out; its errors go to our standard error. Returns its exit code.
 */
static int
run_ctl(const ctl_t *c, const char *cmd, sls_buf_t *out)
{
	char *const argv[] = { "slserverctl", "-s", (char *)c->fifo, "-T",
	    (char *)c->timeout, (char *)cmd, NULL };
	int p[2], status, rc;
	pid_t pid;

	if (pipe(p) < 0) {
		perror("slserverctl: pipe");
		return EXIT_FAIL;
	}
	if ((pid = fork()) < 0) {
		perror("slserverctl: fork");
		close(p[0]);
		close(p[1]);
		return EXIT_FAIL;
	}
	if (pid == 0) {
		close(p[0]);
		if (dup2(p[1], STDOUT_FILENO) < 0)
			_exit(EXIT_FAIL);
		close(p[1]);
		execv("/proc/self/exe", argv);
		perror("slserverctl: exec /proc/self/exe");
		_exit(EXIT_FAIL);
	}
	close(p[1]);
	rc = read_all(p[0], out);
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return EXIT_FAIL;
	if (rc < 0) {
		fprintf(stderr, "slserverctl: out of memory\n");
		return EXIT_FAIL;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_FAIL;
}

/* Counters and workers now; 0, or the exit code of what failed. */
static int
snapshot(const ctl_t *c, sls_top_snap_t *s)
{
	sls_buf_t out;
	int rc;

	memset(s, 0, sizeof(*s));
	memset(&out, 0, sizeof(out));
	if ((rc = run_ctl(c, "stats", &out)) != 0)
		goto done;
	s->at_ms = sls_now_ms();
	if (sls_top_parse_stats(s, out.data) < 0)
		goto oom;
	sls_buf_reset(&out);
	if ((rc = run_ctl(c, "workers", &out)) != 0)
		goto done;
	if (sls_top_parse_workers(s, out.data) < 0)
		goto oom;
	goto done;
oom:
	fprintf(stderr, "slserverctl: out of memory\n");
	rc = EXIT_FAIL;
done:
	sls_buf_free(&out);
	if (rc != 0)
		sls_top_snap_free(s);
	return rc;
}

/* Sleep ms, or less if interrupted. */
static void
pause_ms(double ms)
{
	struct timespec ts = { (time_t)(ms / 1000),
	    (long)fmod(ms, 1000) * 1000000L };

	if (!interrupted)
		nanosleep(&ts, NULL);
}

/* ---- the commands ----------------------------------------------------- */

static int
usage(void)
{
	fprintf(stderr, "usage: slserverctl [-s FIFO] [-T SECONDS] top "
	    "[-n COUNT] [-d SECONDS]\n"
	    "       slserverctl [-s FIFO] [-T SECONDS] rates SECONDS\n");
	return EXIT_FAIL;
}

/* A number of seconds in 0.1..86400; false if it is not one. */
static bool
parse_seconds(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno == 0 && end != s && *end == '\0' && isfinite(*out) &&
	    *out >= 0.1 && *out <= 86400;
}

/* top's options: -n COUNT (0: until interrupted), -d SECONDS. */
static bool
top_options(int argc, char **argv, uint64_t *count, double *delay)
{
	int i;

	for (i = 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			return false;
		if (strcmp(argv[i], "-n") == 0) {
			if (!sls_parse_uint(argv[i + 1], argv[i + 1] +
			    strlen(argv[i + 1]), UINT32_MAX, count))
				return false;
		} else if (strcmp(argv[i], "-d") == 0) {
			if (!parse_seconds(argv[i + 1], delay))
				return false;
		} else {
			return false;
		}
	}
	return true;
}

/* Samples every delay seconds, count times (0: until interrupted). */
static int
run(const ctl_t *c, bool screen, uint64_t count, double delay)
{
	sls_top_snap_t a, b;
	bool tty = screen && isatty(STDOUT_FILENO);
	uint64_t n;
	int rc;

	if ((rc = snapshot(c, &a)) != 0)
		return rc;
	for (n = 0; count == 0 || n < count; n++) {
		pause_ms(delay * 1000);
		if (interrupted)
			break;
		if ((rc = snapshot(c, &b)) != 0)
			break;
		if (screen)
			print_screen(&a, &b, tty);
		else
			print_rates(&a, &b);
		sls_top_snap_free(&a);
		a = b;
	}
	sls_top_snap_free(&a);
	/* Interrupting top is how it ends; rates then has no sample. */
	if (interrupted)
		rc = screen ? 0 : EXIT_FAIL;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("slserverctl: writing");
		rc = EXIT_FAIL;
	}
	return rc;
}

int
sls_top_main(int argc, char **argv, const char *fifo, double timeout)
{
	struct sigaction sa;
	uint64_t count = 0;
	double delay = 1;
	bool screen = strcmp(argv[0], "top") == 0;
	ctl_t c;

	if (screen ? !top_options(argc, argv, &count, &delay) :
	    argc != 2 || !parse_seconds(argv[1], &delay))
		return usage();
	c.fifo = fifo;
	snprintf(c.timeout, sizeof(c.timeout), "%g", timeout);
	/* Interrupted: the sample under way ends, then the command. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	return run(&c, screen, screen ? count : 1, delay);
}
