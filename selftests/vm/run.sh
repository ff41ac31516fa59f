#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host side of the VM harness: boots Debian's own kernel image under QEMU with
# a busybox initramfs holding PAYLOAD_DIR, and judges the run.
#
#   run.sh [-k RELEASE | -K KERNEL] [-o OUTDIR] [-t SECONDS] PAYLOAD_DIR
#
# -k boots the Debian image of that release; -K boots a kernel of our own
# (the debug kernel of `make check-debug`): a bzImage or PVH-bootable
# vmlinux, or a kernel build directory (its bzImage, else its vmlinux).
#
# PAYLOAD_DIR must hold an executable `run`; it runs as the guest's workload
# and its output comes back on ttyS1. Dynamically linked binaries in the
# payload, and the host tools listed in NSI_VM_HOST_BINS, are copied in with
# their shared libraries. NSI_VM_MEM and NSI_VM_SMP size the guest (2G, 2).
#
# The accelerator is KVM only when a probe boots the kernel under KVM to its
# first console line within NSI_VM_KVM_PROBE seconds (8), else TCG;
# NSI_VM_ACCEL=tcg or =kvm skips the probe. A guest whose console is still
# empty after NSI_VM_SILENT seconds (120) fails at once; any guest is killed
# after NSI_VM_TIMEOUT (600, or -t). NSI_VM_KVM_DEV stands in for /dev/kvm.
#
# The verdict needs all three: the guest's exit code through isa-debug-exit,
# the `nsinspect-result rc=N` line on the result channel, and a console free
# of kernel error reports. The payload's output goes to stdout; the verdict
# and its reasons go to stderr; the exit status is 0 only when all agree.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
release=
kernel=
out=
timeout=${NSI_VM_TIMEOUT:-600}
host_bins=${NSI_VM_HOST_BINS:-"lsns findmnt unshare nsenter stat jq dmsetup mkfs.ext4 ip runc"}

while getopts k:K:o:t: opt; do
	case $opt in
	k) release=$OPTARG ;;
	K) kernel=$OPTARG ;;
	o) out=$OPTARG ;;
	t) timeout=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || {
	echo "usage: run.sh [-k RELEASE | -K KERNEL] [-o OUTDIR] [-t SECONDS] PAYLOAD_DIR" >&2
	exit 2
}
payload=$(cd "$1" && pwd)
[ -x "$payload/run" ] || { echo "run.sh: $payload/run is missing" >&2; exit 2; }

if [ -n "$kernel" ]; then
	# A build dir: its bzImage if it has one (a KASAN kernel cannot take the
	# PVH entry, whose early C code runs before the KASAN shadow exists).
	if [ -d "$kernel" ]; then
		kdir=$kernel
		kernel="$kdir/vmlinux"
		[ -r "$kdir/arch/x86/boot/bzImage" ] && kernel="$kdir/arch/x86/boot/bzImage"
	else
		kdir=$(dirname "$kernel")
	fi
	[ -r "$kernel" ] || { echo "run.sh: no kernel image $kernel" >&2; exit 2; }
	release=$("$top/scripts/kernel.sh" release "$kdir" 2>/dev/null || basename "$kdir")
	vmlinux=$kernel
else
	[ -n "$release" ] ||
		release=$("$top/scripts/kernel.sh" release "$("$top/scripts/kernel.sh" kdir)")
	vmlinux=$("$top/scripts/kernel.sh" image "$release")/vmlinux
fi
[ -n "$out" ] || out="$top/build/vm/$release"
rm -rf "$out"
mkdir -p "$out"

# Two TCG guests on two cores starve each other's timer calibration.
exec 9>"${NSI_CACHE:-$HOME/.cache/nsinspect}/vm.lock"
flock 9

# --- initramfs -------------------------------------------------------------
stage="$out/initramfs"
mkdir -p "$stage/bin" "$stage/sbin" "$stage/usr/bin" "$stage/usr/sbin" \
	"$stage/proc" "$stage/sys" "$stage/dev" "$stage/tmp" "$stage/run" \
	"$stage/root" "$stage/etc" "$stage/mnt"
cp /bin/busybox "$stage/bin/busybox"
for applet in $(busybox --list); do
	[ -e "$stage/bin/$applet" ] || ln -s busybox "$stage/bin/$applet"
done
cp "$here/init" "$stage/init"
cp -r "$payload" "$stage/payload"
echo "root:x:0:0:root:/root:/bin/sh" >"$stage/etc/passwd"
echo "root:x:0:" >"$stage/etc/group"

copy_libs() {
	ldd "$1" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
		[ -e "$stage$lib" ] && continue
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
}
for b in $host_bins; do
	p=$(command -v "$b") || { echo "run.sh: host tool $b not found" >&2; exit 1; }
	cp "$p" "$stage/usr/bin/$b"
	copy_libs "$p"
