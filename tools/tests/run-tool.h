/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running the nsinspect-tool binary under test (test_tool), for the
 * tests that check what a user or a script sees of it.
 */
#ifndef NSI_RUN_TOOL_H
#define NSI_RUN_TOOL_H

#include <stdbool.h>

/* Child exit statuses for "could not become nobody" and "exec failed". */
#define CHILD_SETUID_FAILED	126
#define CHILD_EXEC_FAILED	127

struct run {
	int status;		/* exit status, or 128 + signal */
	char out[65536];
	char err[8192];
};

/*
 * Run "nsinspect-tool [--from DIR] ARGS...", as nobody if @as_nobody;
 * false if it could not be run at all.
 */
bool run_tool(struct run *run, const char *from_dir, const char *const *args,
	      bool as_nobody);

/* Run "nsinspect-tool ARGS..." on a terminal @cols wide; stdout and stderr both in run->out. */
bool run_tool_tty(struct run *run, const char *const *args, unsigned short cols);

#endif /* NSI_RUN_TOOL_H */
