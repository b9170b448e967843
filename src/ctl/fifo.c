/*
 * The admin FIFO: creation and removal, and the serving loop. Requests
 * are read without ever blocking; each complete one runs, and its reply
 * goes to the client's reply FIFO (fifo_reply.c, through its queue when
 * the client is not ready) or, without one, to the log. While the reply
 * queue is full, requests wait unread.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fifo.h"
#include "lib/log.h"

/* What sls_fifo_serve skips after a too long request. */
enum {
	DISCARD_NONE = 0,
	DISCARD_LINE,		/* plain line: up to the next LF */
	DISCARD_REQ,		/* ':' request, inside a line */
	DISCARD_REQ_BOL,	/* ':' request, at the start of a line */
	DISCARD_REQ_CR		/* ':' request, a line holding only CR so far */
};

/*
 * Whatever FIFO is at path is removed, unasked: normally one left by a
 * server that did not exit cleanly. The pid file lock rules out only a
 * server with the same pid file; one with another pid file (or none)
 * loses its FIFO to us, and at its exit leaves ours alone
 * (sls_fifo_close). Anything else at path is an error.
 */
static int
remove_old(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0) {
		if (!S_ISFIFO(st.st_mode)) {
			sls_warnx("fifo %s exists and is not a FIFO", path);
			errno = EEXIST;
			return -1;
		}
		if (unlink(path) < 0) {
			sls_warn("unlink(%s) of a stale fifo failed", path);
			return -1;
		}
	} else if (errno != ENOENT) {
		sls_warn("lstat(%s) failed", path);
		return -1;
	}
	return 0;
}

int
sls_fifo_open(sls_fifo_t *f, const char *path, mode_t mode)
{
	struct stat st, wst;
	const char *slash;
	bool made = false;

	memset(f, 0, sizeof(*f));
	f->rfd = f->wfd = -1;
	f->path = strdup(path);
	slash = strrchr(path, '/');
	if (slash == NULL)
		f->dir = strdup(".");
	else if (slash == path)
		f->dir = strdup("/");
	else
		f->dir = strndup(path, (size_t)(slash - path));
	if (f->path == NULL || f->dir == NULL) {
		sls_warn("fifo %s", path);
		goto fail;
	}

	if (remove_old(path) < 0)
		goto fail;
	if (mkfifo(path, mode) < 0) {
		sls_warn("mkfifo(%s) failed", path);
		goto fail;
	}
	made = true;
	f->rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (f->rfd < 0) {
		sls_warn("open(%s) failed", path);
		goto fail;
	}
	/* The directory may be the service user's: only the FIFO we made
	   (ours, one link) is chmod'ed, chown'ed and served. */
	if (fstat(f->rfd, &st) < 0 || !S_ISFIFO(st.st_mode) ||
	    st.st_uid != geteuid() || st.st_nlink != 1) {
		sls_warnx("fifo %s was replaced while being opened", path);
		goto fail;
	}
	/* mkfifo() applied the umask; the configured mode is what counts. */
	if (fchmod(f->rfd, mode) < 0) {
		sls_warn("fchmod(%s, %04o) failed", path, (unsigned)mode);
		goto fail;
	}
	f->wfd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (f->wfd < 0) {
		sls_warn("open(%s) for writing failed", path);
		goto fail;
	}
	if (fstat(f->wfd, &wst) < 0 || wst.st_dev != st.st_dev ||
	    wst.st_ino != st.st_ino) {
		sls_warnx("fifo %s was replaced while being opened", path);
		goto fail;
	}
	sls_log(LOG_DEBUG, "fifo %s ready, mode %04o", path, (unsigned)mode);
	return 0;

fail:
	if (f->rfd >= 0)
		close(f->rfd);
	if (f->wfd >= 0)
		close(f->wfd);
	if (made)
		unlink(path);
	free(f->path);
	free(f->dir);
	memset(f, 0, sizeof(*f));
	f->rfd = f->wfd = -1;
	return -1;
}

int
sls_fifo_chown(sls_fifo_t *f, uid_t uid, gid_t gid)
{
	if (fchown(f->rfd, uid, gid) < 0) {
		sls_warn("fchown(%s, %ld, %ld) failed", f->path, (long)uid,
		    (long)gid);
		return -1;
	}
	return 0;
}

void
sls_fifo_close(sls_fifo_t *f)
{
	struct stat fst, lst;

	if (f->path == NULL)
		return;
	sls_fifo_replies_drop(f);
	/* Remove the path only while it is still our FIFO. */
	if (fstat(f->rfd, &fst) == 0 && lstat(f->path, &lst) == 0 &&
	    fst.st_dev == lst.st_dev && fst.st_ino == lst.st_ino &&
	    unlink(f->path) < 0)
		sls_warn("unlink(%s) failed", f->path);
	close(f->rfd);
	close(f->wfd);
	free(f->path);
	free(f->dir);
	memset(f, 0, sizeof(*f));
	f->rfd = f->wfd = -1;
}

void
sls_fifo_close_child(sls_fifo_t *f)
{
	unsigned i;

	if (f->path == NULL)
		return;
	close(f->rfd);
	close(f->wfd);
	for (i = 0; i < f->nreplies; i++)
		if (f->reply[i].fd >= 0)
			close(f->reply[i].fd);
}

/*
 * Without a reply channel the outcome and the body go to the log, one body
 * line per log line ("echo stats > FIFO": one counter a line): whoever
 * echoed the command has nowhere else to read them. Error bodies go at
 * the error's level, the others at notice.
 */
