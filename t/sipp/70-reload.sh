#!/bin/bash
# Five reloads in a row under a steady load: no request lost (sipp does
# not retransmit, so a lost datagram fails its call), none answered twice
# (an extra reply fails a call too), counters carried over, and each new
# config in force.
. "$(dirname "$0")/../lib.sh"

gen_conf() {
	write_conf <<EOF2
route "keepalive" {
	method = {"OPTIONS"}
	append_to_reply = {"Allow: INVITE, ACK, CANCEL, OPTIONS, BYE", "X-Generation: $1"}
	sl_send_reply = "200 OK"
}
EOF2
}
replied() { [ "$(stat sl:sent_replies)" -ge "$1" ]; }

gen_conf 0
start_server

CALLS=12000
SIPP_RATE=2000 run_sipp options-allow.xml $CALLS -nr &
SIPP_PID=$!
for n in 1 2 3 4 5; do
	# reload once sipp has got a further ~1500 replies (bounded wait)
	wait_until 30 replied $((n * 1500))
	gen_conf "$n"
	out=$(ctl reload) || fail "reload $n failed: $out"
done
wait $SIPP_PID || fail "calls were lost or answered twice during reloads"

expect_stat core:reloads 5
expect_stat core:reload_failures 0
expect_stat sl:sent_replies $CALLS
expect_stat sl:200_replies $CALLS
expect_stat core:rcv_requests $CALLS
# the sixth generation serves, with the last config
ctl workers | awk 'NR > 1 && $5 == "running" { print $4 }' | sort -u > "$T/gens"
[ "$(cat "$T/gens")" = 6 ] || fail "running generations: $(tr '\n' ' ' < "$T/gens")"
grep -q 'reloaded, generation 6' "$SRV_LOG" || fail "no 'reloaded, generation 6' notice"
finish
