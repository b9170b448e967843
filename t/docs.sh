#!/bin/sh
# Documentation and init files: the man pages format without a warning,
# slserver.conf(5) documents every option of the config table, every
# internal error and every statistic, and the init script is clean sh.
#
# Exit: 0 pass, 1 fail, 77 skip (no groff). Run by automake with
# SLS_SRCDIR and SLS_BUILDDIR set; by hand it finds the tree itself.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.

SLS_SRCDIR=${SLS_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
DOC=$SLS_SRCDIR/doc
CONF5=$DOC/slserver.conf.5
PAGES="$DOC/slserver.8 $DOC/slserver.conf.5 $DOC/slserverctl.8"
INIT=$SLS_SRCDIR/etc/slserver.init.in
UNIT=$SLS_SRCDIR/etc/slserver.service.in
CONF_C=${SLS_CONF_C:-$SLS_SRCDIR/src/conf/options.c}
ERROR_H=$SLS_SRCDIR/src/sip/error.h
STATS_H=$SLS_SRCDIR/shm/stats.h

if ! command -v groff >/dev/null 2>&1; then
	echo "SKIP: groff is not installed"
	exit 77
fi

failed=0
fail()
{
	echo "FAIL: $*"
	failed=1
}

# 1. Every page formats without a single diagnostic.
for page in $PAGES; do
	if [ ! -r "$page" ]; then
		fail "$page is missing"
		continue
	fi
	out=$(groff -mandoc -ww -z "$page" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
		fail "groff -mandoc -ww -z $page (exit $rc):"
		printf '%s\n' "$out"
	fi
	# mandoc is optional; its warnings (not its style hints) count.
	if command -v mandoc >/dev/null 2>&1; then
		if ! out=$(mandoc -Tlint -W warning "$page" 2>&1); then
			fail "mandoc -Tlint $page:"
			printf '%s\n' "$out"
		fi
	fi
done
[ -r "$CONF5" ] || { echo "FAIL: no $CONF5"; exit 1; }

# 2. Option names of the config table: the array sls_conf_option_names[]
# of src/conf/options.c, from its definition to the NULL that ends it. Its entries
# are string literals, or X-macro lists: LIST(F) where
# "#define LIST(X) X(kind, "name", default) ..." gives one name per X(
# (the first string literal after it). Comments are left out.
option_names()
{
	awk '
	# One token: a string literal, a call "IDENT(", or NULL.
	function next_token(s) {
		if (!match(s, /"([^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*[ \t]*\(|NULL/))
			return ""
		return substr(s, RSTART, RLENGTH)
	}
	function ident(tok) {
		sub(/[ \t]*\($/, "", tok)
		return tok
	}
	# Names that a list macro body gives for its parameter p.
	function expand_list(body, p, depth,    tok, want, id) {
		if (depth > 8)
			return
		want = 0
		while ((tok = next_token(body)) != "") {
			body = substr(body, RSTART + RLENGTH)
			if (tok ~ /^"/) {
				if (want)
					print substr(tok, 2, length(tok) - 2)
				want = 0
			} else if (tok != "NULL") {
				id = ident(tok)
				if (id == p)
					want = 1
				else if (id in defbody)
					expand_list(defbody[id], defparam[id],
					    depth + 1)
			}
		}
	}
	{
		line = $0
		out = ""
		while (line != "") {
			if (incomment) {
				i = index(line, "*/")
				if (i == 0) { line = ""; break }
				line = substr(line, i + 2)
				incomment = 0
				continue
			}
			i = index(line, "/*")
			j = index(line, "//")
			if (j > 0 && (i == 0 || j < i)) {
				out = out substr(line, 1, j - 1)
				line = ""
				break
			}
			if (i == 0) { out = out line; line = ""; break }
			out = out substr(line, 1, i - 1) " "
			line = substr(line, i + 2)
			incomment = 1
		}
		line = out
	}
	# Function-like macros of one parameter, continuation lines joined.
	indef {
		defbody[defname] = defbody[defname] " " line
		if (line !~ /\\[ \t]*$/)
			indef = 0
		next
	}
	line ~ /^[ \t]*#[ \t]*define[ \t]+[A-Za-z_][A-Za-z0-9_]*\([ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*\)/ {
		d = line
		sub(/^[ \t]*#[ \t]*define[ \t]+/, "", d)
		defname = d
		sub(/\(.*/, "", defname)
		p = d
		sub(/^[^(]*\([ \t]*/, "", p)
		sub(/[ \t]*\).*/, "", p)
		defparam[defname] = p
		sub(/^[^)]*\)/, "", d)
		defbody[defname] = d
		indef = (line ~ /\\[ \t]*$/)
		next
	}
	!on && !done && line ~ /sls_conf_option_names[ \t]*\[[^]]*\][ \t]*(=|$)/ &&
	    line !~ /extern/ {
		on = 1
		found = 1
		sub(/^.*sls_conf_option_names[ \t]*\[[^]]*\]/, "", line)
	}
	on {
		while ((tok = next_token(line)) != "") {
			line = substr(line, RSTART + RLENGTH)
			if (tok == "NULL") {
				on = 0
				done = 1
				break
			}
			arr = arr " " tok
			if (tok !~ /^"/) {
				# The arguments of the call, up to its ")".
				i = index(line, ")")
				if (i > 0)
					line = substr(line, i + 1)
			}
		}
		if (on && line ~ /}/) {
			on = 0
			done = 1
		}
	}
	END {
		if (!found) {
			print "docs.sh: no sls_conf_option_names[] definition" > "/dev/stderr"
			exit 1
		}
		if (!done) {
			print "docs.sh: sls_conf_option_names[] has no end" > "/dev/stderr"
			exit 1
		}
		while ((tok = next_token(arr)) != "") {
			arr = substr(arr, RSTART + RLENGTH)
			if (tok ~ /^"/) {
				print substr(tok, 2, length(tok) - 2)
				continue
			}
			id = ident(tok)
			if (!(id in defbody)) {
				print "docs.sh: unknown macro " id " in sls_conf_option_names[]" > "/dev/stderr"
				exit 1
			}
			expand_list(defbody[id], defparam[id], 0)
		}
	}' "$1"
}

if [ ! -r "$CONF_C" ]; then
	fail "$CONF_C is missing: cannot list the options"
elif ! names=$(option_names "$CONF_C"); then
	fail "cannot extract the option names from $CONF_C"
elif [ -z "$names" ]; then
	fail "no option names in sls_conf_option_names[] of $CONF_C"
else
	n=0
	for full in $names; do
		n=$((n + 1))
		name=${full##*.}
		case $name in
		'' | *[!a-z0-9_-]*)
			fail "odd option name '$full' in $CONF_C"
			continue
			;;
		esac
		if ! grep -Eq "^\\.It (Cm|Ic) $name( |\$)" "$CONF5"; then
			fail "option '$full' has no '.It Cm $name' entry in" \
			    "slserver.conf.5"
		fi
	done
	echo "checked $n option names"
fi

# 3. The error table: each SLS_E_* (but SLS_E_NONE) has its entry, and
# the line after it gives the code and the detail in parentheses.
errors=$(sed -n 's/^[[:space:]]*X(\(SLS_E_[A-Z0-9_]*\), *\([0-9]*\), *"\([^"]*\)").*/\1|\2|\3/p' \
    "$ERROR_H")
if [ -z "$errors" ]; then
	fail "no SLS_E_* entries found in $ERROR_H"
fi
n=0
while IFS='|' read -r id code detail; do
	[ -n "$id" ] || continue
	[ "$id" = SLS_E_NONE ] && continue
	n=$((n + 1))
	line=$(awk -v id="$id" '
	    want { print; exit }
	    $0 == ".It Dv " id { want = 1 }' "$CONF5")
	case $line in
	"$code "*"($detail)"*) ;;
	'') fail "error $id has no '.It Dv $id' entry in slserver.conf.5" ;;
	*) fail "error $id: expected '$code ... ($detail)', found '$line'" ;;
	esac
