// SPDX-License-Identifier: GPL-2.0
/*
 * trace: arm the module's reference tracer on namespaces, run a command or
 * wait, disarm, and print the ledger: per object, one row per distinct call
 * stack (unbalanced first) with its frames, then a verdict per object.
 */
#include <errno.h>
#include <fcntl.h>
#include <libsmartcols.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "model.h"
#include "record.h"
#include "source.h"
#include "trace_verdict.h"
#include "xalloc.h"

/* One debug register per namespace and device, one or two per mount; x86 has four. */
#define MAX_TARGETS	4
/* After the window's end, before disarming (see settle()). */
#define SETTLE_MS	200
/* At most, then, for dying nets' devices to be freed or to wait (settle_teardown()). */
#define TEARDOWN_MS	3000

struct target {
	const char *type;		/* a namespace type, "mount" or "netdev" */
	unsigned long long inum;	/* a mount's: its id; a device's: its net's */
	bool writers;			/* a mount's writers, not its references */
	const char *dev;		/* a device's name or ifindex, as given */
	long long ifindex;		/* a device's, once resolved */
};

/* The command being traced, to pass SIGTERM and SIGHUP on to. */
static atomic_int traced_pid;	/* lock-free: async-signal-safe */

/*
 * Interrupts clock_nanosleep() (^C ends a --for window), and passes a
 * SIGTERM or SIGHUP on to the command: either way the tool lives on to
 * disarm, which a tool killed outright could not do (SIGKILL leaves the
 * watches armed until "stop" is written to trace_control).
 */
static void on_signal(int sig)
{
	if (traced_pid > 0)
		kill(traced_pid, sig);
}

/* "netdev:NAME@net:INUM": a device, by name or ifindex, of a net namespace. */
static enum nsi_exit parse_netdev(const char *arg, struct target *t)
{
	const char *dev = arg + strlen("netdev:"), *at = strrchr(dev, '@');

	t->type = "netdev";
	if (!at || at == dev || strncmp(at + 1, "net:", 4) ||
	    !nsi_parse_ull(at + 5, &t->inum) || !t->inum || t->inum > 0xffffffffULL)
		return nsi_usage_error("trace: '%s' is not netdev:NAME@net:INUM", arg);
	if ((size_t)(at - dev) >= 16)
		return nsi_usage_error("trace: '%.*s' is longer than a device name",
				       (int)(at - dev), dev);
	t->dev = dev;
	t->ifindex = -1;
	return NSI_EXIT_OK;
}

/* "TYPE:INUM" for any namespace type, "mount:ID", or "netdev:NAME@net:INUM". */
static enum nsi_exit parse_target(const char *arg, bool writers, struct target *t)
{
	const char *colon = strchr(arg, ':');
	char type[16];
	int i;

	if (!colon || (size_t)(colon - arg) >= sizeof(type))
		return nsi_usage_error("trace: '%s' is not TYPE:INUM", arg);
	memcpy(type, arg, colon - arg);
	type[colon - arg] = '\0';
	if (!strcmp(type, "netdev")) {
		if (writers)
			return nsi_usage_error("trace: --writers applies to mounts only, not '%s'",
					       arg);
		return parse_netdev(arg, t);
	}
	if (!strcmp(type, "mount")) {
		t->type = "mount";
		t->writers = writers;
		if (!nsi_parse_ull(colon + 1, &t->inum) || !t->inum || t->inum > 0x7fffffffULL)
			return nsi_usage_error("trace: invalid mount id '%s'", colon + 1);
		return NSI_EXIT_OK;
	}
	if (writers)
		return nsi_usage_error("trace: --writers applies to mounts only, not '%s'", arg);
	i = nsi_ns_type_parse(type);
	if (i < 0)
		return nsi_usage_error("trace: unknown namespace type '%s'", type);
	t->type = nsi_ns_type_names[i];
	if (!nsi_parse_ull(colon + 1, &t->inum) || !t->inum || t->inum > 0xffffffffULL)
		return nsi_usage_error("trace: invalid inode number '%s'", colon + 1);
	return NSI_EXIT_OK;
}

