// SPDX-License-Identifier: GPL-2.0
/*
 * nsproxies: which tasks share which nsproxy. COUNT is the kernel's
 * reference count, TASKS the module's count of tasks pointing at it and
 * MEMBERS those found in the tasks file: all three should agree.
 */
#include <stdlib.h>

#include "model.h"
#include "output.h"
#include "strbuf.h"

enum {
	COL_ID, COL_COUNT, COL_TASKS, COL_MEMBERS, COL_PIDS, COL_MNT, COL_UTS, COL_IPC,
	COL_NET, COL_CGROUP, COL_TIME, COL_TIME4C, COL_PIDNS4C,
	NR_COLS
};

static const struct nsi_colinfo columns[] = {
	[COL_ID] = { "ID", 12, 0, "nsproxy id (a keyed hash, stable while it lives)" },
	[COL_COUNT] = { "COUNT", 3, NSI_COL_RIGHT | NSI_COL_NUMBER, "reference count" },
	[COL_TASKS] = { "TASKS", 3, NSI_COL_RIGHT | NSI_COL_NUMBER,
			"tasks pointing at it, as the module counted" },
	[COL_MEMBERS] = { "MEMBERS", 3, NSI_COL_RIGHT | NSI_COL_NUMBER,
			  "tasks in the tasks file pointing at it" },
	[COL_PIDS] = { "PIDS", 0.5, NSI_COL_WRAP, "those tasks' pids" },
	[COL_MNT] = { "MNT", 10, NSI_COL_RIGHT | NSI_COL_NUMBER, "mount namespace" },
	[COL_UTS] = { "UTS", 10, NSI_COL_RIGHT | NSI_COL_NUMBER, "uts namespace" },
	[COL_IPC] = { "IPC", 10, NSI_COL_RIGHT | NSI_COL_NUMBER, "ipc namespace" },
	[COL_NET] = { "NET", 10, NSI_COL_RIGHT | NSI_COL_NUMBER, "net namespace" },
	[COL_CGROUP] = { "CGROUP", 10, NSI_COL_RIGHT | NSI_COL_NUMBER, "cgroup namespace" },
	[COL_TIME] = { "TIME", 10, NSI_COL_RIGHT | NSI_COL_NUMBER, "time namespace" },
	[COL_TIME4C] = { "TIME_FOR_CHILDREN", 10, NSI_COL_RIGHT | NSI_COL_NUMBER,
			 "time namespace for children" },
	[COL_PIDNS4C] = { "PIDNS_FOR_CHILDREN", 10, NSI_COL_RIGHT | NSI_COL_NUMBER,
			  "pid namespace for children" },
};

static_assert(ARRAY_SIZE(columns) == NR_COLS, "a column for every id");

static char *pid_list(const struct nsi_nsproxy *p)
{
	struct nsi_strbuf sb = { NULL, 0, 0 };
	size_t i;

	for (i = 0; i < p->nr_members; i++)
		nsi_strbuf_addf(&sb, ",", "%lld", p->members[i]->pid);
	return nsi_strbuf_take(&sb);
}

static enum nsi_exit run_nsproxies(const struct nsi_ctx *ctx, struct nsi_model *m,
				   struct nsi_error *err)
{
	struct nsi_out out;
	enum nsi_exit st;
	size_t i;
	int r;

	st = nsi_out_init(&out, ctx, columns, ARRAY_SIZE(columns),
			  "ID,COUNT,TASKS,MEMBERS,PIDS", "nsproxies", err);
	if (st != NSI_EXIT_OK)
		return st;
	for (i = 0; i < m->nr_nsproxies; i++) {
		const struct nsi_nsproxy *p = &m->nsproxies[i];
		struct libscols_line *ln = nsi_out_line(&out, NULL);
		char *pids = pid_list(p);

		nsi_out_cell(&out, ln, COL_ID, p->id);
		nsi_out_num(&out, ln, COL_COUNT, p->count, nsi_val(p->rec, "count"));
		nsi_out_num(&out, ln, COL_TASKS, p->tasks, nsi_val(p->rec, "tasks"));
		nsi_out_cellf(&out, ln, COL_MEMBERS, "%zu", p->nr_members);
		nsi_out_cell(&out, ln, COL_PIDS, pids);
		for (r = 0; r < NSI_NR_PROXY_ROLES; r++)
			nsi_out_cell(&out, ln, COL_MNT + r, nsi_val(p->rec, nsi_roles[r].key));
		free(pids);
	}
	nsi_out_print(&out);
	return NSI_EXIT_OK;
}

const struct nsi_cmd nsi_cmd_nsproxies = {
	.name = "nsproxies",
	.opts = NSI_OPTS_TABLE,
	.load = NSI_LOAD_MODEL,
	.files = nsi_files_no_mounts,
	.run = run_nsproxies,
	.summary = "which tasks share which nsproxy",
	.details =
	"COUNT is the kernel's reference count, TASKS the tasks the module found\n"
	"pointing at it and MEMBERS those in the tasks file: each task holds one\n"
	"reference, so all three should be equal (see check).\n",
	.cols = columns,
	.nr_cols = ARRAY_SIZE(columns),
};
