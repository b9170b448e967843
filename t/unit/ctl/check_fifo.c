/*
 * The admin FIFO (src/ctl/fifo.c) and the commands (src/ctl/admin.c): request
 * parsing, reply names, and whole exchanges through real FIFOs in a
 * private temporary directory, including reply targets that must never be
 * written to, clients that never read, and floods of requests whose
 * replies nobody reads (they wait in a queue, never in the call).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"
#include "ctl/admin.h"
#include "ctl/fifo.h"
#include "shm/segment.h"
#include "shm/sigtable.h"
#include "shm/stats.h"
#include "rmtree.h"

/* ---- parsing ---------------------------------------------------------- */

/* Parse a copy of s (the parser writes into its buffer). */
static int
parse(const char *s, size_t len, sls_fifo_req_t *req, size_t *used,
    char *buf, char *err)
{
	memcpy(buf, s, len);
	return sls_fifo_parse(buf, len, req, used, err, 128);
}

#define PARSE(s, req, used, err) \
	parse((s), sizeof(s) - 1, (req), (used), pbuf, (err))

static char pbuf[16384];

static bool
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

START_TEST(test_parse_plain)
{
	sls_fifo_req_t req;
	size_t used;
	char err[128];

	ck_assert_int_eq(PARSE("ping\n", &req, &used, err), 5);
	ck_assert_uint_eq(used, 5);
	ck_assert_int_eq(req.argc, 1);
	ck_assert_str_eq(req.argv[0], "ping");
	ck_assert_ptr_null(req.argv[1]);
	ck_assert_str_eq(req.reply_name, "");

	ck_assert_int_eq(PARSE("  stats \t sl:404_replies\r\n", &req, &used,
	    err), 26);
	ck_assert_int_eq(req.argc, 2);
	ck_assert_str_eq(req.argv[0], "stats");
	ck_assert_str_eq(req.argv[1], "sl:404_replies");
	ck_assert_str_eq(req.reply_name, "");

	/* A blank line is consumed and runs nothing. */
	ck_assert_int_eq(PARSE("\n", &req, &used, err), 1);
	ck_assert_int_eq(req.argc, 0);
	ck_assert_int_eq(PARSE(" \t\r\n", &req, &used, err), 4);
	ck_assert_int_eq(req.argc, 0);

	/* The command and 14 arguments fit, 15 arguments do not. */
	ck_assert_int_eq(PARSE("a b c d e f g h i j k l m n o\n", &req, &used,
	    err), 30);
	ck_assert_int_eq(req.argc, 15);
	ck_assert_str_eq(req.argv[14], "o");
	ck_assert_ptr_null(req.argv[15]);
	ck_assert_int_eq(PARSE("a b c d e f g h i j k l m n o p\n", &req,
	    &used, err), -1);
	ck_assert_uint_eq(used, 32);
	ck_assert_str_eq(err, "too many arguments");
	ck_assert_int_eq(req.argc, 0);
}
END_TEST

START_TEST(test_parse_colon)
{
	sls_fifo_req_t req;
	size_t used;
	char err[128];

	ck_assert_int_eq(PARSE(":stats:reply.1\nsl\n\n", &req, &used, err),
	    19);
	ck_assert_uint_eq(used, 19);
	ck_assert_int_eq(req.argc, 2);
	ck_assert_str_eq(req.argv[0], "stats");
	ck_assert_str_eq(req.argv[1], "sl");
	ck_assert_ptr_null(req.argv[2]);
	ck_assert_str_eq(req.reply_name, "reply.1");

	/* Argument lines are kept whole, CRLF is accepted. */
	ck_assert_int_eq(PARSE(":x:r\r\n a b \r\nc\r\n\r\n", &req, &used,
	    err), 18);
	ck_assert_int_eq(req.argc, 3);
	ck_assert_str_eq(req.argv[0], "x");
	ck_assert_str_eq(req.argv[1], " a b ");
	ck_assert_str_eq(req.argv[2], "c");
	ck_assert_str_eq(req.reply_name, "r");

	/* Empty reply name: run without a reply. */
	ck_assert_int_eq(PARSE(":reload:\n\n", &req, &used, err), 10);
	ck_assert_int_eq(req.argc, 1);
	ck_assert_str_eq(req.argv[0], "reload");
	ck_assert_str_eq(req.reply_name, "");

	/* Only what the request holds is consumed. */
	ck_assert_int_eq(PARSE(":ping:r\n\nping\n", &req, &used, err), 9);
	ck_assert_uint_eq(used, 9);

	/* The command and 14 arguments fit, 15 arguments do not. */
	ck_assert_int_eq(PARSE(":c:r\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n"
	    "13\n14\n\n", &req, &used, err), 39);
	ck_assert_int_eq(req.argc, 15);
	ck_assert_str_eq(req.argv[14], "14");
	ck_assert_ptr_null(req.argv[15]);
	ck_assert_int_eq(PARSE(":c:r\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n"
	    "13\n14\n15\n\n", &req, &used, err), -1);
	ck_assert_uint_eq(used, 42);
	ck_assert_str_eq(err, "too many arguments");
}
END_TEST

