/*
 * Replies of the admin FIFO. They go to FIFOs that clients make in the
 * FIFO's own directory and are written only after checking that the name
 * is a bare name, that what was opened is a FIFO with one link, reached
 * without a symlink, and still the object at that path.
 *
 * Nothing here waits. The open is non-blocking (ENXIO: no reader yet) and
 * so are the writes (EAGAIN: the pipe is full). A reply that cannot be
 * delivered at once joins the FIFO's queue, which the supervisor's loop
 * drives on its turns; each reply has SLS_FIFO_REPLY_MS in all from its
 * request, open and write together, after which it is given up (logged).
 * Anyone who may write the FIFO can name reply FIFOs that nobody reads:
 * that costs a queue slot for a second, never the loop's time, so
 * reaping, reloads and signals go on.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fifo.h"
#include "lib/clock.h"
#include "lib/log.h"

/* f->dir/name into path; -1 (logged) when it does not fit. */
static int
reply_path(const sls_fifo_t *f, const char *name, char *path, size_t len)
{
	int n = snprintf(path, len, "%s/%s", f->dir, name);

	if (n < 0 || (size_t)n >= len) {
		sls_log(LOG_WARNING, "reply fifo %s/%s: path too long", f->dir,
		    name);
		return -1;
	}
	return 0;
}

/*
 * Check before opening (opening a device can have effects): a FIFO must
 * be at path; r->dev and r->ino get it. -1 (logged) otherwise.
 */
static int
check_target(const char *path, sls_fifo_reply_t *r)
{
	struct stat pre;

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
	r->dev = pre.st_dev;
	r->ino = pre.st_ino;
	return 0;
}

/*
 * Open r's FIFO for writing without waiting: 1 opened (r->fd), 0 no
 * reader yet, -1 refused or failed (logged).
 */
static int
try_open(sls_fifo_reply_t *r, const char *path)
{
	struct stat st, post;
	int fd;

	do
		fd = open(path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY |
		    O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		if (errno == ENXIO)
			return 0;	/* the client has not opened it yet */
		sls_log(LOG_WARNING, "reply fifo %s: open failed: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode) || st.st_nlink != 1 ||
	    st.st_dev != r->dev || st.st_ino != r->ino ||
	    lstat(path, &post) < 0 || !S_ISFIFO(post.st_mode) ||
	    post.st_dev != st.st_dev || post.st_ino != st.st_ino) {
		sls_log(LOG_WARNING, "reply fifo %s: not a FIFO with one link "
		    "or replaced while opening, no reply", path);
		close(fd);
		return -1;
	}
	r->fd = fd;
	return 1;
}

/*
 * Write what the pipe takes now: 1 all written, 0 more to write, -1
 * failed (logged). SIGPIPE (the reader left) is blocked meanwhile and one
 * raised here is consumed, whatever the caller's disposition of it.
 */
static int
try_write(sls_fifo_reply_t *r, const char *path)
{
	sigset_t pipeset, oldmask, pending;
	struct timespec zero = { 0, 0 };
	bool was_pending;
	int rc = 0;

	sigemptyset(&pipeset);
	sigaddset(&pipeset, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipeset, &oldmask);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE) == 1;

	while (r->off < r->out.len) {
		ssize_t w = write(r->fd, r->out.data + r->off,
		    r->out.len - r->off);

		if (w > 0) {
			r->off += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN) {
			sls_log(LOG_WARNING, "reply fifo %s: write failed: %s",
			    path, strerror(errno));
			rc = -1;
		}
		break;
	}
	if (rc == 0 && r->off == r->out.len)
		rc = 1;

	if (!was_pending) {
		sigpending(&pending);
		if (sigismember(&pending, SIGPIPE) == 1)
			sigtimedwait(&pipeset, NULL, &zero);
	}
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	return rc;
}

/* One try at r: true when it is done (delivered or given up). */
static bool
attempt(const sls_fifo_t *f, sls_fifo_reply_t *r, uint64_t now)
{
	char path[PATH_MAX];
	int rc;

	if (reply_path(f, r->name, path, sizeof(path)) < 0)
		return true;
	if (r->fd < 0) {
		rc = try_open(r, path);
		if (rc < 0)
			return true;
		if (rc == 0) {
			if (now < r->deadline)
				return false;
			sls_log(LOG_WARNING, "reply fifo %s: no reader within "
			    "%d ms, no reply", path, SLS_FIFO_REPLY_MS);
			return true;
		}
	}
	rc = try_write(r, path);
	if (rc != 0 || now < r->deadline)
		return rc != 0;
	sls_log(LOG_WARNING, "reply fifo %s: reader too slow, reply cut after "
	    "%zu of %zu bytes", path, r->off, r->out.len);
	return true;
}

static void
finish(sls_fifo_reply_t *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	sls_buf_free(&r->out);
}

void
sls_fifo_send_reply(sls_fifo_t *f, const char *name,
    const sls_buf_t *status, const sls_buf_t *body)
{
	char path[PATH_MAX];
	sls_fifo_reply_t r;
	uint64_t now = sls_now_ms();

	memset(&r, 0, sizeof(r));
	r.fd = -1;
	r.deadline = now + SLS_FIFO_REPLY_MS;
	if (!sls_fifo_reply_name_ok(name)) {
		sls_log(LOG_WARNING, "bad reply fifo name '%.64s'", name);
		return;
	}
	memcpy(r.name, name, strlen(name) + 1);
	if (reply_path(f, name, path, sizeof(path)) < 0 ||
	    check_target(path, &r) < 0)
		return;

	sls_buf_printf(&r.out, "%s\n", status->data);
	if (body->len > 0) {
		sls_buf_append(&r.out, body->data, body->len);
		if (body->data[body->len - 1] != '\n')
			sls_buf_append(&r.out, "\n", 1);
	}
	if (r.out.failed) {
		sls_buf_reset(&r.out);
		r.out.failed = 0;
		sls_buf_printf(&r.out, "500 out of memory\n");
		if (r.out.failed) {
			sls_buf_free(&r.out);
			return;
		}
	}

	/* A client that opened its end first (slserverctl) is served now. */
	if (attempt(f, &r, now)) {
		finish(&r);
		return;
	}
	if (f->nreplies >= SLS_FIFO_MAX_REPLIES) {
		sls_log(LOG_WARNING, "reply fifo %s: too many replies waiting, "
		    "no reply", path);
		finish(&r);
		return;
	}
	f->reply[f->nreplies++] = r;
}

void
sls_fifo_replies_run(sls_fifo_t *f)
{
	uint64_t now;
	unsigned i = 0;

	if (f->nreplies == 0)
		return;
	now = sls_now_ms();
	while (i < f->nreplies) {
		if (!attempt(f, &f->reply[i], now)) {
			i++;
			continue;
		}
		finish(&f->reply[i]);
		/* keep the order: replies are tried oldest first */
		memmove(&f->reply[i], &f->reply[i + 1],
		    (f->nreplies - i - 1) * sizeof(f->reply[0]));
		f->nreplies--;
	}
}

void
sls_fifo_replies_drop(sls_fifo_t *f)
{
	unsigned i;

	for (i = 0; i < f->nreplies; i++)
		finish(&f->reply[i]);
	f->nreplies = 0;
}
