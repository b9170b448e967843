#!/bin/bash
# Forwarding across a reload (slserver.conf(5), FORWARDING): replies to
# requests that the old generation forwarded come back after a reload
# that changed the destinations and are still passed on (nothing about
# them was kept: the branch says it all); the new destinations, a name
# resolved by the reload, take the new calls.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/80-uas-lib.sh"

UAS_PORT=$((PORT + 10))
UAS2_PORT=$((PORT + 11))
gen_conf() {
	write_conf <<EOF2
$1
route "to-a" {
	forward = {"udp:127.0.0.2:$UAS_PORT"}
}
onreply_route "hide-timeouts" {
	code             = {"408"}
	sl_forward_reply = "404 Not Found"
}
EOF2
}
gen_conf ""
start_server

# The UAS answers 4 s after each INVITE; the reload happens meanwhile.
start_uas a fwd-uas-408.xml 127.0.0.2 $UAS_PORT -m 10 -d 4000
( run_sipp fwd-uac-404.xml 10 -recv_timeout 15000 ) &
uac=$!
got_all() { [ "$(uas_got a INVITE)" = 10 ]; }
wait_until 10 got_all || fail "the UAS did not get the 10 INVITEs"
gen_conf "route \"to-b\" {
	ruri    = \"^sip:b@\"
	forward = {\"udp:localhost:$UAS2_PORT\"}
}"
out=$(ctl reload) || fail "reload failed: $out"
! grep -q '^SIP/2.0 408' "$T/uas-a-msg.log" ||
	fail "the UAS answered before the reload was done: nothing proven"
wait "$uac" || fail "the calls forwarded before the reload failed"
wait_uas a || fail "the UAS did not get its 10 calls"
expect_stat core:reloads 1
expect_stat core:fwd_replies 10

# The new route: its destination was resolved by the reload.
start_uas b fwd-uas-408.xml 127.0.0.1 $UAS2_PORT -m 5
run_sipp fwd-uac-404.xml 5 -s b || fail "calls to the new destination failed"
wait_uas b || fail "the new destination did not get its 5 calls"
expect_stat core:fwd_requests 30
expect_stat core:fwd_replies 15
expect_stat core:drop_replies 0
finish
