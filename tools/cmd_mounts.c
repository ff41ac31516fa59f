// SPDX-License-Identifier: GPL-2.0
/*
 * mounts: a findmnt-like tree per mount namespace, then the mounts that
 * are in none: internal (kern_mount), detached (lazily unmounted, still
 * held), anonymous (open_tree and friends) and unattached ones.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "output.h"
#include "xalloc.h"

enum {
	COL_TARGET, COL_ID, COL_UID, COL_PARENT, COL_SOURCE, COL_FSTYPE, COL_ROOT,
	COL_FLAGS, COL_PROPAGATION, COL_COUNT, COL_WRITERS, COL_MNTNS, COL_DEV, COL_LAYER,
	NR_COLS
};

static const struct nsi_colinfo columns[] = {
	[COL_TARGET] = { "TARGET", 0.3, NSI_COL_TREE, "mount point" },
	[COL_ID] = { "ID", 3, NSI_COL_RIGHT | NSI_COL_NUMBER, "mount id" },
	[COL_UID] = { "UID", 3, NSI_COL_RIGHT | NSI_COL_NUMBER, "unique mount id (newer kernels)" },
	[COL_PARENT] = { "PARENT", 3, NSI_COL_RIGHT | NSI_COL_NUMBER, "parent mount id" },
	[COL_SOURCE] = { "SOURCE", 0.2, NSI_COL_TRUNC, "mounted device or source" },
	[COL_FSTYPE] = { "FSTYPE", 5, NSI_COL_TRUNC, "filesystem type" },
	[COL_ROOT] = { "ROOT", 0.1, NSI_COL_TRUNC, "root of the mount within its filesystem" },
	[COL_FLAGS] = { "FLAGS", 0.2, NSI_COL_WRAP, "mount flags (MNT_*)" },
	[COL_PROPAGATION] = { "PROPAGATION", 0.1, 0, "shared:N, master:N, unbindable" },
	[COL_COUNT] = { "COUNT", 3, NSI_COL_RIGHT | NSI_COL_NUMBER, "mount reference count" },
	[COL_WRITERS] = { "WRITERS", 3, NSI_COL_RIGHT | NSI_COL_NUMBER,
			  "write access count (negative: a bug)" },
	[COL_MNTNS] = { "MNTNS", 10, 0, "mount namespace, or internal, detached, anon, none" },
	[COL_DEV] = { "DEV", 5, 0, "major:minor of the filesystem" },
	[COL_LAYER] = { "LAYER", 8, 0, "a layer clone: upper or lower of overlay mount ID" },
};

static_assert(ARRAY_SIZE(columns) == NR_COLS, "a column for every id");

struct section {
	enum nsi_mnt_where where;
	unsigned long long mntns;
};

struct mtree {
	const struct nsi_model *m;
	struct section *sec;
	size_t nr_sec;
	const struct nsi_mount **mnt;	/* node -> mount; NULL for sections */
	ssize_t *node;			/* model index -> mount node, or -1 */
};

static bool same_section(const struct section *s, const struct nsi_mount *mnt)
{
	return s->where == mnt->where && (s->where != NSI_MNT_IN_NS || s->mntns == mnt->mntns);
}

static ssize_t section_of(const struct mtree *t, const struct nsi_mount *mnt)
{
	size_t i;

	for (i = 0; i < t->nr_sec; i++)
		if (same_section(&t->sec[i], mnt))
			return (ssize_t)i;
	return -1;
}

static void section_name(const struct section *s, char *buf, size_t size)
{
	if (s->where == NSI_MNT_IN_NS)
		snprintf(buf, size, "mnt:[%llu]", s->mntns);
	else
		snprintf(buf, size, "%s", nsi_mnt_where_names[s->where]);
}

