# SPDX-License-Identifier: GPL-2.0
#
# Turns the guest's "bench key=value ..." lines into the results tables, the
# ratios, the scaling factors and the closing summary line.

function ms(us) { return sprintf("%.1f", us / 1000) }

/^bench / {
	delete f
	for (i = 2; i <= NF; i++) {
		split($i, kv, "=")
		f[kv[1]] = kv[2]
	}
	k = f["kind"]; n = f["n"]; w = f["what"]
	if (k == "module") { hold_stat = f["value"]; next }
	if (k == "trace") {
		trace_n = n
		if (w ~ /^ratio-|^per-hit/) { tmed[w] = f["median"]; tlo[w] = f["min"]; thi[w] = f["max"] }
		else { tmed[w] = f["median_us"]; tlo[w] = f["min_us"]; thi[w] = f["max_us"] }
		next
	}
	if (w ~ /^snap-/) {
		key = k SUBSEP n SUBSEP w
		objects[k, n] += f["records"]
		recs[key] = f["records"]; took[key] = f["took_us"]
		hold[key] = f["max_hold_us"]; bytes[key] = f["bytes"]
		if (f["max_hold_us"] > hold_max) hold_max = f["max_hold_us"]
		next
	}
	if (w == "namespaces") { nsc[n] = f["count"]; next }
	if (w ~ /^ratio-/) {
		rmed[k, n, w] = f["median"]; rlo[k, n, w] = f["min"]; rhi[k, n, w] = f["max"]
		next
	}
	if (!((k, n) in seen_n)) { seen_n[k, n] = 1; sizes[k] = sizes[k] " " n }
	if (!((k, w) in seen_w)) { seen_w[k, w] = 1; whats[k] = whats[k] " " w }
	med[k, n, w] = f["median_us"]; lo[k, n, w] = f["min_us"]; hi[k, n, w] = f["max_us"]
}

function table(k, title,   ns, nn, ws, nw, i, j, line) {
	print title
	nn = split(sizes[k], ns, " "); nw = split(whats[k], ws, " ")
	line = sprintf("%-8s", "n")
	for (j = 1; j <= nw; j++) line = line sprintf(" %22s", ws[j])
	print line
	for (i = 1; i <= nn; i++) {
		line = sprintf("%-8s", ns[i])
		for (j = 1; j <= nw; j++)
			line = line sprintf(" %22s", ms(med[k, ns[i], ws[j]]) " (" ms(lo[k, ns[i], ws[j]]) ".." ms(hi[k, ns[i], ws[j]]) ")")
		print line
	}
	print ""
}

# The n of kind k closest to target.
function nearest(k, target,   ns, nn, i, best) {
	nn = split(sizes[k], ns, " ")
	for (i = 1; i <= nn; i++)
		if (best == "" || (ns[i] - target) ^ 2 < (best - target) ^ 2) best = ns[i]
	return best
}

function ratios(k, w, title,   ns, nn, i) {
	print title
	nn = split(sizes[k], ns, " ")
	for (i = 1; i <= nn; i++)
		printf "  n=%-6s %6.1f (%.1f..%.1f)\n", ns[i], rmed[k, ns[i], w], rlo[k, ns[i], w],
			rhi[k, ns[i], w]
}

# Largest time(2N)/time(N) of series w, scaled to an exact doubling of n.
function scaling(k, w,   ns, nn, i, r, max) {
	nn = split(sizes[k], ns, " ")
	for (i = 2; i <= nn; i++) {
		r = (med[k, ns[i], w] / med[k, ns[i - 1], w]) / (ns[i] / ns[i - 1]) * 2
		if (r > max) max = r
	}
	return max
}

END {
	if (trace_n != "") {
		printf "## reference tracer: %d AF_UNIX sockets opened and closed in a net namespace,\n", trace_n
		print "## traced (its count watched) and untraced, by turns (median (min..max))"
		printf "traced    %8.0f us (%.0f..%.0f)\n", tmed["traced"], tlo["traced"], thi["traced"]
		printf "untraced  %8.0f us (%.0f..%.0f)\n", tmed["untraced"], tlo["untraced"], thi["untraced"]
		printf "ratio traced/untraced, round by round: %.2f (%.2f..%.2f)\n",
			tmed["ratio-traced"], tlo["ratio-traced"], thi["ratio-traced"]
		printf "one traced get or put: %.2f us (%.2f..%.2f)\n",
			tmed["per-hit-us"], tlo["per-hit-us"], thi["per-hit-us"]
		print ""
	}
	table("tasks", "## N tasks in N/10 namespace sets: time to list (ms)")
	table("mounts", "## M mounts over M/100 mount namespaces: time to list (ms)")

	print "## snapshots (kernel side, from each file's header)"
	# One snapshot serves tasks, nsproxies and namespaces: its memory is
	# per object of all three.
	printf "%-7s %-7s %-11s %8s %9s %12s %13s\n", "kind", "n", "file", "records", "took_ms", "max_hold_ms", "bytes/object"
	sorter = "sort -k1,1 -k2,2n -k3,3"
	for (key in recs) {
		split(key, p, SUBSEP)
		printf "%-7s %-7s %-11s %8s %9s %12s %13.0f\n", p[1], p[2], substr(p[3], 6), recs[key],
			ms(took[key]), ms(hold[key]), bytes[key] / objects[p[1], p[2]] | sorter
	}
	close(sorter)
	print ""

	n4 = nearest("tasks", 4000); m8 = nearest("mounts", 8000)
	rl = rmed["tasks", n4, "ratio-lsns"]; rf = rmed["mounts", m8, "ratio-findmnt-loop"]
	print "## ratios: the other tool's time over nsinspect's in the same round"
	print "## (median of the rounds, min..max)"
	ratios("tasks", "ratio-lsns", "lsns / nsinspect-tool list")
	ratios("mounts", "ratio-findmnt-loop",
	       "findmnt --task per mount namespace / nsinspect-tool mounts --all")
	printf "at n=%d tasks: %.1f; at m=%d mounts (%d mount namespaces): %.1f\n", n4, rl, m8, nsc[m8], rf
	print ""
	print "## scaling: time(2N)/time(N), per file read"
	smax = 0
	split("tasks:cat-tasks tasks:cat-namespaces tasks:cat-nsproxies tasks:nsinspect-list mounts:cat-mounts mounts:nsinspect-mounts", series, " ")
	for (i = 1; i in series; i++) {
		split(series[i], kw, ":")
		s = scaling(kw[1], kw[2])
		printf "%-22s %.2f\n", kw[2], s
		if (kw[2] ~ /^cat-/ && s > smax) smax = s
	}
	print ""
	printf "longest lock or RCU hold in any snapshot: %.2f ms (module's own maximum since load: %.2f ms)\n", hold_max / 1000, hold_stat / 1e6
	print ""
	printf "ratio_lsns_4000=%.1f ratio_findmnt_8000=%.1f scaling_max=%.2f lock_hold_max_ms=%.2f", rl, rf, smax, hold_max / 1000
	if (trace_n != "")
		printf " trace_ratio=%.2f trace_hit_us=%.2f", tmed["ratio-traced"], tmed["per-hit-us"]
	print ""
}
