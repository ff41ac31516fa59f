#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# harness_test.sh RELEASE: the VM harness on a host whose KVM only seems to
# work. A stand-in for qemu-system-x86_64, first on PATH, runs forever and
# prints nothing when asked for KVM, as on hosts where /dev/kvm opens but no
# guest gets past the firmware. The harness must fall back to TCG and pass,
# and a guest that never prints must fail in seconds, not at the timeout.
# An emulator that dies of SIGSEGV once is booted again, and said so.
# Prints TAP.
set -u
here=$(cd "$(dirname "$0")" && pwd)
release=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
real=$(command -v qemu-system-x86_64)

mkdir -p "$tmp/bin" "$tmp/payload"
cat >"$tmp/bin/qemu-system-x86_64" <<FAKE
#!/bin/sh
case " \$* " in
*" -accel kvm "*) exec sleep 100000 ;;
esac
[ -z "\${FAKE_SILENT_TCG:-}" ] || exec sleep 100000
# The emulator crashing once: killed by SIGSEGV before the guest reports.
if [ -n "\${FAKE_SEGV_ONCE:-}" ] && [ ! -e "\$FAKE_SEGV_ONCE" ]; then
	: >"\$FAKE_SEGV_ONCE"
	kill -SEGV \$\$
fi
exec "$real" "\$@"
FAKE
chmod +x "$tmp/bin/qemu-system-x86_64"
printf '#!/bin/sh\necho payload ran\n' >"$tmp/payload/run"
chmod +x "$tmp/payload/run"
: >"$tmp/kvm"

n=0
failed=0
check() {
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		failed=$((failed + 1))
	fi
}

echo "TAP version 13"
echo "1..6"
start=$(date +%s)
rc=0
PATH="$tmp/bin:$PATH" NSI_VM_KVM_DEV="$tmp/kvm" \
	"$here/run.sh" -k "$release" -o "$tmp/out" "$tmp/payload" >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
took=$(($(date +%s) - start))
sed 's/^/# /' "$tmp/stderr"
desc="a hanging KVM: the run passes (exit $rc, ${took}s)"
check [ $rc -eq 0 ]
desc="a hanging KVM: the harness chose TCG and said why"
check grep -q '^vm: accelerator tcg (/dev/kvm opens, but a guest printed nothing' "$tmp/stderr"
desc="a hanging KVM: the payload ran"
check grep -qx 'payload ran' "$tmp/stdout"

start=$(date +%s)
rc=0
PATH="$tmp/bin:$PATH" NSI_VM_KVM_DEV="$tmp/kvm" FAKE_SILENT_TCG=1 NSI_VM_SILENT=5 \
	"$here/run.sh" -k "$release" -o "$tmp/out" "$tmp/payload" >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
took=$(($(date +%s) - start))
sed 's/^/# /' "$tmp/stderr"
desc="a guest that never prints fails fast with its reason (exit $rc, ${took}s)"
silent_fails_fast() {
	[ $rc -ne 0 ] && [ $took -lt 60 ] &&
		grep -q 'console silent 5s after QEMU started' "$tmp/stderr"
}
check silent_fails_fast
rc=0
PATH="$tmp/bin:$PATH" NSI_VM_KVM_DEV="$tmp/kvm" FAKE_SEGV_ONCE="$tmp/segv-once" \
	"$here/run.sh" -k "$release" -o "$tmp/out" "$tmp/payload" >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
sed 's/^/# /' "$tmp/stderr"
desc="QEMU killed by SIGSEGV once: booted again, the payload ran (exit $rc)"
ran_again() { [ $rc -eq 0 ] && grep -qx 'payload ran' "$tmp/stdout"; }
check ran_again
desc="QEMU killed by SIGSEGV once: the log says so"
check grep -q '^vm: QEMU died of signal 11 before the guest.s result line' "$tmp/stderr"
# The probe's verdicts for the stand-in QEMU are of no use to later runs.
grep -l "$tmp/bin" "${NSI_CACHE:-$HOME/.cache/nsinspect}"/kvm-probe-* | xargs rm -f
[ $failed -eq 0 ]
