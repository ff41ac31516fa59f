// SPDX-License-Identifier: GPL-2.0
/*
 * The capture: what a snapshot copies under the kernel's locks.
 *
 * nsinspect never takes a reference on a namespace or an nsproxy: every count
 * it prints is read while something the kernel already holds pins the object
 * (the nsproxy under task_lock, the cred or struct pid under RCU, the open
 * file under files->file_lock, the net list under net_rwsem, a bind mount
 * under mount_lock). So the counts are exact and exclude nsinspect. Nothing
 * here allocates inside those sections: records come from a pool reserved
 * beforehand, and a section that runs the pool dry is rolled back, the pool
 * grown, and the section redone. The counting happens after, in snapshot.c.
 */
#include <linux/cgroup.h>
#include <linux/fdtable.h>
#include <linux/hash.h>
#include <linux/ipc_namespace.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/net.h>
#include <linux/pid.h>
#include <linux/rculist.h>
#include <linux/rtnetlink.h>
#include <linux/sched/clock.h>
#include <linux/sched/isolation.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/time_namespace.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "capture.h"
#include "mount_walk.h"
#include "net_list.h"
#include "netdev.h"
#include "nstree.h"
#include "rcu_section.h"

/* ---- hashes ---------------------------------------------------------------- */

static u32 nsi_ns_hash(enum nsi_type type, unsigned int inum, unsigned int bits)
{
	return hash_32(inum ^ ((u32)type << 28), bits);
}

static struct nsi_ns *nsi_ns_find(struct nsi_walk *w, enum nsi_type type,
				  unsigned int inum)
{
	struct nsi_ns *e;

	hlist_for_each_entry(e, &w->s->ns_hash[nsi_ns_hash(type, inum, w->s->hash_bits)], hnode)
		if (e->type == type && e->inum == inum)
			return e;
	return NULL;
}

static struct nsi_nsproxy *nsi_nsp_find(struct nsi_walk *w, const void *key)
{
	struct nsi_nsproxy *e;

	hlist_for_each_entry(e, &w->s->nsp_hash[hash_ptr(key, w->s->hash_bits)], hnode)
		if (e->key == key)
			return e;
	return NULL;
}

/* ---- namespace facts ------------------------------------------------------ */

static int nsi_type_of(struct ns_common *ns)
{
	switch (nsi_ns_clone_type(ns)) {
	case CLONE_NEWNS:	return NSI_MNT;
	case CLONE_NEWUTS:	return NSI_UTS;
	case CLONE_NEWIPC:	return NSI_IPC;
	case CLONE_NEWNET:	return NSI_NET;
	case CLONE_NEWPID:	return NSI_PID;
	case CLONE_NEWCGROUP:	return NSI_CGROUP;
	case CLONE_NEWTIME:	return NSI_TIME;
	case CLONE_NEWUSER:	return NSI_USER;
	}
	return -1;
}

static u32 nsi_copy_map(const struct uid_gid_map *map, struct uid_gid_extent *out)
{
	u32 n = READ_ONCE(map->nr_extents);
	const struct uid_gid_extent *ext;

	/* Pairs with the smp_wmb() in map_write() that publishes nr_extents. */
	smp_rmb();
	ext = n <= UID_GID_MAP_MAX_BASE_EXTENTS ? map->extent : map->forward;
	memcpy(out, ext, min_t(u32, n, NSI_MAP_EXTENTS) * sizeof(*out));
	return n;
}

/*
 * The struct ucounts a cred or namespace points at holds its user namespace,
 * but for the static init_ucounts: (init_user_ns, root). NULL: none held.
 */
static const void *nsi_ucounts_key(const struct ucounts *uc)
{
	if (!uc || (uc->ns == &init_user_ns && uid_eq(uc->uid, GLOBAL_ROOT_UID)))
		return NULL;
	return uc;
}

/* The ucounts a namespace took in its owner at creation. */
static const struct ucounts *nsi_ns_ucounts(struct ns_common *ns, enum nsi_type type)
{
	switch (type) {
	case NSI_MNT:
		return nsi_mntns_ucounts(ns);
	case NSI_UTS:
		return container_of(ns, struct uts_namespace, ns)->ucounts;
	case NSI_IPC:
		return container_of(ns, struct ipc_namespace, ns)->ucounts;
	case NSI_NET:
		return container_of(ns, struct net, ns)->ucounts;
	case NSI_PID:
		return container_of(ns, struct pid_namespace, ns)->ucounts;
	case NSI_CGROUP:
		return container_of(ns, struct cgroup_namespace, ns)->ucounts;
	case NSI_TIME:
		return container_of(ns, struct time_namespace, ns)->ucounts;
	case NSI_USER:
		return container_of(ns, struct user_namespace, ns)->ucounts;
	default:
		return NULL;
	}
}

