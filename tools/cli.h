/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every subcommand shares: its description (one struct, from which
 * the option parser, --help and the man page's option list all derive),
 * the parsed command line, and the one-line error reporting.
 */
#ifndef NSI_CLI_H
#define NSI_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "compiler.h"
#include "exit_codes.h"
#include "source.h"

#define PROG	"nsinspect-tool"

struct nsi_model;
struct nsi_colinfo;

/* Options a subcommand may accept; each is one bit of nsi_cmd.opts. */
enum {
	NSI_OPT_OUTPUT		= 1 << 0,	/* -o LIST: columns */
	NSI_OPT_JSON		= 1 << 1,
	NSI_OPT_RAW		= 1 << 2,
	NSI_OPT_NOHEADINGS	= 1 << 3,
	NSI_OPT_LIST		= 1 << 4,	/* flat list instead of a tree */
	NSI_OPT_TYPE		= 1 << 5,	/* -t TYPE */
	NSI_OPT_NS		= 1 << 6,	/* --ns INUM */
	NSI_OPT_PID		= 1 << 7,	/* --pid PID */
	NSI_OPT_ALL		= 1 << 8,
	NSI_OPT_OUTPATH		= 1 << 9,	/* -o PATH (snapshot) */
	NSI_OPT_SAMPLES		= 1 << 10,	/* -s, --samples N (check) */
	NSI_OPT_INTERVAL	= 1 << 11,	/* --interval MS (check) */
	NSI_OPT_QUIET		= 1 << 12,	/* -q: the exit status alone (check) */
	NSI_OPT_PROCESSES	= 1 << 13,	/* -P: task rows (tree) */
	NSI_OPT_FOR		= 1 << 14,	/* --for DURATION (trace) */
	NSI_OPT_EXEC		= 1 << 15,	/* -- COMMAND [ARG]... (trace) */
	NSI_OPT_WRITERS		= 1 << 16,	/* --writers (trace) */
	NSI_OPT_NEW		= 1 << 17,	/* --new TYPE (trace) */
	NSI_OPT_TEXTFILE	= 1 << 18,	/* --textfile PATH (metrics) */
};

#define NSI_OPTS_TABLE	(NSI_OPT_OUTPUT | NSI_OPT_JSON | NSI_OPT_RAW | NSI_OPT_NOHEADINGS)
#define NSI_OPTS_TREE	(NSI_OPTS_TABLE | NSI_OPT_LIST)

/* How a subcommand wants its input. */
enum nsi_load {
	NSI_LOAD_NONE,		/* reads (or writes) files itself */
	NSI_LOAD_MODEL,		/* needs the module's files */
	NSI_LOAD_MODEL_PROC,	/* falls back to /proc without the module */
	NSI_LOAD_MODEL_PROC_SILENT,	/* the same, and its output says so: no warning */
};

struct nsi_ctx {
	const char *from;		/* --from DIR, or NULL */
	const struct nsi_cmd *cmd;
	/* Parsed options; which ones can be set depends on cmd->opts. */
	const char *output;		/* -o LIST, or NULL for the defaults */
	const char *outpath;		/* snapshot -o PATH */
	bool json, raw, noheadings, list, all, quiet, processes, writers;
	int type;			/* -t TYPE as enum nsi_ns_type, or -1 */
	unsigned long long ns;		/* --ns INUM, 0 if not given */
	long long pid;			/* --pid PID, or -1 */
	unsigned int samples;		/* --samples N, or 0 for the default */
	unsigned int interval_ms;	/* --interval MS */
	int nr_args;			/* positional arguments */
	char **args;
	double for_seconds;		/* --for DURATION, 0 if not given */
	char **exec;			/* -- COMMAND [ARG]..., NULL-terminated, or NULL */
	const char *new_type;		/* --new TYPE, or NULL */
	const char *textfile;		/* --textfile PATH, or NULL */
};

struct nsi_cmd {
	const char *name;
	const char *args_usage;		/* e.g. "[PID]", or NULL */
	unsigned int min_args, max_args;
	unsigned int opts;		/* NSI_OPT_* */
	enum nsi_load load;
	/* The module's files it needs (NSI_FILE() bits); NULL: all. */
	unsigned int (*files)(const struct nsi_ctx *ctx);
	enum nsi_exit (*run)(const struct nsi_ctx *ctx, struct nsi_model *m,
			     struct nsi_error *err);
	const char *summary;		/* one line for the command list */
	const char *details;		/* more --help text, or NULL */
	const struct nsi_colinfo *cols;	/* for --help's column list */
	size_t nr_cols;
};

/* The subcommands, each defined in its own file. */
extern const struct nsi_cmd nsi_cmd_tree, nsi_cmd_list, nsi_cmd_holders, nsi_cmd_pids,
	nsi_cmd_nsproxies, nsi_cmd_mounts, nsi_cmd_check, nsi_cmd_snapshot,
	nsi_cmd_diff, nsi_cmd_graph, nsi_cmd_version, nsi_cmd_trace, nsi_cmd_metrics;

/* "nsinspect-tool: MSG" on stderr. */
__printf(1, 2) void nsi_warn(const char *fmt, ...);

/* A usage error: message, a hint to --help, and NSI_EXIT_USAGE. */
__printf(1, 2) enum nsi_exit nsi_usage_error(const char *fmt, ...);

/*
 * A file operation on @path failed with errno @e: NSI_EXIT_PERMISSION for
 * EACCES and EPERM, else NSI_EXIT_UNAVAILABLE, and "PATH: reason" in @err.
 */
enum nsi_exit nsi_io_error(struct nsi_error *err, const char *path, int e);

/* For nsi_cmd.files: every file but mounts, which can be the largest by far. */
unsigned int nsi_files_no_mounts(const struct nsi_ctx *ctx);

/*
 * The files a CONTAINER column (@col of @info, @defaults without -o) needs
 * when @ctx shows it: tasks and cgroups; else none.
 */
unsigned int nsi_files_container(const struct nsi_ctx *ctx, const struct nsi_colinfo *info,
				 size_t nr, const char *defaults, int col);

#endif /* NSI_CLI_H */
