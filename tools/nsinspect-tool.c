// SPDX-License-Identifier: GPL-2.0
/*
 * nsinspect-tool: format the namespace internals that the nsinspect
 * module publishes under /sys/kernel/debug/nsinspect/.
 *
 * Subcommands live in one table and describe their options, columns and
 * input in their nsi_cmd (cli.h), so that parsing, --help and loading
 * are written once here and every command behaves the same way.
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_check.h"
#include "load.h"
#include "output.h"
#include "proc.h"
#include "version.h"

/* One source of truth for the version: the Makefile. */
#ifndef NSI_VERSION
#error "NSI_VERSION must be defined (build with the Makefile)"
#endif

/* The first one is the default command. */
static const struct nsi_cmd *const commands[] = {
	&nsi_cmd_tree, &nsi_cmd_list, &nsi_cmd_holders, &nsi_cmd_pids, &nsi_cmd_nsproxies,
	&nsi_cmd_mounts, &nsi_cmd_check, &nsi_cmd_snapshot, &nsi_cmd_diff,
	&nsi_cmd_graph, &nsi_cmd_version, &nsi_cmd_trace, &nsi_cmd_metrics,
};

struct optdesc {
	unsigned int bit;
	int val;
	const char *name;
	const char *arg;	/* NULL: takes no argument */
	const char *help;
};

/* Long-only options get values above any character. */
#define OPT_LONG_ONLY	256
enum { OPT_NS_VAL = OPT_LONG_ONLY, OPT_INTERVAL_VAL, OPT_FOR_VAL, OPT_WRITERS_VAL,
	OPT_NEW_VAL, OPT_TEXTFILE_VAL };

/* Bounds of check's sampling options. */
#define MAX_SAMPLES	1000
#define MAX_INTERVAL_MS	60000

static const struct optdesc optdescs[] = {
	{ NSI_OPT_OUTPUT, 'o', "output", "LIST",
	  "columns to print, comma-separated (+LIST adds to the defaults)" },
	{ NSI_OPT_OUTPATH, 'o', "output", "PATH", "the directory to write (must not exist)" },
	{ NSI_OPT_JSON, 'J', "json", NULL, "JSON output" },
	{ NSI_OPT_RAW, 'r', "raw", NULL, "raw output: no alignment, no tree" },
	{ NSI_OPT_NOHEADINGS, 'n', "noheadings", NULL, "do not print a header line" },
	{ NSI_OPT_LIST, 'l', "list", NULL, "a flat list instead of a tree" },
	{ NSI_OPT_TYPE, 't', "type", "TYPE",
	  "only namespaces of TYPE: user, pid, mnt, uts, ipc, net, cgroup, time" },
	{ NSI_OPT_NS, OPT_NS_VAL, "ns", "INUM", "only the mount namespace with inode INUM" },
	{ NSI_OPT_PID, 'p', "pid", "PID", "only the mount namespace of task PID" },
	{ NSI_OPT_ALL, 'a', "all", NULL,
	  "also internal, detached, anonymous and unattached mounts" },
	{ NSI_OPT_PROCESSES, 'P', "processes", NULL,
	  "also the processes of each pid namespace" },
	{ NSI_OPT_QUIET, 'q', "quiet", NULL, "print nothing: the exit status says it" },
	{ NSI_OPT_SAMPLES, 's', "samples", "N",
	  "samples of the live mounts file for a negative writers count (default 5)" },
	{ NSI_OPT_INTERVAL, OPT_INTERVAL_VAL, "interval", "MS",
	  "milliseconds between samples (default 100)" },
	{ NSI_OPT_FOR, OPT_FOR_VAL, "for", "DURATION",
	  "trace for DURATION: N[ms|s|m|h] (seconds without a unit), at most 24h" },
	{ NSI_OPT_WRITERS, OPT_WRITERS_VAL, "writers", NULL,
	  "trace the mounts' writers (mnt_want_write, mnt_drop_write), not their references" },
	{ NSI_OPT_NEW, OPT_NEW_VAL, "new", "TYPE",
	  "also trace each namespace of TYPE (net) created in the window, from its birth" },
	{ NSI_OPT_TEXTFILE, OPT_TEXTFILE_VAL, "textfile", "PATH",
	  "write PATH atomically (temporary file, then rename), not standard output" },
};

/* Longest --for: a day. */
#define MAX_FOR_SECONDS	86400.0

