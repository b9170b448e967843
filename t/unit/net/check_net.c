/*
 * Addresses: listen specs, CIDR parsing and matching (IPv4, IPv6,
 * IPv4-mapped), text forms, and real UDP sockets on 127.0.0.1.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "net/net.h"

static void
listen_ok(const char *spec, int family, const char *addr, unsigned port,
    bool wildcard)
{
	char err[128] = "", a[SLS_ADDR_TEXTLEN];
	sls_listen_t l;

	ck_assert_msg(sls_listen_parse(spec, &l, err, sizeof(err)) == 0,
	    "%s: %s", spec, err);
	ck_assert_int_eq(l.addr.ss_family, family);
	ck_assert_uint_eq(l.addrlen, family == AF_INET ?
	    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
	sls_addr_ip((struct sockaddr *)&l.addr, a, sizeof(a));
	ck_assert_str_eq(a, addr);
	ck_assert_uint_eq(sls_addr_port((struct sockaddr *)&l.addr), port);
	ck_assert_int_eq(l.wildcard, wildcard);
	ck_assert_str_eq(l.text, spec);
}

static void
listen_bad(const char *spec, const char *want)
{
	char err[128] = "";
	sls_listen_t l;

	ck_assert_int_eq(sls_listen_parse(spec, &l, err, sizeof(err)), -1);
	ck_assert_str_eq(err, want);
}

START_TEST(listen_parse)
{
	char big[80];

	listen_ok("udp:127.0.0.1:5060", AF_INET, "127.0.0.1", 5060, false);
	listen_ok("udp:192.0.2.1", AF_INET, "192.0.2.1", 5060, false);
	listen_ok("udp:10.0.0.1:0", AF_INET, "10.0.0.1", 0, false);
	listen_ok("udp:10.0.0.1:65535", AF_INET, "10.0.0.1", 65535, false);
	listen_ok("udp:*:5070", AF_INET, "0.0.0.0", 5070, true);
	listen_ok("udp:*", AF_INET, "0.0.0.0", 5060, true);
	listen_ok("udp:0.0.0.0:5080", AF_INET, "0.0.0.0", 5080, true);
	listen_ok("udp:[::1]:5062", AF_INET6, "::1", 5062, false);
	listen_ok("udp:[2001:db8::7]", AF_INET6, "2001:db8::7", 5060, false);
	listen_ok("udp:[::]:5064", AF_INET6, "::", 5064, true);
	listen_ok("udp:[::]", AF_INET6, "::", 5060, true);

	listen_bad("tcp:127.0.0.1:5060", "unsupported transport (only udp)");
	listen_bad("UDP:127.0.0.1:5060", "unsupported transport (only udp)");
	listen_bad("udpx:127.0.0.1", "unsupported transport (only udp)");
	listen_bad("127.0.0.1", "expected udp:ADDRESS[:PORT]");
	listen_bad("", "expected udp:ADDRESS[:PORT]");
	listen_bad("udp:", "missing address");
	listen_bad("udp::5060", "missing address");
	listen_bad("udp:[]:5060", "missing address");
	listen_bad("udp:localhost:5060", "not a numeric IPv4 address (host "
	    "names are not resolved): localhost");
	listen_bad("udp:1.2.3:5060", "not a numeric IPv4 address (host "
	    "names are not resolved): 1.2.3");
	listen_bad("udp:1.2.3.4:", "bad port (0..65535)");
	listen_bad("udp:1.2.3.4:65536", "bad port (0..65535)");
	listen_bad("udp:1.2.3.4:50a", "bad port (0..65535)");
	listen_bad("udp:1.2.3.4:-1", "bad port (0..65535)");
	listen_bad("udp:1.2.3.4: 5060", "bad port (0..65535)");
	listen_bad("udp:1.2.3.4:18446744073709551617", "bad port (0..65535)");
	listen_ok("udp:10.0.0.1:005060", AF_INET, "10.0.0.1", 5060, false);
	listen_bad("udp:::1:5060", "IPv6 addresses need brackets, as in "
	    "udp:[::1]:5060");
	listen_bad("udp:[::1", "missing ']'");
	listen_bad("udp:[::1]5060", "expected ':' after ']'");
	listen_bad("udp:[1.2.3.4]:5060", "not a numeric IPv6 address: "
	    "1.2.3.4");
	listen_bad("udp:[host]:5060", "not a numeric IPv6 address: host");
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "udp:", 4);
	listen_bad(big, "too long");
	big[63] = '\0';	/* the longest that fits, but no address */
	listen_bad(big, "bad address");
}
END_TEST

