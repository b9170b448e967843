/*
 * Config loading: defaults, the shipped samples, every condition and
 * action, and the exact "FILE:LINE: message" of each kind of error.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "lib/buf.h"
#include "conf/conf.h"
#include "lib/log.h"
#include "shm/segment.h"

#ifndef SLS_TEST_SRCDIR
#error "SLS_TEST_SRCDIR must name the t/ directory"
#endif
#ifndef SLS_TOP_SRCDIR
#error "SLS_TOP_SRCDIR must name the source top directory"
#endif

#define NAME	"t.conf"

static void
print_errs(const sls_errlist_t *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		fprintf(stderr, "  %s\n", e->msg[i]);
}

/* A load without an error or a warning. */
static sls_conf_t *
load_ok(const char *text)
{
	sls_errlist_t e = { NULL, 0 }, w = { NULL, 0 };
	sls_conf_t *c = NULL;
	int rc;

	rc = sls_conf_load_buf(text, NAME, &c, &e, &w);
	if (rc != 0)
		print_errs(&e);
	print_errs(&w);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_uint_eq(w.n, 0);
	sls_errlist_free(&e);
	sls_errlist_free(&w);
	return c;
}

static sls_conf_t *
load_file_ok(const char *path)
{
	sls_errlist_t e = { NULL, 0 }, w = { NULL, 0 };
	sls_conf_t *c = NULL;
	int rc;

	rc = sls_conf_load(path, &c, &e, &w);
	if (rc != 0)
		print_errs(&e);
	print_errs(&w);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->path, path);
	ck_assert_uint_eq(w.n, 0);
	sls_errlist_free(&e);
	sls_errlist_free(&w);
	return c;
}

/* The load must fail with exactly these messages, in this order. */
static void
load_errs(const char *text, const char *const *want, size_t n)
{
	sls_errlist_t e = { NULL, 0 };
	sls_conf_t *c = (sls_conf_t *)1;
	size_t i;
	int rc;

	rc = sls_conf_load_buf(text, NAME, &c, &e, NULL);
	if (e.n != n)
		print_errs(&e);
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_null(c);
	ck_assert_uint_eq(e.n, n);
	for (i = 0; i < n; i++)
		ck_assert_str_eq(e.msg[i], want[i]);
	sls_errlist_free(&e);
}

static void
load_err(const char *text, const char *want)
{
	load_errs(text, &want, 1);
}

/* Line of the first line of a file that starts with prefix, or 0. */
static int
line_of(const char *path, const char *prefix)
{
	char line[512];
	FILE *f = fopen(path, "r");
	int n = 0, found = 0;

	ck_assert_ptr_nonnull(f);
	while (found == 0 && fgets(line, sizeof(line), f) != NULL) {
		n++;
		if (strncmp(line, prefix, strlen(prefix)) == 0)
			found = n;
	}
	fclose(f);
	return found;
}

static const char *
addr_text(const sls_listen_t *l, char *buf, size_t len)
{
	sls_addr_format((const struct sockaddr *)&l->addr, buf, len);
	return buf;
}

/* ---- good files ------------------------------------------------------ */

START_TEST(defaults)
{
	sls_conf_t *c = load_ok("");
	char a[SLS_ADDR_TEXTLEN];
	size_t n;

	ck_assert_uint_eq(c->nlistens, 1);
	ck_assert_str_eq(addr_text(&c->listens[0], a, sizeof(a)),
	    "127.0.0.1:5060");
	ck_assert_str_eq(c->listens[0].text, "udp:127.0.0.1:5060");
	ck_assert(!c->listens[0].wildcard);
	ck_assert_int_eq(c->workers, 2);
	ck_assert_int_eq(c->socket_mode, SLS_SOCK_SHARED);
	ck_assert_str_eq(c->user, "");
	ck_assert_str_eq(c->group, "");
	n = strlen(c->pidfile);
	ck_assert_uint_gt(n, strlen("/slserver/slserver.pid"));
	ck_assert_str_eq(c->pidfile + n - strlen("/slserver/slserver.pid"),
	    "/slserver/slserver.pid");
	n = strlen(c->fifo);
	ck_assert_uint_gt(n, strlen("/slserver/slserver.fifo"));
	ck_assert_str_eq(c->fifo + n - strlen("/slserver/slserver.fifo"),
	    "/slserver/slserver.fifo");
	ck_assert_uint_eq(c->fifo_mode, 0660);
	ck_assert_int_eq(c->log_level, LOG_NOTICE);
	ck_assert_int_eq(c->log_facility, LOG_DAEMON);
	ck_assert_int_eq(c->xlog_level, LOG_NOTICE);
	ck_assert_str_eq(c->server_header, "");
	ck_assert_uint_eq(c->max_message, 65535);
	ck_assert_int_eq(c->sl.default_code, 500);
	ck_assert_str_eq(c->sl.default_reason, "Internal Server Error");
	ck_assert(c->sl.bind_tm);
	ck_assert_uint_eq(c->sl.ack_timeout, 32);
	ck_assert_uint_eq(c->sl.table_size, 262144);
	ck_assert_str_eq(c->sl.tag_secret, "");
	ck_assert_uint_eq(c->tm.t1, 500);
	ck_assert_uint_eq(c->tm.t2, 4000);
	ck_assert_uint_eq(c->tm.t4, 5000);
	ck_assert_uint_eq(c->tm.table_size, 65536);
	ck_assert_uint_eq(c->nroutes, 0);
	ck_assert_ptr_null(c->routes);
	ck_assert_ptr_null(c->ev_filtered_ack);
	ck_assert_ptr_null(c->ev_local_response);
	ck_assert_str_eq(c->path, NAME);
	sls_conf_free(c);
}
END_TEST

/*
 * The shipped sample: loads, repeats every default, has its 4 routes,
 * "scanners" first (before "keepalive" takes a scanner's OPTIONS).
 */
START_TEST(sample)
{
	const char *path = SLS_TOP_SRCDIR "/etc/slserver.conf";
	sls_conf_t *c = load_file_ok(path), *d = load_ok("");
	const sls_route_t *r;
	size_t i;

	/* every scalar of the sample is the compiled default */
	ck_assert_uint_eq(c->nlistens, d->nlistens);
	ck_assert(sls_addr_equal((struct sockaddr *)&c->listens[0].addr,
	    (struct sockaddr *)&d->listens[0].addr));
	ck_assert_int_eq(c->workers, d->workers);
	ck_assert_int_eq(c->socket_mode, d->socket_mode);
	ck_assert_str_eq(c->user, d->user);
	ck_assert_str_eq(c->group, d->group);
	ck_assert_str_eq(c->pidfile, "/run/slserver/slserver.pid");
	ck_assert_str_eq(c->fifo, "/run/slserver/slserver.fifo");
	ck_assert_uint_eq(c->fifo_mode, d->fifo_mode);
	ck_assert_int_eq(c->log_level, d->log_level);
	ck_assert_int_eq(c->log_facility, d->log_facility);
	ck_assert_int_eq(c->xlog_level, d->xlog_level);
	ck_assert_str_eq(c->server_header, d->server_header);
	ck_assert_uint_eq(c->max_message, d->max_message);
	ck_assert_int_eq(c->sl.default_code, d->sl.default_code);
	ck_assert_str_eq(c->sl.default_reason, d->sl.default_reason);
	ck_assert_int_eq(c->sl.bind_tm, d->sl.bind_tm);
	ck_assert_uint_eq(c->sl.ack_timeout, d->sl.ack_timeout);
	ck_assert_uint_eq(c->sl.table_size, d->sl.table_size);
	ck_assert_str_eq(c->sl.tag_secret, d->sl.tag_secret);
	ck_assert_uint_eq(c->tm.t1, d->tm.t1);
	ck_assert_uint_eq(c->tm.t2, d->tm.t2);
	ck_assert_uint_eq(c->tm.t4, d->tm.t4);
	ck_assert_uint_eq(c->tm.table_size, d->tm.table_size);

	ck_assert_uint_eq(c->nroutes, 4);
	r = &c->routes[1];
	ck_assert_str_eq(r->name, "keepalive");
	ck_assert_int_eq(r->line, line_of(path, "route \"keepalive\""));
	ck_assert_uint_eq(r->nmethods, 1);
	ck_assert_str_eq(r->methods[0], "OPTIONS");
	ck_assert_uint_eq(r->nappends, 1);
	ck_assert_str_eq(sls_tmpl_source(r->appends[0]),
	    "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE");
	ck_assert_int_eq(r->action, SLS_ACT_SL_SEND_REPLY);
	ck_assert_int_eq(r->const_code, 200);
	ck_assert_str_eq(sls_tmpl_source(r->reason), "OK");

	r = &c->routes[2];
	ck_assert_str_eq(r->name, "us-numbers");
	ck_assert_int_eq(r->line, line_of(path, "route \"us-numbers\""));
	ck_assert_ptr_nonnull(r->ruri_re);
	ck_assert_int_eq(regexec(r->ruri_re, "sip:+12125551234@x", 0, NULL,
	    0), 0);
	ck_assert_int_ne(regexec(r->ruri_re, "sip:+4930123@x", 0, NULL, 0),
	    0);
	ck_assert_str_eq(sls_tmpl_source(r->set_ruri),
	    "sip:$rU@gw1.example.net");
	ck_assert_uint_eq(r->nbranches, 1);
	ck_assert_str_eq(sls_tmpl_source(r->branches[0].uri),
	    "sip:$rU@gw2.example.net");
	ck_assert_int_eq(r->branches[0].q_milli, 500);
	ck_assert_int_eq(r->const_code, 302);

	r = &c->routes[0];
	ck_assert_str_eq(r->name, "scanners");
	ck_assert_int_eq(r->line, line_of(path, "route \"scanners\""));
	ck_assert_uint_eq(r->nheaders, 1);
	ck_assert_str_eq(r->headers[0].name, "User-Agent");
	ck_assert_int_eq(r->headers[0].type, SLS_HDR_USER_AGENT);
	ck_assert_int_eq(regexec(&r->headers[0].re, "SIPVicious 0.3", 0,
	    NULL, 0), 0);
	ck_assert_int_eq(r->action, SLS_ACT_DROP);

	r = &c->routes[3];
	ck_assert_str_eq(r->name, "rest");
	ck_assert_int_eq(r->line, line_of(path, "route \"rest\""));
	ck_assert_int_eq(r->action, SLS_ACT_SEND_REPLY);
	ck_assert_int_eq(r->const_code, 404);
	ck_assert_str_eq(sls_tmpl_source(r->reason), "Not Found - $rU");
	ck_assert(!sls_tmpl_is_const(r->reason));
	for (i = 0; i < c->nroutes; i++) {
		ck_assert_uint_eq(c->routes[i].nsources, 0);
		ck_assert(!c->routes[i].match_error);
	}

	ck_assert_str_eq(sls_tmpl_source(c->ev_filtered_ack),
	    "absorbed ACK $ci from $si:$sp");
	/* commented out: one log line per reply floods syslog */
	ck_assert_ptr_null(c->ev_local_response);
	sls_conf_free(c);
	sls_conf_free(d);
}
END_TEST

