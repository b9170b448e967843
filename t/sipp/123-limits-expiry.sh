#!/bin/bash
# Per-source limits (SPEC 9): a block ends after block seconds by itself;
# the source then starts again from a full bucket.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

UDPSEND=$SLS_BUILDDIR/t/udpsend
[ -x "$UDPSEND" ] || hard_error "no $UDPSEND (make check builds it)"

{
cat <<'EOF2'
limits {
	trusted = {}
	rate = 20
	block = 2
}
EOF2
keepalive_route
} | write_conf
start_server

{
	printf 'OPTIONS sip:ka@127.0.0.1 SIP/2.0\r\n'
	printf 'Via: SIP/2.0/UDP 127.0.0.2:9;branch=z9hG4bK-123;rport\r\n'
	printf 'From: <sip:t@127.0.0.2>;tag=1\r\n'
	printf 'To: <sip:ka@127.0.0.1>\r\n'
	printf 'Call-ID: 123@127.0.0.2\r\n'
	printf 'CSeq: 1 OPTIONS\r\n'
	printf 'Content-Length: 0\r\n'
	printf '\r\n'
} > "$T/ok"
# send COUNT RATE: the number of replies
send() {
	"$UDPSEND" -b 127.0.0.2 -n "$1" -r "$2" -w 500 "$T/ok" 127.0.0.1 \
	    "$PORT" | awk '{ print $4 }'
}

n=$(send 200 2000)
[ "$n" -ge 20 ] && [ "$n" -le 30 ] || fail "$n replies, expected ~20"
blocked() { ctl blocked | grep -q '^127\.0\.0\.2 '; }
blocked || fail "127.0.0.2 is not listed as blocked"
# 2 s later, by itself
unblocked() { ! blocked; }
wait_until 10 unblocked || fail "the block did not end: $(ctl blocked)"
n=$(send 20 0)
[ "$n" = 20 ] || fail "after the block: $n replies of 20 (a full bucket)"
expect_stat core:blocks 1
finish