static sls_cidr_t
cidr(const char *spec)
{
	char err[128] = "";
	sls_cidr_t c;

	ck_assert_msg(sls_cidr_parse(spec, &c, err, sizeof(err)) == 0,
	    "%s: %s", spec, err);
	return c;
}

static void
cidr_bad(const char *spec, const char *want)
{
	char err[128] = "";
	sls_cidr_t c;

	ck_assert_int_eq(sls_cidr_parse(spec, &c, err, sizeof(err)), -1);
	ck_assert_str_eq(err, want);
}

START_TEST(cidr_parse)
{
	sls_cidr_t c;
	char a[INET6_ADDRSTRLEN];

	c = cidr("10.0.0.0/8");
	ck_assert_int_eq(c.family, AF_INET);
	ck_assert_uint_eq(c.prefix, 8);
	c = cidr("10.1.2.3/12");	/* host bits are cleared */
	ck_assert_str_eq(inet_ntop(AF_INET, c.addr, a, sizeof(a)),
	    "10.0.0.0");
	ck_assert_uint_eq(c.prefix, 12);
	c = cidr("172.31.255.255/12");
	ck_assert_str_eq(inet_ntop(AF_INET, c.addr, a, sizeof(a)),
	    "172.16.0.0");
	c = cidr("192.0.2.7");
	ck_assert_uint_eq(c.prefix, 32);
	ck_assert_str_eq(inet_ntop(AF_INET, c.addr, a, sizeof(a)),
	    "192.0.2.7");
	c = cidr("0.0.0.0/0");
	ck_assert_uint_eq(c.prefix, 0);
	c = cidr("::1");
	ck_assert_int_eq(c.family, AF_INET6);
	ck_assert_uint_eq(c.prefix, 128);
	c = cidr("2001:db8:ffff::1/33");
	ck_assert_str_eq(inet_ntop(AF_INET6, c.addr, a, sizeof(a)),
	    "2001:db8:8000::");
	c = cidr("::/0");
	ck_assert_uint_eq(c.prefix, 0);

	cidr_bad("10.0.0.0/33", "bad prefix length (0..32)");
	cidr_bad("10.0.0.0/", "bad prefix length (0..32)");
	cidr_bad("10.0.0.0/x", "bad prefix length (0..32)");
	cidr_bad("10.0.0.0/-1", "bad prefix length (0..32)");
	cidr_bad("10.0.0.0/8/8", "bad prefix length (0..32)");
	cidr_bad("10.0.0.0/ 8", "bad prefix length (0..32)");
	cidr_bad("10.0.0.0/4294967304", "bad prefix length (0..32)");
	cidr_bad("10.0.0.0/18446744073709551624",
	    "bad prefix length (0..32)");
	cidr_bad("::/129", "bad prefix length (0..128)");
	cidr_bad("::/65664", "bad prefix length (0..128)");
	c = cidr("10.0.0.0/008");
	ck_assert_uint_eq(c.prefix, 8);
	c = cidr("::1/0128");
	ck_assert_uint_eq(c.prefix, 128);
	cidr_bad("/8", "missing address");
	cidr_bad("", "missing address");
	cidr_bad("10.0.0", "not a numeric IPv4 address: 10.0.0");
	cidr_bad("gw.example.net/24",
	    "not a numeric IPv4 address: gw.example.net");
	cidr_bad("fe80::1%eth0", "not a numeric IPv6 address: fe80::1%eth0");
	cidr_bad("1::2::3", "not a numeric IPv6 address: 1::2::3");
}
END_TEST

