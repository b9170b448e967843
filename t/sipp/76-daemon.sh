#!/bin/bash
# Daemon mode (neither -n nor -d): the starting command returns 0 once
# the server is ready, and nothing of the server keeps its stdout, its
# stderr or the readiness pipe: `x=$(slserver -f CONF)` returns, and no
# later log line reaches the caller's terminal. The daemon answers, and
# stops by the pid in its pid file.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

keepalive_route | write_conf
# the daemon logs to syslog; there is no server log to check
: > "$SRV_LOG"

# The caller's stdout and stderr are one pipe; cat ends when every
# holder of its write end has closed it, or is stopped after 20 s.
{ timeout 10 "$SLSERVER" -f "$CONF" -P "$PIDFILE" 2>&1; echo "exit $?"; } |
	timeout 20 cat > "$T/out"
rc=${PIPESTATUS[1]}
SRV_PID=$(cat "$PIDFILE" 2>/dev/null)
[ "$rc" = 0 ] || fail "the caller's stdout/stderr stayed open (cat: $rc)"
grep -qx 'exit 0' "$T/out" || fail "slserver did not exit 0: $(cat "$T/out")"
[ -n "$SRV_PID" ] && kill -0 "$SRV_PID" 2>/dev/null ||
	hard_error "no daemon running after start: $(cat "$T/out")"
ctl ping >/dev/null || fail "the daemon does not answer ping"
run_sipp options-allow.xml 5 || fail "calls failed"

# Pipes this shell inherited (from make, say) reach the server too; any
# other pipe the server holds is the caller's stdout or the readiness pipe.
inherited=" $(for fd in /proc/$$/fd/*; do readlink "$fd"; done |
	grep '^pipe:' | tr '\n' ' ')"
# detached PID: stdio on /dev/null, no pipe of slserver's own open
detached() {
	local fd
	for fd in 0 1 2; do
		l=$(readlink "/proc/$1/fd/$fd")
		[ "$l" = /dev/null ] || fail "process $1 fd $fd is $l"
	done
	for fd in /proc/$1/fd/*; do
		l=$(readlink "$fd")
		case $l in
		pipe:*)
			case $inherited in *" $l "*) continue ;; esac
			fail "process $1 holds a pipe as fd ${fd##*/}" ;;
		esac
	done
}
check_all() {
	detached "$SRV_PID"
	pids=$(ctl workers | awk 'NR > 1 && $5 == "running" { print $3 }')
	[ -n "$pids" ] || fail "no running workers listed"
	for pid in $pids; do
		detached "$pid"
	done
}
check_all
# and so are the workers of a later generation
ctl reload >/dev/null || fail "reload failed"
check_all

kill -TERM "$SRV_PID"
wait_until 10 gone "$SRV_PID" || fail "daemon did not stop on TERM"
SRV_PID=
[ -e "$PIDFILE" ] && fail "pid file left behind"
[ -e "$FIFO" ] && fail "FIFO left behind"
finish
