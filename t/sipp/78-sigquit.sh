#!/bin/bash
# SIGQUIT, the graceful stop: the workers finish and exit, the server
# exits 0 promptly, FIFO and pid file are removed. The server runs with
# a NOTIFY_SOCKET nobody listens on (as after start-stop-daemon removed
# its socket): start, reload and stop log no error.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

keepalive_route | write_conf
export NOTIFY_SOCKET=$T/notify.sock
start_server
unset NOTIFY_SOCKET
run_sipp options-allow.xml 10 || fail "calls failed"
out=$(ctl reload 2>&1) || fail "reload failed: $out"
run_sipp options-allow.xml 10 || fail "calls failed after the reload"
workers=$(ctl workers | awk 'NR > 1 { print $3 }')
[ -n "$workers" ] || fail "no workers listed"

kill -QUIT "$SRV_PID"
wait_until 10 gone "$SRV_PID" || fail "no exit within 10 s of SIGQUIT"
stop_server
[ "$SRV_STATUS" = 0 ] || fail "exit status $SRV_STATUS after QUIT"
for w in $workers; do
	kill -0 "$w" 2>/dev/null && fail "worker $w still running"
done
[ -e "$FIFO" ] && fail "FIFO left behind"
[ -e "$PIDFILE" ] && fail "pid file left behind"
grep -q 'notice: stopping (graceful)' "$SRV_LOG" ||
	fail "no 'stopping (graceful)' notice"
grep -q 'notice: stopped' "$SRV_LOG" || fail "no 'stopped' notice"
finish