/* Called with ns pinned by whatever the caller holds; must not sleep. */
static void nsi_fill(struct nsi_ns *e, struct ns_common *ns)
{
	struct user_namespace *owner = ns->ops->owner(ns);

	e->inum = ns->inum;
	e->refs = nsi_ns_refs(ns);
	e->counted = nsi_ns_counted(ns);
#ifdef NSI_HAVE_NS_ACTIVE
	e->active = nsi_ns_active(ns);
#endif
#ifdef NSI_HAVE_NS_ID
	e->id = nsi_ns_id(ns);
#endif
	e->owner = owner ? owner->ns.inum : 0;
	e->level = -1;
	e->ucounts_key = nsi_ucounts_key(nsi_ns_ucounts(ns, e->type));

	switch (e->type) {
	case NSI_MNT:
		e->u.mnt.mounts = nsi_mntns_nr_mounts(ns);
		break;
	case NSI_UTS: {
		struct uts_namespace *uts = container_of(ns, struct uts_namespace, ns);

		strscpy(e->u.uts.nodename, uts->name.nodename, sizeof(e->u.uts.nodename));
		break;
	}
	case NSI_IPC: {
		struct ipc_namespace *ipc = container_of(ns, struct ipc_namespace, ns);

		e->u.ipc.sem = READ_ONCE(ipc->ids[NSI_IPC_SEM_IDS].in_use);
		e->u.ipc.msg = READ_ONCE(ipc->ids[NSI_IPC_MSG_IDS].in_use);
		e->u.ipc.shm = READ_ONCE(ipc->ids[NSI_IPC_SHM_IDS].in_use);
		break;
	}
	case NSI_NET: {
		struct net *net = container_of(ns, struct net, ns);

		e->u.net.passive = refcount_read(&net->passive);
		break;
	}
	case NSI_PID: {
		struct pid_namespace *pidns = container_of(ns, struct pid_namespace, ns);
		struct pid *reaper;

		e->level = pidns->level;
		e->parent = pidns->parent ? pidns->parent->ns.inum : 0;
		e->u.pid.allocated = READ_ONCE(pidns->pid_allocated) & ~PIDNS_ADDING;
		/* child_reaper may point at an exited task: look up pid 1. */
		rcu_read_lock();
		reaper = find_pid_ns(1, pidns);
		e->u.pid.reaper = reaper ? reaper->numbers[0].nr : 0;
		rcu_read_unlock();
		break;
	}
	case NSI_TIME: {
		struct time_namespace *tns = container_of(ns, struct time_namespace, ns);

		e->u.time.monotonic = tns->offsets.monotonic;
		e->u.time.boottime = tns->offsets.boottime;
		break;
	}
	case NSI_USER: {
		struct user_namespace *user = container_of(ns, struct user_namespace, ns);

		e->level = user->level;
		e->parent = e->owner;
		e->u.user.uid = from_kuid_munged(&init_user_ns, user->owner);
		e->u.user.gid = from_kgid_munged(&init_user_ns, user->group);
		e->u.user.nuid = nsi_copy_map(&user->uid_map, e->u.user.uid_map);
		e->u.user.ngid = nsi_copy_map(&user->gid_map, e->u.user.gid_map);
		break;
	}
	default:
		break;
	}
}

static struct ns_common *nsi_parent_of(struct ns_common *ns, enum nsi_type type)
{
	if (type == NSI_PID) {
		struct pid_namespace *p = container_of(ns, struct pid_namespace, ns)->parent;

		return p ? &p->ns : NULL;
	}
	return NULL;	/* a user namespace's parent is its owner */
}

/* Free records for the next locked section: it fails at most one fd short. */
int nsi_reserve(struct nsi_walk *w)
{
	size_t n = max_t(size_t, w->reserve, 4);

	return nsi_pool_reserve(&w->s->ns, w->reserve) ?:
	       nsi_pool_reserve(&w->seen, n) ?:
	       nsi_pool_reserve(&w->s->holders, n);
}

/*
 * Forget the records made since the pool held used records, so that a note
 * is all or nothing: one redone later finds no record whose chain is cut.
 */
static void nsi_note_undo(struct nsi_walk *w, size_t used)
{
	while (w->s->ns.used > used) {
		struct nsi_ns *e = nsi_pool_at(&w->s->ns, --w->s->ns.used);

		hlist_del(&e->hnode);
	}
}

/*
 * Record ns and, while ns pins them, its owner and parent chains, or nothing.
 * Returns the record, NULL for an unknown type, or ERR_PTR(-ENOSPC) when the
 * pool ran dry (the caller leaves its section, grows the pool and tries
 * again, with twice the reserve).
 */