/* The control file's last error, for a message; "" if there is none. */
static void control_error(const struct nsi_source *src, char *out, size_t size)
{
	struct nsi_error ignored;
	struct nsi_file f;
	const char *e;

	out[0] = '\0';
	if (nsi_source_read(src, "trace_control", &f, &ignored) == NSI_EXIT_OK && f.nr_records) {
		e = nsi_record_get(&f.records[0], "error");
		if (e && !nsi_is_none(e))
			snprintf(out, size, "%s", e);
	}
	nsi_file_free(&f);
}

/* Write one line to trace_control; on failure, say why in @err. */
static enum nsi_exit control_line(const struct nsi_source *src, const char *line,
				  struct nsi_error *err)
{
	char path[sizeof(src->dir) + 32], why[200];
	ssize_t n;
	int fd, e;

	snprintf(path, sizeof(path), "%s/trace_control", src->dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		if (e == ENOENT)
			return nsi_fail(err, NSI_EXIT_UNAVAILABLE,
					"%s: missing: this module has no tracer (see the version command)",
					path);
		if (e == EPERM)
			return nsi_fail(err, NSI_EXIT_PERMISSION,
					"%s: %s (kernel lockdown refuses writable debugfs files)",
					path, strerror(e));
		if (e == EACCES)
			return nsi_fail(err, NSI_EXIT_PERMISSION, "%s: %s (run as root)", path,
					strerror(e));
		return nsi_fail(err, NSI_EXIT_UNAVAILABLE, "%s: %s", path, strerror(e));
	}
	n = write(fd, line, strlen(line));
	e = errno;
	close(fd);
	if (n == (ssize_t)strlen(line))
		return NSI_EXIT_OK;
	control_error(src, why, sizeof(why));
	return nsi_fail(err, e == EINVAL ? NSI_EXIT_USAGE : NSI_EXIT_UNAVAILABLE,
			"%.*s: %s%s%s", (int)strcspn(line, "\n"), line, strerror(e),
			why[0] ? ": " : "", why);
}

/* One verb on target @t. */
static enum nsi_exit control(const struct nsi_source *src, const char *verb,
			     const struct target *t, struct nsi_error *err)
{
	bool watch = !strcmp(verb, "watch");
	char line[64];

	if (t->dev && watch)
		snprintf(line, sizeof(line), "watch netdev %llu %lld\n", t->inum, t->ifindex);
	else
		snprintf(line, sizeof(line), "%s %s %llu%s\n", verb, t->type, t->inum,
			 t->writers && watch ? " writers" : "");
	return control_line(src, line, err);
}

/*
 * A device's ifindex, from the netdevs file: the one of that name (or
 * ifindex) listed in the net, or waiting in its teardown.
 */
static enum nsi_exit resolve_netdev(const struct nsi_source *src, struct target *t,
				    struct nsi_error *err)
{
	size_t len = strcspn(t->dev, "@"), i;
	unsigned long long ifindex;
	enum nsi_exit st;
	struct nsi_file f;
	char name[16];

