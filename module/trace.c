// SPDX-License-Identifier: GPL-2.0
/*
 * The reference tracer: who takes and who drops references to a namespace
 * a mount or a network device. This file keeps the ledgers and the debugfs
 * files; the targets arm the watches (trace_ns.c, trace_mount.c,
 * trace_netdev.c, trace_birth.c).
 *
 * get_net(), get_user_ns() and most other get/put helpers are inline, so no
 * probe on a function sees them. A data watchpoint does: a hardware
 * breakpoint on the counter traps after every write to it, in the writer's
 * context, whatever code wrote it. The handler runs in the debug exception,
 * which is NMI-like: it reads the counter without faulting, tells a get
 * from a put by comparing it with the last value seen, saves the call stack
 * into a ring allocated when the watch was armed, and returns. Stacks are
 * deduplicated and symbolized only when the ledger is read, in process
 * context, under no lock: the reader copies each ledger's counts and takes
 * a reference on its ring under nsi_trace_read_lock, and lets go of it.
 *
 * Once the count reaches 0 the object is being freed: every later hit is
 * ignored (the memory may be reused; the handler only ever reads it with
 * copy_from_kernel_nofault()), and the watchpoint is removed from process
 * context through irq_work and a work item, since unregistering sleeps.
 *
 * Nothing is armed until "watch" is written to trace_control, and unloading
 * disarms everything.
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/debugfs.h>
#include <linux/hw_breakpoint.h>
#include <linux/kallsyms.h>
#include <linux/moduleparam.h>
#include <linux/sched/clock.h>
#include <linux/security.h>
#include <linux/seq_file.h>
#include <linux/sort.h>
#include <linux/stacktrace.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "format.h"
#include "netdev.h"
#include "trace.h"
#include "trace_internal.h"

#define NSI_TRACE_USAGE "watch TYPE INUM | watch mount ID [writers] | " \
	"watch netdev NETINUM IFINDEX | watch new net | stop [TYPE NUM | new] | clear [TYPE NUM | new]"

static unsigned int trace_regs = HBP_NUM - 1;
module_param(trace_regs, uint, 0600);
MODULE_PARM_DESC(trace_regs, "debug registers the tracer may take on each CPU (default: all but one)");

/*
 * x86 has 4 debug registers per CPU, which ptrace and perf share: the
 * watches take 3 at most unless told, so that a gdb watchpoint or a perf
 * breakpoint set on the machine meanwhile still finds one.
 */
unsigned int nsi_trace_max_regs(void)
{
	return clamp_t(unsigned int, READ_ONCE(trace_regs), 1, HBP_NUM);
}

/* See trace_internal.h for what each orders. */
DEFINE_MUTEX(nsi_trace_lock);
/* Taken by the trace file's reader, and where a ledger is freed. */
DEFINE_MUTEX(nsi_trace_read_lock);
struct nsi_trace_obj nsi_trace_objs[NSI_TRACE_OBJS];
static unsigned int nsi_trace_ids;
char nsi_trace_err[160];
u64 nsi_trace_max_hold;
atomic_t nsi_trace_hotplug = ATOMIC_INIT(0);
static int nsi_trace_hp = -1;

/* ---- the debug exception ------------------------------------------------ */

/* A hit: the writer, its stack, and what it did. */
void nsi_trace_fill(struct nsi_trace_hit *h, struct pt_regs *regs, int delta, int value,
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
void nsi_trace_record(struct nsi_trace_obj *o, struct pt_regs *regs, int delta, int value)
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
	nsi_trace_fill(&o->ring->hit[slot], regs, delta, value,
		       ktime_get_mono_fast_ns() - o->armed_at);
}

/* Ignore whatever writes the memory next; state 1: freed, 2: saturated. */
void nsi_trace_died(struct nsi_trace_obj *o, int state)
{
	atomic64_set(&o->freed_at, ktime_get_mono_fast_ns() - o->armed_at);
	atomic_set_release(&o->dead, state);
	irq_work_queue(&o->iw);
}

/* ---- arming and disarming ------------------------------------------------ */