START_TEST(test_parse_partial)
{
	sls_fifo_req_t req;
	size_t used;
	char err[128];

	ck_assert_int_eq(parse("", 0, &req, &used, pbuf, err), 0);
	ck_assert_int_eq(PARSE("pin", &req, &used, err), 0);
	ck_assert_uint_eq(used, 0);
	ck_assert_int_eq(PARSE(":pi", &req, &used, err), 0);
	ck_assert_int_eq(PARSE(":ping:r", &req, &used, err), 0);
	ck_assert_int_eq(PARSE(":ping:r\n", &req, &used, err), 0);
	ck_assert_int_eq(PARSE(":stats:r\nsl\n", &req, &used, err), 0);
	ck_assert_int_eq(PARSE(":stats:r\nsl\n\r", &req, &used, err), 0);
	/* Incomplete but malformed: still waits for its end. */
	ck_assert_int_eq(PARSE(":ping\n", &req, &used, err), 0);
	ck_assert_uint_eq(used, 0);
}
END_TEST

START_TEST(test_parse_several)
{
	static const char in[] = "ping\n:version:a\n\nstats core\n:x:b\ny\n";
	char buf[sizeof(in)], err[128];
	sls_fifo_req_t req;
	size_t used, off = 0;
	int rc;

	memcpy(buf, in, sizeof(in));
	rc = sls_fifo_parse(buf + off, sizeof(in) - 1 - off, &req, &used, err,
	    sizeof(err));
	ck_assert_int_eq(rc, 5);
	ck_assert_str_eq(req.argv[0], "ping");
	off += used;
	rc = sls_fifo_parse(buf + off, sizeof(in) - 1 - off, &req, &used, err,
	    sizeof(err));
	ck_assert_int_eq(rc, 12);
	ck_assert_str_eq(req.argv[0], "version");
	ck_assert_str_eq(req.reply_name, "a");
	off += used;
	rc = sls_fifo_parse(buf + off, sizeof(in) - 1 - off, &req, &used, err,
	    sizeof(err));
	ck_assert_int_eq(rc, 11);
	ck_assert_int_eq(req.argc, 2);
	ck_assert_str_eq(req.argv[1], "core");
	off += used;
	/* The last one is incomplete. */
	rc = sls_fifo_parse(buf + off, sizeof(in) - 1 - off, &req, &used, err,
	    sizeof(err));
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(off, 28);
}
END_TEST

START_TEST(test_parse_too_long)
{
	sls_fifo_req_t req;
	size_t used, n;
	char err[128];

	/* A plain line of 4097 bytes with its LF. */
	memset(pbuf, 'x', 4096);
	pbuf[4096] = '\n';
	ck_assert_int_eq(sls_fifo_parse(pbuf, 4097, &req, &used, err,
	    sizeof(err)), -1);
	ck_assert_uint_eq(used, 4097);
	ck_assert_str_eq(err, "request longer than 4096 bytes");
	/* 4096 bytes exactly is fine. */
	memset(pbuf, 'x', 4095);
	pbuf[4095] = '\n';
	ck_assert_int_eq(sls_fifo_parse(pbuf, 4096, &req, &used, err,
	    sizeof(err)), 4096);

	/* A ':' request whose argument makes it too long. */
	n = (size_t)sprintf(pbuf, ":stats:r\n");
	memset(pbuf + n, 'a', 5000);
	n += 5000;
	n += (size_t)sprintf(pbuf + n, "\n\nping\n");
	ck_assert_int_eq(sls_fifo_parse(pbuf, n, &req, &used, err,
	    sizeof(err)), -1);
	ck_assert_uint_eq(used, n - 5);
	ck_assert_str_eq(err, "request longer than 4096 bytes");
}
END_TEST

START_TEST(test_parse_bad)
{
	sls_fifo_req_t req;
	size_t used;
	char err[128];

	/* Bad reply names: the request is refused, whole. */
	ck_assert_int_eq(PARSE(":ping:../x\n\nping\n", &req, &used, err), -1);
	ck_assert_uint_eq(used, 12);
	ck_assert_str_eq(err, "bad reply name '../x' for command 'ping'");
	ck_assert_str_eq(req.reply_name, "");
	ck_assert_int_eq(req.argc, 0);
	ck_assert_int_eq(PARSE(":ping:/tmp/x\n\n", &req, &used, err), -1);
	ck_assert_str_eq(req.reply_name, "");
	ck_assert_int_eq(PARSE(":ping:.hidden\n\n", &req, &used, err), -1);
	ck_assert_str_eq(req.reply_name, "");
	ck_assert_int_eq(PARSE(":ping:a b\n\n", &req, &used, err), -1);

	ck_assert_int_eq(PARSE(":ping\n\n", &req, &used, err), -1);
	ck_assert_uint_eq(used, 7);
	ck_assert_str_eq(err, "malformed request line, expected "
	    "':COMMAND:REPLY_NAME'");
	ck_assert_int_eq(PARSE("::r\n\n", &req, &used, err), -1);
	ck_assert_str_eq(err, "empty command");
	ck_assert_int_eq(PARSE("pi\001ng\n", &req, &used, err), -1);
	ck_assert_uint_eq(used, 6);
	ck_assert_str_eq(err, "control character in request");
	ck_assert_int_eq(PARSE("pi\0ng\n", &req, &used, err), -1);
	ck_assert_uint_eq(used, 6);
	ck_assert_int_eq(PARSE(":ping:r\na\033b\n\n", &req, &used, err), -1);
	ck_assert_str_eq(err, "control character in request");
	ck_assert_int_eq(PARSE(":ping:r\na\0b\n\n", &req, &used, err), -1);
	ck_assert_uint_eq(used, 13);
	/* A NULL error buffer is allowed. */
	memcpy(pbuf, "::\n\n", 4);
	ck_assert_int_eq(sls_fifo_parse(pbuf, 4, &req, &used, NULL, 0), -1);
}
END_TEST

