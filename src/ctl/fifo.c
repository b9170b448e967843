/*
 * The admin FIFO. Requests are read without ever blocking; replies go to
 * FIFOs that clients make in the FIFO's own directory and are written only
 * after checking that the name is a bare name, that what was opened is a
 * FIFO with one link, reached without a symlink, and still the object at
 * that path. Opening waits for a reader for at most SLS_FIFO_REPLY_MS,
 * writing takes at most as long again: a stuck client never stalls the
 * supervisor for long.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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

int
sls_fifo_open(sls_fifo_t *f, const char *path, mode_t mode)
{
	struct stat st;
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

	if (lstat(path, &st) == 0) {
		if (!S_ISFIFO(st.st_mode)) {
			sls_warnx("fifo %s exists and is not a FIFO", path);
			errno = EEXIST;
			goto fail;
		}
		/* Stale, from a server that did not exit cleanly; the pid
		   file lock already said no other server runs. */
		if (unlink(path) < 0) {
			sls_warn("unlink(%s) of a stale fifo failed", path);
			goto fail;
		}
	} else if (errno != ENOENT) {
		sls_warn("lstat(%s) failed", path);
		goto fail;
	}
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
	if (fstat(f->rfd, &st) < 0 || !S_ISFIFO(st.st_mode)) {
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
	sls_log(LOG_DEBUG, "fifo %s ready, mode %04o", path, (unsigned)mode);
	return 0;

fail:
	if (f->rfd >= 0)
		close(f->rfd);
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

bool
sls_fifo_reply_name_ok(const char *name)
{
	size_t i;

	if (name == NULL || name[0] == '\0' || name[0] == '.')
		return false;
	for (i = 0; name[i] != '\0'; i++) {
		if (i >= 255)
			return false;
		/* Printable ASCII, no space, no '/'. */
		if (name[i] <= ' ' || name[i] > '~' || name[i] == '/')
			return false;
	}
	return true;
}

/* Control characters other than tab have no business in a request. */
static bool
has_ctl(const char *s)
{
	for (; *s != '\0'; s++) {
		if (((unsigned char)*s < ' ' && *s != '\t') || *s == 0x7f)
			return true;
	}
	return false;
}

/* Turn buf[0..n), one line with its LF, into a string without LF/CR. */
static char *
cut_line(char *buf, size_t n)
{
	buf[n - 1] = '\0';
	if (n >= 2 && buf[n - 2] == '\r')
		buf[n - 2] = '\0';
	return buf;
}

static int
parse_plain(char *buf, size_t len, sls_fifo_req_t *req, size_t *used,
    char *err, size_t errlen)
{
	char *nl, *line, *tok, *save;
	size_t n, i;

	nl = memchr(buf, '\n', len);
	if (nl == NULL)
		return 0;
	n = (size_t)(nl - buf) + 1;
	*used = n;
	if (n > SLS_FIFO_MAX_REQUEST) {
		snprintf(err, errlen, "request longer than %d bytes",
		    SLS_FIFO_MAX_REQUEST);
		return -1;
	}
	/* A NUL would hide the rest of the line from the checks. */
	for (i = 0; i + 1 < n; i++)
		if (buf[i] == '\0') {
			snprintf(err, errlen, "control character in request");
			return -1;
		}
	line = cut_line(buf, n);
	if (has_ctl(line)) {
		snprintf(err, errlen, "control character in request");
		return -1;
	}
	for (tok = strtok_r(line, " \t", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t", &save)) {
		if (req->argc == SLS_FIFO_MAX_ARGS) {
			snprintf(err, errlen, "too many arguments");
			req->argc = 0;
			return -1;
		}
		req->argv[req->argc++] = tok;
	}
	req->argv[req->argc] = NULL;
	return (int)n;
}

static int
parse_colon(char *buf, size_t len, sls_fifo_req_t *req, size_t *used,
    char *err, size_t errlen)
{
	char *lines[SLS_FIFO_MAX_ARGS];
	size_t pos = 0, start, n, nlines = 0, i;
	char *nl, *line, *cmd, *name;
	bool toomany = false;

	/* Find the empty line that ends the request. */
	for (;;) {
		nl = pos < len ? memchr(buf + pos, '\n', len - pos) : NULL;
		if (nl == NULL)
			return 0;
		start = pos;
		n = (size_t)(nl - (buf + start)) + 1;
		pos += n;
		if (nlines > 0 && (n == 1 || (n == 2 && buf[start] == '\r')))
			break;
		if (nlines < sizeof(lines) / sizeof(lines[0]))
			lines[nlines++] = buf + start;
		else
			toomany = true;
	}
	*used = pos;
	if (pos > SLS_FIFO_MAX_REQUEST) {
		snprintf(err, errlen, "request longer than %d bytes",
		    SLS_FIFO_MAX_REQUEST);
		return -1;
	}
	if (toomany) {
		snprintf(err, errlen, "too many arguments");
		return -1;
	}
	for (i = 0; i < pos; i++)
		if (buf[i] == '\0') {
			snprintf(err, errlen, "control character in request");
			return -1;
		}
	/* Cut every line at its LF (each line ends right before the next). */
	for (i = 0; i < nlines; i++) {
		char *end = memchr(lines[i], '\n', (size_t)(buf + pos -
		    lines[i]));

		line = cut_line(lines[i], (size_t)(end - lines[i]) + 1);
		if (has_ctl(line)) {
			snprintf(err, errlen, "control character in request");
			return -1;
		}
	}
	cmd = lines[0] + 1;
	name = strchr(cmd, ':');
	if (name == NULL) {
		snprintf(err, errlen, "malformed request line, expected "
		    "':COMMAND:REPLY_NAME'");
		return -1;
	}
	*name++ = '\0';
	if (cmd[0] == '\0') {
		snprintf(err, errlen, "empty command");
		return -1;
	}
	if (name[0] != '\0') {
		if (!sls_fifo_reply_name_ok(name)) {
			snprintf(err, errlen, "bad reply name '%.64s' for "
			    "command '%.64s'", name, cmd);
			return -1;
		}
		memcpy(req->reply_name, name, strlen(name) + 1);
	}
	req->argv[0] = cmd;
	for (i = 1; i < nlines; i++)
		req->argv[i] = lines[i];
	req->argc = (int)nlines;
	req->argv[req->argc] = NULL;
	return (int)pos;
}

int
sls_fifo_parse(char *buf, size_t len, sls_fifo_req_t *req, size_t *used,
    char *err, size_t errlen)
{
	char dummy[1];
	int rc;

	memset(req, 0, sizeof(*req));
	*used = 0;
	if (err == NULL || errlen == 0) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	if (len == 0)
		return 0;
	if (buf[0] == ':')
		rc = parse_colon(buf, len, req, used, err, errlen);
	else
		rc = parse_plain(buf, len, req, used, err, errlen);
	if (rc < 0)
		memset(req, 0, sizeof(*req));
	return rc;
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

	deadline = mono_ms() + SLS_FIFO_REPLY_MS;
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
		left = deadline - mono_ms();
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

	deadline = mono_ms() + SLS_FIFO_REPLY_MS;
	for (;;) {
		int64_t left;

		fd = open(path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW |
		    O_CLOEXEC);
		if (fd >= 0)
			break;
		if (errno == EINTR)
			continue;
		left = deadline - mono_ms();
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

static void
send_reply(const sls_fifo_t *f, const char *name, const sls_buf_t *status,
    const sls_buf_t *body)
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

/* Without a reply channel the outcome goes to the log. */
static void
log_outcome(const sls_fifo_req_t *req, int code, const sls_buf_t *status,
    const sls_buf_t *body)
{
	const char *p, *end, *nl;
	int prio;

	sls_log(LOG_NOTICE, "fifo command '%s': %s", req->argv[0],
	    status->data);
	if (code < 400 || body->len == 0)
		return;
	prio = code >= 500 ? LOG_ERR : LOG_WARNING;
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
run_request(const sls_fifo_t *f, const sls_admin_ops_t *ops,
    sls_fifo_req_t *req)
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
		send_reply(f, req->reply_name, &status, &body);
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

void
sls_fifo_serve(sls_fifo_t *f, const sls_admin_ops_t *ops)
{
	sls_fifo_req_t req;
	char err[160];
	size_t used;
	ssize_t r;
	int rc;

	r = read(f->rfd, f->pending + f->npending,
	    sizeof(f->pending) - f->npending);
	if (r < 0) {
		if (errno != EAGAIN && errno != EINTR)
			sls_warn("read(%s) failed", f->path);
		return;
	}
	f->npending += (size_t)r;

	while (f->npending > 0) {
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