	memcpy(name, t->dev, len);
	name[len] = '\0';
	st = nsi_source_read(src, "netdevs", &f, err);
	if (st != NSI_EXIT_OK)
		return st;
	for (i = 0; i < f.nr_records; i++) {
		const struct nsi_record *r = &f.records[i];
		const char *n = nsi_record_get(r, "name");

		if (!nsi_ledger_is(r, "net", (long long)t->inum) || !n ||
		    (strcmp(n, name) && !(nsi_parse_ull(name, &ifindex) &&
					  nsi_ledger_is(r, "ifindex", (long long)ifindex))))
			continue;
		if (t->ifindex >= 0 && t->ifindex != nsi_ledger_num(r, "ifindex")) {
			nsi_file_free(&f);
			return nsi_fail(err, NSI_EXIT_USAGE,
					"trace: net:%llu has two devices %s (ifindex %lld and %lld): name it by ifindex",
					t->inum, name, t->ifindex, nsi_ledger_num(r, "ifindex"));
		}
		t->ifindex = nsi_ledger_num(r, "ifindex");
	}
	nsi_file_free(&f);
	if (t->ifindex < 0)
		return nsi_fail(err, NSI_EXIT_BADINPUT,
				"trace: no device %s in net:%llu, listed or waiting (see the netdevs file)",
				name, t->inum);
	return NSI_EXIT_OK;
}

/* Run argv to its end; its exit status, or 128+signal. */
static int run_command(char **argv, struct nsi_error *err)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, pass = { .sa_handler = on_signal };
	struct sigaction oldint, oldquit, oldterm, oldhup;
	int status;
	pid_t pid;

	/* As time(1) does: ^C goes to the command, and we print what it did. */
	sigaction(SIGINT, &ign, &oldint);
	sigaction(SIGQUIT, &ign, &oldquit);
	sigaction(SIGTERM, &pass, &oldterm);
	sigaction(SIGHUP, &pass, &oldhup);
	pid = fork();
	if (pid < 0) {
		nsi_fail(err, NSI_EXIT_UNAVAILABLE, "fork: %s", strerror(errno));
		return -1;
	}
	if (!pid) {
		sigaction(SIGINT, &oldint, NULL);
		sigaction(SIGQUIT, &oldquit, NULL);
		sigaction(SIGTERM, &oldterm, NULL);
		sigaction(SIGHUP, &oldhup, NULL);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: %s: %s\n", PROG, argv[0], strerror(errno));
		_exit(127);
	}
	traced_pid = pid;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	traced_pid = 0;
	sigaction(SIGINT, &oldint, NULL);
	sigaction(SIGQUIT, &oldquit, NULL);
	sigaction(SIGTERM, &oldterm, NULL);
	sigaction(SIGHUP, &oldhup, NULL);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/*
 * Let the kernel finish giving back what the window's work released: creds,
 * struct pids and some sockets drop their references in RCU callbacks, after
 * a grace period. MEMBARRIER_CMD_GLOBAL waits for one (synchronize_rcu());
 * the callbacks then run soon after, hence the short sleep.
 */
static void settle(void)
{
	struct timespec ts = { 0, SETTLE_MS * 1000000L };

	syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
	syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
	nanosleep(&ts, NULL);
}

/*
 * Whether a watched device is about to be freed or to wait: its net's count
 * reached 0 and it does not wait yet, or it waits with its count at 1.
 */
static bool teardown_pending(const struct nsi_file *ledger, const struct nsi_file *netdevs)
{
	size_t i, j, k;

	for (i = 0; i < ledger->nr_records; i++) {
		const struct nsi_record *d = &ledger->records[i];
		long long net = nsi_ledger_num(d, "inum");
		bool net_freed = false, waiting = false;

		if (strcmp(nsi_ledger_kind(d), "object") || !nsi_record_get(d, "ifindex") ||
		    !strcmp(nsi_val(d, "state"), "freed"))
			continue;
		for (j = 0; j < ledger->nr_records; j++) {
			const struct nsi_record *o = &ledger->records[j];

			net_freed |= !strcmp(nsi_ledger_kind(o), "object") &&
				     !strcmp(nsi_val(o, "type"), "net") &&
				     nsi_ledger_is(o, "inum", net) &&
				     !strcmp(nsi_val(o, "state"), "freed");
		}
		for (k = 0; k < netdevs->nr_records; k++)
			waiting |= nsi_trace_dev_waits(&netdevs->records[k], net,
						       nsi_ledger_num(d, "ifindex"));
		/* Waiting, its count at 1: the teardown's next poll frees it. */
		if ((net_freed && !waiting) || (waiting && nsi_ledger_is(d, "last", 1)))
			return true;
	}
	return false;
}

