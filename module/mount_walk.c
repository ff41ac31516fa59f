// SPDX-License-Identifier: GPL-2.0
/*
 * Every mount of every superblock, read without a reference on any of them
 * and without any superblock's s_umount:
 *
 * - The superblocks are listed under sb_lock, briefly, and then visited under
 *   RCU alone: a superblock is RCU-freed (__put_super()), so its memory
 *   outlives the read section even when it dies meanwhile, and a dead one has
 *   no mounts left on its list. The RCU section is cut every millisecond;
 *   the superblocks still to visit are then checked against the list again.
 * - Each superblock's mounts are read and formatted under mount_lock, the
 *   lock that every change to that list and every mount's last mntput()
 *   takes. While we hold it, each listed mount, its dentries and its parent
 *   chain stay put, so no mntget() is needed, and the counts we read are the
 *   kernel's own: nothing of ours is in them, and nothing of ours can make an
 *   unmount fail with EBUSY or keep a superblock alive.
 * - Memory is reserved before any lock; a walk that runs out is redone with
 *   more. d_path() and dentry_path_raw() take mount_lock and rename_lock
 *   only as readers, in the kernel's own order (mount_lock first).
 *
 * struct mount and struct mnt_namespace are private (mount_layout.h); the
 * locks and the superblock list come from ksyms.c. Nothing is dereferenced
 * before nsi_layout_check() has matched the layout against the running
 * kernel.
 */
#include <linux/bsearch.h>
#include <linux/dcache.h>
#include <linux/magic.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/mount.h>
#include <linux/nsproxy.h>
#include <linux/ipc_namespace.h>
#include <linux/percpu.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/proc_ns.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>

#include "compat.h"
#include "ksyms.h"
#include "mount_layout.h"
#include "mount_walk.h"

static const char *nsi_mounts_unavailable = "not initialised";
static const char *nsi_nsfs_mounts_unavailable = "not initialised";

const char *nsi_mounts_why(void)
{
	return nsi_mounts_unavailable;
}

const char *nsi_nsfs_mounts_why(void)
{
	return nsi_nsfs_mounts_unavailable;
}

#ifdef NSI_LAYOUT_UNAVAILABLE

void nsi_mounts_init(void)
{
	nsi_mounts_unavailable = NSI_LAYOUT_UNAVAILABLE;
	nsi_nsfs_mounts_unavailable = NSI_LAYOUT_UNAVAILABLE;
}

long nsi_mntns_nr_mounts(struct ns_common *ns)
{
	return -1;
}

int nsi_visit_nsfs_mounts(nsi_ns_fn_t fn, void *arg, struct nsi_visit_pos *pos, u64 *held_ns)
{
	*held_ns = 0;
	return -EOPNOTSUPP;
}

const struct ucounts *nsi_mntns_ucounts(struct ns_common *ns)
{
	return NULL;
}

int nsi_visit_proc_creds(nsi_cred_fn_t fn, void *arg, u64 *held_ns)
{
	*held_ns = 0;
	return -EOPNOTSUPP;
}

struct nsi_mnt_snap *nsi_mounts_take(void)
{
	return kzalloc(sizeof(struct nsi_mnt_snap), GFP_KERNEL_ACCOUNT) ?: ERR_PTR(-ENOMEM);
}

void nsi_mounts_free(struct nsi_mnt_snap *s)
{
	kfree(s);
}

u64 nsi_mounts_max_hold_ns(void)
{
	return 0;
}

int nsi_mount_counters(int id, struct nsi_mnt_counters *c, u64 *held_ns)
{
	*held_ns = 0;
	return -EOPNOTSUPP;
}

#else

static inline struct nsi_mount *nsi_real_mount(struct vfsmount *v)
{
	return (struct nsi_mount *)((char *)v - NSI_OFF_MOUNT_MNT);
}

static inline struct vfsmount *nsi_vfs(struct nsi_mount *m)
{
	return &NSI_FIELD(m, NSI_OFF_MOUNT_MNT, struct vfsmount);
}

static inline struct nsi_mount *nsi_mnt_parent(struct nsi_mount *m)
{
	return NSI_FIELD(m, NSI_OFF_MOUNT_MNT_PARENT, struct nsi_mount *);
}

static inline struct mnt_namespace *nsi_mnt_ns(struct nsi_mount *m)
{
	return NSI_FIELD(m, NSI_OFF_MOUNT_MNT_NS, struct mnt_namespace *);
}

