/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The files main.c creates, and the output format they share.
 */
#ifndef NSINSPECT_H
#define NSINSPECT_H

struct dentry;

/* ns_files.c: tasks, nsproxies and namespaces */
void nsi_ns_files_create(struct dentry *dir);

/* mounts_file.c: mounts */
void nsi_mounts_file_create(struct dentry *dir);

#endif /* NSINSPECT_H */
