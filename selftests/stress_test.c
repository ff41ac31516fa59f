// SPDX-License-Identifier: GPL-2.0
/*
 * nsinspect under churn: workers create and destroy namespaces of every type
 * and mounts (overlayfs too), open and bind mount nsfs files, and exit
 * threads and processes midway, while readers read every file end to end in
 * small and large reads and parse every record. Then load and unload
 * cycles under readers, one of them holding a file open across rmmod.
 *
 * NSI_STRESS_SECONDS sets the churn time (default 10), NSI_LOAD_CYCLES the
 * insmod/rmmod cycles (default 20); `make check-debug` runs 60 s and 100.
 * The figures go out as "# stress: ..." lines, which scripts/reliability.sh
 * turns into Documentation/reliability.txt.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "nsi_test.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define BASE "/tmp/nsi-stress"
#define NWORKERS 8
#define NREADERS 4

static const char *const files[] = { "version", "tasks", "nsproxies", "namespaces", "mounts" };
#define NFILES ARRAY_SIZE(files)
/* Small reads split records; the large one takes a file in one call. */
static const size_t chunks[] = { 61, 4096, 1 << 20 };

enum { T_MNT, T_UTS, T_IPC, T_NET, T_PID, T_CGROUP, T_TIME, T_USER, NTYPES };

static const char *const tname[NTYPES] = {
	"mnt", "uts", "ipc", "net", "pid", "cgroup", "time", "user",
};

static const int tflag[NTYPES] = {
	CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWPID,
	CLONE_NEWCGROUP, CLONE_NEWTIME, CLONE_NEWUSER,
};

/* Counters shared by every process of a run (MAP_SHARED). */
struct stats {
	long created[NTYPES];
	long setns, threads, exits, mounts, binds, overlays, lazy, umounts;
	long nsfs_fds, nsfs_binds, worker_ops, worker_fails;
	long reads, records, bytes, absent, errors;
	long loads, unloads, busy;
	long max_hold_us;	/* largest max_hold_us= of any header read */
	char error[256];
};

static struct stats *st;

static void add(long *c, long n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

static void reader_error(const char *fmt, ...)
{
	va_list ap;

	if (__atomic_fetch_add(&st->errors, 1, __ATOMIC_RELAXED) == 0) {
		va_start(ap, fmt);
		vsnprintf(st->error, sizeof(st->error), fmt, ap);
		va_end(ap);
	}
}

/* Reap whatever ended: workers are subreapers of their orphans. */
static void reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* ---- readers ---------------------------------------------------------------- */

/* Lines that are records, not comments. */
static long count_records(const char *text)
{
	const char *p = text;
	long n = 0;

	while (*p) {
		n += *p != '#' && *p != '\n';
		p = strchrnul(p, '\n');
		if (*p)
			p++;
	}
	return n;
}

/*
 * Read a file in chunk-byte reads and parse it. With tolerate_absent, a file
 * that cannot be opened because the module is being unloaded is counted,
 * not an error; a file that did open must read and parse completely all the
 * same.
 */
static void read_one(const char *name, size_t chunk, int tolerate_absent)
{
	const char *hold;
	int opened;
	char *buf;
	long bad;

	buf = nsi_read_file(name, chunk, &opened);
	if (!buf) {
		/*
		 * Gone (ENOENT), being removed (EIO: debugfs), or its module
		 * going away (ENXIO): refusals of an unloading module.
		 */
		if (!opened && tolerate_absent &&
		    (errno == ENOENT || errno == EIO || errno == ENXIO)) {
			add(&st->absent, 1);
			return;
		}
		reader_error("%s %s in %zu-byte chunks: %s", name, opened ? "read" : "open",
			     chunk, strerror(errno));
		return;
	}
	bad = nsi_check_format(buf);
	if (bad)
		reader_error("%s in %zu-byte chunks: %s %ld", name, chunk,
			     bad < 0 ? "record count differs from header" : "unparsable line",
			     bad);
	hold = strstr(buf, " max_hold_us=");
	if (hold) {
		long us = atol(hold + 13);
		long cur = __atomic_load_n(&st->max_hold_us, __ATOMIC_RELAXED);

		while (us > cur && !__atomic_compare_exchange_n(&st->max_hold_us, &cur, us, 0,
								__ATOMIC_RELAXED, __ATOMIC_RELAXED))
			;
	}
	add(&st->records, count_records(buf));
	add(&st->bytes, strlen(buf));
	add(&st->reads, 1);
	free(buf);
}

/* Every file with each read size. */
static void read_all_once(int tolerate_absent, unsigned int seed)
{
	size_t f, c;

	for (f = 0; f < NFILES; f++)
		for (c = 0; c < ARRAY_SIZE(chunks); c++)
			read_one(files[f], chunks[(c + seed) % 3], tolerate_absent);
}

/*
 * A reader process until *stop. Readers of the load test read one file at a
 * time and then pause for up to twice as long as that took: rmmod can only
 * unload in a moment when every file is closed, and without pauses four
 * readers leave it none.
 */
static pid_t start_reader(const int *stop, int tolerate_absent, unsigned int seed)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	while (!__atomic_load_n(stop, __ATOMIC_RELAXED)) {
		if (tolerate_absent) {
			double t = nsi_now();

			read_one(files[seed % NFILES], chunks[seed % 3], 1);
			seed = seed * 1103515245 + 12345;
			usleep(100 + (useconds_t)((nsi_now() - t) * 2e6 * (seed % 1000) / 1000));
		} else {
			read_all_once(0, seed++);
		}
	}
	_exit(0);
}

