#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make deb`: the Debian packages nsinspect-dkms (arch all) and nsinspect-tool
# (amd64), built with debhelper (debian/) in a copy of the tree, so that the
# repo gets no build outputs; the .debs, .buildinfo and .changes end in
# build/deb/. The version is dkms.conf's, the one `make version` prints:
# debian/changelog is written here from it, never kept in the repo.
set -eu

# top, version, source_files
# shellcheck source=scripts/check-lib.sh
. "$(dirname "$0")/check-lib.sh"

out=$top/build/deb
work=$top/build/deb-src
src=$work/nsinspect-$version
rm -rf "$out" "$work"
mkdir -p "$out" "$src"
# The files git knows or would add (a native package's source), never
# build outputs.
source_files "$top" | cpio -pdm --quiet "$src"

# The changelog's maintainer is debian/control's, its date the last commit's
# (so that a rebuild of the same tree is the same package).
maint=$(sed -n 's/^Maintainer: //p' "$src/debian/control")
date=$(git -C "$top" log -1 --format=%aD 2>/dev/null || date -R)
commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
cat >"$src/debian/changelog" <<EOF
nsinspect ($version) unstable; urgency=medium

  * Built from the nsinspect tree at commit $commit.

 -- $maint  $date
EOF

(cd "$src" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 || {
	tail -n 40 "$work/build.log" >&2
	echo "deb.sh: dpkg-buildpackage failed; whole log in $work/build.log" >&2
	exit 1
}
mv "$work"/*.deb "$work"/*.buildinfo "$work"/*.changes "$out/"
mv "$work/build.log" "$out/"
rm -rf "$work"
ls "$out"
