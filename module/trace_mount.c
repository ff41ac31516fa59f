// SPDX-License-Identifier: GPL-2.0
/*
 * The tracer's mount targets. A mount's counts are per CPU (struct
 * mnt_pcp): each CPU writes only its own slot, with this_cpu_inc(). So a
 * mount is watched with one breakpoint per online CPU on that CPU's slot
 * (perf_event_create_kernel_counter(), as register_wide_hw_breakpoint()
 * does for one address), and each hit's delta is exact: no other CPU
 * writes that slot. The mount is found by id under mount_lock
 * (mount_walk.c), like the namespaces without a reference, and it is being
 * freed when the running sum of its references reaches 0 once it has left
 * its namespace (nsi_trace_mnt_zero()).
 */
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/hw_breakpoint.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>

#include "ksyms.h"
#include "trace_internal.h"

/* Test only: ms between arming a mount's breakpoints and reading its slots. */
static unsigned int debug_arm_delay_ms;
module_param(debug_arm_delay_ms, uint, 0600);
MODULE_PARM_DESC(debug_arm_delay_ms, "test only: delay between arming a mount and reading it");

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
	struct nsi_trace_slot now = { 0 }, *last = &o->slots[smp_processor_id()];
	int refs, writers, delta, sum = 1;

	/* Before its slot is read on this CPU, the read will include this write. */
	if (!READ_ONCE(last->synced) || atomic_read(&o->dead) ||
	    nsi_trace_mnt_read(o, smp_processor_id(), &now))
		return;
	refs = nsi_trace_slot_refs(o, &now) - nsi_trace_slot_refs(o, last);
	writers = now.writers - last->writers;
	/* The words only: the arming task may still read the base. */
	last->count = now.count;
	last->gets = now.gets;
	last->puts = now.puts;
	last->writers = now.writers;
	if (refs)
		sum = atomic_add_return(refs, &o->refs);
	delta = o->writers ? writers : refs;
	if (delta)
		nsi_trace_record(o, regs, delta, atomic_add_return(delta, &o->last));
	else if (!refs && !writers)
		atomic_inc(&o->nochange);
	/*
	 * Exact, but two CPUs' handlers may add out of order: confirm a 0. A
	 * device never reaches 0: netdev.c sees it freed (trace_netdev.c).
	 */
	if (o->type == NSI_TRACE_MOUNT && refs < 0 && sum <= 0 && nsi_trace_mnt_zero(o))
		nsi_trace_died(o, 1);
}

/* A mount's breakpoints: NSI_TRACE_MNT_WORDS slots per possible CPU. */
void nsi_trace_unregister(struct perf_event **cpu_bp)
{
	unsigned int i;

	for (i = 0; i < nr_cpu_ids * NSI_TRACE_MNT_WORDS; i++)
		if (cpu_bp[i])
			unregister_hw_breakpoint(cpu_bp[i]);
	kvfree(cpu_bp);
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

/*
 * Read cpu's slot, and keep what it holds as the base the watch counts
 * from; then the handler may count from it (WRITE_ONCE() pairs with its
 * READ_ONCE()).
 */
static void nsi_trace_mnt_base(struct nsi_trace_obj *o, int cpu)
{
	struct nsi_trace_slot *slot = &o->slots[cpu];

	if (nsi_trace_mnt_read(o, cpu, slot))
		return;
	slot->base_refs = nsi_trace_slot_refs(o, slot);
	slot->base_writers = slot->writers;
	WRITE_ONCE(slot->synced, true);
}

/* A mount's slot read on its own CPU, between two of its writes. */
static void nsi_trace_mnt_sync(void *arg)
{
	nsi_trace_mnt_base(arg, smp_processor_id());
}

/*
 * Arm per-CPU counts' watch (a mount's, a device's): on each online CPU,
 * breakpoints on that CPU's slot; then read each slot on its own CPU (an
 * IPI, between two instructions of whatever runs there), the handler
 * ignoring the writes before that read,
 * which it includes. So no write between arming and reading is lost, as
 * one read before arming would lose it. CPUs that have run but are offline
 * are read where we are: their slots cannot move. Under cpus_read_lock(),
 * as register_wide_hw_breakpoint().
 */
int nsi_trace_arm_pcpu(struct nsi_trace_obj *o, const int *off, const int *len,
		       unsigned int nr)
{
	struct perf_event **cpu_bp;
	struct perf_event_attr attr;
	struct perf_event *bp;
	unsigned int i;
	int cpu, err = 0, refs = 0, writers = 0;

	cpu_bp = kvcalloc(nr_cpu_ids * NSI_TRACE_MNT_WORDS, sizeof(*cpu_bp), GFP_KERNEL);
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
			nsi_trace_mnt_base(o, cpu);
		if (!err && !o->slots[cpu].synced)
			err = -ESRCH;
		/* Not the slot itself: once synced, its CPU's handler moves it on. */
		refs += o->slots[cpu].base_refs;
		writers += o->slots[cpu].base_writers;
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
	/* A store-release and a load-acquire do not order the store before the load. */
	smp_mb();
	if (atomic_read_acquire(&o->dead))
		schedule_work(&o->disarm);
	return 0;
}

/* Arm a mount's watch: its references, or with o->writers its writers. */
int nsi_trace_watch_mount(struct nsi_trace_obj *o)
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
	if (err == -EAGAIN)
		return nsi_trace_fail(err, "mounts change too fast to be found: try again");
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
	o->slots = kvcalloc(nr_cpu_ids, sizeof(*o->slots), GFP_KERNEL);
	if (!o->slots)
		return -ENOMEM;
	err = nsi_trace_arm_pcpu(o, off, len, nr);
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