START_TEST(test_reply_name_ok)
{
	char name[300];

	ck_assert(sls_fifo_reply_name_ok("slserverctl.1234"));
	ck_assert(sls_fifo_reply_name_ok("a"));
	ck_assert(sls_fifo_reply_name_ok("reply:x-y_z~"));
	ck_assert(!sls_fifo_reply_name_ok(NULL));
	ck_assert(!sls_fifo_reply_name_ok(""));
	ck_assert(!sls_fifo_reply_name_ok("."));
	ck_assert(!sls_fifo_reply_name_ok(".."));
	ck_assert(!sls_fifo_reply_name_ok(".hidden"));
	ck_assert(!sls_fifo_reply_name_ok("../x"));
	ck_assert(!sls_fifo_reply_name_ok("/tmp/x"));
	ck_assert(!sls_fifo_reply_name_ok("a/b"));
	ck_assert(!sls_fifo_reply_name_ok("a/"));
	ck_assert(!sls_fifo_reply_name_ok("a b"));
	ck_assert(!sls_fifo_reply_name_ok("a\tb"));
	ck_assert(!sls_fifo_reply_name_ok("a\nb"));
	ck_assert(!sls_fifo_reply_name_ok("a\177"));
	ck_assert(!sls_fifo_reply_name_ok("caf\303\251"));
	memset(name, 'n', 255);
	name[255] = '\0';
	ck_assert(sls_fifo_reply_name_ok(name));
	name[255] = 'n';
	name[256] = '\0';
	ck_assert(!sls_fifo_reply_name_ok(name));
}
END_TEST

/* ---- end to end ------------------------------------------------------- */

typedef struct fake {
	const sls_conf_t *conf;
	int reloads;
	bool reload_fails;
	int extra_workers;	/* lines to add to the workers listing */
} fake_t;

static char top[900], base[1024], dir[1100], fifopath[1200];
static sls_fifo_t fifo;
static sls_shm_t shm;
static sls_conf_t conf;
static fake_t fake;
static sls_admin_ops_t ops;

static const sls_conf_t *
fake_conf(void *arg)
{
	return ((fake_t *)arg)->conf;
}

static int
fake_reload(void *arg, sls_errlist_t *errs)
{
	fake_t *f = arg;

	f->reloads++;
	if (!f->reload_fails)
		return 0;
	sls_errlist_add(errs, "a.conf:3: unknown option 'bogus'");
	sls_errlist_add(errs, "a.conf:7: bad\nnewline");
	return -1;
}

static void
fake_workers(void *arg, sls_buf_t *out)
{
	fake_t *f = arg;
	int i;

	sls_buf_printf(out, "slot number pid generation state restarts\n");
	sls_buf_printf(out, "0 1 4242 1 ready 0\n");
	for (i = 0; i < f->extra_workers; i++)
		sls_buf_printf(out, "%d %d %d 1 ready 0\n", i + 1, i + 2,
		    10000 + i);
}

static void
e2e_setup(void)
{
	uint64_t now;
	int i;

	signal(SIGPIPE, SIG_IGN);
	/* Inside main()'s directory, which main() removes even when a
	   test died before its teardown. */
	snprintf(base, sizeof(base), "%s/t.XXXXXX", top);
	ck_assert_ptr_nonnull(mkdtemp(base));
	snprintf(dir, sizeof(dir), "%s/run", base);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	snprintf(fifopath, sizeof(fifopath), "%s/slserver.fifo", dir);
	umask(077);
	ck_assert_int_eq(sls_fifo_open(&fifo, fifopath, 0660), 0);

	ck_assert_int_eq(sls_shm_create(&shm, 1024), 0);
	/* Counters spread over several slots, summed by the commands. */
	sls_stat_add(&shm.stats[0], SLS_ST_404, 4);
	sls_stat_add(&shm.stats[7], SLS_ST_404, 3);
	sls_stat_add(&shm.stats[SLS_SUPERVISOR_SLOT], SLS_ST_RELOADS, 2);
	sls_stat_add(&shm.stats[3], SLS_ST_RCV_REQUESTS, 10);
	sls_stat_add(&shm.stats[300], SLS_ST_RCV_REQUESTS, 5);
	sls_stat_add(&shm.stats[1], SLS_ST_SIGTABLE_EVICTIONS, 5);
	sls_stat_add(&shm.stats[2], SLS_ST_RCV_ACKS, 9);
	now = sls_now_ms();
	for (i = 1; i <= 3; i++)
		sls_sigtable_insert(shm.sigtable, (uint64_t)i * 7919, 1, now,
		    now + 60000);

	memset(&conf, 0, sizeof(conf));
	conf.sl.ack_timeout = 32;
	memset(&fake, 0, sizeof(fake));
	fake.conf = &conf;
	memset(&ops, 0, sizeof(ops));
	ops.arg = &fake;
	ops.shm = &shm;
	ops.conf = fake_conf;
	ops.reload = fake_reload;
	ops.workers = fake_workers;
}

/* Remove our mkdtemp() directory, never following symlinks. */
static void
rm_tree(const char *path)
{
	rm_tree_marked(path, "/check_fifo.");
}