/*
 * A net namespace whose count reached 0 unregisters its devices and frees
 * them, or waits for their references, in a worker (cleanup_net()), which
 * polls a waiting device's count every 250 ms: give it TEARDOWN_MS to free
 * or wait for each device watched, so that the verdict tells a device
 * freed from one its teardown waits for.
 */
static void settle_teardown(const struct nsi_source *src)
{
	struct timespec ts = { 0, 100 * 1000000L };
	struct nsi_file ledger, netdevs;
	int tries;

	for (tries = 0; tries < TEARDOWN_MS / 100; tries++) {
		bool pending = false;

		if (nsi_source_read(src, "trace", &ledger, &(struct nsi_error){ 0 }) != NSI_EXIT_OK)
			return;
		if (nsi_source_read(src, "netdevs", &netdevs, &(struct nsi_error){ 0 }) ==
		    NSI_EXIT_OK) {
			pending = teardown_pending(&ledger, &netdevs);
			nsi_file_free(&netdevs);
		}
		nsi_file_free(&ledger);
		if (!pending)
			return;
		nanosleep(&ts, NULL);
	}
}

/* Wait @seconds, or until SIGINT, SIGTERM or SIGHUP. */
static void wait_for(double seconds)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct timespec end;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += (time_t)seconds;
	end.tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	/* Returns EINTR when a signal came, 0 at the end. */
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &end, NULL);
}

/* The newest ledger object of target @t, or NULL. */
static const struct nsi_record *find_object(const struct nsi_file *f, const struct target *t)
{
	bool mount = !strcmp(t->type, "mount");
	const struct nsi_record *best = NULL;
	size_t i;

	for (i = 0; i < f->nr_records; i++) {
		const struct nsi_record *r = &f->records[i];
		const char *type = nsi_record_get(r, "type");
		const char *counter = nsi_record_get(r, "counter");

		if (strcmp(nsi_ledger_kind(r), "object") || !type || strcmp(type, t->type) ||
		    !nsi_ledger_is(r, mount ? "id" : "inum", (long long)t->inum) ||
		    (t->dev && !nsi_ledger_is(r, "ifindex", t->ifindex)) ||
		    !counter || strcmp(counter, t->writers ? "writers" : "refs"))
			continue;
		if (!best || nsi_ledger_num(r, "object") > nsi_ledger_num(best, "object"))
			best = r;
	}
	return best;
}

enum { COL_WHAT, COL_BALANCE, COL_GETS, COL_PUTS, COL_HITS, COL_FIRST, COL_LAST,
	COL_PID, COL_COMM, COL_HOLDER, COL_VERDICT, NR_COLS };

static void cell(struct libscols_line *ln, int col, const char *text)
{
	if (text && scols_line_set_data(ln, col, text))
		nsi_oom();
}

__printf(3, 4) static void cellf(struct libscols_line *ln, int col, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cell(ln, col, buf);
}

static void seconds(struct libscols_line *ln, int col, const struct nsi_record *r,
		    const char *key)
{
	cellf(ln, col, "%.6f", (double)nsi_ledger_num(r, key) / 1e9);
}

/* "net:4026532290", "mount:412 writers" or "netdev:lo@net:4026532290", for labels. */
static void object_name(const struct nsi_record *o, char *out, size_t size)
{
	const char *id = nsi_record_get(o, "id");
	const char *counter = nsi_record_get(o, "counter");

	if (nsi_record_get(o, "ifindex")) {
		snprintf(out, size, "netdev:%s@net:%s", nsi_val(o, "name"), nsi_val(o, "inum"));
		return;
	}
	snprintf(out, size, "%s:%s%s", nsi_record_get(o, "type"),
		 id ? id : nsi_record_get(o, "inum"),
		 counter && !strcmp(counter, "writers") ? " writers" : "");
}

