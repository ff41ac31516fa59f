/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reference tracer: data watchpoints on namespace reference counts,
 * armed on request through debugfs (trace_control) and read back as a
 * ledger of call stacks (trace).
 */
#ifndef NSI_TRACE_H
#define NSI_TRACE_H

struct dentry;

#ifdef CONFIG_X86
/* Create trace_control and trace under dir, unless tracing is unavailable. */
void nsi_trace_create(struct dentry *dir);

/* Disarm everything and free every ledger; called at unload, after the files are gone. */
void nsi_trace_exit(void);

/* Why tracing is unavailable (for the version file), or NULL. */
const char *nsi_trace_why(void);

/* A watched device is about to be freed (netdev.c); any context. */
void nsi_trace_dev_freed(void *cookie);
#else
static inline void nsi_trace_create(struct dentry *dir) { }
static inline void nsi_trace_exit(void) { }
static inline const char *nsi_trace_why(void)
{
	return "data watchpoints are used on x86 only";
}

static inline void nsi_trace_dev_freed(void *cookie) { }
#endif

#endif /* NSI_TRACE_H */
