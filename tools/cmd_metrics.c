// SPDX-License-Identifier: GPL-2.0
/*
 * metrics: counts from the model in the Prometheus text exposition
 * format, for node_exporter's textfile collector. Every series is a
 * gauge (a snapshot's counts go down as well as up), and their labels
 * take a bounded set of values: no pid or path, and an inum only in
 * nsinspect_namespace_unexplained_references, for at most METRICS_TOP
 * namespaces, so that a leak can be found from the dashboard.
 *
 * What check and list compute is theirs: the findings per rule come from
 * nsi_check_count(), the unexplained references from nsi_ns_unexplained().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cmd_check.h"
#include "model.h"
#include "xalloc.h"

/* Namespaces with the most unexplained references that are named by inum. */
#define METRICS_TOP	5

#define PREFIX	"nsinspect_"

enum ns_state { STATE_LIVE, STATE_HELD, STATE_DYING, NR_STATES };

static const char *const state_names[] = {
	[STATE_LIVE] = "live", [STATE_HELD] = "held", [STATE_DYING] = "dying",
};

static_assert(ARRAY_SIZE(state_names) == NR_STATES, "a name for every state");

/* HELP and TYPE of the family @name: every family here is a gauge. */
static void family(FILE *fp, const char *name, const char *help)
{
	fprintf(fp, "# HELP " PREFIX "%s %s\n# TYPE " PREFIX "%s gauge\n", name, help, name);
}

/* @v as a label value: backslash, double quote and newline escaped. */
static void label_value(FILE *fp, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(fp, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", fp);
		else
			fputc(*v, fp);
	}
}

/* PREFIX@name{@key="@value"} @n; @key NULL: no label. */
static void sample(FILE *fp, const char *name, const char *key, const char *value, long long n)
{
	fprintf(fp, PREFIX "%s", name);
	if (key) {
		fprintf(fp, "{%s=\"", key);
		label_value(fp, value);
		fputs("\"}", fp);
	}
	fprintf(fp, " %lld\n", n);
}

/* @n units of 10^-@digits s, exactly, as seconds. */
static void seconds(FILE *fp, long long n, int digits)
{
	long long div = 1;
	int i;

	for (i = 0; i < digits; i++)
		div *= 10;
	fprintf(fp, " %lld.%0*lld\n", n / div, digits, n % div);
}

/* Where the numbers come from. */
static const char *source_name(const struct nsi_model *m)
{
	return m->proc ? "proc" : m->live ? "module" : "snapshot";
}

static void print_info(FILE *fp, const struct nsi_model *m)
{
	struct utsname u;
	const char *kernel = m->ver.kernel;
	size_t i;

	/* /proc mode has no version file: the running kernel's own release. */
	if (!kernel)
		kernel = uname(&u) ? NSI_UNKNOWN : u.release;
	family(fp, "info",
	       "Kernel release, nsinspect-tool version and where the numbers come from: module (the live module's files), snapshot (--from DIR) or proc (no module: /proc); always 1.");
	fputs(PREFIX "info{kernel=\"", fp);
	label_value(fp, kernel);
	fprintf(fp, "\",version=\"%s\",source=\"%s\"} 1\n", NSI_VERSION, source_name(m));

	family(fp, "module_loaded",
	       "1 if the numbers are the nsinspect module's, 0 if read from /proc without it (the series that need the module are then absent).");
	sample(fp, "module_loaded", NULL, NULL, !m->proc);
	if (m->proc)
		return;

	family(fp, "module_info", "The nsinspect module's version and output format; always 1.");
	fputs(PREFIX "module_info{version=\"", fp);
	label_value(fp, m->ver.module);
	fprintf(fp, "\",format=\"%lu\"} 1\n", m->ver.format);

	family(fp, "module_feature_available",
	       "1 if the module's feature works on this kernel, else 0 (nsinspect-tool version says why).");
	for (i = 0; i < m->ver.nr_features; i++)
		sample(fp, "module_feature_available", "feature", m->ver.features[i].name,
		       m->ver.features[i].available);
}

/* dying: being torn down; held: no task uses it, yet references keep it alive. */
static enum ns_state ns_state(const struct nsi_ns *ns)
{
	if (ns->via & NSI_VIA(NSI_VIA_DYING))
		return STATE_DYING;
	/* Unknown is not evidence of anything: counted as live. */
	if (ns->tasks == NSI_NA || ns->tasks > 0)
		return STATE_LIVE;
	return STATE_HELD;
}