START_TEST(dev_sample)
{
	sls_conf_t *c = load_file_ok(SLS_TOP_SRCDIR "/etc/slserver-dev.conf");

	ck_assert_str_eq(c->pidfile, "slserver.pid");
	ck_assert_str_eq(c->fifo, "slserver.fifo");
	ck_assert_int_eq(c->log_level, LOG_INFO);
	ck_assert_uint_eq(c->nroutes, 4);
	ck_assert_str_eq(c->routes[0].name, "scanners");
	ck_assert_str_eq(c->routes[1].name, "keepalive");
	ck_assert_str_eq(c->routes[3].name, "rest");
	ck_assert_ptr_nonnull(c->ev_filtered_ack);
	sls_conf_free(c);
}
END_TEST

START_TEST(minimal)
{
	sls_conf_t *c = load_file_ok(SLS_TEST_SRCDIR "/conf/minimal.conf");

	ck_assert_uint_eq(c->nroutes, 1);
	ck_assert_str_eq(c->routes[0].name, "all");
	ck_assert_int_eq(c->routes[0].line, 2);
	ck_assert_uint_eq(c->routes[0].nmethods, 0);
	ck_assert_int_eq(c->routes[0].const_code, 404);
	ck_assert_int_eq(c->sl.default_code, 500);
	sls_conf_free(c);
}
END_TEST

static bool
src_matches(const sls_cidr_t *c, int family, const char *ip)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	ck_assert_int_eq(inet_pton(family, ip, family == AF_INET ?
	    (void *)&s4->sin_addr : (void *)&s6->sin6_addr), 1);
	return sls_cidr_match(c, (struct sockaddr *)&ss);
}

/* t/conf/full.conf: every option, condition and action. */
START_TEST(full)
{
	sls_conf_t *c = load_file_ok(SLS_TEST_SRCDIR "/conf/full.conf");
	char a[SLS_ADDR_TEXTLEN];
	const sls_route_t *r;

	ck_assert_uint_eq(c->nlistens, 5);
	ck_assert_str_eq(addr_text(&c->listens[0], a, sizeof(a)),
	    "127.0.0.1:5060");
	ck_assert_str_eq(addr_text(&c->listens[1], a, sizeof(a)),
	    "[::1]:5062");
	ck_assert_str_eq(addr_text(&c->listens[2], a, sizeof(a)),
	    "0.0.0.0:5064");
	ck_assert(c->listens[2].wildcard);
	ck_assert_str_eq(addr_text(&c->listens[3], a, sizeof(a)),
	    "[::]:5066");
	ck_assert(c->listens[3].wildcard);
	ck_assert_str_eq(addr_text(&c->listens[4], a, sizeof(a)),
	    "10.1.2.3:5060");
	ck_assert_int_eq(c->workers, 3);
	ck_assert_int_eq(c->socket_mode, SLS_SOCK_REUSEPORT);
	ck_assert_str_eq(c->user, "nobody");
	ck_assert_str_eq(c->group, "nogroup");
	ck_assert_str_eq(c->pidfile, "/var/tmp/sls/x.pid");
	ck_assert_str_eq(c->fifo, "/var/tmp/sls/x.fifo");
	ck_assert_uint_eq(c->fifo_mode, 0600);
	ck_assert_int_eq(c->log_level, LOG_DEBUG);
	ck_assert_int_eq(c->log_facility, LOG_LOCAL3);
	ck_assert_int_eq(c->xlog_level, LOG_INFO);
	ck_assert_str_eq(c->server_header, "slserver test");
	ck_assert_uint_eq(c->max_message, 4096);
	ck_assert_int_eq(c->sl.default_code, 503);
	ck_assert_str_eq(c->sl.default_reason, "Try Later");
	ck_assert(!c->sl.bind_tm);
	ck_assert_uint_eq(c->sl.ack_timeout, 8);
	ck_assert_uint_eq(c->sl.table_size, 1024);
	ck_assert_str_eq(c->sl.tag_secret, "s3cret");

	ck_assert_uint_eq(c->nroutes, 5);
	r = &c->routes[0];
	ck_assert_str_eq(r->name, "conditions");
	ck_assert_int_eq(r->line, 35);
	ck_assert_uint_eq(r->nmethods, 2);
	ck_assert_str_eq(r->methods[0], "INVITE");
	ck_assert_str_eq(r->methods[1], "MESSAGE");
	ck_assert_int_eq(regexec(r->ruri_re, "SIP:123@x", 0, NULL, 0), 0);
	ck_assert_int_ne(regexec(r->ruri_re, "sip:bob@x", 0, NULL, 0), 0);
	ck_assert_int_eq(regexec(r->from_re, "sip:a@EXAMPLE.com", 0, NULL,
	    0), 0);
	ck_assert_int_ne(regexec(r->from_re, "sip:a@exampleXcom", 0, NULL,
	    0), 0);
	ck_assert_int_eq(regexec(r->to_re, "sip:bob@y", 0, NULL, 0), 0);
	ck_assert_uint_eq(r->nsources, 4);
	ck_assert(src_matches(&r->sources[0], AF_INET, "10.200.0.1"));
	ck_assert(!src_matches(&r->sources[0], AF_INET, "11.0.0.1"));
	ck_assert(src_matches(&r->sources[0], AF_INET6, "::ffff:10.0.0.9"));
	ck_assert(src_matches(&r->sources[1], AF_INET6, "2001:db8:1::5"));
	ck_assert(src_matches(&r->sources[2], AF_INET, "192.0.2.7"));
	ck_assert(!src_matches(&r->sources[2], AF_INET, "192.0.2.8"));
	ck_assert(src_matches(&r->sources[3], AF_INET6, "::1"));
	ck_assert_uint_eq(r->nheaders, 3);
	ck_assert_str_eq(r->headers[0].name, "User-Agent");
	ck_assert_int_eq(r->headers[0].type, SLS_HDR_USER_AGENT);
	ck_assert_str_eq(r->headers[1].name, "i");
	ck_assert_int_eq(r->headers[1].type, SLS_HDR_CALLID);
	ck_assert_int_eq(regexec(&r->headers[1].re, "xABCx", 0, NULL, 0), 0);
	ck_assert_str_eq(r->headers[2].name, "X-Custom");
	ck_assert_int_eq(r->headers[2].type, SLS_HDR_OTHER);
	ck_assert_int_eq(regexec(&r->headers[2].re, "yes", 0, NULL, 0), 0);
	ck_assert_int_ne(regexec(&r->headers[2].re, " yes", 0, NULL, 0), 0);
	ck_assert(!r->match_error);
	ck_assert_ptr_null(r->xlog);
	ck_assert_ptr_null(r->set_ruri);
	ck_assert_uint_eq(r->nbranches, 0);
	ck_assert_uint_eq(r->nappends, 0);
	ck_assert_int_eq(r->action, SLS_ACT_SL_SEND_REPLY);
	ck_assert_int_eq(r->const_code, 486);
	ck_assert_str_eq(sls_tmpl_source(r->code), "486");
	ck_assert_str_eq(sls_tmpl_source(r->reason), "Busy Here");

	r = &c->routes[1];
	ck_assert_str_eq(r->name, "actions");
	ck_assert_int_eq(r->line, 49);
	ck_assert_uint_eq(r->nmethods, 0);
	ck_assert_ptr_null(r->ruri_re);
	ck_assert_str_eq(sls_tmpl_source(r->xlog),
	    "route actions for $ci from $si:$sp");
	ck_assert_str_eq(sls_tmpl_source(r->set_ruri),
	    "sip:$rU@gw1.example.net");
	ck_assert_uint_eq(r->nbranches, 3);
	ck_assert_str_eq(sls_tmpl_source(r->branches[0].uri),
	    "sip:$rU@gw2.example.net");
	ck_assert_int_eq(r->branches[0].q_milli, 500);
	ck_assert_str_eq(sls_tmpl_source(r->branches[1].uri),
	    "sip:$rU@gw3.example.net");
	ck_assert_int_eq(r->branches[1].q_milli, -1);
	ck_assert_int_eq(r->branches[2].q_milli, 1000);
	ck_assert_uint_eq(r->nappends, 2);
	ck_assert_str_eq(sls_tmpl_source(r->appends[0]), "X-Route: actions");
	ck_assert_str_eq(sls_tmpl_source(r->appends[1]), "X-Caller: $fU");
	ck_assert_int_eq(r->action, SLS_ACT_SEND_REPLY);
	ck_assert_int_eq(r->const_code, 0);
	ck_assert_str_eq(sls_tmpl_source(r->code), "$hdr(X-Code)");
	ck_assert(!sls_tmpl_is_const(r->code));
	ck_assert_str_eq(sls_tmpl_source(r->reason), "Custom $rU");

	r = &c->routes[2];
	ck_assert_str_eq(r->name, "errors");
	ck_assert(r->match_error);
	ck_assert_int_eq(r->action, SLS_ACT_REPLY_ERROR);
	ck_assert_ptr_null(r->code);

	r = &c->routes[3];
	ck_assert_int_eq(r->action, SLS_ACT_DROP);
	ck_assert_str_eq(r->methods[0], "ACK");

	r = &c->routes[4];
	ck_assert_str_eq(r->name, "no-reason");
	ck_assert_int_eq(r->const_code, 404);
	ck_assert_ptr_null(r->reason);

	ck_assert_str_eq(sls_tmpl_source(c->ev_filtered_ack), "absorbed $ci");
	ck_assert_str_eq(sls_tmpl_source(c->ev_local_response),
	    "sent $rs $rr");
	sls_conf_free(c);
}
END_TEST

