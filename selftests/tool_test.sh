#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# nsinspect-tool against the live module and against /proc, in the VM.
# TAP output; needs jq (the harness copies it in from the host).
T=./nsinspect-tool
# ok, n and failed
# shellcheck source=selftests/tap.sh
. "$(dirname "$0")/tap.sh"

# Inode numbers of every namespace file of every thread in /proc.
proc_inums() {
	for f in /proc/[0-9]*/task/[0-9]*/ns/*; do
		stat -L -c %i "$f" 2>/dev/null
	done | sort -u
}

echo "TAP version 13"
echo "1..9"

all=0
for cmd in tree list mounts pids nsproxies graph; do
	if ! $T $cmd >/tmp/out 2>&1 || [ ! -s /tmp/out ]; then
		all=1
		echo "# $cmd failed"
	fi
done
ok $all "tree, list, mounts, pids, nsproxies and graph run against the module"

# list -J: the namespaces tasks use are exactly those /proc shows.
$T list -J | jq -r '.namespaces[] | select(.via | test("task")) | .ns' | sort -u >/tmp/mod
proc_inums >/tmp/proc
cmp -s /tmp/mod /tmp/proc
ok $? "list -J inode numbers equal stat of /proc/*/task/*/ns/*" "$(diff /tmp/mod /tmp/proc | head)"

# pids -J: every task's pid at each level equals NSpid.
bad=0
for line in $($T pids -J | jq -r '.tasks[] | select(.pid > 0) | "\(.pid):\(.nspid)"'); do
	pid=${line%%:*}
	want=$(awk '/^NSpid:/ { $1 = ""; sub(/^ /, ""); gsub(/[ \t]+/, ","); print }' \
		/proc/"$pid"/status 2>/dev/null) || continue
	[ -z "$want" ] || [ "$want" = "${line#*:}" ] || { bad=1; echo "# $pid: $line vs $want"; }
done
ok $bad "pids -J equals NSpid of every task"

# check: what it checked, and nothing found, on a clean system...
out=$($T check 2>&1)
rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q '^checked [0-9]* namespaces.*: no anomalies'
ok $? "check finds nothing on a clean system, and says what it checked" "exit $rc: $out"

# ...and exactly a net namespace that only a socket keeps alive, as a leaked
# reference would: no task, nsfs file or mount explains it.
./hold_socket >/tmp/leak &
holder=$!
while [ ! -s /tmp/leak ]; do sleep 0.1; done
leaked=$(cat /tmp/leak)
$T check -J >/tmp/check.json
rc=$?
found=$(jq -r '.findings[] | "\(.rule) \(.object)"' /tmp/check.json)
[ $rc -eq 1 ] && [ "$(echo "$found" | wc -l)" -eq 1 ] &&
	[ "$found" = "ns-leak net:[$leaked]" ]
ok $? "check reports exactly the net namespace a leaked socket pins" "exit $rc: $found"
kill $holder
wait $holder 2>/dev/null

# diff around one bind mount shows that mount and what it pins, nothing else.
unshare --net sleep 1000 &
netpid=$!
sleep 0.5
netns=$(stat -L -c %i /proc/$netpid/ns/net)
rm -rf /tmp/s1 /tmp/s2
touch /tmp/netpin
$T snapshot -o /tmp/s1
mount --bind /proc/$netpid/ns/net /tmp/netpin
$T snapshot -o /tmp/s2
$T diff -J /tmp/s1 /tmp/s2 >/tmp/diff.json
rc=$?
objs=$(jq -r '.differences[] | .object' /tmp/diff.json | sort -u | tr '\n' ';')
echo "$objs" | grep -q "net:\[$netns\]" && ! echo "$objs" | grep -q "task" &&
	jq -r '.differences[] | select(.kind == "mount" and .change == "+") |
		"\(.mountpoint) \(.fstype) \(.mntns)"' /tmp/diff.json |
	grep -qx "/tmp/netpin nsfs $(stat -L -c %i /proc/self/ns/mnt)" && [ $rc -eq 1 ]
ok $? "diff around a bind mount shows the mount and its namespace, no task" "exit $rc: $objs"
jq -r '.differences[] | "\(.change) \(.object) \(.field) \(.old) \(.new)"' /tmp/diff.json |
	sed 's/^/# /'
umount /tmp/netpin
kill $netpid

# Without the module, list falls back to /proc and agrees with it.
$T list -J 2>/dev/null | jq -r '.namespaces[] | select(.via | test("task")) | .ns' |
	sort -u >/tmp/mod
rmmod nsinspect
$T list -J 2>/tmp/err | jq -r '.namespaces[].ns' | sort -u >/tmp/proc
grep -q "reading /proc" /tmp/err
ok $? "without the module, list says it reads /proc" "$(cat /tmp/err)"
cmp -s /tmp/mod /tmp/proc
ok $? "the /proc fallback lists the module's task namespaces" "$(diff /tmp/mod /tmp/proc | head)"
insmod "${NSI_MODULE:-./nsinspect.ko}"
ok $? "module reloaded"

exit $failed
