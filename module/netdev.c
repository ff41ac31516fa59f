// SPDX-License-Identifier: GPL-2.0
/*
 * The netdevs file: every network device of every listed net namespace, and
 * the devices that wait, unregistered, for their last references to go: the
 * "unregister_netdevice: waiting for lo to become free" of a net namespace
 * that cannot die.
 *
 * Live devices are read net by net (net_list.c), each net's under RCU, a
 * batch per hold that shrinks as the CPUs that have run grow, since each
 * count is a sum over their slots. The next batch goes on at the device
 * read last, found again by its ifindex.
 *
 * A waiting device is on no list: unlist_netdevice() took it off its net's,
 * and a dying net is off the net list. What still sees it is
 * netdev_run_todo(), which calls netdev_refcnt_read() on each waiting device
 * until it reads 1, sleeping 250 ms at most between calls (out of line in
 * Debian's 6.1, 6.12 and 7.2). A kretprobe on that exported function records each call made on
 * a device in NETREG_UNREGISTERED: its name, ifindex, net, and the count
 * returned. A record goes when the count reads 1: the device is then freed.
 * A second kretprobe, on free_netdev() (exported), sees each device as it
 * is freed: a waiting record whose last poll was missed goes then, and the
 * tracer, watching the device's per-CPU counts, is told before they are
 * freed.
 * Nothing is registered with the network stack: register_pernet_subsys()
 * and register_netdevice_notifier() take pernet_ops_rwsem for writing, and
 * a stuck cleanup_net() holds it for reading, so insmod would hang, and
 * every new net namespace behind it.
 */
#include <linux/kprobes.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <net/net_namespace.h>

#include "compat.h"
#include "format.h"
#include "ksyms.h"
#include "net_list.h"
#include "netdev.h"
#include "ptrset.h"
#include "rcu_section.h"
#include "trace.h"
#include "view.h"

/* ---- devices waiting for their references ----------------------------------- */

/* Waiting devices remembered at once; the longest unseen gives way to a new one. */
#define NSI_WAITERS 64
/*
 * A record not polled for this long is stale: its device was freed while
 * the probe missed both of its last polls, or its teardown is blocked
 * elsewhere (rtnl_lock(), rcu_barrier()) rather than polling.
 */
#define NSI_WAIT_STALE_NS (5 * NSEC_PER_SEC)

struct nsi_waiter {
	const void *dev;		/* compared, never followed */
	const void __percpu *pcpu;	/* its per-CPU counts: compared, for the tracer */
	char name[IFNAMSIZ];
	int ifindex;
	unsigned int net, userns;	/* inums */
	bool net_dying;			/* its net has no references left */
	long passive;			/* its net's passive count */
	u64 net_id;			/* its net's ns_id (6.18+); else 0 */
	int refs;			/* netdev_refcnt_read(), 1 being its own */
	u64 first_ns, last_ns;		/* local_clock() of the first and last call seen */
};

/* Raw: taken in kprobe handlers, which run with preemption off, PREEMPT_RT too. */
static DEFINE_RAW_SPINLOCK(nsi_waiters_lock);
static struct nsi_waiter nsi_waiters[NSI_WAITERS];
static unsigned int nsi_waiters_evicted;	/* records given up for room */
static const char *nsi_wait_unavailable = "not initialised";

/*
 * Devices the tracer watches (trace_netdev.c), under nsi_waiters_lock:
 * free_netdev() frees the counts under the watch, so the tracer is told as
 * it is called.
 */
static struct {
	const void *dev;		/* compared, never followed */
	void *cookie;
} nsi_dev_watches[NSI_DEV_WATCHES];

/* A device's per-CPU counts, or NULL where it has one refcount_t. */
static const void __percpu *nsi_netdev_pcpu(const struct net_device *dev)
{
#ifdef CONFIG_PCPU_DEV_REFCNT
	return dev->pcpu_refcnt;
#else
	return NULL;
#endif
}

const char *nsi_netdev_wait_why(void)
{
	return nsi_wait_unavailable;
}

static u64 nsi_since(u64 now, u64 then)
{
	return now > then ? now - then : 0;
}

