#!/bin/bash
# Stateless forwarding (slserver.conf(5), FORWARDING): slserver between a
# sipp UAC and a sipp UAS. INVITE -> 408 at the UAS arrives at the UAC as
# the 404 that sl_forward_reply makes of it, exactly once, and its ACK
# passes; INVITE -> 200 -> ACK -> BYE with record_route and the Route
# popped; a CANCEL follows its INVITE on the INVITE's branch.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/80-uas-lib.sh"

UAS=127.0.0.2
UAS_PORT=$((PORT + 10))
# one worker: the 200 to a CANCEL and the 487 after it keep their order
WORKERS=1 write_conf <<EOF2
route "to-uas" {
	forward      = {"udp:$UAS:$UAS_PORT"}
	record_route = true
}
onreply_route "hide-timeouts" {
	code             = {"408"}
	method           = {"INVITE"}
	xlog             = "rewrote \$rs \$rr from \$si:\$sp for \$ci (\$rm)"
	sl_forward_reply = "404 Not Found"
}
EOF2
start_server

# 1. INVITE -> 408 -> the UAC sees 404 Not Found, once; the ACK passes.
start_uas a fwd-uas-408.xml $UAS $UAS_PORT -m 20
run_sipp fwd-uac-404.xml 20 -trace_msg || fail "INVITE/404 calls failed"
wait_uas a || fail "the UAS did not get its 20 INVITEs and ACKs"
n=$(grep -c '^SIP/2.0 404 Not Found' "$T"/fwd-uac-404_*_messages.log)
[ "$n" = 20 ] || fail "the UAC got $n 404s, expected 20 (one per call)"
n=$(grep -c '^SIP/2.0 408' "$T"/fwd-uac-404_*_messages.log)
[ "$n" = 0 ] || fail "the UAC got $n 408s"
[ "$(uas_got a ACK)" = 20 ] || fail "the UAS got $(uas_got a ACK) ACKs"
n=$(grep -c ": rewrote 408 Request Timeout from $UAS:$UAS_PORT for .* (INVITE)\$" "$SRV_LOG")
[ "$n" = 20 ] || fail "onreply_route logged $n lines, expected 20"
# the UAS saw our Via on top and the Record-Route we added
grep -q "^Via: SIP/2.0/UDP 127.0.0.1:$PORT;branch=z9hG4bKsl" \
    "$T/uas-a-msg.log" || fail "no Via of slserver at the UAS"
grep -q "^Record-Route: <sip:127.0.0.1:$PORT;lr>" "$T/uas-a-msg.log" ||
    fail "no Record-Route of slserver at the UAS"
expect_stat core:fwd_requests 40
expect_stat core:fwd_replies 20
expect_stat sl:acks_passed 20
expect_stat sl:sent_replies 0
# per-route counters: the route forwarded the INVITEs and ACKs, the
# onreply_route matched and forwarded the 408s
expect_stat route:to-uas:matched 40
expect_stat route:to-uas:forwarded 40
expect_stat onreply_route:hide-timeouts:matched 20
expect_stat onreply_route:hide-timeouts:forwarded 20
expect_stat onreply_route:hide-timeouts:dropped 0

# 2. INVITE -> 200 -> ACK (new branch) and BYE, by the Route we popped.
start_uas b fwd-uas-bye.xml $UAS $UAS_PORT -m 10
run_sipp fwd-uac-bye.xml 10 || fail "INVITE/BYE calls failed"
wait_uas b || fail "the UAS did not get its 10 calls"
[ "$(uas_got b ACK)" = 10 ] || fail "the UAS got $(uas_got b ACK) ACKs"
[ "$(uas_got b BYE)" = 10 ] || fail "the UAS got $(uas_got b BYE) BYEs"
! grep -q '^Route:' "$T/uas-b-msg.log" || fail "a Route reached the UAS"
expect_stat core:fwd_requests 70
expect_stat core:fwd_replies 40

# 3. INVITE -> 180, CANCEL -> 200, 487 -> ACK: the CANCEL reached the
# UAS on the INVITE's branch.
start_uas c fwd-uas-cancel.xml $UAS $UAS_PORT -m 10
run_sipp fwd-uac-cancel.xml 10 || fail "INVITE/CANCEL calls failed"
wait_uas c || fail "the UAS did not get its 10 calls"
n=$(awk '
	/^(INVITE|CANCEL) sip:/ { m = $1; v = ""; next }
	/^Via:/ && m != "" && v == "" {	# the top one: ours
		v = $0; sub(/.*;branch=/, "", v); sub(/[;,\r].*/, "", v)
		next
	}
	/^Call-ID:/ && m != "" { br[m, $2] = v; id[$2] = 1; m = "" }
	END {
		for (c in id)
			if (br["INVITE", c] ~ /^z9hG4bKsl/ &&
			    br["INVITE", c] == br["CANCEL", c])
				n++
		print n + 0
	}' "$T/uas-c-msg.log")
[ "$n" = 10 ] || fail "$n of 10 CANCELs on their INVITE's branch"
expect_stat core:fwd_requests 100
expect_stat core:fwd_replies 70
expect_stat core:drop_replies 0
expect_stat sl:failures 0
finish