static struct sockaddr_storage
sa(const char *ip, unsigned port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (strchr(ip, ':') != NULL) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		ck_assert_int_eq(inet_pton(AF_INET6, ip, &s6->sin6_addr), 1);
	} else {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		ck_assert_int_eq(inet_pton(AF_INET, ip, &s4->sin_addr), 1);
	}
	return ss;
}

static bool
match(const char *spec, const char *ip)
{
	sls_cidr_t c = cidr(spec);
	struct sockaddr_storage ss = sa(ip, 5060);

	return sls_cidr_match(&c, (struct sockaddr *)&ss);
}

START_TEST(cidr_match)
{
	/* IPv4, byte and bit boundaries */
	ck_assert(match("10.0.0.0/8", "10.255.255.255"));
	ck_assert(!match("10.0.0.0/8", "11.0.0.0"));
	ck_assert(!match("10.0.0.0/8", "9.255.255.255"));
	ck_assert(match("172.16.0.0/12", "172.31.0.1"));
	ck_assert(!match("172.16.0.0/12", "172.32.0.1"));
	ck_assert(!match("172.16.0.0/12", "172.15.255.255"));
	ck_assert(match("192.0.2.7", "192.0.2.7"));
	ck_assert(!match("192.0.2.7", "192.0.2.6"));
	ck_assert(match("192.0.2.6/31", "192.0.2.7"));
	ck_assert(match("0.0.0.0/0", "203.0.113.9"));

	/* IPv6 */
	ck_assert(match("2001:db8::/32", "2001:db8:1234::1"));
	ck_assert(!match("2001:db8::/32", "2001:db9::1"));
	ck_assert(match("::1", "::1"));
	ck_assert(!match("::1", "::2"));
	ck_assert(match("::/127", "::1"));
	ck_assert(!match("::/128", "::1"));
	ck_assert(match("fe80::/10", "febf::1"));
	ck_assert(!match("fe80::/10", "fec0::1"));

	/* an IPv4 CIDR matches IPv4-mapped IPv6 sources */
	ck_assert(match("10.0.0.0/8", "::ffff:10.1.2.3"));
	ck_assert(!match("10.0.0.0/8", "::ffff:11.1.2.3"));
	ck_assert(match("0.0.0.0/0", "::ffff:1.2.3.4"));
	ck_assert(!match("0.0.0.0/0", "::1"));
	ck_assert(!match("10.0.0.0/8", "::10.1.2.3"));	/* compatible */
	ck_assert(!match("10.0.0.0/8", "2001:db8::a01:203"));
	/* an IPv6 CIDR over mapped addresses matches IPv4 sources */
	ck_assert(match("::ffff:10.0.0.0/104", "10.9.9.9"));
	ck_assert(!match("::ffff:10.0.0.0/104", "11.9.9.9"));
	ck_assert(match("::ffff:192.0.2.7", "192.0.2.7"));
	/* but ::/0 means IPv6 sources only */
	ck_assert(!match("::/0", "10.9.9.9"));
	ck_assert(match("::/0", "::ffff:10.9.9.9"));
	ck_assert(!match("::ffff:0:0/95", "10.9.9.9"));
}
END_TEST

START_TEST(cidr_other_family)
{
	sls_cidr_t c = cidr("0.0.0.0/0");
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_UNIX;
	ck_assert(!sls_cidr_match(&c, (struct sockaddr *)&ss));
}
END_TEST

