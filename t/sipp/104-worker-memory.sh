#!/bin/bash
# A worker's private memory stays within the bound slserver(8) states
# (RESOURCES): 2 MiB, reached with the default max_message (65535) by
# a backlog of the largest requests, whose replies are as large. It was
# seen at 4.7 MiB: 32 receive buffers of max_message + 1 bytes and 32
# reply buffers of 64 KiB, all dirtied by such a backlog.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

BOUND_KB=2048
[ -r /proc/self/smaps_rollup ] || skip "no /proc/PID/smaps_rollup"
# worker_timeout 0: a slow machine may keep it stopped for long
WORKERS=1 write_conf <<'EOF'
worker_timeout = 0
route "any" {
	sl_send_reply = "404 Not Found"
}
EOF
start_server
W=$(ctl workers | awk 'NR == 2 { print $3 }')
[ -n "$W" ] || hard_error "no worker"
private_kb() {
	awk '$1 == "Private_Dirty:" { print $2 }' "/proc/$1/smaps_rollup"
}
log "worker $W at start: $(private_kb "$W") kB private"

# The largest datagram UDP carries over IPv4 (65,507 bytes), a Call-ID
# filling it: the 404 copies it, so the reply is as large.
{
	printf 'OPTIONS sip:a@127.0.0.1 SIP/2.0\r\n'
	printf 'Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK1\r\n'
	printf 'From: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCSeq: 1 OPTIONS\r\n'
	printf 'Max-Forwards: 70\r\nContent-Length: 0\r\nCall-ID: '
	head -c 65300 /dev/zero | tr '\0' x
	printf '\r\n\r\n'
} | head -c 65507 > "$T/big"
# (the cut leaves the Call-ID line unterminated: make the end a request)
size=$(wc -c < "$T/big")
truncate -s $((size - 4)) "$T/big" && printf '\r\n\r\n' >> "$T/big"

# A backlog: the worker is stopped while 3 rounds of 40 queue up, so
# each batch it reads is full.
N=40
sent=0
drops0=$(udp_drops)
for round in 1 2 3; do
	kill -STOP "$W"
	i=0
	while [ $i -lt $N ]; do
		cat "$T/big" > "/dev/udp/127.0.0.1/$PORT"
		i=$((i + 1))
	done
	kill -CONT "$W"
	sent=$((sent + N))
	wait_until 20 eval '[ "$(stat core:rcv_requests)" -ge $((sent - $(udp_drops) + drops0)) ]' ||
		fail "round $round: $(stat core:rcv_requests) of $sent requests seen"
done
log "$(stat core:rcv_requests) requests, $(stat sl:sent_replies) replies, $(($(udp_drops) - drops0)) dropped by the kernel"
[ "$(stat core:rcv_requests)" -ge $N ] || fail "too few requests arrived"
expect_stat core:oversize 0
kb=$(private_kb "$W")
log "worker $W after the backlog: $kb kB private (bound $BOUND_KB kB)"
[ "$kb" -le $BOUND_KB ] || fail "worker private memory $kb kB > $BOUND_KB kB"
finish
