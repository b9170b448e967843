#!/bin/bash
# The Debian package on this very machine: make deb builds it, lintian
# finds no error in it, dpkg -i installs it (system user and group,
# config 0640 root:slserver, service registered and started), the service
# answers OPTIONS on its configured address through the init script and
# reloads, and dpkg --purge leaves nothing: no process, no /run/slserver,
# no file, no user, no registration.
#
# It installs into the real /usr and /etc, so it is careful:
#  - it runs only as real root, and skips when anything it would install
#    is already there (a slserver package, its files, user or group, or
#    /run/slserver): it never touches what it did not install;
#  - the service runs in a network namespace of its own, so its
#    127.0.0.1:5060 meets no other server or test: dpkg -i (whose
#    postinst starts it) runs under "unshare -n", and the test reaches
#    the service with nsenter;
#  - dpkg runs in a mount namespace of its own in which a policy-rc.d
#    that allows every action is bind-mounted over /usr/sbin/policy-rc.d
#    when there is one (containers ship one that denies them all): so
#    the maintainer scripts' invoke-rc.d start and stop do run; the real
#    file is not touched;
#  - whatever happens, the exit trap purges the package and stops any
#    process of it that is left.
# Tests run one at a time on a machine (a lock in /tmp).
#
# Exit: 0 pass, 1 fail, 77 skip (not root, no dpkg-deb, ...: a hard
# error instead when SLS_REQUIRE_DEB=1, or SLS_REQUIRE_SIPP=1 as CI sets),
# 99 hard error.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
set -u
SLS_BUILDDIR=${SLS_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
REQUIRED=${SLS_REQUIRE_DEB:-${SLS_REQUIRE_SIPP:-0}}
CONF=/etc/slserver/slserver.conf
RUNDIR=/run/slserver
PIDFILE=$RUNDIR/slserver.pid
PKG_PIDS=
failed=0

log() { echo "deb: $*"; }
fail() { log "FAIL: $*"; failed=1; }
skip() {
	if [ "$REQUIRED" = 1 ]; then
		log "ERROR: cannot run where it is required: $*"
		exit 99
	fi
	log "SKIP: $*"
	exit 77
}
hard_error() { log "ERROR: $*"; exit 99; }
wait_until() {
	local limit=$(($1 * 10)) n=0
	shift
	while ! "$@"; do
		n=$((n + 1))
		[ $n -ge $limit ] && return 1
		sleep 0.1
	done
}

# ---- can it run here? ------------------------------------------------------

[ -f "$SLS_BUILDDIR/Makefile" ] || skip "no configured tree"
for tool in dpkg dpkg-deb dpkg-shlibdeps dpkg-query unshare nsenter ip \
    flock timeout mount adduser start-stop-daemon invoke-rc.d update-rc.d \
    deb-systemd-helper; do
	command -v "$tool" >/dev/null || skip "no $tool"
done
[ "$(id -u)" = 0 ] || skip "not root"
[ "$(awk 'NR == 1 { print $2 $3 }' /proc/self/uid_map)" = 04294967295 ] ||
	skip "root of a user namespace, not of the machine"
unshare -m -n true 2>/dev/null || skip "cannot make mount and network namespaces"

exec 9>"${TMPDIR:-/tmp}/slserver-deb-test.lock"
flock -w 100 9 || hard_error "another deb test holds the lock"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sls-deb.XXXXXX") || exit 99

# ---- helpers ---------------------------------------------------------------

printf '#!/bin/sh\nexit 0\n' > "$tmp/policy-rc.d"
chmod 0755 "$tmp/policy-rc.d"

# with_policy [-n] CMD...: CMD in a mount namespace of its own where
# every invoke-rc.d action is allowed; -n: and in a network namespace of
# its own, with lo up.
with_policy() {
	local ns=-m net=
	[ "$1" = -n ] && { ns="-m -n"; net=1; shift; }
	# shellcheck disable=SC2086
	unshare $ns --propagation private sh -c '
		p=$1 net=$2; shift 2
		[ -z "$net" ] || ip link set dev lo up || exit 99
		if [ -e /usr/sbin/policy-rc.d ]; then
			mount --bind "$p" /usr/sbin/policy-rc.d || exit 99
		fi
		exec "$@"' sh "$tmp/policy-rc.d" "$net" "$@"
}

installed() {
	case $(dpkg-query -W -f '${Status}' slserver 2>/dev/null) in
	*not-installed* | '') return 1 ;;
	*) return 0 ;;
	esac
}

