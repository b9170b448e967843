/*
 * Unit tests of src/proc/notify.c: a notify socket that is gone (its
 * listener removed it, or never bound it) is not an error.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/log.h"
#include "proc/notify.h"

static char dir[64];
static char logpath[128];

/* The log goes to stderr, and stderr to a file the test reads. */
static void
setup(void)
{
	int fd;

	snprintf(dir, sizeof(dir), "%s/sls-notify.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(logpath, sizeof(logpath), "%s/log", dir);
	fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
	close(fd);
	sls_log_open(LOG_DAEMON, true);
	sls_log_set_level(LOG_DEBUG);
}

/* Lines of the log that contain s. */
static int
log_lines(const char *s)
{
	char line[512];
	FILE *f = fopen(logpath, "r");
	int n = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, s) != NULL)
			n++;
	fclose(f);
	return n;
}

static int
bind_socket(const char *path, struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	ck_assert_int_ge(fd, 0);
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	ck_assert_uint_lt(strlen(path), sizeof(sa->sun_path));
	strcpy(sa->sun_path, path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)sa, sizeof(*sa)), 0);
	return fd;
}

/* The rest of a service's life: reloads and a stop, nothing logged but
   one debug line. */
static void
after_gone(void)
{
	ck_assert_int_eq(sls_notify("RELOADING=1"), 0);
	ck_assert_int_eq(sls_notify("READY=1"), 0);
	ck_assert_int_eq(sls_notify("STOPPING=1"), 0);
	ck_assert_int_eq(log_lines(" err: "), 0);
	ck_assert_int_eq(log_lines(" debug: NOTIFY_SOCKET"), 1);
	ck_assert_int_eq(log_lines("is gone"), 1);
}

/* start-stop-daemon --notify-await removes its socket after READY=1. */
START_TEST(test_removed)
{
	struct sockaddr_un sa;
	char path[128], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/notify", dir);
	fd = bind_socket(path, &sa);
	ck_assert_int_eq(setenv("NOTIFY_SOCKET", path, 1), 0);
	ck_assert_int_eq(sls_notify("READY=1"), 0);
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	ck_assert_int_eq(n, 7);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "READY=1");
	close(fd);
	ck_assert_int_eq(unlink(path), 0);
	after_gone();
}
END_TEST

/* The file is there but nothing listens: ECONNREFUSED. */
START_TEST(test_refused)
{
	struct sockaddr_un sa;
	char path[128];

	snprintf(path, sizeof(path), "%s/notify", dir);
	close(bind_socket(path, &sa));
	ck_assert_int_eq(setenv("NOTIFY_SOCKET", path, 1), 0);
	ck_assert_int_eq(sls_notify("READY=1"), 0);
	after_gone();
	unlink(path);
}
END_TEST

/* An abstract name nobody holds: ECONNREFUSED too. */
START_TEST(test_abstract)
{
	char name[64];

	snprintf(name, sizeof(name), "@sls-check-notify-%ld", (long)getpid());
	ck_assert_int_eq(setenv("NOTIFY_SOCKET", name, 1), 0);
	ck_assert_int_eq(sls_notify("READY=1"), 0);
	after_gone();
}
END_TEST

/* A malformed NOTIFY_SOCKET is still the operator's error. */
START_TEST(test_malformed)
{
	ck_assert_int_eq(setenv("NOTIFY_SOCKET", "relative/path", 1), 0);
	ck_assert_int_eq(sls_notify("READY=1"), -1);
	ck_assert_int_eq(log_lines(" err: "), 1);
}
END_TEST

static void
teardown(void)
{
	char path[160];

	unlink(logpath);
	snprintf(path, sizeof(path), "%s/notify", dir);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	Suite *s = suite_create("proc");
	TCase *tc = tcase_create("notify");
	SRunner *sr;
	int nf;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_removed);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_abstract);
	tcase_add_test(tc, test_malformed);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