/* ---- workers ---------------------------------------------------------------- */

static void *thread_unshare(void *arg)
{
	/* A thread gets its own nsproxy, then exits while the process runs on. */
	if (!unshare(CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET)) {
		add(&st->created[T_UTS], 1);
		add(&st->created[T_IPC], 1);
		add(&st->created[T_NET], 1);
	}
	usleep((long)(uintptr_t)arg);
	return NULL;
}

/*
 * Four threads that each unshare: two exit on their own, two are still
 * running when the process exits.
 */
static int op_threads(unsigned int r)
{
	pthread_t t[4];
	int i, n = 0;

	for (i = 0; i < 4; i++)
		if (!pthread_create(&t[i], NULL, thread_unshare,
				    (void *)(uintptr_t)(i < 2 ? 0 : 100000 + r % 5000)))
			n |= 1 << i;
	for (i = 0; i < 2; i++)
		if (n & (1 << i) && !pthread_join(t[i], NULL))
			add(&st->threads, 1);
	if (n != 15)
		return -1;
	/* exit_group() with threads midway */
	add(&st->exits, 1);
	return 0;
}

/* Mount, bind mount, overlay, lazy and plain unmount in a private mount ns. */
static int op_mounts(int w, unsigned int r)
{
	char d[128], lower[160], upper[160], work[160], merged[160], bind[160], opts[512];

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -1;
	add(&st->created[T_MNT], 1);
	snprintf(d, sizeof(d), BASE "/w%d", w);
	if (mount("stress", d, "tmpfs", 0, "size=1m"))
		return -1;
	add(&st->mounts, 1);
	snprintf(lower, sizeof(lower), "%s/l", d);
	snprintf(upper, sizeof(upper), "%s/u", d);
	snprintf(work, sizeof(work), "%s/w", d);
	snprintf(merged, sizeof(merged), "%s/m", d);
	snprintf(bind, sizeof(bind), "%s/b", d);
	if (mkdir(lower, 0755) || mkdir(upper, 0755) || mkdir(work, 0755) ||
	    mkdir(merged, 0755) || mkdir(bind, 0755))
		return -1;
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work);
	if (mount("overlay", merged, "overlay", 0, opts))
		return -1;
	add(&st->overlays, 1);
	if (mount(merged, bind, NULL, MS_BIND, NULL))
		return -1;
	add(&st->binds, 1);
	switch (r % 3) {
	case 0:
		/* Detach the overlay with its bind mount still on it. */
		if (umount2(merged, MNT_DETACH))
			return -1;
		add(&st->lazy, 1);
		break;
	case 1:
		if (umount(bind) || umount(merged))
			return -1;
		add(&st->umounts, 2);
		break;
	default:
		/* Leave it all to the namespace's teardown. */
		break;
	}
	return 0;
}