# The supervisor's pid, once it is running from the package.
daemon_pid() {
	local p
	p=$(cat "$PIDFILE" 2>/dev/null) || return 1
	[ -n "$p" ] && [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = /usr/sbin/slserver ] ||
		return 1
	echo "$p"
}

# Remember every process of the package, to check that they go.
note_pids() {
	local p
	for p in $(pgrep -x slserver) $(pgrep -f '^slserver: '); do
		case $(readlink "/proc/$p/exe" 2>/dev/null) in
		/usr/sbin/slserver*) PKG_PIDS="$PKG_PIDS $p" ;;
		esac
	done
}

alive_pids() {
	local p out=
	for p in $PKG_PIDS; do
		case $(readlink "/proc/$p/exe" 2>/dev/null) in
		/usr/sbin/slserver*) out="$out $p" ;;
		esac
	done
	echo $out
}

cleanup() {
	local rc=$? p
	if installed; then
		log "cleaning up: purging the package"
		with_policy dpkg --purge slserver >"$tmp/cleanup.log" 2>&1 ||
			cat "$tmp/cleanup.log"
	fi
	for p in $(alive_pids); do
		log "cleaning up: killing $p"
		kill -KILL "$p" 2>/dev/null
	done
	if [ -n "${made_user:-}" ] && getent passwd slserver >/dev/null; then
		deluser --system --quiet slserver 2>/dev/null
	fi
	if [ -n "${made_user:-}" ] && getent group slserver >/dev/null; then
		delgroup --system --quiet slserver 2>/dev/null
	fi
	[ -n "${made_rundir:-}" ] && rmdir "$RUNDIR" 2>/dev/null
	rm -rf "$tmp"
	exit $rc
}
trap cleanup EXIT
trap 'exit 99' INT TERM

# The first line of the reply to an OPTIONS sent from inside the
# service's network namespace to its configured address.
options() {
	local pid=$1 n=$2
	printf 'OPTIONS sip:ping@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-deb-%s;rport\r\nFrom: <sip:deb@127.0.0.1>;tag=d%s\r\nTo: <sip:ping@127.0.0.1>\r\nCall-ID: deb-%s\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n' \
	    "$n" "$n" "$n" > "$tmp/options"
	# One write (cat), one datagram read back (dd) on the same socket.
	nsenter --net="/proc/$pid/ns/net" bash -c '
		exec 3<>/dev/udp/127.0.0.1/5060 || exit 1
		cat "$1" >&3
		timeout 5 dd bs=65535 count=1 status=none <&3' bash \
	    "$tmp/options" | head -1 | tr -d '\r'
}

# ---- 1. build --------------------------------------------------------------

# A make of its own, not a job of the "make check" that runs this; the
# lock on src/ keeps it apart from the other tests' makes.
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL timeout 110 \
    flock "$SLS_BUILDDIR/src" make -s -C "$SLS_BUILDDIR" deb \
    DEB_OUTDIR="$tmp" >"$tmp/build.log" 2>&1; then
	tail -30 "$tmp/build.log"
	fail "make deb failed"
	exit 1
fi
deb=$(ls "$tmp"/slserver_*_*.deb 2>/dev/null)
[ -f "$deb" ] || hard_error "make deb made no slserver_VERSION_ARCH.deb"
log "built $(basename "$deb")"

