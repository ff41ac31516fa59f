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
# Settings of this run (NSI_STRESS_SECONDS, ...), from the payload's env.
if [ -r env ]; then
	set -a
	# Written per payload by selftests/Makefile (NSI_TEST_ENV).
	# shellcheck source=/dev/null
	. ./env
	set +a
fi
rc=0
kmemleak=/sys/kernel/debug/kmemleak

# The kernel's own modules the tests use (overlay.ko), from its image package.
for m in modules/*.ko; do
	[ -e "$m" ] || continue
	insmod "$m" && echo "ok - insmod $m" || echo "not ok - insmod $m"
done
# Debug kernels: what leaked before the module came is not its doing. An
# object is reported once two scans in a row find it unreferenced (the
# first takes its checksum), so scan twice, then forget what was found.
if [ -w $kmemleak ]; then
	echo scan >$kmemleak
	echo scan >$kmemleak
	echo clear >$kmemleak
fi
if insmod ./nsinspect.ko; then
	echo "ok - insmod nsinspect.ko"
else
	echo "not ok - insmod nsinspect.ko"
	exit 1
fi
# One line of test names, separated by spaces.
read -r names <tests
for t in $names; do
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

# After the last unload, nothing may have leaked: objects are reported once
# they are 5 s old and two scans in a row found them unreferenced. Every
# leak counts, not only those whose backtrace names nsinspect: after the
# unload, kmemleak can no longer name the module's functions, and on this
# kernel its stack depot may leave a backtrace empty. (The console scan of
# run.sh fails the run on kmemleak's report line as well.)
if [ -w $kmemleak ]; then
	sleep 6
	echo scan >$kmemleak
	echo scan >$kmemleak
	cat $kmemleak >/tmp/kmemleak.txt
	total=$(grep -c '^unreferenced object' /tmp/kmemleak.txt)
	ours=$(awk '/^unreferenced object/ { obj = $0; next }
		obj && (/ nsi_|\[nsinspect\]/ || /\] 0x[0-9a-f]+$/) { print obj; obj = "" }' \
		/tmp/kmemleak.txt | wc -l)
	if [ "$total" -eq 0 ]; then
		echo "ok - kmemleak after rmmod: 0 unreferenced objects"
	else
		echo "not ok - kmemleak after rmmod: $total unreferenced objects, $ours named nsinspect"
		rc=1
	fi
	sed 's/^/# kmemleak: /' /tmp/kmemleak.txt | head -n 60
fi
exit $rc
