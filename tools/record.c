// SPDX-License-Identifier: GPL-2.0
/*
 * Parser for the nsinspect record format; see record.h for the format.
 *
 * The parser is strict: the module is the only writer, so anything that
 * does not follow the format means a module bug or a wrong file, and
 * guessing would hide it. Forward compatibility is the callers' job
 * (they ignore keys they do not know), not the parser's.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "record.h"
#include "xalloc.h"

static __printf(3, 4) int fail(struct nsi_parse_error *err, unsigned int line,
				const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

/* FNV-1a: thousands of records times a dozen lookups each want a cheap filter. */
static unsigned int key_hash(const char *key)
{
	unsigned int h = 2166136261u;

	while (*key)
		h = (h ^ (unsigned char)*key++) * 16777619u;
	return h;
}

/*
 * Byte classes, looked up rather than compared: parsing is most of what
 * the tool does on a large system.
 */
enum { KEY = 1, PLAIN = 2 };
static unsigned char byte_class[256];

static void init_byte_class(void)
{
	unsigned int c;

	if (byte_class['a'])
		return;
	for (c = 0; c < 256; c++) {
		/* Keys are identifiers chosen by the module: keep them plain. */
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.')
			byte_class[c] |= KEY;
		/* Value bytes that stand for themselves. */
		if (c >= 0x20 && c != 0x7f && c != '\\' && c != '=')
			byte_class[c] |= PLAIN;
	}
}

static bool is_odigit(char c)
{
	return c >= '0' && c <= '7';
}

/*
 * Undo the module's escaping in place (the result is never longer).
 * Returns NULL, or what is wrong with *@bad pointing at the offending byte.
 */
static const char *unescape(char *val, const char **bad)
{
	char *r = val, *w = val;

	while (*r) {
		unsigned char c = *r;
		unsigned int v;
		int i;

		if (byte_class[c] & PLAIN) {
			*w++ = *r++;
			continue;
		}
		*bad = r;
		if (c == '\\') {
			/* In order, so a NUL ends the scan before the next byte. */
			for (i = 1, v = 0; i <= 3; i++) {
				if (!r[i])
					return "truncated escape";
				if (!is_odigit(r[i]))
					return "invalid escape";
				v = v << 3 | (unsigned int)(r[i] - '0');
			}
			if (v > 0377)
				return "escape out of range";
			/* Values become C strings; the kernel's never hold NUL anyway. */
			if (!v)
				return "escaped NUL";
			*w++ = (char)v;
			r += 4;
			continue;
		}
		if (c == '=')
			return "unescaped '='";
		if (c < 0x20 || c == 0x7f)
			return "unescaped control byte";
		/* Bytes >= 0x80 pass: paths and names may be UTF-8. */
		*w++ = *r++;
	}
	*w = '\0';
	return NULL;
}

/* Parse the NUL-terminated field @tok, found at column @col, into @rec. */
static int parse_field(struct nsi_record *rec, char *tok, size_t col,
		       struct nsi_parse_error *err)
{
	char *eq = strchr(tok, '=');
	const char *problem, *bad;
	unsigned int hash;
	char *k;
	size_t i;

	if (!eq)
		return fail(err, rec->line, "missing '=' in field at column %zu", col);
	if (eq == tok)
		return fail(err, rec->line, "empty key at column %zu", col);
	*eq = '\0';
	for (k = tok; *k; k++)
		if (!(byte_class[(unsigned char)*k] & KEY))
			return fail(err, rec->line, "invalid byte in key at column %zu",
				    col + (size_t)(k - tok));
	hash = key_hash(tok);
	for (i = 0; i < rec->nr_fields; i++)
		if (rec->fields[i].hash == hash && !strcmp(rec->fields[i].key, tok))
			return fail(err, rec->line, "duplicate key '%.40s' at column %zu",
				    tok, col);
	/* "None" is written as "-", so an empty value is never valid. */
	if (!eq[1])
		return fail(err, rec->line, "empty value for key '%.40s' at column %zu",
			    tok, col);
	problem = unescape(eq + 1, &bad);
	if (problem)
		return fail(err, rec->line, "%s in value of key '%.40s' at column %zu",
			    problem, tok, col + (size_t)(bad - tok));
	rec->fields[rec->nr_fields].key = tok;
	rec->fields[rec->nr_fields].value = eq + 1;
	rec->fields[rec->nr_fields].hash = hash;
	rec->nr_fields++;
	return 0;
}

