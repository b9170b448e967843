/*
 * loadgen: a SIP load generator over UDP for the slserver benchmarks.
 *
 * One thread, one to 64 non-blocking connected UDP sockets, batches of
 * 64 datagrams per recvmmsg/sendmmsg. Each request gets a unique Call-ID,
 * From tag and branch: the request text is built once per socket and only
 * the 16 hex digits of the request number are patched in. A reply is
 * matched to its request by the number in its Call-ID. A window bounds the
 * outstanding requests; a request without a final reply after the timeout
 * counts as lost and frees its slot. No retransmissions are sent.
 *
 * With -a, every non-2xx final reply to an INVITE is acknowledged as RFC
 * 3261 17.1.1.3 says: same Request-URI, the INVITE's top Via (same branch),
 * From and Call-ID, the To of the reply (with its tag), CSeq number of the
 * INVITE with method ACK. 2xx replies are not acknowledged (that ACK is a
 * new transaction to the Contact; the benchmarks never send 2xx to INVITE).
 *
 * Output: requests, replies, lost, replies/s, latency percentiles from a
 * log-linear histogram, status codes, ACKs. Exit 0 when nothing was lost
 * and at least one final reply came, 1 otherwise (or on a runtime error),
 * 2 on usage errors.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hostport.h"

#define BATCH		64
#define MAX_SOCKS	64
#define RX_CAP		4096	/* larger replies are truncated, still parsed */
#define TX_CAP		1024	/* one request or ACK */
#define SOCK_BUF	(4 << 20)
#define HEX_LEN		16	/* digits of the request number */
#define MAX_CODE	700
#define RING_MIN	(1u << 20)
#define GSO_MAX_SEGS	64	/* UDP_MAX_SEGMENTS of older kernels */
#define GSO_MAX_BYTES	65000	/* one UDP datagram before segmentation */

/* Latency histogram: 1 us buckets below 1024 us, then 256 per octave. */
#define H_LINEAR	1024
#define H_SUB		256
#define H_OCTAVES	44
#define H_SIZE		(H_LINEAR + H_OCTAVES * H_SUB)

enum method { M_INVITE, M_OPTIONS };
enum outfmt { OUT_TEXT, OUT_JSON };

struct opts {
	enum method method;
	uint64_t total;
	double duration;	/* s */
	unsigned window;
	unsigned min_batch;	/* -B; UINT_MAX = default, window / 4 */
	double rate;		/* requests/s, 0 = unlimited */
	unsigned timeout_ms;
	bool ack;
	bool rport;
	bool gso;
	unsigned nsocks;
	enum outfmt fmt;
	const char *local;
	const char *target;
};

/* A request text with the places where the request number goes. */
struct tmpl {
	char buf[TX_CAP];
	size_t len;
	size_t off[3];		/* branch, From tag, Call-ID digits */
	size_t noff;
};

struct sock {
	int fd;
	struct tmpl req;
	struct tmpl ack_head;	/* request line, Via, Max-Forwards, From */
	struct tmpl ack_tail;	/* Call-ID, CSeq, Content-Length, CRLF */
	/* request buffers: a copy of req each, only the digits change */
	char txreq[BATCH][TX_CAP];
};

/* An outstanding request; id is the request number + 1, 0 when free. */
struct slot {
	uint64_t id;
	uint64_t t_sent;	/* ns */
};

struct state {
	struct opts o;
	struct sock *socks;
	unsigned nsocks;
	char run[9];		/* run id, 8 hex digits, in every Call-ID */

	struct slot *ring;
	uint64_t ring_mask;
	uint64_t next;		/* next request number */
	uint64_t tail;		/* oldest number that may be outstanding */
	uint64_t outstanding;

	uint64_t sent, finals, provisional, lost, stray, acks, ack_fail;
	uint64_t bad_replies, send_err;
	uint64_t codes[MAX_CODE];
	uint64_t hist[H_SIZE];
	uint64_t lat_max, lat_sum;
	uint64_t t_start, t_first_send, t_last_final, t_end;
	double cpu_s;		/* loadgen's own CPU time, user + system */

	double tokens;
	uint64_t t_tokens;

	/* per-batch buffers */
	struct mmsghdr rx[BATCH];
	struct iovec rxiov[BATCH];
	char rxbuf[BATCH][RX_CAP];
	struct mmsghdr tx[2 * BATCH];
	unsigned txcount[2 * BATCH];	/* datagrams in each tx message */
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(uint16_t))];
	} txctl[2 * BATCH];
	struct iovec txiov[2 * BATCH];	/* one per datagram */
	char txack[BATCH][TX_CAP];
};

static volatile sig_atomic_t interrupted;