/* Comments never shift line numbers or break lists. */
START_TEST(comments)
{
	sls_conf_t *c;

	c = load_ok(
	    "# hash\n"
	    "## double\n"
	    "// slashes\n"
	    "/* one line */\n"
	    "/* two\n"
	    "   lines */ workers = 4 # after\n"
	    "listen = { # open\n"
	    "  \"udp:127.0.0.1:5070\", // first\n"
	    "  /* between */ \"udp:127.0.0.1:5071\" # last\n"
	    "}\n"
	    "pidfile = /var/run//x.pid\n"	/* '//' inside a word */
	    "server_header = \"a # b // c /* d */\"\n"
	    "route 'r' { sl_send_reply = '200 OK' # q\n"
	    "}\n");
	ck_assert_int_eq(c->workers, 4);
	ck_assert_uint_eq(c->nlistens, 2);
	ck_assert_str_eq(c->pidfile, "/var/run//x.pid");
	ck_assert_str_eq(c->server_header, "a # b // c /* d */");
	ck_assert_int_eq(c->routes[0].line, 13);
	sls_conf_free(c);

	load_err("# 1\n// 2\n/* 3\n 4 */\n#5\nworkers = 300\n",
	    NAME ":6: workers = 300 out of range 0..256");
	load_err("listen = {\"udp:127.0.0.1:5060\", # c\n"
	    "\"udp:127.0.0.1:x\"}\n",
	    NAME ":2: listen \"udp:127.0.0.1:x\": bad port (0..65535)");
	load_err("# a\n/* b\n", NAME ":2: unterminated /* comment");
	load_err("# a\nserver_header = \"abc\n\n", NAME
	    ":2: unterminated string");
}
END_TEST

/* ---- errors ---------------------------------------------------------- */

START_TEST(err_syntax)
{
	load_err("# c\nfoo = 1\n", NAME ":2: no such option 'foo'");
	load_err("route \"r\" {\n\tdrop = true\n\tmethods = {\"A\"}\n}\n",
	    NAME ":3: no such option 'methods'");
	load_err("sl {\n\n\tcode = 1\n}\n", NAME ":3: no such option 'code'");
	load_err("\nworkers = many\n",
	    NAME ":2: invalid integer value for option 'workers'");
	load_err("route \"r\" {\n\tdrop = maybe\n}\n",
	    NAME ":2: invalid boolean value for option 'drop'");
	load_err("route \"a\" { drop = true }\n#\n"
	    "route \"a\" { drop = true }\n",
	    NAME ":3: found duplicate title 'a'");
	load_err("route {\n drop = true\n}\n",
	    NAME ":1: missing title for section 'route'");
	load_err("event_route \"sl:filtered-ack\" {\n\tdrop = true\n}\n",
	    NAME ":2: no such option 'drop'");
	/* libconfuse alone would take the end of the file for the '}' */
	load_err("route \"r\" {\n\tdrop = true\n",
	    NAME ":1: '{' without a matching '}'");
	load_err("# x\nsl {\n", NAME ":2: '{' without a matching '}'");
	load_err("route \"a\" {\n\tmethod = {\"A\"\n\tdrop = true\n}\n",
	    NAME ":3: unexpected token 'drop'");
	load_err("route \"a\" { drop = true }\n}\n",
	    NAME ":2: unexpected closing brace");
}
END_TEST

START_TEST(err_ranges)
{
	static const char *const want[] = {
		NAME ":2: workers = 257 out of range 0..256",
		NAME ":3: max_message = 1023 out of range 1024..65535",
		NAME ":4: fifo_mode = 01000 out of range 0..0777",
		NAME ":5: socket_mode \"both\": use shared or reuseport",
		NAME ":6: log_level \"crit\": use err, warning, notice, info "
		    "or debug",
		NAME ":7: xlog_level \"loud\": use err, warning, notice, info "
		    "or debug",
		NAME ":8: log_facility \"kern\": use daemon, user or "
		    "local0..local7",
		NAME ":9: server_header contains a control character",
		NAME ":11: default_code = 99 out of range 100..699",
		NAME ":12: default_code = 700 out of range 100..699",
		NAME ":13: ack_timeout = 0 out of range 1..3600",
		NAME ":14: ack_timeout = 3601 out of range 1..3600",
		NAME ":15: table_size = 1000 must be a power of two in "
		    "1024..16777216",
		NAME ":16: table_size = 3072 must be a power of two in "
		    "1024..16777216",
		NAME ":17: table_size = 33554432 must be a power of two in "
		    "1024..16777216",
		NAME ":18: default_reason contains a control character",
		NAME ":19: default_reason is empty",
		NAME ":21: fifo_mode = -1 out of range 0..0777",
		NAME ":22: user contains a control character",
	};

	load_errs("# every range check, one per line\n"
	    "workers = 257\n"
	    "max_message = 1023\n"
	    "fifo_mode = 01000\n"
	    "socket_mode = \"both\"\n"
	    "log_level = \"crit\"\n"
	    "xlog_level = \"loud\"\n"
	    "log_facility = \"kern\"\n"
	    "server_header = \"a\\r\\nInjected: 1\"\n"
	    "sl {\n"
	    "\tdefault_code = 99\n"
	    "\tdefault_code = 700\n"
	    "\tack_timeout = 0\n"
	    "\tack_timeout = 3601\n"
	    "\ttable_size = 1000\n"
	    "\ttable_size = 3072\n"
	    "\ttable_size = 33554432\n"
	    "\tdefault_reason = \"a\\nb\"\n"
	    "\tdefault_reason = \"\"\n"
	    "}\n"
	    "fifo_mode = -1\n"
	    "user = \"a\\tb\"\n",
	    want, sizeof(want) / sizeof(want[0]));

	/* the bounds themselves are fine */
	sls_conf_free(load_ok("workers = 256\nmax_message = 1024\n"
	    "fifo_mode = 0\nsl { default_code = 699 ack_timeout = 3600 "
	    "table_size = 16777216 }\n"));
	sls_conf_free(load_ok("max_message = 65535\nfifo_mode = 0777\n"
	    "sl { default_code = 100 ack_timeout = 1 table_size = 1024 }\n"
	    "log_level = \"err\" xlog_level = \"warning\" "
	    "log_facility = \"local7\"\n"));
}
END_TEST

START_TEST(workers_zero)
{
	sls_conf_t *c = load_ok("workers = 0\n");
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		n = 1;
	if (n > SLS_MAX_WORKERS)
		n = SLS_MAX_WORKERS;
	ck_assert_int_eq(c->workers, n);
	sls_conf_free(c);
}
END_TEST

/* worker_timeout: 5 by default, 0 turns it off, 1 is too short. */
START_TEST(worker_timeout)
{
	sls_conf_t *c = load_ok("");

	ck_assert_uint_eq(c->worker_timeout, 5);
	sls_conf_free(c);
	c = load_ok("worker_timeout = 0\n");
	ck_assert_uint_eq(c->worker_timeout, 0);
	sls_conf_free(c);
	c = load_ok("worker_timeout = 2\n");
	ck_assert_uint_eq(c->worker_timeout, 2);
	sls_conf_free(c);
	load_err("worker_timeout = 1\n",
	    NAME ":1: worker_timeout = 1: use 0 (never) or 2..3600");
	load_err("\nworker_timeout = 3601\n",
	    NAME ":2: worker_timeout = 3601: use 0 (never) or 2..3600");
}
END_TEST

