// SPDX-License-Identifier: GPL-2.0
/*
 * timeit ROUNDS CMD [ARGS...] [-- CMD [ARGS...]]...
 *
 * Run each command once per round with its output discarded, ROUNDS
 * rounds, so that a slow stretch of a shared host touches every command
 * alike. Prints a line "median_us=N min_us=N max_us=N" of the wall-clock
 * times of each command, in the order given, then with two commands or
 * more "ratio median=X min=X max=X" of the first one's time over the
 * second's, round by round.
 *
 * The guest's busybox has no sub-second clock for shell scripts.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* Wall-clock time of one run of argv, or -1 if it failed. */
static long long run(char **argv)
{
	long long start = now_us();
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 1)) {
		fprintf(stderr, "timeit: %s failed\n", argv[0]);
		return -1;
	}
	return now_us() - start;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Sort v and print its median (the upper middle one of an even count), min
 * and max: whole microseconds, or a ratio to two decimals.
 */
static void stats(double *v, int n, bool us)
{
	const char *fmt = us ? "median_us=%.0f min_us=%.0f max_us=%.0f\n" :
			       "ratio median=%.2f min=%.2f max=%.2f\n";

	qsort(v, n, sizeof(*v), cmp);
	printf(fmt, v[n / 2], v[0], v[n - 1]);
}

int main(int argc, char **argv)
{
	char **cmd[16];
	double *t[16], *ratio;
	int rounds, ncmd = 0, i, r;

	rounds = argc >= 3 ? atoi(argv[1]) : 0;
	if (rounds < 1) {
		fprintf(stderr, "usage: timeit ROUNDS CMD [ARGS...] [-- CMD [ARGS...]]...\n");
		return 2;
	}
	cmd[ncmd++] = argv + 2;
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--"))
			continue;
		argv[i] = NULL;
		if (ncmd == 16) {
			fprintf(stderr, "timeit: too many commands\n");
			return 2;
		}
		cmd[ncmd++] = argv + i + 1;
	}
	for (i = 0; i < ncmd; i++) {
		if (!cmd[i][0]) {
			fprintf(stderr, "timeit: missing command\n");
			return 2;
		}
		t[i] = calloc(rounds, sizeof(*t[i]));
		if (!t[i])
			return 1;
	}
	ratio = calloc(rounds, sizeof(*ratio));
	if (!ratio)
		return 1;
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < ncmd; i++) {
			long long us = run(cmd[i]);

			if (us < 0)
				return 1;
			t[i][r] = us;
		}
		if (ncmd > 1)
			ratio[r] = t[0][r] / t[1][r];
	}
	for (i = 0; i < ncmd; i++) {
		stats(t[i], rounds, true);
		free(t[i]);
	}
	if (ncmd > 1)
		stats(ratio, rounds, false);
	free(ratio);
	return 0;
}
