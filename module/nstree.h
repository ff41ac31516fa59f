/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's own lists of every namespace (6.19+), for the namespaces
 * that no task, nsfs file or bind mount reaches.
 */
#ifndef NSI_NSTREE_H
#define NSI_NSTREE_H

#include <linux/types.h>

#include "mount_walk.h"

/* Find the trees, once, after nsi_ksyms_resolve(). */
void nsi_nstree_init(void);
/* Why the namespace trees are not walked, or NULL when they are. */
const char *nsi_nstree_why(void);

/* Each live namespace in the kernel's per-type trees; see nsi_visit_fn_t. */
int nsi_visit_nstree(nsi_ns_fn_t fn, void *arg, struct nsi_visit_pos *pos, u64 *held_ns);

#endif /* NSI_NSTREE_H */
