#!/bin/bash
#
# run.sh: the slserver benchmark. Runs slserver, the bare responder and
# (when installed) Kamailio one after the other (A B C A B C ...), each
# pinned the same way, against loadgen, and prints medians, ratios, CPU per
# reply, p99 latency at a fixed rate and private memory per worker.
#
# The forward workload puts slserver or Kamailio between loadgen and a
# bare downstream (loadgen -> forwarder -> bare -> forwarder -> loadgen):
# bare answers the datagram's source, copying the Vias, so the replies
# come back through the forwarder. The CPU columns are the forwarder's.
#
# Builds nothing: loadgen, bare and slserver come from the build directory
# (-b, default the source tree two levels up) or from $LOADGEN, $BARE,
# $SLSERVER; Kamailio from $KAMAILIO or the PATH. See README.md.
#
# Loopback only. Every responder is started by this script in its own
# session (setsid), stopped by its PID (TERM, KILL after 5 s) and every
# loadgen run is bounded by -d and by timeout(1).
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.

set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)

usage() {
	cat <<EOF
usage: run.sh [options]
  -b DIR     build directory (default: $here/../..)
  -p N       pairs: rounds of alternation (3)
  -D SEC     length of a measured run (5)
  -U SEC     warm-up before each measured run (1)
  -L SEC     length of a fixed-rate latency run, 0 = none (3)
  -r RATE    rate of the latency runs (default: half of Kamailio's median
             peak in the same group, else half of the slowest responder's)
  -W LIST    worker counts ("1 2")
  -M LIST    socket modes ("shared reuseport")
  -k LIST    workloads ("invite-ack invite options"; also "forward":
             INVITE->404+ACK through a forwarder to a bare downstream,
             and "stateful": INVITE -> 486 + ACK kept in a server
             transaction)
  -x LIST    responders ("slserver bare kamailio"; missing ones are skipped;
             also slserver-limits: slserver with the per-source limits on
             at a rate that never blocks, to measure their cost)
  -w N       loadgen window of outstanding requests (64)
  -s N       loadgen source sockets (1: one upstream address and port)
  -G         loadgen sends its batches with UDP GSO (cheaper for loadgen;
             use it when the lg% column is near 100)
  -C L:R     CPU lists for loadgen and responder, taskset syntax ("0:1")
  -B LIST    CPUs of the forward workload's downstream (the loadgen CPUs)
  -o DIR     keep results (results.tsv, table.txt) in DIR
  -Q PCT     before each run wait (up to 60 s) until the machine's CPUs
             were less than PCT% busy for a second (0 = do not wait)
  -q         quick check: -p 1 -D 2 -U 0.5 -L 1 -W 1 -M shared
  -h         this help
environment: LOADGEN BARE SLSERVER KAMAILIO (paths of the programs),
  KAMCFG KAMFWDCFG KAMCFG_STATEFUL (Kamailio configs of the reply,
  forward and stateful workloads), TM_TABLE (slserver's tm.table_size in
  "stateful", 1048576), KAM_SHM (Kamailio's -m in MB in "stateful", 4096)
EOF
}

builddir="$here/../.."
pairs=3 dur=5 warm=1 latdur=3 latrate=
workers_list="1 2" modes="shared reuseport"
workloads="invite-ack invite options"
responders="slserver bare kamailio"
window=64 sources=1 cpus="0:1" outdir='' quiet=0 gso='' ds_cpus=''

while getopts "b:p:D:U:L:r:W:M:k:x:w:s:C:B:o:Q:Gqh" opt; do
	case $opt in
	b) builddir=$OPTARG ;;
	p) pairs=$OPTARG ;;
	D) dur=$OPTARG ;;
	U) warm=$OPTARG ;;
	L) latdur=$OPTARG ;;
	r) latrate=$OPTARG ;;
	W) workers_list=$OPTARG ;;
	M) modes=$OPTARG ;;
	k) workloads=$OPTARG ;;
	x) responders=$OPTARG ;;
	w) window=$OPTARG ;;
	s) sources=$OPTARG ;;
	C) cpus=$OPTARG ;;
	B) ds_cpus=$OPTARG ;;
	o) outdir=$OPTARG ;;
	Q) quiet=$OPTARG ;;
	G) gso=-G ;;
	q) pairs=1 dur=2 warm=0.5 latdur=1 workers_list=1 modes=shared ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -ne 0 ]; then
	usage >&2
	exit 2
