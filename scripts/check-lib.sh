# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0
#
# The library of the test scripts: pieces shared by `make check`
# (scripts/check.sh), `make check-matrix` (scripts/check-matrix.sh) and
# `make check-debug` (scripts/check-debug.sh); sourced, not run. Sourcing it
# sets top (the repo, also made the working directory) and version (the
# module's: dkms.conf through module/version.mk); log_dir DIR says where
# step keeps its logs (build/log unless told).

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
version=$(make -s --no-print-directory -C "$top" version)
if [ -z "$version" ]; then
	echo "$0: no version from 'make version' (dkms.conf)" >&2
	exit 1
fi
log=$top/build/log

# log_dir DIR: an empty DIR for the logs of the steps that follow.
log_dir() {
	log=$1
	rm -rf "$log" && mkdir -p "$log"
}

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

# kbuild_warning_free KDIR TREE ARGS...: build the module in TREE against
# KDIR; it passes only when the build printed nothing but kbuild's own
# progress lines ("  CC [M]  ...", make's "Entering directory"). Any other
# line fails it, whatever file it names: a compiler or sparse warning in our
# sources or in a kernel header, modpost's warnings (section mismatches,
# undefined or GPL-only symbols), kbuild's compiler-version mismatch notice.
# One informational line is accepted, by decision: "Skipping BTF generation
# for X due to unavailability of vmlinux" says that the build tree has no
# vmlinux to base the module's own BTF on (Debian's 6.1 headers ship none);
# the module loads and works the same without its BTF, and nothing in this
# repo could change it. Kbuild's own "nsinspect: no mount walker: ..." fails
# it too: a checked build must have found its BTF. The build starts from
# clean, so that every warning is printed again.
kbuild_warning_free() {
	kw_kdir=$1
	kw_tree=$2
	shift 2
	# From clean: a step that rebuilt nothing would print no warning.
	make -C "$kw_kdir" M="$kw_tree" clean >/dev/null 2>&1
	kw_out=$(make -C "$kw_kdir" M="$kw_tree" "$@" 2>&1) || {
		echo "$kw_out"
		return 1
	}
	echo "$kw_out"
	kw_other=$(echo "$kw_out" | grep -Ev \
		-e '^make(\[[0-9]+\])?: (Entering|Leaving) directory ' \
		-e '^  [A-Z][A-Z0-9_]*( \[M\])? +[^ ]' \
		-e '^Skipping BTF generation for [^ ]+ due to unavailability of vmlinux$')
	[ -z "$kw_other" ] && return 0
	echo "# not warning-free: the build printed"
	echo "$kw_other"
	return 1
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
		make -C "$sk_kdir" M="$sk_tree" modules >/dev/null || return 1
	sk_off=$(sed -n 's/^#define NSI_OFF_MOUNT_MNT_NS \([0-9]*\)$/\1/p' "$sk_tree/module/layout.h")
	[ -n "$sk_off" ] || return 1
	sed -i "s/^#define NSI_OFF_MOUNT_MNT_NS $sk_off\$/#define NSI_OFF_MOUNT_MNT_NS $((sk_off + 8))/" \
		"$sk_tree/module/layout.h" &&
		make -C "$sk_kdir" M="$sk_tree" modules >/dev/null
}

# leak_build KDIR TREE [ARGS...]: the test-only leak module of selftests/leak/
# in TREE (a copy, so that builds for several kernels never share objects),
# built against KDIR, warning-free as the module is; TREE/nsi_leak.ko.
leak_build() {
	lb_kdir=$1
	lb_tree=$2
	shift 2
	rm -rf "$lb_tree" && mkdir -p "$lb_tree" &&
		cp "$top/selftests/leak/Kbuild" "$top/selftests/leak/nsi_leak.c" "$lb_tree/" &&
		kbuild_warning_free "$lb_kdir" "$lb_tree" "$@" modules
}

