#!/bin/bash
# Started as root with user/group set, the metrics process runs as that
# user and group alone, like a worker, and sees the shared memory
# read-only; it still serves GET /metrics.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
SLS_NO_NETNS=1
. "$(dirname "$0")/../lib.sh"

[ "$(id -u)" = 0 ] || skip "not running as root"
# Real root: in a user namespace setuid to another user cannot happen.
[ "$(awk 'NR == 1 { print $2 $3 }' /proc/self/uid_map)" = 04294967295 ] ||
	skip "root of a user namespace"
id nobody >/dev/null 2>&1 && getent group nogroup >/dev/null ||
	skip "no user nobody / group nogroup"
command -v curl >/dev/null || {
	[ "${SLS_REQUIRE_SIPP:-0}" = 1 ] && hard_error "curl is required"
	skip "curl not installed"
}
uid=$(id -u nobody)
gid=$(getent group nogroup | cut -d: -f3)
MPORT=$((PORT + 2))

{
cat <<EOF2
user = "nobody"
group = "nogroup"
metrics_listen = "127.0.0.1:$MPORT"
EOF2
keepalive_route
} | write_conf
start_server

mp=
for p in $(pgrep -P "$SRV_PID"); do
	case $(tr '\0' ' ' < "/proc/$p/cmdline") in *metrics*) mp=$p ;; esac
done
[ -n "$mp" ] || hard_error "no metrics process"
got=$(awk '/^Uid:/ { u = $2 " " $3 " " $4 " " $5 }
    /^Gid:/ { g = $2 " " $3 " " $4 " " $5 }
    /^Groups:/ { $1 = ""; gr = $0 }
    END { print u "/" g "/" gr }' "/proc/$mp/status")
want="$uid $uid $uid $uid/$gid $gid $gid $gid/ $gid"
[ "$(echo $got)" = "$(echo $want)" ] ||
	fail "metrics process runs as '$got', expected '$want'"

# The shared segment: writable in a worker, read-only here.
shared() { awk '$2 ~ /s$/ { print $2 }' "/proc/$1/maps" | sort -u | tr '\n' ' '; }
w=$(ctl workers | awk 'NR == 2 { print $3 }')
[ "$(shared "$w")" = "rw-s " ] || fail "worker's shared mappings: $(shared "$w")"
[ "$(shared "$mp")" = "r--s " ] || fail "metrics' shared mappings: $(shared "$mp")"

run_sipp options-allow.xml 3 || fail "OPTIONS calls failed"
curl -sS "http://127.0.0.1:$MPORT/metrics" > "$T/body" || fail "curl failed"
grep -qx 'slserver_route_matched_total{route="keepalive"} 3' "$T/body" ||
	fail "/metrics as nobody: $(head -3 "$T/body")"
finish
