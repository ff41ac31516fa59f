/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A string built piece by piece, for the cells that list things (the
 * keys of a namespace, the pids of an nsproxy). Allocation failures stop
 * the tool, as in xalloc.h.
 */
#ifndef NSI_STRBUF_H
#define NSI_STRBUF_H

#include <stddef.h>

#include "compiler.h"

struct nsi_strbuf {
	char *s;		/* NULL until something is added */
	size_t len, size;
};

/* Append @sep, unless @sb is still empty, then the formatted text. */
__printf(3, 4) void nsi_strbuf_addf(struct nsi_strbuf *sb, const char *sep,
				    const char *fmt, ...);

/* The string built ("" if nothing was added), for the caller to free. */
char *nsi_strbuf_take(struct nsi_strbuf *sb);

#endif /* NSI_STRBUF_H */