static int nsi_refcnt_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	const struct net_device *dev = (const void *)regs_get_kernel_argument(regs, 0);
	/* What the entry handler saw of the device, for the return handler. */
	struct nsi_waiter *w = (struct nsi_waiter *)ri->data;
	struct user_namespace *user_ns;
	struct net *net;
	int refs = 0, passive = 0;

	/* Only the teardown's calls: the caller holds the device meanwhile. */
	if (dev->reg_state != NETREG_UNREGISTERED)
		return 1;
	w->dev = dev;
	w->pcpu = nsi_netdev_pcpu(dev);
	strscpy(w->name, dev->name, sizeof(w->name));
	w->ifindex = dev->ifindex;
	/*
	 * A device holds no reference on its net: one deleted from another
	 * net (a veth peer) may be polled after its own net is freed, as the
	 * kernel's own once-a-second rebroadcast also risks. Read it so that
	 * freed memory faults nothing; unread, there is no record (net 0),
	 * but a watched device's last poll is still seen.
	 */
	net = dev_net(dev);
	w->net_id = 0;
	if (get_kernel_nofault(w->net, &net->ns.inum) ||
	    get_kernel_nofault(user_ns, &net->user_ns) ||
	    get_kernel_nofault(w->userns, &user_ns->ns.inum) ||
	    get_kernel_nofault(refs, (int *)nsi_ns_ref_word(&net->ns)) ||
	    get_kernel_nofault(passive, (int *)&net->passive))
		w->net = 0;
#ifdef NSI_HAVE_NS_ID
	else if (get_kernel_nofault(w->net_id, &net->ns.ns_id))
		w->net = 0;
#endif
	w->net_dying = refs == 0;
	w->passive = passive;
	return 0;
}

static int nsi_refcnt_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct nsi_waiter *w = (struct nsi_waiter *)ri->data;
	int refs = (int)regs_return_value(regs);
	struct nsi_waiter *slot = NULL, *free = NULL, *oldest = NULL;
	unsigned long flags;
	u64 now = local_clock();
	int i;

	raw_spin_lock_irqsave(&nsi_waiters_lock, flags);
	for (i = 0; i < NSI_WAITERS && !slot; i++) {
		struct nsi_waiter *x = &nsi_waiters[i];

		if (x->dev == w->dev && x->ifindex == w->ifindex)
			slot = x;
		else if (!x->dev && !free)
			free = x;
		else if (x->dev && (!oldest || x->last_ns < oldest->last_ns))
			oldest = x;
	}
	if (refs == 1) {
		/* Free to go (exactly 1, as the kernel waits for): it is freed now. */
		if (slot)
			memset(slot, 0, sizeof(*slot));
		goto out;
	}
	if (!w->net)
		goto out;
	/* Another device at a freed one's address and ifindex: a new wait. */
	if (slot && nsi_since(now, slot->last_ns) > NSI_WAIT_STALE_NS)
		slot->dev = NULL;
	if (!slot) {
		slot = free;
		if (!slot) {
			slot = oldest;
			nsi_waiters_evicted++;
		}
		slot->dev = NULL;
	}
	if (!slot->dev) {
		*slot = *w;
		slot->first_ns = now;
	}
	slot->refs = refs;
	slot->net_dying = w->net_dying;
	slot->passive = w->passive;
	slot->last_ns = now;
out:
	raw_spin_unlock_irqrestore(&nsi_waiters_lock, flags);
	return 0;
}

#ifdef CONFIG_KRETPROBES
static struct kretprobe nsi_refcnt_probe = {
	.kp.symbol_name = "netdev_refcnt_read",
	.entry_handler = nsi_refcnt_entry,
	.handler = nsi_refcnt_return,
	.data_size = sizeof(struct nsi_waiter),
	/* 0: the kernel's default, max(10, 2 * possible CPUs) calls at once. */
};

/* Polls the probe missed (no free instance, or a probe already running). */
static unsigned long nsi_wait_missed(void)
{
	return nsi_wait_unavailable ? 0 :
	       nsi_refcnt_probe.nmissed + nsi_refcnt_probe.kp.nmissed;
}

/*
 * free_netdev(), on its way to free the device and its counts: its
 * waiting record goes, and a watch on it is told first. Called while the
 * device is unregistering, it only defers the free to netdev_run_todo().
 */
