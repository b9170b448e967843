#!/bin/bash
# Started as root with user/group set, the nginx way: the supervisor
# keeps root, every worker (first generation, respawned, reloaded) runs
# as that user with no other group. Started by start-stop-daemon
# --notify-await, whose notify socket only root may reach, it is ready
# at once; a reload reads a config that only root may read (mode 0600);
# once start-stop-daemon has removed its socket, reload and stop log no
# error. slserverctl run by root or by the service user gets replies,
# and at exit the FIFO and pid file are removed.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
SLS_NO_NETNS=1
. "$(dirname "$0")/../lib.sh"

[ "$(id -u)" = 0 ] || skip "not running as root"
id nobody >/dev/null 2>&1 && getent group nogroup >/dev/null ||
	skip "no user nobody / group nogroup"
command -v start-stop-daemon >/dev/null || skip "no start-stop-daemon"
uid=$(id -u nobody)
gid=$(getent group nogroup | cut -d: -f3)

[ -n "${SLS_RUNSTATEDIR:-}" ] || hard_error "SLS_RUNSTATEDIR not set"
RUNDIR=$SLS_RUNSTATEDIR/slserver-test75.$$
EXTRA_CLEANUP=$RUNDIR
mkdir -p "$SLS_RUNSTATEDIR" && mkdir -m 0755 "$RUNDIR" ||
	hard_error "mkdir $RUNDIR"
FIFO=$RUNDIR/slserver.fifo
PIDFILE=$RUNDIR/slserver.pid
{
cat <<'EOF2'
user = "nobody"
group = "nogroup"
EOF2
keepalive_route
} | write_conf
# only root may read the config, and only root may enter its directory
chmod 0700 "$T"
chmod 0600 "$CONF"

# start-stop-daemon makes its notify socket in a directory of its own
# that only root may enter, waits for READY=1 and then removes it.
# -d keeps slserver in the foreground, logging to stderr (--output).
# RUNTIME_DIRECTORY: as systemd names the RuntimeDirectory= it made.
RUNTIME_DIRECTORY=$RUNDIR timeout -k 5 30 start-stop-daemon --start --background --notify-await \
    --notify-timeout 15 --output "$SRV_LOG" --pidfile "$PIDFILE" \
    --exec "$SLSERVER" -- -d -l info -f "$CONF" -P "$PIDFILE" ||
	fail "start-stop-daemon --notify-await: exit $? (READY=1 not received)"
SRV_PID=$(cat "$PIDFILE" 2>/dev/null)
[ -n "$SRV_PID" ] && kill -0 "$SRV_PID" 2>/dev/null ||
	hard_error "no server after start: $(cat "$SRV_LOG")"
wait_until 5 eval 'ctl ping >/dev/null 2>&1' || hard_error "no ping reply"

owner=$(command stat -c %U:%G "$RUNDIR")
[ "${owner%%:*}" = nobody ] ||
	fail "runtime directory not handed to nobody: $owner"
# the service user can use slserverctl too: it creates its reply FIFO in
# the runtime directory
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$SLSERVERCTL" -s "$FIFO" -T 5 ping 2>&1) || fail "ping as nobody: $out"

# ids PID: "real effective saved fs" uids, then gids, then the groups
ids() {
	awk '/^Uid:/ { u = $2 " " $3 " " $4 " " $5 }
	    /^Gid:/ { g = $2 " " $3 " " $4 " " $5 }
	    /^Groups:/ { $1 = ""; gr = $0 }
	    END { print u "/" g "/" gr }' "/proc/$1/status"
}
check_worker() { # PID
	got=$(ids "$1")
	want="$uid $uid $uid $uid/$gid $gid $gid $gid/ $gid"
	[ "$(echo $got)" = "$(echo $want)" ] ||
		fail "worker $1 runs as uid/gid/groups '$got', expected '$want'"
}
check_workers() {
	pids=$(ctl workers | awk 'NR > 1 && $5 == "running" { print $3 }')
	[ -n "$pids" ] || fail "no running workers listed"
	for pid in $pids; do
		check_worker "$pid"
	done
}
# the supervisor keeps root
case $(ids "$SRV_PID") in
"0 0 0 0/0 0 0 0/"*) ;;
*) fail "supervisor runs as '$(ids "$SRV_PID")', expected root" ;;
esac
check_workers
run_sipp options-allow.xml 5 || fail "calls failed"

# a respawned worker drops too
victim=$(ctl workers | awk 'NR == 2 { print $3 }')
kill -KILL "$victim"
wait_until 5 eval '[ "$(stat core:worker_restarts)" = 1 ]' ||
	fail "worker $victim not respawned"
check_workers

# a reload reads the root-only config, and the new generation drops
out=$(ctl reload 2>&1) || fail "reload of a 0600 root config failed: $out"
expect_stat core:reloads 1
check_workers
gens=$(ctl workers | awk 'NR > 1 && $5 == "running" { print $4 }' | sort -u)
[ "$gens" = 2 ] || fail "running generations: $(echo $gens)"
run_sipp options-allow.xml 5 || fail "calls failed after the reload"

# SIGTERM; the server is start-stop-daemon's child, not ours: its exit
# is seen in its log
kill -TERM "$SRV_PID"
wait_until 10 gone "$SRV_PID" || fail "server did not stop on TERM"
SRV_PID=
grep -q 'notice: stopped' "$SRV_LOG" || fail "no 'stopped' notice"
[ -e "$FIFO" ] && fail "FIFO left behind"
[ -e "$PIDFILE" ] && fail "pid file left behind"
# the respawn notice is this test's intent; errors (none expected: the
# notify socket that start-stop-daemon removed is no error) stay
finish
