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
/*
 * A comma-separated value: nsi_list_item() for each element, then
 * nsi_list_end(), which writes "-" when there was none.
 */
struct nsi_list {
	struct seq_file *m;
	bool any;
};

static inline struct nsi_list nsi_list_start(struct seq_file *m, const char *key)
{
	seq_printf(m, " %s=", key);
	return (struct nsi_list){ .m = m };
}

__printf(2, 3) void nsi_list_item(struct nsi_list *l, const char *fmt, ...);

static inline void nsi_list_end(struct nsi_list *l)
{
	if (!l->any)
		seq_putc(l->m, '-');
}

/* A version record: feature NAME is available, or unavailable because of why. */
void nsi_put_feature(struct seq_file *m, const char *name, const char *why);

/* ns_files.c: tasks, nsproxies and namespaces */
void nsi_ns_files_create(struct dentry *dir);
void nsi_ns_feature(struct seq_file *m);

/* mounts_file.c: mounts */
void nsi_mounts_file_create(struct dentry *dir);

#endif /* NSINSPECT_H */
