// SPDX-License-Identifier: GPL-2.0
/*
 * TAP output for the unit tests; see tests.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tests.h"

enum tap_result { TAP_PASS, TAP_FAIL, TAP_SKIP };

/* The running test's way back to run_one(), and how it ended. */
static jmp_buf test_end;
static enum tap_result result;
static char skip_reason[256];
const char *tap_current_name;

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	/* Diagnostics go to stdout so they stay next to their "not ok". */
	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void tap_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(skip_reason, sizeof(skip_reason), fmt, ap);
	va_end(ap);
	result = TAP_SKIP;
	longjmp(test_end, 1);
}

void tap_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("# %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	result = TAP_FAIL;
	longjmp(test_end, 1);
}

void tap_check(const char *file, int line, bool ok, const char *expr)
{
	if (!ok)
		tap_fail(file, line, "failed: %s", expr);
}

void tap_check_str(const char *file, int line, const char *expr,
		   const char *got, const char *expected)
{
	if (got && expected && !strcmp(got, expected))
		return;
	tap_diag("  got:      '%s'", got ? got : "(null)");
	tap_diag("  expected: '%s'", expected ? expected : "(null)");
	tap_fail(file, line, "failed: %s is not as expected", expr);
}

void tap_check_has(const char *file, int line, const char *expr,
		   const char *haystack, const char *needle)
{
	if (haystack && strstr(haystack, needle))
		return;
	tap_diag("  got: '%s'", haystack ? haystack : "(null)");
	tap_fail(file, line, "failed: %s does not contain '%s'", expr, needle);
}

static enum tap_result run_one(const struct tap_test *test)
{
	result = TAP_PASS;
	tap_current_name = test->name;
	fflush(stdout);		/* before a CLI test forks */
	if (!setjmp(test_end))
		test->fn(test->arg);
	return result;
}

int tap_run(const struct tap_suite *suites, size_t nr_suites)
{
	size_t s, t, total = 0, n = 0;
	int failed = 0;

	for (s = 0; s < nr_suites; s++)
		total += suites[s].nr_tests;
	printf("TAP version 13\n1..%zu\n", total);

	for (s = 0; s < nr_suites; s++) {
		for (t = 0; t < suites[s].nr_tests; t++) {
			const struct tap_test *test = &suites[s].tests[t];

			n++;
			switch (run_one(test)) {
			case TAP_PASS:
				printf("ok %zu - %s\n", n, test->name);
				break;
			case TAP_SKIP:
				printf("ok %zu - %s # SKIP %s\n", n, test->name, skip_reason);
				break;
			case TAP_FAIL:
				printf("not ok %zu - %s\n", n, test->name);
				failed++;
				break;
			}
		}
	}
	fflush(stdout);
	return failed;
}
