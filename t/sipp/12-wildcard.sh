#!/bin/bash
# Wildcard listens (udp:*:PORT, udp:[::]:PORT): a request sent to
# 127.0.0.2 (and to ::1) is answered from the address it was sent to, and
# $Ri of the route names that address. The client is a connected UDP
# socket (bash's /dev/udp), which the kernel gives only datagrams from
# the address and port it is connected to: a reply from any other source
# never arrives. Without IPv6 the IPv4 part runs and the test then SKIPs.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

# A wildcard socket listens on every address of the machine: only inside
# the private network namespace, where lo is all there is.
[ -n "${SLS_IN_NETNS:-}" ] || skip "wildcard listens need a network namespace"
v6=0
grep -q '^0\{31\}1 ' /proc/net/if_inet6 2>/dev/null && v6=1

listen="\"udp:*:$PORT\""
[ $v6 = 1 ] && listen="$listen, \"udp:[::]:$PORT\""
write_conf <<'EOF2'
route "ping" {
	method = {"OPTIONS"}
	xlog = "ping to Ri=$Ri Rp=$Rp from si=$si"
	sl_send_reply = "200 OK"
}
EOF2
sed -i "s/^listen = .*/listen = {$listen}/" "$CONF"
start_server

# ask ADDR HOST-IN-URI N: one OPTIONS to ADDR:PORT from a socket
# connected to it; true when a 200 came back to that socket within 5 s.
ask() {
	local addr=$1 host=$2 n=$3
	printf 'OPTIONS sip:ping@%s:%s SIP/2.0\r\nVia: SIP/2.0/UDP %s;rport;branch=z9hG4bKwild%s\r\nFrom: <sip:t@%s>;tag=w%s\r\nTo: <sip:ping@%s>\r\nCall-ID: wild%s@t\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n' \
	    "$host" "$PORT" "$host" "$n" "$host" "$n" "$host" "$n" > "$T/req$n"
	exec 3<>"/dev/udp/$addr/$PORT" || return 1
	cat "$T/req$n" >&3
	# dd reads exactly one datagram; timeout bounds the wait
	timeout 5 dd bs=65535 count=1 <&3 >"$T/reply$n" 2>/dev/null
	exec 3<&-
	head -1 "$T/reply$n" | grep -q '^SIP/2.0 200 OK'
}

ask 127.0.0.2 127.0.0.2 1 ||
	fail "no 200 from 127.0.0.2:$PORT to a request sent there"
grep -q "ping to Ri=127.0.0.2 Rp=$PORT from si=127.0.0.1\$" "$SRV_LOG" ||
	fail "\$Ri of a request to 127.0.0.2 is not 127.0.0.2"
ask 127.0.0.1 127.0.0.1 2 ||
	fail "no 200 from 127.0.0.1:$PORT to a request sent there"
grep -q "ping to Ri=127.0.0.1 Rp=$PORT from si=127.0.0.1\$" "$SRV_LOG" ||
	fail "\$Ri of a request to 127.0.0.1 is not 127.0.0.1"

if [ $v6 = 1 ]; then
	ask ::1 '[::1]' 3 || fail "no 200 from [::1]:$PORT to a request sent there"
	grep -q "ping to Ri=::1 Rp=$PORT from si=::1\$" "$SRV_LOG" ||
		fail "\$Ri of a request to ::1 is not ::1"
fi
expect_stat sl:200_replies $((2 + v6))
if [ $v6 = 0 ]; then
	stop_server
	grep -q ' err: ' "$SRV_LOG" && fail "the server logged errors"
	[ "$FAILED" -eq 0 ] && skip "no ::1: the IPv4 part passed, IPv6 untested"
fi
finish