static inline struct mnt_namespace *nsi_to_mnt_ns(struct ns_common *ns)
{
	return (struct mnt_namespace *)((char *)ns - NSI_OFF_MNT_NAMESPACE_NS);
}

static inline void __percpu *nsi_mnt_pcp(struct nsi_mount *m)
{
	return NSI_FIELD(m, NSI_OFF_MOUNT_MNT_PCP, void __percpu *);
}

static bool nsi_sb_listed(struct super_block *sb)
{
	struct super_block *pos;
	bool found = false;

	spin_lock(nsi_ksyms.sb_lock);
	list_for_each_entry(pos, nsi_ksyms.super_blocks, s_list)
		found |= pos == sb;
	spin_unlock(nsi_ksyms.sb_lock);
	return found;
}

/* Match the layout against the caller's root mount; returns what is wrong. */
static const char *nsi_layout_check(void)
{
	struct mnt_namespace *ns = current->nsproxy->mnt_ns;
	struct nsi_mount *m, *top, *pos;
	const char *why = NULL;
	struct super_block *sb;
	struct path root;
	int depth = 0;

	get_fs_root(current->fs, &root);
	m = nsi_real_mount(root.mnt);
	sb = root.mnt->mnt_sb;
	read_seqlock_excl(nsi_ksyms.mount_lock);
	if (nsi_mnt_ns(m) != ns) {
		why = "struct mount.mnt_ns does not match the running kernel";
		goto out;
	}
	if (nsi_ns_clone_type(nsi_mnt_ns_common(ns)) != CLONE_NEWNS) {
		why = "struct mnt_namespace.ns does not match the running kernel";
		goto out;
	}
	for (top = m; nsi_mnt_parent(top) != top && depth < 4096; depth++)
		top = nsi_mnt_parent(top);
	if (top != NSI_FIELD(ns, NSI_OFF_MNT_NAMESPACE_ROOT, struct nsi_mount *)) {
		why = "struct mount.mnt_parent or mnt_namespace.root does not match";
		goto out;
	}
	why = "struct mount.mnt_instance or mnt_next_for_sb does not match the running kernel";
	for (pos = nsi_sb_first_mount(sb); pos; pos = nsi_sb_next_mount(sb, pos))
		if (pos == m) {
			why = NULL;
			break;
		}
	/* We hold a reference through root ourselves. */
	if (!why && nsi_mnt_count(nsi_mnt_pcp(m)) < 1)
		why = "struct mount.mnt_pcp does not match the running kernel";
out:
	read_sequnlock_excl(nsi_ksyms.mount_lock);
	if (!why && !nsi_sb_listed(sb))
		why = "super_blocks does not list the root's superblock";
	path_put(&root);
	return why;
}

void nsi_mounts_init(void)
{
	const char *why = nsi_ksym_why(mount_lock);

	if (!why)
		why = nsi_layout_check();
	if (why) {
		nsi_mounts_unavailable = why;
		nsi_nsfs_mounts_unavailable = why;
		return;
	}
	nsi_mounts_unavailable = nsi_ksym_why(super_blocks) ?: nsi_ksym_why(sb_lock);
	nsi_nsfs_mounts_unavailable = nsi_ksym_why(nsfs_mnt);
	if (!nsi_nsfs_mounts_unavailable &&
	    (*nsi_ksyms.nsfs_mnt)->mnt_sb->s_magic != NSFS_MAGIC)
		nsi_nsfs_mounts_unavailable = "nsfs_mnt is not the nsfs mount";
}

long nsi_mntns_nr_mounts(struct ns_common *ns)
{
#ifdef NSI_HAS_MNT_NAMESPACE_NR_MOUNTS
	if (!nsi_mounts_unavailable)
		return READ_ONCE(NSI_FIELD(nsi_to_mnt_ns(ns), NSI_OFF_MNT_NAMESPACE_NR_MOUNTS,
					   unsigned int));
#endif
	return -1;
}

const struct ucounts *nsi_mntns_ucounts(struct ns_common *ns)
{
#ifdef NSI_HAS_MNT_NAMESPACE_UCOUNTS
	if (!nsi_mounts_unavailable)
		return NSI_FIELD(nsi_to_mnt_ns(ns), NSI_OFF_MNT_NAMESPACE_UCOUNTS,
				 const struct ucounts *);
#endif
	return NULL;
}

