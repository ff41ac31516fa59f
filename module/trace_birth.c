// SPDX-License-Identifier: GPL-2.0
/*
 * "watch new net": net namespaces watched from their birth. A breakpoint on
 * the net list head's prev pointer traps when setup_net() adds a namespace
 * (it links the new tail to the head before the head to it; a removal
 * writes the head first). The handler keeps the creator's stack as the
 * birth, and its namespace is armed in process context as the creator
 * returns to user space (task_work), before the next instruction of a
 * task that unshare()d. A task_work runs module code, so each pending one
 * holds a module reference, and unloading waits out the return from it
 * with synchronize_rcu_tasks().
 */
#include <linux/hw_breakpoint.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/sched/task.h>
#include <linux/task_work.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <net/flow.h>
#include <net/net_namespace.h>

#include "compat.h"
#include "trace_internal.h"

struct nsi_trace_births nsi_birth;

/*
 * A write to net_namespace_list.prev: setup_net() adding a namespace, or
 * cleanup_net() removing the last one. list_add_tail_rcu() links the new
 * tail to the head before it points the head at it; list_del_rcu() points
 * the head at the new tail before it unlinks the old one. So the tail is
 * new when its next is already the head.
 */
static void nsi_trace_birth_hit(struct perf_event *bp, struct perf_sample_data *data,
				struct pt_regs *regs)
{
	struct list_head *head = &net_namespace_list, *tail = READ_ONCE(head->prev), *next;
	struct nsi_trace_born *b;
	int slot, count = 0;

	if (tail == head || copy_from_kernel_nofault(&next, &tail->next, sizeof(next)) ||
	    next != head)
		return;
	atomic_inc(&nsi_birth.seen);
	slot = atomic_read(&nsi_birth.next) < NSI_TRACE_BIRTHS ?
		atomic_inc_return(&nsi_birth.next) - 1 : NSI_TRACE_BIRTHS;
	if (slot >= NSI_TRACE_BIRTHS) {
		atomic_inc(&nsi_birth.missed);
		return;
	}
	/* Counted from here, so that no new watch resets the slot under us. */
	atomic_inc(&nsi_birth.pending);
	b = &nsi_birth.born[slot];
	b->net = list_entry(tail, struct net, list);
	if (copy_from_kernel_nofault(&b->inum, &b->net->ns.inum, sizeof(b->inum)) ||
	    copy_from_kernel_nofault(&count, nsi_ns_ref_word(&b->net->ns), sizeof(count)))
		b->inum = 0;
	/* The creator: the task_work that arms its namespace runs in it. */
	b->task = get_task_struct(current);
	nsi_trace_fill(&b->hit, regs, count, count, ktime_get_mono_fast_ns());
	irq_work_queue(&nsi_birth.iw);
}

/*
 * Arm a born namespace, and its loopback device, in process context; drops
 * the creator. setup_net() registered lo before it listed the net: lo's
 * gets until now are in its initial count, and the dev_hold() that keeps
 * the net from dying later is seen.
 */
static void nsi_trace_birth_arm(struct nsi_trace_born *b)
{
	struct nsi_trace_req net = { .tname = "net", .inum = b->inum, .b = b };
	struct nsi_trace_req lo = { .tname = "netdev", .inum = b->inum,
				    .ifindex = LOOPBACK_IFINDEX, .born = true };
	char err[sizeof(nsi_trace_err)];

	mutex_lock(&nsi_trace_lock);
	/* error= says why the last write failed, not why a birth was missed. */
	memcpy(err, nsi_trace_err, sizeof(err));
	if (READ_ONCE(nsi_birth.bp) && b->inum && !nsi_trace_watch(&net)) {
		atomic_inc(&nsi_birth.watched);
		if (!nsi_trace_watch(&lo))
			atomic_inc(&nsi_birth.devs);
		else
			atomic_inc(&nsi_birth.devs_missed);
	} else {
		atomic_inc(&nsi_birth.missed);
	}
	memcpy(nsi_trace_err, err, sizeof(err));
	mutex_unlock(&nsi_trace_lock);
	put_task_struct(b->task);
	atomic_dec(&nsi_birth.pending);
}

static void nsi_trace_birth_cb(struct callback_head *cb)
{
	nsi_trace_birth_arm(container_of(cb, struct nsi_trace_born, cb));
	/* Unloading waits out the return from here: synchronize_rcu_tasks(). */
	module_put(THIS_MODULE);
}

static void nsi_trace_birth_work(struct work_struct *work)
{
	nsi_trace_birth_arm(container_of(work, struct nsi_trace_born, work));
}

/*
 * Hand each birth recorded to its creator, to arm as it returns to user
 * space; one that cannot take a task_work (a kernel thread, exiting, or
 * the module going) is armed from a worker. Any CPU's irq_work may run
 * this: each birth is dispatched once.
 */
