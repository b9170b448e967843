/*
 * bare: the ceiling for the slserver benchmarks. A UDP responder that
 * does the least a SIP responder can: recvmmsg a batch, build one reply
 * per request, sendmmsg the batch back.
 *
 * The reply is a fixed status line, then the request's Via, From, To,
 * Call-ID and CSeq lines copied as they are (found in one pass over the
 * header lines, long or compact names), a fixed ";tag=bare" added to To
 * when it has no tag, and "Content-Length: 0". That is enough for a UAC
 * (and loadgen) to match the reply and build its ACK. There is no parsing
 * beyond that, no checks, no rport/received, and the reply goes to the
 * datagram's source address, not to the Via. ACKs and replies get no
 * answer.
 *
 * Workers are forked processes: with one shared socket bound by the parent
 * (default) or, with -R, one SO_REUSEPORT socket each. SIGTERM or SIGINT
 * stops the parent, which stops its workers.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hostport.h"

#define BATCH		64
#define RX_CAP		65536
#define TX_CAP		4096	/* larger replies are not sent */
#define MAX_WORKERS	64
#define TO_TAG		";tag=bare"

struct opts {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	unsigned workers;
	bool reuseport;
	int rcvbuf;
	bool verbose;
	char status[64];	/* "SIP/2.0 404 Not Found\r\n" */
	size_t status_len;
};

static volatile sig_atomic_t stop;
static pid_t parent;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* SIGCHLD only has to end the parent's sigsuspend() */
static void
on_child(int sig)
{
	(void)sig;
}

static const char *
reason_of(int code)
{
	switch (code) {
	case 100: return "Trying";
	case 180: return "Ringing";
	case 200: return "OK";
	case 202: return "Accepted";
	case 302: return "Moved Temporarily";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 486: return "Busy Here";
	case 500: return "Server Internal Error";
	case 503: return "Service Unavailable";
	case 603: return "Decline";
	default: return "Reply";
	}
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: bare [-R] [-v] [-l ADDR:PORT] [-w WORKERS] [-c CODE] "
	    "[-b RCVBUF]\n"
	    "  -l  listen address (127.0.0.1:5060; [::1]:5060 for IPv6)\n"
	    "  -w  worker processes (1)\n"
	    "  -R  one SO_REUSEPORT socket per worker (default: one shared)\n"
	    "  -c  reply status code (404)\n"
	    "  -b  SO_RCVBUF bytes (system default)\n"
	    "  -v  print per-worker counts on exit\n");
}

