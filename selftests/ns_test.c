// SPDX-License-Identifier: GPL-2.0
/*
 * tasks, nsproxies and namespaces against ground truth: stat(2) of
 * /proc/PID/task/TID/ns/TYPE, NSpid in /proc/PID/task/TID/status, and exact
 * reference counts in scenarios built here with unshare, setns, fork, nsfs
 * bind mounts and open nsfs files.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
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

/* The namespaces record of type with the inode number ino, or NULL. */
static const char *ns_rec(const char *text, const char *type, unsigned long ino)
{
	char v[32];

	snprintf(v, sizeof(v), "%lu", ino);
	return nsi_rec(text, "type", type, "inum", v);
}

static const char *task_rec(const char *text, pid_t pid)
{
	char v[32];

	snprintf(v, sizeof(v), "%d", pid);
	return nsi_rec(text, "pid", v, NULL, NULL);
}

/* NSpid of /proc/PID/status as the tasks file writes it ("1234,5,1"). */
static int proc_nspid(pid_t pid, char *out, size_t size)
{
	char path[64], buf[4096], *p, *end;
	size_t o = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (nsi_read(path, buf, sizeof(buf)) <= 0)
		return -1;
	p = strstr(buf, "\nNSpid:");
	if (!p)
		return -1;
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
	return 0;
}

/* A child that unshares every namespace it can, so the walk sees variety. */
static int unshare_many(void *arg)
{
	pid_t pid;

	if (unshare(CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWNS |
		    CLONE_NEWCGROUP | CLONE_NEWPID | CLONE_NEWTIME))
		return -1;
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		pause();
		_exit(0);
	}
	return pid < 0;
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
 * A child that obeys one-letter commands: f = fork a sharer of its nsproxy,
 * q = quit. Later children inherit the command pipe, so quitting is a
 * command rather than end of file.
 */
struct holder {
	pid_t pid;
	int cmd, ack;
};

static void holder_loop(int cmd, int ack)
{
	pid_t sharer = 0;
	char c;

	while (read(cmd, &c, 1) == 1) {
		char r = 'N';

		if (c == 'f' && !sharer) {
			sharer = fork();
			if (sharer == 0) {
				pause();
				_exit(0);
			}
			r = sharer > 0 ? 'Y' : 'N';
		}
		if (c == 'q' || write(ack, &r, 1) != 1)
			break;
	}
	/* Reap the sharer, so that it is gone when this holder is. */
	if (sharer > 0) {
		kill(sharer, SIGKILL);
		waitpid(sharer, NULL, 0);
	}
	_exit(0);
}

/* Start a holder after unshare(flags), or after setns into target's uts. */
static int holder_start(struct holder *h, int flags, pid_t uts_of)
{
	int cmd[2], ack[2];
	char r = 'N';

	if (pipe(cmd) || pipe(ack))
		return -1;
	h->pid = fork();
	if (h->pid < 0)
		return -1;
	if (h->pid == 0) {
		close(cmd[1]);
		close(ack[0]);
		if (flags && unshare(flags))
			_exit(1);
		if (uts_of) {
			char path[64];
			int fd;

			snprintf(path, sizeof(path), "/proc/%d/ns/uts", uts_of);
			fd = open(path, O_RDONLY);
			if (fd < 0 || setns(fd, CLONE_NEWUTS))
				_exit(1);
			close(fd);
		}
		r = 'Y';
		if (write(ack[1], &r, 1) != 1)
			_exit(1);
		holder_loop(cmd[0], ack[1]);
	}
	close(cmd[0]);
	close(ack[1]);
	h->cmd = cmd[1];
	h->ack = ack[0];
	return read(h->ack, &r, 1) == 1 && r == 'Y' ? 0 : -1;
}

static int holder_do(struct holder *h, char c)
{
	char r = 'N';

	if (write(h->cmd, &c, 1) != 1 || read(h->ack, &r, 1) != 1)
		return -1;
	return r == 'Y' ? 0 : -1;
}

static void holder_stop(struct holder *h)
{
	char q = 'q';

	if (write(h->cmd, &q, 1) != 1)
		kill(h->pid, SIGKILL);
	close(h->cmd);
	close(h->ack);
	waitpid(h->pid, NULL, 0);
}

/* Fields of the uts namespace ino, from a fresh snapshot. */
struct uts_view {
	long long refs, tasks, nsproxies, fds, bindmounts;
	int via_task, via_fd, via_mount;
	int found;
};

static struct uts_view uts_view(unsigned long ino)
{
	struct uts_view v = { 0 };
	char *text = nsi_load("namespaces");
	const char *rec = text ? ns_rec(text, "uts", ino) : NULL;

