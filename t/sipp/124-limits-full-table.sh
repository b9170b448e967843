#!/bin/bash
# Per-source limits (SPEC 9): the source table is bounded. Requests from
# more sources than it holds evict the least recently seen ones (counted
# in shm:srctable_evictions) and are all answered; a blocked source is
# not evicted by a spray of other sources, so forging sources does not
# lift a block.
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
	rate = 5
	block = 60
	table_size = 1024
}
EOF2
keepalive_route
} | write_conf
start_server

# An OPTIONS whose Via names no port: replies go to the source address
# at 5060, where nobody listens; only the counters tell.
{
	printf 'OPTIONS sip:ka@127.0.0.1 SIP/2.0\r\n'
	printf 'Via: SIP/2.0/UDP 127.0.0.2;branch=z9hG4bK-124\r\n'
	printf 'From: <sip:t@127.0.0.2>;tag=1\r\n'
	printf 'To: <sip:ka@127.0.0.1>\r\n'
	printf 'Call-ID: 124@127.0.0.2\r\n'
	printf 'CSeq: 1 OPTIONS\r\n'
	printf 'Content-Length: 0\r\n'
	printf '\r\n'
} > "$T/ok"

"$UDPSEND" -b 127.0.0.2 -n 50 -w 0 "$T/ok" 127.0.0.1 "$PORT" > /dev/null ||
	hard_error "udpsend failed"
blocks() { [ "$(stat core:blocks)" = 1 ]; }
wait_until 10 blocks || fail "127.0.0.2 was not blocked"

# 4096 other sources, one request each, four times the table
"$UDPSEND" -b 127.1.0.0 -S 4096 -n 1 "$T/ok" 127.0.0.1 "$PORT" > /dev/null ||
	hard_error "udpsend -S failed"
counted() { [ "$(stat core:rcv_requests)" -ge 4140 ]; }
wait_until 20 counted || log "only $(stat core:rcv_requests) arrived"
rcv=$(stat core:rcv_requests)
ev=$(stat shm:srctable_evictions)
log "requests $rcv, evictions $ev"
[ "$ev" -ge 2048 ] || fail "shm:srctable_evictions = $ev, expected >= 2048"
# every one of the others was answered (each has a full bucket)
expect_stat sl:200_replies $((rcv - $(stat core:limited)))
[ "$(stat sl:200_replies)" -ge $((rcv - 50)) ] ||
	fail "sources lost to the full table: $(stat sl:200_replies) replies"
# and the block is still there
ctl blocked | grep -q '^127\.0\.0\.2 ' ||
	fail "the spray evicted the blocked source: $(ctl blocked)"
"$UDPSEND" -b 127.0.0.2 -n 10 -w 0 "$T/ok" 127.0.0.1 "$PORT" > /dev/null
still() { [ "$(stat core:rcv_requests)" = $((rcv + 10)) ]; }
wait_until 10 still
expect_stat core:limited $((50 - 5 + 10))
finish
