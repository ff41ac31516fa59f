// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers every subcommand uses, apart from main() so that the tests
 * and the fuzzer can link the commands without it.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "model.h"

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

unsigned int nsi_files_no_mounts(const struct nsi_ctx *ctx)
{
	(void)ctx;
	return NSI_FILES_NO_MOUNTS;
}

/* Decimal digits only, no sign or blanks; strtoull() is slow and lax. */
bool nsi_parse_ull(const char *s, unsigned long long *out)
{
	unsigned long long n = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++)
		if (__builtin_mul_overflow(n, 10, &n) ||
		    __builtin_add_overflow(n, (unsigned int)(*s - '0'), &n))
			return false;
	*out = n;
	return !*s;
}

bool nsi_parse_ll(const char *s, long long *out)
{
	unsigned long long n;
	bool neg = *s == '-';

	if (!nsi_parse_ull(s + neg, &n) || n > (unsigned long long)LLONG_MAX + neg)
		return false;
	*out = neg ? (long long)(0 - n) : (long long)n;
	return true;
}
