// SPDX-License-Identifier: GPL-2.0
/*
 * version: the tool's own version, then the module's, the format's and
 * which features this kernel has.
 */
#include <libsmartcols.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "version.h"
#include "xalloc.h"

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

static enum nsi_exit run_version(const struct nsi_ctx *ctx, struct nsi_model *m,
				 struct nsi_error *err)
{
	struct nsi_version ver = { 0 };
	struct nsi_source src;
	enum nsi_exit status;

	(void)m;
	/* Our own version first: it is what is needed when the rest fails. */
	printf("%s %s\n", PROG, NSI_VERSION);
	fflush(stdout);

	status = nsi_source_init(&src, ctx->from, err);
	if (status == NSI_EXIT_OK)
		status = nsi_version_read(&src, &ver, err);
	if (status == NSI_EXIT_OK)
		print_version(&ver);
	nsi_version_free(&ver);
	return status;
}

const struct nsi_cmd nsi_cmd_version = {
	.name = "version",
	.load = NSI_LOAD_NONE,
	.run = run_version,
	.summary = "tool, module and format versions; kernel features",
};