/* Registers being given back: still taken until unregistering returns. */
atomic_t nsi_trace_leaving = ATOMIC_INIT(0);

/* Only the caller that takes the pointer unregisters; safe from any sleeper. */
void nsi_trace_disarm(struct nsi_trace_obj *o)
{
	struct perf_event * __percpu *bp = xchg(&o->bp, NULL);
	struct perf_event **cpu_bp = xchg(&o->cpu_bp, NULL);

	if (!bp && !cpu_bp)
		return;
	atomic_add(o->regs, &nsi_trace_leaving);
	if (bp)
		unregister_wide_hw_breakpoint(bp);
	if (cpu_bp)
		nsi_trace_unregister(cpu_bp);
	atomic_sub(o->regs, &nsi_trace_leaving);
}

static void nsi_trace_disarm_work(struct work_struct *work)
{
	nsi_trace_disarm(container_of(work, struct nsi_trace_obj, disarm));
}

static void nsi_trace_disarm_irq(struct irq_work *iw)
{
	schedule_work(&container_of(iw, struct nsi_trace_obj, iw)->disarm);
}

static void nsi_trace_ring_free(struct kref *ref)
{
	vfree(container_of(ref, struct nsi_trace_ring, ref));
}

/* Disarm, wait out every handler and deferred disarm, free the ledger. */
void nsi_trace_release(struct nsi_trace_obj *o)
{
	struct nsi_trace_ring *ring;

	/* Then netdev.c no longer calls nsi_trace_dev_freed(o). */
	if (o->type == NSI_TRACE_NETDEV)
		nsi_netdev_unwatch(o);
	nsi_trace_disarm(o);
	/* A handler still running on another CPU may have queued these. */
	irq_work_sync(&o->iw);
	cancel_work_sync(&o->disarm);
	mutex_lock(&nsi_trace_read_lock);
	ring = o->ring;
	kvfree(o->slots);
	memset(o, 0, sizeof(*o));
	mutex_unlock(&nsi_trace_read_lock);
	/* A reader formatting it has its own reference. */
	if (ring)
		kref_put(&ring->ref, nsi_trace_ring_free);
}

bool nsi_trace_is_armed(const struct nsi_trace_obj *o)
{
	return READ_ONCE(o->bp) || READ_ONCE(o->cpu_bp);
}

/* Debug registers our armed watches take on each CPU. */
unsigned int nsi_trace_armed(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < NSI_TRACE_OBJS; i++)
		if (nsi_trace_objs[i].used && nsi_trace_is_armed(&nsi_trace_objs[i]))
			n += nsi_trace_objs[i].regs;
	return n + !!READ_ONCE(nsi_birth.bp) + atomic_read(&nsi_trace_leaving);
}

void nsi_trace_held(u64 start)
{
	nsi_trace_max_hold = max(nsi_trace_max_hold, local_clock() - start);
}

/* The teardown's last poll of a watched device read 1: it is freed next. */
void nsi_trace_dev_freed(void *cookie)
{
	struct nsi_trace_obj *o = cookie;

	if (!atomic_read(&o->dead))
		nsi_trace_died(o, 1);
}

static int nsi_trace_type(const char *name)
{
	int i;

	if (!strcmp(name, "mount"))
		return NSI_TRACE_MOUNT;
	if (!strcmp(name, "netdev"))
		return NSI_TRACE_NETDEV;
	for (i = 0; i < NSI_NTYPES; i++)
		if (!strcmp(name, nsi_type_name[i]))
			return i;
	return -1;
}

static const char *nsi_trace_type_name(int type)
{
	if (type == NSI_TRACE_MOUNT)
		return "mount";
	return type == NSI_TRACE_NETDEV ? "netdev" : nsi_type_name[type];
}

__printf(2, 3) int nsi_trace_fail(int err, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vscnprintf(nsi_trace_err, sizeof(nsi_trace_err), fmt, args);
	va_end(args);
	return err;
}

