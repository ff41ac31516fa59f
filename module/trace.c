// SPDX-License-Identifier: GPL-2.0
/*
 * The reference tracer: who takes and who drops references to one namespace.
 *
 * get_net(), get_user_ns() and most other get/put helpers are inline, so no
 * probe on a function sees them. A data watchpoint does: a wide hardware
 * breakpoint (one debug register on every CPU) on the namespace's reference
 * count traps after every write to it, in the writer's context, whatever
 * code wrote it. The handler runs in the debug exception, which is NMI-like:
 * it reads the counter without faulting, tells a get from a put by comparing
 * it with the last value seen, saves the call stack into a ring allocated
 * when the watch was armed, and returns. Stacks are deduplicated and
 * symbolized only when the ledger is read, in process context.
 *
 * The tracer takes no reference on what it watches, so the counts it
 * explains are the real ones: the namespace is found under the locks that
 * pin it (net_rwsem for the net list, task_lock and RCU for what tasks
 * use), the watchpoint armed, then the lookup redone to check that the
 * address still is that namespace. Once the count reaches 0 the namespace
 * is being freed: every later hit is ignored (the memory may be reused; the
 * handler only ever reads it with copy_from_kernel_nofault()), and the
 * watchpoint is removed from process context through irq_work and a work
 * item, since unregistering sleeps.
 *
 * A mount's counts are per CPU (struct mnt_pcp): each CPU writes only its
 * own slot, with this_cpu_inc(). So a mount is watched with one breakpoint
 * per online CPU on that CPU's slot (perf_event_create_kernel_counter(), as
 * register_wide_hw_breakpoint() does for one address), and each hit's delta
 * is exact: no other CPU writes that slot. The mount is found by id under
 * mount_lock (mount_walk.c), like the namespaces without a reference, and
 * it is being freed when the running sum of its references reaches 0 once
 * it has left its namespace (nsi_trace_mnt_zero()).
 *
 * "watch new net" watches net namespaces from their birth: a breakpoint on
 * the net list head's prev pointer traps when setup_net() adds a namespace
 * (it links the new tail to the head before the head to it; a removal
 * writes the head first). The handler keeps the creator's stack as the
 * birth, and its namespace is armed in process context as the creator
 * returns to user space (task_work), before the next instruction of a
 * task that unshare()d. A task_work runs module code, so each pending one
 * holds a module reference, and unloading waits out the return from it
 * with synchronize_rcu_tasks().
 *
 * Nothing is armed until "watch" is written to trace_control, and unloading
 * disarms everything.
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/hw_breakpoint.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/irq_work.h>
#include <linux/kallsyms.h>
#include <linux/ipc_namespace.h>
#include <linux/cgroup.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/perf_event.h>
#include <linux/pid_namespace.h>
#include <linux/rtnetlink.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/task_work.h>
#include <linux/security.h>
#include <linux/smp.h>
#include <linux/sort.h>
#include <linux/stacktrace.h>
#include <linux/time_namespace.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>
#include <net/net_namespace.h>

#include "compat.h"
#include "format.h"
#include "ksyms.h"
#include "mount_walk.h"
#include "snapshot.h"
#include "trace.h"

#define NSI_TRACE_USAGE "watch TYPE INUM | watch mount ID [writers] | watch new net | " \
	"stop [TYPE NUM | new] | clear [TYPE NUM | new]"

/* Ledgers kept at once; together they use at most nsi_trace_regs registers. */
#define NSI_TRACE_OBJS		16
/*
 * x86 has 4 debug registers per CPU, which ptrace and perf share: the
 * watches take 3 at most unless told, so that a gdb watchpoint or a perf
 * breakpoint set on the machine meanwhile still finds one.
 */
static unsigned int trace_regs = HBP_NUM - 1;
module_param(trace_regs, uint, 0600);
MODULE_PARM_DESC(trace_regs, "debug registers the tracer may take on each CPU (default: all but one)");
#define NSI_TRACE_REGS		clamp_t(unsigned int, READ_ONCE(trace_regs), 1, HBP_NUM)
/* Test only: ms between arming a mount's breakpoints and reading its slots. */
static unsigned int debug_arm_delay_ms;
module_param(debug_arm_delay_ms, uint, 0600);
MODULE_PARM_DESC(debug_arm_delay_ms, "test only: delay between arming a mount and reading it");
/* A mount's watched words of struct mnt_pcp: at most 3, in 2 registers. */
#define NSI_TRACE_MNT_WORDS	3
/* The object type of a mount: after the namespace types. */
#define NSI_TRACE_MOUNT		NSI_NTYPES
/* Frames kept per hit: the exception's own (about 8) and the writer's. */
#define NSI_TRACE_DEPTH		32
/* Hits kept per object; later ones are counted as drops. */
#define NSI_TRACE_RING		4096
/* Net namespaces born per "watch new net"; later ones are counted as missed. */
#define NSI_TRACE_BIRTHS	16

struct nsi_trace_hit {
	u64 time;			/* ns since the watch was armed */
	int delta;			/* counter change: > 0 a get, < 0 a put */
	int value;			/* the counter after it */
	pid_t pid;
	unsigned long ip;		/* the writer's, where the exception came in */
	unsigned int nr;		/* valid entries */
	char comm[TASK_COMM_LEN];
	unsigned long entries[NSI_TRACE_DEPTH];
	int ready;			/* written last, with release */
};

/* A mount's words on one CPU, as last seen there. */
struct nsi_trace_slot {
	int count;			/* up to 7.1 */
	unsigned int gets, puts;	/* 7.2 */
	int writers;
	bool synced;			/* read on that CPU since it was armed */
};

