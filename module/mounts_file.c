// SPDX-License-Identifier: GPL-2.0
/*
 * The mounts file: every mount of every superblock, so that mounts in no
 * namespace (internal clones, lazily unmounted trees) show up beside those
 * that mountinfo lists, each with its reference and writer counts.
 */
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/mount.h>

#include "mount_walk.h"
#include "format.h"
#include "nsinspect.h"
#include "view.h"

/* MNT_* flags of include/linux/mount.h; probed, as some come and go. */
static const struct {
	int bit;
	const char *name;
} nsi_mnt_flag_names[] = {
	{ MNT_NOSUID, "nosuid" },
	{ MNT_NODEV, "nodev" },
	{ MNT_NOEXEC, "noexec" },
	{ MNT_NOATIME, "noatime" },
	{ MNT_NODIRATIME, "nodiratime" },
	{ MNT_RELATIME, "relatime" },
	{ MNT_READONLY, "ro" },
#ifdef MNT_NOSYMFOLLOW
	{ MNT_NOSYMFOLLOW, "nosymfollow" },
#endif
	{ MNT_SHRINKABLE, "shrinkable" },
#ifdef MNT_WRITE_HOLD
	{ MNT_WRITE_HOLD, "write_hold" },
#endif
#ifdef MNT_SHARED
	{ MNT_SHARED, "shared" },
#endif
#ifdef MNT_UNBINDABLE
	{ MNT_UNBINDABLE, "unbindable" },
#endif
	{ MNT_INTERNAL, "internal" },
	{ MNT_LOCK_ATIME, "lock_atime" },
	{ MNT_LOCK_NOEXEC, "lock_noexec" },
	{ MNT_LOCK_NOSUID, "lock_nosuid" },
	{ MNT_LOCK_NODEV, "lock_nodev" },
	{ MNT_LOCK_READONLY, "lock_readonly" },
	{ MNT_LOCKED, "locked" },
	{ MNT_DOOMED, "doomed" },
	{ MNT_SYNC_UMOUNT, "sync_umount" },
#ifdef MNT_MARKED
	{ MNT_MARKED, "marked" },
#endif
	{ MNT_UMOUNT, "umount" },
};

static void *mounts_take(const struct file *reader)
{
	return nsi_mounts_take(reader->f_path.mnt);
}

static void mounts_free(void *snap)
{
	nsi_mounts_free(snap);
}

static size_t mounts_count(const void *snap)
{
	const struct nsi_mnt_snap *s = snap;

	return s->n;
}

static void mounts_stats(struct seq_file *m, const void *snap, size_t records)
{
	const struct nsi_mnt_snap *s = snap;

	if (nsi_mounts_why()) {
		seq_puts(m, "# unavailable:");
		nsi_put_str(m, "reason", nsi_mounts_why());
		seq_putc(m, '\n');
		return;
	}
	seq_printf(m, "# snapshot records=%zu took_us=%llu max_hold_us=%llu max_hold_at=%s bytes=%zu",
		   records, div_u64(s->took_ns, NSEC_PER_USEC),
		   div_u64(s->max_hold_ns, NSEC_PER_USEC), s->max_hold_at ?: "-", s->bytes);
	seq_printf(m, " places_lost=%u places_kept=%u\n", s->lost, s->kept);
}

static void mounts_put_flags(struct seq_file *m, int flags)
{
	struct nsi_list l = nsi_list_start(m, "flags");
	size_t i;

	for (i = 0; i < ARRAY_SIZE(nsi_mnt_flag_names); i++)
		if (flags & nsi_mnt_flag_names[i].bit)
			nsi_list_item(&l, "%s", nsi_mnt_flag_names[i].name);
	nsi_list_end(&l);
}

/* Propagation as mountinfo's optional fields, comma-separated. */
static void mounts_put_propagation(struct seq_file *m, const struct nsi_mnt *r)
{
	struct nsi_list l = nsi_list_start(m, "propagation");

	if (r->shared)
		nsi_list_item(&l, "shared:%d", r->group);
	if (r->master)
		nsi_list_item(&l, "master:%d", r->master);
	if (r->unbindable)
		nsi_list_item(&l, "unbindable");
	nsi_list_end(&l);
}

static void mounts_show(struct seq_file *m, const void *snap, size_t i)
{
	static const char *const where[] = {
		[NSI_MNT_ANON] = "anon", [NSI_MNT_INTERNAL] = "internal",
		[NSI_MNT_DETACHED] = "detached", [NSI_MNT_NONE] = "none",
	};
	const struct nsi_mnt_snap *s = snap;
	const struct nsi_mnt *r = &s->m[i];

	if (r->where == NSI_MNT_IN_NS)
		seq_put_decimal_ull(m, "mntns=", r->mntns);
	else
		seq_printf(m, "mntns=%s", where[r->where]);
	nsi_put_num(m, "id", r->id);
	if (r->uid)
		seq_put_decimal_ull(m, " uid=", r->uid);
	nsi_put_num(m, "parent", r->parent);
	seq_put_decimal_ull(m, " dev=", MAJOR(r->dev));
	seq_put_decimal_ull(m, ":", MINOR(r->dev));
	nsi_put_str(m, "fstype", r->fstype);
	nsi_put_str(m, "source", r->source);
	nsi_put_str(m, "root", r->root);
	seq_put_decimal_ull(m, " root_ino=", r->root_ino);
	nsi_put_str(m, "mountpoint", r->mountpoint);
	seq_put_decimal_ull(m, " userns=", r->userns);
	if (r->mnt_userns)
		seq_put_decimal_ull(m, " mnt_userns=", r->mnt_userns);
	if (r->sbns)
		seq_printf(m, " sbns=%s:%u", r->sbns_type, r->sbns);
	else if (r->sbns_type)
		seq_printf(m, " sbns=%s:-", r->sbns_type);
	mounts_put_flags(m, r->flags);
	mounts_put_propagation(m, r);
	nsi_put_num(m, "count", r->count);
	nsi_put_num(m, "writers", r->writers);
	seq_putc(m, '\n');
}

static const struct nsi_view mounts_view = {
	.header = "# mounts: one record per mount of every superblock\n",
	.take = mounts_take,
	.free = mounts_free,
	.count = mounts_count,
	.stats = mounts_stats,
	.show = mounts_show,
};

void nsi_mounts_file_create(struct dentry *dir)
{
	nsi_view_create(dir, "mounts", &mounts_view);
}
