// SPDX-License-Identifier: GPL-2.0
/*
 * What a read sees: files that one process holds open together are one
 * snapshot, and every file parses in reads of any size while processes come
 * and go in namespaces of their own.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "nsi_test.h"

/* The id in the "# snapshot id=N ..." header of an open file. */
static long long snapshot_id(int fd)
{
	char buf[512], *p;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "# snapshot id=");
	return p ? atoll(p + 14) : -1;
}

static int open_nsi(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), NSI_DIR "/%s", name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/*
 * Files one process holds open together are one moment of the system; a
 * file opened alone, or by another process, is a new one.
 */
TEST(files_open_together_share_one_snapshot)
{
	int tasks, ns, nsp, again, pipefd[2];
	long long id, other;
	pid_t pid;

	tasks = open_nsi("tasks");
	ns = open_nsi("namespaces");
	nsp = open_nsi("nsproxies");
	ASSERT_LE(0, tasks);
	ASSERT_LE(0, ns);
	ASSERT_LE(0, nsp);
	id = snapshot_id(tasks);
	ASSERT_GT(id, 0);
	EXPECT_EQ(id, snapshot_id(ns));
	EXPECT_EQ(id, snapshot_id(nsp));

	/* Another process gets its own, even while ours is open. */
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd = open_nsi("namespaces");

		other = fd < 0 ? -1 : snapshot_id(fd);
		_exit(write(pipefd[1], &other, sizeof(other)) != sizeof(other));
	}
	ASSERT_EQ(sizeof(other), read(pipefd[0], &other, sizeof(other)));
	waitpid(pid, NULL, 0);
	EXPECT_GT(other, id);
	close(pipefd[0]);
	close(pipefd[1]);

	close(tasks);
	close(ns);
	close(nsp);
	again = open_nsi("tasks");
	ASSERT_LE(0, again);
	EXPECT_GT(snapshot_id(again), other);
	close(again);
}

/* 200 short-lived processes, a third of them in fresh namespaces. */
static void churn(void)
{
	int i;

	for (i = 0; i < 200; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			if (i % 3 == 0)
				unshare(CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET);
			usleep(1000 * (i % 7));
			_exit(0);
		}
		if (i % 20 == 19)
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
	}
	while (wait(NULL) > 0)
		;
	_exit(0);
}

TEST(reads_parse_while_processes_churn)
{
	static const char *const files[] = { "tasks", "nsproxies", "namespaces", "version" };
	static const size_t chunks[] = { 1, 7, 4096, 65536 };
	int rounds = 0, status;
	pid_t churner;

	churner = fork();
	ASSERT_LE(0, churner);
	if (churner == 0)
		churn();
	while (waitpid(churner, &status, WNOHANG) == 0 || rounds < 4) {
		size_t f, chunk = chunks[rounds % ARRAY_SIZE(chunks)];

		for (f = 0; f < ARRAY_SIZE(files); f++) {
			char *text = nsi_read_file(files[f], chunk, NULL);
			long bad;

			ASSERT_NE(NULL, text) TH_LOG("reading %s: %s", files[f], strerror(errno));
			bad = nsi_check_format(text);
			EXPECT_EQ(0, bad) TH_LOG("%s, line %ld (-1: count)", files[f], bad);
			free(text);
		}
		rounds++;
	}
	TH_LOG("%d rounds", rounds);
	EXPECT_GE(rounds, 4);
}

TEST_HARNESS_MAIN
