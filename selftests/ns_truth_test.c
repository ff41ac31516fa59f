// SPDX-License-Identifier: GPL-2.0
/*
 * tasks, nsproxies and namespaces against ground truth: the inode numbers of
 * /proc/PID/task/TID/ns/TYPE, NSpid in /proc/PID/task/TID/status, nsproxy
 * counts against the tasks that use them, and the parents, levels and owners
 * of nested pid and user namespaces.
 */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "nsi_test.h"

/* tasks keys and the /proc/PID/ns names they must match. */
static const char *const roles[][2] = {
	{ "mnt", "mnt" }, { "uts", "uts" }, { "ipc", "ipc" }, { "net", "net" },
	{ "cgroup", "cgroup" }, { "time", "time" },
	{ "time_for_children", "time_for_children" }, { "pidns", "pid" },
	{ "pidns_for_children", "pid_for_children" }, { "user", "user" },
};

/* NSpid of /proc/PID/status as the tasks file writes it ("1234,5,1"). */
static int proc_nspid(pid_t pid, char *out, size_t size)
{
	char path[64], *buf, *p, *end;
	size_t o = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	buf = nsi_load(path);
	p = buf ? strstr(buf, "\nNSpid:") : NULL;
	if (!p) {
		free(buf);
		return -1;
	}
	p += 7;
	end = strchrnul(p, '\n');
	while (p < end && o + 1 < size) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end)
			break;
		if (o)
			out[o++] = ',';
		while (p < end && *p != ' ' && *p != '\t' && o + 1 < size)
			out[o++] = *p++;
	}
	out[o] = '\0';
	free(buf);
	return 0;
}

/* A child that unshares every namespace it can, so the walk sees variety. */
static int unshare_many(void *arg)
{
	/* In the memory of the child that runs this; it stops it on exit. */
	static struct nsi_child init;

	if (unshare(CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWNS |
		    CLONE_NEWCGROUP | CLONE_NEWPID | CLONE_NEWTIME))
		return -1;
	/* Its first child is the new pid namespace's init. */
	return nsi_child_start(&init, NULL, NULL);
}

TEST(inodes_and_nspid_match_proc)
{
	struct nsi_child c;
	char *text, val[64], want[64], path[128];
	int checked = 0, mine = 0, idle = 0;
	const char *rec;

	ASSERT_EQ(0, nsi_child_start(&c, unshare_many, NULL));
	text = nsi_load("tasks");
	ASSERT_NE(NULL, text);
	for (rec = text; rec && *rec; rec = strchr(rec, '\n'), rec = rec ? rec + 1 : NULL) {
		pid_t pid, tgid;
		size_t i;

		if (*rec == '#')
			continue;
		pid = nsi_num(rec, "pid");
		tgid = nsi_num(rec, "tgid");
		if (pid == 0) {
			/* A CPU's idle thread: pid 0, not in /proc. */
			ASSERT_EQ(0, nsi_get(rec, "comm", val, sizeof(val)));
			EXPECT_EQ(0, strncmp(val, "swapper/", 8)) TH_LOG("pid 0 is %s", val);
			idle++;
			continue;
		}
		ASSERT_GT(pid, 0);
		ASSERT_GT(tgid, 0);
		snprintf(path, sizeof(path), "/proc/%d/task/%d/ns/uts", tgid, pid);
		if (access(path, F_OK))
			continue;	/* exited since the snapshot */
		for (i = 0; i < ARRAY_SIZE(roles); i++) {
			struct stat st;

			ASSERT_EQ(0, nsi_get(rec, roles[i][0], val, sizeof(val)));
			snprintf(path, sizeof(path), "/proc/%d/task/%d/ns/%s", tgid, pid,
				 roles[i][1]);
			if (stat(path, &st)) {
				/* Kernel threads and exiting tasks have no nsproxy. */
				EXPECT_STREQ("-", val) TH_LOG("%s of %d", roles[i][0], pid);
				continue;
			}
			snprintf(want, sizeof(want), "%lu", (unsigned long)st.st_ino);
			EXPECT_STREQ(want, val) TH_LOG("%s of task %d", roles[i][0], pid);
		}
		ASSERT_EQ(0, nsi_get(rec, "nspid", val, sizeof(val)));
		if (!proc_nspid(pid, want, sizeof(want)))
			EXPECT_STREQ(want, val) TH_LOG("nspid of task %d", pid);
		if (pid == getpid() || pid == c.pid)
			mine++;
		checked++;
	}
	EXPECT_EQ(2, mine);
	EXPECT_GT(checked, 10);
	EXPECT_EQ(sysconf(_SC_NPROCESSORS_CONF), idle);
	free(text);
	nsi_child_stop(&c);
}

