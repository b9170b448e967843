/*
 * The pid file. Its directory belongs to the service user, who may put
 * anything there: a symbolic link to /etc/passwd, a FIFO, a hard link.
 * So it is opened without following a link, checked on the descriptor
 * before a byte is written, and locked; the lock (flock, on the open
 * file) says whether another server runs, as libbsd's pidfile does.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/num.h"
#include "pidfile.h"

#define OPEN_TRIES	3	/* the file we locked was removed meanwhile */

/* The file open on fd is one we may write: 0, or -1 (logged). */
static int
check_file(int fd, const char *path)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		sls_warn("fstat(%s)", path);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		sls_warnx("pid file %s is not a regular file; refusing it",
		    path);
		return -1;
	}
	if (st.st_nlink != 1) {
		sls_warnx("pid file %s has %lu links; refusing it", path,
		    (unsigned long)st.st_nlink);
		return -1;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		sls_warnx("pid file %s belongs to uid %ld; refusing it", path,
		    (long)st.st_uid);
		return -1;
	}
	return 0;
}

/* Whether path still names the file open on fd. */
static bool
same_file(int fd, const char *path)
{
	struct stat f, l;

	return fstat(fd, &f) == 0 && lstat(path, &l) == 0 &&
	    f.st_dev == l.st_dev && f.st_ino == l.st_ino;
}

static void
report_holder(int fd, const char *path)
{
	char buf[24];
	ssize_t n;
	uint64_t pid;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n > 0 && sls_parse_uint(buf, buf + n, INT32_MAX, &pid))
		sls_warnx("already running as PID %d (pid file %s)",
		    (int)pid, path);
	else
		sls_warnx("already running (pid file %s is locked)", path);
}

/* One attempt: the locked fd, -1 on error (logged), -2 to try again. */
static int
open_locked(const char *path, mode_t mode)
{
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK |
	    O_NOCTTY | O_CLOEXEC, mode);
	if (fd < 0) {
		if (errno == ELOOP)
			sls_warnx("pid file %s is a symbolic link; refusing "
			    "to follow it", path);
		else
			sls_warn("open(%s)", path);
		return -1;
	}
	if (check_file(fd, path) < 0)
		goto fail;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			report_holder(fd, path);
		else
			sls_warn("flock(%s)", path);
		goto fail;
	}
	/* The server that held it may have removed it before we locked. */
	if (!same_file(fd, path)) {
		close(fd);
		return -2;
	}
	if (ftruncate(fd, 0) < 0) {
		sls_warn("ftruncate(%s)", path);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

sls_pidfile_t *
sls_pidfile_open(const char *path, mode_t mode)
{
	sls_pidfile_t *pf;
	int fd = -2, i;

	for (i = 0; i < OPEN_TRIES && fd == -2; i++)
		fd = open_locked(path, mode);
	if (fd == -2)
		sls_warnx("pid file %s keeps being replaced; refusing it",
		    path);
	if (fd < 0)
		return NULL;
	if ((pf = calloc(1, sizeof(*pf))) == NULL ||
	    (pf->path = strdup(path)) == NULL) {
		sls_warn("pid file %s", path);
		free(pf);
		close(fd);
		return NULL;
	}
	pf->fd = fd;
	return pf;
}

int
sls_pidfile_write(sls_pidfile_t *pf)
{
	char buf[24];
	int n;

	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(pf->fd, 0) < 0 ||
	    pwrite(pf->fd, buf, (size_t)n, 0) != n) {
		sls_warn("writing pid file %s", pf->path);
		return -1;
	}
	return 0;
}

void
sls_pidfile_close(sls_pidfile_t *pf)
{
	if (pf == NULL)
		return;
	close(pf->fd);
	free(pf->path);
	free(pf);
}

void
sls_pidfile_remove(sls_pidfile_t *pf)
{
	if (pf == NULL)
		return;
	/* Only ours: the service user may have put another file there. */
	if (same_file(pf->fd, pf->path) && unlink(pf->path) < 0)
		sls_warn("unlink(%s)", pf->path);
	sls_pidfile_close(pf);
}