done <<EOF
$errors
EOF
echo "checked $n errors"

# 4. Every statistic, as group:name.
stats=$(sed -n 's/^[[:space:]]*X(SLS_ST_[A-Z0-9_]*, *"\([a-z]*\)", *"\([A-Za-z0-9_]*\)".*/\1:\2/p' \
    "$STATS_H")
if [ -z "$stats" ]; then
	fail "no statistics found in $STATS_H"
fi
n=0
for s in $stats; do
	n=$((n + 1))
	if ! grep -Eq "^\\.It Li $s( |\$)" "$CONF5"; then
		fail "statistic $s has no '.It Li $s' entry in slserver.conf.5"
	fi
done
echo "checked $n statistics"

# 5. The init script is plain sh; the .in files use only the placeholders
# that the build substitutes.
if ! out=$(sh -n "$INIT" 2>&1); then
	fail "sh -n $INIT:"
	printf '%s\n' "$out"
fi
if command -v shellcheck >/dev/null 2>&1; then
	if ! out=$(shellcheck -s sh "$INIT" 2>&1); then
		fail "shellcheck -s sh $INIT:"
		printf '%s\n' "$out"
	fi
else
	echo "note: shellcheck is not installed, not run"
fi
for f in "$INIT" "$UNIT"; do
	bad=$(grep -o '@[A-Za-z_]*@' "$f" | sort -u |
	    grep -vx -e '@sbindir@' -e '@sysconfdir@' -e '@runstatedir@')
	if [ -n "$bad" ]; then
		fail "$f uses placeholders the build does not substitute:" "$bad"
	fi
done

# 6. The licence: COPYING, and a copyright line in every source file.
[ -f "$SLS_SRCDIR/COPYING" ] || fail "COPYING is missing"
n=0
for f in "$SLS_SRCDIR"/src/*/*.[ch] "$SLS_SRCDIR"/shm/*.[ch] \
    "$SLS_SRCDIR"/t/unit/*/*.[ch] "$SLS_SRCDIR"/t/*.sh \
    "$SLS_SRCDIR"/t/sipp/*.sh "$SLS_SRCDIR"/etc/slserver.*.in; do
	case $f in */lib/paths.h) continue ;; esac
	[ -f "$f" ] || continue
	n=$((n + 1))
	head -80 "$f" | grep -q 'Copyright (c) [0-9]* The slserver authors' ||
	    fail "${f#"$SLS_SRCDIR"/}: no copyright line in its header"
done
echo "checked the copyright lines of $n files"

if [ "$failed" -ne 0 ]; then
	exit 1
fi
echo "PASS"
exit 0
