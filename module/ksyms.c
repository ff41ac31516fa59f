// SPDX-License-Identifier: GPL-2.0
/*
 * Locate private kernel data by name without calling anything unexported.
 *
 * kallsyms_lookup_name() is not exported. Calling it, or any function, through
 * an address that a kprobe or kallsyms gave crashes on CPUs with Indirect
 * Branch Tracking: the kernel seals the ENDBR of every function whose address
 * it never takes itself (Documentation/admin-guide/nsinspect.rst). So this
 * file reads /proc/kallsyms with exported calls only (filp_open(),
 * seq_read_iter()), once, at load time, as the loading process, and keeps
 * only data: a symbol inside the kernel's text (_stext to _etext) is
 * refused; kallsyms' type letters can't tell, as 7.x types .data 'T'.
 * Each address is then verified with sprint_symbol(): the exact name, at
 * offset 0, in a symbol no smaller than the type we read through it. Per-CPU
 * symbols, which sprint_symbol() cannot name where the area is linked at 0,
 * must lie inside the per-CPU area, at the offset and with the size the
 * build's BTF gives them (BTF describes per-CPU variables, not other data),
 * and their user checks what they hold (idle_threads must hold init_task on
 * the boot CPU).
 *
 * /proc/kallsyms shows zeros to a reader that kptr_restrict forbids: then
 * nothing resolves, and the features that need it say so in `version`.
 */
#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/kallsyms.h>
#include <linux/magic.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/uio.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ksyms.h"
#include "snapshot.h"

static_assert(NSI_NS_TREES == NSI_NTYPES);

struct nsi_ksyms nsi_ksyms;

/* Test only: refuse this symbol as if kallsyms had not given it. */
static char *debug_refuse_ksym;
module_param(debug_refuse_ksym, charp, 0400);
MODULE_PARM_DESC(debug_refuse_ksym, "test only: a symbol to refuse, to load without it");

struct nsi_ksym_spec {
	const char *name;
	size_t off;		/* of the member in struct nsi_ksyms */
	size_t size;		/* of what the member points at */
	bool percpu;
	/* what the build's BTF says of a per-CPU variable, where it says it */
	bool btf;
	size_t btf_off, btf_size;
};

#ifdef NSI_BTF_PERCPU_IDLE_THREADS_OFFSET
#define NSI_IDLE_THREADS_BTF .btf = true,				\
	.btf_off = NSI_BTF_PERCPU_IDLE_THREADS_OFFSET,			\
	.btf_size = NSI_BTF_PERCPU_IDLE_THREADS_SIZE
#else
#define NSI_IDLE_THREADS_BTF .btf = false
#endif

/* The member of struct nsi_ksyms, the type it points at, the symbol. */
#define NSI_KSYM(member, type, sym, pcpu) {				\
	.name = sym, .off = offsetof(struct nsi_ksyms, member),		\
	.size = sizeof(type), .percpu = pcpu }

static const struct nsi_ksym_spec nsi_ksym_specs[] = {
	NSI_KSYM(mount_lock, seqlock_t, "mount_lock", false),
	NSI_KSYM(nsfs_mnt, struct vfsmount *, "nsfs_mnt", false),
	NSI_KSYM(super_blocks, struct list_head, "super_blocks", false),
	NSI_KSYM(sb_lock, spinlock_t, "sb_lock", false),
	NSI_KSYM(cpus_booted_once_mask, struct cpumask, "cpus_booted_once_mask", false),
	NSI_KSYM(mount_hashtable, struct hlist_head *, "mount_hashtable", false),
	NSI_KSYM(m_hash_mask, unsigned int, "m_hash_mask", false),
	NSI_KSYM(m_hash_shift, unsigned int, "m_hash_shift", false),
	{ .name = "idle_threads", .off = offsetof(struct nsi_ksyms, idle_threads),
	  .size = sizeof(struct task_struct *), .percpu = true, NSI_IDLE_THREADS_BTF },
#ifdef NSI_HAVE_NSTREE
	NSI_KSYM(ns_tree_lock, seqlock_t, "ns_tree_lock", false),
	NSI_KSYM(ns_trees[NSI_MNT], struct ns_tree_root, "mnt_ns_tree", false),
	NSI_KSYM(ns_trees[NSI_UTS], struct ns_tree_root, "uts_ns_tree", false),
	NSI_KSYM(ns_trees[NSI_IPC], struct ns_tree_root, "ipc_ns_tree", false),
	NSI_KSYM(ns_trees[NSI_NET], struct ns_tree_root, "net_ns_tree", false),
	NSI_KSYM(ns_trees[NSI_PID], struct ns_tree_root, "pid_ns_tree", false),
	NSI_KSYM(ns_trees[NSI_CGROUP], struct ns_tree_root, "cgroup_ns_tree", false),
	NSI_KSYM(ns_trees[NSI_TIME], struct ns_tree_root, "time_ns_tree", false),
	NSI_KSYM(ns_trees[NSI_USER], struct ns_tree_root, "user_ns_tree", false),
#endif
};

