#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make demo`: load the module, make a few namespaces and show
# what nsinspect sees of them.
cd "$(dirname "$0")" || exit 1
set -e

show() {
	echo
	echo "\$ $*"
	"$@"
}

insmod ./nsinspect.ko
# A few namespaces to look at: a container-like process set and a netns
# that only a bind mount keeps alive.
unshare --uts --ipc --net --pid --mount --fork sleep 600 &
unshare --user --map-root-user --uts sleep 600 &
touch /run/netns-demo
unshare --net=/run/netns-demo true
# A uts namespace whose every task is gone, held by this shell's fd 3.
unshare --uts sleep 600 &
sleep 1
exec 3</proc/$!/ns/uts
kill $!
# A lazily unmounted tmpfs that this shell's fd 4 keeps alive.
mkdir -p /run/lazy
mount -t tmpfs demo-lazy /run/lazy
exec 4</run/lazy
umount -l /run/lazy

show ./nsinspect-tool --version
echo
echo "# The raw files: one key=value record per line."
for f in /sys/kernel/debug/nsinspect/*; do
	show head -n 4 "$f"
done
echo
echo "# The tool's view: user and pid namespaces, and what lives in them."
show ./nsinspect-tool tree
show ./nsinspect-tool list -t net
show ./nsinspect-tool nsproxies
echo
echo "# Mounts no namespace lists: kernel-internal ones and a detached tmpfs."
show ./nsinspect-tool mounts --all -l -o ID,MNTNS,TARGET,SOURCE,FSTYPE,FLAGS,COUNT,WRITERS
echo
echo "# Anomalies (exit status 1 when there is any):"
show ./nsinspect-tool check || true
