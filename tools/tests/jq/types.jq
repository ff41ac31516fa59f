# SPDX-License-Identifier: GPL-2.0
# Types the JSON of nsinspect-tool may have: a number or a string, or null
# for none and unknown.
def num: type == "number" or . == null;
def str: type == "string" or . == null;

# A namespace line of tree or list, whichever columns it has.
def namespace:
	(.ns | num) and
	([.refs, .active, .tasks, .nsproxies, .fds, .bindmounts, .owner, .parent,
	  .unexplained, .pid, .pidns_for_children] | all(num)) and
	([.name, .type, .via, .command, .nspid, .container] | all(str));

# Every object of a tree, children included, that has key $k.
def nodes($k): [.. | objects | select(has($k))];
