// SPDX-License-Identifier: GPL-2.0
/*
 * Builds the scale tests' objects fast, with no fork and exec per object,
 * which under TCG would cost more than what is measured:
 *
 *   scale_load binds N DIR    a new mount namespace holding a tmpfs on DIR,
 *                             another on DIR/src and N bind mounts of that
 *                             one under DIR: N + 1 mounts of one superblock
 *   scale_load tmpfs N DIR    a new mount namespace holding N tmpfs mounts
 *                             under DIR: N superblocks, one namespace
 *   scale_load nsbinds N DIR  a new mount namespace holding N uts
 *                             namespaces, each kept by an nsfs bind mount
 *                             of it under DIR and by nothing else
 *   scale_load nets N DIR     the same with N net namespaces
 *   scale_load threads N      N threads that sleep
 *   scale_load fds N          one process with N open files (dups of one)
 *
 * Each prints "ready" once its objects exist and keeps them until SIGTERM,
 * then exits, which ends them all (a mount namespace dies with its last
 * task).
 *
 *   scale_load churn SECONDS DIR
 *                             mounts a tmpfs on DIR and unmounts it again
 *                             for SECONDS, then prints
 *                             "churn cycles=N worst_us=N", the longest
 *                             mount+umount pair
 *   scale_load forks SECONDS  forks a child that exits at once and reaps it
 *                             for SECONDS: "forks cycles=N worst_us=N"
 *   scale_load opens N PATH   opens and closes PATH N times: "us=N"
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static int fail(const char *what, const char *arg)
{
	fprintf(stderr, "scale_load: %s %s: %s\n", what, arg, strerror(errno));
	return 1;
}

/* Block SIGTERM before the objects exist, so that it is never lost. */
static void block_term(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigprocmask(SIG_BLOCK, set, NULL);
}

static int ready_then_wait(sigset_t *set)
{
	int sig;

	printf("ready\n");
	fflush(stdout);
	return sigwait(set, &sig) ? 1 : 0;
}

/* A private mount namespace with a tmpfs on dir, its propagation private. */
static int private_tmpfs(const char *dir)
{
	if (unshare(CLONE_NEWNS))
		return fail("unshare", "CLONE_NEWNS");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return fail("make-rprivate", "/");
	if (mkdir(dir, 0700) && errno != EEXIST)
		return fail("mkdir", dir);
	if (mount("scale", dir, "tmpfs", 0, "size=64m,nr_inodes=0"))
		return fail("mount tmpfs", dir);
	return 0;
}

static int mounts(const char *kind, long n, const char *dir)
{
	bool binds = !strcmp(kind, "binds");
	char path[4096], src[4096];
	sigset_t set;
	long i;

	block_term(&set);
	if (private_tmpfs(dir))
		return 1;
	/*
	 * Binds come from a mount of their own, never from the one they are
	 * made under: a bind checks every child of its source mount
	 * (has_locked_children()), which would make N binds quadratic.
	 */
	snprintf(src, sizeof(src), "%s/src", dir);
	if (binds && (mkdir(src, 0700) || mount("scale", src, "tmpfs", 0, "size=4k")))
		return fail("mount tmpfs", src);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%ld", dir, i);
		if (mkdir(path, 0700))
			return fail("mkdir", path);
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%ld", dir, i);
		if (binds ? mount(src, path, NULL, MS_BIND, NULL) :
		    mount("scale", path, "tmpfs", 0, "size=4k"))
			return fail("mount", path);
	}
	return ready_then_wait(&set);
}

/* n namespaces of one type, each pinned by a bind mount of its nsfs file. */
static int nsbinds(long n, const char *dir, int type, const char *file)
{
	char path[4096];
	sigset_t set;
	long i;
	int fd;

	block_term(&set);
	if (private_tmpfs(dir))
		return 1;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%ld", dir, i);
		fd = open(path, O_CREAT | O_WRONLY, 0600);
		if (fd < 0)
			return fail("create", path);
		close(fd);
		if (unshare(type))
			return fail("unshare", file);
		if (mount(file, path, NULL, MS_BIND, NULL))
			return fail("bind", path);
	}
	return ready_then_wait(&set);
}

