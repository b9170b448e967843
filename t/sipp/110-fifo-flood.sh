#!/bin/bash
# Whoever may write the admin FIFO cannot freeze the supervisor: 30
# requests naming reply FIFOs that nobody ever opens for reading (each
# used to hold the loop for a second) leave it reaping, respawning,
# reloading and answering at once. Meanwhile a worker is killed: it is
# reaped (no zombie) and respawned; `ping` answers within a few seconds;
# a SIGHUP reload under a second flood goes through.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

keepalive_route | write_conf
start_server

# flood TAG: one write of 30 requests whose reply FIFOs have no reader.
flood() {
	local i
	: > "$T/flood.$1"
	for i in $(seq 1 30); do
		mkfifo "$T/dead.$1.$i" || hard_error "mkfifo"
		printf ':ping:dead.%s.%s\n\n' "$1" "$i" >> "$T/flood.$1"
	done
	[ "$(wc -c < "$T/flood.$1")" -le 4096 ] || hard_error "flood too big"
	cat "$T/flood.$1" > "$FIFO"
}

slot_pid() {
	ctl workers | awk -v s="$1" 'NR > 1 && $1 == s { print $3 }'
}
# pid is neither running nor a zombie: the supervisor has reaped it
reaped_pid() {
	local st
	st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 0
	[ -z "$st" ]
}
respawned() {
	local p
	p=$(slot_pid "$1")
	[ -n "$p" ] && [ "$p" != "$2" ] && kill -0 "$p" 2>/dev/null
}
restarts_are() { [ "$(stat core:worker_restarts)" = "$1" ]; }
# elapsed MS_START: milliseconds since MS_START
now_ms() { date +%s%3N; }

slot=$(ctl workers | awk 'NR == 2 { print $1 }')
victim=$(slot_pid "$slot")
[ -n "$victim" ] || hard_error "no worker listed"

t0=$(now_ms)
flood a
kill -KILL "$victim"
out=$(ctl ping 2>&1) || fail "ping during the flood: $out"
dt=$(($(now_ms) - t0))
[ "$out" = pong ] || fail "ping said '$out'"
# each dead FIFO used to hold the loop for a second: 30 s in all
[ $dt -lt 10000 ] || fail "ping took $dt ms during the flood"
wait_until 10 reaped_pid "$victim" ||
	fail "worker $victim not reaped: $(cat /proc/$victim/stat 2>/dev/null)"
wait_until 10 respawned "$slot" "$victim" || fail "slot $slot not respawned"
wait_until 10 restarts_are 1 || fail "restart not counted"
log "ping after ${dt} ms, worker $victim reaped and respawned"

# A reload asked by SIGHUP under a second flood.
flood b
kill -HUP "$SRV_PID"
gen2() { ctl workers | awk 'NR > 1 && $5 == "running" { print $4 }' |
    sort -u | grep -qx 2; }
wait_until 10 gen2 || fail "no generation 2 after SIGHUP: $(ctl workers)"
grep -q 'notice: reloaded, generation 2' "$SRV_LOG" ||
	fail "reload not logged"
out=$(ctl ping 2>&1) || fail "ping after the reload: $out"

# Every unread reply was given up, none waited for ever: said once each.
given_up() {
	[ "$(grep -c 'no reader within' "$SRV_LOG")" -ge 60 ]
}
wait_until 10 given_up ||
	fail "$(grep -c 'no reader within' "$SRV_LOG") of 60 replies given up"
finish
