// SPDX-License-Identifier: GPL-2.0
/*
 * struct mount and struct mnt_namespace live in fs/mount.h, which no headers
 * package ships. Their offsets come from layout.h, generated from the target
 * kernel's BTF; the locks come from ksyms.c. Nothing is dereferenced before
 * nsi_layout_check() has matched the layout against the running kernel.
 */
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/mount.h>
#include <linux/nsproxy.h>
#include <linux/percpu.h>
#include <linux/proc_ns.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>

#include "layout.h"
#include "compat.h"
#include "ksyms.h"
#include "mount_walk.h"

const char *nsi_mounts_unavailable = "not initialised";

#ifdef NSI_LAYOUT_UNAVAILABLE

void nsi_mounts_init(void)
{
	nsi_mounts_unavailable = NSI_LAYOUT_UNAVAILABLE;
}

long nsi_mntns_nr_mounts(struct ns_common *ns)
{
	return -1;
}

int nsi_visit_nsfs_mounts(nsi_ns_fn_t fn, void *arg, unsigned int *pos, u64 *held_ns)
{
	return -EOPNOTSUPP;
}

#else

/* An opaque struct mount: only ever reached through the offsets below. */
struct nsi_mount;

#define NSI_FIELD(p, off, type) (*(type *)((char *)(p) + (off)))

static inline struct nsi_mount *nsi_real_mount(struct vfsmount *v)
{
	return (struct nsi_mount *)((char *)v - NSI_OFF_MOUNT_MNT);
}

static inline struct vfsmount *nsi_vfs(struct nsi_mount *m)
{
	return &NSI_FIELD(m, NSI_OFF_MOUNT_MNT, struct vfsmount);
}

static inline struct nsi_mount *nsi_mnt_parent(struct nsi_mount *m)
{
	return NSI_FIELD(m, NSI_OFF_MOUNT_MNT_PARENT, struct nsi_mount *);
}

static inline struct mnt_namespace *nsi_mnt_ns(struct nsi_mount *m)
{
	return NSI_FIELD(m, NSI_OFF_MOUNT_MNT_NS, struct mnt_namespace *);
}

static inline struct mnt_namespace *nsi_to_mnt_ns(struct ns_common *ns)
{
	return (struct mnt_namespace *)((char *)ns - NSI_OFF_MNT_NAMESPACE_NS);
}

/* Sum of the per-CPU counters at off in struct mnt_pcp, as mnt_get_count() does. */
static long nsi_mnt_pcp_sum(struct nsi_mount *m, size_t off)
{
	void __percpu *pcp = NSI_FIELD(m, NSI_OFF_MOUNT_MNT_PCP, void __percpu *);
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += *(int *)((char *)per_cpu_ptr(pcp, cpu) + off);
	return sum;
}

#ifdef NSI_HAS_MOUNT_MNT_INSTANCE
/* A superblock's mounts are linked through mnt_instance up to 6.17. */
static inline struct nsi_mount *nsi_sb_mount(struct list_head *instance)
{
	return (struct nsi_mount *)((char *)instance - NSI_OFF_MOUNT_MNT_INSTANCE);
}
#endif

/* Match the layout against the caller's root mount; returns what is wrong. */
static const char *nsi_layout_check(void)
{
	struct mnt_namespace *ns = current->nsproxy->mnt_ns;
	struct nsi_mount *m, *top;
	const char *why = NULL;
	struct list_head *pos;
	struct path root;
	int depth = 0;

	get_fs_root(current->fs, &root);
	m = nsi_real_mount(root.mnt);
	read_seqlock_excl(nsi_ksyms.mount_lock);
	if (nsi_mnt_ns(m) != ns) {
		why = "struct mount.mnt_ns does not match the running kernel";
		goto out;
	}
	if (nsi_ns_clone_type(nsi_mnt_ns_common(ns)) != CLONE_NEWNS) {
		why = "struct mnt_namespace.ns does not match the running kernel";
		goto out;
	}
	for (top = m; nsi_mnt_parent(top) != top && depth < 4096; depth++)
		top = nsi_mnt_parent(top);
	if (top != NSI_FIELD(ns, NSI_OFF_MNT_NAMESPACE_ROOT, struct nsi_mount *)) {
		why = "struct mount.mnt_parent or mnt_namespace.root does not match";
		goto out;
	}
	why = "struct mount.mnt_instance does not match the running kernel";
	list_for_each(pos, &root.mnt->mnt_sb->s_mounts)
		if (nsi_sb_mount(pos) == m) {
			why = NULL;
			break;
		}
	/* We hold a reference through root ourselves. */
	if (!why && nsi_mnt_pcp_sum(m, NSI_OFF_MNT_PCP_MNT_COUNT) < 1)
		why = "struct mount.mnt_pcp does not match the running kernel";
out:
	read_sequnlock_excl(nsi_ksyms.mount_lock);
	path_put(&root);
	return why;
}

void nsi_mounts_init(void)
{
	const char *why;

#ifndef NSI_HAS_MOUNT_MNT_INSTANCE
	nsi_mounts_unavailable =
		"superblock mount lists without mnt_instance (6.18+) not supported yet";
	return;
#endif
	why = nsi_ksyms_resolve() ?: nsi_layout_check();
	if (why)
		pr_warn("mount walker off: %s\n", why);
	nsi_mounts_unavailable = why;
}

long nsi_mntns_nr_mounts(struct ns_common *ns)
{
#ifdef NSI_HAS_MNT_NAMESPACE_NR_MOUNTS
	if (!nsi_mounts_unavailable)
		return READ_ONCE(NSI_FIELD(nsi_to_mnt_ns(ns), NSI_OFF_MNT_NAMESPACE_NR_MOUNTS,
					   unsigned int));
#endif
	return -1;
}

int nsi_visit_nsfs_mounts(nsi_ns_fn_t fn, void *arg, unsigned int *pos, u64 *held_ns)
{
	struct super_block *sb;
	struct list_head *lh;
	unsigned int i = 0;
	u64 start;
	int err = 0;

	if (nsi_mounts_unavailable)
		return -EOPNOTSUPP;
	sb = (*nsi_ksyms.nsfs_mnt)->mnt_sb;
	start = local_clock();
	read_seqlock_excl(nsi_ksyms.mount_lock);
	list_for_each(lh, &sb->s_mounts) {
		struct dentry *root = nsi_vfs(nsi_sb_mount(lh))->mnt_root;

		/* nsfs's own internal mount holds no namespace. */
		if (root == sb->s_root || i++ < *pos)
			continue;
		err = fn(arg, get_proc_ns(d_inode(root)));
		if (err) {
			*pos = i - 1;
			break;
		}
	}
	read_sequnlock_excl(nsi_ksyms.mount_lock);
	*held_ns = local_clock() - start;
	return err;
}

#endif /* NSI_LAYOUT_UNAVAILABLE */
