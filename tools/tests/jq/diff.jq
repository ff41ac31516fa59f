# SPDX-License-Identifier: GPL-2.0
# Every difference is complete and typed: what changed, on which object,
# and its values as numbers where the module's key holds one.
include "types";

def string_keys: ["type", "via", "comm", "nspid", "nsproxy", "flags", "propagation",
	"mntns", "dev", "fstype", "source", "root", "mountpoint", "nodename", "uid_map",
	"gid_map", "monotonic", "boottime"];
def mount_keys: [.mntns, .fstype, .source, .mountpoint];

def difference:
	(.change | IN("+", "-", "~")) and
	(.object | type == "string") and
	(.kind | IN("task", "nsproxy", "namespace", "mount")) and
	(.id | type == "number" or type == "string") and
	(if .change == "~" then .field | type == "string"
	 else [.field, .old, .new] == [null, null, null] end) and
	(if .kind == "mount" then mount_keys | all(type == "string")
	 else mount_keys | all(. == null) end) and
	(if .field as $f | string_keys | index([$f]) then [.old, .new] | all(str)
	 else [.old, .new] | all(num) end);

def differences: .differences | length > 0 and all(.[]; difference);
