#!/bin/bash
# ACK filtering (SPEC 4): the ACKs of our own replies are absorbed (same
# branch, new branch after a 2xx, re-INVITE with the client's to-tag),
# late and foreign ACKs pass, and the event routes log each case.
. "$(dirname "$0")/../lib.sh"

write_conf <<'EOF2'
sl {
	ack_timeout = 1
}
route "busy" {
	method = {"INVITE"}
	ruri = "^sip:busy@"
	sl_send_reply = "486 Busy Here"
}
route "ok" {
	method = {"INVITE"}
	ruri = "^sip:ok@"
	sl_send_reply = "200 OK"
}
event_route "sl:filtered-ack" {
	xlog = "absorbed ACK $ci from $si:$sp"
}
event_route "sl:local-response" {
	xlog = "sent $rs $rr to $si:$sp"
}
EOF2
start_server

run_sipp ack-486.xml 20 -s busy -d 0 || fail "486 + ACK calls failed"
expect_stat sl:received_ACKs 20
# within ack_timeout, the table holds the replies' entries
used=$(ctl sigtable | awk -F' = ' '$1 == "used" { print $2 }')
[ "${used:-0}" -gt 0 ] || fail "sigtable reports used = '$used'"
run_sipp ack-reinvite.xml 10 -s busy -d 0 || fail "re-INVITE calls failed"
expect_stat sl:received_ACKs 30
run_sipp ack-2xx.xml 10 -s ok -d 0 || fail "200 + ACK calls failed"
expect_stat sl:received_ACKs 40
expect_stat sl:acks_passed 0

run_sipp ack-foreign.xml 10 -s busy -d 0 || fail "foreign ACK calls failed"
expect_stat sl:acks_passed 10
expect_stat sl:acks_late 0
# The ACK waits 1.5 s, past ack_timeout = 1: its entry has expired.
run_sipp ack-486.xml 5 -s busy -d 1500 || fail "late ACK calls failed"
expect_stat sl:acks_late 5
expect_stat sl:acks_passed 15
expect_stat sl:received_ACKs 40

expect_stat sl:200_replies 10
expect_stat sl:4xx_replies 45
expect_stat sl:sent_replies 55
# passed ACKs match no route: dropped, never answered
expect_stat core:drop_requests 15
expect_stat core:rcv_requests 110

n=$(grep -c 'notice: worker [0-9]*: absorbed ACK [^ ]* from 127\.0\.0\.1:' "$SRV_LOG")
[ "$n" = 40 ] || fail "sl:filtered-ack logged $n lines, expected 40"
n=$(grep -c "notice: worker [0-9]*: sent 486 Busy Here to 127\.0\.0\.1:$SIPP_PORT\$" "$SRV_LOG")
[ "$n" = 45 ] || fail "sl:local-response logged $n 486 lines, expected 45"
n=$(grep -c "sent 200 OK to 127\.0\.0\.1:$SIPP_PORT\$" "$SRV_LOG")
[ "$n" = 10 ] || fail "sl:local-response logged $n 200 lines, expected 10"
finish
