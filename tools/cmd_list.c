// SPDX-License-Identifier: GPL-2.0
/*
 * list: one line per namespace, like lsns, with the reference counts
 * the kernel keeps and the UNEXPLAINED heuristic.
 */
#include "container.h"
#include "ns_columns.h"

/* ACTIVE only where the kernel has active references. */
static const char *const defaults[] = {
	"NS,TYPE,REFS,TASKS,NSPROXIES,FDS,BINDMOUNTS,VIA,OWNER,PARENT,UNEXPLAINED,COMMAND",
	"NS,TYPE,REFS,ACTIVE,TASKS,NSPROXIES,FDS,BINDMOUNTS,VIA,OWNER,PARENT,UNEXPLAINED,COMMAND",
};

/*
 * The tasks file is most of what list would read, and the kernel's own
 * counts in the namespaces file need neither it nor the nsproxies.
 */
static unsigned int list_files(const struct nsi_ctx *ctx)
{
	unsigned int files = NSI_FILE(NSI_F_NAMESPACES);
	bool unexplained = nsi_out_wants(ctx, nsi_ns_columns, NSI_NR_NS_COLS, defaults[0],
					 COL_UNEXPLAINED);

	/* superblocks hold user and pid namespaces: the mounts file tells which */
	if (unexplained)
		files |= NSI_FILE(NSI_F_NSPROXIES) | NSI_FILE(NSI_F_MOUNTS);
	if (unexplained || nsi_out_wants(ctx, nsi_ns_columns, NSI_NR_NS_COLS, defaults[0],
					 COL_PID) ||
	    nsi_out_wants(ctx, nsi_ns_columns, NSI_NR_NS_COLS, defaults[0], COL_COMMAND))
		files |= NSI_FILE(NSI_F_TASKS);
	return files | nsi_files_container(ctx, nsi_ns_columns, NSI_NR_NS_COLS, defaults[0],
					   COL_CONTAINER);
}

static enum nsi_exit run_list(const struct nsi_ctx *ctx, struct nsi_model *m,
			      struct nsi_error *err)
{
	struct nsi_out out;
	enum nsi_exit st;
	size_t i;

	st = nsi_out_init(&out, ctx, nsi_ns_columns, NSI_NR_NS_COLS, defaults[m->has_active],
			  "namespaces", err);
	if (st != NSI_EXIT_OK)
		return st;
	for (i = 0; i < m->nr_ns; i++)
		if (ctx->type < 0 || m->ns[i].type == (enum nsi_ns_type)ctx->type)
			nsi_ns_fill(&out, nsi_out_line(&out, NULL), &m->ns[i]);
	nsi_out_print(&out);
	return NSI_EXIT_OK;
}

const struct nsi_cmd nsi_cmd_list = {
	.name = "list",
	.opts = NSI_OPTS_TABLE | NSI_OPT_TYPE,
	.load = NSI_LOAD_MODEL_PROC,
	.files = list_files,
	.run = run_list,
	.summary = "list every namespace with its reference counts",
	.details =
	"UNEXPLAINED is REFS minus the references the model can account for:\n"
	"  - one per nsproxy field pointing at it (time and time_for_children count\n"
	"    separately);\n"
	"  - one if it has open nsfs files or nsfs bind mounts: they share one inode,\n"
	"    which holds one reference;\n"
	"  - one per namespace whose parent or owner it is (once if both);\n"
	"  - pid: one per struct pid at its level (pid_allocated less its child\n"
	"    namespaces'), and one per proc superblock mounted for it;\n"
	"  - user: one per struct cred (of tasks and open files) and per address\n"
	"    space in it, and one per superblock whose s_user_ns it is;\n"
	"  - net: one per socket open in some process.\n"
	"What is left is held by something else: a leak, or a holder nsinspect\n"
	"does not see (an orphaned TCP socket, an open /proc/PID/net file, a struct\n"
	"pid kept by a pidfd after its task was reaped). Below 0, more holders were\n"
	"seen than references: the system changed during the snapshot. In /proc mode, and\n"
	"wherever the kernel did not give REFS, it is unknown ('?'). Where REFS is\n"
	"'-', the kernel does not count the namespace's references (the initial\n"
	"namespaces on 7.x): UNEXPLAINED is '-' too, and null in JSON.\n"
	"\n"
	NSI_CONTAINER_HELP,
	.cols = nsi_ns_columns,
	.nr_cols = NSI_NR_NS_COLS,
};
