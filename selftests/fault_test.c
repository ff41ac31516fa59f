// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation failures (failslab) while nsinspect takes and prints its
 * snapshots: each failure must end the open or the read with ENOMEM, never
 * with garbage, a leak (the kmemleak scan after the suite) or a kernel report
 * (the console scan). Needs CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_DEBUG_FS;
 * skipped on kernels without them (Debian's).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "nsi_test.h"

#define FAILSLAB "/sys/kernel/debug/failslab"

static const char *const files[] = { "version", "tasks", "nsproxies", "namespaces", "mounts" };
#define NFILES ARRAY_SIZE(files)

static int put(const char *attr, const char *val)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s", attr);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

/* failslab for GFP_KERNEL allocations too, and quiet: no stack per failure. */
static int failslab_setup(void)
{
	return put(FAILSLAB "/ignore-gfp-wait", "N") || put(FAILSLAB "/verbose", "0") ||
	       put(FAILSLAB "/cache-filter", "N");
}

static void failslab_off(void)
{
	put(FAILSLAB "/probability", "0");
	put(FAILSLAB "/task-filter", "N");
	put(FAILSLAB "/times", "1");
	put(FAILSLAB "/ignore-gfp-wait", "Y");
}

/* Every complete line of a partial read must still be a record or comment. */
static int prefix_parses(const char *buf, size_t len)
{
	char *copy;
	long bad;

	while (len && buf[len - 1] != '\n')
		len--;
	copy = strndup(buf, len);
	if (!copy)
		return 0;
	bad = nsi_check_format(copy);
	free(copy);
	/* -1 only says the record count is short of the header's: expected. */
	return bad <= 0;
}

struct outcome {
	int open_err;		/* errno of a failed open, else 0 */
	int read_err;		/* errno of a failed read, else 0 */
	int garbage;		/* output that does not parse */
};

/* Open and read NSI_DIR/name in 4 KiB reads and judge what came back. */
static struct outcome read_judged(const char *name)
{
	struct outcome o = { 0 };
	size_t cap = 1 << 16, len = 0;
	char path[128], *buf = malloc(cap);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), NSI_DIR "/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		o.open_err = errno;
		free(buf);
		return o;
	}
	for (;;) {
		if (len + 4097 > cap) {
			buf = realloc(buf, cap *= 2);
			if (!buf)
				abort();
		}
		n = read(fd, buf + len, 4096);
		if (n <= 0)
			break;
		len += n;
	}
	if (n < 0)
		o.read_err = errno;
	close(fd);
	buf[len] = '\0';
	if (o.read_err)
		o.garbage = !prefix_parses(buf, len);
	else
		o.garbage = nsi_check_format(buf) != 0 || strlen(buf) != len;
	free(buf);
	return o;
}

FIXTURE(fault) {
	int unused;
};

static int no_failslab(void)
{
	return access(FAILSLAB, F_OK) || access("/proc/thread-self/fail-nth", F_OK);
}

/* The tests skip themselves: this harness runs the body after a setup SKIP. */
FIXTURE_SETUP(fault)
{
	if (!no_failslab())
		ASSERT_EQ(0, failslab_setup());
}

FIXTURE_TEARDOWN(fault)
{
	failslab_off();
}

/*
 * fail-nth fails exactly the Nth allocation of this thread: walk N up until
 * open and read need fewer allocations than N, so that every allocation of
 * the path (nsinspect's, and the VFS and seq_file ones around them) fails
 * once.
 */
