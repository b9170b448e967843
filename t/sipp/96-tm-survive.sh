#!/bin/bash
# A transaction outlives the worker that made it, a reload, and the
# death of the timer process: while a 200 waits for its ACK, the workers
# are killed (respawned), the server reloads (a new generation) and the
# timer process is killed (respawned, it plans again from the table);
# the 200 is still resent, and the ACK, taken by a worker of the new
# generation, still stops it.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

write_conf <<'EOF2'
tm {
	t1 = 200
}
route "ok" {
	method = {"INVITE"}
	t_newtran = true
	send_reply = "200 OK"
}
EOF2
start_server
run_sipp tm-survive.xml 1 -nr -timeout 40s &
SIPP_PID=$!

resent() { [ "$(stat tm:retransmissions)" -ge 1 ]; }
restarts() { [ "$(stat core:worker_restarts)" = "$1" ]; }
timer_pid() { ctl workers | awk '$2 == "timer" && $5 == "running" { print $3 }'; }
new_timer() { p=$(timer_pid); [ -n "$p" ] && [ "$p" != "$1" ]; }

wait_until 10 resent || fail "the 200 was not resent"
for pid in $(ctl workers | awk 'NR > 1 && $2 != "timer" { print $3 }'); do
	kill -KILL "$pid"
done
wait_until 10 restarts 2 || fail "the workers were not respawned"
out=$(ctl reload) || fail "reload failed: $out"
old=$(timer_pid)
[ -n "$old" ] || fail "no timer process listed"
kill -KILL "$old"
wait_until 10 new_timer "$old" || fail "the timer process was not respawned"
wait $SIPP_PID || fail "the 200 was not resent 3 times, or was after its ACK"

expect_stat sl:received_ACKs 1
expect_stat tm:UAS_transactions 1
ended() { [ "$(stat tm:inuse_transactions)" = 0 ]; }
wait_until 15 ended || fail "the transaction did not end"
expect_stat tm:timeouts 0
expect_stat core:worker_restarts 3
finish
