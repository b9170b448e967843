#!/bin/bash
# Five reloads in a row under a steady load, in each socket_mode: no
# request lost (sipp does not retransmit, so a lost datagram fails its
# call), none answered twice (an extra reply fails a call too), counters
# carried over, and each new config in force.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

gen_conf() {
	write_conf <<EOF2
socket_mode = "$MODE"
route "keepalive" {
	method = {"OPTIONS"}
	append_to_reply = {"Allow: INVITE, ACK, CANCEL, OPTIONS, BYE", "X-Generation: $1"}
	sl_send_reply = "200 OK"
}
EOF2
}
replied() { [ "$(stat sl:sent_replies)" -ge "$1" ]; }

CALLS=12000
for MODE in shared reuseport; do
	log "socket_mode $MODE"
	from=1	# this mode's lines of the server log
	[ -f "$SRV_LOG" ] && from=$(($(wc -l < "$SRV_LOG") + 1))
	gen_conf 0
	start_server
	# A large receive buffer: a burst of replies after a reload must not
	# overflow sipp's socket (that loss would be sipp's, not ours).
	SIPP_RATE=2000 SIPP_TIMEOUT=40s run_sipp options-allow.xml $CALLS -nr \
	    -buff_size 4194304 &
	SIPP_PID=$!
	for n in 1 2 3 4 5; do
		# reload once sipp has got a further ~1500 replies
		wait_until 30 replied $((n * 1500))
		gen_conf "$n"
		out=$(ctl reload) || fail "$MODE: reload $n failed: $out"
	done
	wait $SIPP_PID || fail "$MODE: calls were lost or answered twice" \
	    "during reloads ($(udp_drops) datagrams dropped by full sockets)"

	expect_stat core:reloads 5
	expect_stat core:reload_failures 0
	expect_stat sl:sent_replies $CALLS
	expect_stat sl:200_replies $CALLS
	expect_stat core:rcv_requests $CALLS
	# the sixth generation serves, with the last config
	ctl workers | awk 'NR > 1 && $5 == "running" { print $4 }' |
	    sort -u > "$T/gens"
	[ "$(cat "$T/gens")" = 6 ] ||
		fail "$MODE: running generations: $(tr '\n' ' ' < "$T/gens")"
	tail -n +"$from" "$SRV_LOG" | grep -q 'reloaded, generation 6' ||
		fail "$MODE: no 'reloaded, generation 6' notice"
	tail -n +"$from" "$SRV_LOG" | grep -q "($MODE)\$" ||
		fail "$MODE: the server did not listen in this mode"
	stop_server
done
finish
