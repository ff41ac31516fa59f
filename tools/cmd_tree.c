// SPDX-License-Identifier: GPL-2.0
/*
 * tree: the namespace hierarchy, like lsns --tree with the kernel's counts.
 *
 * User namespaces nest by parent. Under each come the pid namespaces it
 * owns (nested by parent while the parent has the same owner) and its
 * other namespaces, each with one representative command, as in lsns.
 * With --processes, under a pid namespace, the processes whose own pid is
 * in it. Threads are left out (pids lists them).
 */
#include <stdlib.h>

#include "container.h"
#include "ns_columns.h"
#include "xalloc.h"

struct tree {
	const struct nsi_model *m;
	const struct nsi_ns **ns;	/* node -> namespace, or NULL for a task */
	const struct nsi_task **task;
	size_t *ns_node;		/* namespace index -> node */
};

static void fill(struct nsi_out *out, struct libscols_line *ln, size_t i, void *data)
{
	const struct tree *t = data;
	const struct nsi_task *task = t->task[i];
	unsigned long long c4;

	if (t->ns[i]) {
		nsi_ns_fill(out, ln, t->ns[i]);
		return;
	}
	nsi_out_cellf(out, ln, COL_NAME, "task %lld", task->pid);
	nsi_out_cell(out, ln, COL_TYPE, "task");
	nsi_out_num(out, ln, COL_PID, task->pid, NSI_UNKNOWN);
	nsi_out_cell(out, ln, COL_COMMAND, task->comm);
	nsi_out_cell(out, ln, COL_NSPID, nsi_val(task->rec, "nspid"));
	nsi_out_cell(out, ln, COL_NSPROXY, nsi_val(task->rec, "nsproxy"));
	nsi_ns_fill_container(out, ln, task);
	c4 = task->ns[NSI_R_PIDNS4C];
	if (c4)
		nsi_out_cellf(out, ln, COL_CHILDPIDNS, "%llu", c4);
	else
		nsi_out_cell(out, ln, COL_CHILDPIDNS, nsi_val(task->rec, "pidns_for_children"));
}

/* The node of the namespace with inode @inum, or -1. */
static ssize_t node_of(const struct tree *t, unsigned long long inum)
{
	const struct nsi_ns *ns = nsi_model_ns(t->m, inum);

	return ns ? (ssize_t)t->ns_node[ns - t->m->ns] : -1;
}

static ssize_t ns_parent(const struct tree *t, const struct nsi_ns *ns)
{
	if (ns->type == NSI_NS_USER)
		return ns->parent_ns ? node_of(t, ns->parent) : -1;
	if (ns->type == NSI_NS_PID && ns->parent_ns && ns->parent_ns->owner == ns->owner)
		return node_of(t, ns->parent);
	return ns->owner_ns ? node_of(t, ns->owner) : -1;
}

/*
 * [ACTIVE where the kernel has it][task rows]: what fits 80 columns, where
 * only COMMAND gives way (truncated), as in lsns --tree.
 */
static const char *const defaults[2][2] = {
	{ "NAME,REFS,TASKS,FDS,BINDMOUNTS,PID,COMMAND",
	  "NAME,REFS,TASKS,FDS,BINDMOUNTS,NSPID,COMMAND" },
	{ "NAME,REFS,ACTIVE,TASKS,FDS,BINDMOUNTS,PID,COMMAND",
	  "NAME,REFS,ACTIVE,TASKS,FDS,BINDMOUNTS,NSPID,COMMAND" },
};

/* UNEXPLAINED counts superblocks, which the mounts file tells. */
static unsigned int tree_files(const struct nsi_ctx *ctx)
{
	unsigned int files = NSI_FILES_NO_MOUNTS;

	if (nsi_out_wants(ctx, nsi_ns_columns, NSI_NR_NS_COLS, defaults[0][0], COL_UNEXPLAINED))
		files |= NSI_FILE(NSI_F_MOUNTS);
	return files | nsi_files_container(ctx, nsi_ns_columns, NSI_NR_NS_COLS, defaults[0][0],
					   COL_CONTAINER);
}

static enum nsi_exit run_tree(const struct nsi_ctx *ctx, struct nsi_model *m,
			      struct nsi_error *err)
{
	size_t cap = m->nr_ns + m->nr_tasks, n = 0, i;
	struct tree t = { m, xcalloc(cap, sizeof(*t.ns)), xcalloc(cap, sizeof(*t.task)),
			  xcalloc(m->nr_ns, sizeof(*t.ns_node)) };
	ssize_t *parent = xcalloc(cap, sizeof(*parent));
	bool *shown = xcalloc(cap, sizeof(*shown));
	struct nsi_out out;
	enum nsi_exit st;
	int type;

	st = nsi_out_init(&out, ctx, nsi_ns_columns, NSI_NR_NS_COLS,
			  defaults[m->has_active][ctx->processes], "namespaces", err);
	if (st != NSI_EXIT_OK)
		goto out;

	/* Nodes by type (user, pid, then the rest), then the processes. */
	for (type = 0; type < NSI_NR_NS_TYPES; type++)
		for (i = 0; i < m->nr_ns; i++) {
			if (m->ns[i].type != (enum nsi_ns_type)type)
				continue;
			t.ns_node[i] = n;
			t.ns[n] = &m->ns[i];
			shown[n++] = ctx->type < 0 || type == ctx->type || type == NSI_NS_USER;
		}
	for (i = 0; i < m->nr_tasks && ctx->processes; i++) {
		if (m->tasks[i].tgid != NSI_NA && m->tasks[i].tgid != m->tasks[i].pid)
			continue;
		t.task[n] = &m->tasks[i];
		shown[n++] = ctx->type < 0 || ctx->type == NSI_NS_PID;
	}
	for (i = 0; i < n; i++)
		parent[i] = t.ns[i] ? ns_parent(&t, t.ns[i]) :
			    node_of(&t, t.task[i]->ns[NSI_R_PIDNS]);
	nsi_out_tree(&out, n, parent, shown, fill, &t);
	nsi_out_print(&out);
out:
	free(t.ns);
	free(t.task);
	free(t.ns_node);
	free(parent);
	free(shown);
	return st;
}

const struct nsi_cmd nsi_cmd_tree = {
	.name = "tree",
	.opts = NSI_OPTS_TREE | NSI_OPT_TYPE | NSI_OPT_PROCESSES,
	.load = NSI_LOAD_MODEL_PROC,
	.files = tree_files,
	.run = run_tree,
	.summary = "the namespace hierarchy with reference counts, like lsns --tree",
	.details =
	"User namespaces nest by parent. Under each come the pid namespaces it owns\n"
	"(nested by parent while the parent has the same owner) and its other\n"
	"namespaces, each with its counts and, as in lsns, the lowest PID using it\n"
	"and its COMMAND; only COMMAND is truncated to fit the terminal. With\n"
	"--processes, under each pid namespace the processes whose pid is in it,\n"
	"with their pid in every level (NSPID). Threads are left out: see pids.\n"
	"With -t TYPE, namespaces of TYPE under their user namespaces, and\n"
	"processes only for -t pid.\n"
	"\n"
	NSI_CONTAINER_HELP,
	.cols = nsi_ns_columns,
	.nr_cols = NSI_NR_NS_COLS,
};
