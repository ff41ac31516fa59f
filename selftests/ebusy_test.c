// SPDX-License-Identifier: GPL-2.0
/*
 * Reading mounts must not change what it reads (issue 13, section 2): a
 * reader may take no reference on a mount that outlives the instant it is
 * needed. So, while readers loop on the mounts file, a plain umount of an
 * idle tmpfs never fails with EBUSY, and once a synchronous umount returned,
 * its superblock is gone: a mounts file read right after it shows no mount
 * of that superblock any more.
 *
 * NSI_EBUSY_CYCLES sets the mount/umount cycles (default 1000),
 * NSI_EBUSY_READERS the looping readers (default 4, at most 16).
 * The figures go out as an "# ebusy: ..." line.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "nsi_test.h"

#define BASE "/tmp/nsi-ebusy"
#define MAX_READERS 16
/* Each reader must finish this many passes, or the test proves nothing. */
#define MIN_PASSES 3

struct shared {
	int stop;
	long passes[MAX_READERS];
	long errors;
	char error[128];
};

/* open NSI_DIR/file, read to EOF, close; until told to stop. */
static void reader(struct shared *sh, int idx, const char *file)
{
	static char buf[1 << 16];
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), NSI_DIR "/%s", file);
	while (!__atomic_load_n(&sh->stop, __ATOMIC_RELAXED)) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			n = -1;
		} else {
			while ((n = read(fd, buf, sizeof(buf))) > 0)
				;
			close(fd);
		}
		if (n < 0) {
			if (__atomic_fetch_add(&sh->errors, 1, __ATOMIC_RELAXED) == 0)
				snprintf(sh->error, sizeof(sh->error), "child %d: %s", idx,
					 strerror(errno));
			usleep(10000);
			continue;
		}
		__atomic_fetch_add(&sh->passes[idx], 1, __ATOMIC_RELAXED);
	}
	_exit(0);
}

/* A tmpfs mount point and the readers around it. */
struct scene {
	char dir[64];
	struct shared *sh;
	pid_t readers[MAX_READERS];
	int nreaders;
};

FIXTURE(ebusy) {
	struct scene s;
};

