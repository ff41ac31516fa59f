#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What a kernel does not count, and what has no number: the initial
# namespaces' references (not counted from 6.19), and anonymous mount
# namespaces (inum 0 up to 6.17, MNT_NS_ANON_INO on 6.18, is_anon from
# 6.19), which must read the same on every kernel. Run with nsinspect.ko
# loaded. TAP output.
D=/sys/kernel/debug/nsinspect
# shellcheck source=selftests/tap.sh
. "$(dirname "$0")/tap.sh"

echo "TAP version 13"
echo "1..2"

# refs of PID 1's namespaces: "-" where the kernel counts no references to
# initial namespaces (it has active references then), a number elsewhere;
# but the initial pid namespace, which get_pid_ns() never counted.
if grep -q '^feature=active_refs state=available' $D/version; then
	want='-'
else
	want='[0-9][0-9]*'
fi
bad=
for t in uts ipc net pid cgroup time user mnt; do
	i=$(stat -L -c %i /proc/1/ns/$t)
	rec=$(grep "^type=$t inum=$i " $D/namespaces)
	w=$want
	[ $t = pid ] && w='-'
	echo "$rec" | grep -q " refs=$w " || bad="$bad $t:$(echo "$rec" | grep -o ' refs=[^ ]*')"
done
ok "$([ -z "$bad" ]; echo $?)" "initial namespaces: refs=$want" "$bad"

mkdir -p /tmp/anon-src
mount -t tmpfs anon-src /tmp/anon-src
./hold_anon_tree /tmp/anon-src >/tmp/anon-ok &
holder=$!
i=0
while [ ! -s /tmp/anon-ok ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
dev=$(awk '$5 == "/tmp/anon-src" { print $3 }' /proc/self/mountinfo)
recs=$(grep " dev=$dev " $D/mounts)
echo "$recs" | grep -q "^mntns=anon " &&
	[ "$(echo "$recs" | grep -c '^mntns=[0-9]')" -eq 1 ]
ok $? "open_tree(OPEN_TREE_CLONE) clone reads mntns=anon" "$recs"
kill $holder
wait $holder 2>/dev/null
umount /tmp/anon-src
exit $failed
