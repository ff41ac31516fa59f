# SPDX-License-Identifier: GPL-2.0
#
# Turns selftests/bench/scale.sh's "scale key=value ..." lines into the
# large-machine tables of Documentation/benchmarks.txt.

function ms(us) { return sprintf("%.1f", us / 1000) }

/^scale / {
	delete f
	for (i = 2; i <= NF; i++) {
		split($i, kv, "=")
		f[kv[1]] = substr($i, length(kv[1]) + 2)
	}
	w = f["what"]
	if (w == "machine") { possible = f["possible"]; online = f["online"] }
	if (w == "read") {
		reads[++nr] = sprintf("%-12s %8s %-11s %-9s %10s %10s %7s %12s  %s", f["objects"], f["n"],
			f["file"], f["kernel"], ms(f["ours_us"]), ms(f["kernel_us"]), f["ratio"],
			ms(f["max_hold_us"]), f["max_hold_at"] == "" ? "-" : f["max_hold_at"])
		hold[f["objects"], f["n"]] = f["max_hold_us"]
		o = f["objects"]; n = f["n"] + 0
		if (!(o in first)) { first[o] = 1; nmin[o] = n; tmin[o] = f["ours_us"] }
		nmax[o] = n; tmax[o] = f["ours_us"]
	}
	if (w == "victim")
		victims[++nv] = sprintf("%-12s %8s %-7s %12s %14s %10s %8.2f", f["objects"], f["n"],
			f["victim"], ms(f["under_ours_us"]), ms(f["under_kernel_us"]), ms(f["alone_us"]),
			f["under_ours_us"] / (f["under_kernel_us"] ? f["under_kernel_us"] : 1))
	if (w == "tool") {
		tools[++nt] = sprintf("%-12s %8s %-8s %6s", f["objects"], f["n"], f["command"], f["ratio"])
		if (f["ratio"] + 0 > tool_max) tool_max = f["ratio"] + 0
	}
	if (w == "trace")
		trace = sprintf("open+close %d times on a watched mount: %s ms, on an unwatched one: %s ms; ratio %s, %s us per traced get or put",
			f["n"], ms(f["watched_us"]), ms(f["unwatched_us"]), f["ratio"], f["per_hit_us"])
	if (w == "module" && f["stat"] == "") module_hold = f["value"]
}

END {
	printf "# CPUs possible %s, online %s; each time the median of 3 rounds\n\n", possible, online
	print "## reading: our file against the kernel's own reader of the same objects (ms)"
	printf "%-12s %8s %-11s %-9s %10s %10s %7s %12s  %s\n", "objects", "n", "file", "kernel", "ours",
		"kernel", "ratio", "max_hold_ms", "at"
	for (i = 1; i <= nr; i++) print reads[i]
	print ""
	print "## what reading costs others: a victim loop's worst latency (ms) while our file is"
	print "## read in a loop, while the kernel's reader is, and alone; ratio ours/kernel's"
	printf "%-12s %8s %-7s %12s %14s %10s %8s\n", "objects", "n", "victim", "under_ours", "under_kernel",
		"alone", "ratio"
	for (i = 1; i <= nv; i++) print victims[i]
	print ""
	print "## the tool over a raw read of the file it formats"
	for (i = 1; i <= nt; i++) print tools[i]
	print ""
	if (trace != "") print "## tracing a mount\n" trace "\n"
	print "## time per doubling of the objects, from the smallest size to the largest"
	for (o in first) {
		d = log(nmax[o] / nmin[o]) / log(2)
		if (d > 0 && tmin[o] > 0)
			printf "%-12s %8d -> %-8d %5.2f\n", o, nmin[o], nmax[o], (tmax[o] / tmin[o]) ^ (1 / d)
	}
	print ""
	if (("binds", 100000) in hold && ("binds", 20000) in hold)
		printf "max_hold at 100,000 mounts over 20,000: %.2f\n", hold["binds", 100000] / hold["binds", 20000]
	printf "scale_summary doubling_max=%.2f tool_over_raw_max=%.2f\n", dmax(), tool_max
}

function dmax(   o, d, r, m) {
	for (o in first) {
		d = log(nmax[o] / nmin[o]) / log(2)
		if (d > 0 && tmin[o] > 0) {
			r = (tmax[o] / tmin[o]) ^ (1 / d)
			if (r > m) m = r
		}
	}
	return m
}
