# Shell helpers for the integration tests; sourced by t/sipp/NN-name.sh.
#
# Exit codes follow automake: 0 pass, 77 skip, 99 hard error, else fail.
# Every wait is a bounded poll; every sipp run is bounded twice.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.

SLS_BUILDDIR=${SLS_BUILDDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
SLS_SRCDIR=${SLS_SRCDIR:-$SLS_BUILDDIR}
SLSERVER=$SLS_BUILDDIR/src/slserver
SLSERVERCTL=$SLS_BUILDDIR/src/slserverctl
SCEN=$SLS_SRCDIR/t/sipp

# Run in a private network namespace when we can, so tests never meet
# another server on the machine; else use ports derived from the test.
# A test that needs real root (setuid to another user cannot happen in a
# user namespace) sets SLS_NO_NETNS=1 before sourcing this file.
if [ -z "${SLS_IN_NETNS:-}" ] && [ -z "${SLS_NO_NETNS:-}" ] &&
    command -v unshare >/dev/null &&
    unshare -rn true 2>/dev/null; then
	SLS_IN_NETNS=1 exec unshare -rn bash -c \
	    'ip link set dev lo up && exec bash "$@"' bash "$0" "$@"
fi

TEST_NAME=$(basename "$0" .sh)
TEST_NUM=${TEST_NAME%%-*}
case $TEST_NUM in *[!0-9]*|'') TEST_NUM=0 ;; esac
if [ -n "${SLS_IN_NETNS:-}" ]; then
	PORT=5060
else
	PORT=$((20000 + 10#$TEST_NUM * 20))
fi
SIPP_PORT=$((PORT + 1))

T=$(mktemp -d "${TMPDIR:-/tmp}/sls-$TEST_NAME.XXXXXX") || exit 99
CONF=$T/slserver.conf
PIDFILE=$T/slserver.pid
FIFO=$T/slserver.fifo
SRV_LOG=$T/server.log
SRV_PID=
FAILED=0

log() { printf '%s: %s\n' "$TEST_NAME" "$*"; }
fail() { log "FAIL: $*"; FAILED=1; }
skip() { log "SKIP: $*"; exit 77; }
hard_error() { log "ERROR: $*"; exit 99; }

# wait_until SECONDS COMMAND...: poll COMMAND every 0.1 s until it
# succeeds (return 0) or SECONDS pass (return 1). The one bounded wait
# every test uses; pick generous bounds, a loaded machine is slow.
wait_until() {
	local limit=$(($1 * 10)) n=0
	shift
	while ! "$@"; do
		n=$((n + 1))
		[ $n -ge $limit ] && return 1
		sleep 0.1
	done
	return 0
}

gone() { ! kill -0 "$1" 2>/dev/null; }

stop_server() {
	[ -n "$SRV_PID" ] || return 0
	kill -TERM "$SRV_PID" 2>/dev/null
	if ! wait_until 5 gone "$SRV_PID"; then
		log "server did not stop on TERM; killing it"
		kill -KILL "$SRV_PID" 2>/dev/null
	fi
	wait "$SRV_PID" 2>/dev/null
	SRV_STATUS=$?
	SRV_PID=
}

cleanup() {
	rc=$?
	stop_server
	[ -n "${EXTRA_CLEANUP:-}" ] && rm -rf "$EXTRA_CLEANUP"
	if [ $rc -ne 0 ] || [ "$FAILED" -ne 0 ]; then
		log "server log:"; sed 's/^/  | /' "$SRV_LOG" 2>/dev/null | tail -40
		for f in "$T"/*errors.log "$T"/err.log; do
			[ -s "$f" ] && { log "$f:"; tail -20 "$f"; }
		done
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 99' INT TERM

command -v sipp >/dev/null || {
	[ "${SLS_REQUIRE_SIPP:-0}" = 1 ] && hard_error "sipp is required"
	skip "sipp not installed"
}
[ -x "$SLSERVER" ] || hard_error "no $SLSERVER"

# write_conf ROUTES...: a config with test-local paths, then the routes
# given on stdin.
write_conf() {
	cat > "$CONF" <<EOF
listen = {"udp:127.0.0.1:$PORT"}
workers = ${WORKERS:-2}
pidfile = "$PIDFILE"
fifo = "$FIFO"
log_level = "info"
EOF
	cat >> "$CONF"
}

# The OPTIONS route whose Allow header options-allow.xml checks.
keepalive_route() {
	cat <<'EOF'
route "keepalive" {
	method = {"OPTIONS"}
	append_to_reply = {"Allow: INVITE, ACK, CANCEL, OPTIONS, BYE"}
	sl_send_reply = "200 OK"
}
EOF
}

ctl() { "$SLSERVERCTL" -s "$FIFO" -T 5 "$@"; }

# Start slserver and wait (bounded) until it answers ping.
start_server() {
	"$SLSERVER" -d -l info -f "$CONF" -P "$PIDFILE" >>"$SRV_LOG" 2>&1 &
	SRV_PID=$!
	i=0
	while [ $i -lt 50 ]; do
		ctl ping >/dev/null 2>&1 && return 0
		kill -0 "$SRV_PID" 2>/dev/null || {
			wait "$SRV_PID"; SRV_PID=
			cat "$SRV_LOG"; hard_error "slserver exited at start"
		}
		sleep 0.1; i=$((i + 1))
	done
	hard_error "slserver not ready within 5 s"
}

# stat NAME: one counter's value.
stat() {
	ctl stats "$1" | awk -F' = ' 'NR == 1 { print $2 }'
}

expect_stat() {
	v=$(stat "$1")
	[ "$v" = "$2" ] || fail "stat $1 = '$v', expected $2"
}

# run_sipp SCENARIO CALLS [sipp args...]: returns 0 when every call passed.
# SIPP_RATE (calls/s, 200) and SIPP_TIMEOUT (sipp's global limit, 10s).
run_sipp() {
	scen=$1 calls=$2
	shift 2
	( cd "$T" && timeout -k 5 50 sipp "127.0.0.1:$PORT" -sf "$SCEN/$scen" \
	    -i 127.0.0.1 -p "$SIPP_PORT" -m "$calls" -r "${SIPP_RATE:-200}" -nostdin \
	    -timeout "${SIPP_TIMEOUT:-10s}" -timeout_error -recv_timeout 2000 \
	    -trace_err -error_file "$T/err.log" \
	    -trace_stat -stf "$T/stat.csv" "$@" >"$T/sipp.out" 2>&1 )
	rc=$?
	case $rc in
	0) return 0 ;;
	254|255) tail -5 "$T/sipp.out"; hard_error "sipp could not run ($rc)" ;;
	*) log "sipp exit $rc"; tail -20 "$T/sipp.out"; return 1 ;;
	esac
}

# send_udp TEXT: one raw datagram (printf format) to the server. Written
# by cat in one write(): bash's printf may split it into several.
send_udp() {
	printf "$1" > "$T/datagram"
	cat "$T/datagram" > "/dev/udp/127.0.0.1/$PORT"
}

# The end of every test: server log free of ERR lines, verdict.
finish() {
	stop_server
	if grep -q ' err: ' "$SRV_LOG"; then
		fail "the server logged errors"
	fi
	[ "$FAILED" -eq 0 ] && { log PASS; exit 0; }
	exit 1
}

# udp_drops: datagrams the kernel dropped because a UDP socket's receive
# buffer was full (in this test's network namespace, when it has one).
udp_drops() {
	awk '$1 == "Udp:" && $6 ~ /^[0-9]+$/ { print $6; exit }' \
	    /proc/net/snmp 2>/dev/null
}
