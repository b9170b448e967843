#!/bin/bash
# Started as root with user/group set: every process runs as that user,
# slserverctl run by root still gets replies, reload works after the
# drop, and at exit the FIFO and pid file are removed.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
SLS_NO_NETNS=1
. "$(dirname "$0")/../lib.sh"

[ "$(id -u)" = 0 ] || skip "not running as root"
id nobody >/dev/null 2>&1 && getent group nogroup >/dev/null ||
	skip "no user nobody / group nogroup"
uid=$(id -u nobody)
gid=$(getent group nogroup | cut -d: -f3)

[ -n "${SLS_RUNSTATEDIR:-}" ] || hard_error "SLS_RUNSTATEDIR not set"
RUNDIR=$SLS_RUNSTATEDIR/slserver-test75.$$
EXTRA_CLEANUP=$RUNDIR
mkdir -p "$SLS_RUNSTATEDIR" && mkdir -m 0755 "$RUNDIR" || hard_error "mkdir $RUNDIR"
FIFO=$RUNDIR/slserver.fifo
PIDFILE=$RUNDIR/slserver.pid
{
cat <<'EOF2'
user = "nobody"
group = "nogroup"
EOF2
keepalive_route
} | write_conf
# the service user reads the config on reload
chmod 0755 "$T"
start_server
[ "$(command stat -c %U "$RUNDIR")" = nobody ] ||
	fail "runtime directory not handed to nobody: $(command stat -c %U:%G "$RUNDIR")"
# the service user can use slserverctl too: it creates its reply FIFO in
# the runtime directory
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$SLSERVERCTL" -s "$FIFO" -T 5 ping 2>&1) || fail "ping as nobody: $out"

check_ids() { # PID
	set -- $(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$1/status") \
	    $(awk '/^Gid:/ { print $2, $3, $4, $5 }' "/proc/$1/status")
	[ "$*" = "$uid $uid $uid $uid $gid $gid $gid $gid" ] ||
		fail "process $pid runs as uid/gid $*"
	groups=$(awk '/^Groups:/ { $1 = ""; print }' "/proc/$pid/status")
	[ -z "${groups// /}" ] || fail "process $pid keeps groups: $groups"
}
pid=$SRV_PID; check_ids "$pid"
for pid in $(ctl workers | awk 'NR > 1 { print $3 }'); do
	check_ids "$pid"
done
run_sipp options-allow.xml 5 || fail "calls failed after the drop"
ctl reload >/dev/null || fail "reload after the drop failed"
expect_stat core:reloads 1
for pid in $(ctl workers | awk 'NR > 1 && $5 == "running" { print $3 }'); do
	check_ids "$pid"
done
run_sipp options-allow.xml 5 || fail "calls failed after the reload"
stop_server
[ "$SRV_STATUS" = 0 ] || fail "exit status $SRV_STATUS"
[ -e "$FIFO" ] && fail "FIFO left behind"
[ -e "$PIDFILE" ] && fail "pid file left behind"
finish
