// SPDX-License-Identifier: GPL-2.0
/*
 * The mounts file against /proc/PID/mountinfo, and exact reference and
 * writer counts, internal, detached and namespace-less mounts in scenarios
 * built here.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "nsi_test.h"

#define BASE "/tmp/nsi-mount-test"

/* The mounts record of the mount whose root directory is path, or NULL. */
static const char *mount_of(const char *text, const char *path, char *mntns, size_t size)
{
	char dev[32];
	struct stat st;
	const char *rec;

	if (stat(path, &st))
		return NULL;
	snprintf(dev, sizeof(dev), "%u:%u", major(st.st_dev), minor(st.st_dev));
	rec = nsi_rec(text, "dev", dev, "mountpoint", path);
	if (rec && mntns)
		nsi_get(rec, "mntns", mntns, size);
	return rec;
}

static long long field_of(const char *path, const char *key)
{
	char *text = nsi_load("mounts");
	const char *rec = text ? mount_of(text, path, NULL, 0) : NULL;
	long long v = rec ? nsi_num(rec, key) : NSI_NONE;

	free(text);
	return v;
}

/*
 * Up to 6.16 a mount held a reference on its parent (mnt_set_mountpoint():
 * "essentially, that's mntget"; verified in 6.12). Al Viro's "don't have
 * mounts pin their parents" (6.17; verified absent in 7.2) dropped it.
 */
static int mounts_pin_parents(void)
{
	unsigned int major = 0, minor = 0;
	struct utsname u;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return -1;
	return major < 6 || (major == 6 && minor < 17);
}

static int make_dir(const char *path)
{
	return mkdir(path, 0700) && errno != EEXIST ? -1 : 0;
}

FIXTURE(tmpfs) {
	char dir[64];
};

FIXTURE_SETUP(tmpfs)
{
	snprintf(self->dir, sizeof(self->dir), BASE "-%d", getpid());
	ASSERT_EQ(0, make_dir(self->dir));
	ASSERT_EQ(0, mount("nsi-test", self->dir, "tmpfs", 0, NULL));
}

FIXTURE_TEARDOWN(tmpfs)
{
	umount2(self->dir, MNT_DETACH);
	rmdir(self->dir);
}

