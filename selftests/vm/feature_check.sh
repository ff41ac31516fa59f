#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the dkms test of `make check-matrix` (scripts/check-lib.sh,
# dkms_mounts_step): load the module that dkms built for this kernel and
# pass only when its version file says the mount walker is available, that
# is, when the build found this kernel's BTF.
cd "$(dirname "$0")" || exit 1
insmod ./nsinspect.ko || {
	echo "insmod of the dkms-built module failed"
	exit 1
}
cat /sys/kernel/debug/nsinspect/version
rc=0
grep -q '^feature=mounts state=available' /sys/kernel/debug/nsinspect/version || rc=1
rmmod nsinspect || rc=1
exit $rc