#define NSI_NKSYMS ARRAY_SIZE(nsi_ksym_specs)

/* What /proc/kallsyms said of each symbol, and what became of it. */
struct nsi_ksym_found {
	unsigned long value;
	unsigned int seen;
	const char *why;
};

static struct nsi_ksym_found nsi_found[NSI_NKSYMS];

/*
 * Bounds from kallsyms itself: the per-CPU area, as per-CPU symbols' values
 * are given, and the kernel's text. (Its type letters can't tell code from
 * data: 7.x marks .data symbols 'T'.)
 */
static unsigned long nsi_pcpu_start, nsi_pcpu_end, nsi_stext, nsi_etext;

static const struct {
	const char *name;
	unsigned long *value;
} nsi_bounds[] = {
	{ "__per_cpu_start", &nsi_pcpu_start },
	{ "__per_cpu_end", &nsi_pcpu_end },
	{ "_stext", &nsi_stext },
	{ "_etext", &nsi_etext },
};

static void **nsi_member(size_t off)
{
	return (void **)((char *)&nsi_ksyms + off);
}

/* One line: "ADDRESS TYPE NAME", and "\t[MODULE]" for a module's symbol. */
static void nsi_ksym_line(char *line)
{
	unsigned long value;
	char *type, *name;
	size_t i;

	type = strchr(line, ' ');
	if (!type || strchr(line, '\t'))
		return;
	*type++ = '\0';
	name = strchr(type, ' ');
	if (!name || kstrtoul(line, 16, &value))
		return;
	name++;
	for (i = 0; i < ARRAY_SIZE(nsi_bounds); i++)
		if (!strcmp(name, nsi_bounds[i].name))
			*nsi_bounds[i].value = value;
	for (i = 0; i < NSI_NKSYMS; i++) {
		if (strcmp(name, nsi_ksym_specs[i].name))
			continue;
		nsi_found[i].value = value;
		nsi_found[i].seen++;
	}
}

/*
 * /proc/kallsyms is a seq_file with no read_iter, which kernel_read()
 * refuses; seq_read_iter(), exported, reads it as its own seq_read() does.
 */
static ssize_t nsi_kallsyms_read(struct file *f, char *buf, size_t len)
{
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct iov_iter iter;
	struct kiocb kiocb;
	ssize_t n;

	init_sync_kiocb(&kiocb, f);
	kiocb.ki_pos = f->f_pos;
	iov_iter_kvec(&iter, READ, &kv, 1, len);
	n = seq_read_iter(&kiocb, &iter);
	f->f_pos = kiocb.ki_pos;
	return n;
}

/* Read /proc/kallsyms once, line by line, into nsi_found. */
static const char *nsi_ksyms_read(void)
{
	const size_t size = 16384;
	struct seq_file *seq;
	size_t have = 0;
	struct file *f;
	char *buf;
	ssize_t n;

	f = filp_open("/proc/kallsyms", O_RDONLY, 0);
	if (IS_ERR(f))
		return "cannot open /proc/kallsyms";
	/* Only procfs' own file is a seq_file we may read as one. */
	if (file_inode(f)->i_sb->s_magic != PROC_SUPER_MAGIC) {
		filp_close(f, NULL);
		return "/proc/kallsyms is not procfs' file";
	}
	seq = f->private_data;
	if (!seq || seq->file != f) {
		filp_close(f, NULL);
		return "/proc/kallsyms is not a seq_file";
	}
	buf = kmalloc(size, GFP_KERNEL);
	if (!buf) {
		filp_close(f, NULL);
		return "out of memory reading /proc/kallsyms";
	}
	while ((n = nsi_kallsyms_read(f, buf + have, size - 1 - have)) > 0) {
		char *line = buf, *nl;

		have += n;
		buf[have] = '\0';
		while ((nl = strchr(line, '\n'))) {
			*nl = '\0';
			nsi_ksym_line(line);
			line = nl + 1;
		}
		have -= line - buf;
		memmove(buf, line, have);
		/* No symbol line is this long: skip it rather than stall. */
		if (have == size - 1)
			have = 0;
	}
	kfree(buf);
	filp_close(f, NULL);
	return n < 0 ? "error reading /proc/kallsyms" : NULL;
}