/* "30s", "500ms", "2m", "1h" or "30": seconds, or -1 if malformed. */
static double parse_duration(const char *s)
{
	static const struct { const char *unit; double mult; } units[] = {
		{ "", 1 }, { "s", 1 }, { "ms", 0.001 }, { "m", 60 }, { "h", 3600 },
	};
	unsigned long long n;
	char digits[24];
	size_t len = strspn(s, "0123456789"), i;

	if (!len || len >= sizeof(digits))
		return -1;
	memcpy(digits, s, len);
	digits[len] = '\0';
	if (!nsi_parse_ull(digits, &n))
		return -1;
	for (i = 0; i < ARRAY_SIZE(units); i++)
		if (!strcmp(s + len, units[i].unit))
			return (double)n * units[i].mult;
	return -1;
}

static void print_help(void)
{
	size_t i;

	printf("Usage: %s [--from DIR] [COMMAND [OPTIONS] [ARGS]]\n"
	       "       %s --version | --help\n\n"
	       "Format what the nsinspect module publishes in %s/%s/.\n"
	       "Without the module, tree, list, pids and mounts read /proc instead.\n\n"
	       "Options (before COMMAND):\n"
	       "  -f, --from DIR   read a copy of that directory (see snapshot)\n"
	       "  -V, --version    same as the version command\n"
	       "  -h, --help       print this help\n\n"
	       "Commands (default: %s; COMMAND --help for more):\n",
	       PROG, PROG, NSI_DEBUGFS_MOUNT, NSI_DEBUGFS_DIR, commands[0]->name);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		printf("  %-15s  %s\n", commands[i]->name, commands[i]->summary);
	printf("\nExit status:\n"
	       "  %d  success; no findings (check), no differences (diff)\n"
	       "  %d  findings (check) or differences (diff)\n"
	       "  %d  usage error\n"
	       "  %d  debugfs not mounted, module not loaded, --from DIR missing,\n"
	       "     or a feature this kernel lacks\n"
	       "  %d  permission denied (the files are root-only)\n"
	       "  %d  malformed input or unsupported format version\n",
	       NSI_EXIT_OK, NSI_EXIT_FINDINGS, NSI_EXIT_USAGE, NSI_EXIT_UNAVAILABLE,
	       NSI_EXIT_PERMISSION, NSI_EXIT_BADINPUT);
}

static void print_cmd_help(const struct nsi_cmd *cmd)
{
	size_t i;

	printf("Usage: %s [--from DIR] %s [OPTIONS]%s%s\n\n%s.\n\nOptions:\n",
	       PROG, cmd->name, cmd->args_usage ? " " : "",
	       cmd->args_usage ? cmd->args_usage : "", cmd->summary);
	for (i = 0; i < ARRAY_SIZE(optdescs); i++) {
		const struct optdesc *d = &optdescs[i];
		char left[32];

		if (!(cmd->opts & d->bit))
			continue;
		if (d->val < OPT_LONG_ONLY)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", d->val, d->name,
				 d->arg ? " " : "", d->arg ? d->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", d->name,
				 d->arg ? " " : "", d->arg ? d->arg : "");
		printf("  %-20s  %s\n", left, d->help);
	}
	printf("  %-20s  %s\n", "-h, --help", "print this help");
	if (cmd->details)
		printf("\n%s", cmd->details);
	if (cmd->cols)
		nsi_out_help_columns(cmd->cols, cmd->nr_cols);
}

/* The value of option @d for @ctx. */
static enum nsi_exit set_option(struct nsi_ctx *ctx, const struct optdesc *d, const char *arg)
{
	long long n;