START_TEST(err_listen)
{
	load_err("listen = {\"tcp:127.0.0.1:5060\"}\n", NAME
	    ":1: listen \"tcp:127.0.0.1:5060\": unsupported transport (only "
	    "udp)");
	load_err("\nlisten = {\"udp:sip.example.com:5060\"}\n", NAME
	    ":2: listen \"udp:sip.example.com:5060\": not a numeric IPv4 "
	    "address (host names are not resolved): sip.example.com");
	load_err("listen = {\"udp:::1:5060\"}\n", NAME
	    ":1: listen \"udp:::1:5060\": IPv6 addresses need brackets, as "
	    "in udp:[::1]:5060");
	load_err("listen = {\"udp:[::1:5060\"}\n", NAME
	    ":1: listen \"udp:[::1:5060\": missing ']'");
	load_err("listen = {\"127.0.0.1\"}\n", NAME
	    ":1: listen \"127.0.0.1\": expected udp:ADDRESS[:PORT]");
	load_err("listen = {\"udp:127.0.0.1:5060\",\n"
	    "\"udp:127.0.0.1\"}\n", NAME
	    ":2: listen \"udp:127.0.0.1\": same address as "
	    "\"udp:127.0.0.1:5060\"");
	load_err("listen = {}\n",
	    NAME ": listen: at least one address is required");
	{
		static const char *const want[] = {
			NAME ":2: workers = -1 out of range 0..256",
			NAME ": listen: at least one address is required",
		};

		load_errs("listen = {}\nworkers = -1\n", want, 2);
	}
}
END_TEST

START_TEST(err_conditions)
{
	load_err("route \"r\" {\n\truri = \"sip:(\"\n\tdrop = true\n}\n", NAME
	    ":2: ruri: bad regular expression \"sip:(\": Unmatched ( or \\(");
	load_err("route \"r\" {\n\tdrop = true\n\n\tfrom = \"a{1\"\n}\n", NAME
	    ":4: from: bad regular expression \"a{1\": Unmatched \\{");
	load_err("route \"r\" {\n\tto = \"[a\"\n\tdrop = true\n}\n", NAME
	    ":2: to: bad regular expression \"[a\": Unmatched [, [^, [:, "
	    "[., or [=");
	load_err("route \"r\" {\n\tsource = {\"10.0.0.0/8\",\n"
	    "\t\t\"10.0.0.0/33\"}\n\tdrop = true\n}\n", NAME
	    ":3: source \"10.0.0.0/33\": bad prefix length (0..32)");
	load_err("route \"r\" {\n\tsource = {\"host.example\"}\n"
	    "\tdrop = true\n}\n", NAME
	    ":2: source \"host.example\": not a numeric IPv4 address: "
	    "host.example");
	load_err("route \"r\" {\n\tsource = {\"::1/129\"}\n"
	    "\tdrop = true\n}\n", NAME
	    ":2: source \"::1/129\": bad prefix length (0..128)");
	load_err("route \"r\" {\n\theader = {\"User-Agent\"}\n"
	    "\tdrop = true\n}\n", NAME
	    ":2: header \"User-Agent\": expected \"Name: ERE\"");
	load_err("route \"r\" {\n\theader = {\"User Agent: x\"}\n"
	    "\tdrop = true\n}\n", NAME
	    ":2: header \"User Agent: x\": bad header name");
	load_err("route \"r\" {\n\theader = {\": x\"}\n\tdrop = true\n}\n",
	    NAME ":2: header \": x\": bad header name");
	load_err("route \"r\" {\n\theader = {\"X-A: (\"}\n"
	    "\tdrop = true\n}\n", NAME
	    ":2: header \"X-A: (\": bad regular expression: Unmatched ( or "
	    "\\(");
	load_err("route \"r\" {\n\tmethod = {\"INVITE\", \"IN VITE\"}\n"
	    "\tdrop = true\n}\n", NAME
	    ":2: method \"IN VITE\" is not a SIP method token");
	load_err("route \"r\" {\n\tmethod = {\"\"}\n\tdrop = true\n}\n",
	    NAME ":2: method \"\" is not a SIP method token");
}
END_TEST

START_TEST(err_actions)
{
	load_err("route \"r\" {\n\txlog = \"hello $foo\"\n\tdrop = true\n}\n",
	    NAME ":2: xlog: unknown variable $foo");
	load_err("route \"r\" {\n\tdrop = true\n\tset_ruri = \"sip:$zz@x\"\n"
	    "}\n", NAME ":3: set_ruri: unknown variable $zz");
	load_err("route \"r\" {\n\tdrop = true\n\tset_ruri = \"\"\n}\n",
	    NAME ":3: set_ruri: empty URI");
	load_err("route \"r\" {\n\tappend_branch = {\"sip:a@b\",\n"
	    "\t\t\"sip:$nope@b\"}\n\tdrop = true\n}\n", NAME
	    ":3: append_branch \"sip:$nope@b\": unknown variable $nope");
	load_err("route \"r\" {\n\tappend_branch = {\"sip:a@b q=1.5\"}\n"
	    "\tdrop = true\n}\n", NAME
	    ":2: append_branch \"sip:a@b q=1.5\": bad q value \"1.5\" (0 to "
	    "1, at most 3 decimals)");
	load_err("route \"r\" {\n\tappend_branch = {\"sip:a@b q=0.1234\"}\n"
	    "\tdrop = true\n}\n", NAME
	    ":2: append_branch \"sip:a@b q=0.1234\": bad q value \"0.1234\" "
	    "(0 to 1, at most 3 decimals)");
	load_err("route \"r\" {\n\tappend_branch = {\" q=0.5\"}\n"
	    "\tdrop = true\n}\n", NAME
	    ":2: append_branch \" q=0.5\": empty URI");
	load_err("route \"r\" {\n\tappend_to_reply = {\"NoColon\"}\n"
	    "\tdrop = true\n}\n", NAME
	    ":2: append_to_reply \"NoColon\": expected \"Name: value\"");
	load_err("route \"r\" {\n\tappend_to_reply = {\"Bad Name: x\"}\n"
	    "\tdrop = true\n}\n", NAME
	    ":2: append_to_reply \"Bad Name: x\": expected \"Name: value\"");
	load_err("route \"r\" {\n\tappend_to_reply = {\"l: 5\"}\n"
	    "\tdrop = true\n}\n", NAME
	    ":2: append_to_reply \"l: 5\": l is a header slserver writes "
	    "itself");
	load_err("route \"r\" {\n\tappend_to_reply = {\"X-A: $bad\"}\n"
	    "\tdrop = true\n}\n", NAME
	    ":2: append_to_reply \"X-A: $bad\": unknown variable $bad");
}
END_TEST

START_TEST(err_reply)
{
	load_err("route \"r\" {\n\tsl_send_reply = \"99 Too Low\"\n}\n",
	    NAME ":2: reply code 99 out of range 100..699");
	load_err("route \"r\" {\n\tsend_reply = \"700\"\n}\n",
	    NAME ":2: reply code 700 out of range 100..699");
	load_err("route \"r\" {\n\tsl_send_reply = \"OK 200\"\n}\n",
	    NAME ":2: reply code \"OK\" is not a number");
	load_err("route \"r\" {\n\tsl_send_reply = \"  \"\n}\n",
	    NAME ":2: missing reply code");
	load_err("route \"r\" {\n\tsl_send_reply = \"$x 200\"\n}\n",
	    NAME ":2: reply code: unknown variable $x");
	load_err("route \"r\" {\n\tsl_send_reply = \"200 $y\"\n}\n",
	    NAME ":2: reply reason: unknown variable $y");
}
END_TEST

START_TEST(err_finals)
{
	static const char *const want2[] = {
		NAME ":1: route \"a\" has no final action",
		NAME ":5: route \"c\" has no final action",
	};

	load_err("# x\n\nroute \"empty\" {\n\n}\n",
	    NAME ":3: route \"empty\" has no final action");
	load_err("route\n\"r\"\n{\n\tmethod = {\"INVITE\"}\n"
	    "\tdrop = false\n}\n",
	    NAME ":1: route \"r\" has no final action");
	load_errs("route \"a\" {}\nroute \"b\" {\n\tdrop = true\n}\n"
	    "route \"c\" { error = true }\n", want2, 2);
	load_err("route \"r\" {\n\tsl_send_reply = \"200 OK\"\n"
	    "\tmethod = {\"A\"}\n\tdrop = true\n\tsl_reply_error = true\n}\n",
	    NAME ":4: route \"r\" has more than one final action: "
	    "sl_send_reply, drop");
	load_err("route \"r\" {\n\tsend_reply = \"200\"\n"
	    "\tsl_send_reply = \"200\"\n}\n",
	    NAME ":3: route \"r\" has more than one final action: "
	    "sl_send_reply, send_reply");
	/* forward: a final action like the others */
	load_err("route \"r\" {\n\tforward = \"udp:127.0.0.2\"\n"
	    "\tdrop = true\n}\n",
	    NAME ":3: route \"r\" has more than one final action: drop, "
	    "forward");
	load_err("route \"r\" {\n\tforward = \"tcp:gw:5060\"\n}\n",
	    NAME ":2: forward \"tcp:gw:5060\": expected udp:HOST[:PORT]");
	load_err("route \"r\" {\n\tforward = \"udp:gw:99999\"\n}\n",
	    NAME ":2: forward \"udp:gw:99999\": expected udp:HOST[:PORT]");
}
END_TEST

