#!/bin/bash
# Stateful replies (slserver.conf(5), TRANSACTIONS): a UAC that withholds
# its ACK gets the 486 again on Timer G's schedule (T1 = 100 ms: 100, 300,
# 700, 1500, 3100, 6300 ms after the first), then nothing: Timer H ends
# the transaction at 64*T1 (6.4 s) and counts a timeout. The timer
# process runs, listed by workers, once a route has t_newtran.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

CALLS=5
write_conf <<'EOF2'
tm {
	t1 = 100
}
route "busy" {
	method = {"INVITE"}
	t_newtran = true
	send_reply = "486 Busy Here"
}
EOF2
start_server
ctl workers > "$T/workers"
grep -Eq '^512 timer [0-9]+ - running 0( [0-9]+ [0-9]+)?$' "$T/workers" ||
	fail "no timer process listed: $(cat "$T/workers")"

# sipp's own -timeout (10 s) is too short for a call of 8 s on a slow
# machine; the recv steps have their own timeouts.
run_sipp tm-noack.xml $CALLS -nr -trace_msg -timeout 40s ||
	fail "the 486 was not resent 6 times, or once more"
expect_stat tm:UAS_transactions $CALLS
expect_stat tm:rpl_sent $CALLS
expect_stat tm:retransmissions $((6 * CALLS))
expect_stat tm:absorbed 0
timeouts() { [ "$(stat tm:timeouts)" = $CALLS ]; }
wait_until 10 timeouts || fail "tm:timeouts = $(stat tm:timeouts)"
expect_stat tm:inuse_transactions 0
expect_stat tm:table_full 0
# a resend is not a new local reply
expect_stat sl:sent_replies $CALLS
expect_stat sl:4xx_replies $CALLS
expect_stat sl:failures 0

# On schedule: the sixth copy 6.3 s after the first (later, never
# earlier, on a slow machine), the gaps growing.
awk '
	function secs(t, a) { split(t, a, ":"); return a[1] * 3600 + a[2] * 60 + a[3] }
	/^-+ [0-9-]+ [0-9:.]+$/ { at = secs($3); rcv = 0; st = 0; next }
	/^UDP message received/ { rcv = 1; next }
	rcv && /^SIP\/2.0 486/ { st = 1; next }
	st && /^Call-ID:/ { n[$2]++; t[$2, n[$2]] = at; st = 0 }
	END {
		bad = 0
		for (c in n) {
			if (n[c] != 7) { print c ": " n[c] " copies"; bad = 1; continue }
			span = t[c, 7] - t[c, 1]
			if (span < 6.2 || span > 9.5) { print c ": span " span; bad = 1 }
			if (t[c, 2] - t[c, 1] < 0.08) { print c ": first resend early"; bad = 1 }
			if (t[c, 7] - t[c, 6] < 2.5) { print c ": last gap short"; bad = 1 }
		}
		exit bad
	}' "$T"/tm-noack_*_messages.log > "$T/schedule" ||
	fail "off schedule: $(cat "$T/schedule")"
finish
