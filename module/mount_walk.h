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
	enum nsi_mnt_where where;
	unsigned int mntns;		/* inum, for NSI_MNT_IN_NS */
	int id, parent, group, master;	/* master: its peer group, 0: none */
	u64 uid;			/* 0: the kernel has none */
	int flags;			/* MNT_* of vfsmount.mnt_flags */
	bool shared, unbindable;	/* propagation, wherever the kernel keeps it */
	dev_t dev;
	unsigned long root_ino;		/* of its root dentry: overlayfs layers are matched by it */
	unsigned int userns;		/* the superblock's s_user_ns, which it holds */
	unsigned int mnt_userns;	/* up to 6.2: a user namespace the mount holds; 0: none */
	/*
	 * The namespace the superblock belongs to: proc's pid namespace and
	 * sysfs' net namespace (held: the net's passive count), mqueue's ipc
	 * namespace (not held: the ipc namespace holds the mount). 0: none.
	 */
	const char *sbns_type;
	unsigned int sbns;
	const void *sysfs_tag;		/* a sysfs superblock's, compared, never followed */
	long count, writers;		/* instantaneous per-CPU sums */
	/* formatted under mount_lock, into the snapshot's arena */
	const char *fstype, *source, *root, *mountpoint;
};

struct nsi_arena;

struct nsi_mnt_snap {
	struct nsi_mnt *m;
	size_t n, cap;
	struct nsi_arena *arena;	/* the records' strings, in chunks */
	u64 took_ns, max_hold_ns;	/* max_hold_ns: RCU, mount_lock or sb_lock */
	const char *max_hold_at;	/* which: a static name */
	unsigned int lost;		/* places the walk lost to dying mounts */
	unsigned int kept;		/* places kept though a mount was doomed */
	size_t bytes;			/* memory the snapshot holds */
};

/*
 * Every mount of every superblock, or an ERR_PTR. The reference the file
 * being read holds on its own mount (reader) is not counted.
 */
struct nsi_mnt_snap *nsi_mounts_take(const struct vfsmount *reader);
void nsi_mounts_free(struct nsi_mnt_snap *s);

/* Check the layout against the running kernel, once, after nsi_ksyms_resolve(). */
void nsi_mounts_init(void);
/* Why the mounts walk is off, or NULL when it works. */
const char *nsi_mounts_why(void);
/* Why nsfs bind mounts are not walked, or NULL when they are. */
const char *nsi_nsfs_mounts_why(void);
/* Why a walk cannot keep its place through the mount hash, or NULL. */
const char *nsi_place_hash_why(void);
/* The longest lock or RCU section of any mounts walk since load. */
u64 nsi_mounts_max_hold_ns(void);

/* The ucounts a mount namespace holds, or NULL when unknown. */
const struct ucounts *nsi_mntns_ucounts(struct ns_common *ns);

/* How many mounts a mount namespace has, or -1 when unknown. */
long nsi_mntns_nr_mounts(struct ns_common *ns);

/*
 * Where a visitor resumes after it dropped its lock: it fills this in, and
 * the caller passes it back unchanged. Zeroed, it starts at the beginning.
 */
struct nsi_visit_pos {
	u64 key;		/* the last entry visited, where ids order the list */
	unsigned int index;	/* which list, where there are several */
	const void *last;	/* the entry to go on at; compared, never followed */
	unsigned int seq;	/* the list's seqcount when the lock was dropped */
};

/*
 * Call fn for each namespace a walk holds, from pos on. fn runs under the
 * walk's lock, which keeps the namespace and its owner chain alive; it must
 * not sleep. Returns 0 when done; 1 when the walk dropped its lock to let
 * others in and should be called again; fn's error (-ENOSPC: the caller grows
 * its pool and calls again); -EAGAIN when the list changed while the lock was
 * dropped and the walk restarts, so the caller forgets what it counted; or
 * -EOPNOTSUPP when the walk is unavailable. *held_ns gets how long the lock
 * was held.
 */
typedef int (*nsi_ns_fn_t)(void *arg, struct ns_common *ns);
typedef int (*nsi_visit_fn_t)(nsi_ns_fn_t fn, void *arg, struct nsi_visit_pos *pos,
			      u64 *held_ns);

/*
 * The namespace behind each nsfs bind mount, attached or detached, each
 * once: fn runs under RCU and mount_lock, which keep the namespace alive,
 * and must not sleep; when it returns -ENOSPC, grow(arg) is called outside
 * them and fn again on the same mount. Returns 0, an error of fn or grow,
 * or -EOPNOTSUPP. *held_ns gets the longest section.
 */
int nsi_visit_nsfs_mounts(nsi_ns_fn_t fn, int (*grow)(void *arg), void *arg, u64 *held_ns);

/*
 * Call fn for the cred each procfs superblock keeps of its mounter (7.x),
 * under mount_lock, which keeps it alive; must not sleep. -ENOSPC from fn
 * calls grow(arg) as for nsi_visit_nsfs_mounts(). Returns 0, an error of fn
 * or grow, -ENOMEM, or -EOPNOTSUPP where procfs keeps none or the mount
 * walker is unavailable. Superblocks may share a cred: fn counts it once.
 */
struct cred;
typedef int (*nsi_cred_fn_t)(void *arg, const struct cred *cred);
int nsi_visit_proc_creds(nsi_cred_fn_t fn, int (*grow)(void *arg), void *arg, u64 *held_ns);

/*
 * Where a mount keeps its counts, for the tracer: its per-CPU struct
 * mnt_pcp and the offsets of the words in it. Up to 7.1 the references are
 * one word, mnt_count (off_gets and off_puts are -1); 7.2 counts gets and
 * puts apart (off_count is -1).
 */
struct nsi_mnt_counters {
	void __percpu *pcp;	/* compared, or read nofault: no lock is held */
	int off_count, off_gets, off_puts, off_writers;
	long count, writers;	/* their sums, read under mount_lock */
	/*
	 * Which mount it is, to tell it from one that took its id and memory:
	 * its struct mount (compared, or read nofault at off_ns for its
	 * mnt_ns), unique id (0 where the kernel has none), superblock and
	 * root dentry.
	 */
	const void *mnt;
	int off_ns;
	u64 uid;
	const void *sb, *root;
};

/*
 * The counters of the mount with this id, found under mount_lock, which
 * keeps it and its mnt_pcp while held, like nsi_mounts_take(). Returns 0,
 * -ENOENT when no superblock lists such a mount, -ENOMEM, -EINTR, or
 * -EOPNOTSUPP when the mount walker is unavailable. *held_ns gets the
 * longest section.
 */
int nsi_mount_counters(int id, struct nsi_mnt_counters *c, u64 *held_ns);

#endif /* NSI_MOUNT_WALK_H */
