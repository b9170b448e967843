#!/bin/bash
# Start-up failures are reported on stderr and by exit status 1 before
# slserver detaches or reports ready (in daemon mode and with -n): a
# port already in use (bind() message), an instance already running on
# the same pid file ("already running"), workers that fail to start.
# Nothing is left behind, and the running instance is not disturbed.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

keepalive_route | write_conf
start_server

# conf_for NAME [PORT]: a copy of the config with its own pid file and
# FIFO (and port)
conf_for() {
	sed -e "s|$PIDFILE|$T/$1.pid|" -e "s|$FIFO|$T/$1.fifo|" \
	    -e "s|127.0.0.1:$PORT|127.0.0.1:${2:-$PORT}|" "$CONF" > "$T/$1.conf"
}
# try NAME MODE...: start with $T/NAME.conf; its exit status, its stderr
# in $T/NAME.err
try() {
	local name=$1
	shift
	timeout -k 5 20 "$SLSERVER" "$@" -f "$T/$name.conf" \
	    2>"$T/$name.err" >/dev/null
}
expect_failure() { # NAME MESSAGE MODE...
	local name=$1 msg=$2 rc
	shift 2
	try "$name" "$@"; rc=$?
	[ $rc = 1 ] || fail "$name ${*:-(daemon)}: exit $rc, expected 1"
	grep -q -- "$msg" "$T/$name.err" ||
		fail "$name ${*:-(daemon)}: no '$msg' on stderr: $(cat "$T/$name.err")"
	[ -e "$T/$name.pid" ] && fail "$name: pid file left behind"
	[ -e "$T/$name.fifo" ] && fail "$name: FIFO left behind"
}

# the port of the running server
conf_for inuse
expect_failure inuse "bind(127.0.0.1:$PORT) failed: Address already in use"
expect_failure inuse "bind(127.0.0.1:$PORT) failed: Address already in use" -n

# the running server's pid file, another port
conf_for again $((PORT + 2))
sed -i "s|$T/again.pid|$PIDFILE|" "$T/again.conf"
expect_failure again "already running as PID $SRV_PID"
expect_failure again "already running as PID $SRV_PID" -n
[ "$(cat "$PIDFILE")" = "$SRV_PID" ] || fail "the running server's pid file changed"

# workers that fail to start (the test hook fails generation 1)
conf_for nowork $((PORT + 4))
SLS_TEST_FAIL_GENERATION=1 expect_failure nowork "the workers failed to start"
SLS_TEST_FAIL_GENERATION=1 expect_failure nowork \
	"the workers failed to start" -n

# the running server never noticed
run_sipp options-allow.xml 5 || fail "the running server stopped answering"
finish
