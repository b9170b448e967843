/*
 * The worker loop: batches of datagrams in with recvmmsg, replies out
 * with sendmmsg, everything between done by sls_handle(). The buffers are
 * allocated once at start; nothing is allocated per datagram.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <stdbool.h>
#include <unistd.h>

#include "core/pipeline.h"
#include "core/tm.h"
#include "daemon.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "seccomp.h"
#include "timer.h"
#include "worker.h"

/*
 * Private memory is bounded (doc/slserver.8, RESOURCES): a batch holds
 * as many datagrams of max_message bytes, with their request contexts,
 * as fit in RX_BUDGET (at most BATCH), and replies are written one after
 * the other into TX_ARENA, which is sent and reused whenever less than
 * REPLY_CAP is left.
 */
#define BATCH		32
#define RX_BUDGET	(1024 * 1024)
#define TX_ARENA	(256 * 1024)
#define REPLY_CAP	65535
#define CMSG_CAP	SLS_WORKER_CMSG_CAP
#define SEND_WAIT_MS	100
#define BEAT_MS		100	/* heartbeat written when this much older */
#define IDLE_WAIT_S	1	/* an idle worker beats this often */

static volatile sig_atomic_t stop_now;	/* SIGTERM: exit at once */
static volatile sig_atomic_t retire;	/* SIGQUIT: finish the batch, exit */
/* SIGTERM and SIGQUIT stay blocked but inside ppoll(), which lets them
   in with this mask: one that arrives while a batch is served is
   pending, and the next ppoll() returns at once. */
static sigset_t unblocked;

static void
on_signal(int sig)
{
	if (sig == SIGQUIT)
		retire = 1;
	else
		stop_now = 1;
}

/*
 * The seccomp test hook (SLS_TEST_FORBIDDEN_CALL in the supervisor's
 * environment): a datagram that starts with FORBIDDEN_REQ makes the
 * worker open a file, which its filter forbids, so the kernel kills it.
 */
#define FORBIDDEN_REQ	"SLS-TEST-FORBIDDEN-CALL"
static bool test_forbidden;

static void
forbidden_call(const char *pkt, size_t len)
{
	size_t n = sizeof(FORBIDDEN_REQ) - 1;
	int fd;

	if (len < n || memcmp(pkt, FORBIDDEN_REQ, n) != 0)
		return;
	fd = open("/", O_RDONLY | O_CLOEXEC);
	/* Not reached under the filter. */
	sls_log(LOG_ERR, "test hook: open(\"/\") was allowed (fd %d)", fd);
	if (fd >= 0)
		close(fd);
}

/* Everything a worker needs per batch, allocated once. */
typedef struct batch {
	struct mmsghdr rx[BATCH];
	struct iovec rxiov[BATCH];
	char rxctl[BATCH][CMSG_CAP];
	char *rxbuf;		/* n * bufsize */
	size_t bufsize;
	unsigned n;		/* datagrams per batch, <= BATCH */

	struct mmsghdr tx[BATCH];
	struct iovec txiov[BATCH];
	char txctl[BATCH][CMSG_CAP];
	char *txbuf;		/* TX_ARENA, replies one after the other */
	size_t txused;

	sls_req_t *req;		/* n requests */
	sls_out_t out[BATCH];
	unsigned txreq[BATCH];	/* which request each tx entry answers */
} batch_t;

/*
 * The signals of a worker or of the timer process: SIGTERM and SIGQUIT
 * call on and stay blocked but inside ppoll() (so none is missed between
 * a flag check and the wait); Ctrl-C, SIGHUP and SIGPIPE are ignored,
 * since the supervisor decides. *unblocked is the mask for ppoll().
 */
int
sls_child_signals(void (*on)(int), sigset_t *unblocked_set)
{
	struct sigaction sa;
	sigset_t stop;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on;	/* no SA_RESTART: wake blocking calls */
	sigemptyset(&sa.sa_mask);
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
	sigemptyset(unblocked_set);
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGQUIT);
	return sigprocmask(SIG_SETMASK, &stop, NULL);
}