/* Unescape mountinfo's \ooo in place. */
static void unoctal(char *s)
{
	char *o = s;

	while (*s) {
		if (s[0] == '\\' && s[1] && s[2] && s[3]) {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
}

/*
 * Compare every line of /proc/pid/mountinfo with the record of that mount
 * id in namespace mntns; returns the number of lines compared. *whole says
 * whether the task's root is its namespace's root, so that mountinfo shows
 * every mount rather than those under a chroot.
 */
static int compare_mountinfo(struct __test_metadata *_metadata, const char *text,
			     pid_t pid, const char *mntns, int *whole)
{
	char path[64], line[8192], want[128], val[4096];
	int lines = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/mountinfo", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *field[32], *save, *tok, *prop = NULL;
		int n = 0, sep = -1, i;
		const char *rec;

		line[strcspn(line, "\n")] = '\0';
		for (tok = strtok_r(line, " ", &save); tok && n < 32;
		     tok = strtok_r(NULL, " ", &save)) {
			if (!strcmp(tok, "-"))
				sep = n;
			field[n++] = tok;
		}
		ASSERT_GT(sep, 5);
		ASSERT_GE(n, sep + 3);
		if (!strcmp(field[4], "/") && !strcmp(field[0], field[1]))
			*whole = 1;
		rec = nsi_rec(text, "mntns", mntns, "id", field[0]);
		ASSERT_NE(NULL, rec) TH_LOG("mount %s of namespace %s", field[0], mntns);
		EXPECT_EQ(atoll(field[1]), nsi_num(rec, "parent"));
		ASSERT_EQ(0, nsi_get(rec, "dev", val, sizeof(val)));
		EXPECT_STREQ(field[2], val);
		unoctal(field[3]);
		ASSERT_EQ(0, nsi_get(rec, "root", val, sizeof(val)));
		EXPECT_STREQ(field[3], val);
		unoctal(field[4]);
		ASSERT_EQ(0, nsi_get(rec, "mountpoint", val, sizeof(val)));
		EXPECT_STREQ(field[4], val);
		ASSERT_EQ(0, nsi_get(rec, "fstype", val, sizeof(val)));
		EXPECT_STREQ(field[sep + 1], val);
		unoctal(field[sep + 2]);
		ASSERT_EQ(0, nsi_get(rec, "source", val, sizeof(val)));
		EXPECT_STREQ(field[sep + 2], val);
		/* Optional fields, without propagate_from, joined by commas. */
		want[0] = '\0';
		for (i = 6; i < sep; i++) {
			if (!strncmp(field[i], "propagate_from:", 15))
				continue;
			if (want[0])
				strcat(want, ",");
			strncat(want, field[i], sizeof(want) - strlen(want) - 2);
		}
		prop = want[0] ? want : "-";
		ASSERT_EQ(0, nsi_get(rec, "propagation", val, sizeof(val)));
		EXPECT_STREQ(prop, val) TH_LOG("mount %s", field[0]);
		lines++;
	}
	fclose(f);
	return lines;
}

/* How many records have key=val. */
static int count_records(const char *text, const char *key, const char *val)
{
	const char *rec = nsi_rec(text, key, val, NULL, NULL);
	int n = 0;

	while (rec) {
		n++;
		rec = strchr(rec, '\n');
		rec = rec ? nsi_rec(rec + 1, key, val, NULL, NULL) : NULL;
	}
	return n;
}

/* In a new mount namespace, make the shared BASE-prop a slave and add a mount. */
static int slave_ns(void *arg)
{
	return unshare(CLONE_NEWNS) ||
	       mount(NULL, arg, NULL, MS_SLAVE, NULL) ||
	       mount("nsi-inner", arg, "tmpfs", 0, NULL);
}

TEST(mountinfo_matches_every_namespace)
{
	char prop[64], mntns[32], *tasks, *text;
	const char *rec, *t;
	struct nsi_child c;
	int namespaces = 0;

	/* A shared mount, and a namespace where its copy is a slave. */
	snprintf(prop, sizeof(prop), BASE "-prop-%d", getpid());
	ASSERT_EQ(0, make_dir(prop));
	ASSERT_EQ(0, mount("nsi-prop", prop, "tmpfs", 0, NULL));
	ASSERT_EQ(0, mount(NULL, prop, NULL, MS_SHARED, NULL));
	ASSERT_EQ(0, nsi_child_start(&c, slave_ns, prop));

	tasks = nsi_load("tasks");
	text = nsi_load("mounts");
	ASSERT_NE(NULL, tasks);
	ASSERT_NE(NULL, text);
	ASSERT_EQ(NULL, strstr(text, "# unavailable"));
	/* One task per mount namespace that has a task. */
	for (t = tasks; t && *t; t = strchr(t, '\n'), t = t ? t + 1 : NULL) {
		int lines, whole = 0;
		pid_t pid;

		if (*t == '#' || nsi_get(t, "mnt", mntns, sizeof(mntns)) || !strcmp(mntns, "-"))
			continue;
		if (nsi_rec(tasks, "mnt", mntns, NULL, NULL) != t)
			continue;	/* not the first task of its namespace */
		pid = nsi_num(t, "pid");
		lines = compare_mountinfo(_metadata, text, pid, mntns, &whole);
		if (lines < 0)
			continue;	/* exited */
		/* ...and no mount that mountinfo does not list. */
		if (whole)
			EXPECT_EQ(lines, count_records(text, "mntns", mntns))
				TH_LOG("namespace %s", mntns);
		namespaces++;
	}
	EXPECT_GE(namespaces, 2);

	/* The slave's record names its master's peer group. */
	snprintf(mntns, sizeof(mntns), "%lu", nsi_ns_ino(c.pid, "mnt"));
	rec = nsi_rec(text, "mntns", mntns, "source", "nsi-prop");
	ASSERT_NE(NULL, rec);
	ASSERT_EQ(0, nsi_get(rec, "propagation", prop, sizeof(prop)));
	EXPECT_EQ(0, strncmp(prop, "master:", 7)) TH_LOG("propagation=%s", prop);
	snprintf(prop, sizeof(prop), BASE "-prop-%d", getpid());
	free(text);
	free(tasks);
	nsi_child_stop(&c);
	umount2(prop, MNT_DETACH);
	rmdir(prop);
}

TEST_F(tmpfs, writers_and_counts_are_exact)
{
	char file[96], sub[96];
	pid_t pid;
	int fd, ready[2];
	char r;

	/* An idle mount is held by its namespace's tree alone. */
	EXPECT_EQ(1, field_of(self->dir, "count"));
	EXPECT_EQ(0, field_of(self->dir, "writers"));

	/* A file open for writing is one writer and one reference. */
	snprintf(file, sizeof(file), "%s/file", self->dir);
	fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, field_of(self->dir, "writers"));
	EXPECT_EQ(2, field_of(self->dir, "count"));
	close(fd);
	EXPECT_EQ(0, field_of(self->dir, "writers"));
	EXPECT_EQ(1, field_of(self->dir, "count"));

	/* A read-only open is a reference but no writer. */
	fd = open(file, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, field_of(self->dir, "writers"));
	EXPECT_EQ(2, field_of(self->dir, "count"));
	close(fd);

	/* A mount on a directory in it holds its parent, on older kernels. */
	snprintf(sub, sizeof(sub), "%s/sub", self->dir);
	ASSERT_EQ(0, make_dir(sub));
	ASSERT_EQ(0, mount("nsi-sub", sub, "tmpfs", 0, NULL));
	ASSERT_LE(0, mounts_pin_parents());
	EXPECT_EQ(1 + mounts_pin_parents(), field_of(self->dir, "count"));
	EXPECT_EQ(1, field_of(sub, "count"));
	ASSERT_EQ(0, umount(sub));
	EXPECT_EQ(1, field_of(self->dir, "count"));

	/* A process whose working directory is on it. */
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (chdir(self->dir) || write(ready[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(1, read(ready[0], &r, 1));
	EXPECT_EQ(2, field_of(self->dir, "count"));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	EXPECT_EQ(1, field_of(self->dir, "count"));
	close(ready[0]);
	close(ready[1]);
}

TEST_F(tmpfs, overlay_upper_clone_is_internal)
{
	char lower[96], upper[96], work[96], merged[96], opts[512], dev[32];
	const char *rec;
	struct stat st;
	char *text;

	snprintf(lower, sizeof(lower), "%s/lower", self->dir);
	snprintf(upper, sizeof(upper), "%s/upper", self->dir);
	snprintf(work, sizeof(work), "%s/work", self->dir);
	snprintf(merged, sizeof(merged), "%s/merged", self->dir);
	ASSERT_EQ(0, make_dir(lower));
	ASSERT_EQ(0, make_dir(upper));
	ASSERT_EQ(0, make_dir(work));
	ASSERT_EQ(0, make_dir(merged));
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work);
	ASSERT_EQ(0, mount("nsi-overlay", merged, "overlay", 0, opts))
		TH_LOG("overlay: %s (is overlay.ko in the payload?)", strerror(errno));

	ASSERT_EQ(0, stat(self->dir, &st));
	snprintf(dev, sizeof(dev), "%u:%u", major(st.st_dev), minor(st.st_dev));
	text = nsi_load("mounts");
	ASSERT_NE(NULL, text);
	/* overlayfs works through private clones of its layers' mounts. */
	rec = nsi_rec(text, "root", "/upper", "dev", dev);
	ASSERT_NE(NULL, rec) TH_LOG("no clone of the upper layer's mount");
	EXPECT_TRUE(nsi_rec(rec, "mntns", "internal", NULL, NULL) == rec);
	EXPECT_EQ(0, nsi_num(rec, "writers"));
	rec = nsi_rec(text, "root", "/lower", "dev", dev);
	ASSERT_NE(NULL, rec) TH_LOG("no clone of the lower layer's mount");
	EXPECT_TRUE(nsi_rec(rec, "mntns", "internal", NULL, NULL) == rec);
	/* The overlay mount itself is in our namespace. */
	rec = nsi_rec(text, "fstype", "overlay", "source", "nsi-overlay");
	ASSERT_NE(NULL, rec);
	EXPECT_EQ(nsi_ns_ino(getpid(), "mnt"), (unsigned long)nsi_num(rec, "mntns"));
	free(text);
	EXPECT_EQ(0, umount(merged));
}

TEST_F(tmpfs, lazily_unmounted_tree_is_detached)
{
	char lazy[96], dev[32];
	const char *rec;
	struct stat st;
	char *text;
	int fd;

	snprintf(lazy, sizeof(lazy), "%s/lazy", self->dir);
	ASSERT_EQ(0, make_dir(lazy));
	ASSERT_EQ(0, mount("nsi-lazy", lazy, "tmpfs", 0, NULL));
	ASSERT_EQ(0, stat(lazy, &st));
	snprintf(dev, sizeof(dev), "%u:%u", major(st.st_dev), minor(st.st_dev));
	fd = open(lazy, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, umount2(lazy, MNT_DETACH));

	text = nsi_load("mounts");
	rec = text ? nsi_rec(text, "dev", dev, NULL, NULL) : NULL;
	ASSERT_NE(NULL, rec);
	EXPECT_TRUE(nsi_rec(rec, "mntns", "detached", NULL, NULL) == rec);
	EXPECT_TRUE(nsi_has(rec, "flags", "umount"));
	EXPECT_GE(nsi_num(rec, "count"), 1);
	free(text);

	close(fd);
	text = nsi_load("mounts");
	ASSERT_NE(NULL, text);
	EXPECT_EQ(NULL, nsi_rec(text, "dev", dev, NULL, NULL));
	free(text);
}

static int mntns_with_tmpfs(void *arg)
{
	return unshare(CLONE_NEWNS) ||
	       mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	       mount("nsi-pinned", arg, "tmpfs", 0, NULL);
}

TEST_F(tmpfs, namespace_pinned_by_bind_mount_keeps_its_mounts)
{
	char pin[96], inner[96], path[64], mntns[32];
	struct nsi_child c;
	const char *rec;
	char *text;
	int fd;

	snprintf(inner, sizeof(inner), "%s/inner", self->dir);
	snprintf(pin, sizeof(pin), "%s/pin", self->dir);
	ASSERT_EQ(0, make_dir(inner));
	fd = open(pin, O_CREAT | O_RDONLY | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, nsi_child_start(&c, mntns_with_tmpfs, inner));
	snprintf(mntns, sizeof(mntns), "%lu", nsi_ns_ino(c.pid, "mnt"));
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", c.pid);
	ASSERT_EQ(0, mount(path, pin, NULL, MS_BIND, NULL));
	nsi_child_stop(&c);

	text = nsi_load("mounts");
	ASSERT_NE(NULL, text);
	rec = nsi_rec(text, "mntns", mntns, "source", "nsi-pinned");
	ASSERT_NE(NULL, rec) TH_LOG("mounts of namespace %s are not listed", mntns);
	EXPECT_STREQ(inner, (nsi_get(rec, "mountpoint", path, sizeof(path)), path));
	free(text);

	text = nsi_load("namespaces");
	ASSERT_NE(NULL, text);
	rec = nsi_rec(text, "type", "mnt", "inum", mntns);
	ASSERT_NE(NULL, rec);
	EXPECT_EQ(0, nsi_num(rec, "tasks"));
	EXPECT_TRUE(nsi_has(rec, "via", "mount"));
	EXPECT_GE(nsi_num(rec, "mounts"), 2);
	free(text);
	EXPECT_EQ(0, umount(pin));
}

/* Mount and unmount tmpfs in throwaway namespaces, until killed. */
static void churn_mounts(const char *dir)
{
	for (;;) {
		pid_t pid = fork();

		if (pid == 0) {
			int i;

			if (unshare(CLONE_NEWNS) ||
			    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
				_exit(1);
			for (i = 0; i < 10; i++) {
				if (mount("nsi-churn", dir, "tmpfs", 0, NULL))
					_exit(1);
				umount2(dir, i % 2 ? MNT_DETACH : 0);
			}
			_exit(0);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
}

TEST_F(tmpfs, reads_parse_while_mounts_churn)
{
	static const size_t chunks[] = { 1, 13, 4096 };
	pid_t churner;
	int i;

	churner = fork();
	ASSERT_LE(0, churner);
	if (churner == 0)
		churn_mounts(self->dir);
	for (i = 0; i < 12; i++) {
		char *text = nsi_read_file("mounts", chunks[i % ARRAY_SIZE(chunks)], NULL);
		long bad;

		ASSERT_NE(NULL, text);
		bad = nsi_check_format(text);
		EXPECT_EQ(0, bad) TH_LOG("line %ld (-1: count)", bad);
		free(text);
	}
	kill(churner, SIGKILL);
	waitpid(churner, NULL, 0);
}

TEST_HARNESS_MAIN
