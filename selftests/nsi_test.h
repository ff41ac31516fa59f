/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the nsinspect selftests: reading debugfs files and
 * picking fields out of their key=value records.
 */
#ifndef NSI_TEST_H
#define NSI_TEST_H

#include <stddef.h>
#include <sys/types.h>

#define NSI_DIR "/sys/kernel/debug/nsinspect"

/* Read a whole file into buf (NUL-terminated); returns its length or -1. */
ssize_t nsi_read(const char *path, char *buf, size_t size);

/*
 * In the first record of text that has key sel (equal to selval unless that is
 * NULL), copy the unescaped value of key into out. Returns 0, or -1 if no such
 * record or key exists.
 */
int nsi_field(const char *text, const char *sel, const char *selval,
	      const char *key, char *out, size_t outsize);

#endif /* NSI_TEST_H */
