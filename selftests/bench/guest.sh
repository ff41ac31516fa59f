#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make bench`: grows the workloads step by step and, at each
# size, times nsinspect against the tools a user would otherwise run, all in
# this one VM run. Prints one line per measurement:
#   bench kind=K n=N what=W median_us=X min_us=X max_us=X [extra=...]
# and, for each comparison, one with the ratio of the two in each round:
#   bench kind=K n=N what=ratio-W median=X min=X max=X
cd "$(dirname "$0")" || exit 1
D=/sys/kernel/debug/nsinspect
REPS=${REPS:-9}
export PATH="$PWD:$PATH"

insmod ./nsinspect.ko || exit 1

# header KEY FILE: a value from the "# snapshot" line of a fresh read.
header() {
	sed -n "s/^# snapshot .*$1=\([0-9]*\).*/\1/p" "$2" | head -n 1
}

# Time commands in rounds, each once per round, so that a slow stretch of
# the shared host touches them all alike; the first two are compared.
rounds() {	# kind n name... : cmd -- cmd -- ...
	kind=$1 n=$2 names=
	shift 2
	while [ "$1" != : ]; do
		names="$names $1"
		shift
	done
	shift
	timeit "$REPS" "$@" >/tmp/rounds || { echo "bench kind=$kind n=$n failed:$names"; return; }
	# shellcheck disable=SC2086 # the command names, one word each
	set -- $names
	first=$1
	while read -r line; do
		case $line in
		ratio*) echo "bench kind=$kind n=$n what=ratio-$first ${line#ratio }" ;;
		*) echo "bench kind=$kind n=$n what=$1 $line"; shift ;;
		esac
	done </tmp/rounds
}

# Read a file once more and report its snapshot's records, hold and memory.
snapstat() {	# kind n file
	cat "$D/$3" >/tmp/snap
	echo "bench kind=$1 n=$2 what=snap-$3 records=$(header records /tmp/snap)" \
		"took_us=$(header took_us /tmp/snap) max_hold_us=$(header max_hold_us /tmp/snap)" \
		"bytes=$(header bytes /tmp/snap)"
}

tasks_now() {
	cat "$D/tasks" >/tmp/snap
	header tasks /tmp/snap
}

# --- the reference tracer ------------------------------------------------------
# Sockets opened and closed in a traced net namespace against the same in an
# untraced one, by turns, each loop timed by itself (no fork or exec in the
# figure): every socket is one get and one put on the traced count. The
# ledger is cleared and re-armed each round, so no hit finds the ring full.
# Reported: each side's times, their ratio, and the cost of one traced get or
# put, (traced - untraced) / (2 * sockets).
stats() {	# what: lines of us=N on stdin
	sort -n | awk -v w="$1" -v k="$2" -v n="$3" '{ v[NR] = $1 }
		END { printf "bench kind=%s n=%s what=%s median_us=%d min_us=%d max_us=%d\n",
			k, n, w, v[int((NR + 1) / 2)], v[1], v[NR] }'
}
if [ -x trace_sockets ]; then
	socks=${BENCH_TRACE_SOCKETS:-1000}
	unshare -n sleep 1000 &
	ta=$!
	unshare -n sleep 1000 &
	tb=$!
	sleep 1
	ia=$(stat -L -c %i /proc/$ta/ns/net)
	: >/tmp/traced
	: >/tmp/untraced
	: >/tmp/ratio
	: >/tmp/hit
	for r in $(seq "$REPS"); do
		echo "watch net $ia" >$D/trace_control || break
		t=$(nsenter -t $ta -n trace_sockets -t "$socks" | sed 's/us=//')
		u=$(nsenter -t $tb -n trace_sockets -t "$socks" | sed 's/us=//')
		grep '^object=' $D/trace | sed 's/^/# round '"$r"': /'
		echo clear >$D/trace_control
		echo "$t" >>/tmp/traced
		echo "$u" >>/tmp/untraced
		awk -v t="$t" -v u="$u" 'BEGIN { printf "%.6f\n", t / u }' >>/tmp/ratio
		awk -v t="$t" -v u="$u" -v n="$socks" 'BEGIN { printf "%.6f\n", (t - u) / (2 * n) }' >>/tmp/hit
	done
	stats traced trace "$socks" </tmp/traced
	stats untraced trace "$socks" </tmp/untraced
	sort -n /tmp/ratio | awk -v n="$socks" '{ v[NR] = $1 } END {
		printf "bench kind=trace n=%s what=ratio-traced median=%.2f min=%.2f max=%.2f\n",
			n, v[int((NR + 1) / 2)], v[1], v[NR] }'
	sort -n /tmp/hit | awk -v n="$socks" '{ v[NR] = $1 } END {
		printf "bench kind=trace n=%s what=per-hit-us median=%.2f min=%.2f max=%.2f\n",
			n, v[int((NR + 1) / 2)], v[1], v[NR] }'
	kill $ta $tb
	wait $ta $tb 2>/dev/null
