#!/bin/bash
# kill -9 of a worker under load: it is respawned in the same slot, its
# counters kept, the restart counted and logged; every call still passes
# (sipp retransmits what the killed worker held).
. "$(dirname "$0")/../lib.sh"

write_conf <<'EOF2'
route "keepalive" {
	method = {"OPTIONS"}
	append_to_reply = {"Allow: INVITE, ACK, CANCEL, OPTIONS, BYE"}
	sl_send_reply = "200 OK"
}
EOF2
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
finish
