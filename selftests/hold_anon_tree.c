// SPDX-License-Identifier: GPL-2.0
/*
 * hold_anon_tree PATH: clone the mount at PATH with open_tree(2) into an
 * anonymous mount namespace and hold it through the returned file. Prints
 * "ok" once it holds it, then waits to be killed.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif

int main(int argc, char **argv)
{
	int fd;

	if (argc != 2)
		return 2;
	fd = syscall(SYS_open_tree, AT_FDCWD, argv[1], OPEN_TREE_CLONE | O_CLOEXEC);
	if (fd < 0) {
		perror("open_tree");
		return 1;
	}
	printf("ok\n");
	fflush(stdout);
	for (;;)
		pause();
}
