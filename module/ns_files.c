// SPDX-License-Identifier: GPL-2.0
/*
 * The tasks, nsproxies and namespaces files, formatted from one snapshot of
 * every task, nsproxy and namespace (snapshot.c).
 */
#include "mount_walk.h"
#include "format.h"
#include "nsinspect.h"
#include "snapshot.h"
#include "view.h"

/* One snapshot serves the three files, shared while a process holds them. */

static void *ns_take(const struct file *reader)
{
	return nsi_snap_get();
}

static void ns_free(void *snap)
{
	nsi_snap_put(snap);
}

static void ns_stats(struct seq_file *m, const void *snap, size_t records)
{
	const struct nsi_snap *s = snap;

	seq_printf(m, "# snapshot id=%llu records=%zu tasks=%zu took_us=%llu max_hold_us=%llu max_hold_at=%s bytes=%zu\n",
		   s->id, records, s->ntasks, div_u64(s->took_ns, NSEC_PER_USEC),
		   div_u64(s->max_hold_ns, NSEC_PER_USEC), s->max_hold_at ?: "-", s->bytes);
}

static void nsi_put_inum(struct seq_file *m, const char *key, unsigned int inum)
{
	if (inum) {
		nsi_put_num(m, key, inum);
	} else {
		nsi_put_key(m, key);
		seq_putc(m, '-');
	}
}

/* ---- tasks ------------------------------------------------------------------ */

static size_t tasks_count(const void *snap)
{
	const struct nsi_snap *s = snap;

	return s->ntasks;
}

static void tasks_show(struct seq_file *m, const void *snap, size_t i)
{
	const struct nsi_snap *s = snap;
	const struct nsi_task *t = &s->tasks[i];
	struct nsi_list nspid;
	int r, l;

	seq_put_decimal_ll(m, "pid=", t->pid);
	nsi_put_num(m, "tgid", t->tgid);
	/* Idle threads all have pid 0: their CPU tells them apart. */
	if (t->cpu >= 0)
		nsi_put_num(m, "cpu", t->cpu);
	nsi_put_str(m, "comm", t->comm);
	if (t->nsproxy)
		seq_printf(m, " nsproxy=%012llx", t->nsproxy);
	else
		seq_puts(m, " nsproxy=-");
	if (t->level < 0)
		seq_puts(m, " level=-");
	else
		nsi_put_num(m, "level", t->level);
	nspid = nsi_list_start(m, "nspid");
	for (l = 0; l <= t->level; l++)
		nsi_list_num(&nspid, t->nspid[l]);
	nsi_list_end(&nspid);
	for (r = 0; r < NSI_NROLES; r++)
		nsi_put_inum(m, nsi_role_name[r], t->inum[r]);
	seq_putc(m, '\n');
}

static const struct nsi_view tasks_view = {
	.header = "# tasks: one record per thread; namespaces by inode number\n",
	.take = ns_take,
	.free = ns_free,
	.count = tasks_count,
	.stats = ns_stats,
	.show = tasks_show,
};

/* ---- nsproxies -------------------------------------------------------------- */

static size_t nsproxies_count(const void *snap)
{
	const struct nsi_snap *s = snap;

	return s->nsp.used;
}

static void nsproxies_show(struct seq_file *m, const void *snap, size_t i)
{
	const struct nsi_snap *s = snap;
	const struct nsi_nsproxy *p = nsi_pool_at(&s->nsp, i);
	int r;

	seq_printf(m, "id=%012llx", p->id);
	nsi_put_num(m, "count", p->count);
	nsi_put_num(m, "tasks", p->tasks);
	for (r = 0; r < NSI_NROLES; r++)
		if (r != NSI_R_PID && r != NSI_R_USER)
			nsi_put_inum(m, nsi_role_name[r], p->inum[r]);
	seq_putc(m, '\n');
}

static const struct nsi_view nsproxies_view = {
	.header = "# nsproxies: one record per nsproxy in use by a task\n",
	.take = ns_take,
	.free = ns_free,
	.count = nsproxies_count,
	.stats = ns_stats,
	.show = nsproxies_show,
};

/* ---- namespaces ------------------------------------------------------------- */

static size_t namespaces_count(const void *snap)
{
	const struct nsi_snap *s = snap;

	return s->ns.used;
}

static void nsi_put_via(struct seq_file *m, unsigned int via)
{
	static const char *const names[] = {
		"task", "fd", "mount", "netlist", "parent", "owner", "nstree", "cred",
		"socket", "dying",
	};
	struct nsi_list l = nsi_list_start(m, "via");
	size_t b;

	for (b = 0; b < ARRAY_SIZE(names); b++)
		if (via & BIT(b))
			nsi_list_item(&l, "%s", names[b]);
	nsi_list_end(&l);
}

static void nsi_put_map(struct seq_file *m, const char *key, u32 n,
			const struct uid_gid_extent *ext)
{
	struct nsi_list l = nsi_list_start(m, key);
	u32 i;

	for (i = 0; i < min_t(u32, n, NSI_MAP_EXTENTS); i++)
		nsi_list_item(&l, "%u:%u:%u", ext[i].first, ext[i].lower_first, ext[i].count);
	nsi_list_end(&l);
	seq_printf(m, " %s_extents=%u", key, n);
}

