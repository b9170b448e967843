#!/bin/bash
# A hostile regular expression in the configuration neither crashes nor
# freezes the supervisor: "(a*)*" repeated 100,000 times once made
# regcomp() recurse until it crashed (-t and reload alike), 5,000 times
# spun for over a minute ignoring SIGTERM. Patterns over 1024 bytes and
# back-references are refused with FILE:LINE, and every configuration is
# compiled first in a disposable child with CPU, memory and time limits,
# so a short pattern that costs seconds and hundreds of MiB to compile
# is refused there while the supervisor goes on serving and stops on
# SIGTERM at once.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

keepalive_route | write_conf
cp "$CONF" "$T/good.conf"

# bad_conf FILE PATTERN [ROUTES]: the good config and ROUTES routes (1)
# whose ruri is PATTERN, from line 3 of the first route on.
bad_conf() {
	{
	cat "$T/good.conf"
	i=0
	while [ $i -lt "${3:-1}" ]; do
		printf 'route "r%d" {\n\tmethod = {"INVITE"}\n\truri = "%s"\n\tdrop = true\n}\n' \
		    $i "$2"
		i=$((i + 1))
	done
	} > "$1"
}
rep() { printf "$1%.0s" $(seq "$2"); }
line_of_ruri() { grep -n 'ruri = ' "$1" | head -1 | cut -d: -f1; }

LONG=$T/long.conf
bad_conf "$LONG" "$(rep '(a*)*' 100000)"
MID=$T/mid.conf
bad_conf "$MID" "$(rep '(a*)*' 5000)"
BREF=$T/bref.conf
bad_conf "$BREF" '^sip:(.+)@\\1$'
# each costs about 0.1 s of CPU and 100 MiB to compile: 300 of them
COSTLY=$T/costly.conf
bad_conf "$COSTLY" '((a*){60}){60}' 300

# -t: refused with FILE:LINE, no crash, in bounded time
t_refused() { # FILE PATTERN
	out=$(timeout -k 5 30 "$SLSERVER" -t -f "$1" 2>&1); rc=$?
	[ $rc = 1 ] || fail "-t $1: exit $rc, expected 1: $(echo "$out" | cut -c1-200)"
	echo "$out" | grep -q "$2" ||
		fail "-t $1: no '$2' in: $(echo "$out" | cut -c1-300)"
}
t_refused "$LONG" "^$LONG:$(line_of_ruri "$LONG"): ruri: regular expression .* is 500000 bytes long, more than 1024"
t_refused "$MID" "^$MID:$(line_of_ruri "$MID"): ruri: .* is 25000 bytes long"
t_refused "$BREF" "^$BREF:$(line_of_ruri "$BREF"): ruri: back-reference \\\\1 in regular expression"
t_refused "$COSTLY" "^$COSTLY: checking the configuration \(used more than 5 s of CPU\|took more than 10 s\)"

start_server

# reload through the FIFO: refused with the messages, service unchanged
cp "$LONG" "$CONF"
out=$(ctl reload 2>&1) && fail "reload of the 100,000-fold pattern accepted"
echo "$out" | grep -q "$CONF:$(line_of_ruri "$CONF"): ruri: regular expression" ||
	fail "reload reply lacks FILE:LINE: $(echo "$out" | cut -c1-300)"
ctl ping >/dev/null || fail "no ping after the refused reload"
run_sipp options-allow.xml 5 || fail "not serving after the refused reload"

# the costly one: refused by the trial; the FIFO answers meanwhile
cp "$COSTLY" "$CONF"
kill -HUP "$SRV_PID"
trial_pid() { ps --ppid "$SRV_PID" -o pid=,args= | awk '/config check/ { print $1 }'; }
wait_until 10 eval '[ -n "$(trial_pid)" ]' || fail "no config check process"
ctl ping >/dev/null || fail "no ping while the configuration is checked"
wait_until 30 eval '[ "$(stat core:reload_failures)" = 2 ]' ||
	fail "the costly reload was not refused"
grep -q "$CONF: checking the configuration" "$SRV_LOG" ||
	fail "no log line for the refused costly configuration"
expect_stat core:reloads 0
run_sipp options-allow.xml 5 || fail "not serving after the costly reload"

# SIGTERM during the 5,000-fold reload, and during a costly trial: the
# server is gone within 5 s, its checker with it
cp "$MID" "$CONF"
kill -HUP "$SRV_PID"
wait_until 10 eval '[ "$(stat core:reload_failures)" = 3 ]' ||
	fail "the 5,000-fold reload was not refused"
cp "$COSTLY" "$CONF"
kill -HUP "$SRV_PID"
wait_until 10 eval '[ -n "$(trial_pid)" ]' || fail "no config check process"
checker=$(trial_pid)
kill -TERM "$SRV_PID"
wait_until 5 gone "$SRV_PID" || fail "SIGTERM did not stop the server in 5 s"
wait_until 5 gone "$checker" || fail "the config check process outlived it"
wait "$SRV_PID"; rc=$?
SRV_PID=
[ $rc = 0 ] || fail "exit status $rc after SIGTERM"
# the refusals were this test's intent
sed -i "\\|$CONF|d; /reload failed/d" "$SRV_LOG"
finish