static void fill(struct nsi_out *out, struct libscols_line *ln, size_t i, void *data)
{
	const struct mtree *t = data;
	const struct nsi_mount *mnt = i < t->nr_sec ? NULL : t->mnt[i - t->nr_sec];
	const struct nsi_record *rec;
	char name[64];

	if (!mnt) {
		section_name(&t->sec[i], name, sizeof(name));
		nsi_out_cell(out, ln, COL_TARGET, name);
		return;
	}
	rec = mnt->rec;
	nsi_out_cell(out, ln, COL_TARGET, nsi_val(rec, "mountpoint"));
	nsi_out_num(out, ln, COL_ID, mnt->id, NSI_UNKNOWN);
	nsi_out_num(out, ln, COL_UID, mnt->uid, NULL);
	nsi_out_num(out, ln, COL_PARENT, mnt->parent, nsi_val(rec, "parent"));
	nsi_out_cell(out, ln, COL_SOURCE, nsi_val(rec, "source"));
	nsi_out_cell(out, ln, COL_FSTYPE, nsi_val(rec, "fstype"));
	nsi_out_cell(out, ln, COL_ROOT, nsi_val(rec, "root"));
	nsi_out_cell(out, ln, COL_FLAGS, nsi_val(rec, "flags"));
	nsi_out_cell(out, ln, COL_PROPAGATION, nsi_val(rec, "propagation"));
	nsi_out_num(out, ln, COL_COUNT, mnt->count, nsi_val(rec, "count"));
	nsi_out_num(out, ln, COL_WRITERS, mnt->writers, nsi_val(rec, "writers"));
	nsi_out_cell(out, ln, COL_MNTNS, nsi_val(rec, "mntns"));
	nsi_out_cell(out, ln, COL_DEV, nsi_val(rec, "dev"));
	if (mnt->layer_of != NSI_NA)
		nsi_out_cellf(out, ln, COL_LAYER, "%s of %lld", mnt->layer, mnt->layer_of);
}

static int cmp_section(const void *a, const void *b)
{
	const struct section *x = a, *y = b;

	if (x->where != y->where)
		return (int)x->where - (int)y->where;
	return (x->mntns > y->mntns) - (x->mntns < y->mntns);
}

/* Which mount namespace the options ask for: 0 for every one. */
static enum nsi_exit wanted_ns(const struct nsi_ctx *ctx, const struct nsi_model *m,
			       unsigned long long *ns, struct nsi_error *err)
{
	const struct nsi_task *task;
	size_t i;

	*ns = ctx->ns;
	if (ctx->pid > 0) {
		task = nsi_model_task(m, ctx->pid);
		if (!task)
			return nsi_fail(err, NSI_EXIT_USAGE, "mounts: no task with pid %lld",
					ctx->pid);
		*ns = task->ns[NSI_R_MNT];
		if (!*ns)
			return nsi_fail(err, NSI_EXIT_USAGE,
					"mounts: task %lld has no mount namespace", ctx->pid);
	}
	if (!*ns)
		return NSI_EXIT_OK;
	for (i = 0; i < m->nr_mounts; i++)
		if (m->mounts[i].where == NSI_MNT_IN_NS && m->mounts[i].mntns == *ns)
			return NSI_EXIT_OK;
	return nsi_fail(err, NSI_EXIT_USAGE, "mounts: no mounts in mount namespace %llu", *ns);
}

/*
 * [--all][a flat list]: a tree, or a flat list that says which namespace
 * each mount is in; with --all, which overlay each layer clone belongs to.
 */
static const char *const defaults[2][2] = {
	{ "TARGET,ID,UID,PARENT,SOURCE,FSTYPE,ROOT,FLAGS,PROPAGATION,COUNT,WRITERS",
	  "MNTNS,ID,UID,PARENT,TARGET,SOURCE,FSTYPE,ROOT,FLAGS,PROPAGATION,COUNT,WRITERS" },
	{ "TARGET,ID,UID,PARENT,SOURCE,FSTYPE,ROOT,FLAGS,PROPAGATION,COUNT,WRITERS,LAYER",
	  "MNTNS,ID,UID,PARENT,TARGET,SOURCE,FSTYPE,ROOT,FLAGS,PROPAGATION,COUNT,WRITERS,LAYER" },
};