/* The address must be the symbol itself, no smaller than what we read. */
static const char *nsi_ksym_verify(const struct nsi_ksym_spec *spec, unsigned long addr)
{
	char buf[KSYM_SYMBOL_LEN];
	unsigned long off, size;
	size_t len = strlen(spec->name);
	char *p;

	sprint_symbol(buf, addr);
	if (strncmp(buf, spec->name, len) || buf[len] != '+')
		return "sprint_symbol() names another symbol at its address";
	p = strchr(buf + len, '/');
	if (!p || sscanf(buf + len, "+%lx/%lx", &off, &size) != 2 || strchr(p, ' '))
		return "sprint_symbol() gives no offset and size for it";
	if (off)
		return "sprint_symbol() puts it inside another symbol";
	if (size < spec->size)
		return "symbol is smaller than the type it is read as";
	return NULL;
}

static const char *nsi_ksym_check(size_t i)
{
	const struct nsi_ksym_spec *spec = &nsi_ksym_specs[i];
	const struct nsi_ksym_found *f = &nsi_found[i];
	const char *why;

	if (debug_refuse_ksym && !strcmp(debug_refuse_ksym, spec->name))
		return "refused by debug_refuse_ksym";
	if (!f->seen)
		return "not in /proc/kallsyms (renamed, or no CONFIG_KALLSYMS_ALL)";
	if (f->seen > 1)
		return "more than one symbol of that name in /proc/kallsyms";
	if (!f->value)
		return "/proc/kallsyms hides addresses (kptr_restrict)";
	if (spec->percpu) {
		if (nsi_pcpu_end <= nsi_pcpu_start || f->value < nsi_pcpu_start ||
		    f->value - nsi_pcpu_start + spec->size > nsi_pcpu_end - nsi_pcpu_start)
			return "per-CPU symbol outside the per-CPU area";
		if (spec->btf && (f->value - nsi_pcpu_start != spec->btf_off ||
				  spec->btf_size != spec->size))
			return "kallsyms and the build's BTF disagree on its place or size";
		/*
		 * The value is the per-CPU pointer itself: an offset from 0 where
		 * the per-CPU area is linked at 0 (x86-64 up to 6.14), an address
		 * inside it from 6.15.
		 */
		*nsi_member(spec->off) = (void *)f->value;
		return NULL;
	}
	if (nsi_etext <= nsi_stext)
		return "/proc/kallsyms has no _stext and _etext";
	if (f->value >= nsi_stext && f->value < nsi_etext)
		return "it is in the kernel's text, not data";
	why = nsi_ksym_verify(spec, f->value);
	if (!why)
		*nsi_member(spec->off) = (void *)f->value;
	return why;
}

/* What a member holds must look right too, where that can be told. */
static const char *nsi_ksym_check_value(size_t off)
{
	if (off == offsetof(struct nsi_ksyms, cpus_booted_once_mask) &&
	    (!cpumask_subset(cpu_online_mask, nsi_ksyms.cpus_booted_once_mask) ||
	     !cpumask_subset(nsi_ksyms.cpus_booted_once_mask, cpu_possible_mask)))
		return "it is not a superset of the online CPUs within the possible ones";
	return NULL;
}

const char *nsi_ksyms_resolve(void)
{
	const char *why = nsi_ksyms_read();
	size_t i;

	for (i = 0; i < NSI_NKSYMS; i++) {
		nsi_found[i].why = why ?: nsi_ksym_check(i) ?:
				   nsi_ksym_check_value(nsi_ksym_specs[i].off);
		if (nsi_found[i].why) {
			*nsi_member(nsi_ksym_specs[i].off) = NULL;
			pr_info("%s: %s\n", nsi_ksym_specs[i].name, nsi_found[i].why);
		}
	}
	return why;
}

const struct cpumask *nsi_counted_cpus(void)
{
	return nsi_ksyms.cpus_booted_once_mask ?: cpu_possible_mask;
}

const char *nsi_ksyms_why(size_t off)
{
	size_t i;

	for (i = 0; i < NSI_NKSYMS; i++)
		if (nsi_ksym_specs[i].off == off)
			return nsi_found[i].why;
	return "no such symbol";
}