/* nsfs: open every ns file, and bind mount one so it outlives its users. */
static int op_nsfs(int w, unsigned int r)
{
	static const char *const ns[] = { "mnt", "uts", "ipc", "net", "pid", "cgroup",
					  "time", "user", "pid_for_children",
					  "time_for_children" };
	char target[128], src[64];
	int fds[10], i, n = 0, fd;

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -1;
	add(&st->created[T_MNT], 1);
	if (unshare(CLONE_NEWNET | CLONE_NEWUTS))
		return -1;
	add(&st->created[T_NET], 1);
	add(&st->created[T_UTS], 1);
	for (i = 0; i < 10; i++) {
		snprintf(src, sizeof(src), "/proc/self/ns/%s", ns[i]);
		fds[i] = open(src, O_RDONLY | O_CLOEXEC);
		n += fds[i] >= 0;
	}
	add(&st->nsfs_fds, n);
	snprintf(target, sizeof(target), BASE "/w%d/nsfs-%u", w, r % 4);
	fd = open(target, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	snprintf(src, sizeof(src), "/proc/self/ns/%s", ns[1 + r % 3]);
	if (!mount(src, target, NULL, MS_BIND, NULL)) {
		add(&st->nsfs_binds, 1);
		if (r & 4 && !umount2(target, MNT_DETACH))
			add(&st->lazy, 1);
	}
	/* Close half; the rest go with the process. */
	for (i = 0; i < 10; i += 2)
		if (fds[i] >= 0)
			close(fds[i]);
	return n == 10 ? 0 : -1;
}

/* unshare() of every type, then a child in the new pid and time namespaces. */
static int op_unshare(unsigned int r)
{
	int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
		    CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWCGROUP | CLONE_NEWTIME;
	pid_t pid;
	int i;

	if (unshare(flags))
		return -1;
	for (i = 0; i < NTYPES; i++)
		add(&st->created[i], 1);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* pid 1 of the new pid namespace, in the new time namespace */
		if (r & 1)
			op_threads(r);
		_exit(getpid() == 1 ? 0 : 1);
	}
	if (r & 2)
		return 0;	/* exit before the child: it is orphaned midway */
	return waitpid(pid, NULL, 0) == pid ? 0 : -1;
}

/* clone() and clone3() straight into new namespaces. */
static int op_clone(unsigned int r)
{
	int flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
		    CLONE_NEWPID | CLONE_NEWCGROUP | (r & 1 ? CLONE_NEWUSER : 0);
	struct {
		unsigned long long flags, pidfd, child_tid, parent_tid, exit_signal;
		unsigned long long stack, stack_size, tls, set_tid, set_tid_size, cgroup;
	} args = { .flags = CLONE_NEWTIME | CLONE_NEWUTS, .exit_signal = SIGCHLD };
	int status, i;
	pid_t pid;

	if (r & 2)
		pid = syscall(SYS_clone3, &args, sizeof(args));
	else
		pid = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0)
		return -1;
	/* A raw clone() child must not use threads: glibc does not know it. */
	if (pid == 0) {
		usleep(r % 2000);
		_exit(0);
	}
	if (r & 2) {
		add(&st->created[T_TIME], 1);
		add(&st->created[T_UTS], 1);
	} else {
		for (i = 0; i < NTYPES; i++)
			if (flags & tflag[i])
				add(&st->created[i], 1);
	}
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) ? 0 : -1;
}

/* setns() into fresh namespaces and back, through nsfs fds. */
static int op_setns(void)
{
	static const char *const ns[] = { "uts", "ipc", "net", "cgroup", "mnt", "time" };
	int old[6], fresh[6], i, ok = 0;
	char path[64];

	for (i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns[i]);
		old[i] = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (unshare(CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP |
		    CLONE_NEWNS | CLONE_NEWTIME))
		return -1;
	add(&st->created[T_UTS], 1);
	add(&st->created[T_IPC], 1);
	add(&st->created[T_NET], 1);
	add(&st->created[T_CGROUP], 1);
	add(&st->created[T_MNT], 1);
	add(&st->created[T_TIME], 1);
	for (i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns[i]);
		/* time: the new one is only for children; take that */
		if (i == 5)
			snprintf(path, sizeof(path), "/proc/self/ns/time_for_children");
		fresh[i] = open(path, O_RDONLY | O_CLOEXEC);
	}
	for (i = 0; i < 6; i++) {
		ok += old[i] >= 0 && !setns(old[i], 0);
		ok += fresh[i] >= 0 && !setns(fresh[i], 0);
		ok += old[i] >= 0 && !setns(old[i], 0);
	}
	add(&st->setns, ok);
	for (i = 0; i < 6; i++) {
		close(old[i]);
		close(fresh[i]);
	}
	return ok == 18 ? 0 : -1;
}

