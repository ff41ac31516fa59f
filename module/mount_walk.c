// SPDX-License-Identifier: GPL-2.0
/*
 * struct mount and struct mnt_namespace live in fs/mount.h, which no headers
 * package ships. Their offsets come from layout.h, generated from the target
 * kernel's BTF; the locks come from ksyms.c. Nothing is dereferenced before
 * nsi_layout_check() has matched the layout against the running kernel.
 */
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/mount.h>
#include <linux/nsproxy.h>
#include <linux/percpu.h>
#include <linux/proc_ns.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "layout.h"
#include "compat.h"
#include "ksyms.h"
#include "mount_walk.h"

const char *nsi_mounts_unavailable = "not initialised";

#ifdef NSI_LAYOUT_UNAVAILABLE

void nsi_mounts_init(void)
{
	nsi_mounts_unavailable = NSI_LAYOUT_UNAVAILABLE;
}

long nsi_mntns_nr_mounts(struct ns_common *ns)
{
	return -1;
}

int nsi_visit_nsfs_mounts(nsi_ns_fn_t fn, void *arg, unsigned int *pos, u64 *held_ns)
{
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

#else

/* struct nsi_mount, the opaque struct mount, and NSI_FIELD are in compat.h. */

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
	sb = root.mnt->mnt_sb;
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
	path_put(&root);
	return why;
}

