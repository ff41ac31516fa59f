// SPDX-License-Identifier: GPL-2.0
/*
 * The tracer's network device target. With CONFIG_PCPU_DEV_REFCNT (as
 * Debian builds), dev_hold() and dev_put() are this_cpu_inc() and
 * this_cpu_dec() of dev->pcpu_refcnt: each CPU writes only its own slot, so
 * a device is watched as a mount is, with one breakpoint per online CPU on
 * that CPU's slot (trace_mount.c), and each change is exact.
 *
 * A device's count never reaches 0: its teardown waits for it to read 1
 * (netdev_wait_allrefs_any()), then free_netdev() frees it. netdev.c's
 * kretprobe on free_netdev() calls nsi_trace_dev_freed() before the counts
 * under the breakpoints are freed; from then on the handler ignores every
 * write. A dev_hold() after the teardown's last wait, a bug of its own, is
 * still seen.
 *
 * The device is found without a reference, listed in its net (by ifindex,
 * under RCU), or waiting in the teardown of a net that is off every list
 * (netdev.c's records of the teardown's polls), and netdev.c watches for
 * its free in that same hold, while it cannot be freed.
 */
#include <linux/build_bug.h>
#include <linux/netdevice.h>
#include <linux/slab.h>

#include "netdev.h"
#include "trace_internal.h"

int nsi_trace_watch_netdev(struct nsi_trace_obj *o)
{
	struct nsi_netdev_found f;
	const char *why = nsi_netdev_free_why();
	int off = 0, len = sizeof(int);
	u64 held;
	int err;

#ifdef CONFIG_PCPU_DEV_REFCNT
	/* One breakpoint of len bytes at each CPU's slot. */
	BUILD_BUG_ON(sizeof(*((struct net_device *)NULL)->pcpu_refcnt) != sizeof(int));
#endif
	/* Every ledger may be a device's. */
	BUILD_BUG_ON(NSI_DEV_WATCHES < NSI_TRACE_OBJS);
	if (why)
		return nsi_trace_fail(-EOPNOTSUPP, "a device's free cannot be seen: %s", why);
	if (nsi_trace_armed() + 1 > NSI_TRACE_REGS)
		return nsi_trace_fail(-EBUSY,
				      "a device takes 1 debug register and %u of %d are in use: write stop first",
				      nsi_trace_armed(), NSI_TRACE_REGS);
	o->slots = kvcalloc(nr_cpu_ids, sizeof(*o->slots), GFP_KERNEL);
	if (!o->slots)
		return -ENOMEM;
	o->free_missed = nsi_netdev_free_missed();
	err = nsi_netdev_find(o->inum, o->ifindex, &f, &held, o);
	nsi_trace_max_hold = max(nsi_trace_max_hold, held);
	if (err == -ESRCH)
		return nsi_trace_fail(-ESRCH,
				      "no device %d in net namespace %u, listed or waiting in its teardown",
				      o->ifindex, o->inum);
	if (err == -ENOSPC)
		return nsi_trace_fail(-EBUSY, "too many devices watched at once");
	if (err)
		return nsi_trace_fail(err, "the net list could not be read: error %d", err);
	if (!f.pcpu)
		return nsi_trace_fail(-EOPNOTSUPP,
				      "the kernel keeps one count per device (no CONFIG_PCPU_DEV_REFCNT)");
	o->dev = f.dev;
	/* The ledger's readers copy the name under their lock. */
	mutex_lock(&nsi_trace_read_lock);
	memcpy(o->name, f.name, sizeof(o->name));
	mutex_unlock(&nsi_trace_read_lock);
	o->mc.pcp = (void __percpu *)f.pcpu;
	o->mc.off_count = 0;
	o->mc.off_writers = 0;
	err = nsi_trace_arm_pcpu(o, &off, &len, 1);
	if (err)
		return err;
	/* Freed while being armed: the breakpoints may be on freed memory. */
	if (atomic_read_acquire(&o->dead))
		return nsi_trace_fail(-ESRCH, "device %d of net %u was freed while being armed",
				      o->ifindex, o->inum);
	return 0;
}
