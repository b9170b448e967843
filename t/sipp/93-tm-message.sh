#!/bin/bash
# Stateful replies: a retransmitted MESSAGE (same branch) gets the very
# 202 the first one got, from the table: no route runs for it (its xlog
# line is written once per call) and the two 202s are byte for byte the
# same.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

CALLS=10
write_conf <<'EOF2'
tm {
	t1 = 100
}
route "message" {
	method = {"MESSAGE"}
	xlog = "route message for $ci"
	append_to_reply = {"X-Seen: $ci"}
	t_newtran = true
	send_reply = "202 Accepted"
}
EOF2
start_server
run_sipp tm-message.xml $CALLS -trace_msg -nr || fail "MESSAGE calls failed"
expect_stat tm:UAS_transactions $CALLS
expect_stat tm:absorbed $CALLS
expect_stat tm:retransmissions 0
expect_stat sl:202_replies $CALLS
expect_stat sl:sent_replies $CALLS
expect_stat core:rcv_requests $((2 * CALLS))
n=$(grep -c ': route message for ' "$SRV_LOG")
[ "$n" = $CALLS ] || fail "the route ran $n times for $CALLS calls"

# The two 202s of each call, byte for byte (as sipp logged them).
awk '
	/^-+ [0-9-]+ [0-9:.]+$/ { if (in202) done(); rcv = 0; next }
	/^UDP message received/ { rcv = 1; next }
	rcv && /^SIP\/2.0 202/ { in202 = 1; msg = "" }
	in202 { msg = msg $0 "\n"; if ($1 == "Call-ID:") id = $2 }
	function done() { k[id]++; m[id, k[id]] = msg; in202 = 0 }
	END {
		if (in202) done()
		for (c in k) {
			if (k[c] != 2 || m[c, 1] != m[c, 2]) { print c; bad = 1 }
			calls++
		}
		exit bad || calls == 0
	}' "$T"/tm-message_*_messages.log > "$T/diff" ||
	fail "calls whose 202s differ: $(cat "$T/diff")"
ended() { [ "$(stat tm:inuse_transactions)" = 0 ]; }
wait_until 15 ended || fail "Timer J did not end them"
finish
