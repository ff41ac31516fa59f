// SPDX-License-Identifier: GPL-2.0
/*
 * One fuzz iteration; see fuzz.h. The model is where the parsed values
 * are trusted, so it is fuzzed along with the parser: duplicate ids,
 * parent cycles and wild numbers must all be handled there.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fuzz.h"
#include "model.h"
#include "xalloc.h"

static const struct nsi_cmd *const walkers[] = {
	&nsi_cmd_tree, &nsi_cmd_list, &nsi_cmd_holders, &nsi_cmd_pids, &nsi_cmd_nsproxies,
	&nsi_cmd_mounts,
	&nsi_cmd_check, &nsi_cmd_graph,
};

void nsi_fuzz_one(const unsigned char *data, size_t size)
{
	/* Both output paths, chosen by the input itself. */
	struct nsi_ctx ctx = { .type = -1, .pid = -1, .json = size & 1, .all = true };
	struct nsi_model m = { 0 };
	struct nsi_parse_error perr;
	struct nsi_error err;
	int f, ok = 1;
	size_t i;

	snprintf(m.origin, sizeof(m.origin), "fuzz");
	for (f = 0; f < NSI_NR_FILES; f++) {
		FILE *fp = fmemopen((void *)data, size ? size : 1, "r");

		if (!fp)
			nsi_oom();
		if (!size || nsi_file_parse(fp, &m.files[f], &perr))
			ok = 0;
		fclose(fp);
	}
	m.mounts_ok = 1;
	if (ok && nsi_model_build(&m, &err) == NSI_EXIT_OK)
		for (i = 0; i < ARRAY_SIZE(walkers); i++) {
			ctx.cmd = walkers[i];
			walkers[i]->run(&ctx, &m, &err);
		}
	nsi_model_free(&m);
}
