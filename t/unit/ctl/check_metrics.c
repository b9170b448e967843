/*
 * GET /metrics (src/ctl/metrics_http.c) in a child process on a real
 * socket: status codes, headers, the body being "stats prometheus",
 * the bounds on request size and connections, stopping on its flag; and
 * the metrics_listen option: what it accepts, restart-only.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf/conf.h"
#include "core/route_count.h"
#include "ctl/metrics_http.h"
#include "ctl/prom.h"
#include "lib/buf.h"
#include "shm/segment.h"
#include "check_run.h"

static sls_shm_t shm;
static sls_conf_t *conf;
static pid_t server;
static struct sockaddr_in addr;

static volatile sig_atomic_t stop_flag;

static void
on_term(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* The child: serve until SIGTERM, as the metrics process does. */
static void __attribute__((noreturn))
serve(int fd)
{
	struct sigaction sa;
	sigset_t none;

	/* SIGTERM is blocked since before the fork (setup): one sent at
	   once waits for the handler and the wait. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	_exit(sls_metrics_http_serve(fd, &shm, NULL, &stop_flag, &none) == 0 ?
	    0 : 3);
}

static void
setup(void)
{
	sls_errlist_t errs = { NULL, 0 };
	socklen_t len = sizeof(addr);
	sigset_t block;
	int fd;

	ck_assert_int_eq(sls_conf_load_buf("sl { table_size = 1024 }\n"
	    "route \"keepalive\" {\n method = {\"OPTIONS\"}\n"
	    " sl_send_reply = \"200\"\n}\n"
	    "route \"we \\\"quote\\\"\" {\n drop = true\n}\n", "m.conf",
	    &conf, &errs, NULL), 0);
	ck_assert_int_eq(sls_shm_create(&shm, 1024), 0);
	atomic_store(&shm.hdr->generation, 1);
	sls_route_counters_assign(&shm, conf, 1, 1);
	sls_route_ctr_inc(&sls_routestats_block(shm.routestats,
	    5)[conf->routes[0].counter], SLS_RC_MATCHED);
	sls_stat_add(&shm.stats[7], SLS_ST_RCV_REQUESTS, 42);

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ck_assert_int_ge(fd, 0);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	ck_assert_int_eq(listen(fd, 16), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, NULL);
	server = fork();
	ck_assert_int_ge(server, 0);
	if (server == 0)
		serve(fd);
	close(fd);
}

static void
teardown(void)
{
	int status;

	if (server > 0) {
		kill(server, SIGTERM);
		waitpid(server, &status, 0);
		server = 0;
	}
	sls_shm_destroy(&shm);
	sls_conf_free(conf);
}

static int
connect_server(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct timeval tv = { 5, 0 };

	ck_assert_int_ge(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&addr, sizeof(addr)),
	    0);
	return fd;
}

/* Everything the server sends on fd until it closes (or 5 s pass). */
static char *
read_all(int fd)
{
	sls_buf_t b;
	char chunk[4096];
	ssize_t n;

	memset(&b, 0, sizeof(b));
	sls_buf_append(&b, "", 0);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		sls_buf_append(&b, chunk, (size_t)n);
	close(fd);
	return b.data;
}

/* One request, the whole response. */
static char *
http(const char *request)
{
	int fd = connect_server();
	size_t len = strlen(request);

	ck_assert_int_eq(write(fd, request, len), (ssize_t)len);
	return read_all(fd);
}

static const char *
body_of(const char *resp)
{
	const char *b = strstr(resp, "\r\n\r\n");

	ck_assert_ptr_nonnull(b);
	return b + 4;
}

START_TEST(get_metrics)
{
	char *r = http("GET /metrics HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\n\r\n");
	sls_buf_t want;

	ck_assert_msg(strncmp(r, "HTTP/1.1 200 OK\r\n", 17) == 0, "%s", r);
	ck_assert_ptr_nonnull(strstr(r, "\r\nContent-Type: "
	    "text/plain; version=0.0.4\r\n"));
	/* the body is what "stats prometheus" says */
	memset(&want, 0, sizeof(want));
	sls_prom_collect(&want, &shm, NULL);
	ck_assert_str_eq(body_of(r), want.data);
	ck_assert_ptr_nonnull(strstr(body_of(r),
	    "\nslserver_requests_received_total 42\n"));
	ck_assert_ptr_nonnull(strstr(body_of(r),
	    "\nslserver_route_matched_total{route=\"keepalive\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(body_of(r),
	    "\nslserver_route_dropped_total{route=\"we \\\"quote\\\"\"} 0\n"));
	sls_buf_free(&want);
	free(r);

	/* a query string is no other resource; HTTP/1.0 is answered too */
	r = http("GET /metrics?x=1 HTTP/1.0\r\n\r\n");
	ck_assert_msg(strstr(r, " 200 OK\r\n") != NULL, "%s", r);
	free(r);
}
END_TEST

START_TEST(head_metrics)
{
	char *r = http("HEAD /metrics HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\n\r\n");

	ck_assert_msg(strncmp(r, "HTTP/1.1 200 OK\r\n", 17) == 0, "%s", r);
	ck_assert_str_eq(body_of(r), "");
	free(r);
}
END_TEST

START_TEST(not_found)
{
	static const char *const paths[] = { "/", "/metricsx", "/metrics/",
	    "/Metrics", "/stats" };
	char req[128], *r;
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: x\r\n"
		    "Connection: close\r\n\r\n", paths[i]);
		r = http(req);
		ck_assert_msg(strncmp(r, "HTTP/1.1 404 ", 13) == 0, "%s: %s",
		    paths[i], r);
		free(r);
	}
	/* another method elsewhere is still 404 */
	r = http("DELETE /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	ck_assert_msg(strncmp(r, "HTTP/1.1 404 ", 13) == 0, "%s", r);
	free(r);
}
END_TEST

