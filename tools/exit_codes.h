/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit statuses of nsinspect-tool.
 *
 * Scripts and the VM harness branch on these, so they are part of the
 * tool's interface: add new ones at the end, never renumber. --help
 * prints this list from the same enum.
 */
#ifndef NSI_EXIT_CODES_H
#define NSI_EXIT_CODES_H

enum nsi_exit {
	NSI_EXIT_OK		= 0,
	NSI_EXIT_FINDINGS	= 1,	/* reserved for the check subcommand */
	NSI_EXIT_USAGE		= 2,	/* bad option, command or argument */
	NSI_EXIT_UNAVAILABLE	= 3,	/* no debugfs, module not loaded, no --from DIR */
	NSI_EXIT_PERMISSION	= 4,	/* EACCES/EPERM: the files are root-only */
	NSI_EXIT_BADINPUT	= 5,	/* malformed input or unsupported format version */
};

#endif /* NSI_EXIT_CODES_H */
