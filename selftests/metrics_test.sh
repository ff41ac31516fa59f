#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# metrics against a scenario with known leaks, built with nsi_leak.ko:
#   - a net namespace whose last task has exited, kept alive by one leaked
#     get_net(): held, 1 unexplained reference, check's ns-leak;
#   - a net namespace dying while its lo waits for a leaked dev_hold():
#     dying, 1 device waiting, check's netdev-waiting;
#   - a planted mnt_drop_write() on a tmpfs: writers -1, negative-writers;
#   - a tmpfs lazily unmounted under a file open for writing: one more
#     detached mount, with writers 1, writers-dead-mount.
# On a clean system first, every one of those reads 0; then each has its
# exact value, and the findings agree with check -J. The output is left on
# stdout as "# nsinspect.prom: " lines, where scripts/metrics-test.sh finds
# it in the VM's result to feed promtool and node_exporter on the host.
# Run with nsinspect.ko loaded, nsi_leak.ko beside it.
cd "$(dirname "$0")" || exit 1
D=/sys/kernel/debug/nsinspect
L=/sys/kernel/debug/nsi_leak/control
T=./nsinspect-tool
P=/tmp/prom/nsinspect.prom
UNSHARE=unshare
[ -x /usr/bin/unshare ] && UNSHARE=/usr/bin/unshare
# shellcheck source=selftests/tap.sh
. "$(dirname "$0")/tap.sh"

echo "TAP version 13"
echo "1..10"

# val SERIES: its value in $P, or "absent".
val() {
	awk -v s="$1" '$1 == s { v = $2 } END { print v == "" ? "absent" : v }' "$P"
}

# metrics_until TRIES TEST: metrics --textfile $P, 1 s apart, until the
# function TEST holds; a struct pid or cred of a process that just exited
# holds its namespace until its RCU callback runs.
metrics_until() {
	mu_i=0
	while [ $mu_i -lt "$1" ]; do
		$T metrics --textfile $P || return 1
		$2 && return 0
		mu_i=$((mu_i + 1))
		sleep 1
	done
	return 1
}

findings() {
	echo "$(val 'nsinspect_check_findings{rule="ns-leak"}')" \
		"$(val 'nsinspect_check_findings{rule="netdev-waiting"}')" \
		"$(val 'nsinspect_check_findings{rule="negative-writers"}')" \
		"$(val 'nsinspect_check_findings{rule="writers-dead-mount"}')" \
		"$(val 'nsinspect_check_findings{rule="nsproxy-count"}')"
}

mkdir -p /tmp/prom
release=$(uname -r)
tool=$($T --version | sed -n '1s/^nsinspect-tool //p')
module=$(sed -n 's/^nsinspect=\([^ ]*\) .*/\1/p' $D/version)

# A clean system: no finding, nothing unexplained, nothing dying or waiting.
# shellcheck disable=SC2317 # called by metrics_until
clean() {
	[ "$(findings)" = "0 0 0 0 0" ] && [ "$(val nsinspect_unexplained_references)" = 0 ] &&
		[ "$(val 'nsinspect_namespaces{type="net",state="dying"}')" = 0 ] &&
		[ "$(val 'nsinspect_netdevs_waiting{net_state="dying"}')" = 0 ]
}
metrics_until 5 clean
ok $? "a clean system: findings $(findings), unexplained $(val nsinspect_unexplained_references)" \
	"$(cat $P)"
held0=$(val 'nsinspect_namespaces{type="net",state="held"}')
detached0=$(val 'nsinspect_mounts{place="detached"}')

