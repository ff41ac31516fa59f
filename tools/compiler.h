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

/*
 * C11's static_assert, for tables indexed by an enum: each is defined
 * unsized, and asserted to have an entry for every value (as kcsan does).
 */
#include <assert.h>

#endif /* NSI_COMPILER_H */
