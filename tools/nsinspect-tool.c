// SPDX-License-Identifier: GPL-2.0
/*
 * nsinspect-tool: format the namespace internals that the nsinspect
 * module publishes under /sys/kernel/debug/nsinspect/.
 *
 * Subcommands live in one table so that adding one (tree, list, mounts,
 * check) is a function and a line here, and --help stays complete.
 */
#include <getopt.h>
#include <libsmartcols.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "exit_codes.h"
#include "source.h"
#include "version.h"
#include "xalloc.h"

/* One source of truth for the version: the Makefile. */
#ifndef NSI_VERSION
#error "NSI_VERSION must be defined (build with the Makefile)"
#endif

#define PROG	"nsinspect-tool"

struct nsi_opts {
	const char *from;	/* --from DIR, or NULL for the live directory */
};

struct nsi_cmd {
	const char *name;
	enum nsi_exit (*fn)(const struct nsi_opts *opts, int argc, char **argv);
	const char *help;
};

static enum nsi_exit cmd_version(const struct nsi_opts *opts, int argc, char **argv);

static const struct nsi_cmd commands[] = {
	{ "version", cmd_version, "tool, module and format versions; kernel features" },
};

static void report(const struct nsi_error *err)
{
	fprintf(stderr, PROG ": %s\n", err->msg);
}

static __printf(1, 2) enum nsi_exit usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry '" PROG " --help' for more information.\n", stderr);
	return NSI_EXIT_USAGE;
}

static void print_help(void)
{
	size_t i;

	printf("Usage: %s [--from DIR] COMMAND [ARGS]\n"
	       "       %s --version | --help\n\n"
	       "Format what the nsinspect module publishes in %s/%s/.\n\n"
	       "Options (before COMMAND):\n"
	       "  -f, --from DIR   read a copy of that directory instead\n"
	       "  -V, --version    same as the version command\n"
	       "  -h, --help       print this help\n\n"
	       "Commands:\n",
	       PROG, PROG, NSI_DEBUGFS_MOUNT, NSI_DEBUGFS_DIR);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		printf("  %-15s  %s\n", commands[i].name, commands[i].help);
	printf("\nExit status:\n"
	       "  %d  success\n"
	       "  %d  findings (reserved for the check command)\n"
	       "  %d  usage error\n"
	       "  %d  debugfs not mounted, module not loaded, or --from DIR missing\n"
	       "  %d  permission denied (the files are root-only)\n"
	       "  %d  malformed input or unsupported format version\n",
	       NSI_EXIT_OK, NSI_EXIT_FINDINGS, NSI_EXIT_USAGE, NSI_EXIT_UNAVAILABLE,
	       NSI_EXIT_PERMISSION, NSI_EXIT_BADINPUT);
}

/*
 * Print @nrows rows of @ncols cells; NULL cells stay empty. libsmartcols
 * aligns the columns and encodes unprintable bytes, which unescaped
 * values from the kernel may well contain.
 */
static void print_table(const char *const *headings, size_t ncols,
			const char *const *cells, size_t nrows)
{
	struct libscols_table *tb = scols_new_table();
	size_t r, c;

	if (!tb)
		nsi_oom();
	if (!headings)
		scols_table_enable_noheadings(tb, 1);
	for (c = 0; c < ncols; c++)
		if (!scols_table_new_column(tb, headings ? headings[c] : "", 0, 0))
			nsi_oom();
	for (r = 0; r < nrows; r++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln)
			nsi_oom();
		for (c = 0; c < ncols; c++) {
			const char *cell = cells[r * ncols + c];

			if (cell && scols_line_set_data(ln, c, cell))
				nsi_oom();
		}
	}
	scols_print_table(tb);
	scols_unref_table(tb);
}

static void print_version(const struct nsi_version *ver)
{
	static const char *const headings[] = { "FEATURE", "STATE", "REASON" };
	const char **cells = xcalloc(3 * ver->nr_features, sizeof(*cells));
	char format[24];
	size_t i;

	snprintf(format, sizeof(format), "%lu", ver->format);
	print_table(NULL, 2, (const char *const []){
		"module", ver->module,
		"format", format,
		"kernel", ver->kernel,
	}, 3);
	putchar('\n');

	for (i = 0; i < ver->nr_features; i++) {
		cells[3 * i] = ver->features[i].name;
		cells[3 * i + 1] = ver->features[i].available ? "available" : "unavailable";
		cells[3 * i + 2] = ver->features[i].reason;
	}
	print_table(headings, 3, cells, ver->nr_features);
	free(cells);
}

static enum nsi_exit cmd_version(const struct nsi_opts *opts, int argc, char **argv)
{
	struct nsi_version ver = { 0 };
	struct nsi_source src;
	struct nsi_error err;
	enum nsi_exit status;

	if (argc > 1)
		return usage_error("version: unexpected argument '%s'", argv[1]);

	/* Our own version first: it is what is needed when the rest fails. */
	printf("%s %s\n", PROG, NSI_VERSION);
	fflush(stdout);

	status = nsi_source_init(&src, opts->from, &err);
	if (status == NSI_EXIT_OK)
		status = nsi_version_read(&src, &ver, &err);
	if (status == NSI_EXIT_OK)
		print_version(&ver);
	else
		report(&err);
	nsi_version_free(&ver);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "from",    required_argument, NULL, 'f' },
		{ "help",    no_argument,       NULL, 'h' },
		{ "version", no_argument,       NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct nsi_opts opts = { NULL };
	bool want_version = false;
	size_t i;
	int c;

	/* Own messages, so they carry PROG rather than whatever argv[0] was. */
	opterr = 0;
	/* '+': options end at COMMAND; what follows belongs to it. */
	while ((c = getopt_long(argc, argv, "+:f:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			opts.from = optarg;
			break;
		case 'h':
			print_help();
			return NSI_EXIT_OK;
		case 'V':
			want_version = true;
			break;
		case ':':
			return usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			if (optopt)
				return usage_error("unknown option '-%c'", optopt);
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}

	if (want_version) {
		if (optind < argc)
			return usage_error("--version takes no command");
		return cmd_version(&opts, 0, NULL);
	}
	if (optind == argc)
		return usage_error("no command given");

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[optind], commands[i].name))
			return commands[i].fn(&opts, argc - optind, argv + optind);
	return usage_error("unknown command '%s'", argv[optind]);
}
