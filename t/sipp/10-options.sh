#!/bin/bash
# OPTIONS -> 200 OK with the header the route appends, and a to-tag.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

keepalive_route | write_conf
start_server
run_sipp options-allow.xml 20 || fail "OPTIONS calls failed"
expect_stat sl:200_replies 20
expect_stat sl:sent_replies 20
expect_stat core:rcv_requests 20
finish
