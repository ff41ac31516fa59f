// SPDX-License-Identifier: GPL-2.0
/*
 * hold_socket: create a socket in a fresh net namespace, go back to the
 * original one and keep only the socket: the namespace is then pinned by a
 * reference no task, nsfs file or mount explains, as a leaked one would be.
 * Prints the namespace's inode number, then waits to be killed.
 *
 * hold_socket two: a UNIX socket is made there too, by another stack, and
 * closed back home: one of two sockets' references is left, and the
 * namespace's counts cannot say which.
 */
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	bool two = argc > 1 && !strcmp(argv[1], "two");
	int sock, other = -1;
	struct stat st;

	if (home < 0 || unshare(CLONE_NEWNET) || stat("/proc/self/ns/net", &st))
		return 1;
	sock = socket(AF_INET, SOCK_DGRAM, 0);
	if (two)
		other = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (sock < 0 || (two && other < 0) || setns(home, CLONE_NEWNET))
		return 1;
	close(home);
	if (two)
		close(other);
	printf("%lu\n", (unsigned long)st.st_ino);
	fflush(stdout);
	for (;;)
		pause();
}
