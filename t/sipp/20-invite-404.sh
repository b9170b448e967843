#!/bin/bash
# INVITE -> 404 (reason from a template), its ACK is absorbed, not answered.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

write_conf <<'EOF2'
route "rest" {
	method = {"INVITE"}
	send_reply = "404 Not Found - $rU"
}
EOF2
start_server
run_sipp invite-404.xml 30 -s 5551234 || fail "INVITE calls failed"
expect_stat sl:404_replies 30
expect_stat sl:received_ACKs 30
expect_stat sl:acks_passed 0
expect_stat sl:sent_replies 30
expect_stat core:rcv_requests 60
finish
