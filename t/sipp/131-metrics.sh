#!/bin/bash
# GET /metrics (metrics_listen): curl gets the same text as "stats
# prometheus" with the Prometheus content type, promtool accepts it
# (when installed), other paths are 404 and other methods 405. The
# metrics process is a child of the supervisor, respawned when killed,
# untouched by a reload, gone at stop; clients that hold connections
# open block neither the SIP traffic nor the admin FIFO. metrics_listen
# cannot change on reload, and an address in use fails the start.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

command -v curl >/dev/null || {
	[ "${SLS_REQUIRE_SIPP:-0}" = 1 ] && hard_error "curl is required"
	skip "curl not installed"
}
if [ -n "${SLS_IN_NETNS:-}" ]; then MPORT=9154; else MPORT=$((PORT + 2)); fi
URL=http://127.0.0.1:$MPORT/metrics

gen_conf() {
	{
	echo "metrics_listen = \"$1\""
	keepalive_route
	cat <<'EOF2'
route "rest" {
	send_reply = "404 Not Found - $rU"
}
EOF2
	} | write_conf
}
# The pid of the metrics process of the server (a child titled so).
metrics_pid() {
	local p
	for p in $(pgrep -P "$SRV_PID"); do
		case $(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null) in
		*metrics*) echo "$p"; return 0 ;;
		esac
	done
	return 1
}
http_code() { curl -sS -o /dev/null -w '%{http_code}' "$@"; }
new_metrics() { p=$(metrics_pid) && [ "$p" != "$1" ]; }

gen_conf "127.0.0.1:$MPORT"
start_server
run_sipp options-allow.xml 20 || fail "OPTIONS calls failed"
run_sipp invite-404.xml 5 -s 42 || fail "INVITE calls failed"

# 1. the exposition, as the FIFO gives it
curl -sS -D "$T/headers" -o "$T/body" "$URL" || fail "curl $URL failed"
head -1 "$T/headers" | grep -q '^HTTP/1.1 200 OK' ||
	fail "status: $(head -1 "$T/headers")"
grep -qi '^Content-Type: text/plain; version=0.0.4'$'\r''$' "$T/headers" ||
	fail "no Prometheus content type: $(cat "$T/headers")"
ctl stats prometheus > "$T/fifo" || fail "stats prometheus failed"
cmp -s "$T/body" "$T/fifo" ||
	fail "GET /metrics and stats prometheus differ: $(diff "$T/fifo" "$T/body" | head -5)"
grep -qx 'slserver_route_replied_total{route="keepalive"} 20' "$T/body" ||
	fail "no route counter in /metrics"
grep -qx 'slserver_requests_received_total 30' "$T/body" ||
	fail "wrong request count in /metrics"
if command -v promtool >/dev/null; then
	promtool check metrics < "$T/body" > "$T/promtool" 2>&1 ||
		fail "promtool check metrics: $(cat "$T/promtool")"
else
	log "promtool not installed: not validated by it"
fi

# 2. other paths, other methods
[ "$(http_code "http://127.0.0.1:$MPORT/")" = 404 ] || fail "/ is not 404"
[ "$(http_code "$URL/x")" = 404 ] || fail "/metrics/x is not 404"
[ "$(http_code -X POST -d x=1 "$URL")" = 405 ] || fail "POST is not 405"
[ "$(http_code -I "$URL")" = 200 ] || fail "HEAD is not 200"

# 3. clients holding every connection (and more) block nothing else
for fd in $(seq 20 41); do
	eval "exec $fd<>/dev/tcp/127.0.0.1/$MPORT" || fail "connect $fd"
done
ctl ping >/dev/null || fail "FIFO blocked by idle HTTP clients"
run_sipp options-allow.xml 10 || fail "SIP blocked by idle HTTP clients"
for fd in $(seq 20 41); do eval "exec $fd>&-"; done
wait_until 10 eval '[ "$(http_code "$URL")" = 200 ]' ||
	fail "/metrics not served once the idle clients left"

# 4. killed, it comes back; a reload leaves it alone
mp=$(metrics_pid) || fail "no metrics process among the supervisor's children"
kill -KILL "$mp"
wait_until 10 new_metrics "$mp" || fail "metrics process not respawned"
wait_until 10 eval '[ "$(http_code "$URL")" = 200 ]' ||
	fail "/metrics not served after the respawn"
grep -q "metrics process (pid $mp) killed by signal 9; restarting" "$SRV_LOG" ||
	fail "the respawn was not logged"
mp=$(metrics_pid)
out=$(ctl reload) || fail "reload failed: $out"
[ "$(metrics_pid)" = "$mp" ] || fail "a reload restarted the metrics process"

# 5. restart-only: a reload that changes it is refused
gen_conf "127.0.0.1:$((MPORT + 1))"
out=$(ctl reload 2>&1) && fail "metrics_listen changed on reload"
case $out in
*"option 'metrics_listen' cannot change on reload"*) ;;
*) fail "reload refusal: $out" ;;
esac
sed -i '/ err: /d' "$SRV_LOG"
[ "$(http_code "$URL")" = 200 ] || fail "/metrics gone after a refused reload"

# 6. an address in use fails the start, saying so
gen_conf "127.0.0.1:$MPORT"
sed -e "s/:$PORT\"/:$((PORT + 3))\"/" -e "s|$T/slserver\.|$T/second.|" \
    "$CONF" > "$T/second.conf"
out=$(timeout 20 "$SLSERVER" -n -f "$T/second.conf" -P "$T/second.pid" 2>&1)
rc=$?
[ "$rc" = 1 ] || fail "second server: exit $rc, expected 1"
case $out in
*"bind(tcp:127.0.0.1:$MPORT) for metrics_listen failed: Address already in use"*) ;;
*) fail "second server said: $out" ;;
esac

# 7. gone with the server
stop_server
kill -0 "$mp" 2>/dev/null && fail "metrics process left running"
finish
