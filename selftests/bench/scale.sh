#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make bench`, second run: the sizes of large machines, in a
# VM with 240 possible CPUs. Prints "scale key=value ..." lines:
#   what=read    a file and the kernel's own reader of the same objects,
#                timed by turns (ours_us, kernel_us, their ratio), and our
#                snapshot's max_hold_us and max_hold_at
#   what=victim  the worst latency of a victim loop (mount+umount, or
#                fork+exit) while our file is read in a loop, while the
#                kernel's reader is, and alone
#   what=tool    the tool's time over a raw read of the file it reads
#   what=trace   open+close on a watched mount against an unwatched one
cd "$(dirname "$0")" || exit 1
D=/sys/kernel/debug/nsinspect
REPS=${REPS:-3}
export PATH="$PWD:$PATH"

insmod ./nsinspect.ko || exit 1
# fs.mount-max (100,000 by default) counts a namespace's mounts: 100,000
# of them and the namespace's own would fail the last mount with ENOSPC.
# kernel.threads-max is sized from memory (about 32,000 in a 4G guest),
# and each thread's stack and guard are two of vm.max_map_count's 65,530.
echo 1000000 >/proc/sys/fs/mount-max
echo 200000 >/proc/sys/kernel/threads-max
echo 262144 >/proc/sys/vm/max_map_count
echo "scale what=machine possible=$(cat /sys/devices/system/cpu/possible)" \
	"online=$(cat /sys/devices/system/cpu/online)"

# Each load says how long it took to build and to take down, so that a
# stage that runs long shows where.
start_load() {
	rm -f /tmp/ready
	t0=$(date +%s)
	scale_load "$@" >/tmp/ready 2>/tmp/load.err &
	load=$!
	until grep -q '^ready' /tmp/ready 2>/dev/null; do
		kill -0 "$load" 2>/dev/null || { cat /tmp/load.err; return 1; }
		sleep 0.5
	done
	echo "scale what=load kind=$1 n=$2 build_s=$(($(date +%s) - t0))"
}

stop_load() {
	t0=$(date +%s)
	kill "$load"
	wait "$load"
	echo "scale what=load teardown_s=$(($(date +%s) - t0))"
}

# hold FILE: "max_hold_us=N max_hold_at=NAME" of one read of FILE.
hold() {
	head -n 3 "$D/$1" | sed -n 's/^# snapshot .*\(max_hold_us=[0-9]*\) \(max_hold_at=[^ ]*\).*/\1 \2/p'
}

# read OBJECTS N FILE LABEL KERNEL_CMD...: our file against the kernel's
# reader, named LABEL.
read_vs() {
	objects=$1 n=$2 file=$3 label=$4
	shift 4
	timeit "$REPS" cat "$D/$file" -- "$@" >/tmp/t
	ours=$(sed -n 1p /tmp/t | sed 's/^median_us=\([0-9]*\).*/\1/')
	theirs=$(sed -n 2p /tmp/t | sed 's/^median_us=\([0-9]*\).*/\1/')
	ratio=$(sed -n 's/^ratio median=\([0-9.]*\).*/\1/p' /tmp/t)
	echo "scale what=read objects=$objects n=$n file=$file kernel=$label ours_us=$ours" \
		"kernel_us=$theirs ratio=$ratio $(hold "$file")"
}

# victim OBJECTS N VICTIM OURS_CMD -- KERNEL_CMD: the victim's worst
# latency under a loop of each reader, and alone.
victim() {
	objects=$1 n=$2 v=$3
	shift 3
	ours=$1 theirs=$3
	worst() { sed -n 's/.*worst_us=//p'; }
	( while :; do sh -c "$ours" >/dev/null 2>&1; done ) &
	r=$!
	w1=$(eval "$v" | worst)
	kill $r
	wait $r 2>/dev/null
	( while :; do sh -c "$theirs" >/dev/null 2>&1; done ) &
	r=$!
	w2=$(eval "$v" | worst)
	kill $r
	wait $r 2>/dev/null
	w0=$(eval "$v" | worst)
	echo "scale what=victim objects=$objects n=$n victim=$(echo "$v" | cut -d' ' -f2)" \
		"under_ours_us=$w1 under_kernel_us=$w2 alone_us=$w0"
}

# --- mounts of one superblock ------------------------------------------------
for n in ${SCALE_BINDS:-20000 100000}; do
	start_load binds "$n" /tmp/s || continue
	read_vs binds "$n" mounts mountinfo cat "/proc/$load/mountinfo"
	victim binds "$n" "scale_load churn 5 /tmp/c" "cat $D/mounts" -- \
		"cat /proc/$load/mountinfo"
	timeit "$REPS" nsinspect-tool mounts --all -o TARGET,SOURCE,FSTYPE,COUNT,WRITERS -- \
		cat "$D/mounts" >/tmp/t
	echo "scale what=tool objects=binds n=$n command=mounts" \
		"ratio=$(sed -n 's/^ratio median=\([0-9.]*\).*/\1/p' /tmp/t)"
	stop_load
done

# --- superblocks, all in one namespace ------------------------------------------
for n in ${SCALE_SBS:-8000 100000}; do
	start_load tmpfs "$n" /tmp/s || continue
	read_vs superblocks "$n" mounts mountinfo cat "/proc/$load/mountinfo"
	stop_load
done

# --- threads ---------------------------------------------------------------------
for n in ${SCALE_THREADS:-50000}; do
	start_load threads "$n" || continue
	read_vs threads "$n" namespaces ls-task ls "/proc/$load/task"
	victim threads "$n" "scale_load forks 5" "cat $D/namespaces" -- "ls /proc/$load/task"
	timeit "$REPS" nsinspect-tool list -o NS,TYPE,TASKS,REFS,VIA,COMMAND -- \
		cat "$D/namespaces" >/tmp/t
	echo "scale what=tool objects=threads n=$n command=list" \
		"ratio=$(sed -n 's/^ratio median=\([0-9.]*\).*/\1/p' /tmp/t)"
	stop_load
done

# --- a process with a million open files ----------------------------------------
for n in ${SCALE_FDS:-1000000}; do
	start_load fds "$n" || continue
	read_vs fds "$n" namespaces ls-fd ls "/proc/$load/fd"
	stop_load
done

# --- a traced get and put on a mount ----------------------------------------------
mkdir -p /tmp/tw /tmp/tu
mount -t tmpfs tw /tmp/tw
mount -t tmpfs tu /tmp/tu
: >/tmp/tw/f
: >/tmp/tu/f
mid=$(awk '$5 == "/tmp/tw" { print $1 }' /proc/self/mountinfo)
opens=${SCALE_OPENS:-2000}
: >/tmp/ratios
for _ in $(seq "$REPS"); do
	echo "watch mount $mid" >$D/trace_control || break
	w=$(scale_load opens "$opens" /tmp/tw/f | sed 's/us=//')
	u=$(scale_load opens "$opens" /tmp/tu/f | sed 's/us=//')
	echo clear >$D/trace_control
	echo "$w $u" >>/tmp/ratios
done
sort -n /tmp/ratios | awk -v n="$opens" '{ w[NR] = $1; u[NR] = $2 } END {
	m = int((NR + 1) / 2)
	printf "scale what=trace objects=opens n=%d watched_us=%d unwatched_us=%d ratio=%.2f per_hit_us=%.2f\n",
		n, w[m], u[m], w[m] / u[m], (w[m] - u[m]) / (2 * n) }'
umount /tmp/tw /tmp/tu

grep '^stat=' "$D/version" | sed 's/^/scale what=module /'
rmmod nsinspect
