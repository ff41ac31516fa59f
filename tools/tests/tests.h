/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP harness for the nsinspect-tool unit tests.
 *
 * Suites are arrays of test functions, so the plan ("1..N") is known
 * before anything runs. A failed check reports itself and longjmp()s back
 * to the runner, which ends the test there: no check is followed by code
 * that assumes it passed, and the checks stay plain function calls.
 */
#ifndef NSI_TESTS_H
#define NSI_TESTS_H

#include <stdbool.h>
#include <stddef.h>

#include "compiler.h"

struct tap_test {
	const char *name;
	void (*fn)(const void *arg);
	const void *arg;
};

struct tap_suite {
	const struct tap_test *tests;
	size_t nr_tests;
};

/* Runs every suite, prints TAP; returns the number of failed tests. */
int tap_run(const struct tap_suite *suites, size_t nr_suites);

/* The name of the running test, for tests that derive data from it. */
extern const char *tap_current_name;

/* A "# ..." diagnostic line. */
__printf(1, 2) void tap_diag(const char *fmt, ...);

/* End the running test as skipped, or as failed; neither returns. */
__printf(1, 2) void tap_skip(const char *fmt, ...);
__printf(3, 4) void tap_fail(const char *file, int line, const char *fmt, ...);

void tap_check(const char *file, int line, bool ok, const char *expr);
void tap_check_str(const char *file, int line, const char *expr,
		   const char *got, const char *expected);
void tap_check_has(const char *file, int line, const char *expr,
		   const char *haystack, const char *needle);

/* @cond holds. */
#define CHECK(cond)		tap_check(__FILE__, __LINE__, (cond), #cond)
/* @got equals @expected; shows both otherwise. NULL never equals. */
#define CHECK_STR(got, expected) \
	tap_check_str(__FILE__, __LINE__, #got, (got), (expected))
/* @haystack contains @needle. */
#define CHECK_HAS(haystack, needle) \
	tap_check_has(__FILE__, __LINE__, #haystack, (haystack), (needle))

/* Set by run-tests.c from its command line. */
extern const char *test_tool;		/* the nsinspect-tool binary under test */
extern const char *test_fixtures;	/* tests/fixtures */

extern const struct tap_suite record_suite;
extern const struct tap_suite version_suite;
extern const struct tap_suite cli_suite;
extern const struct tap_suite golden_suite;
extern const struct tap_suite check_suite;
extern const struct tap_suite jq_suite;
extern const struct tap_suite fuzz_suite;
extern const struct tap_suite container_suite;
extern const struct tap_suite metrics_suite;

#endif /* NSI_TESTS_H */
