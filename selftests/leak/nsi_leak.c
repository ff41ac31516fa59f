// SPDX-License-Identifier: GPL-2.0
/*
 * nsi_leak: references taken on request and not given back, from named
 * functions, so that the tracer's tests can check that its ledger names the
 * function that leaked. Test-only: loaded in the VM, never installed.
 *
 * /sys/kernel/debug/nsi_leak/control (0200) takes one verb per write:
 *   get_net	 get_net() on the writer's net namespace, no put
 *   get_user_ns [PID] get_user_ns() on the writer's user namespace, or on
 *		 that of task PID (so that the writer adds no other traffic on
 *		 it: its creds and mm would take references too), no put
 *   release	 give back everything taken, in put functions of its own
 * Unloading releases too, so a test always ends with the counts it began with.
 */
#include <linux/cred.h>
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>

#define NSI_LEAK_MAX 64

static DEFINE_MUTEX(nsi_leak_lock);
static struct net *nsi_leak_nets[NSI_LEAK_MAX];
static struct user_namespace *nsi_leak_users[NSI_LEAK_MAX];
static unsigned int nsi_leak_nr_nets, nsi_leak_nr_users;
static struct dentry *nsi_leak_dir;

/* The leaks, each in a function of its own so that a stack names it. */
static noinline int nsi_leak_get_net(void)
{
	if (nsi_leak_nr_nets == NSI_LEAK_MAX)
		return -ENOSPC;
	nsi_leak_nets[nsi_leak_nr_nets++] = get_net(current->nsproxy->net_ns);
	return 0;
}

static noinline int nsi_leak_get_user_ns(pid_t nr)
{
	struct user_namespace *ns = NULL;
	struct task_struct *t;

	if (nsi_leak_nr_users == NSI_LEAK_MAX)
		return -ENOSPC;
	if (!nr) {
		ns = get_user_ns(current_user_ns());
	} else {
		/* The task's cred pins its user namespace while RCU is held. */
		rcu_read_lock();
		t = pid_task(find_vpid(nr), PIDTYPE_PID);
		if (t)
			ns = get_user_ns(__task_cred(t)->user_ns);
		rcu_read_unlock();
		if (!ns)
			return -ESRCH;
	}
	nsi_leak_users[nsi_leak_nr_users++] = ns;
	return 0;
}

static noinline void nsi_leak_put_net(void)
{
	while (nsi_leak_nr_nets)
		put_net(nsi_leak_nets[--nsi_leak_nr_nets]);
}

static noinline void nsi_leak_put_user_ns(void)
{
	while (nsi_leak_nr_users)
		put_user_ns(nsi_leak_users[--nsi_leak_nr_users]);
}

static ssize_t nsi_leak_write(struct file *file, const char __user *ubuf, size_t len,
			      loff_t *ppos)
{
	char buf[32];
	int err = 0, pid;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	strim(buf);

	mutex_lock(&nsi_leak_lock);
	if (!strcmp(buf, "get_net")) {
		err = nsi_leak_get_net();
	} else if (!strcmp(buf, "get_user_ns")) {
		err = nsi_leak_get_user_ns(0);
	} else if (sscanf(buf, "get_user_ns %d", &pid) == 1 && pid > 0) {
		err = nsi_leak_get_user_ns(pid);
	} else if (!strcmp(buf, "release")) {
		nsi_leak_put_net();
		nsi_leak_put_user_ns();
	} else {
		err = -EINVAL;
	}
	mutex_unlock(&nsi_leak_lock);
	return err ? err : len;
}

static const struct file_operations nsi_leak_fops = {
	.owner = THIS_MODULE,
	.write = nsi_leak_write,
};

static int __init nsi_leak_init(void)
{
	nsi_leak_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("control", 0200, nsi_leak_dir, NULL, &nsi_leak_fops);
	return 0;
}

static void __exit nsi_leak_exit(void)
{
	debugfs_remove(nsi_leak_dir);
	nsi_leak_put_net();
	nsi_leak_put_user_ns();
}

module_init(nsi_leak_init);
module_exit(nsi_leak_exit);

MODULE_DESCRIPTION("nsinspect selftests: namespace reference leaks on request");
MODULE_AUTHOR("nsinspect developers");
MODULE_LICENSE("GPL");