	switch (d->bit) {
	case NSI_OPT_OUTPUT:
		ctx->output = arg;
		break;
	case NSI_OPT_OUTPATH:
		ctx->outpath = arg;
		break;
	case NSI_OPT_JSON:
		ctx->json = true;
		break;
	case NSI_OPT_RAW:
		ctx->raw = true;
		break;
	case NSI_OPT_NOHEADINGS:
		ctx->noheadings = true;
		break;
	case NSI_OPT_LIST:
		ctx->list = true;
		break;
	case NSI_OPT_ALL:
		ctx->all = true;
		break;
	case NSI_OPT_QUIET:
		ctx->quiet = true;
		break;
	case NSI_OPT_PROCESSES:
		ctx->processes = true;
		break;
	case NSI_OPT_WRITERS:
		ctx->writers = true;
		break;
	case NSI_OPT_NEW:
		if (strcmp(arg, "net"))
			return nsi_usage_error("%s: --new: %s, not '%s'", ctx->cmd->name,
					       "only net namespaces are traced from birth", arg);
		ctx->new_type = arg;
		break;
	case NSI_OPT_TEXTFILE:
		ctx->textfile = arg;
		break;
	case NSI_OPT_TYPE:
		ctx->type = nsi_ns_type_parse(arg);
		if (ctx->type < 0)
			return nsi_usage_error("%s: unknown namespace type '%s'",
					       ctx->cmd->name, arg);
		break;
	case NSI_OPT_NS:
		if (!nsi_parse_ull(arg, &ctx->ns) || !ctx->ns)
			return nsi_usage_error("%s: --ns: invalid inode number '%s'",
					       ctx->cmd->name, arg);
		break;
	case NSI_OPT_PID:
		if (!nsi_parse_ll(arg, &ctx->pid) || ctx->pid <= 0)
			return nsi_usage_error("%s: --pid: invalid PID '%s'", ctx->cmd->name, arg);
		break;
	case NSI_OPT_SAMPLES:
		if (!nsi_parse_ll(arg, &n) || n < 1 || n > MAX_SAMPLES)
			return nsi_usage_error("%s: --samples: not a number from 1 to %d: '%s'",
					       ctx->cmd->name, MAX_SAMPLES, arg);
		ctx->samples = (unsigned int)n;
		break;
	case NSI_OPT_INTERVAL:
		if (!nsi_parse_ll(arg, &n) || n < 0 || n > MAX_INTERVAL_MS)
			return nsi_usage_error("%s: --interval: not a number from 0 to %d: '%s'",
					       ctx->cmd->name, MAX_INTERVAL_MS, arg);
		ctx->interval_ms = (unsigned int)n;
		break;
	case NSI_OPT_FOR:
		ctx->for_seconds = parse_duration(arg);
		if (ctx->for_seconds <= 0 || ctx->for_seconds > MAX_FOR_SECONDS)
			return nsi_usage_error("%s: --for: not a duration from 1ms to 24h: '%s'",
					       ctx->cmd->name, arg);
		break;
	}
	return NSI_EXIT_OK;
}

/* Parse the command's own options; returns -1 to go on, else an exit status. */
static int parse_cmd_options(struct nsi_ctx *ctx, int argc, char **argv)
{
	const struct nsi_cmd *cmd = ctx->cmd;
	struct option longopts[ARRAY_SIZE(optdescs) + 2];
	char shortopts[3 * ARRAY_SIZE(optdescs) + 8] = ":h";
	size_t i, n = 0, s = 2;
	int c;

	for (i = 0; i < ARRAY_SIZE(optdescs); i++) {
		const struct optdesc *d = &optdescs[i];

		if (!(cmd->opts & d->bit))
			continue;
		longopts[n++] = (struct option){ d->name, d->arg ? required_argument : no_argument,
						 NULL, d->val };
		if (d->val < OPT_LONG_ONLY) {
			shortopts[s++] = (char)d->val;
			if (d->arg)
				shortopts[s++] = ':';
		}
	}
	longopts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };
	shortopts[s] = '\0';

	/*
	 * "-- COMMAND [ARG]...": what follows "--" is the command to run, never
	 * options or arguments of ours (getopt would move them about).
	 */
	if (cmd->opts & NSI_OPT_EXEC) {
		for (i = 1; i < (size_t)argc; i++) {
			if (strcmp(argv[i], "--"))
				continue;
			if (i + 1 == (size_t)argc)
				return nsi_usage_error("%s: no COMMAND after '--'", cmd->name);
			ctx->exec = argv + i + 1;
			argc = (int)i;
			break;
		}
	}
	optind = 0;	/* a fresh scan of the command's own argv */
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		enum nsi_exit st;

		if (c == 'h') {
			print_cmd_help(cmd);
			return NSI_EXIT_OK;
		}
		if (c == ':')
			return nsi_usage_error("%s: option '%s' needs an argument", cmd->name,
					       argv[optind - 1]);
		if (c == '?') {
			if (optopt && optopt < OPT_LONG_ONLY)
				return nsi_usage_error("%s: unknown option '-%c'", cmd->name,
						       optopt);
			return nsi_usage_error("%s: unknown option '%s'", cmd->name,
					       argv[optind - 1]);
		}
		for (i = 0; i < ARRAY_SIZE(optdescs); i++)
			if (optdescs[i].val == c && (cmd->opts & optdescs[i].bit))
				break;
		st = set_option(ctx, &optdescs[i], optarg);
		if (st != NSI_EXIT_OK)
			return st;
	}
	ctx->nr_args = argc - optind;
	ctx->args = argv + optind;
	if ((unsigned int)ctx->nr_args < cmd->min_args)
		return nsi_usage_error("%s: missing argument %s", cmd->name, cmd->args_usage);
	if ((unsigned int)ctx->nr_args > cmd->max_args)
		return nsi_usage_error("%s: unexpected argument '%s'", cmd->name,
				       ctx->args[cmd->max_args]);
	return -1;
}