	if (rec) {
		v.found = 1;
		v.refs = nsi_num(rec, "refs");
		v.tasks = nsi_num(rec, "tasks");
		v.nsproxies = nsi_num(rec, "nsproxies");
		v.fds = nsi_num(rec, "fds");
		v.bindmounts = nsi_num(rec, "bindmounts");
		v.via_task = nsi_has(rec, "via", "task");
		v.via_fd = nsi_has(rec, "via", "fd");
		v.via_mount = nsi_has(rec, "via", "mount");
	}
	free(text);
	return v;
}

/* The id, count and tasks of the nsproxies record that task pid uses. */
static int nsproxy_of(pid_t pid, char *id, size_t size, long long *count, long long *tasks)
{
	char *t = nsi_load("tasks"), *p = nsi_load("nsproxies");
	const char *rec = t ? task_rec(t, pid) : NULL;
	int ret = -1;

	if (p && rec && !nsi_get(rec, "nsproxy", id, size)) {
		rec = nsi_rec(p, "id", id, NULL, NULL);
		if (rec) {
			*count = nsi_num(rec, "count");
			*tasks = nsi_num(rec, "tasks");
			ret = 0;
		}
	}
	free(t);
	free(p);
	return ret;
}

#define UTS_TARGET "/tmp/nsi-test-uts"

TEST(uts_refcounts_exact)
{
	char id1[32], id3[32], path[64];
	long long count, tasks;
	struct holder h1, h3;
	struct uts_view v;
	unsigned long ino;
	int fd;

	/* A lone process after unshare(CLONE_NEWUTS): its nsproxy holds it. */
	ASSERT_EQ(0, holder_start(&h1, CLONE_NEWUTS, 0));
	ino = nsi_ns_ino(h1.pid, "uts");
	ASSERT_NE(0, ino);
	ASSERT_NE(nsi_ns_ino(getpid(), "uts"), ino);
	v = uts_view(ino);
	ASSERT_TRUE(v.found);
	EXPECT_EQ(1, v.refs);
	EXPECT_EQ(1, v.tasks);
	EXPECT_EQ(1, v.nsproxies);
	EXPECT_TRUE(v.via_task);
	ASSERT_EQ(0, nsproxy_of(h1.pid, id1, sizeof(id1), &count, &tasks));
	EXPECT_EQ(1, count);
	EXPECT_EQ(1, tasks);

	/* A forked child shares the nsproxy: its count goes up, refs do not. */
	ASSERT_EQ(0, holder_do(&h1, 'f'));
	v = uts_view(ino);
	EXPECT_EQ(1, v.refs);
	EXPECT_EQ(2, v.tasks);
	EXPECT_EQ(1, v.nsproxies);
	ASSERT_EQ(0, nsproxy_of(h1.pid, id1, sizeof(id1), &count, &tasks));
	EXPECT_EQ(2, count);
	EXPECT_EQ(2, tasks);

	/* setns from another process: a new nsproxy, one more reference. */
	ASSERT_EQ(0, holder_start(&h3, 0, h1.pid));
	ASSERT_EQ(ino, nsi_ns_ino(h3.pid, "uts"));
	v = uts_view(ino);
	EXPECT_EQ(2, v.refs);
	EXPECT_EQ(3, v.tasks);
	EXPECT_EQ(2, v.nsproxies);
	ASSERT_EQ(0, nsproxy_of(h3.pid, id3, sizeof(id3), &count, &tasks));
	EXPECT_STRNE(id1, id3);
	EXPECT_EQ(1, count);

	/* A bind mount pins the nsfs dentry, which holds one reference. */
	fd = open(UTS_TARGET, O_CREAT | O_RDONLY | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);
	close(fd);
	snprintf(path, sizeof(path), "/proc/%d/ns/uts", h1.pid);
	ASSERT_EQ(0, mount(path, UTS_TARGET, NULL, MS_BIND, NULL));
	v = uts_view(ino);
	EXPECT_EQ(3, v.refs);
	EXPECT_EQ(1, v.bindmounts);
	EXPECT_TRUE(v.via_mount);
	EXPECT_TRUE(v.via_task);

	/* An open nsfs file shares that same dentry: refs stay. */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	v = uts_view(ino);
	EXPECT_EQ(3, v.refs);
	EXPECT_EQ(1, v.fds);
	EXPECT_TRUE(v.via_fd);

	/* Without tasks only the dentry's reference is left. */
	holder_stop(&h3);
	holder_stop(&h1);
	v = uts_view(ino);
	ASSERT_TRUE(v.found);
	EXPECT_EQ(1, v.refs);
	EXPECT_EQ(0, v.tasks);
	EXPECT_EQ(0, v.nsproxies);
	EXPECT_FALSE(v.via_task);
	EXPECT_TRUE(v.via_fd);
	EXPECT_TRUE(v.via_mount);

	close(fd);
	ASSERT_EQ(0, umount(UTS_TARGET));
	unlink(UTS_TARGET);
	v = uts_view(ino);
	EXPECT_FALSE(v.found);
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
		const char *t = task_rec(tasks, gpid[l]);
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
		n = ns_rec(nss, "pid", ino[l]);
		ASSERT_NE(NULL, n) TH_LOG("no pid namespace %lu", ino[l]);
		if (l < PID_PROCS) {
			EXPECT_EQ(l, nsi_num(n, "level"));
			EXPECT_EQ(ino[l - 1], (unsigned long)nsi_num(n, "parent"));
			/* Its pid 1 is the next level's process. */
			EXPECT_EQ(gpid[l + 1], nsi_num(n, "reaper"));
		}
	}
	/* The innermost has a pid at each of 4 levels and is pid 1 in the last. */
	ASSERT_EQ(0, nsi_get(task_rec(tasks, gpid[PID_PROCS]), "nspid", val, sizeof(val)));
	snprintf(want, sizeof(want), "%d,", gpid[PID_PROCS]);
	EXPECT_EQ(0, strncmp(val, want, strlen(want)));
	for (i = 0, l = 0; val[i]; i++)
		l += val[i] == ',';
	EXPECT_EQ(PID_PROCS - 1, l);
	EXPECT_STREQ(",1", strrchr(val, ','));
	EXPECT_EQ(0, nsi_num(ns_rec(nss, "pid", ino[0]), "level"));
	EXPECT_EQ(NSI_NONE, nsi_num(ns_rec(nss, "pid", ino[0]), "parent"));

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

	rec = ns_rec(text, "user", user2);
	ASSERT_NE(NULL, rec);
	EXPECT_EQ(2, nsi_num(rec, "level"));
	user1 = nsi_num(rec, "parent");
	EXPECT_EQ(user1, (unsigned long)nsi_num(rec, "owner"));
	EXPECT_TRUE(nsi_has(rec, "via", "task"));

	/* Level 1 is no task's user namespace: reached as a parent. */
	rec = ns_rec(text, "user", user1);
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

	rec = ns_rec(text, "uts", uts2);
	ASSERT_NE(NULL, rec);
	EXPECT_EQ(user2, (unsigned long)nsi_num(rec, "owner"));

	/* The ipc namespace was made beside user1, so user1 owns it. */
	rec = ns_rec(text, "ipc", ipc1);
	ASSERT_NE(NULL, rec);
	EXPECT_EQ(user1, (unsigned long)nsi_num(rec, "owner"));
	free(text);
	nsi_child_stop(&c);
}

