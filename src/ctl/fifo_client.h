/*
 * The client side of the admin FIFO, as slserverctl uses it, written for
 * a client that may run as root in a directory another user owns (the
 * runtime directory belongs to the service user): nothing it opens is
 * reached through a symlink or is other than it checked, its reply FIFO
 * is one it made itself and no one else can write to or swap in, and
 * what it prints shows control characters escaped.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_FIFO_CLIENT_H
#define SLS_FIFO_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>

/*
 * Split the server FIFO path into its directory, resolved (realpath: the
 * server answers in the real directory of its FIFO), and the FIFO's path
 * in it; the last component is never resolved. 0, or -1 with err set.
 */
int sls_ctl_paths(const char *fifo, char *dir, size_t dirlen, char *srv,
    size_t srvlen, char *err, size_t errlen);

/*
 * The directory reply FIFOs go to. For root it must not be writable by
 * group or others unless it has the sticky bit. 0, or -1 with err set.
 */
int sls_ctl_check_dir(const char *dir, bool root, char *err, size_t errlen);

/*
 * Open the server FIFO for writing, non-blocking, only if it is a FIFO
 * reached without a symlink (checked before opening, and again on what
 * was opened); *st gets its status. The descriptor, or -1 with errno
 * (ENXIO or ENOENT: no server; ELOOP or EINVAL: not a FIFO) and err set.
 */
int sls_ctl_open_server(const char *path, struct stat *st, char *err,
    size_t errlen);

/*
 * Make a new reply FIFO dir/slserverctl.PID.RANDOM (mode 0600) and open
 * its read end, non-blocking; path gets its path, *made its status. An
 * existing entry is never used: another random name is tried. The
 * descriptor, or -1 with err set.
 */
int sls_ctl_make_reply(const char *dir, char *path, size_t pathlen,
    struct stat *made, char *err, size_t errlen);

/*
 * The same at one path: -1 with errno EEXIST when anything (a symlink, a
 * FIFO of another user) is there already: it is left alone.
 */
int sls_ctl_make_reply_at(const char *path, struct stat *made, char *err,
    size_t errlen);

/*
 * Whether fd is the reply FIFO made (made: its lstat right after mkfifo):
 * a FIFO with one link, owned by us, mode 0600, at the inode made.
 */
bool sls_ctl_reply_ok(int fd, const struct stat *made);

/* Remove path if it is still the FIFO made. */
void sls_ctl_remove_reply(const char *path, const struct stat *made);

/*
 * Write data[0..len) to fp with control characters escaped as in the log
 * (sls_log_escape), tabs and newlines kept. 0, or -1 on a write error.
 */
int sls_ctl_print(FILE *fp, const char *data, size_t len);

#endif
