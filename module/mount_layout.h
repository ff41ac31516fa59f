/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct mount and struct mnt_pcp are private to fs/ (fs/mount.h, which no
 * headers package ships). Their offsets come from layout.h, generated from
 * the target kernel's BTF by gen-layout.sh; what changed between kernels is
 * decided here. Only mount_walk.c includes this file, and it dereferences
 * nothing before nsi_layout_check() has matched the layout against the
 * running kernel.
 */
#ifndef NSI_MOUNT_LAYOUT_H
#define NSI_MOUNT_LAYOUT_H

#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/percpu.h>

#include "compat.h"
#include "ksyms.h"
#include "layout.h"

/* struct mount, opaque: reached through the offsets of layout.h. */
struct nsi_mount;

#ifndef NSI_LAYOUT_UNAVAILABLE

#define NSI_FIELD(p, off, type) (*(type *)((char *)(p) + (off)))

#if defined(NSI_HAS_MOUNT_MNT_NEXT_FOR_SB)
/*
 * 6.18 chains a superblock's mounts from sb->s_mounts through
 * mnt_next_for_sb, and adds new ones at the head. (The low bit of
 * mnt_pprev_for_sb is WRITE_HOLD; we never follow that pointer.)
 */
#define NSI_SB_MOUNTS_NEWEST_FIRST 1
static inline struct nsi_mount *nsi_sb_first_mount(struct super_block *sb)
{
	return (struct nsi_mount *)READ_ONCE(sb->s_mounts);
}

static inline struct nsi_mount *nsi_sb_next_mount(struct super_block *sb,
						  struct nsi_mount *m)
{
	return READ_ONCE(NSI_FIELD(m, NSI_OFF_MOUNT_MNT_NEXT_FOR_SB, struct nsi_mount *));
}
#elif defined(NSI_HAS_MOUNT_MNT_INSTANCE)
/* Up to 6.17 they are a list through mnt_instance, new ones at the tail. */
static inline struct nsi_mount *nsi_sb_mount_at(struct super_block *sb, struct list_head *l)
{
	return l == &sb->s_mounts ? NULL :
	       (struct nsi_mount *)((char *)l - NSI_OFF_MOUNT_MNT_INSTANCE);
}

static inline struct nsi_mount *nsi_sb_first_mount(struct super_block *sb)
{
	return nsi_sb_mount_at(sb, READ_ONCE(sb->s_mounts.next));
}

static inline struct nsi_mount *nsi_sb_next_mount(struct super_block *sb,
						  struct nsi_mount *m)
{
	return nsi_sb_mount_at(sb, READ_ONCE(NSI_FIELD(m, NSI_OFF_MOUNT_MNT_INSTANCE,
						       struct list_head).next));
}
#endif

/*
 * A mount's references, as mnt_get_count() sums them: mnt_pcp.mnt_count per
 * CPU up to 7.1; 7.2 counts gets and puts per CPU, and reads puts first so
 * that every put it counts has its get counted too. Only the slots of CPUs
 * that have run can differ from 0 (nsi_counted_cpus()). NSI_PCP_WORDS: the
 * slots a mount's read sums per CPU, with mnt_writers.
 */
static inline long nsi_mnt_pcp_sum(void __percpu *pcp, size_t off)
{
	long sum = 0;
	int cpu;

	for_each_cpu(cpu, nsi_counted_cpus())
		sum += *(int *)((char *)per_cpu_ptr(pcp, cpu) + off);
	return sum;
}

#ifdef NSI_HAS_MNT_PCP_MNT_COUNT
#define NSI_PCP_WORDS 2
static inline long nsi_mnt_count(void __percpu *pcp)
{
	return nsi_mnt_pcp_sum(pcp, NSI_OFF_MNT_PCP_MNT_COUNT);
}
#else
#define NSI_PCP_WORDS 3
static inline long nsi_mnt_count(void __percpu *pcp)
{
	unsigned int gets = 0, puts = 0;
	int cpu;

	for_each_cpu(cpu, nsi_counted_cpus())
		puts += *(unsigned int *)((char *)per_cpu_ptr(pcp, cpu) + NSI_OFF_MNT_PCP_MNT_PUTS);
	smp_mb();	/* as mnt_get_count(): pairs with mntput_no_expire() */
	for_each_cpu(cpu, nsi_counted_cpus())
		gets += *(unsigned int *)((char *)per_cpu_ptr(pcp, cpu) + NSI_OFF_MNT_PCP_MNT_GETS);
	return (int)(gets - puts);
}
#endif

/*
 * Shared and unbindable were MNT_SHARED and MNT_UNBINDABLE in
 * vfsmount.mnt_flags up to 6.17; 6.18 moved them to mount.mnt_t_flags as
 * T_SHARED and T_UNBINDABLE, private to fs/mount.h (values from BTF).
 */
#if defined(NSI_HAS_MOUNT_MNT_T_FLAGS)
static inline bool nsi_mnt_shared(struct nsi_mount *m, int mnt_flags)
{
	return READ_ONCE(NSI_FIELD(m, NSI_OFF_MOUNT_MNT_T_FLAGS, int)) & NSI_T_SHARED;
}

static inline bool nsi_mnt_unbindable(struct nsi_mount *m, int mnt_flags)
{
	return READ_ONCE(NSI_FIELD(m, NSI_OFF_MOUNT_MNT_T_FLAGS, int)) & NSI_T_UNBINDABLE;
}
#elif defined(MNT_SHARED)
static inline bool nsi_mnt_shared(struct nsi_mount *m, int mnt_flags)
{
	return mnt_flags & MNT_SHARED;
}

static inline bool nsi_mnt_unbindable(struct nsi_mount *m, int mnt_flags)
{
	return mnt_flags & MNT_UNBINDABLE;
}
#else
#define NSI_LAYOUT_UNAVAILABLE "no MNT_SHARED and no struct mount.mnt_t_flags"
#endif

/*
 * An anonymous mount namespace (open_tree(), fsmount()) has inum 0 up to
 * 6.17; 6.18 gives it MNT_NS_ANON_INO instead, and 6.19 marks it is_anon.
 */
static inline bool nsi_mnt_ns_anon(struct mnt_namespace *ns)
{
#if defined(NSI_HAS_MNT_NAMESPACE_IS_ANON)
	return READ_ONCE(NSI_FIELD(ns, NSI_OFF_MNT_NAMESPACE_IS_ANON, bool));
#elif defined(MNT_NS_ANON_INO)
	return nsi_mnt_ns_common(ns)->inum == MNT_NS_ANON_INO;
#else
	return !nsi_mnt_ns_common(ns)->inum;
#endif
}

#endif /* NSI_LAYOUT_UNAVAILABLE */

#endif /* NSI_MOUNT_LAYOUT_H */
