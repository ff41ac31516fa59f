// SPDX-License-Identifier: GPL-2.0
/*
 * The namespace columns that list and tree share; see ns_columns.h.
 */
#include <string.h>

#include "container.h"
#include "ns_columns.h"
#include "strbuf.h"

const struct nsi_colinfo nsi_ns_columns[] = {
	[COL_NAME] = { "NAME", 0.3, NSI_COL_TREE, "namespace as TYPE:[INODE], or a task" },
	[COL_NS] = { "NS", 10, NSI_COL_RIGHT | NSI_COL_NUMBER, "namespace inode number" },
	[COL_TYPE] = { "TYPE", 5, 0, "namespace type" },
	[COL_ID] = { "ID", 5, NSI_COL_RIGHT | NSI_COL_NUMBER,
		     "64-bit namespace id (newer kernels)" },
	[COL_REFS] = { "REFS", 3, NSI_COL_RIGHT | NSI_COL_NUMBER, "reference count" },
	[COL_ACTIVE] = { "ACTIVE", 3, NSI_COL_RIGHT | NSI_COL_NUMBER,
			 "active reference count (newer kernels)" },
	[COL_TASKS] = { "TASKS", 3, NSI_COL_RIGHT | NSI_COL_NUMBER,
			"threads using it in any role (lsns counts processes)" },
	[COL_NSPROXIES] = { "NSPROXIES", 3, NSI_COL_RIGHT | NSI_COL_NUMBER,
			    "nsproxies pointing at it" },
	[COL_FDS] = { "FDS", 3, NSI_COL_RIGHT | NSI_COL_NUMBER, "open nsfs files on it" },
	[COL_BINDMOUNTS] = { "BINDMOUNTS", 3, NSI_COL_RIGHT | NSI_COL_NUMBER,
			     "nsfs bind mounts of it" },
	[COL_VIA] = { "VIA", 8, 0, "how the module reached it" },
	[COL_OWNER] = { "OWNER", 10, NSI_COL_RIGHT | NSI_COL_NUMBER, "owning user namespace" },
	[COL_PARENT] = { "PARENT", 10, NSI_COL_RIGHT | NSI_COL_NUMBER,
			 "parent namespace (pid, user)" },
	[COL_LEVEL] = { "LEVEL", 2, NSI_COL_RIGHT | NSI_COL_NUMBER, "nesting depth (pid, user)" },
	[COL_UNEXPLAINED] = { "UNEXPLAINED", 3, NSI_COL_RIGHT | NSI_COL_NUMBER,
			      "references nothing in the model explains" },
	[COL_PID] = { "PID", 5, NSI_COL_RIGHT | NSI_COL_NUMBER, "lowest pid using it" },
	[COL_COMMAND] = { "COMMAND", 0.2, NSI_COL_TRUNC, "command of that pid" },
	[COL_DETAILS] = { "DETAILS", 0.3, NSI_COL_WRAP, "the keys of its type (nodename, ...)" },
	[COL_NSPID] = { "NSPID", 5, 0, "a task's pid in each pid namespace, outermost first" },
	[COL_CHILDPIDNS] = { "PIDNS_FOR_CHILDREN", 10, NSI_COL_RIGHT | NSI_COL_NUMBER,
			     "a task's pid namespace for children" },
	[COL_NSPROXY] = { "NSPROXY", 8, 0, "a task's nsproxy" },
	[COL_CONTAINER] = { "CONTAINER", 20, 0,
			    "container of that pid (or task), from its cgroup (RUNTIME:ID)" },
};

static_assert(ARRAY_SIZE(nsi_ns_columns) == NSI_NR_NS_COLS, "a column for every id");

/* The type-specific keys: those after "via", as the module writes them. */
static char *details(const struct nsi_record *rec)
{
	struct nsi_strbuf sb = { NULL, 0, 0 };
	bool after = false;
	size_t i;

	for (i = 0; rec && i < rec->nr_fields; i++) {
		const struct nsi_field *f = &rec->fields[i];

		if (after)
			nsi_strbuf_addf(&sb, " ", "%s=%s", f->key, f->value);
		if (!strcmp(f->key, "via"))
			after = true;
	}
	return nsi_strbuf_take(&sb);
}

void nsi_ns_fill_container(struct nsi_out *out, struct libscols_line *ln,
			   const struct nsi_task *t)
{
	char name[NSI_CONTAINER_MAX];

	if (t && out->colpos[COL_CONTAINER] >= 0)
		nsi_out_cell(out, ln, COL_CONTAINER,
			     nsi_container_name(t->cgroup, out->json, name, sizeof(name)));
}

void nsi_ns_fill(struct nsi_out *out, struct libscols_line *ln, const struct nsi_ns *ns)
{
	char *d;

	nsi_out_cellf(out, ln, COL_NAME, "%s:[%llu]", nsi_ns_type_names[ns->type], ns->inum);
	nsi_out_num(out, ln, COL_NS, (long long)ns->inum, NSI_UNKNOWN);
	nsi_out_cell(out, ln, COL_TYPE, nsi_ns_type_names[ns->type]);
	nsi_out_cell(out, ln, COL_ID, nsi_val(ns->rec, "id"));
	nsi_out_num(out, ln, COL_REFS, ns->refs, nsi_val(ns->rec, "refs"));
	nsi_out_num(out, ln, COL_ACTIVE, ns->active, nsi_val(ns->rec, "active"));
	nsi_out_num(out, ln, COL_TASKS, ns->tasks, nsi_val(ns->rec, "tasks"));
	nsi_out_num(out, ln, COL_NSPROXIES, ns->nsproxies, nsi_val(ns->rec, "nsproxies"));
	nsi_out_num(out, ln, COL_FDS, ns->fds, nsi_val(ns->rec, "fds"));
	nsi_out_num(out, ln, COL_BINDMOUNTS, ns->bindmounts, nsi_val(ns->rec, "bindmounts"));
	nsi_out_cell(out, ln, COL_VIA, nsi_val(ns->rec, "via"));
	nsi_out_cell(out, ln, COL_OWNER, nsi_val(ns->rec, "owner"));
	nsi_out_cell(out, ln, COL_PARENT, nsi_val(ns->rec, "parent"));
	nsi_out_cell(out, ln, COL_LEVEL, nsi_val(ns->rec, "level"));
	nsi_out_num(out, ln, COL_UNEXPLAINED, nsi_ns_unexplained(ns),
		    ns->uncounted ? NSI_NONE : NSI_UNKNOWN);
	if (ns->first_task) {
		nsi_out_num(out, ln, COL_PID, ns->first_task->pid, NSI_UNKNOWN);
		nsi_out_cell(out, ln, COL_COMMAND, ns->first_task->comm);
	}
	nsi_ns_fill_container(out, ln, ns->first_task);
	if (out->colpos[COL_DETAILS] >= 0) {
		d = details(ns->rec);
		nsi_out_cell(out, ln, COL_DETAILS, d);
		free(d);
	}
}
