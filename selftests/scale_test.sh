#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# No walk may grow faster than what it walks, and reading may not stall the
# machine. Each file is read at N and at 4N objects in this one VM run; its
# time and its longest hold (max_hold_us: RCU, spinlock or mount_lock) may
# grow 6x at most, linear being 4x (a quadratic walk grows 16x). Figures
# under a floor are TCG's noise more than the walk's, so the floor stands in
# for them: a hold of 1 ms, the RCU slice, and a read of 20 ms. Then, at
# 4N mounts, a mount+umount loop's worst pair while `mounts` is read in a
# loop must be within 2x (+10 ms) of the same while mountinfo is.
#
# The suite's VM has 240 possible CPUs (-smp 2,maxcpus=240), as servers
# have hundreds: a walk that sums per-CPU counters over them shows here.
cd "$(dirname "$0")" || exit 1
# shellcheck source=selftests/tap.sh
. ./tap.sh
export PATH="$PWD:$PATH"
D=/sys/kernel/debug/nsinspect
N=${NSI_SCALE_N:-5000}

echo "TAP version 13"
echo "1..14"
echo "# possible CPUs: $(cat /sys/devices/system/cpu/possible), online: $(cat /sys/devices/system/cpu/online)"

# start_load ARGS...: scale_load ARGS in the background, until it is ready.
start_load() {
	rm -f /tmp/scale-ready
	scale_load "$@" >/tmp/scale-ready 2>/tmp/scale-err &
	load=$!
	until grep -q '^ready' /tmp/scale-ready 2>/dev/null; do
		kill -0 "$load" 2>/dev/null || { cat /tmp/scale-err; return 1; }
		sleep 0.2
	done
}

stop_load() {
	kill "$load"
	wait "$load"
}

# measure FILE: t, the median time of 3 reads in us, and h, the median of
# their max_hold_us, held at section "at".
measure() {
	t=$(timeit 3 cat "$D/$1" | sed -n 's/^median_us=\([0-9]*\).*/\1/p' | head -n 1)
	hat=$(for _ in 1 2 3; do
		head -n 3 "$D/$1" |
			sed -n 's/^# snapshot .*max_hold_us=\([0-9]*\) max_hold_at=\([^ ]*\).*/\1 \2/p'
	done | sort -n | sed -n 2p)
	h=${hat% *}
	at=${hat#* }
}

# grows WHAT FILE SMALL_T SMALL_H BIG_T BIG_H: the 6x bound, with floors.
grows() {
	awk -v t1="$3" -v h1="$4" -v t4="$5" -v h4="$6" 'BEGIN {
		t1 = t1 < 20000 ? 20000 : t1; h1 = h1 < 1000 ? 1000 : h1
		exit !(t4 <= 6 * t1 && h4 <= 6 * h1)
	}'
	ok $? "$1: reading $2 at 4x the objects grows 6x at most" \
		"time_us $3 -> $5, max_hold_us $4 -> $6 ($at)"
	echo "# $1: $2 time_us $3 -> $5, max_hold_us $4 -> $6 (at $at)"
}

# scaled WHAT FILE SMALL COUNT_CMD LOAD_ARGS...: read FILE with SMALL and 4x that objects
# that LOAD_ARGS (with %N% for the count) makes; COUNT_CMD must then print
# at least that many.
scaled() {
	what=$1 file=$2 small=$3 count=$4
	shift 4
	for size in "$small" $((4 * small)); do
		# shellcheck disable=SC2046 # the load's words, %N% replaced
		if ! start_load $(echo "$@" | sed "s/%N%/$size/"); then
			ok 1 "$what: $size objects made"
			return
		fi
		have=$(sh -c "$count")
		# The first read after a change sizes what the next ones reserve.
		cat "$D/$file" >/dev/null
		measure "$file"
		stop_load
		[ "$size" = "$small" ] && { t1=$t h1=$h have1=$have; }
	done
	[ "$have1" -ge "$small" ] && [ "$have" -ge $((4 * small)) ]
	ok $? \
		"$what: $file lists the $small and $((4 * small)) objects made" "listed $have1, $have"
	grows "$what" "$file" "$t1" "$h1" "$t" "$h"
}

scaled "mounts of one superblock" mounts "$N" \
	"grep -c ' fstype=tmpfs source=scale ' $D/mounts" binds %N% /tmp/scale
