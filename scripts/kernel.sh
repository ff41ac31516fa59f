#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Answers questions about the target kernel and prepares cached inputs,
# so the Makefile and the VM harness resolve them in one place.
#
#   kernel.sh kdir [RELEASE]    build tree: /lib/modules/RELEASE/build, else
#                               /lib/modules/$(uname -r)/build, else the newest
#                               Debian headers installed under /usr/src
#   kernel.sh release KDIR      the release string that KDIR was built for
#   kernel.sh ksrc              dir holding the pieces of Debian's linux-source
#                               we use (kselftest headers, checkpatch,
#                               extract-vmlinux), extracted once and cached
#   kernel.sh image RELEASE     dir holding vmlinux, config and modules of the
#                               Debian image with exactly that release
#   kernel.sh btf RELEASE       a file with that kernel's BTF: the running
#                               kernel's own, else the image's vmlinux
#
# Caches live under $NSI_CACHE (default ~/.cache/nsinspect), keyed by package
# version, never in the repo.
set -eu

CACHE=${NSI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nsinspect}

die() {
	echo "kernel.sh: $*" >&2
	exit 1
}

pkg_version() {
	dpkg-query -W -f='${Version}' "$1" 2>/dev/null
}

cmd_kdir() {
	if [ -n "${1:-}" ]; then
		[ -d "/lib/modules/$1/build" ] && { echo "/lib/modules/$1/build"; return; }
		die "no build tree for kernel $1 (install linux-headers-$1 or pass KDIR=)"
	fi
	if [ -d "/lib/modules/$(uname -r)/build" ]; then
		echo "/lib/modules/$(uname -r)/build"
		return
	fi
	# This machine runs a kernel we cannot build for: use Debian's headers.
	d=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
	[ -n "$d" ] || die "no kernel headers found: run 'make setup' or pass KDIR="
	echo "$d"
}

cmd_release() {
	# UTS_RELEASE is what vermagic carries; Debian's kernel.release file
	# holds the upstream version instead.
	f="$1/include/generated/utsrelease.h"
	[ -r "$f" ] || die "$1 is not a prepared kernel build tree (no $f)"
	sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$f"
}

cmd_ksrc() {
	ver=$(pkg_version linux-source-6.1)
	[ -n "$ver" ] || die "linux-source-6.1 is not installed: run 'make setup'"
	dir="$CACHE/linux-source-$ver"
	if [ ! -e "$dir/.done" ]; then
		mkdir -p "$dir"
		tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$dir" --strip-components=1 \
			linux-source-6.1/tools/testing/selftests/kselftest.h \
			linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
			linux-source-6.1/scripts/checkpatch.pl \
			linux-source-6.1/scripts/spelling.txt \
			linux-source-6.1/scripts/const_structs.checkpatch \
			linux-source-6.1/scripts/extract-vmlinux
		touch "$dir/.done"
	fi
	echo "$dir"
}

cmd_image() {
	rel="$1"
	pkg="linux-image-$rel"
	ver=$(apt-cache show --no-all-versions "$pkg" 2>/dev/null |
		sed -n 's/^Version: //p' | head -n 1)
	[ -n "$ver" ] || die "no package $pkg in the apt lists (apt-get update?)"
	dir="$CACHE/image-$rel-$ver"
	if [ ! -e "$dir/.done" ]; then
		rm -rf "$dir"
		mkdir -p "$dir/deb"
		# apt-get download checks the .deb against the signed index.
		(cd "$dir/deb" &&
			apt-get -q -o APT::Sandbox::User=root download "$pkg=$ver" >/dev/null)
		dpkg-deb -x "$dir"/deb/*.deb "$dir/root"
		vmlinuz=$(ls "$dir"/root/boot/vmlinuz-* 2>/dev/null ||
			ls "$dir"/root/usr/lib/modules/*/vmlinuz)
		# An uncompressed vmlinux boots through PVH and skips about 3 s
		# of XZ decompression under TCG; it also carries the BTF.
		sh "$(cmd_ksrc)/scripts/extract-vmlinux" "$vmlinuz" >"$dir/vmlinux"
		cp "$vmlinuz" "$dir/vmlinuz"
		mods=$(ls -d "$dir"/root/lib/modules/"$rel" "$dir"/root/usr/lib/modules/"$rel" \
			2>/dev/null | head -n 1)
		ln -s "$mods" "$dir/modules"
		rm -rf "$dir/deb"
		touch "$dir/.done"
	fi
	echo "$dir"
}

cmd_btf() {
	if [ "$1" = "$(uname -r)" ] && [ -r /sys/kernel/btf/vmlinux ]; then
		echo /sys/kernel/btf/vmlinux
		return
	fi
	echo "$(cmd_image "$1")/vmlinux"
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
kdir)		cmd_kdir "$@" ;;
release)	cmd_release "$@" ;;
ksrc)		cmd_ksrc ;;
image)		cmd_image "$@" ;;
btf)		cmd_btf "$@" ;;
*)		die "usage: kernel.sh kdir|release|ksrc|image|btf ..." ;;
esac
