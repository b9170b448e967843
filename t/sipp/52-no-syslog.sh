#!/bin/bash
# Without a syslog listener (/dev/log) the daemon says once on stderr,
# before it detaches, that its log lines will be lost; with -d (stderr
# logging) it does not probe. /dev/log, if the machine has one, is masked
# with /dev/null in a private mount namespace.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

MSG='slserver: cannot reach the system log (/dev/log): '
no_syslog() { "$@"; }
if [ -e /dev/log ] || [ -L /dev/log ]; then
	[ -n "${SLS_IN_NETNS:-}" ] && u=-m || u=-rm
	unshare $u sh -c 'mount --bind /dev/null /dev/log' 2>/dev/null ||
		skip "cannot mask /dev/log in a mount namespace"
	no_syslog() {
		unshare $u sh -c \
		    'mount --bind /dev/null /dev/log && exec "$@"' sh "$@"
	}
fi

keepalive_route | write_conf

# daemon mode: the parent returns once the server is ready
no_syslog "$SLSERVER" -f "$CONF" -P "$PIDFILE" </dev/null >/dev/null \
    2>"$T/stderr"
rc=$?
[ $rc -eq 0 ] || fail "daemon start: exit $rc"
SRV_PID=$(cat "$PIDFILE" 2>/dev/null)
[ -n "$SRV_PID" ] || hard_error "no pid file after a daemon start"
wait_until 10 ctl ping >/dev/null 2>&1 || fail "daemon does not answer ping"
n=$(grep -c -F "$MSG" "$T/stderr")
[ "$n" = 1 ] || fail "stderr holds the warning $n times, expected once"
grep -q -F 'log lines will be lost' "$T/stderr" ||
	fail "the warning does not say that lines are lost"
stop_server

# -d logs to stderr: nothing to probe, nothing said
no_syslog "$SLSERVER" -d -l info -f "$CONF" -P "$PIDFILE" >>"$SRV_LOG" 2>&1 &
SRV_PID=$!
wait_until 10 ctl ping >/dev/null 2>&1 || fail "-d server does not answer"
grep -q -F "$MSG" "$SRV_LOG" && fail "the warning was given with -d"
[ -s "$T/stderr" ] && log "daemon stderr: $(cat "$T/stderr")"
finish
