// SPDX-License-Identifier: GPL-2.0
/*
 * The net namespace list, net_rwsem held for reading at most NSI_NET_BATCH
 * nets at a time: setup_net() and cleanup_net() take it for writing, so a
 * container start or teardown never waits behind more than one batch.
 *
 * Between two holds the walk keeps its place, the net it visited last, when
 * it can tell that net is still listed: it was listed when RCU's
 * grace-period state was noted under the lock, and cleanup_net() unlists a
 * net (list_del_rcu(), which poisons ->prev) and then waits for a grace
 * period before it may free it. If no grace period began since, its memory
 * is good and ->prev says whether it is listed. Otherwise the walk starts
 * again from the head, and fn sees some nets twice.
 */
#include <linux/poison.h>
#include <linux/rcupdate.h>
#include <linux/rtnetlink.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <net/net_namespace.h>

#include "net_list.h"
#include "rcu_section.h"

#define NSI_NET_BATCH		256
/* Places lost with no net visited further than before, before giving up. */
#define NSI_NET_LOST_IN_A_ROW	64

int nsi_walk_nets(nsi_net_fn_t fn, int (*grow)(void *arg), void *arg, u64 *held_ns)
{
	unsigned int batch, lost = 0;
	struct list_head *l = NULL;
	size_t at = 0, furthest = 0;	/* nets from the head: progress */
	struct nsi_gp gp;
	int ret = 0;
	u64 start;

	*held_ns = 0;
	for (;;) {
		down_read(&net_rwsem);
		start = local_clock();
		if (l) {
			/* Still listed, and so still there, or from the head again. */
			rcu_read_lock();
			if (!nsi_gp_none_began(&gp) || READ_ONCE(l->prev) == LIST_POISON2)
				l = NULL;
			rcu_read_unlock();
			if (!l)
				lost++;
		}
		if (!l) {
			l = &net_namespace_list;
			at = 0;
		}
		for (batch = 0; batch < NSI_NET_BATCH; batch++) {
			if (l->next == &net_namespace_list) {
				ret = 1;
				break;
			}
			ret = fn(arg, list_entry(l->next, struct net, list));
			if (ret == NSI_NET_AGAIN)
				lost = 0;
			if (ret && ret != NSI_NET_NEXT)
				break;
			l = l->next;
			if (++at > furthest) {
				furthest = at;
				lost = 0;
			}
			if (ret)
				break;
		}
		/* l, the head or the net visited last, is listed: note since when. */
		nsi_gp_note(&gp);
		*held_ns = max(*held_ns, local_clock() - start);
		up_read(&net_rwsem);
		if (ret == -ENOSPC && grow)
			ret = grow(arg);
		if (ret == NSI_NET_AGAIN || ret == NSI_NET_NEXT)
			ret = 0;
		if (ret)
			return ret == 1 ? 0 : ret;
		if (lost > NSI_NET_LOST_IN_A_ROW)
			return -EAGAIN;
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
}
