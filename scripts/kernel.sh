#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Answers questions about the target kernel and prepares cached inputs,
# so the Makefile and the VM harness resolve them in one place.
#
#   kernel.sh kdir [RELEASE]    build tree: /lib/modules/RELEASE/build, else
#                               (a Debian release we have no headers for) a
#                               tree prepared from that suite's linux-source
#                               and its headers package's .config and
#                               Module.symvers; without RELEASE,
#                               /lib/modules/$(uname -r)/build, else the
#                               newest Debian headers installed under /usr/src
#   kernel.sh release KDIR      the release string that KDIR was built for
#   kernel.sh ksrc              dir holding the pieces of Debian's linux-source
#                               we use (kselftest headers, checkpatch,
#                               extract-vmlinux), extracted once and cached
#   kernel.sh image RELEASE     dir holding vmlinux, config and modules of the
#                               Debian image with exactly that release
#   kernel.sh btf RELEASE       a file with that kernel's BTF: the running
#                               kernel's own, else the image's vmlinux
#   kernel.sh module RELEASE P  the image's module kernel/P.ko, decompressed
#                               if it ships as .ko.xz or .ko.zst
#   kernel.sh suite RELEASE     the Debian suite whose packages build RELEASE
#   kernel.sh matrix            the releases `make check-matrix` tests, one a
#                               line: bookworm's (the installed headers), and
#                               the newest of trixie and of sid
#   kernel.sh mirror            the Debian mirror of the machine's own apt
#                               sources (the package test debootstraps from it)
#
# Releases of other suites than the machine's own (6.12.x+deb13-amd64 from
# trixie, 7.2.x+deb14-amd64 from sid) are looked up with a private apt
# configuration under the cache, pointing at the mirror of the machine's own
# apt sources, so that the system's package state is never touched.
#
# Caches live under $NSI_CACHE (default ~/.cache/nsinspect), keyed by package
# version, never in the repo.
set -eu

CACHE=${NSI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nsinspect}
# Suites the matrix tests beside the machine's own.
SUITES=${NSI_SUITES:-"trixie sid"}
# Private package lists older than this many seconds are refreshed.
APT_MAX_AGE=${NSI_APT_MAX_AGE:-86400}

die() {
	echo "kernel.sh: $*" >&2
	exit 1
}

pkg_version() {
	dpkg-query -W -f='${Version}' "$1" 2>/dev/null
}

# --- package lists of other suites ------------------------------------------

# The mirror and keyring of the machine's own Debian sources (deb822 or
# one-line format), read each time, never written down anywhere else.
system_mirror() {
	f=/etc/apt/sources.list.d/debian.sources
	if [ -r "$f" ]; then
		awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$f"
	else
		cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) {
				if ($i !~ /security/) { print $i; exit } break } }'
	fi
}

system_keyring() {
	k=$(awk '/^Signed-By:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources \
		2>/dev/null || true)
	echo "${k:-/usr/share/keyrings/debian-archive-keyring.gpg}"
}

# apt options that use SUITE's private lists (under the cache); empty for the
# machine's own suite.
apt_opts() {
	[ "$1" = system ] && return
	_ao="$CACHE/apt-$1"
	echo "-o Dir::Etc::sourcelist=$_ao/sources.list -o Dir::Etc::sourceparts=$_ao/sources.list.d" \
		"-o Dir::State::Lists=$_ao/lists -o Dir::Cache=$_ao/cache -o APT::Sandbox::User=root"
}

# Fetch SUITE's package lists when they are missing or stale.
apt_lists() {
	[ "$1" = system ] && return
	_al="$CACHE/apt-$1"
	stamp="$_al/lists/.updated"
	if [ -e "$stamp" ] && [ $(($(date +%s) - $(stat -c %Y "$stamp"))) -lt "$APT_MAX_AGE" ]; then
		return
	fi
	mirror=$(system_mirror)
	[ -n "$mirror" ] || die "no Debian mirror in the system's apt sources"
	mkdir -p "$_al/sources.list.d" "$_al/lists/partial" "$_al/cache/archives/partial"
	: >"$_al/sources.list"
	printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
		"$mirror" "$1" "$(system_keyring)" >"$_al/sources.list.d/nsinspect.sources"
	# shellcheck disable=SC2046 # apt_opts prints one option per word
	apt-get -qq $(apt_opts "$1") update >&2 || die "apt-get update for $1 failed"
	touch "$stamp"
}

# apt_cache SUITE ARGS...: apt-cache over that suite's lists.
apt_cache() {
	_ac=$1
	shift
	apt_lists "$_ac"
	# shellcheck disable=SC2046 # as above
	apt-cache $(apt_opts "$_ac") "$@"
}

# The version of package PKG in SUITE, or nothing.
apt_version() {
	apt_cache "$1" show --no-all-versions "$2" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1
}

# apt_download SUITE DIR PKG=VER...: the .debs, checked against the signed index.
apt_download() {
	_as=$1
	_ad=$2
	shift 2
	mkdir -p "$_ad"
	apt_lists "$_as"
	# shellcheck disable=SC2046 # as above
	(cd "$_ad" && apt-get -q $(apt_opts "$_as") -o APT::Sandbox::User=root download "$@" \
		>/dev/null) || die "could not download $* from $_as"
}

# Which suite's packages build RELEASE: Debian's ABI suffix names it.
cmd_suite() {
	case "$1" in
	*+deb13-*) echo trixie ;;
	*+deb14-*) echo sid ;;
	*) echo system ;;
	esac
}