/* forward, record_route and onreply_route: the errors with their line */
START_TEST(err_forward)
{
	static const char *const want[] = {
		NAME ":2: forward \"udp:nowhere.invalid\": cannot resolve "
		    "nowhere.invalid: ",
		NAME ":5: code \"7xx\": expected a reply code 100..699 or a "
		    "class 1xx..6xx",
		NAME ":7: onreply_route \"o\" has more than one final action: "
		    "sl_forward_reply, drop",
	};
	sls_errlist_t e = { NULL, 0 };
	sls_conf_t *c = NULL;
	size_t i;

	/* the resolver's own words end the first message */
	ck_assert_int_eq(sls_conf_load_buf(
	    "route \"r\" {\n\tforward = {\"udp:nowhere.invalid\"}\n}\n"
	    "onreply_route \"o\" {\n\tcode = {\"408\", \"7xx\"}\n"
	    "\tsl_forward_reply = \"404\"\n\tdrop = true\n}\n", NAME, &c,
	    &e, NULL), -1);
	if (e.n != 3)
		print_errs(&e);
	ck_assert_uint_eq(e.n, 3);
	for (i = 0; i < 3; i++)
		ck_assert_msg(strncmp(e.msg[i], want[i], strlen(want[i])) == 0,
		    "%s", e.msg[i]);
	sls_errlist_free(&e);

	load_err("route \"r\" {\n\tforward = {\"udp:127.0.0.2\", "
	    "\"udp:gw:0\"}\n}\n",
	    NAME ":2: forward \"udp:gw:0\": expected udp:HOST[:PORT]");
	load_err("route \"r\" {\n\tforward = \"udp:127.0.0.2\"\n"
	    "\tsl_send_reply = \"404\"\n}\n",
	    NAME ":3: route \"r\" has more than one final action: "
	    "sl_send_reply, forward");
	/* sl_forward_reply and code belong to onreply_route */
	load_err("route \"r\" {\n\tdrop = true\n"
	    "\tsl_forward_reply = \"404\"\n}\n",
	    NAME ":3: sl_forward_reply is allowed only in onreply_route");
	load_err("route \"r\" {\n\tcode = {\"4xx\"}\n\tdrop = true\n}\n",
	    NAME ":2: code is a condition of onreply_route only");
	load_err("onreply_route \"o\" {\n\tforward = \"udp:127.0.0.2\"\n}\n",
	    NAME ":2: no such option 'forward'");
	/* what forward allows */
	load_err("route \"r\" {\n\trecord_route = true\n\tdrop = true\n}\n",
	    NAME ":1: route \"r\": record_route needs forward");
	load_err("route \"r\" {\n\terror = true\n"
	    "\tforward = \"udp:127.0.0.2\"\n}\n",
	    NAME ":1: route \"r\": forward does not take requests that "
	    "failed the basic checks (error = true)");
	load_err("route \"r\" {\n\tappend_to_reply = {\"X-A: b\"}\n"
	    "\tforward = \"udp:127.0.0.2\"\n}\n",
	    NAME ":1: route \"r\": append_to_reply and append_branch have "
	    "no effect with forward");
	/* a reply keeps its class */
	load_err("\n\nonreply_route \"o\" {\n\tcode = {\"408\", \"486\"}\n"
	    "\tsl_forward_reply = \"200 OK\"\n}\n",
	    NAME ":3: onreply_route \"o\": sl_forward_reply 200 is not of "
	    "the class of the codes it matches (a reply keeps its class)");
	load_err("onreply_route \"o\" {\n\tsl_forward_reply = \"99\"\n}\n",
	    NAME ":2: reply code 99 out of range 100..699");
	load_err("onreply_route \"o\" {\n\txlog = \"$nope\"\n}\n",
	    NAME ":2: xlog: unknown variable $nope");
	/* an IPv6 destination for an IPv4-only server */
	load_err("route \"r\" {\n\tforward = \"udp:[::1]\"\n}\n",
	    NAME ":1: route \"r\": forward \"udp:[::1]\": no address of a "
	    "family slserver listens on");
}
END_TEST

START_TEST(forward_build)
{
	sls_conf_t *c = load_ok(
	    "listen = {\"udp:127.0.0.1:5060\", \"udp:[::1]:5060\"}\n"
	    "route \"r\" {\n\tmethod = {\"INVITE\"}\n"
	    "\trecord_route = true\n"
	    "\tforward = {\"udp:127.0.0.2:5070\", \"udp:localhost\","
	    " \"udp:[::1]:5080\"}\n}\n"
	    "route \"one\" {\n\tforward = \"udp:10.0.0.1\"\n}\n"
	    "onreply_route \"a\" {\n\tcode = {\"408\", \"4xx\"}\n"
	    "\tmethod = {\"INVITE\"}\n\tsource = {\"10.0.0.0/8\"}\n"
	    "\theader = {\"Server: x\"}\n\txlog = \"$rs $rr\"\n"
	    "\tsl_forward_reply = \"404\"\n}\n"
	    "onreply_route \"b\" {\n\tcode = \"6xx\"\n\tdrop = true\n}\n"
	    "onreply_route \"c\" {\n\txlog = \"$rs\"\n}\n");
	const sls_route_t *r = &c->routes[0], *o;

	ck_assert_int_eq(r->action, SLS_ACT_FORWARD);
	ck_assert(r->record_route);
	ck_assert_uint_eq(r->ndests, 3);
	ck_assert_str_eq(r->dests[0].spec, "udp:127.0.0.2:5070");
	ck_assert_int_eq(r->dests[0].v4.sin_family, AF_INET);
	ck_assert_uint_eq(ntohs(r->dests[0].v4.sin_port), 5070);
	ck_assert_int_eq(r->dests[0].v6.sin6_family, 0);
	/* a name: one address of each family we listen on */
	ck_assert_int_eq(r->dests[1].v4.sin_family, AF_INET);
	ck_assert_uint_eq(ntohs(r->dests[1].v4.sin_port), 5060);
	ck_assert_int_eq(r->dests[2].v4.sin_family, 0);
	ck_assert_int_eq(r->dests[2].v6.sin6_family, AF_INET6);
	ck_assert_uint_eq(ntohs(r->dests[2].v6.sin6_port), 5080);
	ck_assert(!c->routes[1].record_route);
	ck_assert_uint_eq(c->routes[1].ndests, 1);

	ck_assert_uint_eq(c->nonreply, 3);
	o = &c->onreply[0];
	ck_assert_str_eq(o->name, "a");
	ck_assert_int_eq(o->line, 10);
	ck_assert_int_eq(o->action, SLS_ACT_FORWARD_REPLY);
	ck_assert_int_eq(o->const_code, 404);
	ck_assert_ptr_null(o->reason);
	ck_assert_uint_eq(o->ncodes, 2);
	ck_assert_uint_eq(o->codes[0].lo, 408);
	ck_assert_uint_eq(o->codes[0].hi, 408);
	ck_assert_uint_eq(o->codes[1].lo, 400);
	ck_assert_uint_eq(o->codes[1].hi, 499);
	ck_assert_uint_eq(o->nmethods, 1);
	ck_assert_uint_eq(o->nsources, 1);
	ck_assert_uint_eq(o->nheaders, 1);
	ck_assert_ptr_nonnull(o->xlog);
	ck_assert_int_eq(c->onreply[1].action, SLS_ACT_DROP);
	ck_assert_uint_eq(c->onreply[1].ncodes, 1);
	ck_assert_int_eq(c->onreply[2].action, SLS_ACT_NONE);
	sls_conf_free(c);
}
END_TEST

START_TEST(err_limits)
{
	char buf[4096];
	size_t n = 0;
	int i;

	n += (size_t)snprintf(buf + n, sizeof(buf) - n,
	    "route \"many\" {\n\tappend_branch = {\n");
	for (i = 1; i <= SLS_MAX_BRANCHES + 2; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
		    "\t\t\"sip:%d@x\",\n", i);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n,
	    "\t\t\"sip:last@x\"\n\t}\n\tdrop = true\n}\n");
	/* item 13 is on line 2 + 13 */
	load_err(buf, NAME ":15: route \"many\" has more than 12 "
	    "append_branch items");

	n = 0;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n,
	    "route \"many\" {\n\tdrop = true\n\tappend_to_reply = {\n");
	for (i = 1; i <= SLS_MAX_APPENDS + 1; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
		    "\t\t\"X-H%d: v\"%s\n", i, i <= SLS_MAX_APPENDS ? "," :
		    "}");
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "}\n");
	load_err(buf, NAME ":20: route \"many\" has more than 16 "
	    "append_to_reply items");

	/* exactly the limits are fine */
	n = 0;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n,
	    "route \"r\" {\n\tdrop = true\n\tappend_branch = {");
	for (i = 1; i <= SLS_MAX_BRANCHES; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
		    "\"sip:%d@x q=0.%d\"%s", i, i % 10,
		    i < SLS_MAX_BRANCHES ? ", " : "}\n}\n");
	{
		sls_conf_t *c = load_ok(buf);

		ck_assert_uint_eq(c->routes[0].nbranches, SLS_MAX_BRANCHES);
		ck_assert_int_eq(c->routes[0].branches[0].q_milli, 100);
		ck_assert_int_eq(c->routes[0].branches[9].q_milli, 0);
		sls_conf_free(c);
	}
}
END_TEST

