// SPDX-License-Identifier: GPL-2.0
/*
 * check: anomaly rules over the model. Each finding names its rule, the
 * object and why it matters; the exit status is 1 if there is any, so
 * the command can gate a test run.
 *
 * A negative writers count is a finding only if it persists: on the live
 * module the mounts file is read again (nsi_samples) and the same mount
 * must show it in every sample.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd_check.h"
#include "container.h"
#include "output.h"
#include "strbuf.h"
#include "xalloc.h"

enum {
	COL_RULE, COL_OBJECT, COL_PROBLEM, COL_WHY, COL_SAMPLES, COL_SEEN, COL_DURATION,
	COL_CONTAINER,
	NR_COLS
};

static const struct nsi_colinfo columns[] = {
	[COL_RULE] = { "RULE", 10, 0, "name of the rule" },
	[COL_OBJECT] = { "OBJECT", 12, 0, "what it is about" },
	[COL_PROBLEM] = { "PROBLEM", 0.4, NSI_COL_WRAP, "what is wrong" },
	[COL_WHY] = { "WHY", 0.4, NSI_COL_WRAP, "why it matters" },
	[COL_SAMPLES] = { "SAMPLES", 3, NSI_COL_RIGHT | NSI_COL_NUMBER,
			  "samples the finding rests on" },
	[COL_SEEN] = { "SEEN", 3, NSI_COL_RIGHT | NSI_COL_NUMBER, "samples that showed it" },
	[COL_DURATION] = { "DURATION", 5, NSI_COL_RIGHT | NSI_COL_NUMBER,
			   "seconds from the first sample to the last" },
	[COL_CONTAINER] = { "CONTAINER", 20, NSI_COL_WRAP,
			    "containers of the pids it names, from their cgroups (RUNTIME:ID)" },
};

static_assert(ARRAY_SIZE(columns) == NR_COLS, "a column for every id");

/* JSON has the sampling fields and containers too: a script should not parse PROBLEM. */
static const char *const defaults[] = {
	"RULE,OBJECT,PROBLEM,WHY", "RULE,OBJECT,PROBLEM,WHY,SAMPLES,SEEN,DURATION,CONTAINER",
};

static unsigned int check_files(const struct nsi_ctx *ctx)
{
	return NSI_FILES_MODULE | nsi_files_container(ctx, columns, NR_COLS, defaults[ctx->json],
						      COL_CONTAINER);
}

/* Add the container of task @pid to @sb, once. */
static void add_container(struct nsi_strbuf *sb, const struct nsi_model *m, long long pid,
			  bool full)
{
	const struct nsi_task *t = nsi_model_task(m, pid);
	char name[NSI_CONTAINER_MAX];
	size_t len;
	const char *p;

	if (!t || !nsi_container_name(t->cgroup, full, name, sizeof(name)))
		return;
	len = strlen(name);
	for (p = sb->s; p && *p; p += strcspn(p, ","), p += *p == ',')
		if (strcspn(p, ",") == len && !strncmp(p, name, len))
			return;
	nsi_strbuf_addf(sb, ",", "%s", name);
}

/* The CONTAINER cell of finding @ln, which names the pids that built @sb. */
static void container_cell(struct nsi_out *out, struct libscols_line *ln, struct nsi_strbuf *sb)
{
	char *list = nsi_strbuf_take(sb);

	if (ln && *list)
		nsi_out_cell(out, ln, COL_CONTAINER, list);
	free(list);
}

struct rule {
	enum nsi_check_rule id;
	const char *name;
	const char *why;
};

static const struct rule nsproxy_count = {
	NSI_RULE_NSPROXY_COUNT, "nsproxy-count",
	"every task holds one reference on its nsproxy: more is a leak that pins its namespaces, fewer a use-after-free in waiting",
};

static const struct rule ns_leak = {
	NSI_RULE_NS_LEAK, "ns-leak",
	"no task, nsproxy, nsfs file, bind mount or child namespace holds it, so a leaked reference keeps it, and its owner, alive",
};

static const struct rule negative_writers = {
	NSI_RULE_NEGATIVE_WRITERS, "negative-writers",
	"an unbalanced mnt_drop_write(): the count no longer blocks a read-only remount or freeze while writes are in flight",
};

static const struct rule writers_dead_mount = {
	NSI_RULE_WRITERS_DEAD_MOUNT, "writers-dead-mount",
	"no new writer can reach a mount that is detached, internal or being unmounted, so the count is a leaked mnt_want_write() that blocks read-only remount and freeze of its filesystem",
};

