// SPDX-License-Identifier: GPL-2.0
/*
 * Exact reference counts of namespaces and nsproxies in scenarios built here
 * with unshare, setns and fork, nsfs bind mounts and open nsfs files, and of
 * namespaces that nothing but a mount, an fd or a file's credentials keeps.
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "nsi_test.h"

static int unshare_uts(void *arg)
{
	return unshare(CLONE_NEWUTS);
}

/* setns() into the uts namespace of the task *arg. */
static int setns_uts(void *arg)
{
	char path[64];
	int fd, ret;

	snprintf(path, sizeof(path), "/proc/%d/ns/uts", *(pid_t *)arg);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = setns(fd, CLONE_NEWUTS);
	close(fd);
	return ret;
}

/* Run in a child: a child of its own, which shares its nsproxy. */
static int start_sharer(void *arg)
{
	static struct nsi_child sharer;	/* in the memory of the one that runs this */

	return nsi_child_start(&sharer, NULL, NULL);
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
	const char *rec = text ? nsi_ns_rec(text, "uts", ino) : NULL;

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
	const char *rec = t ? nsi_task_rec(t, pid) : NULL;
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
	struct nsi_child h1, h3;
	struct uts_view v;
	unsigned long ino;
	int fd;

	/* A lone process after unshare(CLONE_NEWUTS): its nsproxy holds it. */
	ASSERT_EQ(0, nsi_child_start(&h1, unshare_uts, NULL));
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
	ASSERT_EQ(0, nsi_child_run(&h1, start_sharer, NULL));
	v = uts_view(ino);
	EXPECT_EQ(1, v.refs);
	EXPECT_EQ(2, v.tasks);
	EXPECT_EQ(1, v.nsproxies);
	ASSERT_EQ(0, nsproxy_of(h1.pid, id1, sizeof(id1), &count, &tasks));
	EXPECT_EQ(2, count);
	EXPECT_EQ(2, tasks);

	/* setns from another process: a new nsproxy, one more reference. */
	ASSERT_EQ(0, nsi_child_start(&h3, setns_uts, &h1.pid));
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
	nsi_child_stop(&h3);
	nsi_child_stop(&h1);
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
	rec = nsi_ns_rec(text, "net", by_mount);
	ASSERT_NE(NULL, rec);
	EXPECT_EQ(0, nsi_num(rec, "tasks"));
	EXPECT_EQ(1, nsi_num(rec, "bindmounts"));
	EXPECT_EQ(0, nsi_num(rec, "fds"));
	EXPECT_TRUE(nsi_has(rec, "via", "mount"));
	EXPECT_TRUE(nsi_has(rec, "via", "netlist"));
	EXPECT_FALSE(nsi_has(rec, "via", "task"));

	rec = nsi_ns_rec(text, "net", by_fd);
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

/*
 * A user namespace that only an open file's credentials hold: no task, nsfs
 * file or mount uses it, and before 6.19 no list holds it, but the fd walk
 * reaches it through the file's f_cred and names both of its references:
 * the cred (the exited child's own) and that cred's ucounts (kernel/ucount.c
 * alloc_ucounts() takes one).
 */
TEST(namespace_only_a_files_creds_hold)
{
	unsigned long ino;
	char *text = NULL;
	const char *rec = NULL;
	int fd, i;

	ASSERT_EQ(0, user_ns_in_a_file(&fd, &ino));
	/* The exited child's task is freed after an RCU grace period: poll. */
	for (i = 0; i < 100; i++) {
		free(text);
		text = nsi_load("namespaces");
		ASSERT_NE(NULL, text);
		rec = nsi_ns_rec(text, "user", ino);
		ASSERT_NE(NULL, rec) TH_LOG("user namespace %lu not listed", ino);
		if (nsi_num(rec, "refs") == 2)
			break;
		usleep(10000);
	}
	EXPECT_EQ(2, nsi_num(rec, "refs"));
	EXPECT_EQ(1, nsi_num(rec, "creds"));
	EXPECT_EQ(1, nsi_num(rec, "ucounts"));
	EXPECT_EQ(0, nsi_num(rec, "mms"));
	EXPECT_EQ(0, nsi_num(rec, "tasks"));
	EXPECT_TRUE(nsi_has(rec, "via", "cred"));
	EXPECT_FALSE(nsi_has(rec, "via", "task"));
	EXPECT_FALSE(nsi_has(rec, "via", "fd"));
	EXPECT_EQ(1, nsi_num(rec, "level"));
	/* Credentials are no active reference (6.19+). */
	if (feature_available("active_refs"))
		EXPECT_EQ(0, nsi_num(rec, "active"));
	free(text);

	/* Closing the file drops its credentials and so the namespace. */
	close(fd);
	for (i = 0; i < 100; i++) {
		text = nsi_load("namespaces");
		ASSERT_NE(NULL, text);
		rec = nsi_ns_rec(text, "user", ino);
		free(text);
		if (!rec)
			break;
		usleep(10000);
	}
	EXPECT_EQ(NULL, rec);
}

TEST_HARNESS_MAIN
