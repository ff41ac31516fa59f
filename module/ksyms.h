/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private kernel data that no module may link against, located by name once
 * at load time. Only data: the resolver refuses any symbol that kallsyms
 * types as code, and no member here is a function pointer, so nothing the
 * module calls can come from a symbol lookup (scripts/check-indirect-calls.py
 * checks the object code for it). Each member is NULL when it could not be
 * resolved and verified; nsi_ksyms_why() says why.
 */
#ifndef NSI_KSYMS_H
#define NSI_KSYMS_H

#include <linux/list.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>

#include "compat.h"

struct ns_tree_root;
struct task_struct;
struct vfsmount;

/* The kernel's own trees of every namespace (6.19+), in nsi_type order. */
#define NSI_NS_TREES 8

struct nsi_ksyms {
	seqlock_t *mount_lock;		/* fs/namespace.c: mount lists, counts */
	struct vfsmount **nsfs_mnt;	/* fs/nsfs.c: the nsfs internal mount */
	struct list_head *super_blocks;	/* fs/super.c: every superblock ... */
	spinlock_t *sb_lock;		/* ... and the lock of that list */
	/* kernel/smpboot.c: each CPU's idle thread, on no task list */
	struct task_struct * __percpu *idle_threads;
	/* kernel/cpu.c: every CPU that has ever come up since boot */
	struct cpumask *cpus_booted_once_mask;
	/* fs/namespace.c: the mount hash (attached mounts) and its size */
	struct hlist_head **mount_hashtable;
	unsigned int *m_hash_mask, *m_hash_shift;
#ifdef NSI_HAVE_NSTREE
	seqlock_t *ns_tree_lock;	/* kernel/nstree.c */
	struct ns_tree_root *ns_trees[NSI_NS_TREES];
#endif
};

extern struct nsi_ksyms nsi_ksyms;

/* Resolve and verify every member; returns why none could be, or NULL. */
const char *nsi_ksyms_resolve(void);

/*
 * Why the member at offset off (offsetof(struct nsi_ksyms, ...)) is NULL,
 * or NULL when it is set.
 */
const char *nsi_ksyms_why(size_t off);

#define nsi_ksym_why(member) nsi_ksyms_why(offsetof(struct nsi_ksyms, member))

/*
 * The CPUs whose slots of a per-CPU counter can be other than 0: a slot is
 * written only by its own CPU (this_cpu_add()), so those of CPUs that never
 * came up stay as alloc_percpu() left them. Summing over these rather than
 * every possible CPU keeps a sum's cost to the CPUs the machine has run, not
 * the thousands a distribution kernel allows (Debian: NR_CPUS=8192). Falls
 * back to the possible CPUs where cpus_booted_once_mask is not resolved.
 */
const struct cpumask *nsi_counted_cpus(void);

#endif /* NSI_KSYMS_H */
