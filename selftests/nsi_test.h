/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the nsinspect selftests: reading debugfs files, picking
 * fields out of their key=value records, and child processes that hold
 * namespaces alive while a test looks at them.
 */
#ifndef NSI_TEST_H
#define NSI_TEST_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#define NSI_DIR "/sys/kernel/debug/nsinspect"
#define NSI_NONE LLONG_MIN

/*
 * The whole of a file in a malloc'd, NUL-terminated string, read with read(2)
 * calls of chunk bytes: name is a file of NSI_DIR, or a path from '/'. NULL
 * with errno set if the open or a read fails; *opened (unless NULL) then says
 * whether the open had succeeded.
 */
char *nsi_read_file(const char *name, size_t chunk, int *opened);

/* nsi_read_file() in reads of 64 KiB, the size of a seq_file's buffer. */
char *nsi_load(const char *name);

/*
 * The first record (line) of text that has k1=v1 and, unless k2 is NULL,
 * k2=v2; comment lines never match. NULL if there is none.
 */
const char *nsi_rec(const char *text, const char *k1, const char *v1,
		    const char *k2, const char *v2);

/* The namespaces record of type with the inode number ino, or NULL. */
const char *nsi_ns_rec(const char *text, const char *type, unsigned long ino);

/* The tasks record of the task pid, or NULL. */
const char *nsi_task_rec(const char *text, pid_t pid);

/* Copy the unescaped value of key in record rec; 0, or -1 if absent. */
int nsi_get(const char *rec, const char *key, char *out, size_t outsize);

/* The value of key as a number; NSI_NONE if absent or "-". */
long long nsi_num(const char *rec, const char *key);

/* Does the comma-separated value of key contain word? */
int nsi_has(const char *rec, const char *key, const char *word);

/* In the first record that has sel=selval (any value if NULL), copy key. */
int nsi_field(const char *text, const char *sel, const char *selval,
	      const char *key, char *out, size_t outsize);

/*
 * Check that every line is a comment or space-separated key=value pairs and
 * that the record count matches the header's records=N. Returns 0, the
 * 1-based number of the first bad line, or -1 when the counts differ.
 */
long nsi_check_format(const char *text);

/* Seconds on CLOCK_MONOTONIC. */
double nsi_now(void);

/* The environment variable name as a number; def if unset or empty. */
long nsi_env_long(const char *name, long def);

/* finit_module() of the .ko at path (NULL: fail); 0 or -1 with errno. */
int nsi_module_load(const char *path);

/* Inode number of /proc/PID/ns/NAME, or 0. */
unsigned long nsi_ns_ino(pid_t pid, const char *name);

/*
 * A child that runs fn(arg) (unless fn is NULL), then stays alive, holding
 * whatever fn set up, and runs what nsi_child_run() asks of it until
 * nsi_child_stop(). Before it exits it stops the children it started itself,
 * so that it leaves none behind. Start returns fn's result (0 on success).
 */
struct nsi_child {
	pid_t pid;
	int cmd, ack;			/* requests to the child, its answers */
	struct nsi_child *next;		/* started by the same process */
};

int nsi_child_start(struct nsi_child *c, int (*fn)(void *), void *arg);

/*
 * Run fn(arg) in the child; fn's result, or -1 if the child did not answer.
 * The child has its own copy of memory, taken at fork: arg must point to
 * something that it had then.
 */
int nsi_child_run(struct nsi_child *c, int (*fn)(void *), void *arg);

void nsi_child_stop(struct nsi_child *c);

#endif /* NSI_TEST_H */