struct nsi_trace_obj {
	bool used;
	bool published;			/* what the ledger shows is set: readers may look */
	unsigned int id;		/* object=ID in the ledger */
	int type;			/* enum nsi_type, or NSI_TRACE_MOUNT */
	unsigned int inum;		/* a mount's: its id */
	bool writers;			/* a mount's mnt_writers rather than its references */
	bool born;			/* armed at its birth: ring[0] is the birth */
	unsigned int regs;		/* debug registers it takes on each CPU */
	refcount_t *word;		/* never dereferenced: read nofault */
	struct perf_event * __percpu *bp;	/* NULL once disarmed */
	/* A mount's, per CPU: breakpoints (NULL once disarmed), words last seen. */
	struct nsi_mnt_counters mc;
	struct perf_event **cpu_bp;
	struct nsi_trace_slot *slots;
	u64 armed_at;			/* a born one's: its birth */
	int initial;
	int unseen;			/* a born one's count change between birth and arming */
	atomic_t last;			/* the counter's last value seen (a mount's: sum) */
	atomic_t refs;			/* a mount's references: the sum of its slots */
	atomic_t dead;			/* the count reached 0, or saturated (< 0) */
	atomic_t next;			/* ring slots claimed */
	atomic_t drops, gets, puts, nochange;
	atomic_t ambiguous;		/* hits that moved it by other than 1 */
	unsigned int hotplug_gen;	/* nsi_trace_hotplug when armed */
	atomic64_t freed_at;
	struct nsi_trace_hit *ring;
	struct irq_work iw;
	struct work_struct disarm;
};

/*
 * nsi_trace_lock orders what changes the watches (trace_control, a birth
 * being armed, hotplug); nsi_trace_read_lock, taken inside it, keeps a
 * ledger from being freed while the trace file formats it, so that a
 * reader sorting and symbolizing never holds up a birth being armed as its
 * creator returns to user space.
 */
static DEFINE_MUTEX(nsi_trace_lock);
static DEFINE_MUTEX(nsi_trace_read_lock);
static struct nsi_trace_obj nsi_trace_objs[NSI_TRACE_OBJS];

/* A net namespace seen born, until it is armed. */
struct nsi_trace_born {
	struct nsi_trace_hit hit;	/* the birth; time is absolute */
	struct net *net;		/* compared, never followed */
	unsigned int inum;		/* 0: unreadable */
	struct task_struct *task;	/* the creator, with a reference */
	atomic_t dispatched;
	struct callback_head cb;	/* arms it as the creator returns to user space */
	struct work_struct work;	/* or from a worker, when that cannot be */
};

/* "watch new net": one breakpoint, and the births it saw. */
static struct {
	struct perf_event * __percpu *bp;	/* NULL once disarmed */
	bool shown;			/* armed since the last clear */
	bool used;			/* armed since load */
	atomic_t next;			/* slots claimed */
	atomic_t seen, missed;		/* births; those not watched */
	atomic_t watched;
	atomic_t pending;		/* dispatched, not yet armed */
	unsigned int hotplug_gen;	/* nsi_trace_hotplug when armed */
	struct irq_work iw;
	struct nsi_trace_born born[NSI_TRACE_BIRTHS];
} nsi_birth;
static unsigned int nsi_trace_ids;
static char nsi_trace_err[160];
/* The longest lock or RCU section of a lookup, since load. */
static u64 nsi_trace_max_hold;
/*
 * Bumped when a CPU goes offline or comes online: the CPUs online when a
 * watch was armed are the ones armed, and a CPU coming online is not, so a
 * watch armed before is incomplete from then on, and is stopped.
 */
static atomic_t nsi_trace_hotplug = ATOMIC_INIT(0);
static int nsi_trace_hp = -1;

/* ---- the debug exception ------------------------------------------------ */

/* A hit: the writer, its stack, and what it did. */
static void nsi_trace_fill(struct nsi_trace_hit *h, struct pt_regs *regs, int delta, int value,
			   u64 time)
{
	h->time = time;
	h->delta = delta;
	h->value = value;
	h->pid = current->pid;
	h->ip = instruction_pointer(regs);
	memcpy(h->comm, current->comm, sizeof(h->comm));
	h->comm[sizeof(h->comm) - 1] = '\0';
	h->nr = stack_trace_save(h->entries, NSI_TRACE_DEPTH, 0);
	/* Pairs with the ledger's smp_load_acquire(): the hit is whole. */
	smp_store_release(&h->ready, 1);
}

/* Count one change of the counter by delta, to value, and keep its stack. */
static void nsi_trace_record(struct nsi_trace_obj *o, struct pt_regs *regs, int delta,
			     int value)
{
	int slot;

	if (delta > 0)
		atomic_add(delta, &o->gets);
	else
		atomic_sub(delta, &o->puts);
	/* Another CPU's write came between: the stack may be credited wrongly. */
	if (delta != 1 && delta != -1)
		atomic_inc(&o->ambiguous);

	slot = atomic_read(&o->next) < NSI_TRACE_RING ? atomic_inc_return(&o->next) - 1 :
		NSI_TRACE_RING;
	if (slot >= NSI_TRACE_RING) {
		atomic_inc(&o->drops);
		return;
	}
	nsi_trace_fill(&o->ring[slot], regs, delta, value, ktime_get_mono_fast_ns() - o->armed_at);
}

/* Ignore whatever writes the memory next; state 1: freed, 2: saturated. */
static void nsi_trace_died(struct nsi_trace_obj *o, int state)
{
	atomic64_set(&o->freed_at, ktime_get_mono_fast_ns() - o->armed_at);
	atomic_set_release(&o->dead, state);
	irq_work_queue(&o->iw);
}

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

/* A mount's words on @cpu, read nofault: the memory may be freed already. */
static int nsi_trace_mnt_read(const struct nsi_trace_obj *o, int cpu, struct nsi_trace_slot *s)
{
	const char *p = (const char *)per_cpu_ptr(o->mc.pcp, cpu);

	if (o->mc.off_count >= 0) {
		if (copy_from_kernel_nofault(&s->count, p + o->mc.off_count, sizeof(int)))
			return -EFAULT;
	} else if (copy_from_kernel_nofault(&s->gets, p + o->mc.off_gets, sizeof(int)) ||
		   copy_from_kernel_nofault(&s->puts, p + o->mc.off_puts, sizeof(int))) {
		return -EFAULT;
	}
	return copy_from_kernel_nofault(&s->writers, p + o->mc.off_writers, sizeof(int));
}

