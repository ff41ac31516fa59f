# SPDX-License-Identifier: GPL-2.0
include "types";
[.. | objects | select(.id != null)] | length > 0 and all(.[];
	([.id, .uid, .parent, .count, .writers] | all(num)) and
	([.target, .source, .fstype, .root] | all(type == "string")) and
	([.flags, .propagation] | all(str)))
