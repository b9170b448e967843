#!/bin/bash
# kill -9 of a worker under load: it is respawned in the same slot, its
# counters kept, the restart counted and logged; every call still passes
# (sipp retransmits what the killed worker held).
. "$(dirname "$0")/../lib.sh"

keepalive_route | write_conf
start_server
ctl workers > "$T/before"
victim=$(awk 'NR == 2 { print $3 }' "$T/before")
slot=$(awk 'NR == 2 { print $1 }' "$T/before")
[ -n "$victim" ] || hard_error "no worker listed: $(cat "$T/before")"

CALLS=3000
SIPP_RATE=500 run_sipp options-allow.xml $CALLS &
SIPP_PID=$!
i=0
while [ "$(stat sl:sent_replies)" -lt 500 ] && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
kill -KILL "$victim"
# respawned within a second, in the same slot
i=0
while [ "$(stat core:worker_restarts)" != 1 ] && [ $i -lt 10 ]; do
	sleep 0.1; i=$((i + 1))
done
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
# its respawning (the other slot, untouched above, is used here).
slot2=$(ctl workers | awk -v s="$slot" 'NR > 1 && $1 != s { print $1; exit }')
for k in 1 2 3 4 5 6; do
	pid=$(ctl workers | awk -v s="$slot2" 'NR > 1 && $1 == s { print $3 }')
	[ "${pid:-0}" -gt 0 ] || { fail "slot $slot2 has no pid before kill $k"; break; }
	kill -KILL "$pid"
	i=0	# wait until the supervisor has reaped it (new pid or failed)
	while [ "$(ctl workers | awk -v s="$slot2" 'NR > 1 && $1 == s { print $3 }')" = "$pid" ] &&
	    [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
done
line=$(ctl workers | awk -v s="$slot2" 'NR > 1 && $1 == s')
set -- $line
[ "$5" = failed ] && [ "$6" = 5 ] || fail "slot $slot2 after 6 deaths: '$line'"
expect_stat core:worker_restarts 6
grep -q "err: worker [0-9]* (pid $pid) killed by signal 9.*not restarting it" \
	"$SRV_LOG" || fail "no ERR line for the throttled slot"
# still serving on the remaining worker
run_sipp options-allow.xml 5 || fail "not serving with one worker left"
# the throttle's ERR line is this test's intent
sed -i '/not restarting it/d' "$SRV_LOG"
finish
