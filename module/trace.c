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
 * Nothing is armed until "watch" is written to trace_control, and unloading
 * disarms everything.
 */
#include <linux/cpuhotplug.h>
#include <linux/hw_breakpoint.h>
#include <linux/debugfs.h>
#include <linux/irq_work.h>
#include <linux/kallsyms.h>
#include <linux/ipc_namespace.h>
#include <linux/cgroup.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/perf_event.h>
#include <linux/pid_namespace.h>
#include <linux/rtnetlink.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/security.h>
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
#include "snapshot.h"
#include "trace.h"

/* Ledgers kept at once; at most NSI_TRACE_ARMED of them armed. */
#define NSI_TRACE_OBJS		16
/* x86 has 4 debug registers; ptrace and perf share them. */
#define NSI_TRACE_ARMED		HBP_NUM
/* Frames kept per hit: the exception's own (about 8) and the writer's. */
#define NSI_TRACE_DEPTH		32
/* Hits kept per object; later ones are counted as drops. */
#define NSI_TRACE_RING		4096

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

struct nsi_trace_obj {
	bool used;
	unsigned int id;		/* object=ID in the ledger */
	enum nsi_type type;
	unsigned int inum;
	refcount_t *word;		/* never dereferenced: read nofault */
	struct perf_event * __percpu *bp;	/* NULL once disarmed */
	u64 armed_at;
	int initial;
	atomic_t last;			/* the counter's last value seen */
	atomic_t dead;			/* the count reached 0, or saturated (< 0) */
	atomic_t next;			/* ring slots claimed */
	atomic_t drops, gets, puts, nochange;
	atomic_t ambiguous;		/* hits that moved it by other than 1 */
	unsigned int offline_gen;	/* nsi_trace_offline when armed */
	atomic64_t freed_at;
	struct nsi_trace_hit *ring;
	struct irq_work iw;
	struct work_struct disarm;
};

static DEFINE_MUTEX(nsi_trace_lock);
static struct nsi_trace_obj nsi_trace_objs[NSI_TRACE_OBJS];
static unsigned int nsi_trace_ids;
static char nsi_trace_err[160];
/*
 * Bumped when a CPU goes offline: register_wide_hw_breakpoint() armed the
 * CPUs online then, and one coming back is not armed again, so a ledger
 * armed before is incomplete from then on.
 */
static atomic_t nsi_trace_offline = ATOMIC_INIT(0);
static int nsi_trace_hp = -1;

/* ---- the debug exception ------------------------------------------------ */

static void nsi_trace_hit(struct perf_event *bp, struct perf_sample_data *data,
			  struct pt_regs *regs)
{
	struct nsi_trace_obj *o = bp->overflow_handler_context;
	struct nsi_trace_hit *h;
	int now, prev, slot;

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
	if (now > prev)
		atomic_add(now - prev, &o->gets);
	else
		atomic_add(prev - now, &o->puts);
	/* Another CPU's write came between: the stack may be credited wrongly. */
	if (now - prev != 1 && now - prev != -1)
		atomic_inc(&o->ambiguous);

	slot = atomic_read(&o->next) < NSI_TRACE_RING ? atomic_inc_return(&o->next) - 1 :
		NSI_TRACE_RING;
	if (slot >= NSI_TRACE_RING) {
		atomic_inc(&o->drops);
	} else {
		h = &o->ring[slot];
		h->time = ktime_get_mono_fast_ns() - o->armed_at;
		h->delta = now - prev;
		h->value = now;
		h->pid = current->pid;
		h->ip = instruction_pointer(regs);
		memcpy(h->comm, current->comm, sizeof(h->comm));
		h->comm[sizeof(h->comm) - 1] = '\0';
		h->nr = stack_trace_save(h->entries, NSI_TRACE_DEPTH, 0);
		/* Pairs with the ledger's smp_load_acquire(): the hit is whole. */
		smp_store_release(&h->ready, 1);
	}
	if (now <= 0) {
		/*
		 * Being freed (0), or saturated by refcount_warn_saturate()
		 * (< 0): ignore whatever writes the memory next.
		 */
		atomic64_set(&o->freed_at, ktime_get_mono_fast_ns() - o->armed_at);
		atomic_set_release(&o->dead, now ? 2 : 1);
		irq_work_queue(&o->iw);
	}
}

