#!/bin/bash
# What stays stateless: sl_send_reply, send_reply in a route without
# t_newtran, and t_newtran with sl.bind_tm = false. A UAC that withholds
# its ACK gets no second 486 (-nr: one in its pause fails the call), no
# transaction is made and no timer process is started.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

CALLS=5
gen_conf() { # BIND_TM TNEWTRAN
	write_conf <<EOF2
sl {
	bind_tm = $1
}
tm {
	t1 = 100
}
route "sl" {
	method = {"INVITE"}
	ruri = "^sip:sl@"
	sl_send_reply = "486 Busy Here"
}
route "plain" {
	method = {"INVITE"}
	t_newtran = $2
	send_reply = "486 Busy Here"
}
EOF2
}
gen_conf true false
start_server
run_sipp tm-noretx.xml $CALLS -nr -s sl || fail "sl_send_reply was resent"
run_sipp tm-noretx.xml $CALLS -nr -s plain || fail "send_reply was resent"
gen_conf false true
out=$(ctl reload) || fail "reload to bind_tm = false: $out"
run_sipp tm-noretx.xml $CALLS -nr -s plain ||
	fail "t_newtran with bind_tm = false was resent"
expect_stat tm:UAS_transactions 0
expect_stat tm:retransmissions 0
expect_stat tm:inuse_transactions 0
expect_stat sl:4xx_replies $((3 * CALLS))
ctl workers | grep -q ' timer ' && fail "a timer process runs"
finish
