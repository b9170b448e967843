#!/bin/bash
# Stateful replies: a 200 to an INVITE is resent (RFC 3261 13.3.1.4)
# until its ACK, which comes on a new branch and is matched by Call-ID,
# From tag, CSeq number and the To tag sent. The UAC acknowledges after
# two resent copies; none follows the ACK. T1 is 250 ms here, so the
# copy after the ACK would be due 500 ms later: time enough for one
# datagram on a loaded machine.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

CALLS=5
write_conf <<'EOF2'
tm {
	t1 = 250
}
route "ok" {
	method = {"INVITE"}
	t_newtran = true
	send_reply = "200 OK"
}
EOF2
start_server
run_sipp tm-2xx.xml $CALLS -nr -timeout 30s ||
	fail "the 200 was not resent twice, or was resent after its ACK"
expect_stat tm:UAS_transactions $CALLS
expect_stat tm:retransmissions $((2 * CALLS))
expect_stat sl:received_ACKs $CALLS
ended() { [ "$(stat tm:inuse_transactions)" = 0 ]; }
wait_until 15 ended || fail "the transactions did not end"
expect_stat tm:timeouts 0
expect_stat tm:retransmissions $((2 * CALLS))
expect_stat sl:200_replies $CALLS
finish
