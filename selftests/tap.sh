# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# shellcheck disable=SC2034 # failed: read by the test that sources this file
#
# TAP for the shell tests, sourced by each: `ok STATUS DESCRIPTION
# [DIAGNOSTIC]` prints test n+1 as ok when STATUS is 0, else as not ok with
# DIAGNOSTIC as comment lines, and sets failed=1. The test prints its plan
# and exits with $failed. Also what several tests need: new_net, child_of.
n=0
failed=0

ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		[ -n "${3:-}" ] && echo "$3" | sed 's/^/# /'
		failed=1
	fi
}

# new_net: a sleep in a new net namespace (unshare, or $UNSHARE), until
# killed; sets pid, and netns to its namespace's inum once it is in it.
new_net() {
	nn_me=$(stat -L -c %i /proc/self/ns/net)
	${UNSHARE:-unshare} -n sleep 1000 &
	pid=$!
	nn_i=0
	while [ "$(stat -L -c %i /proc/$pid/ns/net 2>/dev/null)" = "$nn_me" ] ||
		[ "$(cat /proc/$pid/comm 2>/dev/null)" != sleep ]; do
		[ $nn_i -lt 100 ] || break
		sleep 0.1
		nn_i=$((nn_i + 1))
	done
	netns=$(stat -L -c %i /proc/$pid/ns/net)
}

# The pid of a child of $1, from /proc/*/stat (the debug kernel has no
# /proc/PID/task/TID/children).
child_of() {
	for st in /proc/[0-9]*/stat; do
		# After "(comm) ": state, then the parent's pid.
		pp=$(sed 's/.*) [^ ]* \([0-9]*\) .*/\1/' "$st" 2>/dev/null)
		if [ "$pp" = "$1" ]; then
			st=${st#/proc/}
			echo "${st%/stat}"
			return
		fi
	done
}