/*
 * Where a walk of a superblock's mounts that dropped mount_lock goes on: at
 * the mount it held last, if mount_lock's seqcount says nothing was written
 * meanwhile: every removal from the list is a write, so that mount is still
 * listed and still there (from 6.18 an addition is not a write, but new
 * mounts join the head, behind us). Else NULL, and the walk restarts. Called
 * with mount_lock held again; seq was read with it held.
 */
static struct nsi_mount *nsi_sb_resume(const void *last, unsigned int seq)
{
	if (read_seqretry(nsi_ksyms.mount_lock, seq))
		return NULL;
	return (struct nsi_mount *)last;
}

/* The nsfs superblock's mounts, but its own internal one. */
int nsi_visit_nsfs_mounts(nsi_ns_fn_t fn, void *arg, struct nsi_visit_pos *pos, u64 *held_ns)
{
	struct super_block *sb;
	struct nsi_mount *m;
	u64 start;
	int err = 0;

	*held_ns = 0;
	if (nsi_nsfs_mounts_unavailable)
		return -EOPNOTSUPP;
	sb = (*nsi_ksyms.nsfs_mnt)->mnt_sb;
	start = local_clock();
	read_seqlock_excl(nsi_ksyms.mount_lock);
	m = nsi_sb_first_mount(sb);
	if (pos->last) {
		/* The mount fn failed on is visited again. */
		m = nsi_sb_resume(pos->last, pos->seq);
		pos->last = NULL;
		if (!m) {
			err = -EAGAIN;
			goto out;
		}
	}
	for (; m; m = nsi_sb_next_mount(sb, m)) {
		struct dentry *root = nsi_vfs(m)->mnt_root;

		if (root == sb->s_root)
			continue;
		err = fn(arg, get_proc_ns(d_inode(root)));
		if (err) {
			pos->last = m;
			/* Taken with the lock held: no writer is inside. */
			pos->seq = read_seqbegin(nsi_ksyms.mount_lock);
			break;
		}
	}
out:
	read_sequnlock_excl(nsi_ksyms.mount_lock);
	*held_ns = local_clock() - start;
	return err;
}

/*
 * The superblocks of this magic (0: all), listed under sb_lock into a
 * kmalloc()ed array, or NULL when out of memory. Returns with RCU held
 * either way, which keeps their memory (__put_super() frees them after a
 * grace period).
 */
static struct super_block **nsi_sbs_rcu(unsigned long magic, size_t *n)
	__acquires(RCU)
{
	struct super_block **sbs, *sb;
	size_t cap = 16;

	for (;;) {
		sbs = kmalloc_array(cap, sizeof(*sbs), GFP_KERNEL);
		*n = 0;
		rcu_read_lock();
		if (!sbs)
			return NULL;
		spin_lock(nsi_ksyms.sb_lock);
		list_for_each_entry(sb, nsi_ksyms.super_blocks, s_list)
			if ((!magic || sb->s_magic == magic) && ++*n <= cap)
				sbs[*n - 1] = sb;
		spin_unlock(nsi_ksyms.sb_lock);
		if (*n <= cap)
			return sbs;
		rcu_read_unlock();
		kfree(sbs);
		cap = *n + *n / 4;
	}
}

