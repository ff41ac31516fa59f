// SPDX-License-Identifier: GPL-2.0
/*
 * map_leak FILE [VERB]: map FILE and print "mnt_id=N", the mount its
 * mapping is on (for an overlayfs file from 6.6 on, the upper layer's
 * private clone, which no mountinfo lists); or with VERB, print nothing and
 * write "VERB ADDR" to nsi_leak.ko's control, so that it leaks on that
 * mount (mntget, drop_write). The mount id is read from the fdinfo of the
 * mapping's /proc/self/map_files link, which opens the mapped file itself.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CONTROL "/sys/kernel/debug/nsi_leak/control"

static int mapped_mnt_id(const void *p, size_t len)
{
	char path[96], line[128];
	int fd, id = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx", (unsigned long)p,
		 (unsigned long)p + len);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(path);
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "mnt_id: %d", &id) == 1)
			break;
	if (f)
		fclose(f);
	close(fd);
	return id;
}

int main(int argc, char **argv)
{
	long len = sysconf(_SC_PAGESIZE);
	char verb[64];
	void *p;
	int fd, id;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: map_leak FILE [VERB]\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	if (argc == 2) {
		id = mapped_mnt_id(p, len);
		if (id < 0)
			return 1;
		printf("mnt_id=%d\n", id);
	} else {
		fd = open(CONTROL, O_WRONLY | O_CLOEXEC);
		snprintf(verb, sizeof(verb), "%s %lx", argv[2], (unsigned long)p);
		if (fd < 0 || write(fd, verb, strlen(verb)) < 0) {
			perror(CONTROL);
			return 1;
		}
		close(fd);
	}
	munmap(p, len);
	return 0;
}