START_TEST(format)
{
	struct sockaddr_storage a = sa("192.0.2.1", 5060);
	struct sockaddr_storage b = sa("2001:db8::1", 5061);
	struct sockaddr_storage u;
	char buf[SLS_ADDR_TEXTLEN];

	ck_assert_uint_eq(sls_addr_ip((struct sockaddr *)&a, buf, sizeof(buf)),
	    9);
	ck_assert_str_eq(buf, "192.0.2.1");
	ck_assert_uint_eq(sls_addr_ip((struct sockaddr *)&b, buf, sizeof(buf)),
	    11);
	ck_assert_str_eq(buf, "2001:db8::1");
	ck_assert_uint_eq(sls_addr_port((struct sockaddr *)&a), 5060);
	ck_assert_uint_eq(sls_addr_port((struct sockaddr *)&b), 5061);
	ck_assert_uint_eq(sls_addr_format((struct sockaddr *)&a, buf,
	    sizeof(buf)), 14);
	ck_assert_str_eq(buf, "192.0.2.1:5060");
	ck_assert_uint_eq(sls_addr_format((struct sockaddr *)&b, buf,
	    sizeof(buf)), 18);
	ck_assert_str_eq(buf, "[2001:db8::1]:5061");

	/* too small: empty, 0 */
	ck_assert_uint_eq(sls_addr_ip((struct sockaddr *)&a, buf, 9), 0);
	ck_assert_str_eq(buf, "");
	ck_assert_uint_eq(sls_addr_format((struct sockaddr *)&a, buf, 14), 0);
	ck_assert_str_eq(buf, "");
	ck_assert_uint_eq(sls_addr_format((struct sockaddr *)&a, buf, 15),
	    14);
	ck_assert_uint_eq(sls_addr_format((struct sockaddr *)&b, buf, 18), 0);

	memset(&u, 0, sizeof(u));
	u.ss_family = AF_UNIX;
	strcpy(buf, "x");
	ck_assert_uint_eq(sls_addr_ip((struct sockaddr *)&u, buf, sizeof(buf)),
	    0);
	ck_assert_str_eq(buf, "");
	ck_assert_uint_eq(sls_addr_port((struct sockaddr *)&u), 0);
	ck_assert_uint_eq(sls_addr_format((struct sockaddr *)&u, buf,
	    sizeof(buf)), 0);
}
END_TEST

START_TEST(equal)
{
	struct sockaddr_storage a = sa("192.0.2.1", 5060);
	struct sockaddr_storage a2 = sa("192.0.2.1", 5060);
	struct sockaddr_storage ap = sa("192.0.2.1", 5061);
	struct sockaddr_storage b = sa("192.0.2.2", 5060);
	struct sockaddr_storage m = sa("::ffff:192.0.2.1", 5060);
	struct sockaddr_storage v6 = sa("fe80::1", 5060);
	struct sockaddr_storage v6s = sa("fe80::1", 5060);

#define EQ(x, y) \
	sls_addr_equal((struct sockaddr *)&(x), (struct sockaddr *)&(y))
	ck_assert(EQ(a, a2));
	ck_assert(!EQ(a, ap));
	ck_assert(!EQ(a, b));
	ck_assert(!EQ(a, m));
	ck_assert(EQ(v6, v6s));
	((struct sockaddr_in6 *)&v6s)->sin6_scope_id = 2;
	ck_assert(!EQ(v6, v6s));
#undef EQ
}
END_TEST

static sls_listen_t
listen_spec(const char *spec)
{
	char err[128] = "";
	sls_listen_t l;

	ck_assert_msg(sls_listen_parse(spec, &l, err, sizeof(err)) == 0,
	    "%s: %s", spec, err);
	return l;
}

static int
int_opt(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	ck_assert_int_eq(getsockopt(fd, level, name, &v, &len), 0);
	return v;
}

static unsigned
bound_port(int fd, struct sockaddr_storage *ss)
{
	socklen_t len = sizeof(*ss);

	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)ss, &len), 0);
	return sls_addr_port((struct sockaddr *)ss);
}

