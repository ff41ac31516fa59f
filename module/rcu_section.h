/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The walks' RCU read sections, not preemptible.
 *
 * Each section is bounded by the time or the count its walk allows, but a
 * preemptible kernel (PREEMPT_LAZY or PREEMPT_FULL: 7.2's default) may
 * preempt a reader inside one, and every synchronize_rcu() (an umount's,
 * in namespace_unlock()) then waits until the scheduler runs the reader
 * again, for as long as other tasks keep its CPU. Debian's kernels have no
 * RCU priority boosting to end that. With preemption off the section lasts
 * what the walk bounds it to, as a spinlock's hold would.
 *
 * Not on PREEMPT_RT: there the spinlocks taken inside (mount_lock, sb_lock,
 * task_lock()) sleep, and RCU boosting (RCU_BOOST, on with PREEMPT_RT)
 * raises a preempted reader instead.
 */
#ifndef NSI_RCU_SECTION_H
#define NSI_RCU_SECTION_H

#include <linux/kconfig.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>

static inline void nsi_rcu_enter(void)
	__acquires(RCU)
{
	if (!IS_ENABLED(CONFIG_PREEMPT_RT))
		preempt_disable();
	rcu_read_lock();
}

static inline void nsi_rcu_exit(void)
	__releases(RCU)
{
	rcu_read_unlock();
	if (!IS_ENABLED(CONFIG_PREEMPT_RT))
		preempt_enable();
}

/*
 * Every walk reports its longest section that others waited for, and which
 * it was: a section of d ns named at ends; keep it if it is the longest.
 */
static inline void nsi_hold_max(u64 *max_ns, const char **max_at, u64 d, const char *at)
{
	if (d > *max_ns) {
		*max_ns = d;
		*max_at = at;
	}
}

/*
 * Whether a grace period began since a place was seen listed under its lock:
 * if none did, an object that is unlisted and then freed by call_rcu() or
 * after synchronize_rcu() is still there until the reader leaves the RCU
 * section it is in now. Both kinds count, normal and expedited
 * (get_state_synchronize_rcu_full()). The normal one is also read from
 * rcu_state.gp_seq itself (rcu_get_gp_seq(), exported since 5.0 for
 * rcutorture, declared only in kernel/rcu/rcu.h): before 6.15 (commit
 * 85aad7cc4178) the full state read the root rcu_node's ->gp_seq, which a
 * new grace period sets only after it has chosen the CPUs it waits for, so
 * a reader migrated meanwhile to a CPU just come online, which that grace
 * period does not wait for, would see no change.
 */
unsigned long rcu_get_gp_seq(void);

struct nsi_gp {
	struct rcu_gp_oldstate full;
	unsigned long seq;
};

/*
 * The end of the first grace period to begin after a gp_seq value: RCU's
 * own rcu_seq_snap(), its two low bits the state (kernel/rcu/rcu.h, the
 * same from 4.19 to 7.2). Equal snaps: none began in between.
 */
static inline unsigned long nsi_gp_snap(unsigned long seq)
{
	return (seq + 2 * 3 + 1) & ~3UL;
}

static inline void nsi_gp_note(struct nsi_gp *gp)
{
	get_state_synchronize_rcu_full(&gp->full);
	gp->seq = nsi_gp_snap(rcu_get_gp_seq());
}

/* Called inside the RCU section the place is to be used in. */
static inline bool nsi_gp_none_began(struct nsi_gp *since)
{
	struct nsi_gp now;

	nsi_gp_note(&now);
	return same_state_synchronize_rcu_full(&now.full, &since->full) &&
	       now.seq == since->seq;
}

#endif /* NSI_RCU_SECTION_H */
