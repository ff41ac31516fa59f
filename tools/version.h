/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's "version" file: module build, output format, kernel and
 * which features work on this kernel. Every subcommand reads it first,
 * since the format version decides whether the other files can be read.
 */
#ifndef NSI_VERSION_H
#define NSI_VERSION_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"
#include "source.h"

/* The only record format this tool reads. */
#define NSI_FORMAT_VERSION	1

struct nsi_feature {
	const char *name;
	bool available;		/* state=available; otherwise state=unavailable */
	const char *reason;	/* NULL if the module gave none */
};

/* The strings point into @file, which this struct owns. */
struct nsi_version {
	const char *module;	/* module version */
	unsigned long format;
	const char *kernel;	/* kernel release */
	size_t nr_features;
	struct nsi_feature *features;
	struct nsi_file file;
};

/*
 * Read and check @src's version file. Returns NSI_EXIT_OK or the
 * failure's status with @err filled in; NSI_EXIT_BADINPUT covers both
 * malformed input and a format version other than NSI_FORMAT_VERSION.
 * nsi_version_free() must be called in every case.
 */
enum nsi_exit nsi_version_read(const struct nsi_source *src, struct nsi_version *ver,
			       struct nsi_error *err);
void nsi_version_free(struct nsi_version *ver);

#endif /* NSI_VERSION_H */
