#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host side of the metrics tests, one `make check` step each:
#
#   metrics-test.sh proc               the tool without the module, from /proc,
#                                      in a pid namespace of its own with two
#                                      known namespaces more: exact values
#   metrics-test.sh scrape RESULT      the .prom file selftests/metrics_test.sh
#                                      left in the VM's RESULT (its
#                                      "# nsinspect.prom: " lines): promtool,
#                                      then node_exporter's textfile collector
#                                      on a loopback port, scraped with curl,
#                                      with the scenario's exact values
#   metrics-test.sh rules              the example alert rules: promtool check
#                                      rules and promtool test rules
#   metrics-test.sh units              the systemd units: systemd-analyze
#                                      verify, and their command run for real
#
# Each prints what it checked and exits non-zero on the first failure.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
tool=$top/tools/nsinspect-tool
rules=$top/Documentation/prometheus/nsinspect-rules.yml
units=$top/tools/systemd
tmp=$(mktemp -d)
exporter=
cleanup() {
	[ -z "$exporter" ] || kill "$exporter" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*"
	exit 1
}

# The labels of a series in order, as node_exporter serves them (the
# tool writes them in an order of its own): NAME{A="x",B="y"}. No label
# value here has '",' in it.
canon='function canon(s,   i, n, l, name, t) {
	i = index(s, "{")
	if (!i) return s
	name = substr(s, 1, i - 1)
	n = split(substr(s, i + 1, length(s) - i - 2), l, "\",")
	for (i = 1; i <= n; i++) l[i] = l[i] "\""
	for (i = 2; i <= n; i++) for (j = i; j > 1 && l[j - 1] > l[j]; j--) {
		t = l[j]; l[j] = l[j - 1]; l[j - 1] = t
	}
	s = name "{" l[1]
	for (i = 2; i <= n; i++) s = s "," l[i]
	return s "}"
}'

# value FILE SERIES: the value of SERIES (name and labels, in any order) in FILE.
value() {
	awk -v s="$2" "$canon"'
		!/^#/ && canon($1) == canon(s) { v = $2 }
		END { print v == "" ? "absent" : v }' "$1"
}

# expect FILE SERIES WANT: SERIES reads exactly WANT in FILE.
expect() {
	got=$(value "$1" "$2")
	[ "$got" = "$3" ] || fail "$2 is $got, expected $3"
	echo "ok: $2 $got"
}

promtool_metrics() {
	promtool check metrics <"$1" || fail "promtool check metrics rejects $1"
	echo "ok: promtool check metrics accepts $1"
}

# Without the module: only the processes of a pid namespace of our own are in
# its /proc, so the namespaces are known: one pid and one mount namespace
# (unshare's), and for the net and uts namespaces the host's and those of a
# sleep in new ones.
proc_mode() {
	# shellcheck disable=SC2016 # the inner sh expands them
	unshare --pid --fork --mount-proc sh -c '
		unshare --net --uts sleep 100 &
		while [ "$(readlink /proc/$!/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do
			sleep 0.1
		done
		"$0" metrics >"$1/proc.prom" 2>"$1/proc.err"
		echo $? >"$1/proc.rc"
		kill $!' "$tool" "$tmp"
	cat "$tmp/proc.err"
	[ "$(cat "$tmp/proc.rc")" = 0 ] || fail "metrics exited $(cat "$tmp/proc.rc")"
	[ ! -s "$tmp/proc.err" ] || fail "metrics wrote to stderr"
	promtool_metrics "$tmp/proc.prom"
	expect "$tmp/proc.prom" nsinspect_module_loaded 0
	expect "$tmp/proc.prom" \
		"nsinspect_info{kernel=\"$(uname -r)\",version=\"$("$tool" --version 2>/dev/null |
			sed -n '1s/^[^ ]* //p')\",source=\"proc\"}" 1
	expect "$tmp/proc.prom" 'nsinspect_namespaces{type="net",state="live"}' 2
	expect "$tmp/proc.prom" 'nsinspect_namespaces{type="uts",state="live"}' 2
	expect "$tmp/proc.prom" 'nsinspect_namespaces{type="pid",state="live"}' 1
	expect "$tmp/proc.prom" 'nsinspect_namespaces{type="mnt",state="live"}' 1
	expect "$tmp/proc.prom" 'nsinspect_namespaces{type="net",state="dying"}' 0
	# What /proc cannot tell is absent, not 0.
	! grep -q -e '^nsinspect_unexplained' -e '^nsinspect_check_findings' -e '^nsinspect_mounts' \
		"$tmp/proc.prom" || fail "series that need the module in /proc mode"
	echo "ok: no unexplained, findings or mounts series from /proc"
}

# A loopback port nothing listens on now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# node_exporter with the textfile collector alone, on DIR; sets exporter and
# port, once it answers. At most 60 s, whatever happens to this script.
start_exporter() {
	for _ in 1 2 3; do
		port=$(free_port)
		timeout 60 prometheus-node-exporter --collector.disable-defaults \
			--collector.textfile --collector.textfile.directory="$1" \
			--web.listen-address="127.0.0.1:$port" >"$tmp/exporter.log" 2>&1 &
		exporter=$!
		for _ in $(seq 50); do
			curl -sf "http://127.0.0.1:$port/metrics" >/dev/null 2>&1 && return 0
			kill -0 "$exporter" 2>/dev/null || break
			sleep 0.1
		done
		kill "$exporter" 2>/dev/null || true
		wait "$exporter" 2>/dev/null || true
		exporter=
	done
	cat "$tmp/exporter.log"
	fail "node_exporter did not answer on a loopback port"
}

