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

#endif /* NSI_RCU_SECTION_H */
