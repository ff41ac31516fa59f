# SPDX-License-Identifier: GPL-2.0
include "types";
.findings | length > 0 and all(.[];
	([.rule, .object, .problem, .why] | all(type == "string")) and
	([.samples, .seen, .duration] | all(type == "number")) and
	(.container | str))