static enum nsi_exit run_mounts(const struct nsi_ctx *ctx, struct nsi_model *m,
				struct nsi_error *err)
{
	struct mtree t = { m, xcalloc(m->nr_mounts, sizeof(*t.sec)), 0,
			   xcalloc(m->nr_mounts, sizeof(*t.mnt)),
			   xcalloc(m->nr_mounts, sizeof(*t.node)) };
	ssize_t *parent = NULL;
	size_t i, nr = 0, n;
	unsigned long long ns;
	struct nsi_out out;
	enum nsi_exit st;

	if (!m->mounts_ok) {
		st = nsi_fail(err, NSI_EXIT_UNAVAILABLE,
			      "mounts: the module cannot walk mounts on this kernel: %s",
			      m->mounts_reason);
		goto out;
	}
	st = wanted_ns(ctx, m, &ns, err);
	if (st == NSI_EXIT_OK)
		st = nsi_out_init(&out, ctx, columns, ARRAY_SIZE(columns),
				  defaults[ctx->all][ctx->list || ctx->raw], "mounts", err);
	if (st != NSI_EXIT_OK)
		goto out;

	for (i = 0; i < m->nr_mounts; i++) {
		const struct nsi_mount *mnt = &m->mounts[i];

		t.node[i] = -1;
		if (mnt->where == NSI_MNT_IN_NS ? ns && mnt->mntns != ns : !ctx->all)
			continue;
		t.node[i] = (ssize_t)nr;
		t.mnt[nr++] = mnt;
		if (section_of(&t, mnt) < 0)
			t.sec[t.nr_sec++] = (struct section){ mnt->where, mnt->mntns };
	}
	qsort(t.sec, t.nr_sec, sizeof(*t.sec), cmp_section);

	/* Nodes: the sections, then the mounts in id order. */
	n = t.nr_sec + nr;
	parent = xcalloc(n, sizeof(*parent));
	for (i = 0; i < t.nr_sec; i++)
		parent[i] = -1;
	for (i = 0; i < nr; i++) {
		const struct nsi_mount *mnt = t.mnt[i];
		const struct nsi_mount *up = mnt->parent != mnt->id ?
			nsi_model_mount(m, mnt->parent) : NULL;
		ssize_t sec = section_of(&t, mnt);

		parent[t.nr_sec + i] = sec;
		if (up && t.node[up - m->mounts] >= 0 && same_section(&t.sec[sec], up))
			parent[t.nr_sec + i] = (ssize_t)t.nr_sec + t.node[up - m->mounts];
	}
	/* Section lines only head a tree; a flat list has the MNTNS column. */
	if (out.tree) {
		nsi_out_tree(&out, n, parent, NULL, fill, &t);
	} else {
		for (i = 0; i < nr; i++)
			fill(&out, nsi_out_line(&out, NULL), t.nr_sec + i, &t);
	}
	nsi_out_print(&out);
out:
	free(parent);
	free(t.sec);
	free(t.mnt);
	free(t.node);
	return st;
}

const struct nsi_cmd nsi_cmd_mounts = {
	.name = "mounts",
	.opts = NSI_OPTS_TREE | NSI_OPT_NS | NSI_OPT_PID | NSI_OPT_ALL,
	.load = NSI_LOAD_MODEL_PROC,
	.run = run_mounts,
	.summary = "mounts as a tree per mount namespace, and those in none",
	.details =
	"Without options, the mounts of every mount namespace, each as a tree by\n"
	"parent mount id; --all adds internal mounts (kern_mount), detached ones\n"
	"(unmounted but still held), anonymous ones (open_tree, fsmount) and those\n"
	"in no namespace, and LAYER: for overlayfs' layer clones, \"upper of ID\" or\n"
	"\"lower of ID\", ID being the overlay mount (matched live, through its\n"
	"upperdir= and lowerdir=). Exit status 3 if the module cannot walk mounts on this\n"
	"kernel (the version command says why). In /proc mode the mounts come from\n"
	"/proc/PID/mountinfo of one task per mount namespace; COUNT and WRITERS\n"
	"are unknown there.\n",
	.cols = columns,
	.nr_cols = ARRAY_SIZE(columns),
};
