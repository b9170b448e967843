#!/bin/bash
# Two forward destinations (slserver.conf(5), FORWARDING): calls are shared
# between two UASes by a hash of the Call-ID, and every request of a call
# (the INVITE, its ACK and BYE, or its CANCEL and ACK) goes to the same
# one: a UAS that got a request of another's call would fail it.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/80-uas-lib.sh"

UAS_PORT=$((PORT + 10))
CALLS=40
WORKERS=1 write_conf <<EOF2
route "to-uas" {
	forward      = {"udp:127.0.0.2:$UAS_PORT", "udp:127.0.0.3:$UAS_PORT"}
	record_route = true
}
EOF2
start_server

# both_got NAME_A NAME_B METHOD: each got some, CALLS in all
both_got() {
	local a b
	a=$(uas_got "$1" "$3")
	b=$(uas_got "$2" "$3")
	{ [ "${a:-0}" -gt 0 ] && [ "${b:-0}" -gt 0 ] &&
	    [ $((a + b)) = $CALLS ]; } ||
	    fail "$3: ${a:-0} + ${b:-0} at the two UASes, expected $CALLS in all"
	[ "$a" = "$(uas_got "$1" "$4")" ] ||
	    fail "UAS $1 got $a ${3}s but $(uas_got "$1" "$4") ${4}s"
}

start_uas a fwd-uas-bye.xml 127.0.0.2 $UAS_PORT
start_uas b fwd-uas-bye.xml 127.0.0.3 $UAS_PORT
run_sipp fwd-uac-bye.xml $CALLS || fail "INVITE/BYE calls failed"
stop_uas a || fail "UAS a failed calls"
stop_uas b || fail "UAS b failed calls"
both_got a b INVITE BYE
both_got a b INVITE ACK

start_uas c fwd-uas-cancel.xml 127.0.0.2 $UAS_PORT
start_uas d fwd-uas-cancel.xml 127.0.0.3 $UAS_PORT
run_sipp fwd-uac-cancel.xml $CALLS || fail "INVITE/CANCEL calls failed"
stop_uas c || fail "UAS c failed calls"
stop_uas d || fail "UAS d failed calls"
both_got c d INVITE CANCEL
both_got c d INVITE ACK

expect_stat core:fwd_requests $((CALLS * 6))
expect_stat core:fwd_replies $((CALLS * 5))
expect_stat core:drop_replies 0
finish
