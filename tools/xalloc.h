/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allocation that does not return on failure.
 *
 * The inputs are a few KiB of text; running out of memory there is not
 * something a debugging tool can usefully recover from, so stop at once
 * instead of threading ENOMEM through every caller and exit status.
 */
#ifndef NSI_XALLOC_H
#define NSI_XALLOC_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void nsi_oom(void)
{
	fputs("nsinspect-tool: out of memory\n", stderr);
	abort();
}

/* reallocarray(), also for nmemb == 0 (never returns NULL). */
static inline void *xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	ptr = reallocarray(ptr, nmemb ? nmemb : 1, size);
	if (!ptr)
		nsi_oom();
	return ptr;
}

static inline void *xcalloc(size_t nmemb, size_t size)
{
	void *ptr = calloc(nmemb ? nmemb : 1, size);

	if (!ptr)
		nsi_oom();
	return ptr;
}

static inline char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		nsi_oom();
	return p;
}

#endif /* NSI_XALLOC_H */