# The suites' VMs have 2 CPUs online of 240 possible, as a server has
# hundreds: a walk or a sum over the possible CPUs shows its cost there.
vm_smp=2,maxcpus=240

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
	# stuck_test.sh (and netdev_test.sh, veth) loads these itself, in its own order. Found by name, as
	# kernels move them (lib/crc/ from 6.16); one the image lacks is built
	# in, or the test skips.
	vs_kmods=
	vs_kdir="$(scripts/kernel.sh image "$vs_rel")/modules/kernel"
	for vs_m in brd dm-mod crc16 crc32c_generic crc32c mbcache jbd2 ext4 veth; do
		vs_p=$(cd "$vs_kdir" && find . -name "$vs_m.ko*" | head -n 1)
		[ -n "$vs_p" ] || continue
		vs_p=$(scripts/kernel.sh module "$vs_rel" "$(echo "${vs_p#./}" | sed 's/\.ko.*$//')")
		vs_kmods="$vs_kmods $vs_p"
	done
	# The leak module of trace_test.sh, for the same kernel.
	vs_leak="$top/build/leak-$vs_name"
	if ! leak_build "$(scripts/kernel.sh kdir "$vs_rel")" "$vs_leak" >"$log/leak-build.log" 2>&1; then
		echo "not ok - leak module build for $vs_rel"
		sed 's/^/# /' "$log/leak-build.log" | tail -n 30
		return
	fi
	make -s -C selftests payload PAYLOAD="$vs_payload" NSI_VERSION="$version" \
		NSI_KO="$vs_ko" EXTRA_MODULES="$overlay" SKEWED_KO="$vs_skewed" \
		LEAK_KO="$vs_leak/nsi_leak.ko" \
		TEST_MODULES="${vs_kmods# }" \
		>"$log/selftests-build.log" 2>&1 || {
		echo "not ok - selftests build"
		sed 's/^/# /' "$log/selftests-build.log" | tail -n 30
		return
	}
	if NSI_VM_SMP=${NSI_VM_SMP:-$vm_smp} \
		selftests/vm/run.sh -k "$vs_rel" -o "$top/build/vm/$vs_name" "$vs_payload" \
		2>"$log/vm.log"; then
		echo "ok - vm verdict ($(tail -n 1 "$log/vm.log"))"
	else
		echo "not ok - vm verdict"
	fi
	sed 's/^/# /' "$log/vm.log"
}

# dkms_build REL KDIR OUT [IMAGE]: build the module for kernel REL the way
# dkms does once that kernel is installed: `dkms build -k REL`, which runs
# make with KERNELRELEASE=REL against KDIR, with no NSI_BTF, in a throwaway
# dkms tree. OUT gets the module (decompressed, for busybox insmod) and
# dkms's make.log, whose GEN line says where the layout came from (dkms
# cleans the build dir, layout.h included). IMAGE, the dir of `kernel.sh image REL`,
# puts the kernel's image where its Debian package installs it: as
# /boot/vmlinuz-REL up to 6.12, as /usr/lib/modules/REL/vmlinuz from 7.x.
# That place is a tmpfs in a private mount namespace, so the host's own
# /boot and /usr/lib/modules are never written.
dkms_build() {
	db_rel=$1
	db_kdir=$2
	db_out=$3
	db_img=${4:-}
	db_tree=$(mktemp -d)
	db_src="$db_tree/src/nsinspect-$version"
	copy_tree "$db_src" && mkdir -p "$db_tree/dkms" && rm -rf "$db_out" && mkdir -p "$db_out" ||
		return 1
	db_place=true
	if [ -z "$db_img" ]; then
		:
	elif [ -e "$db_img/root/boot/vmlinuz-$db_rel" ]; then
		db_place="mount -t tmpfs nsi-boot /boot &&
			ln -s '$db_img/root/boot/vmlinuz-$db_rel' /boot/vmlinuz-$db_rel"
	elif [ -e "$db_img/root/usr/lib/modules/$db_rel/vmlinuz" ]; then
		db_place="mount -t tmpfs nsi-modules /usr/lib/modules &&
			mkdir /usr/lib/modules/$db_rel &&
			ln -s '$db_img/root/usr/lib/modules/$db_rel/vmlinuz' /usr/lib/modules/$db_rel/vmlinuz"
	else
		echo "dkms_build: no vmlinuz in $db_img/root"
		return 1
	fi
	db_rc=0
	env -u NSI_BTF unshare -m sh -c "$db_place && ls -l /boot /usr/lib/modules/$db_rel 2>/dev/null;
		dkms build -m nsinspect -v '$version' -k '$db_rel' --kernelsourcedir '$db_kdir' \
			--sourcetree '$db_tree/src' --dkmstree '$db_tree/dkms'" || db_rc=$?
	db_ko=
	for f in "$db_tree/dkms/nsinspect/$version/$db_rel"/*/module/nsinspect.ko*; do
		[ -e "$f" ] && db_ko=$f && break
	done
	case $db_ko in
	'') db_rc=1 ;;
	*.xz) xz -dc "$db_ko" >"$db_out/nsinspect.ko" ;;
	*.zst) zstd -qdc "$db_ko" >"$db_out/nsinspect.ko" ;;
	*) cp "$db_ko" "$db_out/nsinspect.ko" ;;
	esac
	cp "$db_tree/dkms/nsinspect/$version/$db_rel"/*/log/make.log "$db_out/" 2>/dev/null
	cat "$db_out/make.log" 2>/dev/null
	rm -rf "$db_tree"
	return $db_rc
}

# dkms_mounts_step REL KDIR IMAGE NAME: dkms_build for REL with its image in
# place, and the layout it generated must carry the mount walker's offsets;
# one TAP line, logs in $log/NAME.log. Then, in the VM of REL, the module
# must load and report `feature=mounts state=available`.
dkms_mounts_step() {
	dm_out="$top/build/dkms-$1"
	step "$4" dkms_build "$1" "$2" "$dm_out" "$3" || return
	# "GEN     .../module/layout.h from SOURCE", or "from no BTF" and the
	# reason on the next line.
	dm_from=$(sed -n 's|^  GEN  *.*/layout\.h from ||p' "$dm_out/make.log")
	if [ -n "$dm_from" ] && ! grep -q '^nsinspect: no mount walker' "$dm_out/make.log"; then
		echo "ok - $4: mount layout from $dm_from"
	else
		echo "not ok - $4: mount layout from ${dm_from:-?}"
		grep '^nsinspect: no mount walker' "$dm_out/make.log" | sed 's/^/# /'
		return
	fi
	dkms_vm_step "$1" "$dm_out/nsinspect.ko" "$4"
}

# dkms_vm_step REL KO NAME: KO, a module dkms built for REL, loaded in REL's
# VM (selftests/vm/feature_check.sh) must report `feature=mounts
# state=available`; one TAP line, the guest's output as comments.
dkms_vm_step() {
	dv_payload="$top/build/payload-$3-$1"
	if ! { rm -rf "$dv_payload" && mkdir -p "$dv_payload" &&
		cp "$2" "$dv_payload/nsinspect.ko" &&
		cp "$top/selftests/vm/feature_check.sh" "$dv_payload/run"; }; then
		echo "not ok - $3 payload"
		return
	fi
	if selftests/vm/run.sh -k "$1" -o "$top/build/vm/$3-$1" "$dv_payload" \
		>"$log/$3-vm.out" 2>"$log/$3-vm.log"; then
		echo "ok - $3: loaded in $1, feature=mounts state=available"
	else
		echo "not ok - $3: loaded in $1, feature=mounts state=available"
	fi
	sed 's/^/# /' "$log/$3-vm.out" "$log/$3-vm.log"
}

# --- the Debian packages, in a throwaway root ------------------------------

deb_cache=${NSI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nsinspect}

# in_root ROOT CMD [DIR AT]: CMD run by sh chrooted in ROOT, with a clean
# environment (no NSI_BTF: dkms must find the BTF itself), in a private mount
# namespace: ROOT's /proc, its package cache bound to one kept under the
# cache (repeat runs download nothing), and DIR bound read-only at ROOT/AT.
# The mounts end with the command; the host's own package state is never
# touched.
in_root() {
	mkdir -p "$deb_cache/deb-archives/partial" || return 1
	# shellcheck disable=SC2016 # the inner sh expands them
	unshare -m sh -c 'r=$1 a=$2 c=$3 d=$4 at=$5
		mount -t proc proc "$r/proc" &&
		mount --bind "$a" "$r/var/cache/apt/archives" || exit 1
		if [ -n "$d" ]; then
			mount --bind "$d" "$r$at" && mount -o remount,bind,ro "$r$at" || exit 1
		fi
		exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
			DEBIAN_FRONTEND=noninteractive chroot "$r" /bin/sh -c "$c"' \
		in_root "$1" "$deb_cache/deb-archives" "$2" "${3:-}" "${4:-}"
}

# deb_base: a tarball of a minimal root of the machine's own Debian release
# (debootstrap --variant=minbase), from the mirror of the machine's apt
# sources and with those sources (read here, written into that root only);
# made once under the cache, its package lists refreshed after a day.
# Called in a subshell ($(deb_base)), which holds the cache's lock on it.
deb_base() {
	mkdir -p "$deb_cache" && exec 8>"$deb_cache/deb-root.lock" && flock 8 || return 1
	dbs_suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
	dbs_tar="$deb_cache/deb-root-$dbs_suite.tar.zst"
	if [ -e "$dbs_tar" ] && [ $(($(date +%s) - $(stat -c %Y "$dbs_tar"))) -lt 86400 ]; then
		echo "$dbs_tar"
		return
	fi
	dbs_new="$deb_cache/deb-root-$dbs_suite.new"
	rm -rf --one-file-system "$dbs_new" && mkdir -p "$dbs_new" || return 1
	if [ -e "$dbs_tar" ]; then
		tar -C "$dbs_new" -I zstd -xf "$dbs_tar" || return 1
	else
		dbs_mirror=$(scripts/kernel.sh mirror) || return 1
		debootstrap --variant=minbase "$dbs_suite" "$dbs_new" "$dbs_mirror" >&2 ||
			return 1
		rm -f "$dbs_new/etc/apt/sources.list"
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/debian.sources; do
			[ ! -r "$f" ] || cp "$f" "$dbs_new$f" || return 1
		done
		# Packages start no services here.
		printf '#!/bin/sh\nexit 101\n' >"$dbs_new/usr/sbin/policy-rc.d" &&
			chmod 755 "$dbs_new/usr/sbin/policy-rc.d" || return 1
	fi
	in_root "$dbs_new" 'apt-get -qq update' >&2 || return 1
	tar -C "$dbs_new" -cf - . | zstd -q -T0 -o "$dbs_tar.tmp" &&
		mv "$dbs_tar.tmp" "$dbs_tar" || return 1
	rm -rf --one-file-system "$dbs_new"
	echo "$dbs_tar"
}

# deb_install ROOT: ROOT made afresh from deb_base, and build/deb/*.deb
# installed in it with apt-get, as a user installs them: the tool runs and
# gives its version. Without kernel headers there, dkms has the sources
# (`added`) and builds nothing yet.
deb_install() {
	dbi_tar=$(deb_base) || return 1
	rm -rf --one-file-system "$1" && mkdir -p "$1/tmp/debs" &&
		tar -C "$1" -I zstd -xf "$dbi_tar" &&
		cp "$top"/build/deb/*.deb "$1/tmp/debs/" || return 1
	in_root "$1" 'apt-get install -y -q -o Dpkg::Use-Pty=0 --no-install-recommends /tmp/debs/*.deb &&
		rm -r /tmp/debs && dkms status' || return 1
	in_root "$1" 'nsinspect-tool --version' | head -n 1 | grep -x "nsinspect-tool $version" &&
		in_root "$1" 'dkms status' | grep -x "nsinspect/$version: added"
}

# deb_kernel ROOT REL KDIR IMAGE OUT: kernel REL arrives in ROOT as an
# upgrade brings it: its image first, where its package puts it (the BTF
# dkms needs is in it), then its headers, whose postinst runs
# /etc/kernel/header_postinst.d, where dkms builds and installs nsinspect
# for REL. Bookworm's headers come from the mirror; trixie's and sid's run
# their tools with a newer libc than ROOT's, so the tree kernel.sh prepared
# (KDIR) stands in for them, bound where they install, and the hook is run
# as their postinst runs it. OUT gets the installed module (decompressed)
# and dkms's make.log.
deb_kernel() {
	dbk_root=$1
	dbk_rel=$2
	rm -rf "$5" && mkdir -p "$5" || return 1
	if [ -e "$4/root/boot/vmlinuz-$dbk_rel" ]; then
		dbk_image=/boot/vmlinuz-$dbk_rel
	else
		dbk_image=/usr/lib/modules/$dbk_rel/vmlinuz
	fi
	mkdir -p "$dbk_root${dbk_image%/*}" &&
		cp "$4/root$dbk_image" "$dbk_root$dbk_image" || return 1
	if [ "$(scripts/kernel.sh suite "$dbk_rel")" = system ]; then
		in_root "$dbk_root" "apt-get install -y -q -o Dpkg::Use-Pty=0 --no-install-recommends \
			linux-headers-$dbk_rel" || return 1
	else
		mkdir -p "$dbk_root/usr/src/linux-headers-$dbk_rel" "$dbk_root/lib/modules/$dbk_rel" &&
			ln -sfn "/usr/src/linux-headers-$dbk_rel" "$dbk_root/lib/modules/$dbk_rel/build" &&
			in_root "$dbk_root" "run-parts --report --exit-on-error --arg=$dbk_rel \
				/etc/kernel/header_postinst.d" "$3" "/usr/src/linux-headers-$dbk_rel" ||
			return 1
	fi
	in_root "$dbk_root" "dkms status -k $dbk_rel" |
		grep -x "nsinspect/$version, $dbk_rel, x86_64: installed" || return 1
	dbk_ko=
	for f in "$dbk_root/lib/modules/$dbk_rel/updates/dkms"/nsinspect.ko*; do
		[ -e "$f" ] && dbk_ko=$f && break
	done
	case $dbk_ko in
	'') echo "no nsinspect.ko in /lib/modules/$dbk_rel/updates/dkms"; return 1 ;;
	*.xz) xz -dc "$dbk_ko" >"$5/nsinspect.ko" ;;
	*.zst) zstd -qdc "$dbk_ko" >"$5/nsinspect.ko" ;;
	*) cp "$dbk_ko" "$5/nsinspect.ko" ;;
	esac || return 1
	cp "$dbk_root/var/lib/dkms/nsinspect/$version/$dbk_rel"/*/log/make.log "$5/" &&
		cat "$5/make.log" || return 1
	# The layout from that image, with nothing set.
	grep -q "^  GEN .*/layout.h from $dbk_image\$" "$5/make.log" &&
		! grep -q '^nsinspect: no mount walker' "$5/make.log"
}

# deb_purge ROOT: both packages purged; nothing of theirs may be left: no
# path `dpkg -L` listed (but directories other packages own), no dkms tree,
# no sources under /usr/src, nothing named nsinspect anywhere in ROOT. A
# directory may stay when another package owns it, or when it is a merged
# /usr link (/lib) that a package's path went through.
deb_purge() {
	# shellcheck disable=SC2016 # the chroot's sh expands them
	in_root "$1" 'dpkg -L nsinspect-dkms nsinspect-tool >/tmp/paths &&
		apt-get purge -y -q -o Dpkg::Use-Pty=0 nsinspect-dkms nsinspect-tool &&
		while read -r p; do
			[ -e "$p" ] || [ -L "$p" ] || continue
			if [ -d "$p" ]; then
				[ "$p" = /. ] || [ -L "$p" ] && continue
				dpkg -S "$p" >/dev/null 2>&1 && continue
			fi
			echo "left behind: $p"
		done </tmp/paths >/tmp/left' || return 1
	dbp_left=$(cat "$1/tmp/left" && find "$1" -xdev -name '*nsinspect*' |
		sed "s|^$1|left behind: |")
	echo "purged; of the $(wc -l <"$1/tmp/paths") paths dpkg -L listed, left behind:"
	rm -f "$1/tmp/paths" "$1/tmp/left"
	echo "${dbp_left:-none}"
	[ -z "$dbp_left" ]
}

# deb_step REL KDIR IMAGE NAME: the packages' whole life for kernel REL in a
# throwaway root (build/NAME-root, removed when all passed): installed,
# dkms builds for REL when its headers arrive, the module it installed is
# loaded in REL's VM, then purged without a trace. TAP lines; logs in
# $log/NAME-*.log.
deb_step() {
	ds_root="$top/build/$4-root"
	ds_ko=
	step "$4-install" deb_install "$ds_root" || return
	step "$4-dkms-$1" deb_kernel "$ds_root" "$1" "$2" "$3" "$top/build/$4-$1" &&
		ds_ko=yes
	step "$4-purge" deb_purge "$ds_root" || return
	rm -rf --one-file-system "$ds_root"
	[ -n "$ds_ko" ] && dkms_vm_step "$1" "$top/build/$4-$1/nsinspect.ko" "$4"
}

# --- static checks, over the files on disk ---------------------------------

# source_files ROOT: every file under ROOT that is on disk and not generated:
# tracked or not yet added, minus what .gitignore names (module/layout.h,
# *.mod.c, build/ and the other build outputs), so a new file is checked
# before anyone runs git add. Outside a git checkout, every file but build/.
source_files() {
	if git -C "$1" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$1" ls-files --cached --others --exclude-standard
	else
		(cd "$1" && find . -path ./build -prune -o -path ./.git -prune -o -type f -print |
			sed 's|^\./||')
	fi | while read -r sf; do
		[ -f "$1/$sf" ] && echo "$sf"
	done
}

# checkpatch ROOT KSRC: checkpatch.pl (from KSRC, with ROOT's .checkpatch.conf)
# over every C file of ROOT; passes when it says nothing.
checkpatch() {
	cp_files=$(source_files "$1" | grep -E '\.[ch]$')
	[ -n "$cp_files" ] || { echo "checkpatch: no C files under $1"; return 1; }
	# shellcheck disable=SC2086 # the repo's file names have no spaces: one word each
	cp_out=$(cd "$1" && perl "$2/scripts/checkpatch.pl" --terse $cp_files)
	echo "checked: $(echo "$cp_files" | wc -l) files"
	echo "$cp_out"
	[ -z "$cp_out" ]
}

# shell_scripts ROOT: every shell script of ROOT: *.sh, and files whose
# first line runs sh, bash or dash (.ci/run, selftests/vm/init).
shell_scripts() {
	source_files "$1" | while read -r ss; do
		case $ss in
		*.sh) echo "$ss" ;;
		*) head -n 1 "$1/$ss" | grep -Eq '^#! */(usr/)?bin/(env +)?(ba|da)?sh( |$)' && echo "$ss" ;;
		esac
	done
}

# Running shellcheck_all ROOT: shellcheck at its default severity (style and
# up) over every shell script of ROOT, with ROOT's .shellcheckrc.
shellcheck_all() {
	sc_files=$(shell_scripts "$1")
	[ -n "$sc_files" ] || { echo "shellcheck: no scripts under $1"; return 1; }
	echo "checked: $(echo "$sc_files" | tr '\n' ' ')"
	# shellcheck disable=SC2086 # one word per file, as above
	(cd "$1" && shellcheck $sc_files)
}

# one_version ROOT: the version is written once (dkms.conf) and read once
# (module/version.mk); no other file may name dkms.conf's version variable.
one_version() {
	ov_var=PACKAGE_
	ov_var=${ov_var}VERSION
	ov_other=$(source_files "$1" | grep -vx -e dkms.conf -e module/version.mk |
		(cd "$1" && xargs grep -l "$ov_var" 2>/dev/null))
	[ -z "$ov_other" ] && return 0
	echo "$ov_var read outside module/version.mk:"
	echo "$ov_other"
	return 1
}
