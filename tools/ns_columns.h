/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The namespace columns, shared by list and tree (which adds its task
 * rows' NAME, NSPID, PIDNS_FOR_CHILDREN and NSPROXY): a tree line of a
 * namespace says the same as its list line.
 */
#ifndef NSI_NS_COLUMNS_H
#define NSI_NS_COLUMNS_H

#include "model.h"
#include "output.h"

enum {
	COL_NS, COL_TYPE, COL_ID, COL_REFS, COL_ACTIVE, COL_TASKS, COL_NSPROXIES, COL_FDS,
	COL_BINDMOUNTS, COL_VIA, COL_OWNER, COL_PARENT, COL_LEVEL, COL_UNEXPLAINED,
	COL_PID, COL_COMMAND, COL_DETAILS, COL_NAME, COL_NSPID, COL_CHILDPIDNS, COL_NSPROXY,
	COL_CONTAINER,
	NSI_NR_NS_COLS
};

extern const struct nsi_colinfo nsi_ns_columns[];

/* Set the cells of @ns in @ln. */
void nsi_ns_fill(struct nsi_out *out, struct libscols_line *ln, const struct nsi_ns *ns);

/* The CONTAINER cell of task @t (NULL: none). */
void nsi_ns_fill_container(struct nsi_out *out, struct libscols_line *ln,
			   const struct nsi_task *t);

#endif /* NSI_NS_COLUMNS_H */