static void
log_outcome(const sls_fifo_req_t *req, int code, const sls_buf_t *status,
    const sls_buf_t *body)
{
	const char *p, *end, *nl;
	int prio;

	sls_log(LOG_NOTICE, "fifo command '%s': %s", req->argv[0],
	    status->data);
	prio = code >= 500 ? LOG_ERR : code >= 400 ? LOG_WARNING : LOG_NOTICE;
	if (body->len == 0 || !sls_log_enabled(prio))
		return;
	for (p = body->data, end = body->data + body->len; p < end;
	    p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		sls_log(prio, "fifo command '%s': %.*s", req->argv[0],
		    (int)(nl - p), p);
	}
}

static void
run_request(sls_fifo_t *f, const sls_admin_ops_t *ops, sls_fifo_req_t *req)
{
	sls_buf_t status = { NULL, 0, 0, 0 }, body = { NULL, 0, 0, 0 };
	int code;

	if (req->argc == 0)
		return;
	code = sls_admin_exec(ops, req->argc, req->argv, &status, &body);
	if (status.failed || body.failed || status.data == NULL) {
		sls_buf_reset(&status);
		sls_buf_reset(&body);
		status.failed = body.failed = 0;
		code = 500;
		sls_buf_printf(&status, "500 out of memory");
		if (status.failed)
			goto out;
	}
	if (req->reply_name[0] != '\0') {
		sls_log(LOG_DEBUG, "fifo command '%s', reply to %s: %s",
		    req->argv[0], req->reply_name, status.data);
		sls_fifo_send_reply(f, req->reply_name, &status, &body);
	} else {
		log_outcome(req, code, &status, &body);
	}
out:
	sls_buf_free(&status);
	sls_buf_free(&body);
}

/* Skip bytes of a discarded request; returns how many were consumed. */
static size_t
skip_discarded(sls_fifo_t *f)
{
	size_t i;

	for (i = 0; i < f->npending && f->discard != DISCARD_NONE; i++) {
		char c = f->pending[i];

		switch (f->discard) {
		case DISCARD_LINE:
			if (c == '\n')
				f->discard = DISCARD_NONE;
			break;
		case DISCARD_REQ:
			if (c == '\n')
				f->discard = DISCARD_REQ_BOL;
			break;
		case DISCARD_REQ_BOL:
		case DISCARD_REQ_CR:
			if (c == '\n')
				f->discard = DISCARD_NONE;
			else if (c == '\r' && f->discard == DISCARD_REQ_BOL)
				f->discard = DISCARD_REQ_CR;
			else
				f->discard = DISCARD_REQ;
			break;
		}
	}
	if (f->discard == DISCARD_NONE)
		sls_log(LOG_INFO, "fifo %s: resynchronised after a too "
		    "long request", f->path);
	return i;
}

static void
consume(sls_fifo_t *f, size_t n)
{
	memmove(f->pending, f->pending + n, f->npending - n);
	f->npending -= n;
}

/* Run the complete requests read, while the reply queue has room. */
static void
run_pending(sls_fifo_t *f, const sls_admin_ops_t *ops)
{
	sls_fifo_req_t req;
	char err[160];
	size_t used;
	int rc;

	while (f->npending > 0 && f->nreplies < SLS_FIFO_MAX_REPLIES) {
		if (f->discard != DISCARD_NONE) {
			consume(f, skip_discarded(f));
			continue;
		}
		rc = sls_fifo_parse(f->pending, f->npending, &req, &used, err,
		    sizeof(err));
		if (rc > 0) {
			run_request(f, ops, &req);
			consume(f, used);
		} else if (rc < 0) {
			sls_log(LOG_WARNING, "fifo %s: request ignored: %s",
			    f->path, err);
			consume(f, used);
		} else {
			if (f->npending < SLS_FIFO_MAX_REQUEST)
				break;
			/* No end in sight: skip to its end (next turn). */
			sls_log(LOG_WARNING, "fifo %s: request longer than "
			    "%d bytes discarded", f->path,
			    SLS_FIFO_MAX_REQUEST);
			f->discard = f->pending[0] == ':' ? DISCARD_REQ :
			    DISCARD_LINE;
		}
	}
}

void
sls_fifo_tick(sls_fifo_t *f, const sls_admin_ops_t *ops)
{
	sls_fifo_replies_run(f);
	run_pending(f, ops);
}

void
sls_fifo_serve(sls_fifo_t *f, const sls_admin_ops_t *ops)
{
	ssize_t r;

	/* A full queue leaves requests in the pipe (sls_fifo_poll_fd). */
	sls_fifo_replies_run(f);
	if (f->nreplies < SLS_FIFO_MAX_REPLIES) {
		r = read(f->rfd, f->pending + f->npending,
		    sizeof(f->pending) - f->npending);
		if (r > 0)
			f->npending += (size_t)r;
		else if (r < 0 && errno != EAGAIN && errno != EINTR)
			sls_warn("read(%s) failed", f->path);
	}
	run_pending(f, ops);
}

int
sls_fifo_poll_fd(const sls_fifo_t *f)
{
	return f->nreplies < SLS_FIFO_MAX_REPLIES ? f->rfd : -1;
}

bool
sls_fifo_busy(const sls_fifo_t *f)
{
	return f->nreplies > 0;
}