done
find "$stage/payload" -type f -perm -u+x | while read -r f; do copy_libs "$f"; done

(cd "$stage" && fakeroot sh -c 'mknod -m 600 dev/console c 5 1 &&
	find . | cpio --quiet -o -H newc -R 0:0') >"$out/initramfs.cpio"

# --- boot ------------------------------------------------------------------
# KVM only if it really boots this kernel: some hosts expose a /dev/kvm that
# aborts QEMU at the first vCPU reset, others one where QEMU runs but no
# guest ever gets past the firmware. So the probe boots the real kernel and
# takes KVM only when its first console line appears within a few seconds.
# The verdict holds until the host reboots.
probe_kvm() {
	pk_dir=$(mktemp -d)
	timeout -k 2 60 qemu-system-x86_64 -accel kvm -cpu host \
		-machine q35 -nodefaults -nographic -no-reboot -monitor none -m 256M \
		-kernel "$vmlinux" -append "console=ttyS0 panic=-1" \
		-serial "file:$pk_dir/console" </dev/null >"$pk_dir/qemu" 2>&1 &
	pk_pid=$!
	pk_t=0
	while [ $pk_t -lt "${NSI_VM_KVM_PROBE:-8}" ] && kill -0 $pk_pid 2>/dev/null; do
		grep -q 'Linux version' "$pk_dir/console" 2>/dev/null && break
		sleep 1
		pk_t=$((pk_t + 1))
	done
	if grep -q 'Linux version' "$pk_dir/console" 2>/dev/null; then
		echo "kvm: /dev/kvm booted the kernel to its console in ${pk_t}s"
	elif ! kill -0 $pk_pid 2>/dev/null; then
		echo "tcg: KVM failed: $(head -c 200 "$pk_dir/qemu" | tr '\n' ' ')"
	else
		echo "tcg: /dev/kvm opens, but a guest printed nothing in ${pk_t}s"
	fi
	kill $pk_pid 2>/dev/null || true
	wait $pk_pid 2>/dev/null || true
	rm -rf "$pk_dir"
}
case ${NSI_VM_ACCEL:-auto} in
tcg) verdict="tcg: NSI_VM_ACCEL=tcg" ;;
kvm) verdict="kvm: NSI_VM_ACCEL=kvm" ;;
*)
	if [ ! -w "${NSI_VM_KVM_DEV:-/dev/kvm}" ]; then
		verdict="tcg: no writable ${NSI_VM_KVM_DEV:-/dev/kvm}"
	else
		# One probe per host boot and QEMU binary.
		key="$(cat /proc/sys/kernel/random/boot_id 2>/dev/null) $(command -v qemu-system-x86_64)"
		memo="${NSI_CACHE:-$HOME/.cache/nsinspect}/kvm-probe-$(echo "$key" | cksum | cut -d' ' -f1)"
		if [ -r "$memo" ] && [ "$(head -n 1 "$memo")" = "$key" ]; then
			verdict="$(sed -n 2p "$memo") (probed earlier this boot)"
		else
			verdict=$(probe_kvm)
			printf '%s\n%s\n' "$key" "$verdict" >"$memo"
		fi
	fi
	;;
esac
case $verdict in
kvm:*) accel="-accel kvm -cpu host" ;;
*) accel="-accel tcg -cpu max" ;;
esac
echo "vm: accelerator ${verdict%%:*} (${verdict#*: })" >&2
# A task stuck in D state or a CPU stuck in the kernel panics the guest
# (init lowers hung_task_timeout_secs) instead of waiting for the host timeout.
append="console=ttyS0 loglevel=7 edd=off panic=-1 oops=panic panic_on_warn=1"
append="$append softlockup_panic=1 hung_task_panic=1"
append="$append ${NSI_VM_APPEND:-}"
# A kernel boots to its first console line in seconds (a KASAN kernel under
# TCG in about 20): a console still empty after this long never will.
silent=${NSI_VM_SILENT:-120}

boot() {
	qrc=0
	rm -f "$out/result.raw"
	# shellcheck disable=SC2086 # $accel is several QEMU options
	timeout -k 10 "$timeout" qemu-system-x86_64 \
		-nodefaults -nographic -no-reboot -monitor none $accel \
		-machine q35 -smp "${NSI_VM_SMP:-2}" -m "${NSI_VM_MEM:-2G}" \
		-kernel "$vmlinux" -initrd "$out/initramfs.cpio" -append "$append" \
		-serial "file:$out/console.log" -serial "file:$out/result.raw" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		</dev/null >"$out/qemu.log" 2>&1 &
	qpid=$!
	waited=0
	silence=
	while kill -0 $qpid 2>/dev/null; do
		if [ $waited -ge "$silent" ] && [ ! -s "$out/console.log" ]; then
			silence=$waited
			kill $qpid 2>/dev/null || true
			break
		fi
		sleep 1
		waited=$((waited + 1))
	done
	wait $qpid || qrc=$?
	# A QEMU that never started has created neither file.
	touch "$out/console.log" "$out/result.raw"
}

