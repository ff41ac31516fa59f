/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's own lists of every namespace (6.19+), for the namespaces
 * that no task, nsfs file or bind mount reaches.
 */
#ifndef NSI_NSTREE_H
#define NSI_NSTREE_H

#include <linux/types.h>

#include "mount_walk.h"

/* Why the namespace trees are not walked, or NULL when they are. */
extern const char *nsi_nstree_unavailable;

void nsi_nstree_init(void);

/*
 * Call fn for each live namespace in the kernel's per-type trees, skipping
 * the first *pos. fn runs under ns_tree_lock, which keeps the namespace and
 * its owner chain alive; it must not sleep. When fn fails the walk stops,
 * *pos says where to resume, and fn's error is returned; -EOPNOTSUPP when
 * the trees are unavailable. *held_ns gets how long the lock was held.
 */
int nsi_visit_nstree(nsi_ns_fn_t fn, void *arg, unsigned int *pos, u64 *held_ns);

#endif /* NSI_NSTREE_H */
