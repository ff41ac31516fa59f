/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network devices of every net namespace, and those that wait, unregistered,
 * for their last references (a net namespace that cannot die).
 */
#ifndef NSI_NETDEV_H
#define NSI_NETDEV_H

#include <linux/if.h>
#include <linux/types.h>

struct dentry;

/* Arm the watch on waiting devices; its failure only turns the feature off. */
void nsi_netdev_init(void);
void nsi_netdev_exit(void);
/* Why waiting devices cannot be seen, or NULL when they can. */
const char *nsi_netdev_wait_why(void);
void nsi_netdevs_file_create(struct dentry *dir);

/* A net namespace off the net list whose teardown waits for a device. */
struct nsi_dying_net {
	unsigned int inum, userns;
	u64 id;				/* ns_id, where the kernel has one; else 0 */
	long passive;			/* net->passive when last seen */
	u64 waited_ms;			/* since a device of it was first seen waiting */
};

#define NSI_DYING_NETS_MAX 64

/* Copy the dying nets into out[NSI_DYING_NETS_MAX]; returns how many. */
size_t nsi_dying_nets(struct nsi_dying_net *out);

/* A device for the tracer, found without a reference. */
struct nsi_netdev_found {
	const void *dev;		/* compared, never followed */
	const void __percpu *pcpu;	/* its per-CPU counts; NULL: it has none */
	char name[IFNAMSIZ];
	int refs;
	bool waiting;			/* in its teardown, off every list */
};

/* Devices watched at once: one per ledger of the tracer, at most. */
#define NSI_DEV_WATCHES 16

/*
 * Find a device and, in the same hold, have nsi_trace_dev_freed(cookie)
 * called (under a raw spinlock) when free_netdev() is about to free it.
 */
int nsi_netdev_find(unsigned int net, int ifindex, struct nsi_netdev_found *f, u64 *held_ns,
		    void *cookie);
void nsi_netdev_unwatch(void *cookie);
/* Why a device's free cannot be seen (the tracer needs it), or NULL. */
const char *nsi_netdev_free_why(void);
/* Calls of free_netdev() the probe missed, ever. */
unsigned long nsi_netdev_free_missed(void);

#endif /* NSI_NETDEV_H */
