#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make check-matrix`: the module and the VM suite on each Debian kernel that
# `scripts/kernel.sh matrix` names (bookworm's 6.1, and the newest of trixie
# and sid). For each: a W=1 build that must be warning-free, the
# skewed-layout build, the selftests payload with that kernel's own overlay
# module booted in that kernel's image, and what dkms builds for that kernel
# once it is installed: it must find the kernel's BTF with nothing set, and
# the module must report the mount walker available in the kernel's VM.
# Prints `kernel <release>: N passed, N failed`
# for each and, last, the overall `N passed, N failed`; exits non-zero on any
# failure. Logs and TAP are kept in build/matrix/<release>/.
#
# NSI_MATRIX="REL..." tests other releases instead.
set -u

# top, version, log_dir, step, kbuild_warning_free, skewed_build, vm_suite,
# dkms_mounts_step, deb_step
# shellcheck source=scripts/check-lib.sh
. "$(dirname "$0")/check-lib.sh"

releases=${NSI_MATRIX:-$(scripts/kernel.sh matrix)} || exit 1
make -s -C tools NSI_VERSION="$version" >/dev/null || exit 1
# The packages, once for every kernel.
mkdir -p "$top/build/matrix" && make -s deb >"$top/build/matrix/deb.log" 2>&1

# One kernel: its TAP stream on stdout.
one() {
	rel=$1
	dir="$top/build/matrix/$rel"
	echo "TAP version 13"
	echo "# kernel $rel"
	# Prepared once per kernel (about 45 s), then cached.
	kdir=$(scripts/kernel.sh kdir "$rel" 2>"$log/kdir.log") || {
		echo "not ok - build tree for $rel"
		sed 's/^/# /' "$log/kdir.log" | tail -n 30
		return
	}
	NSI_BTF=$(scripts/kernel.sh btf "$rel" 2>"$log/btf.log") || {
		echo "not ok - BTF of $rel"
		sed 's/^/# /' "$log/btf.log" | tail -n 30
		return
	}
	export NSI_BTF
	copy_tree "$dir/src"
	step module-build-W1 kbuild_warning_free "$kdir" "$dir/src" W=1 modules || return
	grep -h 'NSI_LAYOUT_UNAVAILABLE' "$dir/src/module/layout.h" | sed 's/^/# layout: /'
	if skewed_build "$kdir" "$dir/skewed" >"$log/skewed.log" 2>&1; then
		echo "ok - skewed-layout-build"
	else
		echo "not ok - skewed-layout-build"
		tail -n 30 "$log/skewed.log" | sed 's/^/# /'
	fi
	vm_suite "$rel" "$dir/src/nsinspect.ko" "$dir/skewed/nsinspect.ko" "matrix-$rel"
	# What dkms builds once this kernel is installed, with nothing set: it
	# must find the kernel's BTF by itself (module/gen-layout.sh --find).
	img=$(scripts/kernel.sh image "$rel" 2>"$log/image.log") || {
		echo "not ok - image of $rel"
		sed 's/^/# /' "$log/image.log" | tail -n 30
		return
	}
	dkms_mounts_step "$rel" "$kdir" "$img" dkms-btf
	# The packages' life with this kernel (the machine's own release is
	# make check's), in a throwaway root.
	[ "$(scripts/kernel.sh suite "$rel")" = system ] && return
	if [ -e "$top/build/deb/nsinspect_${version}_amd64.changes" ]; then
		deb_step "$rel" "$kdir" "$img" deb
	else
		echo "not ok - deb-build"
		tail -n 30 "$top/build/matrix/deb.log" | sed 's/^/# /'
	fi
}

total_pass=0
total_fail=0
for rel in $releases; do
	log_dir "$top/build/matrix/$rel/log"
	start=$(date +%s)
	one "$rel" >"$top/build/matrix/$rel/check.tap" 2>&1
	summary=$(awk -f scripts/tap-summary.awk "$top/build/matrix/$rel/check.tap")
	pass=$(echo "$summary" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
	fail=$(echo "$summary" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
	# A kernel that reported nothing has failed.
	[ "${pass:-0}" -gt 0 ] || fail=$((${fail:-0} + 1))
	grep '^not ok' "$top/build/matrix/$rel/check.tap" | sed "s/^/# $rel: /"
	echo "kernel $rel: ${pass:-0} passed, ${fail:-0} failed ($(($(date +%s) - start)) s)"
	total_pass=$((total_pass + ${pass:-0}))
	total_fail=$((total_fail + ${fail:-0}))
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
