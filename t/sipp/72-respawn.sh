#!/bin/bash
# kill -9 of a worker under load: it is respawned in the same slot, its
# counters kept, the restart counted and logged; every call still passes
# (sipp retransmits what the killed worker held).
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

keepalive_route | write_conf
start_server
ctl workers > "$T/before"
victim=$(awk 'NR == 2 { print $3 }' "$T/before")
slot=$(awk 'NR == 2 { print $1 }' "$T/before")
[ -n "$victim" ] || hard_error "no worker listed: $(cat "$T/before")"

CALLS=3000
# 6 s at 500/s; a global limit of 40 s leaves room for a slow machine
SIPP_RATE=500 SIPP_TIMEOUT=40s run_sipp options-allow.xml $CALLS &
SIPP_PID=$!
replied() { [ "$(stat sl:sent_replies)" -ge 500 ]; }
restarted() { [ "$(stat core:worker_restarts)" = "$1" ]; }
slot_pid() {
	ctl workers | awk -v s="$1" 'NR > 1 && $1 == s { print $3 }'
}
# the supervisor has reaped PID of slot S (a new pid there, or none)
reaped() { [ "$(slot_pid "$1")" != "$2" ]; }

wait_until 30 replied
kill -KILL "$victim"
# respawned (the spec says within a second; a loaded machine is slower),
# in the same slot
wait_until 20 restarted 1
expect_stat core:worker_restarts 1
wait $SIPP_PID || fail "calls failed across the worker's death"

ctl workers > "$T/after"
line=$(awk -v s="$slot" 'NR > 1 && $1 == s' "$T/after")
set -- $line
[ "$3" != "$victim" ] && [ "$5" = running ] && [ "$6" = 1 ] ||
	fail "slot $slot after respawn: '$line'"
kill -0 "$3" 2>/dev/null || fail "respawned worker $3 not running"
grep -q "notice: worker [0-9]* (pid $victim) killed by signal 9 .*restarting" \
	"$SRV_LOG" || fail "no NOTICE naming pid $victim and its cause"
# counters of the dead worker are kept in its slot
n=$(stat sl:sent_replies)
[ "$n" -ge $CALLS ] || fail "sent_replies $n < $CALLS"

# A worker that keeps dying: more than 5 deaths of one slot in 10 s stop
# its respawning (the other slot, untouched above, is used here). Never
# before the sixth death; by then unless this machine took over 10 s for
# the kills, so keep killing (at most 20 times) until the slot fails.
slot2=$(ctl workers | awk -v s="$slot" 'NR > 1 && $1 != s { print $1; exit }')
state() { ctl workers | awk -v s="$1" 'NR > 1 && $1 == s { print $5 }'; }
k=0
while [ $k -lt 20 ] && [ "$(state "$slot2")" != failed ]; do
	pid=$(slot_pid "$slot2")
	[ "${pid:-0}" -gt 0 ] || { fail "slot $slot2 has no pid before kill $((k + 1))"; break; }
	kill -KILL "$pid"
	k=$((k + 1))
	wait_until 20 reaped "$slot2" "$pid" ||
		fail "slot $slot2: pid $pid not reaped after kill $k"
done
log "slot $slot2 failed after $k deaths"
[ $k -ge 6 ] || fail "slot $slot2 throttled after $k deaths, not more than 5"
line=$(ctl workers | awk -v s="$slot2" 'NR > 1 && $1 == s')
set -- $line
[ "$5" = failed ] && [ "$6" = $((k - 1)) ] ||
	fail "slot $slot2 after $k deaths: '$line'"
expect_stat core:worker_restarts $k
grep -q "err: worker [0-9]* (pid $pid) killed by signal 9.*not restarting it" \
	"$SRV_LOG" || fail "no ERR line for the throttled slot"
# still serving on the remaining worker
run_sipp options-allow.xml 5 || fail "not serving with one worker left"
# the throttle's ERR line is this test's intent
sed -i '/not restarting it/d' "$SRV_LOG"
finish