static const char hexdig[] = "0123456789abcdef";
static signed char hexval[256];

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: loadgen [-aGR] [-m INVITE|OPTIONS] [-n COUNT] "
	    "[-d SECONDS]\n"
	    "               [-w WINDOW] [-B MIN_BATCH] [-r RATE] "
	    "[-t TIMEOUT_MS]\n"
	    "               [-s SOCKETS] [-b LOCAL_ADDR] [-o text|json] "
	    "ADDR:PORT\n"
	    "  -m  request method (INVITE)\n"
	    "  -n  requests to send (100000)\n"
	    "  -d  hard bound on the run in seconds (30)\n"
	    "  -w  window of outstanding requests (100)\n"
	    "  -B  uncapped: send when this many slots are free (window/4)\n"
	    "  -r  rate cap per second, 0 = none (0)\n"
	    "  -t  reply timeout in ms (500)\n"
	    "  -a  ACK every non-2xx final reply to INVITE\n"
	    "  -R  add ;rport to the Via\n"
	    "  -G  send batches with UDP GSO (fewer sends for loadgen)\n"
	    "  -s  source sockets, one port each (1)\n"
	    "  -b  local address (loopback of the target's family)\n"
	    "  -o  output format (text)\n"
	    "  target: 127.0.0.1:5060 or [::1]:5060\n");
}

/* "host:port" text for Via and URIs; IPv6 in brackets. */
static void
format_hostport(const struct sockaddr_storage *ss, char *out, size_t cap,
    bool with_port)
{
	char host[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a6 = (const void *)ss;

		inet_ntop(AF_INET6, &a6->sin6_addr, host, sizeof(host));
		if (with_port)
			snprintf(out, cap, "[%s]:%u", host,
			    ntohs(a6->sin6_port));
		else
			snprintf(out, cap, "[%s]", host);
	} else {
		const struct sockaddr_in *a4 = (const void *)ss;

		inet_ntop(AF_INET, &a4->sin_addr, host, sizeof(host));
		if (with_port)
			snprintf(out, cap, "%s:%u", host, ntohs(a4->sin_port));
		else
			snprintf(out, cap, "%s", host);
	}
}

/*
 * Append text to a template; "@" marks where the request number goes
 * (HEX_LEN digits). Returns -1 when the template would overflow.
 */
static int
tmpl_add(struct tmpl *t, const char *text)
{
	const char *p;

	for (p = text; *p != '\0'; p++) {
		if (*p == '@' && p[1] == '@') {
			if (t->len + HEX_LEN > sizeof(t->buf) || t->noff == 3)
				return -1;
			t->off[t->noff++] = t->len;
			memset(t->buf + t->len, '0', HEX_LEN);
			t->len += HEX_LEN;
			p++;
			continue;
		}
		if (t->len + 1 > sizeof(t->buf))
			return -1;
		t->buf[t->len++] = *p;
	}
	return 0;
}

