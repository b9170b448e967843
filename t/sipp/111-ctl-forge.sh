#!/bin/bash
# root's slserverctl in a runtime directory owned by the service user
# (here nobody), who plays a hostile server: it cannot forge root's
# output. It cannot write root's reply FIFO (root hands it to no one),
# and swapping the name for a FIFO of its own reaches nobody: root reads
# the pipe it made. A symlink planted at the server FIFO is not
# followed; names planted where older clients put their reply FIFO do
# not stop it; and a reply full of terminal escapes is printed escaped.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
SLS_NO_NETNS=1
. "$(dirname "$0")/../lib.sh"

[ "$(id -u)" = 0 ] || skip "not running as root"
id nobody >/dev/null 2>&1 || skip "no user nobody"
command -v setpriv >/dev/null || skip "no setpriv"
uid=$(id -u nobody)
gid=$(id -g nobody)
as_nobody() {
	setpriv --reuid="$uid" --regid="$gid" --clear-groups "$@"
}

chmod 0711 "$T"
: > "$SRV_LOG"	# no server of ours runs here
RUN=$T/run
mkdir -m 0755 "$RUN" && chown "$uid:$gid" "$RUN" || hard_error "mkdir"
SRVFIFO=$RUN/slserver.fifo
printf 'keep' > "$T/victim"

# The hostile (or plain) server: serve MODE makes the server FIFO, takes
# one request and answers it as MODE says; results in $RUN/result.
cat > "$T/fake.sh" <<'EOF'
mode=$1 run=$2
rm -f "$run/slserver.fifo"
mkfifo -m 0666 "$run/slserver.fifo" || exit 1
exec 3<>"$run/slserver.fifo"
: > "$run/ready"
IFS= read -r line <&3 || exit 1
name=${line##*:}
echo "request $line" >> "$run/result"
case $mode in
forge)
	# straight into root's reply FIFO
	if printf '200 OK\nforged\033[2J\n' 2>/dev/null > "$run/$name"; then
		echo wrote-direct >> "$run/result"
	fi
	# or replace it by a FIFO of ours and answer there
	if rm -f "$run/$name" && mkfifo -m 0666 "$run/$name"; then
		echo swapped >> "$run/result"
		timeout 3 sh -c 'printf "200 OK\nforged\n" > "$1"' sh \
		    "$run/$name" && echo wrote-swapped >> "$run/result"
	fi
	;;
escapes)
	printf '200 OK\nline\033[31mred\033[0m\ttab\n\342\200\256x\n' \
	    > "$run/$name"
	;;
esac
exit 0
EOF
chmod 0755 "$T/fake.sh"

# serve USER MODE: start the fake server in the background, wait for it.
serve() {
	rm -f "$RUN/ready" "$RUN/result"
	if [ "$1" = nobody ]; then
		as_nobody bash "$T/fake.sh" "$2" "$RUN" &
	else
		bash "$T/fake.sh" "$2" "$RUN" &
	fi
	FAKE=$!
	wait_until 5 test -e "$RUN/ready" || hard_error "fake server not up"
}

# 1. The service user answers root with a forged reply: it cannot.
serve nobody forge
out=$("$SLSERVERCTL" -s "$SRVFIFO" -T 2 ping 2>"$T/err")
rc=$?
wait $FAKE
[ $rc = 2 ] || fail "root's slserverctl exited $rc with '$out'"
case $out in *forged*) fail "forged output printed: $out" ;; esac
grep -q '^request :ping:slserverctl\.[0-9]*\.[0-9a-f]\{8\}$' \
    "$RUN/result" || fail "no request seen: $(cat "$RUN/result")"
grep -q wrote-direct "$RUN/result" &&
	fail "nobody could write root's reply FIFO"
grep -q '^swapped$' "$RUN/result" || fail "the swap was not tried"
grep -q 'timeout waiting for the reply' "$T/err" ||
	fail "no timeout message: $(cat "$T/err")"
log "forge: exit $rc, $(tr '\n' ' ' < "$RUN/result")"

# 2. A reply full of terminal escapes is printed escaped, tab and
# newlines kept.
serve root escapes
out=$("$SLSERVERCTL" -s "$SRVFIFO" -T 5 ping) || fail "escapes: exit $?"
wait $FAKE
want=$(printf 'line\\x1b[31mred\\x1b[0m\ttab\n\\u202ex')
[ "$out" = "$want" ] || fail "printed '$out', wanted '$want'"

# 3. A symlink planted at the server FIFO: not followed.
rm -f "$SRVFIFO"
as_nobody ln -s "$T/victim" "$SRVFIFO" || hard_error "ln"
out=$("$SLSERVERCTL" -s "$SRVFIFO" -T 2 ping 2>&1)
rc=$?
[ $rc = 2 ] || fail "symlinked server FIFO: exit $rc"
case $out in *"symbolic link"*) ;; *) fail "symlink: said '$out'" ;; esac
[ "$(cat "$T/victim")" = keep ] || fail "the symlink target was written"
rm -f "$SRVFIFO"

# 4. Names planted where a reply FIFO used to go (slserverctl.PID): a
# symlink and a FIFO of nobody's. Neither stops root's client or is
# touched.
serve root escapes
out=$(bash -c 'setpriv --reuid="$1" --regid="$2" --clear-groups \
    ln -s "$3" "$4/slserverctl.$$" &&
    setpriv --reuid="$1" --regid="$2" --clear-groups \
    mkfifo "$4/slserverctl.$$.00000000" &&
    echo "$$" > "$4/planted" &&
    exec "$5" -s "$4/slserver.fifo" -T 5 ping' \
    sh "$uid" "$gid" "$T/victim" "$RUN" "$SLSERVERCTL") ||
	fail "with planted names: exit $?"
wait $FAKE
[ "$out" = "$want" ] || fail "with planted names: printed '$out'"
pid=$(cat "$RUN/planted")
[ -L "$RUN/slserverctl.$pid" ] || fail "the planted symlink was touched"
[ -p "$RUN/slserverctl.$pid.00000000" ] || fail "the planted FIFO was touched"
[ "$(cat "$T/victim")" = keep ] || fail "the symlink target was written"

# Root's reply FIFOs are all gone; only nobody's plants remain.
left=$(find "$RUN" -name 'slserverctl.*' -user root)
[ -z "$left" ] || fail "reply FIFOs left: $left"
finish
