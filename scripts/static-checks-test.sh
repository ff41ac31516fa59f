#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# static-checks-test.sh KDIR KSRC: the static checks of `make check` catch
# what they claim. Each is run on a plant in a throwaway copy, never in the
# repo: a modpost warning (a section mismatch) must fail the warning-free
# build; a C file and a shell script not yet added to git must be checked
# (and fail), a generated file must not be; a second reader of the version
# must fail one_version, and `make version` must follow dkms.conf; a kprobe
# must fail the IBT checker. Prints
# TAP; fails when any check lets its plant through.
set -u

# shellcheck source=scripts/check-lib.sh
. "$(dirname "$0")/check-lib.sh"
kdir=$1
ksrc=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0

# expect_fail NAME PATTERN CMD...: CMD must fail and its output match PATTERN.
expect_fail() {
	ef_name=$1
	ef_pattern=$2
	shift 2
	if "$@" >"$tmp/out" 2>&1; then
		echo "not ok - $ef_name: passed"
		failed=1
	elif ! grep -Eq "$ef_pattern" "$tmp/out"; then
		echo "not ok - $ef_name: failed, but not with /$ef_pattern/"
		failed=1
	else
		echo "ok - $ef_name"
		return 0
	fi
	tail -n 20 "$tmp/out" | sed 's/^/# /'
}

expect_pass() {
	ep_name=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then
		echo "ok - $ep_name"
	else
		echo "not ok - $ep_name"
		tail -n 20 "$tmp/out" | sed 's/^/# /'
		failed=1
	fi
}

# A git checkout with FILES committed, under DIR.
repo() {
	rp=$1
	shift
	mkdir -p "$rp"
	for f in "$@"; do
		mkdir -p "$rp/$(dirname "$f")"
		cp "$top/$f" "$rp/$f"
	done
	git -C "$rp" init -q &&
		git -C "$rp" add -A &&
		git -C "$rp" -c user.name=t -c user.email=t@t commit -qm plant
}

# 1. A section mismatch: only modpost sees it, naming no file of ours by path.
copy_tree "$tmp/kb"
cat >"$tmp/kb/module/plant.c" <<'EOC'
// SPDX-License-Identifier: GPL-2.0
#include <linux/init.h>
#include <linux/compiler.h>

int nsi_plant(void);

static noinline int __init nsi_plant_init(void)
{
	return 0;
}

int nsi_plant(void)
{
	return nsi_plant_init();
}
EOC
echo 'nsinspect-y += module/plant.o' >>"$tmp/kb/Kbuild"
expect_fail "warning-free build fails on a modpost warning" 'modpost: .*[Ss]ection mismatch' \
	kbuild_warning_free "$kdir" "$tmp/kb" modules

# 1b. The IBT checker: no kprobe, whose address must never be called; the
# tracer needs none (data watchpoints see inline code).
copy_tree "$tmp/kp"
cat >"$tmp/kp/module/plant.c" <<'EOC'
// SPDX-License-Identifier: GPL-2.0
#include <linux/kprobes.h>

int nsi_plant(void);

int nsi_plant(void)
{
	static struct kprobe kp = { .symbol_name = "mntget" };

	return register_kprobe(&kp);
}
EOC
echo 'nsinspect-y += module/plant.o' >>"$tmp/kp/Kbuild"
if make -C "$kdir" M="$tmp/kp" modules >"$tmp/kp.log" 2>&1; then
	expect_fail "IBT checker fails on a kprobe" \
		'imports register_kprobe, which finds code by name' \
		"$top/scripts/check-indirect-calls.py" "$tmp/kp/nsinspect.ko"
else
	echo "not ok - IBT checker plant: the planted module did not build"
	tail -n 20 "$tmp/kp.log" | sed 's/^/# /'
	failed=1
fi

# 2. checkpatch: a C file not yet added to git is checked; an ignored,
# generated one is not.
repo "$tmp/cp" .checkpatch.conf .gitignore module/ns_files.c
printf 'int main(){int a=1;return a;}\n' >"$tmp/cp/module/new.c"
expect_fail "checkpatch checks a C file not added to git" 'module/new\.c:' \
	checkpatch "$tmp/cp" "$ksrc"
rm "$tmp/cp/module/new.c"
printf '#define BAD(x) x+1\nint main(){return 0;}\n' >"$tmp/cp/module/layout.h"
expect_pass "checkpatch skips the generated module/layout.h" checkpatch "$tmp/cp" "$ksrc"

# 3. shellcheck: a script not added to git is checked, by name or by its
# first line.
repo "$tmp/sc" .shellcheckrc .gitignore scripts/setup.sh
cat >"$tmp/sc/scripts/new.sh" <<'EOS'
#!/bin/sh
unused=1
echo "$1"
EOS
expect_fail "shellcheck checks a .sh not added to git" 'scripts/new\.sh.*|SC2034' \
	shellcheck_all "$tmp/sc"
mv "$tmp/sc/scripts/new.sh" "$tmp/sc/scripts/new"
expect_fail "shellcheck checks a script known by its #! line" 'scripts/new ' \
	shellcheck_all "$tmp/sc"

# 4. One reader of the version.
repo "$tmp/v" .gitignore dkms.conf Makefile module/version.mk
sed -i 's/^\(PACKAGE_\)\(VERSION\)="[^"]*"/\1\2="9.8.7"/' "$tmp/v/dkms.conf"
expect_pass "make version follows dkms.conf" \
	sh -c "[ \"\$(make -s --no-print-directory -C '$tmp/v' version)\" = 9.8.7 ]"
expect_pass "only module/version.mk reads the version" one_version "$tmp/v"
echo "V := \$(shell sed -n s/^PACKAGE_""VERSION=//p dkms.conf)" >"$tmp/v/tools.mk"
expect_fail "a second reader of the version fails" 'tools\.mk' one_version "$tmp/v"
exit $failed
