// SPDX-License-Identifier: GPL-2.0
/*
 * Take a snapshot of tasks, nsproxies and namespaces.
 *
 * nsinspect never takes a reference on a namespace or an nsproxy: every count
 * it prints is read while something the kernel already holds pins the object
 * (the nsproxy under task_lock, the cred or struct pid under RCU, the open
 * file under files->file_lock, the net list under net_rwsem). So the counts
 * are exact and exclude nsinspect. Allocation happens only outside those
 * sections: records come from a pool reserved beforehand, and a section that
 * runs the pool dry is abandoned and redone after the pool grows.
 */
#include <linux/cgroup.h>
#include <linux/fdtable.h>
#include <linux/hash.h>
#include <linux/ipc_namespace.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/rculist.h>
#include <linux/rtnetlink.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/time_namespace.h>
#include <net/net_namespace.h>

#include "ksyms.h"
#include "mount_walk.h"
#include "nstree.h"
#include "snapshot.h"

#define NSI_CHUNK 256
/*
 * Free records a locked section starts with. One that needs more (deep owner
 * chains of its own for each role) rolls back, doubles it and is redone.
 */
#define NSI_RESERVE (2 * (MAX_PID_NS_LEVEL + 1) + NSI_NROLES)

/* Test knob: one-record chunks and reserve, so every chain runs the pool dry. */
static bool debug_tiny_pool;
module_param(debug_tiny_pool, bool, 0400);
MODULE_PARM_DESC(debug_tiny_pool, "test only: grow the record pool one record at a time");

const char *const nsi_type_name[NSI_NTYPES] = {
	[NSI_MNT] = "mnt", [NSI_UTS] = "uts", [NSI_IPC] = "ipc", [NSI_NET] = "net",
	[NSI_PID] = "pid", [NSI_CGROUP] = "cgroup", [NSI_TIME] = "time",
	[NSI_USER] = "user",
};

const char *const nsi_role_name[NSI_NROLES] = {
	[NSI_R_MNT] = "mnt", [NSI_R_UTS] = "uts", [NSI_R_IPC] = "ipc",
	[NSI_R_NET] = "net", [NSI_R_CGROUP] = "cgroup", [NSI_R_TIME] = "time",
	[NSI_R_TIME_CHILDREN] = "time_for_children", [NSI_R_PID] = "pidns",
	[NSI_R_PID_CHILDREN] = "pidns_for_children", [NSI_R_USER] = "user",
};

static siphash_key_t nsi_id_key;
/*
 * Per-CPU idle threads hold the initial nsproxy but are on no task list;
 * smpboot's idle_threads has them (NULL: not verified, not walked).
 */
static struct task_struct * __percpu *nsi_idle_threads;
static const char *nsi_idle_why = "not initialised";
static u64 nsi_max_hold;	/* longest section of any snapshot so far */

/* ---- pools and hashes ---------------------------------------------------- */

void *nsi_pool_at(const struct nsi_pool *p, size_t i)
{
	return (char *)p->chunks[i / p->chunk] + (i % p->chunk) * p->size;
}

static int nsi_pool_reserve(struct nsi_pool *p, size_t n)
{
	while (p->nchunks * p->chunk < p->used + n) {
		void **chunks;
		void *c;

		c = kvcalloc(p->chunk, p->size, GFP_KERNEL_ACCOUNT);
		if (!c)
			return -ENOMEM;
		chunks = krealloc_array(p->chunks, p->nchunks + 1, sizeof(*chunks),
					GFP_KERNEL_ACCOUNT);
		if (!chunks) {
			kvfree(c);
			return -ENOMEM;
		}
		chunks[p->nchunks++] = c;
		p->chunks = chunks;
	}
	return 0;
}

/* Never allocates: callers run under spinlocks or RCU. */
static void *nsi_pool_take(struct nsi_pool *p)
{
	if (p->used >= p->nchunks * p->chunk)
		return NULL;
	return nsi_pool_at(p, p->used++);
}

static void nsi_pool_free(struct nsi_pool *p)
{
	size_t i;

	for (i = 0; i < p->nchunks; i++)
		kvfree(p->chunks[i]);
	kfree(p->chunks);
}

static size_t nsi_pool_bytes(const struct nsi_pool *p)
{
	return p->nchunks * (p->chunk * p->size + sizeof(*p->chunks));
}