int nsi_record_parse(const char *line, unsigned int lineno,
		     struct nsi_record *rec, struct nsi_parse_error *err)
{
	size_t len = strlen(line), nr = 1, i;
	char *p, *sp;
	int ret;

	init_byte_class();
	memset(rec, 0, sizeof(*rec));
	rec->line = lineno;
	if (len > NSI_RECORD_LINE_MAX)
		return fail(err, lineno, "line too long (%zu bytes, limit %d)",
			    len, NSI_RECORD_LINE_MAX);
	if (!len)
		return fail(err, lineno, "empty line where a record was expected");
	if (line[0] == '#')
		return fail(err, lineno, "comment where a record was expected");

	for (i = 0; i < len; i++)
		if (line[i] == ' ')
			nr++;
	rec->buf = xstrdup(line);
	rec->fields = xreallocarray(NULL, nr, sizeof(*rec->fields));

	for (p = rec->buf; ; p = sp + 1) {
		size_t col = (size_t)(p - rec->buf) + 1;

		sp = strchr(p, ' ');
		if (sp)
			*sp = '\0';
		if (!*p) {
			/* The separator is exactly one space, nowhere else. */
			if (col == 1)
				ret = fail(err, lineno, "leading space");
			else if (!sp)
				ret = fail(err, lineno, "trailing space");
			else
				ret = fail(err, lineno, "double space at column %zu", col - 1);
			goto out_free;
		}
		ret = parse_field(rec, p, col, err);
		if (ret)
			goto out_free;
		if (!sp)
			return 0;
	}

out_free:
	nsi_record_free(rec);
	rec->line = lineno;
	return ret;
}

void nsi_record_free(struct nsi_record *rec)
{
	free(rec->fields);
	free(rec->buf);
	memset(rec, 0, sizeof(*rec));
}

const char *nsi_record_get(const struct nsi_record *rec, const char *key)
{
	unsigned int hash = key_hash(key);
	size_t i;

	for (i = 0; i < rec->nr_fields; i++)
		if (rec->fields[i].hash == hash && !strcmp(rec->fields[i].key, key))
			return rec->fields[i].value;
	return NULL;
}

bool nsi_is_none(const char *value)
{
	return value && !strcmp(value, "-");
}

int nsi_file_parse(FILE *fp, struct nsi_file *file,
		   struct nsi_parse_error *err)
{
	size_t cap_records = 0, cap = 0;
	unsigned int lineno = 0;
	char *line = NULL;
	ssize_t len;
	int ret = 0;

	memset(file, 0, sizeof(*file));
	for (;;) {
		errno = 0;
		len = getline(&line, &cap, fp);
		if (len < 0)
			break;
		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		/* A NUL would silently cut the line short: binary, not ours. */
		if (memchr(line, '\0', (size_t)len)) {
			ret = fail(err, lineno, "NUL byte in line");
			break;
		}
		if (!len)
			continue;
		if (line[0] == '#') {
			file->comments = xreallocarray(file->comments, file->nr_comments + 1,
						       sizeof(*file->comments));
			file->comments[file->nr_comments++] = xstrdup(line);
			continue;
		}
		if (file->nr_records == cap_records) {
			cap_records = cap_records ? 2 * cap_records : 16;
			file->records = xreallocarray(file->records, cap_records,
						      sizeof(*file->records));
		}
		ret = nsi_record_parse(line, lineno, &file->records[file->nr_records], err);
		if (ret)
			break;
		file->nr_records++;
	}
	if (!ret && ferror(fp))
		ret = errno ? -errno : -EIO;
	free(line);
	return ret;
}

void nsi_file_free(struct nsi_file *file)
{
	size_t i;

	for (i = 0; i < file->nr_records; i++)
		nsi_record_free(&file->records[i]);
	for (i = 0; i < file->nr_comments; i++)
		free(file->comments[i]);
	free(file->records);
	free(file->comments);
	memset(file, 0, sizeof(*file));
}
