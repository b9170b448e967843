#!/bin/bash
# Forwarding's own replies (slserver.conf(5), FORWARDING): an OPTIONS with
# Max-Forwards: 0 is answered 483 Too Many Hops without reaching the UAS;
# a request forwarded to slserver itself comes back as a loop and is
# answered 482 Loop Detected, a reply that slserver passes back to the
# UAC like any other. Both are local replies: counted by code, and
# event_route "sl:local-response" runs for them.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/80-uas-lib.sh"

UAS=127.0.0.2
UAS_PORT=$((PORT + 10))
write_conf <<EOF2
route "loop" {
	ruri    = "^sip:loop@"
	forward = {"udp:127.0.0.1:$PORT"}
}
route "to-uas" {
	forward = {"udp:$UAS:$UAS_PORT"}
}
event_route "sl:local-response" {
	xlog = "sent \$rs \$rr to \$si:\$sp"
}
EOF2
start_server

# Anything that reached this UAS would be logged in its messages.
start_uas a fwd-uas-408.xml $UAS $UAS_PORT
run_sipp fwd-options-483.xml 10 || fail "OPTIONS/483 calls failed"
expect_stat sl:483_replies 10
expect_stat sl:sent_replies 10
expect_stat core:fwd_requests 0
n=$(grep -c ": sent 483 Too Many Hops to 127.0.0.1:$SIPP_PORT\$" "$SRV_LOG")
[ "$n" = 10 ] || fail "sl:local-response logged $n 483 lines, expected 10"

run_sipp fwd-options-482.xml 10 -s loop || fail "OPTIONS/482 calls failed"
stop_uas a || fail "the UAS did not stop cleanly"
n=$(uas_got a OPTIONS)
[ "${n:-0}" = 0 ] || fail "$n requests reached the UAS"
# once forwarded to ourselves, then answered by us, to us
expect_stat core:fwd_requests 10
expect_stat sl:4xx_replies 10
expect_stat core:fwd_replies 10
expect_stat sl:sent_replies 20
expect_stat core:drop_replies 0
n=$(grep -c ": sent 482 Loop Detected to 127.0.0.1:$PORT\$" "$SRV_LOG")
[ "$n" = 10 ] || fail "sl:local-response logged $n 482 lines, expected 10"
finish
