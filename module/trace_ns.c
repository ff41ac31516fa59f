// SPDX-License-Identifier: GPL-2.0
/*
 * The tracer's namespace targets: one wide breakpoint (a debug register on
 * every CPU) on the namespace's reference count.
 *
 * The tracer takes no reference on what it watches, so the counts it
 * explains are the real ones: the namespace is found under what pins it
 * (net_rwsem for the net list, task_lock and RCU for what tasks use), the
 * watchpoint armed, then the lookup redone to check that the address still
 * is that namespace (and, from 6.18, the same ns_id).
 */
#include <linux/cgroup.h>
#include <linux/hw_breakpoint.h>
#include <linux/ipc_namespace.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/time_namespace.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <linux/utsname.h>
#include <net/net_namespace.h>

#include "compat.h"
#include "net_list.h"
#include "rcu_section.h"
#include "trace_internal.h"

static void nsi_trace_hit(struct perf_event *bp, struct perf_sample_data *data,
			  struct pt_regs *regs)
{
	struct nsi_trace_obj *o = bp->overflow_handler_context;
	int now, prev;

	if (atomic_read(&o->dead))
		return;
	if (copy_from_kernel_nofault(&now, o->word, sizeof(now)))
		return;
	prev = atomic_xchg(&o->last, now);
	if (now == prev) {
		/* A failed cmpxchg (refcount_inc_not_zero) writes too. */
		atomic_inc(&o->nochange);
		return;
	}
	nsi_trace_record(o, regs, now - prev, now);
	/* Being freed (0), or saturated by refcount_warn_saturate() (< 0). */
	if (now <= 0)
		nsi_trace_died(o, now ? 2 : 1);
}

static struct ns_common *nsi_trace_match(struct ns_common *ns, unsigned int inum)
{
	return ns && ns->inum == inum ? ns : NULL;
}

static struct ns_common *nsi_trace_pid_chain(struct pid_namespace *p, unsigned int inum)
{
	for (; p; p = p->parent)
		if (p->ns.inum == inum)
			return &p->ns;
	return NULL;
}

static struct ns_common *nsi_trace_user_chain(struct user_namespace *u, unsigned int inum)
{
	for (; u; u = u->parent)
		if (u->ns.inum == inum)
			return &u->ns;
	return NULL;
}

/*
 * Under task_lock(t) and RCU: the namespace of that type and inum that t
 * uses, or that an ancestor of one t uses is (pid, user). t's nsproxy, cred
 * and struct pid pin them all.
 */
static struct ns_common *nsi_trace_in_task(struct task_struct *t, enum nsi_type type,
					   unsigned int inum)
{
	struct nsproxy *nsp = t->nsproxy;
	struct ns_common *ns = NULL;

	switch (type) {
	case NSI_USER:
		return nsi_trace_user_chain(__task_cred(t)->user_ns, inum);
	case NSI_PID:
		ns = nsi_trace_pid_chain(task_active_pid_ns(t), inum);
		if (!ns && nsp)
			ns = nsi_trace_pid_chain(nsp->pid_ns_for_children, inum);
		return ns;
	default:
		break;
	}
	if (!nsp)
		return NULL;
	switch (type) {
	case NSI_MNT:
		return nsp->mnt_ns ? nsi_trace_match(nsi_mnt_ns_common(nsp->mnt_ns), inum) : NULL;
	case NSI_UTS:
		return nsp->uts_ns ? nsi_trace_match(&nsp->uts_ns->ns, inum) : NULL;
	case NSI_IPC:
		return nsp->ipc_ns ? nsi_trace_match(&nsp->ipc_ns->ns, inum) : NULL;
	case NSI_NET:
		return nsp->net_ns ? nsi_trace_match(&nsp->net_ns->ns, inum) : NULL;
	case NSI_CGROUP:
		return nsp->cgroup_ns ? nsi_trace_match(&nsp->cgroup_ns->ns, inum) : NULL;
	case NSI_TIME:
		if (nsp->time_ns)
			ns = nsi_trace_match(&nsp->time_ns->ns, inum);
		if (!ns && nsp->time_ns_for_children)
			ns = nsi_trace_match(&nsp->time_ns_for_children->ns, inum);
		return ns;
	default:
		return NULL;
	}
}

/*
 * What a lookup found, under the lock that pins the namespace: its count's
 * word and value. No reference is taken, so the address is good only while
 * that lock is held: afterwards it is only ever compared, or read with
 * copy_from_kernel_nofault().
 */
struct nsi_trace_found {
	refcount_t *word;	/* NULL: not found */
	int count;
	bool counted;
	u64 id;			/* ns_id where the kernel has one (6.18+), else 0 */
};

static void nsi_trace_found_ns(struct nsi_trace_found *f, struct ns_common *ns)
{
	f->word = nsi_ns_ref_word(ns);
	f->count = refcount_read(f->word);
	f->counted = nsi_ns_counted(ns);
#ifdef NSI_HAVE_NS_ID
	f->id = nsi_ns_id(ns);
#else
	f->id = 0;
#endif
}

struct nsi_net_lookup {
	unsigned int inum;
	struct nsi_trace_found *f;
};

