// SPDX-License-Identifier: GPL-2.0
/*
 * holders: who holds each reference of a namespace. Under each namespace,
 * one line per holder the model can name: nsproxies, the nsfs inode (with
 * the open files and bind mounts that pin it), sockets, superblocks,
 * namespaces it owns or parents, struct pids, creds and address spaces;
 * then what is left, UNEXPLAINED as list defines it.
 */
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "model.h"
#include "output.h"
#include "xalloc.h"

enum { COL_HOLDER, COL_REFS, COL_CONTAINER, COL_WHAT, NR_COLS };

static const struct nsi_colinfo columns[] = {
	[COL_HOLDER] = { "HOLDER", 0.3, NSI_COL_TREE, "namespace, and under it each holder" },
	[COL_REFS] = { "REFS", 3, NSI_COL_RIGHT | NSI_COL_NUMBER,
		       "references held (a namespace's line: its count)" },
	[COL_CONTAINER] = { "CONTAINER", 20, 0,
			    "container of the holder's pid, from its cgroup (RUNTIME:ID)" },
	[COL_WHAT] = { "WHAT", 0.6, NSI_COL_TRUNC, "which one" },
};

static_assert(ARRAY_SIZE(columns) == NR_COLS, "a column for every id");

/* Only WHAT gives way; CONTAINER is empty for most holders, not knowing one. */
#define DEFAULTS	"HOLDER,REFS,CONTAINER,WHAT"

static unsigned int holders_files(const struct nsi_ctx *ctx)
{
	return NSI_FILES_MODULE | nsi_files_container(ctx, columns, NR_COLS, DEFAULTS,
						      COL_CONTAINER);
}

/* The CONTAINER cell of a holder row: that of task @pid. */
static void container_cell(struct nsi_out *out, struct libscols_line *ln,
			   const struct nsi_model *m, long long pid)
{
	const struct nsi_task *t = nsi_model_task(m, pid);
	char name[NSI_CONTAINER_MAX];

	if (t && out->colpos[COL_CONTAINER] >= 0)
		nsi_out_cell(out, ln, COL_CONTAINER,
			     nsi_container_name(t->cgroup, out->json, name, sizeof(name)));
}

static struct libscols_line *row(struct nsi_out *out, struct libscols_line *parent,
				 const char *holder, long long refs, const char *what)
{
	struct libscols_line *ln = nsi_out_line(out, parent);

	nsi_out_cell(out, ln, COL_HOLDER, holder);
	nsi_out_num(out, ln, COL_REFS, refs, NSI_NONE);
	nsi_out_cell(out, ln, COL_WHAT, what);
	return ln;
}

static void nsproxy_rows(struct nsi_out *out, struct libscols_line *parent,
			 const struct nsi_model *m, const struct nsi_ns *ns)
{
	size_t i, r;

	for (i = 0; i < m->nr_nsproxies; i++) {
		const struct nsi_nsproxy *p = &m->nsproxies[i];
		struct libscols_line *ln;
		long long refs = 0;
		char what[128];

		for (r = 0; r < NSI_NR_PROXY_ROLES; r++)
			refs += p->ns[r] == ns->inum;
		if (!refs)
			continue;
		if (p->nr_members)
			snprintf(what, sizeof(what), "%s: pid %lld (%s)%s", p->id,
				 p->members[0]->pid, p->members[0]->comm,
				 p->nr_members > 1 ? " and others" : "");
		else
			snprintf(what, sizeof(what), "%s", p->id);
		ln = row(out, parent, "nsproxy", refs, what);
		if (p->nr_members)
			container_cell(out, ln, m, p->members[0]->pid);
	}
}

/* The nsfs inode holds one reference for all its open files and bind mounts. */
static void nsfs_rows(struct nsi_out *out, struct libscols_line *parent,
		      const struct nsi_model *m, const struct nsi_ns *ns)
{
	struct libscols_line *inode = NULL;
	char root[64], what[PATH_MAX + 64];
	size_t i;

	if ((ns->fds == NSI_NA || ns->fds <= 0) &&
	    (ns->bindmounts == NSI_NA || ns->bindmounts <= 0))
		return;
	/* As mountinfo shows an nsfs bind mount's root: net:[4026532290]. */
	snprintf(root, sizeof(root), "%s:[%llu]", nsi_ns_type_names[ns->type], ns->inum);
	inode = row(out, parent, "nsfs inode", 1, root);
	for (i = 0; i < m->nr_holders; i++) {
		const struct nsi_holder *h = &m->holders[i];

		if (h->kind != NSI_H_FD || h->ns != ns->inum)
			continue;
		snprintf(what, sizeof(what), "pid %lld (%s) fd %lld", h->pid, h->comm, h->fd);
		container_cell(out, row(out, inode, "open file", NSI_NA, what), m, h->pid);
	}
	for (i = 0; i < m->nr_mounts; i++) {
		const struct nsi_mount *mnt = &m->mounts[i];

		if (strcmp(nsi_val(mnt->rec, "fstype"), "nsfs") ||
		    strcmp(nsi_val(mnt->rec, "root"), root))
			continue;
		snprintf(what, sizeof(what), "mount %lld at %s (mntns %s)", mnt->id,
			 nsi_val(mnt->rec, "mountpoint"), nsi_val(mnt->rec, "mntns"));
		row(out, inode, "bind mount", NSI_NA, what);
	}
}

