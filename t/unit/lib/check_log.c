/*
 * Unit tests of src/lib/log.c: the probe of the system log socket, run
 * against sockets made in a private temporary directory; the escaping of
 * every log line (each class of control character) and the marker of a
 * line that had to be cut.
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

/* ---- escaping -------------------------------------------------------- */

/* sls_log_escape of the C string in, with flags, into a large buffer. */
static const char *
esc(const char *in, unsigned flags)
{
	static char buf[4096];
	size_t used, n;

	n = sls_log_escape(in, strlen(in), buf, sizeof(buf), flags, &used);
	ck_assert_uint_eq(used, strlen(in));
	ck_assert_uint_eq(strlen(buf), n);
	return buf;
}

#define ESC(in, want)	ck_assert_str_eq(esc((in), 0), (want))

START_TEST(test_escape_ascii)
{
	ESC("", "");
	ESC("plain text: 100% ok [x] {y} ~", "plain text: 100% ok [x] {y} ~");
	/* A backslash stays: escapes are for what cannot be shown. */
	ESC("a\\b", "a\\b");
}
END_TEST

/* C0 controls, HT, LF and CR included, and DEL. */
START_TEST(test_escape_c0)
{
	ESC("\033[31mred\033[0m", "\\x1b[31mred\\x1b[0m");
	ESC("a\tb\nc\rd", "a\\x09b\\x0ac\\x0dd");
	ESC("\001\037", "\\x01\\x1f");
	ESC("x\177y", "x\\x7fy");
	/* slserverctl keeps the layout of a reply: HT and LF only. */
	ck_assert_str_eq(esc("a\tb\nc\rd\033", SLS_ESC_KEEP_TEXT),
	    "a\tb\nc\\x0dd\\x1b");
	/* A NUL inside the input. */
	{
		char buf[64];
		size_t used;

		sls_log_escape("a\0b", 3, buf, sizeof(buf), 0, &used);
		ck_assert_str_eq(buf, "a\\x00b");
		ck_assert_uint_eq(used, 3);
	}
}
END_TEST

/* C1 as raw bytes (not UTF-8) and as UTF-8 characters. */
START_TEST(test_escape_c1)
{
	ESC("a\233[2Jb", "a\\x9b[2Jb");			/* CSI byte */
	ESC("\205", "\\x85");				/* NEL byte */
	ESC("a\302\233[2Jb", "a\\u009b[2Jb");		/* U+009B */
	ESC("\302\205\302\200\302\237", "\\u0085\\u0080\\u009f");
	/* U+00A0 and U+00E9 are text. */
	ESC("\302\240caf\303\251", "\302\240caf\303\251");
}
END_TEST

/* Line and paragraph separators, bidi overrides, isolates and marks. */
START_TEST(test_escape_unicode)
{
	ESC("a\342\200\250b\342\200\251c", "a\\u2028b\\u2029c");
	ESC("\342\200\252\342\200\253\342\200\254\342\200\255\342\200\256",
	    "\\u202a\\u202b\\u202c\\u202d\\u202e");
	ESC("\342\201\246\342\201\247\342\201\250\342\201\251",
	    "\\u2066\\u2067\\u2068\\u2069");
	ESC("\342\200\216\342\200\217\330\234", "\\u200e\\u200f\\u061c");
	/* Their neighbours are text: U+2027, U+202F, U+2065, U+206A. */
	ESC("\342\200\247\342\200\257\342\201\245\342\201\252",
	    "\342\200\247\342\200\257\342\201\245\342\201\252");
	/* Euro sign, CJK, an emoji: kept. */
	ESC("\342\202\254 \344\270\255 \360\237\230\200",
	    "\342\202\254 \344\270\255 \360\237\230\200");
}
END_TEST

/* Bytes that are not valid UTF-8 are shown, each as \xNN. */
START_TEST(test_escape_invalid_utf8)
{
	ESC("\300\200", "\\xc0\\x80");			/* overlong NUL */
	ESC("\340\200\257", "\\xe0\\x80\\xaf");		/* overlong '/' */
	ESC("\355\240\200", "\\xed\\xa0\\x80");		/* surrogate */
	ESC("\364\220\200\200", "\\xf4\\x90\\x80\\x80");	/* > U+10FFFF */
	ESC("\370\377\376", "\\xf8\\xff\\xfe");
	ESC("\342\200", "\\xe2\\x80");			/* cut short */
	ESC("\303(", "\\xc3(");
	ESC("\200abc", "\\x80abc");			/* lone continuation */
}
END_TEST

