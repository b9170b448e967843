/*
 * slserverctl: send one command to slserver's admin FIFO and print the
 * reply.
 *
 * It makes a reply FIFO "slserverctl.PID.RANDOM" (mode 0600) in the
 * directory of the server's FIFO and opens its read end first, so the
 * server's non-blocking open for writing finds a reader. The request
 * ":COMMAND:slserverctl.PID.RANDOM\nARG\n...\n\n" goes in one write of at
 * most PIPE_BUF bytes, so requests of several clients never interleave.
 * The reply (status line, body lines) is read until the server closes it
 * and printed with its control characters escaped. The reply FIFO is
 * removed on every exit path, SIGINT/SIGTERM/SIGHUP included: those stay
 * blocked except while waiting in ppoll().
 *
 * That directory belongs to the service user, and root runs this too:
 * fifo_client.c opens nothing through a symlink, and makes the reply FIFO
 * so that no other user can pre-create, swap or write to it. Root never
 * hands its reply FIFO to another user: the supervisor, root itself,
 * writes it.
 *
 * Exit: 0 on a 2xx status, 1 on another status, 2 on timeout, no server,
 * bad usage or any local failure.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fifo_client.h"
#include "lib/chars.h"
#include "lib/clock.h"
#include "lib/paths.h"
#include "top.h"


#define DEFAULT_FIFO	SLS_RUNSTATEDIR "/slserver/slserver.fifo"
#define DEFAULT_TIMEOUT	5.0
#define MAX_REPLY	(64u << 20)	/* sanity bound on what we buffer */

#define EXIT_STATUS	1	/* the server answered with an error */
#define EXIT_FAIL	2	/* no answer, bad usage, local failure */

static volatile sig_atomic_t got_signal;
static char reply_path[PATH_MAX];
static struct stat reply_st;	/* the reply FIFO as made */
static bool reply_made;
static const char *timeout_hint = "";

static void
on_signal(int sig)
{
	got_signal = sig;
}

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: slserverctl [-s FIFO] [-T SECONDS] COMMAND [ARGS...]\n"
	    "  -s FIFO     the server's admin FIFO (default %s)\n"
	    "  -T SECONDS  how long to wait for the reply (default %g)\n"
	    "  -h          show this help\n"
	    "commands: ping, version, help, stats [GROUP|NAME], "
	    "stats prometheus,\n"
	    "  stats route, reload, workers, sigtable, blocked, unblock ADDR\n"
	    "  (\"slserverctl help\" asks the server for its full list)\n"
	    "live view: top [-n COUNT] [-d SECONDS], rates SECONDS\n",
	    DEFAULT_FIFO, DEFAULT_TIMEOUT);
}

static void
cleanup(void)
{
	if (reply_made) {
		sls_ctl_remove_reply(reply_path, &reply_st);
		reply_made = false;
	}
}

/* Clean up and exit; after a signal, die of it as the caller expects. */
static void __attribute__((noreturn))
finish(int code)
{
	cleanup();
	if (got_signal != 0) {
		sigset_t set;

		signal(got_signal, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, got_signal);
		raise(got_signal);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
	}
	exit(code);
}

