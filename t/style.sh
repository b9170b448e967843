#!/bin/sh
# The C style of the tree (OpenBSD KNF), as far as it is mechanical: no
# line over 80 columns (tabs of 8), indentation by tabs, no trailing
# white space, and function definitions with the return type on a line
# of its own and the name and the opening brace at the start of lines.
# The root .clang-format encodes the rest for editors; clang-format 14
# cannot express KNF's flat four-space continuation lines, so the tree
# is not required to be its output.
#
# Exit: 0 pass, 1 fail. Run by automake with SLS_SRCDIR set; by hand it
# finds the tree itself.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.

SLS_SRCDIR=${SLS_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$SLS_SRCDIR" || exit 1

# Every C file of the source tree but the generated ones.
files=$(find src shm t -name '*.[ch]' ! -name config.h ! -name paths.h |
    LC_ALL=C sort)
[ -n "$files" ] || { echo "FAIL: no C files under $SLS_SRCDIR"; exit 1; }

# shellcheck disable=SC2086
awk '
function fail(msg) {
	printf "FAIL: %s:%d: %s\n", FILENAME, FNR, msg
	bad = 1
}
FNR == 1 { n = 0; cfile = FILENAME ~ /\.c$/ }
{
	line[++n] = $0
	w = 0
	for (i = 1; i <= length($0); i++)
		w = substr($0, i, 1) == "\t" ? w - w % 8 + 8 : w + 1
	if (w > 80)
		fail("longer than 80 columns (" w ")")
	if ($0 ~ /[ \t]$/)
		fail("trailing white space")
	if ($0 ~ /^\t*        /)
		fail("indented with spaces")
}
# A definition opens with "{" alone on its line; its head is the last
# line that starts in column 1 (the parameters may continue below it).
cfile && /^\{$/ {
	for (k = n - 1; k > 1 && line[k] ~ /^[ \t]/; k--)
		;
	if (line[k] ~ /^START_TEST\(/)
		;	# the macro of Check supplies the return type
	else if (line[k] !~ /^[A-Za-z_][A-Za-z0-9_]*\(/)
		fail("the function name must start its line: " line[k])
	else if (line[k - 1] !~ /^[A-Za-z_]/ || line[k - 1] ~ /[;{}]$/)
		fail("the return type must be on the line before " line[k])
}
cfile && /^[A-Za-z_][^=]*\)[ \t]*\{$/ {
	fail("a function brace goes on a line of its own")
}
END { exit bad }
' $files || exit 1
echo "checked $(echo "$files" | wc -l) files"
