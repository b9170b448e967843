#!/bin/bash
# Workers run with no_new_privs under a seccomp filter that allows only
# the packet loop's system calls. The test hook SLS_TEST_FORBIDDEN_CALL=1
# makes a worker that receives "SLS-TEST-FORBIDDEN-CALL" open a file,
# which the filter forbids: the kernel kills it (SIGSYS), the supervisor
# logs why and respawns it, and the new worker is filtered too.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
. "$(dirname "$0")/../lib.sh"

case " ${SAN_CFLAGS:-} " in
*-fsanitize=*address*) skip "a sanitizer build runs without the seccomp filter" ;;
esac
keepalive_route | write_conf
SLS_TEST_FORBIDDEN_CALL=1 start_server
field() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
check_workers() {
	pids=$(ctl workers | awk 'NR > 1 && $5 == "running" { print $3 }')
	[ -n "$pids" ] || fail "no running workers"
	for pid in $pids; do
		[ "$(field "$pid" Seccomp)" = 2 ] ||
			fail "worker $pid: Seccomp $(field "$pid" Seccomp), expected 2 (filter)"
		[ "$(field "$pid" NoNewPrivs)" = 1 ] ||
			fail "worker $pid: NoNewPrivs $(field "$pid" NoNewPrivs)"
	done
	# the supervisor is not filtered
	[ "$(field "$SRV_PID" Seccomp)" = 0 ] || fail "the supervisor is filtered"
}
check_workers
run_sipp options-allow.xml 20 || fail "calls failed under the filter"

send_udp "SLS-TEST-FORBIDDEN-CALL"
wait_until 20 eval '[ "$(stat core:worker_restarts)" = 1 ]' ||
	fail "no worker was killed and respawned"
grep -q "notice: worker [0-9]* (pid [0-9]*) killed by signal 31 (Bad system call: a system call its seccomp filter forbids); restarting" \
	"$SRV_LOG" || fail "no log line naming the seccomp kill"
check_workers
run_sipp options-allow.xml 20 || fail "calls failed after the respawn"

# a new generation is filtered as well
ctl reload >/dev/null || fail "reload failed"
check_workers
finish