static u32 nsi_ns_hash(enum nsi_type type, unsigned int inum, unsigned int bits)
{
	return hash_32(inum ^ ((u32)type << 28), bits);
}

static struct nsi_ns *nsi_ns_find(struct nsi_snap *s, enum nsi_type type,
				  unsigned int inum)
{
	struct nsi_ns *e;

	hlist_for_each_entry(e, &s->ns_hash[nsi_ns_hash(type, inum, s->hash_bits)], hnode)
		if (e->type == type && e->inum == inum)
			return e;
	return NULL;
}

static struct nsi_nsproxy *nsi_nsp_find(struct nsi_snap *s, const void *key)
{
	struct nsi_nsproxy *e;

	hlist_for_each_entry(e, &s->nsp_hash[hash_ptr(key, s->hash_bits)], hnode)
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

/* Free records for the next locked section. */
static int nsi_reserve(struct nsi_snap *s)
{
	return nsi_pool_reserve(&s->ns, s->reserve);
}

/*
 * Forget the records made since the pool held used records, so that a note
 * is all or nothing: one redone later finds no record whose chain is cut.
 */
static void nsi_note_undo(struct nsi_snap *s, size_t used)
{
	while (s->ns.used > used) {
		struct nsi_ns *e = nsi_pool_at(&s->ns, --s->ns.used);

		hlist_del(&e->hnode);
	}
}

/*
 * Record ns and, while ns pins them, its owner and parent chains, or nothing.
 * Returns the record, NULL for an unknown type, or ERR_PTR(-ENOSPC) when the
 * pool ran dry (the caller leaves its section, grows the pool and tries
 * again, with twice the reserve).
 */
static struct nsi_ns *nsi_note(struct nsi_snap *s, struct ns_common *ns, unsigned int via)
{
	struct nsi_ns *first = NULL;
	size_t used = s->ns.used;
	unsigned int n = 0;

	s->todo[n].ns = ns;
	s->todo[n++].via = via;
	while (n) {
		struct ns_common *c = s->todo[--n].ns;
		unsigned int v = s->todo[n].via;
		struct user_namespace *owner;
		struct ns_common *parent;
		struct nsi_ns *e;
		int type;

		type = nsi_type_of(c);
		if (type < 0)
			continue;
		e = nsi_ns_find(s, type, c->inum);
		if (!e) {
			e = nsi_pool_take(&s->ns);
			if (!e) {
				nsi_note_undo(s, used);
				s->reserve *= 2;
				return ERR_PTR(-ENOSPC);
			}
			memset(e, 0, sizeof(*e));
			e->type = type;
			nsi_fill(e, c);
			hlist_add_head(&e->hnode,
				       &s->ns_hash[nsi_ns_hash(type, e->inum, s->hash_bits)]);
			/* Ancestors already recorded have their chains recorded too. */
			owner = c->ops->owner(c);
			parent = nsi_parent_of(c, type);
			if (n + 2 > ARRAY_SIZE(s->todo)) {
				nsi_note_undo(s, used);
				return ERR_PTR(-E2BIG);
			}
			if (owner) {
				s->todo[n].ns = &owner->ns;
				s->todo[n++].via = type == NSI_USER ?
						   NSI_VIA_PARENT : NSI_VIA_OWNER;
			}
			if (parent) {
				s->todo[n].ns = parent;
				s->todo[n++].via = NSI_VIA_PARENT;
			}
		}
		e->via |= v;
		if (!first)
			first = e;
	}
	return first;
}

/* ---- tasks ------------------------------------------------------------------ */

static void nsi_hold_end(struct nsi_snap *s, u64 start)
{
	u64 d = local_clock() - start;

	if (d > s->max_hold_ns)
		s->max_hold_ns = d;
}

/* Threads in the last snapshot: the next one sizes its array by it. */
static size_t nsi_tasks_hint;

/* Take a reference on every thread; nothing else, so RCU is held briefly. */
static int nsi_grab_tasks(struct task_struct ***out, size_t *nout)
{
	struct task_struct *g, *t, **ts;
	size_t n = READ_ONCE(nsi_tasks_hint), cap, i;

	/* A walk of its own costs a quarter of the grab on a large system. */
	if (!n) {
		rcu_read_lock();
		for_each_process_thread(g, t)
			n++;
		rcu_read_unlock();
		n += num_possible_cpus();
	}

	for (;;) {
		cap = n + n / 8 + 64;
		ts = kvmalloc_array(cap, sizeof(*ts), GFP_KERNEL_ACCOUNT);
		if (!ts)
			return -ENOMEM;
		i = 0;
		rcu_read_lock();
		for_each_process_thread(g, t) {
			if (i == cap)
				goto full;
			get_task_struct(t);
			ts[i++] = t;
		}
		rcu_read_unlock();
		if (nsi_idle_threads) {
			int cpu;

			for_each_possible_cpu(cpu) {
				t = READ_ONCE(*per_cpu_ptr(nsi_idle_threads, cpu));
				if (!t || i == cap)
					continue;
				get_task_struct(t);
				ts[i++] = t;
			}
		}
		*out = ts;
		*nout = i;
		WRITE_ONCE(nsi_tasks_hint, i);
		return 0;
full:
		rcu_read_unlock();
		/* Threads were created faster than the slack: try bigger. */
		while (i)
			put_task_struct(ts[--i]);
		kvfree(ts);
		n = cap * 2;
	}
}

struct nsi_task_refs {
	struct nsi_ns *role[NSI_NROLES];
	struct nsproxy *nsp;
	struct nsi_nsproxy *rec;	/* nsp's record, if already made */
	long nsp_count;
};

static int nsi_note_role(struct nsi_snap *s, struct nsi_task_refs *r, enum nsi_role role,
			 struct ns_common *ns)
{
	struct nsi_ns *e;

