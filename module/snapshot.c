// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshots of tasks, nsproxies and namespaces: capture.c copies what the
 * kernel holds, under its locks; this file counts it afterwards, sorts it,
 * and shares one snapshot among the files one process holds open.
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

#include "capture.h"
#include "ksyms.h"

#define NSI_CHUNK 256

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

/*
 * Count what task t uses, exactly once per task, after its capture: its
 * nsproxy (recorded once), and each namespace once whatever its roles.
 */
static int nsi_account_task(struct nsi_walk *w, struct nsi_task_refs *r, struct nsi_task *rec)
{
	struct nsi_snap *s = w->s;
	int i, err;

	err = nsi_pool_reserve(&w->seen, 5);
	if (err)
		return err;
	for (i = 0; i < 2; i++) {
		if (!r->cred[i] || !nsi_seen_first(w, r->cred[i]))
			continue;
		r->cred_ns[i]->creds++;
		if (r->ucounts[i] && nsi_seen_first(w, r->ucounts[i]))
			r->cred_ns[i]->ucounts++;
	}
	if (r->mm && nsi_seen_first(w, r->mm))
		r->mm_ns->mms++;

	if (r->nsp) {
		struct nsi_nsproxy *p = r->rec;

		if (!p) {
			p = nsi_pool_take(&s->nsp);
			if (!p)
				return -ENOSPC;
			memset(p, 0, sizeof(*p));
			p->key = r->nsp;
			p->id = siphash_1u64((unsigned long)r->nsp, &nsi_id_key) &
				GENMASK_ULL(47, 0);
			p->count = r->nsp_count;
			for (i = 0; i < NSI_NROLES; i++) {
				if (i == NSI_R_PID || i == NSI_R_USER || !r->role[i])
					continue;
				p->inum[i] = r->role[i]->inum;
				p->role[i] = r->role[i];
				/* time and time_for_children are often the same */
				if (i != NSI_R_TIME_CHILDREN || r->role[i] != r->role[NSI_R_TIME])
					r->role[i]->nsproxies++;
			}
			hlist_add_head(&p->hnode, &s->nsp_hash[hash_ptr(r->nsp, s->hash_bits)]);
		}
		p->tasks++;
		rec->nsproxy = p->id;
	}
	for (i = 0; i < NSI_NROLES; i++) {
		int j;

		if (!r->role[i])
			continue;
		rec->inum[i] = r->role[i]->inum;
		for (j = 0; j < i; j++)
			if (r->role[j] == r->role[i])
				break;
		if (j == i)
			r->role[i]->tasks++;
	}
	return 0;
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

static int nsi_collect(struct nsi_walk *w)
{
	struct nsi_snap *s = w->s;
	struct task_struct **ts;
	size_t i;
	int err;

	err = nsi_grab_tasks(w, &ts, &s->ntasks);
	if (err)
		return err;
	s->hash_bits = clamp_t(unsigned int, ilog2(s->ntasks + 1) + 1, 8, 16);
	s->ns_hash = kvcalloc(2UL << s->hash_bits, sizeof(*s->ns_hash), GFP_KERNEL_ACCOUNT);
	w->seen_hash = kvcalloc(2UL << s->hash_bits, sizeof(*w->seen_hash), GFP_KERNEL_ACCOUNT);
	s->tasks = kvcalloc(s->ntasks ?: 1, sizeof(*s->tasks), GFP_KERNEL_ACCOUNT);
	if (!s->ns_hash || !w->seen_hash || !s->tasks) {
		err = -ENOMEM;
		goto out;
	}
	s->nsp_hash = s->ns_hash + (1UL << s->hash_bits);

	for (i = 0; i < s->ntasks; i++) {
		struct nsi_task_refs r;

		do {
			err = nsi_reserve(w) ?: nsi_pool_reserve(&s->nsp, 1);
			if (err)
				goto out;
			memset(&r, 0, sizeof(r));
			err = nsi_capture_task(w, ts[i], &s->tasks[i], &r);
		} while (err == -ENOSPC);
		if (!err)
			err = nsi_account_task(w, &r, &s->tasks[i]);
		if (err)
			goto out;
		cond_resched();
	}
	err = nsi_capture_lazy_mms(w) ?: nsi_capture_rest(w, ts) ?: nsi_count_ns_ucounts(w) ?:
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
	nsi_pool_free(&s->holders);
	kvfree(s->ns_hash);
	kvfree(s->tasks);
	kvfree(s->ns_sorted);
	kfree(s);
}

static struct nsi_snap *nsi_snap_take(void)
{
	u64 start = local_clock();
	struct nsi_walk *w;
	struct nsi_snap *s;
	int err;

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	w = kzalloc(sizeof(*w), GFP_KERNEL_ACCOUNT);
	if (!s || !w) {
		kfree(s);
		kfree(w);
		return ERR_PTR(-ENOMEM);
	}
	s->ns.size = sizeof(struct nsi_ns);
	s->nsp.size = sizeof(struct nsi_nsproxy);
	s->holders.size = sizeof(struct nsi_holder);
	s->holders.chunk = debug_tiny_pool ? 1 : NSI_CHUNK;
	s->ns.chunk = debug_tiny_pool ? 1 : NSI_CHUNK;
	s->nsp.chunk = NSI_CHUNK;
	w->s = s;
	w->idle_threads = nsi_idle_threads;
	w->seen.size = sizeof(struct nsi_seen);
	w->seen.chunk = NSI_CHUNK;
	w->reserve = debug_tiny_pool ? 1 : NSI_RESERVE;
	err = nsi_collect(w);
	nsi_pool_free(&w->seen);
	kvfree(w->seen_hash);
	kfree(w);
	if (err) {
		nsi_snap_free(s);
		return ERR_PTR(err);
	}
	s->took_ns = local_clock() - start;
	s->bytes = sizeof(*s) + nsi_pool_bytes(&s->ns) + nsi_pool_bytes(&s->nsp) +
		   nsi_pool_bytes(&s->holders) +
		   (2UL << s->hash_bits) * sizeof(*s->ns_hash) +
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
