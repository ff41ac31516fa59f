#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make check`: loads nsinspect.ko, runs every test binary
# listed in `tests` under the timeout from `settings`, then unloads. Output is
# TAP; after each binary a line `# exit=RC NAME` lets the host count a binary
# that died before finishing its plan.
cd "$(dirname "$0")" || exit 1
limit=$(sed -n 's/^timeout=//p' settings)
export NSI_MODULE="$PWD/nsinspect.ko"
[ -e nsinspect-skewed.ko ] && export NSI_MODULE_SKEWED="$PWD/nsinspect-skewed.ko"
export PATH="$PWD:$PATH"
rc=0

# The kernel's own modules the tests use (overlay.ko), from its image package.
for m in modules/*.ko; do
	[ -e "$m" ] || continue
	insmod "$m" && echo "ok - insmod $m" || echo "not ok - insmod $m"
done
if insmod ./nsinspect.ko; then
	echo "ok - insmod nsinspect.ko"
else
	echo "not ok - insmod nsinspect.ko"
	exit 1
fi
for t in $(cat tests); do
	trc=0
	timeout "$limit" "./$t" || trc=$?
	echo "# exit=$trc $t"
	[ $trc -eq 0 ] || [ $trc -eq 4 ] || rc=1
done
if rmmod nsinspect; then
	echo "ok - rmmod nsinspect"
else
	echo "not ok - rmmod nsinspect"
	rc=1
fi
exit $rc
