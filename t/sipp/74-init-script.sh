#!/bin/bash
# The generated LSB init script, driven through a temporary defaults file:
# start returns once ready, status/reload/stop with LSB exit codes, a bad
# config refused on reload while the server keeps running.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

INIT=$SLS_BUILDDIR/etc/slserver.init
[ -x "$INIT" ] || hard_error "no $INIT (built by make)"
command -v start-stop-daemon >/dev/null || skip "no start-stop-daemon"

keepalive_route | write_conf
cat > "$T/defaults" <<EOF2
DAEMON=$SLSERVER
SLSERVERCTL=$SLSERVERCTL
SLSERVER_CONF=$CONF
PIDFILE=$PIDFILE
FIFO=$FIFO
SLSERVER_OPTS="-l info"
EOF2
export SLSERVER_DEFAULTS=$T/defaults
initd() { timeout 60 sh "$INIT" "$@" >>"$T/init.out" 2>&1; }

initd status; rc=$?
[ $rc -eq 3 ] || fail "status before start: $rc, expected 3"
initd start || fail "start failed: $(cat "$T/init.out")"
# ready as soon as start returns: no polling here
ctl ping >/dev/null || fail "not answering right after start"
SRV_PID=$(cat "$PIDFILE" 2>/dev/null)
initd status || fail "status while running: $?"
run_sipp options-allow.xml 5 || fail "calls failed"

initd reload || fail "reload failed"
expect_stat core:reloads 1
cp "$CONF" "$T/good.conf"
echo 'bogus = 1' >> "$CONF"
line=$(wc -l < "$CONF")
: > "$T/init.out"
initd reload && fail "reload of a bad config succeeded"
grep -q "$CONF:$line: " "$T/init.out" || fail "no FILE:LINE in: $(cat "$T/init.out")"
initd status || fail "not running after a refused reload"
run_sipp options-allow.xml 5 || fail "calls failed after a refused reload"
cp "$T/good.conf" "$CONF"

initd stop || fail "stop failed"
initd status; rc=$?
[ $rc -eq 3 ] || fail "status after stop: $rc, expected 3"
[ -e "$FIFO" ] && fail "FIFO left after stop"
[ -e "$PIDFILE" ] && fail "pid file left after stop"
SRV_PID=
# the daemon logged to syslog; there is no server log to check here
: > "$SRV_LOG"
finish