static void socket_rows(struct nsi_out *out, struct libscols_line *parent,
			const struct nsi_model *m, const struct nsi_ns *ns)
{
	char what[128];
	size_t i;

	for (i = 0; i < m->nr_holders; i++) {
		const struct nsi_holder *h = &m->holders[i];

		if (h->kind != NSI_H_SOCKET || h->ns != ns->inum)
			continue;
		snprintf(what, sizeof(what), "pid %lld (%s) fd %lld", h->pid, h->comm, h->fd);
		container_cell(out, row(out, parent, "socket", 1, what), m, h->pid);
	}
}

/*
 * Superblocks, once each (at a mount of each, sb_first): their user
 * namespace, proc's pid namespace; sysfs' net namespace and mqueue's ipc
 * namespace are shown, but hold no reference (REFS -).
 */
static void sb_rows(struct nsi_out *out, struct libscols_line *parent,
		    const struct nsi_model *m, const struct nsi_ns *ns)
{
	char what[PATH_MAX + 64];
	size_t i;

	for (i = 0; i < m->nr_mounts; i++) {
		const struct nsi_mount *mnt = &m->mounts[i];
		bool as_user = ns->type == NSI_NS_USER && mnt->userns == ns->inum;
		bool as_sbns = mnt->sbns == ns->inum && mnt->sbns_type == (int)ns->type;
		const char *holder = "superblock";
		long long refs = 1;

		if (!mnt->sb_first || (!as_user && !as_sbns))
			continue;
		if (as_sbns && ns->type == NSI_NS_NET) {
			holder = "superblock (passive)";
			refs = NSI_NA;
		} else if (as_sbns && ns->type == NSI_NS_IPC) {
			holder = "superblock (its own)";
			refs = NSI_NA;
		}
		snprintf(what, sizeof(what), "%s %s: mount %lld at %s", nsi_val(mnt->rec, "fstype"),
			 mnt->dev, mnt->id, nsi_val(mnt->rec, "mountpoint"));
		row(out, parent, holder, refs, what);
	}
}

static void owned_rows(struct nsi_out *out, struct libscols_line *parent,
		       const struct nsi_model *m, const struct nsi_ns *ns)
{
	char what[64];
	size_t i;

	for (i = 0; i < m->nr_ns; i++) {
		const struct nsi_ns *c = &m->ns[i];

		if (c == ns || (c->parent_ns != ns && c->owner_ns != ns))
			continue;
		snprintf(what, sizeof(what), "%s:[%llu]", nsi_ns_type_names[c->type], c->inum);
		row(out, parent, c->parent_ns == ns ? "child namespace" : "owned namespace", 1,
		    what);
	}
}

/* Up to 6.2, each mount of a superblock in a user namespace holds it. */
static void mount_rows(struct nsi_out *out, struct libscols_line *parent,
		       const struct nsi_model *m, const struct nsi_ns *ns)
{
	char what[PATH_MAX + 64];
	size_t i;

	for (i = 0; i < m->nr_mounts; i++) {
		const struct nsi_mount *mnt = &m->mounts[i];

		if (mnt->mnt_userns != ns->inum)
			continue;
		snprintf(what, sizeof(what), "%s %s: mount %lld at %s", nsi_val(mnt->rec, "fstype"),
			 mnt->dev, mnt->id, nsi_val(mnt->rec, "mountpoint"));
		row(out, parent, "mount", 1, what);
	}
}