/*
 * Every nsproxy reference is a task's, idle threads included: on a system
 * at rest each count equals the tasks that point at it.
 */
TEST(nsproxy_counts_equal_their_tasks)
{
	char *text = nsi_load("nsproxies");
	const char *rec, *nl;
	int n = 0;

	ASSERT_NE(NULL, text);
	for (rec = nsi_rec(text, "id", NULL, NULL, NULL); rec; n++) {
		EXPECT_EQ(nsi_num(rec, "count"), nsi_num(rec, "tasks"))
			TH_LOG("%.*s", (int)strcspn(rec, "\n"), rec);
		nl = strchr(rec, '\n');
		rec = nl ? nsi_rec(nl + 1, "id", NULL, NULL, NULL) : NULL;
	}
	EXPECT_GE(n, 1);
	free(text);
}

/*
 * Pid namespaces three deep: each process unshares CLONE_NEWPID and forks the
 * next. Each stores its global pid (readlink of the initial /proc's "self")
 * in shared memory; the innermost waits on a pipe.
 */
#define PID_PROCS 4	/* process l lives at level l - 1 */

static void pid_chain(pid_t *gpid, int hold)
{
	char buf[32];
	int level;

	for (level = 1;; level++) {
		ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);
		pid_t pid;

		if (n <= 0)
			_exit(1);
		buf[n] = '\0';
		gpid[level] = atoi(buf);
		if (level == PID_PROCS)
			break;
		if (unshare(CLONE_NEWPID))
			_exit(1);
		pid = fork();
		if (pid == 0)
			continue;	/* the child goes one level down */
		if (pid < 0)
			_exit(1);
		waitpid(pid, NULL, 0);
		_exit(0);
	}
	__atomic_store_n(&gpid[PID_PROCS + 1], 1, __ATOMIC_SEQ_CST);
	while (read(hold, buf, 1) > 0)
		;
	_exit(0);
}

TEST(nested_pid_namespaces)
{
	pid_t *gpid, top;
	char *tasks, *nss, val[64], want[64];
	unsigned long ino[PID_PROCS + 1];
	int hold[2], l, i;

	gpid = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, gpid);
	ASSERT_EQ(0, pipe(hold));
	top = fork();
	ASSERT_LE(0, top);
	if (top == 0) {
		close(hold[1]);
		pid_chain(gpid, hold[0]);
	}
	close(hold[0]);
	for (i = 0; i < 1000 && !__atomic_load_n(&gpid[PID_PROCS + 1], __ATOMIC_SEQ_CST); i++)
		usleep(10000);
	ASSERT_EQ(1, gpid[PID_PROCS + 1]);

	tasks = nsi_load("tasks");
	nss = nsi_load("namespaces");
	ASSERT_NE(NULL, tasks);
	ASSERT_NE(NULL, nss);
	ino[0] = nsi_ns_ino(getpid(), "pid");
	for (l = 1; l <= PID_PROCS; l++) {
		/* Level l's process lives in level l-1's pid namespace. */
		const char *t = nsi_task_rec(tasks, gpid[l]);
		const char *n;

		ASSERT_NE(NULL, t) TH_LOG("no task %d", gpid[l]);
		EXPECT_EQ(l - 1, nsi_num(t, "level"));
		ASSERT_EQ(0, nsi_get(t, "nspid", val, sizeof(val)));
		ASSERT_EQ(0, proc_nspid(gpid[l], want, sizeof(want)));
		EXPECT_STREQ(want, val);
		ino[l] = nsi_ns_ino(gpid[l], "pid_for_children");
		ASSERT_NE(0, ino[l]);
		if (l < PID_PROCS) {
			/* It unshared: its children's namespace is not its own. */
			EXPECT_EQ(ino[l - 1], (unsigned long)nsi_num(t, "pidns"));
			EXPECT_EQ(ino[l], (unsigned long)nsi_num(t, "pidns_for_children"));
		}
		n = nsi_ns_rec(nss, "pid", ino[l]);
		ASSERT_NE(NULL, n) TH_LOG("no pid namespace %lu", ino[l]);
		if (l < PID_PROCS) {
			EXPECT_EQ(l, nsi_num(n, "level"));
			EXPECT_EQ(ino[l - 1], (unsigned long)nsi_num(n, "parent"));
			/* Its pid 1 is the next level's process. */
			EXPECT_EQ(gpid[l + 1], nsi_num(n, "reaper"));
		}
	}
	/* The innermost has a pid at each of 4 levels and is pid 1 in the last. */
	ASSERT_EQ(0, nsi_get(nsi_task_rec(tasks, gpid[PID_PROCS]), "nspid", val, sizeof(val)));
	snprintf(want, sizeof(want), "%d,", gpid[PID_PROCS]);
	EXPECT_EQ(0, strncmp(val, want, strlen(want)));
	for (i = 0, l = 0; val[i]; i++)
		l += val[i] == ',';
	EXPECT_EQ(PID_PROCS - 1, l);
	EXPECT_STREQ(",1", strrchr(val, ','));
	EXPECT_EQ(0, nsi_num(nsi_ns_rec(nss, "pid", ino[0]), "level"));
	EXPECT_EQ(NSI_NONE, nsi_num(nsi_ns_rec(nss, "pid", ino[0]), "parent"));

	free(tasks);
	free(nss);
	close(hold[1]);
	waitpid(top, NULL, 0);
	munmap(gpid, 4096);
}

