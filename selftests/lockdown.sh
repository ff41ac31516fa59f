#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the lockdown runs of `make check-debug`. NSI_LOCKDOWN (from
# the payload's env) says which:
#   integrity, confidentiality
#           the kernel was booted with lockdown=that. Both kernels we test
#           (Debian's, and the debug kernel: the lockdown LSM selects
#           MODULE_SIG) refuse the unsigned module: insmod must fail with
#           EPERM and leave nothing of nsinspect behind.
#   runtime the module is loaded first, then lockdown is raised at run time
#           to integrity and then to confidentiality: every file must still
#           read and parse, writes stay refused, and rmmod still works.
# Prints TAP.
cd "$(dirname "$0")" || exit 1
set -a
# Written per payload by scripts/check-debug.sh (NSI_LOCKDOWN).
# shellcheck source=/dev/null
. ./env
set +a
export NSI_MODULE="$PWD/nsinspect.ko"
export PATH="$PWD:$PATH"
rc=0
ok() { echo "ok - $*"; }
nok() {
	echo "not ok - $*"
	rc=1
}
lockdown=/sys/kernel/security/lockdown
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
level() { sed -n 's/.*\[\(.*\)\].*/\1/p' $lockdown 2>/dev/null; }

# Every file reads, one record per line, each a set of key=value pairs.
read_all() {
	for f in version tasks nsproxies namespaces mounts; do
		if cat /sys/kernel/debug/nsinspect/$f >/tmp/$f &&
			awk '!/^#/ { n++; for (i = 1; i <= NF; i++) if ($i !~ /^[^=]+=[^=]*$/) bad++ }
				END { exit bad || !n }' /tmp/$f; then
			ok "read $f under lockdown=$1 ($(grep -vc '^#' /tmp/$f) records)"
		else
			nok "read $f under lockdown=$1"
		fi
	done
	if grep -q '^feature=mounts state=available' /tmp/version; then
		ok "mount walker available under lockdown=$1"
	else
		nok "mount walker under lockdown=$1: $(grep '^feature=mounts' /tmp/version)"
	fi
	# debugfs refuses to open writable files under lockdown: the tracer's
	# control file is closed, and version says why.
	if grep -q '^feature=trace state=unavailable reason=kernel\\040lockdown' /tmp/version &&
		! (echo clear >/sys/kernel/debug/nsinspect/trace_control) 2>/dev/null; then
		ok "trace unavailable under lockdown=$1, trace_control refuses writes"
	else
		nok "trace under lockdown=$1: $(grep '^feature=trace' /tmp/version)"
	fi
}

if [ "$NSI_LOCKDOWN" = runtime ]; then
	if [ "$(level)" = none ]; then
		ok "booted without lockdown"
	else
		nok "booted with lockdown $(level)"
	fi
	if insmod ./nsinspect.ko; then
		ok "insmod before lockdown"
	else
		nok "insmod before lockdown"
	fi
	for l in integrity confidentiality; do
		if echo $l >$lockdown && [ "$(level)" = $l ]; then
			ok "lockdown raised to $l"
		else
			nok "raising lockdown to $l"
		fi
		read_all $l
		trc=0
		./security_test || trc=$?
		echo "# exit=$trc security_test"
		[ $trc -eq 0 ] || rc=1
	done
	if rmmod nsinspect; then
		ok "rmmod under lockdown=confidentiality"
	else
		nok "rmmod under lockdown=confidentiality"
	fi
	exit $rc
fi

mode=$(level)
if [ "$mode" = "$NSI_LOCKDOWN" ]; then
	ok "lockdown is $mode"
else
	nok "lockdown is '$mode', not $NSI_LOCKDOWN"
fi
if insmod ./nsinspect.ko 2>/tmp/insmod.err; then
	nok "insmod under lockdown=$mode: loaded, want refused"
	rmmod nsinspect
else
	err=$(cat /tmp/insmod.err)
	why=$(dmesg | grep 'Lockdown: insmod' | tail -n 1 | sed 's/^\[[ 0-9.]*\] //')
	if echo "$err" | grep -q 'not permitted' && [ -n "$why" ]; then
		ok "insmod under lockdown=$mode: refused with EPERM ($why)"
	else
		nok "insmod under lockdown=$mode: $err"
	fi
fi
if [ ! -e /sys/kernel/debug/nsinspect ] && [ ! -e /sys/module/nsinspect ]; then
	ok "nothing of nsinspect is left"
else
	nok "nsinspect half loaded"
fi
exit $rc
