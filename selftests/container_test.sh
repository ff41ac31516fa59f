#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Containers by name: a runc container, run with runc's own defaults (a
# cgroupfs path named by its id), must be named by its id in pids, list,
# holders and check, and still by a snapshot once the container is gone;
# a task outside it by nothing. Run with nsinspect.ko loaded. TAP output.
T=./nsinspect-tool
# shellcheck source=selftests/tap.sh
. "$(dirname "$0")/tap.sh"

echo "TAP version 13"
echo "1..9"

# An engine's id: 64 hex digits; a runc name ("web") would be named by nothing.
id=$(echo nsinspect-container-test | sha256sum | cut -c1-64)
short=$(echo "$id" | cut -c1-12)
bundle=/tmp/bundle

# The container's cgroup: runc's cgroupfs driver on cgroup v2, which the
# guest's init does not mount.
grep -q "^cgroup2 /sys/fs/cgroup " /proc/mounts || mount -t cgroup2 cgroup2 /sys/fs/cgroup

# A busybox root, and runc's own spec without a terminal, running sleep.
mkdir -p $bundle/rootfs/bin $bundle/rootfs/proc $bundle/rootfs/dev $bundle/rootfs/sys
cp /bin/busybox $bundle/rootfs/bin/busybox
ln -sf busybox $bundle/rootfs/bin/sh
ln -sf busybox $bundle/rootfs/bin/sleep
(cd $bundle && runc spec) || echo "# runc spec failed"
jq '.process.terminal = false | .process.args = ["sleep", "600"] |
	.root.readonly = false' $bundle/config.json >$bundle/config.new &&
	mv $bundle/config.new $bundle/config.json
# The guest's root is the initramfs, which pivot_root cannot leave.
runc run -d --no-pivot -b $bundle "$id" </dev/null >/tmp/runc.out 2>&1
# runc controls devices on cgroup v2 with a BPF program: a kernel without
# CONFIG_CGROUP_BPF (the debug kernel's tinyconfig) cannot run it at all.
if grep -q 'bpf_prog_query(BPF_CGROUP_DEVICE) failed' /tmp/runc.out; then
	i=0
	while [ $i -lt 9 ]; do
		i=$((i + 1))
		echo "ok $i # SKIP runc needs CONFIG_CGROUP_BPF: $(tail -n 1 /tmp/runc.out)"
	done
	exit 0
fi
pid=$(runc state "$id" 2>/dev/null | jq -r .pid)
cgroup=$(cat "/proc/$pid/cgroup" 2>/dev/null)
[ "$cgroup" = "0::/$id" ]
ok $? "runc started container $short in the cgroup /$id" \
	"$(cat /tmp/runc.out; echo "pid=$pid cgroup=$cgroup")"

# pids: the table's short form, JSON's whole id; our own shell names none.
got=$($T pids -n -o CONTAINER "$pid")
[ "$got" = "runc:$short" ]
ok $? "pids: pid $pid is in runc:$short" "got '$got'; $($T pids -o PID,COMMAND,CONTAINER)"
got=$($T pids -J -o PID,CONTAINER "$pid" | jq -r '.tasks[0].container')
[ "$got" = "runc:$id" ]
ok $? "pids -J: the whole id" "got '$got'"
got=$($T pids -J -o PID,CONTAINER $$ | jq -r '.tasks[0].container')
[ "$got" = "null" ]
ok $? "pids -J: the test's shell (cgroup /) is in no container" "got '$got'"

# list: the container's own net namespace, first used by its pid.
net=$(stat -L -c %i "/proc/$pid/ns/net")
got=$($T list -J -t net -o NS,PID,CONTAINER |
	jq -r ".namespaces[] | select(.ns == $net) | \"\\(.pid) \\(.container)\"")
[ "$got" = "$pid runc:$id" ]
ok $? "list -J: net:[$net] is first used by pid $pid in runc:$id" "got '$got'"

# holders: the nsproxy of its net namespace, by default in the table.
got=$($T holders -r -n "net:$net" | awk '$1 == "nsproxy" { print $3 }')
[ "$got" = "runc:$short" ]
ok $? "holders: the nsproxy holding net:[$net] is runc:$short" "$($T holders "net:$net")"

# check: a net namespace only a socket keeps, held by a process moved into
# the container's cgroup; the ns-leak finding names that container.
rm -f /tmp/leak
./hold_socket >/tmp/leak &
holder=$!
i=0
while [ ! -s /tmp/leak ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
leaked=$(cat /tmp/leak)
echo $holder >"/sys/fs/cgroup/$id/cgroup.procs"
got=$($T check -J | jq -r ".findings[] | select(.object == \"net:[$leaked]\") | .container")
[ "$got" = "runc:$id" ]
ok $? "check -J: the ns-leak of net:[$leaked] names runc:$id, its holder's" \
	"got '$got'; $(cat /proc/$holder/cgroup)"

# A snapshot records the cgroups, and names the container once it is gone.
rm -rf /tmp/snap
$T snapshot -o /tmp/snap
grep -qx "pid=$pid cgroup=/$id" /tmp/snap/cgroups
ok $? "snapshot: the cgroups file records pid $pid in /$id" "$(grep "pid=$pid " /tmp/snap/cgroups)"
kill $holder
runc kill "$id" KILL
runc delete -f "$id" 2>/dev/null
got=$($T --from /tmp/snap pids -J -o PID,CONTAINER "$pid" | jq -r '.tasks[0].container')
[ "$got" = "runc:$id" ] && ! runc state "$id" >/dev/null 2>&1
ok $? "--from: the snapshot names runc:$id after it is gone" "got '$got'"

exit $failed
