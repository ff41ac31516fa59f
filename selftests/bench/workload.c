// SPDX-License-Identifier: GPL-2.0
/*
 * Builds the benchmark's workloads quickly, without a fork and exec per
 * object as a shell loop would need under TCG:
 *
 *   workload tasks SETS   SETS sets of 10 tasks, each set in fresh uts, ipc,
 *                         net and pid namespaces; prints when they are up
 *   workload mounts COUNT a fresh mount namespace with COUNT tmpfs mounts
 *
 * Both keep their objects until killed (SIGTERM or SIGKILL to the group).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SET_SIZE 10

static void hold(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;)
		pause();
}

/* One set: an unsharing parent outside, pid 1 and 8 more inside. */
static int one_set(void)
{
	pid_t init = fork();
	int i;

	if (init)
		return init < 0 ? -1 : 0;
	if (unshare(CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID))
		_exit(1);
	init = fork();
	if (init == 0) {
		for (i = 0; i < SET_SIZE - 2; i++)
			if (fork() == 0)
				hold();
		hold();
	}
	hold();
	return 0;
}

static int tasks(int sets)
{
	int i;

	for (i = 0; i < sets; i++)
		if (one_set())
			return 1;
	return 0;
}

static int mounts(int count)
{
	char path[64];
	int i;

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		perror("workload: mount namespace");
		return 1;
	}
	mkdir("/tmp/bench", 0700);
	for (i = 0; i < count; i++) {
		snprintf(path, sizeof(path), "/tmp/bench/%d", i);
		if ((mkdir(path, 0700) && errno != EEXIST) ||
		    mount("bench", path, "tmpfs", 0, "size=64k")) {
			perror("workload: mount");
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	int n = argc == 3 ? atoi(argv[2]) : -1;
	int ret;

	if (n < 1 || (strcmp(argv[1], "tasks") && strcmp(argv[1], "mounts"))) {
		fprintf(stderr, "usage: workload tasks SETS | workload mounts COUNT\n");
		return 2;
	}
	ret = !strcmp(argv[1], "tasks") ? tasks(n) : mounts(n);
	if (ret)
		return ret;
	printf("ready\n");
	fflush(stdout);
	hold();
	return 0;
}
