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
#include <linux/dcache.h>
#include <linux/magic.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/bsearch.h>
#include <linux/hash.h>
#include <linux/log2.h>
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
#include "net_list.h"
#include "ptrset.h"
#include "rcu_section.h"

static const char *nsi_mounts_unavailable = "not initialised";
static const char *nsi_nsfs_mounts_unavailable = "not initialised";
static const char *nsi_place_hash_unavailable = "not initialised";

const char *nsi_mounts_why(void)
{
	return nsi_mounts_unavailable;
}

const char *nsi_nsfs_mounts_why(void)
{
	return nsi_nsfs_mounts_unavailable;
}

const char *nsi_place_hash_why(void)
{
	return nsi_place_hash_unavailable;
}

#ifdef NSI_LAYOUT_UNAVAILABLE

void nsi_mounts_init(void)
{
	nsi_mounts_unavailable = NSI_LAYOUT_UNAVAILABLE;
	nsi_nsfs_mounts_unavailable = NSI_LAYOUT_UNAVAILABLE;
	nsi_place_hash_unavailable = NSI_LAYOUT_UNAVAILABLE;
}

long nsi_mntns_nr_mounts(struct ns_common *ns)
{
	return -1;
}

int nsi_visit_nsfs_mounts(nsi_ns_fn_t fn, int (*grow)(void *arg), void *arg, u64 *held_ns)
{
	*held_ns = 0;
	return -EOPNOTSUPP;
}

const struct ucounts *nsi_mntns_ucounts(struct ns_common *ns)
{
	return NULL;
}

int nsi_visit_proc_creds(nsi_cred_fn_t fn, int (*grow)(void *arg), void *arg, u64 *held_ns)
{
	*held_ns = 0;
	return -EOPNOTSUPP;
}

struct nsi_mnt_snap *nsi_mounts_take(const struct vfsmount *reader)
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

/*
 * The load-time checks look this many entries of a list at most, so that
 * their holds do not grow with the machine either; the root's superblock
 * and mount are usually among the first, and where they are not, what was
 * checked (the symbol's name and size, the list head's own links, the
 * mount's parent chain and counts) stands.
 */
#define NSI_CHECK_STEPS 1024

