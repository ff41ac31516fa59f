#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: static checks, the tool's unit tests and the VM suite. Prints
# one TAP stream and, last, the line `N passed, N failed, N skipped`. Logs of
# every step are kept in build/log/.
set -u

# top, version, log_dir, step, kbuild_warning_free, checkpatch, one_version,
# skewed_build, vm_suite, dkms_build, deb_step and shellcheck_all
# shellcheck source=scripts/check-lib.sh
. "$(dirname "$0")/check-lib.sh"
log_dir "$top/build/log"
tap="$top/build/check.tap"
kdir=$(scripts/kernel.sh kdir ${KERNELRELEASE:+"$KERNELRELEASE"}) || exit 1
ksrc=$(scripts/kernel.sh ksrc) || exit 1
release=$(scripts/kernel.sh release "$kdir") || exit 1
NSI_BTF=${NSI_BTF:-$(scripts/kernel.sh btf "$release")} || exit 1
export NSI_BTF

{
	echo "TAP version 13"
	step module-build-W1 kbuild_warning_free "$kdir" "$top" W=1 modules
	step module-sparse-C2 kbuild_warning_free "$kdir" "$top" C=2 modules
	step leak-module-build-W1-C2 leak_build "$kdir" "$top/build/leak-static" W=1 C=2
	step checkpatch-strict checkpatch "$top" "$ksrc"
	step ibt-checker-self-test scripts/check-indirect-calls.py --self-test
	step ibt-no-call-through-looked-up-address scripts/check-indirect-calls.py nsinspect.ko
	step shellcheck shellcheck_all "$top"
	step one-version-reader one_version "$top"
	# Each static check above, run on a plant, must fail.
	step static-checks-catch-plants scripts/static-checks-test.sh "$kdir" "$ksrc"
	# dkms for the machine's own kernel, with its image installed: the
	# layout must come from that image, with nothing set.
	img=$(scripts/kernel.sh image "$release")
	step dkms-build dkms_build "$release" "$kdir" "$top/build/dkms-$release" "$img"
	if grep -q "^  GEN .*/layout.h from /boot/vmlinuz-$release\$" "$top/build/dkms-$release/make.log" &&
		! grep -q '^nsinspect: no mount walker' "$top/build/dkms-$release/make.log"; then
		echo "ok - dkms build found the BTF of $release in /boot/vmlinuz-$release"
	else
		echo "not ok - dkms build found the BTF of $release in /boot/vmlinuz-$release"
		grep -e ' GEN ' -e '^nsinspect:' "$top/build/dkms-$release/make.log" | sed 's/^/# /'
	fi
	# Where gen-layout.sh finds a kernel's BTF, every place and format.
	step btf-discovery scripts/btf-discovery-test.sh "$img" "$release"
	# The Debian packages (make deb): lintian-clean, then installed with
	# apt-get in a throwaway root, built by dkms when the kernel's headers
	# arrive, that module loaded in the VM, then purged without a trace.
	if step deb-build make -s deb; then
		step deb-lintian lintian --info --fail-on error,warning "$top"/build/deb/*.changes
		deb_step "$release" "$kdir" "$img" deb
	fi
	step vm-harness-hanging-kvm selftests/vm/harness_test.sh "$release"
	step skewed-layout-build skewed_build "$kdir" "$top/build/skewed"
	if make -s -C tools NSI_VERSION="$version" >"$log/tool.log" 2>&1; then
		echo "ok - tool build -Werror"
	else
		echo "not ok - tool build -Werror"
	fi
	rc=0
	make -s -C tools check 2>"$log/tool-check.log" || rc=$?
	echo "# exit=$rc tools-unit-tests"
	# metrics: from /proc on this host, the example alert rules, the systemd units.
	step metrics-proc scripts/metrics-test.sh proc
	step metrics-alert-rules scripts/metrics-test.sh rules
	step metrics-systemd-units scripts/metrics-test.sh units
	vm_suite "$release" "$top/nsinspect.ko" "$top/build/skewed/nsinspect.ko" check
	# The leak scenario of selftests/metrics_test.sh, served by node_exporter.
	step metrics-vm-leak-scrape scripts/metrics-test.sh scrape "$top/build/vm/check/result.txt"
} | tee "$tap"
# The summary is also kept in a file so that .ci/run can end with it.
awk -f scripts/tap-summary.awk "$tap" | tee "$top/build/check.summary"
awk '/^[0-9]+ passed, 0 failed/ { ok = 1 } END { exit !ok }' "$top/build/check.summary"