static void nsi_put_ts(struct seq_file *m, const char *key, const struct timespec64 *ts)
{
	seq_printf(m, " %s=%lld.%09ld", key, (long long)ts->tv_sec, ts->tv_nsec);
}

static void namespaces_show(struct seq_file *m, const void *snap, size_t i)
{
	const struct nsi_snap *s = snap;
	const struct nsi_ns *e = s->ns_sorted[i];

	seq_puts(m, "type=");
	seq_puts(m, nsi_type_name[e->type]);
	nsi_put_num(m, "inum", e->inum);
#ifdef NSI_HAVE_NS_ID
	seq_put_decimal_ull(m, " id=", e->id);
#endif
	/* Not counted by the kernel (6.19+ initial namespaces): "-". */
	if (e->counted)
		nsi_put_num(m, "refs", e->refs);
	else
		seq_puts(m, " refs=-");
#ifdef NSI_HAVE_NS_ACTIVE
	if (e->counted)
		nsi_put_num(m, "active", e->active);
	else
		seq_puts(m, " active=-");
#endif
	nsi_put_inum(m, "owner", e->owner);
	nsi_put_inum(m, "parent", e->parent);
	if (e->level >= 0)
		nsi_put_num(m, "level", e->level);
	else
		seq_puts(m, " level=-");
	nsi_put_num(m, "tasks", e->tasks);
	nsi_put_num(m, "nsproxies", e->nsproxies);
	nsi_put_num(m, "fds", e->fds);
	if (nsi_nsfs_mounts_why())
		seq_puts(m, " bindmounts=-");
	else
		nsi_put_num(m, "bindmounts", e->bindmounts);
	nsi_put_via(m, e->via);

	switch (e->type) {
	case NSI_MNT:
		if (e->u.mnt.mounts >= 0)
			seq_printf(m, " mounts=%ld", e->u.mnt.mounts);
		else
			seq_puts(m, " mounts=-");
		break;
	case NSI_UTS:
		nsi_put_str(m, "nodename", e->u.uts.nodename);
		break;
	case NSI_IPC:
		seq_printf(m, " sem=%d msg=%d shm=%d", e->u.ipc.sem, e->u.ipc.msg,
			   e->u.ipc.shm);
		break;
	case NSI_NET:
		seq_printf(m, " passive=%ld", e->u.net.passive);
		nsi_put_num(m, "sockets", e->sockets);
		if (e->via & NSI_VIA_DYING)
			seq_put_decimal_ull(m, " dying_ms=", e->u.net.dying_ms);
		break;
	case NSI_PID:
		seq_printf(m, " pid_allocated=%u", e->u.pid.allocated);
		if (e->u.pid.reaper)
			seq_printf(m, " reaper=%d", e->u.pid.reaper);
		else
			seq_puts(m, " reaper=-");
		break;
	case NSI_TIME:
		nsi_put_ts(m, "monotonic", &e->u.time.monotonic);
		nsi_put_ts(m, "boottime", &e->u.time.boottime);
		break;
	case NSI_USER:
		seq_printf(m, " uid=%u gid=%u", e->u.user.uid, e->u.user.gid);
		nsi_put_num(m, "creds", e->creds);
		nsi_put_num(m, "mms", e->mms);
		if (nsi_lazy_mms_why())
			seq_puts(m, " lazy_mms=-");
		else
			nsi_put_num(m, "lazy_mms", e->lazy_mms);
		nsi_put_num(m, "ucounts", e->ucounts);
		nsi_put_map(m, "uid_map", e->u.user.nuid, e->u.user.uid_map);
		nsi_put_map(m, "gid_map", e->u.user.ngid, e->u.user.gid_map);
		break;
	default:
		break;
	}
	seq_putc(m, '\n');
}

static const struct nsi_view namespaces_view = {
	.header = "# namespaces: one record per namespace reached\n",
	.take = ns_take,
	.free = ns_free,
	.count = namespaces_count,
	.stats = ns_stats,
	.show = namespaces_show,
};

/* ---- holders ------------------------------------------------------------------ */

static size_t holders_count(const void *snap)
{
	const struct nsi_snap *s = snap;

	return s->holders.used;
}

static void holders_show(struct seq_file *m, const void *snap, size_t i)
{
	const struct nsi_snap *s = snap;
	const struct nsi_holder *h = nsi_pool_at(&s->holders, i);

	seq_puts(m, "type=");
	seq_puts(m, nsi_type_name[h->ns->type]);
	nsi_put_num(m, "inum", h->ns->inum);
	seq_puts(m, h->kind == NSI_H_FD ? " kind=fd" : " kind=socket");
	nsi_put_num(m, "pid", h->pid);
	nsi_put_num(m, "fd", h->fd);
	nsi_put_str(m, "comm", h->comm);
	seq_putc(m, '\n');
}

static const struct nsi_view holders_view = {
	.header = "# holders: one record per open file holding a namespace\n",
	.take = ns_take,
	.free = ns_free,
	.count = holders_count,
	.stats = ns_stats,
	.show = holders_show,
};

void nsi_ns_files_create(struct dentry *dir)
{
	nsi_view_create(dir, "tasks", &tasks_view);
	nsi_view_create(dir, "nsproxies", &nsproxies_view);
	nsi_view_create(dir, "namespaces", &namespaces_view);
	nsi_view_create(dir, "holders", &holders_view);
}
