#!/bin/bash
# A scanner black hole has no leak (slserver.conf(5), "error"): a
# malformed request (broken CSeq or Content-Length) carrying
# User-Agent: friendly-scanner meets the scanners route, whose final
# action is drop, and nothing comes back; the same request without that
# User-Agent gets its 400. Both are counted in core:err_requests.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

# One worker handles the datagrams in the order they were sent, so once
# the later plain request is answered the scanner's were handled too.
WORKERS=1
{
keepalive_route
cat <<'EOF2'
route "scanners" {
	header = {"User-Agent: friendly-scanner|sipvicious"}
	drop = true
}
EOF2
} | write_conf
start_server

# request FD N CSEQ_METHOD CLEN [EXTRA]: a malformed OPTIONS written in
# one write to the connected UDP socket FD; rport brings any reply back
# to that socket.
request() {
	local f=$T/req.$2

	printf 'OPTIONS sip:100@127.0.0.1 SIP/2.0\r\n' > "$f"
	printf 'Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-41-%s;rport\r\n' \
	    "$2" >> "$f"
	printf 'From: <sip:100@127.0.0.1>;tag=s%s\r\n' "$2" >> "$f"
	printf 'To: <sip:100@127.0.0.1>\r\nCall-ID: scan-%s\r\n' "$2" >> "$f"
	printf 'CSeq: 1 %s\r\n%bContent-Length: %s\r\n\r\n' "$3" "${5:-}" \
	    "$4" >> "$f"
	cat "$f" >&"$1"
}

# recv FD SECONDS FILE: one datagram from FD into FILE, empty if none
# comes within SECONDS.
recv() {
	timeout "$2" dd bs=65536 count=1 status=none <&"$1" > "$3"
}

UA='User-Agent: friendly-scanner\r\n'
exec 3<>"/dev/udp/127.0.0.1/$PORT" || hard_error "no /dev/udp in bash"
exec 4<>"/dev/udp/127.0.0.1/$PORT" || hard_error "no /dev/udp in bash"
request 3 1 REGISTER 0 "$UA"		# CSeq names another method
request 3 2 OPTIONS 1x "$UA"		# Content-Length not a number
request 4 3 REGISTER 0
request 4 4 OPTIONS 1x

recv 4 10 "$T/reply.3"
grep -q '^SIP/2.0 400 Bad Request (CSeq method does not match)' \
    "$T/reply.3" || fail "no 400 for a CSeq mismatch: $(head -1 "$T/reply.3")"
recv 4 10 "$T/reply.4"
grep -q '^SIP/2.0 400 Bad Request (malformed Content-Length)' \
    "$T/reply.4" ||
	fail "no 400 for a bad Content-Length: $(head -1 "$T/reply.4")"
# The scanner's requests were handled before those: a reply to them
# would be waiting already.
recv 3 2 "$T/reply.scanner"
[ -s "$T/reply.scanner" ] &&
	fail "the scanner got a reply: $(head -1 "$T/reply.scanner")"
exec 3<&- 4<&-

sent_err_is() { [ "$(stat sl:sent_err_replies)" = "$1" ]; }
wait_until 10 sent_err_is 2 || fail "sl:sent_err_replies is not 2"
expect_stat core:err_requests 4
expect_stat core:drop_requests 2
expect_stat sl:400_replies 2
expect_stat sl:sent_replies 2
finish
