/*
 * The readiness protocol of sd_notify(3), without libsystemd: one datagram
 * with the message to the AF_UNIX socket named by $NOTIFY_SOCKET (a path,
 * or "@name" in the abstract namespace). systemd and start-stop-daemon
 * --notify-await both listen this way.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/log.h"
#include "notify.h"

/* The listener went away (start-stop-daemon removes its socket once it
   has READY=1): not an error; the rest of our messages have no reader. */
static bool gone;

int
sls_notify(const char *msg)
{
	struct sockaddr_un sa;
	const char *e = getenv("NOTIFY_SOCKET");
	socklen_t salen;
	size_t n;
	ssize_t w;
	int fd;

	if (e == NULL || e[0] == '\0' || gone)
		return 0;
	n = strlen(e);
	if ((e[0] != '/' && e[0] != '@') || n >= sizeof(sa.sun_path)) {
		sls_warnx("NOTIFY_SOCKET '%s' is not a socket path or "
		    "@abstract name", e);
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, e, n);
	if (e[0] == '@')
		sa.sun_path[0] = '\0';	/* abstract: the name is not
					   NUL-terminated, its length counts */
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		sls_warn("socket(AF_UNIX) for NOTIFY_SOCKET failed");
		return -1;
	}
	do
		w = sendto(fd, msg, strlen(msg), MSG_NOSIGNAL,
		    (struct sockaddr *)&sa, salen);
	while (w < 0 && errno == EINTR);
	if (w < 0 && (errno == ENOENT || errno == ECONNREFUSED)) {
		sls_log(LOG_DEBUG, "NOTIFY_SOCKET %s is gone (%s); not "
		    "notifying any more", e, strerror(errno));
		gone = true;
		close(fd);
		return 0;
	}
	if (w < 0) {
		sls_warn("sendto(NOTIFY_SOCKET %s, \"%s\") failed", e, msg);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}
