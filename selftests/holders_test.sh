#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Every reference explained: with a container running (user, pid with its
# own /proc, mount, net with its own sysfs, ipc with an mqueue mount, uts,
# cgroup, time), a net namespace only a socket keeps, an nsfs fd and an nsfs
# bind mount, no namespace the kernel counts may have UNEXPLAINED other than
# 0, and each holder must be named as /proc shows it. Run with nsinspect.ko
# loaded. TAP output.
D=/sys/kernel/debug/nsinspect
T=./nsinspect-tool
# shellcheck source=selftests/tap.sh
. "$(dirname "$0")/tap.sh"

echo "TAP version 13"
echo "1..11"

# wait_for FILE: until a background helper has written it.
wait_for() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

rm -f /tmp/c-ready /tmp/holders-leak
mkdir -p /tmp/mq
/usr/bin/unshare --user --map-root-user --pid --fork --mount --net --ipc --uts --cgroup \
	--time --mount-proc sh -c 'mount -t sysfs sysfs /sys; mount -t mqueue mq /tmp/mq
		sleep 1000 & echo ready >/tmp/c-ready; exec sleep 1000' &
container=$!
wait_for /tmp/c-ready
# The container's init (pid 1 inside) is the unshare's child.
cpid=$(child_of $container)
./hold_socket >/tmp/holders-leak &
holder=$!
wait_for /tmp/holders-leak
leaked=$(cat /tmp/holders-leak)
sh -c "exec 9</proc/$cpid/ns/uts; exec sleep 1000" &
fdpid=$!
touch /tmp/ipcpin
mount --bind /proc/"$cpid"/ns/ipc /tmp/ipcpin
sleep 0.5
ns() { stat -L -c %i /proc/"$cpid"/ns/"$1"; }

# 1. Nothing unexplained, wherever the kernel counts. A cred or struct pid
# of a process that just exited still holds its namespace until its RCU
# callback runs: up to 5 snapshots, 1 s apart, one of which must be all 0
# (a holder the model misses is missing in every one).
for try in 1 2 3 4 5; do
	$T list -J >/tmp/list.json
	bad=$(jq -r '.namespaces[] | select(.unexplained != null and .unexplained != 0) |
		"\(.type):[\(.ns)] unexplained=\(.unexplained)"' /tmp/list.json)
	[ -z "$bad" ] && break
	echo "# snapshot $try: $bad"
	sleep 1
done
[ -z "$bad" ] && [ "$(jq '.namespaces | length' /tmp/list.json)" -gt 15 ]
ok $? "every counted namespace has UNEXPLAINED 0" "$bad"
[ -z "$bad" ] || $T holders | sed 's/^/# /'

# 2. The socket holding the otherwise empty net namespace: its pid and fd.
sockfd=
for f in /proc/"$holder"/fd/*; do
	case $(readlink "$f") in socket:*) sockfd=${f##*/} ;; esac
done
grep -q "^type=net inum=$leaked kind=socket pid=$holder fd=$sockfd " $D/holders
ok $? "holders names the socket of pid $holder fd $sockfd" "$(grep "inum=$leaked" $D/holders)"

# 3. check names that process.
$T check -J >/tmp/check.json
jq -r '.findings[] | select(.object == "net:['"$leaked"']") | .problem' /tmp/check.json |
	grep -q "held by a socket of pid $holder (hold_socket) fd $sockfd"
ok $? "check names the process whose socket keeps the net namespace" \
	"$(jq -c '.findings' /tmp/check.json)"

# 4. The open nsfs file.
grep -q "^type=uts inum=$(ns uts) kind=fd pid=$fdpid fd=9 " $D/holders
ok $? "holders names the open nsfs file: pid $fdpid fd 9" "$(grep "kind=fd" $D/holders)"

# 5. The bind mount, under the nsfs inode that holds one reference.
$T holders -J "ipc:$(ns ipc)" >/tmp/holders.json
jq -r '.. | objects | select(.holder? == "bind mount") | .what' /tmp/holders.json |
	grep -q " at /tmp/ipcpin "
ok $? "holders lists the bind mount at /tmp/ipcpin" "$(cat /tmp/holders.json)"

# 6. The container's /proc holds its pid namespace.
grep "fstype=proc " $D/mounts | grep -q " sbns=pid:$(ns pid) "
ok $? "the container's proc superblock holds its pid namespace" \
	"$(grep 'fstype=proc ' $D/mounts)"

# 7. sysfs holds the net namespace's passive count: 1 while it lives, +1
# (from 6.12 every kernel socket holds one too: at least that many).
net=$(ns net)
passive=$(grep "^type=net inum=$net " $D/namespaces | grep -o ' passive=[0-9]*' | cut -d= -f2)
sysfs=$(grep "fstype=sysfs " $D/mounts | grep " sbns=net:$net " | awk '{ print $4 }' | sort -u |
	wc -l)