START_TEST(err_event_route)
{
	load_err("# x\nevent_route \"sl:nope\" {\n\txlog = \"x\"\n}\n", NAME
	    ":2: unknown event_route \"sl:nope\" (known: sl:filtered-ack, "
	    "sl:local-response, sl:blocked)");
	load_err("event_route \"sl:local-response\" {\n\n"
	    "\txlog = \"$rs $bogus\"\n}\n", NAME
	    ":3: xlog: unknown variable $bogus");
	load_err("event_route \"sl:local-response\" { xlog = \"a\" }\n"
	    "event_route \"sl:local-response\" { xlog = \"b\" }\n", NAME
	    ":2: found duplicate title 'sl:local-response'");
}
END_TEST

/* Several errors: all are reported, each with its own line. */
START_TEST(err_file)
{
	static const char *const want[] = {
		":7: listen \"udp:127.0.0.1:99999\": bad port (0..65535)",
		":8: workers = 1000 out of range 0..256",
		":10: route \"no-final\" has no final action",
		":16: route \"two-finals\" has more than one final action: "
		    "sl_send_reply, drop",
		":20: ruri: bad regular expression \"sip:(unclosed\": "
		    "Unmatched ( or \\(",
		":24: unknown event_route \"sl:no-such-event\" (known: "
		    "sl:filtered-ack, sl:local-response, sl:blocked)",
	};
	const char *path = SLS_TEST_SRCDIR "/conf/bad-lines.conf";
	sls_errlist_t e = { NULL, 0 };
	sls_conf_t *c = NULL;
	char m[512];
	size_t i;

	ck_assert_int_eq(sls_conf_load(path, &c, &e, NULL), -1);
	ck_assert_ptr_null(c);
	if (e.n != sizeof(want) / sizeof(want[0]))
		print_errs(&e);
	ck_assert_uint_eq(e.n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < e.n; i++) {
		snprintf(m, sizeof(m), "%s%s", path, want[i]);
		ck_assert_str_eq(e.msg[i], m);
	}
	sls_errlist_free(&e);

	ck_assert_int_eq(sls_conf_load(SLS_TEST_SRCDIR "/conf/no-such.conf",
	    &c, &e, NULL), -1);
	ck_assert_ptr_null(c);
	ck_assert_uint_eq(e.n, 1);
	ck_assert_str_eq(e.msg[0],
	    SLS_TEST_SRCDIR "/conf/no-such.conf: No such file or directory");
	sls_errlist_free(&e);
}
END_TEST

/* Write len bytes to a new temporary file; its name into path. */
static void
temp_file(char *path, size_t size, const char *data, size_t len)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(path, size, "%s/check_conf.XXXXXX",
	    dir != NULL && *dir != '\0' ? dir : "/tmp");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void
file_err(const char *path, const char *want_suffix)
{
	sls_errlist_t e = { NULL, 0 };
	sls_conf_t *c = (sls_conf_t *)1;
	char want[512];

	snprintf(want, sizeof(want), "%s%s", path, want_suffix);
	ck_assert_int_eq(sls_conf_load(path, &c, &e, NULL), -1);
	ck_assert_ptr_null(c);
	if (e.n != 1)
		print_errs(&e);
	ck_assert_uint_eq(e.n, 1);
	ck_assert_str_eq(e.msg[0], want);
	sls_errlist_free(&e);
}

/* Files that cannot be loaded before any parsing. */
START_TEST(err_read)
{
	static const char nul[] = "workers = 2\n# x\n\0\n";
	char path[256], *big;
	size_t n = 1024 * 1024 + 1;
	sls_conf_t *c;

	file_err(SLS_TEST_SRCDIR "/conf", ": Is a directory");
	temp_file(path, sizeof(path), nul, sizeof(nul) - 1);
	file_err(path, ":3: NUL byte in the file");
	unlink(path);

	big = malloc(n);
	ck_assert_ptr_nonnull(big);
	memset(big, '#', n);
	big[n - 1] = '\n';
	temp_file(path, sizeof(path), big, n);
	file_err(path, ": larger than 1048576 bytes");
	unlink(path);
	/* one byte less is fine: a file of comments */
	temp_file(path, sizeof(path), big + 1, n - 1);
	c = load_file_ok(path);
	sls_conf_free(c);
	unlink(path);
	free(big);

	/* an empty file is all defaults */
	temp_file(path, sizeof(path), "", 0);
	c = load_file_ok(path);
	ck_assert_int_eq(c->workers, 2);
	sls_conf_free(c);
	unlink(path);
}
END_TEST

/* user and group must exist: -t and a reload catch a typo. */
START_TEST(err_account)
{
	static const char *const want[] = {
		NAME ":1: user \"sls-no-such-user\" does not exist",
		NAME ":3: group \"sls-no-such-group\" does not exist",
	};
	static const char bad_group[] = "\ngroup = \"sls-no-such-group\"\n";
	struct passwd *pw = getpwuid(0);
	struct group *gr = getgrgid(0);
	char text[256], path[256];

	load_errs("user = \"sls-no-such-user\"\n"
	    "workers = 1\n"
	    "group = \"sls-no-such-group\"\n",
	    want, sizeof(want) / sizeof(want[0]));
	/* the file load, which a reload uses, reports it too */
	temp_file(path, sizeof(path), bad_group, sizeof(bad_group) - 1);
	file_err(path, ":2: group \"sls-no-such-group\" does not exist");
	unlink(path);

	/* names that exist; "" stays the default (no change of user) */
	ck_assert_ptr_nonnull(pw);
	ck_assert_ptr_nonnull(gr);
	snprintf(text, sizeof(text), "user = \"%s\"\ngroup = \"%s\"\n",
	    pw->pw_name, gr->gr_name);
	sls_conf_free(load_ok(text));
	sls_conf_free(load_ok("user = \"\"\ngroup = \"\"\n"));
}
END_TEST

/* ---- warnings -------------------------------------------------------- */

/* The load must succeed with exactly these warnings, in this order. */
static void
load_warns(const char *text, const char *const *want, size_t n)
{
	sls_errlist_t e = { NULL, 0 }, w = { NULL, 0 };
	sls_conf_t *c = NULL;
	size_t i;
	int rc;

	rc = sls_conf_load_buf(text, NAME, &c, &e, &w);
	print_errs(&e);
	if (w.n != n)
		print_errs(&w);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_uint_eq(w.n, n);
	for (i = 0; i < n; i++)
		ck_assert_str_eq(w.msg[i], want[i]);
	sls_errlist_free(&e);
	sls_errlist_free(&w);
	sls_conf_free(c);
}

#define GLUED(line, opt, v, name, rest) NAME ":" #line ": warning: " opt \
	": " v " is read as " name " followed by \"" rest "\" (variable " \
	"names have two letters and cannot be delimited; separate the " \
	"text from " name ")"

/* A variable name that letters or digits follow, in every template. */
START_TEST(warn_glued)
{
	static const char *const want[] = {
		GLUED(2, "xlog", "$rUser", "$rU", "ser"),
		GLUED(3, "set_ruri", "$rUx", "$rU", "x"),
		GLUED(4, "append_branch", "$fUser", "$fU", "ser"),
		GLUED(5, "append_to_reply", "$cs1", "$cs", "1"),
		GLUED(5, "append_to_reply", "$Tsx", "$Ts", "x"),
		GLUED(6, "sl_send_reply", "$rUser", "$rU", "ser"),
		GLUED(9, "send_reply", "$rrX", "$rr", "X"),
		GLUED(11, "xlog", "$rsxx", "$rs", "xx"),
	};

	load_warns("route \"r\" {\n"
	    "\txlog = \"user $rUser from $si:$sp\"\n"
	    "\tset_ruri = \"sip:$rUx@$rd\"\n"
	    "\tappend_branch = {\"sip:$tU@h q=0.5\", \"sip:$fUser@h\"}\n"
	    "\tappend_to_reply = {\"X-A: $cs1\", \"X-B: $$rUser\", "
	    "\"X-C: $Tsx\"}\n"
	    "\tsl_send_reply = \"404 Not Found - $rUser\"\n"
	    "}\n"
	    "route \"s\" {\n"
	    "\tsend_reply = \"$hdr(X-Code)2 $rrX $hdr(X-R)y\"\n"
	    "}\n"
	    "event_route \"sl:local-response\" { xlog = \"sent $rsxx\" }\n",
	    want, sizeof(want) / sizeof(want[0]));
	/* what is not glued: a non-letter after the name, $$, $hdr() */
	load_warns("route \"r\" { xlog = \"$rU-$ci_$si/$sp $$rUser "
	    "$hdr(X-A)bc\" drop = true }\n", NULL, 0);
}
END_TEST

/* A method with a lower-case letter never matches: methods are
   case-sensitive. */
