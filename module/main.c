// SPDX-License-Identifier: GPL-2.0
/*
 * nsinspect: publish namespace internals under /sys/kernel/debug/nsinspect/.
 *
 * Every file is read-only and root-only (0400), so the files stay readable
 * under lockdown=integrity and give nothing away to unprivileged users; the
 * one exception is the tracer's trace_control (0600, trace.c), which
 * lockdown closes.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/utsname.h>

#include "ksyms.h"
#include "mount_walk.h"
#include "format.h"
#include "netdev.h"
#include "nsinspect.h"
#include "nstree.h"
#include "snapshot.h"
#include "trace.h"

static struct dentry *nsi_root;

static const char *nsi_always(void)
{
	return NULL;
}

static const char *nsi_ns_id_why(void)
{
#ifdef NSI_HAVE_NS_ID
	return NULL;
#else
	return "kernel has no ns_common.ns_id (added in 6.18)";
#endif
}

static const char *nsi_active_refs_why(void)
{
#ifdef NSI_HAVE_NS_ACTIVE
	return NULL;
#else
	return "kernel has no active namespace references (added in 6.19)";
#endif
}

/* Per-CPU counters are summed over the CPUs that have run, else all possible. */
static const char *nsi_counted_cpus_why(void)
{
	return nsi_ksym_why(cpus_booted_once_mask);
}

/* What this kernel and build support: each feature, and why it is off. */
static const struct {
	const char *name;
	const char *(*why)(void);
} nsi_features[] = {
	{ "namespaces", nsi_always },
	{ "idle_tasks", nsi_snap_idle_tasks_why },
	{ "lazy_mms", nsi_lazy_mms_why },
	{ "ns_id", nsi_ns_id_why },
	{ "active_refs", nsi_active_refs_why },
	{ "booted_cpus", nsi_counted_cpus_why },
	{ "mounts", nsi_mounts_why },
	{ "nsfs_mounts", nsi_nsfs_mounts_why },
	{ "place_hash", nsi_place_hash_why },
	{ "nstree", nsi_nstree_why },
	{ "trace", nsi_trace_why },
	{ "netdev_wait", nsi_netdev_wait_why },
};

static int version_show(struct seq_file *m, void *v)
{
	size_t i;

	seq_puts(m, "# nsinspect version: module build, output format, kernel, features\n");
	seq_printf(m, "nsinspect=%s format=%d", NSI_VERSION, NSI_FORMAT_VERSION);
	nsi_put_str(m, "kernel", init_utsname()->release);
	seq_putc(m, '\n');
	for (i = 0; i < ARRAY_SIZE(nsi_features); i++) {
		const char *why = nsi_features[i].why();

		seq_printf(m, "feature=%s state=%savailable", nsi_features[i].name,
			   why ? "un" : "");
		if (why)
			nsi_put_str(m, "reason", why);
		seq_putc(m, '\n');
	}
	seq_printf(m, "stat=max_hold_ns value=%llu\n",
		   max(nsi_snap_max_hold_ns(), nsi_mounts_max_hold_ns()));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(version);

static const struct {
	const char *name;
	const struct file_operations *fops;
} nsi_files[] = {
	{ "version", &version_fops },
};

/*
 * In order: locate the private data (symbols), check the private layouts
 * against the running kernel, find the namespace trees, prepare snapshots;
 * then publish. A step that fails turns its features off, never the module.
 */
static int __init nsi_init(void)
{
	size_t i;

	nsi_ksyms_resolve();
	nsi_mounts_init();
	nsi_nstree_init();
	nsi_snap_init();
	nsi_netdev_init();
	nsi_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	if (IS_ERR(nsi_root)) {
		nsi_netdev_exit();
		return PTR_ERR(nsi_root);
	}
	for (i = 0; i < ARRAY_SIZE(nsi_files); i++)
		debugfs_create_file(nsi_files[i].name, 0400, nsi_root, NULL,
				    nsi_files[i].fops);
	nsi_ns_files_create(nsi_root);
	nsi_mounts_file_create(nsi_root);
	nsi_netdevs_file_create(nsi_root);
	nsi_trace_create(nsi_root);
	return 0;
}

static void __exit nsi_exit(void)
{
	debugfs_remove(nsi_root);
	/* No file is open any more: nothing can arm a watch again. */
	nsi_trace_exit();
	nsi_netdev_exit();
}

module_init(nsi_init);
module_exit(nsi_exit);

MODULE_DESCRIPTION("Namespace and mount internals in debugfs");
MODULE_AUTHOR("nsinspect developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(NSI_VERSION);