/* ---- arming and disarming ------------------------------------------------ */

/* Only the caller that takes the pointer unregisters; safe from any sleeper. */
static void nsi_trace_disarm(struct nsi_trace_obj *o)
{
	struct perf_event * __percpu *bp = xchg(&o->bp, NULL);

	if (bp)
		unregister_wide_hw_breakpoint(bp);
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
	vfree(o->ring);
	memset(o, 0, sizeof(*o));
}

static unsigned int nsi_trace_armed(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < NSI_TRACE_OBJS; i++)
		n += nsi_trace_objs[i].used && READ_ONCE(nsi_trace_objs[i].bp);
	return n;
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
 * The reference count word of namespace (type, inum), found under the lock
 * that pins it, and its value read there; NULL if nothing reaches it.
 * Takes no reference, so the address is good only while that lock is held:
 * afterwards it is only ever compared, or read with copy_from_kernel_nofault().
 */
static refcount_t *nsi_trace_lookup(enum nsi_type type, unsigned int inum, int *count,
				    bool *counted)
{
	struct task_struct *g, *t;
	struct ns_common *ns = NULL;
	refcount_t *word = NULL;
	struct net *net;

	if (type == NSI_NET) {
		/* net_rwsem keeps every listed net, dying ones too. */
		down_read(&net_rwsem);
		for_each_net(net) {
			if (net->ns.inum == inum) {
				word = nsi_ns_ref_word(&net->ns);
				*count = refcount_read(word);
				*counted = nsi_ns_counted(&net->ns);
				break;
			}
		}
		up_read(&net_rwsem);
		if (word)
			return word;
	}
	rcu_read_lock();
	for_each_process_thread(g, t) {
		task_lock(t);
		ns = nsi_trace_in_task(t, type, inum);
		if (ns) {
			word = nsi_ns_ref_word(ns);
			*count = refcount_read(word);
			*counted = nsi_ns_counted(ns);
		}
		task_unlock(t);
		if (word)
			break;
	}
	rcu_read_unlock();
	return word;
}

static int nsi_trace_type(const char *name)
{
	int i;

	for (i = 0; i < NSI_NTYPES; i++)
		if (!strcmp(name, nsi_type_name[i]))
			return i;
	return -1;
}

__printf(2, 3) static int nsi_trace_fail(int err, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vscnprintf(nsi_trace_err, sizeof(nsi_trace_err), fmt, args);
	va_end(args);
	return err;
}

