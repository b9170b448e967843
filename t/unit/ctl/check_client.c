/*
 * The client side of the admin FIFO (src/ctl/fifo_client.c), as root's
 * slserverctl meets a directory that another user owns: planted symlinks
 * at the server FIFO and at the reply FIFO's name, a FIFO pre-created by
 * another user (as root, with user nobody; else those cases SKIP), a
 * swapped reply FIFO, and replies full of terminal escapes.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl/fifo_client.h"
#include "rmtree.h"

static char top[900], dir[1000];
static char err[PATH_MAX + 128];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "%s/t.XXXXXX", top);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	umask(022);
}

/* Remove our mkdtemp() directory, never following symlinks. */
static void
rm_tree(const char *path)
{
	rm_tree_marked(path, "/check_client.");
}

static void
teardown(void)
{
	rm_tree(dir);
}

static const char *
at(const char *name)
{
	static char path[4][1200];
	static int i;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/%s", dir, name);
	return path[i];
}

static void
write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static bool
file_is(const char *path, const char *text)
{
	char buf[256];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return strcmp(buf, text) == 0;
}

/*
 * Run fn(arg) in a child as user nobody; its exit status. Only root can:
 * otherwise, or without a user nobody, the caller skips.
 */
static bool
can_be_nobody(void)
{
	return geteuid() == 0 && getpwnam("nobody") != NULL;
}

static int
as_nobody(int (*fn)(const char *), const char *arg)
{
	struct passwd *pw = getpwnam("nobody");
	int status;
	pid_t pid;

	ck_assert_ptr_nonnull(pw);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 ||
		    setuid(pw->pw_uid) < 0)
			_exit(99);
		_exit(fn(arg));
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* ---- paths and the directory ------------------------------------------ */

