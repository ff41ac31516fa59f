/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared declarations of the nsinspect module.
 */
#ifndef NSINSPECT_H
#define NSINSPECT_H

#include <linux/seq_file.h>

/* Bumped whenever a debugfs file changes incompatibly. */
#define NSI_FORMAT_VERSION 1

struct dentry;

void nsi_put_str(struct seq_file *m, const char *key, const char *s);
/* A version record: feature NAME is available, or unavailable because of why. */
void nsi_put_feature(struct seq_file *m, const char *name, const char *why);

/* ns_files.c: tasks, nsproxies and namespaces */
void nsi_ns_files_create(struct dentry *dir);
void nsi_ns_feature(struct seq_file *m);

/* mounts_file.c: mounts */
void nsi_mounts_file_create(struct dentry *dir);

#endif /* NSINSPECT_H */