	if (!ns)
		return 0;
	e = nsi_note(s, ns, NSI_VIA_TASK);
	if (IS_ERR(e))
		return PTR_ERR(e);
	r->role[role] = e;
	return 0;
}

#define NSI_NS(p) ({ typeof(p) __p = (p); __p ? &__p->ns : NULL; })

/* Called under task_lock: t->nsproxy and its members cannot change or go. */
static int nsi_note_nsproxy(struct nsi_snap *s, struct nsi_task_refs *r, struct nsproxy *nsp)
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
	struct nsi_nsproxy *p = nsi_nsp_find(s, nsp);
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
		err = nsi_note_role(s, r, i, member[i]);
		if (err)
			return err;
	}
	return 0;
}

static int nsi_read_task(struct nsi_snap *s, struct task_struct *t, struct nsi_task *rec)
{
	struct nsi_task_refs r = {};
	struct nsproxy *nsp;
	struct pid *pid;
	u64 start;
	int err = 0, i;

	rec->pid = t->pid;
	rec->tgid = t->tgid;
	rec->cpu = is_idle_task(t) ? task_cpu(t) : -1;
	rec->level = -1;

	start = local_clock();
	task_lock(t);
	memcpy(rec->comm, t->comm, sizeof(rec->comm));
	rec->comm[sizeof(rec->comm) - 1] = '\0';
	nsp = t->nsproxy;
	if (nsp)
		err = nsi_note_nsproxy(s, &r, nsp);

	rcu_read_lock();
	if (!err)
		err = nsi_note_role(s, &r, NSI_R_USER, &__task_cred(t)->user_ns->ns);
	/* struct pid is RCU-freed, and it pins the pid namespaces it lists. */
	pid = READ_ONCE(t->thread_pid);
	if (!err && pid) {
		rec->level = pid->level;
		for (i = 0; i <= pid->level; i++)
			rec->nspid[i] = pid->numbers[i].nr;
		err = nsi_note_role(s, &r, NSI_R_PID, &pid->numbers[pid->level].ns->ns);
	}
	rcu_read_unlock();
	task_unlock(t);
	nsi_hold_end(s, start);
	if (err)
		return err;

	/* Everything is recorded: now count, exactly once per task. */
	if (r.nsp) {
		struct nsi_nsproxy *p = r.rec;

		if (!p) {
			p = nsi_pool_take(&s->nsp);
			if (!p)
				return -ENOSPC;
			memset(p, 0, sizeof(*p));
			p->key = r.nsp;
			p->id = siphash_1u64((unsigned long)r.nsp, &nsi_id_key) &
				GENMASK_ULL(47, 0);
			p->count = r.nsp_count;
			for (i = 0; i < NSI_NROLES; i++) {
				if (i == NSI_R_PID || i == NSI_R_USER || !r.role[i])
					continue;
				p->inum[i] = r.role[i]->inum;
				p->role[i] = r.role[i];
				/* time and time_for_children are often the same */
				if (i != NSI_R_TIME_CHILDREN || r.role[i] != r.role[NSI_R_TIME])
					r.role[i]->nsproxies++;
			}
			hlist_add_head(&p->hnode, &s->nsp_hash[hash_ptr(r.nsp, s->hash_bits)]);
		}
		p->tasks++;
		rec->nsproxy = p->id;
	}
	for (i = 0; i < NSI_NROLES; i++) {
		int j;

		if (!r.role[i])
			continue;
		rec->inum[i] = r.role[i]->inum;
		for (j = 0; j < i; j++)
			if (r.role[j] == r.role[i])
				break;
		if (j == i)
			r.role[i]->tasks++;
	}
	return 0;
}

