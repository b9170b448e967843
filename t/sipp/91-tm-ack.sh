#!/bin/bash
# Stateful replies: the ACK of a 486 (same branch) stops Timer G before it
# fires and is absorbed; the transaction stays confirmed for T4 (Timer I)
# and `transactions` shows it, then it ends without a timeout.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

CALLS=10
write_conf <<'EOF2'
tm {
	t1 = 100
	t4 = 4000
}
route "busy" {
	method = {"INVITE"}
	t_newtran = true
	send_reply = "486 Busy Here"
}
EOF2
start_server
run_sipp tm-ack.xml $CALLS -nr || fail "a 486 was resent after its ACK"
expect_stat tm:UAS_transactions $CALLS
expect_stat tm:retransmissions 0
expect_stat sl:received_ACKs $CALLS
expect_stat sl:acks_passed 0
ctl transactions > "$T/tx" || fail "transactions command failed"
# Timer I (4 s) may have ended some on a slow machine, never all the
# calls twice over
live=$(awk -F' = ' '$1 == "live" { print $2 }' "$T/tx")
[ "${live:-x}" -le $CALLS ] 2>/dev/null || fail "transactions: live = '$live'"
n=$(grep -c ' confirmed yes 486 [0-9]* 0 I ' "$T/tx")
[ "$n" = "$live" ] || fail "$n confirmed of $live live: $(cat "$T/tx")"
grep -qx 't4 = 4000' "$T/tx" || fail "transactions does not show t4"
ended() { [ "$(stat tm:inuse_transactions)" = 0 ]; }
wait_until 15 ended || fail "Timer I did not end them"
expect_stat tm:timeouts 0
expect_stat tm:retransmissions 0
finish