static enum nsi_exit load_model(const struct nsi_ctx *ctx, struct nsi_model *m,
				struct nsi_error *err)
{
	struct nsi_source src;
	enum nsi_exit st;

	memset(m, 0, sizeof(*m));
	st = nsi_source_init(&src, ctx->from, err);
	if (st == NSI_EXIT_UNAVAILABLE && !ctx->from &&
	    (ctx->cmd->load == NSI_LOAD_MODEL_PROC ||
	     ctx->cmd->load == NSI_LOAD_MODEL_PROC_SILENT)) {
		/* The one line that says these are not the module's numbers. */
		if (ctx->cmd->load == NSI_LOAD_MODEL_PROC)
			nsi_warn("%s; reading /proc (kernel-only columns show as '%s')",
				 err->msg, NSI_UNKNOWN);
		return nsi_proc_load(m, "/proc", err);
	}
	if (st != NSI_EXIT_OK)
		return st;
	return nsi_model_load(m, &src, ctx->cmd->files ? ctx->cmd->files(ctx) : NSI_FILES_MODULE,
			      err);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "from",    required_argument, NULL, 'f' },
		{ "help",    no_argument,       NULL, 'h' },
		{ "version", no_argument,       NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct nsi_ctx ctx = { .type = -1, .pid = -1, .interval_ms = NSI_CHECK_INTERVAL_MS };
	struct nsi_error err = { NSI_EXIT_OK, "" };
	struct nsi_model m = { 0 };
	bool want_version = false;
	enum nsi_exit st;
	size_t i;
	int c;

	/*
	 * As in util-linux: in the C locale libsmartcols shows each byte of a
	 * UTF-8 name (a path, a comm) as an escape.
	 */
	setlocale(LC_ALL, "");
	/* Own messages, so they carry PROG rather than whatever argv[0] was. */
	opterr = 0;
	/* '+': options end at COMMAND; what follows belongs to it. */
	while ((c = getopt_long(argc, argv, "+:f:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			ctx.from = optarg;
			break;
		case 'h':
			print_help();
			return NSI_EXIT_OK;
		case 'V':
			want_version = true;
			break;
		case ':':
			return nsi_usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			if (optopt)
				return nsi_usage_error("unknown option '-%c'", optopt);
			return nsi_usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}

	if (want_version) {
		if (optind < argc)
			return nsi_usage_error("--version takes no command");
		ctx.cmd = &nsi_cmd_version;
	} else if (optind == argc) {
		ctx.cmd = commands[0];
	} else {
		for (i = 0; i < ARRAY_SIZE(commands); i++)
			if (!strcmp(argv[optind], commands[i]->name))
				ctx.cmd = commands[i];
		if (!ctx.cmd)
			return nsi_usage_error("unknown command '%s'", argv[optind]);
	}

	if (optind < argc) {
		c = parse_cmd_options(&ctx, argc - optind, argv + optind);
		if (c >= 0)
			return c;
	}

	if (ctx.cmd->load == NSI_LOAD_NONE) {
		st = ctx.cmd->run(&ctx, NULL, &err);
	} else {
		st = load_model(&ctx, &m, &err);
		if (st == NSI_EXIT_OK)
			st = ctx.cmd->run(&ctx, &m, &err);
	}
	nsi_model_free(&m);
	if (st >= NSI_EXIT_USAGE && err.msg[0])
		nsi_warn("%s", err.msg);
	if (st == NSI_EXIT_USAGE && err.msg[0])
		fputs("Try '" PROG " --help' for more information.\n", stderr);
	return st;
}
