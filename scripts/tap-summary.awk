# SPDX-License-Identifier: GPL-2.0
#
# Count the test results of one or more TAP streams and print the closing line
# `N passed, N failed, N skipped`. A stream that ends (`# exit=RC NAME`, from
# the guest runner) before its plan is done, or that exits non-zero without a
# failing test, counts as failed too, so a crash can never pass silently.

function close_stream(rc, name) {
	if (plan > seen) {
		failed += plan - seen
		printf "# %s: %d of %d planned tests never reported\n", name, plan - seen, plan
	} else if (rc != 0 && rc != 4 && !stream_failed) {
		failed++
		printf "# %s: exited %d with no failing test\n", name, rc
	}
	plan = seen = stream_failed = 0
}

/^1\.\.[0-9]+/ { plan = substr($1, 4) + 0; seen = 0; next }
/^ok / || /^not ok / {
	seen++
	if ($0 ~ /# *[Ss][Kk][Ii][Pp]/)
		skipped++
	else if ($1 == "ok")
		passed++
	else {
		failed++
		stream_failed = 1
	}
	next
}
/^# exit=[0-9]+ / { close_stream(substr($2, 6) + 0, $3); next }
END {
	printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped
	exit failed != 0
}