START_TEST(method_not_allowed)
{
	static const char *const methods[] = { "POST", "PUT", "DELETE",
	    "OPTIONS", "PATCH" };
	char req[256], *r;
	size_t i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		snprintf(req, sizeof(req), "%s /metrics HTTP/1.1\r\nHost: x\r\n"
		    "Content-Length: 4\r\nConnection: close\r\n\r\nabcd",
		    methods[i]);
		r = http(req);
		ck_assert_msg(strncmp(r, "HTTP/1.1 405 ", 13) == 0, "%s: %s",
		    methods[i], r);
		ck_assert_ptr_nonnull(strstr(r, "\r\nAllow: GET, HEAD\r\n"));
		free(r);
	}
}
END_TEST

/* A request larger than a connection's memory is refused, not served. */
START_TEST(request_too_large)
{
	static const char head[] = "GET /metrics HTTP/1.1\r\nHost: x\r\n"
	    "X-Big: ";
	size_t n = 2 * SLS_METRICS_CONN_MEMORY, h = sizeof(head) - 1;
	char *req = malloc(h + n + 5), *r;
	int fd;

	ck_assert_ptr_nonnull(req);
	memcpy(req, head, h);
	memset(req + h, 'a', n);
	memcpy(req + h + n, "\r\n\r\n", 5);
	fd = connect_server();
	/* the server may close before it has read everything */
	(void)!write(fd, req, strlen(req));
	r = read_all(fd);
	ck_assert_msg(strstr(r, " 200 OK") == NULL, "%s", r);
	ck_assert_msg(r[0] == '\0' || strncmp(r, "HTTP/1.1 4", 10) == 0,
	    "%s", r);
	free(r);
	free(req);
	/* and the server goes on */
	r = http("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close"
	    "\r\n\r\n");
	ck_assert_msg(strncmp(r, "HTTP/1.1 200 OK\r\n", 17) == 0, "%s", r);
	free(r);
}
END_TEST

/* With every connection taken by an idle client, one more gets nothing;
   once they go, requests are served again. */