int nsi_mount_counters(int id, struct nsi_mnt_counters *c, u64 *held_ns)
{
	struct super_block **sbs;
	struct nsi_mount *m = NULL;
	u64 start = local_clock();
	size_t n, i;

	*held_ns = 0;
	if (nsi_mounts_unavailable)
		return -EOPNOTSUPP;
	sbs = nsi_sbs_rcu(0, &n);
	for (i = 0; i < n && !m; i++) {
		read_seqlock_excl(nsi_ksyms.mount_lock);
		for (m = nsi_sb_first_mount(sbs[i]); m; m = nsi_sb_next_mount(sbs[i], m))
			if (NSI_FIELD(m, NSI_OFF_MOUNT_MNT_ID, int) == id)
				break;
		if (m) {
			c->pcp = nsi_mnt_pcp(m);
			c->count = nsi_mnt_count(c->pcp);
			c->writers = nsi_mnt_pcp_sum(c->pcp, NSI_OFF_MNT_PCP_MNT_WRITERS);
			c->mnt = m;
			c->sb = nsi_vfs(m)->mnt_sb;
			c->root = nsi_vfs(m)->mnt_root;
#ifdef NSI_HAS_MOUNT_MNT_ID_UNIQUE
			c->uid = NSI_FIELD(m, NSI_OFF_MOUNT_MNT_ID_UNIQUE, u64);
#else
			c->uid = 0;
#endif
		}
		read_sequnlock_excl(nsi_ksyms.mount_lock);
	}
	*held_ns = local_clock() - start;
	rcu_read_unlock();
	if (!sbs)
		return -ENOMEM;
	kfree(sbs);
	if (!m)
		return -ENOENT;
#ifdef NSI_HAS_MNT_PCP_MNT_COUNT
	c->off_count = NSI_OFF_MNT_PCP_MNT_COUNT;
	c->off_gets = -1;
	c->off_puts = -1;
#else
	c->off_count = -1;
	c->off_gets = NSI_OFF_MNT_PCP_MNT_GETS;
	c->off_puts = NSI_OFF_MNT_PCP_MNT_PUTS;
#endif
	c->off_writers = NSI_OFF_MNT_PCP_MNT_WRITERS;
	c->off_ns = NSI_OFF_MOUNT_MNT_NS;
	return 0;
}

#ifdef NSI_HAS_PROC_FS_INFO_MOUNTER_CRED
/*
 * A procfs superblock's memory is kept by RCU (nsi_sbs_rcu()); its
 * proc_fs_info and mounter_cred are alive while one of its mounts is listed
 * (see nsi_sb_holds()), which mount_lock keeps so.
 */
int nsi_visit_proc_creds(nsi_cred_fn_t fn, void *arg, u64 *held_ns)
{
	struct super_block **sbs;
	u64 start = local_clock();
	size_t n, i;
	int err = 0;

	*held_ns = 0;
	if (nsi_mounts_unavailable)
		return -EOPNOTSUPP;
	sbs = nsi_sbs_rcu(PROC_SUPER_MAGIC, &n);
	if (!sbs)
		err = -ENOMEM;
	for (i = 0; i < n && !err; i++) {
		read_seqlock_excl(nsi_ksyms.mount_lock);
		if (nsi_sb_first_mount(sbs[i]) && proc_sb_info(sbs[i])->mounter_cred)
			err = fn(arg, proc_sb_info(sbs[i])->mounter_cred);
		read_sequnlock_excl(nsi_ksyms.mount_lock);
	}
	*held_ns = local_clock() - start;
	rcu_read_unlock();
	kfree(sbs);
	return err;
}
#else
int nsi_visit_proc_creds(nsi_cred_fn_t fn, void *arg, u64 *held_ns)
{
	*held_ns = 0;
	return -EOPNOTSUPP;
}
#endif

/* ---- every mount of every superblock ------------------------------------------ */

/* Longest RCU read section of the walk, so that synchronize_rcu() waits little. */
#define NSI_RCU_SLICE_NS (1 * NSEC_PER_MSEC)

struct nsi_mnt_walk {
	struct nsi_mnt_snap *s;
	struct super_block **sbs;	/* sorted by address, for bsearch */
	bool *live;			/* still listed at the last check */
	size_t nsb, sb_cap;
	bool sbs_full;			/* the list had more than sb_cap */
	/* out of room: the rest of the walk only counts, to size the next */
	bool counting;
	size_t uncopied;		/* mounts counted, not copied */
	char *buf;			/* PATH_MAX, for d_path() */
	u64 rcu_start;
	/* what the superblock being read holds, read at its first mount */
	struct super_block *sb;
	unsigned int userns, sbns;
	const char *sbns_type;
};

static void nsi_hold(struct nsi_mnt_snap *s, u64 start)
{
	s->max_hold_ns = max(s->max_hold_ns, local_clock() - start);
}

/* A copy of str in the arena, or NULL when the arena is full. */
static const char *nsi_arena_put(struct nsi_mnt_snap *s, const char *str)
{
	size_t len = strlen(str) + 1;
	char *p;

	if (s->arena_cap - s->arena_used < len)
		return NULL;
	p = s->arena + s->arena_used;
	memcpy(p, str, len);
	s->arena_used += len;
	return p;
}

