#!/bin/bash
# The runtime directory belongs to the service user, who may plant
# anything at the pid file's path. Started as root, slserver must never
# follow a symbolic link there (it would truncate the target and write
# a pid into it) nor use a FIFO, a hard link or a file of another owner:
# each is refused with a clear error and exit status 1, the target left
# as it was. A stale pid file of our own is reused.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
SLS_NO_NETNS=1
. "$(dirname "$0")/../lib.sh"

[ "$(id -u)" = 0 ] || skip "not running as root"
id nobody >/dev/null 2>&1 && getent group nogroup >/dev/null ||
	skip "no user nobody / group nogroup"
# root in a user namespace cannot switch to nobody
setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null ||
	skip "cannot switch to nobody (not real root)"

chmod 0755 "$T"
RUNDIR=$T/run
mkdir -m 0755 "$RUNDIR" && chown nobody:nogroup "$RUNDIR" ||
	hard_error "mkdir $RUNDIR"
PIDFILE=$RUNDIR/slserver.pid
FIFO=$RUNDIR/slserver.fifo
{
cat <<'EOF'
user = "nobody"
group = "nogroup"
EOF
keepalive_route
} | write_conf

# A file of our own that a planted link points at: never a system file.
TARGET=$T/passwd-copy
printf 'root:x:0:0:root:/root:/bin/bash\n' > "$TARGET"
chmod 0644 "$TARGET"
sum0=$(cksum < "$TARGET")

as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }

# refused WHAT PATTERN: a start must fail with exit 1 and say PATTERN.
refused() {
	out=$(timeout -k 5 20 "$SLSERVER" -d -f "$CONF" -P "$PIDFILE" 2>&1)
	rc=$?
	echo "$out" >> "$T/refused.log"
	[ $rc = 1 ] || fail "$1: exit $rc, expected 1"
	echo "$out" | grep -q "$2" || fail "$1: no message '$2' in: $out"
	[ "$(cksum < "$TARGET")" = "$sum0" ] || fail "$1: the target changed"
}

# a symbolic link to a file of root's
as_nobody ln -s "$TARGET" "$PIDFILE" || hard_error "ln -s"
refused "symlink" "pid file $PIDFILE is a symbolic link; refusing"
[ -L "$PIDFILE" ] || fail "the planted link is gone"
rm -f "$PIDFILE"

# a dangling symbolic link: nothing is created through it
as_nobody ln -s "$T/created-by-root" "$PIDFILE" || hard_error "ln -s"
refused "dangling symlink" "is a symbolic link"
[ -e "$T/created-by-root" ] && fail "a file was created through the link"
rm -f "$PIDFILE"

# a FIFO
as_nobody mkfifo "$PIDFILE" || hard_error "mkfifo"
refused "fifo" "pid file $PIDFILE is not a regular file"
rm -f "$PIDFILE"

# a second name of a file of root's
ln "$TARGET" "$PIDFILE" || hard_error "ln"
refused "hard link" "pid file $PIDFILE has 2 links"
rm -f "$PIDFILE"

# a regular file of the service user's
as_nobody touch "$PIDFILE" || hard_error "touch"
refused "foreign file" "belongs to uid $(id -u nobody)"
rm -f "$PIDFILE"

# a symbolic link at the FIFO's path is refused too
as_nobody ln -s "$TARGET" "$FIFO" || hard_error "ln -s"
refused "fifo symlink" "fifo $FIFO exists and is not a FIFO"
[ -e "$PIDFILE" ] && fail "pid file left behind after a failed start"
rm -f "$FIFO"

# A stale pid file of our own (a crash) is taken over and rewritten.
printf '999999\n' > "$PIDFILE"
start_server
[ "$(cat "$PIDFILE")" = "$SRV_PID" ] ||
	fail "pid file holds '$(cat "$PIDFILE")', expected $SRV_PID"
# and a second server is refused while this one runs
refused "second server" "already running as PID $SRV_PID"
finish
