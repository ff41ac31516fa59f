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
#include <linux/pid_namespace.h>
#include <linux/proc_ns.h>
#include <linux/refcount.h>

#include "layout.h"

#ifdef NSI_HAS_TASK_STRUCT_EXEC_STATE
#include <linux/sched/exec_state.h>
#endif

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

/*
 * The word a namespace counts its references in, for the tracer's data
 * watchpoint: ns_common.count up to 6.17, __ns_ref (still a refcount_t) from
 * 6.18, which is also when ns_ref_read() appeared.
 */
static inline refcount_t *nsi_ns_ref_word(struct ns_common *ns)
{
#if defined(ns_ref_read)
	return &ns->__ns_ref;
#else
	return &ns->count;
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

/*
 * From 6.19 the kernel does not count references to the initial namespaces
 * at all (__ns_ref_get() and __ns_ref_put() return early for them): their
 * counts stay 1 whatever holds them. Before, only the initial pid namespace
 * was not counted.
 */
static inline bool nsi_ns_counted(struct ns_common *ns)
{
#ifdef NSI_HAVE_NS_ACTIVE
	return !is_ns_init_id(ns);
#else
	/* get_pid_ns() and put_pid_ns() skip the initial pid namespace. */
	return ns != &init_pid_ns.ns;
#endif
}

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
#define nsi_nstree_node(n) rb_entry(n, struct ns_common, ns_tree_node.ns_node)
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

/* Indices of struct ipc_namespace.ids[], fixed since 2.6 (ipc/util.h). */
#define NSI_IPC_SEM_IDS 0
#define NSI_IPC_MSG_IDS 1
#define NSI_IPC_SHM_IDS 2

/*
 * The user namespace a task's executable image belongs to, which it holds:
 * mm_struct.user_ns up to 6.x; 7.x moved it to task->exec_state, shared by
 * CLONE_VM siblings and RCU-freed. Returns the holding object (a key, never
 * followed by the caller) and its namespace in *ns, or NULL. Called under
 * task_lock (exit_mm() clears ->mm under it) and RCU.
 */
#ifdef NSI_HAS_TASK_STRUCT_EXEC_STATE
static inline const void *nsi_image_user_ns(struct task_struct *t, struct user_namespace **ns)
{
	struct task_exec_state *es = rcu_dereference(t->exec_state);

	if (!es)
		return NULL;
	*ns = es->user_ns;
	return es;
}
#else
static inline const void *nsi_image_user_ns(struct task_struct *t, struct user_namespace **ns)
{
	if (!t->mm)
		return NULL;
	*ns = t->mm->user_ns;
	return t->mm;
}
#endif

#endif /* NSI_COMPAT_H */