/* net namespaces that only a bind mount or only an fd keeps alive. */
static int unshare_net(void *arg)
{
	return unshare(CLONE_NEWNET);
}

static int hold_net_fd(void *arg)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/net", *(pid_t *)arg);
	return open(path, O_RDONLY) < 0;
}

#define NET_TARGET "/tmp/nsi-test-net"

TEST(net_kept_by_mount_or_fd_only)
{
	struct nsi_child a, b, holder;
	unsigned long by_mount, by_fd;
	const char *rec;
	char path[64];
	char *text;
	int fd;

	ASSERT_EQ(0, nsi_child_start(&a, unshare_net, NULL));
	ASSERT_EQ(0, nsi_child_start(&b, unshare_net, NULL));
	by_mount = nsi_ns_ino(a.pid, "net");
	by_fd = nsi_ns_ino(b.pid, "net");
	fd = open(NET_TARGET, O_CREAT | O_RDONLY | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);
	close(fd);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", a.pid);
	ASSERT_EQ(0, mount(path, NET_TARGET, NULL, MS_BIND, NULL));
	ASSERT_EQ(0, nsi_child_start(&holder, hold_net_fd, &b.pid));
	ASSERT_EQ(nsi_ns_ino(getpid(), "net"), nsi_ns_ino(holder.pid, "net"));
	nsi_child_stop(&a);
	nsi_child_stop(&b);

	text = nsi_load("namespaces");
	ASSERT_NE(NULL, text);
	rec = ns_rec(text, "net", by_mount);
	ASSERT_NE(NULL, rec);
	EXPECT_EQ(0, nsi_num(rec, "tasks"));
	EXPECT_EQ(1, nsi_num(rec, "bindmounts"));
	EXPECT_EQ(0, nsi_num(rec, "fds"));
	EXPECT_TRUE(nsi_has(rec, "via", "mount"));
	EXPECT_TRUE(nsi_has(rec, "via", "netlist"));
	EXPECT_FALSE(nsi_has(rec, "via", "task"));

	rec = ns_rec(text, "net", by_fd);
	ASSERT_NE(NULL, rec);
	EXPECT_EQ(0, nsi_num(rec, "tasks"));
	EXPECT_EQ(0, nsi_num(rec, "bindmounts"));
	EXPECT_EQ(1, nsi_num(rec, "fds"));
	EXPECT_TRUE(nsi_has(rec, "via", "fd"));
	EXPECT_FALSE(nsi_has(rec, "via", "task"));
	free(text);

	nsi_child_stop(&holder);
	EXPECT_EQ(0, umount(NET_TARGET));
	unlink(NET_TARGET);
}

