// SPDX-License-Identifier: GPL-2.0
/*
 * trace_sockets N: open and close N AF_UNIX sockets, one at a time, in the
 * caller's net namespace. Each takes a reference on the namespace in
 * sk_alloc() and gives it back when closed (AF_UNIX sockets are freed at
 * once, not after an RCU grace period), so a traced namespace must show N
 * gets and N puts from this workload, netting to 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long i, n = argc > 1 ? strtol(argv[1], NULL, 10) : 1;

	for (i = 0; i < n; i++) {
		int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

		if (fd < 0) {
			perror("socket");
			return 1;
		}
		close(fd);
	}
	return 0;
}
