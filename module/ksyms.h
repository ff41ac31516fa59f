/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel symbols that no module may link against, resolved by name once at
 * load time. Each is NULL when it could not be resolved.
 */
#ifndef NSI_KSYMS_H
#define NSI_KSYMS_H

#include <linux/seqlock.h>

struct super_block;
struct vfsmount;

struct nsi_ksyms {
	seqlock_t *mount_lock;		/* fs/namespace.c: mounts, sb lists */
	struct vfsmount **nsfs_mnt;	/* fs/nsfs.c: the nsfs internal mount */
	/* fs/super.c: each superblock with s_umount held for reading */
	void (*iterate_supers)(void (*fn)(struct super_block *sb, void *arg), void *arg);
};

extern struct nsi_ksyms nsi_ksyms;

/* Resolve every symbol; on failure returns why, else NULL. */
const char *nsi_ksyms_resolve(void);

/* The address of any kernel symbol, or NULL; for use at load time. */
void *nsi_ksym(const char *name);

#endif /* NSI_KSYMS_H */
