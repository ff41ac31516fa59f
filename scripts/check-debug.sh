#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make check-debug`: the module and the whole VM suite on a debug kernel
# (KASAN, lockdep, PROVE_RCU, kmemleak, list and object debugging, failslab;
# see selftests/debug.config), built once from Debian's linux-source-6.1 and
# cached (scripts/debug-kernel.sh). The suite runs with the long stress
# settings, then a kmemleak scan after the last rmmod; the VM verdict fails on
# any KASAN, lockdep, RCU, list, object-debug, WARN or kmemleak report. Then
# the lockdown boots (selftests/lockdown.sh): the debug kernel with
# lockdown=integrity and =confidentiality and with lockdown raised after
# loading; Debian's kernel with lockdown=integrity and raised after loading.
#
# Prints TAP and ends with `N passed, N failed, N skipped`; logs in
# build/log-debug/, the consoles in build/vm/debug*/console.log.
set -u

# top, version, log_dir, step, kbuild_warning_free, copy_tree and skewed_build
# shellcheck source=scripts/check-lib.sh
. "$(dirname "$0")/check-lib.sh"
log_dir "$top/build/log-debug"
tap="$top/build/check-debug.tap"
stress_seconds=${NSI_STRESS_SECONDS:-60}
load_cycles=${NSI_LOAD_CYCLES:-100}

# The lockdown payload: the module, the security test and lockdown.sh as run.
lockdown_payload() {
	lp=$1
	rm -rf "$lp" && mkdir -p "$lp" &&
		cp "$2" "$lp/nsinspect.ko" &&
		cp selftests/security_test "$lp/" &&
		cp selftests/lockdown.sh "$lp/run" &&
		printf 'NSI_LOCKDOWN=%s\n' "$3" >"$lp/env"
}

# lockdown_run NAME MODE KO RUN_ARGS...: one boot with lockdown=MODE, or
# (MODE runtime) one that raises lockdown after loading the module.
lockdown_run() {
	ln=$1
	lm=$2
	lk=$3
	shift 3
	lockdown_payload "$top/build/payload-$ln" "$lk" "$lm" || {
		echo "not ok - $ln payload"
		return
	}
	lrc=0
	if [ "$lm" = runtime ]; then
		NSI_VM_LOCKDOWN=1 selftests/vm/run.sh "$@" -o "$top/build/vm/$ln" \
			"$top/build/payload-$ln" 2>"$log/$ln.log" || lrc=$?
	else
		NSI_VM_APPEND="lockdown=$lm" selftests/vm/run.sh "$@" -o "$top/build/vm/$ln" \
			"$top/build/payload-$ln" 2>"$log/$ln.log" || lrc=$?
	fi
	if [ $lrc -eq 0 ]; then
		echo "ok - $ln vm verdict ($(tail -n 1 "$log/$ln.log"))"
	else
		echo "not ok - $ln vm verdict"
	fi
	sed 's/^/# /' "$log/$ln.log"
}

debug_suite() {
	start=$(date +%s)
	if kdir=$(scripts/debug-kernel.sh build 2>"$log/kernel.log"); then
		echo "ok - debug kernel $(scripts/kernel.sh release "$kdir")" \
			"($(cat "$kdir/build-seconds") s to build; $(($(date +%s) - start)) s now)"
	else
		echo "not ok - debug kernel build"
		sed 's/^/# /' "$log/kernel.log" | tail -n 30
		return
	fi
	NSI_BTF="$kdir/vmlinux"
	export NSI_BTF
	tree="$top/build/debug/tree"
	copy_tree "$tree"
	step module-build-W1 kbuild_warning_free "$kdir" "$tree" W=1 modules || return
	# The mount walker reads struct mount from the debug kernel's BTF.
	grep -q '^#define NSI_OFF_MOUNT_MNT_NS' "$tree/module/layout.h" &&
		echo "ok - struct mount layout from the debug kernel's BTF" ||
		echo "not ok - struct mount layout from the debug kernel's BTF"
	skewed=
	if skewed_build "$kdir" "$top/build/debug/skewed" >"$log/skewed.log" 2>&1; then
		skewed="$top/build/debug/skewed/nsinspect.ko"
	else
		echo "not ok - skewed layout build against the debug kernel"
	fi

	# trace_test.sh's leak module, for the debug kernel: the tracer's
	# handler and a namespace freed while watched, under KASAN and lockdep.
	step leak-module-build leak_build "$kdir" "$top/build/debug/leak" || return

	payload="$top/build/payload-debug"
	# Overlayfs is built into the debug kernel: no EXTRA_MODULES.
	make -s -C selftests payload PAYLOAD="$payload" NSI_VERSION="$version" \
		NSI_KO="$tree/nsinspect.ko" SKEWED_KO="$skewed" NSI_TEST_TIMEOUT=1500 \
		LEAK_KO="$top/build/debug/leak/nsi_leak.ko" \
		NSI_TEST_ENV="NSI_STRESS_SECONDS=$stress_seconds NSI_LOAD_CYCLES=$load_cycles NSI_SCALE_N=1000" \
		>"$log/selftests-build.log" 2>&1 || {
		echo "not ok - selftests build"
		tail -n 30 "$log/selftests-build.log" | sed 's/^/# /'
		return
	}
	vstart=$(date +%s)
	if NSI_VM_SMP=${NSI_VM_SMP:-$vm_smp} \
		selftests/vm/run.sh -K "$kdir" -t 3600 -o "$top/build/vm/debug" "$payload" \
		2>"$log/vm.log"; then
		echo "ok - debug vm verdict ($(tail -n 1 "$log/vm.log"))"
	else
		echo "not ok - debug vm verdict"
	fi
	sed 's/^/# /' "$log/vm.log"
	echo "# check-debug: suite vm run $(($(date +%s) - vstart)) s"

	for m in integrity confidentiality runtime; do
		lockdown_run "debug-lockdown-$m" $m "$tree/nsinspect.ko" -K "$kdir" -t 900
	done
	if ! { dkdir=$(scripts/kernel.sh kdir) && drel=$(scripts/kernel.sh release "$dkdir") &&
		dbtf=$(scripts/kernel.sh btf "$drel") && dtree="$top/build/debug/debian-tree" &&
		copy_tree "$dtree" && NSI_BTF="$dbtf" make -C "$dkdir" M="$dtree" modules \
		>"$log/debian-module.log" 2>&1; }; then
		echo "not ok - module build for Debian's ${drel:-kernel}"
		return
	fi
	for m in integrity runtime; do
		lockdown_run "debian-lockdown-$m" $m "$dtree/nsinspect.ko" -k "$drel"
	done
	echo "# check-debug: total $(($(date +%s) - start)) s"
}

{
	echo "TAP version 13"
	debug_suite
} | tee "$tap"
awk -f scripts/tap-summary.awk "$tap" | tee "$top/build/check-debug.summary"
awk '/^[0-9]+ passed, 0 failed/ { ok = 1 } END { exit !ok }' "$top/build/check-debug.summary"