static bool str_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/* The mount's root as mountinfo prints it. */
static const char *nsi_mnt_root(struct nsi_mnt_walk *w, struct vfsmount *v)
{
	struct dentry *root = v->mnt_root;
	char *p;

	/*
	 * nsfs shows its namespaces as mountinfo does: net:[4026532290]. Its
	 * own internal mount's root holds no namespace.
	 */
	if (v->mnt_sb->s_magic == NSFS_MAGIC && root != v->mnt_sb->s_root) {
		struct inode *inode = d_inode(root);

		snprintf(w->buf, PATH_MAX, "%s:[%llu]", get_proc_ns(inode)->ops->name,
			 (unsigned long long)inode->i_ino);
		return nsi_arena_put(w->s, w->buf);
	}
	/* Room after the path for "//deleted", as mountinfo appends it. */
	p = dentry_path_raw(root, w->buf, PATH_MAX - 10);
	if (IS_ERR(p))
		return nsi_arena_put(w->s, "?");
	if (d_unlinked(root))
		memcpy(w->buf + PATH_MAX - 11, "//deleted", sizeof("//deleted"));
	return nsi_arena_put(w->s, p);
}

/*
 * A sysfs superblock's net namespace, by its tag compared against the net
 * list (never followed unless listed); 0 for a net no longer listed. The
 * tag is the struct net up to 6.x, its ns_common on 7.x. One pass over the
 * net list per sysfs superblock, under mount_lock.
 */
static unsigned int nsi_sysfs_net(struct super_block *sb)
{
#ifdef NSI_HAS_KERNFS_SUPER_INFO_NS
	const void *tag = NSI_FIELD(sb->s_fs_info, NSI_OFF_KERNFS_SUPER_INFO_NS, const void *);
	struct net *net;

	for_each_net_rcu(net)
		if ((const void *)net == tag || (const void *)&net->ns == tag)
			return net->ns.inum;
#endif
	return 0;
}

/*
 * What a superblock holds: its user namespace, and the namespace it belongs
 * to. Called under mount_lock with one of its mounts listed: that mount's
 * s_active reference is dropped only after it leaves the list, so kill_sb()
 * has not run and s_fs_info is alive; and under RCU, which mqueue needs (its
 * ipc namespace clears s_fs_info, then kern_unmount() waits for RCU, then
 * it is freed).
 */
static void nsi_sb_holds(struct nsi_mnt_walk *w, struct super_block *sb)
{
	w->sb = sb;
	w->userns = sb->s_user_ns->ns.inum;
	w->sbns_type = NULL;
	w->sbns = 0;
	switch (sb->s_magic) {
	case PROC_SUPER_MAGIC:
		w->sbns_type = "pid";
		w->sbns = proc_sb_info(sb)->pid_ns->ns.inum;
		break;
	case SYSFS_MAGIC:
		w->sbns_type = "net";
		w->sbns = nsi_sysfs_net(sb);
		break;
	}
	/* ipc/mqueue.c keeps its magic number to itself. */
	if (!strcmp(sb->s_type->name, "mqueue")) {
		struct ipc_namespace *ipc = READ_ONCE(sb->s_fs_info);

		w->sbns_type = "ipc";
		w->sbns = ipc ? ipc->ns.inum : 0;
	}
}

/*
 * Copy one mount, with its names and paths. Called under mount_lock, which
 * keeps m on its superblock's list, its dentries and its links stable, and
 * RCU, which keeps its master from being freed.
 */