/* A real socket on 127.0.0.1, port 0: flags, options, a datagram. */
START_TEST(udp_socket)
{
	sls_listen_t l = listen_spec("udp:127.0.0.1:0");
	struct sockaddr_storage ss;
	char buf[16];
	unsigned port;
	int fd, fl;
	ssize_t n;

	fd = sls_udp_socket(&l, false);
	ck_assert_int_ge(fd, 0);
	port = bound_port(fd, &ss);
	ck_assert_uint_gt(port, 0);
	fl = fcntl(fd, F_GETFL);
	ck_assert(fl & O_NONBLOCK);
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	ck_assert_int_eq(int_opt(fd, SOL_SOCKET, SO_TYPE), SOCK_DGRAM);
	ck_assert_int_eq(int_opt(fd, SOL_SOCKET, SO_REUSEPORT), 0);
	ck_assert_int_eq(int_opt(fd, IPPROTO_IP, IP_PKTINFO), 0);
	/* raised, or at least not lowered below the usual default */
	ck_assert_int_ge(int_opt(fd, SOL_SOCKET, SO_RCVBUF), 4096);

	ck_assert_int_eq(sendto(fd, "ping", 4, 0, (struct sockaddr *)&ss,
	    sizeof(struct sockaddr_in)), 4);
	do
		n = recv(fd, buf, sizeof(buf), 0);
	while (n < 0 && errno == EAGAIN);
	ck_assert_int_eq(n, 4);
	ck_assert_int_eq(memcmp(buf, "ping", 4), 0);
	/* non-blocking: nothing more to read */
	ck_assert_int_eq(recv(fd, buf, sizeof(buf), 0), -1);
	ck_assert_int_eq(errno, EAGAIN);
	close(fd);
}
END_TEST

START_TEST(udp_wildcard)
{
	sls_listen_t l = listen_spec("udp:*:0");
	int fd;

	fd = sls_udp_socket(&l, false);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(int_opt(fd, IPPROTO_IP, IP_PKTINFO), 1);
	close(fd);
}
END_TEST

START_TEST(udp_ipv6)
{
	sls_listen_t l = listen_spec("udp:[::1]:0"), w = listen_spec(
	    "udp:[::]:0");
	int probe, fd;

	probe = socket(AF_INET6, SOCK_DGRAM, 0);
	if (probe < 0)
		return;		/* no IPv6 here: nothing to test */
	close(probe);
	fd = sls_udp_socket(&l, false);
	if (fd < 0 && errno == EADDRNOTAVAIL)
		return;		/* IPv6 without ::1 (disabled on lo) */
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(int_opt(fd, IPPROTO_IPV6, IPV6_V6ONLY), 1);
	ck_assert_int_eq(int_opt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO), 0);
	close(fd);
	fd = sls_udp_socket(&w, false);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(int_opt(fd, IPPROTO_IPV6, IPV6_V6ONLY), 1);
	ck_assert_int_eq(int_opt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO), 1);
	close(fd);
}
END_TEST

START_TEST(udp_reuseport)
{
	sls_listen_t l = listen_spec("udp:127.0.0.1:0");
	struct sockaddr_storage ss;
	int a, b;

	a = sls_udp_socket(&l, true);
	ck_assert_int_ge(a, 0);
	ck_assert_int_eq(int_opt(a, SOL_SOCKET, SO_REUSEPORT), 1);
	bound_port(a, &ss);
	memcpy(&l.addr, &ss, sizeof(ss));
	b = sls_udp_socket(&l, true);
	ck_assert_int_ge(b, 0);
	close(a);
	close(b);
}
END_TEST

/* Read what the code under test wrote to stderr. */
static int saved_stderr = -1;

static int
capture_begin(void)
{
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	saved_stderr = dup(STDERR_FILENO);
	ck_assert_int_ge(saved_stderr, 0);
	ck_assert_int_ge(dup2(p[1], STDERR_FILENO), 0);
	close(p[1]);
	return p[0];
}

static void
capture_end(int rfd, char *out, size_t len)
{
	ssize_t n;

	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	n = read(rfd, out, len - 1);
	out[n > 0 ? n : 0] = '\0';
	close(rfd);
}