# The release that SUITE's linux-image-amd64 depends on.
suite_release() {
	apt_cache "$1" depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\([0-9][^ ]*-amd64\)$/\1/p' | sort -V | tail -n 1
}

cmd_matrix() {
	cmd_release "$(cmd_kdir)"
	for s in $SUITES; do
		r=$(suite_release "$s")
		[ -n "$r" ] || die "no linux-image-amd64 in $s"
		echo "$r"
	done
}

# --- build trees --------------------------------------------------------------

cmd_kdir() {
	if [ -n "${1:-}" ]; then
		[ -d "/lib/modules/$1/build" ] && { echo "/lib/modules/$1/build"; return; }
		[ -d "/usr/src/linux-headers-$1" ] && { echo "/usr/src/linux-headers-$1"; return; }
		[ "$(cmd_suite "$1")" != system ] && { prepared_kdir "$1"; return; }
		die "no build tree for kernel $1 (install linux-headers-$1 or pass KDIR=)"
	fi
	if [ -d "/lib/modules/$(uname -r)/build" ]; then
		echo "/lib/modules/$(uname -r)/build"
		return
	fi
	# This machine runs a kernel we cannot build for: use Debian's headers.
	d=$(printf '%s\n' /usr/src/linux-headers-*-amd64 | sort -V | tail -n 1)
	[ -d "$d" ] || die "no kernel headers found: run 'make setup' or pass KDIR="
	echo "$d"
}

# The headers packages of newer suites run their kbuild tools with a newer
# glibc than this machine's. So build the tree from linux-source instead,
# with the headers package's .config and Module.symvers: the result carries
# the same vermagic and CRCs as the image's own modules. About 45 s, once.
prepared_kdir() {
	rel=$1
	s=$(cmd_suite "$rel")
	ver=$(apt_version "$s" "linux-headers-$rel")
	[ -n "$ver" ] || die "no linux-headers-$rel in $s"
	# 6.12.117+deb13-amd64 -> 6.12
	series=$(echo "$rel" | sed -n 's/^\([0-9]*\.[0-9]*\)\..*/\1/p')
	srcver=$(apt_version "$s" "linux-source-$series")
	[ "$srcver" = "$ver" ] || die "linux-source-$series $srcver does not match headers $ver in $s"
	dir="$CACHE/kbuild-$rel-$ver"
	if [ ! -e "$dir/.done" ]; then
		echo "kernel.sh: preparing a build tree for $rel in $dir (once)" >&2
		rm -rf "$dir"
		mkdir -p "$dir/deb"
		apt_download "$s" "$dir/deb" "linux-headers-$rel=$ver" "linux-source-$series=$ver"
		dpkg-deb --fsys-tarfile "$dir"/deb/linux-headers-*.deb |
			tar -x -C "$dir/deb" "./usr/src/linux-headers-$rel/.config" \
				"./usr/src/linux-headers-$rel/Module.symvers"
		dpkg-deb --fsys-tarfile "$dir"/deb/linux-source-*.deb |
			tar -x -O "./usr/src/linux-source-$series.tar.xz" |
			tar -xJ -C "$dir" --strip-components=1
		cp "$dir/deb/usr/src/linux-headers-$rel/.config" "$dir/.config.debian"
		mv "$dir/deb/usr/src/linux-headers-$rel/.config" "$dir/.config"
		mv "$dir/deb/usr/src/linux-headers-$rel/Module.symvers" "$dir/Module.symvers"
		rm -rf "$dir/deb"
		# Debian builds with a newer gcc; the options olddefconfig turns
		# off for gcc-12 (Rust, CC_HAS_*) change no struct layout.
		make -s -C "$dir" olddefconfig >&2 ||
			die "olddefconfig failed in $dir"
		make -s -C "$dir" -j"$(nproc)" KERNELRELEASE="$rel" modules_prepare >&2 ||
			die "modules_prepare failed in $dir"
		[ "$(cmd_release "$dir")" = "$rel" ] || die "$dir prepared for another release"
		restore_config "$dir"
		touch "$dir/.done"
	fi
	echo "$dir"
}

