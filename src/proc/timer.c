/*
 * The timer process. See timer.h; what it does at each tick is
 * core/tm_timer.c, how it sleeps is shm/tmtable.c's sleep protocol:
 * announce the wake-up time in the table, look at the dirty marks once
 * more, then ppoll() on the eventfd with that timeout. Nothing polls:
 * with no transaction live it sleeps until a worker writes the eventfd.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/tm_timer.h"
#include "daemon.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "timer.h"

/*
 * The timer process's nice value when the supervisor may raise it (root,
 * CAP_SYS_NICE): with every CPU taken by workers, its timers then fire
 * within a few milliseconds instead of waiting for a time slice.
 */
#define TIMER_NICE	(-10)

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23	/* Linux 5.14 */
#endif

static volatile sig_atomic_t stop;
/* SIGTERM and SIGQUIT are let in only inside ppoll(). */
static sigset_t unblocked;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}


void
sls_timer_prefault(const sls_shm_t *shm)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t start, end;

	if (shm->tm == NULL || page <= 0)
		return;
	start = (uintptr_t)shm->tm & ~((uintptr_t)page - 1);
	end = (uintptr_t)shm->tm + sls_tmtable_bytes(shm->tm->size);
	if (madvise((void *)start, end - start, MADV_POPULATE_WRITE) < 0)
		sls_log(LOG_DEBUG, "madvise(MADV_POPULATE_WRITE) of the "
		    "transaction table: %s", strerror(errno));
}

/* A retransmission: from the listen and address the request came in on. */
static void
send_one(void *arg, unsigned sock, const void *dst, size_t dstlen,
    const void *local, size_t locallen, const void *buf, size_t len)
{
	const sls_timer_args_t *a = arg;
	char ctl[SLS_WORKER_CMSG_CAP];
	struct sockaddr_storage to, from;
	struct msghdr mh;
	struct iovec iov;

	if (sock >= a->nsocks || dstlen > sizeof(to) ||
	    locallen > sizeof(from))
		return;
	memset(&to, 0, sizeof(to));
	memcpy(&to, dst, dstlen);
	memset(&from, 0, sizeof(from));
	memcpy(&from, local, locallen);
	if (locallen == 0)
		from = a->socks[sock].local;
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = (void *)buf;
	iov.iov_len = len;
	mh.msg_name = &to;
	mh.msg_namelen = (socklen_t)dstlen;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	sls_worker_source_address(&a->socks[sock], &from, &mh, ctl);
	/* A full socket buffer loses this one; the next is on its way. */
	(void)sendmsg(a->socks[sock].fd, &mh, MSG_DONTWAIT);
}

/* Sleep until next_ms (UINT64_MAX: until woken) or a worker's wake-up. */
static void
sleep_until(const sls_timer_args_t *a, uint64_t next_ms)
{
	struct pollfd p = { .fd = a->wake_fd, .events = POLLIN };
	struct timespec ts, *tp = NULL;
	uint64_t now = sls_now_ms(), ms, v;

	if (next_ms != UINT64_MAX) {
		ms = next_ms > now ? next_ms - now : 0;
		ts.tv_sec = (time_t)(ms / 1000);
		ts.tv_nsec = (long)(ms % 1000) * 1000000L;
		tp = &ts;
	}
	if (ppoll(&p, 1, tp, &unblocked) > 0 && (p.revents & POLLIN) &&
	    read(a->wake_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		sls_warn("reading the timer's eventfd");
}

static int
timer_init(const sls_timer_args_t *a, sls_tm_timer_t *tt)
{
	/* Before the switch to the service user, which may not. */
	if (setpriority(PRIO_PROCESS, 0, TIMER_NICE) < 0)
		sls_log(LOG_DEBUG, "setpriority(%d): %s; the timers run at "
		    "the workers' priority", TIMER_NICE, strerror(errno));
	if (sls_privs_drop(a->privs) < 0)
		return -1;
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 ||
	    getppid() != a->supervisor) {
		sls_warnx("supervisor gone before start");
		return -1;
	}
	if (sls_child_signals(on_signal, &unblocked) < 0) {
		sls_warn("sigaction");
		return -1;
	}
	sls_timer_prefault(a->shm);
	if (sls_tm_timer_init(tt, a->shm->tm, &a->shm->stats[SLS_TIMER_SLOT],
	    send_one, (void *)a, sls_now_ms()) < 0) {
		sls_warn("allocating the timer schedule");
		return -1;
	}
	return 0;
}

int
sls_timer_run(const sls_timer_args_t *a)
{
	sls_worker_status_t *st = &a->shm->status[SLS_TIMER_SLOT];
	sls_tmtable_t *t = a->shm->tm;
	static sls_tm_timer_t tt;
	uint64_t next;

	sls_log_set_prefix("timer: ");
	setproctitle("timer");
	if (timer_init(a, &tt) < 0)
		return stop ? SLS_WORKER_EXIT_OK : SLS_WORKER_EXIT_INIT;
	if (a->detach) {
		sls_daemon_detach_stdio();
		sls_log_set_startup(false);
	}
	atomic_store(&st->pid, (int32_t)getpid());
	atomic_store_explicit(&st->state, SLS_WS_READY, memory_order_release);
	sls_log(LOG_DEBUG, "ready, %zu transactions scheduled", (size_t)tt.n);

	while (!stop) {
		next = sls_tm_timer_run(&tt, sls_now_ms());
		if (next <= sls_now_ms())
			continue;
		/* A transaction that became dirty meanwhile: no sleep. */
		if (!sls_tmtable_sleep(t, next))
			continue;
		sleep_until(a, next);
		sls_tmtable_awake(t);
	}
	atomic_store(&st->state, SLS_WS_DRAINING);
	sls_log(LOG_DEBUG, "exiting");
	return SLS_WORKER_EXIT_OK;
}
