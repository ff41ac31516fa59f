// SPDX-License-Identifier: GPL-2.0
/*
 * What nsinspect gives away and to whom: no kernel address in any file, no
 * reader without real root, and no file that takes input: writes of random
 * bytes, ioctls, mmap and bad seeks are all refused and change nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "nsi_test.h"

static const char *const files[] = { "version", "tasks", "nsproxies", "namespaces", "mounts" };
#define NFILES ARRAY_SIZE(files)

/*
 * x86-64's kernel half: from 0xffff800000000000 with 4-level paging, from
 * 0xff00000000000000 with 5-level paging (QEMU's -cpu max has LA57: the
 * direct map is at 0xff11000000000000 there).
 */
#define KERNEL_HALF 0xff00000000000000ULL

/*
 * The first token of text that looks like a kernel pointer: 16 hex digits
 * starting with ff (with or without 0x), or a decimal number in the kernel
 * half. NULL if there is none.
 */
static const char *kernel_pointer(const char *text, char *tok, size_t toksize)
{
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, "\n =,:/()[]\"'");

		if (n && n < toksize) {
			const char *t = tok;
			char *end;

			memcpy(tok, p, n);
			tok[n] = '\0';
			if (!strncasecmp(t, "0x", 2))
				t += 2;
			if (strlen(t) == 16 && !strncasecmp(t, "ff", 2) &&
			    strspn(t, "0123456789abcdefABCDEF") == 16)
				return tok;
			if (strspn(tok, "0123456789") == n &&
			    strtoull(tok, &end, 10) >= KERNEL_HALF && !*end)
				return tok;
		}
		p += n;
		if (*p)
			p++;
	}
	return NULL;
}

TEST(pointer_scanner_finds_planted_pointers)
{
	char tok[64];

	/* The scanner itself must be able to fail the next test. */
	EXPECT_NE(NULL, kernel_pointer("a=1 key=ffff888003a1c000 b=2", tok, sizeof(tok)));
	EXPECT_NE(NULL, kernel_pointer("x=0xFFFFFFFF81000000\n", tok, sizeof(tok)));
	EXPECT_NE(NULL, kernel_pointer("la57=ff11000009c08000", tok, sizeof(tok)));
	EXPECT_NE(NULL, kernel_pointer("n=18446612682131849216", tok, sizeof(tok)));
	EXPECT_EQ(NULL, kernel_pointer("id=4026531835 refs=12 nsproxy=187650000000",
				       tok, sizeof(tok)));
}

TEST(no_kernel_address_in_any_file)
{
	size_t f;
	long bytes = 0;

	for (f = 0; f < NFILES; f++) {
		char *text = nsi_load(files[f]), tok[64];
		const char *hit;

		ASSERT_NE(NULL, text) TH_LOG("%s: %m", files[f]);
		hit = kernel_pointer(text, tok, sizeof(tok));
		EXPECT_EQ(NULL, hit) TH_LOG("%s shows %s", files[f], hit);
		bytes += strlen(text);
		free(text);
	}
	printf("# security: pointer_scan files=%zu bytes=%ld\n", NFILES, bytes);
}

/*
 * Root of a user namespace that an unprivileged user made has every
 * capability there, and none over the files. The directory is opened
 * beforehand, so that only each file's own permissions are tested, not
 * the 0700 of /sys/kernel/debug on the way.
 */
