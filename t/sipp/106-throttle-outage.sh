#!/bin/bash
# When every worker slot has hit the respawn throttle, all traffic is
# lost: ping then answers 503 and the service manager gets STATUS=, and
# the supervisor keeps retrying with a growing delay (10 s, 20 s, ...),
# never giving up for good. The hook SLS_TEST_RESPAWN_FAIL=N makes the
# next N respawned workers die at start. In reuseport mode one throttled
# slot is an outage already: its sockets' datagrams are lost.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

# The readiness messages, when python3 can listen for them.
NOTIFY_LOG=$T/notify.log
LISTENER=
if command -v python3 >/dev/null; then
	timeout 100 python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
f = open(sys.argv[2], "ab", 0)
while True:
    f.write(s.recv(4096) + b"\n")
' "$T/notify.sock" "$NOTIFY_LOG" &
	LISTENER=$!
	wait_until 5 test -S "$T/notify.sock" || hard_error "no notify socket"
	export NOTIFY_SOCKET=$T/notify.sock
else
	log "no python3: STATUS= is not checked"
fi

keepalive_route | WORKERS=1 write_conf
# 5 deaths after the kill throttle the slot for 10 s; the retry and 5
# more for 20 s; then it serves again.
SLS_TEST_RESPAWN_FAIL=11 start_server
out=$(ctl ping) || fail "ping before: $out"
victim=$(ctl workers | awk 'NR == 2 { print $3 }')
slot=$(ctl workers | awk 'NR == 2 { print $1 }')
in_log() { grep -q "$1" "$SRV_LOG"; }
kill -KILL "$victim"

wait_until 10 in_log "not restarting it for 10 s" || fail "no first throttle"
wait_until 5 eval '! ctl ping >/dev/null 2>&1' || fail "ping still 200 in the outage"
out=$(ctl ping 2>&1); rc=$?
[ $rc = 1 ] || fail "ping in the outage: slserverctl exit $rc, expected 1"
echo "$out" | grep -q "^503 1 of 1 workers not serving, retrying in [0-9]* s" ||
	fail "ping in the outage: $out"
in_log "err: outage: 1 of 1 workers not serving" || fail "no outage logged"
state=$(ctl workers | awk -v s="$slot" 'NR > 1 && $1 == s { print $5 }')
[ "$state" = failed ] || fail "slot $slot is '$state' in the outage"

# never given up: a retry, which dies too, and a longer delay
wait_until 15 in_log "worker 1: restarting it after the respawn throttle" ||
	fail "no retry after 10 s"
wait_until 10 in_log "not restarting it for 20 s" || fail "the delay did not grow"
ctl ping >/dev/null 2>&1 && fail "ping 200 while still throttled"

# the next retry succeeds (the hook is used up)
wait_until 30 eval 'ctl ping >/dev/null 2>&1' || fail "never served again"
in_log "notice: serving again" || fail "no 'serving again' logged"
state=$(ctl workers | awk -v s="$slot" 'NR > 1 && $1 == s { print $5 }')
[ "$state" = running ] || fail "slot $slot is '$state' after the retry"
run_sipp options-allow.xml 5 || fail "calls failed after the outage"

if [ -n "$LISTENER" ]; then
	grep -q "^STATUS=outage: 1 of 1 workers not serving" "$NOTIFY_LOG" ||
		fail "no STATUS=outage: $(cat "$NOTIFY_LOG")"
	grep -q "^STATUS=serving" "$NOTIFY_LOG" ||
		fail "no STATUS=serving: $(cat "$NOTIFY_LOG")"
fi
stop_server

# reuseport: one throttled slot of two is an outage
{ echo 'socket_mode = "reuseport"'; keepalive_route; } | WORKERS=2 write_conf
SLS_TEST_RESPAWN_FAIL=5 start_server
kill -KILL "$(ctl workers | awk 'NR == 2 { print $3 }')"
wait_until 10 eval '! ctl ping >/dev/null 2>&1' || fail "reuseport: ping still 200"
out=$(ctl ping 2>&1)
echo "$out" | grep -q "^503 1 of 2 workers not serving (reuseport: their sockets' datagrams are lost)" ||
	fail "reuseport: ping says $out"
stop_server

[ -n "$LISTENER" ] && kill "$LISTENER" 2>/dev/null
# the throttle and the outage were this test's intent
sed -i '/not restarting it for\|err: outage: /d' "$SRV_LOG"
finish