static int nsi_mnt_read(struct nsi_mnt_walk *w, struct nsi_mount *m)
{
	struct nsi_mount *master = NSI_FIELD(m, NSI_OFF_MOUNT_MNT_MASTER, struct nsi_mount *);
	const char *devname = NSI_FIELD(m, NSI_OFF_MOUNT_MNT_DEVNAME, const char *);
	struct mnt_namespace *ns = nsi_mnt_ns(m);
	struct vfsmount *v = nsi_vfs(m);
	struct path path = { .mnt = v, .dentry = v->mnt_root };
	struct super_block *sb = v->mnt_sb;
	struct nsi_mnt_snap *s = w->s;
	struct nsi_mnt *r;
	char *p;

	if (s->n == s->cap)
		return -ENOSPC;
	r = &s->m[s->n];
	memset(r, 0, sizeof(*r));
	r->flags = READ_ONCE(v->mnt_flags);
	/* kern_mount() marks its mounts MNT_NS_INTERNAL, vfs_kern_mount() doesn't. */
	if (IS_ERR(ns) || (!ns && (r->flags & MNT_INTERNAL))) {
		r->where = NSI_MNT_INTERNAL;
	} else if (!ns) {
		r->where = r->flags & MNT_UMOUNT ? NSI_MNT_DETACHED : NSI_MNT_NONE;
	} else {
		r->mntns = nsi_mnt_ns_common(ns)->inum;
		r->where = nsi_mnt_ns_anon(ns) ? NSI_MNT_ANON : NSI_MNT_IN_NS;
	}
	r->id = NSI_FIELD(m, NSI_OFF_MOUNT_MNT_ID, int);
	r->parent = NSI_FIELD(nsi_mnt_parent(m), NSI_OFF_MOUNT_MNT_ID, int);
	r->group = NSI_FIELD(m, NSI_OFF_MOUNT_MNT_GROUP_ID, int);
	r->master = master ? NSI_FIELD(master, NSI_OFF_MOUNT_MNT_GROUP_ID, int) : 0;
#ifdef NSI_HAS_MOUNT_MNT_ID_UNIQUE
	r->uid = NSI_FIELD(m, NSI_OFF_MOUNT_MNT_ID_UNIQUE, u64);
#endif
	r->dev = sb->s_dev;
	r->root_ino = d_inode(v->mnt_root)->i_ino;
	if (sb != w->sb)
		nsi_sb_holds(w, sb);
	r->userns = w->userns;
#ifdef NSI_HAS_VFSMOUNT_MNT_USERNS
	if (v->mnt_userns != &init_user_ns)
		r->mnt_userns = v->mnt_userns->ns.inum;
#endif
	r->sbns_type = w->sbns_type;
	r->sbns = w->sbns;
	r->shared = nsi_mnt_shared(m, r->flags);
	r->unbindable = nsi_mnt_unbindable(m, r->flags);
	r->count = nsi_mnt_count(nsi_mnt_pcp(m));
	r->writers = nsi_mnt_pcp_sum(nsi_mnt_pcp(m), NSI_OFF_MNT_PCP_MNT_WRITERS);

	if (sb->s_subtype)
		snprintf(w->buf, PATH_MAX, "%s.%s", sb->s_type->name, sb->s_subtype);
	else
		strscpy(w->buf, sb->s_type->name, PATH_MAX);
	r->fstype = nsi_arena_put(s, w->buf);
	r->source = nsi_arena_put(s, devname ?: "none");
	r->root = nsi_mnt_root(w, v);
	/*
	 * Absolute from the reader's root, or from the root of the mount's own
	 * namespace when the mount is not under the reader's root (d_path()).
	 * d_path() marks an unlinked root " (deleted)"; mountinfo does not.
	 */
	p = d_path(&path, w->buf, PATH_MAX);
	if (!IS_ERR(p) && d_unlinked(v->mnt_root) && str_has_suffix(p, " (deleted)"))
		p[strlen(p) - strlen(" (deleted)")] = '\0';
	r->mountpoint = nsi_arena_put(s, IS_ERR(p) ? "?" : p);
	if (!r->fstype || !r->source || !r->root || !r->mountpoint)
		return -ENOSPC;
	s->n++;
	return 0;
}

/* Mounts read per hold of mount_lock, which every mount and umount waits for. */
#define NSI_MNT_BATCH 32
/* A superblock whose list changed this often under us is read in one hold. */
#define NSI_MNT_RESTARTS 3

/*
 * One superblock's mounts, NSI_MNT_BATCH per hold of mount_lock. When the
 * list changed while the lock was dropped, what was read of it is dropped
 * and it is read again.
 */
static void nsi_sb_count(struct nsi_mnt_walk *w, struct super_block *sb)
{
	struct nsi_mount *m;

	for (m = nsi_sb_first_mount(sb); m; m = nsi_sb_next_mount(sb, m))
		w->uncopied++;
}