static void
e2e_teardown(void)
{
	sls_fifo_close(&fifo);
	sls_shm_destroy(&shm);
	rm_tree(base);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Write a request as a client would. */
static void
client_send(const char *s, size_t len)
{
	int fd = open(fifopath, O_WRONLY | O_NONBLOCK);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, s, len), (ssize_t)len);
	close(fd);
}

#define SEND(s)	client_send((s), strlen(s))

/* A reply FIFO in dir with its read end open. */
static int
reply_fifo(const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	fd = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(fd, 0);
	return fd;
}

/*
 * Serve until the admin FIFO has nothing more to read, or the reply
 * queue is full (requests then wait in the pipe). Never waits.
 */
static void
serve_all(void)
{
	struct pollfd p;
	int rounds = 0;

	do {
		sls_fifo_serve(&fifo, &ops);
		p.fd = sls_fifo_poll_fd(&fifo);
		p.events = POLLIN;
		ck_assert_int_lt(++rounds, 100);
	} while (p.fd >= 0 && poll(&p, 1, 0) > 0);
}

/*
 * Drive the queue as the supervisor's loop does, a tick every
 * SLS_FIFO_RETRY_MS, until done() holds or seconds pass; the time taken.
 */
static double
tick_until(bool (*done)(void), double seconds)
{
	struct timespec step = { 0, SLS_FIFO_RETRY_MS * 1000000L };
	double t0 = now_s();

	while (!done()) {
		ck_assert_msg(now_s() - t0 < seconds, "not done after %.1f s",
		    seconds);
		nanosleep(&step, NULL);
		if (sls_fifo_poll_fd(&fifo) >= 0)
			serve_all();
		else
			sls_fifo_tick(&fifo, &ops);
	}
	return now_s() - t0;
}

static bool
queue_empty(void)
{
	return fifo.nreplies == 0 && !sls_fifo_busy(&fifo);
}