/* ---- open nsfs files and the net namespace list ----------------------------- */

static int nsi_fd_cb(const void *arg, struct file *f, unsigned int fd)
{
	struct nsi_snap *s = (struct nsi_snap *)arg;
	struct inode *inode = file_inode(f);
	struct nsi_ns *e;

	if (inode->i_sb->s_magic != NSFS_MAGIC)
		return 0;
	/* The open file pins the nsfs inode, which holds the namespace. */
	e = nsi_note(s, get_proc_ns(inode), NSI_VIA_FD);
	if (IS_ERR(e)) {
		s->resume_fd = fd;
		return PTR_ERR(e);
	}
	if (e)
		e->fds++;
	return 0;
}

/* Threads and CLONE_FILES children share one fd table: walk each once. */
static bool nsi_files_once(struct nsi_snap *s, struct files_struct *files)
{
	struct hlist_head *head = &s->files_hash[hash_ptr(files, s->hash_bits)];
	struct nsi_seen *e;

	hlist_for_each_entry(e, head, hnode)
		if (e->key == files)
			return false;
	e = nsi_pool_take(&s->seen);
	if (e) {
		e->key = files;
		hlist_add_head(&e->hnode, head);
	}
	return true;
}

static int nsi_walk_fds(struct nsi_snap *s, struct task_struct **ts)
{
	size_t i;
	int err;

	for (i = 0; i < s->ntasks; i++) {
		struct task_struct *t = ts[i];
		struct files_struct *files;
		u64 start;

		s->resume_fd = 0;
		err = nsi_pool_reserve(&s->seen, 1);
		if (err)
			return err;
		start = local_clock();
		task_lock(t);
		files = t->files;
		if (!files || !nsi_files_once(s, files)) {
			task_unlock(t);
			continue;
		}
		for (;;) {
			err = iterate_fd(files, s->resume_fd, nsi_fd_cb, s);
			task_unlock(t);
			nsi_hold_end(s, start);
			if (err != -ENOSPC)
				break;
			err = nsi_reserve(s);
			if (err)
				return err;
			start = local_clock();
			task_lock(t);
			/* The task may have exited or unshared its table meanwhile. */
			if (t->files != files) {
				task_unlock(t);
				break;
			}
		}
		if (err && err != -ENOSPC)
			return err;
	}
	return 0;
}

static int nsi_walk_netlist(struct nsi_snap *s)
{
	struct net *net;
	int err = 0;

	/* net_rwsem keeps every listed net, dying ones too, from being freed. */
	down_read(&net_rwsem);
	for_each_net(net) {
		struct nsi_ns *e;

		do {
			err = nsi_reserve(s);
			if (err)
				goto out;
			e = nsi_note(s, &net->ns, NSI_VIA_NETLIST);
		} while (e == ERR_PTR(-ENOSPC));
		if (IS_ERR(e)) {
			err = PTR_ERR(e);
			goto out;
		}
	}
out:
	up_read(&net_rwsem);
	return err;
}

/* The mount pins the nsfs inode, which holds the namespace. */
/*
 * The bind mounts changed while the walk was paused: it counts them again.
 * (A namespace it reached before keeps via=mount: it was held so then.)
 */
static void nsi_mount_restart(struct nsi_snap *s)
{
	size_t i;

	for (i = 0; i < s->ns.used; i++)
		((struct nsi_ns *)nsi_pool_at(&s->ns, i))->bindmounts = 0;
}