/*
 * A child makes a user namespace, opens /dev/null in it and hands the file,
 * with the namespace's inode number, to the parent over a unix socket, then
 * exits. The file's credentials are all that hold the namespace then.
 */
static int user_ns_in_a_file(int *fd, unsigned long *ino)
{
	char ctl[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = ino, .iov_len = sizeof(*ino) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *cmsg;
	int sk[2], status;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sk))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int f;

		close(sk[0]);
		if (unshare(CLONE_NEWUSER))
			_exit(1);
		*ino = nsi_ns_ino(getpid(), "user");
		f = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (f < 0 || !*ino)
			_exit(1);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &f, sizeof(int));
		_exit(sendmsg(sk[1], &msg, 0) == sizeof(*ino) ? 0 : 1);
	}
	close(sk[1]);
	*fd = -1;
	if (recvmsg(sk[0], &msg, 0) == sizeof(*ino)) {
		cmsg = CMSG_FIRSTHDR(&msg);
		if (cmsg && cmsg->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(cmsg), sizeof(int));
	}
	close(sk[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	return *fd < 0 ? -1 : 0;
}

/* Does the version file say that feature is available? */
static int feature_available(const char *feature)
{
	char *text = nsi_load("version"), val[64];
	int ok = text && !nsi_field(text, "feature", feature, "state", val, sizeof(val)) &&
		 !strcmp(val, "available");

	free(text);
	return ok;
}

TEST(namespace_only_the_kernel_lists)
{
	unsigned long ino;
	char *text = NULL;
	const char *rec = NULL;
	int fd, i;

	ASSERT_EQ(0, user_ns_in_a_file(&fd, &ino));
	if (!feature_available("nstree")) {
		/*
		 * Before 6.19 no list holds every user namespace: one that only
		 * a file's credentials hold is invisible.
		 */
		text = nsi_load("namespaces");
		ASSERT_NE(NULL, text);
		EXPECT_EQ(NULL, ns_rec(text, "user", ino));
		free(text);
		close(fd);
		return;
	}
	/*
	 * Two references: the file's cred (the child's own, shared) and that
	 * cred's ucounts (kernel/ucount.c alloc_ucounts() takes one). The exited
	 * child's task is freed after an RCU grace period, so poll for it.
	 */
	for (i = 0; i < 100; i++) {
		free(text);
		text = nsi_load("namespaces");
		ASSERT_NE(NULL, text);
		rec = ns_rec(text, "user", ino);
		ASSERT_NE(NULL, rec) TH_LOG("user namespace %lu not listed", ino);
		if (nsi_num(rec, "refs") == 2)
			break;
		usleep(10000);
	}
	EXPECT_EQ(2, nsi_num(rec, "refs"));
	/* Credentials are no active reference: no task, fd or mount uses it. */
	EXPECT_EQ(0, nsi_num(rec, "active"));
	EXPECT_EQ(0, nsi_num(rec, "tasks"));
	EXPECT_TRUE(nsi_has(rec, "via", "nstree"));
	EXPECT_FALSE(nsi_has(rec, "via", "task"));
	EXPECT_FALSE(nsi_has(rec, "via", "fd"));
	EXPECT_EQ(1, nsi_num(rec, "level"));
	free(text);

	/* Closing the file drops its credentials and so the namespace. */
	close(fd);
	for (i = 0; i < 100; i++) {
		text = nsi_load("namespaces");
		ASSERT_NE(NULL, text);
		rec = ns_rec(text, "user", ino);
		free(text);
		if (!rec)
			break;
		usleep(10000);
	}
	EXPECT_EQ(NULL, rec);
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
			char *text = nsi_read_chunked(files[f], chunk);
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