static int
tmpl_addf(struct tmpl *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
tmpl_addf(struct tmpl *t, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -1;
	return tmpl_add(t, line);
}

/* Build the request and ACK texts of one socket. "@@" = number digits. */
static int
build_templates(struct state *st, struct sock *k,
    const struct sockaddr_storage *local, const struct sockaddr_storage *dst)
{
	char via_hp[64], lhost[64], dst_hp[64];
	const char *m = st->o.method == M_INVITE ? "INVITE" : "OPTIONS";
	const char *rp = st->o.rport ? ";rport" : "";
	struct tmpl *t = &k->req;
	unsigned i;
	int r = 0;

	format_hostport(local, via_hp, sizeof(via_hp), true);
	format_hostport(local, lhost, sizeof(lhost), false);
	format_hostport(dst, dst_hp, sizeof(dst_hp), true);

	memset(t, 0, sizeof(*t));
	r |= tmpl_addf(t, "%s sip:bench@%s SIP/2.0\r\n", m, dst_hp);
	r |= tmpl_addf(t, "Via: SIP/2.0/UDP %s;branch=z9hG4bK.@@.%s%s\r\n",
	    via_hp, st->run, rp);
	r |= tmpl_add(t, "Max-Forwards: 70\r\n");
	r |= tmpl_addf(t, "From: <sip:loadgen@%s>;tag=@@%s\r\n", lhost,
	    st->run);
	r |= tmpl_addf(t, "To: <sip:bench@%s>\r\n", dst_hp);
	r |= tmpl_addf(t, "Call-ID: @@.%s@loadgen\r\n", st->run);
	r |= tmpl_addf(t, "CSeq: 1 %s\r\n", m);
	r |= tmpl_addf(t, "Contact: <sip:loadgen@%s>\r\n", via_hp);
	r |= tmpl_add(t, "User-Agent: slserver-loadgen\r\n");
	r |= tmpl_add(t, "Content-Length: 0\r\n\r\n");

	t = &k->ack_head;
	memset(t, 0, sizeof(*t));
	r |= tmpl_addf(t, "ACK sip:bench@%s SIP/2.0\r\n", dst_hp);
	r |= tmpl_addf(t, "Via: SIP/2.0/UDP %s;branch=z9hG4bK.@@.%s%s\r\n",
	    via_hp, st->run, rp);
	r |= tmpl_add(t, "Max-Forwards: 70\r\n");
	r |= tmpl_addf(t, "From: <sip:loadgen@%s>;tag=@@%s\r\n", lhost,
	    st->run);

	t = &k->ack_tail;
	memset(t, 0, sizeof(*t));
	r |= tmpl_addf(t, "Call-ID: @@.%s@loadgen\r\n", st->run);
	r |= tmpl_add(t, "CSeq: 1 ACK\r\n");
	r |= tmpl_add(t, "User-Agent: slserver-loadgen\r\n");
	r |= tmpl_add(t, "Content-Length: 0\r\n\r\n");
	if (r != 0 || k->req.noff != 3) {
		fprintf(stderr, "loadgen: request template too large\n");
		return -1;
	}
	for (i = 0; i < BATCH; i++)
		memcpy(k->txreq[i], k->req.buf, k->req.len);
	return 0;
}

static inline void
put_hex(char *dst, uint64_t v)
{
	int i;

	for (i = HEX_LEN - 1; i >= 0; i--) {
		dst[i] = hexdig[v & 15];
		v >>= 4;
	}
}

static inline void
tmpl_patch(char *buf, const struct tmpl *t, const char *hex)
{
	size_t i;

	for (i = 0; i < t->noff; i++)
		memcpy(buf + t->off[i], hex, HEX_LEN);
}

static int
open_socket(const struct sockaddr_storage *local, socklen_t llen,
    const struct sockaddr_storage *dst, socklen_t dlen,
    struct sockaddr_storage *bound)
{
	socklen_t blen = sizeof(*bound);
	int fd, sz = SOCK_BUF;

	fd = socket(dst->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0) {
		perror("loadgen: socket");
		return -1;
	}
	/* FORCE needs CAP_NET_ADMIN; the plain call is capped by rmem_max */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (bind(fd, (const struct sockaddr *)local, llen) < 0) {
		perror("loadgen: bind");
		goto fail;
	}
	/* connected: no route lookup per datagram, replies only from dst */
	if (connect(fd, (const struct sockaddr *)dst, dlen) < 0) {
		perror("loadgen: connect");
		goto fail;
	}
	if (getsockname(fd, (struct sockaddr *)bound, &blen) < 0) {
		perror("loadgen: getsockname");
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

static inline unsigned
hist_index(uint64_t us)
{
	unsigned e, shift, idx;

	if (us < H_LINEAR)
		return (unsigned)us;
	e = 63u - (unsigned)__builtin_clzll(us);	/* >= 10 */
	shift = e - 8;
	idx = H_LINEAR + (e - 10) * H_SUB + (unsigned)((us >> shift) - H_SUB);
	return idx < H_SIZE ? idx : H_SIZE - 1;
}

/* Lower bound of a bucket, in us. */
static uint64_t
hist_value(unsigned idx)
{
	unsigned oct, sub;

	if (idx < H_LINEAR)
		return idx;
	oct = (idx - H_LINEAR) / H_SUB;
	sub = (idx - H_LINEAR) % H_SUB;
	return (uint64_t)(H_SUB + sub) << (oct + 2);
}

static uint64_t
hist_pct(const struct state *st, double p)
{
	uint64_t want, acc = 0;
	unsigned i;

	if (st->finals == 0)
		return 0;
	want = (uint64_t)(p * (double)st->finals + 0.999999);
	if (want == 0)
		want = 1;
	for (i = 0; i < H_SIZE; i++) {
		acc += st->hist[i];
		if (acc >= want)
			return hist_value(i) < st->lat_max ? hist_value(i) :
			    st->lat_max;
	}
	return st->lat_max;
}

static inline bool
is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Does the header line at p (up to e) have the given long name or compact
 * letter? On a match *val points past the colon and whitespace.
 */
static inline bool
hdr_is(const char *p, const char *e, const char *name, size_t nlen,
    char compact, const char **val)
{
	const char *q;

	if ((size_t)(e - p) > nlen && strncasecmp(p, name, nlen) == 0)
		q = p + nlen;
	else if (e - p > 1 && (p[0] | 0x20) == compact)
		q = p + 1;
	else
		return false;
	while (q < e && is_ws(*q))
		q++;
	if (q == e || *q != ':')
		return false;
	q++;
	while (q < e && is_ws(*q))
		q++;
	*val = q;
	return true;
}

/* Extend a header line ending at nl over folded continuation lines. */
static const char *
line_end(const char *nl, const char *end)
{
	const char *n;

	while (nl + 2 < end && is_ws(nl[1])) {
		n = memchr(nl + 1, '\n', (size_t)(end - nl - 1));
		if (n == NULL)
			return end - 1;
		nl = n;
	}
	return nl;
}

/*
 * Walk the header lines of a reply once: find the Call-ID value and the
 * whole To header (with any continuation lines, ending after its LF).
 */
static void
scan_reply(const char *msg, size_t len, const char **cid, const char **cide,
    const char **to, const char **toe)
{
	const char *p = msg, *end = msg + len, *nl, *v;

	*cid = *cide = *to = *toe = NULL;
	nl = memchr(p, '\n', len);	/* skip the status line */
	while (nl != NULL && nl + 1 < end) {
		p = nl + 1;
		if (*p == '\r' || *p == '\n')
			break;		/* end of headers */
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end - 1;
		switch (*p | 0x20) {
		case 'c':
		case 'i':
			if (*cid == NULL && hdr_is(p, nl, "call-id", 7, 'i',
			    &v)) {
				*cid = v;
				*cide = nl;
			}
			break;
		case 't':
			if (*to == NULL && hdr_is(p, nl, "to", 2, 't', &v)) {
				*to = p;
				nl = line_end(nl, end);
				*toe = nl + 1;
			}
			break;
		default:
			break;
		}
		if (*cid != NULL && *to != NULL)
			return;
	}
}

/* Request number from "<16 hex>.<run>@..."; -1 if not ours. */
static int64_t
parse_cid(const struct state *st, const char *v, const char *e)
{
	uint64_t n = 0;
	int i, d;

	if (e - v < HEX_LEN + 9)
		return -1;
	for (i = 0; i < HEX_LEN; i++) {
		d = hexval[(unsigned char)v[i]];
		if (d < 0)
			return -1;
		n = n << 4 | (uint64_t)d;
	}
	if (v[HEX_LEN] != '.' || memcmp(v + HEX_LEN + 1, st->run, 8) != 0)
		return -1;
	if (n > INT64_MAX)
		return -1;
	return (int64_t)n;
}

/* Build the ACK for request n answered by a reply whose To is [to, toe). */
static int
build_ack(const struct sock *k, uint64_t n, const char *to, const char *toe,
    char *out)
{
	char hex[HEX_LEN];
	size_t tl = (size_t)(toe - to), len;

	len = k->ack_head.len + tl + k->ack_tail.len;
	if (len > TX_CAP)
		return -1;
	put_hex(hex, n);
	memcpy(out, k->ack_head.buf, k->ack_head.len);
	tmpl_patch(out, &k->ack_head, hex);
	memcpy(out + k->ack_head.len, to, tl);
	memcpy(out + k->ack_head.len + tl, k->ack_tail.buf, k->ack_tail.len);
	tmpl_patch(out + k->ack_head.len + tl, &k->ack_tail, hex);
	return (int)len;
}

/* Handle one reply; may queue an ACK in st->tx[*nack]. */
static void
on_reply(struct state *st, struct sock *k, const char *msg, size_t len,
    uint64_t now, unsigned *nack)
{
	const char *cid, *cide, *to, *toe;
	struct slot *s;
	int64_t n;
	int code, alen;
	uint64_t us;

	if (len < 12 || memcmp(msg, "SIP/2.0 ", 8) != 0 ||
	    msg[8] < '1' || msg[8] > '6' || msg[9] < '0' || msg[9] > '9' ||
	    msg[10] < '0' || msg[10] > '9') {
		st->bad_replies++;
		return;
	}
	code = (msg[8] - '0') * 100 + (msg[9] - '0') * 10 + (msg[10] - '0');
	scan_reply(msg, len, &cid, &cide, &to, &toe);
	if (cid == NULL || (n = parse_cid(st, cid, cide)) < 0) {
		st->bad_replies++;
		return;
	}
	if (code < 200) {
		st->provisional++;
		return;
	}
	s = &st->ring[(uint64_t)n & st->ring_mask];
	if (s->id != (uint64_t)n + 1) {
		st->stray++;	/* late, duplicate or not ours */
		return;
	}
	s->id = 0;
	st->outstanding--;
	st->finals++;
	st->codes[code]++;
	us = (now - s->t_sent) / 1000;
	st->hist[hist_index(us)]++;
	st->lat_sum += us;
	if (us > st->lat_max)
		st->lat_max = us;
	st->t_last_final = now;

	if (!st->o.ack || st->o.method != M_INVITE || code < 300)
		return;
	if (to == NULL || (alen = build_ack(k, (uint64_t)n, to, toe,
	    st->txack[*nack])) < 0) {
		st->ack_fail++;
		return;
	}
	st->txiov[*nack].iov_base = st->txack[*nack];
	st->txiov[*nack].iov_len = (size_t)alen;
	(*nack)++;
}

/* Free the slots of requests that timed out; they are lost. */
static void
expire(struct state *st, uint64_t now)
{
	uint64_t tmo = (uint64_t)st->o.timeout_ms * 1000000u;
	struct slot *s;

	while (st->tail < st->next) {
		s = &st->ring[st->tail & st->ring_mask];
		if (s->id != 0) {
			if (now - s->t_sent < tmo)
				break;
			s->id = 0;
			st->outstanding--;
			st->lost++;
		}
		st->tail++;
	}
}

/* How many new requests may go out now. */
static unsigned
can_send(struct state *st, uint64_t now)
{
	uint64_t room = BATCH, v;

	v = st->o.total - st->next;
	if (v < room)
		room = v;
	v = st->o.window > st->outstanding ?
	    st->o.window - st->outstanding : 0;
	if (v < room)
		room = v;
	v = st->ring_mask + 1 - (st->next - st->tail);
	if (v < room)
		room = v;
	/*
	 * Uncapped: wait until a batch worth of slots is free. Sending each
	 * freed slot at once lets both sides settle into one datagram per
	 * system call, which measures the ping-pong instead of the responder.
	 */
	if (st->o.rate == 0 && room < st->o.min_batch &&
	    room < st->o.total - st->next)
		return 0;
	if (st->o.rate > 0) {
		/* 1 ms worth, at least 4 so late wake-ups are made up for */
		double burst = st->o.rate / 1000.0;

		if (burst < 4)
			burst = 4;
		if (burst > BATCH)
			burst = BATCH;
		st->tokens += (double)(now - st->t_tokens) * st->o.rate / 1e9;
		st->t_tokens = now;
		if (st->tokens > burst)
			st->tokens = burst;
		v = (uint64_t)st->tokens;
		if (v < room)
			room = v;
	}
	return (unsigned)room;
}

/*
 * Group the datagrams txiov[0..n) into the messages of one sendmmsg: one
 * each, or with GSO runs of equal length as one message with UDP_SEGMENT
 * (the kernel splits it into the same datagrams). Returns the messages.
 */
static unsigned
build_msgs(struct state *st, unsigned n)
{
	struct msghdr *h;
	struct cmsghdr *c;
	unsigned i = 0, j, m = 0;
	size_t len, bytes;

	while (i < n) {
		len = st->txiov[i].iov_len;
		bytes = len;
		j = i + 1;
		while (st->o.gso && j < n && j - i < GSO_MAX_SEGS &&
		    st->txiov[j].iov_len == len &&
		    bytes + len <= GSO_MAX_BYTES) {
			bytes += len;
			j++;
		}
		h = &st->tx[m].msg_hdr;
		h->msg_iov = &st->txiov[i];
		h->msg_iovlen = j - i;
		if (j - i > 1) {
			c = &st->txctl[m].align;
			c->cmsg_level = SOL_UDP;
			c->cmsg_type = UDP_SEGMENT;
			c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
			*(uint16_t *)(void *)CMSG_DATA(c) = (uint16_t)len;
			h->msg_control = c;
			h->msg_controllen = sizeof(st->txctl[m]);
		} else {
			h->msg_control = NULL;
			h->msg_controllen = 0;
		}
		st->txcount[m++] = j - i;
		i = j;
	}
	return m;
}

/*
 * Send the datagrams txiov[0..n): ACKs first, then requests. Returns how
 * many went out (always a prefix); the caller rolls back requests that
 * did not.
 */
static unsigned
send_batch(struct state *st, int fd, unsigned n)
{
	unsigned off = 0, errs = 0, nmsg, sent = 0;
	int r;

	nmsg = build_msgs(st, n);
	while (off < nmsg && errs < 4) {
		r = sendmmsg(fd, st->tx + off, nmsg - off, 0);
		if (r > 0) {
			for (; r > 0; r--)
				sent += st->txcount[off++];
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		st->send_err++;
		errs++;
		if (r < 0 && errno != ECONNREFUSED)
			break;		/* EAGAIN, ENOBUFS: try next round */
	}
	return sent;
}

/* One receive-and-send round on one socket; returns true on progress. */
static bool
round_sock(struct state *st, struct sock *k, uint64_t *now, bool sending,
    int *fatal)
{
	unsigned nack = 0, nreq = 0, i, done;
	char hex[HEX_LEN];
	struct slot *s;
	bool progress = false;
	int n;

	n = recvmmsg(k->fd, st->rx, BATCH, MSG_DONTWAIT, NULL);
	if (n > 0) {
		*now = now_ns();
		for (i = 0; i < (unsigned)n; i++)
			on_reply(st, k, st->rxbuf[i], st->rx[i].msg_len,
			    *now, &nack);
		progress = true;
	} else if (n < 0 && errno != EAGAIN && errno != EINTR &&
	    errno != ECONNREFUSED) {
		perror("loadgen: recvmmsg");
		*fatal = 1;
		return false;
	}

	if (sending)
		nreq = can_send(st, *now);
	for (i = 0; i < nreq; i++) {
		uint64_t num = st->next + i;

		put_hex(hex, num);
		tmpl_patch(k->txreq[i], &k->req, hex);
		st->txiov[nack + i].iov_base = k->txreq[i];
		st->txiov[nack + i].iov_len = k->req.len;
		s = &st->ring[num & st->ring_mask];
		s->id = num + 1;
		s->t_sent = *now;
	}
	if (nack + nreq == 0)
		return progress;

	done = send_batch(st, k->fd, nack + nreq);
	if (done >= nack) {
		st->acks += nack;
		done -= nack;
	} else {
		st->acks += done;
		st->ack_fail += nack - done;
		done = 0;
	}
	for (i = done; i < nreq; i++)		/* not sent: roll back */
		st->ring[(st->next + i) & st->ring_mask].id = 0;
	if (done > 0) {
		if (st->sent == 0)
			st->t_first_send = *now;
		st->next += done;
		st->sent += done;
		st->outstanding += done;
		if (st->o.rate > 0)
			st->tokens -= done;
		progress = true;
	}
	return progress;
}

/* Sleep until a socket is readable or the next thing is due. */
static void
wait_io(struct state *st, uint64_t now, uint64_t t_send_end,
    uint64_t t_hard_end, bool sending)
{
	struct pollfd pfd[MAX_SOCKS];
	uint64_t due = now + 100000000u, t;
	struct timespec ts;
	unsigned i;

	if (t_hard_end < due)
		due = t_hard_end;
	if (sending && t_send_end < due)
		due = t_send_end;
	if (st->outstanding > 0) {
		struct slot *s = &st->ring[st->tail & st->ring_mask];

		if (s->id != 0) {
			t = s->t_sent + (uint64_t)st->o.timeout_ms * 1000000u;
			if (t < due)
				due = t;
		}
	}
	if (sending && st->o.rate > 0 && st->tokens < 1 &&
	    st->outstanding < st->o.window) {
		t = st->t_tokens +
		    (uint64_t)((1 - st->tokens) * 1e9 / st->o.rate);
		if (t < due)
			due = t;
	}
	if (due <= now)
		return;
	for (i = 0; i < st->nsocks; i++) {
		pfd[i].fd = st->socks[i].fd;
		pfd[i].events = POLLIN;
	}
	ts.tv_sec = (time_t)((due - now) / 1000000000u);
	ts.tv_nsec = (long)((due - now) % 1000000000u);
	(void)ppoll(pfd, st->nsocks, &ts, NULL);
}

static int
run(struct state *st)
{
	uint64_t now, d_ns, margin, t_send_end, t_hard_end;
	unsigned i, rr = 0;
	bool sending, progress;
	struct rusage ru;
	int fatal = 0;

	d_ns = (uint64_t)(st->o.duration * 1e9);
	margin = (uint64_t)st->o.timeout_ms * 1000000u;
	if (margin > d_ns / 2)
		margin = d_ns / 2;
	st->t_start = now = now_ns();
	st->t_tokens = now;
	st->tokens = 1;
	t_send_end = now + d_ns - margin;	/* leave time to drain */
	t_hard_end = now + d_ns;

	for (;;) {
		now = now_ns();
		if (now >= t_hard_end || interrupted)
			break;
		expire(st, now);
		sending = st->next < st->o.total && now < t_send_end;
		if (!sending && st->outstanding == 0)
			break;
		progress = false;
		/* rotate the first socket so none is favoured for sending */
		for (i = 0; i < st->nsocks; i++) {
			struct sock *k = &st->socks[(rr + i) % st->nsocks];

			if (round_sock(st, k, &now, sending, &fatal))
				progress = true;
			if (fatal)
				goto out;
			sending = sending && st->next < st->o.total;
		}
		rr++;
		if (!progress)
			wait_io(st, now, t_send_end, t_hard_end, sending);
	}
out:
	st->t_end = now_ns();
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		st->cpu_s = (double)ru.ru_utime.tv_sec +
		    (double)ru.ru_utime.tv_usec / 1e6 +
		    (double)ru.ru_stime.tv_sec +
		    (double)ru.ru_stime.tv_usec / 1e6;
	/* whatever is still outstanding at the end is lost */
	st->lost += st->outstanding;
	st->outstanding = 0;
	return fatal ? -1 : 0;
}

static void
report(const struct state *st)
{
	double span, elapsed, rps;
	uint64_t p50, p99, avg;
	const char *m = st->o.method == M_INVITE ? "INVITE" : "OPTIONS";
	bool first = true;
	unsigned c;

	elapsed = (double)(st->t_end - st->t_start) / 1e9;
	span = st->finals > 0 ?
	    (double)(st->t_last_final - st->t_first_send) / 1e9 : 0;
	rps = span > 0 ? (double)st->finals / span : 0;
	p50 = hist_pct(st, 0.50);
	p99 = hist_pct(st, 0.99);
	avg = st->finals ? st->lat_sum / st->finals : 0;

	if (st->o.fmt == OUT_JSON) {
		printf("{\"method\":\"%s\",\"sent\":%" PRIu64
		    ",\"replies\":%" PRIu64 ",\"lost\":%" PRIu64
		    ",\"provisional\":%" PRIu64 ",\"stray\":%" PRIu64
		    ",\"bad_replies\":%" PRIu64 ",\"acks\":%" PRIu64
		    ",\"ack_failures\":%" PRIu64 ",\"send_errors\":%" PRIu64
		    ",\"elapsed_s\":%.6f,\"span_s\":%.6f,\"cpu_s\":%.3f"
		    ",\"replies_per_s\":%.1f,\"lat_us\":{\"p50\":%" PRIu64
		    ",\"p99\":%" PRIu64 ",\"max\":%" PRIu64 ",\"avg\":%" PRIu64
		    "},\"codes\":{", m, st->sent, st->finals, st->lost,
		    st->provisional, st->stray, st->bad_replies, st->acks,
		    st->ack_fail, st->send_err, elapsed, span, st->cpu_s, rps,
		    p50, p99, st->lat_max, avg);
		for (c = 0; c < MAX_CODE; c++) {
			if (st->codes[c] == 0)
				continue;
			printf("%s\"%u\":%" PRIu64, first ? "" : ",", c,
			    st->codes[c]);
			first = false;
		}
		printf("}}\n");
		return;
	}
	printf("method: %s\n", m);
	printf("sent: %" PRIu64 "\n", st->sent);
	printf("replies: %" PRIu64 "\n", st->finals);
	printf("lost: %" PRIu64 "\n", st->lost);
	printf("provisional: %" PRIu64 "\n", st->provisional);
	printf("stray: %" PRIu64 "\n", st->stray);
	printf("bad_replies: %" PRIu64 "\n", st->bad_replies);
	printf("acks: %" PRIu64 "\n", st->acks);
	printf("ack_failures: %" PRIu64 "\n", st->ack_fail);
	printf("send_errors: %" PRIu64 "\n", st->send_err);
	printf("elapsed_s: %.6f\n", elapsed);
	printf("span_s: %.6f\n", span);
	printf("cpu_s: %.3f\n", st->cpu_s);
	printf("replies_per_s: %.1f\n", rps);
	printf("lat_p50_us: %" PRIu64 "\n", p50);
	printf("lat_p99_us: %" PRIu64 "\n", p99);
	printf("lat_max_us: %" PRIu64 "\n", st->lat_max);
	printf("lat_avg_us: %" PRIu64 "\n", avg);
	printf("codes:");
	for (c = 0; c < MAX_CODE; c++)
		if (st->codes[c] != 0)
			printf(" %u=%" PRIu64, c, st->codes[c]);
	printf("\n");
}

static int
parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v < lo ||
	    v > hi)
		return -1;
	*out = v;
	return 0;
}

static int
parse_dbl(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= lo) ||
	    !(v <= hi))
		return -1;
	*out = v;
	return 0;
}

