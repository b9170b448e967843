#!/bin/bash
# Started as root with user/group set, slserver hands the service user
# the runtime directory only when it made that directory itself (or
# systemd made it for this service and names it in RUNTIME_DIRECTORY):
# a pid file in a shared directory of root's that already exists (as
# pidfile = "/run/lock/x.pid") never makes that directory the service
# user's.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
SLS_NO_NETNS=1
. "$(dirname "$0")/../lib.sh"

[ "$(id -u)" = 0 ] || skip "not running as root"
id nobody >/dev/null 2>&1 && getent group nogroup >/dev/null ||
	skip "no user nobody / group nogroup"
setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null ||
	skip "cannot switch to nobody (not real root)"
[ -n "${SLS_RUNSTATEDIR:-}" ] || hard_error "SLS_RUNSTATEDIR not set"
mkdir -p "$SLS_RUNSTATEDIR" || hard_error "mkdir $SLS_RUNSTATEDIR"

SHARED=$SLS_RUNSTATEDIR/slserver-test101-shared.$$
MADE=$SLS_RUNSTATEDIR/slserver-test101-made.$$
SYSD=$SLS_RUNSTATEDIR/slserver-test101-systemd.$$
# lib.sh's cleanup removes one path; these three go first
trap 'rc0=$?; rm -rf "$SHARED" "$MADE" "$SYSD"; (exit $rc0); cleanup' EXIT
conf() {
	{
	cat <<'EOF'
user = "nobody"
group = "nogroup"
EOF
	keepalive_route
	} | write_conf
}
owner() { command stat -c %U:%G:%a "$1"; }

# 1. A shared directory of root's, sticky and world-writable like
# /run/lock, directly under the run state directory: it stays root's.
mkdir -m 1777 "$SHARED" || hard_error "mkdir $SHARED"
PIDFILE=$SHARED/x.pid
conf
start_server
[ "$(owner "$SHARED")" = root:root:1777 ] ||
	fail "the shared directory became $(owner "$SHARED")"
[ "$(cat "$PIDFILE")" = "$SRV_PID" ] || fail "no pid in $PIDFILE"
stop_server

# 2. A missing runtime directory is made, and handed over.
PIDFILE=$MADE/slserver.pid
FIFO=$MADE/slserver.fifo
conf
start_server
[ "$(owner "$MADE")" = nobody:nogroup:755 ] ||
	fail "the directory slserver made is $(owner "$MADE")"
grep -q "made the runtime directory $MADE" "$SRV_LOG" ||
	fail "no log line for the directory made"
# the service user's slserverctl can make its reply FIFO there
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$SLSERVERCTL" -s "$FIFO" -T 5 ping 2>&1) || fail "ping as nobody: $out"
stop_server

# 3. systemd's RuntimeDirectory= makes it as root and names it.
mkdir -m 0755 "$SYSD" || hard_error "mkdir $SYSD"
PIDFILE=$SYSD/slserver.pid
FIFO=$SYSD/slserver.fifo
conf
RUNTIME_DIRECTORY=/elsewhere:$SYSD start_server
[ "$(owner "$SYSD")" = nobody:nogroup:755 ] ||
	fail "the RUNTIME_DIRECTORY is $(owner "$SYSD")"
finish