static void print_namespaces(FILE *fp, const struct nsi_model *m)
{
	long long count[NSI_NR_NS_TYPES][NR_STATES] = { { 0 } };
	size_t i;
	int t, s;

	for (i = 0; i < m->nr_ns; i++)
		count[m->ns[i].type][ns_state(&m->ns[i])]++;
	family(fp, "namespaces",
	       "Namespaces by type and state: live (some task uses it), held (no task does: open files, bind mounts, sockets, child namespaces or leaked references keep it alive), dying (no references left, being torn down).");
	for (t = 0; t < NSI_NR_NS_TYPES; t++)
		for (s = 0; s < NR_STATES; s++)
			fprintf(fp, PREFIX "namespaces{type=\"%s\",state=\"%s\"} %lld\n",
				nsi_ns_type_names[t], state_names[s], count[t][s]);
}

/* Most unexplained references first, then by inum: the same order every run. */
static int cmp_unexplained(const void *a, const void *b)
{
	const struct nsi_ns *x = *(const struct nsi_ns *const *)a;
	const struct nsi_ns *y = *(const struct nsi_ns *const *)b;
	long long ux = nsi_ns_unexplained(x), uy = nsi_ns_unexplained(y);

	if (ux != uy)
		return ux > uy ? -1 : 1;
	return (x->inum > y->inum) - (x->inum < y->inum);
}

/*
 * Below zero, more holders were seen than references (the system changed
 * during the snapshot): that is no reference unexplained, so counted as 0.
 */
static void print_unexplained(FILE *fp, const struct nsi_model *m)
{
	long long by_type[NSI_NR_NS_TYPES] = { 0 }, total = 0;
	const struct nsi_ns **top = xcalloc(m->nr_ns + 1, sizeof(*top));
	size_t i, nr_top = 0;
	int t;

	for (i = 0; i < m->nr_ns; i++) {
		long long u = nsi_ns_unexplained(&m->ns[i]);

		if (u == NSI_NA || u <= 0)
			continue;
		by_type[m->ns[i].type] += u;
		total += u;
		top[nr_top++] = &m->ns[i];
	}
	family(fp, "unexplained_references",
	       "References to namespaces that nothing nsinspect sees explains (UNEXPLAINED of list), summed over every namespace the kernel counts.");
	sample(fp, "unexplained_references", NULL, NULL, total);
	family(fp, "unexplained_references_by_type",
	       "nsinspect_unexplained_references by namespace type.");
	for (t = 0; t < NSI_NR_NS_TYPES; t++)
		sample(fp, "unexplained_references_by_type", "type", nsi_ns_type_names[t],
		       by_type[t]);

	qsort(top, nr_top, sizeof(*top), cmp_unexplained);
	family(fp, "namespace_unexplained_references",
	       "The namespaces with the most unexplained references, at most 5, by inode number: absent on a host with none.");
	for (i = 0; i < nr_top && i < METRICS_TOP; i++)
		fprintf(fp,
			PREFIX "namespace_unexplained_references{type=\"%s\",inum=\"%llu\"} %lld\n",
			nsi_ns_type_names[top[i]->type], top[i]->inum, nsi_ns_unexplained(top[i]));
	free(top);
}

static enum nsi_exit print_findings(FILE *fp, const struct nsi_model *m, struct nsi_error *err)
{
	size_t counts[NSI_NR_RULES];
	enum nsi_exit st;
	int r;

	st = nsi_check_count(m, counts, err);
	if (st != NSI_EXIT_OK)
		return st;
	family(fp, "check_findings",
	       "Findings of nsinspect-tool check, by rule (ns-leak, negative-writers, writers-dead-mount, netdev-waiting, nsproxy-count).");
	for (r = 0; r < NSI_NR_RULES; r++)
		sample(fp, "check_findings", "rule", nsi_check_rule_name(r), (long long)counts[r]);
	return NSI_EXIT_OK;
}

