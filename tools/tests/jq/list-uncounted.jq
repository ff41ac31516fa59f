# SPDX-License-Identifier: GPL-2.0
# 7.x: refs the kernel does not count are null, and so is what they explain.
include "types";
.namespaces | length > 0 and all(.[]; namespace) and
	any(.[]; .refs == null and .active == null and .unexplained == null) and
	any(.[]; (.refs | type) == "number" and (.unexplained | type) == "number")
