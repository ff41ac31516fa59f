// SPDX-License-Identifier: GPL-2.0
/*
 * Builds the benchmark's workloads quickly, without a fork and exec per
 * object as a shell loop would need under TCG:
 *
 *   workload tasks SETS   SETS sets of 10 tasks, each set in fresh uts, ipc,
 *                         net and pid namespaces; prints when they are up
 *   workload mounts COUNT a fresh mount namespace with COUNT tmpfs mounts
 *
 * Both keep their objects until SIGTERM, then end them and reap every task
 * they made, so that no zombie is left to inflate the next measurement.
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
static pid_t one_set(void)
{
	pid_t init = fork();
	int i;

	if (init)
		return init;
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

static pid_t *set_pids;
static int nr_sets;

static int tasks(int sets)
{
	set_pids = calloc(sets, sizeof(*set_pids));
	if (!set_pids)
		return 1;
	for (nr_sets = 0; nr_sets < sets; nr_sets++) {
		set_pids[nr_sets] = one_set();
		if (set_pids[nr_sets] < 0)
			return 1;
	}
	return 0;
}

/* Wait for SIGTERM, then kill the sets and reap all they leave behind. */
static int wait_and_clean(void)
{
	sigset_t set;
	int sig, i;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	if (sigwait(&set, &sig))
		return 1;
	for (i = 0; i < nr_sets; i++)
		kill(set_pids[i], SIGKILL);
	/* As subreaper we inherit every orphan of the sets. */
	while (wait(NULL) > 0 || errno == EINTR)
		;
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
	sigset_t set;
	int ret;

	if (n < 1 || (strcmp(argv[1], "tasks") && strcmp(argv[1], "mounts"))) {
		fprintf(stderr, "usage: workload tasks SETS | workload mounts COUNT\n");
		return 2;
	}
	/* Before any fork: SIGTERM is taken by sigwait(), and orphans come here. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) || prctl(PR_SET_CHILD_SUBREAPER, 1))
		return 1;
	ret = !strcmp(argv[1], "tasks") ? tasks(n) : mounts(n);
	if (ret)
		return ret;
	printf("ready\n");
	fflush(stdout);
	return wait_and_clean();
}