static int one_op(int w, unsigned int r)
{
	switch (r % 6) {
	case 0:	return op_unshare(r >> 3);
	case 1:	return op_clone(r >> 3);
	case 2:	return op_setns();
	case 3:	return op_mounts(w, r >> 3);
	case 4:	return op_nsfs(w, r >> 3);
	default: return op_threads(r >> 3);
	}
}

static pid_t start_worker(int w, double until)
{
	unsigned int seed = 0x9e3779b9u * (w + 1);
	pid_t pid = fork();

	if (pid)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	while (nsi_now() < until) {
		unsigned int r = rand_r(&seed);
		int status;
		pid_t c;

		c = fork();
		if (c == 0)
			_exit(one_op(w, r) ? 1 : 0);
		if (c < 0 || waitpid(c, &status, 0) != c || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			add(&st->worker_fails, 1);
		add(&st->worker_ops, 1);
		reap();
	}
	/* Orphans of the last ops: let them end, then reap them. */
	usleep(20000);
	while (wait(NULL) > 0)
		;
	_exit(0);
}

FIXTURE(stress) {
	int unused;
};

FIXTURE_SETUP(stress)
{
	int w;

	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, st);
	memset(st, 0, sizeof(*st));
	mkdir(BASE, 0755);
	for (w = 0; w < NWORKERS; w++) {
		char d[64];

		snprintf(d, sizeof(d), BASE "/w%d", w);
		mkdir(d, 0755);
	}
	ASSERT_EQ(0, access(NSI_DIR "/version", R_OK));
}

FIXTURE_TEARDOWN(stress)
{
	munmap(st, sizeof(*st));
}

