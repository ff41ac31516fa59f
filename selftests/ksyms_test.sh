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
echo "1..10"

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
# Resumed walks must not skip or repeat: eight net namespaces held only by
# nsfs bind mounts, read while other bind mounts come and go. With the tiny
# pool the bind-mount walk runs dry at each new namespace and resumes, and
# the churn changes the list between resumes.
held=$(mktemp -d)
i=0
while [ $i -lt 8 ]; do
	touch "$held/n$i"
	unshare --net="$held/n$i" true
	i=$((i + 1))
done
touch "$held/churn"
(
	end=$(($(date +%s) + 20))
	while [ "$(date +%s)" -lt "$end" ] && [ ! -e "$held/stop" ]; do
		unshare --net="$held/churn" true && umount "$held/churn"
	done
) &
churn=$!
want=$(for f in "$held"/n*; do stat -L -c %i "$f"; done | sort)
bad=
rounds=0
while [ $rounds -lt 10 ]; do
	got=$(for w in $want; do
		grep "^type=net inum=$w " $D/namespaces | sed -n 's/.* bindmounts=\([0-9]*\) .*/\1/p'
	done | sort | uniq -c | sed 's/^ *//')
	[ "$got" = "8 1" ] || bad="$bad round $rounds: $got;"
	rounds=$((rounds + 1))
done
touch "$held/stop"
wait $churn
[ -z "$bad" ]
ok $? "tiny pool under bind-mount churn: 8 held net namespaces, bindmounts=1 each, in 10 reads" "$bad"
for f in "$held"/n*; do umount "$f"; done
rm -rf "$held"

# Each symbol refused in turn, as a kernel that renamed it would: the
# module loads, every file reads, and what needs the symbol says why.
bad=
for sym in mount_lock nsfs_mnt super_blocks sb_lock cpus_booted_once_mask idle_threads \
	mount_hashtable m_hash_mask m_hash_shift; do
	if ! reload debug_refuse_ksym=$sym; then
		bad="$bad $sym:insmod"
		insmod "$KO"
		continue
	fi
	for f in version tasks nsproxies namespaces holders mounts; do
		cat "$D/$f" >/dev/null || bad="$bad $sym:$f"
	done
	case $sym in
	mount_lock | super_blocks | sb_lock) want=mounts ;;
	nsfs_mnt) want=nsfs_mounts ;;
	cpus_booted_once_mask) want=booted_cpus ;;
	idle_threads) want=idle_tasks ;;
	mount_hashtable | m_hash_mask | m_hash_shift) want=place_hash ;;
	esac
	feature "$want" | grep -q 'state=unavailable reason=refused\\040by\\040debug_refuse_ksym' ||
		bad="$bad $sym:$(feature "$want")"
done
[ -z "$bad" ]
ok $? "each symbol refused in turn: loads, every file reads, its feature says why" "$bad"
reload
exit $failed