scrape() {
	[ -r "$1" ] || fail "no VM result $1"
	mkdir "$tmp/textfile"
	sed -n 's/^# nsinspect\.prom: //p' "$1" >"$tmp/textfile/nsinspect.prom"
	[ -s "$tmp/textfile/nsinspect.prom" ] || fail "no '# nsinspect.prom: ' lines in $1"
	promtool_metrics "$tmp/textfile/nsinspect.prom"
	start_exporter "$tmp/textfile"
	curl -sf --max-time 10 "http://127.0.0.1:$port/metrics" >"$tmp/scrape" ||
		fail "curl http://127.0.0.1:$port/metrics"
	echo "ok: node_exporter on 127.0.0.1:$port served $(grep -c '^nsinspect_' "$tmp/scrape") nsinspect samples"
	kill "$exporter"
	wait "$exporter" 2>/dev/null || true
	exporter=
	s=$tmp/scrape
	expect "$s" node_textfile_scrape_error 0
	# Every sample of the file, served with its value (node_exporter writes
	# its floats its own way: compared as numbers).
	awk "$canon"'
		NR == FNR { if (!/^#/) want[canon($1)] = $2; next }
		!/^#/ && (canon($1) in want) { if ($2 + 0 == want[canon($1)] + 0) ok[canon($1)] = 1 }
		END { for (k in want) if (!(k in ok)) { print "not served: " k " " want[k]; bad = 1 }
			exit bad }' "$tmp/textfile/nsinspect.prom" "$s" || fail "samples lost or changed"
	echo "ok: every sample of the file served with its value"
	# The scenario of selftests/metrics_test.sh.
	expect "$s" nsinspect_module_loaded 1
	grep -q '^nsinspect_info{.*source="module".*} 1$' "$s" || fail "nsinspect_info: source"
	echo "ok: nsinspect_info says source module"
	expect "$s" 'nsinspect_check_findings{rule="ns-leak"}' 1
	expect "$s" 'nsinspect_check_findings{rule="netdev-waiting"}' 1
	expect "$s" 'nsinspect_check_findings{rule="negative-writers"}' 1
	expect "$s" 'nsinspect_check_findings{rule="writers-dead-mount"}' 1
	expect "$s" 'nsinspect_check_findings{rule="nsproxy-count"}' 0
	expect "$s" nsinspect_unexplained_references 1
	expect "$s" 'nsinspect_unexplained_references_by_type{type="net"}' 1
	expect "$s" 'nsinspect_unexplained_references_by_type{type="user"}' 0
	expect "$s" 'nsinspect_namespaces{type="net",state="dying"}' 1
	expect "$s" 'nsinspect_netdevs_waiting{net_state="dying"}' 1
	expect "$s" 'nsinspect_netdevs_waiting{net_state="live"}' 0
	n=$(grep -c '^nsinspect_namespace_unexplained_references{inum="[0-9]*",type="net"} 1$' "$s") || :
	all=$(grep -c '^nsinspect_namespace_unexplained_references{' "$s") || :
	if [ "$n" != 1 ] || [ "$all" != 1 ]; then
		fail "one namespace with an unexplained reference: $(grep namespace_unexplained "$s" || :)"
	fi
	echo "ok: nsinspect_namespace_unexplained_references names the one leaked net namespace"
}

rules() {
	promtool check rules "$rules" || fail "promtool check rules"
	# promtool reads the rule files relative to the test file.
	(cd "$(dirname "$rules")" && promtool test rules nsinspect-rules.test.yml) ||
		fail "promtool test rules"
}

units() {
	command -v systemd-analyze >/dev/null || fail "no systemd-analyze"
	# As installed, but with the tool of this tree: verify checks that
	# ExecStart's program exists.
	mkdir "$tmp/units" "$tmp/out"
	sed "s|/usr/sbin/nsinspect-tool|$tool|" "$units/nsinspect-metrics.service" \
		>"$tmp/units/nsinspect-metrics.service"
	cp "$units/nsinspect-metrics.timer" "$tmp/units/"
	systemd-analyze verify --man=no "$tmp/units/nsinspect-metrics.service" \
		"$tmp/units/nsinspect-metrics.timer" >"$tmp/verify" 2>&1 || :
	cat "$tmp/verify"
	# An unknown key is only a warning: any output fails.
	[ ! -s "$tmp/verify" ] || fail "systemd-analyze verify"
	echo "ok: systemd-analyze verify"
	grep -q '^OnCalendar=minutely$' "$units/nsinspect-metrics.timer" || fail "not once a minute"
	# The service's command, as systemd would run it, with the path overridden.
	cmd=$(sed -n 's/^ExecStart=//p' "$tmp/units/nsinspect-metrics.service")
	textfile=$tmp/out/nsinspect.prom
	# systemd's ${VAR} is the shell's too: eval expands it.
	export NSINSPECT_TEXTFILE="$textfile"
	eval "$cmd" || fail "ExecStart: $cmd"
	[ "$(ls -A "$tmp/out")" = nsinspect.prom ] || fail "left in the directory: $(ls -A "$tmp/out")"
	promtool_metrics "$textfile"
	default=$(sed -n 's/^Environment=NSINSPECT_TEXTFILE=//p' "$units/nsinspect-metrics.service")
	[ "$default" = /var/lib/prometheus/node-exporter/nsinspect.prom ] ||
		fail "default path $default"
	echo "ok: ExecStart wrote $textfile alone; default $default"
}

case ${1:-} in
proc) proc_mode ;;
scrape) scrape "${2:?RESULT}" ;;
rules) rules ;;
units) units ;;
*)
	echo "usage: metrics-test.sh proc | scrape RESULT | rules | units" >&2
	exit 2
	;;
esac
