// SPDX-License-Identifier: GPL-2.0
/*
 * kallsyms_lookup_name() is unexported since 5.7. A kprobe on it still
 * learns its address, as LTTng and LKRG do; the symbols it then finds are
 * the kernel's own locks and globals, used with the kernel's own rules.
 */
#include <linux/kprobes.h>

#include "ksyms.h"

struct nsi_ksyms nsi_ksyms;

typedef unsigned long (*nsi_lookup_fn)(const char *name);

static nsi_lookup_fn nsi_find_lookup(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	static nsi_lookup_fn found;
	unsigned long addr;

	/* Called at load time only, from one init path at a time. */
	if (found)
		return found;
	if (register_kprobe(&kp))
		return NULL;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
#ifdef CONFIG_X86_KERNEL_IBT
	/* The probe sits after the ENDBR that an indirect call must land on. */
	if (addr && *(u32 *)(addr - 4) == 0xfa1e0ff3)
		addr -= 4;
#endif
	found = (nsi_lookup_fn)addr;
	return found;
}

void *nsi_ksym(const char *name)
{
	nsi_lookup_fn lookup = nsi_find_lookup();

	return lookup ? (void *)lookup(name) : NULL;
}

const char *nsi_ksyms_resolve(void)
{
	nsi_lookup_fn lookup = nsi_find_lookup();

	if (!lookup)
		return "kallsyms_lookup_name not found (kernel without CONFIG_KPROBES?)";
	nsi_ksyms.mount_lock = (seqlock_t *)lookup("mount_lock");
	nsi_ksyms.nsfs_mnt = (struct vfsmount **)lookup("nsfs_mnt");
	nsi_ksyms.iterate_supers = (void *)lookup("iterate_supers");
	if (!nsi_ksyms.mount_lock || !nsi_ksyms.nsfs_mnt || !nsi_ksyms.iterate_supers)
		return "mount_lock, nsfs_mnt or iterate_supers not in kallsyms (no KALLSYMS_ALL?)";
	return NULL;
}
