#!/bin/sh
# Issue 9, item 6: ./configure run again with other paths on a built tree
# must rebuild every object that embeds a configured path. A copy of the
# distributed tree is configured with --runstatedir=/tmp/a and slserverctl
# built, then configured with --runstatedir=/tmp/b and rebuilt: the
# binary must hold the new FIFO path and not the old one.
#
# Exit: 0 pass, 1 fail, 77 skip (a tool missing), 99 hard error.
# Run by automake with SLS_BUILDDIR set; by hand it takes its own tree.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.

SLS_BUILDDIR=${SLS_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
for tool in strings realpath timeout flock; do
	command -v "$tool" >/dev/null ||
		{ echo "SKIP: no $tool"; exit 77; }
done
[ -f "$SLS_BUILDDIR/Makefile" ] || { echo "SKIP: no configured tree"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sls-build-paths.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 99' INT TERM
log=$tmp/log

# Each step bounded, and a make of its own (not a job of "make check").
run() {
	echo "+ $*" >>"$log"
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL timeout 100 "$@" >>"$log" 2>&1
}
error() { echo "ERROR: $*"; tail -30 "$log"; exit 99; }

# The distributed files only, no build output: "make distdir", whose
# subdirectories need the target as a path relative to the build tree.
# The lock on src/ keeps it from running beside t/install.sh's make.
top=$(cd "$SLS_BUILDDIR" && pwd -P)
rel=$(realpath -m --relative-to="$top" "$tmp/src") || exit 99
run flock "$top/src" make -C "$top" distdir distdir="$rel" ||
	error "make distdir failed"
cd "$tmp/src" || exit 99

# paths.h is a BUILT_SOURCE, which "make TARGET" does not build by itself
# in a fresh tree; once built, dependency tracking must do the rest.
run ./configure -q --runstatedir=/tmp/a || error "configure (a) failed"
run make -C src lib/paths.h slserverctl || error "make (a) failed"
strings src/slserverctl | grep -q '^/tmp/a/slserver/slserver\.fifo$' ||
	error "the first build does not hold /tmp/a/slserver/slserver.fifo"

run ./configure -q --runstatedir=/tmp/b || error "configure (b) failed"
run make -C src slserverctl || error "make (b) failed"
failed=0
strings src/slserverctl | grep -q '^/tmp/b/slserver/slserver\.fifo$' || {
	echo "FAIL: slserverctl lacks /tmp/b/slserver/slserver.fifo"
	failed=1
}
if strings src/slserverctl | grep -q '/tmp/a/'; then
	echo "FAIL: slserverctl still holds /tmp/a after reconfiguring"
	failed=1
fi
[ "$failed" -eq 0 ] || { tail -30 "$log"; exit 1; }
echo PASS