[ "$sysfs" -eq 1 ] && [ "$passive" -ge $((1 + sysfs)) ]
ok $? "net passive=$passive: itself and $sysfs sysfs superblock, at least" \
	"$(grep sysfs $D/mounts)"

# 8. The ipc namespace's mqueue superblock is linked to it.
grep "fstype=mqueue " $D/mounts | grep -q " sbns=ipc:$(ns ipc) "
ok $? "the container's mqueue superblock is linked to its ipc namespace" \
	"$(grep 'fstype=mqueue ' $D/mounts)"

# 9. The user namespace's holders add up: creds, mms, ucounts, superblocks,
# owned namespaces, and nothing else.
user=$(ns user)
$T holders -J "user:$user" >/tmp/holders.json
sum=$(jq '[.. | objects | select(.holder? != null and .holder != "user:['"$user"']") |
	.refs // 0] | add' /tmp/holders.json)
refs=$(grep "^type=user inum=$user " $D/namespaces | grep -o ' refs=[0-9]*' | cut -d= -f2)
[ -n "$refs" ] && [ "$sum" = "$refs" ]
ok $? "user:[$user] holders add up to refs=$refs" "$(cat /tmp/holders.json)"

# 10. overlayfs' layer clones are linked to their overlay mount.
mkdir -p /tmp/ovl
mount -t tmpfs ovl /tmp/ovl
mkdir -p /tmp/ovl/l1 /tmp/ovl/l2 /tmp/ovl/u /tmp/ovl/w /tmp/ovl/m
mount -t overlay nsi-ovl -o lowerdir=/tmp/ovl/l1:/tmp/ovl/l2,upperdir=/tmp/ovl/u,workdir=/tmp/ovl/w \
	/tmp/ovl/m
ovl=$(awk '$5 == "/tmp/ovl/m" { print $1 }' /proc/self/mountinfo)
$T mounts --all -J >/tmp/mounts.json
layers=$(jq -r '.. | objects | select(.layer? != null) | .layer' /tmp/mounts.json | sort | uniq -c |
	awk '{ $1 = $1; print }' | tr '\n' ';')
[ "$layers" = "2 lower of $ovl;1 upper of $ovl;" ]
ok $? "the overlay's 2 lower and 1 upper clones read 'lower/upper of $ovl'" "$layers"
umount /tmp/ovl/m /tmp/ovl

# 11. A CPU's idle thread runs on the address space of the last user task
# there (lazy TLB) and keeps it after that task exits: its mm_struct holds
# mm->user_ns on. One task exits on CPU 1, then this shell, pinned to CPU 0,
# reads while no user task runs on CPU 1. As in 1, up to 5 tries: the
# superblocks unmounted just before put their user namespace after RCU.
# 7.x's exec_state, not the mm, holds the namespace: lazy_mms is - there.
lazy_ok() {
	if grep -q '^feature=lazy_mms state=available' $D/version; then
		[ -n "$lazy" ] && [ "$lazy" -ge 1 ] && [ "$unexpl" = 0 ]
	else
		# (where the kernel counts the initial namespace at all)
		[ "$lazy" = - ] && { [ "$unexpl" = 0 ] || [ "$unexpl" = null ]; }
	fi
}
for try in 1 2 3 4 5; do
	taskset -c 0 sh -c 'taskset -c 1 sh -c :
		grep "^type=user inum=4026531837 " '"$D"'/namespaces >/tmp/lazy.ns
		'"$T"' list -J >/tmp/lazy.json'
	lazy=$(sed -n 's/.* lazy_mms=\([0-9-]*\).*/\1/p' /tmp/lazy.ns)
	unexpl=$(jq '.namespaces[] | select(.type == "user" and .ns == 4026531837) |
		.unexplained' /tmp/lazy.json)
	lazy_ok && break
	echo "# try $try: lazy_mms=$lazy unexplained=$unexpl"
	sleep 1
done
lazy_ok
ok $? "an exited task's mm kept by idle CPU 1: lazy_mms=$lazy, init user ns unexplained $unexpl" \
	"$(cat /tmp/lazy.ns)"

umount /tmp/ipcpin
# The container's init takes its pid namespace down with it; the tests
# after this one must not find its namespaces.
kill -KILL "$cpid" $holder $fdpid 2>/dev/null
wait 2>/dev/null
i=0
while grep -q "^type=net inum=$net refs=[1-9]" $D/namespaces && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
grep "^type=net inum=$net " $D/namespaces | sed 's/^/# left: /'
$T holders "net:$net" 2>/dev/null | sed 's/^/# left: /'
exit $failed
