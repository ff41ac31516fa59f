// SPDX-License-Identifier: GPL-2.0
/*
 * timeit REPS CMD [ARGS...]
 *	run CMD REPS times with its output discarded and print
 *	"median_us=N min_us=N max_us=N" for the wall-clock time of a run.
 *
 * timeit REPS CMD [ARGS...] -- CMD2 [ARGS...]
 *	alternate the two, REPS times each, so that both see the same drift
 *	of a shared host, and add "b_median_us=... b_min_us=... b_max_us=..."
 *	for CMD2 and "ratio_median=X ratio_min=X ratio_max=X" for the time of
 *	CMD over that of CMD2 in each pair.
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
static void stats(const char *prefix, double *v, int n, bool us)
{
	const char *fmt = us ? "%smedian_us=%.0f %smin_us=%.0f %smax_us=%.0f" :
			       "%smedian=%.2f %smin=%.2f %smax=%.2f";

	qsort(v, n, sizeof(*v), cmp);
	printf(fmt, prefix, v[n / 2], prefix, v[0], prefix, v[n - 1]);
}

int main(int argc, char **argv)
{
	char **a = argv + 2, **b = NULL;
	double *ta, *tb, *ratio;
	int reps, i;

	reps = argc >= 3 ? atoi(argv[1]) : 0;
	if (reps < 1) {
		fprintf(stderr, "usage: timeit REPS CMD [ARGS...] [-- CMD2 [ARGS...]]\n");
		return 2;
	}
	for (i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			argv[i] = NULL;
			b = argv + i + 1;
			break;
		}
	if (!a[0] || (b && !b[0])) {
		fprintf(stderr, "timeit: missing command\n");
		return 2;
	}
	ta = calloc(reps, sizeof(*ta));
	tb = calloc(reps, sizeof(*tb));
	ratio = calloc(reps, sizeof(*ratio));
	if (!ta || !tb || !ratio)
		return 1;
	for (i = 0; i < reps; i++) {
		long long x = run(a), y = b ? run(b) : 1;

		if (x < 0 || y < 0)
			return 1;
		ta[i] = x;
		tb[i] = y;
		ratio[i] = (double)x / y;
	}
	stats("", ta, reps, true);
	if (b) {
		putchar(' ');
		stats("b_", tb, reps, true);
		putchar(' ');
		stats("ratio_", ratio, reps, false);
	}
	putchar('\n');
	free(ta);
	free(tb);
	free(ratio);
	return 0;
}
