#!/bin/sh
# make install keeps an edited config and defaults file (the new sample
# goes beside the config as slserver.conf.dist, and make says so), make
# uninstall never removes them, and an untouched installation uninstalls
# without a trace.
#
# Exit: 0 pass, 1 fail, 77 skip, 99 hard error. Run by automake with
# SLS_BUILDDIR set; by hand it takes the tree it is in.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.

SLS_BUILDDIR=${SLS_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
[ -f "$SLS_BUILDDIR/Makefile" ] || { echo "SKIP: no configured tree"; exit 77; }
for tool in cmp flock timeout; do
	command -v "$tool" >/dev/null || { echo "SKIP: no $tool"; exit 77; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sls-install.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 99' INT TERM
failed=0
fail() { echo "FAIL: $*"; failed=1; }

# A make of its own: not a job of the "make check" that runs this. It
# holds a lock on src/ (as t/build-paths.sh does), so that two makes in
# the build tree never regenerate src/lib/paths.h at the same time.
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL timeout 100 \
	    flock "$SLS_BUILDDIR/src" make -s -C "$SLS_BUILDDIR" "$@" \
	    >>"$tmp/make.out" 2>&1
}

# 1. An untouched installation uninstalls completely.
mk install DESTDIR="$tmp/clean" || { cat "$tmp/make.out"; exit 99; }
mk uninstall DESTDIR="$tmp/clean" || fail "uninstall failed"
left=$(find "$tmp/clean" -type f)
[ -z "$left" ] || fail "uninstall left: $left"

# 2. Install, edit, install again, uninstall: the edits survive.
root=$tmp/root
mk install DESTDIR="$root" || { cat "$tmp/make.out"; exit 99; }
conf=$(find "$root" -path '*/slserver/slserver.conf')
defaults=$(find "$root" -path '*/default/slserver')
[ -f "$conf" ] || hard=1
[ -f "$defaults" ] || hard=1
[ -z "${hard:-}" ] || { echo "ERROR: no config or defaults installed"; exit 99; }
sample=$tmp/sample
cp "$conf" "$sample"

echo 'workers = 7' >> "$conf"
echo 'SLSERVER_OPTS="-l info"' >> "$defaults"
cp "$conf" "$tmp/conf.edited"
cp "$defaults" "$tmp/defaults.edited"
: > "$tmp/make.out"
mk install DESTDIR="$root" || fail "second install failed"
cmp -s "$conf" "$tmp/conf.edited" || fail "install overwrote the edited config"
cmp -s "$defaults" "$tmp/defaults.edited" ||
	fail "install overwrote the edited defaults file"
cmp -s "$conf.dist" "$sample" || fail "no new sample at $conf.dist"
grep -q "$conf exists and differs.*$conf.dist" "$tmp/make.out" ||
	fail "install did not say where the sample went: $(cat "$tmp/make.out")"
[ -e "$defaults.dist" ] && fail "defaults.dist installed: only the config gets one"

mk uninstall DESTDIR="$root" || fail "uninstall failed"
cmp -s "$conf" "$tmp/conf.edited" || fail "uninstall removed the edited config"
cmp -s "$defaults" "$tmp/defaults.edited" ||
	fail "uninstall removed the edited defaults file"
[ -e "$conf.dist" ] && fail "uninstall left $conf.dist"
left=$(find "$root" -type f | grep -v -e "^$conf\$" -e "^$defaults\$")
[ -z "$left" ] || fail "uninstall left: $left"

[ "$failed" -eq 0 ] || { cat "$tmp/make.out"; exit 1; }
echo PASS