static const struct rule netdev_waiting = {
	NSI_RULE_NETDEV_WAITING, "netdev-waiting",
	"a dev_hold() without its dev_put(): the device's teardown waits for it forever (\"waiting for lo to become free\"), and a dying net namespace's teardown blocks every later one, which the kernel runs one at a time",
};

static const struct rule *const rules[] = {
	&nsproxy_count, &ns_leak, &negative_writers, &writers_dead_mount, &netdev_waiting,
};

static_assert(ARRAY_SIZE(rules) == NSI_NR_RULES, "a rule for every id");

const char *nsi_check_rule_name(enum nsi_check_rule rule)
{
	return rules[rule]->name;
}

/* out.tb is NULL when only counting (nsi_check_count()). */
struct checker {
	struct nsi_out out;
	size_t findings;
	size_t by_rule[NSI_NR_RULES];
	size_t transient;	/* negative writers counts that did not persist */
	unsigned int samples;	/* of the mounts file */
};

/*
 * Returns the finding's line, or NULL when only counting: it rests on one
 * sample unless its rule says otherwise.
 */
static __printf(4, 5) struct libscols_line *finding(struct checker *c, const struct rule *rule,
						    const char *object, const char *fmt, ...)
{
	struct libscols_line *ln;
	char *problem;
	va_list ap;
	int r;

	c->findings++;
	c->by_rule[rule->id]++;
	if (!c->out.tb)
		return NULL;
	ln = nsi_out_line(&c->out, NULL);
	va_start(ap, fmt);
	r = vasprintf(&problem, fmt, ap);
	va_end(ap);
	if (r < 0)
		nsi_oom();
	nsi_out_cell(&c->out, ln, COL_RULE, rule->name);
	nsi_out_cell(&c->out, ln, COL_OBJECT, object);
	nsi_out_cell(&c->out, ln, COL_PROBLEM, problem);
	nsi_out_cell(&c->out, ln, COL_WHY, rule->why);
	nsi_out_cell(&c->out, ln, COL_SAMPLES, "1");
	nsi_out_cell(&c->out, ln, COL_SEEN, "1");
	nsi_out_cell(&c->out, ln, COL_DURATION, "0");
	free(problem);
	return ln;
}

static void check_nsproxies(struct checker *c, const struct nsi_model *m)
{
	struct libscols_line *ln;
	char obj[64];
	size_t i, t;

	for (i = 0; i < m->nr_nsproxies; i++) {
		const struct nsi_nsproxy *p = &m->nsproxies[i];
		long long tasks = p->tasks != NSI_NA ? p->tasks : (long long)p->nr_members;
		struct nsi_strbuf sb = { NULL, 0, 0 };

		if (p->count == NSI_NA || p->count == tasks)
			continue;
		snprintf(obj, sizeof(obj), "nsproxy %s", p->id);
		ln = finding(c, &nsproxy_count, obj, "count=%lld but %lld task%s point at it",
			     p->count, tasks, tasks == 1 ? "" : "s");
		for (t = 0; ln && t < p->nr_members; t++)
			add_container(&sb, m, p->members[t]->pid, c->out.json);
		container_cell(&c->out, ln, &sb);
	}
}

static bool zero(long long v)
{
	return v == NSI_NA || v == 0;
}

/* "; held by socket of pid 12 (comm) fd 3, ...": the open files holding @ns. */
static void held_by(const struct nsi_model *m, const struct nsi_ns *ns, char *buf, size_t size)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < m->nr_holders && len < size; i++) {
		const struct nsi_holder *h = &m->holders[i];
		int n;

		if (h->ns != ns->inum)
			continue;
		n = snprintf(buf + len, size - len, "%s%s of pid %lld (%s) fd %lld",
			     len ? ", " : "; held by ",
			     h->kind == NSI_H_SOCKET ? "a socket" : "an fd",
			     h->pid, h->comm, h->fd);
		if (n < 0)
			break;
		len += (size_t)n;
	}
}

static void check_namespaces(struct checker *c, const struct nsi_model *m)
{
	struct libscols_line *ln;
	char obj[64], who[512];
	size_t i, h;

	for (i = 0; i < m->nr_ns; i++) {
		const struct nsi_ns *ns = &m->ns[i];
		struct nsi_strbuf sb = { NULL, 0, 0 };

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
		held_by(m, ns, who, sizeof(who));
		ln = finding(c, &ns_leak, obj, "alive (refs=%s) and reached only via %s%s",
			     nsi_val(ns->rec, "refs"), nsi_val(ns->rec, "via"), who);
		for (h = 0; ln && h < m->nr_holders; h++)
			if (m->holders[h].ns == ns->inum)
				add_container(&sb, m, m->holders[h].pid, c->out.json);
		container_cell(&c->out, ln, &sb);
	}
}