TEST_F_TIMEOUT(fault, each_allocation_fails_cleanly, 900)
{
	long points = 0, open_enomem = 0, read_enomem = 0, survived = 0;
	size_t f;
	int nth;

	if (no_failslab())
		SKIP(return, "no failslab or fail-nth in this kernel (CONFIG_FAILSLAB)");
	nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	ASSERT_GE(nth, 0);
	for (f = 0; f < NFILES; f++) {
		long n;

		for (n = 1; n < 10000; n++) {
			struct outcome o;
			char val[32];
			ssize_t len;

			len = snprintf(val, sizeof(val), "%ld", n);
			ASSERT_EQ(len, pwrite(nth, val, len, 0));
			o = read_judged(files[f]);
			len = pread(nth, val, sizeof(val) - 1, 0);
			ASSERT_GT(len, 0);
			val[len] = '\0';
			/* Left over: the path needed fewer than n allocations. */
			if (atol(val)) {
				ASSERT_EQ(1, pwrite(nth, "0", 1, 0));
				EXPECT_EQ(0, o.open_err + o.read_err)
					TH_LOG("%s without failures: %s", files[f],
					       strerror(o.open_err + o.read_err));
				EXPECT_EQ(0, o.garbage);
				break;
			}
			points++;
			EXPECT_EQ(0, o.garbage) TH_LOG("%s, allocation %ld failed: garbage",
						       files[f], n);
			if (o.open_err) {
				EXPECT_EQ(ENOMEM, o.open_err)
					TH_LOG("%s, allocation %ld: open %s", files[f], n,
					       strerror(o.open_err));
				open_enomem += o.open_err == ENOMEM;
			} else if (o.read_err) {
				EXPECT_EQ(ENOMEM, o.read_err)
					TH_LOG("%s, allocation %ld: read %s", files[f], n,
					       strerror(o.read_err));
				read_enomem += o.read_err == ENOMEM;
			} else {
				/* A fallback (kvmalloc's vmalloc) covered the failure. */
				survived++;
			}
		}
		EXPECT_LT(n, 10000) TH_LOG("%s: no end to its allocations", files[f]);
	}
	close(nth);
	printf("# fault: mode=fail-nth files=%zu points=%ld", NFILES, points);
	printf(" open_enomem=%ld read_enomem=%ld survived=%ld\n", open_enomem, read_enomem,
	       survived);
	/* The walk reached nsinspect's snapshot allocations, not only the VFS. */
	EXPECT_GT(open_enomem, (long)NFILES);
	EXPECT_GT(read_enomem, 0);
	/* And everything reads normally again. */
	for (f = 0; f < NFILES; f++) {
		struct outcome o = read_judged(files[f]);

		EXPECT_EQ(0, o.open_err + o.read_err + o.garbage) TH_LOG("%s after", files[f]);
	}
}

/* put() for the reader task, whose own writes may meet the pending failure. */
static int put_retry(const char *attr, const char *val)
{
	return put(attr, val) && put(attr, val);
}

/*
 * Failures at pseudo-random points, in the reader task only (task-filter and
 * /proc/self/make-it-fail): before each read, failslab is armed to fail one
 * allocation (times=1) after a random number of them (interval). One failure
 * per read, so no fallback path fails twice.
 */
TEST_F_TIMEOUT(fault, random_failures_in_reader_task, 900)
{
	long rounds = 40, res[6] = { 0 };
	int pipefd[2], status;
	pid_t pid;

	if (no_failslab())
		SKIP(return, "no failslab in this kernel (CONFIG_FAILSLAB)");
	ASSERT_EQ(0, pipe(pipefd));
	ASSERT_EQ(0, put(FAILSLAB "/task-filter", "Y"));
	ASSERT_EQ(0, put(FAILSLAB "/probability", "100"));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		unsigned int seed = 1;
		long r;
		size_t f;

		close(pipefd[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (r = 0; r < rounds; r++) {
			for (f = 0; f < NFILES; f++) {
				struct outcome o;
				char val[16];

				snprintf(val, sizeof(val), "%d", 1 + rand_r(&seed) % 60);
				if (put_retry("/proc/self/make-it-fail", "0") ||
				    put(FAILSLAB "/times", "1") ||
				    put(FAILSLAB "/interval", val) ||
				    put("/proc/self/make-it-fail", "1"))
					_exit(2);
				o = read_judged(files[f]);
				res[5] += o.garbage;
				if (o.open_err == ENOMEM)
					res[1]++;
				else if (o.read_err == ENOMEM)
					res[2]++;
				else if (o.open_err || o.read_err)
					res[3]++;
				else
					res[0]++;
			}
		}
		if (put_retry("/proc/self/make-it-fail", "0"))
			_exit(2);
		res[4] = rounds * NFILES;
		_exit(write(pipefd[1], res, sizeof(res)) == sizeof(res) ? 0 : 3);
	}
	close(pipefd[1]);
	ASSERT_EQ(sizeof(res), read(pipefd[0], res, sizeof(res)));
	close(pipefd[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	failslab_off();
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	printf("# fault: mode=random-point reads=%ld ok=%ld", res[4], res[0]);
	printf(" open_enomem=%ld read_enomem=%ld other_errors=%ld garbage=%ld\n", res[1],
	       res[2], res[3], res[5]);
	EXPECT_EQ(0, res[3]);
	EXPECT_EQ(0, res[5]);
	/* Failures were injected, and reads past the failing point got through. */
	EXPECT_GT(res[1] + res[2], 0);
	EXPECT_GT(res[0], 0);
}

TEST_HARNESS_MAIN
