#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Never block behind a superblock (issue 13, section 3): while a superblock's
# s_umount is held for write indefinitely, the mounts file still reads in its
# normal time. An ext4 on a device-mapper linear target over a brd ramdisk
# gets dirty data, the target is suspended with --nolockfs, and then
#   A. `mount -o remount,ro` syncs with s_umount held for write; the mount
#      still exists, so the mounts file must also list it;
#   B. `umount` (the last mount) syncs in deactivate_super(), s_umount held
#      for write; the mount itself is already gone from the superblock.
# Each time a read of mounts must finish within NSI_STUCK_WAIT seconds (20).
# Then the target is resumed, the sync finishes, and everything is undone.
#
# Needs brd, dm-mod, ext4 (and jbd2, mbcache, crc16, crc32c) from the
# payload's kmod/ (scripts/check-lib.sh puts them there) or built in, and
# dmsetup and mkfs.ext4 from the host (selftests/vm/run.sh copies them in).
# Skips (exit 4) when any is missing. TAP output; the figures go out as
# "# stuck: ..." lines.
D=/sys/kernel/debug/nsinspect
KMOD=${NSI_KMOD_DIR:-$PWD/kmod}
WAIT=${NSI_STUCK_WAIT:-20}
MNT=/tmp/nsi-stuck
DM=nsi-stuck
TMP=/tmp/nsi-stuck.d
HUNG=/proc/sys/kernel/hung_task_timeout_secs
# No udev in the guest: libdevmapper makes the /dev/mapper nodes itself.
export DM_DISABLE_UDEV=1
# ok, n and failed
# shellcheck source=selftests/tap.sh
. "$(dirname "$0")/tap.sh"
loaded=
suspended=0
hung_old=
bg=

skip_all() {
	echo "1..0 # SKIP $*"
	cleanup
	exit 4
}

# Centiseconds since boot.
cs() {
	read -r up _ </proc/uptime
	echo "${up%.*}${up#*.}"
}

secs() {	# centiseconds -> seconds with two decimals
	printf '%d.%02d' $(($1 / 100)) $(($1 % 100))
}

dms() {
	dmsetup --noudevsync "$@"
}

# load NAME FILE [PARAM...]: insmod kmod/FILE.ko unless NAME is loaded; a
# module the payload does not carry must be built in (checked afterwards).
load() {
	name=$1
	f=$KMOD/$2.ko
	shift 2
	grep -q "^$name " /proc/modules && return 0
	[ -e "$f" ] || return 0
	insmod "$f" "$@" || return 1
	loaded="$name $loaded"
}

cleanup() {
	[ -n "$bg" ] && kill "$bg" 2>/dev/null
	if [ "$suspended" = 1 ]; then
		dms resume "$DM"
		suspended=0
	fi
	wait 2>/dev/null
	if grep -q " $MNT " /proc/mounts; then
		umount "$MNT" || umount -l "$MNT"
	fi
	rmdir "$MNT" 2>/dev/null
	dms info "$DM" >/dev/null 2>&1 && dms remove "$DM"
	for m in $loaded; do
		rmmod "$m" || echo "# rmmod $m failed"
	done
	loaded=
	[ -n "$hung_old" ] && echo "$hung_old" >$HUNG
	hung_old=
	rm -rf "$TMP"
}
trap 'cleanup; exit 1' INT TERM

echo "TAP version 13"
rm -rf "$TMP" && mkdir -p "$TMP"

# --- what the test needs --------------------------------------------------
for t in dmsetup mkfs.ext4; do
	command -v $t >/dev/null || skip_all "no $t in the guest"
done
# The CRC helpers ext4 and jbd2 may want: crc32c_generic up to 6.14, the
# crc32c shash after; ext4's own insmod or mount tells if one was needed.
for m in crc16 crc32c_generic crc32c; do
	load $m $m || echo "# insmod $KMOD/$m.ko failed"
done
for m in mbcache jbd2 ext4; do
	load $m $m || skip_all "insmod $KMOD/$m.ko failed"
done
load brd brd rd_nr=1 rd_size=65536 || skip_all "insmod $KMOD/brd.ko failed"
load dm_mod dm-mod || skip_all "insmod $KMOD/dm-mod.ko failed"
grep -qw ext4 /proc/filesystems || skip_all "no ext4 in this kernel"
[ -b /dev/ram0 ] || skip_all "no /dev/ram0 (brd)"
[ -c /dev/mapper/control ] || skip_all "no /dev/mapper/control (dm-mod)"
grep -q '^# unavailable:' $D/mounts && skip_all "the mounts walk is unavailable on this kernel"

echo "1..9"
# Both the blocked writer and, on a faulty module, the reader sit in D state
# for up to WAIT seconds: keep the hung-task panic (20 s in the VM) away.
if [ -w $HUNG ]; then
	hung_old=$(cat $HUNG)
	[ "$hung_old" -ne 0 ] && [ "$hung_old" -lt $((WAIT * 3 + 30)) ] &&
		echo $((WAIT * 3 + 30)) >$HUNG
fi

# --- the filesystem -------------------------------------------------------
sectors=$(cat /sys/block/ram0/size)
rc=0
{
	dms create "$DM" --table "0 $sectors linear /dev/ram0 0" &&
		mkfs.ext4 -q -F -E nodiscard "/dev/mapper/$DM" &&
		mkdir -p "$MNT" && mount -t ext4 "/dev/mapper/$DM" "$MNT"
} >"$TMP/setup" 2>&1 || rc=1
majmin=$(dms info -c --noheadings -o major,minor --separator : "$DM" 2>/dev/null | tr -d ' ')
ok $rc "ext4 on dm-linear over brd (${sectors} sectors, dev $majmin) mounted" \
	"$(cat "$TMP/setup")"