static struct nsi_ns *nsi_note(struct nsi_walk *w, struct ns_common *ns, unsigned int via)
{
	struct nsi_ns *first = NULL;
	size_t used = w->s->ns.used;
	unsigned int n = 0;

	w->todo[n].ns = ns;
	w->todo[n++].via = via;
	while (n) {
		struct ns_common *c = w->todo[--n].ns;
		unsigned int v = w->todo[n].via;
		struct user_namespace *owner;
		struct ns_common *parent;
		struct nsi_ns *e;
		int type;

		type = nsi_type_of(c);
		if (type < 0)
			continue;
		e = nsi_ns_find(w, type, c->inum);
		if (!e) {
			e = nsi_pool_take(&w->s->ns);
			if (!e) {
				nsi_note_undo(w, used);
				w->reserve *= 2;
				return ERR_PTR(-ENOSPC);
			}
			memset(e, 0, sizeof(*e));
			e->type = type;
			nsi_fill(e, c);
			hlist_add_head(&e->hnode,
				       &w->s->ns_hash[nsi_ns_hash(type, e->inum, w->s->hash_bits)]);
			/* Ancestors already recorded have their chains recorded too. */
			owner = c->ops->owner(c);
			parent = nsi_parent_of(c, type);
			if (n + 2 > ARRAY_SIZE(w->todo)) {
				nsi_note_undo(w, used);
				return ERR_PTR(-E2BIG);
			}
			if (owner) {
				w->todo[n].ns = &owner->ns;
				w->todo[n++].via = type == NSI_USER ?
						   NSI_VIA_PARENT : NSI_VIA_OWNER;
			}
			if (parent) {
				w->todo[n].ns = parent;
				w->todo[n++].via = NSI_VIA_PARENT;
			}
		}
		e->via |= v;
		if (!first)
			first = e;
	}
	return first;
}

/* ---- tasks ------------------------------------------------------------------ */

/* The longest section of a walk made elsewhere. */
static void nsi_hold_add(struct nsi_walk *w, u64 held, const char *at)
{
	nsi_hold_max(&w->s->max_hold_ns, &w->s->max_hold_at, held, at);
}

/* A section that others wait for, begun at start, ends; at names it. */
static void nsi_hold_end(struct nsi_walk *w, u64 start, const char *at)
{
	nsi_hold_add(w, local_clock() - start, at);
}

/* Threads in the last snapshot: the next one sizes its array by it. */
static size_t nsi_tasks_hint = 256;

/* Threads taken per RCU section, which fork and exit do not wait for. */
#define NSI_TASK_BATCH 256

/* A bigger array for the threads, with those taken so far; may sleep. */
static int nsi_tasks_grow(struct task_struct ***ts, size_t *cap, size_t n)
{
	size_t bigger = *cap * 2;
	struct task_struct **t = kvmalloc_array(bigger, sizeof(*t), GFP_KERNEL_ACCOUNT);

	if (!t)
		return -ENOMEM;
	memcpy(t, *ts, n * sizeof(*t));
	kvfree(*ts);
	*ts = t;
	*cap = bigger;
	return 0;
}

static int nsi_ptr_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void *const *)a, y = (uintptr_t)*(void *const *)b;

	return x < y ? -1 : x > y;
}

/* By pid, for the tasks file; an exec may change one meanwhile, harmlessly. */
static int nsi_pid_cmp(const void *a, const void *b)
{
	pid_t x = READ_ONCE((*(struct task_struct *const *)a)->pid);
	pid_t y = READ_ONCE((*(struct task_struct *const *)b)->pid);

	return x < y ? -1 : x > y;
}

/*
 * Take a reference on every thread, NSI_TASK_BATCH per RCU section, by pid
 * number in the initial pid namespace, where every thread has one: each
 * section goes on at the next number, as /proc's readdir does, so none
 * grows with the threads. As there, a thread given a number already passed
 * meanwhile is missed: one born after a wrap of pid_max, or one that took
 * its leader's number in an exec (de_thread()), whose old leader may then
 * be taken twice: the array is sorted and each thread kept once. Then every
 * CPU's idle thread, which has no number.
 */