TEST(userns_root_is_refused)
{
	int dir, status;
	pid_t pid;

	dir = open(NSI_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_GE(dir, 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int fd, refused = 0;
		size_t f;

		if (setgid(65534) || setuid(65534))
			_exit(10);
		/* setuid() made us undumpable: /proc/self would be root's. */
		prctl(PR_SET_DUMPABLE, 1);
		if (unshare(CLONE_NEWUSER))
			_exit(11);
		fd = open("/proc/self/uid_map", O_WRONLY);
		if (fd < 0 || write(fd, "0 65534 1", 9) != 9)
			_exit(12);
		close(fd);
		if (getuid() != 0)
			_exit(13);
		for (f = 0; f < NFILES; f++) {
			fd = openat(dir, files[f], O_RDONLY);
			if (fd < 0 && errno == EACCES)
				refused++;
			else if (fd >= 0)
				close(fd);
		}
		_exit(refused == NFILES ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* And the same openat() works for real root: the test can tell. */
	status = openat(dir, "version", O_RDONLY);
	EXPECT_GE(status, 0);
	close(status);
	close(dir);
}

/* Random bytes, ioctls, mmap and bad seeks: each is refused; nothing changes. */
TEST(bad_input_is_refused)
{
	long writes = 0, ioctls = 0, mmaps = 0, seeks = 0, offsets = 0;
	unsigned int seed = 7;
	char *before, *after;
	size_t f;

	before = nsi_load("version");
	ASSERT_NE(NULL, before);
	for (f = 0; f < NFILES; f++) {
		char path[128], junk[512], *all, *part;
		size_t len, i;
		int fd, k;

		snprintf(path, sizeof(path), NSI_DIR "/%s", files[f]);
		/* Root may open 0400 for writing (DAC override); writing is refused. */
		for (k = 0; k < 32; k++) {
			fd = open(path, k & 1 ? O_RDWR : O_WRONLY);
			if (fd < 0) {
				EXPECT_TRUE(errno == EACCES || errno == EPERM) TH_LOG("%m");
				writes++;
				continue;
			}
			len = 1 + rand_r(&seed) % sizeof(junk);
			for (i = 0; i < len; i++)
				junk[i] = rand_r(&seed);
			EXPECT_EQ(-1, write(fd, junk, len));
			EXPECT_EQ(EINVAL, errno);
			writes++;
			close(fd);
		}
		fd = open(path, O_RDONLY);
		ASSERT_GE(fd, 0);
		for (k = 0; k < 16; k++) {
			EXPECT_EQ(-1, ioctl(fd, rand_r(&seed), junk));
			EXPECT_TRUE(errno == ENOTTY || errno == EINVAL) TH_LOG("%m");
			ioctls++;
		}
		EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0));
		mmaps++;
		EXPECT_EQ(-1, lseek(fd, -1, SEEK_SET));
		EXPECT_EQ(-1, lseek(fd, 0, SEEK_END));
		seeks += 2;

		/* Seeks inside one open file land in the same snapshot. */
		all = malloc(1 << 22);
		part = malloc(1 << 22);
		ASSERT_TRUE(all && part);
		len = 0;
		while ((k = read(fd, all + len, (1 << 22) - 1 - len)) > 0)
			len += k;
		all[len] = '\0';
		ASSERT_GT(len, 0);
		for (k = 0; k < 8; k++) {
			off_t off = k == 7 ? (off_t)len + 4096 : (off_t)(rand_r(&seed) % len);
			ssize_t n;

			ASSERT_EQ(off, lseek(fd, off, SEEK_SET));
			n = read(fd, part, 1 << 21);
			ASSERT_GE(n, 0);
			if (off >= (off_t)len) {
				EXPECT_EQ(0, n);
			} else {
				EXPECT_EQ(0, memcmp(part, all + off, n))
					TH_LOG("%s at %ld", files[f], (long)off);
			}
			offsets++;
		}
		free(all);
		free(part);
		close(fd);
	}
	after = nsi_load("version");
	ASSERT_NE(NULL, after);
	/* The last line, stat=max_hold_ns, moves with every snapshot. */
	ASSERT_NE(NULL, strstr(before, "\nstat="));
	ASSERT_NE(NULL, strstr(after, "\nstat="));
	*strstr(before, "\nstat=") = '\0';
	*strstr(after, "\nstat=") = '\0';
	EXPECT_STREQ(before, after);
	free(before);
	free(after);
	printf("# security: bad_input writes=%ld ioctls=%ld mmaps=%ld", writes, ioctls, mmaps);
	printf(" bad_seeks=%ld seek_reads=%ld\n", seeks, offsets);
}

TEST_HARNESS_MAIN
