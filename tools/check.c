// SPDX-License-Identifier: GPL-2.0
/*
 * check: anomaly rules over the model. Each finding names its rule, the
 * object and why it matters; the exit status is 1 if there is any, so
 * the command can gate a test run.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "model.h"
#include "output.h"
#include "xalloc.h"

enum { COL_RULE, COL_OBJECT, COL_PROBLEM, COL_WHY };

static const struct nsi_colinfo columns[] = {
	[COL_RULE] = { "RULE", 10, 0, "name of the rule" },
	[COL_OBJECT] = { "OBJECT", 12, 0, "what it is about" },
	[COL_PROBLEM] = { "PROBLEM", 0.4, NSI_COL_WRAP, "what is wrong" },
	[COL_WHY] = { "WHY", 0.4, NSI_COL_WRAP, "why it matters" },
};

struct rule {
	const char *name;
	const char *why;
};

static const struct rule nsproxy_count = {
	"nsproxy-count",
	"every task holds one reference on its nsproxy: more is a leak that pins its namespaces, fewer a use-after-free in waiting",
};

static const struct rule ns_leak = {
	"ns-leak",
	"no task, nsproxy, nsfs file, bind mount or child namespace holds it, so a leaked reference keeps it, and its owner, alive",
};

static const struct rule negative_writers = {
	"negative-writers",
	"an unbalanced mnt_drop_write(): the count no longer blocks a read-only remount or freeze while writes are in flight",
};

static const struct rule writers_dead_mount = {
	"writers-dead-mount",
	"no new writer can reach a mount that is detached, internal or being unmounted, so the count is a leaked mnt_want_write() that blocks read-only remount and freeze of its filesystem",
};

struct checker {
	struct nsi_out out;
	size_t findings;
};

static __printf(4, 5) void finding(struct checker *c, const struct rule *rule,
				   const char *object, const char *fmt, ...)
{
	struct libscols_line *ln = nsi_out_line(&c->out, NULL);
	char *problem;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&problem, fmt, ap);
	va_end(ap);
	if (r < 0)
		nsi_oom();
	nsi_out_cell(&c->out, ln, COL_RULE, rule->name);
	nsi_out_cell(&c->out, ln, COL_OBJECT, object);
	nsi_out_cell(&c->out, ln, COL_PROBLEM, problem);
	nsi_out_cell(&c->out, ln, COL_WHY, rule->why);
	free(problem);
	c->findings++;
}

static void check_nsproxies(struct checker *c, const struct nsi_model *m)
{
	char obj[64];
	size_t i;

	for (i = 0; i < m->nr_nsproxies; i++) {
		const struct nsi_nsproxy *p = &m->nsproxies[i];
		long long tasks = p->tasks != NSI_NA ? p->tasks : (long long)p->nr_members;

		if (p->count == NSI_NA || p->count == tasks)
			continue;
		snprintf(obj, sizeof(obj), "nsproxy %s", p->id);
		finding(c, &nsproxy_count, obj, "count=%lld but %lld task%s point at it",
			p->count, tasks, tasks == 1 ? "" : "s");
	}
}

static bool zero(long long v)
{
	return v == NSI_NA || v == 0;
}

static void check_namespaces(struct checker *c, const struct nsi_model *m)
{
	char obj[64];
	size_t i;

	for (i = 0; i < m->nr_ns; i++) {
		const struct nsi_ns *ns = &m->ns[i];

		/*
		 * An unknown task count proves nothing; refs=0 is a namespace
		 * being torn down (net namespaces stay listed until cleanup_net
		 * runs), which no reference keeps; and a namespace whose
		 * references the kernel does not count (refs=-) cannot leak one.
		 */
		if (ns->is_init || ns->uncounted || ns->tasks == NSI_NA || ns->tasks ||
		    ns->refs == 0 ||
		    !zero(ns->nsproxies) || ns->nsproxy_refs || !zero(ns->fds) ||
		    !zero(ns->bindmounts) || ns->held_by_ns)
			continue;
		snprintf(obj, sizeof(obj), "%s:[%llu]", nsi_ns_type_names[ns->type], ns->inum);
		finding(c, &ns_leak, obj, "alive (refs=%s) and reached only via %s",
			nsi_val(ns->rec, "refs"), nsi_val(ns->rec, "via"));
	}
}

static void check_mounts(struct checker *c, const struct nsi_model *m)
{
	char obj[64];
	size_t i;

	for (i = 0; i < m->nr_mounts; i++) {
		const struct nsi_mount *mnt = &m->mounts[i];
		const char *where = mnt->doomed ? "doomed" : nsi_mnt_where_names[mnt->where];

		if (mnt->writers == NSI_NA || !mnt->writers)
			continue;
		snprintf(obj, sizeof(obj), "mount %lld", mnt->id);
		if (mnt->writers < 0)
			finding(c, &negative_writers, obj, "writers=%lld on %s", mnt->writers,
				nsi_val(mnt->rec, "mountpoint"));
		if (mnt->doomed || mnt->where == NSI_MNT_DETACHED || mnt->where == NSI_MNT_INTERNAL)
			finding(c, &writers_dead_mount, obj, "writers=%lld on a %s mount of %s",
				mnt->writers, where, nsi_val(mnt->rec, "fstype"));
	}
}

static enum nsi_exit run_check(const struct nsi_ctx *ctx, struct nsi_model *m,
			       struct nsi_error *err)
{
	struct checker c = { .findings = 0 };
	enum nsi_exit st;

	st = nsi_out_init(&c.out, ctx, columns, ARRAY_SIZE(columns),
			  "RULE,OBJECT,PROBLEM,WHY", "findings", err);
	if (st != NSI_EXIT_OK)
		return st;
	check_nsproxies(&c, m);
	check_namespaces(&c, m);
	check_mounts(&c, m);
	/* Like a linter: silence means clean, but JSON always has its array. */
	if (c.findings || ctx->json)
		nsi_out_print(&c.out);
	else
		scols_unref_table(c.out.tb);
	return c.findings ? NSI_EXIT_FINDINGS : NSI_EXIT_OK;
}

const struct nsi_cmd nsi_cmd_check = {
	.name = "check",
	.opts = NSI_OPTS_TABLE,
	.load = NSI_LOAD_MODEL,
	.run = run_check,
	.summary = "report anomalies; exit status 1 if there is any",
	.details =
	"Rules:\n"
	"  nsproxy-count       an nsproxy's count differs from the tasks pointing at it\n"
	"  ns-leak             a namespace no task, nsproxy, nsfs file, bind mount or\n"
	"                      child or owned namespace holds (a net namespace reached\n"
	"                      only through the netlist is one); the initial\n"
	"                      namespaces and those of pids 1 and 2 never are,\n"
	"                      nor one with refs=0, being torn down, nor one\n"
	"                      whose references the kernel does not count (refs=-)\n"
	"  negative-writers    a mount's write count is below zero\n"
	"  writers-dead-mount  writers is not 0 on a detached, internal or doomed mount\n"
	"Prints nothing and exits 0 when every rule passes.\n",
	.cols = columns,
	.nr_cols = ARRAY_SIZE(columns),
};