/* A mount's references as one CPU's slot holds them. */
static int nsi_trace_slot_refs(const struct nsi_trace_obj *o, const struct nsi_trace_slot *s)
{
	return o->mc.off_count >= 0 ? s->count : (int)(s->gets - s->puts);
}

/*
 * Whether a mount whose running sum of references reached 0 is being
 * freed. Its last put is mntput()'s slow path, which runs once mnt_ns is
 * NULL; while mnt_ns is set, puts take no lock and a sum can read 0 on a
 * live mount. Then the slots themselves must sum to 0: 7.2 reads the puts
 * of every CPU before the gets, as mnt_get_count() does; up to 7.1 a get
 * and a put on two other CPUs landing while the slots are read can fake a
 * 0, so it must be read twice.
 */
static bool nsi_trace_mnt_zero(const struct nsi_trace_obj *o)
{
	struct nsi_trace_slot s = { 0 };
	const void *ns;
	int round, cpu;

	if (copy_from_kernel_nofault(&ns, (const char *)o->mc.mnt + o->mc.off_ns, sizeof(ns)) ||
	    ns)
		return false;
	for (round = 0; round < 2; round++) {
		unsigned int gets = 0, puts = 0;
		int sum = 0;

		for_each_cpu(cpu, nsi_counted_cpus()) {
			if (nsi_trace_mnt_read(o, cpu, &s))
				return false;
			sum += s.count;
			puts += s.puts;
		}
		if (o->mc.off_count < 0) {
			smp_mb();	/* as mnt_get_count(): puts, then gets */
			for_each_cpu(cpu, nsi_counted_cpus()) {
				if (nsi_trace_mnt_read(o, cpu, &s))
					return false;
				gets += s.gets;
			}
			sum = gets - puts;
		}
		if (sum)
			return false;
	}
	return true;
}

/*
 * A mount's breakpoint on one CPU's slot: only that CPU writes the slot
 * (this_cpu_inc()), and the handler runs there, so the words last seen are
 * that CPU's own, and each change is exact.
 */
static void nsi_trace_mnt_hit(struct perf_event *bp, struct perf_sample_data *data,
			      struct pt_regs *regs)
{
	struct nsi_trace_obj *o = bp->overflow_handler_context;
	struct nsi_trace_slot now, *last = &o->slots[smp_processor_id()];
	int refs, writers, delta, sum = 1;

	/* Before its slot is read on this CPU, the read will include this write. */
	if (!READ_ONCE(last->synced) || atomic_read(&o->dead) ||
	    nsi_trace_mnt_read(o, smp_processor_id(), &now))
		return;
	now.synced = true;
	refs = nsi_trace_slot_refs(o, &now) - nsi_trace_slot_refs(o, last);
	writers = now.writers - last->writers;
	*last = now;
	if (refs)
		sum = atomic_add_return(refs, &o->refs);
	delta = o->writers ? writers : refs;
	if (delta)
		nsi_trace_record(o, regs, delta, atomic_add_return(delta, &o->last));
	else if (!refs && !writers)
		atomic_inc(&o->nochange);
	/* Exact, but two CPUs' handlers may add out of order: confirm a 0. */
	if (refs < 0 && sum <= 0 && nsi_trace_mnt_zero(o))
		nsi_trace_died(o, 1);
}

/* ---- arming and disarming ------------------------------------------------ */

/* A mount's breakpoints: NSI_TRACE_MNT_WORDS slots per possible CPU. */
static void nsi_trace_unregister(struct perf_event **cpu_bp)
{
	unsigned int i;

	for (i = 0; i < nr_cpu_ids * NSI_TRACE_MNT_WORDS; i++)
		if (cpu_bp[i])
			unregister_hw_breakpoint(cpu_bp[i]);
	kfree(cpu_bp);
}

/* Only the caller that takes the pointer unregisters; safe from any sleeper. */
static void nsi_trace_disarm(struct nsi_trace_obj *o)
{
	struct perf_event * __percpu *bp = xchg(&o->bp, NULL);
	struct perf_event **cpu_bp = xchg(&o->cpu_bp, NULL);

	if (bp)
		unregister_wide_hw_breakpoint(bp);
	if (cpu_bp)
		nsi_trace_unregister(cpu_bp);
}

static void nsi_trace_disarm_work(struct work_struct *work)
{
	nsi_trace_disarm(container_of(work, struct nsi_trace_obj, disarm));
}

static void nsi_trace_disarm_irq(struct irq_work *iw)
{
	schedule_work(&container_of(iw, struct nsi_trace_obj, iw)->disarm);
}

/* Disarm, wait out every handler and deferred disarm, free the ledger. */
static void nsi_trace_release(struct nsi_trace_obj *o)
{
	nsi_trace_disarm(o);
	/* A handler still running on another CPU may have queued these. */
	irq_work_sync(&o->iw);
	cancel_work_sync(&o->disarm);
	mutex_lock(&nsi_trace_read_lock);
	vfree(o->ring);
	kfree(o->slots);
	memset(o, 0, sizeof(*o));
	mutex_unlock(&nsi_trace_read_lock);
}

static bool nsi_trace_is_armed(const struct nsi_trace_obj *o)
{
	return READ_ONCE(o->bp) || READ_ONCE(o->cpu_bp);
}

/* Debug registers our armed watches take on each CPU. */
static unsigned int nsi_trace_armed(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < NSI_TRACE_OBJS; i++)
		if (nsi_trace_objs[i].used && nsi_trace_is_armed(&nsi_trace_objs[i]))
			n += nsi_trace_objs[i].regs;
	return n + !!READ_ONCE(nsi_birth.bp);
}

static void nsi_trace_held(u64 start)
{
	nsi_trace_max_hold = max(nsi_trace_max_hold, local_clock() - start);
}

/* ---- finding a namespace without taking a reference ----------------------- */

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

/* Threads looked at per RCU section of a lookup, as the snapshot's grab. */
#define NSI_TRACE_TASK_BATCH 256

/*
 * The namespace of this type and inum, found where it is held: the net
 * list, then each thread's nsproxy and creds, by pid number, a bounded
 * batch per RCU section. Takes no reference; returns false when none is
 * found.
 */
