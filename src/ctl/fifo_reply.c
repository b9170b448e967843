/*
 * Replies of the admin FIFO. They go to FIFOs that clients make in the
 * FIFO's own directory and are written only after checking that the name
 * is a bare name, that what was opened is a FIFO with one link, reached
 * without a symlink, and still the object at that path. Opening waits for
 * a reader for at most SLS_FIFO_REPLY_MS, writing takes at most as long
 * again: a stuck client never stalls the supervisor for long.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fifo.h"
#include "lib/clock.h"
#include "lib/log.h"

static void
sleep_ms(int64_t ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	/* The caller's signal mask stays: the supervisor keeps its signals
	   blocked outside its own ppoll(). */
	ppoll(NULL, 0, &ts, NULL);
}

/*
 * Write all of data to fd within the time bound. SIGPIPE (the reader left)
 * is blocked for the duration and a SIGPIPE raised here is consumed, so
 * this is safe whatever the caller's SIGPIPE disposition.
 */
static int
write_bounded(int fd, const char *path, const char *data, size_t len)
{
	sigset_t pipeset, oldmask, pending;
	struct timespec zero = { 0, 0 };
	bool was_pending;
	int64_t deadline;
	size_t off = 0;
	int rc = -1;

	sigemptyset(&pipeset);
	sigaddset(&pipeset, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipeset, &oldmask);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE) == 1;

	deadline = (int64_t)sls_now_ms() + SLS_FIFO_REPLY_MS;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		struct pollfd p;
		int64_t left;

		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN) {
			sls_log(LOG_WARNING, "reply fifo %s: write failed: %s",
			    path, strerror(errno));
			goto out;
		}
		left = deadline - (int64_t)sls_now_ms();
		if (left <= 0) {
			sls_log(LOG_WARNING, "reply fifo %s: reader too slow, "
			    "reply cut after %zu of %zu bytes", path, off, len);
			goto out;
		}
		p.fd = fd;
		p.events = POLLOUT;
		p.revents = 0;
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR) {
			sls_log(LOG_WARNING, "reply fifo %s: poll failed: %s",
			    path, strerror(errno));
			goto out;
		}
	}
	rc = 0;
out:
	if (!was_pending) {
		sigpending(&pending);
		if (sigismember(&pending, SIGPIPE) == 1)
			sigtimedwait(&pipeset, NULL, &zero);
	}
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	return rc;
}

/* Open dir/name for writing only if it is a FIFO we may write to. */
static int
open_reply(const char *dir, const char *name, char *path, size_t pathlen)
{
	struct stat pre, st, post;
	int64_t deadline;
	int fd, n;

	if (!sls_fifo_reply_name_ok(name)) {
		sls_log(LOG_WARNING, "bad reply fifo name '%.64s'", name);
		return -1;
	}
	n = snprintf(path, pathlen, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= pathlen) {
		sls_log(LOG_WARNING, "reply fifo %s/%s: path too long", dir,
		    name);
		return -1;
	}
	/* Check before opening: opening a device can have effects. */
	if (lstat(path, &pre) < 0) {
		sls_log(LOG_WARNING, "reply fifo %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (!S_ISFIFO(pre.st_mode)) {
		sls_log(LOG_WARNING, "reply fifo %s is not a FIFO, no reply",
		    path);
		return -1;
	}

	deadline = (int64_t)sls_now_ms() + SLS_FIFO_REPLY_MS;
	for (;;) {
		int64_t left;

		fd = open(path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW |
		    O_CLOEXEC);
		if (fd >= 0)
			break;
		if (errno == EINTR)
			continue;
		left = deadline - (int64_t)sls_now_ms();
		if (errno != ENXIO || left <= 0) {
			sls_log(LOG_WARNING, "reply fifo %s: open failed: %s",
			    path, errno == ENXIO ? "no reader" :
			    strerror(errno));
			return -1;
		}
		/* ENXIO: the client has not opened its end yet. */
		sleep_ms(left < 10 ? left : 10);
	}

	if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode) || st.st_nlink != 1 ||
	    st.st_dev != pre.st_dev || st.st_ino != pre.st_ino ||
	    lstat(path, &post) < 0 || !S_ISFIFO(post.st_mode) ||
	    post.st_dev != st.st_dev || post.st_ino != st.st_ino) {
		sls_log(LOG_WARNING, "reply fifo %s: not a FIFO with one link "
		    "or replaced while opening, no reply", path);
		close(fd);
		return -1;
	}
	return fd;
}

void
sls_fifo_send_reply(const sls_fifo_t *f, const char *name,
    const sls_buf_t *status, const sls_buf_t *body)
{
	char path[PATH_MAX];
	sls_buf_t out = { NULL, 0, 0, 0 };
	int fd;

	sls_buf_printf(&out, "%s\n", status->data);
	if (body->len > 0) {
		sls_buf_append(&out, body->data, body->len);
		if (body->data[body->len - 1] != '\n')
			sls_buf_append(&out, "\n", 1);
	}
	if (out.failed) {
		sls_buf_reset(&out);
		out.failed = 0;
		sls_buf_printf(&out, "500 out of memory\n");
		if (out.failed) {
			sls_buf_free(&out);
			return;
		}
	}
	fd = open_reply(f->dir, name, path, sizeof(path));
	if (fd >= 0) {
		write_bounded(fd, path, out.data, out.len);
		close(fd);
	}
	sls_buf_free(&out);
}
