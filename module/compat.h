/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where kernel versions differ. Probes test for the feature
 * itself (a macro, a member's type) rather than LINUX_VERSION_CODE, because
 * distributions backport.
 */
#ifndef NSI_COMPAT_H
#define NSI_COMPAT_H

#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/ns_common.h>
#include <linux/nsproxy.h>
#include <linux/percpu.h>
#include <linux/proc_ns.h>
#include <linux/refcount.h>

#include "layout.h"

/*
 * 6.18 renamed ns_common.count to __ns_ref behind ns_ref_read(). 6.19 added
 * active references, and its ns_ref_read() and ns_ref_active_read() take
 * the namespace itself (through to_ns_common(), a _Generic over the
 * namespace types), so a bare ns_common goes to the __ variants.
 */
#if defined(ns_ref_active_read) && defined(to_ns_common)
#define NSI_NS_REF_GENERIC 1
#endif

static inline long nsi_ns_refs(struct ns_common *ns)
{
#if defined(NSI_NS_REF_GENERIC)
	return __ns_ref_read(ns);
#elif defined(ns_ref_read)
	return ns_ref_read(ns);
#else
	return refcount_read(&ns->count);
#endif
}

/* 6.19 added active references (tasks, fds, bind mounts) beside __ns_ref. */
#ifdef ns_ref_active_read
#define NSI_HAVE_NS_ACTIVE 1
static inline long nsi_ns_active(struct ns_common *ns)
{
#if defined(NSI_NS_REF_GENERIC)
	return __ns_ref_active_read(ns);
#else
	return ns_ref_active_read(ns);
#endif
}
#endif

/* 6.18 gave every namespace a 64-bit id that is never reused. */
#ifdef ns_ref_read
#define NSI_HAVE_NS_ID 1
static inline u64 nsi_ns_id(struct ns_common *ns)
{
	return ns->ns_id;
}
#endif

/*
 * 6.19 keeps every namespace in a per-type tree with a list beside it
 * (struct ns_tree_root of <linux/ns/nstree_types.h>), linked through
 * ns_common's ns_tree_node.
 */
#ifdef _LINUX_NSTREE_TYPES_H
#define NSI_HAVE_NSTREE 1
#define nsi_nstree_entry(l) list_entry(l, struct ns_common, ns_tree_node.ns_list_entry)
#endif

/* 6.18 moved the CLONE_NEW* type from the ops into ns_common. */
static inline int nsi_ns_clone_type(struct ns_common *ns)
{
#ifdef ns_ref_read
	return ns->ns_type;
#else
	return ns->ops->type;
#endif
}

/* nsproxy.count became a refcount_t in 6.6. */
#define nsi_nsproxy_count(nsp) ({					\
	typeof(nsp) __nsp = (nsp);					\
	__builtin_choose_expr(						\
		__builtin_types_compatible_p(typeof(__nsp->count), refcount_t), \
		refcount_read((refcount_t *)&__nsp->count),		\
		atomic_read((atomic_t *)&__nsp->count));		\
})

/*
 * struct mnt_namespace is private to fs/. Its ns_common sits at the offset
 * the target's BTF gives (layout.h); without BTF, at 0, where it has been
 * since 5.11.
 */
struct mnt_namespace;
static inline struct ns_common *nsi_mnt_ns_common(struct mnt_namespace *mnt)
{
#ifdef NSI_OFF_MNT_NAMESPACE_NS
	return (struct ns_common *)((char *)mnt + NSI_OFF_MNT_NAMESPACE_NS);
#else
	return (struct ns_common *)mnt;
#endif
}

/*
 * struct mount, opaque: mount_walk.c reaches its fields through the offsets
 * of layout.h. What follows is only what changed between kernels.
 */
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
 * that every put it counts has its get counted too.
 */
static inline long nsi_mnt_pcp_sum(void __percpu *pcp, size_t off)
{
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += *(int *)((char *)per_cpu_ptr(pcp, cpu) + off);
	return sum;
}

static inline long nsi_mnt_count(void __percpu *pcp)
{
#ifdef NSI_HAS_MNT_PCP_MNT_COUNT
	return nsi_mnt_pcp_sum(pcp, NSI_OFF_MNT_PCP_MNT_COUNT);
#else
	unsigned int gets = 0, puts = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		puts += *(unsigned int *)((char *)per_cpu_ptr(pcp, cpu) + NSI_OFF_MNT_PCP_MNT_PUTS);
	smp_mb();	/* as mnt_get_count(): pairs with mntput_no_expire() */
	for_each_possible_cpu(cpu)
		gets += *(unsigned int *)((char *)per_cpu_ptr(pcp, cpu) + NSI_OFF_MNT_PCP_MNT_GETS);
	return (int)(gets - puts);
#endif
}

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

#endif /* NSI_LAYOUT_UNAVAILABLE */

/* Indices of struct ipc_namespace.ids[], fixed since 2.6 (ipc/util.h). */
#define NSI_IPC_SEM_IDS 0
#define NSI_IPC_MSG_IDS 1
#define NSI_IPC_SHM_IDS 2

#endif /* NSI_COMPAT_H */
