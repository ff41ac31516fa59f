# SPDX-License-Identifier: GPL-2.0
#
# Pieces of the test run shared by `make check` (scripts/check.sh) and
# `make check-matrix` (scripts/check-matrix.sh); sourced, not run. The
# caller sets top (the repo), log (its log dir) and version (the module's).

# step NAME CMD...: one TAP line, CMD's output in $log/NAME.log; on failure
# the end of that log as comments, and a failing status.
step() {
	name=$1
	shift
	if "$@" >"$log/$name.log" 2>&1; then
		echo "ok - $name"
	else
		echo "not ok - $name"
		tail -n 30 "$log/$name.log" | sed 's/^/# /'
		return 1
	fi
}

# kbuild_clean KDIR TREE ARGS...: build the module in TREE against KDIR; it
# is clean when the compiler and sparse say nothing about our files.
kbuild_clean() {
	kc_kdir=$1
	kc_tree=$2
	shift 2
	out=$(make -C "$kc_kdir" M="$kc_tree" "$@" 2>&1) || { echo "$out"; return 1; }
	echo "$out"
	! echo "$out" | grep -E "^($kc_tree/)?(module|Kbuild).*(warning|error):"
}

# copy_tree TREE: the module's sources alone in TREE, without build outputs.
copy_tree() {
	rm -rf "$1" && mkdir -p "$1"
	cp -r "$top/Kbuild" "$top/dkms.conf" "$top/module" "$1/" &&
		rm -f "$1"/module/*.o "$1"/module/.*.cmd "$1/module/layout.h"
}

# skewed_build KDIR TREE: the module with one private offset moved, to prove
# that a layout that does not match the running kernel is refused at load
# time, not dereferenced. NSI_BTF must name the target's BTF.
skewed_build() {
	sk_kdir=$1
	sk_tree=$2
	copy_tree "$sk_tree" &&
		make -C "$sk_kdir" M="$sk_tree" modules >/dev/null &&
		sed -i 's/^\(#define NSI_OFF_MOUNT_MNT_NS\) \([0-9]*\)$/echo "\1 $((\2 + 8))"/e' \
			"$sk_tree/module/layout.h" &&
		grep -q '^#define NSI_OFF_MOUNT_MNT_NS' "$sk_tree/module/layout.h" &&
		make -C "$sk_kdir" M="$sk_tree" modules >/dev/null
}

# vm_suite RELEASE KO SKEWED_KO NAME: the selftests payload with module KO
# (and the image's own overlay module), booted in RELEASE's Debian image;
# prints TAP. Payload, VM artifacts and logs are named after NAME.
vm_suite() {
	vs_rel=$1
	vs_ko=$2
	vs_skewed=$3
	vs_name=$4
	vs_payload="$top/build/payload-$vs_name"
	[ "$vs_name" = check ] && vs_payload="$top/build/payload"
	# busybox insmod reads no .ko.xz: kernel.sh hands out a decompressed copy.
	overlay=$(scripts/kernel.sh module "$vs_rel" fs/overlayfs/overlay) || {
		echo "not ok - overlay module of $vs_rel"
		return
	}
	# stuck_test.sh loads these itself, in its own order. Found by name, as
	# kernels move them (lib/crc/ from 6.16); one the image lacks is built
	# in, or the test skips.
	vs_kmods=
	vs_kdir="$(scripts/kernel.sh image "$vs_rel")/modules/kernel"
	for vs_m in brd dm-mod crc16 crc32c_generic crc32c mbcache jbd2 ext4; do
		vs_p=$(cd "$vs_kdir" && find . -name "$vs_m.ko*" | head -n 1)
		[ -n "$vs_p" ] || continue
		vs_p=$(scripts/kernel.sh module "$vs_rel" "$(echo "${vs_p#./}" | sed 's/\.ko.*$//')")
		vs_kmods="$vs_kmods $vs_p"
	done
	make -s -C selftests payload PAYLOAD="$vs_payload" NSI_VERSION="$version" \
		NSI_KO="$vs_ko" EXTRA_MODULES="$overlay" SKEWED_KO="$vs_skewed" \
		TEST_MODULES="$(echo $vs_kmods)" \
		>"$log/selftests-build.log" 2>&1 || {
		echo "not ok - selftests build"
		sed 's/^/# /' "$log/selftests-build.log" | tail -n 30
		return
	}
	if selftests/vm/run.sh -k "$vs_rel" -o "$top/build/vm/$vs_name" "$vs_payload" \
		2>"$log/vm.log"; then
		echo "ok - vm verdict ($(tail -n 1 "$log/vm.log"))"
	else
		echo "not ok - vm verdict"
	fi
	sed 's/^/# /' "$log/vm.log"
}