void nsi_mounts_init(void)
{
	const char *why;

	why = nsi_ksyms_resolve() ?: nsi_layout_check();
	if (why)
		pr_warn("mount walker off: %s\n", why);
	nsi_mounts_unavailable = why;
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

int nsi_visit_nsfs_mounts(nsi_ns_fn_t fn, void *arg, unsigned int *pos, u64 *held_ns)
{
	unsigned int i = 0, skip = *pos;
#ifdef NSI_SB_MOUNTS_NEWEST_FIRST
	unsigned int n = 0;
#endif
	struct super_block *sb;
	struct nsi_mount *m;
	u64 start;
	int err = 0;

	if (nsi_mounts_unavailable)
		return -EOPNOTSUPP;
	sb = (*nsi_ksyms.nsfs_mnt)->mnt_sb;
	start = local_clock();
	read_seqlock_excl(nsi_ksyms.mount_lock);
#ifdef NSI_SB_MOUNTS_NEWEST_FIRST
	/*
	 * New mounts join at the head, so the place to resume is counted from
	 * the tail, where it does not move: *pos is how many are left to visit.
	 */
	for (m = nsi_sb_first_mount(sb); m; m = nsi_sb_next_mount(sb, m))
		n += nsi_vfs(m)->mnt_root != sb->s_root;
	skip = *pos ? n - min(n, *pos) : 0;
#endif
	for (m = nsi_sb_first_mount(sb); m; m = nsi_sb_next_mount(sb, m)) {
		struct dentry *root = nsi_vfs(m)->mnt_root;

		/* nsfs's own internal mount holds no namespace. */
		if (root == sb->s_root || i++ < skip)
			continue;
		err = fn(arg, get_proc_ns(d_inode(root)));
		if (err) {
#ifdef NSI_SB_MOUNTS_NEWEST_FIRST
			*pos = n - (i - 1);
#else
			*pos = i - 1;
#endif
			break;
		}
	}
	read_sequnlock_excl(nsi_ksyms.mount_lock);
	*held_ns = local_clock() - start;
	return err;
}

/* ---- every mount of every superblock ------------------------------------------ */

struct nsi_mnt_walk {
	struct nsi_mnt_snap *s;
	int err;
};

/* Make room for at least need records; never called under a lock. */
static int nsi_mnt_grow(struct nsi_mnt_snap *s, size_t need)
{
	size_t cap = max3((size_t)256, 2 * s->cap, need);
	struct nsi_mnt *m;

	if (need <= s->cap)
		return 0;
	m = kvcalloc(cap, sizeof(*m), GFP_KERNEL_ACCOUNT);
	if (!m)
		return -ENOMEM;
	if (s->n)
		memcpy(m, s->m, s->n * sizeof(*m));
	kvfree(s->m);
	s->m = m;
	s->cap = cap;
	return 0;
}

/*
 * Copy what mountinfo shows, and the counters, then pin the mount so that
 * its paths can be formatted outside the lock. Called under mount_lock, which
 * keeps m on its superblock's list and its links stable, and RCU, which keeps
 * its master from being freed. The counters are read before our own mntget().
 */
static void nsi_mnt_read(struct nsi_mnt *r, struct nsi_mount *m)
{
	struct nsi_mount *master = NSI_FIELD(m, NSI_OFF_MOUNT_MNT_MASTER, struct nsi_mount *);
	struct mnt_namespace *ns = nsi_mnt_ns(m);
	struct vfsmount *v = nsi_vfs(m);

	r->key = m;
	r->flags = READ_ONCE(v->mnt_flags);
	/* kern_mount() marks its mounts MNT_NS_INTERNAL, vfs_kern_mount() doesn't. */
	if (IS_ERR(ns) || (!ns && (r->flags & MNT_INTERNAL))) {
		r->where = NSI_MNT_INTERNAL;
	} else if (!ns) {
		r->where = r->flags & MNT_UMOUNT ? NSI_MNT_DETACHED : NSI_MNT_NONE;
	} else {
		/* Anonymous namespaces get no inode number. */
		r->mntns = nsi_mnt_ns_common(ns)->inum;
		r->where = r->mntns ? NSI_MNT_IN_NS : NSI_MNT_ANON;
	}
	r->id = NSI_FIELD(m, NSI_OFF_MOUNT_MNT_ID, int);
	r->parent = NSI_FIELD(nsi_mnt_parent(m), NSI_OFF_MOUNT_MNT_ID, int);
	r->group = NSI_FIELD(m, NSI_OFF_MOUNT_MNT_GROUP_ID, int);
	r->master = master ? NSI_FIELD(master, NSI_OFF_MOUNT_MNT_GROUP_ID, int) : 0;
#ifdef NSI_HAS_MOUNT_MNT_ID_UNIQUE
	r->uid = NSI_FIELD(m, NSI_OFF_MOUNT_MNT_ID_UNIQUE, u64);
#endif
	r->dev = v->mnt_sb->s_dev;
	r->shared = nsi_mnt_shared(m, r->flags);
	r->unbindable = nsi_mnt_unbindable(m, r->flags);
	r->count = nsi_mnt_count(nsi_mnt_pcp(m));
	r->writers = nsi_mnt_pcp_sum(nsi_mnt_pcp(m), NSI_OFF_MNT_PCP_MNT_WRITERS);
	r->pin = mntget(v);
}

/*
 * iterate_supers() callback, with sb->s_umount held for reading (the order
 * the kernel itself uses before mount_lock). The superblock's mounts are
 * counted first; when they don't fit, the lock is dropped to grow the array
 * and the superblock is walked again. (No position in the list would survive
 * the unlock: mounts join its tail up to 6.17 but its head from 6.18.)
 */
static void nsi_sb_mounts(struct super_block *sb, void *arg)
{
	struct nsi_mnt_walk *w = arg;
	struct nsi_mnt_snap *s = w->s;
	size_t n, need = s->n + 1;
	struct nsi_mount *m;
	bool full;
	u64 start;

	do {
		if (w->err)
			return;
		w->err = nsi_mnt_grow(s, need);
		if (w->err)
			return;
		n = 0;
		start = local_clock();
		read_seqlock_excl(nsi_ksyms.mount_lock);
		rcu_read_lock();
		for (m = nsi_sb_first_mount(sb); m; m = nsi_sb_next_mount(sb, m))
			n++;
		full = s->n + n > s->cap;
		if (!full)
			for (m = nsi_sb_first_mount(sb); m; m = nsi_sb_next_mount(sb, m))
				nsi_mnt_read(&s->m[s->n++], m);
		rcu_read_unlock();
		read_sequnlock_excl(nsi_ksyms.mount_lock);
		s->max_hold_ns = max(s->max_hold_ns, local_clock() - start);
		need = s->n + n + 16;
	} while (full);
}

/* Paths and names of a pinned mount, then unpin it. */
static int nsi_mnt_format(struct nsi_mnt *r, char *buf)
{
	struct vfsmount *v = r->pin;
	struct super_block *sb = v->mnt_sb;
	struct path path = { .mnt = v, .dentry = v->mnt_root };
	const char *devname = NSI_FIELD(nsi_real_mount(v), NSI_OFF_MOUNT_MNT_DEVNAME,
					const char *);
	char *p;

	if (sb->s_subtype)
		r->fstype = kasprintf(GFP_KERNEL, "%s.%s", sb->s_type->name, sb->s_subtype);
	else
		r->fstype = kstrdup(sb->s_type->name, GFP_KERNEL);
	r->source = kstrdup(devname ?: "none", GFP_KERNEL);
	p = dentry_path_raw(v->mnt_root, buf, PATH_MAX);
	r->root = kstrdup(IS_ERR(p) ? "?" : p, GFP_KERNEL);
	/* Absolute within the mount's own namespace, as its tasks see it. */
	p = d_path(&path, buf, PATH_MAX);
	r->mountpoint = kstrdup(IS_ERR(p) ? "?" : p, GFP_KERNEL);
	mntput(v);
	r->pin = NULL;
	return r->fstype && r->source && r->root && r->mountpoint ? 0 : -ENOMEM;
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
	size_t i;

	if (IS_ERR_OR_NULL(s))
		return;
	for (i = 0; i < s->n; i++) {
		struct nsi_mnt *r = &s->m[i];

		if (r->pin)
			mntput(r->pin);
		kfree(r->fstype);
		kfree(r->source);
		kfree(r->root);
		kfree(r->mountpoint);
	}
	kvfree(s->m);
	kfree(s);
}

struct nsi_mnt_snap *nsi_mounts_take(void)
{
	struct nsi_mnt_walk w = { };
	u64 start = local_clock();
	char *buf = NULL;
	size_t i;

	w.s = kzalloc(sizeof(*w.s), GFP_KERNEL_ACCOUNT);
	if (!w.s)
		return ERR_PTR(-ENOMEM);
	if (nsi_mounts_unavailable)
		return w.s;
	nsi_ksyms.iterate_supers(nsi_sb_mounts, &w);
	if (!w.err) {
		buf = kmalloc(PATH_MAX, GFP_KERNEL);
		if (!buf)
			w.err = -ENOMEM;
	}
	for (i = 0; i < w.s->n && !w.err; i++) {
		w.err = nsi_mnt_format(&w.s->m[i], buf);
		cond_resched();
	}
	kfree(buf);
	if (w.err) {
		nsi_mounts_free(w.s);
		return ERR_PTR(w.err);
	}
	sort(w.s->m, w.s->n, sizeof(*w.s->m), nsi_mnt_cmp, NULL);
	w.s->took_ns = local_clock() - start;
	w.s->bytes = sizeof(*w.s) + w.s->cap * sizeof(*w.s->m);
	for (i = 0; i < w.s->n; i++)
		w.s->bytes += strlen(w.s->m[i].fstype) + strlen(w.s->m[i].source) +
			      strlen(w.s->m[i].root) + strlen(w.s->m[i].mountpoint) + 4;
	return w.s;
}

#endif /* NSI_LAYOUT_UNAVAILABLE */
