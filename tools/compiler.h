/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel helpers this code uses, under their kernel names (as in the
 * kernel's tools/include), so it reads like kernel code.
 */
#ifndef NSI_COMPILER_H
#define NSI_COMPILER_H

/* checkpatch flags this line: it is the definition it asks us to use. */
#define __printf(a, b)	__attribute__((format(printf, a, b)))

#define ARRAY_SIZE(arr)	(sizeof(arr) / sizeof((arr)[0]))

#endif /* NSI_COMPILER_H */
