// SPDX-License-Identifier: GPL-2.0
#include <linux/debugfs.h>
#include <linux/fs.h>

#include "view.h"

struct nsi_open {
	void *snap;
	const struct nsi_view *view;
};

/*
 * Position 0 is the header; position n > 0 is record n - 1. The snapshot is
 * taken at the first read, not in open(): there the opener's own path walk
 * still holds references on the mounts it crossed, which would be counted.
 */
static void *nsi_seq_start(struct seq_file *m, loff_t *pos)
{
	struct nsi_open *o = m->private;

	if (!o->snap) {
		void *snap = o->view->take(m->file);

		if (IS_ERR(snap))
			return snap;
		o->snap = snap;
	}
	return *pos <= o->view->count(o->snap) ? (void *)(uintptr_t)(*pos + 1) : NULL;
}

static void *nsi_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return nsi_seq_start(m, pos);
}

static void nsi_seq_stop(struct seq_file *m, void *v)
{
}

static int nsi_seq_show(struct seq_file *m, void *v)
{
	struct nsi_open *o = m->private;
	size_t pos = (uintptr_t)v - 1;

	if (pos == 0) {
		seq_puts(m, o->view->header);
		o->view->stats(m, o->snap, o->view->count(o->snap));
		return 0;
	}
	o->view->show(m, o->snap, pos - 1);
	return 0;
}

static const struct seq_operations nsi_seq_ops = {
	.start = nsi_seq_start,
	.next = nsi_seq_next,
	.stop = nsi_seq_stop,
	.show = nsi_seq_show,
};

static int nsi_view_open(struct inode *inode, struct file *file)
{
	struct nsi_open *o;

	o = __seq_open_private(file, &nsi_seq_ops, sizeof(*o));
	if (!o)
		return -ENOMEM;
	o->view = inode->i_private;
	return 0;
}

static int nsi_view_release(struct inode *inode, struct file *file)
{
	struct nsi_open *o = ((struct seq_file *)file->private_data)->private;

	if (o->snap)
		o->view->free(o->snap);
	return seq_release_private(inode, file);
}

static const struct file_operations nsi_view_fops = {
	.owner = THIS_MODULE,
	.open = nsi_view_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = nsi_view_release,
};

void nsi_view_create(struct dentry *dir, const char *name, const struct nsi_view *view)
{
	debugfs_create_file(name, 0400, dir, (void *)view, &nsi_view_fops);
}
