/*
 * udpsend: send one datagram many times from a chosen local address and
 * count the replies, for the shell tests of the per-source limits (bash's
 * /dev/udp cannot choose its source address).
 *
 *   udpsend [-b ADDR] [-n COUNT] [-r RATE] [-w MS] [-o FILE] FILE ADDR PORT
 *   udpsend -b IPV4 -S SOURCES [-n COUNT] FILE ADDR PORT
 *
 * Sends the bytes of FILE COUNT times (1) to ADDR:PORT from a socket
 * bound to ADDR2:0 (-b, default any), at most RATE per second (0, the
 * default: as fast as the socket takes them), reading replies all along
 * and for MS milliseconds after the last send (500). Writes the first
 * reply to -o FILE. Prints "sent N replies M bytes B" (B: reply bytes).
 * With -S, COUNT datagrams from each of SOURCES consecutive IPv4
 * addresses from IPV4 on (a socket each, closed at once: no replies are
 * read). Exit 0, or 2 on a usage or socket error. Every wait is bounded (it
 * stops sending after 60 s).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int
addr(const char *ip, unsigned port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*len = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*s6);
		return 0;
	}
	return -1;
}

static char reply[65536];
static unsigned long replies, bytes;
static FILE *first;

/* Read every reply waiting; the first one goes to -o. */
static void
drain(int fd)
{
	ssize_t n;

	while ((n = recv(fd, reply, sizeof(reply), MSG_DONTWAIT)) >= 0) {
		if (replies++ == 0 && first != NULL) {
			fwrite(reply, 1, (size_t)n, first);
			fclose(first);
			first = NULL;
		}
		bytes += (unsigned long)n;
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: udpsend [-b ADDR] [-n COUNT] [-r RATE] "
	    "[-w MS] [-o FILE] FILE ADDR PORT\n"
	    "       udpsend -b IPV4 -S SOURCES [-n COUNT] FILE ADDR PORT\n");
	exit(2);
}

/* -S: count datagrams from each of n addresses from base on. */
static int
spray(const char *base, unsigned long n, unsigned long count,
    const struct sockaddr_storage *dst, socklen_t dlen, const char *msg,
    size_t len)
{
	struct sockaddr_in src;
	unsigned long i, k;
	in_addr_t a;
	int fd;

	memset(&src, 0, sizeof(src));
	src.sin_family = AF_INET;
	if (inet_pton(AF_INET, base, &src.sin_addr) != 1)
		usage();
	a = ntohl(src.sin_addr.s_addr);
	for (i = 0; i < n; i++) {
		src.sin_addr.s_addr = htonl(a + (in_addr_t)i);
		if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
		    bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0 ||
		    connect(fd, (const struct sockaddr *)dst, dlen) < 0) {
			perror("spray");
			return 2;
		}
		for (k = 0; k < count; k++)
			(void)send(fd, msg, len, 0);
		close(fd);
	}
	printf("sent %lu replies 0 bytes 0\n", n * count);
	return 0;
}

int
main(int argc, char **argv)
{
	struct sockaddr_storage dst, src;
	socklen_t dlen, slen;
	const char *bind_ip = NULL, *out = NULL;
	unsigned long count = 1, sent = 0, rate = 0, wait_ms = 500, nsrc = 0;
	static char msg[65536];
	uint64_t start, end;
	size_t len;
	FILE *f;
	int c, fd;

	while ((c = getopt(argc, argv, "b:n:r:w:o:S:")) != -1) {
		switch (c) {
		case 'S': nsrc = strtoul(optarg, NULL, 10); break;
		case 'b': bind_ip = optarg; break;
		case 'n': count = strtoul(optarg, NULL, 10); break;
		case 'r': rate = strtoul(optarg, NULL, 10); break;
		case 'w': wait_ms = strtoul(optarg, NULL, 10); break;
		case 'o': out = optarg; break;
		default: usage();
		}
	}
	if (argc - optind != 3)
		usage();
	if ((f = fopen(argv[optind], "rb")) == NULL) {
		perror(argv[optind]);
		return 2;
	}
	len = fread(msg, 1, sizeof(msg), f);
	fclose(f);
	if (addr(argv[optind + 1], (unsigned)atoi(argv[optind + 2]), &dst,
	    &dlen) < 0)
		usage();
	if (nsrc > 0)
		return bind_ip != NULL ? spray(bind_ip, nsrc, count, &dst,
		    dlen, msg, len) : 2;
	if ((fd = socket(dst.ss_family, SOCK_DGRAM, 0)) < 0) {
		perror("socket");
		return 2;
	}
	if (bind_ip != NULL && (addr(bind_ip, 0, &src, &slen) < 0 ||
	    bind(fd, (struct sockaddr *)&src, slen) < 0)) {
		perror(bind_ip);
		return 2;
	}
	if (connect(fd, (struct sockaddr *)&dst, dlen) < 0) {
		perror("connect");
		return 2;
	}
	if (out != NULL && (first = fopen(out, "wb")) == NULL) {
		perror(out);
		return 2;
	}
	start = now_us();
	while (sent < count) {
		/* paced: the n-th datagram not before start + n / rate */
		if (rate > 0 && now_us() < start + sent * 1000000 / rate) {
			struct pollfd p = { .fd = fd, .events = POLLIN };

			(void)poll(&p, 1, 1);
			drain(fd);
			continue;
		}
		if (now_us() > start + 60000000ULL) {
			fprintf(stderr, "udpsend: still sending after 60 s\n");
			break;
		}
		if (send(fd, msg, len, 0) < 0 && errno != ECONNREFUSED) {
			if (errno == ENOBUFS || errno == EAGAIN ||
			    errno == EINTR) {
				struct pollfd p = { .fd = fd,
				    .events = POLLIN | POLLOUT };

				(void)poll(&p, 1, 1);
				drain(fd);
				continue;
			}
			perror("send");
			return 2;
		}
		/* ECONNREFUSED is about an earlier one: this one went */
		sent++;
		drain(fd);
	}
	end = now_us() + wait_ms * 1000;
	while (now_us() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint64_t left = (end - now_us()) / 1000 + 1;

		if (poll(&p, 1, (int)(left < 100 ? left : 100)) > 0)
			drain(fd);
	}
	if (first != NULL)
		fclose(first);
	printf("sent %lu replies %lu bytes %lu\n", sent, replies, bytes);
	return 0;
}
