// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test runner: run-tests TOOL FIXTURES
 *
 * TOOL is the nsinspect-tool binary the CLI tests execute, FIXTURES the
 * tests/fixtures directory. Exits non-zero if any test failed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tests.h"

const char *test_tool;
const char *test_fixtures;

int main(int argc, char **argv)
{
	const struct tap_suite suites[] = { record_suite, version_suite, cli_suite,
					  golden_suite, jq_suite, check_suite, container_suite,
					  fuzz_suite, metrics_suite };

	if (argc != 3) {
		fprintf(stderr, "usage: %s TOOL FIXTURES\n", argv[0]);
		return 2;
	}
	test_tool = argv[1];
	test_fixtures = argv[2];
	/* The golden files are the C locale's: ASCII tree art. */
	setenv("LC_ALL", "C", 1);
	return tap_run(suites, ARRAY_SIZE(suites)) ? 1 : 0;
}
