#!/bin/bash
# Per-route counters: each route counts the requests it matched and what
# it did with each (replied, dropped), in "stats route", in the full
# "stats" list and in Prometheus text. A reload keeps the counts of the
# routes whose name survives, starts new routes at zero and shows no
# more the routes gone; a refused reload changes nothing.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

# One worker handles datagrams in order: once a later request has its
# answer, the earlier ones were handled.
WORKERS=1
gen_conf() {
	{
	cat <<'EOF2'
route "scanners" {
	header = {"User-Agent: friendly-scanner"}
	drop = true
}
EOF2
	keepalive_route
	cat <<EOF2
route "$1" {
	send_reply = "404 Not Found - \$rU"
}
EOF2
	} | write_conf
}
# An OPTIONS from a scanner, one datagram, no reply expected.
scanner() {
	send_udp 'OPTIONS sip:100@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-130-%s\r\nFrom: <sip:s@127.0.0.1>;tag=s\r\nTo: <sip:100@127.0.0.1>\r\nCall-ID: scan-130-%s\r\nCSeq: 1 OPTIONS\r\nUser-Agent: friendly-scanner\r\nContent-Length: 0\r\n\r\n' \
	    "$1" "$1"
}
rstat() { stat "route:$1"; }
expect_route() {
	local name=$1 m=$2 r=$3 d=$4 v
	for c in matched:$m replied:$r dropped:$d forwarded:0; do
		v=$(rstat "$name:${c%%:*}")
		[ "$v" = "${c#*:}" ] ||
			fail "route:$name:${c%%:*} = '$v', expected ${c#*:}"
	done
}

gen_conf rest
start_server
# every route shows up at zero before any traffic
[ "$(ctl stats route | grep -c ' = 0$')" = 12 ] ||
	fail "stats route at start: $(ctl stats route | tr '\n' ';')"

for i in 1 2 3; do scanner "$i"; done
run_sipp options-allow.xml 20 || fail "OPTIONS calls failed"
run_sipp invite-404.xml 10 -s 42 || fail "INVITE calls failed"
expect_route keepalive 20 20 0
expect_route scanners 3 0 3
expect_route rest 10 10 0
expect_stat core:drop_requests 3

# the same counters in the full list and in Prometheus text
ctl stats > "$T/all"
grep -qx 'route:rest:replied = 10' "$T/all" || fail "stats lists no route"
grep -qx 'sl:sent_replies = 30' "$T/all" || fail "stats lost its counters"
ctl stats prometheus > "$T/prom" || fail "stats prometheus failed"
for l in 'slserver_route_matched_total{route="keepalive"} 20' \
    'slserver_route_dropped_total{route="scanners"} 3' \
    'slserver_route_replied_total{route="rest"} 10' \
    'slserver_route_forwarded_total{route="rest"} 0'; do
	grep -qxF "$l" "$T/prom" || fail "prometheus: no '$l'"
done
[ "$(grep -c '^# TYPE slserver_route_matched_total counter$' "$T/prom")" = 1 ] ||
	fail "prometheus: one TYPE line per route family"
# a single counter, and an unknown one
[ "$(ctl stats route:scanners:dropped)" = 'route:scanners:dropped = 3' ] ||
	fail "stats route:scanners:dropped"
ctl stats route:nosuch:matched >/dev/null 2>&1 && fail "unknown route counter"

# reload: "rest" becomes "others"; keepalive and scanners keep counting
gen_conf others
out=$(ctl reload) || fail "reload failed: $out"
expect_route keepalive 20 20 0
expect_route scanners 3 0 3
expect_route others 0 0 0
ctl stats route | grep -q '^route:rest:' && fail "route rest still listed"
run_sipp options-allow.xml 5 || fail "OPTIONS calls failed after reload"
run_sipp invite-404.xml 4 -s 43 || fail "INVITE calls failed after reload"
scanner 4
run_sipp options-allow.xml 1 || fail "OPTIONS call failed"
expect_route keepalive 26 26 0
expect_route scanners 4 0 4
expect_route others 4 4 0

# a refused reload changes nothing
echo 'route "broken" { nosuchoption = 1 }' >> "$CONF"
ctl reload >/dev/null 2>&1 && fail "a broken config was accepted"
expect_route keepalive 26 26 0
expect_route others 4 4 0
ctl stats route | grep -q '^route:broken:' && fail "route of a refused config listed"
# the refusal was logged at err, as it should be
sed -i '/ err: /d' "$SRV_LOG"

# the old name comes back: a new route, at zero
gen_conf rest
out=$(ctl reload) || fail "reload back failed: $out"
expect_route rest 0 0 0
expect_route keepalive 26 26 0
finish
