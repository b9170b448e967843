/*
 * Logging: syslog (ident "slserver", LOG_PID|LOG_NDELAY) or stderr, one
 * level filter, an optional prefix ("worker 3: "). Each call formats into
 * a stack buffer: nothing is allocated, and a stderr line is one write()
 * so lines of concurrent workers do not interleave.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <errno.h>
#include <paths.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE	2048

static struct {
	int level;		/* messages less severe than this are dropped */
	int facility;
	bool to_stderr;
	bool startup;		/* syslog, but echo errors to stderr too */
	char prefix[64];
} lg = { LOG_NOTICE, LOG_DAEMON, true, false, "" };

static const struct {
	const char *name;
	int level;
} level_names[] = {
	{ "emerg", LOG_EMERG }, { "alert", LOG_ALERT }, { "crit", LOG_CRIT },
	{ "err", LOG_ERR }, { "warning", LOG_WARNING },
	{ "notice", LOG_NOTICE }, { "info", LOG_INFO }, { "debug", LOG_DEBUG },
	/* aliases, after the canonical names */
	{ "error", LOG_ERR }, { "warn", LOG_WARNING },
};

static const struct {
	const char *name;
	int facility;
} facility_names[] = {
	{ "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

void
sls_log_open(int facility, bool to_stderr)
{
	lg.facility = facility;
	lg.to_stderr = to_stderr;
	if (!to_stderr)
		openlog("slserver", LOG_PID | LOG_NDELAY, facility);
}

void
sls_log_set_level(int level)
{
	lg.level = level;
}

void
sls_log_set_facility(int facility)
{
	/* Passed with every syslog() call, so no reopen is needed. */
	lg.facility = facility;
}

void
sls_log_set_prefix(const char *prefix)
{
	if (prefix == NULL)
		prefix = "";
	snprintf(lg.prefix, sizeof(lg.prefix), "%s", prefix);
}

void
sls_log_set_startup(bool on)
{
	lg.startup = on;
}

bool
sls_log_enabled(int prio)
{
	return prio <= lg.level;
}

/* Connect to the unix socket at path as syslog(3) would; 0 or an errno. */
static int
try_connect(const char *path)
{
	/* syslog(3) tries a datagram socket, then a stream one. */
	static const int types[] = { SOCK_DGRAM, SOCK_STREAM };
	struct sockaddr_un sa;
	size_t i, n = strlen(path);
	int fd, err = 0;

	if (n >= sizeof(sa.sun_path))
		return ENAMETOOLONG;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, n + 1);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		fd = socket(AF_UNIX, types[i] | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
		if (fd < 0)
			return errno;
		err = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 ?
		    0 : errno;
		close(fd);
		/* A full backlog still means a listener. */
		if (err == EAGAIN || err == EINPROGRESS)
			err = 0;
		if (err != EPROTOTYPE)
			break;
	}
	return err;
}

int
sls_log_probe_syslog(const char *path)
{
	char line[512], errbuf[128];
	const char *es;
	int err, n;

	if (path == NULL)
		path = _PATH_LOG;
	err = try_connect(path);
	if (err == 0)
		return 0;
	es = strerror_r(err, errbuf, sizeof(errbuf));
	n = snprintf(line, sizeof(line), "slserver: cannot reach the system "
	    "log (%s): %s; log lines will be lost\n", path, es);
	if (n > 0 && (size_t)n < sizeof(line) &&
	    write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* Nothing useful can be done when stderr itself fails. */
	}
	errno = err;
	return -1;
}

/* One line on stderr: "slserver[pid]: level: prefix message\n". */
static void
write_stderr(int prio, const char *msg)
{
	char line[LOG_LINE + 128];
	int n;

	n = snprintf(line, sizeof(line), "slserver[%d]: %s: %s%s\n",
	    (int)getpid(), sls_log_level_name(prio), lg.prefix, msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		n = (int)sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	/* Nothing useful can be done when stderr itself fails. */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}

/* Format and emit; errstr, when not NULL, is appended as ": errstr". */
static void
vlog(int prio, const char *errstr, const char *fmt, va_list ap)
{
	char msg[LOG_LINE];
	size_t n;
	int r;

	r = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (r < 0)
		snprintf(msg, sizeof(msg), "(unformattable log message)");
	if (errstr != NULL) {
		n = strlen(msg);
		snprintf(msg + n, sizeof(msg) - n, ": %s", errstr);
	}
	if (lg.to_stderr) {
		write_stderr(prio, msg);
		return;
	}
	syslog(lg.facility | prio, "%s%s", lg.prefix, msg);
	if (lg.startup && prio <= LOG_WARNING)
		write_stderr(prio, msg);
}

void
sls_log(int prio, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (prio > lg.level)
		return;
	va_start(ap, fmt);
	vlog(prio, NULL, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
sls_warn(const char *fmt, ...)
{
	int saved = errno;
	char errbuf[128];
	const char *es;
	va_list ap;

	if (LOG_ERR > lg.level)
		return;
	es = strerror_r(saved, errbuf, sizeof(errbuf));
	va_start(ap, fmt);
	vlog(LOG_ERR, es, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
sls_warnx(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (LOG_ERR > lg.level)
		return;
	va_start(ap, fmt);
	vlog(LOG_ERR, NULL, fmt, ap);
	va_end(ap);
	errno = saved;
}

int
sls_log_level_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcasecmp(name, level_names[i].name) == 0)
			return level_names[i].level;
	return -1;
}

const char *
sls_log_level_name(int level)
{
	size_t i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (level_names[i].level == level)
			return level_names[i].name;
	return "unknown";
}

int
sls_log_facility_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(facility_names) / sizeof(facility_names[0]);
	    i++)
		if (strcasecmp(name, facility_names[i].name) == 0)
			return facility_names[i].facility;
	return -1;
}

const char *
sls_log_facility_name(int facility)
{
	size_t i;

	for (i = 0; i < sizeof(facility_names) / sizeof(facility_names[0]);
	    i++)
		if (facility_names[i].facility == facility)
			return facility_names[i].name;
	return "unknown";
}

void
sls_log_errlist(int prio, const sls_errlist_t *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		sls_log(prio, "%s", e->msg[i]);
}