/* Output space: it stops before a character that does not fit. */
START_TEST(test_escape_room)
{
	char buf[8];
	size_t used, n;

	n = sls_log_escape("abcdefghij", 10, buf, sizeof(buf), 0, &used);
	ck_assert_uint_eq(n, 7);
	ck_assert_uint_eq(used, 7);
	ck_assert_str_eq(buf, "abcdefg");
	n = sls_log_escape("abcde\033", 6, buf, sizeof(buf), 0, &used);
	ck_assert_str_eq(buf, "abcde");
	ck_assert_uint_eq(used, 5);
	n = sls_log_escape("abc\342\200\250", 6, buf, sizeof(buf), 0, &used);
	ck_assert_str_eq(buf, "abc");
	ck_assert_uint_eq(used, 3);
	n = sls_log_escape("abcd\342\202\254", 7, buf, sizeof(buf), 0, &used);
	ck_assert_str_eq(buf, "abcd\342\202\254");
	ck_assert_uint_eq(used, 7);
	ck_assert_uint_eq(n, 7);
	n = sls_log_escape("x", 1, buf, 1, 0, &used);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(used, 0);
	ck_assert_str_eq(buf, "");
}
END_TEST

/* ---- whole lines ------------------------------------------------------ */

/* What one call logged on stderr, without "slserver[pid]: level: ". */
static char *
logged(void (*fn)(const char *), const char *arg)
{
	static char buf[8192];
	char *p;
	ssize_t n;
	int fd;

	fd = open(out, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	saved_stderr = dup(STDERR_FILENO);
	ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
	fn(arg);
	ck_assert_int_ge(dup2(saved_stderr, STDERR_FILENO), 0);
	close(saved_stderr);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	/* one line, one LF, at the end */
	ck_assert_ptr_eq(strchr(buf, '\n'), buf + strlen(buf) - 1);
	buf[strlen(buf) - 1] = '\0';
	p = strstr(buf, "]: ");
	ck_assert_ptr_nonnull(p);
	p = strstr(p + 3, ": ");
	ck_assert_ptr_nonnull(p);
	return p + 2;
}

static void
log_notice(const char *s)
{
	sls_log(LOG_NOTICE, "got '%s' from 192.0.2.7", s);
}

static void
warn_enoent(const char *s)
{
	errno = ENOENT;
	sls_warn("open(%s) failed", s);
}

static void
log_big(const char *s)
{
	sls_log(LOG_NOTICE, "%s%s", s, s);
}

START_TEST(test_line_escaped)
{
	ck_assert_str_eq(logged(log_notice, "ok"), "got 'ok' from 192.0.2.7");
	/* A forged second line, terminal escapes and a bidi override. */
	ck_assert_str_eq(logged(log_notice,
	    "x\nslserver[1]: err: forged\033[2J\342\200\256"),
	    "got 'x\\x0aslserver[1]: err: forged\\x1b[2J\\u202e' from "
	    "192.0.2.7");
	ck_assert_str_eq(logged(warn_enoent, "/tmp/\033]0;t\007"),
	    "open(/tmp/\\x1b]0;t\\x07) failed: No such file or directory");
}
END_TEST

/* Lines too long for the buffer end with the marker, errno text kept. */
START_TEST(test_line_cut)
{
	static char big[3000];
	char *line;
	size_t n;

	memset(big, 'a', 1500);
	big[1500] = '\0';
	line = logged(log_big, big);
	n = strlen(line);
	ck_assert_uint_gt(n, 1900);
	ck_assert_uint_lt(n, 2048);
	ck_assert_str_eq(line + n - strlen(SLS_LOG_CUT), SLS_LOG_CUT);

	/* sls_warn: the marker, then the error text. */
	big[2900] = '\0';
	memset(big, 'b', 2900);
	line = logged(warn_enoent, big);
	n = strlen(line);
	ck_assert_uint_lt(n, 2048);
	ck_assert_ptr_nonnull(strstr(line, "bbb" SLS_LOG_CUT
	    ": No such file or directory"));
	ck_assert_str_eq(line + n - strlen("No such file or directory"),
	    "No such file or directory");

	/* Escaping makes it too long: cut between two escapes. */
	memset(big, '\033', 1000);
	big[1000] = '\0';
	line = logged(log_notice, big);
	n = strlen(line);
	ck_assert_uint_lt(n, 2048);
	ck_assert_str_eq(line + n - strlen("\\x1b" SLS_LOG_CUT),
	    "\\x1b" SLS_LOG_CUT);

	/* Cut by the formatting inside a UTF-8 character: no broken one. */
	big[0] = 'x';
	for (n = 0; n < 1000; n++)
		memcpy(big + 1 + 2 * n, "\303\251", 2);
	big[2001] = '\0';
	line = logged(log_big, big);	/* 2047 = 2001 + 1 + 2 * 22 + 1 */
	n = strlen(line);
	ck_assert_ptr_null(strstr(line, "\\x"));
	ck_assert_str_eq(line + n - strlen("\303\251" SLS_LOG_CUT),
	    "\303\251" SLS_LOG_CUT);
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
	tc = tcase_create("escape");
	tcase_add_test(tc, test_escape_ascii);
	tcase_add_test(tc, test_escape_c0);
	tcase_add_test(tc, test_escape_c1);
	tcase_add_test(tc, test_escape_unicode);
	tcase_add_test(tc, test_escape_invalid_utf8);
	tcase_add_test(tc, test_escape_room);
	suite_add_tcase(s, tc);
	tc = tcase_create("lines");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_line_escaped);
	tcase_add_test(tc, test_line_cut);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