static int
batch_init(batch_t *b, size_t bufsize)
{
	unsigned i;

	memset(b, 0, sizeof(*b));
	b->bufsize = bufsize;
	b->n = RX_BUDGET / (bufsize + sizeof(sls_req_t));
	if (b->n > BATCH)
		b->n = BATCH;
	if (b->n == 0)
		b->n = 1;
	b->rxbuf = malloc(b->n * bufsize);
	b->txbuf = malloc(TX_ARENA);
	b->req = calloc(b->n, sizeof(*b->req));
	if (b->rxbuf == NULL || b->txbuf == NULL || b->req == NULL)
		return -1;
	for (i = 0; i < b->n; i++) {
		b->rxiov[i].iov_base = b->rxbuf + i * bufsize;
		b->rxiov[i].iov_len = bufsize;
	}
	return 0;
}

/* The local address a datagram arrived on: pktinfo on wildcard sockets. */
static void
local_address(const sls_wsock_t *s, struct msghdr *mh,
    struct sockaddr_storage *local)
{
	struct cmsghdr *c;

	*local = s->local;
	if (!s->listen->wildcard)
		return;
	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			((struct sockaddr_in *)local)->sin_addr = pi.ipi_addr;
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			((struct sockaddr_in6 *)local)->sin6_addr =
			    pi.ipi6_addr;
		}
	}
}

/* Make the reply leave from the address the request came in on. */
void
sls_worker_source_address(const sls_wsock_t *s,
    const struct sockaddr_storage *local, struct msghdr *mh, char *ctl)
{
	struct cmsghdr *c;

	mh->msg_control = NULL;
	mh->msg_controllen = 0;
	if (!s->listen->wildcard)
		return;
	memset(ctl, 0, CMSG_CAP);
	mh->msg_control = ctl;
	mh->msg_controllen = CMSG_CAP;
	c = CMSG_FIRSTHDR(mh);
	if (local->ss_family == AF_INET) {
		struct in_pktinfo pi;

		memset(&pi, 0, sizeof(pi));
		pi.ipi_spec_dst = ((const struct sockaddr_in *)local)->sin_addr;
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		mh->msg_controllen = CMSG_SPACE(sizeof(pi));
	} else {
		struct in6_pktinfo pi;

		memset(&pi, 0, sizeof(pi));
		pi.ipi6_addr = ((const struct sockaddr_in6 *)local)->sin6_addr;
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		mh->msg_controllen = CMSG_SPACE(sizeof(pi));
	}
}

/* Send n queued replies; a full socket buffer is waited for briefly. */
static void
send_all(const sls_handler_t *h, const sls_wsock_t *s, batch_t *b,
    unsigned n)
{
	unsigned done = 0;
	int r;

	while (done < n) {
		if (stop_now)
			break;
		r = sendmmsg(s->fd, b->tx + done, n - done, 0);
		if (r > 0) {
			unsigned i;

			for (i = done; i < done + (unsigned)r; i++)
				sls_handle_sent(h, &b->req[b->txreq[i]],
				    &b->out[b->txreq[i]], true);
			done += (unsigned)r;
			continue;
		}
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd p = { .fd = s->fd, .events = POLLOUT };
			struct timespec ts = { 0, SEND_WAIT_MS * 1000000L };

			/* A signal: the loop looks at stop_now. */
			r = ppoll(&p, 1, &ts, &unblocked);
			if (r > 0 || (r < 0 && errno == EINTR))
				continue;
		} else if (r < 0 && errno == EINTR && !stop_now) {
			continue;
		}
		/* This reply cannot go; count it and go on with the rest. */
		sls_handle_sent(h, &b->req[b->txreq[done]],
		    &b->out[b->txreq[done]], false);
		done++;
	}
	/* Told to stop at once: what is left is not sent. */
	for (; done < n; done++)
		sls_handle_sent(h, &b->req[b->txreq[done]],
		    &b->out[b->txreq[done]], false);
}