scaled "superblocks" mounts $((N / 2)) \
	"grep -c ' fstype=tmpfs source=scale ' $D/mounts" tmpfs %N% /tmp/scale
scaled "threads" namespaces $((N / 2)) \
	"grep -c '^pid=' $D/tasks" threads %N%
scaled "nsfs bind mounts" namespaces $((N / 5)) \
	"grep -cE '^type=uts .* bindmounts=1( |$)' $D/namespaces" nsbinds %N% /tmp/scale

# worst_under FILE: the worst mount+umount of a 3 s churn while FILE is
# read in a loop.
worst_under() {
	( while :; do cat "$1" >/dev/null; done ) &
	reader=$!
	scale_load churn 3 /tmp/churn | sed -n 's/.*worst_us=//p'
	kill "$reader"
	wait "$reader" 2>/dev/null
}

# Reading never stalls mount and umount more than the kernel's own reader.
if start_load binds $((4 * N)) /tmp/scale; then
	# A worst case is one cycle, which a stall of TCG's host can make:
	# the smaller of two rounds of each reader, by turns.
	ours=
	theirs=
	for _ in 1 2; do
		o=$(worst_under "$D/mounts")
		t=$(worst_under "/proc/$load/mountinfo")
		if [ -z "$ours" ] || [ "${o:-0}" -lt "$ours" ]; then ours=$o; fi
		if [ -z "$theirs" ] || [ "${t:-0}" -lt "$theirs" ]; then theirs=$t; fi
	done
	alone=$(scale_load churn 3 /tmp/churn | sed -n 's/.*worst_us=//p')
	echo "# worst mount+umount at $((4 * N)) mounts: ${ours}us reading mounts," \
		"${theirs}us reading mountinfo, ${alone}us alone;" \
		"longest hold since load: $(sed -n 's/^stat=max_hold_ns value=//p' $D/version)ns"
	[ -n "$ours" ] && [ -n "$theirs" ] && [ "$ours" -le $((2 * theirs + 10000)) ]
	ok $? \
		"a mounts reader delays mount+umount at most 2x (+10 ms) what a mountinfo reader does" \
		"worst ${ours}us against ${theirs}us"
	# Mounts made and unmounted elsewhere move mount_lock's seqcount at
	# nearly every cut of the walk's RCU section. The mount read last is
	# still there when no grace period began during the cut (its memory
	# cannot have been freed), or when the mount hash still lists it
	# (6.8 on, with mnt_id_unique), so the walk goes on there rather than
	# stepping again over the thousands it has read.
	# A grace period may begin during any one cut (a debug kernel has
	# many), and a slow kernel may see few cuts under churn: up to five
	# reads, and the place must be kept at least once among them.
	hash=$(sed -n 's/^feature=place_hash state=\([a-z]*\).*/\1/p' $D/version)
	scale_load churn 10 /tmp/churn >/dev/null &
	churn=$!
	sleep 0.5
	kept=0
	lost=0
	reads=0
	while [ $reads -lt 5 ] && [ $kept -eq 0 ]; do
		places=$(head -n 3 $D/mounts | sed -n 's/^# snapshot .*places_lost=\([0-9]*\) places_kept=\([0-9]*\).*/\1 \2/p')
		[ -n "$places" ] || break
		lost=$((lost + ${places% *}))
		kept=$((kept + ${places#* }))
		reads=$((reads + 1))
	done
	kill $churn 2>/dev/null
	wait $churn
	umount /tmp/churn 2>/dev/null
	stop_load
	places="places_lost=$lost places_kept=$kept in $reads reads"
	echo "# mounts under mount churn elsewhere: $places (place_hash $hash)"
	[ "$kept" -gt 0 ]
	ok $? "a walk under mount churn elsewhere keeps its place" "$places"
else
	ok 1 "$((4 * N)) mounts made"
	ok 1 "$((4 * N)) mounts made"
fi

# Last: the dead nets' teardown (cleanup_net()) goes on after the load ends.
scaled "net namespaces" namespaces $((N / 20)) \
	"grep -cE '^type=net .* bindmounts=1( |$)' $D/namespaces" nets %N% /tmp/scale
scaled "net devices" netdevs $((N / 20)) \
	"grep -c ' name=lo state=registered ' $D/netdevs" nets %N% /tmp/scale
exit "$failed"
