#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install everything nsinspect needs to build and test, from Debian packages
# by name. Idempotent: when every package is present it returns at once, so
# every make target that needs it can call it.
set -eu

PKGS="
	build-essential bc bison flex libelf-dev libssl-dev pkg-config
	linux-headers-amd64 linux-source-6.1
	qemu-system-x86 busybox-static cpio fakeroot xz-utils zstd
	sparse bpftool dkms kmod dwarves shellcheck lz4
	libsmartcols-dev util-linux
	jq clang libclang-rt-14-dev
	dmsetup e2fsprogs runc
	debhelper dh-dkms lintian debootstrap
	prometheus prometheus-node-exporter curl python3 systemd
"

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "setup: installing$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
	echo "setup: need root to install packages (run: sudo $0)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# The package lists may be stale or absent on a fresh machine.
apt-get update -qq
# shellcheck disable=SC2086 # one package name per word
apt-get install -y -qq --no-install-recommends $missing >/dev/null
# promtool and node_exporter are for the metrics tests, which run them on a
# loopback port: the daemons their packages start on every address, stopped.
for d in prometheus prometheus-node-exporter; do
	case " $missing " in
	*" $d "*) systemctl disable --now "$d" >/dev/null 2>&1 || : ;;
	esac
done
