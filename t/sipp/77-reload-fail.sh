#!/bin/bash
# Reloads whose new generation cannot start, made by the test hook
# SLS_TEST_FAIL_GENERATION (slserver(8)): the old generation keeps
# serving; the random to-tag key (tag_secret "") stays, so one INVITE
# sent again gets the same To tag after the failed reload, after a
# respawn and after a good reload; the failed workers go through the
# reaper (their exit is logged, their slots freed). While a reload waits
# for workers that never get ready, the supervisor still answers the
# FIFO and respawns; SIGTERM then stops it at once, also in the middle of
# a reload that slserverctl asked for.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

# generation 2 fails at its first start, 3 and 4 never get ready
export SLS_TEST_FAIL_GENERATION=2,3:hang,4:hang
WORKERS=1 write_conf <<'EOF2'
route "busy" {
	method = {"INVITE"}
	sl_send_reply = "486 Busy Here"
}
EOF2
start_server

# One INVITE, always the same (Call-ID, branch, From tag, port): a
# retransmission. sipp logs the To tag of the reply.
cat > "$T/invite-fixed.xml" <<'EOF2'
<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="invite-fixed">
  <send>
    <![CDATA[
      INVITE sip:busy@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK-sls77
      From: <sip:sipp@[local_ip]:[local_port]>;tag=sls77
      To: <sip:busy@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:sipp@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="486">
    <action>
      <ereg regexp="tag=([^;> ]+)" search_in="hdr" header="To:"
          check_it="true" assign_to="all,tag"/>
      <log message="to-tag [$tag]"/>
    </action>
  </recv>
  <Reference variables="all"/>
</scenario>
EOF2
to_tag() {
	rm -f "$T"/invite-fixed_*_logs.log
	SCEN=$T run_sipp invite-fixed.xml 1 -cid_str sls77-fixed -trace_logs ||
		{ echo none; return; }
	sed -n 's/.*to-tag //p' "$T"/invite-fixed_*_logs.log | head -1
}
same_tag() { # WHEN
	t=$(to_tag)
	[ "$t" = "$tag0" ] || fail "To tag $1: '$t', before: '$tag0'"
}
worker_pid() { # GENERATION: pid of its running worker
	ctl workers |
	    awk -v g="$1" 'NR > 1 && $4 == g && $5 == "running" { print $3 }'
}
starting() { # GENERATION: true while its workers are listed as starting
	ctl workers | awk -v g="$1" '$4 == g && $5 == "starting"' | grep -q .
}

tag0=$(to_tag)
[ -n "$tag0" ] && [ "$tag0" != none ] || hard_error "no To tag in the reply"

# 1. generation 2 fails: its worker exits 2 before it is ready
out=$(ctl reload 2>&1) && fail "a reload whose workers fail succeeded"
case $out in
*"failed to start; the old ones keep serving"*) ;;
*) fail "reload reply does not say why: $out" ;;
esac
expect_stat core:reload_failures 1
expect_stat core:reloads 0
grep -q "worker 1 (pid [0-9]*) of generation 2 exited with status 2 before" \
	"$SRV_LOG" || fail "the failed worker's exit is not logged"
ctl workers > "$T/workers"
awk 'NR > 1 && $4 != 1' "$T/workers" | grep -q . &&
	fail "slots of the failed generation not freed: $(cat "$T/workers")"
same_tag "after the failed reload"

# 2. a respawned worker of the old generation signs with the same key
victim=$(worker_pid 1)
kill -KILL "$victim"
wait_until 10 eval '[ "$(stat core:worker_restarts)" = 1 ]' ||
	fail "worker $victim not respawned"
same_tag "after a respawn"

# 3. generation 2 again (the hook fails only its first start): it works
out=$(ctl reload 2>&1) || fail "second reload failed: $out"
expect_stat core:reloads 1
same_tag "after a good reload"

# 4. SIGHUP: generation 3 never gets ready. The supervisor's loop goes
# on: the FIFO answers, a dead worker is respawned, and the reload fails
# at its deadline.
kill -HUP "$SRV_PID"
wait_until 10 starting 3 || fail "generation 3 never seen starting"
victim=$(worker_pid 2)
kill -KILL "$victim"
wait_until 5 eval '[ "$(stat core:worker_restarts)" = 2 ]' ||
	fail "no respawn while a reload was pending"
starting 3 || fail "the respawn was not during the pending reload"
same_tag "during a pending reload"
wait_until 20 eval '[ "$(stat core:reload_failures)" = 2 ]' ||
	fail "the pending reload did not fail at its deadline"
grep -q "not ready in time; the old ones keep serving" "$SRV_LOG" ||
	fail "no message for the deadline"
same_tag "after the reload's deadline"

# 5. a reload asked through the FIFO waits for generation 4, which never
# gets ready; SIGTERM ends the reload and the server at once
out=$(ctl reload 2>&1) || fail "reload of generation 3 failed: $out"
ctl -T 30 reload > "$T/ctl.out" 2>&1 &
CTL_PID=$!
wait_until 10 grep -q "test hook: generation 4 never reports ready" \
	"$SRV_LOG" || fail "generation 4 never started"
kill -TERM "$SRV_PID"
# (the new generation would hold it until its 10 s readiness deadline)
wait_until 6 gone "$SRV_PID" || fail "no stop within 6 s of SIGTERM"
wait "$CTL_PID"; rc=$?
[ $rc = 1 ] || fail "slserverctl reload: exit $rc, expected 1"
grep -q "the server is stopping" "$T/ctl.out" ||
	fail "reload reply: $(cat "$T/ctl.out")"
stop_server
[ "$SRV_STATUS" = 0 ] || fail "exit status $SRV_STATUS"
grep -q 'notice: stopped' "$SRV_LOG" || fail "no 'stopped' notice"

# the failed reloads are this test's intent
sed -i -e '/keep serving$/d' -e '/reload failed; the running/d' \
	-e '/the server is stopping$/d' "$SRV_LOG"
finish
