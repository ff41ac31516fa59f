/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Turning a source into files: the module's debugfs directory or a copy
 * of it (--from), read so that tasks, nsproxies and namespaces describe
 * one snapshot, with the mounts file optional as the version file says.
 * The model (model.h) turns the files into objects; /proc mode (proc.h)
 * and the fuzzer make their files otherwise.
 */
#ifndef NSI_LOAD_H
#define NSI_LOAD_H

#include "model.h"
#include "source.h"

/*
 * Read the @files (NSI_FILE() bits) of @src into @m, the others left
 * empty, and build the model from them. nsi_model_free() is needed in
 * every case.
 */
enum nsi_exit nsi_model_load(struct nsi_model *m, const struct nsi_source *src,
			     unsigned int files, struct nsi_error *err);

#endif /* NSI_LOAD_H */
