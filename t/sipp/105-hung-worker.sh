#!/bin/bash
# A hung worker is replaced: with socket_mode "reuseport" each worker
# owns its sockets, so a stopped worker black-holed its share of the
# sources (4,999 of 152,023 requests lost during a 5 s SIGSTOP). Workers
# write a heartbeat into shared memory; one that is stale for
# worker_timeout seconds is killed, logged and respawned on the same
# sockets, which then deliver what queued up meanwhile.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

TIMEOUT=3
{
cat <<EOF
socket_mode = "reuseport"
worker_timeout = $TIMEOUT
EOF
keepalive_route
} | write_conf
start_server
ctl workers > "$T/before"
victim=$(awk 'NR == 2 { print $3 }' "$T/before")
slot=$(awk 'NR == 2 { print $1 }' "$T/before")
[ -n "$victim" ] || hard_error "no worker listed: $(cat "$T/before")"
slot_pid() { ctl workers | awk -v s="$1" 'NR > 1 && $1 == s { print $3 }'; }

# options N: N requests, each from a new source port, so that the
# kernel spreads them over both workers' sockets
options() {
	local i=0
	while [ $i -lt "$1" ]; do
		send_udp "OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-$i-$2\r\nFrom: <sip:a@b>;tag=$i\r\nTo: <sip:a@b>\r\nCall-ID: $i-$2\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
		i=$((i + 1))
	done
}
seen() { [ "$(stat core:rcv_requests)" -ge "$1" ]; }

N=40
options $N a
wait_until 10 seen $N || fail "only $(stat core:rcv_requests) of $N requests seen"

kill -STOP "$victim"
t0=$(date +%s%N)
options $N b
# the victim's share waits in its socket until it is replaced
wait_until $((TIMEOUT + 10)) eval '[ "$(slot_pid "$slot")" != "$victim" ]' ||
	fail "the stopped worker $victim was not replaced"
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
log "replaced after $ms ms (worker_timeout $TIMEOUT s)"
[ $ms -ge $(( (TIMEOUT - 1) * 1000 )) ] ||
	fail "replaced after $ms ms, before worker_timeout ($TIMEOUT s)"
wait_until 10 seen $((2 * N)) ||
	fail "after the replacement, $(stat core:rcv_requests) of $((2 * N)) requests seen"
grep -q "warning: worker [0-9]* (pid $victim) has not run for [0-9]* ms (worker_timeout $TIMEOUT s); killing it" \
	"$SRV_LOG" || fail "no warning naming the hung worker"
grep -q "notice: worker [0-9]* (pid $victim) killed by signal 9 .*restarting" \
	"$SRV_LOG" || fail "no respawn notice"
expect_stat core:worker_restarts 1
line=$(ctl workers | awk -v s="$slot" 'NR > 1 && $1 == s')
set -- $line
[ "$5" = running ] || fail "slot $slot after the replacement: '$line'"
gone "$victim" || fail "the hung worker $victim still exists"

# traffic flows on every socket
options $N c
wait_until 10 seen $((3 * N)) ||
	fail "afterwards, $(stat core:rcv_requests) of $((3 * N)) requests seen"
run_sipp options-allow.xml 5 || fail "calls failed after the replacement"
# an idle worker is not hung: nothing else was replaced meanwhile
expect_stat core:worker_restarts 1
finish