/* "watch TYPE INUM", under nsi_trace_lock. */
static int nsi_trace_watch(const char *tname, unsigned int inum)
{
	struct perf_event * __percpu *bp;
	struct perf_event_attr attr;
	struct nsi_trace_obj *o = NULL;
	int type = nsi_trace_type(tname);
	refcount_t *word, *again;
	bool counted = true;
	int count, i;

	if (type < 0)
		return nsi_trace_fail(-EINVAL, "unknown namespace type %s", tname);
	for (i = 0; i < NSI_TRACE_OBJS; i++) {
		struct nsi_trace_obj *p = &nsi_trace_objs[i];

		if (p->used && p->type == type && p->inum == inum && READ_ONCE(p->bp))
			return nsi_trace_fail(-EEXIST, "%s:%u is already watched", tname, inum);
		if (!p->used && !o)
			o = p;
	}
	if (!o)
		return nsi_trace_fail(-ENOSPC, "all %d ledgers in use: write clear first",
				      NSI_TRACE_OBJS);
	if (nsi_trace_armed() >= NSI_TRACE_ARMED)
		return nsi_trace_fail(-EBUSY,
				      "%d objects watched, one per debug register: write stop first",
				      NSI_TRACE_ARMED);
	word = nsi_trace_lookup(type, inum, &count, &counted);
	if (!word)
		return nsi_trace_fail(-ESRCH,
				      "no %s namespace %u reached by a task or the net list",
				      tname, inum);
	/* A net stays listed with count 0 until cleanup_net() frees it. */
	if (counted && count <= 0)
		return nsi_trace_fail(-ESRCH, "%s namespace %u is being freed", tname, inum);
	/* 6.19+: the initial namespaces' counts never move. */
	if (!counted)
		return nsi_trace_fail(-EINVAL,
				      "the kernel counts no references to %s namespace %u (an initial one)",
				      tname, inum);

	o->ring = vzalloc(array_size(NSI_TRACE_RING, sizeof(*o->ring)));
	if (!o->ring)
		return nsi_trace_fail(-ENOMEM, "no memory for the ledger");
	o->used = true;
	o->id = ++nsi_trace_ids;
	o->type = type;
	o->inum = inum;
	o->word = word;
	o->initial = count;
	atomic_set(&o->last, count);
	init_irq_work(&o->iw, nsi_trace_disarm_irq);
	INIT_WORK(&o->disarm, nsi_trace_disarm_work);
	o->armed_at = ktime_get_mono_fast_ns();
	o->offline_gen = atomic_read(&nsi_trace_offline);

	hw_breakpoint_init(&attr);
	attr.bp_addr = (unsigned long)word;
	attr.bp_len = HW_BREAKPOINT_LEN_4;
	attr.bp_type = HW_BREAKPOINT_W;
	bp = register_wide_hw_breakpoint(&attr, nsi_trace_hit, o);
	if (IS_ERR_OR_NULL((void __force *)bp)) {
		/* NULL: a kernel without CONFIG_HAVE_HW_BREAKPOINT. */
		int err = bp ? PTR_ERR((void __force *)bp) : -EOPNOTSUPP;

		nsi_trace_release(o);
		if (err == -ENOSPC)
			return nsi_trace_fail(-EBUSY,
					      "no free debug register: ptrace or perf hold the %d not armed here",
					      NSI_TRACE_ARMED - nsi_trace_armed());
		return nsi_trace_fail(err, "cannot register a data watchpoint: error %d", err);
	}
	/* A handler that saw it die before this store left the disarm to us. */
	smp_store_release(&o->bp, bp);
	if (atomic_read_acquire(&o->dead))
		schedule_work(&o->disarm);

	/* Armed on what was that namespace: is it still, and alive? */
	again = nsi_trace_lookup(type, inum, &count, &counted);
	if (again != word || count <= 0) {
		nsi_trace_release(o);
		return nsi_trace_fail(-ESRCH, "%s namespace %u went away while being armed",
				      tname, inum);
	}
	nsi_trace_err[0] = '\0';
	return 0;
}

/*
 * "stop" and "clear" act on every object, or with TYPE INUM on the objects
 * of that namespace: stop disarms and keeps the ledger, clear frees it too.
 */