static bool nsi_trace_lookup(enum nsi_type type, unsigned int inum, struct nsi_trace_found *f)
{
	struct task_struct *t;
	struct ns_common *ns;
	struct net *net;
	bool done = false;
	int nr = 1;
	u64 start;

	f->word = NULL;
	if (type == NSI_NET) {
		/* RCU keeps every listed net, dying ones too (cleanup_net()). */
		rcu_read_lock();
		start = local_clock();
		for_each_net_rcu(net) {
			if (net->ns.inum == inum) {
				nsi_trace_found_ns(f, &net->ns);
				break;
			}
		}
		nsi_trace_held(start);
		rcu_read_unlock();
		if (f->word)
			return true;
	}
	while (!done && !f->word) {
		unsigned int batch;

		rcu_read_lock();
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
		rcu_read_unlock();
		cond_resched();
	}
	return f->word;
}

static int nsi_trace_type(const char *name)
{
	int i;

	if (!strcmp(name, "mount"))
		return NSI_TRACE_MOUNT;
	for (i = 0; i < NSI_NTYPES; i++)
		if (!strcmp(name, nsi_type_name[i]))
			return i;
	return -1;
}

static const char *nsi_trace_type_name(int type)
{
	return type == NSI_TRACE_MOUNT ? "mount" : nsi_type_name[type];
}

__printf(2, 3) static int nsi_trace_fail(int err, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vscnprintf(nsi_trace_err, sizeof(nsi_trace_err), fmt, args);
	va_end(args);
	return err;
}

/*
 * Arm a namespace's watch: one wide breakpoint on its count. A namespace
 * armed at birth (@b) must still be the one born; its count then starts at
 * 0, the birth being its first get.
 */
static int nsi_trace_watch_ns(struct nsi_trace_obj *o, const struct nsi_trace_born *b)
{
	const char *tname = nsi_type_name[o->type];
	struct perf_event * __percpu *bp;
	struct perf_event_attr attr;
	struct nsi_trace_found f, again;

	if (!nsi_trace_lookup(o->type, o->inum, &f))
		return nsi_trace_fail(-ESRCH,
				      "no %s namespace %u reached by a task or the net list",
				      tname, o->inum);
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
	if (!nsi_trace_lookup(o->type, o->inum, &again) || again.word != f.word ||
	    again.id != f.id || again.count <= 0)
		return nsi_trace_fail(-ESRCH, "%s namespace %u went away while being armed",
				      tname, o->inum);
	return 0;
}

/*
 * The words of struct mnt_pcp a mount's watch covers, as breakpoint ranges
 * (offset, length) from a slot at base: two adjacent words make one 8-byte
 * range where base aligns them. Every CPU's slot aligns alike: per-CPU
 * areas are page-aligned.
 */
static unsigned int nsi_trace_mnt_ranges(const struct nsi_trace_obj *o, unsigned long base,
					 int *off, int *len)
{
	int w[NSI_TRACE_MNT_WORDS], n = 0, i, j, k = 0;

	if (o->mc.off_count >= 0) {
		w[n++] = o->mc.off_count;
	} else {
		w[n++] = o->mc.off_gets;
		w[n++] = o->mc.off_puts;
	}
	/* Writers alone would not show the mount's death. */
	if (o->writers)
		w[n++] = o->mc.off_writers;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && w[j - 1] > w[j]; j--)
			swap(w[j - 1], w[j]);
	for (i = 0; i < n; i++, k++) {
		off[k] = w[i];
		len[k] = 4;
		if (i + 1 < n && w[i + 1] == w[i] + 4 && !((base + w[i]) % 8)) {
			len[k] = 8;
			i++;
		}
	}
	return k;
}

/* A mount's slot read on its own CPU, between two of its writes. */
static void nsi_trace_mnt_sync(void *arg)
{
	struct nsi_trace_obj *o = arg;
	struct nsi_trace_slot *slot = &o->slots[smp_processor_id()];

	if (nsi_trace_mnt_read(o, smp_processor_id(), slot))
		return;
	/* Pairs with the handler's READ_ONCE(): it counts from this value on. */
	WRITE_ONCE(slot->synced, true);
}

static void nsi_trace_mnt_sync_offline(struct nsi_trace_obj *o, int cpu)
{
	if (!nsi_trace_mnt_read(o, cpu, &o->slots[cpu]))
		o->slots[cpu].synced = true;
}

/*
 * Arm a mount's watch: on each online CPU, breakpoints on that CPU's slot;
 * then read each slot on its own CPU (an IPI, between two instructions of
 * whatever runs there), the handler ignoring the writes before that read,
 * which it includes. So no write between arming and reading is lost, as
 * one read before arming would lose it. CPUs that have run but are offline
 * are read where we are: their slots cannot move. Under cpus_read_lock(),
 * as register_wide_hw_breakpoint().
 */
