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
 *   mntget ADDR an extra mntget() on the mount of the file the writer
 *		 maps at ADDR, no mntput()
 *   drop_write ADDR
 *		 mnt_drop_write() on that mount with no mnt_want_write(): its
 *		 writers go to -1, as in 6.6.72's overlayfs bug. For an
 *		 overlayfs file, mapped is its real file, on the upper layer's
 *		 private clone from 6.6 on (6.1 maps it with the overlay's path)
 *   dev_hold PID [NAME]
 *		 dev_hold() on the loopback device (or device NAME) of task
 *		 PID's net namespace, no dev_put(): when that namespace dies,
 *		 its teardown waits for it ("waiting for lo to become free")
 *   release	 give back everything taken, in put functions of its own; a
 *		 dropped write is taken back before its mount can be unmounted,
 *		 which the module's mntget() prevents until then: a mount that
 *		 dies with writers != 0 WARNs in cleanup_mnt()
 * Unloading releases too, so a test always ends with the counts it began with.
 */
#include <linux/cred.h>
#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
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
static struct vfsmount *nsi_leak_mnts[NSI_LEAK_MAX];
static struct net_device *nsi_leak_devs[NSI_LEAK_MAX];
static bool nsi_leak_dropped[NSI_LEAK_MAX];	/* a write dropped on it */
static unsigned int nsi_leak_nr_nets, nsi_leak_nr_users, nsi_leak_nr_mnts, nsi_leak_nr_devs;
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

/* The task's nsproxy, read under its task_lock, holds its net namespace. */
static noinline int nsi_leak_dev_hold(pid_t nr, const char *name)
{
	struct net_device *dev = NULL;
	struct task_struct *t;

	if (nsi_leak_nr_devs == NSI_LEAK_MAX)
		return -ENOSPC;
	rcu_read_lock();
	t = pid_task(find_vpid(nr), PIDTYPE_PID);
	if (t) {
		task_lock(t);
		if (t->nsproxy && !*name) {
			dev = t->nsproxy->net_ns->loopback_dev;
			dev_hold(dev);
		} else if (t->nsproxy) {
			dev = dev_get_by_name_rcu(t->nsproxy->net_ns, name);
			dev_hold(dev);
		}
		task_unlock(t);
	}
	rcu_read_unlock();
	if (!dev)
		return -ESRCH;
	nsi_leak_devs[nsi_leak_nr_devs++] = dev;
	return 0;
}

static noinline void nsi_leak_dev_put(void)
{
	while (nsi_leak_nr_devs)
		dev_put(nsi_leak_devs[--nsi_leak_nr_devs]);
}

/* The file mapped at addr, with a reference, for a free slot; or an ERR_PTR. */
static struct file *nsi_leak_mapped_file(unsigned long addr)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct file *file = ERR_PTR(-ENOENT);

	if (nsi_leak_nr_mnts == NSI_LEAK_MAX)
		return ERR_PTR(-ENOSPC);
	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (vma && vma->vm_start <= addr && vma->vm_file)
		file = get_file(vma->vm_file);
	mmap_read_unlock(mm);
	return file;
}

/* The file's mount reference is not the last: the mapping holds the file. */
static noinline int nsi_leak_mntget(unsigned long addr)
{
	struct file *file = nsi_leak_mapped_file(addr);

	if (IS_ERR(file))
		return PTR_ERR(file);
	nsi_leak_dropped[nsi_leak_nr_mnts] = false;
	nsi_leak_mnts[nsi_leak_nr_mnts++] = mntget(file->f_path.mnt);
	fput(file);
	return 0;
}

static noinline int nsi_leak_drop_write(unsigned long addr)
{
	struct file *file = nsi_leak_mapped_file(addr);
	struct vfsmount *mnt;

	if (IS_ERR(file))
		return PTR_ERR(file);
	/* Kept, so that the mount outlives the dropped write until release. */
	mnt = mntget(file->f_path.mnt);
	fput(file);
	/* A read-only mount could not take the write back: refuse it. */
	if (__mnt_is_readonly(mnt)) {
		mntput(mnt);
		return -EROFS;
	}
	/*
	 * mnt_drop_write() also ends a write on the superblock (sb_end_write()):
	 * start one, so that only the mount's writers are left unbalanced.
	 */
	sb_start_write(mnt->mnt_sb);
	mnt_drop_write(mnt);
	nsi_leak_dropped[nsi_leak_nr_mnts] = true;
	nsi_leak_mnts[nsi_leak_nr_mnts++] = mnt;
	return 0;
}

static noinline void nsi_leak_put_mounts(void)
{
	struct vfsmount *mnt;

	while (nsi_leak_nr_mnts) {
		mnt = nsi_leak_mnts[--nsi_leak_nr_mnts];
		if (!nsi_leak_dropped[nsi_leak_nr_mnts]) {
			mntput(mnt);
			continue;
		}
		/* Take the dropped write back; the superblock's write ends too. */
		if (!mnt_want_write(mnt)) {
			sb_end_write(mnt->mnt_sb);
			mntput(mnt);
			continue;
		}
		/*
		 * Gone read-only since (an emergency remount): the mount is
		 * kept, so that it never dies with writers below 0, which
		 * WARNs in cleanup_mnt().
		 */
		pr_err("nsi_leak: cannot take back a dropped write; keeping the mount\n");
	}
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
	char buf[48], name[IFNAMSIZ] = "";
	unsigned long addr;
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
	} else if (sscanf(buf, "mntget %lx", &addr) == 1) {
		err = nsi_leak_mntget(addr);
	} else if (sscanf(buf, "drop_write %lx", &addr) == 1) {
		err = nsi_leak_drop_write(addr);
	} else if (sscanf(buf, "dev_hold %d %15s", &pid, name) >= 1 && pid > 0) {
		err = nsi_leak_dev_hold(pid, name);
	} else if (!strcmp(buf, "release")) {
		nsi_leak_dev_put();
		nsi_leak_put_net();
		nsi_leak_put_user_ns();
		nsi_leak_put_mounts();
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
	nsi_leak_dev_put();
	nsi_leak_put_net();
	nsi_leak_put_user_ns();
	nsi_leak_put_mounts();
}

module_init(nsi_leak_init);
module_exit(nsi_leak_exit);

MODULE_DESCRIPTION("nsinspect selftests: namespace reference leaks on request");
MODULE_AUTHOR("nsinspect developers");
MODULE_LICENSE("GPL");
