# SPDX-License-Identifier: GPL-2.0
# vm -> v7 changes strings, numbers, and numbers to none.
include "diff";
differences and
	any(.differences[]; .field == "via" and (.old | type) == "string") and
	any(.differences[]; .field == "refs" and (.old | type) == "number" and .new == null)
