// SPDX-License-Identifier: GPL-2.0
/*
 * Load, files, modes and unload of nsinspect.ko. The runner loads the module
 * before the tests; every test leaves it loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "nsi_test.h"

static int load_module(void)
{
	return nsi_module_load(getenv("NSI_MODULE"));
}

static int unload_module(void)
{
	return syscall(SYS_delete_module, "nsinspect", O_NONBLOCK);
}

TEST(version_names_module_format_and_kernel)
{
	char *buf = nsi_load("version"), val[256];
	struct utsname u;

	ASSERT_NE(NULL, buf);
	ASSERT_NE(0, strlen(buf));
	ASSERT_EQ(0, uname(&u));
	ASSERT_EQ(0, nsi_field(buf, "nsinspect", NULL, "format", val, sizeof(val)));
	EXPECT_STREQ("1", val);
	ASSERT_EQ(0, nsi_field(buf, "nsinspect", NULL, "kernel", val, sizeof(val)));
	EXPECT_STREQ(u.release, val);
	ASSERT_EQ(0, nsi_field(buf, "nsinspect", NULL, "nsinspect", val, sizeof(val)));
	EXPECT_STREQ(NSI_VERSION, val);
	free(buf);
}

TEST(every_file_is_root_only)
{
	struct dirent *de;
	int nfiles = 0;
	DIR *d;

	d = opendir(NSI_DIR);
	ASSERT_NE(NULL, d);
	while ((de = readdir(d))) {
		char path[512];
		struct stat st;
		pid_t pid;
		int status;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), NSI_DIR "/%s", de->d_name);
		ASSERT_EQ(0, stat(path, &st));
		/* The tracer's control file is the one that root may write. */
		EXPECT_EQ(strcmp(de->d_name, "trace_control") ? (mode_t)0100400 : (mode_t)0100600,
			  st.st_mode) TH_LOG("%s mode %o", path, st.st_mode);
		EXPECT_EQ((uid_t)0, st.st_uid);
		nfiles++;

		/* An unprivileged reader is refused. */
		pid = fork();
		ASSERT_GE(pid, 0);
		if (pid == 0) {
			if (setgid(65534) || setuid(65534))
				_exit(2);
			_exit(open(path, O_RDONLY) < 0 && errno == EACCES ? 0 : 1);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("nobody could open %s", path);
	}
	closedir(d);
	EXPECT_GE(nfiles, 1);
}

TEST(unload_waits_for_open_reader)
{
	char buf[64];
	int fd;

	fd = open(NSI_DIR "/version", O_RDONLY);
	ASSERT_GE(fd, 0);
	/* An open file pins the module: rmmod must refuse, not pull it away. */
	EXPECT_EQ(-1, unload_module());
	EXPECT_EQ(EWOULDBLOCK, errno);
	EXPECT_GT(read(fd, buf, sizeof(buf)), 0);
	close(fd);

	ASSERT_EQ(0, unload_module()) TH_LOG("rmmod after close: %m");
	EXPECT_EQ(-1, access(NSI_DIR, F_OK));
	ASSERT_EQ(0, load_module()) TH_LOG("reload: %m");
	EXPECT_EQ(0, access(NSI_DIR "/version", R_OK));
}

TEST(unload_and_reload_cycles)
{
	char *buf;
	int i;

	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, unload_module()) TH_LOG("cycle %d: %m", i);
		ASSERT_EQ(0, load_module()) TH_LOG("cycle %d: %m", i);
		buf = nsi_load("version");
		ASSERT_NE(NULL, buf);
		ASSERT_NE(0, strlen(buf));
		free(buf);
	}
}

/*
 * A build whose struct mount offsets do not match the running kernel (the
 * payload's nsinspect-skewed.ko) must load, say why mounts are off, and
 * keep the namespace files working.
 */
TEST(skewed_layout_degrades)
{
	const char *skewed = getenv("NSI_MODULE_SKEWED");
	char *text, val[256];

	if (!skewed)
		SKIP(return, "no skewed build in the payload");
	ASSERT_EQ(0, unload_module());
	ASSERT_EQ(0, nsi_module_load(skewed)) TH_LOG("load %s: %m", skewed);

	text = nsi_load("version");
	ASSERT_NE(NULL, text);
	ASSERT_EQ(0, nsi_field(text, "feature", "mounts", "state", val, sizeof(val)));
	EXPECT_STREQ("unavailable", val);
	ASSERT_EQ(0, nsi_field(text, "feature", "mounts", "reason", val, sizeof(val)));
	EXPECT_NE(NULL, strstr(val, "does not match the running kernel")) TH_LOG("%s", val);
	free(text);

	text = nsi_load("mounts");
	ASSERT_NE(NULL, text);
	EXPECT_NE(NULL, strstr(text, "# unavailable: reason="));
	EXPECT_EQ(NULL, nsi_rec(text, "id", NULL, NULL, NULL));
	free(text);

	text = nsi_load("namespaces");
	ASSERT_NE(NULL, text);
	EXPECT_NE(NULL, nsi_rec(text, "type", "uts", NULL, NULL));
	ASSERT_EQ(0, nsi_field(text, "type", "mnt", "bindmounts", val, sizeof(val)));
	EXPECT_STREQ("-", val);
	free(text);

	ASSERT_EQ(0, unload_module());
	ASSERT_EQ(0, load_module()) TH_LOG("reload: %m");
}

TEST_HARNESS_MAIN