static int nsi_mount_cb(void *arg, struct ns_common *ns)
{
	struct nsi_snap *s = arg;
	struct nsi_ns *e = nsi_note(s, ns, NSI_VIA_MOUNT);

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
static int nsi_walk_visitor(struct nsi_snap *s, nsi_visit_fn_t visit, nsi_ns_fn_t cb,
			    void (*restart)(struct nsi_snap *s))
{
	struct nsi_visit_pos pos = { };
	u64 held;
	int err;

	do {
		err = nsi_reserve(s);
		if (err)
			return err;
		err = visit(cb, s, &pos, &held);
		s->max_hold_ns = max(s->max_hold_ns, held);
		if (err == -EAGAIN)
			restart(s);
		cond_resched();
	} while (err == -ENOSPC || err == -EAGAIN || err == 1);
	/* A visitor this kernel cannot have: the version file says why. */
	return err == -EOPNOTSUPP ? 0 : err;
}

/* Namespaces that nothing above reached: only the kernel's trees list them. */
static int nsi_nstree_cb(void *arg, struct ns_common *ns)
{
	struct nsi_snap *s = arg;
	struct nsi_ns *e;
	int type = nsi_type_of(ns);

	if (type < 0 || nsi_ns_find(s, type, ns->inum))
		return 0;
	e = nsi_note(s, ns, NSI_VIA_NSTREE);
	return IS_ERR(e) ? PTR_ERR(e) : 0;
}

/* ---- the snapshot --------------------------------------------------------------- */

static int nsi_ns_cmp(const void *a, const void *b)
{
	const struct nsi_ns *x = *(const struct nsi_ns **)a, *y = *(const struct nsi_ns **)b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return x->inum < y->inum ? -1 : x->inum > y->inum;
}

static int nsi_sort(struct nsi_snap *s)
{
	size_t i;

	s->ns_sorted = kvmalloc_array(s->ns.used ?: 1, sizeof(*s->ns_sorted), GFP_KERNEL_ACCOUNT);
	if (!s->ns_sorted)
		return -ENOMEM;
	for (i = 0; i < s->ns.used; i++)
		s->ns_sorted[i] = nsi_pool_at(&s->ns, i);
	sort(s->ns_sorted, s->ns.used, sizeof(*s->ns_sorted), nsi_ns_cmp, NULL);
	return 0;
}

static int nsi_collect(struct nsi_snap *s)
{
	struct task_struct **ts;
	size_t i;
	int err;

	err = nsi_grab_tasks(&ts, &s->ntasks);
	if (err)
		return err;
	s->hash_bits = clamp_t(unsigned int, ilog2(s->ntasks + 1) + 1, 8, 16);
	s->ns_hash = kvcalloc(3UL << s->hash_bits, sizeof(*s->ns_hash), GFP_KERNEL_ACCOUNT);
	s->tasks = kvcalloc(s->ntasks ?: 1, sizeof(*s->tasks), GFP_KERNEL_ACCOUNT);
	if (!s->ns_hash || !s->tasks) {
		err = -ENOMEM;
		goto out;
	}
	s->nsp_hash = s->ns_hash + (1UL << s->hash_bits);
	s->files_hash = s->nsp_hash + (1UL << s->hash_bits);

	for (i = 0; i < s->ntasks; i++) {
		do {
			err = nsi_reserve(s) ?:
			      nsi_pool_reserve(&s->nsp, 1);
			if (err)
				goto out;
			err = nsi_read_task(s, ts[i], &s->tasks[i]);
		} while (err == -ENOSPC);
		if (err)
			goto out;
		cond_resched();
	}
	err = nsi_walk_fds(s, ts) ?:
	      nsi_walk_visitor(s, nsi_visit_nsfs_mounts, nsi_mount_cb, nsi_mount_restart) ?:
	      nsi_walk_netlist(s) ?:
	      nsi_walk_visitor(s, nsi_visit_nstree, nsi_nstree_cb, NULL) ?:
	      nsi_sort(s);
out:
	for (i = 0; i < s->ntasks; i++)
		put_task_struct(ts[i]);
	kvfree(ts);
	return err;
}

static void nsi_snap_free(struct nsi_snap *s)
{
	if (IS_ERR_OR_NULL(s))
		return;
	nsi_pool_free(&s->ns);
	nsi_pool_free(&s->nsp);
	nsi_pool_free(&s->seen);
	kvfree(s->ns_hash);
	kvfree(s->tasks);
	kvfree(s->ns_sorted);
	kfree(s);
}

static struct nsi_snap *nsi_snap_take(void)
{
	u64 start = local_clock();
	struct nsi_snap *s;
	int err;

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->ns.size = sizeof(struct nsi_ns);
	s->nsp.size = sizeof(struct nsi_nsproxy);
	s->seen.size = sizeof(struct nsi_seen);
	s->ns.chunk = debug_tiny_pool ? 1 : NSI_CHUNK;
	s->nsp.chunk = NSI_CHUNK;
	s->seen.chunk = NSI_CHUNK;
	s->reserve = debug_tiny_pool ? 1 : NSI_RESERVE;
	err = nsi_collect(s);
	if (err) {
		nsi_snap_free(s);
		return ERR_PTR(err);
	}
	s->took_ns = local_clock() - start;
	s->bytes = sizeof(*s) + nsi_pool_bytes(&s->ns) + nsi_pool_bytes(&s->nsp) +
		   nsi_pool_bytes(&s->seen) + (3UL << s->hash_bits) * sizeof(*s->ns_hash) +
		   s->ntasks * sizeof(*s->tasks) + s->ns.used * sizeof(*s->ns_sorted);
	if (s->max_hold_ns > READ_ONCE(nsi_max_hold))
		WRITE_ONCE(nsi_max_hold, s->max_hold_ns);
	return s;
}

const char *nsi_snap_idle_tasks_why(void)
{
	return nsi_idle_threads ? NULL : nsi_idle_why;
}

/*
 * Files that one process holds open at the same time share one snapshot:
 * a reader that joins tasks, nsproxies and namespaces sees one moment of
 * the system, and pays for one walk of it instead of three.
 */
static LIST_HEAD(nsi_shared);
static DEFINE_MUTEX(nsi_shared_lock);
static atomic64_t nsi_snap_seq;

struct nsi_snap *nsi_snap_get(void)
{
	struct pid *me = task_tgid(current);
	struct nsi_snap *s;

	mutex_lock(&nsi_shared_lock);
	list_for_each_entry(s, &nsi_shared, shared) {
		if (s->owner == me) {
			s->users++;
			mutex_unlock(&nsi_shared_lock);
			return s;
		}
	}
	mutex_unlock(&nsi_shared_lock);

	/* Taken outside the mutex: other processes need not wait for it. */
	s = nsi_snap_take();
	if (IS_ERR(s))
		return s;
	s->owner = get_pid(me);
	s->users = 1;
	s->id = atomic64_inc_return(&nsi_snap_seq);
	mutex_lock(&nsi_shared_lock);
	list_add(&s->shared, &nsi_shared);
	mutex_unlock(&nsi_shared_lock);
	return s;
}

void nsi_snap_put(struct nsi_snap *s)
{
	bool last;

	mutex_lock(&nsi_shared_lock);
	last = !--s->users;
	if (last)
		list_del(&s->shared);
	mutex_unlock(&nsi_shared_lock);
	if (last) {
		put_pid(s->owner);
		nsi_snap_free(s);
	}
}

u64 nsi_snap_max_hold_ns(void)
{
	return READ_ONCE(nsi_max_hold);
}

/*
 * The boot CPU's idle thread is init_task (idle_thread_set_boot_cpu()):
 * finding it there proves the per-CPU offset before any pointer is followed.
 */
static const char *nsi_idle_check(struct task_struct * __percpu *idle)
{
	int cpu;

	if (!idle)
		return nsi_ksym_why(idle_threads);
	for_each_possible_cpu(cpu)
		if (READ_ONCE(*per_cpu_ptr(idle, cpu)) == &init_task)
			return NULL;
	return "idle_threads holds no CPU's init_task";
}

void nsi_snap_init(void)
{
	get_random_bytes(&nsi_id_key, sizeof(nsi_id_key));
	nsi_idle_why = nsi_idle_check(nsi_ksyms.idle_threads);
	if (!nsi_idle_why)
		nsi_idle_threads = nsi_ksyms.idle_threads;
}
