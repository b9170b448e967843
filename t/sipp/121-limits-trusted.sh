#!/bin/bash
# Per-source limits (SPEC 9): a trusted source is never limited, neither
# its requests nor its error replies, while an untrusted one is.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

UDPSEND=$SLS_BUILDDIR/t/udpsend
[ -x "$UDPSEND" ] || hard_error "no $UDPSEND (make check builds it)"

{
cat <<'EOF2'
limits {
	trusted = {"127.0.0.2/32"}
	rate = 10
	burst = 10
	error_rate = 1
}
EOF2
keepalive_route
} | write_conf
start_server

# request FILE SOURCE CSEQ_METHOD: an OPTIONS (a 400 when the CSeq
# method is not OPTIONS) whose reply comes back to its socket
request() {
	{
		printf 'OPTIONS sip:ka@127.0.0.1 SIP/2.0\r\n'
		printf 'Via: SIP/2.0/UDP %s:9;branch=z9hG4bK-121;rport\r\n' "$2"
		printf 'From: <sip:t@%s>;tag=1\r\n' "$2"
		printf 'To: <sip:ka@127.0.0.1>\r\n'
		printf 'Call-ID: 121@%s\r\n' "$2"
		printf 'CSeq: 1 %s\r\n' "$3"
		printf 'Content-Length: 0\r\n'
		printf '\r\n'
	} > "$1"
}
# send FILE SOURCE COUNT: the number of replies
send() {
	"$UDPSEND" -b "$2" -n "$3" -r 2000 -w 1000 "$1" 127.0.0.1 "$PORT" |
	    awk '{ print $4 }'
}
request "$T/ok2" 127.0.0.2 OPTIONS
request "$T/bad2" 127.0.0.2 INVITE
request "$T/ok3" 127.0.0.3 OPTIONS

n=$(send "$T/ok2" 127.0.0.2 500)
[ "$n" = 500 ] || fail "trusted source: $n replies of 500"
n=$(send "$T/bad2" 127.0.0.2 50)
[ "$n" = 50 ] || fail "trusted source: $n error replies of 50"
expect_stat core:limited 0
expect_stat core:error_replies_limited 0
expect_stat sl:400_replies 50

# the limits are on for everyone else
n=$(send "$T/ok3" 127.0.0.3 100)
[ "$n" -ge 10 ] && [ "$n" -le 20 ] ||
	fail "untrusted source: $n replies of 100, expected its burst of 10"
limited() { [ "$(stat core:limited)" = $((100 - n)) ]; }
wait_until 10 limited || fail "core:limited = $(stat core:limited)"
expect_stat core:blocks 1
finish