/* Devices unregistered and waiting for their last references (the netdevs file). */
static void print_netdevs(FILE *fp, const struct nsi_model *m)
{
	const struct nsi_file *f = &m->files[NSI_F_NETDEVS];
	long long dying = 0, live = 0, longest = 0, waited;
	size_t i;

	for (i = 0; i < f->nr_records; i++) {
		const struct nsi_record *r = &f->records[i];
		const char *state = nsi_record_get(r, "net_state");
		const char *v = nsi_record_get(r, "waited_ms");
		const char *stale = nsi_record_get(r, "stale");

		/* A stale record may be a device freed while its polls were missed. */
		if (!state || (stale && strcmp(stale, "0")))
			continue;
		if (!strcmp(state, "dying"))
			dying++;
		else
			live++;
		if (v && nsi_parse_ll(v, &waited) && waited > longest)
			longest = waited;
	}
	family(fp, "netdevs_waiting",
	       "Network devices unregistered and waiting for references, by their net namespace's state: dying (the namespace's teardown waits too) or live (the device alone was deleted).");
	sample(fp, "netdevs_waiting", "net_state", "dying", dying);
	sample(fp, "netdevs_waiting", "net_state", "live", live);
	family(fp, "netdev_longest_wait_seconds",
	       "How long the device waiting longest has waited, since nsinspect first saw it; 0 if none.");
	fputs(PREFIX "netdev_longest_wait_seconds", fp);
	seconds(fp, longest, 3);
}

static void print_mounts(FILE *fp, const struct nsi_model *m)
{
	long long count[NSI_NR_MNT_WHERE] = { 0 };
	size_t i;
	int w;

	for (i = 0; i < m->nr_mounts; i++)
		count[m->mounts[i].where]++;
	family(fp, "mounts",
	       "Mounts by place: mntns (in a mount namespace), or outside any: internal (kernel-internal), detached (unmounted and still referenced), anon (open_tree or fsmount), none.");
	for (w = 0; w < NSI_NR_MNT_WHERE; w++)
		sample(fp, "mounts", "place", nsi_mnt_where_names[w], count[w]);
}

/* The "# snapshot ..." header of @f, parsed into @rec; false if it has none. */
static bool snapshot_header(const struct nsi_file *f, struct nsi_record *rec)
{
	static const char tag[] = "# snapshot ";
	struct nsi_parse_error perr;
	size_t i;

	for (i = 0; i < f->nr_comments; i++)
		if (!strncmp(f->comments[i], tag, sizeof(tag) - 1))
			return !nsi_record_parse(f->comments[i] + sizeof(tag) - 1, 0, rec, &perr);
	return false;
}

/*
 * The header value @key of each file that has it, in microseconds, as
 * seconds; with the value of @at_key, if not NULL, as the label section.
 */
static void print_headers(FILE *fp, const struct nsi_model *m, const char *name,
			  const char *help, const char *key, const char *at_key)
{
	bool first = true;
	int f;

	for (f = 0; f < NSI_NR_FILES; f++) {
		struct nsi_record rec = { 0 };
		const char *v, *at;
		long long us;

		if (!snapshot_header(&m->files[f], &rec))
			continue;
		v = nsi_record_get(&rec, key);
		if (v && nsi_parse_ll(v, &us) && us >= 0) {
			if (first)
				family(fp, name, help);
			first = false;
			fprintf(fp, PREFIX "%s{file=\"%s\"", name, nsi_file_names[f]);
			at = at_key ? nsi_record_get(&rec, at_key) : NULL;
			if (at) {
				fputs(",section=\"", fp);
				label_value(fp, at);
				fputc('"', fp);
			}
			fputc('}', fp);
			seconds(fp, us, 6);
		}
		nsi_record_free(&rec);
	}
}

/* The version file's "stat=max_hold_ns value=NS": the longest hold since load. */
static void print_max_hold(FILE *fp, const struct nsi_model *m)
{
	const struct nsi_file *f = &m->ver.file;
	long long ns;
	size_t i;

	for (i = 0; i < f->nr_records; i++) {
		const char *stat = nsi_record_get(&f->records[i], "stat");
		const char *v = nsi_record_get(&f->records[i], "value");

		if (!stat || strcmp(stat, "max_hold_ns") || !v || !nsi_parse_ll(v, &ns) || ns < 0)
			continue;
		family(fp, "module_max_hold_seconds",
		       "The longest any snapshot or mounts walk held a spinlock or RCU read section since the module was loaded.");
		fputs(PREFIX "module_max_hold_seconds", fp);
		seconds(fp, ns, 9);
		return;
	}
}

static enum nsi_exit print_metrics(FILE *fp, const struct nsi_model *m, struct nsi_error *err)
{
	enum nsi_exit st = NSI_EXIT_OK;