static int nsi_free_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	const struct net_device *dev = (const void *)regs_get_kernel_argument(regs, 0);
	unsigned long flags;
	int i;

	if (dev->reg_state == NETREG_UNREGISTERING)
		return 1;
	/*
	 * An entry handler runs in the int3 exception, which is NMI-like:
	 * lockdep allows only a trylock there. This CPU never holds the lock
	 * here (free_netdev() is never called under it), so the spin waits
	 * only for another CPU's short hold.
	 */
	local_irq_save(flags);
	while (!raw_spin_trylock(&nsi_waiters_lock))
		cpu_relax();
	for (i = 0; i < NSI_DEV_WATCHES; i++) {
		if (nsi_dev_watches[i].dev != dev)
			continue;
		nsi_trace_dev_freed(nsi_dev_watches[i].cookie);
		nsi_dev_watches[i].dev = NULL;
	}
	for (i = 0; i < NSI_WAITERS; i++)
		if (nsi_waiters[i].dev == dev)
			memset(&nsi_waiters[i], 0, sizeof(nsi_waiters[i]));
	raw_spin_unlock(&nsi_waiters_lock);
	local_irq_restore(flags);
	/* Nothing to see at its return. */
	return 1;
}

static struct kretprobe nsi_free_probe = {
	.kp.symbol_name = "free_netdev",
	.entry_handler = nsi_free_entry,
};

static const char *nsi_free_unavailable = "not initialised";

const char *nsi_netdev_free_why(void)
{
	return nsi_free_unavailable;
}

unsigned long nsi_netdev_free_missed(void)
{
	return nsi_free_unavailable ? 0 : nsi_free_probe.nmissed + nsi_free_probe.kp.nmissed;
}

void nsi_netdev_init(void)
{
	int err = register_kretprobe(&nsi_refcnt_probe);

	if (err) {
		pr_info("waiting net devices cannot be seen: kretprobe on netdev_refcnt_read: error %d\n",
			err);
		nsi_wait_unavailable = "a kretprobe on netdev_refcnt_read could not be registered";
	} else {
		nsi_wait_unavailable = NULL;
	}
	err = register_kretprobe(&nsi_free_probe);
	if (err) {
		pr_info("net devices cannot be traced: kretprobe on free_netdev: error %d\n", err);
		nsi_free_unavailable = "a kretprobe on free_netdev could not be registered";
	} else {
		nsi_free_unavailable = NULL;
	}
}

void nsi_netdev_exit(void)
{
	if (!nsi_free_unavailable)
		unregister_kretprobe(&nsi_free_probe);
	if (!nsi_wait_unavailable)
		unregister_kretprobe(&nsi_refcnt_probe);
}
#else
void nsi_netdev_init(void)
{
	nsi_wait_unavailable = "kernel built without CONFIG_KRETPROBES";
}

void nsi_netdev_exit(void)
{
}

static unsigned long nsi_wait_missed(void)
{
	return 0;
}

const char *nsi_netdev_free_why(void)
{
	return "kernel built without CONFIG_KRETPROBES";
}

unsigned long nsi_netdev_free_missed(void)
{
	return 0;
}
#endif

/* Copy the waiting devices; returns how many there are. */
static size_t nsi_waiters_copy(struct nsi_waiter *out, size_t n, unsigned int *evicted)
{
	unsigned long flags;
	size_t i, k = 0;

	raw_spin_lock_irqsave(&nsi_waiters_lock, flags);
	for (i = 0; i < NSI_WAITERS; i++) {
		if (!nsi_waiters[i].dev)
			continue;
		if (k < n)
			out[k] = nsi_waiters[i];
		k++;
	}
	if (evicted)
		*evicted = nsi_waiters_evicted;
	raw_spin_unlock_irqrestore(&nsi_waiters_lock, flags);
	return k;
}

