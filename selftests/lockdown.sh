#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the lockdown runs of `make check-debug`: the kernel was booted
# with lockdown=$NSI_LOCKDOWN (from the payload's env). $NSI_LOCKDOWN_EXPECT
# says what loading the unsigned module must do there:
#   refuse  Debian's kernel (MODULE_SIG): init_module fails with EPERM, and
#           nothing of nsinspect appears;
#   load    a kernel without module signatures (the debug kernel): it loads,
#           every file reads and parses, writes are refused, and it unloads.
# Prints TAP.
cd "$(dirname "$0")" || exit 1
set -a
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

mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
mode=$(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/security/lockdown 2>/dev/null)
[ "$mode" = "$NSI_LOCKDOWN" ] && ok "lockdown is $mode" ||
	nok "lockdown is '$mode', not $NSI_LOCKDOWN"

if insmod ./nsinspect.ko 2>/tmp/insmod.err; then
	if [ "$NSI_LOCKDOWN_EXPECT" = load ]; then
		ok "insmod under lockdown=$mode: loaded"
	else
		nok "insmod under lockdown=$mode: loaded, want refused"
	fi
	for f in version tasks nsproxies namespaces mounts; do
		# One record per line, each a set of key=value pairs.
		if cat /sys/kernel/debug/nsinspect/$f >/tmp/$f &&
			awk '!/^#/ { n++; for (i = 1; i <= NF; i++) if ($i !~ /^[^=]+=[^=]*$/) bad++ }
				END { exit bad || !n }' /tmp/$f; then
			ok "read $f under lockdown=$mode ($(grep -vc '^#' /tmp/$f) records)"
		else
			nok "read $f under lockdown=$mode"
		fi
	done
	grep -q '^feature=mounts state=available' /tmp/version &&
		ok "mount walker available under lockdown=$mode" ||
		nok "mount walker under lockdown=$mode: $(grep '^feature=mounts' /tmp/version)"
	trc=0
	./security_test || trc=$?
	echo "# exit=$trc security_test"
	[ $trc -eq 0 ] || rc=1
	rmmod nsinspect && ok "rmmod under lockdown=$mode" || nok "rmmod under lockdown=$mode"
else
	err=$(cat /tmp/insmod.err)
	why=$(dmesg | grep -i 'lockdown' | tail -n 1)
	if [ "$NSI_LOCKDOWN_EXPECT" = refuse ] && echo "$err" | grep -q 'not permitted'; then
		ok "insmod under lockdown=$mode: refused with EPERM ($why)"
	else
		nok "insmod under lockdown=$mode: $err"
	fi
	[ ! -e /sys/kernel/debug/nsinspect ] && [ ! -e /sys/module/nsinspect ] &&
		ok "nothing of nsinspect is left" || nok "nsinspect half loaded"
fi
exit $rc
