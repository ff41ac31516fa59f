// SPDX-License-Identifier: GPL-2.0
/*
 * Reader for the module's "version" file; see version.h.
 *
 * Keys and records this tool does not know are ignored, so a newer module
 * can add them without a format bump. Missing required keys are not: the
 * output would be misread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version.h"
#include "xalloc.h"

#define VERSION_FILE	"version"

static bool parse_ulong(const char *s, unsigned long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return !errno && !*end;
}

static enum nsi_exit malformed(struct nsi_error *err, const struct nsi_source *src,
			       unsigned int line, const char *what)
{
	return nsi_fail(err, NSI_EXIT_BADINPUT, "%s/%s:%u: %s", src->dir, VERSION_FILE, line, what);
}

static enum nsi_exit read_feature(const struct nsi_source *src, const struct nsi_record *rec,
				  struct nsi_feature *f, struct nsi_error *err)
{
	const char *state = nsi_record_get(rec, "state");

	f->name = nsi_record_get(rec, "feature");
	if (!state)
		return malformed(err, src, rec->line, "missing key 'state'");
	if (!strcmp(state, "available"))
		f->available = true;
	else if (strcmp(state, "unavailable"))
		return malformed(err, src, rec->line, "state is neither available nor unavailable");
	f->reason = nsi_record_get(rec, "reason");
	if (nsi_is_none(f->reason))
		f->reason = NULL;
	return NSI_EXIT_OK;
}

enum nsi_exit nsi_version_read(const struct nsi_source *src, struct nsi_version *ver,
			       struct nsi_error *err)
{
	const struct nsi_record *hdr;
	enum nsi_exit status;
	const char *format;
	size_t i, nr;

	memset(ver, 0, sizeof(*ver));
	status = nsi_source_read(src, VERSION_FILE, &ver->file, err);
	if (status != NSI_EXIT_OK && status != NSI_EXIT_BADINPUT)
		return status;

	/*
	 * Judge the format version first, even when a later line did not
	 * parse: a newer format may well change those lines, and
	 * "unsupported format version" is the message that says what to do.
	 */
	hdr = ver->file.nr_records ? &ver->file.records[0] : NULL;
	format = hdr ? nsi_record_get(hdr, "format") : NULL;
	if (format && parse_ulong(format, &ver->format) && ver->format != NSI_FORMAT_VERSION)
		return nsi_fail(err, NSI_EXIT_BADINPUT,
				"%s/%s: unsupported format version %lu (this tool reads %d)",
				src->dir, VERSION_FILE, ver->format, NSI_FORMAT_VERSION);
	if (status != NSI_EXIT_OK)
		return status;

	if (!hdr)
		return nsi_fail(err, NSI_EXIT_BADINPUT, "%s/%s: no records",
				src->dir, VERSION_FILE);
	ver->module = nsi_record_get(hdr, "nsinspect");
	ver->kernel = nsi_record_get(hdr, "kernel");
	if (!ver->module)
		return malformed(err, src, hdr->line, "missing key 'nsinspect'");
	if (!format)
		return malformed(err, src, hdr->line, "missing key 'format'");
	if (!parse_ulong(format, &ver->format))
		return malformed(err, src, hdr->line, "format is not a decimal number");
	if (!ver->kernel)
		return malformed(err, src, hdr->line, "missing key 'kernel'");

	for (i = 1, nr = 0; i < ver->file.nr_records; i++)
		if (nsi_record_get(&ver->file.records[i], "feature"))
			nr++;
	ver->features = xcalloc(nr, sizeof(*ver->features));
	for (i = 1; i < ver->file.nr_records; i++) {
		const struct nsi_record *rec = &ver->file.records[i];

		if (!nsi_record_get(rec, "feature"))
			continue;	/* a record type from a newer module */
		status = read_feature(src, rec, &ver->features[ver->nr_features], err);
		if (status != NSI_EXIT_OK)
			return status;
		ver->nr_features++;
	}
	return NSI_EXIT_OK;
}

void nsi_version_free(struct nsi_version *ver)
{
	free(ver->features);
	nsi_file_free(&ver->file);
	memset(ver, 0, sizeof(*ver));
}