fi

die() {
	echo "run.sh: $*" >&2
	exit 1
}
note() {
	echo "run.sh: $*" >&2
}

isnum() {
	[[ $1 =~ ^[0-9]+([.][0-9]+)?$ ]]
}
for v in "$pairs" "$dur" "$warm" "$latdur" "$window" "$sources" "$quiet"; do
	isnum "$v" || die "not a number: $v"
done
[ -z "$latrate" ] || isnum "$latrate" || die "not a number: $latrate"
[[ $cpus == *:* ]] || die "-C wants LOADGEN_CPUS:RESPONDER_CPUS"
lg_cpus=${cpus%%:*}
rs_cpus=${cpus#*:}
ds_cpus=${ds_cpus:-$lg_cpus}

LOADGEN=${LOADGEN:-$builddir/t/bench/loadgen}
BARE=${BARE:-$builddir/t/bench/bare}
SLSERVER=${SLSERVER:-$builddir/src/slserver}
KAMAILIO=${KAMAILIO:-$(command -v kamailio || true)}
KAMCFG=${KAMCFG:-$here/kamailio.cfg}
KAMFWDCFG=${KAMFWDCFG:-$here/kamailio-forward.cfg}
KAMCFG_STATEFUL=${KAMCFG_STATEFUL:-$here/kamailio-stateful.cfg}
TM_TABLE=${TM_TABLE:-1048576}
KAM_SHM=${KAM_SHM:-4096}

[ -x "$LOADGEN" ] || die "no loadgen at $LOADGEN (make bench builds it)"
for t in timeout taskset setsid; do
	command -v $t >/dev/null || die "$t is required"
done

# Which responders can run here.
active=
for r in $responders; do
	case $r in
	slserver | slserver-limits) bin=$SLSERVER ;;
	bare) bin=$BARE ;;
	kamailio) bin=$KAMAILIO ;;
	*) die "unknown responder $r" ;;
	esac
	if [ -n "$bin" ] && [ -x "$bin" ]; then
		active="$active $r"
	else
		note "skipping $r: not found (${bin:-not installed})"
	fi