static void add_object(struct libscols_table *tb, const struct nsi_file *f,
		       const struct nsi_record *o, const struct nsi_trace_facts *facts,
		       const char *why)
{
	char holder[64];
	struct libscols_line *ol = scols_table_new_line(tb, NULL);
	long long id = nsi_ledger_num(o, "object");
	size_t i, j;

	const char *counter = nsi_record_get(o, "counter");
	char name[64];

	if (!ol)
		nsi_oom();
	const char *born = nsi_record_get(o, "born");

	object_name(o, name, sizeof(name));
	cellf(ol, COL_WHAT, "%s (%s%s, %s %s -> %s)", name,
	      born && !strcmp(born, "yes") ? "born, " : "", nsi_record_get(o, "state"),
	      counter ? counter : "refs", nsi_record_get(o, "initial"), nsi_record_get(o, "last"));
	cellf(ol, COL_BALANCE, "%+lld", nsi_ledger_num(o, "balance"));
	cell(ol, COL_GETS, nsi_record_get(o, "gets"));
	cell(ol, COL_PUTS, nsi_record_get(o, "puts"));
	cell(ol, COL_HITS, nsi_record_get(o, "records"));
	cell(ol, COL_VERDICT, why);
	for (i = 0; i < f->nr_records; i++) {
		const struct nsi_record *s = &f->records[i];
		struct libscols_line *sl;

		if (strcmp(nsi_ledger_kind(s), "stack") || !nsi_ledger_is(s, "object", id))
			continue;
		sl = scols_table_new_line(tb, ol);
		if (!sl)
			nsi_oom();
		cellf(sl, COL_WHAT, "stack %s", nsi_record_get(s, "stack"));
		cellf(sl, COL_BALANCE, "%+lld", nsi_ledger_num(s, "balance"));
		cell(sl, COL_GETS, nsi_record_get(s, "gets"));
		cell(sl, COL_PUTS, nsi_record_get(s, "puts"));
		cell(sl, COL_HITS, nsi_record_get(s, "hits"));
		seconds(sl, COL_FIRST, s, "first_ns");
		seconds(sl, COL_LAST, s, "last_ns");
		cell(sl, COL_PID, nsi_record_get(s, "pid"));
		cell(sl, COL_COMM, nsi_record_get(s, "comm"));
		/* The verdict's evidence: what kind of holder its get is, and how many hold it. */
		nsi_trace_stack_holder(f, i, o, facts, holder, sizeof(holder));
		if (holder[0])
			cell(sl, COL_HOLDER, holder);
		for (j = i + 1; j < f->nr_records; j++) {
			const struct nsi_record *fr = &f->records[j];
			struct libscols_line *fl;

			if (strcmp(nsi_ledger_kind(fr), "frame"))
				break;
			fl = scols_table_new_line(tb, sl);
			if (!fl)
				nsi_oom();
			cell(fl, COL_WHAT, nsi_record_get(fr, "at"));
		}
	}
}