START_TEST(warn_method)
{
	static const char *const want[] = {
		NAME ":4: warning: method \"register\" never matches "
		    "REGISTER: methods are case-sensitive (write "
		    "\"REGISTER\")",
		NAME ":5: warning: method \"Options\" never matches OPTIONS: "
		    "methods are case-sensitive (write \"OPTIONS\")",
		NAME ":9: warning: method \"x-Ping\" never matches X-PING: "
		    "methods are case-sensitive (write \"X-PING\")",
	};

	load_warns("route \"r\" {\n"
	    "\tmethod = {\n"
	    "\t\t\"INVITE\",\n"
	    "\t\t\"register\",\n"
	    "\t\t\"Options\"\n"
	    "\t}\n"
	    "\tdrop = true\n"
	    "}\n"
	    "route \"s\" { method = {\"X-PING\", \"x-Ping\"} drop = true }\n",
	    want, sizeof(want) / sizeof(want[0]));
}
END_TEST

/* Warnings come with a failed load too; they never fail one. */
START_TEST(warn_forward_class)
{
	static const char *const want[] = {
		NAME ":1: warning: onreply_route \"o\": sl_forward_reply 404 "
		    "never applies to code 5xx (a reply keeps its class): "
		    "those replies go on unchanged, counted in sl:failures",
	};

	load_warns("onreply_route \"o\" {\n\tcode = {\"408\", \"5xx\"}\n"
	    "\tsl_forward_reply = \"404 Not Found\"\n}\n", want, 1);
}
END_TEST

START_TEST(warn_and_errors)
{
	sls_errlist_t e = { NULL, 0 }, w = { NULL, 0 };
	sls_conf_t *c = (sls_conf_t *)1;

	ck_assert_int_eq(sls_conf_load_buf("route \"r\" {\n"
	    "\tmethod = {\"bye\"}\n"
	    "\tsend_reply = \"999 x\"\n"
	    "}\n", NAME, &c, &e, &w), -1);
	ck_assert_ptr_null(c);
	ck_assert_uint_eq(e.n, 1);
	ck_assert_str_eq(e.msg[0], NAME ":3: reply code 999 out of range "
	    "100..699");
	ck_assert_uint_eq(w.n, 1);
	ck_assert_str_eq(w.msg[0], NAME ":2: warning: method \"bye\" never "
	    "matches BYE: methods are case-sensitive (write \"BYE\")");
	sls_errlist_free(&e);
	sls_errlist_free(&w);

	/* without a list for them, warnings are dropped */
	ck_assert_int_eq(sls_conf_load_buf("route \"r\" { method = {\"bye\"} "
	    "drop = true }\n", NAME, &c, &e, NULL), 0);
	ck_assert_uint_eq(e.n, 0);
	sls_conf_free(c);
}
END_TEST

/* ---- reload ---------------------------------------------------------- */

static void
diff_is(const char *a, const char *b, const char *want)
{
	sls_conf_t *ca = load_ok(a), *cb = load_ok(b);
	sls_errlist_t e = { NULL, 0 };
	int n = sls_conf_restart_diff(ca, cb, &e);

	if (want == NULL) {
		ck_assert_int_eq(n, 0);
		ck_assert_uint_eq(e.n, 0);
	} else {
		ck_assert_int_eq(n, 1);
		ck_assert_uint_eq(e.n, 1);
		ck_assert_str_eq(e.msg[0], want);
	}
	sls_errlist_free(&e);
	sls_conf_free(ca);
	sls_conf_free(cb);
}

#define CANNOT(o)	NAME ": option '" o "' cannot change on reload; restart"

START_TEST(restart_diff)
{
	sls_conf_t *ca, *cb;
	sls_errlist_t e = { NULL, 0 };

	diff_is("", "", NULL);
	/* listen is compared as a set of addresses */
	diff_is("listen = {\"udp:127.0.0.1\", \"udp:[::1]:5062\"}",
	    "listen = {\"udp:[::1]:5062\", \"udp:127.0.0.1:5060\"}", NULL);
	diff_is("listen = {\"udp:127.0.0.1\"}",
	    "listen = {\"udp:127.0.0.1\", \"udp:127.0.0.2\"}",
	    CANNOT("listen"));
	diff_is("listen = {\"udp:127.0.0.1:5060\"}",
	    "listen = {\"udp:127.0.0.1:5061\"}", CANNOT("listen"));
	diff_is("", "socket_mode = \"reuseport\"", CANNOT("socket_mode"));
	diff_is("", "user = \"nobody\"", CANNOT("user"));
	diff_is("", "group = \"nogroup\"", CANNOT("group"));
	diff_is("", "pidfile = \"x.pid\"", CANNOT("pidfile"));
	diff_is("", "fifo = \"x.fifo\"", CANNOT("fifo"));
	diff_is("", "sl { table_size = 1024 }", CANNOT("sl.table_size"));
	diff_is("", "tm { table_size = 1024 }", CANNOT("tm.table_size"));
	diff_is("", "tm { t1 = 100 t2 = 200 t4 = 0 }", NULL);
	/* everything else reloads, workers included */
	diff_is("", "workers = 7\nfifo_mode = 0600\nlog_level = \"debug\"\n"
	    "log_facility = \"local0\"\nxlog_level = \"info\"\n"
	    "server_header = \"x\"\nmax_message = 2000\n"
	    "sl { default_code = 404 default_reason = \"x\" bind_tm = false "
	    "ack_timeout = 5 tag_secret = \"k\" }\n"
	    "route \"r\" { drop = true }\n", NULL);

	/* several at once: one message each, in a fixed order */
	ca = load_ok("");
	cb = load_ok("user = \"root\"\nlisten = {\"udp:127.0.0.9\"}\n"
	    "sl { table_size = 2048 }\n");
	ck_assert_int_eq(sls_conf_restart_diff(ca, cb, &e), 3);
	ck_assert_uint_eq(e.n, 3);
	ck_assert_str_eq(e.msg[0], CANNOT("listen"));
	ck_assert_str_eq(e.msg[1], CANNOT("user"));
	ck_assert_str_eq(e.msg[2], CANNOT("sl.table_size"));
	sls_errlist_free(&e);
	sls_conf_free(ca);
	sls_conf_free(cb);
}
END_TEST

/* ---- tm and t_newtran (SPEC 8) --------------------------------------- */

START_TEST(tm_section)
{
	sls_conf_t *c = load_ok("tm {\n\tt1 = 100\n\tt2 = 100\n\tt4 = 0\n"
	    "\ttable_size = 16\n}\n"
	    "route \"a\" {\n\tt_newtran = true\n\tsend_reply = \"486\"\n}\n"
	    "route \"b\" {\n\tsend_reply = \"486\"\n\tt_newtran = true\n}\n"
	    "route \"c\" {\n\tt_newtran = false\n\tdrop = true\n}\n"
	    "route \"d\" {\n\tsend_reply = \"486\"\n}\n");

	ck_assert_uint_eq(c->tm.t1, 100);
	ck_assert_uint_eq(c->tm.t2, 100);
	ck_assert_uint_eq(c->tm.t4, 0);
	ck_assert_uint_eq(c->tm.table_size, 16);
	ck_assert(c->routes[0].t_newtran);
	ck_assert(c->routes[1].t_newtran);
	ck_assert(!c->routes[2].t_newtran);
	ck_assert(!c->routes[3].t_newtran);
	sls_conf_free(c);
}
END_TEST

START_TEST(err_tm)
{
	static const char *const both[] = {
		NAME ":2: t1 = 5 out of range 10..60000",
		NAME ":3: t2 = 70000 out of range 10..60000",
	};

	load_errs("tm {\n\tt1 = 5\n\tt2 = 70000\n}\n", both, 2);
	load_err("tm {\n\tt1 = 5000\n}\n",
	    NAME ":2: tm: t1 = 5000 is more than t2 = 4000");
	load_err("tm {\n\tt2 = 100\n\tt1 = 200\n}\n",
	    NAME ":3: tm: t1 = 200 is more than t2 = 100");
	load_err("tm {\n\tt4 = -1\n}\n",
	    NAME ":2: t4 = -1 out of range 0..60000");
	load_err("tm {\n\ttable_size = 1000\n}\n",
	    NAME ":2: table_size = 1000 must be a power of two in "
	    "16..1048576");
	load_err("tm {\n\ttable_size = 8\n}\n",
	    NAME ":2: table_size = 8 must be a power of two in 16..1048576");
	load_err("tm {\n\ttable_size = 2097152\n}\n",
	    NAME ":2: table_size = 2097152 must be a power of two in "
	    "16..1048576");
	/* t_newtran needs send_reply: the line of whichever came second */
	load_err("route \"r\" {\n\tt_newtran = true\n"
	    "\tsl_send_reply = \"486\"\n}\n",
	    NAME ":3: route \"r\": t_newtran needs send_reply as the final "
	    "action, not sl_send_reply");
	load_err("route \"r\" {\n\tdrop = true\n\tt_newtran = true\n}\n",
	    NAME ":3: route \"r\": t_newtran needs send_reply as the final "
	    "action, not drop");
	load_err("route \"r\" {\n\tt_newtran = true\n"
	    "\tsl_reply_error = true\n}\n",
	    NAME ":3: route \"r\": t_newtran needs send_reply as the final "
	    "action, not sl_reply_error");
	load_err("route \"r\" {\n\tt_newtran = true\n}\n",
	    NAME ":1: route \"r\" has no final action");
}
END_TEST

