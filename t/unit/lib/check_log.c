/*
 * Unit tests of src/lib/log.c: the probe of the system log socket, run
 * against sockets made in a private temporary directory.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/log.h"

static char dir[900], path[1000], out[1000];
static int saved_stderr = -1;

static void
setup(void)
{
	const char *tmp = getenv("TMPDIR");

	/* Short: a socket path holds at most 107 bytes. */
	snprintf(dir, sizeof(dir), "%s/check_log.XXXXXX",
	    tmp != NULL && tmp[0] == '/' && strlen(tmp) < 60 ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/stderr", dir);
}

static void
teardown(void)
{
	char p[1100];

	snprintf(p, sizeof(p), "%s/sock", dir);
	unlink(p);
	unlink(out);
	rmdir(dir);
}

/* A socket of type at dir/sock, bound (and listening when a stream). */
static int
make_socket(int type)
{
	struct sockaddr_un sa;
	int fd;

	snprintf(path, sizeof(path), "%s/sock", dir);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	ck_assert_uint_lt(strlen(path), sizeof(sa.sun_path));
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, type, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	if (type == SOCK_STREAM)
		ck_assert_int_eq(listen(fd, 1), 0);
	return fd;
}

/* Run the probe on p with stderr caught; its result, stderr in buf. */
static int
probe(const char *p, char *buf, size_t size, int *err)
{
	ssize_t n;
	int fd, rc;

	fd = open(out, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	saved_stderr = dup(STDERR_FILENO);
	ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
	errno = 0;
	rc = sls_log_probe_syslog(p);
	*err = errno;
	ck_assert_int_ge(dup2(saved_stderr, STDERR_FILENO), 0);
	close(saved_stderr);
	n = pread(fd, buf, size - 1, 0);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return rc;
}

START_TEST(test_listening)
{
	char buf[1024];
	int fd, err;

	/* A datagram listener, as rsyslog and journald make it. */
	fd = make_socket(SOCK_DGRAM);
	ck_assert_int_eq(probe(path, buf, sizeof(buf), &err), 0);
	ck_assert_str_eq(buf, "");
	close(fd);
	unlink(path);

	/* A stream listener: syslog(3) falls back to it, so does the probe. */
	fd = make_socket(SOCK_STREAM);
	ck_assert_int_eq(probe(path, buf, sizeof(buf), &err), 0);
	ck_assert_str_eq(buf, "");
	close(fd);
}
END_TEST

START_TEST(test_missing)
{
	char buf[1024], want[1200];
	int err;

	snprintf(path, sizeof(path), "%s/none", dir);
	ck_assert_int_eq(probe(path, buf, sizeof(buf), &err), -1);
	ck_assert_int_eq(err, ENOENT);
	snprintf(want, sizeof(want), "slserver: cannot reach the system log "
	    "(%s): No such file or directory; log lines will be lost\n",
	    path);
	ck_assert_str_eq(buf, want);
}
END_TEST

START_TEST(test_no_listener)
{
	char buf[1024];
	int fd, err;

	/* The socket file of a syslog daemon that has gone. */
	fd = make_socket(SOCK_DGRAM);
	close(fd);
	ck_assert_int_eq(probe(path, buf, sizeof(buf), &err), -1);
	ck_assert_int_eq(err, ECONNREFUSED);
	ck_assert_ptr_nonnull(strstr(buf, "cannot reach the system log"));
	ck_assert_ptr_nonnull(strstr(buf, "Connection refused"));

	/* Not a socket at all. */
	ck_assert_int_eq(probe(out, buf, sizeof(buf), &err), -1);
	ck_assert_ptr_nonnull(strstr(buf, "log lines will be lost\n"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("probe");
	SRunner *sr;
	int nf;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_listening);
	tcase_add_test(tc, test_missing);
	tcase_add_test(tc, test_no_listener);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
