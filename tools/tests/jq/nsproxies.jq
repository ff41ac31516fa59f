# SPDX-License-Identifier: GPL-2.0
include "types";
.nsproxies | length > 0 and all(.[];
	(.id | type == "string") and
	([.count, .tasks, .members] | all(type == "number")) and
	([.mnt, .net, .pidns_for_children] | all(num)) and
	(.pids | str))