size_t nsi_dying_nets(struct nsi_dying_net *out)
{
	unsigned long flags;
	size_t i, j, k = 0;
	u64 now;

	raw_spin_lock_irqsave(&nsi_waiters_lock, flags);
	now = local_clock();
	for (i = 0; i < NSI_WAITERS; i++) {
		const struct nsi_waiter *w = &nsi_waiters[i];
		u64 waited;

		if (!w->dev || !w->net_dying || nsi_since(now, w->last_ns) > NSI_WAIT_STALE_NS)
			continue;
		waited = div_u64(nsi_since(now, w->first_ns), NSEC_PER_MSEC);
		for (j = 0; j < k && out[j].inum != w->net; j++)
			;
		if (j == k && k < NSI_DYING_NETS_MAX)
			out[k++] = (struct nsi_dying_net){ .inum = w->net, .userns = w->userns,
							   .id = w->net_id };
		if (j < k) {
			out[j].passive = w->passive;
			out[j].waited_ms = max(out[j].waited_ms, waited);
		}
	}
	raw_spin_unlock_irqrestore(&nsi_waiters_lock, flags);
	return k;
}

/* ---- the snapshot -------------------------------------------------------------- */

struct nsi_netdev_rec {
	char name[IFNAMSIZ];
	int ifindex;
	unsigned int net, userns;
	int reg_state;
	int refs;
	bool waiting, net_dying, stale;
	u64 waited_ms, sampled_ms_ago;	/* waiting: since first seen, since last */
};

struct nsi_netdev_snap {
	struct nsi_netdev_rec *r;
	size_t n, cap;
	unsigned int evicted;		/* waiting records given up for room, ever */
	unsigned long missed;		/* polls the probe missed, ever */
	bool partial;			/* a net whose devices changed too fast to finish */
	u64 took_ns, max_hold_ns;
	const char *max_hold_at;
};

/*
 * Where the walk is in the net it reads: the net, and the device read last
 * and its ifindex; pointers compared, never followed.
 */
struct nsi_netdev_walk {
	struct nsi_netdev_snap *s;
	const struct net *net;
	u64 net_cookie;			/* never reused, unlike its address */
	const struct net_device *last;
	int last_ifindex;
	unsigned int restarts;
	unsigned int budget;		/* devices this hold of net_rwsem may still read */
	struct nsi_ptrset done;		/* net_cookies of the nets read whole */
};

/* Places lost in one net before its other devices are given up. */
#define NSI_NETDEV_RESTARTS 16
/* Per-CPU slots summed per RCU section, as the mounts walk. */
#define NSI_NETDEV_SLOTS 2048

/* Devices per section: fewer as the CPUs that have run grow. */
static unsigned int nsi_netdev_batch(void)
{
	return clamp_t(unsigned int, NSI_NETDEV_SLOTS / cpumask_weight(nsi_counted_cpus()), 1, 64);
}

/*
 * netdev_refcnt_read()'s sum, over the CPUs that have run rather than every
 * possible one (only a CPU that runs writes its slot), and without a call
 * that the probe above would see.
 */
static int nsi_netdev_refs(const struct net_device *dev)
{
#ifdef CONFIG_PCPU_DEV_REFCNT
	int cpu, refs = 0;

	for_each_cpu(cpu, nsi_counted_cpus())
		refs += *per_cpu_ptr(dev->pcpu_refcnt, cpu);
	return refs;
#else
	return refcount_read(&dev->dev_refcnt);
#endif
}

/* ---- devices for the tracer ------------------------------------------------------ */

struct nsi_netdev_look {
	unsigned int net;
	int ifindex;
	struct nsi_netdev_found *f;
	void *cookie;
	int err;
	u64 held;
};

/* Under nsi_waiters_lock. */
static int __nsi_netdev_watch(const void *dev, void *cookie)
{
	int i;

	for (i = 0; i < NSI_DEV_WATCHES; i++) {
		if (nsi_dev_watches[i].dev)
			continue;
		nsi_dev_watches[i].dev = dev;
		nsi_dev_watches[i].cookie = cookie;
		return 0;
	}
	return -ENOSPC;
}

/* Under net_rwsem: the device of that ifindex in the net of that inum. */
static int nsi_netdev_find_cb(void *arg, struct net *net)
{
	struct nsi_netdev_look *look = arg;
	struct nsi_netdev_found *f = look->f;
	struct net_device *dev;
	u64 start;

	if (net->ns.inum != look->net)
		return 0;
	nsi_rcu_enter();
	start = local_clock();
	dev = dev_get_by_index_rcu(net, look->ifindex);
	if (dev) {
		unsigned long flags;

		f->dev = dev;
		f->pcpu = nsi_netdev_pcpu(dev);
		strscpy(f->name, dev->name, sizeof(f->name));
		f->refs = nsi_netdev_refs(dev);
		f->waiting = false;
		/*
		 * Listed, and unlisting waits for this section to end
		 * (synchronize_net()) before the device can be freed: the
		 * watch sees its free.
		 */
		raw_spin_lock_irqsave(&nsi_waiters_lock, flags);
		look->err = __nsi_netdev_watch(dev, look->cookie);
		raw_spin_unlock_irqrestore(&nsi_waiters_lock, flags);
	}
	look->held = max(look->held, local_clock() - start);
	nsi_rcu_exit();
	return 1;
}

