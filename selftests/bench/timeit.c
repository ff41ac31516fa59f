// SPDX-License-Identifier: GPL-2.0
/*
 * timeit REPS CMD [ARGS...]: run CMD REPS times with its output discarded and
 * print "median_us=N min_us=N max_us=N" for the wall-clock time of a run.
 * The guest's busybox has no sub-second clock for shell scripts.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long long *t;
	int reps, i;

	reps = argc >= 3 ? atoi(argv[1]) : 0;
	if (reps < 1) {
		fprintf(stderr, "usage: timeit REPS CMD [ARGS...]\n");
		return 2;
	}
	t = calloc(reps, sizeof(*t));
	if (!t)
		return 1;
	for (i = 0; i < reps; i++) {
		long long start = now_us();
		int status;
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);

			dup2(null, 1);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 1)) {
			fprintf(stderr, "timeit: %s failed\n", argv[2]);
			return 1;
		}
		t[i] = now_us() - start;
	}
	qsort(t, reps, sizeof(*t), cmp);
	printf("median_us=%lld min_us=%lld max_us=%lld\n", t[reps / 2], t[0], t[reps - 1]);
	free(t);
	return 0;
}