static bool print_ledger(const struct nsi_ctx *ctx, const struct nsi_file *f,
			 const struct nsi_record **objs, size_t n,
			 const struct nsi_trace_facts *facts)
{
	static const struct {
		const char *name;
		double whint;
		int flags;
	} cols[NR_COLS] = {
		[COL_WHAT] = { "WHAT", 0.5, SCOLS_FL_TREE },
		[COL_BALANCE] = { "BALANCE", 0, SCOLS_FL_RIGHT },
		[COL_GETS] = { "GETS", 0, SCOLS_FL_RIGHT },
		[COL_PUTS] = { "PUTS", 0, SCOLS_FL_RIGHT },
		[COL_HITS] = { "HITS", 0, SCOLS_FL_RIGHT },
		[COL_FIRST] = { "FIRST", 0, SCOLS_FL_RIGHT },
		[COL_LAST] = { "LAST", 0, SCOLS_FL_RIGHT },
		[COL_PID] = { "PID", 0, SCOLS_FL_RIGHT },
		[COL_COMM] = { "COMM", 0, 0 },
		[COL_HOLDER] = { "HOLDER", 0, 0 },
		[COL_VERDICT] = { "VERDICT", 0, 0 },
	};
	struct libscols_table *tb = scols_new_table();
	char (*why)[1024] = xcalloc(n, sizeof(*why));
	bool finding = false;
	size_t i;
	int c;

	if (!tb)
		nsi_oom();
	scols_table_enable_json(tb, ctx->json);
	scols_table_set_name(tb, "trace");
	scols_table_enable_noheadings(tb, ctx->noheadings);
	for (c = 0; c < NR_COLS; c++) {
		struct libscols_column *cl;

		/* The verdicts follow the table as sentences, except in JSON. */
		if (c == COL_VERDICT && !ctx->json)
			continue;
		cl = scols_table_new_column(tb, cols[c].name, cols[c].whint, cols[c].flags);
		if (!cl)
			nsi_oom();
		if (ctx->json && c != COL_WHAT && c != COL_COMM && c != COL_VERDICT &&
		    c != COL_HOLDER &&
		    c != COL_FIRST && c != COL_LAST)
			scols_column_set_json_type(cl, SCOLS_JSON_NUMBER);
	}
	for (i = 0; i < n; i++) {
		long long unseen = nsi_ledger_num(objs[i], "unseen");
		size_t len;

		finding |= nsi_trace_verdict(f, objs[i], facts, why[i], sizeof(why[i]));
		len = strlen(why[i]);
		if (unseen)
			snprintf(why[i] + len, sizeof(why[i]) - len,
				 "; %+lld between its birth and its arming, in no stack", unseen);
		add_object(tb, f, objs[i], facts, ctx->json ? why[i] : NULL);
	}
	scols_print_table(tb);
	scols_unref_table(tb);
	if (!ctx->json)
		for (i = 0; i < n; i++) {
			char name[64];

			object_name(objs[i], name, sizeof(name));
			printf("%s %s\n", name, why[i]);
		}
	free(why);
	return finding;
}

/* The ledger's objects born while "watch new" was armed, in order. */
static size_t born_objects(const struct nsi_file *f, const struct nsi_record **objs)
{
	size_t i, n = 0;

	for (i = 0; i < f->nr_records; i++) {
		const char *born = nsi_record_get(&f->records[i], "born");

		if (!strcmp(nsi_ledger_kind(&f->records[i]), "object") && born &&
		    !strcmp(born, "yes"))
			objs[n++] = &f->records[i];
	}
	return n;
}

/* What "watch new" saw, after the ledger. */
static void print_births(const struct nsi_file *f)
{
	size_t i;

	for (i = 0; i < f->nr_records; i++) {
		const struct nsi_record *r = &f->records[i];

		if (strcmp(nsi_ledger_kind(r), "new"))
			continue;
		printf("new %s namespaces: %lld born in the window, %lld traced from birth",
		       nsi_record_get(r, "new"), nsi_ledger_num(r, "born"),
		       nsi_ledger_num(r, "watched"));
		if (nsi_ledger_num(r, "missed"))
			printf(", %lld not (%s)", nsi_ledger_num(r, "missed"),
			       "no free debug register or ledger, or gone before armed");
		printf(", with %lld loopback device%s", nsi_ledger_num(r, "devices"),
		       nsi_ledger_num(r, "devices") == 1 ? "" : "s");
		if (nsi_ledger_num(r, "devices_missed"))
			printf(" (%lld not: no free debug register)",
			       nsi_ledger_num(r, "devices_missed"));
		if (nsi_record_get(r, "complete") && !strcmp(nsi_record_get(r, "complete"), "no"))
			printf("; incomplete: %s",
			       "a CPU went offline or came online, which stopped the watch");
		printf("\n");
	}
}

