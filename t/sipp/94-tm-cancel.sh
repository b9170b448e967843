#!/bin/bash
# Stateful replies: the CANCEL of a live INVITE transaction is answered
# 200 OK by the transaction layer, before any route, with the To tag of
# the INVITE's reply; the CANCEL sent again gets the same 200; the INVITE
# transaction is unchanged and its ACK still absorbed. A route for
# CANCEL (481) answers only CANCELs of nothing.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

CALLS=10
write_conf <<'EOF2'
tm {
	t1 = 2000
	t2 = 4000
}
route "busy" {
	method = {"INVITE"}
	t_newtran = true
	send_reply = "486 Busy Here"
}
route "cancel" {
	method = {"CANCEL"}
	sl_send_reply = "481 Call/Transaction Does Not Exist"
}
EOF2
start_server
run_sipp tm-cancel.xml $CALLS -nr || fail "CANCEL calls failed"
# the INVITE's and the CANCEL's transactions
expect_stat tm:UAS_transactions $((2 * CALLS))
expect_stat tm:absorbed $CALLS
expect_stat sl:200_replies $CALLS
expect_stat sl:4xx_replies $CALLS
expect_stat sl:received_ACKs $CALLS
expect_stat tm:retransmissions 0

# A CANCEL of nothing goes through the routes.
send_udp 'CANCEL sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKnone\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:x@127.0.0.1>\r\nCall-ID: none\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n'
answered() { [ "$(stat sl:4xx_replies)" = $((CALLS + 1)) ]; }
wait_until 10 answered || fail "the CANCEL of nothing was not answered 481"
expect_stat tm:UAS_transactions $((2 * CALLS))
finish
