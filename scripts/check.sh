#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: static checks, the tool's unit tests and the VM suite. Prints
# one TAP stream and, last, the line `N passed, N failed, N skipped`. Logs of
# every step are kept in build/log/.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
log="$top/build/log"
rm -rf "$log" && mkdir -p "$log"
tap="$top/build/check.tap"
kdir=$(scripts/kernel.sh kdir ${KERNELRELEASE:-}) || exit 1
ksrc=$(scripts/kernel.sh ksrc) || exit 1
release=$(scripts/kernel.sh release "$kdir") || exit 1
NSI_BTF=${NSI_BTF:-$(scripts/kernel.sh btf "$release")} || exit 1
export NSI_BTF
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

checkpatch() {
	# shellcheck disable=SC2046
	out=$(perl "$ksrc/scripts/checkpatch.pl" --terse $(git ls-files '*.c' '*.h'))
	echo "$out"
	[ -z "$out" ]
}

dkms_build() {
	tree=$(mktemp -d)
	mkdir -p "$tree/src/nsinspect-$version" "$tree/dkms"
	cp -r Kbuild dkms.conf module "$tree/src/nsinspect-$version/"
	rc=0
	dkms build -m nsinspect -v "$version" -k "$release" \
		--sourcetree "$tree/src" --dkmstree "$tree/dkms" || rc=$?
	ls "$tree"/dkms/nsinspect/"$version"/"$release"/*/module/nsinspect.ko* || rc=1
	rm -rf "$tree"
	return $rc
}

# step, kbuild_clean, skewed_build and vm_suite
. "$top/scripts/vm-suite.sh"

{
	echo "TAP version 13"
	step module-build-W1 kbuild_clean "$kdir" "$top" W=1 modules
	step module-sparse-C2 kbuild_clean "$kdir" "$top" C=2 modules
	step checkpatch-strict checkpatch
	step dkms-build dkms_build
	# Where gen-layout.sh finds a kernel's BTF, every place and format.
	step btf-discovery scripts/btf-discovery-test.sh "$(scripts/kernel.sh image "$release")" \
		"$release"
	step vm-harness-hanging-kvm selftests/vm/harness_test.sh "$release"
	step skewed-layout-build skewed_build "$kdir" "$top/build/skewed"
	make -s -C tools NSI_VERSION="$version" >"$log/tool.log" 2>&1 &&
		echo "ok - tool build -Werror" || echo "not ok - tool build -Werror"
	rc=0
	make -s -C tools check 2>"$log/tool-check.log" || rc=$?
	echo "# exit=$rc tools-unit-tests"
	vm_suite "$release" "$top/nsinspect.ko" "$top/build/skewed/nsinspect.ko" check
} | tee "$tap"
# The summary is also kept in a file so that .ci/run can end with it.
awk -f scripts/tap-summary.awk "$tap" | tee "$top/build/check.summary"
awk '/^[0-9]+ passed, 0 failed/ { ok = 1 } END { exit !ok }' "$top/build/check.summary"
