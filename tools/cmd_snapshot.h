/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a snapshot directory holds besides the module's files.
 */
#ifndef NSI_CMD_SNAPSHOT_H
#define NSI_CMD_SNAPSHOT_H

/*
 * The pid of the task that took the snapshot in @dir (its "taker" file),
 * which diff leaves out; -1 when @dir is not a snapshot of ours.
 */
long long nsi_snapshot_taker(const char *dir);

#endif /* NSI_CMD_SNAPSHOT_H */