FIXTURE_SETUP(ebusy)
{
	struct scene *s = &self->s;

	snprintf(s->dir, sizeof(s->dir), BASE "-%d", getpid());
	ASSERT_EQ(0, mkdir(s->dir, 0700));
	s->sh = mmap(NULL, sizeof(*s->sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		     -1, 0);
	ASSERT_NE(MAP_FAILED, s->sh);
	memset(s->sh, 0, sizeof(*s->sh));
	s->nreaders = 0;
}

static void stop_readers(struct scene *self)
{
	int i;

	__atomic_store_n(&self->sh->stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < self->nreaders; i++)
		waitpid(self->readers[i], NULL, 0);
	self->nreaders = 0;
}

FIXTURE_TEARDOWN(ebusy)
{
	struct scene *s = &self->s;

	if (s->sh == MAP_FAILED || !s->sh)
		return;
	stop_readers(s);
	umount2(s->dir, MNT_DETACH);
	rmdir(s->dir);
	munmap(s->sh, sizeof(*s->sh));
}

/*
 * Is a mount of the superblock with this source and dev still listed? A
 * superblock whose umount returned is gone; its dev number cannot be reused
 * while it lives, and nothing else mounts meanwhile.
 */
static int still_listed(const char *src, const char *dev)
{
	char *text = nsi_load("mounts");
	int found;

	if (!text)
		return -1;
	found = !!nsi_rec(text, "source", src, "dev", dev);
	free(text);
	return found;
}

/*
 * cycles mount/umount cycles of a tmpfs while nreaders processes loop on
 * NSI_DIR/file; then the figures, and the verdict.
 */
static void cycle_under_readers(struct __test_metadata *_metadata, struct scene *self,
				const char *file, long cycles, long nreaders)
{
	long ebusy = 0, busy_cycles = 0, lingering = 0, other = 0, done = 0;
	long total = 0, fewest = -1, i;
	char src[64], dev[32], passes[MAX_READERS * 12] = "";
	double start, secs;
	struct stat st;
	char *text;
	int r, busy, first_errno = 0;

	ASSERT_TRUE(nreaders > 0 && nreaders <= MAX_READERS);
	text = nsi_load("mounts");
	ASSERT_NE(NULL, text) TH_LOG("cannot read " NSI_DIR "/mounts: %m");
	if (strstr(text, "# unavailable:")) {
		free(text);
		SKIP(return, "the mounts walk is unavailable on this kernel");
	}
	free(text);

	for (i = 0; i < nreaders; i++) {
		pid_t pid = fork();

		ASSERT_GE(pid, 0);
		if (!pid)
			reader(self->sh, i, file);
		self->readers[self->nreaders++] = pid;
	}
	/* Let every reader get going before the first cycle. */
	usleep(200000);

	start = nsi_now();
	for (i = 0; i < cycles; i++) {
		snprintf(src, sizeof(src), "nsi-ebusy-%ld", i);
		ASSERT_EQ(0, mount(src, self->dir, "tmpfs", 0, "size=64k"))
			TH_LOG("cycle %ld: mount: %m", i);
		ASSERT_EQ(0, stat(self->dir, &st));
		snprintf(dev, sizeof(dev), "%u:%u", major(st.st_dev), minor(st.st_dev));
		busy = 0;
		/* Retry a refused umount; nothing of ours keeps it busy. */
		while (umount(self->dir)) {
			if (errno != EBUSY) {
				other++;
				if (!first_errno)
					first_errno = errno;
				break;
			}
			ebusy++;
			busy = 1;
			if (ebusy > 100 * cycles)
				break;
			usleep(1000);
		}
		busy_cycles += busy;
		if (umount2(self->dir, MNT_DETACH) == 0) {
			/* Still mounted after the loop: give up. */
			ASSERT_TRUE(0) TH_LOG("cycle %ld: umount kept failing", i);
		}
		/* A synchronous umount returned: the superblock is gone. */
		r = still_listed(src, dev);
		ASSERT_GE(r, 0) TH_LOG("cycle %ld: reading mounts: %m", i);
		lingering += r;
		done++;
	}
	secs = nsi_now() - start;
	stop_readers(self);

	for (i = 0; i < nreaders; i++) {
		long p = self->sh->passes[i];

		snprintf(passes + strlen(passes), sizeof(passes) - strlen(passes), "%s%ld",
			 i ? "," : "", p);
		total += p;
		if (fewest < 0 || p < fewest)
			fewest = p;
	}
	printf("# ebusy: file=%s cycles=%ld readers=%ld ebusy=%ld busy_cycles=%ld", file,
	       done, nreaders, ebusy, busy_cycles);
	printf(" lingering_sb=%ld other_umount_errors=%ld reader_passes=%ld (%s)", lingering,
	       other, total, passes);
	printf(" reader_errors=%ld seconds=%.1f\n", self->sh->errors, secs);

	EXPECT_EQ(0, self->sh->errors) TH_LOG("first reader error: %s", self->sh->error);
	EXPECT_EQ(0, other) TH_LOG("umount failed otherwise: %s", strerror(first_errno));
	/* The readers really read while the cycles ran. */
	EXPECT_GE(fewest, MIN_PASSES) TH_LOG("a reader completed only %ld passes", fewest);
	/* Reading never makes an idle mount busy... */
	EXPECT_EQ(0, ebusy) TH_LOG("%ld umounts failed with EBUSY in %ld of %ld cycles",
				   ebusy, busy_cycles, done);
	/* ...nor keeps the superblock of a returned umount alive. */
	EXPECT_EQ(0, lingering) TH_LOG("%ld superblocks outlived their umount", lingering);
}

/* The test of issue 13: readers loop on mounts itself. */
TEST_F_TIMEOUT(ebusy, umount_under_mounts_readers, 600)
{
	cycle_under_readers(_metadata, &self->s, "mounts", nsi_env_long("NSI_EBUSY_CYCLES", 1000),
			    nsi_env_long("NSI_EBUSY_READERS", 4));
}

/*
 * Control: the same machinery with readers of a file that walks no mounts
 * finds no EBUSY and no lingering superblock, so that whatever the test
 * above finds is the mounts walk's doing.
 */
TEST_F_TIMEOUT(ebusy, control_umount_under_version_readers, 600)
{
	cycle_under_readers(_metadata, &self->s, "version", 200,
			    nsi_env_long("NSI_EBUSY_READERS", 4));
}

TEST_HARNESS_MAIN
