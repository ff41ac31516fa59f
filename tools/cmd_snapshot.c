// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot -o DIR: copy the module's files into a new directory DIR,
 * which --from DIR then reads like the live one, and diff compares.
 *
 * A directory rather than one archive file: it is the same layout as
 * debugfs, so --from needs no second reader and plain tools (grep, diff)
 * work on a snapshot too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_snapshot.h"
#include "load.h"
#include "proc.h"

static const char *const snapshot_files[] = {
	"version", "tasks", "nsproxies", "namespaces", "mounts", "holders", "netdevs", "cgroups",
};

/* Copy @name from @src to @dst; a missing mounts, holders, netdevs or cgroups file is no error. */
static enum nsi_exit copy_file(const struct nsi_source *src, const char *dst,
			       const char *name, struct nsi_error *err)
{
	char from[sizeof(src->dir) + 16], to[PATH_MAX + 16], buf[65536];
	enum nsi_exit st = NSI_EXIT_OK;
	int in, out;
	ssize_t n;

	snprintf(from, sizeof(from), "%s/%s", src->dir, name);
	snprintf(to, sizeof(to), "%s/%s", dst, name);
	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return errno == ENOENT && (!strcmp(name, "mounts") || !strcmp(name, "holders") ||
					   !strcmp(name, "netdevs") || !strcmp(name, "cgroups")) ?
		       NSI_EXIT_OK :
		       nsi_io_error(err, from, errno);
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		st = nsi_io_error(err, to, errno);
		goto out;
	}
	/* debugfs reports size 0: read to the end, whatever the size says. */
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			st = nsi_io_error(err, to, errno ? errno : EIO);
			break;
		}
	if (n < 0 && st == NSI_EXIT_OK)
		st = nsi_io_error(err, from, errno);
	if (close(out) && st == NSI_EXIT_OK)
		st = nsi_io_error(err, to, errno);
out:
	close(in);
	return st;
}

/*
 * The tasks' cgroup paths, which the module does not publish, from /proc
 * for the tasks file just copied, so that the snapshot names the same
 * containers wherever it is read. None outside the initial pid namespace.
 */
static enum nsi_exit write_cgroups(const char *dir, struct nsi_error *err)
{
	struct nsi_source copy;
	struct nsi_file tasks = { 0 };
	char path[PATH_MAX];
	enum nsi_exit st;
	bool written;
	FILE *f;

	st = nsi_source_init(&copy, dir, err);
	if (st == NSI_EXIT_OK)
		st = nsi_source_read(&copy, "tasks", &tasks, err);
	if (st != NSI_EXIT_OK) {
		nsi_file_free(&tasks);
		return st;
	}
	snprintf(path, sizeof(path), "%s/cgroups", dir);
	f = fopen(path, "wx");
	if (!f) {
		nsi_file_free(&tasks);
		return nsi_io_error(err, path, errno);
	}
	written = nsi_proc_write_cgroups(f, "/proc", &tasks);
	nsi_file_free(&tasks);
	if (fclose(f))
		return nsi_io_error(err, path, errno);
	if (!written && unlink(path))
		return nsi_io_error(err, path, errno);
	return NSI_EXIT_OK;
}

/*
 * The snapshot holds the task that took it. diff leaves that task out, so
 * that two snapshots of an idle system do not differ.
 */
#define TAKER_FILE "taker"

static enum nsi_exit write_taker(const char *dir, struct nsi_error *err)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/" TAKER_FILE, dir);
	f = fopen(path, "wx");
	if (!f)
		return nsi_io_error(err, path, errno);
	fprintf(f, "pid=%d\n", (int)getpid());
	if (fclose(f))
		return nsi_io_error(err, path, errno);
	return NSI_EXIT_OK;
}

long long nsi_snapshot_taker(const char *dir)
{
	char path[PATH_MAX];
	long long pid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/" TAKER_FILE, dir);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "pid=%lld", &pid) != 1)
		pid = -1;
	fclose(f);
	return pid;
}

static enum nsi_exit run_snapshot(const struct nsi_ctx *ctx, struct nsi_model *unused,
				  struct nsi_error *err)
{
	struct nsi_source src, copy;
	struct nsi_model m = { 0 };
	enum nsi_exit st;
	size_t i;

	(void)unused;
	if (!ctx->outpath)
		return nsi_fail(err, NSI_EXIT_USAGE, "snapshot: -o PATH is required");
	st = nsi_source_init(&src, ctx->from, err);
	if (st != NSI_EXIT_OK)
		return st;
	if (mkdir(ctx->outpath, 0700)) {
		if (errno == EEXIST)
			return nsi_fail(err, NSI_EXIT_USAGE, "snapshot: %s already exists",
					ctx->outpath);
		return nsi_io_error(err, ctx->outpath, errno);
	}
	/* cgroups is not the module's: a copy of a copy has it, the live one not. */
	for (i = 0; i < ARRAY_SIZE(snapshot_files) && st == NSI_EXIT_OK; i++)
		if (!src.live || strcmp(snapshot_files[i], "cgroups"))
			st = copy_file(&src, ctx->outpath, snapshot_files[i], err);
	if (st == NSI_EXIT_OK && src.live)
		st = write_cgroups(ctx->outpath, err);
	if (st == NSI_EXIT_OK)
		st = write_taker(ctx->outpath, err);
	/* Only a copy that reads back is a snapshot. */
	if (st == NSI_EXIT_OK)
		st = nsi_source_init(&copy, ctx->outpath, err);
	if (st == NSI_EXIT_OK)
		st = nsi_model_load(&m, &copy, NSI_FILES_ALL, err);
	nsi_model_free(&m);
	return st;
}

const struct nsi_cmd nsi_cmd_snapshot = {
	.name = "snapshot",
	.opts = NSI_OPT_OUTPATH,
	.load = NSI_LOAD_NONE,
	.run = run_snapshot,
	.summary = "save the module's files into a new directory, for --from and diff",
	.details =
	"PATH is created (mode 0700: the data is root-only) and gets a copy of\n"
	"version, tasks, nsproxies, namespaces and, where the kernel has it,\n"
	"mounts. The copy is read back before the command succeeds. Each file is\n"
	"one consistent snapshot; files are taken one after the other.\n"
	"The module does not publish cgroups: the cgroups file records each task's\n"
	"cgroup path from /proc right after the tasks file is copied, so that\n"
	"--from names the same containers (CONTAINER) on any machine.\n",
};
