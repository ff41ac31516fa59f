# SPDX-License-Identifier: GPL-2.0
include "types";
.namespaces | length > 0 and all(.[]; namespace)
