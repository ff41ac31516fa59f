#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The netdevs file against ground truth, and a net namespace that cannot die.
#
# Live devices must match sysfs (names, ifindex, the reader's net namespace
# by stat). Then nsi_leak.ko takes a dev_hold() on the loopback device of a
# new net namespace and its last task exits: the kernel must print "waiting
# for lo to become free", the file must list lo unregistered and waiting
# with exactly one reference more than its own, in that namespace (by the
# inum stat gave while it lived), marked dying, and check must name it and
# exit 1, and namespaces and list must show the namespace dying. After the
# hold is given back, lo and its namespace must be gone.
#
# trace netdev:lo@net:INUM must name nsi_leak's dev_hold() as the +1 left
# (lo still registered), say that the dying namespace's lo still waits, and
# see lo freed as the hold is given back, by nsi_leak's dev_put(). trace
# --new net around a new namespace whose lo is held and whose last task
# exits must say that the namespace is not freed, and why: lo waits for
# the reference that nsi_leak's dev_hold() took.
# Run with nsinspect.ko loaded, nsi_leak.ko beside it.
cd "$(dirname "$0")" || exit 1
D=/sys/kernel/debug/nsinspect
L=/sys/kernel/debug/nsi_leak/control
T=./nsinspect-tool
UNSHARE=unshare
[ -x /usr/bin/unshare ] && UNSHARE=/usr/bin/unshare
# iproute2's, which the harness copies in: busybox's makes no veth.
IP=ip
[ -x /usr/bin/ip ] && IP=/usr/bin/ip
# shellcheck source=selftests/tap.sh
. "$(dirname "$0")/tap.sh"

echo "TAP version 13"
echo "1..22"

grep -q '^feature=netdev_wait state=available' $D/version
ok $? "version: feature=netdev_wait state=available" "$(grep '^feature=netdev_wait' $D/version)"

# 1. Every device of the reader's net namespace, as sysfs lists them.
me=$(stat -L -c %i /proc/self/ns/net)
cat $D/netdevs >/tmp/netdevs
bad=
for d in /sys/class/net/*; do
	name=${d##*/}
	idx=$(cat "$d/ifindex")
	grep -q "^net=$me ifindex=$idx name=$name state=registered refs=[1-9]" /tmp/netdevs ||
		bad="$bad $name:$idx"
done
ours=$(grep -c "^net=$me " /tmp/netdevs)
theirs=$(find /sys/class/net/ -mindepth 1 -maxdepth 1 | wc -l)
[ -z "$bad" ] && [ "$ours" -eq "$theirs" ]
ok $? "netdevs lists the $theirs devices of net:[$me] sysfs lists, by name and ifindex" \
	"missing:$bad ours=$ours theirs=$theirs; $(cat /tmp/netdevs)"

# 2. A new net namespace: its lo, and the exact count a dev_hold() adds.
new_net
holder=$pid
net=$netns
refs() { sed -n "s/^net=$net ifindex=1 name=lo state=$1 refs=\([0-9]*\) .*/\1/p" $D/netdevs; }
before=$(refs registered)
[ "$net" != "$me" ] && [ -n "$before" ]
ok $? "a new net namespace's lo is listed in net:[$net] (refs=$before)" "$(cat $D/netdevs)"

insmod ./nsi_leak.ko
ok $? "insmod nsi_leak.ko"
$T trace "netdev:lo@net:$net" -- sh -c "echo 'dev_hold $holder' >$L" >/tmp/trace.out 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "^netdev:lo@net:$net still registered: 1 reference taken in the window and not given back; took more than they gave back: stack [0-9]* (+1, nsi_leak_dev_hold+" /tmp/trace.out
ok $? "trace netdev:lo@net:[$net] names nsi_leak_dev_hold as the +1 left, exit 1 (exit $rc)" \
	"$(cat /tmp/trace.out)"
after=$(refs registered)
[ -n "$before" ] && [ "$after" = $((before + 1)) ]
ok $? "dev_hold() on that lo: refs $before -> $after" "$(grep "^net=$net " $D/netdevs)"