/* Everything readable now from a reply FIFO, NUL-terminated. */
static char *
read_reply(int fd)
{
	static char buf[65536 + 1];
	size_t len = 0;
	ssize_t r;

	while (len < sizeof(buf) - 1 &&
	    (r = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)r;
	buf[len] = '\0';
	return buf;
}

/* Send request, serve it, return the reply read from reply FIFO name. */
static char *
exchange(const char *request, const char *name)
{
	int fd = reply_fifo(name);
	char *r;

	SEND(request);
	serve_all();
	r = read_reply(fd);
	close(fd);
	return r;
}

START_TEST(test_open_mode_and_close)
{
	struct stat st;

	ck_assert_int_eq(lstat(fifopath, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	/* The umask (077) did not reduce the mode. */
	ck_assert_uint_eq(st.st_mode & 07777, 0660);
	ck_assert_str_eq(fifo.path, fifopath);
	ck_assert_str_eq(fifo.dir, dir);
	sls_fifo_close(&fifo);
	ck_assert_int_eq(lstat(fifopath, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	/* Closing twice is harmless. */
	sls_fifo_close(&fifo);

	/* A stale FIFO is replaced. */
	ck_assert_int_eq(mkfifo(fifopath, 0600), 0);
	ck_assert_int_eq(sls_fifo_open(&fifo, fifopath, 0640), 0);
	ck_assert_int_eq(lstat(fifopath, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
}
END_TEST

START_TEST(test_open_not_a_fifo)
{
	sls_fifo_t f2;
	char path[PATH_MAX], buf[16];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/regular", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "data", 4), 4);
	close(fd);
	ck_assert_int_eq(sls_fifo_open(&f2, path, 0660), -1);
	ck_assert_int_eq(errno, EEXIST);
	/* Left alone. */
	fd = open(path, O_RDONLY);
	ck_assert_int_eq(read(fd, buf, sizeof(buf)), 4);
	close(fd);
	/* Closing the failed one does nothing. */
	sls_fifo_close(&f2);
	ck_assert_int_eq(lstat(path, &st), 0);

	snprintf(path, sizeof(path), "%s/adir", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(sls_fifo_open(&f2, path, 0660), -1);

	snprintf(path, sizeof(path), "%s/alink", dir);
	ck_assert_int_eq(symlink(fifopath, path), 0);
	ck_assert_int_eq(sls_fifo_open(&f2, path, 0660), -1);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));

	snprintf(path, sizeof(path), "%s/nodir/x.fifo", dir);
	ck_assert_int_eq(sls_fifo_open(&f2, path, 0660), -1);
}
END_TEST

START_TEST(test_ping)
{
	ck_assert_str_eq(exchange(":ping:r1\n\n", "r1"), "200 OK\npong\n");
}
END_TEST

START_TEST(test_stats)
{
	char *r;

	ck_assert_str_eq(exchange(":stats:r1\nsl:404_replies\n\n", "r1"),
	    "200 OK\nsl:404_replies = 7\n");
	ck_assert_str_eq(exchange(":stats:r2\n404_replies\n\n", "r2"),
	    "200 OK\nsl:404_replies = 7\n");
	ck_assert_str_eq(exchange(":stats:r3\nreceived_ACKs\n\n", "r3"),
	    "200 OK\nsl:received_ACKs = 9\n");
	ck_assert_str_eq(exchange(":stats:r4\ncore\n\n", "r4"),
	    "200 OK\n"
	    "core:rcv_requests = 15\n"
	    "core:rcv_replies = 0\n"
	    "core:drop_requests = 0\n"
	    "core:err_requests = 0\n"
	    "core:oversize = 0\n"
	    "core:worker_restarts = 0\n"
	    "core:reloads = 2\n"
	    "core:reload_failures = 0\n"
	    "core:fwd_requests = 0\n"
	    "core:fwd_replies = 0\n"
	    "core:drop_replies = 0\n"
	    "core:limited = 0\n"
	    "core:blocks = 0\n"
	    "core:error_replies_limited = 0\n");
	ck_assert_str_eq(exchange(":stats:r5\nshm\n\n", "r5"),
	    "200 OK\n"
	    "shm:sigtable_evictions = 5\n"
	    "shm:sigtable_drops = 0\n"
	    "shm:srctable_evictions = 0\n"
	    "shm:sigtable_used = 3\n"
	    "shm:sigtable_size = 1024\n");
	ck_assert_str_eq(exchange(":stats:r6\nshm:sigtable_used\n\n", "r6"),
	    "200 OK\nshm:sigtable_used = 3\n");
	ck_assert_str_eq(exchange(":stats:r7\nsigtable_size\n\n", "r7"),
	    "200 OK\nshm:sigtable_size = 1024\n");
	ck_assert_str_eq(exchange(":stats:r8\nbogus\n\n", "r8"),
	    "400 unknown statistic 'bogus'\n");
	ck_assert_str_eq(exchange(":stats:r9\ncore:404_replies\n\n", "r9"),
	    "400 unknown statistic 'core:404_replies'\n");
	ck_assert_str_eq(exchange(":stats:r10\nsl\ncore\n\n", "r10"),
	    "400 usage: stats [GROUP|NAME]\n");

	/* Everything: SPEC 5 order, group by group, each group's computed
	   lines after its counters (tm last, ending in its gauge). */
	r = exchange(":stats:r11\n\n", "r11");
	ck_assert(starts_with(r, "200 OK\nsl:1xx_replies = 0\n"
	    "sl:200_replies = 0\n"));
	ck_assert(strstr(r, "\nsl:404_replies = 7\nsl:407_replies = 0\n"));
	/* group by group: core, then shm, then tm, each in list order */
	ck_assert(strstr(r, "\ncore:reload_failures = 0\n"
	    "core:fwd_requests = 0\ncore:fwd_replies = 0\n"
	    "core:drop_replies = 0\ncore:limited = 0\ncore:blocks = 0\n"
	    "core:error_replies_limited = 0\nshm:sigtable_evictions = 5\n"
	    "shm:sigtable_drops = 0\nshm:srctable_evictions = 0\n"
	    "shm:sigtable_used = 3\nshm:sigtable_size = 1024\n"
	    "tm:UAS_transactions = 0\n") != NULL);
	ck_assert(strstr(r, "\ntm:inuse_transactions = 0\n") +
	    strlen("\ntm:inuse_transactions = 0\n") == r + strlen(r));
	{
		const char *p;
		int lines = 0;

		for (p = r; (p = strchr(p, '\n')) != NULL; p++)
			lines++;
		ck_assert_int_eq(lines, 1 + SLS_ST_COUNT + 3);
	}
}
END_TEST

START_TEST(test_prometheus)
{
	char *r = exchange(":stats:rp\nprometheus\n\n", "rp");

	ck_assert(starts_with(r,
	    "200 OK\n# HELP slserver_sl_replies_total "));
	ck_assert(strstr(r, "\nslserver_sl_replies_total{bucket=\"404\"} 7\n"));
	ck_assert(strstr(r, "\nslserver_reloads_total{result=\"ok\"} 2\n"));
	ck_assert(strstr(r, "\nslserver_acks_filtered_total 9\n"));
	ck_assert(strstr(r, "\nslserver_sigtable_used 3\n"));
	ck_assert(strstr(r, "\nslserver_sigtable_size 1024\n"));
	ck_assert(r[strlen(r) - 1] == '\n' && r[strlen(r) - 2] != '\n');
}
END_TEST

START_TEST(test_other_commands)
{
	char want[128], *r;

	snprintf(want, sizeof(want), "200 OK\nslserver %s\n"
	    "shm layout version %d\n", PACKAGE_VERSION, SLS_SHM_VERSION);
	ck_assert_str_eq(exchange(":version:v\n\n", "v"), want);
	ck_assert_str_eq(exchange(":frob:u\nx\n\n", "u"),
	    "400 unknown command 'frob'\n");
	ck_assert_str_eq(exchange(":ping:p\nextra\n\n", "p"),
	    "400 usage: ping\n");
	ck_assert_str_eq(exchange(":workers:w\n\n", "w"),
	    "200 OK\nslot number pid generation state restarts\n"
	    "0 1 4242 1 ready 0\n");
	ck_assert_str_eq(exchange(":sigtable:s\n\n", "s"),
	    "200 OK\nsize = 1024\nused = 3\nevictions = 5\n"
	    "ack_timeout = 32\n");

	r = exchange(":help:h\n\n", "h");
	ck_assert(starts_with(r, "200 OK\nping "));
	ck_assert(strstr(r, "\nstats [GROUP|NAME] "));
	ck_assert(strstr(r, "\nstats prometheus "));
	ck_assert(strstr(r, "\nreload "));
	ck_assert(strstr(r, "\nworkers "));
	ck_assert(strstr(r, "\nsigtable "));
	ck_assert(strstr(r, "\nversion "));
	ck_assert(strstr(r, "\nhelp "));
}
END_TEST

START_TEST(test_reload)
{
	ck_assert_str_eq(exchange(":reload:a\n\n", "a"), "200 OK\nreloaded\n");
	ck_assert_int_eq(fake.reloads, 1);
	fake.reload_fails = true;
	ck_assert_str_eq(exchange(":reload:b\n\n", "b"),
	    "500 reload failed\n"
	    "a.conf:3: unknown option 'bogus'\n"
	    "a.conf:7: bad newline\n");
	ck_assert_int_eq(fake.reloads, 2);
}
END_TEST

START_TEST(test_plain_and_several)
{
	int fa = reply_fifo("ra"), fb = reply_fifo("rb");

	/* Plain commands run without a reply; one write, four requests. */
	SEND("reload\n:ping:ra\n\n\nstats   sl:404_replies\n:sigtable:rb\n\n");
	serve_all();
	ck_assert_int_eq(fake.reloads, 1);
	ck_assert_str_eq(read_reply(fa), "200 OK\npong\n");
	ck_assert_str_eq(read_reply(fb), "200 OK\nsize = 1024\nused = 3\n"
	    "evictions = 5\nack_timeout = 32\n");
	close(fa);
	close(fb);
	ck_assert_uint_eq(fifo.npending, 0);
}
END_TEST

/* The log goes to stderr in these tests: catch it in a file. */
static char logpath[1200];
static int saved_stderr = -1;

static void
log_capture(void)
{
	int fd;

	snprintf(logpath, sizeof(logpath), "%s/log", base);
	fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	saved_stderr = dup(STDERR_FILENO);
	ck_assert_int_ge(saved_stderr, 0);
	ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
	close(fd);
}

/* Restore stderr; what was logged since log_capture(), NUL-terminated. */
static char *
log_captured(void)
{
	static char buf[65536];
	size_t len = 0;
	ssize_t r;
	int fd;

	ck_assert_int_ge(dup2(saved_stderr, STDERR_FILENO), 0);
	close(saved_stderr);
	saved_stderr = -1;
	fd = open(logpath, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	while (len < sizeof(buf) - 1 &&
	    (r = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)r;
	close(fd);
	buf[len] = '\0';
	return buf;
}

START_TEST(test_plain_logs_body)
{
	static char body[16384];
	char line[512], *r, *p, *nl, *log;
	int lines = 0;

	/* What a client with a reply FIFO reads, and nothing is logged. */
	log_capture();
	r = exchange(":stats:r\n\n", "r");
	log = log_captured();
	ck_assert(starts_with(r, "200 OK\n"));
	snprintf(body, sizeof(body), "%s", r + strlen("200 OK\n"));
	ck_assert_ptr_null(strstr(log, "sl:404_replies"));

	/* "echo stats > FIFO": status and every body line in the log, at
	   notice, one line each. */
	log_capture();
	SEND("stats\n");
	serve_all();
	log = log_captured();
	ck_assert_ptr_nonnull(strstr(log,
	    "notice: fifo command 'stats': 200 OK\n"));
	for (p = body; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		snprintf(line, sizeof(line),
		    "notice: fifo command 'stats': %.*s\n", (int)(nl - p), p);
		ck_assert_msg(strstr(log, line) != NULL, "not logged: %s",
		    line);
		lines++;
	}
	ck_assert_int_gt(lines, 5);
	ck_assert_ptr_nonnull(strstr(log,
	    "fifo command 'stats': sl:404_replies = 7\n"));

	/* A refused reload logs each FILE:LINE message. */
	fake.reload_fails = true;
	log_capture();
	SEND("reload\n");
	serve_all();
	log = log_captured();
	ck_assert_ptr_nonnull(strstr(log,
	    "fifo command 'reload': 500 reload failed\n"));
	ck_assert_ptr_nonnull(strstr(log,
	    "fifo command 'reload': a.conf:3: unknown option 'bogus'\n"));
	ck_assert_ptr_nonnull(strstr(log,
	    "fifo command 'reload': a.conf:7: bad newline\n"));
}
END_TEST

START_TEST(test_split_request)
{
	int fd = reply_fifo("r");

	SEND(":stats:r\n");
	serve_all();
	ck_assert_str_eq(read_reply(fd), "");
	SEND("sl:404_rep");
	serve_all();
	ck_assert_str_eq(read_reply(fd), "");
	SEND("lies\n\n");
	serve_all();
	ck_assert_str_eq(read_reply(fd), "200 OK\nsl:404_replies = 7\n");
	close(fd);
}
END_TEST

START_TEST(test_too_long_resync)
{
	static char big[9000];
	int fd = reply_fifo("r");

	/* A plain line with no end: dropped up to its LF. */
	memset(big, 'x', 5000);
	client_send(big, 5000);
	serve_all();
	ck_assert_int_ne(fifo.discard, 0);
	SEND("yyy reload\n:ping:r\n\n");
	serve_all();
	ck_assert_int_eq(fifo.discard, 0);
	ck_assert_str_eq(read_reply(fd), "200 OK\npong\n");
	ck_assert_int_eq(fake.reloads, 0);

	/* A ':' request with no end in sight: dropped up to its empty line,
	   its argument lines never run as commands. */
	memcpy(big, ":stats:r\n", 9);
	memset(big + 9, 'a', 8000);
	client_send(big, 8009);
	serve_all();
	SEND("\nreload\nreload\n\n:ping:r\n\n");
	serve_all();
	ck_assert_int_eq(fake.reloads, 0);
	ck_assert_str_eq(read_reply(fd), "200 OK\npong\n");

	/* Complete but too long: refused, the next one runs. */
	memset(big + 9, 'a', 4100);
	memcpy(big + 4109, "\n\n:ping:r\n\n", 11);
	client_send(big, 4120);
	serve_all();
	ck_assert_str_eq(read_reply(fd), "200 OK\npong\n");
	close(fd);
}
END_TEST

static bool
untouched(const char *name, const char *content)
{
	char path[PATH_MAX], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return false;
	buf[n] = '\0';
	return strcmp(buf, content) == 0;
}

START_TEST(test_unsafe_targets)
{
	char path[PATH_MAX], target[PATH_MAX], outside[PATH_MAX];
	int fd, tfd, ofd;
	double t0;

	/* A regular file. */
	snprintf(path, sizeof(path), "%s/reg", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_eq(write(fd, "keep", 4), 4);
	close(fd);
	t0 = now_s();
	SEND(":ping:reg\n\n");
	serve_all();
	ck_assert(now_s() - t0 < 0.5);
	ck_assert(untouched("reg", "keep"));

	/* A symlink to a FIFO that has a reader. */
	tfd = reply_fifo("target");
	snprintf(target, sizeof(target), "%s/target", dir);
	snprintf(path, sizeof(path), "%s/link", dir);
	ck_assert_int_eq(symlink(target, path), 0);
	SEND(":ping:link\n\n");
	serve_all();
	ck_assert_str_eq(read_reply(tfd), "");

	/* A symlink to a regular file. */
	snprintf(path, sizeof(path), "%s/link2", dir);
	snprintf(target, sizeof(target), "%s/reg", dir);
	ck_assert_int_eq(symlink(target, path), 0);
	SEND(":ping:link2\n\n");
	serve_all();
	ck_assert(untouched("reg", "keep"));

	/* A second hard link to the FIFO. */
	snprintf(target, sizeof(target), "%s/target", dir);
	snprintf(path, sizeof(path), "%s/hard", dir);
	ck_assert_int_eq(link(target, path), 0);
	SEND(":ping:hard\n\n");
	serve_all();
	ck_assert_str_eq(read_reply(tfd), "");
	SEND(":ping:target\n\n");
	serve_all();
	ck_assert_str_eq(read_reply(tfd), "");

	/* Outside the directory. */
	snprintf(outside, sizeof(outside), "%s/x", base);
	ck_assert_int_eq(mkfifo(outside, 0600), 0);
	ofd = open(outside, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(ofd, 0);
	SEND(":ping:../x\n\n");
	serve_all();
	ck_assert_str_eq(read_reply(ofd), "");
	close(ofd);

	/* A directory, and a name that does not exist. */
	snprintf(path, sizeof(path), "%s/sub", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	t0 = now_s();
	SEND(":ping:sub\n\n:ping:nothere\n\n");
	serve_all();
	ck_assert(now_s() - t0 < 0.5);
	close(tfd);

	/* After all that, a good request is still answered. */
	ck_assert_str_eq(exchange(":ping:ok\n\n", "ok"), "200 OK\npong\n");
}
END_TEST

/*
 * A reply FIFO nobody reads: the request is served at once and its reply
 * waits in the queue, while other requests are answered; after
 * SLS_FIFO_REPLY_MS it is given up.
 */
START_TEST(test_no_reader)
{
	char path[PATH_MAX];
	double t0, dt;

	snprintf(path, sizeof(path), "%s/nobody", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	t0 = now_s();
	SEND(":ping:nobody\n\n");
	serve_all();
	ck_assert_msg(now_s() - t0 < 0.2, "serve took %.3f s", now_s() - t0);
	ck_assert_uint_eq(fifo.nreplies, 1);
	ck_assert(sls_fifo_busy(&fifo));
	/* Others are served meanwhile, at once. */
	ck_assert_str_eq(exchange(":ping:ok\n\n", "ok"), "200 OK\npong\n");
	ck_assert_uint_eq(fifo.nreplies, 1);
	dt = tick_until(queue_empty, 3);
	ck_assert_msg(dt >= 0.7 && dt < 1.5, "given up after %.3f s", dt);
}
END_TEST

/* A shell client opens its reply FIFO after sending: it gets its reply. */
START_TEST(test_late_reader)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/late", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	SEND(":ping:late\n\n");
	serve_all();
	ck_assert_uint_eq(fifo.nreplies, 1);
	fd = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(fd, 0);
	tick_until(queue_empty, 2);
	ck_assert_str_eq(read_reply(fd), "200 OK\npong\n");
	close(fd);
}
END_TEST

/* 40 requests naming FIFOs nobody reads, then a ping. */
START_TEST(test_flood)
{
	char path[PATH_MAX], req[64];
	double t0, dt;
	int i, fd;

	for (i = 0; i < 40; i++) {
		snprintf(path, sizeof(path), "%s/dead%d", dir, i);
		ck_assert_int_eq(mkfifo(path, 0600), 0);
		snprintf(req, sizeof(req), ":ping:dead%d\n\n", i);
		SEND(req);
	}
	fd = reply_fifo("alive");
	SEND(":ping:alive\n\n");
	t0 = now_s();
	serve_all();
	ck_assert_msg(now_s() - t0 < 0.2, "serve took %.3f s", now_s() - t0);
	/* The queue is full: the rest waits, unread or unparsed. */
	ck_assert_uint_eq(fifo.nreplies, SLS_FIFO_MAX_REPLIES);
	ck_assert_int_eq(sls_fifo_poll_fd(&fifo), -1);
	ck_assert_str_eq(read_reply(fd), "");
	/* Once the first replies are given up, the rest are served. */
	dt = tick_until(queue_empty, 5);
	ck_assert_msg(dt < 3, "queue emptied after %.3f s", dt);
	ck_assert_str_eq(read_reply(fd), "200 OK\npong\n");
	ck_assert_int_eq(sls_fifo_poll_fd(&fifo), fifo.rfd);
	ck_assert_uint_eq(fifo.npending, 0);
	close(fd);
}
END_TEST

START_TEST(test_reader_never_reads)
{
	char *r;
	double t0, dt;
	int fd = reply_fifo("slow");

	/* A pipe smaller than the reply, and a reader that never reads:
	   the write gives up after its time bound. */
	ck_assert_int_eq(fcntl(fd, F_SETPIPE_SZ, 4096), 4096);
	fake.extra_workers = 1000;
	t0 = now_s();
	SEND(":workers:slow\n\n");
	serve_all();
	ck_assert_msg(now_s() - t0 < 0.2, "serve took %.3f s", now_s() - t0);
	ck_assert_uint_eq(fifo.nreplies, 1);
	dt = tick_until(queue_empty, 3);
	ck_assert_msg(dt >= 0.7 && dt < 1.5, "given up after %.3f s", dt);
	r = read_reply(fd);
	ck_assert_uint_eq(strlen(r), 4096);
	ck_assert(starts_with(r, "200 OK\nslot number pid "));
	close(fd);
}
END_TEST

/*
 * A slow reader gets the whole reply, and its end: a process forked
 * meanwhile (a respawned worker) must not hold the reply open.
 */
START_TEST(test_slow_reader_and_fork)
{
	static char got[65536];
	size_t len = 0;
	double t0;
	pid_t pid;
	int fd = reply_fifo("slow"), status;
	ssize_t n;

	ck_assert_int_eq(fcntl(fd, F_SETPIPE_SZ, 4096), 4096);
	fake.extra_workers = 1000;
	SEND(":workers:slow\n\n");
	serve_all();
	ck_assert_uint_eq(fifo.nreplies, 1);
	ck_assert_int_ge(fifo.reply[0].fd, 0);

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		sls_fifo_close_child(&fifo);
		sleep(10);
		_exit(0);
	}
	t0 = now_s();
	for (;;) {
		n = read(fd, got + len, sizeof(got) - 1 - len);
		if (n == 0)
			break;		/* the end of the reply */
		if (n > 0)
			len += (size_t)n;
		ck_assert_msg(now_s() - t0 < 3, "no end of reply, %zu bytes",
		    len);
		sls_fifo_tick(&fifo, &ops);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	got[len] = '\0';
	ck_assert(starts_with(got, "200 OK\nslot number pid "));
	ck_assert_ptr_nonnull(strstr(got, "\n1000 1001 10999 1 ready 0\n"));
	ck_assert_uint_eq(fifo.nreplies, 0);
	close(fd);
}
END_TEST

static Suite *
fifo_suite(void)
{
	Suite *s = suite_create("fifo");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_test(tc, test_parse_plain);
	tcase_add_test(tc, test_parse_colon);
	tcase_add_test(tc, test_parse_partial);
	tcase_add_test(tc, test_parse_several);
	tcase_add_test(tc, test_parse_too_long);
	tcase_add_test(tc, test_parse_bad);
	tcase_add_test(tc, test_reply_name_ok);
	suite_add_tcase(s, tc);

	tc = tcase_create("serve");
	tcase_add_checked_fixture(tc, e2e_setup, e2e_teardown);
	tcase_add_test(tc, test_open_mode_and_close);
	tcase_add_test(tc, test_open_not_a_fifo);
	tcase_add_test(tc, test_ping);
	tcase_add_test(tc, test_stats);
	tcase_add_test(tc, test_prometheus);
	tcase_add_test(tc, test_other_commands);
	tcase_add_test(tc, test_reload);
	tcase_add_test(tc, test_plain_and_several);
	tcase_add_test(tc, test_plain_logs_body);
	tcase_add_test(tc, test_split_request);
	tcase_add_test(tc, test_too_long_resync);
	tcase_add_test(tc, test_unsafe_targets);
	tcase_add_test(tc, test_no_reader);
	tcase_add_test(tc, test_late_reader);
	tcase_add_test(tc, test_flood);
	tcase_add_test(tc, test_reader_never_reads);
	tcase_add_test(tc, test_slow_reader_and_fork);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");
	SRunner *sr;
	int failed;

	snprintf(top, sizeof(top), "%s/check_fifo.XXXXXX",
	    tmp != NULL && tmp[0] == '/' && strlen(tmp) < 800 ? tmp : "/tmp");
	if (mkdtemp(top) == NULL) {
		perror(top);
		return EXIT_FAILURE;
	}
	sr = srunner_create(fifo_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	rm_tree(top);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