TEST_F_TIMEOUT(stress, churn_while_reading, 900)
{
	long seconds = nsi_env_long("NSI_STRESS_SECONDS", 10);
	pid_t workers[NWORKERS], readers[NREADERS];
	int *stop;
	long created = 0;
	double start;
	int i, status;

	stop = mmap(NULL, sizeof(*stop), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		    -1, 0);
	ASSERT_NE(MAP_FAILED, stop);
	*stop = 0;
	start = nsi_now();
	for (i = 0; i < NREADERS; i++)
		readers[i] = start_reader(stop, 0, i);
	for (i = 0; i < NWORKERS; i++)
		workers[i] = start_worker(i, start + seconds);
	for (i = 0; i < NWORKERS; i++)
		ASSERT_EQ(workers[i], waitpid(workers[i], &status, 0));
	__atomic_store_n(stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < NREADERS; i++) {
		ASSERT_EQ(readers[i], waitpid(readers[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	}
	/* One more clean pass after the churn. */
	read_all_once(0, 0);

	for (i = 0; i < NTYPES; i++)
		created += st->created[i];
	printf("# stress: workers=%d readers=%d seconds=%.0f", NWORKERS, NREADERS,
	       nsi_now() - start);
	printf(" ops=%ld op_failures=%ld namespaces=%ld", st->worker_ops, st->worker_fails,
	       created);
	for (i = 0; i < NTYPES; i++)
		printf(" %s=%ld", tname[i], st->created[i]);
	printf(" setns=%ld threads_exited=%ld exits_midway=%ld", st->setns, st->threads,
	       st->exits);
	printf(" mounts=%ld overlays=%ld binds=%ld nsfs_binds=%ld", st->mounts, st->overlays,
	       st->binds, st->nsfs_binds);
	printf(" lazy_umounts=%ld umounts=%ld nsfs_fds=%ld\n", st->lazy, st->umounts,
	       st->nsfs_fds);
	printf("# stress: reads=%ld records=%ld bytes=%ld reader_errors=%ld max_hold_us=%ld\n",
	       st->reads, st->records, st->bytes, st->errors, st->max_hold_us);
	/* Every snapshot reports its longest lock hold, bounded per object. */
	EXPECT_GT(st->max_hold_us + 1, 0);

	EXPECT_EQ(0, st->errors) TH_LOG("first reader error: %s", st->error);
	/* The churn really happened, of every kind, and was read through. */
	for (i = 0; i < NTYPES; i++) {
		const char *name = tname[i] ?: "?";

		EXPECT_GT(st->created[i], 0) TH_LOG("no %s namespace created", name);
	}
	EXPECT_GT(st->overlays, 0);
	EXPECT_GT(st->lazy, 0);
	EXPECT_GT(st->umounts, 0);
	EXPECT_GT(st->nsfs_binds, 0);
	EXPECT_GT(st->setns, 0);
	EXPECT_GT(st->threads, 0);
	EXPECT_GE(st->reads, (long)(NFILES * 3));
	/* Most operations must work: failures hide what is exercised. */
	EXPECT_LT(st->worker_fails * 10, st->worker_ops)
		TH_LOG("%ld of %ld worker ops failed", st->worker_fails, st->worker_ops);
	munmap(stop, sizeof(*stop));
}

/* ---- load and unload ------------------------------------------------------------ */

/* rmmod that waits for readers to close, for up to 20 s. */
static int unload(void)
{
	int i;

	for (i = 0; i < 20000; i++) {
		if (!syscall(SYS_delete_module, "nsinspect", O_NONBLOCK))
			return 0;
		if (errno != EWOULDBLOCK)
			return -1;
		add(&st->busy, 1);
		usleep(1000);
	}
	return -1;
}

TEST_F_TIMEOUT(stress, load_unload_under_readers, 900)
{
	long cycles = nsi_env_long("NSI_LOAD_CYCLES", 20);
	pid_t readers[NREADERS];
	int *stop;
	char buf[256];
	double start;
	int i, status, fd;

	stop = mmap(NULL, sizeof(*stop), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		    -1, 0);
	ASSERT_NE(MAP_FAILED, stop);
	*stop = 0;
	if (!getenv("NSI_MODULE"))
		SKIP(return, "NSI_MODULE is not set");
	start = nsi_now();
	for (i = 0; i < NREADERS; i++)
		readers[i] = start_reader(stop, 1, i);
	for (i = 0; i < cycles; i++) {
		if (i == cycles / 2) {
			/* A reader that holds a file open across rmmod. */
			fd = open(NSI_DIR "/namespaces", O_RDONLY | O_CLOEXEC);
			ASSERT_GE(fd, 0);
			ASSERT_GT(read(fd, buf, 100), 0);
			EXPECT_EQ(-1, syscall(SYS_delete_module, "nsinspect", O_NONBLOCK));
			EXPECT_EQ(EWOULDBLOCK, errno);
			/* The open file keeps its snapshot readable to the end. */
			while (read(fd, buf, sizeof(buf)) > 0)
				;
			EXPECT_EQ(0, access(NSI_DIR "/version", F_OK));
			close(fd);
		}
		ASSERT_EQ(0, unload()) TH_LOG("cycle %d: rmmod: %m", i);
		add(&st->unloads, 1);
		ASSERT_EQ(0, nsi_module_load(getenv("NSI_MODULE")))
			TH_LOG("cycle %d: insmod: %m", i);
		add(&st->loads, 1);
	}
	__atomic_store_n(stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < NREADERS; i++) {
		ASSERT_EQ(readers[i], waitpid(readers[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	}
	read_all_once(0, 0);
	printf("# stress: load_cycles=%ld loads=%ld unloads=%ld rmmod_busy_retries=%ld",
	       cycles, st->loads, st->unloads, st->busy);
	printf(" readers=%d reads=%ld refused_opens=%ld reader_errors=%ld seconds=%.0f\n",
	       NREADERS, st->reads, st->absent, st->errors, nsi_now() - start);
	EXPECT_EQ(0, st->errors) TH_LOG("first reader error: %s", st->error);
	EXPECT_EQ(cycles, st->loads);
	/* Readers read while the module was there, not only failed opens. */
	EXPECT_GT(st->reads, 0);
	munmap(stop, sizeof(*stop));
}

TEST_HARNESS_MAIN