static void nsi_sb_mounts(struct nsi_mnt_walk *w, struct super_block *sb)
{
	struct nsi_mnt_snap *s = w->s;
	size_t n0 = s->n, used0 = s->arena_used;
	unsigned int batch = 0, restarts = 0, seq;
	u64 start = local_clock();
	struct nsi_mount *m;

	w->sb = NULL;
	read_seqlock_excl(nsi_ksyms.mount_lock);
	m = w->counting ? NULL : nsi_sb_first_mount(sb);
	while (m) {
		if (nsi_mnt_read(w, m)) {
			/* Out of room: drop this superblock's part, count the rest. */
			s->n = n0;
			s->arena_used = used0;
			w->counting = true;
			break;
		}
		if (++batch % NSI_MNT_BATCH || restarts >= NSI_MNT_RESTARTS) {
			m = nsi_sb_next_mount(sb, m);
			continue;
		}
		seq = read_seqbegin(nsi_ksyms.mount_lock);
		read_sequnlock_excl(nsi_ksyms.mount_lock);
		nsi_hold(s, start);
		cpu_relax();
		start = local_clock();
		read_seqlock_excl(nsi_ksyms.mount_lock);
		m = nsi_sb_resume(m, seq);
		if (m) {
			m = nsi_sb_next_mount(sb, m);
			continue;
		}
		s->n = n0;
		s->arena_used = used0;
		restarts++;
		m = nsi_sb_first_mount(sb);
	}
	if (w->counting)
		nsi_sb_count(w, sb);
	read_sequnlock_excl(nsi_ksyms.mount_lock);
	nsi_hold(s, start);
}

static int nsi_ptr_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void *const *)a, y = (uintptr_t)*(void *const *)b;

	return x < y ? -1 : x > y;
}

/* Mark which of sbs[from..] sb_lock's list still holds. */
static void nsi_sbs_check(struct nsi_mnt_walk *w, size_t from)
{
	u64 start = local_clock();
	struct super_block *sb, **p;

	memset(w->live + from, 0, (w->nsb - from) * sizeof(*w->live));
	spin_lock(nsi_ksyms.sb_lock);
	list_for_each_entry(sb, nsi_ksyms.super_blocks, s_list) {
		p = bsearch(&sb, w->sbs + from, w->nsb - from, sizeof(*p), nsi_ptr_cmp);
		if (p)
			w->live[p - w->sbs] = true;
	}
	spin_unlock(nsi_ksyms.sb_lock);
	nsi_hold(w->s, start);
}

/* Every superblock on the list, under sb_lock; -ENOSPC when they don't fit. */
static int nsi_sbs_list(struct nsi_mnt_walk *w)
{
	u64 start = local_clock();
	struct super_block *sb;
	int err = 0;

	w->nsb = 0;
	w->sbs_full = false;
	spin_lock(nsi_ksyms.sb_lock);
	list_for_each_entry(sb, nsi_ksyms.super_blocks, s_list) {
		if (w->nsb == w->sb_cap) {
			w->sbs_full = true;
			err = -ENOSPC;
			break;
		}
		w->sbs[w->nsb++] = sb;
	}
	spin_unlock(nsi_ksyms.sb_lock);
	nsi_hold(w->s, start);
	return err;
}

/*
 * One walk with the room reserved; -ENOSPC when it ran out, having counted
 * what it could not copy.
 */
static int nsi_walk(struct nsi_mnt_walk *w)
{
	size_t i;
	int err;

	w->s->n = 0;
	w->s->arena_used = 0;
	w->counting = false;
	w->uncopied = 0;
	rcu_read_lock();
	w->rcu_start = local_clock();
	err = nsi_sbs_list(w);
	if (!err) {
		sort(w->sbs, w->nsb, sizeof(*w->sbs), nsi_ptr_cmp, NULL);
		memset(w->live, 1, w->nsb * sizeof(*w->live));
	}
	for (i = 0; i < w->nsb && !err; i++) {
		if (w->live[i])
			nsi_sb_mounts(w, w->sbs[i]);
		if (local_clock() - w->rcu_start > NSI_RCU_SLICE_NS) {
			nsi_hold(w->s, w->rcu_start);
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
			w->rcu_start = local_clock();
			nsi_sbs_check(w, i + 1);
		}
	}
	nsi_hold(w->s, w->rcu_start);
	rcu_read_unlock();
	return err ?: w->counting ? -ENOSPC : 0;
}

static void nsi_walk_free(struct nsi_mnt_walk *w)
{
	kvfree(w->sbs);
	kvfree(w->live);
	w->sbs = NULL;
	w->live = NULL;
}

/* The longest section of any mounts walk since load. */
static u64 nsi_mnt_max_hold;

u64 nsi_mounts_max_hold_ns(void)
{
	return READ_ONCE(nsi_mnt_max_hold);
}