START_TEST(test_paths)
{
	char d[PATH_MAX], srv[PATH_MAX], want[PATH_MAX];

	ck_assert_int_eq(mkdir(at("real"), 0755), 0);
	ck_assert_int_eq(symlink("real", at("via")), 0);
	/* The directory is resolved, */
	ck_assert_int_eq(sls_ctl_paths(at("via/x.fifo"), d, sizeof(d), srv,
	    sizeof(srv), err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(realpath(at("real"), want));
	ck_assert_str_eq(d, want);
	strcat(want, "/x.fifo");
	ck_assert_str_eq(srv, want);
	/* the FIFO itself never is: a symlink there is refused on open. */
	ck_assert_int_eq(symlink("real/y.fifo", at("link.fifo")), 0);
	ck_assert_int_eq(sls_ctl_paths(at("link.fifo"), d, sizeof(d), srv,
	    sizeof(srv), err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(srv, "/link.fifo"));

	ck_assert_int_eq(sls_ctl_paths(at("real/"), d, sizeof(d), srv,
	    sizeof(srv), err, sizeof(err)), -1);
	ck_assert_int_eq(sls_ctl_paths(at("real/.."), d, sizeof(d), srv,
	    sizeof(srv), err, sizeof(err)), -1);
	ck_assert_int_eq(sls_ctl_paths(at("nodir/x.fifo"), d, sizeof(d), srv,
	    sizeof(srv), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "no server at"));
	ck_assert_int_eq(sls_ctl_paths("/x.fifo", d, sizeof(d), srv,
	    sizeof(srv), err, sizeof(err)), 0);
	ck_assert_str_eq(d, "/");
	ck_assert_str_eq(srv, "/x.fifo");
}
END_TEST

START_TEST(test_check_dir)
{
	ck_assert_int_eq(mkdir(at("d"), 0755), 0);
	ck_assert_int_eq(sls_ctl_check_dir(at("d"), true, err, sizeof(err)),
	    0);
	/* Anyone may swap names in it: not for root. */
	ck_assert_int_eq(chmod(at("d"), 0777), 0);
	ck_assert_int_eq(sls_ctl_check_dir(at("d"), true, err, sizeof(err)),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "sticky"));
	ck_assert_int_eq(sls_ctl_check_dir(at("d"), false, err, sizeof(err)),
	    0);
	ck_assert_int_eq(chmod(at("d"), 0775), 0);
	ck_assert_int_eq(sls_ctl_check_dir(at("d"), true, err, sizeof(err)),
	    -1);
	/* With the sticky bit, as /tmp. */
	ck_assert_int_eq(chmod(at("d"), 01777), 0);
	ck_assert_int_eq(sls_ctl_check_dir(at("d"), true, err, sizeof(err)),
	    0);
	write_file(at("f"), "x");
	ck_assert_int_eq(sls_ctl_check_dir(at("f"), false, err, sizeof(err)),
	    -1);
}
END_TEST

/* ---- the server FIFO -------------------------------------------------- */

START_TEST(test_open_server)
{
	struct stat st;
	int fd, rd;

	/* Missing, no reader: "no server". */
	ck_assert_int_eq(sls_ctl_open_server(at("srv"), &st, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(mkfifo(at("srv"), 0600), 0);
	ck_assert_int_eq(sls_ctl_open_server(at("srv"), &st, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(errno, ENXIO);
	ck_assert_ptr_nonnull(strstr(err, "no server at"));
	/* A FIFO with a reader. */
	rd = open(at("srv"), O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(rd, 0);
	fd = sls_ctl_open_server(at("srv"), &st, err, sizeof(err));
	ck_assert_int_ge(fd, 0);
	ck_assert(S_ISFIFO(st.st_mode));
	close(fd);

	/* A planted symlink to that FIFO (a reader waits behind it). */
	ck_assert_int_eq(symlink(at("srv"), at("link")), 0);
	ck_assert_int_eq(sls_ctl_open_server(at("link"), &st, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(errno, ELOOP);
	ck_assert_ptr_nonnull(strstr(err, "symbolic link"));
	close(rd);

	/* A planted symlink to a file root may write: left alone. */
	write_file(at("victim"), "keep");
	ck_assert_int_eq(symlink(at("victim"), at("link2")), 0);
	ck_assert_int_eq(sls_ctl_open_server(at("link2"), &st, err,
	    sizeof(err)), -1);
	ck_assert(file_is(at("victim"), "keep"));
	/* A regular file, a directory: not FIFOs, not opened. */
	ck_assert_int_eq(sls_ctl_open_server(at("victim"), &st, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "not a FIFO"));
	ck_assert_int_eq(mkdir(at("adir"), 0755), 0);
	ck_assert_int_eq(sls_ctl_open_server(at("adir"), &st, err,
	    sizeof(err)), -1);
}
END_TEST

/* ---- the reply FIFO --------------------------------------------------- */

START_TEST(test_make_reply)
{
	char path[PATH_MAX], prefix[64];
	struct stat made, st;
	int fd, fd2;

	fd = sls_ctl_make_reply(dir, path, sizeof(path), &made, err,
	    sizeof(err));
	ck_assert_msg(fd >= 0, "%s", err);
	snprintf(prefix, sizeof(prefix), "/slserverctl.%ld.", (long)getpid());
	ck_assert_ptr_nonnull(strstr(path, prefix));
	ck_assert_uint_eq(strlen(strstr(path, prefix)), strlen(prefix) + 8);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_uint_eq(st.st_uid, geteuid());
	ck_assert(sls_ctl_reply_ok(fd, &made));
	/* Another one gets another name. */
	fd2 = sls_ctl_make_reply(dir, path + 600, sizeof(path) - 600, &st,
	    err, sizeof(err));
	ck_assert_int_ge(fd2, 0);
	ck_assert_str_ne(path, path + 600);
	close(fd2);

	/* Removed only while it is still ours. */
	sls_ctl_remove_reply(path, &made);
	ck_assert_int_eq(lstat(path, &st), -1);
	close(fd);
}
END_TEST

/* A planted symlink at the reply name: not followed, target untouched. */
START_TEST(test_reply_planted_symlink)
{
	struct stat made, st;

	write_file(at("victim"), "keep");
	ck_assert_int_eq(symlink(at("victim"), at("r1")), 0);
	ck_assert_int_eq(sls_ctl_make_reply_at(at("r1"), &made, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert(file_is(at("victim"), "keep"));
	/* Dangling: the target is not created. */
	ck_assert_int_eq(symlink(at("new"), at("r2")), 0);
	ck_assert_int_eq(sls_ctl_make_reply_at(at("r2"), &made, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_int_eq(lstat(at("new"), &st), -1);
	ck_assert_int_eq(lstat(at("r2"), &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
}
END_TEST

static int
nobody_mkfifo(const char *path)
{
	return mkfifo(path, 0666) == 0 ? 0 : 1;
}

/* 0 when path has no reader (nobody's non-blocking open gets ENXIO). */
static int
nobody_no_reader(const char *path)
{
	int fd = open(path, O_WRONLY | O_NONBLOCK);

	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return errno == ENXIO ? 0 : 2;
}

/* A FIFO another user made at the name: never used, never opened. */
START_TEST(test_reply_precreated_by_other)
{
	struct stat made;

	if (!can_be_nobody()) {
		fprintf(stderr, "SKIP: needs root and user nobody\n");
		return;
	}
	ck_assert_int_eq(chmod(dir, 0777), 0);
	ck_assert_int_eq(as_nobody(nobody_mkfifo, at("r")), 0);
	ck_assert_int_eq(sls_ctl_make_reply_at(at("r"), &made, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_int_eq(as_nobody(nobody_no_reader, at("r")), 0);
}
END_TEST

/* The checks that catch a reply FIFO swapped or shared after mkfifo. */
START_TEST(test_reply_ok)
{
	char path[PATH_MAX];
	struct stat made;
	int fd, other;

	fd = sls_ctl_make_reply(dir, path, sizeof(path), &made, err,
	    sizeof(err));
	ck_assert_int_ge(fd, 0);
	ck_assert(sls_ctl_reply_ok(fd, &made));
	/* A second link: someone could reach it by another name. */
	ck_assert_int_eq(link(path, at("second")), 0);
	ck_assert(!sls_ctl_reply_ok(fd, &made));
	ck_assert_int_eq(unlink(at("second")), 0);
	ck_assert(sls_ctl_reply_ok(fd, &made));
	/* Writable by the group. */
	ck_assert_int_eq(fchmod(fd, 0620), 0);
	ck_assert(!sls_ctl_reply_ok(fd, &made));
	ck_assert_int_eq(fchmod(fd, 0600), 0);
	/* Another FIFO in its place: not the inode made. */
	ck_assert_int_eq(mkfifo(at("swap"), 0600), 0);
	other = open(at("swap"), O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(other, 0);
	ck_assert(!sls_ctl_reply_ok(other, &made));
	/* Renamed over ours: the cleanup leaves the other alone. */
	ck_assert_int_eq(rename(at("swap"), path), 0);
	sls_ctl_remove_reply(path, &made);
	ck_assert_int_eq(access(path, F_OK), 0);
	/* Owned by another user. */
	if (can_be_nobody()) {
		ck_assert_int_eq(fchown(fd, getpwnam("nobody")->pw_uid,
		    (gid_t)-1), 0);
		ck_assert(!sls_ctl_reply_ok(fd, &made));
	}
	close(other);
	close(fd);
}
END_TEST

/* ---- printing --------------------------------------------------------- */

static const char *
printed(const char *data, size_t len)
{
	static char *buf;
	size_t size;
	FILE *fp;

	free(buf);
	buf = NULL;
	fp = open_memstream(&buf, &size);
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(sls_ctl_print(fp, data, len), 0);
	ck_assert_int_eq(fclose(fp), 0);
	return buf;
}

#define PRINTED(s)	printed((s), sizeof(s) - 1)

START_TEST(test_print)
{
	static char big[5000];
	const char *p;
	size_t i;

	ck_assert_str_eq(PRINTED("sl:200_replies = 7\n\tx\n"),
	    "sl:200_replies = 7\n\tx\n");
	/* A forged terminal title, a screen clear, a hidden line. */
	ck_assert_str_eq(PRINTED("ok\033]0;pwned\007\033[2J\rfake\n"),
	    "ok\\x1b]0;pwned\\x07\\x1b[2J\\x0dfake\n");
	ck_assert_str_eq(PRINTED("a\233[31mb\302\233c\342\200\256d\n"),
	    "a\\x9b[31mb\\u009bc\\u202ed\n");
	ck_assert_str_eq(PRINTED("nul\0byte"), "nul\\x00byte");
	ck_assert_str_eq(PRINTED("caf\303\251\n"), "caf\303\251\n");
	/* Longer than the escaping buffer. */
	memset(big, '\033', sizeof(big));
	p = printed(big, sizeof(big));
	ck_assert_uint_eq(strlen(p), 4 * sizeof(big));
	for (i = 0; i < sizeof(big); i++)
		ck_assert_int_eq(memcmp(p + 4 * i, "\\x1b", 4), 0);
}
END_TEST

static Suite *
client_suite(void)
{
	Suite *s = suite_create("client");
	TCase *tc = tcase_create("client");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_paths);
	tcase_add_test(tc, test_check_dir);
	tcase_add_test(tc, test_open_server);
	tcase_add_test(tc, test_make_reply);
	tcase_add_test(tc, test_reply_planted_symlink);
	tcase_add_test(tc, test_reply_precreated_by_other);
	tcase_add_test(tc, test_reply_ok);
	tcase_add_test(tc, test_print);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");
	SRunner *sr;
	int failed;

	snprintf(top, sizeof(top), "%s/check_client.XXXXXX",
	    tmp != NULL && tmp[0] == '/' && strlen(tmp) < 800 ? tmp : "/tmp");
	if (mkdtemp(top) == NULL) {
		perror(top);
		return EXIT_FAILURE;
	}
	/* nobody must be able to reach the test directories. */
	chmod(top, 0711);
	sr = srunner_create(client_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	rm_tree(top);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
