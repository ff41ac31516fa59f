// SPDX-License-Identifier: GPL-2.0
/*
 * Which overlay mount each of overlayfs' private layer clones belongs to.
 *
 * overlayfs clones its upper and lower layers into mounts of no namespace
 * (clone_private_mount()); the kernel keeps the link in struct ovl_fs, which
 * is private to the overlay module. The overlay's mountinfo line names its
 * layers (upperdir=, lowerdir=), and each clone's root is that directory:
 * resolve each one (from the host's root, else through /proc/PID/root of a
 * task in the overlay's mount namespace, never following a symlink) and
 * match device and inode against the clones' dev and root_ino. So this
 * needs a live system: a saved snapshot has no links. A layer on FUSE is
 * looked up like any path, so a hung FUSE server hangs the lookup.
 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "overlay.h"
#include "proc.h"

/*
 * @dir's device and inode, resolved inside @root (a directory fd) as if it
 * were "/": no symlink nor /proc magic link of a container's choosing is
 * followed out of it.
 */
static int stat_in(int root, const char *dir, struct stat *st)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC | O_DIRECTORY,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd, ret;

	fd = (int)syscall(SYS_openat2, root, dir, &how, sizeof(how));
	if (fd < 0)
		return -1;
	ret = fstat(fd, st);
	close(fd);
	return ret;
}

/*
 * Link to @ovl the clone whose root is @dir: seen from the host's root (a
 * runtime mounts with host paths before pivot_root), else from @pid's.
 * Overlays sharing a layer each have their own clone of it, made just
 * before the overlay mount itself: the one with the highest id below the
 * overlay's that is still free.
 */
static void link_layer(struct nsi_model *m, long long pid, char *dir, const char *layer,
		       const struct nsi_mount *ovl)
{
	struct nsi_mount *best = NULL;
	char path[64], dev[32];
	struct stat st;
	int root, ret;
	size_t i;

	nsi_unescape_mountinfo(dir);
	root = open("/", O_PATH | O_CLOEXEC | O_DIRECTORY);
	ret = root < 0 ? -1 : stat_in(root, dir, &st);
	if (root >= 0)
		close(root);
	if (ret) {
		snprintf(path, sizeof(path), "/proc/%lld/root", pid);
		root = open(path, O_PATH | O_CLOEXEC | O_DIRECTORY);
		ret = root < 0 ? -1 : stat_in(root, dir, &st);
		if (root >= 0)
			close(root);
	}
	if (ret)
		return;
	snprintf(dev, sizeof(dev), "%u:%u", major(st.st_dev), minor(st.st_dev));
	for (i = 0; i < m->nr_mounts; i++) {
		struct nsi_mount *mnt = &m->mounts[i];

		if (mnt->where == NSI_MNT_INTERNAL && mnt->root_ino == (long long)st.st_ino &&
		    !strcmp(mnt->dev, dev) && mnt->layer_of == NSI_NA && mnt->id < ovl->id &&
		    (!best || mnt->id > best->id))
			best = mnt;
	}
	if (best) {
		best->layer_of = ovl->id;
		best->layer = layer;
	}
}

/* The super options of mount @id in @pid's mountinfo, or NULL. */
static char *super_options(long long pid, long long id, char **line)
{
	char path[64], *opts, *sep;
	size_t cap = 0;
	long long got;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%lld/mountinfo", pid);
	fp = fopen(path, "re");
	if (!fp)
		return NULL;
	while (getline(line, &cap, fp) > 0) {
		got = strtoll(*line, NULL, 10);
		if (got != id)
			continue;
		fclose(fp);
		/* "... - fstype source superopts" */
		sep = strstr(*line, " - ");
		if (!sep)
			return NULL;
		opts = strchr(sep + 3, ' ');
		opts = opts ? strchr(opts + 1, ' ') : NULL;
		if (!opts)
			return NULL;
		opts[strcspn(opts, "\n")] = '\0';
		return opts + 1;
	}
	fclose(fp);
	return NULL;
}

static void link_overlay(struct nsi_model *m, const struct nsi_mount *ovl, long long pid)
{
	char *line = NULL, *opts = super_options(pid, ovl->id, &line), *opt, *save, *dir, *s2;

	for (opt = opts ? strtok_r(opts, ",", &save) : NULL; opt;
	     opt = strtok_r(NULL, ",", &save)) {
		if (!strncmp(opt, "upperdir=", 9)) {
			link_layer(m, pid, opt + 9, "upper", ovl);
		} else if (!strncmp(opt, "lowerdir=", 9)) {
			/* (a "\\:" escaped colon in a path is not told apart) */
			for (dir = strtok_r(opt + 9, ":", &s2); dir; dir = strtok_r(NULL, ":", &s2))
				link_layer(m, pid, dir, "lower", ovl);
		} else if (!strncmp(opt, "lowerdir+=", 10) || !strncmp(opt, "datadir+=", 9)) {
			/* 6.8+: one layer per option, as fsconfig() added them */
			link_layer(m, pid, strchr(opt, '=') + 1, "lower", ovl);
		}
	}
	free(line);
}

void nsi_link_overlays(struct nsi_model *m)
{
	size_t i, t;

	for (i = 0; i < m->nr_mounts; i++)
		m->mounts[i].layer_of = NSI_NA;
	if (!m->live || !m->mounts_ok)
		return;
	for (i = 0; i < m->nr_mounts; i++) {
		const struct nsi_mount *ovl = &m->mounts[i];

		if (ovl->where != NSI_MNT_IN_NS || strcmp(nsi_val(ovl->rec, "fstype"), "overlay"))
			continue;
		for (t = 0; t < m->nr_tasks; t++)
			if (m->tasks[t].ns[NSI_R_MNT] == ovl->mntns && m->tasks[t].pid > 0)
				break;
		if (t < m->nr_tasks)
			link_overlay(m, ovl, m->tasks[t].pid);
	}
}