# Where the numbers come from.
[ "$(val "nsinspect_info{kernel=\"$release\",version=\"$tool\",source=\"module\"}")" = 1 ] &&
	[ "$(val nsinspect_module_loaded)" = 1 ] &&
	[ "$(val "nsinspect_module_info{version=\"$module\",format=\"1\"}")" = 1 ] &&
	[ "$(val 'nsinspect_module_feature_available{feature="mounts"}')" = 1 ]
ok $? "nsinspect_info: kernel $release, tool $tool, source module; module $module loaded" \
	"$(grep -e '^nsinspect_info' -e '^nsinspect_module' $P)"

# The cost of a scrape here, against list's (TCG: a ratio, not a figure).
timeit 5 $T metrics -- $T list >/tmp/timeit 2>&1 && sed 's/^/# clean: metrics, list: /' /tmp/timeit

insmod ./nsi_leak.ko
ok $? "insmod nsi_leak.ko"

# The leaked get_net(): its namespace outlives the shell that took it.
$UNSHARE -n sh -c "stat -L -c %i /proc/self/ns/net >/tmp/leaked-net; echo get_net >$L"
leaked=$(cat /tmp/leaked-net)

# The dying namespace: lo held, its last task killed, the teardown waiting.
new_net
holder=$pid
dying=$netns
echo "dev_hold $holder" >$L
timeout=$(cat /proc/sys/net/core/netdev_unregister_timeout_secs)
echo 1 >/proc/sys/net/core/netdev_unregister_timeout_secs
kill $holder
wait $holder 2>/dev/null

# The planted mnt_drop_write().
mkdir -p /tmp/mneg /tmp/mdet
mount -t tmpfs nsi-mneg /tmp/mneg
echo data >/tmp/mneg/f
./map_leak /tmp/mneg/f drop_write

# The detached mount with a writer: a file open for writing keeps it.
mount -t tmpfs nsi-mdet /tmp/mdet
rm -f /tmp/mdet-ready
sh -c 'exec 3>/tmp/mdet/w; echo ready >/tmp/mdet-ready; exec sleep 1000' &
writer=$!
while [ ! -s /tmp/mdet-ready ]; do sleep 0.1; done
umount -l /tmp/mdet

# Each at its value; netdev-waiting once lo has waited the 1 s timeout.
# shellcheck disable=SC2317 # called by metrics_until
leaks() {
	[ "$(findings)" = "1 1 1 1 0" ] && [ "$(val nsinspect_unexplained_references)" = 1 ] &&
		[ "$(val 'nsinspect_unexplained_references_by_type{type="net"}')" = 1 ]
}
metrics_until 15 leaks
ok $? "findings (ns-leak netdev-waiting negative-writers writers-dead-mount nsproxy-count): $(findings)" \
	"$(cat $P; $T check)"

[ "$(val "nsinspect_namespace_unexplained_references{type=\"net\",inum=\"$leaked\"}")" = 1 ] &&
	[ "$(grep -c '^nsinspect_namespace_unexplained_references' $P)" = 1 ]
ok $? "the one namespace with an unexplained reference is the leaked net:[$leaked]" \
	"$(grep unexplained $P)"

[ "$(val 'nsinspect_namespaces{type="net",state="held"}')" = $((held0 + 1)) ] &&
	[ "$(val 'nsinspect_namespaces{type="net",state="dying"}')" = 1 ] &&
	grep -q "^type=net inum=$dying .*via=dying" $D/namespaces
ok $? "net namespaces: held $held0 -> $((held0 + 1)), dying 0 -> 1 (net:[$dying])" \
	"$(grep '^nsinspect_namespaces{type="net"' $P)"

wait_s=$(val nsinspect_netdev_longest_wait_seconds)
[ "$(val 'nsinspect_netdevs_waiting{net_state="dying"}')" = 1 ] &&
	[ "$(val 'nsinspect_netdevs_waiting{net_state="live"}')" = 0 ] &&
	awk -v s="$wait_s" 'BEGIN { exit !(s >= 1 && s < 60) }'
ok $? "one device waiting in a dying namespace, for $wait_s s" "$(grep netdev $P)"

[ "$(val 'nsinspect_mounts{place="detached"}')" = $((detached0 + 1)) ]
ok $? "detached mounts: $detached0 -> $((detached0 + 1))" "$(grep '^nsinspect_mounts' $P)"

# The same findings as check, rule by rule.
$T check -J >/tmp/check.json
want=$(jq -r '[.findings[].rule] | group_by(.) | map("\(.[0]) \(length)") | .[]' /tmp/check.json |
	sort | tr '\n' ' ')
got=$(sed -n 's/^nsinspect_check_findings{rule="\([^"]*\)"} \([1-9][0-9]*\)$/\1 \2/p' $P |
	sort | tr '\n' ' ')
[ -n "$got" ] && [ "$got" = "$want" ]
ok $? "check_findings agree with check -J: $got" "check: $want"

# With a negative writers count, metrics samples the mounts file as check does.
timeit 5 $T metrics -- $T list >/tmp/timeit 2>&1 && sed 's/^/# leaks: metrics, list: /' /tmp/timeit

# For the host: the file, whole.
sed 's/^/# nsinspect.prom: /' $P

kill $writer
wait $writer 2>/dev/null
echo release >$L
i=0
while grep -q "^type=net inum=$dying " $D/namespaces; do
	[ $i -lt 50 ] || break
	sleep 0.1
	i=$((i + 1))
done
echo "$timeout" >/proc/sys/net/core/netdev_unregister_timeout_secs
umount /tmp/mneg
rmmod nsi_leak
ok $? "rmmod nsi_leak"
exit $failed
