// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the record parser and the model; see fuzz.h.
 * libFuzzer fixes the CamelCase names of its two entry points.
 *
 *   make fuzz FUZZ_SECONDS=60
 */
#include <stddef.h>
#include <stdio.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* The commands print; only whether they survive matters here. */
	return freopen("/dev/null", "w", stdout) ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	nsi_fuzz_one(data, size);
	return 0;
}
