// SPDX-License-Identifier: GPL-2.0
/*
 * Turning a source into files; see load.h.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "load.h"
#include "overlay.h"
#include "proc.h"

/* The reason in a "# unavailable: reason=WHY" comment of @f, or NULL. */
static const char *unavailable_comment(const struct nsi_file *f)
{
	static const char tag[] = "# unavailable: reason=";
	size_t i;

	for (i = 0; i < f->nr_comments; i++)
		if (!strncmp(f->comments[i], tag, sizeof(tag) - 1))
			return f->comments[i] + sizeof(tag) - 1;
	return NULL;
}

/*
 * The mounts file is optional: the version file says whether this
 * kernel has it, and a module older than the file has no word for it.
 */
static enum nsi_exit load_mounts_file(struct nsi_model *m, const struct nsi_source *src,
				      struct nsi_error *err)
{
	const struct nsi_feature *feat = NULL;
	enum nsi_exit st;
	const char *why;
	size_t i;

	for (i = 0; i < m->ver.nr_features; i++)
		if (m->ver.features[i].name && !strcmp(m->ver.features[i].name, "mounts"))
			feat = &m->ver.features[i];
	if (feat && !feat->available) {
		snprintf(m->mounts_reason, sizeof(m->mounts_reason), "%s",
			 feat->reason ? feat->reason : "no reason given");
		return NSI_EXIT_OK;
	}
	st = nsi_source_read(src, "mounts", &m->files[NSI_F_MOUNTS], err);
	if (st != NSI_EXIT_OK && !feat) {
		nsi_file_free(&m->files[NSI_F_MOUNTS]);
		snprintf(m->mounts_reason, sizeof(m->mounts_reason),
			 "the module has no mounts file");
		return NSI_EXIT_OK;
	}
	if (st != NSI_EXIT_OK)
		return st;
	why = unavailable_comment(&m->files[NSI_F_MOUNTS]);
	if (why && !m->files[NSI_F_MOUNTS].nr_records) {
		snprintf(m->mounts_reason, sizeof(m->mounts_reason), "%s", why);
		return NSI_EXIT_OK;
	}
	m->mounts_ok = true;
	return NSI_EXIT_OK;
}

/*
 * The holders, netdevs and cgroups files are optional: modules and
 * snapshots before them have none.
 */
static enum nsi_exit load_optional_file(struct nsi_model *m, const struct nsi_source *src,
					enum nsi_file_id f, bool *ok, struct nsi_error *err)
{
	char path[sizeof(src->dir) + 16];

	snprintf(path, sizeof(path), "%s/%s", src->dir, nsi_file_names[f]);
	if (access(path, F_OK))
		return NSI_EXIT_OK;
	*ok = true;
	return nsi_source_read(src, nsi_file_names[f], &m->files[f], err);
}

enum nsi_exit nsi_model_load(struct nsi_model *m, const struct nsi_source *src,
			     unsigned int files, struct nsi_error *err)
{
	char anchor_path[sizeof(src->dir) + 16];
	int f, anchor = -1;
	enum nsi_exit st;

	memset(m, 0, sizeof(*m));
	snprintf(m->origin, sizeof(m->origin), "%s", src->dir);
	m->live = src->live;
	st = nsi_version_read(src, &m->ver, err);
	/*
	 * While one of the module's files stays open, the others are served
	 * from its snapshot: tasks, nsproxies and namespaces then agree.
	 */
	if (src->live) {
		snprintf(anchor_path, sizeof(anchor_path), "%s/namespaces", src->dir);
		anchor = open(anchor_path, O_RDONLY | O_CLOEXEC);
	}
	for (f = 0; f < NSI_F_MOUNTS && st == NSI_EXIT_OK; f++)
		if (files & NSI_FILE(f))
			st = nsi_source_read(src, nsi_file_names[f], &m->files[f], err);
	if (st == NSI_EXIT_OK && (files & NSI_FILE(NSI_F_HOLDERS)))
		st = load_optional_file(m, src, NSI_F_HOLDERS, &m->holders_ok, err);
	if (st == NSI_EXIT_OK && (files & NSI_FILE(NSI_F_NETDEVS)))
		st = load_optional_file(m, src, NSI_F_NETDEVS, &m->netdevs_ok, err);
	if (anchor >= 0)
		close(anchor);
	/* The tasks' cgroups: from /proc right after the live files, or the snapshot's. */
	if (st == NSI_EXIT_OK && (files & NSI_FILE(NSI_F_CGROUPS)) && src->live)
		st = nsi_proc_cgroups(m, "/proc", err);
	else if (st == NSI_EXIT_OK && (files & NSI_FILE(NSI_F_CGROUPS)))
		st = load_optional_file(m, src, NSI_F_CGROUPS, &m->cgroups_ok, err);
	if (st == NSI_EXIT_OK && (files & NSI_FILE(NSI_F_MOUNTS)))
		st = load_mounts_file(m, src, err);
	else if (st == NSI_EXIT_OK)
		snprintf(m->mounts_reason, sizeof(m->mounts_reason), "mounts not read");
	if (st == NSI_EXIT_OK)
		st = nsi_model_build(m, err);
	if (st == NSI_EXIT_OK)
		nsi_link_overlays(m);
	return st;
}