static int nsi_trace_arm_mount(struct nsi_trace_obj *o, const int *off, const int *len,
			       unsigned int nr)
{
	struct perf_event **cpu_bp;
	struct perf_event_attr attr;
	struct perf_event *bp;
	unsigned int i;
	int cpu, err = 0, refs = 0, writers = 0;

	cpu_bp = kcalloc(nr_cpu_ids * NSI_TRACE_MNT_WORDS, sizeof(*cpu_bp), GFP_KERNEL);
	if (!cpu_bp)
		return -ENOMEM;
	cpus_read_lock();
	/* The CPUs armed are those online now: hotplug waits for the lock. */
	o->hotplug_gen = atomic_read(&nsi_trace_hotplug);
	for_each_online_cpu(cpu) {
		for (i = 0; i < nr && !err; i++) {
			hw_breakpoint_init(&attr);
			attr.bp_addr = (unsigned long)per_cpu_ptr(o->mc.pcp, cpu) + off[i];
			attr.bp_len = len[i] == 8 ? HW_BREAKPOINT_LEN_8 : HW_BREAKPOINT_LEN_4;
			attr.bp_type = HW_BREAKPOINT_W;
			bp = perf_event_create_kernel_counter(&attr, cpu, NULL,
							      nsi_trace_mnt_hit, o);
			if (IS_ERR(bp))
				err = PTR_ERR(bp);
			else
				cpu_bp[cpu * NSI_TRACE_MNT_WORDS + i] = bp;
		}
		if (err)
			break;
	}
	if (!err && debug_arm_delay_ms)
		msleep(debug_arm_delay_ms);
	for_each_cpu(cpu, nsi_counted_cpus()) {
		if (err)
			break;
		if (cpu_online(cpu))
			err = smp_call_function_single(cpu, nsi_trace_mnt_sync, o, 1);
		else
			nsi_trace_mnt_sync_offline(o, cpu);
		if (!err && !o->slots[cpu].synced)
			err = -ESRCH;
		refs += nsi_trace_slot_refs(o, &o->slots[cpu]);
		writers += o->slots[cpu].writers;
	}
	cpus_read_unlock();
	if (err) {
		nsi_trace_unregister(cpu_bp);
		return err;
	}
	/* What the slots held as each was read; the hits so far added to 0. */
	o->initial = o->writers ? writers : refs;
	atomic_add(o->initial, &o->last);
	atomic_add(refs, &o->refs);
	/* A handler that saw it die before this store left the disarm to us. */
	smp_store_release(&o->cpu_bp, cpu_bp);
	if (atomic_read_acquire(&o->dead))
		schedule_work(&o->disarm);
	return 0;
}

/* Arm a mount's watch: its references, or with o->writers its writers. */
static int nsi_trace_watch_mount(struct nsi_trace_obj *o)
{
	struct nsi_mnt_counters again;
	int off[NSI_TRACE_MNT_WORDS], len[NSI_TRACE_MNT_WORDS];
	unsigned int nr;
	u64 held;
	int err;

	err = nsi_mount_counters(o->inum, &o->mc, &held);
	nsi_trace_max_hold = max(nsi_trace_max_hold, held);
	if (err == -ENOENT)
		return nsi_trace_fail(-ESRCH, "no mount %u on any superblock's list", o->inum);
	if (err == -EOPNOTSUPP)
		return nsi_trace_fail(err, "mounts cannot be read: %s", nsi_mounts_why());
	if (err)
		return err;
	if (o->mc.count <= 0)
		return nsi_trace_fail(-ESRCH, "mount %u is being freed", o->inum);
	nr = nsi_trace_mnt_ranges(o, (unsigned long)per_cpu_ptr(o->mc.pcp, 0), off, len);
	if (nsi_trace_armed() + nr > NSI_TRACE_REGS)
		return nsi_trace_fail(-EBUSY,
				      "a mount's %s take %u debug registers and %u of %d are in use: write stop first",
				      o->writers ? "writers" : "references", nr,
				      nsi_trace_armed(), NSI_TRACE_REGS);
	o->regs = nr;
	o->slots = kcalloc(nr_cpu_ids, sizeof(*o->slots), GFP_KERNEL);
	if (!o->slots)
		return -ENOMEM;
	err = nsi_trace_arm_mount(o, off, len, nr);
	if (err)
		return err;

	/* Armed on what was that mount: is it still, and alive? */
	err = nsi_mount_counters(o->inum, &again, &held);
	nsi_trace_max_hold = max(nsi_trace_max_hold, held);
	/* A mount that died meanwhile may have left its id and memory to a new one. */
	if (err || again.pcp != o->mc.pcp || again.mnt != o->mc.mnt || again.uid != o->mc.uid ||
	    again.sb != o->mc.sb || again.root != o->mc.root || again.count <= 0)
		return nsi_trace_fail(-ESRCH, "mount %u went away while being armed", o->inum);
	return 0;
}

/* "watch TYPE NUM [writers]", or a birth's net (@b), under nsi_trace_lock. */
static int nsi_trace_watch(const char *tname, unsigned int inum, bool writers,
			   const struct nsi_trace_born *b)
{
	struct nsi_trace_obj *o = NULL;
	int type = nsi_trace_type(tname);
	int i, err;

	nsi_trace_err[0] = '\0';
	if (type < 0)
		return nsi_trace_fail(-EINVAL, "unknown namespace type %s", tname);
	if (writers && type != NSI_TRACE_MOUNT)
		return nsi_trace_fail(-EINVAL, "only mounts have writers");
	for (i = 0; i < NSI_TRACE_OBJS; i++) {
		struct nsi_trace_obj *p = &nsi_trace_objs[i];

		if (p->used && p->type == type && p->inum == inum && p->writers == writers &&
		    nsi_trace_is_armed(p))
			return nsi_trace_fail(-EEXIST, "%s:%u%s is already watched", tname, inum,
					      writers ? " writers" : "");
		if (!p->used && !o)
			o = p;
	}
	if (!o)
		return nsi_trace_fail(-ENOSPC, "all %d ledgers in use: write clear first",
				      NSI_TRACE_OBJS);
	if (nsi_trace_armed() >= NSI_TRACE_REGS)
		return nsi_trace_fail(-EBUSY,
				      "all %d debug registers are in use by watches: write stop first",
				      NSI_TRACE_REGS);

	o->ring = vzalloc(array_size(NSI_TRACE_RING, sizeof(*o->ring)));
	if (!o->ring)
		return nsi_trace_fail(-ENOMEM, "no memory for the ledger");
	o->used = true;
	o->id = ++nsi_trace_ids;
	o->type = type;
	o->inum = inum;
	o->writers = writers;
	o->regs = 1;
	init_irq_work(&o->iw, nsi_trace_disarm_irq);
	INIT_WORK(&o->disarm, nsi_trace_disarm_work);
	o->armed_at = ktime_get_mono_fast_ns();
	o->hotplug_gen = atomic_read(&nsi_trace_hotplug);
	if (b) {
		o->born = true;
		o->armed_at = b->hit.time;
		o->ring[0] = b->hit;
		o->ring[0].time = 0;
		atomic_set(&o->next, 1);
		atomic_set(&o->gets, b->hit.delta);
	}
	/* Pairs with the reader's acquire: what identifies the ledger is set. */
	smp_store_release(&o->published, true);

	err = type == NSI_TRACE_MOUNT ? nsi_trace_watch_mount(o) : nsi_trace_watch_ns(o, b);
	if (!err)
		return 0;
	nsi_trace_release(o);
	if (nsi_trace_err[0])
		return err;
	if (err == -ENOSPC)
		return nsi_trace_fail(-EBUSY,
				      "no free debug register: ptrace or perf hold the %d not armed here",
				      NSI_TRACE_REGS - nsi_trace_armed());
	if (err == -ENOMEM)
		return nsi_trace_fail(err, "no memory for the watch");
	return nsi_trace_fail(err, "cannot register a data watchpoint: error %d", err);
}

