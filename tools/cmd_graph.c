// SPDX-License-Identifier: GPL-2.0
/*
 * graph: the namespace hierarchy as Graphviz dot, for "| dot -Tsvg":
 * namespaces with their owner and parent edges, nsproxies with an edge
 * to each of their namespaces, and processes on their nsproxy and pid
 * namespace. dot is a language, not a table, so it is printed directly.
 */
#include <stdio.h>

#include "model.h"
#include "output.h"

/* @s as the inside of a dot string: quote and backslash escaped. */
static void put_escaped(const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			printf("\\\\%03o", (unsigned char)*s);
		else
			putchar(*s);
	}
}

static void graph_ns(const struct nsi_ns *ns)
{
	printf("\tns%llu [label=\"%s:[%llu]\\nrefs=%s tasks=%s\"%s];\n", ns->inum,
	       nsi_ns_type_names[ns->type], ns->inum, nsi_val(ns->rec, "refs"),
	       nsi_val(ns->rec, "tasks"), ns->type == NSI_NS_USER ? " shape=box style=bold" :
	       ns->type == NSI_NS_PID ? " shape=box" : "");
	if (ns->parent_ns)
		printf("\tns%llu -> ns%llu [label=\"parent\"];\n", ns->inum, ns->parent);
	if (ns->owner_ns && ns->owner_ns != ns->parent_ns)
		printf("\tns%llu -> ns%llu [label=\"owner\" style=dashed];\n", ns->inum,
		       ns->owner);
}

static void graph_nsproxy(const struct nsi_model *m, size_t idx)
{
	const struct nsi_nsproxy *p = &m->nsproxies[idx];
	int r;

	printf("\tnsproxy%zu [shape=hexagon label=\"nsproxy ", idx);
	put_escaped(p->id);
	printf("\\ncount=%s\"];\n", nsi_val(p->rec, "count"));
	for (r = 0; r < NSI_NR_PROXY_ROLES; r++)
		if (nsi_model_ns(m, p->ns[r]))
			printf("\tnsproxy%zu -> ns%llu [label=\"%s\" style=dotted];\n", idx,
			       p->ns[r], nsi_roles[r].key);
}

static void graph_task(const struct nsi_model *m, const struct nsi_task *t)
{
	printf("\ttask%lld [shape=plaintext label=\"%lld ", t->pid, t->pid);
	put_escaped(t->comm);
	printf("\"];\n");
	if (t->nsproxy)
		printf("\ttask%lld -> nsproxy%td;\n", t->pid, t->nsproxy - m->nsproxies);
	if (nsi_model_ns(m, t->ns[NSI_R_PIDNS]))
		printf("\ttask%lld -> ns%llu [label=\"pid\" style=dotted];\n", t->pid,
		       t->ns[NSI_R_PIDNS]);
}

static enum nsi_exit run_graph(const struct nsi_ctx *ctx, struct nsi_model *m,
			       struct nsi_error *err)
{
	size_t i;

	(void)ctx;
	(void)err;
	printf("digraph nsinspect {\n\trankdir=BT;\n\tnode [fontname=monospace];\n");
	for (i = 0; i < m->nr_ns; i++)
		graph_ns(&m->ns[i]);
	for (i = 0; i < m->nr_nsproxies; i++)
		graph_nsproxy(m, i);
	for (i = 0; i < m->nr_tasks; i++)
		if (m->tasks[i].tgid == NSI_NA || m->tasks[i].tgid == m->tasks[i].pid)
			graph_task(m, &m->tasks[i]);
	printf("}\n");
	return NSI_EXIT_OK;
}

const struct nsi_cmd nsi_cmd_graph = {
	.name = "graph",
	.load = NSI_LOAD_MODEL_PROC,
	.run = run_graph,
	.summary = "the namespace hierarchy as Graphviz dot",
	.details =
	"Boxes are user (bold) and pid namespaces, hexagons nsproxies, plain text\n"
	"processes (threads left out). Edges: parent (solid), owner (dashed), and\n"
	"dotted ones from an nsproxy to its namespaces and from a process to its\n"
	"pid namespace. Render with: " PROG " graph | dot -Tsvg > ns.svg\n",
};
