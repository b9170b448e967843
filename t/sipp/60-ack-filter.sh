#!/bin/bash
# ACK filtering (slserver.conf(5), ACK FILTERING): the ACKs of our own
# replies are absorbed (same branch, new branch after a 2xx, re-INVITE
# with the client's to-tag), late and foreign ACKs pass, and the event
# routes log each case.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

# ack_timeout is generous until the late-ACK part reloads it down to
# 1 s: no check but that one depends on how fast the machine is.
gen_conf() {
	write_conf <<EOF2
sl {
	ack_timeout = $1
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
	xlog = "absorbed ACK \$ci from \$si:\$sp"
}
event_route "sl:local-response" {
	xlog = "sent \$rs \$rr to \$si:\$sp"
}
EOF2
}
gen_conf 60
start_server

run_sipp ack-486.xml 20 -s busy || fail "486 + ACK calls failed"
ctl sigtable > "$T/sigtable" || fail "sigtable command failed"
used=$(awk -F' = ' '$1 == "used" { print $2 }' "$T/sigtable")
{ [ "${used:-0}" -ge 1 ] && [ "$used" -le 20 ]; } ||
	fail "sigtable reports used = '$used', expected 1..20"
grep -qx 'ack_timeout = 60' "$T/sigtable" || fail "sigtable ack_timeout"
expect_stat sl:received_ACKs 20
expect_stat sl:acks_passed 0

run_sipp ack-reinvite.xml 10 -s busy || fail "re-INVITE calls failed"
expect_stat sl:received_ACKs 30

run_sipp ack-2xx.xml 10 -s ok -trace_msg || fail "200 + ACK calls failed"
expect_stat sl:received_ACKs 40
expect_stat sl:acks_passed 0
# Each 2xx ACK left on a branch other than its INVITE's.
n=$(awk '
	/^(INVITE|ACK) / { m = $1 }
	/^Via:/ && m != "" {
		b = $0; sub(/.*;branch=/, "", b); sub(/[;\r].*/, "", b)
	}
	/^Call-ID:/ && m != "" { br[m, $2] = b; id[$2] = 1; m = "" }
	END {
		for (c in id)
			if (br["INVITE", c] != "" && br["ACK", c] != "" &&
			    br["INVITE", c] != br["ACK", c])
				n++
		print n + 0
	}' "$T"/ack-2xx_*_messages.log)
[ "$n" = 10 ] || fail "$n of 10 2xx ACKs on a new branch"

run_sipp ack-foreign.xml 10 -s busy || fail "foreign ACK calls failed"
expect_stat sl:acks_passed 10
expect_stat sl:acks_late 0
expect_stat sl:received_ACKs 40

# The one wait: the ACK leaves 1.5 s after the 486, past ack_timeout = 1.
gen_conf 1
out=$(ctl reload) || fail "reload to ack_timeout = 1 failed: $out"
run_sipp ack-486.xml 5 -s busy -d 1500 || fail "late ACK calls failed"
expect_stat sl:acks_late 5
expect_stat sl:acks_passed 15
expect_stat sl:received_ACKs 40

expect_stat sl:200_replies 10
expect_stat sl:4xx_replies 45
expect_stat sl:sent_replies 55
expect_stat sl:failures 0
expect_stat shm:sigtable_evictions 0
# passed ACKs match no route: dropped, never answered
expect_stat core:drop_requests 15
expect_stat core:rcv_requests 110

# One log line per absorbed ACK and per reply, nothing else of the kind.
at="127\\.0\\.0\\.1:$SIPP_PORT\$"
n=$(grep -c ": absorbed ACK [0-9]*-[0-9]*@127\\.0\\.0\\.1 from $at" "$SRV_LOG")
[ "$n" = 40 ] || fail "sl:filtered-ack logged $n lines, expected 40"
n=$(grep -c ': absorbed ACK ' "$SRV_LOG")
[ "$n" = 40 ] || fail "$n absorbed ACK lines in all, expected 40"
n=$(grep -c ": sent 486 Busy Here to $at" "$SRV_LOG")
[ "$n" = 45 ] || fail "sl:local-response logged $n 486 lines, expected 45"
n=$(grep -c ": sent 200 OK to $at" "$SRV_LOG")
[ "$n" = 10 ] || fail "sl:local-response logged $n 200 lines, expected 10"
n=$(grep -c ': sent ' "$SRV_LOG")
[ "$n" = 55 ] || fail "$n sent lines in all, expected 55"
finish