START_TEST(connection_limit)
{
	int idle[SLS_METRICS_MAX_CONNS], i, fd;
	char *r;

	for (i = 0; i < SLS_METRICS_MAX_CONNS; i++) {
		idle[i] = connect_server();
		ck_assert_int_eq(write(idle[i], "GET /metrics HTTP/1.1\r\n",
		    23), 23);
	}
	usleep(300000);
	/* it waits in the listen backlog, unserved */
	fd = connect_server();
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){ 1, 0 },
	    sizeof(struct timeval));
	(void)!write(fd, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 35);
	r = read_all(fd);
	ck_assert_msg(strstr(r, "200 OK") == NULL, "over the limit: %s", r);
	free(r);
	for (i = 0; i < SLS_METRICS_MAX_CONNS; i++)
		close(idle[i]);
	usleep(300000);
	r = http("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close"
	    "\r\n\r\n");
	ck_assert_msg(strncmp(r, "HTTP/1.1 200 OK\r\n", 17) == 0, "%s", r);
	free(r);
}
END_TEST

/* The flag stops it, with exit 0. */
START_TEST(stops)
{
	int status;

	ck_assert_int_eq(kill(server, SIGTERM), 0);
	ck_assert_int_eq(waitpid(server, &status, 0), server);
	server = 0;
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

/* ---- metrics_listen -------------------------------------------------- */

static int
load(const char *text, sls_conf_t **c, sls_errlist_t *errs)
{
	return sls_conf_load_buf(text, "t.conf", c, errs, NULL);
}

START_TEST(option)
{
	static const char *const good[] = {
		"metrics_listen = \"127.0.0.1:9154\"\n",
		"metrics_listen = \"[::1]:9154\"\n",
		"metrics_listen = \"*:9154\"\n",
		"metrics_listen = \"\"\n",
		"",
	};
	static const char *const bad[] = {
		"metrics_listen = \"127.0.0.1\"\n",
		"metrics_listen = \"127.0.0.1:0\"\n",
		"metrics_listen = \"127.0.0.1:65536\"\n",
		"metrics_listen = \"localhost:9154\"\n",
		"metrics_listen = \"udp:127.0.0.1:9154\"\n",
		"metrics_listen = \"::1:9154\"\n",
		"metrics_listen = \"[::1]\"\n",
	};
	sls_errlist_t errs = { NULL, 0 };
	sls_conf_t *c;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ck_assert_msg(load(good[i], &c, &errs) == 0, "%s: %s", good[i],
		    errs.n > 0 ? errs.msg[0] : "");
		if (i == 0) {
			ck_assert_str_eq(c->metrics_listen, "127.0.0.1:9154");
			ck_assert_uint_eq(ntohs(((struct sockaddr_in *)
			    &c->metrics.addr)->sin_port), 9154);
		}
		if (i >= 3)
			ck_assert_str_eq(c->metrics_listen, "");
		sls_conf_free(c);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(load(bad[i], &c, &errs) < 0, "accepted %s",
		    bad[i]);
		ck_assert_uint_ge(errs.n, 1);
		ck_assert_msg(strstr(errs.msg[0], "t.conf:1: metrics_listen") !=
		    NULL, "%s", errs.msg[0]);
		sls_errlist_free(&errs);
	}
}
END_TEST

START_TEST(restart_only)
{
	sls_errlist_t errs = { NULL, 0 };
	sls_conf_t *a, *b;

	ck_assert_int_eq(load("metrics_listen = \"127.0.0.1:9154\"\n", &a,
	    &errs), 0);
	ck_assert_int_eq(load("metrics_listen = \"127.0.0.1:9155\"\n", &b,
	    &errs), 0);
	ck_assert_int_eq(sls_conf_restart_diff(a, a, &errs), 0);
	ck_assert_int_eq(sls_conf_restart_diff(a, b, &errs), 1);
	ck_assert_ptr_nonnull(strstr(errs.msg[0], "'metrics_listen'"));
	sls_errlist_free(&errs);
	sls_conf_free(a);
	sls_conf_free(b);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("http");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, get_metrics);
	tcase_add_test(tc, head_metrics);
	tcase_add_test(tc, not_found);
	tcase_add_test(tc, method_not_allowed);
	tcase_add_test(tc, request_too_large);
	tcase_add_test(tc, connection_limit);
	tcase_add_test(tc, stops);
	suite_add_tcase(s, tc);

	tc = tcase_create("option");
	tcase_add_test(tc, option);
	tcase_add_test(tc, restart_only);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return sls_check_run(suite());
}