done
active=${active# }
[ -n "$active" ] || die "no responder to run"

tmpd=$(mktemp -d /tmp/slsbench.XXXXXX) || die "mktemp failed"
if [ -z "$outdir" ]; then
	outdir=$tmpd/results
fi
mkdir -p "$outdir" || die "cannot create $outdir"
results=$outdir/results.tsv
printf 'phase\tworkload\tworkers\tmode\tresponder\tpair\trate\treplies_per_s\tcpu_us\tcore_us\tp50_us\tp99_us\tlost\tpriv_kib\treplies\tcodes\tloadgen_busy_pct\tresponder_busy_pct\tstray\n' > "$results"

rpid=			# the responder we started, if running
rlog=
dspid=			# the forward workload's downstream, if running
ds_port=		# its port; empty: the workload forwards nothing

hz=$(getconf CLK_TCK)

# PIDs of the responder $1 and everything it started: the members of its
# process group plus its descendants (from /proc/PID/task/TID/children),
# in case a worker moved to a group of its own.
group_pids() {
	local pg=$1 f line p c
	local -a fld todo
	declare -A seen=()
	for f in /proc/[0-9]*/stat; do
		{ read -r line < "$f"; } 2>/dev/null || continue
		read -r -a fld <<< "${line##*) }"
		# after the command: state, ppid, pgrp
		if [ "${fld[2]:-}" = "$pg" ]; then
			f=${f#/proc/}
			seen[${f%/stat}]=1
		fi
	done
	declare -A done_=()
	todo=("$pg")
	while [ ${#todo[@]} -gt 0 ] && [ ${#done_[@]} -lt 4096 ]; do
		p=${todo[0]}
		todo=("${todo[@]:1}")
		if [ -n "${done_[$p]:-}" ] || [ ! -d "/proc/$p" ]; then
			continue
		fi
		done_[$p]=1
		seen[$p]=1
		# shellcheck disable=SC2013
		for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do
			todo+=("$c")
		done
	done
	for p in "${!seen[@]}"; do
		[ -d "/proc/$p" ] && echo "$p"
	done
}

# CPU time in ns of every thread of every process in group $1: the
# sum_exec_runtime field of /proc/PID/task/TID/schedstat.
group_cpu_ns() {
	local p t sum=0 v rest
	for p in $(group_pids "$1"); do
		for t in /proc/$p/task/*/schedstat; do
			{ read -r v rest < "$t"; } 2>/dev/null || continue
			sum=$((sum + v))
		done
	done
	echo $sum
}

# Busy jiffies (all but idle and iowait) of the CPUs in taskset list $1.
cpus_busy() {
	awk -v list="$1" '
	BEGIN {
		n = split(list, parts, ",")
		for (i = 1; i <= n; i++) {
			if (split(parts[i], ab, "-") == 2)
				for (c = ab[1]; c <= ab[2]; c++) want["cpu" c] = 1
			else
				want["cpu" parts[i]] = 1
		}
	}
	$1 in want { busy += $2 + $3 + $4 + $7 + $8 + $9 }
	END { print busy + 0 }' /proc/stat
}

# Private memory in KiB of process $1 outside MAP_SHARED mappings (the
# shared segment is one): Private_Clean + Private_Dirty of every mapping
# whose permissions do not end in "s".
priv_kib() {
	awk '
	/^[0-9a-f]+-[0-9a-f]+ / { shared = (substr($2, 4, 1) == "s"); next }
	/^Private_(Clean|Dirty):/ { if (!shared) kib += $2 }
	END { print kib + 0 }' "/proc/$1/smaps" 2>/dev/null || echo 0
}

# Largest private memory among the group's processes other than the
# leader (supervisor / parent / Kamailio's main process).
workers_priv_kib() {
	local pg=$1 p max=0 v
	for p in $(group_pids "$pg"); do
		[ "$p" = "$pg" ] && continue
		v=$(priv_kib "$p")
		[ "$v" -gt "$max" ] && max=$v
	done
	echo "$max"
}

port_in_use() {
	local hex
	hex=$(printf ':%04X ' "$1")
	grep -qs "$hex" /proc/net/udp /proc/net/udp6
}

free_port() {
	local _ p
	for _ in $(seq 1 100); do
		p=$((20000 + RANDOM % 40000))
		port_in_use $p || { echo $p; return 0; }
	done
	return 1
}

# The INVITE route of slserver for workload $1: stateless 404, or a
# server transaction (t_newtran) answered 486 for "stateful".
slserver_invite_route() {
	if [ "$1" = stateful ]; then
		cat <<EOF
tm {
	table_size = $TM_TABLE
}

route "invite" {
	method = {"INVITE"}
	t_newtran = true
	send_reply = "486 Busy Here"
}
EOF
	else
		cat <<EOF
route "invite" {
	method = {"INVITE"}
	sl_send_reply = "404 Not Found"
}
EOF
	fi
}

# Start a responder in its own session (process group = its PID), pinned.
start_responder() {
	local r=$1 workers=$2 mode=$3 code=$4 port=$5 dir=$6 wl=$7
	local kcfg=$KAMCFG kshm=()
	rlog=$dir/$r.log
	if [ "$wl" = stateful ]; then
		kcfg=$KAMCFG_STATEFUL
		kshm=(-m "$KAM_SHM")
	fi
	case $r in
	slserver | slserver-limits)
		cat > "$dir/slserver.conf" <<EOF
listen = {"udp:127.0.0.1:$port"}
workers = $workers
socket_mode = "$mode"
pidfile = "$dir/slserver.pid"
fifo = "$dir/slserver.fifo"
log_level = "err"
EOF
		if [ -n "$ds_port" ]; then
			cat >> "$dir/slserver.conf" <<EOF

route "forward" {
	forward = {"udp:127.0.0.1:$ds_port"}
}
EOF
		else
			cat >> "$dir/slserver.conf" <<EOF

route "options" {
	method = {"OPTIONS"}
	sl_send_reply = "200 OK"
}

EOF
		slserver_invite_route "$wl" >> "$dir/slserver.conf"
		fi
		# every request through the source table, none ever blocked
		[ "$r" = slserver-limits ] && cat >> "$dir/slserver.conf" <<EOF
limits {
	trusted = {}
	rate = 1000000
	burst = 1000000
}
EOF
		setsid taskset -c "$rs_cpus" "$SLSERVER" -d -l err \
		    -f "$dir/slserver.conf" -P "$dir/slserver.pid" \
		    > "$rlog" 2>&1 &
		;;
	bare)
		local ropt=
		[ "$mode" = reuseport ] && ropt=-R
		# a 1 MiB receive buffer: the window plus ACKs must fit
		setsid taskset -c "$rs_cpus" "$BARE" -l "127.0.0.1:$port" \
		    -w "$workers" $ropt -c "$code" -b 1048576 > "$rlog" 2>&1 &
		;;
	kamailio)
		local -a kargs=(-f "$kcfg")
		[ -n "$ds_port" ] && kargs=(-f "$KAMFWDCFG" -A "DSPORT=$ds_port")
		setsid taskset -c "$rs_cpus" "$KAMAILIO" -DD -E "${kargs[@]}" \
		    -x fm -X fm "${kshm[@]}" -n "$workers" \
		    -l "udp:127.0.0.1:$port" \
		    -Y "$dir" -w "$dir" -P "$dir/kamailio.pid" \
		    > "$rlog" 2>&1 &
		;;
	esac
	rpid=$!
	# setsid(1) runs in the child: wait (bounded) until it has
	local pg='' _
	for _ in $(seq 1 100); do
		pg=$(awk '{ sub(/.*\) /, ""); print $3 }' \
		    "/proc/$rpid/stat" 2>/dev/null)
		[ "$pg" = "$rpid" ] && break
		sleep 0.01
	done
	if [ "$pg" != "$rpid" ]; then
		note "$r: PID $rpid is not its own process group ($pg)"
		stop_responder
		return 1
	fi
	# ready when it answers an OPTIONS; bounded to ~10 s
	for _ in $(seq 1 50); do
		if ! alive "$rpid"; then
			note "$r exited during start-up; log:"
			tail -n 20 "$rlog" >&2
			stop_responder
			return 1
		fi
		if timeout -k 1 3 "$LOADGEN" -m OPTIONS -n 1 -t 200 -d 1 \
		    "127.0.0.1:$port" > /dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	note "$r did not answer on port $port"
	stop_responder
	return 1
}

# The forward workload's downstream: bare on its own port, pinned to the
# downstream CPUs, in its own session; stopped by its PID.
start_downstream() {
	local dir=$1 _
	ds_port=$(free_port) || { note "no free port"; return 1; }
	setsid taskset -c "$ds_cpus" "$BARE" -l "127.0.0.1:$ds_port" -c 404 \
	    -b 1048576 > "$dir/downstream.log" 2>&1 &
	dspid=$!
	for _ in $(seq 1 50); do
		port_in_use "$ds_port" && return 0
		alive "$dspid" || break
		sleep 0.1
	done
	note "the downstream did not start; log:"
	tail -n 20 "$dir/downstream.log" >&2
	stop_downstream
	return 1
}

stop_downstream() {
	local _
	[ -n "$dspid" ] || return 0
	kill -TERM "$dspid" 2>/dev/null
	for _ in $(seq 1 50); do
		alive "$dspid" || break
		sleep 0.1
	done
	alive "$dspid" && kill -KILL -- "-$dspid" 2>/dev/null
	wait "$dspid" 2>/dev/null
	dspid=
	ds_port=
}

# Is $1 running (and not a zombie)?
alive() {
	local line
	{ read -r line < "/proc/$1/stat"; } 2>/dev/null || return 1
	line=${line##*) }
	[ "${line%% *}" != Z ]
}

stop_responder() {
	local _ pg=$rpid left
	[ -n "$rpid" ] || return 0
	kill -TERM "$rpid" 2>/dev/null
	for _ in $(seq 1 50); do
		alive "$rpid" || break
		sleep 0.1
	done
	if alive "$rpid"; then
		note "PID $rpid still running 5 s after TERM: KILL"
		kill -KILL -- "-$pg" 2>/dev/null
	fi
	wait "$rpid" 2>/dev/null
	# leftovers of the group we started (workers that outlived it)
	left=$(group_pids "$pg")
	if [ -n "$left" ]; then
		sleep 0.5
		left=$(group_pids "$pg")
		[ -n "$left" ] && kill -KILL $left 2>/dev/null
	fi
	rpid=
}

cleanup() {
	stop_responder
	stop_downstream
	if [ "$outdir" = "$tmpd/results" ]; then
		rm -rf "$tmpd"
	else
		rm -rf "${tmpd:?}"/run.*
		rmdir "$tmpd" 2>/dev/null
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# loadgen text output: value of key $1 in $out
val() {
	awk -F': ' -v k="$1" '$1 == k { print $2 }' <<< "$out"
}

# With -Q: wait, bounded, until all CPUs were less than $quiet % busy
# during one second (other jobs on a shared machine skew every number).
wait_quiet() {
	local _ a b
	[ "$quiet" = 0 ] && return 0
	for _ in $(seq 1 60); do
		a=$(awk '$1 == "cpu" { print $2+$3+$4+$7+$8+$9, $5+$6 }' /proc/stat)
		sleep 1
		b=$(awk '$1 == "cpu" { print $2+$3+$4+$7+$8+$9, $5+$6 }' /proc/stat)
		if awk -v a="$a" -v b="$b" -v q="$quiet" 'BEGIN {
		    split(a, x, " "); split(b, y, " ")
		    busy = y[1] - x[1]; idle = y[2] - x[2]
		    exit !(busy + idle > 0 && 100 * busy / (busy + idle) < q) }'
		then
			return 0
		fi
	done
	note "machine still busy after 60 s; running anyway"
}

# One sample: phase workload workers mode responder pair [rate]
run_one() {
	local phase=$1 wl=$2 workers=$3 mode=$4 r=$5 pair=$6 rate=${7:-0}
	local code=404 port dir c0 c1 b0 b1 rc mem replies
	local lwin=$window
	local -a largs
	case $wl in
	invite-ack) largs=(-m INVITE -a) ;;
	invite) largs=(-m INVITE) ;;
	options) largs=(-m OPTIONS); code=200 ;;
	forward) largs=(-m INVITE -a) ;;
	stateful) largs=(-m INVITE -a); code=486 ;;
	esac
	[ -n "$gso" ] && largs+=("$gso")
	[ "$phase" = lat ] && lwin=$((window * 4))
	wait_quiet
	port=$(free_port) || { note "no free port"; return 1; }
	dir=$(mktemp -d "$tmpd/run.XXXXXX")
	if [ "$wl" = forward ]; then
		start_downstream "$dir" || return 1
	fi
	start_responder "$r" "$workers" "$mode" "$code" "$port" "$dir" \
	    "$wl" || {
		stop_downstream
		return 1
	}
	if [ "$warm" != 0 ]; then
		timeout -k 2 30 taskset -c "$lg_cpus" "$LOADGEN" "${largs[@]}" \
		    -n 1000000000 -d "$warm" -w "$window" -s "$sources" \
		    "127.0.0.1:$port" > /dev/null 2>&1
	fi
	c0=$(group_cpu_ns "$rpid")
	b0=$(cpus_busy "$rs_cpus")
	out=$(timeout -k 2 "$(awk -v d="$dur" -v l="$latdur" \
	    'BEGIN { print int((d > l ? d : l) + 15) }')" \
	    taskset -c "$lg_cpus" "$LOADGEN" "${largs[@]}" -n 1000000000 \
	    -d "$([ "$phase" = lat ] && echo "$latdur" || echo "$dur")" \
	    -w "$lwin" -s "$sources" -r "$rate" "127.0.0.1:$port" 2> "$dir/loadgen.err")
	rc=$?
	c1=$(group_cpu_ns "$rpid")
	b1=$(cpus_busy "$rs_cpus")
	mem=$(workers_priv_kib "$rpid")
	if ! alive "$rpid"; then
		note "$r died during the run; log:"
		tail -n 20 "$rlog" >&2
	fi
	stop_responder
	stop_downstream
	if [ $rc -gt 1 ] || [ -z "$out" ]; then
		note "loadgen failed ($rc) against $r:"
		cat "$dir/loadgen.err" >&2
		return 1
	fi
	replies=$(val replies)
	awk -v ph="$phase" -v wl="$wl" -v wk="$workers" -v mo="$mode" \
	    -v r="$r" -v pair="$pair" -v rate="$rate" \
	    -v rps="$(val replies_per_s)" -v n="$replies" \
	    -v c0="$c0" -v c1="$c1" -v b0="$b0" -v b1="$b1" -v hz="$hz" \
	    -v p50="$(val lat_p50_us)" -v p99="$(val lat_p99_us)" \
	    -v lost="$(val lost)" -v mem="$mem" -v codes="$(val codes)" \
	    -v lgcpu="$(val cpu_s)" -v el="$(val elapsed_s)" \
	    -v stray="$(val stray)" '
	BEGIN {
		cpu = n > 0 ? (c1 - c0) / 1000 / n : 0
		core = n > 0 ? (b1 - b0) * 1e6 / hz / n : 0
		lg = el > 0 ? 100 * lgcpu / el : 0
		rs = el > 0 ? (c1 - c0) / 1e7 / el : 0
		sub(/^ /, "", codes)
		gsub(/ /, ",", codes)
		printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.0f\t%.2f\t%.2f\t%s\t%s\t%s\t%s\t%s\t%s\t%.0f\t%.0f\t%s\n",
		    ph, wl, wk, mo, r, pair, rate, rps, cpu, core, p50, p99,
		    lost, mem, n, codes, lg, rs, stray
	}' >> "$results"
	tail -n 1 "$results" | awk -F'\t' '{
		flag = ($1 == "peak" && $10 > 1.3 * $9 + 0.5) ? "  (foreign load?)" : ""
		if ($19 > 0)	# replies to nothing outstanding: to ACKs?
			flag = flag "  stray replies " $19
		printf "  %-4s %-10s w=%s %-9s %-8s #%s %8s rpl/s  cpu %s us  core %s us  p99 %s us  lost %s  busy: loadgen %s%% responder %s%%%s\n",
		    $1, $2, $3, $4, $5, $6, $8, $9, $10, $12, $13, $17, $18,
		    flag }' >&2
	rm -rf "$dir"
	return 0
}

# Median of column $2 over rows matching phase/workload/workers/mode/resp.
median() {
	awk -F'\t' -v ph="$1" -v col="$2" -v wl="$3" -v wk="$4" -v mo="$5" \
	    -v r="$6" '
	NR > 1 && $1 == ph && $2 == wl && $3 == wk && $4 == mo && $5 == r {
		v[n++] = $col + 0
	}
	END {
		if (n == 0) { print "-"; exit }
		for (i = 1; i < n; i++) {	# insertion sort: n is small
			x = v[i]
			for (j = i - 1; j >= 0 && v[j] > x; j--) v[j + 1] = v[j]
			v[j + 1] = x
		}
		m = n % 2 ? v[int(n / 2)] : (v[n / 2 - 1] + v[n / 2]) / 2
		print m
	}' "$results"
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "-" || b == "-" || b + 0 == 0) print "-"
		else printf "%.2f", a / b }'
}

# Median over pairs of A/B, A and B from the same pair (so measured a few
# seconds apart): phase column workload workers mode A B. Steadier than
# the ratio of the medians when the machine's speed drifts.
pair_ratio() {
	awk -F'\t' -v ph="$1" -v col="$2" -v wl="$3" -v wk="$4" -v mo="$5" \
	    -v ra="$6" -v rb="$7" '
	NR > 1 && $1 == ph && $2 == wl && $3 == wk && $4 == mo {
		if ($5 == ra) a[$6] = $col
		if ($5 == rb) b[$6] = $col
	}
	END {
		for (p in a)
			if ((p in b) && b[p] + 0 > 0) v[n++] = a[p] / b[p]
		if (n == 0) { print "-"; exit }
		for (i = 1; i < n; i++) {
			x = v[i]
			for (j = i - 1; j >= 0 && v[j] > x; j--) v[j + 1] = v[j]
			v[j + 1] = x
		}
		m = n % 2 ? v[int(n / 2)] : (v[n / 2 - 1] + v[n / 2]) / 2
		printf "%.2f", m
	}' "$results"
}

# "median-ratio/per-pair-ratio" of A over B for one group
ratios() {
	local a b
	a=$(median "$1" "$2" "$3" "$4" "$5" "$6")
	b=$(median "$1" "$2" "$3" "$4" "$5" "$7")
	echo "$(ratio "$a" "$b")/$(pair_ratio "$@")"
}

note "responders: $active; workloads: $workloads; workers: $workers_list;" \
    "modes: $modes; pairs: $pairs; ${dur}s runs; loadgen on CPU $lg_cpus," \
    "responder on CPU $rs_cpus"

failures=0
for wl in $workloads; do
	for wk in $workers_list; do
		for mo in $modes; do
			note "== $wl, $wk worker(s), $mo"
			for pair in $(seq 1 "$pairs"); do
				for r in $active; do
					# bare is the downstream there
					[ "$wl" = forward ] && [ "$r" = bare ] &&
					    continue
					run_one peak "$wl" "$wk" "$mo" "$r" \
					    "$pair" || failures=$((failures + 1))
				done
			done
			[ "$latdur" != 0 ] || continue
			rate=$latrate
			if [ -z "$rate" ]; then
				k=$(median peak 8 "$wl" "$wk" "$mo" kamailio)
				if [ "$k" = - ]; then
					k=
					for r in $active; do
						m=$(median peak 8 "$wl" "$wk" \
						    "$mo" "$r")
						[ "$m" = - ] && continue
						if [ -z "$k" ] || awk -v a="$m" \
						    -v b="$k" 'BEGIN {
						    exit !(a < b) }'; then
							k=$m
						fi
					done
				fi
				[ -n "$k" ] || continue
				rate=$(awk -v k="$k" 'BEGIN {
				    printf "%d", k / 2 }')
			fi
			for pair in $(seq 1 "$pairs"); do
				for r in $active; do
					[ "$wl" = forward ] && [ "$r" = bare ] &&
					    continue
					run_one lat "$wl" "$wk" "$mo" "$r" \
					    "$pair" "$rate" ||
					    failures=$((failures + 1))
				done
			done
		done
	done
done

# The table: medians per group and responder, then the ratios.
{
	echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, loadgen on CPU" \
	    "$lg_cpus, responder on CPU $rs_cpus, ${dur}s runs, $pairs pairs," \
	    "window $window, $sources source socket(s)${gso:+, GSO}"
	printf '%-10s %2s %-9s %-9s %10s %7s %7s %9s %6s %7s %5s %8s %4s %4s\n' \
	    workload wk mode responder replies/s cpu_us core_us lat_rate \
	    p50_us p99_us lost priv_KiB lg% rs%
	for wl in $workloads; do
		for wk in $workers_list; do
			for mo in $modes; do
				for r in $active; do
					rps=$(median peak 8 "$wl" "$wk" "$mo" "$r")
					[ "$rps" = - ] && continue
					printf '%-10s %2s %-9s %-9s %10.0f %7s %7s %9s %6s %7s %5s %8s %4s %4s\n' \
					    "$wl" "$wk" "$mo" "$r" "$rps" \
					    "$(median peak 9 "$wl" "$wk" "$mo" "$r")" \
					    "$(median peak 10 "$wl" "$wk" "$mo" "$r")" \
					    "$(median lat 7 "$wl" "$wk" "$mo" "$r")" \
					    "$(median lat 11 "$wl" "$wk" "$mo" "$r")" \
					    "$(median lat 12 "$wl" "$wk" "$mo" "$r")" \
					    "$(median peak 13 "$wl" "$wk" "$mo" "$r")" \
					    "$(median peak 14 "$wl" "$wk" "$mo" "$r")" \
					    "$(median peak 17 "$wl" "$wk" "$mo" "$r")" \
					    "$(median peak 18 "$wl" "$wk" "$mo" "$r")"
				done
				printf '%-10s %2s %-9s ratios (of medians/per pair): slserver/kamailio %s, slserver/bare %s, bare/kamailio %s; p99 slserver/kamailio %s; cpu_us slserver/bare %s\n' \
				    "$wl" "$wk" "$mo" \
				    "$(ratios peak 8 "$wl" "$wk" "$mo" slserver kamailio)" \
				    "$(ratios peak 8 "$wl" "$wk" "$mo" slserver bare)" \
				    "$(ratios peak 8 "$wl" "$wk" "$mo" bare kamailio)" \
				    "$(ratios lat 12 "$wl" "$wk" "$mo" slserver kamailio)" \
				    "$(ratios peak 9 "$wl" "$wk" "$mo" slserver bare)"
				case " $active " in
				*" slserver-limits "*)
					printf '%-10s %2s %-9s limits on/off (of medians/per pair): cpu_us %s, replies/s %s\n' \
					    "$wl" "$wk" "$mo" \
					    "$(ratios peak 9 "$wl" "$wk" "$mo" slserver-limits slserver)" \
					    "$(ratios peak 8 "$wl" "$wk" "$mo" slserver-limits slserver)"
					;;
				esac
			done
		done
	done
	# forwarding against answering: slserver's CPU per transaction
	if [[ " $workloads " == *" forward "* &&
	    " $workloads " == *" invite-ack "* ]]; then
		for wk in $workers_list; do
			for mo in $modes; do
				printf 'forward    %2s %-9s cpu_us slserver forward/invite-ack %s\n' \
				    "$wk" "$mo" "$(ratio \
				    "$(median peak 9 forward "$wk" "$mo" slserver)" \
				    "$(median peak 9 invite-ack "$wk" "$mo" slserver)")"
			done
		done
	fi
	# The cost of a transaction: CPU per reply of slserver's stateful
	# workload over its stateless one (INVITE -> 404 + ACK).
	case " $workloads " in
	*" stateful "*)
		case " $workloads " in *" invite-ack "*) ;; *) false ;; esac &&
		for wk in $workers_list; do
			for mo in $modes; do
				printf '%-10s %2s %-9s slserver cpu_us stateful/invite-ack %s\n' \
				    stateful "$wk" "$mo" "$(ratio \
				    "$(median peak 9 stateful "$wk" "$mo" slserver)" \
				    "$(median peak 9 invite-ack "$wk" "$mo" slserver)")"
			done
		done
		;;
	esac
} | tee "$outdir/table.txt"

if [ "$outdir" != "$tmpd/results" ]; then
	note "results in $outdir (results.tsv, table.txt)"
fi
if [ $failures -ne 0 ]; then
	note "$failures run(s) failed"
	exit 1
fi
exit 0
