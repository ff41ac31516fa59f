#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Mount facts against mountinfo and exact counts: roots of nsfs bind mounts
# and of deleted directories as mountinfo prints them, and counts that hold
# nothing of the reader's. Run with nsinspect.ko loaded. TAP output.
D=/sys/kernel/debug/nsinspect
# ok, n and failed
# shellcheck source=selftests/tap.sh
. "$(dirname "$0")/tap.sh"

# KEY of the record whose mountpoint is $1 in this namespace, from a snapshot
rec() {	# rec MOUNTPOINT KEY
	ns=$(stat -L -c %i /proc/self/ns/mnt)
	grep "^mntns=$ns .* mountpoint=$1 " "$snap" | sed -n "s/.* $2=\([^ ]*\).*/\1/p"
}

# field 4 (root) of mountinfo for mount point $1
mi_root() {
	awk -v mp="$1" '$5 == mp { print $4 }' /proc/self/mountinfo
}

echo "TAP version 13"
echo "1..5"
dir=$(mktemp -d)
snap=$dir/mounts
mkdir "$dir/ns" "$dir/bind" "$dir/gone" "$dir/t"
touch "$dir/ns/net"
mount --bind /proc/self/ns/net "$dir/ns/net"
mount --bind "$dir/gone" "$dir/bind"
rmdir "$dir/gone"
mount -t tmpfs cnt "$dir/t"
touch "$dir/t/a" "$dir/t/b" "$dir/t/c"
sleep 1000 3<"$dir/t/a" 4<"$dir/t/b" 5<"$dir/t/c" &
holder=$!
# Another process with a debugfs file open: its reference counts.
sleep 1000 3<$D/version &
debugfs_holder=$!
# Its shell opens the file before it runs sleep: wait until it has.
i=0
while [ "$(readlink /proc/$debugfs_holder/fd/3 2>/dev/null)" != "$D/version" ] && [ $i -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
cat $D/mounts >"$snap"

want=$(mi_root "$dir/ns/net")
got=$(rec "$dir/ns/net" root)
[ -n "$want" ] && [ "$got" = "$want" ]
ok $? "nsfs bind mount: root as mountinfo prints it ($want)" "nsinspect: $got"

want=$(mi_root "$dir/bind")
got=$(rec "$dir/bind" root)
case $want in */deleted) rc=0 ;; *) rc=1 ;; esac
[ "$got" = "$want" ] || rc=1
ok $rc "bind mount of a deleted directory: root as mountinfo prints it ($want)" "nsinspect: $got"

# Attached: 1, and one for each of the holder's three open files.
got=$(rec "$dir/t" count)
[ "$got" = 4 ]
ok $? "tmpfs with three open files: count=4 exactly" "nsinspect: count=$got"

# debugfs: attached, and the other process's open file; the file the
# snapshot is read through, and the lookup that opened it, are not counted.
got=$(rec /sys/kernel/debug count)
[ "$got" = 2 ]
ok $? "debugfs: count=2, another's open file and none of the reader's" "nsinspect: count=$got"

kill $debugfs_holder
wait $debugfs_holder 2>/dev/null
got=$(sed -n "s|^mntns=$(stat -L -c %i /proc/self/ns/mnt) .* mountpoint=/sys/kernel/debug .* count=\([^ ]*\).*|\1|p" $D/mounts)
[ "$got" = 1 ]
ok $? "debugfs read alone: count=1, attached, and nothing of the reader's" "nsinspect: count=$got"

kill $holder
wait $holder 2>/dev/null
umount "$dir/t" "$dir/bind" "$dir/ns/net"
rm -rf "$dir"
exit $failed