/* One recvmmsg batch from s; returns datagrams read (0: none waiting). */
static int
serve_batch(const sls_handler_t *h, const sls_wsock_t *s, batch_t *b)
{
	unsigned i, ntx = 0;
	int n;

	for (i = 0; i < b->n; i++) {
		struct msghdr *mh = &b->rx[i].msg_hdr;

		/* the source address lands in the request, not copied */
		mh->msg_name = &b->req[i].src;
		mh->msg_namelen = sizeof(b->req[i].src);
		mh->msg_iov = &b->rxiov[i];
		mh->msg_iovlen = 1;
		mh->msg_control = s->listen->wildcard ? b->rxctl[i] : NULL;
		mh->msg_controllen = s->listen->wildcard ? CMSG_CAP : 0;
		mh->msg_flags = 0;
	}
	n = recvmmsg(s->fd, b->rx, b->n, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return 0;
	b->txused = 0;

	for (i = 0; i < (unsigned)n; i++) {
		struct msghdr *mh = &b->rx[i].msg_hdr;
		sls_req_t *req = &b->req[i];
		sls_out_t *out = &b->out[i];
		size_t len = b->rx[i].msg_len;

		if ((mh->msg_flags & MSG_TRUNC) ||
		    len > h->conf->max_message) {
			sls_stat_inc(h->stats, SLS_ST_OVERSIZE);
			continue;
		}
		if (test_forbidden)
			forbidden_call(b->rxiov[i].iov_base, len);
		local_address(s, mh, &req->local);
		/* The reply arena is full: send what it holds, reuse it. */
		if (TX_ARENA - b->txused < REPLY_CAP) {
			send_all(h, s, b, ntx);
			ntx = 0;
			b->txused = 0;
		}
		out->buf = b->txbuf + b->txused;
		out->cap = REPLY_CAP;
		if (!sls_handle(h, req, b->rxiov[i].iov_base, len, out))
			continue;
		b->txused += out->len;

		mh = &b->tx[ntx].msg_hdr;
		b->txiov[ntx].iov_base = out->buf;
		b->txiov[ntx].iov_len = out->len;
		mh->msg_name = &out->dst;
		mh->msg_namelen = out->dstlen;
		mh->msg_iov = &b->txiov[ntx];
		mh->msg_iovlen = 1;
		mh->msg_flags = 0;
		sls_worker_source_address(s, &req->local, mh, b->txctl[ntx]);
		b->txreq[ntx++] = i;
	}
	if (ntx > 0)
		send_all(h, s, b, ntx);
	return n;
}

/* The eventfd that wakes the timer process (tm: a transaction is due
   before it would wake by itself). */
static int tm_wake_fd = -1;

static void
tm_wake(void *arg)
{
	uint64_t one = 1;

	(void)arg;
	if (tm_wake_fd >= 0 && write(tm_wake_fd, &one, sizeof(one)) < 0)
		return;		/* full counter or gone: it is awake anyway */
}

/*
 * The fault hooks of the tests (SLS_TEST_FAIL_GENERATION and
 * SLS_TEST_RESPAWN_FAIL, read by the supervisor): fail as an init
 * failure does, never report ready, or die at once.
 */
static int
test_fault(const sls_worker_args_t *a)
{
	if (a->test_fault == SLS_FAULT_EXIT) {
		sls_log(LOG_NOTICE, "test hook: generation %u fails to start",
		    a->generation);
		return -1;
	}
	if (a->test_fault == SLS_FAULT_DIE) {
		/* a death the supervisor respawns, unlike an init failure */
		sls_log(LOG_NOTICE, "test hook: this respawned worker dies "
		    "at start");
		exit(1);
	}
	if (a->test_fault == SLS_FAULT_HANG) {
		sls_log(LOG_NOTICE, "test hook: generation %u never reports "
		    "ready", a->generation);
		while (!stop_now && !retire)
			sigsuspend(&unblocked);
		return -1;
	}
	return 0;
}

/* Everything before the worker may serve; -1 (logged) if it cannot. */
static int
worker_init(const sls_worker_args_t *a, sls_handler_t *h, batch_t *b)
{
	/* Nothing that handles a datagram runs as root. First: a change of
	   credentials clears the parent-death signal. */
	if (sls_privs_drop(a->privs) < 0)
		return -1;
	/* Do not outlive the supervisor. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 ||
	    getppid() != a->supervisor) {
		sls_warnx("supervisor gone before start");
		return -1;
	}
	if (sls_child_signals(on_signal, &unblocked) < 0) {
		sls_warn("sigaction");
		return -1;
	}
	if (batch_init(b, a->conf->max_message + 1) < 0) {
		sls_warn("allocating worker buffers");
		return -1;
	}
	h->conf = a->conf;
	h->stats = &a->shm->stats[a->slot];
	h->sigtable = a->shm->sigtable;
	h->srctable = a->shm->srctable;		/* limits (SPEC 9) */
	h->tagkey = a->tagkey;
	h->tablekey = a->tablekey;
	h->routes = sls_routestats_block(a->shm->routestats, a->slot);
	h->tm = a->shm->tm;
	h->sock = 0;
	/* tm: no page fault on the table in the packet path */
	if (sls_tm_wanted(a->conf))
		sls_timer_prefault(a->shm);
	tm_wake_fd = a->tm_wake_fd;
	h->tm_wake = tm_wake;
	h->tm_wake_arg = NULL;
	return test_fault(a);
}

int
sls_worker_run(const sls_worker_args_t *a)
{
	sls_worker_status_t *st = &a->shm->status[a->slot];
	struct timespec zero = { 0, 0 }, idle = { IDLE_WAIT_S, 0 };
	struct pollfd pfd[a->nsocks];
	uint64_t beat, now;
	static batch_t b;
	sls_handler_t h;
	char prefix[32];
	size_t i;

	snprintf(prefix, sizeof(prefix), "worker %u: ", a->number);
	sls_log_set_prefix(prefix);
	setproctitle("worker %u gen %u", a->number, a->generation);
	if (worker_init(a, &h, &b) < 0)
		return stop_now || retire ? SLS_WORKER_EXIT_OK :
		    SLS_WORKER_EXIT_INIT;
	for (i = 0; i < a->nsocks; i++) {
		pfd[i].fd = a->socks[i].fd;
		pfd[i].events = POLLIN;
	}

	/* A daemon's caller must not wait for our stdout, nor see our log
	   once the server is ready: until here errors reached it too. */
	if (a->detach) {
		sls_daemon_detach_stdio();
		sls_log_set_startup(false);
	}
	/* Last: from here on only the packet loop's system calls. */
	tzset();	/* syslog's timestamps: read the zone file now */
	if (sls_seccomp_worker(a->tm_wake_fd) < 0)
		return SLS_WORKER_EXIT_INIT;
	test_forbidden = a->test_forbidden;
	beat = sls_now_ms();
	atomic_store(&st->heartbeat, beat);
	atomic_store(&st->pid, (int32_t)getpid());
	atomic_store(&st->generation, a->generation);
	atomic_store_explicit(&st->state, SLS_WS_READY, memory_order_release);
	sls_log(LOG_DEBUG, "ready, generation %u", a->generation);

	while (!stop_now && !retire) {
		int got = 0;

		/* Alive, for the supervisor (worker_timeout); a cheap clock
		   read, a store only now and then. */
		if ((now = sls_now_ms()) - beat >= BEAT_MS) {
			atomic_store_explicit(&st->heartbeat, now,
			    memory_order_relaxed);
			beat = now;
		}
		for (i = 0; i < a->nsocks && !stop_now; i++) {
			h.sock = (unsigned)i;	/* tm: where it came in */
			got += serve_batch(&h, &a->socks[i], &b);
		}
		/* Signals come in only here; with datagrams waiting, just a
		   look at the pending ones; idle, a beat every second. */
		if (ppoll(pfd, a->nsocks, got > 0 ? &zero : &idle,
		    &unblocked) < 0 && errno != EINTR) {
			sls_warn("ppoll");
			break;
		}
	}
	atomic_store(&st->state, SLS_WS_DRAINING);
	sls_log(LOG_DEBUG, "exiting (%s)", stop_now ? "stop" : "retired");
	return SLS_WORKER_EXIT_OK;
}
