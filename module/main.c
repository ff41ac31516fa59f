// SPDX-License-Identifier: GPL-2.0
/*
 * nsinspect: publish namespace internals under /sys/kernel/debug/nsinspect/.
 *
 * Every file is read-only and root-only (0400), so the files stay readable
 * under lockdown=integrity and give nothing away to unprivileged users.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/utsname.h>

#include "mount_walk.h"
#include "nsinspect.h"

static struct dentry *nsi_root;

/*
 * Write " key=value" with the value escaped the way mountinfo escapes paths:
 * space, '=', backslash and control bytes become \ooo, so a value can never
 * break the one-record-per-line, space-separated format.
 */
void nsi_put_str(struct seq_file *m, const char *key, const char *s)
{
	unsigned char c;

	nsi_put_key(m, key);
	if (!s || !*s) {
		seq_putc(m, '-');
		return;
	}
	while ((c = *s++)) {
		if (c <= ' ' || c == '=' || c == '\\' || c >= 0x7f) {
			seq_putc(m, '\\');
			seq_putc(m, '0' + (c >> 6));
			seq_putc(m, '0' + ((c >> 3) & 7));
			seq_putc(m, '0' + (c & 7));
		} else {
			seq_putc(m, c);
		}
	}
}

void nsi_list_item(struct nsi_list *l, const char *fmt, ...)
{
	va_list args;

	if (l->any)
		seq_putc(l->m, ',');
	l->any = true;
	va_start(args, fmt);
	seq_vprintf(l->m, fmt, args);
	va_end(args);
}

void nsi_put_feature(struct seq_file *m, const char *name, const char *why)
{
	seq_printf(m, "feature=%s state=%savailable", name, why ? "un" : "");
	if (why)
		nsi_put_str(m, "reason", why);
	seq_putc(m, '\n');
}

static int version_show(struct seq_file *m, void *v)
{
	seq_puts(m, "# nsinspect version: module build, output format, kernel, features\n");
	seq_printf(m, "nsinspect=%s format=%d", NSI_VERSION, NSI_FORMAT_VERSION);
	nsi_put_str(m, "kernel", init_utsname()->release);
	seq_putc(m, '\n');
	nsi_ns_feature(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(version);

static const struct {
	const char *name;
	const struct file_operations *fops;
} nsi_files[] = {
	{ "version", &version_fops },
};

static int __init nsi_init(void)
{
	size_t i;

	nsi_mounts_init();
	nsi_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	if (IS_ERR(nsi_root))
		return PTR_ERR(nsi_root);
	for (i = 0; i < ARRAY_SIZE(nsi_files); i++)
		debugfs_create_file(nsi_files[i].name, 0400, nsi_root, NULL,
				    nsi_files[i].fops);
	nsi_ns_files_create(nsi_root);
	nsi_mounts_file_create(nsi_root);
	return 0;
}

static void __exit nsi_exit(void)
{
	debugfs_remove(nsi_root);
}

module_init(nsi_init);
module_exit(nsi_exit);

MODULE_DESCRIPTION("Namespace and mount internals in debugfs");
MODULE_AUTHOR("nsinspect developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(NSI_VERSION);