/*
 * The device of @ifindex in net namespace @net: listed in it, else waiting
 * in its teardown (its record not stale). Takes no reference: f->dev and
 * f->pcpu are only ever compared, or read nofault. Where it is found, the
 * tracer's @cookie is told of its free from then on: the device is alive
 * when the watch is set, under RCU or nsi_waiters_lock. Returns 0, -ESRCH,
 * -ENOSPC (too many watched), or why the net list could not be read.
 */
int nsi_netdev_find(unsigned int net, int ifindex, struct nsi_netdev_found *f, u64 *held_ns,
		    void *cookie)
{
	struct nsi_netdev_look look = { .net = net, .ifindex = ifindex, .f = f, .cookie = cookie };
	unsigned long flags;
	u64 start, held;
	int err, i;

	memset(f, 0, sizeof(*f));
	err = nsi_walk_nets(nsi_netdev_find_cb, NULL, &look, &held);
	*held_ns = max(held, look.held);
	if (err || f->dev)
		return err ?: look.err;
	raw_spin_lock_irqsave(&nsi_waiters_lock, flags);
	start = local_clock();
	for (i = 0; i < NSI_WAITERS && !f->dev; i++) {
		const struct nsi_waiter *w = &nsi_waiters[i];

		if (!w->dev || w->net != net || w->ifindex != ifindex ||
		    nsi_since(start, w->last_ns) > NSI_WAIT_STALE_NS)
			continue;
		f->dev = w->dev;
		f->pcpu = w->pcpu;
		memcpy(f->name, w->name, sizeof(f->name));
		f->refs = w->refs;
		f->waiting = true;
		/* free_netdev() drops the record under this lock: it is not freed yet. */
		err = __nsi_netdev_watch(w->dev, cookie);
	}
	*held_ns = max(*held_ns, local_clock() - start);
	raw_spin_unlock_irqrestore(&nsi_waiters_lock, flags);
	return f->dev ? err : -ESRCH;
}

void nsi_netdev_unwatch(void *cookie)
{
	unsigned long flags;
	int i;

	raw_spin_lock_irqsave(&nsi_waiters_lock, flags);
	for (i = 0; i < NSI_DEV_WATCHES; i++)
		if (nsi_dev_watches[i].cookie == cookie)
			nsi_dev_watches[i].dev = NULL;
	raw_spin_unlock_irqrestore(&nsi_waiters_lock, flags);
}

