/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading the private mount structures through offsets taken from the
 * target kernel's BTF (module/gen-layout.sh), after a run-time check that
 * they describe the running kernel.
 */
#ifndef NSI_MOUNT_WALK_H
#define NSI_MOUNT_WALK_H

#include <linux/types.h>

struct ns_common;

/* Why the mount walker is off, or NULL when it works. */
extern const char *nsi_mounts_unavailable;

void nsi_mounts_init(void);

/* How many mounts a mount namespace has, or -1 when unknown. */
long nsi_mntns_nr_mounts(struct ns_common *ns);

/*
 * Call fn for the namespace behind each nsfs bind mount (attached or
 * detached), skipping the first *pos of them. fn runs under mount_lock, which
 * keeps the mount, its nsfs inode and so the namespace alive; it must not
 * sleep. When fn fails the walk stops, *pos says where to resume, and fn's
 * error is returned. *held_ns gets the longest time the lock was held.
 */
typedef int (*nsi_ns_fn_t)(void *arg, struct ns_common *ns);
int nsi_visit_nsfs_mounts(nsi_ns_fn_t fn, void *arg, unsigned int *pos, u64 *held_ns);

#endif /* NSI_MOUNT_WALK_H */
