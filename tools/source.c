// SPDX-License-Identifier: GPL-2.0
/*
 * Locating the input and classifying why it cannot be read.
 */
#include <errno.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "source.h"

enum nsi_exit nsi_fail(struct nsi_error *err, enum nsi_exit status, const char *fmt, ...)
{
	va_list ap;

	err->status = status;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return status;
}

/* EACCES is the 0400/0700 modes; EPERM is what kernel lockdown returns. */
static enum nsi_exit fail_errno(struct nsi_error *err, const char *path, int e)
{
	if (e == EACCES)
		return nsi_fail(err, NSI_EXIT_PERMISSION,
				"%s: %s (nsinspect is root-only: run as root)", path, strerror(e));
	if (e == EPERM)
		return nsi_fail(err, NSI_EXIT_PERMISSION,
				"%s: %s (root-only; kernel lockdown also blocks debugfs)",
				path, strerror(e));
	return nsi_fail(err, NSI_EXIT_UNAVAILABLE, "%s: %s", path, strerror(e));
}

enum nsi_exit nsi_source_init(struct nsi_source *src, const char *from,
			      struct nsi_error *err)
{
	struct stat st;

	if (!from)
		return nsi_source_init_live(src, NSI_DEBUGFS_MOUNT, err);

	src->live = false;
	if ((size_t)snprintf(src->dir, sizeof(src->dir), "%s", from) >= sizeof(src->dir))
		return nsi_fail(err, NSI_EXIT_USAGE, "--from: path too long");
	if (stat(from, &st))
		return fail_errno(err, from, errno);
	if (!S_ISDIR(st.st_mode))
		return nsi_fail(err, NSI_EXIT_UNAVAILABLE, "%s: not a directory", from);
	return NSI_EXIT_OK;
}

enum nsi_exit nsi_source_init_live(struct nsi_source *src, const char *mount,
				   struct nsi_error *err)
{
	struct statfs sfs;
	struct stat st;

	src->live = true;
	if ((size_t)snprintf(src->dir, sizeof(src->dir), "%s/%s", mount,
			     NSI_DEBUGFS_DIR) >= sizeof(src->dir))
		return nsi_fail(err, NSI_EXIT_USAGE, "%s: path too long", mount);

	if (statfs(mount, &sfs)) {
		if (errno == ENOENT)
			return nsi_fail(err, NSI_EXIT_UNAVAILABLE,
					"debugfs is not mounted: %s does not exist", mount);
		return fail_errno(err, mount, errno);
	}
	/*
	 * Without debugfs, /sys/kernel/debug is still there as an empty
	 * sysfs directory, so only the filesystem type tells.
	 */
	if (sfs.f_type != DEBUGFS_MAGIC)
		return nsi_fail(err, NSI_EXIT_UNAVAILABLE,
				"debugfs is not mounted at %s (mount -t debugfs none %s)",
				mount, mount);

	/* Non-root fails here already: the debugfs root is mode 0700. */
	if (stat(src->dir, &st)) {
		if (errno == ENOENT)
			return nsi_fail(err, NSI_EXIT_UNAVAILABLE,
					"nsinspect module not loaded: %s does not exist", src->dir);
		return fail_errno(err, src->dir, errno);
	}
	return NSI_EXIT_OK;
}

/* Opening @path in @src failed with @e: say why in terms a user can act on. */
static enum nsi_exit open_failed(const struct nsi_source *src, const char *path, int e,
				 struct nsi_error *err)
{
	struct stat st;

	if (e != ENOENT)
		return fail_errno(err, path, e);
	/* The module may have been unloaded since nsi_source_init(). */
	if (src->live && stat(src->dir, &st) && errno == ENOENT)
		return nsi_fail(err, NSI_EXIT_UNAVAILABLE,
				"nsinspect module not loaded: %s does not exist", src->dir);
	/* The directory is there but not this file: not the format we read. */
	return nsi_fail(err, NSI_EXIT_BADINPUT,
			"%s: missing (module and tool out of step, or an incomplete copy)", path);
}

enum nsi_exit nsi_source_read(const struct nsi_source *src, const char *name,
			      struct nsi_file *file, struct nsi_error *err)
{
	struct nsi_parse_error perr;
	char path[sizeof(src->dir) + 64];
	FILE *fp;
	int ret;

	memset(file, 0, sizeof(*file));
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", src->dir, name) >= sizeof(path))
		return nsi_fail(err, NSI_EXIT_USAGE, "%s/%s: path too long", src->dir, name);

	fp = fopen(path, "re");
	if (!fp)
		return open_failed(src, path, errno, err);
	ret = nsi_file_parse(fp, file, &perr);
	fclose(fp);

	if (ret == -EBADMSG)
		return nsi_fail(err, NSI_EXIT_BADINPUT, "%s:%u: %s", path, perr.line, perr.reason);
	if (ret)
		return fail_errno(err, path, -ret);
	return NSI_EXIT_OK;
}