# 3. Its last task goes: the teardown waits for lo, and says so every second.
timeout=$(cat /proc/sys/net/core/netdev_unregister_timeout_secs)
echo 1 >/proc/sys/net/core/netdev_unregister_timeout_secs
kill "$holder"
wait "$holder" 2>/dev/null
i=0
until dmesg | grep -q "waiting for lo to become free"; do
	[ $i -lt 150 ] || break
	sleep 0.1
	i=$((i + 1))
done
dmesg | grep -q "waiting for lo to become free"
ok $? "the kernel: unregister_netdevice: waiting for lo to become free" "$(dmesg | tail -n 5)"

# The file lists it within one poll of the teardown (250 ms at most).
sleep 0.5
rec=$(grep "^net=$net ifindex=1 name=lo state=unregistered " $D/netdevs)
echo "$rec" | grep -q " refs=2 .*net_state=dying waited_ms=[0-9]* sampled_ms_ago=[0-9]* stale=0"
ok $? "netdevs: lo of net:[$net] unregistered, refs=2 (its own and the leak), net dying" \
	"$rec; $(cat $D/netdevs)"

# Its namespace, off the net list and reached by nothing else, is still listed.
grep -qE "^type=net inum=$net (id=[1-9][0-9]* )?refs=0 .*via=dying .*dying_ms=[0-9]" $D/namespaces
ok $? "namespaces lists net:[$net] with refs=0, via=dying" "$(grep "^type=net" $D/namespaces)"
$T list -J -t net | jq -e ".namespaces[] | select(.ns == $net and .via == \"dying\")" >/dev/null
ok $? "list -J: net:[$net] via dying" "$($T list -t net 2>&1)"

$T check >/tmp/check.out 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "net:\[$net\] dying for [0-9]* s: lo (ifindex 1) is waiting for 1 reference" /tmp/check.out
ok $? "check names it and exits 1 (exit $rc)" "$(cat /tmp/check.out)"

$T check -J >/tmp/check.json 2>&1
jq -e ".findings[] | select(.rule == \"netdev-waiting\" and (.problem | contains(\"net:[$net]\")))" \
	/tmp/check.json >/dev/null
ok $? "check -J: a netdev-waiting finding for net:[$net]" "$(cat /tmp/check.json)"

# The teardown waits: a trace of lo says so, for a reference taken before it.
$T trace "netdev:lo@net:$net" --for 500ms >/tmp/trace.out 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "^netdev:lo@net:$net device still waiting for 1 reference, all taken before the window" /tmp/trace.out
ok $? "trace of the waiting lo: still waiting for 1 reference taken before, exit 1 (exit $rc)" \
	"$(cat /tmp/trace.out)"

# 4. The hold given back, lo is freed and its namespace with it: the trace
# sees the put, and the teardown's last wait.
$T trace "netdev:lo@net:$net" -- sh -c "echo release >$L" >/tmp/trace.out 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q "^netdev:lo@net:$net freed: its teardown's wait read its last reference" /tmp/trace.out &&
	grep -q "nsi_leak_dev_put" /tmp/trace.out
ok $? "trace netdev:lo@net:[$net] -- release: freed, the put by nsi_leak_dev_put (exit $rc)" \
	"$(cat /tmp/trace.out)"
i=0
while grep -q "^net=$net " $D/netdevs; do
	[ $i -lt 50 ] || break
	sleep 0.1
	i=$((i + 1))
done
! grep -q "^net=$net " $D/netdevs && ! grep -q "^type=net inum=$net " $D/namespaces
ok $? "released: lo and net:[$net] are gone" "$(cat $D/netdevs)"
echo "$timeout" >/proc/sys/net/core/netdev_unregister_timeout_secs

