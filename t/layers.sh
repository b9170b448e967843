#!/bin/bash
#
# The layers of src/ (doc/design.md) point one way. Two checks:
#  1. every #include "..." in src/ and shm/ names a file of its own folder
#     or of a folder the layer may use;
#  2. every layer's library, linked whole with only the libraries of the
#     layers below it, has no undefined symbol (a call that goes up or
#     sideways fails here even if no program pulls that object in).
# Exit 0 pass, 1 fail, 99 hard error.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.

set -u
SRC=${SLS_SRCDIR:?}
BUILD=${SLS_BUILDDIR:?}
fail=0

# The layers, lowest first, and what each may include besides itself.
declare -A may=(
	[shm]=""
	[lib]=""
	[net]="lib"
	[sip]="lib net"
	[route]="lib net sip"
	[core]="lib net sip route shm"
	[conf]="lib net sip route core shm"
	[ctl]="lib net sip route core conf shm"
	[proc]="lib net sip route core conf ctl shm"
)
# Headers that are not in a layer folder: autoconf's, the generated paths.
generated="config.h lib/paths.h"

dir_of() {
	case $1 in
	shm) echo "$SRC/shm" ;;
	*) echo "$SRC/src/$1" ;;
	esac
}

# 1. includes
for layer in "${!may[@]}"; do
	d=$(dir_of "$layer")
	for f in "$d"/*.[ch]; do
		[ -e "$f" ] || continue
		while IFS= read -r inc; do
			case " $generated " in *" $inc "*) continue ;; esac
			case $inc in
			*/*)
				to=${inc%%/*}
				case " ${may[$layer]} " in
				*" $to "*) [ -f "$(dir_of "$to")/${inc#*/}" ] && continue ;;
				esac
				;;
			*) [ -f "$d/$inc" ] && continue ;;
			esac
			echo "${f#"$SRC"/}: #include \"$inc\" is not allowed in $layer/" \
			    "(may use: ${may[$layer]:-nothing})"
			fail=1
		done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
	done
done

# 2. links
CC=${CC:-cc}
lib_of() {
	case $1 in
	shm) echo "$BUILD/shm/libslsshm.a" ;;
	*) echo "$BUILD/src/$1/libsls$1.a" ;;
	esac
}
order="proc ctl conf core route sip net lib"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
echo 'int main(void) { return 0; }' >"$tmp/main.c"
for layer in "${!may[@]}"; do
	a=$(lib_of "$layer")
	if [ ! -f "$a" ]; then
		echo "missing $a (build first)"
		exit 99
	fi
	below=
	for l in $order shm; do
		case " ${may[$layer]} " in *" $l "*) below="$below $(lib_of "$l")" ;; esac
	done
	ext="${BSD_LIBS:-}"
	case " ${may[$layer]} $layer " in
	*" conf "*) ext="$ext ${CONFUSE_LIBS:-}" ;;
	esac
	case " ${may[$layer]} $layer " in
	*" ctl "*) ext="$ext ${MHD_LIBS:-}" ;;
	esac
	[ "$layer" = proc ] && ext="$ext ${SECCOMP_LIBS:-}"
	# shellcheck disable=SC2086
	if ! $CC ${SAN_CFLAGS:-} -o "$tmp/a.out" "$tmp/main.c" \
	    -Wl,--whole-archive "$a" -Wl,--no-whole-archive $below $ext \
	    >"$tmp/ld.log" 2>&1; then
		echo "$layer/ does not link with only the layers below it:"
		grep -E 'undefined reference|multiple definition' "$tmp/ld.log" |
		    sed 's/^.*: //' | sort -u | head -20
		fail=1
	fi
done

[ "$fail" -eq 0 ] && echo "layers ok"
exit "$fail"