/* A bind conflict fails with EADDRINUSE and logs one exact line. */
START_TEST(udp_bind_conflict)
{
	sls_listen_t l = listen_spec("udp:127.0.0.1:0");
	struct sockaddr_storage ss;
	char got[512], want[512];
	unsigned port;
	int a, b, rfd, e;

	a = sls_udp_socket(&l, false);
	ck_assert_int_ge(a, 0);
	port = bound_port(a, &ss);
	memcpy(&l.addr, &ss, sizeof(ss));

	sls_log_open(LOG_DAEMON, true);
	sls_log_set_level(LOG_NOTICE);
	rfd = capture_begin();
	b = sls_udp_socket(&l, false);
	e = errno;
	sls_log_set_prefix("worker 3: ");
	errno = EADDRINUSE;
	sls_udp_socket(&l, false);
	capture_end(rfd, got, sizeof(got));
	sls_log_set_prefix(NULL);

	ck_assert_int_eq(b, -1);
	ck_assert_int_eq(e, EADDRINUSE);
	snprintf(want, sizeof(want), "slserver[%d]: err: bind(127.0.0.1:%u) "
	    "failed: Address already in use\n"
	    "slserver[%d]: err: worker 3: bind(127.0.0.1:%u) failed: Address "
	    "already in use\n", (int)getpid(), port, (int)getpid(), port);
	ck_assert_str_eq(got, want);
	close(a);
}
END_TEST

/* The level filter, sls_warnx, and errno kept across logging. */
START_TEST(log_lines)
{
	char got[1024], want[1024];
	int rfd;

	sls_log_open(LOG_DAEMON, true);
	sls_log_set_level(LOG_NOTICE);
	ck_assert(sls_log_enabled(LOG_ERR));
	ck_assert(sls_log_enabled(LOG_NOTICE));
	ck_assert(!sls_log_enabled(LOG_INFO));
	rfd = capture_begin();
	sls_log(LOG_INFO, "hidden %d", 1);
	sls_log(LOG_NOTICE, "shown %d", 2);
	errno = ENOENT;
	sls_warnx("no errno here");
	ck_assert_int_eq(errno, ENOENT);
	sls_warn("open(%s) failed", "/x");
	ck_assert_int_eq(errno, ENOENT);
	sls_log_set_level(LOG_DEBUG);
	sls_log(LOG_DEBUG, "debug now");
	sls_log_set_level(LOG_ERR);
	sls_log(LOG_WARNING, "hidden too");
	capture_end(rfd, got, sizeof(got));
	snprintf(want, sizeof(want),
	    "slserver[%d]: notice: shown 2\n"
	    "slserver[%d]: err: no errno here\n"
	    "slserver[%d]: err: open(/x) failed: No such file or directory\n"
	    "slserver[%d]: debug: debug now\n",
	    (int)getpid(), (int)getpid(), (int)getpid(), (int)getpid());
	ck_assert_str_eq(got, want);
}
END_TEST

/* A long message is cut, but still ends the line. */
START_TEST(log_long)
{
	char msg[4000], got[8192];
	size_t n;
	int rfd;

	memset(msg, 'x', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	sls_log_open(LOG_DAEMON, true);
	sls_log_set_level(LOG_NOTICE);
	rfd = capture_begin();
	sls_log(LOG_ERR, "%s", msg);
	capture_end(rfd, got, sizeof(got));
	n = strlen(got);
	ck_assert_uint_gt(n, 1000);
	ck_assert_uint_lt(n, sizeof(msg));
	ck_assert_int_eq(got[n - 1], '\n');
	ck_assert_ptr_eq(strchr(got, '\n'), got + n - 1);
}
END_TEST

static Suite *
net_suite(void)
{
	Suite *s = suite_create("net");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_test(tc, listen_parse);
	tcase_add_test(tc, cidr_parse);
	tcase_add_test(tc, cidr_match);
	tcase_add_test(tc, cidr_other_family);
	tcase_add_test(tc, format);
	tcase_add_test(tc, equal);
	suite_add_tcase(s, tc);

	tc = tcase_create("socket");
	tcase_add_test(tc, udp_socket);
	tcase_add_test(tc, udp_wildcard);
	tcase_add_test(tc, udp_ipv6);
	tcase_add_test(tc, udp_reuseport);
	tcase_add_test(tc, udp_bind_conflict);
	suite_add_tcase(s, tc);

	tc = tcase_create("log");
	tcase_add_test(tc, log_lines);
	tcase_add_test(tc, log_long);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(net_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