static void __attribute__((noreturn, format(printf, 2, 3)))
fail(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("slserverctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	finish(code);
}

/*
 * Wait until fd has events or the deadline passes, with the signals
 * unblocked (mask) only meanwhile. 1 ready, 0 timeout; a signal ends the
 * program.
 */
static int
wait_fd(int fd, short events, int64_t deadline, const sigset_t *mask,
    short *revents)
{
	struct pollfd p;
	struct timespec ts;
	int64_t left;
	int n;

	for (;;) {
		left = deadline - (int64_t)sls_now_ms();
		if (left <= 0)
			return 0;
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (left % 1000) * 1000000;
		p.fd = fd;
		p.events = events;
		p.revents = 0;
		n = ppoll(&p, 1, &ts, mask);
		if (got_signal != 0)
			finish(EXIT_FAIL);
		if (n > 0) {
			*revents = p.revents;
			return 1;
		}
		if (n < 0 && errno != EINTR)
			fail(EXIT_FAIL, "poll: %s", strerror(errno));
	}
}

/* Request text must not break the framing: no control characters, and
   no tab either (stricter than the server). */
static bool
clean_text(const char *s)
{
	for (; *s != '\0'; s++)
		if (sls_is_ctl((unsigned char)*s) || *s == '\t')
			return false;
	return true;
}

/*
 * Let the server, running as another user, open our reply FIFO. Root
 * gives it to no one: the supervisor keeps root and writes it as such,
 * while a FIFO handed to the owner of the server FIFO (the service user)
 * would let that user write root a reply of its own.
 */
static void
hand_over(int fd, const struct stat *server)
{
	uid_t me = geteuid();

	if (me == 0 || server->st_uid == me || server->st_uid == 0)
		return;
	/* A member of the server FIFO's group: let that group write. */
	if (fchown(fd, (uid_t)-1, server->st_gid) < 0 ||
	    fchmod(fd, 0620) < 0)
		fprintf(stderr, "slserverctl: cannot give %s to group %ld: "
		    "%s; the server may not be able to answer\n",
		    reply_path, (long)server->st_gid, strerror(errno));
}

static int
make_reply_fifo(const char *dir)
{
	char err[PATH_MAX + 128];
	int fd;

	if (sls_ctl_check_dir(dir, geteuid() == 0, err, sizeof(err)) < 0)
		fail(EXIT_FAIL, "%s", err);
	fd = sls_ctl_make_reply(dir, reply_path, sizeof(reply_path),
	    &reply_st, err, sizeof(err));
	if (fd < 0)
		fail(EXIT_FAIL, "%s", err);
	reply_made = true;
	return fd;
}

/* Options; returns with *fifo and *timeout set, or exits. */
static void
parse_options(int argc, char **argv, const char **fifo, double *timeout)
{
	char *end;
	int c;

	while ((c = getopt(argc, argv, "+hs:T:")) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			exit(0);
		case 's':
			*fifo = optarg;
			break;
		case 'T':
			errno = 0;
			*timeout = strtod(optarg, &end);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    !isfinite(*timeout) || *timeout <= 0 ||
			    *timeout > 86400) {
				fprintf(stderr, "slserverctl: bad timeout "
				    "'%s'\n", optarg);
				exit(EXIT_FAIL);
			}
			break;
		default:
			usage(stderr);
			exit(EXIT_FAIL);
		}
	}
	if (optind >= argc) {
		usage(stderr);
		exit(EXIT_FAIL);
	}
}

/* The command and its arguments must fit the framing; exits if not. */
static void
check_words(int argc, char **argv)
{
	int i;

	if (argv[0][0] == '\0' || strchr(argv[0], ':') != NULL ||
	    !clean_text(argv[0])) {
		fprintf(stderr, "slserverctl: bad command name\n");
		exit(EXIT_FAIL);
	}
	for (i = 1; i < argc; i++)
		if (argv[i][0] == '\0' || !clean_text(argv[i])) {
			/* An empty line would end the request early. */
			fprintf(stderr, "slserverctl: bad argument '%s': "
			    "empty or with control characters\n", argv[i]);
			exit(EXIT_FAIL);
		}
}

/* The request, checked to fit one atomic write; returns its length. */
static size_t
build_request(char *req, size_t size, int argc, char **argv)
{
	size_t reqlen;
	int i, n;

	n = snprintf(req, size, ":%s:%s\n", argv[0],
	    strrchr(reply_path, '/') + 1);
	reqlen = n > 0 ? (size_t)n : size;
	for (i = 1; i < argc && reqlen < size; i++) {
		n = snprintf(req + reqlen, size - reqlen, "%s\n", argv[i]);
		reqlen += n > 0 ? (size_t)n : size;
	}
	if (reqlen + 1 > size)
		fail(EXIT_FAIL, "request longer than %d bytes", PIPE_BUF);
	req[reqlen++] = '\n';
	return reqlen;
}

/* Signals are only taken inside ppoll(), never mid-way. */
static void
block_signals(sigset_t *orig)
{
	struct sigaction sa;
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, orig);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Open the server's FIFO for writing; sst receives its owner. */
static int
open_server(const char *path, struct stat *sst)
{
	char err[PATH_MAX + 128];
	int sfd;

	sfd = sls_ctl_open_server(path, sst, err, sizeof(err));
	if (sfd < 0)
		fail(EXIT_FAIL, "%s", err);
	return sfd;
}

/* Write the request in one piece, waiting for room until the deadline. */
static void
send_request(int sfd, const char *fifo, const char *req, size_t reqlen,
    int64_t deadline, const sigset_t *orig)
{
	short rev;

	for (;;) {
		ssize_t w = write(sfd, req, reqlen);

		if (w == (ssize_t)reqlen)
			break;
		if (w >= 0)	/* cannot happen for <= PIPE_BUF */
			fail(EXIT_FAIL, "short write to %s", fifo);
		if (errno == EPIPE)
			fail(EXIT_FAIL, "no server at %s", fifo);
		if (errno != EAGAIN && errno != EINTR)
			fail(EXIT_FAIL, "write(%s): %s", fifo,
			    strerror(errno));
		if (errno == EAGAIN &&
		    wait_fd(sfd, POLLOUT, deadline, orig, &rev) == 0)
			fail(EXIT_FAIL, "timeout: the server does not read %s",
			    fifo);
	}
}