start=$(date +%s.%N)
boot
# A kernel that reports an error of its own before it even runs /init (a
# KASAN kernel under TCG once reported a wild access in an interrupt 3 ms
# into boot) is booted once more, and says so. From /init on, nothing is
# retried: the module and the tests are judged on their first run.
early=$(awk '/Run \/init as init process/ { exit }
	/BUG:|Kernel panic|Oops|general protection fault/ { print; exit }' "$out/console.log")
if [ -z "$silence" ] && [ -n "$early" ]; then
	echo "vm: the kernel failed before the payload started; booting once more: $early" >&2
	mv "$out/console.log" "$out/console-first-boot.log"
	boot
fi
# QEMU itself killed by a signal before the guest wrote its result line is a
# failure of the emulator, which no guest may cause: bookworm's QEMU 7.2 has
# died of SIGSEGV under TCG (exit 139, the guest's console clean) with guest
# hardware watchpoints armed while both vCPUs wrote the watched memory. That
# run is kept aside and the payload booted once more, and the log says so.
case $qrc in
134 | 135 | 139)
	if ! grep -q "^nsinspect-result " "$out/result.raw"; then
		echo "vm: QEMU died of signal $((qrc - 128)) before the guest's result line;" \
			"booting once more (first run in $out/*-qemu-died.*)" >&2
		mv "$out/console.log" "$out/console-qemu-died.log"
		mv "$out/result.raw" "$out/result-qemu-died.raw"
		boot
	fi
	;;
esac
end=$(date +%s.%N)
flock -u 9

# --- verdict ---------------------------------------------------------------
touch "$out/result.raw" "$out/console.log"
tr -d '\r' <"$out/result.raw" >"$out/result.txt"
grep -v '^nsinspect-result ' "$out/result.txt" || true

bad=
result=$(sed -n 's/^nsinspect-result rc=\([0-9]*\)$/\1/p' "$out/result.txt" | tail -n 1)
[ -z "$silence" ] || qrc=silent
case $qrc in
silent) bad="$bad; console silent ${silence}s after QEMU started: the guest never booted" ;;
124 | 137) bad="$bad; hang: no exit within ${timeout}s (host timeout)" ;;
0)
	# Lockdown closes /dev/port, so the guest cannot reach isa-debug-exit:
	# then the result line and the console alone decide. NSI_VM_LOCKDOWN=1
	# says the guest raises lockdown itself.
	case " ${NSI_VM_APPEND:-} ${NSI_VM_LOCKDOWN:+lockdown=}" in
	*" lockdown="*) ;;
	*) bad="$bad; QEMU exited without isa-debug-exit (kernel panic or unexpected poweroff)" ;;
	esac
	;;
*)
	if [ $((qrc % 2)) -eq 1 ] && [ $((qrc >> 1)) -eq 0 ]; then
		:
	elif [ $((qrc % 2)) -eq 1 ]; then
		bad="$bad; guest exit code $((qrc >> 1))"
	else
		bad="$bad; QEMU failed with status $qrc (see $out/qemu.log)"
	fi
	;;
esac
if [ -z "$result" ]; then
	bad="$bad; no result line on the result channel"
elif [ "$result" != 0 ]; then
	bad="$bad; result line says rc=$result"
fi
# The same reports rcutorture's console-badness.sh looks for. Lockdep's own
# reports start with WARNING: or BUG:; a debug kernel's boot banner says
# "RCU lockdep checking is enabled", so the bare word is not a report.
splat=$(grep -E -n 'BUG:|WARNING:|Oops|Kernel panic|general protection fault|KASAN:|UBSAN:|kmemleak:.*new suspected|possible recursive locking|possible circular locking|inconsistent lock state|suspicious RCU usage|rcu_sched self-detected stall|rcu: INFO:|detected stall|blocked for more than|soft lockup|Call Trace:|list_add corruption|list_del corruption|ODEBUG:|sleeping function called from invalid context|DEBUG_LOCKS_WARN_ON|turning off the locking correctness validator' \
	"$out/console.log" | head -n 5 || true)
[ -n "$splat" ] && bad="$bad; kernel reported an error: $(echo "$splat" | head -n 1)"

printf 'vm: kernel %s, %s, %.1f s, artifacts in %s\n' "$release" \
	"$(echo "$accel" | cut -d' ' -f2)" "$(echo "$end - $start" | bc)" "$out" >&2
if [ -n "$bad" ]; then
	echo "vm: FAIL${bad#;}" | sed 's/; /\n    /g' >&2
	echo "vm: console tail:" >&2
	tail -n 40 "$out/console.log" | sed 's/^/    /' >&2
	exit 1
fi
echo "vm: ok" >&2
