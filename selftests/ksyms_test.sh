#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Loading without symbols, and with a record pool that runs dry at every
# chain. Run with nsinspect.ko loaded; reloads it and leaves it loaded.
# TAP output.
D=/sys/kernel/debug/nsinspect
KO=${NSI_MODULE:-./nsinspect.ko}
# ok, n and failed
# shellcheck source=selftests/tap.sh
. "$(dirname "$0")/tap.sh"

feature() {	# feature NAME: its version record
	grep "^feature=$1 " $D/version
}

# type, inum, owner and parent of every namespace, the chains' facts
chains() {
	sed -n 's/^type=\([a-z]*\) inum=\([0-9]*\) .* owner=\([0-9-]*\) parent=\([0-9-]*\) .*/\1 \2 \3 \4/p' \
		$D/namespaces | sort
}

reload() {
	rmmod nsinspect && insmod "$KO" "$@"
}

echo "TAP version 13"
echo "1..8"

v=$(cat $D/version)
echo "$v" | grep -q '^feature=mounts state=available$' &&
	echo "$v" | grep -q '^feature=nsfs_mounts state=available$' &&
	echo "$v" | grep -q '^feature=idle_tasks state=available$'
ok $? "kallsyms read at load: mounts, nsfs_mounts and idle_tasks available" "$v"

# kptr_restrict=2 hides every address of /proc/kallsyms, even from root.
saved=$(cat /proc/sys/kernel/kptr_restrict)
echo 2 >/proc/sys/kernel/kptr_restrict
reload
rc=$?
echo "$saved" >/proc/sys/kernel/kptr_restrict
ok $rc "loads with kptr_restrict=2"
v=$(cat $D/version)
for f in mounts nsfs_mounts idle_tasks; do
	feature $f | grep -q "state=unavailable reason=.*kptr_restrict" || rc=1
done
ok $rc "kptr_restrict=2: mounts, nsfs_mounts and idle_tasks unavailable, saying why" "$v"
feature namespaces | grep -q 'state=available$'
ok $? "kptr_restrict=2: namespaces still available"
head -n 3 $D/mounts | grep -q '^# unavailable: reason=.*kptr_restrict' &&
	[ "$(grep -vc '^#' $D/mounts)" -eq 0 ] &&
	grep -q ' bindmounts=- ' $D/namespaces &&
	[ "$(grep -c '^pid=' $D/tasks)" -gt 0 ]
ok $? "kptr_restrict=2: files read, mounts says why it is empty"

reload
normal=$(chains)
# One-record chunks and reserve: nearly every owner or parent chain runs
# the pool dry midway and is rolled back and redone.
reload debug_tiny_pool=1
ok $? "loads with debug_tiny_pool=1"
tiny=$(chains)
[ -n "$tiny" ] && [ "$tiny" = "$normal" ]
ok $? "a pool that runs dry midway records the same namespaces and chains" \
	"$(echo "$normal" | diff - /dev/fd/3 3<<EOF2
$tiny
EOF2
)"
missing=$(echo "$tiny" | awk '{ have[$2] = 1; ref[$3] = 1; ref[$4] = 1 }
	END { for (i in ref) if (i != "-" && !(i in have)) print i }')
[ -z "$missing" ]
ok $? "every owner and parent is itself recorded" "$missing"
reload
exit $failed