dpkg-deb -c "$deb" | awk '{ print $NF }' | sed 's|^\./|/|' > "$tmp/contents"
for f in /usr/sbin/slserver /usr/sbin/slserverctl /etc/init.d/slserver \
    /lib/systemd/system/slserver.service /etc/default/slserver "$CONF" \
    /usr/share/man/man5/slserver.conf.5.gz /usr/share/man/man8/slserver.8.gz \
    /usr/share/man/man8/slserverctl.8.gz /usr/share/doc/slserver/copyright; do
	grep -qx "$f" "$tmp/contents" || fail "the package has no $f"
done
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles > "$tmp/conffiles"
for f in "$CONF" /etc/default/slserver /etc/init.d/slserver; do
	grep -qx "$f" "$tmp/conffiles" || fail "$f is not a conffile"
done
dpkg-deb --fsys-tarfile "$deb" | tar -xO ".$CONF" > "$tmp/conf"
grep -qx 'user = "slserver"' "$tmp/conf" &&
    grep -qx 'group = "slserver"' "$tmp/conf" ||
	fail "the packaged config does not run the workers as slserver"
grep -qx 'pidfile = "/run/slserver/slserver.pid"' "$tmp/conf" ||
	fail "the packaged config's pid file is not in /run/slserver"
# Debian paths whatever the tree's.
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./etc/init.d/slserver > "$tmp/init"
grep -qx 'DAEMON=/usr/sbin/slserver' "$tmp/init" &&
    grep -qx 'PIDFILE=/run/slserver/slserver.pid' "$tmp/init" ||
	fail "the init script has other paths: $(grep -E '^(DAEMON|PIDFILE)=' "$tmp/init")"

if command -v lintian >/dev/null; then
	lintian --fail-on error "$deb" > "$tmp/lintian" 2>&1 ||
		fail "lintian: $(grep -v '^running with root' "$tmp/lintian")"
	grep '^[EW]: ' "$tmp/lintian" | sed 's/^/deb: lintian: /'
elif [ "$REQUIRED" = 1 ]; then
	hard_error "lintian is required"
else
	log "lintian not installed: not checked by it"
fi
[ "$failed" = 0 ] || exit 1

# ---- 2. would it touch anything that is not its own? ------------------------

installed && skip "a slserver package is installed here"
dpkg-query -W -f '${Status}' slserver 2>/dev/null | grep -q config-files &&
	skip "a removed slserver package left its config here"
while read -r f; do
	case $f in */) continue ;; esac
	[ -e "$f" ] || [ -L "$f" ] && skip "$f exists: not overwriting it"
done < "$tmp/contents"
[ -e "$RUNDIR" ] && skip "$RUNDIR exists"
getent passwd slserver >/dev/null && skip "user slserver exists"
getent group slserver >/dev/null && skip "group slserver exists"
made_user=1
made_rundir=1

# ---- 3. install: the postinst starts the service (in its own netns) --------

if ! with_policy -n dpkg -i "$deb" > "$tmp/install.log" 2>&1; then
	cat "$tmp/install.log"
	fail "dpkg -i failed"
	exit 1
fi
installed || { fail "not installed after dpkg -i"; exit 1; }

if ! pid=$(daemon_pid); then
	# invoke-rc.d decided not to start it (no runlevel, no policy-rc.d
	# to ask): the init script, by hand, in a network namespace.
	log "the postinst did not start it here: $(grep invoke-rc.d "$tmp/install.log" | head -2)"
	unshare -n sh -c 'ip link set dev lo up && exec /etc/init.d/slserver start' \
	    > "$tmp/start.log" 2>&1 || fail "init script start: $(cat "$tmp/start.log")"
	pid=$(daemon_pid) || { fail "no service after the init script's start"; exit 1; }
else
	log "started by the postinst"
fi
note_pids
[ "$(readlink "/proc/$pid/ns/net")" != "$(readlink /proc/self/ns/net)" ] ||
	hard_error "the service runs in this network namespace"

