/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parser for the nsinspect record format, the contract with the module.
 *
 * One record per line: "key=value" fields separated by single spaces.
 * Lines starting with '#' are comments. In values, space, '=', newline,
 * backslash and every byte < 0x20 or == 0x7f are written as a backslash
 * and exactly three octal digits (like /proc/PID/mountinfo); the parser
 * undoes that. "-" means "none" and is kept as the literal string "-":
 * what "none" means is up to the caller (see nsi_is_none()).
 */
#ifndef NSI_RECORD_H
#define NSI_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Longest accepted line, without its newline. Far above anything the
 * module writes (a fully escaped PATH_MAX path is 16 KiB); it only stops
 * a wrong --from file from being taken in as one giant record.
 */
#define NSI_RECORD_LINE_MAX	65536

struct nsi_field {
	const char *key;
	const char *value;	/* unescaped */
	unsigned int hash;	/* of key: lookups compare it before the strings */
};

struct nsi_record {
	unsigned int line;	/* 1-based line number in its file */
	size_t nr_fields;
	struct nsi_field *fields;	/* in the order they were written */
	char *buf;		/* owns the strings the fields point to; NULL in a file */
};

/*
 * What was wrong, and where. The reason quotes only validated keys, never
 * value bytes, so it is safe to print.
 */
struct nsi_parse_error {
	unsigned int line;
	char reason[128];
};

/*
 * A whole file: its records, and its comment lines kept aside. The file
 * owns every string and field its records point to.
 */
struct nsi_file {
	size_t nr_records;
	struct nsi_record *records;
	size_t nr_comments;
	char **comments;	/* whole lines, '#' included */
	char *buf;		/* the file's bytes, cut into keys and values */
	struct nsi_field *fields;	/* every record's fields, in file order */
};

/*
 * Parse one record line (NUL-terminated, no trailing newline).
 * Returns 0, or -EBADMSG with @err filled in and @rec left empty.
 * Duplicate keys are malformed: the module never writes them, so a
 * duplicate means the output is not what we think it is.
 */
int nsi_record_parse(const char *line, unsigned int lineno,
		     struct nsi_record *rec, struct nsi_parse_error *err);
/* Only for records from nsi_record_parse(): a file frees its own. */
void nsi_record_free(struct nsi_record *rec);

/* Value of @key in @rec, or NULL if the module did not write that key. */
const char *nsi_record_get(const struct nsi_record *rec, const char *key);

/* True if @value is the "none" marker "-". */
bool nsi_is_none(const char *value);

/*
 * Strict decimal numbers, of values and of command-line arguments: digits
 * only (a '-' first for nsi_parse_ll()), no blanks, no overflow.
 */
bool nsi_parse_ll(const char *s, long long *out);
bool nsi_parse_ull(const char *s, unsigned long long *out);

/*
 * Read records from @fp until EOF. Empty lines are skipped, comment lines
 * go to file->comments. Returns 0; -EBADMSG with @err filled in for
 * malformed input; or -errno if reading failed. On error the records
 * before the bad line are kept, so a caller can still look at a header;
 * nsi_file_free() must be called in every case.
 */
int nsi_file_parse(FILE *fp, struct nsi_file *file,
		   struct nsi_parse_error *err);
void nsi_file_free(struct nsi_file *file);

#endif /* NSI_RECORD_H */