/* Read the whole reply (until the server closes) before the deadline. */
static char *
read_reply(int rfd, int64_t deadline, const sigset_t *orig, double timeout,
    size_t *lenp)
{
	char *data = NULL;
	size_t len = 0, cap = 0;
	short rev;

	for (;;) {
		ssize_t r;

		if (wait_fd(rfd, POLLIN, deadline, orig, &rev) == 0)
			fail(EXIT_FAIL, "timeout waiting for the reply "
			    "(%g s)%s", timeout, timeout_hint);
		if (len == cap) {
			char *p;

			if (cap >= MAX_REPLY)
				fail(EXIT_FAIL, "reply larger than %u bytes",
				    MAX_REPLY);
			cap = cap == 0 ? 4096 : cap * 2;
			if ((p = realloc(data, cap)) == NULL)
				fail(EXIT_FAIL, "out of memory");
			data = p;
		}
		r = read(rfd, data + len, cap - len);
		if (r > 0) {
			len += (size_t)r;
			continue;
		}
		if (r == 0) {
			/* EOF: the writer closed. Linux reports no HUP on a
			   FIFO that never had a writer, so this is the
			   server, done. */
			if (len > 0)
				break;
			fail(EXIT_FAIL, "empty reply from the server");
		}
		if (errno != EAGAIN && errno != EINTR)
			fail(EXIT_FAIL, "read(%s): %s", reply_path,
			    strerror(errno));
	}
	*lenp = len;
	return data;
}

/*
 * Print the body (and an error status on stderr), control characters
 * escaped: the text comes from a FIFO in a directory another user owns,
 * and must not drive the terminal. Returns the exit code.
 */
static int
print_reply(const char *data, size_t len)
{
	const char *end;
	size_t slen;
	int code;

	end = memchr(data, '\n', len);
	slen = end != NULL ? (size_t)(end - data) : len;
	if (slen < 3 || data[0] < '1' || data[0] > '5' || data[1] < '0' ||
	    data[1] > '9' || data[2] < '0' || data[2] > '9' ||
	    (slen > 3 && data[3] != ' '))
		fail(EXIT_FAIL, "malformed reply from the server");
	code = (data[0] - '0') * 100 + (data[1] - '0') * 10 + (data[2] - '0');
	if (code < 200 || code > 299) {
		sls_ctl_print(stderr, data, slen);
		fputc('\n', stderr);
	}
	if (end != NULL && sls_ctl_print(stdout, end + 1, len - slen - 1) < 0)
		fail(EXIT_FAIL, "writing the reply: %s", strerror(errno));
	if (fflush(stdout) != 0 || ferror(stdout))
		fail(EXIT_FAIL, "writing the reply: %s", strerror(errno));
	return code >= 200 && code <= 299 ? 0 : EXIT_STATUS;
}

int
main(int argc, char **argv)
{
	const char *fifo = DEFAULT_FIFO;
	double timeout = DEFAULT_TIMEOUT;
	char req[PIPE_BUF], *data, dir[PATH_MAX], srv[PATH_MAX];
	char err[PATH_MAX + 128];
	size_t reqlen, len;
	sigset_t orig;
	struct stat sst;
	int64_t deadline;
	int sfd, rfd, code;

	parse_options(argc, argv, &fifo, &timeout);
	/* top and rates run this program's stats and workers (top.c). */
	if (strcmp(argv[optind], "top") == 0 ||
	    strcmp(argv[optind], "rates") == 0)
		return sls_top_main(argc - optind, argv + optind, fifo,
		    timeout);
	check_words(argc - optind, argv + optind);
	if (sls_ctl_paths(fifo, dir, sizeof(dir), srv, sizeof(srv), err,
	    sizeof(err)) < 0)
		fail(EXIT_FAIL, "%s", err);

	block_signals(&orig);
	deadline = (int64_t)sls_now_ms() + (int64_t)(timeout * 1000);
	sfd = open_server(srv, &sst);
	if (geteuid() == 0 && sst.st_uid != 0)
		timeout_hint = "; a server that does not run as root cannot "
		    "answer root: then run slserverctl as the owner of the "
		    "FIFO";
	rfd = make_reply_fifo(dir);
	hand_over(rfd, &sst);
	reqlen = build_request(req, sizeof(req), argc - optind,
	    argv + optind);
	send_request(sfd, fifo, req, reqlen, deadline, &orig);
	close(sfd);

	data = read_reply(rfd, deadline, &orig, timeout, &len);
	close(rfd);
	cleanup();
	code = print_reply(data, len);
	free(data);
	return code;
}
