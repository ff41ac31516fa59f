// SPDX-License-Identifier: GPL-2.0
/*
 * From 6.19 the kernel keeps every namespace in a per-type tree, with a list
 * beside it in ns_id order (kernel/nstree.c): also those held only by what a
 * snapshot cannot enumerate, such as the credentials of an open file or a
 * socket. The trees are not exported; their roots and ns_tree_lock are data
 * located by ksyms.c.
 *
 * The lists are walked holding ns_tree_lock as the kernel's own locked
 * readers do (read_seqlock_excl), at most NSI_NSTREE_BATCH namespaces at a
 * time. Every namespace type's free path removes
 * the namespace from its tree, under that lock, before it puts its owner and
 * frees it, so a listed namespace and its owner chain stay valid for as long
 * as we hold it. One whose last reference is already gone is skipped.
 */
#include <linux/list.h>
#include <linux/rbtree.h>
#include <linux/ns_common.h>
#include <linux/sched/clock.h>
#include <linux/seqlock.h>

#include "compat.h"
#include "ksyms.h"
#include "nstree.h"

static const char *nsi_nstree_unavailable = "not initialised";

const char *nsi_nstree_why(void)
{
	return nsi_nstree_unavailable;
}

#ifdef NSI_HAVE_NSTREE

/* Namespaces visited per hold of ns_tree_lock, which every namespace's birth and death take. */
#define NSI_NSTREE_BATCH 256

void nsi_nstree_init(void)
{
	size_t i;

	nsi_nstree_unavailable = nsi_ksym_why(ns_tree_lock);
	for (i = 0; i < NSI_NS_TREES && !nsi_nstree_unavailable; i++)
		nsi_nstree_unavailable = nsi_ksyms_why(offsetof(struct nsi_ksyms, ns_trees) +
						       i * sizeof(nsi_ksyms.ns_trees[0]));
}

/* rb_find_first() order: every namespace with an id above *key matches. */
static int nsi_id_above(const void *key, const struct rb_node *node)
{
	return nsi_ns_id(nsi_nstree_node(node)) <= *(const u64 *)key;
}

/*
 * Each list is in ns_id order and ids are never reused, so the walk resumes
 * after the last id it visited, whatever joined or left meanwhile, found in
 * the tree beside the list. pos->index is the tree it was in.
 */
int nsi_visit_nstree(nsi_ns_fn_t fn, void *arg, struct nsi_visit_pos *pos, u64 *held_ns)
{
	unsigned int n = 0;
	struct list_head *l;
	u64 start;
	int err = 0;

	*held_ns = 0;
	if (nsi_nstree_unavailable)
		return -EOPNOTSUPP;
	start = local_clock();
	read_seqlock_excl(nsi_ksyms.ns_tree_lock);
	for (; pos->index < NSI_NS_TREES && !err; pos->index++, pos->key = 0) {
		struct ns_tree_root *tree = nsi_ksyms.ns_trees[pos->index];
		struct rb_node *first = rb_find_first(&pos->key, &tree->ns_rb, nsi_id_above);

		if (!first)
			continue;
		/* From the first id above the key to the end of the list. */
		for (l = &nsi_nstree_node(first)->ns_tree_node.ns_list_entry;
		     l != &tree->ns_list_head; l = l->next) {
			struct ns_common *ns = nsi_nstree_entry(l);

			if (!nsi_ns_refs(ns))
				continue;
			if (n++ == NSI_NSTREE_BATCH) {
				err = 1;
				break;
			}
			err = fn(arg, ns);
			if (err)
				break;
			pos->key = nsi_ns_id(ns);
		}
		if (err)
			break;
	}
	read_sequnlock_excl(nsi_ksyms.ns_tree_lock);
	*held_ns = local_clock() - start;
	return err;
}

#else

void nsi_nstree_init(void)
{
	nsi_nstree_unavailable = "kernel has no namespace trees with lists (added in 6.19)";
}

int nsi_visit_nstree(nsi_ns_fn_t fn, void *arg, struct nsi_visit_pos *pos, u64 *held_ns)
{
	*held_ns = 0;
	return -EOPNOTSUPP;
}

#endif /* NSI_HAVE_NSTREE */
