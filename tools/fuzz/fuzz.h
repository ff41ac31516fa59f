/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One fuzz iteration, shared by the libFuzzer target and the regression
 * test that replays saved crashers under make check.
 */
#ifndef NSI_FUZZ_H
#define NSI_FUZZ_H

#include <stddef.h>

/*
 * Parse @data as each of the four files, build the model and run the
 * commands that walk it. They print to stdout: callers point it at
 * /dev/null first.
 */
void nsi_fuzz_one(const unsigned char *data, size_t size);

#endif /* NSI_FUZZ_H */
