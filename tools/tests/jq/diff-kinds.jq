# SPDX-License-Identifier: GPL-2.0
# vm -> vm-later has an object of each change kind.
include "diff";
differences and ([.differences[].change] | unique) == ["+", "-", "~"]