/* "watch TYPE NUM [writers]", "watch netdev NET IFINDEX", or a birth's; under nsi_trace_lock. */
int nsi_trace_watch(const struct nsi_trace_req *req)
{
	const struct nsi_trace_born *b = req->b;
	struct nsi_trace_obj *o = NULL;
	int type = nsi_trace_type(req->tname);
	int i, err;

	nsi_trace_err[0] = '\0';
	if (type < 0)
		return nsi_trace_fail(-EINVAL, "unknown namespace type %s", req->tname);
	if (req->writers && type != NSI_TRACE_MOUNT)
		return nsi_trace_fail(-EINVAL, "only mounts have writers");
	for (i = 0; i < NSI_TRACE_OBJS; i++) {
		struct nsi_trace_obj *p = &nsi_trace_objs[i];

		if (p->used && p->type == type && p->inum == req->inum &&
		    p->ifindex == req->ifindex && p->writers == req->writers &&
		    nsi_trace_is_armed(p))
			return nsi_trace_fail(-EEXIST, "%s:%u%s is already watched", req->tname,
					      req->inum, req->writers ? " writers" : "");
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

	o->ring = vzalloc(sizeof(*o->ring));
	if (!o->ring)
		return nsi_trace_fail(-ENOMEM, "no memory for the ledger");
	kref_init(&o->ring->ref);
	o->used = true;
	o->id = ++nsi_trace_ids;
	o->type = type;
	o->inum = req->inum;
	o->ifindex = req->ifindex;
	o->writers = req->writers;
	o->born = req->born;
	o->regs = 1;
	init_irq_work(&o->iw, nsi_trace_disarm_irq);
	INIT_WORK(&o->disarm, nsi_trace_disarm_work);
	o->armed_at = ktime_get_mono_fast_ns();
	o->hotplug_gen = atomic_read(&nsi_trace_hotplug);
	if (b) {
		o->born = true;
		o->armed_at = b->hit.time;
		o->ring->hit[0] = b->hit;
		o->ring->hit[0].time = 0;
		atomic_set(&o->next, 1);
		atomic_set(&o->gets, b->hit.delta);
	}
	/* Pairs with the reader's acquire: what identifies the ledger is set. */
	smp_store_release(&o->published, true);

	if (type == NSI_TRACE_MOUNT)
		err = nsi_trace_watch_mount(o);
	else if (type == NSI_TRACE_NETDEV)
		err = nsi_trace_watch_netdev(o);
	else
		err = nsi_trace_watch_ns(o, b);
	if (!err)
		return 0;
	nsi_trace_release(o);
	if (nsi_trace_err[0])
		return err;
	if (err == -ENOSPC)
		return nsi_trace_fail(-EBUSY,
				      "no free debug register: ptrace or perf hold the %d not armed here",
				      max_t(int, 0, NSI_TRACE_REGS - nsi_trace_armed()));
	if (err == -ENOMEM)
		return nsi_trace_fail(err, "no memory for the watch");
	return nsi_trace_fail(err, "cannot register a data watchpoint: error %d", err);
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

	/* Without hotplug's callbacks, a CPU coming online would go unwatched, unsaid. */
	if (watch && nsi_trace_hp < 0)
		return nsi_trace_fail(-EOPNOTSUPP, "no CPU hotplug callback (error %d): not armed",
				      nsi_trace_hp);
	if (watch && n == 3 && !strcmp(w[1], "new"))
		return nsi_trace_watch_new(w[2]);
	if ((stop || clear) && n == 2 && !strcmp(w[1], "new"))
		return nsi_trace_each(clear, NULL, 0, true);
	if ((stop || clear) && n == 1)
		return nsi_trace_each(clear, NULL, 0, false);
	if (n < 3 || kstrtouint(w[2], 10, &num))
		return nsi_trace_fail(-EINVAL, "usage: " NSI_TRACE_USAGE);
	if (watch && n == 4 && !strcmp(w[1], "netdev")) {
		struct nsi_trace_req req = { .tname = w[1], .inum = num };

		if (kstrtoint(w[3], 10, &req.ifindex) || req.ifindex <= 0)
			return nsi_trace_fail(-EINVAL, "usage: " NSI_TRACE_USAGE);
		return nsi_trace_watch(&req);
	}
	if (watch && !strcmp(w[1], "netdev"))
		return nsi_trace_fail(-EINVAL, "usage: " NSI_TRACE_USAGE);
	if (watch && (n == 3 || (n == 4 && !strcmp(w[3], "writers")))) {
		struct nsi_trace_req req = { .tname = w[1], .inum = num, .writers = n == 4 };

		return nsi_trace_watch(&req);
	}
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

/* What the ledger shows of one object, copied under nsi_trace_read_lock. */
struct nsi_trace_view {
	unsigned int id, inum;
	int type, ifindex;
	char name[IFNAMSIZ];
	bool writers, born, complete;
	int dead;
	const char *state;
	int initial, unseen, last, gets, puts, nochange, ambiguous, drops;
	unsigned int next;
	u64 freed_at;
	struct nsi_trace_ring *ring;	/* with a reference */
};

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

static void nsi_trace_show_stack(struct seq_file *m, const struct nsi_trace_view *o,
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

static void nsi_trace_take_view(struct nsi_trace_view *v, const struct nsi_trace_obj *o)
{
	v->id = o->id;
	v->inum = o->inum;
	v->type = o->type;
	v->ifindex = o->ifindex;
	memcpy(v->name, o->name, sizeof(v->name));
	v->writers = o->writers;
	v->born = o->born;
	/*
	 * A CPU went offline or came online since: the watch was stopped. A
	 * device's free may have gone unseen if the probe missed a call.
	 */
	v->complete = o->hotplug_gen == atomic_read(&nsi_trace_hotplug) &&
		      (o->type != NSI_TRACE_NETDEV || o->free_missed == nsi_netdev_free_missed());
	/* Before the counts: a freed object's counts are final. */
	v->dead = atomic_read_acquire(&o->dead);
	if (v->dead)
		v->state = v->dead == 2 ? "saturated" : "freed";
	else
		v->state = nsi_trace_is_armed(o) ? "armed" : "stopped";
	v->initial = o->initial;
	v->unseen = o->unseen;
	v->last = atomic_read(&o->last);
	v->gets = atomic_read(&o->gets);
	v->puts = atomic_read(&o->puts);
	v->nochange = atomic_read(&o->nochange);
	v->ambiguous = atomic_read(&o->ambiguous);
	v->drops = atomic_read(&o->drops);
	v->next = min(atomic_read(&o->next), NSI_TRACE_RING);
	v->freed_at = atomic64_read(&o->freed_at);
	v->ring = o->ring;
	kref_get(&v->ring->ref);
}

/* One object: its header, then its distinct stacks. */
static int nsi_trace_show_obj(struct seq_file *m, const struct nsi_trace_view *o,
			      unsigned int *stack_nr, char *sym)
{
	unsigned int n = o->next;
	const struct nsi_trace_hit **hits;
	struct nsi_trace_stack *stacks;
	unsigned int i, nh = 0, ns = 0;
	bool dead = o->dead == 1;

	hits = kvmalloc_array(max(n, 1U), sizeof(*hits), GFP_KERNEL);
	stacks = kvmalloc_array(max(n, 1U), sizeof(*stacks), GFP_KERNEL);
	if (!hits || !stacks) {
		kvfree(hits);
		kvfree(stacks);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		/* Pairs with the handler's smp_store_release(): skip hits half-written. */
		if (smp_load_acquire(&o->ring->hit[i].ready))
			hits[nh++] = &o->ring->hit[i];
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
	if (o->type == NSI_TRACE_NETDEV) {
		nsi_put_num(m, "ifindex", o->ifindex);
		nsi_put_str(m, "name", o->name[0] ? o->name : "-");
	}
	nsi_put_str(m, "counter", o->writers ? "writers" : "refs");
	nsi_put_str(m, "born", o->born ? "yes" : "no");
	nsi_put_str(m, "state", o->state);
	nsi_put_num(m, "initial", o->initial);
	nsi_put_num(m, "unseen", o->unseen);
	nsi_put_num(m, "last", o->last);
	nsi_put_num(m, "gets", o->gets);
	nsi_put_num(m, "puts", o->puts);
	nsi_put_num(m, "balance", o->gets - o->puts);
	nsi_put_num(m, "nochange", o->nochange);
	nsi_put_num(m, "ambiguous", o->ambiguous);
	nsi_put_str(m, "complete", o->complete ? "yes" : "no");
	nsi_put_num(m, "records", nh);
	nsi_put_num(m, "stacks", ns);
	nsi_put_num(m, "drops", o->drops);
	nsi_put_key(m, "freed_ns");
	if (dead)
		seq_put_decimal_ull(m, "", o->freed_at);
	else
		seq_putc(m, '-');
	seq_putc(m, '\n');
	for (i = 0; i < ns; i++)
		nsi_trace_show_stack(m, o, &stacks[i], ++*stack_nr, sym);
	kvfree(hits);
	kvfree(stacks);
	return 0;
}

static int nsi_trace_show(struct seq_file *m, void *unused)
{
	unsigned int i, n = 0, stack_nr = 0;
	char *sym = kmalloc(KSYM_SYMBOL_LEN, GFP_KERNEL);
	struct nsi_trace_view *v = kmalloc_array(NSI_TRACE_OBJS, sizeof(*v), GFP_KERNEL);
	int err = 0;

	if (!sym || !v) {
		kfree(sym);
		kfree(v);
		return -ENOMEM;
	}
	mutex_lock(&nsi_trace_read_lock);
	seq_puts(m, "# nsinspect trace ledger: each object, then its distinct stacks and their frames\n");
	if (READ_ONCE(nsi_birth.shown)) {
		seq_puts(m, "new=net");
		nsi_put_str(m, "state", READ_ONCE(nsi_birth.bp) ? "armed" : "stopped");
		nsi_put_num(m, "born", atomic_read(&nsi_birth.seen));
		nsi_put_num(m, "watched", atomic_read(&nsi_birth.watched));
		nsi_put_num(m, "missed", atomic_read(&nsi_birth.missed));
		nsi_put_num(m, "devices", atomic_read(&nsi_birth.devs));
		nsi_put_num(m, "devices_missed", atomic_read(&nsi_birth.devs_missed));
		nsi_put_num(m, "pending", atomic_read(&nsi_birth.pending));
		/* A CPU went offline or came online since: the watch was stopped. */
		nsi_put_str(m, "complete", READ_ONCE(nsi_birth.hotplug_gen) ==
			    atomic_read(&nsi_trace_hotplug) ? "yes" : "no");
		seq_putc(m, '\n');
	}
	for (i = 0; i < NSI_TRACE_OBJS; i++)
		/* Pairs with nsi_trace_watch()'s release; freeing takes our lock. */
		if (smp_load_acquire(&nsi_trace_objs[i].published))
			nsi_trace_take_view(&v[n++], &nsi_trace_objs[i]);
	mutex_unlock(&nsi_trace_read_lock);
	for (i = 0; i < n; i++) {
		if (!err)
			err = nsi_trace_show_obj(m, &v[i], &stack_nr, sym);
		kref_put(&v[i].ring->ref, nsi_trace_ring_free);
	}
	kfree(v);
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
	/* Before any watch is armed; takes cpu_hotplug_lock, never under ours. */
	nsi_trace_hp = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "nsinspect/trace:online",
						 nsi_trace_cpu_changed, nsi_trace_cpu_changed);
	nsi_trace_births_init();
	debugfs_create_file("trace_control", 0600, dir, NULL, &nsi_trace_control_fops);
	debugfs_create_file("trace", 0400, dir, NULL, &nsi_trace_fops);
}

void nsi_trace_exit(void)
{
	unsigned int i;

	nsi_trace_births_exit();
	mutex_lock(&nsi_trace_lock);
	for (i = 0; i < NSI_TRACE_OBJS; i++)
		if (nsi_trace_objs[i].used)
			nsi_trace_release(&nsi_trace_objs[i]);
	mutex_unlock(&nsi_trace_lock);
	if (nsi_trace_hp >= 0)
		cpuhp_remove_state_nocalls(nsi_trace_hp);
	cancel_work_sync(&nsi_trace_hotplug_work);
}
