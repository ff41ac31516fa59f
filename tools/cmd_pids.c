// SPDX-License-Identifier: GPL-2.0
/*
 * pids [PID]: the pid numbers of a task, or of every task, in each pid
 * namespace it is visible in. In a tree, each task has one line per
 * level with the pid namespace of that level.
 */
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "model.h"
#include "output.h"
#include "xalloc.h"

enum {
	COL_PID, COL_TGID, COL_LEVEL, COL_NSPID, COL_PIDNS, COL_PIDNS4C, COL_NSPROXY,
	COL_COMMAND, COL_CONTAINER,
	NR_COLS
};

static const struct nsi_colinfo columns[] = {
	[COL_PID] = { "PID", 8, NSI_COL_TREE | NSI_COL_NUMBER,
		      "pid in the initial namespace; on level lines, in that level" },
	[COL_TGID] = { "TGID", 5, NSI_COL_RIGHT | NSI_COL_NUMBER, "thread group (process) id" },
	[COL_LEVEL] = { "LEVEL", 2, NSI_COL_RIGHT | NSI_COL_NUMBER,
			"depth of its pid namespace (0: initial)" },
	[COL_NSPID] = { "NSPID", 5, 0, "pid in each level, outermost first" },
	[COL_PIDNS] = { "PIDNS", 10, NSI_COL_RIGHT | NSI_COL_NUMBER,
			"its pid namespace; on level lines, that level's" },
	[COL_PIDNS4C] = { "PIDNS_FOR_CHILDREN", 10, NSI_COL_RIGHT | NSI_COL_NUMBER,
			  "pid namespace its children will be in" },
	[COL_NSPROXY] = { "NSPROXY", 8, 0, "its nsproxy" },
	[COL_COMMAND] = { "COMMAND", 0.3, NSI_COL_TRUNC, "command name" },
	[COL_CONTAINER] = { "CONTAINER", 20, 0, "its container, from its cgroup (RUNTIME:ID)" },
};

static_assert(ARRAY_SIZE(columns) == NR_COLS, "a column for every id");

#define DEFAULTS	"PID,TGID,LEVEL,NSPID,PIDNS,PIDNS_FOR_CHILDREN,COMMAND"

static unsigned int pids_files(const struct nsi_ctx *ctx)
{
	return nsi_files_no_mounts(ctx) |
	       nsi_files_container(ctx, columns, NR_COLS, DEFAULTS, COL_CONTAINER);
}

static void fill_task(struct nsi_out *out, struct libscols_line *ln, const struct nsi_task *t)
{
	nsi_out_num(out, ln, COL_PID, t->pid, NSI_UNKNOWN);
	nsi_out_num(out, ln, COL_TGID, t->tgid, nsi_val(t->rec, "tgid"));
	nsi_out_num(out, ln, COL_LEVEL, t->level, nsi_val(t->rec, "level"));
	nsi_out_cell(out, ln, COL_NSPID, nsi_val(t->rec, "nspid"));
	nsi_out_cell(out, ln, COL_PIDNS, nsi_val(t->rec, "pidns"));
	nsi_out_cell(out, ln, COL_PIDNS4C, nsi_val(t->rec, "pidns_for_children"));
	nsi_out_cell(out, ln, COL_NSPROXY, nsi_val(t->rec, "nsproxy"));
	nsi_out_cell(out, ln, COL_COMMAND, t->comm);
	if (out->colpos[COL_CONTAINER] >= 0) {
		char name[NSI_CONTAINER_MAX];

		nsi_out_cell(out, ln, COL_CONTAINER,
			     nsi_container_name(t->cgroup, out->json, name, sizeof(name)));
	}
}

/* One line per entry of NSpid, with the pid namespace of that level. */
static void add_levels(struct nsi_out *out, struct libscols_line *parent,
		       const struct nsi_model *m, const struct nsi_task *t)
{
	char *list = xstrdup(t->nspid), *tok, *save = NULL;
	size_t nr = 1, lvl = 0, i;
	const struct nsi_ns **chain;
	const struct nsi_ns *ns;

	for (i = 0; list[i]; i++)
		nr += list[i] == ',';
	/* From the task's own pid namespace outwards, by parent. */
	chain = xcalloc(nr, sizeof(*chain));
	ns = nsi_model_ns(m, t->ns[NSI_R_PIDNS]);
	for (i = nr; i-- > 0 && ns; ns = ns->parent_ns)
		chain[i] = ns;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save), lvl++) {
		struct libscols_line *ln = nsi_out_line(out, parent);

		nsi_out_cell(out, ln, COL_PID, tok);
		nsi_out_cellf(out, ln, COL_LEVEL, "%zu", lvl);
		if (lvl < nr && chain[lvl])
			nsi_out_cellf(out, ln, COL_PIDNS, "%llu", chain[lvl]->inum);
		else
			nsi_out_cell(out, ln, COL_PIDNS, NSI_UNKNOWN);
	}
	free(chain);
	free(list);
}

static enum nsi_exit run_pids(const struct nsi_ctx *ctx, struct nsi_model *m,
			      struct nsi_error *err)
{
	const struct nsi_task *only = NULL;
	struct nsi_out out;
	enum nsi_exit st;
	long long pid;
	size_t i;

	if (ctx->nr_args) {
		if (!nsi_parse_ll(ctx->args[0], &pid) || pid <= 0)
			return nsi_fail(err, NSI_EXIT_USAGE, "pids: invalid PID '%s'",
					ctx->args[0]);
		only = nsi_model_task(m, pid);
		if (!only)
			return nsi_fail(err, NSI_EXIT_USAGE, "pids: no task with pid %lld", pid);
	}
	st = nsi_out_init(&out, ctx, columns, ARRAY_SIZE(columns), DEFAULTS, "tasks", err);
	if (st != NSI_EXIT_OK)
		return st;
	for (i = 0; i < m->nr_tasks; i++) {
		const struct nsi_task *t = &m->tasks[i];
		struct libscols_line *ln;

		if (only && t != only)
			continue;
		ln = nsi_out_line(&out, NULL);
		fill_task(&out, ln, t);
		/* A task of the initial pid namespace has nothing more to show. */
		if (out.tree && t->nspid && strchr(t->nspid, ','))
			add_levels(&out, ln, m, t);
	}
	nsi_out_print(&out);
	return NSI_EXIT_OK;
}

const struct nsi_cmd nsi_cmd_pids = {
	.name = "pids",
	.args_usage = "[PID]",
	.max_args = 1,
	.opts = NSI_OPTS_TREE,
	.load = NSI_LOAD_MODEL_PROC,
	.files = pids_files,
	.run = run_pids,
	.summary = "pid numbers of every task (or of PID) in each pid namespace level",
	.details =
	"PID is the pid in the initial pid namespace. In a tree, each task has one\n"
	"line per level of pid namespaces, outermost first, with its pid in that\n"
	"level and that level's pid namespace; -l leaves those lines out.\n"
	NSI_CONTAINER_HELP,
	.cols = columns,
	.nr_cols = ARRAY_SIZE(columns),
};
