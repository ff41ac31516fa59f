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
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
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
#define KEY_HASH_INIT	2166136261u

static unsigned int key_hash_step(unsigned int h, char c)
{
	return (h ^ (unsigned char)c) * 16777619u;
}

static unsigned int key_hash(const char *key)
{
	unsigned int h = KEY_HASH_INIT;

	while (*key)
		h = key_hash_step(h, *key++);
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
		/* Value bytes that stand for themselves; a space ends the value. */
		if (c > 0x20 && c != 0x7f && c != '\\' && c != '=')
			byte_class[c] |= PLAIN;
	}
}

static bool is_odigit(char c)
{
	return c >= '0' && c <= '7';
}

/* The end of a field: the separating space or the end of the line. */
static bool field_end(char c)
{
	return c == ' ' || !c;
}

/*
 * Undo the module's escaping of the value at @val in place (the result is
 * never longer), up to the field's end: *@end gets where that is, *@endc
 * the byte that was there. Returns NULL, or what is wrong with *@bad
 * pointing at the offending byte.
 */
static const char *unescape(char *val, char **end, char *endc, const char **bad)
{
	char *r = val, *w;

	/* Most values have nothing to undo: nothing to copy until they do. */
	while (byte_class[(unsigned char)*r] & PLAIN)
		r++;
	for (w = r; !field_end(*r); ) {
		unsigned char c = *r;
		unsigned int v;
		int i;

		if (byte_class[c] & PLAIN) {
			*w++ = *r++;
			continue;
		}
		*bad = r;
		if (c == '\\') {
			/* In order, so the field's end stops the scan before the next byte. */
			for (i = 1, v = 0; i <= 3; i++) {
				if (field_end(r[i]))
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
		return "unescaped control byte";
	}
	*end = r;
	*endc = *r;
	*w = '\0';
	return NULL;
}

/*
 * Parse the field at @tok, found at column @col, into @rec in one pass,
 * NUL-terminating its key and value in place; *@end gets the byte that
 * ended it (a space or the line's NUL), as it was before. @seen has a bit
 * per key hash value mod 64 already in @rec: keys are compared only when
 * the bits collide.
 */
static int parse_field(struct nsi_record *rec, char *tok, size_t col, uint64_t *seen,
		       char *endc, char **end, struct nsi_parse_error *err)
{
	unsigned int hash = KEY_HASH_INIT;
	const char *problem, *bad;
	char *k, *val;
	size_t i;

	for (k = tok; byte_class[(unsigned char)*k] & KEY; k++)
		hash = key_hash_step(hash, *k);
	if (*k != '=') {
		for (val = k; !field_end(*val) && *val != '='; val++)
			;
		if (*val != '=')
			return fail(err, rec->line, "missing '=' in field at column %zu", col);
		return fail(err, rec->line, "invalid byte in key at column %zu",
			    col + (size_t)(k - tok));
	}
	if (k == tok)
		return fail(err, rec->line, "empty key at column %zu", col);
	*k = '\0';
	for (i = 0; (*seen >> (hash % 64) & 1) && i < rec->nr_fields; i++)
		if (rec->fields[i].hash == hash && !strcmp(rec->fields[i].key, tok))
			return fail(err, rec->line, "duplicate key '%.40s' at column %zu",
				    tok, col);
	*seen |= 1ull << (hash % 64);
	val = k + 1;
	/* "None" is written as "-", so an empty value is never valid. */
	if (field_end(*val))
		return fail(err, rec->line, "empty value for key '%.40s' at column %zu",
			    tok, col);
	problem = unescape(val, end, endc, &bad);
	if (problem)
		return fail(err, rec->line, "%s in value of key '%.40s' at column %zu",
			    problem, tok, col + (size_t)(bad - tok));
	rec->fields[rec->nr_fields].key = tok;
	rec->fields[rec->nr_fields].value = val;
	rec->fields[rec->nr_fields].hash = hash;
	rec->nr_fields++;
	return 0;
}

/*
 * Parse @line (NUL-terminated, @len bytes) in place into @rec, whose
 * fields go to @fields: room for max_fields(@len).
 */
static int parse_in_place(char *line, size_t len, unsigned int lineno,
			  struct nsi_field *fields, struct nsi_record *rec,
			  struct nsi_parse_error *err)
{
	uint64_t seen = 0;
	char *p, *end = line, endc;
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

	rec->fields = fields;
	for (p = line; ; p = end + 1) {
		size_t col = (size_t)(p - line) + 1;

		if (field_end(*p)) {
			/* The separator is exactly one space, nowhere else. */
			if (col == 1)
				ret = fail(err, lineno, "leading space");
			else if (!*p)
				ret = fail(err, lineno, "trailing space");
			else
				ret = fail(err, lineno, "double space at column %zu", col - 1);
			break;
		}
		ret = parse_field(rec, p, col, &seen, &endc, &end, err);
		if (ret || !endc)
			break;
	}
	if (ret) {
		memset(rec, 0, sizeof(*rec));
		rec->line = lineno;
	}
	return ret;
}

/*
 * A field takes at least four bytes, "k=v" and a separator, so a line of
 * @len bytes has at most this many; a line too long is refused before its
 * first field.
 */
static size_t max_fields(size_t len)
{
	return (len > NSI_RECORD_LINE_MAX ? 0 : len / 4) + 1;
}

int nsi_record_parse(const char *line, unsigned int lineno,
		     struct nsi_record *rec, struct nsi_parse_error *err)
{
	size_t len = strlen(line);
	struct nsi_field *fields;
	char *buf;
	int ret;

	buf = xstrdup(line);
	fields = xreallocarray(NULL, max_fields(len), sizeof(*fields));
	ret = parse_in_place(buf, len, lineno, fields, rec, err);
	if (ret) {
		free(buf);
		free(fields);
		return ret;
	}
	rec->buf = buf;
	return 0;
}

void nsi_record_free(struct nsi_record *rec)
{
	free(rec->fields);
	free(rec->buf);
	memset(rec, 0, sizeof(*rec));
}

/*
 * The module writes a file's keys in the same order in every record, so
 * where a key was last found is almost always where it is next time. The
 * key's address (callers pass literals) picks where that is remembered;
 * the strcmp() decides, so a clash costs time, never a wrong answer.
 */
const char *nsi_record_get(const struct nsi_record *rec, const char *key)
{
	static size_t last_pos[256];
	size_t *pos = &last_pos[(uint64_t)(uintptr_t)key * 0x9e3779b97f4a7c15ull >> 56];
	unsigned int hash;
	size_t i;

	if (*pos < rec->nr_fields && !strcmp(rec->fields[*pos].key, key))
		return rec->fields[*pos].value;
	hash = key_hash(key);
	for (i = 0; i < rec->nr_fields; i++)
		if (rec->fields[i].hash == hash && !strcmp(rec->fields[i].key, key)) {
			*pos = i;
			return rec->fields[i].value;
		}
	return NULL;
}

bool nsi_is_none(const char *value)
{
	return value && !strcmp(value, "-");
}

/* All of @fp, NUL-terminated, in one buffer; debugfs files have no size. */
static int read_all(FILE *fp, char **bufp, size_t *lenp)
{
	size_t cap = 1 << 16, len = 0, n;
	char *buf = xreallocarray(NULL, cap, 1);

	do {
		if (cap - len < 2) {
			buf = xreallocarray(buf, cap, 2);
			cap *= 2;
		}
		n = fread(buf + len, 1, cap - len - 1, fp);
		len += n;
	} while (n);
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	if (ferror(fp))
		return errno ? -errno : -EIO;
	return 0;
}

/*
 * One read for the whole file: records point into file->buf, their fields
 * into file->fields.
 */
int nsi_file_parse(FILE *fp, struct nsi_file *file,
		   struct nsi_parse_error *err)
{
	size_t len, i, nr_fields = 0, cap_fields = 0, cap_records = 0, cap_comments = 0;
	unsigned int lineno = 0;
	char *p, *end, *nl;
	int ret;

	memset(file, 0, sizeof(*file));
	errno = 0;
	ret = read_all(fp, &file->buf, &len);
	end = file->buf + len;
	for (p = file->buf; !ret && p < end; p = nl + 1) {
		struct nsi_record *rec;

		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		*nl = '\0';
		/* A NUL would silently cut the line short: binary, not ours. */
		if (strlen(p) != (size_t)(nl - p)) {
			ret = fail(err, lineno, "NUL byte in line");
			break;
		}
		if (p == nl)
			continue;
		if (p[0] == '#') {
			if (file->nr_comments == cap_comments) {
				cap_comments = cap_comments ? 2 * cap_comments : 4;
				file->comments = xreallocarray(file->comments, cap_comments,
							       sizeof(*file->comments));
			}
			file->comments[file->nr_comments++] = p;
			continue;
		}
		if (file->nr_records == cap_records) {
			cap_records = cap_records ? 2 * cap_records : 64;
			file->records = xreallocarray(file->records, cap_records,
						      sizeof(*file->records));
		}
		while (cap_fields - nr_fields < max_fields((size_t)(nl - p))) {
			cap_fields = cap_fields ? 2 * cap_fields : 1024;
			file->fields = xreallocarray(file->fields, cap_fields,
						     sizeof(*file->fields));
		}
		rec = &file->records[file->nr_records];
		ret = parse_in_place(p, (size_t)(nl - p), lineno, file->fields + nr_fields,
				     rec, err);
		if (!ret) {
			nr_fields += rec->nr_fields;
			file->nr_records++;
		}
	}
	/* Only now is file->fields where it stays. */
	for (i = 0, nr_fields = 0; i < file->nr_records; i++) {
		file->records[i].fields = file->fields + nr_fields;
		nr_fields += file->records[i].nr_fields;
	}
	return ret;
}

void nsi_file_free(struct nsi_file *file)
{
	free(file->records);
	free(file->fields);
	free(file->comments);
	free(file->buf);
	memset(file, 0, sizeof(*file));
}

/* Decimal digits only, no sign or blanks; strtoull() is slow and lax. */
bool nsi_parse_ull(const char *s, unsigned long long *out)
{
	unsigned long long n = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++)
		if (__builtin_mul_overflow(n, 10, &n) ||
		    __builtin_add_overflow(n, (unsigned int)(*s - '0'), &n))
			return false;
	*out = n;
	return !*s;
}

bool nsi_parse_ll(const char *s, long long *out)
{
	unsigned long long n;
	bool neg = *s == '-';

	if (!nsi_parse_ull(s + neg, &n) || n > (unsigned long long)LLONG_MAX + neg)
		return false;
	*out = neg ? (long long)(0 - n) : (long long)n;
	return true;
}