/* Whether super_blocks lists sb near either end, or is at least a list head. */
static bool nsi_sb_listed(struct super_block *sb)
{
	struct list_head *head = nsi_ksyms.super_blocks, *fwd, *back;
	bool found = false, far = true;
	unsigned int i;

	spin_lock(nsi_ksyms.sb_lock);
	fwd = head->next;
	back = head->prev;
	for (i = 0; i < NSI_CHECK_STEPS && !found; i++) {
		if (fwd == head) {
			far = false;
			break;
		}
		found = fwd == &sb->s_list || back == &sb->s_list;
		fwd = fwd->next;
		back = back->prev;
	}
	if (!found && far)
		found = head->next->prev == head && head->prev->next == head;
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
	depth = 0;
	for (pos = nsi_sb_first_mount(sb); pos && depth < NSI_CHECK_STEPS;
	     pos = nsi_sb_next_mount(sb, pos), depth++)
		if (pos == m) {
			why = NULL;
			break;
		}
	/* Beyond the steps looked at: the list led somewhere, as far as it was followed. */
	if (pos && depth == NSI_CHECK_STEPS)
		why = NULL;
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

/*
 * The mount hash: every attached mount is on the chain of its parent and
 * mountpoint, from attach_mnt() until umount unhashes it, all under
 * mount_lock. The reference the mount tree holds on it is dropped only
 * after that (mntput() of umount's list, or of the parent's stuck
 * children, which unhashes them first), so one found there is neither
 * doomed nor freed. The chain is the kernel's
 * m_hash() (fs/namespace.c, 6.1 to 7.2), checked at load on a mounted
 * mount; its links are read without faulting, and at most NSI_HASH_STEPS.
 */
#define NSI_HASH_STEPS		64

/* Only from 6.8: see nsi_iter_rehashed(). */
#if defined(NSI_HAS_MOUNT_MNT_HASH) && defined(NSI_HAS_MOUNT_MNT_ID_UNIQUE)
#define NSI_PLACE_HASH 1
#endif

#ifdef NSI_PLACE_HASH
static struct dentry *nsi_mnt_mountpoint(struct nsi_mount *m)
{
	return NSI_FIELD(m, NSI_OFF_MOUNT_MNT_MOUNTPOINT, struct dentry *);
}

static struct hlist_head *nsi_m_hash(struct nsi_mount *parent, struct dentry *mp)
{
	unsigned long tmp = (unsigned long)nsi_vfs(parent) / L1_CACHE_BYTES;

	tmp += (unsigned long)mp / L1_CACHE_BYTES;
	tmp += tmp >> READ_ONCE(*nsi_ksyms.m_hash_shift);
	return READ_ONCE(*nsi_ksyms.mount_hashtable) + (tmp & READ_ONCE(*nsi_ksyms.m_hash_mask));
}

/* Whether the chain of (parent, mp) lists m; under mount_lock. m is not followed. */
static bool nsi_hashed(struct nsi_mount *m, struct nsi_mount *parent, struct dentry *mp)
{
	struct hlist_node *n;
	unsigned int steps;

	if (copy_from_kernel_nofault(&n, &nsi_m_hash(parent, mp)->first, sizeof(n)))
		return false;
	for (steps = 0; n && steps < NSI_HASH_STEPS; steps++) {
		if ((char *)n - NSI_OFF_MOUNT_MNT_HASH == (char *)m)
			return true;
		if (copy_from_kernel_nofault(&n, &n->next, sizeof(n)))
			return false;
	}
	return false;
}

/* The hash must list a mount mounted on the caller's root, or the root itself. */
static const char *nsi_place_hash_check(void)
{
	unsigned int shift = *nsi_ksyms.m_hash_shift, mask = *nsi_ksyms.m_hash_mask;
	struct nsi_mount *m;
	struct list_head *l;
	const char *why;
	struct path root;

	if (shift >= 32 || mask != (1U << shift) - 1)
		return "m_hash_mask and m_hash_shift disagree";
	get_fs_root(current->fs, &root);
	m = nsi_real_mount(root.mnt);
	read_seqlock_excl(nsi_ksyms.mount_lock);
	if (nsi_mnt_parent(m) == m) {
		l = &NSI_FIELD(m, NSI_OFF_MOUNT_MNT_MOUNTS, struct list_head);
		m = list_empty(l) ? NULL : (struct nsi_mount *)((char *)l->next -
								NSI_OFF_MOUNT_MNT_CHILD);
	}
	if (!m)
		why = "nothing is mounted on the root to check the mount hash on";
	else if (!nsi_hashed(m, nsi_mnt_parent(m), nsi_mnt_mountpoint(m)))
		why = "the mount hash does not list a mounted mount where m_hash() would";
	else
		why = NULL;
	read_sequnlock_excl(nsi_ksyms.mount_lock);
	path_put(&root);
	return why;
}
#elif defined(NSI_HAS_MOUNT_MNT_HASH)
static const char *nsi_place_hash_check(void)
{
	/* Before 6.8: a mount made again at the same address, id and place passes for it. */
	return "no mnt_id_unique before 6.8";
}
#else
static const char *nsi_place_hash_check(void)
{
	return "no struct mount.mnt_hash in this kernel's BTF";
}
#endif

void nsi_mounts_init(void)
{
	/* The layout check walks the superblock list too. */
	const char *why = nsi_ksym_why(mount_lock) ?: nsi_ksym_why(super_blocks) ?:
			  nsi_ksym_why(sb_lock);

	if (!why)
		why = nsi_layout_check();
	if (why) {
		nsi_mounts_unavailable = why;
		nsi_nsfs_mounts_unavailable = why;
		nsi_place_hash_unavailable = why;
		return;
	}
	nsi_mounts_unavailable = NULL;
	nsi_place_hash_unavailable = nsi_ksym_why(mount_hashtable) ?:
				     nsi_ksym_why(m_hash_mask) ?: nsi_ksym_why(m_hash_shift) ?:
				     nsi_place_hash_check();
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

/* ---- the iterator: every mount of every superblock, in bounded sections ------ */

/*
 * How the walk bounds what it makes others wait for:
 *
 * - mount_lock is held for one batch: at most NSI_BATCH_COST units, a mount
 *   read costing NSI_READ_COST and a mount stepped over 1, or NSI_LOCK_NS
 *   where reads are slower than that allows, and a read's
 *   per-CPU sums are over the CPUs that have ever run (nsi_counted_cpus()),
 *   its batch shrinking as they grow. Between batches the walk goes on at
 *   the mount it read last, which is still listed and still there while it
 *   is not MNT_DOOMED (mntput()'s slow path dooms a mount and unlists it in
 *   one hold of mount_lock, and frees it after an RCU grace period).
 * - sb_lock is held for at most NSI_SB_STEPS superblocks; the walk goes on
 *   at one that is still on the list (__put_super() unlists it and frees it
 *   after a grace period, so its memory is good while RCU is held).
 * - The RCU section is cut every NSI_RCU_SLICE_NS, wherever the walk is,
 *   finding a place again included. The place is the mount read or stepped
 *   over last, or the superblock stepped over last, each seen listed under
 *   its lock, and RCU's grace-period state is noted then. The place is kept
 *   through the cut if no grace period began meanwhile (so its memory is
 *   still good, and the mount's MNT_DOOMED or the superblock's s_list says
 *   whether it is still listed), or if mount_lock's seqcount says no mount
 *   was doomed (the mount read last is then still listed, and keeps its
 *   superblock active), or through the mount hash (6.8 on). Otherwise it
 *   is lost, and found again from the head of the lists, stepping over
 *   every superblock finished and every mount read (two sets of their
 *   addresses), in as many cut sections as that takes.
 *   (That a doom is a write of mount_lock's seqcount is the kernel's
 *   mntput() slow path, under lock_mount_hash(), from 6.1 to 7.2; that a
 *   mount and a superblock are freed by call_rcu() after they are unlisted
 *   is cleanup_mnt() and __put_super().)
 * - A place lost again and again, with nothing read between, ends the walk
 *   with -EAGAIN rather than hold RCU longer (NSI_LOST_IN_A_ROW).
 *
 * A superblock or mount created while the walk runs may be missed, as any
 * reader of a changing list may miss it; one that dies may be listed.
 */
#define NSI_RCU_SLICE_NS	(1 * NSEC_PER_MSEC)
#define NSI_READ_COST		8
#define NSI_BATCH_COST		(32 * NSI_READ_COST)
/* Per-CPU slots read in one hold, at most, unless one mount has more. */
#define NSI_BATCH_SLOTS		2048
#define NSI_SB_STEPS		64
/* Places lost with nothing read between, before the walk gives up. */
#define NSI_LOST_IN_A_ROW	64
/* A batch's hold of mount_lock, at most, where reads are slow. */
#define NSI_LOCK_NS		(200 * NSEC_PER_USEC)

/* What a visitor returns, besides 0 (go on) and a negative error. */
enum {
	NSI_ITER_NEXT_SB = 1,	/* done with this superblock */
	NSI_ITER_STOP,		/* done with the walk */
};

struct nsi_mnt_iter;
typedef int (*nsi_mnt_fn_t)(struct nsi_mnt_iter *it, struct nsi_mount *m);

struct nsi_mnt_iter {
	/* the caller's */
	struct super_block *only;	/* this superblock alone, which cannot die */
	unsigned long magic;		/* only superblocks of this magic; 0: all */
	/*
	 * Called under RCU and mount_lock, must not sleep; returns 0, an
	 * NSI_ITER_*, -ENOSPC to have grow() called outside RCU and be called
	 * again on the same mount, or an error that ends the walk.
	 */
	nsi_mnt_fn_t fn;
	int (*grow)(struct nsi_mnt_iter *it);
	void *arg;
	/* what it measured */
	u64 max_hold_ns;		/* longest section: RCU, mount_lock or sb_lock */
	const char *max_hold_at;	/* which */
	unsigned int lost;		/* places lost and found again */
	unsigned int kept;		/* places kept through the mount hash */
	/* its own */
	struct nsi_ptrset sbs_done, mounts_read;
	struct super_block *sb;		/* being read; NULL: find one from the head */
	bool sb_done;			/* sb is read: go on after it */
	struct nsi_mount *last;		/* read last on sb; NULL: from its head */
	/* what last was attached to, and which it was, at the last unlock */
	struct nsi_mount *key_parent;
	struct dentry *key_mp;
	int key_id;
	u64 key_uid;
	/* RCU's grace-period state when the place was last seen listed */
	struct nsi_gp gp;
	unsigned int lost_in_a_row;	/* cuts that lost the place since a mount was read */
	unsigned int batch_reads;	/* mounts read per hold of mount_lock */
	unsigned int seq;		/* mount_lock's, at the last unlock */
	u64 rcu_start;			/* the RCU section's, as reported */
	u64 slice_start;		/* its budget's: anew once found again */
};

static void nsi_iter_held(struct nsi_mnt_iter *it, u64 start, const char *at)
{
	nsi_hold_max(&it->max_hold_ns, &it->max_hold_at, local_clock() - start, at);
}

static bool nsi_iter_wants(struct nsi_mnt_iter *it, struct super_block *sb)
{
	return (!it->magic || sb->s_magic == it->magic) && !nsi_ptrset_has(&it->sbs_done, sb);
}

/*
 * One hold of sb_lock: the next superblock to read after it->sb, or from the
 * head of the list when it->sb is NULL or no longer listed. NULL at the
 * end; ERR_PTR(-EAGAIN) after NSI_SB_STEPS superblocks stepped over, the
 * last of them then in it->sb, a place to go on from. Called under RCU.
 */
static struct super_block *nsi_iter_next_sb(struct nsi_mnt_iter *it)
{
	struct list_head *head = nsi_ksyms.super_blocks, *l;
	struct super_block *pos = it->sb, *found = ERR_PTR(-EAGAIN);
	unsigned int steps;
	u64 start;

	if (it->only) {
		if (nsi_ptrset_has(&it->sbs_done, it->only))
			return NULL;
		it->sb = it->only;
		nsi_gp_note(&it->gp);
		return it->only;
	}
	start = local_clock();
	spin_lock(nsi_ksyms.sb_lock);
	l = pos && !list_empty(&pos->s_list) ? pos->s_list.next : head->next;
	for (steps = 0; steps < NSI_SB_STEPS; l = l->next, steps++) {
		if (l == head) {
			found = NULL;
			break;
		}
		pos = list_entry(l, struct super_block, s_list);
		if (nsi_iter_wants(it, pos)) {
			found = pos;
			break;
		}
	}
	if (found) {
		/* Listed now: only a grace period begun after now frees it. */
		it->sb = pos;
		nsi_gp_note(&it->gp);
	}
	spin_unlock(nsi_ksyms.sb_lock);
	nsi_iter_held(it, start, "sb_lock");
	return found;
}

/* What finds it->last again after a cut; under mount_lock. */
static void nsi_iter_key(struct nsi_mnt_iter *it)
{
#ifdef NSI_PLACE_HASH
	struct nsi_mount *m = it->last;

	it->key_parent = nsi_mnt_parent(m);
	it->key_mp = nsi_mnt_mountpoint(m);
	it->key_id = NSI_FIELD(m, NSI_OFF_MOUNT_MNT_ID, int);
	it->key_uid = NSI_FIELD(m, NSI_OFF_MOUNT_MNT_ID_UNIQUE, u64);
#endif
}

/*
 * Whether it->last is still the mount read last, listed, though mount_lock
 * was taken for writing since: the mount hash lists it where it was
 * attached (so its memory is good and it is listed), on the same
 * superblock with the same ids. A mount freed and another made at its
 * address, place and mnt_id (the lowest free one) would pass all but
 * mnt_id_unique, never reused: so only from 6.8. Under mount_lock.
 */
static bool nsi_iter_rehashed(struct nsi_mnt_iter *it)
{
#ifdef NSI_PLACE_HASH
	struct nsi_mount *m = it->last;

	if (nsi_place_hash_unavailable || it->key_parent == m ||
	    !nsi_hashed(m, it->key_parent, it->key_mp))
		return false;
	if (nsi_vfs(m)->mnt_sb != it->sb || NSI_FIELD(m, NSI_OFF_MOUNT_MNT_ID, int) != it->key_id ||
	    NSI_FIELD(m, NSI_OFF_MOUNT_MNT_ID_UNIQUE, u64) != it->key_uid)
		return false;
	return true;
#else
	return false;
#endif
}

/*
 * One hold of mount_lock over it->sb's mounts, from after it->last. Returns
 * 0 when there is more, NSI_ITER_NEXT_SB when the superblock is done, or
 * what the visitor returned.
 */
static int nsi_iter_batch(struct nsi_mnt_iter *it)
{
	unsigned int cost = 0, limit = it->batch_reads * NSI_READ_COST;
	u64 start = local_clock(), t;
	struct nsi_mount *m;
	int ret = 0;

	read_seqlock_excl(nsi_ksyms.mount_lock);
	if (it->last && (READ_ONCE(nsi_vfs(it->last)->mnt_flags) & MNT_DOOMED)) {
		/* Unlisted since: from the head again, past what was read. */
		it->last = NULL;
		it->lost++;
	}
	m = it->last ? nsi_sb_next_mount(it->sb, it->last) : nsi_sb_first_mount(it->sb);
	for (; m && cost < limit; m = nsi_sb_next_mount(it->sb, m)) {
		if (nsi_ptrset_has(&it->mounts_read, m)) {
			it->last = m;
			cost++;
			continue;
		}
		ret = nsi_ptrset_room(&it->mounts_read) ? it->fn(it, m) : -ENOSPC;
		if (ret < 0)
			break;
		nsi_ptrset_add(&it->mounts_read, m);
		it->last = m;
		it->lost_in_a_row = 0;
		cost += NSI_READ_COST;
		t = local_clock();
		if (ret)
			break;
		/* Where a read is slow (a deep path, an emulated CPU), time ends it. */
		if (t - start > NSI_LOCK_NS || t - it->slice_start > NSI_RCU_SLICE_NS) {
			m = nsi_sb_next_mount(it->sb, m);
			break;
		}
	}
	if (!m && !ret)
		ret = NSI_ITER_NEXT_SB;
	if (it->last) {
		nsi_iter_key(it);
		/* it->last is listed: only a grace period begun after now frees it. */
		nsi_gp_note(&it->gp);
	}
	/* Taken with the lock held: no writer is inside. */
	it->seq = read_seqbegin(nsi_ksyms.mount_lock);
	read_sequnlock_excl(nsi_ksyms.mount_lock);
	nsi_iter_held(it, start, "mount_lock");
	return ret;
}

/*
 * Leave the RCU section, grow what the visitor or the sets need, and come
 * back: to the same place if it is known to be still there, else to a place
 * to be found again.
 */
static int nsi_iter_cut(struct nsi_mnt_iter *it, bool grow)
	__releases(RCU) __acquires(RCU)
{
	bool kept, same_gp;
	int err = 0;

	nsi_iter_held(it, it->rcu_start, "rcu:mounts");
	nsi_rcu_exit();
	if (grow)
		err = nsi_ptrset_reserve(&it->mounts_read, it->mounts_read.used + 256) ?:
		      nsi_ptrset_reserve(&it->sbs_done, it->sbs_done.used + 16) ?:
		      it->grow(it);
	if (!err && fatal_signal_pending(current))
		err = -EINTR;
	cond_resched();
	nsi_rcu_enter();
	it->rcu_start = local_clock();
	it->slice_start = it->rcu_start;
	if (!it->sb)
		return err;
	/* No grace period begun since: nothing listed then is freed before we leave. */
	same_gp = nsi_gp_none_began(&it->gp);
	kept = same_gp;
	if (it->last) {
		read_seqlock_excl(nsi_ksyms.mount_lock);
		if (read_seqretry(nsi_ksyms.mount_lock, it->seq)) {
			kept = same_gp || nsi_iter_rehashed(it);
			it->kept += kept;
		} else {
			kept = true;
		}
		read_sequnlock_excl(nsi_ksyms.mount_lock);
		nsi_iter_held(it, it->rcu_start, "rcu:mounts");
	}
	if (kept)
		return err;
	it->lost++;
	if (++it->lost_in_a_row > NSI_LOST_IN_A_ROW && !err)
		err = -EAGAIN;
	it->last = NULL;
	if (it->sb != it->only) {
		it->sb = NULL;
		it->sb_done = false;
	}
	return err;
}

/* How many mounts one hold reads: fewer as the CPUs to sum over grow. */
static unsigned int nsi_batch_reads(void)
{
	unsigned int slots = cpumask_weight(nsi_counted_cpus()) * NSI_PCP_WORDS;

	return clamp_t(unsigned int, NSI_BATCH_SLOTS / max(1U, slots), 1,
		       NSI_BATCH_COST / NSI_READ_COST);
}

/* Sizes of the last full walk's sets, to start the next at. */
static size_t nsi_hint_sbs = 64, nsi_hint_mounts = 256;

static void nsi_iter_free(struct nsi_mnt_iter *it)
{
	nsi_ptrset_free(&it->sbs_done);
	nsi_ptrset_free(&it->mounts_read);
}

/*
 * Visit every mount of every superblock the iterator selects, each once.
 * Returns 0, or the first error of the visitor, grow() or the sets.
 */
static int nsi_mnt_iterate(struct nsi_mnt_iter *it)
{
	struct super_block *sb;
	bool complete = false;
	int ret;

	it->batch_reads = nsi_batch_reads();
	ret = nsi_ptrset_reserve(&it->sbs_done, READ_ONCE(nsi_hint_sbs)) ?:
	      nsi_ptrset_reserve(&it->mounts_read, READ_ONCE(nsi_hint_mounts));
	if (ret)
		goto out;
	nsi_rcu_enter();
	it->rcu_start = local_clock();
	it->slice_start = it->rcu_start;
	for (;;) {
		if (!it->sb || it->sb_done) {
			sb = nsi_iter_next_sb(it);
			it->last = NULL;
			if (!sb) {
				complete = true;
				break;
			}
			/* Stepped over many: it->sb is the place to go on from. */
			it->sb_done = IS_ERR(sb);
		}
		ret = it->sb_done ? 0 : nsi_iter_batch(it);
		if (ret == NSI_ITER_NEXT_SB) {
			/* Without room, read it again after the cut: past every mount. */
			ret = nsi_ptrset_room(&it->sbs_done) ? 0 : -ENOSPC;
			if (!ret) {
				nsi_ptrset_add(&it->sbs_done, it->sb);
				it->sb_done = true;
			}
		}
		if (ret == NSI_ITER_STOP || (ret < 0 && ret != -ENOSPC))
			break;
		if (ret == -ENOSPC || local_clock() - it->slice_start > NSI_RCU_SLICE_NS) {
			ret = nsi_iter_cut(it, ret == -ENOSPC);
			if (ret)
				break;
		}
	}
	nsi_iter_held(it, it->rcu_start, "rcu:mounts");
	nsi_rcu_exit();
	if (ret == NSI_ITER_STOP)
		ret = 0;
	if (complete && !it->only && !it->magic) {
		WRITE_ONCE(nsi_hint_sbs, it->sbs_done.used + it->sbs_done.used / 4);
		WRITE_ONCE(nsi_hint_mounts, it->mounts_read.used + it->mounts_read.used / 4);
	}
out:
	nsi_iter_free(it);
	return ret;
}

/* The longest section of any walk since load. */
static u64 nsi_mnt_max_hold;

u64 nsi_mounts_max_hold_ns(void)
{
	return READ_ONCE(nsi_mnt_max_hold);
}

static void nsi_iter_account(struct nsi_mnt_iter *it, u64 *held_ns)
{
	if (held_ns)
		*held_ns = it->max_hold_ns;
	if (it->max_hold_ns > READ_ONCE(nsi_mnt_max_hold))
		WRITE_ONCE(nsi_mnt_max_hold, it->max_hold_ns);
}

static int nsi_iter_no_grow(struct nsi_mnt_iter *it)
{
	return 0;
}

/* ---- the nsfs bind mounts, the procfs creds, one mount's counters --------- */

struct nsi_ns_visit {
	nsi_ns_fn_t fn;
	int (*grow)(void *arg);
	void *arg;
};

static int nsi_nsfs_mount_fn(struct nsi_mnt_iter *it, struct nsi_mount *m)
{
	struct nsi_ns_visit *v = it->arg;
	struct dentry *root = nsi_vfs(m)->mnt_root;

	/* nsfs' own internal mount holds no namespace. */
	if (root == it->sb->s_root)
		return 0;
	return v->fn(v->arg, get_proc_ns(d_inode(root)));
}

static int nsi_ns_visit_grow(struct nsi_mnt_iter *it)
{
	struct nsi_ns_visit *v = it->arg;

	return v->grow(v->arg);
}

int nsi_visit_nsfs_mounts(nsi_ns_fn_t fn, int (*grow)(void *arg), void *arg, u64 *held_ns)
{
	struct nsi_ns_visit v = { .fn = fn, .grow = grow, .arg = arg };
	struct nsi_mnt_iter it = {
		.fn = nsi_nsfs_mount_fn, .grow = nsi_ns_visit_grow, .arg = &v,
	};
	int err;

	*held_ns = 0;
	if (nsi_nsfs_mounts_unavailable)
		return -EOPNOTSUPP;
	/* The nsfs internal mount is never unmounted: its superblock lives. */
	it.only = (*nsi_ksyms.nsfs_mnt)->mnt_sb;
	err = nsi_mnt_iterate(&it);
	nsi_iter_account(&it, held_ns);
	return err;
}

struct nsi_find_id {
	int id;
	struct nsi_mnt_counters *c;
	bool found;
};

static int nsi_find_id_fn(struct nsi_mnt_iter *it, struct nsi_mount *m)
{
	struct nsi_find_id *f = it->arg;
	struct nsi_mnt_counters *c = f->c;

	if (NSI_FIELD(m, NSI_OFF_MOUNT_MNT_ID, int) != f->id)
		return 0;
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
	f->found = true;
	return NSI_ITER_STOP;
}

int nsi_mount_counters(int id, struct nsi_mnt_counters *c, u64 *held_ns)
{
	struct nsi_find_id f = { .id = id, .c = c };
	struct nsi_mnt_iter it = { .fn = nsi_find_id_fn, .grow = nsi_iter_no_grow, .arg = &f };
	int err;

	*held_ns = 0;
	if (nsi_mounts_unavailable)
		return -EOPNOTSUPP;
	err = nsi_mnt_iterate(&it);
	nsi_iter_account(&it, held_ns);
	if (err)
		return err;
	if (!f.found)
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
struct nsi_cred_visit {
	nsi_cred_fn_t fn;
	int (*grow)(void *arg);
	void *arg;
};

/*
 * A procfs superblock's proc_fs_info and mounter_cred live while one of its
 * mounts is listed (see nsi_sb_holds()), which mount_lock keeps so.
 */
static int nsi_proc_cred_fn(struct nsi_mnt_iter *it, struct nsi_mount *m)
{
	struct nsi_cred_visit *v = it->arg;
	const struct cred *cred = proc_sb_info(it->sb)->mounter_cred;
	int err = cred ? v->fn(v->arg, cred) : 0;

	return err ?: NSI_ITER_NEXT_SB;
}

static int nsi_cred_visit_grow(struct nsi_mnt_iter *it)
{
	struct nsi_cred_visit *v = it->arg;

	return v->grow(v->arg);
}

int nsi_visit_proc_creds(nsi_cred_fn_t fn, int (*grow)(void *arg), void *arg, u64 *held_ns)
{
	struct nsi_cred_visit v = { .fn = fn, .grow = grow, .arg = arg };
	struct nsi_mnt_iter it = {
		.magic = PROC_SUPER_MAGIC, .fn = nsi_proc_cred_fn,
		.grow = nsi_cred_visit_grow, .arg = &v,
	};
	int err;

	*held_ns = 0;
	if (nsi_mounts_unavailable)
		return -EOPNOTSUPP;
	err = nsi_mnt_iterate(&it);
	nsi_iter_account(&it, held_ns);
	return err;
}
#else
int nsi_visit_proc_creds(nsi_cred_fn_t fn, int (*grow)(void *arg), void *arg, u64 *held_ns)
{
	*held_ns = 0;
	return -EOPNOTSUPP;
}
#endif
/* ---- every mount of every superblock ------------------------------------------ */

/* The most one mount's strings take: fstype, source, root and mountpoint. */
#define NSI_MNT_STRINGS_MAX	(4 * PATH_MAX)

struct nsi_arena {
	struct nsi_arena *next;
	size_t used, cap;
	char data[];
};

struct nsi_mnt_walk {
	struct nsi_mnt_snap *s;
	const struct vfsmount *reader;	/* the mount of the file being read */
	char *buf;			/* PATH_MAX, for d_path() */
	/* what the superblock being read holds, read at its first mount */
	struct super_block *sb;
	unsigned int sb_lost;		/* the iterator's lost count then */
	unsigned int userns, sbns;
	const char *sbns_type;
	const void *sysfs_tag;
};

/*
 * A copy of str in the arena, cut at PATH_MAX: nsi_mnt_fn() made room for
 * four of those.
 */
static const char *nsi_arena_put(struct nsi_mnt_snap *s, const char *str)
{
	size_t len = strnlen(str, PATH_MAX - 1);
	char *p = s->arena->data + s->arena->used;

	memcpy(p, str, len);
	p[len] = '\0';
	s->arena->used += len + 1;
	return p;
}

static bool nsi_arena_room(const struct nsi_mnt_snap *s)
{
	return s->arena && s->arena->cap - s->arena->used >= NSI_MNT_STRINGS_MAX;
}

/* Room for another mount's record and strings; may sleep. */
static int nsi_snap_grow(struct nsi_mnt_snap *s)
{
	if (s->n == s->cap) {
		size_t cap = max_t(size_t, 256, 2 * s->cap);
		struct nsi_mnt *m = kvmalloc_array(cap, sizeof(*m), GFP_KERNEL_ACCOUNT);

		if (!m)
			return -ENOMEM;
		if (s->n)
			memcpy(m, s->m, s->n * sizeof(*m));
		kvfree(s->m);
		s->m = m;
		s->cap = cap;
		s->bytes += (cap - s->n) * sizeof(*m);
	}
	if (!nsi_arena_room(s)) {
		size_t cap = max_t(size_t, 16 * NSI_MNT_STRINGS_MAX,
				   s->arena ? 2 * s->arena->cap : 0);
		struct nsi_arena *a = kvmalloc(struct_size(a, data, cap), GFP_KERNEL_ACCOUNT);

		if (!a)
			return -ENOMEM;
		a->next = s->arena;
		a->used = 0;
		a->cap = cap;
		s->arena = a;
		s->bytes += struct_size(a, data, cap);
	}
	return 0;
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
 * A sysfs superblock's tag: its net namespace, the struct net up to 6.x, its
 * ns_common on 7.x. Kept to be compared, never followed: nsi_sysfs_nets()
 * names it after the walk.
 */
static const void *nsi_sysfs_tag(struct super_block *sb)
{
#ifdef NSI_HAS_KERNFS_SUPER_INFO_NS
	return NSI_FIELD(sb->s_fs_info, NSI_OFF_KERNFS_SUPER_INFO_NS, const void *);
#else
	return NULL;
#endif
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
	w->sysfs_tag = NULL;
	switch (sb->s_magic) {
	case PROC_SUPER_MAGIC:
		w->sbns_type = "pid";
		w->sbns = proc_sb_info(sb)->pid_ns->ns.inum;
		break;
	case SYSFS_MAGIC:
		w->sbns_type = "net";
		w->sysfs_tag = nsi_sysfs_tag(sb);
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
static int nsi_mnt_fn(struct nsi_mnt_iter *it, struct nsi_mount *m)
{
	struct nsi_mnt_walk *w = it->arg;
	/* 6.16+ changes it under namespace_sem alone: the group read is best effort. */
	struct nsi_mount *master = READ_ONCE(NSI_FIELD(m, NSI_OFF_MOUNT_MNT_MASTER,
						       struct nsi_mount *));
	const char *devname = NSI_FIELD(m, NSI_OFF_MOUNT_MNT_DEVNAME, const char *);
	struct mnt_namespace *ns = nsi_mnt_ns(m);
	struct vfsmount *v = nsi_vfs(m);
	struct path path = { .mnt = v, .dentry = v->mnt_root };
	struct super_block *sb = v->mnt_sb;
	struct nsi_mnt_snap *s = w->s;
	struct nsi_mnt *r;
	char *p;

	if (s->n == s->cap || !nsi_arena_room(s))
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
	/* Found again after a lost place, it may be another at that address. */
	if (sb != w->sb || it->lost != w->sb_lost) {
		nsi_sb_holds(w, sb);
		w->sb_lost = it->lost;
	}
	r->userns = w->userns;
#ifdef NSI_HAS_VFSMOUNT_MNT_USERNS
	if (v->mnt_userns != &init_user_ns)
		r->mnt_userns = v->mnt_userns->ns.inum;
#endif
	r->sbns_type = w->sbns_type;
	r->sbns = w->sbns;
	r->sysfs_tag = w->sysfs_tag;
	r->shared = nsi_mnt_shared(m, r->flags);
	r->unbindable = nsi_mnt_unbindable(m, r->flags);
	r->count = nsi_mnt_count(nsi_mnt_pcp(m));
	/* The file being read holds its mount: that reference is ours. */
	if (v == w->reader)
		r->count--;
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
	s->n++;
	return 0;
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
	struct nsi_arena *a;

	if (IS_ERR_OR_NULL(s))
		return;
	while ((a = s->arena)) {
		s->arena = a->next;
		kvfree(a);
	}
	kvfree(s->m);
	kfree(s);
}

static int nsi_mnt_grow(struct nsi_mnt_iter *it)
{
	struct nsi_mnt_walk *w = it->arg;

	return nsi_snap_grow(w->s);
}

static int nsi_tag_cmp(const void *a, const void *b)
{
	const struct nsi_mnt *x = *(const struct nsi_mnt *const *)a;
	const struct nsi_mnt *y = *(const struct nsi_mnt *const *)b;
	uintptr_t p = (uintptr_t)x->sysfs_tag, q = (uintptr_t)y->sysfs_tag;

	return p < q ? -1 : p > q;
}

static void nsi_sysfs_name(struct nsi_mnt **byt, size_t n, const void *tag, unsigned int inum)
{
	struct nsi_mnt key = { .sysfs_tag = tag }, *k = &key, **hit;

	hit = bsearch(&k, byt, n, sizeof(*byt), nsi_tag_cmp);
	if (!hit)
		return;
	/* Every record of that tag: back to the first, then on. */
	while (hit > byt && hit[-1]->sysfs_tag == tag)
		hit--;
	for (; hit < byt + n && (*hit)->sysfs_tag == tag; hit++)
		(*hit)->sbns = inum;
}

/*
 * The net namespace of each sysfs mount, by its superblock's tag compared
 * against the net list: one pass over the nets, outside mount_lock. A tag
 * no net listed has left reads 0; a superblock that died since the walk may
 * name a net that took its net's memory meanwhile, as its record is of a
 * mount that has gone.
 */
struct nsi_sysfs_tags {
	struct nsi_mnt **byt;
	size_t n;
};

static int nsi_sysfs_net_cb(void *arg, struct net *net)
{
	struct nsi_sysfs_tags *t = arg;

	nsi_sysfs_name(t->byt, t->n, net, net->ns.inum);
	nsi_sysfs_name(t->byt, t->n, &net->ns, net->ns.inum);
	return 0;
}

static int nsi_sysfs_nets(struct nsi_mnt_snap *s)
{
	struct nsi_sysfs_tags t = { };
	size_t i;
	u64 held;
	int err;

	for (i = 0; i < s->n; i++)
		t.n += !!s->m[i].sysfs_tag;
	if (!t.n)
		return 0;
	t.byt = kvmalloc_array(t.n, sizeof(*t.byt), GFP_KERNEL);
	if (!t.byt)
		return -ENOMEM;
	for (i = 0, t.n = 0; i < s->n; i++)
		if (s->m[i].sysfs_tag)
			t.byt[t.n++] = &s->m[i];
	sort(t.byt, t.n, sizeof(*t.byt), nsi_tag_cmp, NULL);
	err = nsi_walk_nets(nsi_sysfs_net_cb, NULL, &t, &held);
	nsi_hold_max(&s->max_hold_ns, &s->max_hold_at, held, "net_rwsem");
	kvfree(t.byt);
	/* The names are a best effort: a list changing too fast leaves some 0. */
	return err == -EAGAIN ? 0 : err;
}

/* Room for as many mounts as the last walk read, and a quarter more. */
static size_t nsi_hint_records = 256;

struct nsi_mnt_snap *nsi_mounts_take(const struct vfsmount *reader)
{
	struct nsi_mnt_walk w = { .reader = reader };
	struct nsi_mnt_iter it = { .fn = nsi_mnt_fn, .grow = nsi_mnt_grow, .arg = &w };
	u64 start = local_clock();
	int err;

	w.s = kzalloc(sizeof(*w.s), GFP_KERNEL_ACCOUNT);
	if (!w.s)
		return ERR_PTR(-ENOMEM);
	w.s->bytes = sizeof(*w.s);
	if (nsi_mounts_unavailable)
		return w.s;
	w.s->cap = READ_ONCE(nsi_hint_records);
	w.s->m = kvmalloc_array(w.s->cap, sizeof(*w.s->m), GFP_KERNEL_ACCOUNT);
	w.s->bytes += w.s->cap * sizeof(*w.s->m);
	w.buf = kmalloc(PATH_MAX, GFP_KERNEL);
	err = w.s->m && w.buf ? nsi_snap_grow(w.s) : -ENOMEM;
	if (!err)
		err = nsi_mnt_iterate(&it);
	kfree(w.buf);
	nsi_iter_account(&it, NULL);
	w.s->max_hold_ns = it.max_hold_ns;
	w.s->max_hold_at = it.max_hold_at;
	if (!err)
		err = nsi_sysfs_nets(w.s);
	w.s->lost = it.lost;
	w.s->kept = it.kept;
	if (err) {
		nsi_mounts_free(w.s);
		return ERR_PTR(err);
	}
	WRITE_ONCE(nsi_hint_records, max_t(size_t, 256, w.s->n + w.s->n / 4));
	sort(w.s->m, w.s->n, sizeof(*w.s->m), nsi_mnt_cmp, NULL);
	w.s->took_ns = local_clock() - start;
	return w.s;
}

#endif /* NSI_LAYOUT_UNAVAILABLE */