/*
 * How long a device may wait before it is a finding: the kernel's own
 * warning timeout (net.core.netdev_unregister_timeout_secs), read on the
 * live machine, else its default; shorter waits are ordinary deletions.
 */
static long long netdev_wait_limit_ms(const struct nsi_model *m)
{
	long long secs = 10;
	FILE *fp;

	if (!m->live)
		return secs * 1000;
	fp = fopen("/proc/sys/net/core/netdev_unregister_timeout_secs", "re");
	if (fp) {
		if (fscanf(fp, "%lld", &secs) != 1 || secs < 0)
			secs = 10;
		fclose(fp);
	}
	return secs * 1000;
}

/* Devices unregistered and waiting for references, as the netdevs file lists them. */
static void check_netdevs(struct checker *c, const struct nsi_model *m)
{
	const struct nsi_file *f = &m->files[NSI_F_NETDEVS];
	long long limit = netdev_wait_limit_ms(m);
	char obj[64];
	size_t i;

	for (i = 0; m->netdevs_ok && i < f->nr_records; i++) {
		const struct nsi_record *r = &f->records[i];
		const char *net_state = nsi_record_get(r, "net_state");
		const char *v = nsi_record_get(r, "refs");
		const char *stale = nsi_record_get(r, "stale");
		long long refs, waited = 0;
		bool dying;

		/* A device is freed when its count reads exactly 1, its own. */
		if (!net_state || !v || !nsi_parse_ll(v, &refs) || refs == 1 ||
		    (stale && strcmp(stale, "0")))
			continue;
		v = nsi_record_get(r, "waited_ms");
		if (!v || !nsi_parse_ll(v, &waited) || waited < limit)
			continue;
		dying = !strcmp(net_state, "dying");
		snprintf(obj, sizeof(obj), "netdev %s", nsi_val(r, "name"));
		if (refs < 1) {
			finding(c, &netdev_waiting, obj,
				"net:[%s]%s: %s (ifindex %s) counts %lld references, seen for %lld s: one dev_put() too many",
				nsi_val(r, "net"), dying ? " dying" : "", nsi_val(r, "name"),
				nsi_val(r, "ifindex"), refs, waited / 1000);
			continue;
		}
		finding(c, &netdev_waiting, obj,
			"net:[%s] %s for %lld s: %s (ifindex %s) is waiting for %lld %s",
			nsi_val(r, "net"), dying ? "dying" : "live, its device unregistered",
			waited / 1000, nsi_val(r, "name"), nsi_val(r, "ifindex"), refs - 1,
			refs - 1 == 1 ? "reference" : "references");
	}
}