int nsi_grab_tasks(struct nsi_walk *w, struct task_struct ***out, size_t *nout)
{
	size_t cap = READ_ONCE(nsi_tasks_hint) + num_possible_cpus() + 64, i = 0, j, k;
	struct task_struct **ts, *t;
	bool done = false;
	int nr = 1, err = 0;
	u64 start;

	ts = kvmalloc_array(cap, sizeof(*ts), GFP_KERNEL_ACCOUNT);
	if (!ts)
		return -ENOMEM;
	while (!done) {
		unsigned int batch;

		start = local_clock();
		nsi_rcu_enter();
		for (batch = 0; batch < NSI_TASK_BATCH && i < cap; batch++) {
			struct pid *pid = find_ge_pid(nr, &init_pid_ns);

			if (!pid) {
				done = true;
				break;
			}
			nr = pid_nr(pid) + 1;
			t = pid_task(pid, PIDTYPE_PID);
			if (t) {
				get_task_struct(t);
				ts[i++] = t;
			}
		}
		nsi_rcu_exit();
		nsi_hold_end(w, start, "rcu:pids");
		if (i == cap)
			err = nsi_tasks_grow(&ts, &cap, i);
		if (!err && fatal_signal_pending(current))
			err = -EINTR;
		if (err)
			goto fail;
		cond_resched();
	}
	sort(ts, i, sizeof(*ts), nsi_ptr_cmp, NULL);
	for (k = 0, j = 0; j < i; j++) {
		if (k && ts[k - 1] == ts[j])
			put_task_struct(ts[j]);
		else
			ts[k++] = ts[j];
	}
	i = k;
	sort(ts, i, sizeof(*ts), nsi_pid_cmp, NULL);
	if (w->idle_threads) {
		int cpu;

		for_each_possible_cpu(cpu) {
			t = READ_ONCE(*per_cpu_ptr(w->idle_threads, cpu));
			if (!t)
				continue;
			if (i == cap) {
				err = nsi_tasks_grow(&ts, &cap, i);
				if (err)
					goto fail;
			}
			get_task_struct(t);
			ts[i++] = t;
		}
	}
	*out = ts;
	*nout = i;
	WRITE_ONCE(nsi_tasks_hint, i);
	return 0;
fail:
	while (i)
		put_task_struct(ts[--i]);
	kvfree(ts);
	return err;
}

static int nsi_note_role(struct nsi_walk *w, struct nsi_task_refs *r, enum nsi_role role,
			 struct ns_common *ns)
{
	struct nsi_ns *e;

	if (!ns)
		return 0;
	e = nsi_note(w, ns, NSI_VIA_TASK);
	if (IS_ERR(e))
		return PTR_ERR(e);
	r->role[role] = e;
	return 0;
}

#define NSI_NS(p) ({ typeof(p) __p = (p); __p ? &__p->ns : NULL; })

/* Called under task_lock: t->nsproxy and its members cannot change or go. */
static int nsi_note_nsproxy(struct nsi_walk *w, struct nsi_task_refs *r, struct nsproxy *nsp)
{
	struct ns_common *member[NSI_NROLES] = {
		[NSI_R_MNT] = nsp->mnt_ns ? nsi_mnt_ns_common(nsp->mnt_ns) : NULL,
		[NSI_R_UTS] = NSI_NS(nsp->uts_ns),
		[NSI_R_IPC] = NSI_NS(nsp->ipc_ns),
		[NSI_R_NET] = NSI_NS(nsp->net_ns),
		[NSI_R_CGROUP] = NSI_NS(nsp->cgroup_ns),
		[NSI_R_TIME] = NSI_NS(nsp->time_ns),
		[NSI_R_TIME_CHILDREN] = NSI_NS(nsp->time_ns_for_children),
		[NSI_R_PID_CHILDREN] = NSI_NS(nsp->pid_ns_for_children),
	};
	struct nsi_nsproxy *p = nsi_nsp_find(w, nsp);
	int i, err;

	r->nsp = nsp;
	r->rec = p;
	/*
	 * Most tasks share an nsproxy already recorded: take its members'
	 * records, unless the address now holds another one.
	 */
	for (i = 0; p && i < NSI_NROLES; i++)
		if (p->inum[i] != (member[i] ? member[i]->inum : 0))
			p = NULL;
	if (p) {
		memcpy(r->role, p->role, sizeof(r->role));
		return 0;
	}
	r->nsp_count = nsi_nsproxy_count(nsp);
	for (i = 0; i < NSI_NROLES; i++) {
		err = nsi_note_role(w, r, i, member[i]);
		if (err)
			return err;
	}
	return 0;
}

/*
 * The task's creds and its image (mm, or 7.x's exec_state) each hold their
 * user namespace: note them for the accounting, which counts each object
 * once. Under task_lock (mm) and RCU.
 */