static void counted_rows(struct nsi_out *out, struct libscols_line *parent,
			 const struct nsi_ns *ns)
{
	if (ns->boot_refs)
		row(out, parent, "boot", ns->boot_refs, "an initial namespace's from boot");
	if (ns->type == NSI_NS_PID && ns->pid_refs != NSI_NA && ns->pid_refs)
		row(out, parent, "struct pids", ns->pid_refs, "pids numbered at its level");
	if (ns->type == NSI_NS_USER && ns->creds != NSI_NA && ns->creds)
		row(out, parent, "creds", ns->creds, "of tasks and open files");
	if (ns->type == NSI_NS_USER && ns->mms != NSI_NA && ns->mms) {
		char what[96] = "mm_struct.user_ns";

		/* An exited task's mm that an idle CPU still runs on (lazy TLB). */
		if (ns->lazy_mms != NSI_NA && ns->lazy_mms)
			snprintf(what, sizeof(what),
				 "mm_struct.user_ns, %lld with no users left, still loaded on a CPU",
				 ns->lazy_mms);
		row(out, parent, "address spaces", ns->mms, what);
	}
	if (ns->type == NSI_NS_USER && ns->ucounts != NSI_NA && ns->ucounts)
		row(out, parent, "ucounts", ns->ucounts, "per-uid counters of creds, namespaces");
}

static void ns_rows(struct nsi_out *out, const struct nsi_model *m, const struct nsi_ns *ns)
{
	struct libscols_line *top;
	char name[64];

	snprintf(name, sizeof(name), "%s:[%llu]", nsi_ns_type_names[ns->type], ns->inum);
	top = row(out, NULL, name, ns->uncounted ? NSI_NA : ns->refs,
		  ns->uncounted ? "the kernel does not count its references" : NULL);
	nsproxy_rows(out, top, m, ns);
	nsfs_rows(out, top, m, ns);
	socket_rows(out, top, m, ns);
	if (m->mounts_ok) {
		sb_rows(out, top, m, ns);
		mount_rows(out, top, m, ns);
	}
	owned_rows(out, top, m, ns);
	counted_rows(out, top, ns);
	if (!ns->uncounted)
		row(out, top, "unexplained", nsi_ns_unexplained(ns),
		    m->mounts_ok ? NULL : "superblocks unknown: no mounts file");
}

/* "net:[4026532290]", "net:4026532290" or "4026532290": the inode number, or 0. */
static unsigned long long parse_ns_arg(const char *arg)
{
	const char *p = strchr(arg, ':');
	unsigned long long n;
	char *end;

	p = p ? p + 1 : arg;
	if (*p == '[')
		p++;
	n = strtoull(p, &end, 10);
	if (end == p || (*end && strcmp(end, "]")))
		return 0;
	return n;
}

static enum nsi_exit run_holders(const struct nsi_ctx *ctx, struct nsi_model *m,
				 struct nsi_error *err)
{
	struct nsi_out out;
	enum nsi_exit st;
	size_t i;
	int a;

	for (a = 0; a < ctx->nr_args; a++) {
		unsigned long long inum = parse_ns_arg(ctx->args[a]);

		if (!inum)
			return nsi_fail(err, NSI_EXIT_USAGE,
					"holders: '%s' is not a namespace (TYPE:INUM or INUM)",
					ctx->args[a]);
		if (!nsi_model_ns(m, inum))
			return nsi_fail(err, NSI_EXIT_USAGE, "holders: no namespace %llu in %s",
					inum, m->origin);
	}
	st = nsi_out_init(&out, ctx, columns, ARRAY_SIZE(columns), DEFAULTS, "namespaces", err);
	if (st != NSI_EXIT_OK)
		return st;
	for (i = 0; i < m->nr_ns; i++) {
		const struct nsi_ns *ns = &m->ns[i];
		bool wanted = !ctx->nr_args;

		for (a = 0; a < ctx->nr_args; a++)
			wanted |= parse_ns_arg(ctx->args[a]) == ns->inum;
		if (wanted && (ctx->type < 0 || ns->type == (enum nsi_ns_type)ctx->type))
			ns_rows(&out, m, ns);
	}
	nsi_out_print(&out);
	return NSI_EXIT_OK;
}

const struct nsi_cmd nsi_cmd_holders = {
	.name = "holders",
	.args_usage = "[NS]...",
	.max_args = 64,
	.opts = NSI_OPTS_TREE | NSI_OPT_TYPE,
	.load = NSI_LOAD_MODEL,
	.files = holders_files,
	.run = run_holders,
	.summary = "who holds each reference of a namespace",
	.details =
	"NS is TYPE:[INUM], TYPE:INUM or INUM; without one, every namespace.\n"
	"Under each namespace, a line per holder: nsproxies, the nsfs inode (one\n"
	"reference for all its open files and bind mounts, listed under it),\n"
	"sockets, superblocks (s_user_ns; proc's pid namespace), child and owned\n"
	"namespaces, struct pids, creds and address spaces; then what is left\n"
	"(UNEXPLAINED, as list defines it). sysfs superblocks hold their net\n"
	"namespace's passive count, and mqueue's belongs to its ipc namespace:\n"
	"shown with REFS '-'.\n"
	"\n"
	NSI_CONTAINER_HELP,
	.cols = columns,
	.nr_cols = ARRAY_SIZE(columns),
};
