// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers every subcommand uses, apart from main() so that the tests
 * and the fuzzer can link the commands without it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "model.h"
#include "output.h"

void nsi_warn(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

enum nsi_exit nsi_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry '" PROG " --help' for more information.\n", stderr);
	return NSI_EXIT_USAGE;
}

enum nsi_exit nsi_io_error(struct nsi_error *err, const char *path, int e)
{
	return nsi_fail(err, e == EACCES || e == EPERM ? NSI_EXIT_PERMISSION :
			NSI_EXIT_UNAVAILABLE, "%s: %s", path, strerror(e));
}

unsigned int nsi_files_no_mounts(const struct nsi_ctx *ctx)
{
	(void)ctx;
	return NSI_FILES_NO_MOUNTS;
}

unsigned int nsi_files_container(const struct nsi_ctx *ctx, const struct nsi_colinfo *info,
				 size_t nr, const char *defaults, int col)
{
	return nsi_out_wants(ctx, info, nr, defaults, col) ?
	       NSI_FILE(NSI_F_TASKS) | NSI_FILE(NSI_F_CGROUPS) : 0;
}
