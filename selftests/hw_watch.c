// SPDX-License-Identifier: GPL-2.0
/*
 * hw_watch: set a hardware watchpoint on a variable of our own through
 * perf, as gdb's `watch` or `perf record -e mem:ADDR:w` would, write the
 * variable 5 times, and print "hits=N". Exits 1 when the watchpoint cannot
 * be set (ENOSPC: every debug register of this CPU is taken).
 */
#include <errno.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int watched;

int main(void)
{
	struct perf_event_attr attr;
	long long hits = 0;
	int fd, i;

	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_BREAKPOINT;
	attr.size = sizeof(attr);
	attr.bp_type = HW_BREAKPOINT_W;
	attr.bp_addr = (uintptr_t)&watched;
	attr.bp_len = HW_BREAKPOINT_LEN_4;
	attr.sample_period = 1;
	attr.exclude_kernel = 1;
	fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd < 0) {
		printf("perf_event_open: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < 5; i++)
		__atomic_store_n(&watched, i, __ATOMIC_RELAXED);
	if (read(fd, &hits, sizeof(hits)) != sizeof(hits))
		return 1;
	printf("hits=%lld\n", hits);
	return 0;
}
