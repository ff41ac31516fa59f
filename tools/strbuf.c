// SPDX-License-Identifier: GPL-2.0
/*
 * A string built piece by piece; see strbuf.h.
 */
#include <stdarg.h>
#include <stdio.h>

#include "strbuf.h"
#include "xalloc.h"

static void append(struct nsi_strbuf *sb, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	for (;;) {
		va_copy(again, ap);
		n = vsnprintf(sb->s ? sb->s + sb->len : NULL, sb->size - sb->len, fmt, again);
		va_end(again);
		if (n < 0)
			nsi_oom();
		if ((size_t)n < sb->size - sb->len)
			break;
		sb->size = 2 * (sb->len + (size_t)n + 1);
		sb->s = xreallocarray(sb->s, sb->size, 1);
	}
	sb->len += (size_t)n;
}

static __printf(2, 3) void appendf(struct nsi_strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	append(sb, fmt, ap);
	va_end(ap);
}

void nsi_strbuf_addf(struct nsi_strbuf *sb, const char *sep, const char *fmt, ...)
{
	va_list ap;

	if (sb->len)
		appendf(sb, "%s", sep);
	va_start(ap, fmt);
	append(sb, fmt, ap);
	va_end(ap);
}

char *nsi_strbuf_take(struct nsi_strbuf *sb)
{
	char *s = sb->s ? sb->s : xstrdup("");

	*sb = (struct nsi_strbuf){ NULL, 0, 0 };
	return s;
}
