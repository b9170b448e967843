/*
 * Logging: syslog (ident "slserver", LOG_PID|LOG_NDELAY) or stderr, one
 * level filter, an optional prefix ("worker 3: "). Each call formats into
 * a stack buffer: nothing is allocated, and a stderr line is one write()
 * so lines of concurrent workers do not interleave.
 *
 * Log lines carry text from the network (xlog) and from local users
 * (FIFO requests), so every line is escaped here, in the one place they
 * all pass: no control character, C1 control, line separator or
 * bidirectional override reaches syslog or a terminal raw, and a line
 * that had to be cut says so. Lines of printable ASCII, nearly all of
 * them, are checked by one loop and passed on as they are.
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

/* ---- escaping ----------------------------------------------------------- */

static const char hexdig[] = "0123456789abcdef";

/*
 * The code point of the UTF-8 sequence at p[0..n) (n >= 1) and its length
 * in *len; -1 (with *len 1) when p[0] does not start a valid sequence:
 * overlong forms, surrogates and values over U+10FFFF are not valid.
 */
static long
utf8_decode(const unsigned char *p, size_t n, size_t *len)
{
	unsigned char b = p[0], lo = 0x80, hi = 0xbf;
	size_t need, i;
	long cp;

	*len = 1;
	if (b >= 0xc2 && b <= 0xdf) {
		need = 2;
		cp = b & 0x1f;
	} else if (b >= 0xe0 && b <= 0xef) {
		need = 3;
		cp = b & 0x0f;
		if (b == 0xe0)
			lo = 0xa0;	/* no overlong forms */
		else if (b == 0xed)
			hi = 0x9f;	/* no surrogates */
	} else if (b >= 0xf0 && b <= 0xf4) {
		need = 4;
		cp = b & 0x07;
		if (b == 0xf0)
			lo = 0x90;
		else if (b == 0xf4)
			hi = 0x8f;	/* nothing above U+10FFFF */
	} else {
		return -1;
	}
	if (n < need)
		return -1;
	for (i = 1; i < need; i++) {
		if (p[i] < lo || p[i] > hi)
			return -1;
		cp = cp << 6 | (p[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*len = need;
	return cp;
}

/* Code points shown escaped: C1, line separators, bidi controls. */
static bool
hidden_cp(long cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c ||
	    cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

size_t
sls_log_escape(const char *in, size_t len, char *out, size_t cap,
    unsigned flags, size_t *used)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0, o = 0, n, k;
	char esc[8];
	long cp = 0;

	while (i < len) {
		unsigned char c = p[i];

		/* the common case: a run of printable ASCII */
		for (n = 0; i + n < len && p[i + n] >= 0x20 &&
		    p[i + n] < 0x7f && o + n + 1 < cap; n++)
			;
		if (n > 0) {
			memcpy(out + o, in + i, n);
			i += n;
			o += n;
			continue;
		}
		n = 1;
		if (c >= 0x20 && c < 0x7f) {
			break;	/* no room */
		} else if ((c == '\t' || c == '\n') &&
		    (flags & SLS_ESC_KEEP_TEXT)) {
			esc[0] = (char)c;
			k = 1;
		} else if (c < 0x80 || (cp = utf8_decode(p + i, len - i,
		    &n)) < 0) {
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hexdig[c >> 4];
			esc[3] = hexdig[c & 15];
			k = 4;
		} else if (hidden_cp(cp)) {
			esc[0] = '\\';
			esc[1] = 'u';
			esc[2] = hexdig[(cp >> 12) & 15];
			esc[3] = hexdig[(cp >> 8) & 15];
			esc[4] = hexdig[(cp >> 4) & 15];
			esc[5] = hexdig[cp & 15];
			k = 6;
		} else {
			memcpy(esc, in + i, n);
			k = n;
		}
		if (o + k + 1 > cap)
			break;
		memcpy(out + o, esc, k);
		o += k;
		i += n;
	}
	if (cap > 0)
		out[o] = '\0';
	if (used != NULL)
		*used = i;
	return o;
}

/* True when s[0..n) is printable ASCII only: nothing to escape. */
static bool
plain_ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

/* Length of s[0..n) without a UTF-8 sequence cut short at its end. */
static size_t
utf8_whole(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = n, len;

	while (i > 0 && n - i < 4 && (p[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0 || p[i - 1] < 0xc0)
		return n;	/* ends in ASCII, or no lead byte near */
	/* p[i - 1] leads the last sequence: complete? */
	len = p[i - 1] >= 0xf0 ? 4 : p[i - 1] >= 0xe0 ? 3 : 2;
	return n - (i - 1) >= len ? n : i - 1;
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

/*
 * The message msg[0..len) escaped into line (LOG_LINE bytes), with
 * SLS_LOG_CUT when it was cut (cut: already by the formatting), then
 * ": errstr" when errstr is not NULL, which always fits.
 */
static void
escape_line(const char *msg, size_t len, bool cut, const char *errstr,
    char *line)
{
	size_t room = LOG_LINE - (sizeof(SLS_LOG_CUT) - 1), used, o;

	if (errstr != NULL)
		room -= strnlen(errstr, 128) + 2;
	if (cut)
		len = utf8_whole(msg, len);
	o = sls_log_escape(msg, len, line, room, 0, &used);
	if (cut || used < len) {
		memcpy(line + o, SLS_LOG_CUT, sizeof(SLS_LOG_CUT));
		o += sizeof(SLS_LOG_CUT) - 1;
	}
	if (errstr != NULL)
		snprintf(line + o, LOG_LINE - o, ": %.128s", errstr);
}

/* Format and emit; errstr, when not NULL, is appended as ": errstr". */
static void
vlog(int prio, const char *errstr, const char *fmt, va_list ap)
{
	char msg[LOG_LINE], line[LOG_LINE];
	const char *out = msg;
	size_t len;
	int r;

	r = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (r < 0)
		r = snprintf(msg, sizeof(msg), "(unformattable log message)");
	len = (size_t)r < sizeof(msg) ? (size_t)r : sizeof(msg) - 1;
	if (errstr != NULL || (size_t)r >= sizeof(msg) ||
	    !plain_ascii(msg, len)) {
		escape_line(msg, len, (size_t)r >= sizeof(msg), errstr, line);
		out = line;
	}
	if (lg.to_stderr) {
		write_stderr(prio, out);
		return;
	}
	syslog(lg.facility | prio, "%s%s", lg.prefix, out);
	if (lg.startup && prio <= LOG_WARNING)
		write_stderr(prio, out);
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