/* 0 ok, 1 help printed, -1 usage error */
static int
parse_opts(int argc, char **argv, struct opts *o)
{
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->method = M_INVITE;
	o->total = 100000;
	o->duration = 30;
	o->window = 100;
	o->timeout_ms = 500;
	o->nsocks = 1;
	o->fmt = OUT_TEXT;
	o->min_batch = UINT_MAX;
	while ((c = getopt(argc, argv, "aGRm:n:d:w:r:t:s:b:o:B:h")) != -1) {
		switch (c) {
		case 'G':
			o->gso = true;
			break;
		case 'a':
			o->ack = true;
			break;
		case 'R':
			o->rport = true;
			break;
		case 'm':
			if (strcmp(optarg, "INVITE") == 0)
				o->method = M_INVITE;
			else if (strcmp(optarg, "OPTIONS") == 0)
				o->method = M_OPTIONS;
			else
				goto bad;
			break;
		case 'n':
			if (parse_u64(optarg, 1, INT64_MAX / 2, &o->total) < 0)
				goto bad;
			break;
		case 'd':
			if (parse_dbl(optarg, 0.001, 86400, &o->duration) < 0)
				goto bad;
			break;
		case 'w':
			if (parse_u64(optarg, 1, 1u << 20, &v) < 0)
				goto bad;
			o->window = (unsigned)v;
			break;
		case 'B':
			if (parse_u64(optarg, 1, BATCH, &v) < 0)
				goto bad;
			o->min_batch = (unsigned)v;
			break;
		case 'r':
			if (parse_dbl(optarg, 0, 1e9, &o->rate) < 0)
				goto bad;
			break;
		case 't':
			if (parse_u64(optarg, 1, 3600000, &v) < 0)
				goto bad;
			o->timeout_ms = (unsigned)v;
			break;
		case 's':
			if (parse_u64(optarg, 1, MAX_SOCKS, &v) < 0)
				goto bad;
			o->nsocks = (unsigned)v;
			break;
		case 'b':
			o->local = optarg;
			break;
		case 'o':
			if (strcmp(optarg, "json") == 0)
				o->fmt = OUT_JSON;
			else if (strcmp(optarg, "text") == 0)
				o->fmt = OUT_TEXT;
			else
				goto bad;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return -1;
	}
	o->target = argv[optind];
	if (o->min_batch == UINT_MAX)
		o->min_batch = o->window / 4 > 0 ? o->window / 4 : 1;
	if (o->min_batch > BATCH)
		o->min_batch = BATCH;
	if (o->min_batch > o->window)
		o->min_batch = o->window;
	return 0;
bad:
	fprintf(stderr, "loadgen: bad value for -%c: %s\n", c, optarg);
	return -1;
}

/* Does the kernel take UDP_SEGMENT? (setting 0 leaves GSO off) */
static int
probe_gso(int fd)
{
	int zero = 0;

	return setsockopt(fd, SOL_UDP, UDP_SEGMENT, &zero, sizeof(zero));
}

static int
setup(struct state *st)
{
	struct sockaddr_storage dst, local, bound;
	socklen_t dlen, llen;
	uint64_t ring = RING_MIN;
	unsigned i, r;

	if (parse_hostport(st->o.target, &dst, &dlen) < 0 ||
	    /* sin6_port sits where sin_port does */
	    ((struct sockaddr_in *)&dst)->sin_port == 0) {
		fprintf(stderr, "loadgen: bad target %s (want ADDR:PORT or "
		    "[ADDR]:PORT)\n", st->o.target);
		return 2;
	}
	memset(&local, 0, sizeof(local));
	if (dst.ss_family == AF_INET6) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&local;

		a6->sin6_family = AF_INET6;
		a6->sin6_addr = in6addr_loopback;
		llen = sizeof(*a6);
		if (st->o.local != NULL &&
		    inet_pton(AF_INET6, st->o.local, &a6->sin6_addr) != 1)
			goto bad_local;
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&local;

		a4->sin_family = AF_INET;
		a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		llen = sizeof(*a4);
		if (st->o.local != NULL &&
		    inet_pton(AF_INET, st->o.local, &a4->sin_addr) != 1)
			goto bad_local;
	}

	/*
	 * Ring of request slots, indexed by request number. A lost request
	 * holds its slot until the timeout and stops the tail there, so the
	 * ring must hold everything sent meanwhile: 2^20 slots are 2 s at
	 * 500k requests/s.
	 */
	while (ring < 4 * (uint64_t)st->o.window)
		ring <<= 1;
	st->ring = calloc(ring, sizeof(*st->ring));
	st->socks = calloc(st->o.nsocks, sizeof(*st->socks));
	if (st->ring == NULL || st->socks == NULL) {
		perror("loadgen: calloc");
		return 1;
	}
	st->ring_mask = ring - 1;

	r = (unsigned)getpid() * 2654435761u ^ (unsigned)now_ns();
	snprintf(st->run, sizeof(st->run), "%08x", r);

	for (i = 0; i < st->o.nsocks; i++) {
		struct sock *k = &st->socks[i];

		k->fd = open_socket(&local, llen, &dst, dlen, &bound);
		if (k->fd < 0)
			return 1;
		st->nsocks++;
		if (st->o.gso && probe_gso(k->fd) < 0) {
			fprintf(stderr, "loadgen: UDP GSO not supported "
			    "(%s); sending without\n", strerror(errno));
			st->o.gso = false;
		}
		if (build_templates(st, k, &bound, &dst) < 0)
			return 1;
	}
	for (i = 0; i < BATCH; i++) {
		st->rxiov[i].iov_base = st->rxbuf[i];
		st->rxiov[i].iov_len = RX_CAP;
		st->rx[i].msg_hdr.msg_iov = &st->rxiov[i];
		st->rx[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
bad_local:
	fprintf(stderr, "loadgen: bad local address %s (same family as the "
	    "target)\n", st->o.local);
	return 2;
}

static void
cleanup(struct state *st)
{
	unsigned i;

	for (i = 0; i < st->nsocks; i++)
		close(st->socks[i].fd);
	free(st->socks);
	free(st->ring);
	free(st);
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	struct state *st;
	int rc;
	unsigned i;

	memset(hexval, -1, sizeof(hexval));
	for (i = 0; i < 16; i++)
		hexval[(unsigned char)hexdig[i]] = (signed char)i;
	for (i = 10; i < 16; i++)
		hexval['A' + i - 10] = (signed char)i;

	/* the state is large (buffers); keep it off the stack */
	st = calloc(1, sizeof(*st));
	if (st == NULL) {
		perror("loadgen: calloc");
		return 1;
	}
	rc = parse_opts(argc, argv, &st->o);
	if (rc != 0) {
		free(st);
		return rc < 0 ? 2 : 0;
	}
	rc = setup(st);
	if (rc != 0) {
		cleanup(st);
		return rc;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* precise wake-ups for the rate cap */
	(void)prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);

	rc = 1;
	if (run(st) == 0) {
		report(st);
		rc = st->lost == 0 && st->finals > 0 ? 0 : 1;
	}
	cleanup(st);
	return rc;
}