/* User namespace 1 maps root; user namespace 2 inside it owns a uts. */
static int nested_userns(void *arg)
{
	int fd;

	if (unshare(CLONE_NEWUSER | CLONE_NEWUTS | CLONE_NEWIPC))
		return -1;
	fd = open("/proc/self/uid_map", O_WRONLY);
	if (fd < 0 || write(fd, "0 0 1", 5) != 5)
		return -1;
	close(fd);
	/* A nested user namespace needs our gid mapped too. */
	fd = open("/proc/self/setgroups", O_WRONLY);
	if (fd < 0 || write(fd, "deny", 4) != 4)
		return -1;
	close(fd);
	fd = open("/proc/self/gid_map", O_WRONLY);
	if (fd < 0 || write(fd, "0 0 1", 5) != 5)
		return -1;
	close(fd);
	return unshare(CLONE_NEWUSER | CLONE_NEWUTS);
}

TEST(user_namespaces_own_namespaces)
{
	unsigned long init_user, user2, user1, uts2, ipc1;
	struct nsi_child c;
	const char *rec;
	char *text;

	init_user = nsi_ns_ino(getpid(), "user");
	ASSERT_EQ(0, nsi_child_start(&c, nested_userns, NULL));
	user2 = nsi_ns_ino(c.pid, "user");
	uts2 = nsi_ns_ino(c.pid, "uts");
	ipc1 = nsi_ns_ino(c.pid, "ipc");
	text = nsi_load("namespaces");
	ASSERT_NE(NULL, text);

	rec = nsi_ns_rec(text, "user", user2);
	ASSERT_NE(NULL, rec);
	EXPECT_EQ(2, nsi_num(rec, "level"));
	user1 = nsi_num(rec, "parent");
	EXPECT_EQ(user1, (unsigned long)nsi_num(rec, "owner"));
	EXPECT_TRUE(nsi_has(rec, "via", "task"));

	/* Level 1 is no task's user namespace: reached as a parent. */
	rec = nsi_ns_rec(text, "user", user1);
	ASSERT_NE(NULL, rec);
	EXPECT_EQ(1, nsi_num(rec, "level"));
	EXPECT_EQ(init_user, (unsigned long)nsi_num(rec, "parent"));
	EXPECT_EQ(0, nsi_num(rec, "uid"));
	EXPECT_EQ(0, nsi_num(rec, "tasks"));
	EXPECT_TRUE(nsi_has(rec, "via", "parent"));
	EXPECT_FALSE(nsi_has(rec, "via", "task"));
	{
		char map[64];

		ASSERT_EQ(0, nsi_get(rec, "uid_map", map, sizeof(map)));
		EXPECT_STREQ("0:0:1", map);
	}

	rec = nsi_ns_rec(text, "uts", uts2);
	ASSERT_NE(NULL, rec);
	EXPECT_EQ(user2, (unsigned long)nsi_num(rec, "owner"));

	/* The ipc namespace was made beside user1, so user1 owns it. */
	rec = nsi_ns_rec(text, "ipc", ipc1);
	ASSERT_NE(NULL, rec);
	EXPECT_EQ(user1, (unsigned long)nsi_num(rec, "owner"));
	free(text);
	nsi_child_stop(&c);
}

TEST_HARNESS_MAIN