static int nsi_note_creds(struct nsi_walk *w, struct nsi_task_refs *r, struct task_struct *t)
{
	/*
	 * Only real_cred: another task's ->cred may be an access() override
	 * marked non_rcu, which revert_creds() frees at once. An overriding
	 * cred is transient, and uncounted.
	 */
	const struct cred *cred[2] = { rcu_dereference(t->real_cred) };
	struct mm_struct *mm = t->mm;
	struct user_namespace *image_ns;
	struct nsi_ns *e;
	int i;

	/*
	 * The executable and its interpreter were opened before exec
	 * committed the new creds: their f_cred keeps the old ones. Up to
	 * 6.6 a file's cred is put in its RCU callback; later files are
	 * SLAB_TYPESAFE_BY_RCU, so a file read here may have been reused:
	 * its cred is taken only if it is still the mm's live exe_file.
	 */
	if (mm) {
		struct file *exe = rcu_dereference(mm->exe_file);

		cred[1] = exe ? READ_ONCE(exe->f_cred) : NULL;
		/* f_cred before the recheck: a file reused since fails it. */
		smp_rmb();
		if (!exe || rcu_access_pointer(mm->exe_file) != exe || !file_count(exe))
			cred[1] = NULL;
	}
	for (i = 0; i < 2; i++) {
		if (!cred[i] || (i && cred[i] == cred[0]))
			continue;
		e = nsi_note(w, &cred[i]->user_ns->ns, NSI_VIA_TASK);
		if (IS_ERR(e))
			return PTR_ERR(e);
		r->cred[i] = cred[i];
		r->ucounts[i] = nsi_ucounts_key(cred[i]->ucounts);
		r->cred_ns[i] = e;
	}
	r->mm = nsi_image_user_ns(t, &image_ns);
	if (r->mm) {
		e = nsi_note(w, &image_ns->ns, NSI_VIA_TASK);
		if (IS_ERR(e))
			return PTR_ERR(e);
		r->mm_ns = e;
	}
	return 0;
}

/*
 * Copy what task t uses, under its task_lock (and RCU for its cred and
 * struct pid): its record's own fields into rec, the namespaces it
 * reaches into the pool, and what the accounting needs into r.
 */
int nsi_capture_task(struct nsi_walk *w, struct task_struct *t, struct nsi_task *rec,
		     struct nsi_task_refs *r)
{
	struct nsproxy *nsp;
	struct pid *pid;
	u64 start;
	int err = 0, i;

	rec->pid = t->pid;
	rec->tgid = t->tgid;
	/* Idle threads of CPUs never up lack PF_IDLE; pid 0 is every idle thread. */
	rec->cpu = !t->pid ? task_cpu(t) : -1;
	rec->level = -1;

	start = local_clock();
	task_lock(t);
	memcpy(rec->comm, t->comm, sizeof(rec->comm));
	rec->comm[sizeof(rec->comm) - 1] = '\0';
	nsp = t->nsproxy;
	if (nsp)
		err = nsi_note_nsproxy(w, r, nsp);

	rcu_read_lock();
	if (!err)
		err = nsi_note_role(w, r, NSI_R_USER, &__task_cred(t)->user_ns->ns);
	if (!err)
		err = nsi_note_creds(w, r, t);
	/* struct pid is RCU-freed, and it pins the pid namespaces it lists. */
	pid = READ_ONCE(t->thread_pid);
	if (!err && pid) {
		rec->level = pid->level;
		for (i = 0; i <= pid->level; i++)
			rec->nspid[i] = pid->numbers[i].nr;
		err = nsi_note_role(w, r, NSI_R_PID, &pid->numbers[pid->level].ns->ns);
	}
	rcu_read_unlock();
	task_unlock(t);
	nsi_hold_end(w, start, "task_lock:task");
	if (err)
		return err;
	return 0;
}

/* ---- open nsfs files and the net namespace list ----------------------------- */

static bool nsi_seen_has(struct nsi_walk *w, const void *key)
{
	struct nsi_seen *e;

	hlist_for_each_entry(e, &w->seen_hash[hash_ptr(key, w->s->hash_bits + 1)], hnode)
		if (e->key == key)
			return true;
	return false;
}

bool nsi_seen_first(struct nsi_walk *w, const void *key)
{
	struct nsi_seen *e;

	if (nsi_seen_has(w, key))
		return false;
	e = nsi_pool_take(&w->seen);
	if (e) {
		e->key = key;
		hlist_add_head(&e->hnode, &w->seen_hash[hash_ptr(key, w->s->hash_bits + 1)]);
	}
	return true;
}

/* The caller made room: nsi_fd_cb() checks it first. */
static void nsi_holder_add(struct nsi_walk *w, const struct nsi_ns *e, enum nsi_holder_kind kind,
			   unsigned int fd)
{
	struct nsi_holder *h = nsi_pool_take(&w->s->holders);

	h->ns = e;
	h->kind = kind;
	h->pid = w->fd_task->tgid;
	h->fd = fd;
	memcpy(h->comm, w->fd_task->comm, sizeof(h->comm));
	h->comm[sizeof(h->comm) - 1] = '\0';
}

