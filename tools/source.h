/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where nsinspect-tool reads from: the module's debugfs directory, or a
 * copy of it given with --from DIR. Failures are classified here into
 * the exit statuses of exit_codes.h, with a one-line message, because
 * "debugfs not mounted", "module not loaded" and "not root" need
 * different fixes and scripts want to tell them apart.
 */
#ifndef NSI_SOURCE_H
#define NSI_SOURCE_H

#include <limits.h>
#include <stdbool.h>

#include "compiler.h"
#include "exit_codes.h"
#include "record.h"

#define NSI_DEBUGFS_MOUNT	"/sys/kernel/debug"
#define NSI_DEBUGFS_DIR		"nsinspect"

struct nsi_source {
	char dir[PATH_MAX];	/* files are read from here */
	bool live;		/* the module's debugfs directory, not a copy */
};

/* How an operation failed: the exit status and a message for stderr. */
struct nsi_error {
	enum nsi_exit status;
	char msg[PATH_MAX + 256];
};

/*
 * Set up @src for --from @from, or for the live debugfs directory if
 * @from is NULL. Returns NSI_EXIT_OK or the failure's status, also kept
 * in @err with its message.
 */
enum nsi_exit nsi_source_init(struct nsi_source *src, const char *from,
			      struct nsi_error *err);

/* The live case with debugfs expected at @mount; split out for the tests. */
enum nsi_exit nsi_source_init_live(struct nsi_source *src, const char *mount,
				   struct nsi_error *err);

/*
 * Read and parse the file @name of @src. Malformed input gives
 * NSI_EXIT_BADINPUT with "path:line: reason". As with nsi_file_parse(),
 * the records before a bad line are kept and nsi_file_free() is always
 * needed.
 */
enum nsi_exit nsi_source_read(const struct nsi_source *src, const char *name,
			      struct nsi_file *file, struct nsi_error *err);

/* Fill in @err; returns @status so callers can "return nsi_fail(...)". */
__printf(3, 4) enum nsi_exit nsi_fail(struct nsi_error *err, enum nsi_exit status,
				      const char *fmt, ...);

#endif /* NSI_SOURCE_H */
