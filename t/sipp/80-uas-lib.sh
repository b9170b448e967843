# Helpers of the forwarding tests (80-89): sipp UASes behind slserver.
# Sourced after t/lib.sh; not a test of its own.
#
# Each UAS is a sipp in the background, bounded by its own -timeout (it
# exits with an error when it has not finished by then), started and
# stopped by its PID only; the ones still running when the test ends are
# told to stop and waited for, bounded.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.

UAS_PIDS=

# uas_bound PORT: some UDP socket of this namespace is bound to PORT.
uas_bound() {
	grep -qs "$(printf ':%04X ' "$1")" /proc/net/udp
}

# start_uas NAME SCENARIO ADDR PORT [sipp args...]: its messages go to
# $T/uas-NAME-msg.log, its errors to $T/uas-NAME-errors.log.
start_uas() {
	local name=$1 scen=$2 addr=$3 port=$4
	shift 4
	( cd "$T" && exec sipp -sf "$SCEN/$scen" -i "$addr" -p "$port" \
	    -nostdin -timeout 40s -timeout_error -trace_err \
	    -error_file "$T/uas-$name-errors.log" -trace_msg \
	    -message_file "$T/uas-$name-msg.log" "$@" \
	    >"$T/uas-$name.out" 2>&1 ) &
	eval "UAS_PID_$name=$!"
	UAS_PIDS="$UAS_PIDS $!"
	wait_until 5 uas_bound "$port" ||
	    hard_error "UAS $name did not bind $addr:$port"
}

# wait_uas NAME [SECONDS]: wait (bounded) until the UAS exits by itself
# (-m calls done); its exit status, 124 when it did not exit.
wait_uas() {
	local pid
	eval "pid=\$UAS_PID_$1"
	if ! wait_until "${2:-30}" gone "$pid"; then
		log "UAS $1 still running"
		tail -20 "$T/uas-$1.out"
		return 124
	fi
	wait "$pid"
}

# stop_uas NAME: SIGUSR1 makes sipp stop once its calls are done.
stop_uas() {
	local pid
	eval "pid=\$UAS_PID_$1"
	kill -USR1 "$pid" 2>/dev/null
	wait_uas "$1" 10
}

# uas_got NAME METHOD: requests of that method the UAS received.
uas_got() {
	grep -c "^$2 sip:" "$T/uas-$1-msg.log" 2>/dev/null
}

kill_uases() {
	local p
	for p in $UAS_PIDS; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in $UAS_PIDS; do
		wait_until 5 gone "$p" || kill -KILL "$p" 2>/dev/null
	done
}
trap 'rc_=$?; kill_uases; (exit $rc_); cleanup' EXIT