static enum nsi_exit run_trace(const struct nsi_ctx *ctx, struct nsi_model *m,
			       struct nsi_error *err)
{
	const struct nsi_record **objs;
	struct nsi_trace_facts facts = { 0 };
	struct target t[MAX_TARGETS];
	struct nsi_source src;
	enum nsi_exit st;
	static const char *const fact_files[] = { "netdevs", "namespaces", "holders" };
	enum { NR_FACTS = 3 };
	struct nsi_file f, facts_f[NR_FACTS];
	int i, n = ctx->nr_args, armed = 0, rc = 0;
	size_t nobjs = 0;
	bool finding, births = false, have[NR_FACTS];
	char line[64];

	(void)m;
	if (ctx->from)
		return nsi_usage_error("trace: traces the live kernel; --from does not apply");
	if (n > MAX_TARGETS)
		return nsi_usage_error("trace: at most %d objects at once", MAX_TARGETS);
	if (!n && !ctx->new_type)
		return nsi_usage_error("trace: name what to trace: %s",
				       "TYPE:INUM, mount:ID, netdev:NAME@net:INUM or --new net");
	for (i = 0; i < n; i++) {
		st = parse_target(ctx->args[i], ctx->writers, &t[i]);
		if (st != NSI_EXIT_OK)
			return st;
	}
	if (!ctx->exec && ctx->for_seconds <= 0)
		return nsi_usage_error("trace: say how long: --for DURATION or -- COMMAND");
	if (ctx->exec && ctx->for_seconds > 0)
		return nsi_usage_error("trace: --for and -- COMMAND exclude each other");
	st = nsi_source_init(&src, NULL, err);
	if (st != NSI_EXIT_OK)
		return st;

	for (i = 0; i < n; i++) {
		st = t[i].dev ? resolve_netdev(&src, &t[i], err) : NSI_EXIT_OK;
		if (st != NSI_EXIT_OK)
			return st;
	}
	for (armed = 0; armed < n; armed++) {
		st = control(&src, "watch", &t[armed], err);
		if (st != NSI_EXIT_OK)
			break;
	}
	if (st == NSI_EXIT_OK && ctx->new_type) {
		snprintf(line, sizeof(line), "watch new %s\n", ctx->new_type);
		st = control_line(&src, line, err);
		births = st == NSI_EXIT_OK;
	}
	if (st == NSI_EXIT_OK) {
		if (ctx->exec)
			rc = run_command(ctx->exec, err);
		else
			wait_for(ctx->for_seconds);
		settle();
		settle_teardown(&src);
	}
	if (births)
		control_line(&src, "stop new\n", &(struct nsi_error){ 0 });
	for (i = 0; i < armed; i++)
		control(&src, "stop", &t[i], &(struct nsi_error){ 0 });
	if (st == NSI_EXIT_OK && rc >= 0)
		st = nsi_source_read(&src, "trace", &f, err);
	else if (rc < 0)
		st = err->status;
	objs = st == NSI_EXIT_OK ? xcalloc(f.nr_records + 1, sizeof(*objs)) : NULL;
	for (i = 0; st == NSI_EXIT_OK && i < n; i++) {
		objs[nobjs] = find_object(&f, &t[i]);
		if (!objs[nobjs++])
			st = nsi_fail(err, NSI_EXIT_BADINPUT, "trace: %s not in the ledger",
				      ctx->args[i]);
	}
	if (st == NSI_EXIT_OK && births)
		nobjs += born_objects(&f, objs + nobjs);
	if (births)
		control_line(&src, "clear new\n", &(struct nsi_error){ 0 });
	for (i = 0; i < armed; i++)
		control(&src, "clear", &t[i], &(struct nsi_error){ 0 });
	if (st != NSI_EXIT_OK) {
		if (objs)
			nsi_file_free(&f);
		free(objs);
		return st;
	}
	/* What holds each object now, after the window: the verdicts' facts. */
	for (i = 0; i < NR_FACTS; i++) {
		have[i] = nsi_source_read(&src, fact_files[i], &facts_f[i],
					  &(struct nsi_error){ 0 }) == NSI_EXIT_OK;
	}
	facts.netdevs = have[0] ? &facts_f[0] : NULL;
	facts.namespaces = have[1] ? &facts_f[1] : NULL;
	facts.holders = have[2] ? &facts_f[2] : NULL;
	finding = print_ledger(ctx, &f, objs, nobjs, &facts);
	for (i = 0; i < NR_FACTS; i++)
		if (have[i])
			nsi_file_free(&facts_f[i]);
	if (!ctx->json)
		print_births(&f);
	nsi_file_free(&f);
	free(objs);
	if (ctx->exec && rc)
		nsi_warn("%s exited with status %d", ctx->exec[0], rc);
	return finding ? NSI_EXIT_FINDINGS : NSI_EXIT_OK;
}

