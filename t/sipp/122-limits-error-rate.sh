#!/bin/bash
# Per-source limits (SPEC 9): automatic error replies beyond error_rate
# per source are not sent (core:error_replies_limited), the requests
# still count as failed, sound requests of the same source are answered
# in full, and the next token comes in time.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

UDPSEND=$SLS_BUILDDIR/t/udpsend
[ -x "$UDPSEND" ] || hard_error "no $UDPSEND (make check builds it)"

WORKERS=1
{
cat <<'EOF2'
limits {
	trusted = {}
	error_rate = 5
}
EOF2
keepalive_route
} | write_conf
start_server

# request FILE CSEQ_METHOD: from 127.0.0.2, its reply back to its socket
request() {
	{
		printf 'OPTIONS sip:ka@127.0.0.1 SIP/2.0\r\n'
		printf 'Via: SIP/2.0/UDP 127.0.0.2:9;rport;branch=z9hG4bK2\r\n'
		printf 'From: <sip:t@127.0.0.2>;tag=1\r\n'
		printf 'To: <sip:ka@127.0.0.1>\r\n'
		printf 'Call-ID: 122@127.0.0.2\r\n'
		printf 'CSeq: 1 %s\r\n' "$2"
		printf 'Content-Length: 0\r\n'
		printf '\r\n'
	} > "$1"
}
# send FILE COUNT RATE: the number of replies
send() {
	"$UDPSEND" -b 127.0.0.2 -n "$2" -r "$3" -w 1000 "$1" 127.0.0.1 \
	    "$PORT" | awk '{ print $4 }'
}
request "$T/bad" INVITE
request "$T/ok" OPTIONS

# 100 malformed in 0.1 s: the burst of 5 (and what 5/s refills)
n=$(send "$T/bad" 100 1000)
log "malformed: $n replies of 100"
[ "$n" -ge 5 ] && [ "$n" -le 15 ] || fail "$n error replies, expected ~5"
counted() { [ "$(stat core:err_requests)" = 100 ]; }
wait_until 10 counted || fail "core:err_requests = $(stat core:err_requests)"
expect_stat core:error_replies_limited $((100 - n))
expect_stat sl:400_replies "$n"
expect_stat sl:sent_err_replies "$n"
expect_stat core:drop_requests 0
expect_stat core:limited 0

# sound requests are not touched by it (rate = 0)
n=$(send "$T/ok" 200 2000)
[ "$n" = 200 ] || fail "sound requests: $n replies of 200"

# a token comes back after 1/5 s: poll until one error reply comes
one_more() { [ "$(send "$T/bad" 1 0)" = 1 ]; }
wait_until 10 one_more || fail "no error reply after the refill"
finish
