# SPDX-License-Identifier: GPL-2.0
include "types";
nodes("pid") | length > 0 and all(.[];
	(.pid | type == "number") and
	([.tgid, .level, .pidns, .pidns_for_children] | all(num)) and
	([.nspid, .command, .container] | all(str)) and
	(.container | . == null or test("^[a-z0-9]+:")))