/*
 * A cred that a file or a superblock holds, counted once in its user
 * namespace, with its ucounts. The caller made room for 2 seen records. A
 * call redone after -ENOSPC counts nothing twice: the cred is seen then.
 */
static int nsi_count_cred(struct nsi_walk *w, const struct cred *cred)
{
	const void *uc;
	struct nsi_ns *e;

	if (nsi_seen_has(w, cred))
		return 0;
	e = nsi_note(w, &cred->user_ns->ns, NSI_VIA_CRED);
	if (IS_ERR_OR_NULL(e))
		return PTR_ERR_OR_ZERO(e);
	nsi_seen_first(w, cred);
	e->creds++;
	uc = nsi_ucounts_key(cred->ucounts);
	if (uc && nsi_seen_first(w, uc))
		e->ucounts++;
	return 0;
}

/*
 * One open file, under files->file_lock: on -ENOSPC the walk grows its
 * pools and comes back to this fd, whose cred, if counted, is seen then. What the file pins:
 * its credentials (and their user namespace); an nsfs inode (its
 * namespace); a socket (its net namespace, if the socket holds it).
 */
/* Open files read per hold of task_lock and the table's file_lock. */
#define NSI_FD_BATCH 256

static int nsi_fd_cb(const void *arg, struct file *f, unsigned int fd)
{
	struct nsi_walk *w = (struct nsi_walk *)arg;
	struct inode *inode = file_inode(f);
	struct ns_common *ns = NULL;
	enum nsi_holder_kind kind = NSI_H_FD;
	struct socket *sock;
	struct nsi_ns *e;
	int err;

	if (nsi_pool_room(&w->seen) < 3 || nsi_pool_room(&w->s->holders) < 1)
		goto full;
	if (inode->i_sb->s_magic == NSFS_MAGIC) {
		ns = get_proc_ns(inode);
	} else {
		sock = sock_from_file(f);
		if (sock && sock->sk && sock->sk->sk_net_refcnt) {
			ns = &sock_net(sock->sk)->ns;
			kind = NSI_H_SOCKET;
		}
	}
	/* Most files share their opener's creds, counted once. */
	err = nsi_count_cred(w, f->f_cred);
	if (err)
		goto err;
	e = ns ? nsi_note(w, ns, kind == NSI_H_FD ? NSI_VIA_FD : NSI_VIA_SOCKET) : NULL;
	if (IS_ERR(e)) {
		err = PTR_ERR(e);
		goto err;
	}
	if (e && kind == NSI_H_FD) {
		e->fds++;
		nsi_holder_add(w, e, kind, fd);
	}
	/* A socket in several fd tables holds once; its holder is its first fd. */
	if (e && kind == NSI_H_SOCKET && nsi_seen_first(w, f)) {
		e->sockets++;
		nsi_holder_add(w, e, kind, fd);
	}
	/* Enough for one hold of the task's and the table's locks. */
	if (++w->fd_batch < NSI_FD_BATCH)
		return 0;
	w->resume_fd = fd + 1;
	return 1;
err:
	if (err != -ENOSPC)
		return err;
full:
	w->resume_fd = fd;
	return -ENOSPC;
}

/*
 * A task that uses the fd table @files, from ts[from] on: the one whose
 * table was being read may have exited or unshared it meanwhile, and the
 * rest of the table, marked seen, is then read through another.
 */
static struct task_struct *nsi_fd_table_user(struct nsi_walk *w, struct task_struct **ts,
					     size_t from, struct files_struct *files)
{
	bool uses;
	size_t i;

	for (i = from; i < w->s->ntasks; i++) {
		task_lock(ts[i]);
		uses = ts[i]->files == files;
		task_unlock(ts[i]);
		if (uses)
			return ts[i];
	}
	return NULL;
}

static int nsi_walk_fds(struct nsi_walk *w, struct task_struct **ts)
{
	size_t i;
	int err;

	for (i = 0; i < w->s->ntasks; i++) {
		struct task_struct *t = ts[i];
		struct files_struct *files;
		u64 start;

		w->resume_fd = 0;
		w->fd_task = t;
		err = nsi_reserve(w);
		if (err)
			return err;
		start = local_clock();
		task_lock(t);
		files = t->files;
		if (!files || !nsi_seen_first(w, files)) {
			task_unlock(t);
			continue;
		}
		for (;;) {
			w->fd_batch = 0;
			err = iterate_fd(files, w->resume_fd, nsi_fd_cb, w);
			task_unlock(t);
			nsi_hold_end(w, start, "file_lock:fds");
			if (err != -ENOSPC && err != 1)
				break;
			err = nsi_reserve(w);
			if (err)
				return err;
			cond_resched();
			start = local_clock();
			t = nsi_fd_table_user(w, ts, i, files);
			if (!t)
				break;
			task_lock(t);
			/* Changed again since: give the rest up. */
			if (t->files != files) {
				task_unlock(t);
				break;
			}
			w->fd_task = t;
		}
		if (err && err != -ENOSPC)
			return err;
	}
	return 0;
}

