/*
 * The client side of the admin FIFO: see fifo_client.h. slserverctl is
 * often run by root in the runtime directory, which belongs to the
 * service user; that user may plant symlinks there, pre-create names,
 * rename or replace anything, and write whatever it may open. So:
 *
 * - the server FIFO is opened with O_NOFOLLOW, after lstat() said FIFO,
 *   and fstat() must agree (a device is never opened);
 * - the reply FIFO has a random name and is made by mkfifo(), which never
 *   takes over an existing entry; its read end is opened at once, with
 *   O_NOFOLLOW, and must be the very inode made: a FIFO with one link,
 *   owned by us, mode 0600. What we then read comes from that pipe, which
 *   only its owner (and root) may open for writing, whatever the name
 *   later points to;
 * - what is printed has its control characters escaped.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fifo_client.h"
#include "lib/log.h"

#define MAKE_TRIES	16	/* random names tried before giving up */

int
sls_ctl_paths(const char *fifo, char *dir, size_t dirlen, char *srv,
    size_t srvlen, char *err, size_t errlen)
{
	char *copy, *slash, *real = NULL;
	const char *dpart, *base;
	int rc = -1, n;

	if ((copy = strdup(fifo)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	slash = strrchr(copy, '/');
	if (slash == NULL) {
		dpart = ".";
		base = copy;
	} else {
		*slash = '\0';
		dpart = slash == copy ? "/" : copy;
		base = slash + 1;
	}
	if (*base == '\0' || strcmp(base, ".") == 0 ||
	    strcmp(base, "..") == 0) {
		snprintf(err, errlen, "%s does not name a FIFO", fifo);
		goto out;
	}
	if ((real = realpath(dpart, NULL)) == NULL) {
		snprintf(err, errlen, "no server at %s: %s", fifo,
		    strerror(errno));
		goto out;
	}
	n = snprintf(dir, dirlen, "%s", real);
	if (n < 0 || (size_t)n >= dirlen)
		goto toolong;
	n = snprintf(srv, srvlen, "%s/%s", strcmp(real, "/") == 0 ? "" :
	    real, base);
	if (n < 0 || (size_t)n >= srvlen)
		goto toolong;
	rc = 0;
	goto out;
toolong:
	snprintf(err, errlen, "FIFO path too long");
out:
	free(real);
	free(copy);
	return rc;
}

int
sls_ctl_check_dir(const char *dir, bool root, char *err, size_t errlen)
{
	struct stat st;

	if (stat(dir, &st) < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is not a directory", dir);
		return -1;
	}
	if (root && (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
	    (st.st_mode & S_ISVTX) == 0) {
		snprintf(err, errlen, "%s is writable by group or others "
		    "without the sticky bit: refusing to use it as root", dir);
		return -1;
	}
	return 0;
}

int
sls_ctl_open_server(const char *path, struct stat *st, char *err,
    size_t errlen)
{
	struct stat pre;
	int fd, e;

	if (lstat(path, &pre) < 0) {
		e = errno;
		snprintf(err, errlen, "no server at %s%s%s", path,
		    e == ENOENT ? "" : ": ", e == ENOENT ? "" : strerror(e));
		errno = e;
		return -1;
	}
	if (!S_ISFIFO(pre.st_mode)) {
		snprintf(err, errlen, "%s is %s, not a FIFO: not opened", path,
		    S_ISLNK(pre.st_mode) ? "a symbolic link" : "another file");
		errno = S_ISLNK(pre.st_mode) ? ELOOP : EINVAL;
		return -1;
	}
	fd = open(path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY |
	    O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		if (e == ENXIO || e == ENOENT)
			snprintf(err, errlen, "no server at %s", path);
		else
			snprintf(err, errlen, "open(%s): %s", path,
			    strerror(e));
		errno = e;
		return -1;
	}
	if (fstat(fd, st) < 0 || !S_ISFIFO(st->st_mode) ||
	    st->st_dev != pre.st_dev || st->st_ino != pre.st_ino) {
		close(fd);
		snprintf(err, errlen, "%s was replaced while being opened",
		    path);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

bool
sls_ctl_reply_ok(int fd, const struct stat *made)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) &&
	    st.st_nlink == 1 && st.st_uid == geteuid() &&
	    (st.st_mode & 07777) == 0600 && st.st_dev == made->st_dev &&
	    st.st_ino == made->st_ino;
}

int
sls_ctl_make_reply_at(const char *path, struct stat *made, char *err,
    size_t errlen)
{
	int fd;

	if (mkfifo(path, 0600) < 0) {
		int e = errno;

		snprintf(err, errlen, "mkfifo(%s): %s", path, strerror(e));
		errno = e;
		return -1;
	}
	/* Ours now: the lstat() made sure of below, by owner and inode. */
	if (lstat(path, made) < 0 || !S_ISFIFO(made->st_mode) ||
	    made->st_uid != geteuid()) {
		snprintf(err, errlen, "%s was replaced as soon as made", path);
		errno = EINVAL;
		return -1;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY |
	    O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "open(%s): %s", path, strerror(errno));
		sls_ctl_remove_reply(path, made);
		return -1;
	}
	/* Whatever the umask, the owner must be able to write it; mode
	   0600 exactly, or another user could. */
	if (fchmod(fd, 0600) < 0 || !sls_ctl_reply_ok(fd, made)) {
		snprintf(err, errlen, "%s is not the FIFO just made",
		    path);
		close(fd);
		sls_ctl_remove_reply(path, made);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

int
sls_ctl_make_reply(const char *dir, char *path, size_t pathlen,
    struct stat *made, char *err, size_t errlen)
{
	int i, n, fd;

	for (i = 0; i < MAKE_TRIES; i++) {
		n = snprintf(path, pathlen, "%s/slserverctl.%ld.%08x",
		    strcmp(dir, "/") == 0 ? "" : dir, (long)getpid(),
		    (unsigned)arc4random());
		if (n < 0 || (size_t)n >= pathlen) {
			snprintf(err, errlen, "FIFO path too long");
			return -1;
		}
		fd = sls_ctl_make_reply_at(path, made, err, errlen);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	snprintf(err, errlen, "no free reply FIFO name in %s after %d tries",
	    dir, MAKE_TRIES);
	return -1;
}

void
sls_ctl_remove_reply(const char *path, const struct stat *made)
{
	struct stat st;

	if (lstat(path, &st) == 0 && st.st_dev == made->st_dev &&
	    st.st_ino == made->st_ino)
		unlink(path);
}

int
sls_ctl_print(FILE *fp, const char *data, size_t len)
{
	char buf[4096];
	size_t used, n;

	while (len > 0) {
		n = sls_log_escape(data, len, buf, sizeof(buf),
		    SLS_ESC_KEEP_TEXT, &used);
		if (fwrite(buf, 1, n, fp) != n)
			return -1;
		data += used;
		len -= used;
	}
	return 0;
}