static pthread_barrier_t started;

static void *sleeper(void *arg)
{
	pthread_barrier_wait(&started);
	for (;;)
		pause();
	return arg;
}

static int threads(long n)
{
	pthread_attr_t attr;
	pthread_t t;
	sigset_t set;
	long i;

	block_term(&set);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_barrier_init(&started, NULL, n + 1);
	for (i = 0; i < n; i++) {
		errno = pthread_create(&t, &attr, sleeper, NULL);
		if (errno)
			return fail("pthread_create", "");
	}
	/* Every thread has run, and then a second for them all to settle. */
	pthread_barrier_wait(&started);
	sleep(1);
	return ready_then_wait(&set);
}

static int fds(long n)
{
	struct rlimit rl = { .rlim_cur = n + 64, .rlim_max = n + 64 };
	sigset_t set;
	long i;

	block_term(&set);
	if (setrlimit(RLIMIT_NOFILE, &rl))
		return fail("setrlimit", "RLIMIT_NOFILE");
	for (i = 0; i < n; i++)
		if (dup(0) < 0)
			return fail("dup", "0");
	return ready_then_wait(&set);
}

static int fork_loop(long seconds)
{
	long long end = now_us() + seconds * 1000000LL, worst = 0, t;
	long cycles = 0;
	pid_t pid;

	while ((t = now_us()) < end) {
		pid = fork();
		if (pid < 0)
			return fail("fork", "");
		if (!pid)
			_exit(0);
		if (waitpid(pid, NULL, 0) != pid)
			return fail("waitpid", "");
		t = now_us() - t;
		if (t > worst)
			worst = t;
		cycles++;
	}
	printf("forks cycles=%ld worst_us=%lld\n", cycles, worst);
	return 0;
}

static int opens(long n, const char *path)
{
	long long t = now_us();
	long i;
	int fd;

	for (i = 0; i < n; i++) {
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return fail("open", path);
		close(fd);
	}
	printf("us=%lld\n", now_us() - t);
	return 0;
}

static int mount_churn(long seconds, const char *dir)
{
	long long end = now_us() + seconds * 1000000LL, worst = 0, t;
	long cycles = 0;

	if (mkdir(dir, 0700) && errno != EEXIST)
		return fail("mkdir", dir);
	while ((t = now_us()) < end) {
		if (mount("churn", dir, "tmpfs", 0, "size=4k"))
			return fail("mount", dir);
		if (umount(dir))
			return fail("umount", dir);
		t = now_us() - t;
		if (t > worst)
			worst = t;
		cycles++;
	}
	printf("churn cycles=%ld worst_us=%lld\n", cycles, worst);
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 0;

	if (argc == 4 && (!strcmp(argv[1], "binds") || !strcmp(argv[1], "tmpfs")))
		return mounts(argv[1], n, argv[3]);
	if (argc == 4 && !strcmp(argv[1], "nsbinds"))
		return nsbinds(n, argv[3], CLONE_NEWUTS, "/proc/self/ns/uts");
	if (argc == 4 && !strcmp(argv[1], "nets"))
		return nsbinds(n, argv[3], CLONE_NEWNET, "/proc/self/ns/net");
	if (argc == 3 && !strcmp(argv[1], "threads"))
		return threads(n);
	if (argc == 3 && !strcmp(argv[1], "fds"))
		return fds(n);
	if (argc == 3 && !strcmp(argv[1], "forks"))
		return fork_loop(n);
	if (argc == 4 && !strcmp(argv[1], "opens"))
		return opens(n, argv[3]);
	if (argc == 4 && !strcmp(argv[1], "churn"))
		return mount_churn(n, argv[3]);
	fprintf(stderr, "usage: scale_load binds|tmpfs|nsbinds|nets N DIR | threads|fds N | %s\n",
		"churn SECONDS DIR | forks SECONDS | opens N PATH");
	return 2;
}
