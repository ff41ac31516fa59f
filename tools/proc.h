/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc mode: without the module, build the model from what /proc shows
 * every user: namespace inode numbers (stat of each /proc/PID/task/TID/ns link),
 * pid numbers (NSpid), owners and parents (the nsfs ioctls) and mounts
 * (/proc/PID/mountinfo). It writes records in the module's format with
 * only the keys /proc can tell, so the rest of the tool needs no second
 * code path and shows what only the kernel knows as unknown.
 */
#ifndef NSI_PROC_H
#define NSI_PROC_H

#include <stdio.h>

#include "model.h"

/* Fill @m from the proc filesystem mounted at @proc. */
enum nsi_exit nsi_proc_load(struct nsi_model *m, const char *proc, struct nsi_error *err);

/*
 * The cgroups file for the @tasks file (of the live module): "pid=N
 * cgroup=PATH" for each task /proc shows, written to @fp. False, with
 * nothing written, when we are not in the initial pid namespace, whose
 * pid numbers the module's are.
 */
bool nsi_proc_write_cgroups(FILE *fp, const char *proc, const struct nsi_file *tasks);

/* Fill @m's cgroups file from /proc for its tasks file, as above; sets cgroups_ok. */
enum nsi_exit nsi_proc_cgroups(struct nsi_model *m, const char *proc, struct nsi_error *err);

/* Undo mountinfo's octal escapes (\040 for a space) in place. */
void nsi_unescape_mountinfo(char *s);

#endif /* NSI_PROC_H */