/* Room for what the last walk needed, and more each time a walk runs out. */
static size_t nsi_hint_mounts = 256, nsi_hint_arena = 32768, nsi_hint_sbs = 64;

static int nsi_walk_reserve(struct nsi_mnt_walk *w)
{
	struct nsi_mnt_snap *s = w->s;

	kvfree(s->m);
	kvfree(s->arena);
	nsi_walk_free(w);
	s->cap = READ_ONCE(nsi_hint_mounts);
	s->arena_cap = READ_ONCE(nsi_hint_arena);
	w->sb_cap = READ_ONCE(nsi_hint_sbs);
	s->m = kvmalloc_array(s->cap, sizeof(*s->m), GFP_KERNEL_ACCOUNT);
	s->arena = kvmalloc(s->arena_cap, GFP_KERNEL_ACCOUNT);
	w->sbs = kvmalloc_array(w->sb_cap, sizeof(*w->sbs), GFP_KERNEL_ACCOUNT);
	w->live = kvmalloc_array(w->sb_cap, sizeof(*w->live), GFP_KERNEL_ACCOUNT);
	return s->m && s->arena && w->sbs && w->live ? 0 : -ENOMEM;
}

/*
 * Room for what the walk that ran out counted, and a quarter more: records
 * for every mount, and strings at the size of those copied so far (twice
 * the arena when the first superblock filled it).
 */
static void nsi_walk_grow(struct nsi_mnt_walk *w)
{
	struct nsi_mnt_snap *s = w->s;
	size_t total = s->n + w->uncopied;

	if (w->sbs_full) {
		WRITE_ONCE(nsi_hint_sbs, 2 * w->sb_cap);
		return;
	}
	total += total / 4;
	WRITE_ONCE(nsi_hint_mounts, max(s->cap, total));
	WRITE_ONCE(nsi_hint_arena, s->n ? max(2 * s->arena_cap, s->arena_used / s->n * total) :
				    2 * s->arena_cap);
}

static int nsi_mnt_cmp(const void *a, const void *b)
{
	const struct nsi_mnt *x = a, *y = b;

	if (x->where != y->where)
		return x->where < y->where ? -1 : 1;
	if (x->mntns != y->mntns)
		return x->mntns < y->mntns ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

void nsi_mounts_free(struct nsi_mnt_snap *s)
{
	if (IS_ERR_OR_NULL(s))
		return;
	kvfree(s->m);
	kvfree(s->arena);
	kfree(s);
}

struct nsi_mnt_snap *nsi_mounts_take(void)
{
	struct nsi_mnt_walk w = { };
	u64 start = local_clock();
	int err;

	w.s = kzalloc(sizeof(*w.s), GFP_KERNEL_ACCOUNT);
	if (!w.s)
		return ERR_PTR(-ENOMEM);
	if (nsi_mounts_unavailable)
		return w.s;
	w.buf = kmalloc(PATH_MAX, GFP_KERNEL);
	err = w.buf ? 0 : -ENOMEM;
	while (!err) {
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		err = nsi_walk_reserve(&w);
		if (!err)
			err = nsi_walk(&w);
		if (err != -ENOSPC)
			break;
		nsi_walk_grow(&w);
		w.s->restarts++;
		err = 0;
	}
	nsi_walk_free(&w);
	kfree(w.buf);
	if (err) {
		nsi_mounts_free(w.s);
		return ERR_PTR(err);
	}
	/* Next time, room for this many and a quarter more. */
	WRITE_ONCE(nsi_hint_mounts, max_t(size_t, 256, w.s->n + w.s->n / 4));
	WRITE_ONCE(nsi_hint_arena, max_t(size_t, 32768, w.s->arena_used + w.s->arena_used / 4));
	WRITE_ONCE(nsi_hint_sbs, max_t(size_t, 64, w.nsb + w.nsb / 4));
	sort(w.s->m, w.s->n, sizeof(*w.s->m), nsi_mnt_cmp, NULL);
	w.s->took_ns = local_clock() - start;
	if (w.s->max_hold_ns > READ_ONCE(nsi_mnt_max_hold))
		WRITE_ONCE(nsi_mnt_max_hold, w.s->max_hold_ns);
	w.s->bytes = sizeof(*w.s) + w.s->cap * sizeof(*w.s->m) + w.s->arena_cap;
	return w.s;
}

#endif /* NSI_LAYOUT_UNAVAILABLE */
