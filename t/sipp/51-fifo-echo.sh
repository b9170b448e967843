#!/bin/bash
# A command echoed into the FIFO (no reply channel) logs its reply body,
# one line per log line: the counters of "stats", the FILE:LINE messages
# of a refused "reload". Commands with a reply FIFO log no body.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

keepalive_route | write_conf
cp "$CONF" "$T/good.conf"
start_server

n=$(ctl stats | grep -c ' = ')
[ "$n" -ge 24 ] || fail "slserverctl stats lists $n counters"
grep -q "fifo command 'stats': sl:" "$SRV_LOG" &&
	fail "a reply sent to slserverctl was logged too"

echo stats > "$FIFO"
wait_until 10 grep -q "notice: fifo command 'stats': sl:sent_replies = 0\$" \
    "$SRV_LOG" || fail "echo stats: counters not in the log"
logged() { grep -c "notice: fifo command 'stats': [^ ]* = " "$SRV_LOG"; }
wait_until 10 test "$(logged)" = "$n" ||
	fail "echo stats: $(logged) counters logged, slserverctl shows $n"

{ cat "$T/good.conf"; echo 'no_such_option = 1'; } > "$CONF"
bad_line=$(grep -n no_such_option "$CONF" | cut -d: -f1)
echo reload > "$FIFO"
wait_until 10 grep -q "fifo command 'reload': $CONF:$bad_line: " "$SRV_LOG" ||
	fail "echo reload: the FILE:LINE message is not in the log"
# the refused reload was the test's intent; drop it from the log check
sed -i '/ err: /d' "$SRV_LOG"
finish