# olddefconfig with gcc-12 and without pahole drops options that Debian's
# kernel has. Those that describe the toolchain must stay as gcc-12 needs
# them; the others change the structs a module sees (DEBUG_INFO_BTF_MODULES
# adds fields to struct module, SCHED_CLASS_EXT to struct task_struct), so
# they go back into the generated config that module builds read. (A module
# built without them loads into 7.2 with "Invalid relocation target".)
restore_config() {
	grep '^CONFIG_' "$1/.config.debian" | while IFS='=' read -r name val; do
		case $name in
		CONFIG_CC_* | CONFIG_GCC_* | CONFIG_AS_* | CONFIG_LD_* | CONFIG_PAHOLE_* | \
			CONFIG_RUST* | CONFIG_BINDGEN_* | CONFIG_CLANG_* | CONFIG_*_RUST_*) continue ;;
		esac
		grep -q "^$name=" "$1/include/config/auto.conf" && continue
		echo "$name=$val" >>"$1/include/config/auto.conf"
		case $val in
		y) echo "#define $name 1" ;;
		m) echo "#define ${name}_MODULE 1" ;;
		*) echo "#define $name $val" ;;
		esac >>"$1/include/generated/autoconf.h"
		echo "kernel.sh: $rel: restored $name=$val" >&2
	done
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

# --- images -------------------------------------------------------------------

cmd_image() {
	rel="$1"
	s=$(cmd_suite "$rel")
	ver=$(apt_version "$s" "linux-image-$rel")
	[ -n "$ver" ] || die "no package linux-image-$rel in the $s apt lists (apt-get update?)"
	dir="$CACHE/image-$rel-$ver"
	if [ ! -e "$dir/.done" ]; then
		rm -rf "$dir"
		# From 7.x the image package is a meta package over the kernel
		# binary and its modules (and linux-base, which we don't need).
		if [ -n "$(apt_version "$s" "linux-binary-$rel")" ]; then
			pkgs="linux-binary-$rel=$ver linux-modules-$rel=$ver"
		else
			pkgs="linux-image-$rel=$ver"
		fi
		# shellcheck disable=SC2086 # one PKG=VER per word
		apt_download "$s" "$dir/deb" $pkgs
		for deb in "$dir"/deb/*.deb; do
			dpkg-deb -x "$deb" "$dir/root"
		done
		vmlinuz=$(ls "$dir"/root/boot/vmlinuz-* 2>/dev/null ||
			ls "$dir"/root/usr/lib/modules/*/vmlinuz)
		# An uncompressed vmlinux boots through PVH and skips about 3 s
		# of XZ decompression under TCG; it also carries the BTF.
		sh "$(cmd_ksrc)/scripts/extract-vmlinux" "$vmlinuz" >"$dir/vmlinux"
		cp "$vmlinuz" "$dir/vmlinuz"
		for mods in "$dir/root/lib/modules/$rel" "$dir/root/usr/lib/modules/$rel"; do
			[ -d "$mods" ] && break
		done
		ln -s "$mods" "$dir/modules"
		rm -rf "$dir/deb"
		touch "$dir/.done"
	fi
	echo "$dir"
}

# A kernel module of the image, uncompressed (busybox insmod reads no .ko.xz):
# kernel.sh module RELEASE PATH (relative to kernel/, without .ko*). The
# copy is cached in the image's directory.
cmd_module() {
	img=$(cmd_image "$1")
	m="$img/modules/kernel/$2"
	if [ -e "$m.ko" ]; then
		echo "$m.ko"
	elif [ -e "$m.ko.xz" ]; then
		out="$img/unpacked/$2.ko"
		if [ ! -e "$out" ]; then
			mkdir -p "$(dirname "$out")"
			xz -dc "$m.ko.xz" >"$out.tmp" && mv "$out.tmp" "$out"
		fi
		echo "$out"
	elif [ -e "$m.ko.zst" ]; then
		out="$img/unpacked/$2.ko"
		if [ ! -e "$out" ]; then
			mkdir -p "$(dirname "$out")"
			zstd -qdc "$m.ko.zst" >"$out.tmp" && mv "$out.tmp" "$out"
		fi
		echo "$out"
	else
		die "no module $2 in the image of $1"
	fi
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
module)		cmd_module "$@" ;;
btf)		cmd_btf "$@" ;;
suite)		cmd_suite "$@" ;;
matrix)		cmd_matrix ;;
mirror)		system_mirror ;;
*)		die "usage: kernel.sh kdir|release|ksrc|image|module|btf|suite|matrix|mirror ..." ;;
esac