/* ---- option names ---------------------------------------------------- */

START_TEST(option_names)
{
	static const char *const expect[] = {
		"listen", "workers", "socket_mode", "user", "group", "pidfile",
		"fifo", "fifo_mode", "log_level", "log_facility", "xlog_level",
		"server_header", "max_message", "metrics_listen",
		"worker_timeout",
		"sl.default_code",
		"sl.default_reason", "sl.bind_tm", "sl.ack_timeout",
		"sl.table_size", "sl.tag_secret", "limits.trusted",
		"limits.rate", "limits.burst", "limits.block",
		"limits.error_rate", "limits.ipv6_prefix", "limits.table_size",
		"tm.t1", "tm.t2", "tm.t4", "tm.table_size",
		"route.method", "route.ruri",
		"route.from", "route.to", "route.source", "route.header",
		"route.error", "route.xlog", "route.set_ruri",
		"route.append_branch", "route.append_to_reply",
		"route.sl_send_reply", "route.send_reply",
		"route.sl_reply_error", "route.drop", "route.record_route",
		"route.forward", "route.t_newtran", "event_route.xlog",
		"onreply_route.code",
		"onreply_route.method", "onreply_route.source",
		"onreply_route.header", "onreply_route.xlog",
		"onreply_route.sl_forward_reply", "onreply_route.drop",
	};
	size_t i, n;

	for (n = 0; sls_conf_option_names[n] != NULL; n++)
		;
	ck_assert_uint_eq(n, sizeof(expect) / sizeof(expect[0]));
	for (i = 0; i < n; i++)
		ck_assert_str_eq(sls_conf_option_names[i], expect[i]);
}
END_TEST

/* Each listed name is an option the parser knows. */
START_TEST(option_names_known)
{
	char buf[256];
	const char *name, *dot;
	sls_errlist_t e = { NULL, 0 };
	sls_conf_t *c;
	size_t i, j;

	for (i = 0; (name = sls_conf_option_names[i]) != NULL; i++) {
		dot = strchr(name, '.');
		if (dot == NULL)
			snprintf(buf, sizeof(buf), "%s = \"zz\"\n", name);
		else if (strncmp(name, "sl.", 3) == 0)
			snprintf(buf, sizeof(buf), "sl {\n%s = \"zz\"\n}\n",
			    dot + 1);
		else if (strncmp(name, "limits.", 7) == 0)
			snprintf(buf, sizeof(buf), "limits {\n%s = \"zz\"\n}\n",
			    dot + 1);
		else if (strncmp(name, "tm.", 3) == 0)
			snprintf(buf, sizeof(buf), "tm {\n%s = \"zz\"\n}\n",
			    dot + 1);
		else if (strncmp(name, "route.", 6) == 0)
			snprintf(buf, sizeof(buf), "route \"r\" {\n%s = "
			    "\"zz\"\n}\n", dot + 1);
		else if (strncmp(name, "onreply_route.", 14) == 0)
			snprintf(buf, sizeof(buf), "onreply_route \"r\" {\n"
			    "%s = \"zz\"\n}\n", dot + 1);
		else
			snprintf(buf, sizeof(buf), "event_route "
			    "\"sl:filtered-ack\" {\n%s = \"zz\"\n}\n", dot + 1);
		c = NULL;
		if (sls_conf_load_buf(buf, NAME, &c, &e, NULL) == 0)
			sls_conf_free(c);
		for (j = 0; j < e.n; j++)
			ck_assert_msg(strstr(e.msg[j], "no such option") ==
			    NULL, "%s: %s", name, e.msg[j]);
		sls_errlist_free(&e);
	}
}
END_TEST

/* ---- support: error list, log names, text buffer ---------------------- */

START_TEST(errlist)
{
	sls_errlist_t e = { NULL, 0 };

	sls_errlist_add(&e, "%s:%d: %s", "f", 3, "one");
	sls_errlist_add(&e, "two");
	ck_assert_uint_eq(e.n, 2);
	ck_assert_str_eq(e.msg[0], "f:3: one");
	ck_assert_str_eq(e.msg[1], "two");
	sls_errlist_free(&e);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_ptr_null(e.msg);
	sls_errlist_free(&e);
}
END_TEST

START_TEST(log_names)
{
	ck_assert_int_eq(sls_log_level_parse("err"), LOG_ERR);
	ck_assert_int_eq(sls_log_level_parse("error"), LOG_ERR);
	ck_assert_int_eq(sls_log_level_parse("warning"), LOG_WARNING);
	ck_assert_int_eq(sls_log_level_parse("warn"), LOG_WARNING);
	ck_assert_int_eq(sls_log_level_parse("NOTICE"), LOG_NOTICE);
	ck_assert_int_eq(sls_log_level_parse("info"), LOG_INFO);
	ck_assert_int_eq(sls_log_level_parse("debug"), LOG_DEBUG);
	ck_assert_int_eq(sls_log_level_parse("crit"), LOG_CRIT);
	ck_assert_int_eq(sls_log_level_parse("loud"), -1);
	ck_assert_int_eq(sls_log_level_parse(""), -1);
	ck_assert_str_eq(sls_log_level_name(LOG_ERR), "err");
	ck_assert_str_eq(sls_log_level_name(LOG_WARNING), "warning");
	ck_assert_str_eq(sls_log_level_name(LOG_DEBUG), "debug");
	ck_assert_str_eq(sls_log_level_name(99), "unknown");
	ck_assert_int_eq(sls_log_facility_parse("daemon"), LOG_DAEMON);
	ck_assert_int_eq(sls_log_facility_parse("user"), LOG_USER);
	ck_assert_int_eq(sls_log_facility_parse("local0"), LOG_LOCAL0);
	ck_assert_int_eq(sls_log_facility_parse("local7"), LOG_LOCAL7);
	ck_assert_int_eq(sls_log_facility_parse("local8"), -1);
	ck_assert_int_eq(sls_log_facility_parse("kern"), -1);
	ck_assert_str_eq(sls_log_facility_name(LOG_LOCAL3), "local3");
}
END_TEST

START_TEST(buf)
{
	sls_buf_t b;
	char big[5000];
	int i;

	memset(&b, 0, sizeof(b));
	sls_buf_printf(&b, "%s=%d\n", "a", 1);
	sls_buf_append(&b, "xyz", 2);
	ck_assert_str_eq(b.data, "a=1\nxy");
	ck_assert_uint_eq(b.len, 6);
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sls_buf_printf(&b, "[%s]", big);
	ck_assert_uint_eq(b.len, 6 + 2 + sizeof(big) - 1);
	ck_assert_uint_eq(strlen(b.data), b.len);
	ck_assert_int_eq(b.data[6], '[');
	ck_assert_int_eq(b.data[b.len - 1], ']');
	for (i = 0; i < 1000; i++)
		sls_buf_printf(&b, "%d", i % 10);
	ck_assert_uint_eq(b.len, 6 + 2 + sizeof(big) - 1 + 1000);
	ck_assert_int_eq(b.failed, 0);
	sls_buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(b.data, "");
	sls_buf_printf(&b, "%s", "");
	ck_assert_str_eq(b.data, "");
	sls_buf_free(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);

	/* a failed buffer stays as it was and appends nothing */
	sls_buf_append(&b, "ok", 2);
	b.failed = 1;
	sls_buf_append(&b, "no", 2);
	sls_buf_printf(&b, "%s", "no");
	ck_assert_str_eq(b.data, "ok");
	sls_buf_free(&b);
}
END_TEST

static Suite *
conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc;

	tc = tcase_create("good");
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, sample);
	tcase_add_test(tc, dev_sample);
	tcase_add_test(tc, minimal);
	tcase_add_test(tc, full);
	tcase_add_test(tc, comments);
	tcase_add_test(tc, workers_zero);
	tcase_add_test(tc, worker_timeout);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, err_syntax);
	tcase_add_test(tc, err_ranges);
	tcase_add_test(tc, err_listen);
	tcase_add_test(tc, err_conditions);
	tcase_add_test(tc, err_actions);
	tcase_add_test(tc, err_reply);
	tcase_add_test(tc, err_finals);
	tcase_add_test(tc, err_forward);
	tcase_add_test(tc, forward_build);
	tcase_add_test(tc, err_limits);
	tcase_add_test(tc, err_event_route);
	tcase_add_test(tc, err_file);
	tcase_add_test(tc, err_read);
	tcase_add_test(tc, err_account);
	suite_add_tcase(s, tc);

	tc = tcase_create("warnings");
	tcase_add_test(tc, warn_glued);
	tcase_add_test(tc, warn_method);
	tcase_add_test(tc, warn_forward_class);
	tcase_add_test(tc, warn_and_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("reload");
	tcase_add_test(tc, restart_diff);
	tcase_add_test(tc, tm_section);
	tcase_add_test(tc, err_tm);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_test(tc, option_names);
	tcase_add_test(tc, option_names_known);
	suite_add_tcase(s, tc);

	tc = tcase_create("support");
	tcase_add_test(tc, errlist);
	tcase_add_test(tc, log_names);
	tcase_add_test(tc, buf);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(conf_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
