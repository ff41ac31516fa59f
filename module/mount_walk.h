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
struct vfsmount;

/* Where a mount belongs. */
enum nsi_mnt_where {
	NSI_MNT_IN_NS,		/* a mount namespace: inum */
	NSI_MNT_ANON,		/* an anonymous namespace (open_tree, fsmount) */
	NSI_MNT_INTERNAL,	/* kernel-internal: kern_mount(), clone_private_mount() */
	NSI_MNT_DETACHED,	/* unmounted (umount -l) but still referenced */
	NSI_MNT_NONE,		/* no namespace, not unmounted either */
};

struct nsi_mnt {
	const void *key;		/* identity while pinned; never printed */
	struct vfsmount *pin;		/* our reference until formatted */
	enum nsi_mnt_where where;
	unsigned int mntns;		/* inum, for NSI_MNT_IN_NS */
	int id, parent, group, master;	/* master: its peer group, 0: none */
	u64 uid;			/* 0: the kernel has none */
	int flags;			/* MNT_* of vfsmount.mnt_flags */
	bool shared, unbindable;	/* propagation, wherever the kernel keeps it */
	dev_t dev;
	long count, writers;		/* read before we pinned it */
	char *fstype, *source, *root, *mountpoint;
};

struct nsi_mnt_snap {
	struct nsi_mnt *m;
	size_t n, cap;
	u64 took_ns, max_hold_ns;
	size_t bytes;			/* memory the snapshot holds */
};

/* Every mount of every superblock, or an ERR_PTR. */
struct nsi_mnt_snap *nsi_mounts_take(void);
void nsi_mounts_free(struct nsi_mnt_snap *s);

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
/* A walk that calls fn for each namespace it holds, resuming at *pos. */
typedef int (*nsi_visit_fn_t)(nsi_ns_fn_t fn, void *arg, unsigned int *pos, u64 *held_ns);
int nsi_visit_nsfs_mounts(nsi_ns_fn_t fn, void *arg, unsigned int *pos, u64 *held_ns);

#endif /* NSI_MOUNT_WALK_H */