# 5. A veth pair across two namespaces: deleted, nothing is left waiting;
# one end held as its namespace dies, that end is the one named.
KMOD=${NSI_KMOD_DIR:-$PWD/kmod}
[ -e "$KMOD/veth.ko" ] && ! grep -q '^veth ' /proc/modules && insmod "$KMOD/veth.ko"
new_net
peer=$pid
pnet=$netns
if $IP link add nsi_a type veth peer name nsi_b 2>/tmp/ip.err &&
	$IP link set nsi_b netns "$peer" 2>>/tmp/ip.err; then
	listed=$(grep -c -e "^net=$me .* name=nsi_a state=registered " \
		-e "^net=$pnet .* name=nsi_b state=registered " $D/netdevs)
	$IP link del nsi_a
	sleep 1.5
	[ "$listed" = 2 ] && ! grep -q "name=nsi_[ab] " $D/netdevs && ! grep -q " net_state=" $D/netdevs
	ok $? "a veth pair across net:[$me] and net:[$pnet], deleted: both gone, nothing waiting" \
		"listed $listed of 2; $(cat $D/netdevs)"

	$IP link add nsi_a type veth peer name nsi_b && $IP link set nsi_b netns "$peer" &&
		echo "dev_hold $peer nsi_b" >$L
	echo 1 >/proc/sys/net/core/netdev_unregister_timeout_secs
	kill "$peer"
	wait "$peer" 2>/dev/null
	want="net:\\[$pnet\\] dying for [0-9]* s: nsi_b (ifindex [0-9]*) is waiting for 1 reference"
	i=0
	while :; do
		$T check >/tmp/check.out 2>&1
		grep -q "$want" /tmp/check.out && break
		[ $i -lt 50 ] || break
		sleep 0.1
		i=$((i + 1))
	done
	grep -q "$want" /tmp/check.out &&
		grep -q "^net=$pnet .* name=nsi_b state=unregistered refs=2 .*net_state=dying" $D/netdevs &&
		! grep -q "name=nsi_a " $D/netdevs
	ok $? "the held end of a veth pair in a dying net:[$pnet] is named, the other end gone" \
		"$(cat /tmp/check.out; cat $D/netdevs)"
	echo release >$L
	echo "$timeout" >/proc/sys/net/core/netdev_unregister_timeout_secs
else
	kill "$peer"
	n=$((n + 1))
	echo "ok $n # SKIP no veth: $(cat /tmp/ip.err)"
	n=$((n + 1))
	echo "ok $n # SKIP no veth"
fi

# 6. From birth: a new net namespace whose lo is held, and whose last task
# exits, is not freed, and its lo's ledger names the hold.
echo 1 >/proc/sys/net/core/netdev_unregister_timeout_secs
$T trace --new net -- $UNSHARE -n sh -c "echo \"dev_hold \$\$\" >$L" >/tmp/trace.out 2>&1
rc=$?
bnet=$(sed -n 's/^netdev:lo@net:\([0-9]*\) .*/\1/p' /tmp/trace.out | head -n 1)
[ $rc -eq 1 ] && [ -n "$bnet" ] &&
	grep -q "^net:$bnet its count reached 0, but it is not freed: its teardown waits for lo (ifindex 1, 1 more reference)" /tmp/trace.out
ok $? "trace --new net: net:[$bnet] is not freed, its teardown waits for lo (exit $rc)" \
	"$(cat /tmp/trace.out)"
grep -q "^netdev:lo@net:$bnet device still waiting for 1 reference; taken in the window and not given back: stack [0-9]* (+1, nsi_leak_dev_hold+" /tmp/trace.out
ok $? "trace --new net: its lo still waits, for the +1 of nsi_leak_dev_hold" "$(cat /tmp/trace.out)"
grep -q "^new net namespaces: 1 born in the window, 1 traced from birth, with 1 loopback device" /tmp/trace.out
ok $? "trace --new net: 1 born, traced with its lo" "$(tail -n 2 /tmp/trace.out)"
echo release >$L
i=0
while [ -n "$bnet" ] && grep -q "^net=$bnet " $D/netdevs; do
	[ $i -lt 50 ] || break
	sleep 0.1
	i=$((i + 1))
done
[ -n "$bnet" ] && ! grep -q "^net=$bnet " $D/netdevs
ok $? "released: net:[$bnet]'s lo is gone" "$(cat $D/netdevs)"
echo "$timeout" >/proc/sys/net/core/netdev_unregister_timeout_secs

rmmod nsi_leak
ok $? "rmmod nsi_leak"
exit $failed