fi

# --- N tasks in N/10 namespace sets ------------------------------------------
for n in ${BENCH_TASKS:-1000 2000 4000 8000}; do
	have=$(tasks_now)
	if [ "$have" -lt "$n" ]; then
		workload tasks $(((n - have + 9) / 10)) >/tmp/ready &
		workers="$workers $!"
		while ! grep -q ready /tmp/ready 2>/dev/null; do sleep 0.2; done
		# The sets' last tasks may still be forking.
		while [ "$(tasks_now)" -lt "$n" ]; do sleep 0.5; done
		rm -f /tmp/ready
	fi
	n=$(tasks_now)
	# The same six columns lsns prints by default, in place of its
	# NPROCS PID USER: tasks, references and how each was reached.
	rounds tasks "$n" lsns nsinspect-list cat-tasks cat-namespaces cat-nsproxies \
		nsinspect-metrics : \
		lsns -- nsinspect-tool list -o NS,TYPE,TASKS,REFS,VIA,COMMAND -- \
		cat "$D/tasks" -- cat "$D/namespaces" -- cat "$D/nsproxies" -- \
		nsinspect-tool metrics
	for f in tasks namespaces nsproxies; do
		snapstat tasks "$n" "$f"
	done
done
# shellcheck disable=SC2086 # a list of pids, one word each (sh has no arrays)
kill -TERM $workers
# shellcheck disable=SC2086 # as above
wait $workers

# --- M mounts over many mount namespaces --------------------------------------
per=100
for m in ${BENCH_MOUNTS:-1000 2000 4000 8000 16000}; do
	while [ "$(grep -c '^mntns=[0-9]' "$D/mounts")" -lt "$m" ]; do
		workload mounts "$per" >/tmp/ready &
		while ! grep -q ready /tmp/ready 2>/dev/null; do sleep 0.1; done
		rm -f /tmp/ready
	done
	m=$(grep -c '^mntns=[0-9]' "$D/mounts")
	# One task per mount namespace, for findmnt --task.
	pids=$(awk '/^pid=/ { split($0, f, " "); for (i in f) if (f[i] ~ /^mnt=/) m = f[i];
		split($1, p, "="); if (!(m in seen)) { seen[m] = 1; printf "%s ", p[2] } }' "$D/tasks")
	echo "bench kind=mounts n=$m what=namespaces count=$(echo "$pids" | wc -w)"
	# findmnt's four default columns, with counts in place of options.
	# shellcheck disable=SC2016 # $0 is expanded by the inner sh
	rounds mounts "$m" findmnt-loop nsinspect-mounts cat-mounts nsinspect-metrics : \
		sh -c 'for p in $0; do findmnt --task "$p"; done' "$pids" -- \
		nsinspect-tool mounts --all -o TARGET,SOURCE,FSTYPE,COUNT,WRITERS -- \
		cat "$D/mounts" -- nsinspect-tool metrics
	snapstat mounts "$m" mounts
done

grep '^stat=' "$D/version" | sed 's/^/bench kind=module /'
rmmod nsinspect
