#!/bin/bash
# A bad config or a restart-only change is refused with FILE:LINE
# messages (slserverctl exits 1); the old routes keep answering.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

keepalive_route | write_conf
cp "$CONF" "$T/good.conf"
start_server

# line 7 of the new file has an unknown option
{ cat "$T/good.conf"; echo 'route "x" {'; echo '	no_such_option = 1'; echo '	drop = true'; echo '}'; } > "$CONF"
bad_line=$(grep -n no_such_option "$CONF" | cut -d: -f1)
out=$(ctl reload 2>&1); rc=$?
[ $rc -eq 1 ] || fail "bad reload: slserverctl exit $rc, expected 1"
case $out in
*"$CONF:$bad_line: "*"no_such_option"*) ;;
*) fail "bad reload reply lacks '$CONF:$bad_line:': $out" ;;
esac
expect_stat core:reload_failures 1
run_sipp options-allow.xml 5 || fail "old config stopped answering"

# the same through SIGHUP: logged and refused
kill -HUP "$SRV_PID"
refused_twice() { [ "$(stat core:reload_failures)" = 2 ]; }
wait_until 30 refused_twice
expect_stat core:reload_failures 2
grep -q "$CONF:$bad_line: " "$SRV_LOG" || fail "SIGHUP reload errors not logged"
run_sipp options-allow.xml 5 || fail "not answering after refused SIGHUP"

# restart-only options are named
sed "s/127.0.0.1:$PORT/127.0.0.1:$((PORT + 5))/" "$T/good.conf" > "$CONF"
out=$(ctl reload 2>&1); rc=$?
[ $rc -eq 1 ] || fail "listen change: slserverctl exit $rc, expected 1"
case $out in *"'listen'"*) ;; *) fail "listen change not named: $out" ;; esac
{ cat "$T/good.conf"; echo 'socket_mode = "reuseport"'; } > "$CONF"
out=$(ctl reload 2>&1) && fail "socket_mode change accepted"
case $out in *"'socket_mode'"*) ;; *) fail "socket_mode not named: $out" ;; esac
expect_stat core:reload_failures 4
expect_stat core:reloads 0
run_sipp options-allow.xml 5 || fail "old listen address stopped answering"

# and a good reload still works afterwards, fifo_mode included (it
# reloads; "command stat" is the file tool, not lib.sh's counter reader)
mode() { command stat -c %a "$FIFO"; }
[ "$(mode)" = 660 ] || fail "FIFO mode $(mode) at start, expected 660"
{ cat "$T/good.conf"; echo 'fifo_mode = 0600'; } > "$CONF"
ctl reload >/dev/null || fail "good reload refused"
expect_stat core:reloads 1
[ "$(mode)" = 600 ] || fail "FIFO mode $(mode) after reload, expected 600"
# the refusals above were the test's intent; drop them from the log check
sed -i '/ err: /d' "$SRV_LOG"
finish
