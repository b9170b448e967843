#!/bin/bash
# slserverctl rates N and top: under a steady sipp load, one sample over
# a second shows a request rate near sipp's, on the route that takes the
# requests and on the workers, and none on the route that takes nothing;
# top prints as many screens as -n asks and ends cleanly on Ctrl-C;
# bad arguments and a missing server exit 2.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

{
keepalive_route
cat <<'EOF2'
route "rest" {
	send_reply = "404 Not Found - $rU"
}
EOF2
} | write_conf
start_server

# value NAME: the rate NAME of the sample in $T/rates
value() { awk -v n="$1" '$1 == n { print $2 }' "$T/rates"; }
busy() { [ "$(stat core:rcv_requests)" -gt 100 ]; }

SIPP_RATE=200 SIPP_TIMEOUT=40s run_sipp options-allow.xml 1600 &
SIPP_PID=$!
wait_until 20 busy || fail "no load"
ctl rates 1 > "$T/rates" || fail "rates 1: exit $?"
ctl top -n 2 -d 0.5 > "$T/top" || fail "top -n 2: exit $?"
wait "$SIPP_PID" || fail "OPTIONS calls failed"

s=$(value seconds)
awk -v s="$s" 'BEGIN { exit !(s >= 0.9 && s < 3) }' || fail "seconds $s"
req=$(value requests)
# sipp sends 200 a second; allow for a loaded machine
awk -v r="$req" 'BEGIN { exit !(r >= 50 && r <= 400) }' ||
	fail "request rate $req, expected about 200"
[ "$(value replies)" = "$(value replies_2xx)" ] ||
	fail "replies $(value replies) but 2xx $(value replies_2xx)"
m=$(value route:keepalive:matched)
awk -v m="$m" 'BEGIN { exit !(m >= 50) }' || fail "keepalive matched $m/s"
[ "$(value route:rest:matched)" = 0.00 ] ||
	fail "rest matched $(value route:rest:matched)/s"
[ "$(value drops)" = 0.00 ] || fail "drops $(value drops)/s"
w=$(awk '$1 ~ /^worker:[0-9]+:requests$/ { s += $2 } END { print s + 0 }' \
    "$T/rates")
awk -v w="$w" 'BEGIN { exit !(w >= 50) }' || fail "workers' requests $w/s"
for k in replies_1xx replies_3xx replies_4xx replies_5xx replies_6xx \
    acks_absorbed forwards errors failures; do
	[ -n "$(value "$k")" ] || fail "rates lists no $k"
done

[ "$(grep -c '^slserver: rates per second over' "$T/top")" = 2 ] ||
	fail "top -n 2 printed $(grep -c '^slserver: rates' "$T/top") screens"
grep -q '^route:keepalive ' "$T/top" || fail "top shows no route"
grep -Eq '^1 +1 +[0-9]+ ' "$T/top" || fail "top shows no worker 1"

# Ctrl-C ends top, exit 0, without a reply FIFO left behind
"$SLSERVERCTL" -s "$FIFO" top > "$T/top2" 2>&1 &
TOP=$!
wait_until 10 eval 'grep -q "^slserver: rates" "$T/top2"' || fail "top shows nothing"
kill -INT "$TOP"
wait "$TOP"; rc=$?
[ "$rc" = 0 ] || fail "top after SIGINT: exit $rc"
ls "$T" | grep -q '^slserverctl\.' && fail "reply FIFO left: $(ls "$T")"

# usage and failures
for args in "rates" "rates 0" "rates x" "rates 1 2" "top -n" "top -x 1" \
    "top -d 0"; do
	# shellcheck disable=SC2086
	ctl $args >/dev/null 2>&1
	rc=$?
	[ "$rc" = 2 ] || fail "slserverctl $args: exit $rc, expected 2"
done
"$SLSERVERCTL" -s "$T/nofifo" rates 1 >/dev/null 2>&1
[ $? = 2 ] || fail "rates without a server: not exit 2"
finish