/* Whether @a and @b are the same mount: same id, in the same place. */
static bool same_mount(const struct nsi_record *a, const struct nsi_record *b)
{
	static const char *const keys[] = { "id", "mntns", "dev", "root" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (strcmp(nsi_val(a, keys[i]), nsi_val(b, keys[i])))
			return false;
	return true;
}

/* In how many of the @nr samples @mnt has a negative writers count. */
static unsigned int negative_in(const struct nsi_mount *mnt, const struct nsi_file *samples,
				unsigned int nr)
{
	unsigned int seen = 1, i;
	const char *v;
	long long w;
	size_t r;

	for (i = 1; i < nr; i++)
		for (r = 0; r < samples[i].nr_records; r++) {
			if (!same_mount(mnt->rec, &samples[i].records[r]))
				continue;
			v = nsi_record_get(&samples[i].records[r], "writers");
			if (v && nsi_parse_ll(v, &w) && w < 0)
				seen++;
			break;
		}
	return seen;
}

static void check_negative(struct checker *c, const struct nsi_mount *mnt, const char *obj,
			   const struct nsi_file *samples, unsigned int nr, double seconds)
{
	char where[PATH_MAX + 64];
	unsigned int seen = negative_in(mnt, samples, nr);
	struct libscols_line *ln;

	if (seen < nr) {
		c->transient++;
		return;
	}
	/* An overlay's layer clone: which overlay, as the 6.6.72 warning needs. */
	if (mnt->layer_of != NSI_NA)
		snprintf(where, sizeof(where), "%s (the %s layer of overlay mount %lld)",
			 nsi_val(mnt->rec, "mountpoint"), mnt->layer, mnt->layer_of);
	else
		snprintf(where, sizeof(where), "%s", nsi_val(mnt->rec, "mountpoint"));
	if (nr == 1) {
		finding(c, &negative_writers, obj,
			"writers=%lld on %s in a single sample, which may be transient",
			mnt->writers, where);
		return;
	}
	ln = finding(c, &negative_writers, obj,
		     "writers=%lld on %s in %u of %u samples over %.1f s",
		     mnt->writers, where, seen, nr, seconds);
	if (!ln)
		return;
	nsi_out_cellf(&c->out, ln, COL_SAMPLES, "%u", nr);
	nsi_out_cellf(&c->out, ln, COL_SEEN, "%u", seen);
	nsi_out_cellf(&c->out, ln, COL_DURATION, "%.3f", seconds);
}

static enum nsi_exit check_mounts(struct checker *c, const struct nsi_model *m,
				  const struct nsi_samples *s, struct nsi_error *err)
{
	enum nsi_exit st = NSI_EXIT_OK;
	struct nsi_file *samples;
	unsigned int nr = 1;
	double seconds = 0;
	bool negative = false;
	char obj[64];
	size_t i;

	for (i = 0; i < m->nr_mounts; i++)
		negative |= m->mounts[i].writers != NSI_NA && m->mounts[i].writers < 0;
	/* Sample again only for a mount that could be a finding. */
	samples = xcalloc(s->count, sizeof(*samples));
	for (; negative && nr < s->count && st == NSI_EXIT_OK; nr++)
		st = s->read(s, nr, &samples[nr], &seconds, err);
	c->samples = nr;

	for (i = 0; i < m->nr_mounts && st == NSI_EXIT_OK; i++) {
		const struct nsi_mount *mnt = &m->mounts[i];
		const char *where = mnt->doomed ? "doomed" : nsi_mnt_where_names[mnt->where];

		if (mnt->writers == NSI_NA || !mnt->writers)
			continue;
		snprintf(obj, sizeof(obj), "mount %lld", mnt->id);
		if (mnt->writers < 0)
			check_negative(c, mnt, obj, samples, nr, seconds);
		if (mnt->doomed || mnt->where == NSI_MNT_DETACHED || mnt->where == NSI_MNT_INTERNAL)
			finding(c, &writers_dead_mount, obj, "writers=%lld on %s %s mount of %s",
				mnt->writers, strchr("aeiou", where[0]) ? "an" : "a", where,
				nsi_val(mnt->rec, "fstype"));
	}
	for (i = 0; i < s->count; i++)
		nsi_file_free(&samples[i]);
	free(samples);
	return st;
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* What a clean run checked: silence would not tell it from checking nothing. */
static void print_clean(const struct checker *c, const struct nsi_model *m)
{
	printf("checked %zu %s", m->nr_ns, plural(m->nr_ns, "namespace", "namespaces"));
	if (m->mounts_ok)
		printf(", %zu %s and %zu %s", m->nr_nsproxies,
		       plural(m->nr_nsproxies, "nsproxy", "nsproxies"), m->nr_mounts,
		       plural(m->nr_mounts, "mount", "mounts"));
	else
		printf(" and %zu %s (mounts unavailable: %s)", m->nr_nsproxies,
		       plural(m->nr_nsproxies, "nsproxy", "nsproxies"), m->mounts_reason);
	printf(": no anomalies");
	if (c->transient)
		printf(" (%zu negative writers %s did not persist over %u samples)", c->transient,
		       plural(c->transient, "count", "counts"), c->samples);
	putchar('\n');
}

static enum nsi_exit apply_rules(struct checker *c, const struct nsi_model *m,
				 const struct nsi_samples *s, struct nsi_error *err)
{
	check_nsproxies(c, m);
	check_namespaces(c, m);
	check_netdevs(c, m);
	return check_mounts(c, m, s, err);
}

enum nsi_exit nsi_check_run(const struct nsi_ctx *ctx, const struct nsi_model *m,
			    const struct nsi_samples *s, struct nsi_error *err)
{
	struct checker c = { .findings = 0 };
	enum nsi_exit st;

	st = nsi_out_init(&c.out, ctx, columns, ARRAY_SIZE(columns), defaults[ctx->json],
			  "findings", err);
	if (st != NSI_EXIT_OK)
		return st;
	st = apply_rules(&c, m, s, err);
	if (st == NSI_EXIT_OK && !ctx->quiet && (c.findings || ctx->json))
		nsi_out_print(&c.out);
	else
		scols_unref_table(c.out.tb);
	if (st != NSI_EXIT_OK)
		return st;
	/* JSON says it with its empty array; -q leaves it to the exit status. */
	if (!c.findings && !ctx->json && !ctx->quiet)
		print_clean(&c, m);
	return c.findings ? NSI_EXIT_FINDINGS : NSI_EXIT_OK;
}

/* The live mounts file, every interval_ms. */
struct live_samples {
	struct nsi_source src;
	unsigned int interval_ms;
	struct timespec start;
};

static double seconds_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (now.tv_nsec - t0->tv_nsec) / 1e9;
}

static enum nsi_exit read_live(const struct nsi_samples *s, unsigned int i,
			       struct nsi_file *file, double *at, struct nsi_error *err)
{
	const struct live_samples *live = s->data;
	struct timespec wait = { live->interval_ms / 1000,
				 (long)(live->interval_ms % 1000) * 1000000 };
	enum nsi_exit st;

	(void)i;
	while (nanosleep(&wait, &wait) && errno == EINTR)
		;
	st = nsi_source_read(&live->src, "mounts", file, err);
	*at = seconds_since(&live->start);
	return st;
}

/* @s: @samples of the live mounts file (0: the default), or the model's one alone. */
static enum nsi_exit samples_init(const struct nsi_model *m, unsigned int samples,
				  struct live_samples *live, struct nsi_samples *s,
				  struct nsi_error *err)
{
	*s = (struct nsi_samples){ 1, read_live, live };
	if (!m->live || !m->mounts_ok)
		return NSI_EXIT_OK;
	s->count = samples ? samples : NSI_CHECK_SAMPLES;
	clock_gettime(CLOCK_MONOTONIC, &live->start);
	return nsi_source_init(&live->src, NULL, err);
}

static enum nsi_exit run_check(const struct nsi_ctx *ctx, struct nsi_model *m,
			       struct nsi_error *err)
{
	struct live_samples live = { .interval_ms = ctx->interval_ms };
	struct nsi_samples s;
	enum nsi_exit st;

	if (!m->live && ctx->samples > 1)
		return nsi_fail(err, NSI_EXIT_USAGE, "check: %s",
				"--samples needs the live module: --from DIR is one sample");
	st = samples_init(m, ctx->samples, &live, &s, err);
	if (st != NSI_EXIT_OK)
		return st;
	return nsi_check_run(ctx, m, &s, err);
}

enum nsi_exit nsi_check_count(const struct nsi_model *m, size_t counts[NSI_NR_RULES],
			      struct nsi_error *err)
{
	struct live_samples live = { .interval_ms = NSI_CHECK_INTERVAL_MS };
	struct checker c = { .findings = 0 };
	struct nsi_samples s;
	enum nsi_exit st;

	st = samples_init(m, 0, &live, &s, err);
	if (st == NSI_EXIT_OK)
		st = apply_rules(&c, m, &s, err);
	memcpy(counts, c.by_rule, sizeof(c.by_rule));
	return st;
}

const struct nsi_cmd nsi_cmd_check = {
	.name = "check",
	.opts = NSI_OPTS_TABLE | NSI_OPT_QUIET | NSI_OPT_SAMPLES | NSI_OPT_INTERVAL,
	.load = NSI_LOAD_MODEL,
	.files = check_files,
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
	"  negative-writers    a mount's write count is below zero in every sample of\n"
	"                      the mounts file (see below)\n"
	"  writers-dead-mount  writers is not 0 on a detached, internal or doomed mount\n"
	"  netdev-waiting      a network device is unregistered and has waited longer\n"
	"                      than net.core.netdev_unregister_timeout_secs for\n"
	"                      references no one gives back, or counts fewer than its\n"
	"                      own (the netdevs file; its net namespace cannot die)\n"
	"When every rule passes, says what it checked and exits 0; with -q it\n"
	"prints nothing, findings included, and only the exit status tells.\n"
	"\n"
	"writers is a sum of per-CPU counters read while other CPUs may be writing,\n"
	"so -1 can be seen for an instant. When a mount shows a negative count, the\n"
	"live mounts file is read again, --samples times in all (default 5),\n"
	"--interval milliseconds apart (default 100), and the count is a finding\n"
	"only if the same mount (id, namespace, device and root) is negative in\n"
	"every sample. --from DIR is one sample: a negative count there is a\n"
	"finding that says it may be transient. In JSON, SAMPLES, SEEN and DURATION\n"
	"(seconds) say what each finding rests on.\n"
	"\n"
	"CONTAINER (in JSON, or with -o +CONTAINER) lists, comma-separated, the\n"
	"containers of the tasks an nsproxy-count finding's nsproxy has, or of the\n"
	"pids holding an ns-leak finding's namespace open.\n"
	NSI_CONTAINER_HELP,
	.cols = columns,
	.nr_cols = ARRAY_SIZE(columns),
};