[ $rc -eq 0 ] || { cleanup; exit 1; }

# timed_read OUT: read mounts into OUT in the background and wait up to
# WAIT s; sets took (centiseconds waited) and done (1 if it finished).
timed_read() {
	rm -f "$TMP/read.rc"
	t0=$(cs)
	(cat $D/mounts >"$1" 2>"$1.err"; echo $? >"$TMP/read.rc.tmp";
		mv "$TMP/read.rc.tmp" "$TMP/read.rc") &
	rpid=$!
	while [ ! -e "$TMP/read.rc" ] && [ $(($(cs) - t0)) -lt $((WAIT * 100)) ]; do
		sleep 0.02
	done
	took=$(($(cs) - t0))
	done=0
	[ -e "$TMP/read.rc" ] && [ "$(cat "$TMP/read.rc")" = 0 ] && done=1
}

# Wait for the read started by timed_read; how long it took in all.
finish_read() {
	wait "$rpid"
	took_all=$(($(cs) - t0))
}

# writer CMD...: run CMD in the background, its exit status into writer.rc;
# sets bg (the waiting subshell) and wpid (CMD's own pid), a second later.
writer() {
	rm -f "$TMP/writer.pid" "$TMP/writer.rc"
	("$@" &
		echo $! >"$TMP/writer.pid"
		wait $!
		echo $? >"$TMP/writer.rc") &
	bg=$!
	sleep 1
	wpid=$(cat "$TMP/writer.pid")
}

# is_blocked PID: in D state, its stack in a sync under s_umount.
is_blocked() {
	st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)
	stack=$(awk '{ print $2 }' "/proc/$1/stack" 2>/dev/null | tr '\n' ' ')
	[ "$st" = D ]
}

# took_us of the module's own header.
took_us() {
	sed -n 's/^# snapshot .*took_us=\([0-9]*\).*/\1/p' "$1"
}

# stuck_read SCENARIO DURING WHAT CMD...: with the device suspended, CMD
# (WHAT) blocks in a sync with s_umount held for write; a mounts read must
# finish within WAIT s all the same, while DURING. Then resumes the device
# and waits for both; the read is in $TMP/stuck-SCENARIO.
stuck_read() {
	sr_name=$1
	sr_during=$2
	sr_what=$3
	shift 3
	dms suspend --nolockfs "$DM" && suspended=1
	writer "$@"
	is_blocked "$wpid"
	ok $? "$sr_name: $sr_what blocks in sync with s_umount held for write" \
		"state=$st stack: $stack"
	echo "# stuck: $sr_name writer stack: $stack"
	timed_read "$TMP/stuck-$sr_name"
	ok $((1 - done)) "$sr_name: mounts reads within ${WAIT}s while $sr_during" \
		"read did not finish in $(secs "$took") s (rc=$(cat "$TMP/read.rc" 2>/dev/null)) $(cat "$TMP/stuck-$sr_name.err")"
	dms resume "$DM" && suspended=0
	finish_read
	wait "$bg"
	bg=
	echo "# stuck: $sr_name read $(secs "$took") s while stuck (done=$done), $(secs "$took_all") s until finished; normal $(secs "$normal") s"
}

# Normal read time: the slowest of three.
normal=0
for _ in 1 2 3; do
	timed_read "$TMP/normal"
	finish_read
	[ "$took_all" -gt "$normal" ] && normal=$took_all
done
echo "# stuck: normal read ${normal}0 ms (slowest of 3; module took_us=$(took_us "$TMP/normal"))"

# --- A: remount,ro blocked in sync with s_umount held for write -----------
dd if=/dev/zero of="$MNT/dirty" bs=1M count=8 2>/dev/null
stuck_read A "s_umount is held for write" remount,ro mount -o remount,ro "$MNT"
# Fields in any order: dev=MAJ:MIN fstype=ext4 mountpoint=MNT.
rec=$(awk -v dev="dev=$majmin" -v mnt="mountpoint=$MNT" '!/^#/ {
	d = f = m = 0
	for (i = 1; i <= NF; i++) {
		d = d || $i == dev
		f = f || $i == "fstype=ext4"
		m = m || $i == mnt
	}
	if (d && f && m)
		print
}' "$TMP/stuck-A")
[ -n "$rec" ] && [ "$done" = 1 ]
ok $? "A: that read lists the ext4 mount (dev=$majmin fstype=ext4 mountpoint=$MNT)" \
	"$(grep -c . "$TMP/stuck-A") lines read; record: ${rec:-none}"
[ "$(cat "$TMP/writer.rc" 2>/dev/null)" = 0 ] && grep " $MNT " /proc/mounts | grep -q ' ro[ ,]'
ok $? "A: remount,ro finishes after resume" "$(grep " $MNT " /proc/mounts)"

# --- B: the last umount blocked in sync, in deactivate_super() ------------
mount -o remount,rw "$MNT"
dd if=/dev/zero of="$MNT/dirty2" bs=1M count=8 2>/dev/null
stuck_read B "the last umount syncs" umount umount "$MNT"
[ "$(cat "$TMP/writer.rc" 2>/dev/null)" = 0 ] && ! grep -q " $MNT " /proc/mounts
ok $? "B: umount finishes after resume" "$(grep " $MNT " /proc/mounts)"

# --- undo everything ----------------------------------------------------------
rc=0
dms remove "$DM" || rc=1
for m in $loaded; do
	rmmod "$m" || { rc=1; echo "# rmmod $m failed"; }
done
loaded=
ok $rc "dm target removed and modules unloaded"
cleanup
exit $failed