/* ---- net namespaces from their birth ------------------------------------------ */

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

/* Arm a born namespace, in process context; drops the creator. */
static void nsi_trace_birth_arm(struct nsi_trace_born *b)
{
	char err[sizeof(nsi_trace_err)];

	mutex_lock(&nsi_trace_lock);
	/* error= says why the last write failed, not why a birth was missed. */
	memcpy(err, nsi_trace_err, sizeof(err));
	if (READ_ONCE(nsi_birth.bp) && b->inum && !nsi_trace_watch("net", b->inum, false, b))
		atomic_inc(&nsi_birth.watched);
	else
		atomic_inc(&nsi_birth.missed);
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
static void nsi_trace_birth_disarm(void)
{
	struct perf_event * __percpu *bp = xchg(&nsi_birth.bp, NULL);

	if (bp)
		unregister_wide_hw_breakpoint(bp);
	irq_work_sync(&nsi_birth.iw);
}

/* "watch new net", under nsi_trace_lock. */
static int nsi_trace_watch_new(const char *tname)
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

/*
 * "stop" and "clear" act on every object and on the births' watch, or with
 * TYPE NUM on the objects of that namespace or mount, or with "new" on the
 * births' watch and the objects it armed: stop disarms and keeps the
 * ledgers, clear frees them too.
 */
static int nsi_trace_each(bool clear, const char *tname, unsigned int inum, bool births)
{
	int type = tname ? nsi_trace_type(tname) : -1;
	unsigned int i, n = 0;

	if (tname && type < 0)
		return nsi_trace_fail(-EINVAL, "unknown namespace type %s", tname);
	if (!tname) {
		nsi_trace_birth_disarm();
		if (clear)
			nsi_birth.shown = false;
	}
	for (i = 0; i < NSI_TRACE_OBJS; i++) {
		struct nsi_trace_obj *o = &nsi_trace_objs[i];

		if (!o->used || (tname && (o->type != type || o->inum != inum)) ||
		    (births && !o->born))
			continue;
		n++;
		if (clear)
			nsi_trace_release(o);
		else
			nsi_trace_disarm(o);
	}
	if (tname && !n)
		return nsi_trace_fail(-ESRCH, "%s:%u is not traced", tname, inum);
	return 0;
}

/* One verb, its words split at blanks; under nsi_trace_lock. */
static int nsi_trace_verb(char **w, int n)
{
	bool stop = !strcmp(w[0], "stop"), clear = !strcmp(w[0], "clear");
	bool watch = !strcmp(w[0], "watch");
	unsigned int num;

	if (watch && n == 3 && !strcmp(w[1], "new"))
		return nsi_trace_watch_new(w[2]);
	if ((stop || clear) && n == 2 && !strcmp(w[1], "new"))
		return nsi_trace_each(clear, NULL, 0, true);
	if ((stop || clear) && n == 1)
		return nsi_trace_each(clear, NULL, 0, false);
	if (n < 3 || kstrtouint(w[2], 10, &num))
		return nsi_trace_fail(-EINVAL, "usage: " NSI_TRACE_USAGE);
	if (watch && (n == 3 || (n == 4 && !strcmp(w[3], "writers"))))
		return nsi_trace_watch(w[1], num, n == 4, NULL);
	if ((stop || clear) && n == 3)
		return nsi_trace_each(clear, w[1], num, false);
	return nsi_trace_fail(-EINVAL, "usage: " NSI_TRACE_USAGE);
}

static ssize_t nsi_trace_control_write(struct file *file, const char __user *ubuf,
				       size_t len, loff_t *ppos)
{
	char buf[64], *p = buf, *w[5];
	int err, n = 0;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	while (p && n < ARRAY_SIZE(w)) {
		w[n] = strsep(&p, " \t\n");
		n += *w[n] != '\0';
	}

	mutex_lock(&nsi_trace_lock);
	if (!n || p)
		err = nsi_trace_fail(-EINVAL, "usage: " NSI_TRACE_USAGE);
	else
		err = nsi_trace_verb(w, n);
	if (!err)
		nsi_trace_err[0] = '\0';
	mutex_unlock(&nsi_trace_lock);
	return err ? err : len;
}

static int nsi_trace_control_show(struct seq_file *m, void *v)
{
	mutex_lock(&nsi_trace_lock);
	seq_puts(m, "# nsinspect trace control: " NSI_TRACE_USAGE "\n");
	/* Debug registers taken on each CPU: a namespace takes 1, a mount 1 or 2. */
	seq_printf(m, "armed=%u", nsi_trace_armed());
	nsi_put_num(m, "max_armed", NSI_TRACE_REGS);
	nsi_put_num(m, "max_objects", NSI_TRACE_OBJS);
	nsi_put_num(m, "ring", NSI_TRACE_RING);
	nsi_put_num(m, "depth", NSI_TRACE_DEPTH);
	nsi_put_num(m, "max_hold_ns", nsi_trace_max_hold);
	nsi_put_str(m, "error", nsi_trace_err);
	seq_putc(m, '\n');
	mutex_unlock(&nsi_trace_lock);
	return 0;
}

static int nsi_trace_control_open(struct inode *inode, struct file *file)
{
	return single_open(file, nsi_trace_control_show, NULL);
}

static const struct file_operations nsi_trace_control_fops = {
	.owner = THIS_MODULE,
	.open = nsi_trace_control_open,
	.read = seq_read,
	.write = nsi_trace_control_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/* ---- the ledger ------------------------------------------------------------ */

struct nsi_trace_stack {
	const struct nsi_trace_hit *hit;	/* the first hit with this stack */
	unsigned int hits;
	long gets, puts;
	u64 first, last;
};

static int nsi_trace_cmp_hits(const void *a, const void *b)
{
	const struct nsi_trace_hit *x = *(const struct nsi_trace_hit * const *)a;
	const struct nsi_trace_hit *y = *(const struct nsi_trace_hit * const *)b;

	if (x->nr != y->nr)
		return x->nr < y->nr ? -1 : 1;
	return memcmp(x->entries, y->entries, x->nr * sizeof(x->entries[0]));
}

/* Unbalanced first, then the busiest. */
static int nsi_trace_cmp_stacks(const void *a, const void *b)
{
	const struct nsi_trace_stack *x = a, *y = b;
	bool ux = x->gets != x->puts, uy = y->gets != y->puts;

	if (ux != uy)
		return ux ? -1 : 1;
	if (x->hits != y->hits)
		return x->hits > y->hits ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/*
 * The writer's first frame: the one at the exception's ip; else the one
 * after the debug exception's entry, asm_exc_debug (FRED has none).
 */
static unsigned int nsi_trace_first_frame(const struct nsi_trace_hit *h, char *sym)
{
	unsigned int i;

	for (i = 0; i < h->nr; i++)
		if (h->entries[i] == h->ip)
			return i;
	for (i = 0; i < h->nr; i++) {
		sprint_symbol_no_offset(sym, h->entries[i]);
		if (!strcmp(sym, "asm_exc_debug"))
			return i + 1;
	}
	return 0;
}

static void nsi_trace_show_stack(struct seq_file *m, const struct nsi_trace_obj *o,
				 const struct nsi_trace_stack *s, unsigned int nr, char *sym)
{
	const struct nsi_trace_hit *h = s->hit;
	unsigned int i, first = nsi_trace_first_frame(h, sym);

	seq_printf(m, "stack=%u", nr);
	nsi_put_num(m, "object", o->id);
	nsi_put_num(m, "gets", s->gets);
	nsi_put_num(m, "puts", s->puts);
	nsi_put_num(m, "balance", s->gets - s->puts);
	nsi_put_num(m, "hits", s->hits);
	nsi_put_num(m, "first_ns", s->first);
	nsi_put_num(m, "last_ns", s->last);
	nsi_put_num(m, "pid", h->pid);
	nsi_put_str(m, "comm", h->comm);
	nsi_put_num(m, "frames", h->nr - first);
	seq_putc(m, '\n');
	for (i = first; i < h->nr; i++) {
		seq_printf(m, "frame=%u", i - first);
		nsi_put_num(m, "stack", nr);
		nsi_put_num(m, "object", o->id);
		snprintf(sym, KSYM_SYMBOL_LEN, "%pS", (void *)h->entries[i]);
		nsi_put_str(m, "at", sym);
		seq_putc(m, '\n');
	}
}

static const char *nsi_trace_state(const struct nsi_trace_obj *o)
{
	int dead = atomic_read_acquire(&o->dead);

	if (dead)
		return dead == 2 ? "saturated" : "freed";
	return nsi_trace_is_armed(o) ? "armed" : "stopped";
}

/* One object: its header, then its distinct stacks. */
static int nsi_trace_show_obj(struct seq_file *m, const struct nsi_trace_obj *o,
			      unsigned int *stack_nr, char *sym)
{
	unsigned int n = min(atomic_read(&o->next), NSI_TRACE_RING);
	const struct nsi_trace_hit **hits;
	struct nsi_trace_stack *stacks;
	unsigned int i, nh = 0, ns = 0;
	bool dead = atomic_read_acquire(&o->dead) == 1;

	hits = kvmalloc_array(max(n, 1U), sizeof(*hits), GFP_KERNEL);
	stacks = kvmalloc_array(max(n, 1U), sizeof(*stacks), GFP_KERNEL);
	if (!hits || !stacks) {
		kvfree(hits);
		kvfree(stacks);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		/* Pairs with the handler's smp_store_release(): skip hits half-written. */
		if (smp_load_acquire(&o->ring[i].ready))
			hits[nh++] = &o->ring[i];
	}
	sort(hits, nh, sizeof(*hits), nsi_trace_cmp_hits, NULL);
	for (i = 0; i < nh; i++) {
		const struct nsi_trace_hit *h = hits[i];
		struct nsi_trace_stack *s = &stacks[ns ? ns - 1 : 0];

		if (!ns || nsi_trace_cmp_hits(&s->hit, &h)) {
			s = &stacks[ns++];
			*s = (struct nsi_trace_stack){ .hit = h, .first = h->time };
		}
		s->hits++;
		if (h->delta > 0)
			s->gets += h->delta;
		else
			s->puts -= h->delta;
		s->first = min(s->first, h->time);
		s->last = max(s->last, h->time);
	}
	sort(stacks, ns, sizeof(*stacks), nsi_trace_cmp_stacks, NULL);

	seq_printf(m, "object=%u", o->id);
	nsi_put_str(m, "type", nsi_trace_type_name(o->type));
	nsi_put_num(m, o->type == NSI_TRACE_MOUNT ? "id" : "inum", o->inum);
	nsi_put_str(m, "counter", o->writers ? "writers" : "refs");
	nsi_put_str(m, "born", o->born ? "yes" : "no");
	nsi_put_str(m, "state", nsi_trace_state(o));
	nsi_put_num(m, "initial", o->initial);
	nsi_put_num(m, "unseen", o->unseen);
	nsi_put_num(m, "last", atomic_read(&o->last));
	nsi_put_num(m, "gets", atomic_read(&o->gets));
	nsi_put_num(m, "puts", atomic_read(&o->puts));
	nsi_put_num(m, "balance", atomic_read(&o->gets) - atomic_read(&o->puts));
	nsi_put_num(m, "nochange", atomic_read(&o->nochange));
	nsi_put_num(m, "ambiguous", atomic_read(&o->ambiguous));
	/* A CPU went offline or came online since: the watch was stopped. */
	nsi_put_str(m, "complete", o->hotplug_gen == atomic_read(&nsi_trace_hotplug) ?
		    "yes" : "no");
	nsi_put_num(m, "records", nh);
	nsi_put_num(m, "stacks", ns);
	nsi_put_num(m, "drops", atomic_read(&o->drops));
	nsi_put_key(m, "freed_ns");
	if (dead)
		seq_put_decimal_ull(m, "", atomic64_read(&o->freed_at));
	else
		seq_putc(m, '-');
	seq_putc(m, '\n');
	for (i = 0; i < ns; i++)
		nsi_trace_show_stack(m, o, &stacks[i], ++*stack_nr, sym);
	kvfree(hits);
	kvfree(stacks);
	return 0;
}

static int nsi_trace_show(struct seq_file *m, void *v)
{
	unsigned int i, stack_nr = 0;
	char *sym = kmalloc(KSYM_SYMBOL_LEN, GFP_KERNEL);
	int err = 0;

	if (!sym)
		return -ENOMEM;
	mutex_lock(&nsi_trace_read_lock);
	seq_puts(m, "# nsinspect trace ledger: each object, then its distinct stacks and their frames\n");
	if (READ_ONCE(nsi_birth.shown)) {
		seq_puts(m, "new=net");
		nsi_put_str(m, "state", READ_ONCE(nsi_birth.bp) ? "armed" : "stopped");
		nsi_put_num(m, "born", atomic_read(&nsi_birth.seen));
		nsi_put_num(m, "watched", atomic_read(&nsi_birth.watched));
		nsi_put_num(m, "missed", atomic_read(&nsi_birth.missed));
		nsi_put_num(m, "pending", atomic_read(&nsi_birth.pending));
		/* A CPU went offline or came online since: the watch was stopped. */
		nsi_put_str(m, "complete", READ_ONCE(nsi_birth.hotplug_gen) ==
			    atomic_read(&nsi_trace_hotplug) ? "yes" : "no");
		seq_putc(m, '\n');
	}
	for (i = 0; i < NSI_TRACE_OBJS && !err; i++)
		/* Pairs with nsi_trace_watch()'s release; freeing takes our lock. */
		if (smp_load_acquire(&nsi_trace_objs[i].published))
			err = nsi_trace_show_obj(m, &nsi_trace_objs[i], &stack_nr, sym);
	mutex_unlock(&nsi_trace_read_lock);
	kfree(sym);
	return err;
}

static int nsi_trace_open(struct inode *inode, struct file *file)
{
	return single_open_size(file, nsi_trace_show, NULL, 256 * 1024);
}

static const struct file_operations nsi_trace_fops = {
	.owner = THIS_MODULE,
	.open = nsi_trace_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

/* ---- setup ------------------------------------------------------------------ */

const char *nsi_trace_why(void)
{
	if (!IS_ENABLED(CONFIG_HAVE_HW_BREAKPOINT))
		return "kernel has no hardware breakpoints";
	/* debugfs refuses to open files with write permission then. */
	if (security_locked_down(LOCKDOWN_DEBUGFS))
		return "kernel lockdown: debugfs refuses the writable trace_control";
	return NULL;
}

/*
 * An object's last put may now land on a CPU not armed, and its memory be
 * freed and reused unseen under our breakpoints: stop the watches armed
 * before. A birth on a CPU not armed would be missed unseen: stop the
 * births' watch too, and its line says complete=no.
 */
static void nsi_trace_hotplug_stop(struct work_struct *work)
{
	unsigned int i, gen = atomic_read(&nsi_trace_hotplug);

	mutex_lock(&nsi_trace_lock);
	if (nsi_birth.hotplug_gen != gen)
		nsi_trace_birth_disarm();
	for (i = 0; i < NSI_TRACE_OBJS; i++) {
		struct nsi_trace_obj *o = &nsi_trace_objs[i];

		if (o->used && o->hotplug_gen != gen)
			nsi_trace_disarm(o);
	}
	mutex_unlock(&nsi_trace_lock);
}

static DECLARE_WORK(nsi_trace_hotplug_work, nsi_trace_hotplug_stop);

/* Under the hotplug lock, which nsi_trace_lock's holders may take: defer. */
static int nsi_trace_cpu_changed(unsigned int cpu)
{
	atomic_inc(&nsi_trace_hotplug);
	schedule_work(&nsi_trace_hotplug_work);
	return 0;
}

void nsi_trace_create(struct dentry *dir)
{
	unsigned int i;

	/* Before any watch is armed; takes cpu_hotplug_lock, never under ours. */
	nsi_trace_hp = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "nsinspect/trace:online",
						 nsi_trace_cpu_changed, nsi_trace_cpu_changed);
	init_irq_work(&nsi_birth.iw, nsi_trace_birth_irq);
	for (i = 0; i < NSI_TRACE_BIRTHS; i++)
		INIT_WORK(&nsi_birth.born[i].work, nsi_trace_birth_work);
	debugfs_create_file("trace_control", 0600, dir, NULL, &nsi_trace_control_fops);
	debugfs_create_file("trace", 0400, dir, NULL, &nsi_trace_fops);
}

void nsi_trace_exit(void)
{
	unsigned int i;

	/*
	 * No birth waits for its task_work: each holds a module reference.
	 * Those handed to workers are flushed; they may still arm a watch.
	 */
	mutex_lock(&nsi_trace_lock);
	nsi_trace_birth_disarm();
	mutex_unlock(&nsi_trace_lock);
	for (i = 0; i < NSI_TRACE_BIRTHS; i++)
		flush_work(&nsi_birth.born[i].work);
	/* A task_work that dropped the last reference may not have returned yet. */
	if (nsi_birth.used)
		synchronize_rcu_tasks();

	mutex_lock(&nsi_trace_lock);
	for (i = 0; i < NSI_TRACE_OBJS; i++)
		if (nsi_trace_objs[i].used)
			nsi_trace_release(&nsi_trace_objs[i]);
	mutex_unlock(&nsi_trace_lock);
	if (nsi_trace_hp >= 0)
		cpuhp_remove_state_nocalls(nsi_trace_hp);
	cancel_work_sync(&nsi_trace_hotplug_work);
}
