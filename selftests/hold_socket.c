// SPDX-License-Identifier: GPL-2.0
/*
 * hold_socket: create a socket in a fresh net namespace, go back to the
 * original one and keep only the socket: the namespace is then pinned by a
 * reference no task, nsfs file or mount explains, as a leaked one would be.
 * Prints the namespace's inode number, then waits to be killed.
 */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	struct stat st;
	int sock;

	if (home < 0 || unshare(CLONE_NEWNET) || stat("/proc/self/ns/net", &st))
		return 1;
	sock = socket(AF_INET, SOCK_DGRAM, 0);
	if (sock < 0 || setns(home, CLONE_NEWNET))
		return 1;
	close(home);
	printf("%lu\n", (unsigned long)st.st_ino);
	fflush(stdout);
	for (;;)
		pause();
}