# the user, the group, the config's rights, the registrations
uid=$(id -u slserver 2>/dev/null) || fail "no user slserver"
gid=$(getent group slserver | cut -d: -f3)
[ -n "$gid" ] || fail "no group slserver"
[ -n "$uid" ] && [ "$uid" -lt 1000 ] || fail "slserver is not a system user ($uid)"
[ "$(stat -c '%a %U %G' "$CONF")" = "640 root slserver" ] ||
	fail "$CONF is $(stat -c '%a %U %G' "$CONF")"
dpkg-statoverride --list "$CONF" >/dev/null || fail "no statoverride for $CONF"
ls /etc/rc2.d/S*slserver >/dev/null 2>&1 || fail "update-rc.d made no start link"
[ -L /etc/systemd/system/multi-user.target.wants/slserver.service ] ||
	fail "the systemd unit is not enabled"

# ---- 4. it answers, through the init script, and reloads -------------------

/etc/init.d/slserver status > "$tmp/status" 2>&1 ||
	fail "init script status: $(cat "$tmp/status")"
wait_until 10 eval '[ "$(options "$pid" 1)" = "SIP/2.0 200 OK" ]' ||
	fail "no 200 OK to OPTIONS on 127.0.0.1:5060: '$(options "$pid" 2)'"
workers=$(pgrep -P "$pid" | head -1)
[ -n "$workers" ] && [ "$(stat -c %U "/proc/$workers")" = slserver ] ||
	fail "workers do not run as slserver"

/etc/init.d/slserver reload > "$tmp/reload" 2>&1 ||
	fail "init script reload: $(cat "$tmp/reload")"
gens=$(/usr/sbin/slserverctl workers | awk 'NR > 1 && $5 == "running" { print $4 }' | sort -u)
[ "$gens" = 2 ] || fail "after reload, running generations: $gens"
[ "$(options "$pid" 3)" = "SIP/2.0 200 OK" ] || fail "no answer after reload"
note_pids

# ---- 5. purge: nothing left --------------------------------------------------

# Where invoke-rc.d would not even stop it (no policy-rc.d, no init), do
# by hand what it would have done.
with_policy invoke-rc.d --query slserver stop >/dev/null 2>&1
q=$?
if [ "$q" != 104 ] && [ "$q" != 105 ]; then
	log "invoke-rc.d would not stop it here ($q): the init script does"
	/etc/init.d/slserver stop >/dev/null 2>&1
fi
if ! with_policy dpkg --purge slserver > "$tmp/purge.log" 2>&1; then
	cat "$tmp/purge.log"
	fail "dpkg --purge failed"
fi
wait_until 10 eval '[ -z "$(alive_pids)" ]' ||
	fail "left running: $(alive_pids)"
installed && fail "still installed after purge"
[ -e "$RUNDIR" ] && fail "$RUNDIR left: $(ls -la "$RUNDIR")"
while read -r f; do
	case $f in */) continue ;; esac
	[ -e "$f" ] && fail "$f left"
done < "$tmp/contents"
[ -e /etc/slserver ] && fail "/etc/slserver left"
getent passwd slserver >/dev/null && fail "user slserver left"
getent group slserver >/dev/null && fail "group slserver left"
dpkg-statoverride --list "$CONF" >/dev/null && fail "statoverride left"
ls /etc/rc?.d/*slserver >/dev/null 2>&1 && fail "rc links left: $(ls /etc/rc?.d/*slserver)"
ls /etc/systemd/system/*/slserver.service /etc/systemd/system/slserver.service \
    /var/lib/systemd/deb-systemd-helper-enabled/*slserver* \
    /var/lib/systemd/deb-systemd-helper-masked/slserver.service \
    >/dev/null 2>&1 && fail "systemd registration left"

[ "$failed" = 0 ] || exit 1
log PASS
