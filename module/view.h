/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A debugfs file that takes a snapshot when opened and formats it by index,
 * so seq_file restarts cost nothing and no kernel lock is held between
 * read() calls, whatever the size of the output.
 */
#ifndef NSI_VIEW_H
#define NSI_VIEW_H

#include <linux/seq_file.h>

struct dentry;
struct file;

struct nsi_view {
	const char *header;			/* first comment line, with '\n' */
	/* a snapshot, or an ERR_PTR; reader: the file it is read through */
	void *(*take)(const struct file *reader);
	void (*free)(void *snap);
	size_t (*count)(const void *snap);	/* records in the snapshot */
	/* "# ..." lines after the header */
	void (*stats)(struct seq_file *m, const void *snap, size_t records);
	void (*show)(struct seq_file *m, const void *snap, size_t i);
};

void nsi_view_create(struct dentry *dir, const char *name, const struct nsi_view *view);

#endif /* NSI_VIEW_H */
