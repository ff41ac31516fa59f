// SPDX-License-Identifier: GPL-2.0
/*
 * trace_sockets [-t] N: open and close N AF_UNIX sockets, one at a time, in
 * the caller's net namespace; with -t, print "us=T", the loop's time in
 * microseconds (for make bench). Each takes a reference on the namespace in
 * sk_alloc() and gives it back when closed (AF_UNIX sockets are freed at
 * once, not after an RCU grace period), so a traced namespace must show N
 * gets and N puts from this workload, netting to 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	int timed = argc > 1 && !strcmp(argv[1], "-t");
	long i, n = argc > 1 + timed ? strtol(argv[1 + timed], NULL, 10) : 1;
	long long start = now_us();

	for (i = 0; i < n; i++) {
		int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

		if (fd < 0) {
			perror("socket");
			return 1;
		}
		close(fd);
	}
	if (timed)
		printf("us=%lld\n", now_us() - start);
	return 0;
}