	print_info(fp, m);
	print_namespaces(fp, m);
	/* /proc gives neither reference counts nor what lies outside the namespaces. */
	if (!m->proc) {
		print_unexplained(fp, m);
		st = print_findings(fp, m, err);
		if (m->netdevs_ok)
			print_netdevs(fp, m);
		if (m->mounts_ok)
			print_mounts(fp, m);
		print_headers(fp, m, "snapshot_duration_seconds",
			      "How long the module took to take the snapshot of each file read.",
			      "took_us", NULL);
		print_headers(fp, m, "snapshot_max_hold_seconds",
			      "The longest the snapshot of each file read held a spinlock or RCU read section, and which (section).",
			      "max_hold_us", "max_hold_at");
		print_max_hold(fp, m);
	}
	return st;
}

/*
 * @path replaced at once: written as a hidden temporary file in its
 * directory (the textfile collector reads only *.prom), then renamed
 * over it, so that a scrape sees the old file or the new one, whole.
 */
static enum nsi_exit write_textfile(const char *path, const struct nsi_model *m,
				    struct nsi_error *err)
{
	const char *base = strrchr(path, '/');
	int dirlen = base ? (int)(base - path + 1) : 0;
	enum nsi_exit st;
	char *tmp;
	FILE *fp;
	int fd;

	base = base ? base + 1 : path;
	if (!*base)
		return nsi_fail(err, NSI_EXIT_USAGE, "metrics: --textfile: '%s' names no file",
				path);
	if (asprintf(&tmp, "%.*s.%s.XXXXXX", dirlen, path, base) < 0)
		nsi_oom();
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		st = nsi_io_error(err, tmp, errno);
		free(tmp);
		return st;
	}
	/* mkostemp() makes it 0600: node_exporter runs as a user of its own. */
	fp = fchmod(fd, 0644) ? NULL : fdopen(fd, "w");
	if (!fp) {
		st = nsi_io_error(err, tmp, errno);
		close(fd);
	} else {
		st = print_metrics(fp, m, err);
		/* '|': the file is closed whatever ferror() says. */
		if (ferror(fp) | fclose(fp)) {
			if (st == NSI_EXIT_OK)
				st = nsi_io_error(err, tmp, errno ? errno : EIO);
		} else if (st == NSI_EXIT_OK && rename(tmp, path)) {
			st = nsi_io_error(err, path, errno);
		}
	}
	if (st != NSI_EXIT_OK)
		unlink(tmp);
	free(tmp);
	return st;
}

static enum nsi_exit run_metrics(const struct nsi_ctx *ctx, struct nsi_model *m,
				 struct nsi_error *err)
{
	enum nsi_exit st;

	if (ctx->textfile)
		return write_textfile(ctx->textfile, m, err);
	st = print_metrics(stdout, m, err);
	if (fflush(stdout) && st == NSI_EXIT_OK)
		st = nsi_io_error(err, "stdout", errno);
	return st;
}

const struct nsi_cmd nsi_cmd_metrics = {
	.name = "metrics",
	.opts = NSI_OPT_TEXTFILE,
	/* Run every minute: nsinspect_module_loaded 0 says it, not a line in the journal. */
	.load = NSI_LOAD_MODEL_PROC_SILENT,
	.run = run_metrics,
	.summary = "counts for Prometheus (node_exporter's textfile collector)",
	.details =
	"Prints the Prometheus text exposition format: namespaces by type and\n"
	"state, unexplained references, check's findings by rule, waiting network\n"
	"devices, mounts by place, snapshot times, the module's version and\n"
	"features, and nsinspect_info with the kernel release. Labels take a\n"
	"bounded set of values: no pid or path, and an inode number only in\n"
	"nsinspect_namespace_unexplained_references, for at most 5 namespaces.\n"
	"When a mount shows a negative writers count, the live mounts file is\n"
	"sampled as check samples it (5 times, 100 ms apart).\n"
	"\n"
	"Without the module, from /proc: nsinspect_module_loaded is 0 and only\n"
	"the namespaces by type and state are given (all live or held).\n"
	"\n"
	"--textfile PATH writes PATH instead of standard output, atomically: a\n"
	"temporary file in the same directory (named .NAME.XXXXXX), renamed over\n"
	"PATH when complete. The systemd timer nsinspect-metrics.timer runs\n"
	"metrics --textfile /var/lib/prometheus/node-exporter/nsinspect.prom\n"
	"once a minute.\n",
};
