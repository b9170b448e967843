#!/bin/bash
# SIGTERM: workers stop, FIFO and pid file are removed, exit status 0.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

write_conf <<'EOF2'
route "all" {
	sl_send_reply = "200 OK"
}
EOF2
start_server
[ -p "$FIFO" ] || fail "no FIFO at $FIFO"
[ "$(cat "$PIDFILE")" = "$SRV_PID" ] || fail "pid file does not hold $SRV_PID"
workers=$(ctl workers | awk 'NR > 1 { print $3 }')
[ -n "$workers" ] || fail "no workers listed"
stop_server
[ "$SRV_STATUS" = 0 ] || fail "exit status $SRV_STATUS after TERM"
[ -e "$FIFO" ] && fail "FIFO left behind"
[ -e "$PIDFILE" ] && fail "pid file left behind"
for w in $workers; do
	kill -0 "$w" 2>/dev/null && fail "worker $w still running"
done
grep -q 'notice: stopped' "$SRV_LOG" || fail "no 'stopped' notice"
finish
