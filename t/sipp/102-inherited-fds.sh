#!/bin/bash
# A descriptor the starting shell left open (here a root-only file on
# fd 7) reaches neither the supervisor nor any worker, and a worker holds
# nothing of the supervisor's (pid file, FIFO, other workers' sockets):
# beyond stdin, stdout and stderr, only its own sockets.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

SECRET=$T/secret
echo "root only" > "$SECRET"
chmod 0600 "$SECRET"

# fds PID: one "fd target" line per descriptor above 2
fds() {
	local f
	for f in /proc/$1/fd/*; do
		n=${f##*/}
		[ "$n" -gt 2 ] && echo "$n $(readlink "$f")"
	done
}
# check_worker PID SOCKETS: only SOCKETS sockets beyond stdio
check_worker() {
	local list
	list=$(fds "$1")
	echo "$list" | grep -q "$SECRET" && fail "worker $1 holds $SECRET"
	others=$(echo "$list" | grep -v ' socket:\[' | grep -c .)
	socks=$(echo "$list" | grep -c ' socket:\[')
	[ "$others" = 0 ] && [ "$socks" = "$2" ] ||
		fail "worker $1 holds, beyond stdio: $(echo $list) (expected $2 sockets only)"
}
check_workers() {
	pids=$(ctl workers | awk 'NR > 1 && $5 == "running" { print $3 }')
	[ -n "$pids" ] || fail "no running workers"
	for pid in $pids; do
		check_worker "$pid" "$1"
	done
}

# Two addresses, one socket per worker and address (reuseport): the
# supervisor holds four sockets, each worker two.
{
cat <<EOF
socket_mode = "reuseport"
EOF
keepalive_route
} | write_conf
sed -i "s|^listen = .*|listen = {\"udp:127.0.0.1:$PORT\", \"udp:127.0.0.2:$PORT\"}|" \
	"$CONF"
exec 7<"$SECRET"
start_server
exec 7<&-
fds "$SRV_PID" | grep -q "$SECRET" && fail "the supervisor holds $SECRET"
check_workers 2
run_sipp options-allow.xml 5 || fail "calls failed"

# a respawned worker and a new generation are no different
victim=$(ctl workers | awk 'NR == 2 { print $3 }')
kill -KILL "$victim"
wait_until 20 eval '[ "$(stat core:worker_restarts)" = 1 ]' ||
	fail "worker $victim not respawned"
check_workers 2
ctl reload >/dev/null || fail "reload failed"
check_workers 2
finish