/* Room for need more records; may sleep. */
static int nsi_netdev_room(struct nsi_netdev_snap *s, size_t need)
{
	size_t cap = max_t(size_t, 64, 2 * s->cap);
	struct nsi_netdev_rec *r;

	if (s->cap - s->n >= need)
		return 0;
	cap = max(cap, s->n + need);
	r = kvmalloc_array(cap, sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return -ENOMEM;
	if (s->n)
		memcpy(r, s->r, s->n * sizeof(*r));
	kvfree(s->r);
	s->r = r;
	s->cap = cap;
	return 0;
}

/* The walk's grow(): room for a batch, and for one more net read whole. */
static int nsi_netdev_grow(void *arg)
{
	struct nsi_netdev_walk *w = arg;

	if (!nsi_ptrset_room(&w->done) && nsi_ptrset_reserve(&w->done, 2 * w->done.used + 64))
		return -ENOMEM;
	return nsi_netdev_room(w->s, nsi_netdev_batch());
}

/*
 * Under net_rwsem, which keeps the net listed: one batch of its devices, in
 * one RCU section (a device is freed only after unlist_netdevice() and a
 * grace period). The next goes on after the device read last, found again
 * by its ifindex, if it is still that device; else from the head, what was
 * read twice being dropped at the end.
 */
static int nsi_netdev_net(void *arg, struct net *net)
{
	struct nsi_netdev_walk *w = arg;
	struct nsi_netdev_snap *s = w->s;
	unsigned int batch = nsi_netdev_batch(), n = 0;
	struct net_device *dev = NULL;
	int ret = 0;
	u64 start;

	/* Read whole before the walk lost its place on the net list. */
	if (nsi_ptrset_has(&w->done, (const void *)(unsigned long)net->net_cookie))
		return 0;
	/* This hold has read its share: the lock is dropped, then this net again. */
	if (!w->budget) {
		w->budget = batch;
		return NSI_NET_AGAIN;
	}
	if (net != w->net || net->net_cookie != w->net_cookie) {
		w->net = net;
		w->net_cookie = net->net_cookie;
		w->last = NULL;
		w->restarts = 0;
	}
	if (s->cap - s->n < batch || !nsi_ptrset_room(&w->done))
		return -ENOSPC;
	nsi_rcu_enter();
	start = local_clock();
	if (w->last) {
		dev = dev_get_by_index_rcu(net, w->last_ifindex);
		if (dev != w->last) {
			dev = NULL;
			if (++w->restarts > NSI_NETDEV_RESTARTS) {
				s->partial = true;
				goto out;
			}
		}
	}
	if (!dev)
		dev = list_entry(&net->dev_base_head, struct net_device, dev_list);
	list_for_each_entry_continue_rcu(dev, &net->dev_base_head, dev_list) {
		struct nsi_netdev_rec *r = &s->r[s->n];

		if (n++ == w->budget) {
			w->budget = batch;
			ret = NSI_NET_AGAIN;
			break;
		}
		strscpy(r->name, dev->name, sizeof(r->name));
		r->ifindex = dev->ifindex;
		r->net = net->ns.inum;
		r->userns = net->user_ns->ns.inum;
		r->reg_state = dev->reg_state;
		r->refs = nsi_netdev_refs(dev);
		r->waiting = false;
		r->net_dying = false;
		r->stale = false;
		s->n++;
		w->last = dev;
		w->last_ifindex = dev->ifindex;
	}
out:
	nsi_hold_max(&s->max_hold_ns, &s->max_hold_at, local_clock() - start, "rcu:netdevs");
	nsi_rcu_exit();
	if (ret != NSI_NET_AGAIN) {
		w->budget -= min(w->budget, n);
		nsi_ptrset_add(&w->done, (const void *)(unsigned long)w->net_cookie);
		w->net = NULL;
	}
	return ret;
}

static int nsi_netdev_cmp(const void *a, const void *b)
{
	const struct nsi_netdev_rec *x = a, *y = b;

	if (x->net != y->net)
		return x->net < y->net ? -1 : 1;
	if (x->waiting != y->waiting)
		return x->waiting ? 1 : -1;
	return x->ifindex < y->ifindex ? -1 : x->ifindex > y->ifindex;
}

/* The waiting devices, after the live ones. */
static int nsi_netdev_add_waiting(struct nsi_netdev_snap *s)
{
	struct nsi_waiter *w;
	size_t i, nw;
	u64 now;
	int err;

	w = kmalloc_array(NSI_WAITERS, sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	nw = min_t(size_t, nsi_waiters_copy(w, NSI_WAITERS, &s->evicted), NSI_WAITERS);
	now = local_clock();
	s->missed = nsi_wait_missed();
	err = nsi_netdev_room(s, nw);
	for (i = 0; !err && i < nw; i++) {
		struct nsi_netdev_rec *r = &s->r[s->n++];

		memset(r, 0, sizeof(*r));
		memcpy(r->name, w[i].name, sizeof(r->name));
		r->ifindex = w[i].ifindex;
		r->net = w[i].net;
		r->userns = w[i].userns;
		r->reg_state = NETREG_UNREGISTERED;
		r->refs = w[i].refs;
		r->waiting = true;
		r->net_dying = w[i].net_dying;
		r->waited_ms = div_u64(nsi_since(now, w[i].first_ns), NSEC_PER_MSEC);
		r->sampled_ms_ago = div_u64(nsi_since(now, w[i].last_ns), NSEC_PER_MSEC);
		r->stale = nsi_since(now, w[i].last_ns) > NSI_WAIT_STALE_NS;
	}
	kfree(w);
	return err;
}

static void *netdevs_take(const struct file *reader)
{
	struct nsi_netdev_snap *s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	struct nsi_netdev_walk w = { .s = s, .budget = nsi_netdev_batch() };
	u64 start = local_clock(), held;
	size_t i, k;
	int err;

	if (!s)
		return ERR_PTR(-ENOMEM);
	err = nsi_ptrset_reserve(&w.done, 64) ?: nsi_netdev_grow(&w) ?:
	      nsi_walk_nets(nsi_netdev_net, nsi_netdev_grow, &w, &held);
	nsi_ptrset_free(&w.done);
	if (!err)
		nsi_hold_max(&s->max_hold_ns, &s->max_hold_at, held, "net_rwsem");
	if (!err)
		err = nsi_netdev_add_waiting(s);
	if (err) {
		kvfree(s->r);
		kfree(s);
		return ERR_PTR(err);
	}
	sort(s->r, s->n, sizeof(*s->r), nsi_netdev_cmp, NULL);
	for (i = 0, k = 0; i < s->n; i++)
		if (!k || nsi_netdev_cmp(&s->r[k - 1], &s->r[i]))
			s->r[k++] = s->r[i];
	s->n = k;
	s->took_ns = local_clock() - start;
	return s;
}

static void netdevs_free(void *snap)
{
	struct nsi_netdev_snap *s = snap;

	kvfree(s->r);
	kfree(s);
}

static size_t netdevs_count(const void *snap)
{
	return ((const struct nsi_netdev_snap *)snap)->n;
}

static void netdevs_stats(struct seq_file *m, const void *snap, size_t records)
{
	const struct nsi_netdev_snap *s = snap;

	if (nsi_wait_unavailable) {
		seq_puts(m, "# unavailable: waiting");
		nsi_put_str(m, "reason", nsi_wait_unavailable);
		seq_putc(m, '\n');
	}
	seq_printf(m, "# snapshot records=%zu took_us=%llu max_hold_us=%llu max_hold_at=%s",
		   records, div_u64(s->took_ns, NSEC_PER_USEC),
		   div_u64(s->max_hold_ns, NSEC_PER_USEC), s->max_hold_at ?: "-");
	seq_printf(m, " waiting_evicted=%u polls_missed=%lu partial=%d\n", s->evicted, s->missed,
		   s->partial);
}

static const char *const nsi_reg_states[] = {
	[NETREG_UNINITIALIZED] = "uninitialized",
	[NETREG_REGISTERED] = "registered",
	[NETREG_UNREGISTERING] = "unregistering",
	[NETREG_UNREGISTERED] = "unregistered",
	[NETREG_RELEASED] = "released",
	[NETREG_DUMMY] = "dummy",
};

static void netdevs_show(struct seq_file *m, const void *snap, size_t i)
{
	const struct nsi_netdev_rec *r = &((const struct nsi_netdev_snap *)snap)->r[i];
	const char *state = NULL;

	if (r->reg_state >= 0 && r->reg_state < ARRAY_SIZE(nsi_reg_states))
		state = nsi_reg_states[r->reg_state];
	seq_put_decimal_ull(m, "net=", r->net);
	nsi_put_num(m, "ifindex", r->ifindex);
	nsi_put_str(m, "name", r->name);
	nsi_put_str(m, "state", state ?: "-");
	nsi_put_num(m, "refs", r->refs);
	seq_put_decimal_ull(m, " userns=", r->userns);
	if (r->waiting) {
		nsi_put_str(m, "net_state", r->net_dying ? "dying" : "live");
		seq_put_decimal_ull(m, " waited_ms=", r->waited_ms);
		seq_put_decimal_ull(m, " sampled_ms_ago=", r->sampled_ms_ago);
		nsi_put_num(m, "stale", r->stale);
	}
	seq_putc(m, '\n');
}

static const struct nsi_view netdevs_view = {
	.header = "# netdevs: one record per network device of every net namespace, or waiting\n",
	.take = netdevs_take,
	.free = netdevs_free,
	.count = netdevs_count,
	.stats = netdevs_stats,
	.show = netdevs_show,
};

void nsi_netdevs_file_create(struct dentry *dir)
{
	nsi_view_create(dir, "netdevs", &netdevs_view);
}
