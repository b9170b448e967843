#!/bin/bash
# INVITE -> 302 with Contact: the rewritten R-URI, then a branch with q.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

write_conf <<'EOF2'
route "us-numbers" {
	method = {"INVITE"}
	ruri = "^sips?:\\+?1[0-9]{10}@"
	set_ruri = "sip:$rU@gw1.example.net"
	append_branch = {"sip:$rU@gw2.example.net q=0.5"}
	sl_send_reply = "302 Moved Temporarily"
}
route "rest" {
	send_reply = "404 Not Found - $rU"
}
EOF2
start_server
run_sipp invite-302.xml 10 -s 12125551234 || fail "redirect calls failed"
expect_stat sl:302_replies 10
expect_stat sl:received_ACKs 10
# a number the route does not match falls through to the 404
run_sipp invite-404.xml 5 -s 5551234 || fail "non-US number not answered 404"
expect_stat sl:404_replies 5
finish
