#!/bin/bash
# Counters read through slserverctl match what sipp sent, in every form.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

{
keepalive_route
cat <<'EOF2'
route "rest" {
	send_reply = "404 Not Found - $rU"
}
EOF2
} | WORKERS=2 write_conf
start_server
run_sipp options-allow.xml 40 || fail "OPTIONS calls failed"
run_sipp invite-404.xml 60 -s 42 || fail "INVITE calls failed"
expect_stat sl:200_replies 40
expect_stat sl:404_replies 60
expect_stat sl:sent_replies 100
expect_stat sl:received_ACKs 60
expect_stat core:rcv_requests 160
expect_stat core:rcv_replies 0
expect_stat sl:failures 0

# group and prometheus forms agree
n=$(ctl stats sl | grep -c '^sl:')
[ "$n" -ge 24 ] || fail "stats sl lists $n counters"
ctl stats prometheus > "$T/prom" || fail "stats prometheus failed"
grep -q '^slserver_acks_filtered_total 60$' "$T/prom" ||
	fail "prometheus acks_filtered_total"
# exit codes of slserverctl
ctl nosuchcommand >/dev/null 2>&1; [ $? -eq 1 ] || fail "bad command exit"
"$SLSERVERCTL" -s "$T/nofifo" -T 1 ping >/dev/null 2>&1
[ $? -eq 2 ] || fail "no server exit"
finish
