// SPDX-License-Identifier: GPL-2.0
/*
 * The tracer's network device target. With CONFIG_PCPU_DEV_REFCNT (as
 * Debian builds), dev_hold() and dev_put() are this_cpu_inc() and
 * this_cpu_dec() of dev->pcpu_refcnt: each CPU writes only its own slot, so
 * a device is watched as a mount is, with one breakpoint per online CPU on
 * that CPU's slot (trace_mount.c), and each change is exact.
 *
 * A device's count never reaches 0: its teardown waits for it to read 1
 * (netdev_wait_allrefs_any()), then frees it. netdev.c's kretprobe sees
 * that poll, and calls nsi_trace_dev_freed() before the counts under the
 * breakpoints are freed; from then on the handler ignores every write.
 *
 * The device is found without a reference, listed in its net (by ifindex,
 * under RCU), or waiting in the teardown of a net that is off every list
 * (netdev.c's records of the teardown's polls); after arming it is found
 * again, to check that it is the same device, still not freed.
 */
#include <linux/slab.h>

#include "netdev.h"
#include "trace_internal.h"

int nsi_trace_watch_netdev(struct nsi_trace_obj *o)
{
	struct nsi_netdev_found f, again;
	const char *why = nsi_netdev_wait_why();
	int off = 0, len = 4;
	u64 held;
	int err;

	if (why)
		return nsi_trace_fail(-EOPNOTSUPP, "a device's free cannot be seen: %s", why);
	err = nsi_netdev_find(o->inum, o->ifindex, &f, &held);
	nsi_trace_max_hold = max(nsi_trace_max_hold, held);
	if (err == -ESRCH)
		return nsi_trace_fail(-ESRCH,
				      "no device %d in net namespace %u, listed or waiting in its teardown",
				      o->ifindex, o->inum);
	if (err)
		return nsi_trace_fail(err, "the net list could not be read: error %d", err);
	if (!f.pcpu)
		return nsi_trace_fail(-EOPNOTSUPP,
				      "the kernel keeps one count per device (no CONFIG_PCPU_DEV_REFCNT)");
	if (nsi_trace_armed() + 1 > NSI_TRACE_REGS)
		return nsi_trace_fail(-EBUSY,
				      "a device takes 1 debug register and %u of %d are in use: write stop first",
				      nsi_trace_armed(), NSI_TRACE_REGS);
	o->dev = f.dev;
	memcpy(o->name, f.name, sizeof(o->name));
	o->mc.pcp = (void __percpu *)f.pcpu;
	o->mc.off_count = 0;
	o->mc.off_writers = 0;
	o->slots = kcalloc(nr_cpu_ids, sizeof(*o->slots), GFP_KERNEL);
	if (!o->slots)
		return -ENOMEM;
	/* Before arming: a free from now on is seen, and disarms. */
	if (nsi_netdev_watch(f.dev, o))
		return nsi_trace_fail(-EBUSY, "too many devices watched at once");
	err = nsi_trace_arm_pcpu(o, &off, &len, 1);
	if (err)
		return err;

	/*
	 * Armed on what was that device: is it still, not yet freed? A
	 * waiting device's record goes when its last poll reads 1, and the
	 * kretprobe must have missed none of the polls meanwhile.
	 */
	err = nsi_netdev_find(o->inum, o->ifindex, &again, &held);
	nsi_trace_max_hold = max(nsi_trace_max_hold, held);
	if (err && err != -ESRCH)
		return nsi_trace_fail(err, "the net list could not be read: error %d", err);
	if (err || again.dev != f.dev || again.pcpu != f.pcpu ||
	    (again.waiting && again.missed != f.missed))
		return nsi_trace_fail(-ESRCH, "device %d of net %u went away while being armed",
				      o->ifindex, o->inum);
	return 0;
}
