#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# btf-discovery-test.sh IMAGE_DIR RELEASE: how module/gen-layout.sh finds and
# reads the BTF of the kernel a module is built for, on the host, in a few
# seconds. IMAGE_DIR is `scripts/kernel.sh image RELEASE` (its vmlinux and
# vmlinuz). Every place a real machine keeps the BTF is tried where it really
# is: /boot and /usr/lib/modules are replaced by a tmpfs in a private mount
# namespace (unshare -m), so the host's own are never touched. Prints TAP;
# fails when any case fails.
set -u

img=$1
rel=$2
gen="$(cd "$(dirname "$0")/.." && pwd)/module/gen-layout.sh"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0

ok() {
	if [ "$1" = 0 ]; then
		echo "ok - $2"
	else
		echo "not ok - $2"
		failed=1
	fi
}

# The layout of the reference: the image's extracted vmlinux, named outright.
sh "$gen" "$img/vmlinux" cc >"$tmp/ref.h"
grep -q '^#define NSI_OFF_MOUNT_MNT_NS ' "$tmp/ref.h"
ok $? "reference layout from $img/vmlinux"
# same HEADER: HEADER has the reference's offsets and values.
same() {
	grep '^#define' "$tmp/ref.h" >"$tmp/a"
	grep '^#define' "$1" >"$tmp/b"
	cmp -s "$tmp/a" "$tmp/b"
}

# A build tree that has nothing: the header names what was tried.
mkdir -p "$tmp/bare"
found=$(sh "$gen" --find 0.0.0-none "$tmp/bare")
sh "$gen" "$found" cc 0.0.0-none "$tmp/bare" >"$tmp/none.h"
[ -z "$found" ] && grep -q 'NSI_LAYOUT_UNAVAILABLE "no BTF for kernel 0.0.0-none .*/boot/vmlinuz-0.0.0-none' \
	"$tmp/none.h"
ok $? "nothing found: unavailable, with the places tried"

# The running kernel: its own BTF.
found=$(sh "$gen" --find "$(uname -r)" "$tmp/bare")
if [ -r /sys/kernel/btf/vmlinux ]; then
	[ "$found" = /sys/kernel/btf/vmlinux ]
	ok $? "running kernel: /sys/kernel/btf/vmlinux"
fi

# A build tree with a BTF-only vmlinux, as Debian's 7.x headers ship.
mkdir -p "$tmp/tree"
objcopy --only-section=.BTF "$img/vmlinux" "$tmp/tree/vmlinux" 2>/dev/null
found=$(sh "$gen" --find "$rel" "$tmp/tree")
sh "$gen" "$found" cc "$rel" "$tmp/tree" >"$tmp/tree.h"
[ "$found" = "$tmp/tree/vmlinux" ] && same "$tmp/tree.h"
ok $? "build tree: its BTF-only vmlinux"
# A vmlinux without .BTF in the tree is passed over.
cp "$tmp/tree/vmlinux" "$tmp/nobtf" && objcopy --remove-section=.BTF "$tmp/nobtf" "$tmp/bare/vmlinux" 2>/dev/null
[ -z "$(sh "$gen" --find 0.0.0-none "$tmp/bare")" ]
ok $? "build tree: a vmlinux without .BTF is passed over"

# Images in each compression the kernel's x86 bzImage may use, behind a
# setup header and followed by trailing data, as in a bzImage.
head -c 20000 /dev/zero >"$tmp/setup"
for c in "gzip -9" "xz --check=crc32" "zstd -q -19" "lz4 -q -l -9"; do
	name=${c%% *}
	{ cat "$tmp/setup"; $c -c <"$tmp/tree/vmlinux"; head -c 4096 /dev/zero; } >"$tmp/image.$name"
	sh "$gen" "$tmp/image.$name" cc >"$tmp/image.$name.h"
	same "$tmp/image.$name.h"
	ok $? "kernel image compressed with $name: extracted"
done

# The real image where an installed image package puts it: /boot (6.1 to
# 6.12) or /usr/lib/modules/REL (7.x), found with nothing set.
for where in "/boot/vmlinuz-$rel" "/usr/lib/modules/$rel/vmlinuz"; do
	case $where in
	/boot/*) top=/boot ;;
	*) top=/usr/lib/modules ;;
	esac
	unshare -m sh -c "mount -t tmpfs nsi-test '$top' && mkdir -p '$(dirname "$where")' &&
		ln -s '$img/vmlinuz' '$where' &&
		found=\$(sh '$gen' --find '$rel' '$tmp/bare') && [ \"\$found\" = '$where' ] &&
		sh '$gen' \"\$found\" cc '$rel' '$tmp/bare'" >"$tmp/installed.h" 2>"$tmp/err"
	same "$tmp/installed.h" && grep -q "in $where" "$tmp/installed.h"
	ok $? "installed image $where: found and extracted"
done

# An image with no kernel inside: a clear reason.
sh "$gen" "$tmp/setup" cc >"$tmp/junk.h"
grep -q 'NSI_LAYOUT_UNAVAILABLE "no vmlinux with .BTF found in kernel image' "$tmp/junk.h"
ok $? "image without a kernel: unavailable, with the reason"
exit $failed
