// SPDX-License-Identifier: GPL-2.0
/*
 * Replays tests/fuzz-regressions/: inputs that once crashed the parser
 * or the model (crash-*, kept by make fuzz) and hand-made ones for the
 * walks a fuzzer reaches slowly (seed-*: parent cycles and the like).
 * Each runs in a child, so a crash fails the test, not the runner, and
 * the sanitizers' leak check runs on the child's exit.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../fuzz/fuzz.h"
#include "tests.h"

/* Feed @path to nsi_fuzz_one() in a child; its wait status. */
static int replay(const char *path)
{
	unsigned char *buf;
	int status = -1;
	size_t n;
	FILE *fp;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		fp = fopen(path, "re");
		buf = malloc(1 << 20);
		if (!fp || !buf || !freopen("/dev/null", "w", stdout))
			_exit(126);
		n = fread(buf, 1, 1 << 20, fp);
		fclose(fp);
		nsi_fuzz_one(buf, n);
		free(buf);
		exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static void test_regressions(const void *arg)
{
	char dir[PATH_MAX], path[PATH_MAX + 256];
	unsigned int nr = 0, bad = 0;
	struct dirent *de;
	DIR *d;

	(void)arg;
	snprintf(dir, sizeof(dir), "%s/../fuzz-regressions", test_fixtures);
	d = opendir(dir);
	CHECK(d);
	while ((de = readdir(d))) {
		int status;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		status = replay(path);
		nr++;
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			tap_diag("%s: wait status %#x", de->d_name, status);
			bad++;
		}
	}
	closedir(d);
	tap_diag("%u fuzz regression inputs replayed", nr);
	CHECK(nr > 0);
	CHECK(bad == 0);
}

static const struct tap_test tests[] = {
	{ "fuzz: regression inputs replay cleanly", test_regressions, NULL },
};

const struct tap_suite fuzz_suite = { tests, ARRAY_SIZE(tests) };