/* Under net_rwsem, which keeps every listed net, dying ones too. */
static int nsi_trace_net_cb(void *arg, struct net *net)
{
	struct nsi_net_lookup *look = arg;

	if (net->ns.inum != look->inum)
		return 0;
	nsi_trace_found_ns(look->f, &net->ns);
	return 1;
}

/* Threads looked at per RCU section of a lookup, as the snapshot's grab. */
#define NSI_TRACE_TASK_BATCH 256

/*
 * The namespace of this type and inum, found where it is held: the net
 * list, then each thread's nsproxy and creds, by pid number, a bounded
 * batch per RCU section. Takes no reference; returns 0, -ESRCH when none is
 * found, or why the net list could not be read (-EINTR, -EAGAIN).
 */
static int nsi_trace_lookup(enum nsi_type type, unsigned int inum, struct nsi_trace_found *f)
{
	struct task_struct *t;
	struct ns_common *ns;
	bool done = false;
	int nr = 1;
	u64 start;

	f->word = NULL;
	if (type == NSI_NET) {
		struct nsi_net_lookup look = { .inum = inum, .f = f };
		u64 held;
		int err = nsi_walk_nets(nsi_trace_net_cb, NULL, &look, &held);

		nsi_trace_max_hold = max(nsi_trace_max_hold, held);
		if (err)
			return err;
		if (f->word)
			return 0;
	}
	while (!done && !f->word) {
		unsigned int batch;

		nsi_rcu_enter();
		start = local_clock();
		for (batch = 0; batch < NSI_TRACE_TASK_BATCH && !f->word; batch++) {
			struct pid *pid = find_ge_pid(nr, &init_pid_ns);

			if (!pid) {
				done = true;
				break;
			}
			nr = pid_nr(pid) + 1;
			t = pid_task(pid, PIDTYPE_PID);
			if (!t)
				continue;
			task_lock(t);
			ns = nsi_trace_in_task(t, type, inum);
			if (ns)
				nsi_trace_found_ns(f, ns);
			task_unlock(t);
		}
		nsi_trace_held(start);
		nsi_rcu_exit();
		cond_resched();
	}
	return f->word ? 0 : -ESRCH;
}

/*
 * Arm a namespace's watch: one wide breakpoint on its count. A namespace
 * armed at birth (@b) must still be the one born; its count then starts at
 * 0, the birth being its first get.
 */
int nsi_trace_watch_ns(struct nsi_trace_obj *o, const struct nsi_trace_born *b)
{
	const char *tname = nsi_type_name[o->type];
	struct perf_event * __percpu *bp;
	struct perf_event_attr attr;
	struct nsi_trace_found f, again;
	int err = nsi_trace_lookup(o->type, o->inum, &f);

	if (err == -ESRCH)
		return nsi_trace_fail(-ESRCH,
				      "no %s namespace %u reached by a task or the net list",
				      tname, o->inum);
	if (err)
		return nsi_trace_fail(err, "the net list could not be read: error %d", err);
	/* A net stays listed with count 0 until cleanup_net() frees it. */
	if (f.counted && f.count <= 0)
		return nsi_trace_fail(-ESRCH, "%s namespace %u is being freed", tname, o->inum);
	/* 6.19+: the initial namespaces' counts never move. */
	if (!f.counted)
		return nsi_trace_fail(-EINVAL,
				      "the kernel counts no references to %s namespace %u (an initial one)",
				      tname, o->inum);
	if (b && f.word != nsi_ns_ref_word(&b->net->ns))
		return nsi_trace_fail(-ESRCH, "net namespace %u is not the one born", o->inum);
	o->word = f.word;
	o->initial = b ? 0 : f.count;
	o->unseen = b ? f.count - b->hit.value : 0;
	atomic_set(&o->last, f.count);

	hw_breakpoint_init(&attr);
	attr.bp_addr = (unsigned long)f.word;
	attr.bp_len = HW_BREAKPOINT_LEN_4;
	attr.bp_type = HW_BREAKPOINT_W;
	bp = register_wide_hw_breakpoint(&attr, nsi_trace_hit, o);
	if (IS_ERR_OR_NULL((void __force *)bp))
		/* NULL: a kernel without CONFIG_HAVE_HW_BREAKPOINT. */
		return bp ? PTR_ERR((void __force *)bp) : -EOPNOTSUPP;
	/* A handler that saw it die before this store left the disarm to us. */
	smp_store_release(&o->bp, bp);
	if (atomic_read_acquire(&o->dead))
		schedule_work(&o->disarm);

	/*
	 * Armed on what was that namespace: is it still, and alive? Another
	 * may have taken its memory and inum meanwhile; where the kernel has
	 * ns_id, which is never reused, that tells them apart.
	 */
	err = nsi_trace_lookup(o->type, o->inum, &again);
	if (err && err != -ESRCH)
		return nsi_trace_fail(err, "the net list could not be read: error %d", err);
	if (err || again.word != f.word || again.id != f.id || again.count <= 0)
		return nsi_trace_fail(-ESRCH, "%s namespace %u went away while being armed",
				      tname, o->inum);
	return 0;
}