/* Under net_rwsem, which keeps every listed net, dying ones too, from being freed. */
static int nsi_netlist_cb(void *arg, struct net *net)
{
	return PTR_ERR_OR_ZERO(nsi_note(arg, &net->ns, NSI_VIA_NETLIST));
}

static int nsi_walk_grow(void *arg);

/*
 * Net namespaces whose teardown waits for a device (netdev.c): off the net
 * list, reached by nothing else, they are known only by what the waiting
 * device's last poll showed of them.
 */
static int nsi_note_dying_nets(struct nsi_walk *w)
{
	struct nsi_dying_net *d;
	struct nsi_ns *e;
	size_t i, n;
	int err;

	d = kmalloc_array(NSI_DYING_NETS_MAX, sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	n = nsi_dying_nets(d);
	err = nsi_pool_reserve(&w->s->ns, n);
	for (i = 0; !err && i < n; i++) {
		e = nsi_ns_find(w, NSI_NET, d[i].inum);
		if (!e) {
			e = nsi_pool_take(&w->s->ns);
			memset(e, 0, sizeof(*e));
			e->type = NSI_NET;
			e->inum = d[i].inum;
			e->owner = d[i].userns;
			e->counted = true;
			e->level = -1;
#ifdef NSI_HAVE_NS_ID
			e->id = d[i].id;
#endif
			e->u.net.passive = d[i].passive;
			hlist_add_head(&e->hnode, &w->s->ns_hash[nsi_ns_hash(NSI_NET, e->inum,
									     w->s->hash_bits)]);
		}
		e->via |= NSI_VIA_DYING;
		e->u.net.dying_ms = d[i].waited_ms;
	}
	kfree(d);
	return err;
}

static int nsi_walk_netlist(struct nsi_walk *w)
{
	u64 held;
	int err = nsi_walk_nets(nsi_netlist_cb, nsi_walk_grow, w, &held);

	nsi_hold_add(w, held, "net_rwsem");
	return err ?: nsi_note_dying_nets(w);
}

/* The mount pins the nsfs inode, which holds the namespace. */
static int nsi_mount_cb(void *arg, struct ns_common *ns)
{
	struct nsi_walk *w = arg;
	struct nsi_ns *e = nsi_note(w, ns, NSI_VIA_MOUNT);

	if (IS_ERR(e))
		return PTR_ERR(e);
	if (e)
		e->bindmounts++;
	return 0;
}

/*
 * Run a visitor that calls cb under its own lock until it has seen
 * everything: when the pool runs dry it stops, we grow the pool outside the
 * lock, and it resumes at *pos.
 */
static int nsi_walk_visitor(struct nsi_walk *w, nsi_visit_fn_t visit, nsi_ns_fn_t cb,
			    const char *at)
{
	struct nsi_visit_pos pos = { };
	u64 held;
	int err;

	do {
		err = nsi_reserve(w);
		if (err)
			return err;
		err = visit(cb, w, &pos, &held);
		nsi_hold_add(w, held, at);
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	} while (err == -ENOSPC || err == -EAGAIN || err == 1);
	/* A visitor this kernel cannot have: the version file says why. */
	return err == -EOPNOTSUPP ? 0 : err;
}

/* The mount walker's visitors grow the pools between their sections. */
static int nsi_walk_grow(void *arg)
{
	return nsi_reserve(arg);
}

static int nsi_walk_nsfs_mounts(struct nsi_walk *w)
{
	u64 held = 0;
	int err = nsi_reserve(w) ?: nsi_visit_nsfs_mounts(nsi_mount_cb, nsi_walk_grow, w, &held);

	nsi_hold_add(w, held, "mounts:nsfs");
	return err == -EOPNOTSUPP ? 0 : err;
}

/* Namespaces that nothing above reached: only the kernel's trees list them. */
static int nsi_nstree_cb(void *arg, struct ns_common *ns)
{
	struct nsi_walk *w = arg;
	struct nsi_ns *e;
	int type = nsi_type_of(ns);

	if (type < 0 || nsi_ns_find(w, type, ns->inum))
		return 0;
	e = nsi_note(w, ns, NSI_VIA_NSTREE);
	return IS_ERR(e) ? PTR_ERR(e) : 0;
}

int nsi_count_ns_ucounts(struct nsi_walk *w)
{
	size_t i;
	int err;

	err = nsi_pool_reserve(&w->seen, w->s->ns.used);
	if (err)
		return err;
	for (i = 0; i < w->s->ns.used; i++) {
		struct nsi_ns *e = nsi_pool_at(&w->s->ns, i), *owner;

		if (!e->ucounts_key || !nsi_seen_first(w, e->ucounts_key))
			continue;
		owner = nsi_ns_find(w, NSI_USER, e->owner);
		if (owner)
			owner->ucounts++;
	}
	return 0;
}

/*
 * A procfs superblock's mounter cred (7.x), under mount_lock: counted once,
 * like a task's or a file's, so a call redone after -ENOSPC counts nothing
 * twice.
 */
static int nsi_proc_cred_cb(void *arg, const struct cred *cred)
{
	struct nsi_walk *w = arg;

	if (nsi_pool_room(&w->seen) < 2)
		return -ENOSPC;
	return nsi_count_cred(w, cred);
}

static int nsi_walk_proc_creds(struct nsi_walk *w)
{
	u64 held = 0;
	int err = nsi_reserve(w) ?: nsi_visit_proc_creds(nsi_proc_cred_cb, nsi_walk_grow, w, &held);

	nsi_hold_add(w, held, "mounts:procfs");
	return err == -EOPNOTSUPP ? 0 : err;
}

/* ---- address spaces kept by lazy TLB ---------------------------------------- */

#ifdef NSI_HAS_TASK_STRUCT_EXEC_STATE
/* 7.x: an exec_state, not the mm, holds the image's user namespace. */
int nsi_capture_lazy_mms(struct nsi_walk *w)
{
	return 0;
}

const char *nsi_lazy_mms_why(void)
{
	return "an exec_state, not the mm, holds a task image's user namespace";
}
#else
const char *nsi_lazy_mms_why(void)
{
	return NULL;
}

struct nsi_lazy_mm {
	const struct mm_struct *mm;	/* a key, never followed */
	unsigned int inum;
};

/* On the CPU asked, in its IPI: what runs there cannot switch mm now. */
static void nsi_lazy_mm_read(void *arg)
{
	struct mm_struct *mm = current->active_mm;
	struct nsi_lazy_mm *lazy = arg;

	/*
	 * No users left: its task has exited, or is exiting here. Tested
	 * before ->user_ns is read: init_mm and efi_mm keep 2 users for ever,
	 * and efi_mm has no user_ns.
	 */
	if (!current->mm && mm && !atomic_read(&mm->mm_users)) {
		lazy->mm = mm;
		lazy->inum = mm->user_ns->ns.inum;
	}
}

/*
 * A kernel thread, each CPU's idle thread too, runs on the address space of
 * the user task before it (lazy TLB) and holds it by mm_count. When that
 * task has exited there, the mm_struct and its reference on mm->user_ns live
 * on until the CPU next runs a user task: on an idle CPU, for as long as it
 * stays idle. No task reaches that mm, and another CPU cannot read it safely
 * (finish_task_switch() frees it at once, not after RCU), so each online CPU
 * is asked by an IPI: one at a time, preemption off for one round trip
 * (timed; all at once would hold it for as many as there are CPUs), and
 * never an isolated or nohz_full CPU, whose quiet is what it is for. Run
 * right after the task walk, so that an mm freed since and reused at the
 * same address is unlikely to pass for one the walk counted.
 */
int nsi_capture_lazy_mms(struct nsi_walk *w)
{
	unsigned int cpu;
	int err;

	for_each_online_cpu(cpu) {
		struct nsi_lazy_mm lazy = {};
		struct nsi_ns *e;
		u64 start;

		if (!housekeeping_cpu(cpu, HK_TYPE_TICK) || cpu_is_isolated(cpu))
			continue;
		start = local_clock();
		err = smp_call_function_single(cpu, nsi_lazy_mm_read, &lazy, 1);
		nsi_hold_end(w, start, "ipi:lazy_mm");
		cond_resched();
		/* Only a namespace the walk recorded: one it missed is not listed. */
		e = err || !lazy.mm ? NULL : nsi_ns_find(w, NSI_USER, lazy.inum);
		if (!e)
			continue;
		err = nsi_pool_reserve(&w->seen, 1);
		if (err)
			return err;
		if (nsi_seen_first(w, lazy.mm)) {
			e->mms++;
			e->lazy_mms++;
		}
	}
	return 0;
}
#endif

/*
 * Open files, nsfs bind mounts, procfs' mounter creds, the net list and
 * (6.19+) the trees.
 */
int nsi_capture_rest(struct nsi_walk *w, struct task_struct **ts)
{
	return nsi_walk_fds(w, ts) ?: nsi_walk_proc_creds(w) ?:
	       nsi_walk_nsfs_mounts(w) ?: nsi_walk_netlist(w) ?:
	       nsi_walk_visitor(w, nsi_visit_nstree, nsi_nstree_cb, "ns_tree");
}
