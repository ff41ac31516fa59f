// SPDX-License-Identifier: GPL-2.0
/*
 * From 6.19 the kernel keeps every namespace in a per-type tree, with a list
 * beside it in ns_id order (kernel/nstree.c): also those held only by what a
 * snapshot cannot enumerate, such as the credentials of an open file or a
 * socket. The trees are not exported; their roots and ns_tree_lock come from
 * kallsyms.
 *
 * The lists are walked holding ns_tree_lock as the kernel's own locked
 * readers do (read_seqlock_excl). Every namespace type's free path removes
 * the namespace from its tree, under that lock, before it puts its owner and
 * frees it, so a listed namespace and its owner chain stay valid for as long
 * as we hold it. One whose last reference is already gone is skipped.
 */
#include <linux/list.h>
#include <linux/ns_common.h>
#include <linux/sched/clock.h>
#include <linux/seqlock.h>

#include "compat.h"
#include "ksyms.h"
#include "nstree.h"

const char *nsi_nstree_unavailable = "not initialised";

#ifdef NSI_HAVE_NSTREE

static const char *const nsi_tree_names[] = {
	"mnt_ns_tree", "uts_ns_tree", "ipc_ns_tree", "net_ns_tree",
	"pid_ns_tree", "cgroup_ns_tree", "time_ns_tree", "user_ns_tree",
};

static struct ns_tree_root *nsi_trees[ARRAY_SIZE(nsi_tree_names)];
static seqlock_t *nsi_tree_lock;

void nsi_nstree_init(void)
{
	size_t i;

	nsi_tree_lock = nsi_ksym("ns_tree_lock");
	for (i = 0; i < ARRAY_SIZE(nsi_tree_names); i++)
		nsi_trees[i] = nsi_ksym(nsi_tree_names[i]);
	nsi_nstree_unavailable = NULL;
	for (i = 0; i < ARRAY_SIZE(nsi_tree_names); i++)
		if (!nsi_trees[i] || !nsi_tree_lock)
			nsi_nstree_unavailable = "ns_tree_lock or a *_ns_tree not in kallsyms";
}

int nsi_visit_nstree(nsi_ns_fn_t fn, void *arg, unsigned int *pos, u64 *held_ns)
{
	unsigned int i = 0;
	struct list_head *l;
	size_t t;
	u64 start;
	int err = 0;

	if (nsi_nstree_unavailable)
		return -EOPNOTSUPP;
	start = local_clock();
	read_seqlock_excl(nsi_tree_lock);
	/* New namespaces get higher ids, so they join the lists' tails. */
	for (t = 0; t < ARRAY_SIZE(nsi_trees) && !err; t++) {
		list_for_each(l, &nsi_trees[t]->ns_list_head) {
			struct ns_common *ns = nsi_nstree_entry(l);

			if (i++ < *pos || !nsi_ns_refs(ns))
				continue;
			err = fn(arg, ns);
			if (err) {
				*pos = i - 1;
				break;
			}
		}
	}
	read_sequnlock_excl(nsi_tree_lock);
	*held_ns = local_clock() - start;
	return err;
}

#else

void nsi_nstree_init(void)
{
	nsi_nstree_unavailable = "kernel has no namespace trees with lists (added in 6.19)";
}

int nsi_visit_nstree(nsi_ns_fn_t fn, void *arg, unsigned int *pos, u64 *held_ns)
{
	*held_ns = 0;
	return -EOPNOTSUPP;
}

#endif /* NSI_HAVE_NSTREE */
