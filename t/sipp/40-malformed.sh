#!/bin/bash
# Malformed requests: 400 naming the defect when addressable, else dropped
# and counted; the worker keeps serving.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

{
cat <<'EOF2'
max_message = 2000
EOF2
keepalive_route
} | write_conf
start_server
run_sipp options-bad-clen.xml 10 || fail "bad Content-Length not answered 400"
expect_stat sl:400_replies 10
expect_stat sl:sent_err_replies 10
expect_stat core:err_requests 10

# Not addressable (no Via, no Call-ID): dropped and counted, no reply.
send_udp 'OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n'
# Not SIP at all, and an oversized datagram.
send_udp 'hello\r\n\r\n'
head -c 5000 /dev/zero | tr '\0' 'A' > "$T/big"
cat "$T/big" > "/dev/udp/127.0.0.1/$PORT"
counted() {
	[ "$(stat core:oversize)" = 1 ] && [ "$(stat core:err_requests)" = 12 ]
}
wait_until 20 counted
expect_stat core:err_requests 12
expect_stat core:oversize 1
expect_stat sl:sent_replies 10
# still serving
run_sipp options-allow.xml 1 || fail "not serving after bad input"
expect_stat sl:200_replies 1
finish
