#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The debug kernel of `make check-debug`: Debian's linux-source-6.1 built
# with tinyconfig plus selftests/debug.config (KASAN, lockdep, kmemleak,
# list and object debugging, failslab), out of tree, in the cache.
#
#   debug-kernel.sh src        the full source tree, extracted once
#   debug-kernel.sh build      build (or find) the kernel; prints its dir,
#                              which holds arch/x86/boot/bzImage (what
#                              selftests/vm/run.sh -K DIR boots), vmlinux
#                              (with BTF) and serves as KDIR for
#                              `make -C DIR M=...`
#   debug-kernel.sh dir        the dir `build` would print, built or not
#
# The build dir is keyed by the source package's version and a hash of the
# config fragment, RECIPE below, the compiler and pahole, so a warm run finds it and
# skips the build (about 12-15 minutes with -j3 on 2 cores). Only one kernel
# build may run at a time on a shared machine: builds take a lock.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${NSI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nsinspect}
frag="$top/selftests/debug.config"
jobs=${NSI_DEBUG_JOBS:-$(($(nproc) + 1))}
# Bump when the way the kernel is built changes: it is part of the cache key.
RECIPE=1

die() {
	echo "debug-kernel.sh: $*" >&2
	exit 1
}

srcver() {
	v=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
		die "linux-source-6.1 is not installed: run 'make setup'"
	echo "$v"
}

cmd_src() {
	dir="$CACHE/linux-full-$(srcver)"
	if [ ! -e "$dir/.done" ]; then
		echo "debug-kernel.sh: extracting linux-source-6.1 to $dir (once)" >&2
		rm -rf "$dir" "$dir.tmp"
		mkdir -p "$dir.tmp"
		tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$dir.tmp" --strip-components=1
		touch "$dir.tmp/.done"
		mv "$dir.tmp" "$dir"
	fi
	echo "$dir"
}

cmd_dir() {
	key=$({ cat "$frag"; echo "recipe $RECIPE"; gcc --version | head -n 1; pahole --version; } |
		sha256sum | cut -c1-12)
	echo "$CACHE/debug-kernel-$(srcver)-$key"
}

cmd_build() {
	out=$(cmd_dir)
	if [ -e "$out/.done" ]; then
		echo "$out"
		return
	fi
	command -v pahole >/dev/null || die "pahole is missing (dwarves): run 'make setup'"
	src=$(cmd_src)
	mkdir -p "$CACHE"
	exec 8>"$CACHE/kernel-build.lock"
	flock 8
	[ -e "$out/.done" ] && { echo "$out"; return; }
	echo "debug-kernel.sh: building the debug kernel in $out (once, ~15 min)" >&2
	rm -rf "$out"
	mkdir -p "$out"
	log="$out/build.log"
	{
		make -C "$src" O="$out" tinyconfig &&
			"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$frag" &&
			make -C "$src" O="$out" olddefconfig
	} >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "configuring failed (see $log)"; }
	# Every line of the fragment must have survived olddefconfig.
	missing=$(grep -E '^(CONFIG_|# CONFIG_)' "$frag" | while read -r line; do
		grep -qxF "$line" "$out/.config" || echo "$line"
	done)
	[ -z "$missing" ] || die "options lost in $out/.config: $(echo "$missing" | tr '\n' ' ')"
	start=$(date +%s)
	# bzImage, not the PVH entry of vmlinux: under KASAN, the PVH entry's
	# early C code (xen_prepare_pvh's memset) runs before the KASAN shadow
	# exists and triple-faults. The modules target writes Module.symvers
	# for external module builds; vmlinux keeps the BTF.
	make -C "$src" O="$out" -j"$jobs" bzImage modules >>"$log" 2>&1 ||
		{ tail -n 30 "$log" >&2; die "build failed (see $log)"; }
	[ -s "$out/Module.symvers" ] || : >"$out/Module.symvers"
	echo "$(($(date +%s) - start))" >"$out/build-seconds"
	touch "$out/.done"
	echo "debug-kernel.sh: built in $(cat "$out/build-seconds") s" >&2
	echo "$out"
}

case "${1:-}" in
src) cmd_src ;;
build) cmd_build ;;
dir) cmd_dir ;;
*) die "usage: debug-kernel.sh src|build|dir" ;;
esac