static void nsi_trace_birth_irq(struct irq_work *iw)
{
	unsigned int i, n = min(atomic_read(&nsi_birth.next), NSI_TRACE_BIRTHS);

	for (i = 0; i < n; i++) {
		struct nsi_trace_born *b = &nsi_birth.born[i];

		/* Pairs with nsi_trace_fill()'s release: the birth is whole. */
		if (!smp_load_acquire(&b->hit.ready) || atomic_xchg(&b->dispatched, 1))
			continue;
		/* A kernel thread never returns to user space to run a task_work. */
		if (!(b->task->flags & PF_KTHREAD) && try_module_get(THIS_MODULE)) {
			init_task_work(&b->cb, nsi_trace_birth_cb);
			if (!task_work_add(b->task, &b->cb, TWA_RESUME))
				continue;
			module_put(THIS_MODULE);
		}
		schedule_work(&b->work);
	}
}

/* Then no handler runs, and every birth it saw is dispatched. */
void nsi_trace_birth_disarm(void)
{
	struct perf_event * __percpu *bp = xchg(&nsi_birth.bp, NULL);

	if (bp) {
		atomic_inc(&nsi_trace_leaving);
		unregister_wide_hw_breakpoint(bp);
		atomic_dec(&nsi_trace_leaving);
	}
	irq_work_sync(&nsi_birth.iw);
}

/* "watch new net", under nsi_trace_lock. */
int nsi_trace_watch_new(const char *tname)
{
	struct perf_event * __percpu *bp;
	struct perf_event_attr attr;
	int i;

	nsi_trace_err[0] = '\0';
	if (strcmp(tname, "net"))
		return nsi_trace_fail(-EINVAL,
				      "only net namespaces are watched from birth, not %s", tname);
	if (nsi_birth.bp)
		return nsi_trace_fail(-EEXIST, "new net namespaces are already watched");
	if (atomic_read(&nsi_birth.pending))
		return nsi_trace_fail(-EBUSY, "the last watch's births are still being armed");
	if (nsi_trace_armed() >= NSI_TRACE_REGS)
		return nsi_trace_fail(-EBUSY,
				      "all %d debug registers are in use by watches: write stop first",
				      NSI_TRACE_REGS);
	/* Nothing refers to the slots now: none is pending, the breakpoint is off. */
	for (i = 0; i < NSI_TRACE_BIRTHS; i++) {
		nsi_birth.born[i].hit.ready = 0;
		atomic_set(&nsi_birth.born[i].dispatched, 0);
	}
	atomic_set(&nsi_birth.next, 0);
	atomic_set(&nsi_birth.seen, 0);
	atomic_set(&nsi_birth.missed, 0);
	atomic_set(&nsi_birth.watched, 0);
	atomic_set(&nsi_birth.devs, 0);
	atomic_set(&nsi_birth.devs_missed, 0);
	nsi_birth.hotplug_gen = atomic_read(&nsi_trace_hotplug);

	hw_breakpoint_init(&attr);
	attr.bp_addr = (unsigned long)&net_namespace_list.prev;
	attr.bp_len = HW_BREAKPOINT_LEN_8;
	attr.bp_type = HW_BREAKPOINT_W;
	bp = register_wide_hw_breakpoint(&attr, nsi_trace_birth_hit, NULL);
	if (IS_ERR_OR_NULL((void __force *)bp)) {
		int err = bp ? PTR_ERR((void __force *)bp) : -EOPNOTSUPP;

		return nsi_trace_fail(err == -ENOSPC ? -EBUSY : err,
				      "cannot register a data watchpoint on the net list: error %d",
				      err);
	}
	nsi_birth.used = true;
	nsi_birth.shown = true;
	WRITE_ONCE(nsi_birth.bp, bp);
	return 0;
}

void nsi_trace_births_init(void)
{
	unsigned int i;

	init_irq_work(&nsi_birth.iw, nsi_trace_birth_irq);
	for (i = 0; i < NSI_TRACE_BIRTHS; i++)
		INIT_WORK(&nsi_birth.born[i].work, nsi_trace_birth_work);
}

/*
 * No birth waits for its task_work: each holds a module reference. Those
 * handed to workers are flushed; they may still arm a watch.
 */
void nsi_trace_births_exit(void)
{
	unsigned int i;

	mutex_lock(&nsi_trace_lock);
	nsi_trace_birth_disarm();
	mutex_unlock(&nsi_trace_lock);
	for (i = 0; i < NSI_TRACE_BIRTHS; i++)
		flush_work(&nsi_birth.born[i].work);
	/* A task_work that dropped the last reference may not have returned yet. */
	if (nsi_birth.used)
		synchronize_rcu_tasks();
}