static int nsi_trace_each(const char *verb, const char *tname, unsigned int inum)
{
	int type = tname ? nsi_trace_type(tname) : -1;
	bool clear = !strcmp(verb, "clear");
	unsigned int i, n = 0;

	if (tname && type < 0)
		return nsi_trace_fail(-EINVAL, "unknown namespace type %s", tname);
	for (i = 0; i < NSI_TRACE_OBJS; i++) {
		struct nsi_trace_obj *o = &nsi_trace_objs[i];

		if (!o->used || (tname && (o->type != type || o->inum != inum)))
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

static ssize_t nsi_trace_control_write(struct file *file, const char __user *ubuf,
				       size_t len, loff_t *ppos)
{
	char buf[64], verb[16], tname[16];
	unsigned int inum;
	int err, n;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	n = sscanf(strim(buf), "%15s %15s %u", verb, tname, &inum);

	mutex_lock(&nsi_trace_lock);
	if (n == 3 && !strcmp(verb, "watch"))
		err = nsi_trace_watch(tname, inum);
	else if ((n == 1 || n == 3) && (!strcmp(verb, "stop") || !strcmp(verb, "clear")))
		err = nsi_trace_each(verb, n == 3 ? tname : NULL, inum);
	else
		err = nsi_trace_fail(-EINVAL,
				     "usage: watch TYPE INUM | stop [TYPE INUM] | clear [TYPE INUM]");
	if (!err)
		nsi_trace_err[0] = '\0';
	mutex_unlock(&nsi_trace_lock);
	return err ? err : len;
}

static int nsi_trace_control_show(struct seq_file *m, void *v)
{
	mutex_lock(&nsi_trace_lock);
	seq_puts(m, "# nsinspect trace control: watch TYPE INUM | stop [TYPE INUM] | clear [TYPE INUM]\n");
	seq_printf(m, "armed=%u", nsi_trace_armed());
	nsi_put_num(m, "max_armed", NSI_TRACE_ARMED);
	nsi_put_num(m, "max_objects", NSI_TRACE_OBJS);
	nsi_put_num(m, "ring", NSI_TRACE_RING);
	nsi_put_num(m, "depth", NSI_TRACE_DEPTH);
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
	return READ_ONCE(o->bp) ? "armed" : "stopped";
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
	nsi_put_str(m, "type", nsi_type_name[o->type]);
	nsi_put_num(m, "inum", o->inum);
	nsi_put_str(m, "state", nsi_trace_state(o));
	nsi_put_num(m, "initial", o->initial);
	nsi_put_num(m, "last", atomic_read(&o->last));
	nsi_put_num(m, "gets", atomic_read(&o->gets));
	nsi_put_num(m, "puts", atomic_read(&o->puts));
	nsi_put_num(m, "balance", atomic_read(&o->gets) - atomic_read(&o->puts));
	nsi_put_num(m, "nochange", atomic_read(&o->nochange));
	nsi_put_num(m, "ambiguous", atomic_read(&o->ambiguous));
	/* A CPU that went offline and came back is no longer watched. */
	nsi_put_str(m, "complete", o->offline_gen == atomic_read(&nsi_trace_offline) ?
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
	mutex_lock(&nsi_trace_lock);
	seq_puts(m, "# nsinspect trace ledger: each object, then its distinct stacks and their frames\n");
	for (i = 0; i < NSI_TRACE_OBJS && !err; i++)
		if (nsi_trace_objs[i].used)
			err = nsi_trace_show_obj(m, &nsi_trace_objs[i], &stack_nr, sym);
	mutex_unlock(&nsi_trace_lock);
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

static int nsi_trace_cpu_down(unsigned int cpu)
{
	atomic_inc(&nsi_trace_offline);
	return 0;
}

void nsi_trace_create(struct dentry *dir)
{
	/* Before any watch is armed; takes cpu_hotplug_lock, never under ours. */
	nsi_trace_hp = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "nsinspect/trace:online",
						 NULL, nsi_trace_cpu_down);
	debugfs_create_file("trace_control", 0600, dir, NULL, &nsi_trace_control_fops);
	debugfs_create_file("trace", 0400, dir, NULL, &nsi_trace_fops);
}

void nsi_trace_exit(void)
{
	unsigned int i;

	mutex_lock(&nsi_trace_lock);
	for (i = 0; i < NSI_TRACE_OBJS; i++)
		if (nsi_trace_objs[i].used)
			nsi_trace_release(&nsi_trace_objs[i]);
	mutex_unlock(&nsi_trace_lock);
	if (nsi_trace_hp >= 0)
		cpuhp_remove_state_nocalls(nsi_trace_hp);
}
