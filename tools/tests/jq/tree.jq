# SPDX-License-Identifier: GPL-2.0
include "types";
nodes("name") | length > 0 and all(.[]; namespace)