static int
open_socket(const struct opts *o)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };
	int fd, one = 1;

	fd = socket(o->addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("bare: socket");
		return -1;
	}
	if (o->reuseport &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0) {
		perror("bare: setsockopt(SO_REUSEPORT)");
		goto fail;
	}
	if (o->rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &o->rcvbuf,
	    sizeof(o->rcvbuf)) < 0) {
		perror("bare: setsockopt(SO_RCVBUF)");
		goto fail;
	}
	/* a bounded wait, so a stop flag set just before recvmmsg is seen */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		perror("bare: setsockopt(SO_RCVTIMEO)");
		goto fail;
	}
	if (bind(fd, (const struct sockaddr *)&o->addr, o->addrlen) < 0) {
		perror("bare: bind");
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

static inline bool
is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* Is the line at p a header with this long name or compact letter? */
static inline bool
hdr_is(const char *p, const char *e, const char *name, size_t nlen,
    char compact)
{
	const char *q;

	if ((size_t)(e - p) > nlen && strncasecmp(p, name, nlen) == 0)
		q = p + nlen;
	else if (compact != 0 && e - p > 1 && (p[0] | 0x20) == compact)
		q = p + 1;
	else
		return false;
	while (q < e && is_ws(*q))
		q++;
	return q < e && *q == ':';
}

/* Does the To header [p, e) carry a tag parameter? */
static bool
has_tag(const char *p, const char *e)
{
	const char *q;

	for (q = p; q + 4 < e; q++)
		if (*q == ';' && strncasecmp(q + 1, "tag=", 4) == 0)
			return true;
	return false;
}

/*
 * Build the reply to the request in [req, req + len) into out; returns its
 * length, or 0 when nothing is to be sent (ACK, a reply, garbage, or too
 * large for out).
 */
static size_t
build_reply(const struct opts *o, const char *req, size_t len, char *out)
{
	const char *p, *nl, *end = req + len, *le;
	size_t n = o->status_len, l;
	bool copy, to;

	if (len < 16 || memcmp(req, "ACK ", 4) == 0 ||
	    memcmp(req, "SIP/", 4) == 0)
		return 0;
	memcpy(out, o->status, n);
	nl = memchr(req, '\n', len);
	while (nl != NULL && nl + 1 < end) {
		p = nl + 1;
		if (*p == '\r' || *p == '\n')
			break;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			return 0;	/* headers not terminated */
		copy = to = false;
		switch (*p | 0x20) {
		case 'v':
			copy = hdr_is(p, nl, "via", 3, 'v');
			break;
		case 'f':
			copy = hdr_is(p, nl, "from", 4, 'f');
			break;
		case 't':
			copy = to = hdr_is(p, nl, "to", 2, 't');
			break;
		case 'c':
			copy = hdr_is(p, nl, "call-id", 7, 0) ||
			    hdr_is(p, nl, "cseq", 4, 0);
			break;
		case 'i':
			copy = hdr_is(p, nl, "i", 1, 0);
			break;
		default:
			break;
		}
		if (!copy)
			continue;
		l = (size_t)(nl + 1 - p);
		if (n + l + sizeof(TO_TAG) + 32 > TX_CAP)
			return 0;
		if (to && !has_tag(p, nl)) {
			/* insert the tag before the line end */
			le = nl;
			if (le > p && le[-1] == '\r')
				le--;
			memcpy(out + n, p, (size_t)(le - p));
			n += (size_t)(le - p);
			memcpy(out + n, TO_TAG, sizeof(TO_TAG) - 1);
			n += sizeof(TO_TAG) - 1;
			memcpy(out + n, "\r\n", 2);
			n += 2;
		} else {
			memcpy(out + n, p, l);
			n += l;
		}
	}
	if (n + 21 > TX_CAP)
		return 0;
	memcpy(out + n, "Content-Length: 0\r\n\r\n", 21);
	return n + 21;
}

static int
worker(const struct opts *o, int fd, unsigned id)
{
	static struct mmsghdr rx[BATCH], tx[BATCH];
	static struct iovec rxiov[BATCH], txiov[BATCH];
	static struct sockaddr_storage name[BATCH];
	static char txbuf[BATCH][TX_CAP];
	unsigned long long nrx = 0, ntx = 0, nfail = 0;
	char *rxbuf;
	size_t l;
	int n, i, m, off, r;

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		return 0;
	if (fd < 0 && (fd = open_socket(o)) < 0)
		return 2;
	rxbuf = malloc((size_t)BATCH * RX_CAP);
	if (rxbuf == NULL) {
		perror("bare: malloc");
		return 2;
	}
	for (i = 0; i < BATCH; i++) {
		rxiov[i].iov_base = rxbuf + (size_t)i * RX_CAP;
		rxiov[i].iov_len = RX_CAP;
		tx[i].msg_hdr.msg_iov = &txiov[i];
		tx[i].msg_hdr.msg_iovlen = 1;
	}
	while (!stop) {
		for (i = 0; i < BATCH; i++) {
			rx[i].msg_hdr.msg_name = &name[i];
			rx[i].msg_hdr.msg_namelen = sizeof(name[i]);
			rx[i].msg_hdr.msg_iov = &rxiov[i];
			rx[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(fd, rx, BATCH, MSG_WAITFORONE, NULL);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN ||
			    errno == EWOULDBLOCK)
				continue;
			perror("bare: recvmmsg");
			return 1;
		}
		nrx += (unsigned)n;
		for (i = m = 0; i < n; i++) {
			l = build_reply(o, rxiov[i].iov_base, rx[i].msg_len,
			    txbuf[m]);
			if (l == 0)
				continue;
			txiov[m].iov_base = txbuf[m];
			txiov[m].iov_len = l;
			tx[m].msg_hdr.msg_name = &name[i];
			tx[m].msg_hdr.msg_namelen = rx[i].msg_hdr.msg_namelen;
			m++;
		}
		for (off = 0; off < m;) {
			r = sendmmsg(fd, tx + off, (unsigned)(m - off), 0);
			if (r > 0) {
				off += r;
				continue;
			}
			if (r < 0 && errno == EINTR)
				continue;
			nfail += (unsigned)(m - off);	/* drop the rest */
			break;
		}
		ntx += (unsigned)off;
	}
	if (o->verbose)
		fprintf(stderr, "bare: worker %u: received %llu, replied %llu, "
		    "send failures %llu\n", id, nrx, ntx, nfail);
	return 0;
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	unsigned long v;
	char *end;
	int c, code = 404;

	memset(o, 0, sizeof(*o));
	o->workers = 1;
	(void)parse_hostport("127.0.0.1:5060", &o->addr, &o->addrlen);
	while ((c = getopt(argc, argv, "Rvl:w:c:b:h")) != -1) {
		switch (c) {
		case 'R':
			o->reuseport = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'l':
			if (parse_hostport(optarg, &o->addr, &o->addrlen) < 0)
				goto bad;
			break;
		case 'w':
		case 'c':
		case 'b':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0')
				goto bad;
			if (c == 'w' && (v < 1 || v > MAX_WORKERS))
				goto bad;
			if (c == 'c' && (v < 100 || v > 699))
				goto bad;
			if (c == 'b' && v > (1u << 30))
				goto bad;
			if (c == 'w')
				o->workers = (unsigned)v;
			else if (c == 'c')
				code = (int)v;
			else
				o->rcvbuf = (int)v;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -1;
	}
	o->status_len = (size_t)snprintf(o->status, sizeof(o->status),
	    "SIP/2.0 %d %s\r\n", code, reason_of(code));
	return 0;
bad:
	fprintf(stderr, "bare: bad value for -%c: %s\n", c, optarg);
	return -1;
}

int
main(int argc, char **argv)
{
	pid_t pids[MAX_WORKERS];
	struct sigaction sa;
	struct opts o;
	sigset_t set, old;
	unsigned i, alive = 0;
	int fd = -1, status, rc = 0;
	pid_t pid;

	if (parse_opts(argc, argv, &o) < 0)
		return 2;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: wake recvmmsg */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* shared mode: bind once here so a bind error is the parent's */
	if (!o.reuseport && (fd = open_socket(&o)) < 0)
		return 1;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	parent = getpid();
	for (i = 0; i < o.workers; i++) {
		pid = fork();
		if (pid < 0) {
			perror("bare: fork");
			rc = 1;
			break;
		}
		if (pid == 0) {
			sigprocmask(SIG_SETMASK, &old, NULL);
			_exit(worker(&o, fd, i));
		}
		pids[alive++] = pid;
	}
	if (fd >= 0)
		close(fd);

	/* wait for a stop signal or the first worker to exit */
	sa.sa_handler = on_child;
	sigaction(SIGCHLD, &sa, NULL);
	while (rc == 0 && !stop) {
		sigsuspend(&old);
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			fprintf(stderr, "bare: worker %d exited (status %d)\n",
			    (int)pid, status);
			for (i = 0; i < alive; i++)
				if (pids[i] == pid)
					pids[i] = 0;	/* reaped */
			rc = 1;
		}
	}
	for (i = 0; i < alive; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	for (i = 0; i < alive; i++)
		if (pids[i] > 0)
			(void)waitpid(pids[i], NULL, 0);
	return rc;
}
