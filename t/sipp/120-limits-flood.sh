#!/bin/bash
# Per-source limits (SPEC 9): a flood from one source (127.0.0.2) is cut
# to its burst at once and the source blocked, the block logged once and
# event_route "sl:blocked" run once, while another source (127.0.0.3) is
# answered in full at the same time; slserverctl blocked and unblock;
# the Prometheus families.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

UDPSEND=$SLS_BUILDDIR/t/udpsend
[ -x "$UDPSEND" ] || hard_error "no $UDPSEND (make check builds it)"

{
cat <<'EOF2'
limits {
	trusted = {"127.0.0.1"}
	rate = 100
	burst = 100
	block = 60
}
event_route "sl:blocked" { xlog = "event sl:blocked from $si" }
EOF2
keepalive_route
} | write_conf
start_server

# options FILE SOURCE: an OPTIONS whose reply comes back to its socket
options() {
	{
		printf 'OPTIONS sip:ka@127.0.0.1 SIP/2.0\r\n'
		printf 'Via: SIP/2.0/UDP %s:9;branch=z9hG4bK-120;rport\r\n' "$2"
		printf 'From: <sip:t@%s>;tag=1\r\n' "$2"
		printf 'To: <sip:ka@127.0.0.1>\r\n'
		printf 'Call-ID: 120@%s\r\n' "$2"
		printf 'CSeq: 1 OPTIONS\r\n'
		printf 'Content-Length: 0\r\n'
		printf '\r\n'
	} > "$1"
}
# send SOURCE COUNT RATE OUT: udpsend's "sent N replies M bytes B"
send() {
	"$UDPSEND" -b "$1" -n "$2" -r "$3" -w 1000 "$T/$1.dat" 127.0.0.1 \
	    "$PORT" > "$4" || hard_error "udpsend from $1 failed"
}
replies() { awk '{ print $4 }' "$1"; }
options "$T/127.0.0.2.dat" 127.0.0.2
options "$T/127.0.0.3.dat" 127.0.0.3

# 127.0.0.3 at half the rate for 2 s while 127.0.0.2 sends 3000 in 1 s
send 127.0.0.3 100 50 "$T/b.out" &
bpid=$!
send 127.0.0.2 3000 3000 "$T/a.out"
wait $bpid
a=$(replies "$T/a.out")
b=$(replies "$T/b.out")
log "flood: $(cat "$T/a.out"); the other source: $(cat "$T/b.out")"
[ "$b" = 100 ] || fail "127.0.0.3 got $b replies of 100"
# the burst, plus what 100/s refills before it is spent (~1 s at most)
[ "$a" -ge 100 ] && [ "$a" -le 200 ] ||
	fail "127.0.0.2 got $a replies: not cut to its burst and rate"

all_counted() {
	[ $(($(stat core:limited) + $(stat sl:200_replies))) = \
	    "$(stat core:rcv_requests)" ]
}
wait_until 10 all_counted || fail "core:limited + 200s != requests"
expect_stat sl:200_replies $((a + b))
expect_stat core:blocks 1
limited=$(stat core:limited)
[ "$limited" -ge 2500 ] || fail "core:limited = $limited, expected most of 2900"

# blocked: the source, seconds left, requests seen (all of them dropped)
out=$(ctl blocked) || fail "slserverctl blocked failed"
log "blocked: $out"
set -- $(printf '%s\n' "$out" | sed -n 2p)
[ "$(printf '%s\n' "$out" | wc -l)" = 2 ] || fail "blocked lists $out"
[ "$1" = 127.0.0.2 ] || fail "blocked lists '$1'"
[ "$2" -ge 40 ] && [ "$2" -le 60 ] || fail "seconds left: $2"
[ "$3" = "$limited" ] || fail "requests seen $3, core:limited $limited"

# logged once at warning, the event route run once
line='limits: blocked 127.0.0.2 for 60 s: over 100 requests/s (burst 100)'
n=$(grep -c "warning: .*$line" "$SRV_LOG")
[ "$n" = 1 ] || fail "the block was logged $n times"
n=$(grep -c 'event sl:blocked from 127.0.0.2$' "$SRV_LOG")
[ "$n" = 1 ] || fail "sl:blocked ran $n times"

prom() { ctl stats prometheus | awk -v m="$1" '$1 == m { print $2 }'; }
[ "$(prom slserver_limited_total)" = "$limited" ] ||
	fail "slserver_limited_total is not $limited"
[ "$(prom slserver_blocked_sources)" = 1 ] ||
	fail "slserver_blocked_sources is not 1"

# still blocked; then lifted by hand
send 127.0.0.2 5 0 "$T/c.out"
[ "$(replies "$T/c.out")" = 0 ] || fail "a blocked source was answered"
out=$(ctl unblock 127.0.0.2) || fail "unblock 127.0.0.2 failed: $out"
[ "$out" = "unblocked 127.0.0.2" ] || fail "unblock said '$out'"
send 127.0.0.2 5 0 "$T/d.out"
[ "$(replies "$T/d.out")" = 5 ] || fail "not answered after unblock"
[ "$(prom slserver_blocked_sources)" = 0 ] ||
	fail "slserver_blocked_sources is not 0"
ctl unblock 127.0.0.2 > /dev/null && fail "unblock of a free source: exit 0"
ctl unblock 127.0.0.9 > /dev/null && fail "unblock of an unknown source: exit 0"
ctl unblock no-address > /dev/null && fail "unblock of a bad address: exit 0"
[ "$(ctl blocked)" = "address seconds_left requests" ] ||
	fail "blocked after unblock: $(ctl blocked)"
finish