const struct nsi_cmd nsi_cmd_trace = {
	.name = "trace",
	.args_usage = "[OBJECT]... (--for DURATION | -- COMMAND [ARG]...)",
	.min_args = 0,
	.max_args = MAX_TARGETS,
	.opts = NSI_OPT_JSON | NSI_OPT_NOHEADINGS | NSI_OPT_FOR | NSI_OPT_EXEC | NSI_OPT_WRITERS |
		NSI_OPT_NEW,
	.load = NSI_LOAD_NONE,
	.run = run_trace,
	.summary = "who takes and drops references to a namespace or mount: a ledger of stacks",
	.details =
		"OBJECT is TYPE:INUM, mount:ID or netdev:NAME@net:INUM.\n"
		"Arms a hardware data watchpoint on each namespace's reference count\n"
		"(TYPE is mnt, uts, ipc, net, pid, cgroup, time or user; INUM its inode\n"
		"number, as in list), or on each CPU's slot of a mount's per-CPU count\n"
		"(ID as in mounts --all; with --writers its writers count instead),\n"
		"or of a network device's (NAME or ifindex, of net namespace INUM, as\n"
		"in the netdevs file: listed there, or waiting in a dying namespace),\n"
		"runs COMMAND or waits DURATION (30s, 500ms, 2m; ^C ends it early),\n"
		"disarms, and prints one row per distinct call stack that changed the\n"
		"count: references taken (GETS), given back (PUTS) and their BALANCE\n"
		"(for writers: writes begun and ended), unbalanced stacks first, each\n"
		"with its frames. Then a verdict per object: freed with every reference\n"
		"accounted for, or still alive with N references taken in the window\n"
		"and not given back, and the stacks that took more than they gave back\n"
		"(a counter does not say which reference a put returns, so each is a\n"
		"candidate); for writers, writes not ended or writers below 0 and the\n"
		"stacks that ended more than they began. After the window, waits for an\n"
		"RCU grace period and 200 ms, for the references that RCU callbacks give\n"
		"back. With --new net, also every net namespace created in the window,\n"
		"from its birth: the stack that created it is its first get, and it is\n"
		"armed before the creating task returns to user space, with its lo.\n"
		"A net namespace whose count reached 0 is not freed while its teardown\n"
		"waits for a device's references (unregister_netdevice: waiting for lo\n"
		"to become free): the verdict says so, and a device's ledger names the\n"
		"stacks that took what it waits for. A device is freed when its\n"
		"teardown's wait reads its last reference. Exit status 1\n"
		"on such a finding. x86 has 4 debug registers per CPU, shared with\n"
		"ptrace and perf, which the module leaves one (trace_regs): a namespace\n"
		"or a device takes 1, a mount 1, its writers 1 or 2, --new 1 for the\n"
		"net list and 2 per namespace born (itself and its lo).\n",
};
